#!/usr/bin/env bash
# Measures, does not test: dist/ sizes (raw and gzip -9), the wasm's code by
# crate and module (scripts/wasm-sizes.mjs), the time from
# navigation to the terminal accepting input in headless Chromium, each
# command's time to output, and with flags, build and test timings.
# `make measure` runs it (after make setup-test).
#
#   scripts/measure.sh [--runs N] [--build] [--test] [--no-dist]
#     --runs N    page loads for the time-to-input median (default 7)
#     --build     also time `make dist` cold (wasm32 release artifacts removed)
#                 and warm (nothing changed)
#     --test      also time each step of `make test`
#     --no-dist   measure dist/ as it is, do not run `make dist` first
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="$ROOT/.tools/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

runs=7 build=0 tests=0 make_dist=1
while [ $# -gt 0 ]; do
    case "$1" in
        --runs) runs="$2"; shift ;;
        --build) build=1 ;;
        --test) tests=1 ;;
        --no-dist) make_dist=0 ;;
        -h | --help) sed -n '2,12p' "$0"; exit 0 ;;
        *) echo "measure: unknown flag $1" >&2; exit 2 ;;
    esac
    shift
done

# Seconds a command takes; its output is kept in a log, and on failure the
# time is followed by "FAILED" and the log's path.
timed() {
    local log start end rc=0
    log="$(mktemp "${TMPDIR:-/tmp}/servicelab-measure.XXXXXX")"
    start=$(date +%s.%N)
    "$@" >"$log" 2>&1 || rc=$?
    end=$(date +%s.%N)
    awk -v a="$start" -v b="$end" 'BEGIN { printf "%6.1f s", b - a }'
    if [ "$rc" = 0 ]; then rm -f "$log"; else printf '  FAILED (exit %s, log: %s)' "$rc" "$log"; fi
}

if [ "$build" = 1 ]; then
    echo "build timings (2 cores):"
    cargo clean --release --target wasm32-unknown-unknown >/dev/null 2>&1
    printf '  make dist, cold (wasm32 release target removed)  %s\n' "$(timed make --no-print-directory dist)"
    printf '  make dist, warm (nothing changed)                %s\n' "$(timed make --no-print-directory dist)"
    make_dist=0
fi

if [ "$tests" = 1 ]; then
    echo "make test, step by step (tools already installed):"
    for step in lint test-native test-wasm test-lessons test-e2e; do
        printf '  make %-14s %s\n' "$step" "$(timed make --no-print-directory "$step")"
    done
    make_dist=0
fi

if [ "$make_dist" = 1 ]; then
    make --no-print-directory dist >/dev/null
fi
[ -f dist/index.html ] || { echo "measure: no dist/index.html; run make dist" >&2; exit 1; }

echo "dist/ sizes, what the student's page loads (bytes; gzip -9; the .br servicelab build wrote):"
total_raw=0 total_gz=0 total_br=0
row() { printf '  %-6s %-44s %9s %9s %9s\n' "$@"; }
row kind file raw gzip brotli
for kind in wasm js css html svg; do
    for f in dist/*."$kind"; do
        [ -e "$f" ] || continue
        raw=$(stat -c %s "$f")
        gz=$(gzip -9 -c "$f" | wc -c)
        br=$(if [ -f "$f.br" ]; then stat -c %s "$f.br"; else echo 0; fi)
        total_raw=$((total_raw + raw)) total_gz=$((total_gz + gz)) total_br=$((total_br + br))
        row "$kind" "${f#dist/}" "$raw" "$gz" "$br"
    done
done
row total "" "$total_raw" "$total_gz" "$total_br"
scripts/size-guard.sh dist || true
# The authors' page (author/) is not loaded by the student's page.
[ -d dist/author ] && echo "  (author/: the authors' page, $(du -sk dist/author | cut -f1) KiB on disk with its .gz and .br, not counted)"
# Where the wasm's bytes go, by crate and by servicelab's modules.
node scripts/wasm-sizes.mjs --top 20 || true

(cd tests/e2e && node measure.mjs --runs "$runs")
# Time to input on a deep link with saved work, and each command's latency.
(cd tests/e2e && node tests/budget.measure.mjs --runs "$runs")
