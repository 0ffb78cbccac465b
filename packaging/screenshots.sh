#!/usr/bin/env bash
# Regenerates docs/screenshots/ (shown in the README): the sample's project made by the command
# line, then the workbench under Xvfb clicking calibrate, EasyQuant, evaluate and benchmark, one
# screenshot after each step. Needs a build (packaging/quickstart.sh sample) and xvfb-run.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BUILD:-build/default}
sample=samples/fashion-mnist
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$build/app/cli/eqw" calibrate "$sample/model.onnx" --data "$sample/calib" --pixel gray --norm 0.00392156862745098 \
  --method kl --project "$work/sample.eqw" --eval-data "$sample/test/labels.txt" --out "$work/kl.table" >/dev/null
QT_QPA_PLATFORM=xcb xvfb-run -a -s "-screen 0 1600x1000x24" "$build/app/gui/eq-workbench" \
  --run calibrate,easyquant,evaluate,benchmark --screenshots "$work/shots" "$work/sample.eqw"
mkdir -p docs/screenshots
cp "$work/shots/01-calibrate.png" docs/screenshots/histogram.png
cp "$work/shots/02-easyquant.png" docs/screenshots/easyquant.png
cp "$work/shots/04-benchmark.png" docs/screenshots/compare.png
echo "wrote docs/screenshots/histogram.png, easyquant.png, compare.png"
