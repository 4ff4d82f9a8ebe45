#!/usr/bin/env bash
# The image's build steps, in one place: the Dockerfile runs this script, and CI runs it
# outside docker (no engine there), so what the image runs is what CI tested.
#
#   scripts/build-image-root.sh DEST
#
# Builds from a clean copy of the sources: `npm ci` (with dev dependencies, for tsc),
# `npm run build`, then `npm prune --omit=dev`. DEST gets the runtime tree only:
# dist/, production node_modules/, package.json, app.yml, and the compiled default policy
# (policies/dist/policy.wasm, found relative to dist/). Install scripts are not run:
# driftgate needs none (tree-sitter's grammar ships as wasm).
set -euo pipefail
DEST="${1:?usage: scripts/build-image-root.sh DEST}"
# Resolved before the build changes directory: a relative DEST names a place beside the caller.
mkdir -p "$DEST"
DEST="$(cd "$DEST" && pwd)"
SRC="$(cd "$(dirname "$0")/.." && pwd)"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

cp "$SRC/package.json" "$SRC/package-lock.json" "$SRC/tsconfig.json" "$SRC/tsconfig.build.json" \
  "$SRC/app.yml" "$WORK/"
cp -R "$SRC/src" "$WORK/src"
mkdir -p "$WORK/scripts"
cp "$SRC/scripts/build-cli.ts" "$WORK/scripts/"
cd "$WORK"
npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
npm run build --silent
npm prune --omit=dev --no-audit --no-fund --loglevel=error

rm -rf "${DEST:?}"/*
cp -R dist node_modules package.json app.yml "$DEST/"
mkdir -p "$DEST/policies/dist"
cp "$SRC/policies/dist/policy.wasm" "$DEST/policies/dist/"
echo "runtime tree in $DEST: $(du -sh "$DEST" | cut -f1), $(find "$DEST/node_modules" -maxdepth 2 -name package.json | wc -l) top-level packages"
