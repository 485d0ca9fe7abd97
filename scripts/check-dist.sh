#!/usr/bin/env bash
# Checks that a trunk release build is a self-contained static site:
# index.html, one .wasm, its JS glue and the CSS are there, and index.html
# refers to them by relative paths only (no "/…" or "http…" baked in), so
# dist/ works from any folder of any static file server.
set -euo pipefail
dist="${1:-dist}"
fail() { printf 'check-dist: %s\n' "$*" >&2; exit 1; }

[ -f "$dist/index.html" ] || fail "$dist/index.html is missing"
compgen -G "$dist/*.wasm" >/dev/null || fail "no .wasm in $dist/"
compgen -G "$dist/*.js" >/dev/null || fail "no .js in $dist/"
compgen -G "$dist/*.css" >/dev/null || fail "no .css in $dist/"

# Every src=, href= and import/module path in index.html must be relative.
# (The course data, JSON lines in one script element, is left out: its text
# is not markup.)
page="$(perl -0pe 's#(<script type="application/json" id="servicelab-course">).*?(</script>)#$1$2#s' "$dist/index.html")"
refs="$(printf '%s\n' "$page" | grep -oE "(src|href)=\"[^\"]*\"|(from|import\(|module_or_path:) *'[^']*'|(from|import\(|module_or_path:) *\"[^\"]*\"" || true)"
[ -n "$refs" ] || fail "index.html references no assets"
bad="$(printf '%s\n' "$refs" | grep -E "[\"'](/|[a-z]+:)" || true)"
[ -z "$bad" ] || fail "index.html has absolute references: $(echo $bad)"
# Each referenced local file exists.
printf '%s\n' "$refs" | sed -E "s/^[^\"']*[\"']//; s/[\"']$//; s/[?#].*//" | while read -r ref; do
    [ -e "$dist/$ref" ] || fail "index.html refers to $ref, which is not in $dist/"
done
# The authors' page is there, with its own wasm.
[ -f "$dist/author/index.html" ] || fail "$dist/author/index.html (the authors' page) is missing"
compgen -G "$dist/author/*.wasm" >/dev/null || fail "no .wasm in $dist/author/"
# The course is in the page (servicelab build), not empty.
grep -q '<script type="application/json" id="servicelab-course">{"format":' "$dist/index.html" \
    || fail "index.html holds no course data (servicelab build did not run)"
# A release site ships each text asset precompressed beside it.
for f in "$dist"/*.html "$dist"/*.wasm "$dist"/*.js "$dist"/*.css; do
    [ -f "$f.gz" ] && [ -f "$f.br" ] || fail "$f has no .gz and .br beside it"
    [ "$f.gz" -nt "$f" ] || [ ! "$f" -nt "$f.gz" ] || fail "$f.gz is older than $f"
done
echo "check-dist: $dist/ is a relative-path static site ($(ls "$dist" | wc -l) files)"
