#!/usr/bin/env bash
# go-install-as.sh PACKAGE@VERSION DEST: `go install` a command and put it at DEST under its own
# name (Temporal's server, SQL tool and UI server are all built as `server` or `sql`).
set -euo pipefail
pkg=$1 dest=$2
gobin=$(mktemp -d)
trap 'rm -rf "$gobin"' EXIT
GOBIN=$gobin "${GO:-go}" install "$pkg"
mkdir -p "$(dirname "$dest")"
mv "$gobin"/* "$dest"
