#!/bin/sh
# make build: the npm packages of the web UI (package-lock.json) into
# node_modules/, and the browser files of xterm.js into web/vendor/, which
# `jailor serve` serves and meson installs with the rest of web/.
set -eu
cd "$(dirname "$0")/.."
stamp=node_modules/.package-lock.json
if [ ! -e "$stamp" ] || [ package-lock.json -nt "$stamp" ]; then
        npm ci --no-audit --no-fund --loglevel=error
fi
mkdir -p web/vendor
for f in node_modules/@xterm/xterm/lib/xterm.mjs node_modules/@xterm/xterm/css/xterm.css \
         node_modules/@xterm/addon-fit/lib/addon-fit.mjs; do
        cmp -s "$f" "web/vendor/${f##*/}" || cp "$f" web/vendor/
done
