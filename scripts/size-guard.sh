#!/usr/bin/env bash
# The student's page may not grow unnoticed: the bytes it downloads before
# the terminal takes input (the .wasm, its JS glue, the CSS and index.html
# with the course), compressed as a static host serves them (gzip -9, and
# the .br files servicelab build wrote), against the ceiling in
# size-ceiling.txt. A commit that makes the page bigger raises the ceiling
# in the same commit and says what the bytes bought; a commit that makes it
# smaller lowers it. The budget the ceiling must come down to is printed
# beside it. Sizes of a release build are deterministic: this is a check,
# not a timing.
#
#   scripts/size-guard.sh [DIST]         check (make test runs it)
#   scripts/size-guard.sh --print [DIST] print the sizes as size-ceiling.txt lines
#   scripts/size-guard.sh --self-test    the guard fails a deliberately bloated
#                                        copy of dist/ (make test runs it too)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
print=0
if [ "${1:-}" = --print ]; then print=1; shift; fi
if [ "${1:-}" = --self-test ]; then
    # A copy of dist/ whose .wasm carries 64 KiB of random bytes more (which
    # no compressor can shrink), in the .wasm and its .br alike.
    copy="$(mktemp -d "${TMPDIR:-/tmp}/servicelab-size-guard.XXXXXX")"
    trap 'rm -rf "$copy"' EXIT
    cp "$ROOT"/dist/*.wasm "$ROOT"/dist/*.wasm.br "$ROOT"/dist/*.js "$ROOT"/dist/*.js.br \
        "$ROOT"/dist/*.css "$ROOT"/dist/*.css.br "$ROOT"/dist/index.html "$ROOT"/dist/index.html.br "$copy"/
    for f in "$copy"/*.wasm "$copy"/*.wasm.br; do head -c 65536 /dev/urandom >>"$f"; done
    "$0" "$ROOT/dist" >/dev/null || { echo "size-guard self-test: dist/ itself is over the ceiling" >&2; exit 1; }
    if "$0" "$copy" >/dev/null 2>&1; then
        echo "size-guard self-test: a page 64 KiB bigger passed the guard" >&2
        exit 1
    fi
    echo "size-guard self-test: a page 64 KiB bigger fails the guard"
    exit 0
fi
dist="${1:-$ROOT/dist}"
ceiling_file="$ROOT/size-ceiling.txt"
fail() { printf 'size-guard: %s\n' "$*" >&2; exit 1; }

gz=0 br=0
for kind in wasm js css html; do
    for f in "$dist"/*."$kind"; do
        [ -e "$f" ] || continue
        [ -f "$f.br" ] || fail "$f has no .br beside it (run make dist)"
        gz=$((gz + $(gzip -9 -c "$f" | wc -c)))
        br=$((br + $(stat -c %s "$f.br")))
    done
done
[ "$gz" -gt 0 ] || fail "no page in $dist (run make dist)"

if [ "$print" = 1 ]; then
    printf 'gzip %s\nbrotli %s\n' "$gz" "$br"
    exit 0
fi

value() { awk -v k="$1" '$1 == k { print $2 }' "$ceiling_file"; }
[ -f "$ceiling_file" ] || fail "$ceiling_file is missing"
max_gz=$(value gzip) max_br=$(value brotli) budget_gz=$(value budget-gzip) budget_br=$(value budget-brotli)
kb() { awk -v b="$1" 'BEGIN { printf "%.1f KB", b / 1000 }'; }
printf "size-guard: the student's page is %s gzip / %s brotli; ceiling %s / %s; budget %s / %s\n" \
    "$(kb "$gz")" "$(kb "$br")" "$(kb "$max_gz")" "$(kb "$max_br")" "$(kb "$budget_gz")" "$(kb "$budget_br")"
over=0
if [ "$gz" -gt "$max_gz" ]; then
    printf 'size-guard: gzip %s bytes is over the ceiling of %s by %s bytes\n' "$gz" "$max_gz" $((gz - max_gz)) >&2
    over=1
fi
if [ "$br" -gt "$max_br" ]; then
    printf 'size-guard: brotli %s bytes is over the ceiling of %s by %s bytes\n' "$br" "$max_br" $((br - max_br)) >&2
    over=1
fi
if [ "$over" = 1 ]; then
    fail "the page grew: make it smaller, or raise size-ceiling.txt in the same commit and say what the bytes buy (make measure shows where they go)"
fi
