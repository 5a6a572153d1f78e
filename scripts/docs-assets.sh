#!/usr/bin/env bash
# Fetches the docs page's renderer (swagger-ui-dist, pinned with its integrity hash in
# web/docs/package-lock.json) from the npm registry and copies the few files the page serves
# into api/docsassets/dist/, which the binary embeds. Install scripts are not run (the package's
# one dependency is an install-time analytics script), and nothing is fetched at run time.
set -euo pipefail
cd "$(dirname "$0")/.."

command -v npm >/dev/null || { echo "npm not found: install Node.js 20+ to build the docs page's assets" >&2; exit 1; }

out=api/docsassets/dist
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cp web/docs/package.json web/docs/package-lock.json "$work/"
(cd "$work" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)

src="$work/node_modules/swagger-ui-dist"
version=$(node -p "require('$src/package.json').version")
files=(swagger-ui-bundle.js swagger-ui.css LICENSE NOTICE)
for f in "${files[@]}"; do
  [ -s "$src/$f" ] || { echo "swagger-ui-dist $version has no $f" >&2; exit 1; }
done

# Replace the folder's files at once, keeping the committed placeholder.
find "$out" -mindepth 1 ! -name PLACEHOLDER -delete
for f in "${files[@]}"; do cp "$src/$f" "$out/$f"; done
# Compressed once here, so that the server sends a quarter of the bytes at no cost per request.
gzip -9 -n -k "$out/swagger-ui-bundle.js" "$out/swagger-ui.css"
echo "$version" >"$out/VERSION"
echo "docs assets: swagger-ui-dist $version in $out" >&2
