#!/usr/bin/env bash
# Installs onnxruntime-node (the ONNX Runtime oracle for the PP-OCR tests) into a cache and prints
# the install prefix; run ort_run.js with NODE_PATH=PREFIX/node_modules.
# The package ships its CPU binaries inside the tarball, so no install script has to run (and none
# does: --ignore-scripts). Cache: ${EQW_MODEL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/eqw}/onnxruntime-node-VERSION;
# a second run does not touch the network. Exit 77 (CTest's skip code) when npm cannot fetch the package.
set -euo pipefail

# Pinned so the oracle cannot change under the tests; override to try another.
version="${EQW_ORT_VERSION:-1.30.0}"
cache="${EQW_MODEL_CACHE:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/eqw}"
prefix="$cache/onnxruntime-node-$version"

# True when node can load the package from the prefix (the real check, not just files on disk).
loads() {
  NODE_PATH="$1/node_modules" node -e "require('onnxruntime-node')" >/dev/null 2>&1
}

if ! command -v node >/dev/null 2>&1; then
  echo "npm registry unreachable: node is not installed" >&2
  exit 77
fi

if [ ! -f "$prefix/.complete" ]; then
  if ! command -v npm >/dev/null 2>&1; then
    echo "npm registry unreachable: npm is not installed" >&2
    exit 77
  fi
  mkdir -p "$cache"
  # Install into a temporary prefix and rename, so an interrupted run never leaves a half cache.
  tmp=$(mktemp -d "$cache/ort-install.XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  log="$cache/onnxruntime-npm-install.log"
  if ! npm install --ignore-scripts --no-audit --no-fund --no-save --loglevel=error --prefix "$tmp" \
      "onnxruntime-node@$version" >"$log" 2>&1; then
    # Keep the error code and its first message line (e.g. "code ECONNREFUSED FetchError: ...").
    reason=$(grep -m 2 -E '^npm error (code |[A-Za-z]*Error|404)' "$log" | sed 's/^npm error //' | tr '\n' ' ')
    echo "npm registry unreachable: npm install onnxruntime-node@$version failed: ${reason:-see $log}" >&2
    exit 77
  fi
  if ! loads "$tmp"; then
    echo "fetch_onnxruntime: onnxruntime-node@$version installed but node cannot load it:" >&2
    NODE_PATH="$tmp/node_modules" node -e "require('onnxruntime-node')" 2>&1 | tail -n 5 >&2 || true
    exit 1
  fi
  rm -rf "$prefix"
  mv "$tmp" "$prefix"
  trap - EXIT
  touch "$prefix/.complete"
fi

if ! loads "$prefix"; then
  echo "fetch_onnxruntime: node cannot load onnxruntime-node from $prefix (delete it to reinstall)" >&2
  exit 1
fi
echo "$prefix"
