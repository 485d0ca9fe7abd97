#!/usr/bin/env bash
# Installs what servicelab's build and tests need, and nothing that is
# already there. Every tool comes from a package registry (crates.io, npm,
# Debian); nothing is downloaded from anywhere else, and trunk never fetches
# tools itself (Trunk.toml: offline = true).
#
#   scripts/setup.sh build   wasm32 target, wasm-bindgen-cli, trunk, wasm-opt, crates
#   scripts/setup.sh test    build + Chromium/ChromeDriver + the e2e npm packages
#   scripts/setup.sh env     print the PATH line the Makefile uses (no installs)
#   scripts/setup.sh check   report what is missing, install nothing (exit 1 if any)
#
# Each ensure_* function checks first and stays silent when the tool is
# there. The Makefile puts .tools/node_modules/.bin (binaryen's wasm-opt) and
# ~/.cargo/bin ahead of /usr/bin on PATH; this script does the same for
# itself, so it can also be run on its own.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$ROOT/.tools"
E2E="$ROOT/tests/e2e"

TRUNK_VERSION="0.21.14"
BINARYEN_VERSION="132"
WASM_TARGET="wasm32-unknown-unknown"

CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}"
export PATH="$TOOLS/node_modules/.bin:$CARGO_HOME/bin:$PATH"

say() { printf 'setup: %s\n' "$*" >&2; }
die() { printf 'setup: error: %s\n' "$*" >&2; exit 1; }

# Runs a long, chatty install with its output kept in a log; shows the log
# only when the install fails.
quietly() {
    local log
    log="$(mktemp "${TMPDIR:-/tmp}/servicelab-setup.XXXXXX")"
    local rc=0
    "$@" >"$log" 2>&1 || rc=$?
    if [ "$rc" = 0 ]; then
        rm -f "$log"
    else
        tail -n 60 "$log" >&2
        say "failed ($rc): $* (full log: $log)"
        return "$rc"
    fi
}

as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"
    elif command -v sudo >/dev/null; then sudo "$@"
    else die "need root for: $*"
    fi
}

# The wasm-bindgen version Cargo.lock pins. The CLI must match it exactly.
wasm_bindgen_version() {
    local v
    v="$(awk '/^\[\[package\]\]/{p=0} /^name = "wasm-bindgen"$/{p=1} p && /^version = /{gsub(/"/,"",$3); print $3; exit}' "$ROOT/Cargo.lock" 2>/dev/null || true)"
    if [ -z "$v" ]; then
        # No lockfile entry yet: let cargo resolve it.
        v="$(cd "$ROOT" && cargo pkgid wasm-bindgen 2>/dev/null | sed 's/.*[@#]//')"
    fi
    [ -n "$v" ] || die "cannot find wasm-bindgen's version in Cargo.lock"
    printf '%s\n' "$v"
}

# Trunk.toml names the same version; keep the two from drifting apart.
check_trunk_toml() {
    local want have
    want="$(wasm_bindgen_version)"
    have="$(sed -n 's/^wasm_bindgen *= *"\(.*\)".*/\1/p' "$ROOT/Trunk.toml")"
    [ "$want" = "$have" ] ||
        die "Trunk.toml [tools] wasm_bindgen = \"$have\" but Cargo.lock pins wasm-bindgen $want; update Trunk.toml"
}

tool_version() { "$@" 2>/dev/null | head -n 1 || true; }

# --- checks -------------------------------------------------------------

