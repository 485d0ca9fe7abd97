# servicelab: build, serve and test.
#
#   make serve     build and serve the app at http://127.0.0.1:8080 (PORT=… to change)
#   make dist      release build into dist/ (a static site: python3 -m http.server -d dist)
#   make test      everything CI runs: lint, native tests, wasm tests in headless
#                  Chromium, lesson checks, the page's size against size-ceiling.txt,
#                  end-to-end tests against dist/
#   make lint      cargo fmt --check, clippy (native and wasm32) with -D warnings
#   make measure   dist/ sizes (raw, gzip) and time to a usable terminal in headless Chromium;
#                  MEASURE_FLAGS="--build --test" adds build and per-step test timings
#   make fuzz      the property tests with many cases (before a release; FUZZ_CASES=… to change)
#   make setup     install the build tools only (make setup-test: also Chromium, npm packages)
#
# Each target first runs scripts/setup.sh, which installs what is missing from
# crates.io, npm and Debian, and is silent when everything is there.

SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

CARGO_HOME ?= $(HOME)/.cargo
# binaryen's wasm-opt (npm, in .tools/) must come before Debian's /usr/bin/wasm-opt.
export PATH := $(CURDIR)/.tools/node_modules/.bin:$(CARGO_HOME)/bin:$(PATH)
# trunk: no update check against crates.io on every run.
export TRUNK_SKIP_VERSION_CHECK := true
# wasm-bindgen-test: Debian's chromedriver and Chromium, never a download.
export CHROMEDRIVER := /usr/bin/chromedriver
export WASM_BINDGEN_TEST_WEBDRIVER_JSON := $(CURDIR)/webdriver.json
export WASM_BINDGEN_TEST_TIMEOUT ?= 120
export CARGO_TERM_COLOR ?= $(if $(CI),never,auto)
# CI builds once from a clean clone: incremental caches would only take disk.
ifdef CI
export CARGO_INCREMENTAL := 0
endif

# Steps run in the order listed, one at a time (cargo serializes on its lock anyway).
.NOTPARALLEL:

PORT ?= 8080
SETUP := scripts/setup.sh

.PHONY: help setup setup-test serve dist lint test test-native test-wasm test-lessons test-size test-e2e measure fuzz clean

help:
	@sed -n '3,16p' Makefile | sed 's/^# \{0,1\}//'

setup:
	@$(SETUP) build

setup-test:
	@$(SETUP) test

# A debug build, rebuilt on change; it goes to target/trunk-serve so that dist/
# keeps the release build.
serve: setup
	trunk serve --address 127.0.0.1 --port $(PORT) --dist target/trunk-serve

# The authors' page first (author.html, with the lesson parser), then the
# student's page, whose build hook puts the authors' page in as author/ and
# writes the course into both (scripts/publish-course.sh).
dist: setup
	trunk build --release=true --dist target/author-site author.html
	trunk build --release
	@scripts/check-dist.sh dist

# --- tests, in the order `make test` runs them ------------------------------
# Cheap checks first, the browser last. To add a step, add a target and list
# it here.
test: setup-test lint test-native test-wasm test-lessons test-size test-e2e
	@echo "make test: all steps passed"

lint: setup
	cargo fmt --all --check -- --color $(if $(CI),never,auto)
	cargo clippy --workspace --all-targets -- -D warnings
	cargo clippy --target wasm32-unknown-unknown --all-targets -- -D warnings
	cargo clippy --target wasm32-unknown-unknown --all-targets --features authoring -- -D warnings

test-native: setup
	cargo test --workspace

# The UI's component tests (tests/web_ui.rs, wasm_bindgen_test in the browser).
# chromedriver leaves a ~100 MB profile in $$TMPDIR when a run ends abruptly:
# they go under target/ and are removed after the run, passed or failed.
CHROMEDRIVER_TMP := $(CURDIR)/target/chromedriver-tmp
test-wasm: setup-test
	rm -rf $(CHROMEDRIVER_TMP) && mkdir -p $(CHROMEDRIVER_TMP)
	status=0; TMPDIR=$(CHROMEDRIVER_TMP) cargo test --target wasm32-unknown-unknown --features authoring \
		|| status=$$?; rm -rf $(CHROMEDRIVER_TMP); exit $$status

# Lesson checks: validate every lesson in lessons/ and replay its solutions.
test-lessons: setup
	cargo run --quiet -- check lessons/

# The student's page within its recorded size (size-ceiling.txt), and the
# guard failing a deliberately bloated copy of it.
test-size: setup dist
	scripts/size-guard.sh
	scripts/size-guard.sh --self-test

test-e2e: setup-test dist
	cd tests/e2e && node --test --test-concurrency=1 tests/

measure: setup-test
	scripts/measure.sh $(MEASURE_FLAGS)

# The fuzzers of `make test`, run long: every shell line, manifest and lesson
# they make must get an answer without a panic, within bounded memory and
# time. Optimised (as the benches are), so that many cases fit in minutes.
FUZZ_CASES ?= 20000
fuzz: setup
	PROPTEST_CASES=$(FUZZ_CASES) BUDGET_CASES=$$(( $(FUZZ_CASES) / 20 )) \
	CARGO_PROFILE_RELEASE_OPT_LEVEL=3 CARGO_PROFILE_RELEASE_LTO=false \
	CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 CARGO_PROFILE_RELEASE_DEBUG_ASSERTIONS=true \
	CARGO_PROFILE_RELEASE_OVERFLOW_CHECKS=true CARGO_PROFILE_RELEASE_PANIC=unwind \
	cargo test --release -p servicelab-engine --test suite -- \
		no_panics:: budgets:: reading:: lesson_robustness:: change_detection::

clean:
	rm -rf dist tests/e2e/artifacts
	cargo clean
