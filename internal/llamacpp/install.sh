#!/usr/bin/env bash
# install.sh - fetch the prebuilt llama.cpp libraries used by ggufmerge's end-to-end tests.
#
#   internal/llamacpp/install.sh [DIR]     (DIR defaults to $HOME/.cache/ggufmerge/llama)
#
# Installs exactly @node-llama-cpp/linux-x64@3.22.1 (llama.cpp release v0.5.0, prebuilt, CPU only) with npm,
# without running any install script and without optional packages, then prints the library folder.
# Nothing is compiled. Idempotent: a second run only checks the installed version.
# Exit status 0 on success; 3 when it cannot run here (no npm, not linux/x86-64), so callers can report a skip.
set -euo pipefail
PKG="@node-llama-cpp/linux-x64"
VERSION="3.22.1"
DIR="${1:-${GGUFMERGE_LLAMA_HOME:-$HOME/.cache/ggufmerge/llama}}"
LIB="$DIR/node_modules/$PKG/bins/linux-x64"

skip() { echo "llama: SKIPPED ($*); end-to-end tests with llama.cpp will skip" >&2; exit 3; }

[ "$(uname -s)" = "Linux" ] && [ "$(uname -m)" = "x86_64" ] || skip "prebuilt libraries are for linux/x86-64, this is $(uname -s)/$(uname -m)"

installed_version() {
    local pj="$DIR/node_modules/$PKG/package.json"
    [ -f "$pj" ] || return 0
    sed -n 's/^[[:space:]]*"version":[[:space:]]*"\([^"]*\)".*/\1/p' "$pj" | head -1
}

if [ "$(installed_version)" = "$VERSION" ] && [ -f "$LIB/libllama.v0.5.0.so" ] && [ -f "$LIB/libggml-base.so" ]; then
    echo "llama: $PKG@$VERSION already in $LIB"
    exit 0
fi

command -v npm >/dev/null 2>&1 || skip "npm not found; install Node.js >= 20 with npm"
mkdir -p "$DIR"
[ -f "$DIR/package.json" ] || printf '{\n  "name": "ggufmerge-llama",\n  "private": true\n}\n' > "$DIR/package.json"
echo "llama: npm install $PKG@$VERSION into $DIR"
NODE_LLAMA_CPP_SKIP_DOWNLOAD=true npm install --prefix "$DIR" --no-audit --no-fund --ignore-scripts \
    --omit=optional --save-exact --loglevel=error "$PKG@$VERSION"
[ "$(installed_version)" = "$VERSION" ] && [ -f "$LIB/libllama.v0.5.0.so" ] || { echo "llama: install failed: $LIB/libllama.v0.5.0.so missing" >&2; exit 1; }
echo "llama: $PKG@$VERSION installed in $LIB"
