#!/usr/bin/env bash
# trunk's post_build hook (Trunk.toml): the course in lessons/ goes into the
# page trunk just built, through the same `servicelab build` an author uses
# to publish a course of their own. A release build also gets its files
# precompressed (.gz, .br); a development build does not (brotli on a debug
# wasm takes a minute).
#
# A lesson with a problem stops the build with servicelab check's messages.
set -euo pipefail
[ "$(basename "${TRUNK_HTML_FILE:-index.html}")" = index.html ] || exit 0
# The authors' page (author.html, built first by `make dist` into
# target/author-site) goes beside the student's page as author/.
if [ -f target/author-site/index.html ]; then
    rm -rf "$TRUNK_STAGING_DIR/author"
    cp -r target/author-site "$TRUNK_STAGING_DIR/author"
fi
flags=()
[ "${TRUNK_PROFILE:-debug}" = release ] || flags+=(--no-compress)
exec cargo run --quiet --bin servicelab -- build lessons --site "$TRUNK_STAGING_DIR" "${flags[@]}"
