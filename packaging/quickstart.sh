#!/usr/bin/env bash
# One command from a fresh Debian 12 checkout (as root) to a result:
#   packaging/quickstart.sh sample   install deps, build, run FP32 inference on the bundled sample
#   packaging/quickstart.sh test     install deps, build, run the whole test suite
set -euo pipefail
cd "$(dirname "$0")/.."

what="${1:-sample}"
case "$what" in sample|test) ;; *) echo "usage: $0 sample|test" >&2; exit 2 ;; esac

packaging/install-deps.sh
cmake --preset default
cmake --build --preset default

if [ "$what" = sample ]; then
  sample=samples/fashion-mnist
  exec build/default/app/cli/eqw run "$sample/model.onnx" --input "$sample/test/labels.txt" \
    --pixel gray --mean 0 --norm 0.00392156862745098 --classes "$sample/classes.txt"
else
  exec ctest --preset default -j2
fi