have_wasm_target() { rustup target list --installed 2>/dev/null | grep -qx "$WASM_TARGET"; }
have_wasm_bindgen() {
    local v; v="$(wasm_bindgen_version)"
    [ "$(tool_version wasm-bindgen --version)" = "wasm-bindgen $v" ] &&
        [ "$(tool_version wasm-bindgen-test-runner --version)" = "wasm-bindgen-test-runner $v" ]
}
have_trunk() { [ "$(tool_version trunk --version)" = "trunk $TRUNK_VERSION" ]; }
have_wasm_opt() {
    [ -x "$TOOLS/node_modules/.bin/wasm-opt" ] &&
        tool_version "$TOOLS/node_modules/.bin/wasm-opt" --version | grep -q "^wasm-opt version $BINARYEN_VERSION "
}
have_chromium() { [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; }
have_e2e_deps() {
    # npm ci writes node_modules/.package-lock.json after reading the lockfile.
    [ -f "$E2E/node_modules/playwright-core/package.json" ] &&
        [ -f "$E2E/node_modules/.package-lock.json" ] &&
        { [ ! -f "$E2E/package-lock.json" ] || [ ! "$E2E/package-lock.json" -nt "$E2E/node_modules/.package-lock.json" ]; }
}

# --- installs -----------------------------------------------------------

ensure_wasm_target() {
    have_wasm_target && return
    say "adding rust target $WASM_TARGET"
    quietly rustup target add "$WASM_TARGET"
}

ensure_wasm_bindgen() {
    have_wasm_bindgen && return
    local v; v="$(wasm_bindgen_version)"
    # Not --locked: a dependency version its lockfile names is missing from
    # the registry mirror here, so the locked build fails.
    say "installing wasm-bindgen-cli $v from crates.io (about 5 minutes)"
    quietly cargo install --force wasm-bindgen-cli --version "$v"
    have_wasm_bindgen || die "wasm-bindgen-cli $v installed but not found first on PATH ($(command -v wasm-bindgen))"
}

ensure_trunk() {
    have_trunk && return
    # --locked: without it trunk's dependencies resolve to a lightningcss that
    # does not compile.
    say "installing trunk $TRUNK_VERSION from crates.io (about 10 minutes)"
    quietly cargo install --force trunk --version "$TRUNK_VERSION" --locked
    have_trunk || die "trunk $TRUNK_VERSION installed but not found first on PATH ($(command -v trunk))"
}

ensure_wasm_opt() {
    # Debian's binaryen (108) cannot read today's rustc output; binaryen's npm
    # package ships a current wasm-opt. It lives in .tools/, ahead of /usr/bin.
    have_wasm_opt && return
    say "installing wasm-opt (binaryen@$BINARYEN_VERSION) from npm into .tools/"
    mkdir -p "$TOOLS"
    [ -f "$TOOLS/package.json" ] || printf '{ "private": true, "description": "servicelab build tools (not committed)" }\n' >"$TOOLS/package.json"
    quietly npm install --prefix "$TOOLS" --no-audit --no-fund --save-exact "binaryen@$BINARYEN_VERSION"
    have_wasm_opt || die "wasm-opt $BINARYEN_VERSION not runnable from $TOOLS/node_modules/.bin"
}

ensure_crates() {
    # Trunk builds with `cargo build --offline`: have every crate first.
    # Silent when everything is in ~/.cargo/registry already.
    (cd "$ROOT" && quietly cargo fetch)
}

ensure_chromium() {
    have_chromium && return
    say "installing chromium and chromium-driver from Debian"
    export DEBIAN_FRONTEND=noninteractive
    if ! apt-cache policy chromium-driver 2>/dev/null | grep -q 'Candidate: [0-9]'; then
        quietly as_root apt-get update
    fi
    quietly as_root apt-get install -y --no-install-recommends chromium chromium-driver
    have_chromium || die "chromium installed but /usr/bin/chromium or /usr/bin/chromedriver is missing"
}

ensure_e2e_deps() {
    have_e2e_deps && return
    say "installing the end-to-end test's npm packages into tests/e2e/node_modules"
    if [ -f "$E2E/package-lock.json" ]; then
        (cd "$E2E" && quietly npm ci --no-audit --no-fund)
    else
        (cd "$E2E" && quietly npm install --no-audit --no-fund)
    fi
}

# --- entry points -------------------------------------------------------

setup_build() {
    ensure_wasm_target
    ensure_wasm_bindgen
    ensure_trunk
    ensure_wasm_opt
    check_trunk_toml
    ensure_crates
}

setup_test() {
    setup_build
    ensure_chromium
    ensure_e2e_deps
}

check_only() {
    local missing=0 name
    for name in wasm_target wasm_bindgen trunk wasm_opt chromium e2e_deps; do
        if "have_$name"; then echo "ok       $name"; else echo "MISSING  $name"; missing=1; fi
    done
    return "$missing"
}

main() {
    [ $# -gt 0 ] || set -- build
    local what
    for what in "$@"; do
        case "$what" in
            build) setup_build ;;
            test) setup_test ;;
            check) check_only ;;
            env) printf 'PATH=%s\n' "$PATH" ;;
            wasm_target | wasm_bindgen | trunk | wasm_opt | crates | chromium | e2e_deps) "ensure_$what" ;;
            *) die "unknown step '$what' (build, test, check, env, or one tool)" ;;
        esac
    done
}

main "$@"
