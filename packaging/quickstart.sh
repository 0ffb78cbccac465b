#!/usr/bin/env bash
# One command from a fresh Debian 12 checkout (as root) to a result:
#   packaging/quickstart.sh sample   install deps, build, quantize the bundled sample: calibrate it
#                                    (EasyQuant, INT7 and KL, INT8), compare FP32 / INT8 / INT7, and
#                                    open the workbench on the sample's project (when there is a display)
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
  eqw=build/default/app/cli/eqw
  pre=(--pixel gray --mean 0 --norm 0.00392156862745098)
  out=build/default/sample
  mkdir -p "$out"
  # Calibrate on the sample's 200 calibration images, write ncnn scale tables ...
  "$eqw" calibrate "$sample/model.onnx" --data "$sample/calib" "${pre[@]}" --method kl \
    --stats "$out/stats.json" --out "$out/kl_int8.table" | tail -n 1
  # EasyQuant's INT7 table, and the workbench's project: model, images, statistics, the refined spec
  # and EasyQuant's per-layer records.
  rm -f "$out/sample.eqw"
  "$eqw" calibrate "$sample/model.onnx" --data "$sample/calib" "${pre[@]}" --method eq --bits 7 --threads 2 \
    --project "$out/sample.eqw" --eval-data "$sample/test/labels.txt" --out "$out/eq_int7.table" | tail -n 1
  # ... and evaluate them on the 500 labelled test images, FP32 / INT8 / INT7 side by side, with
  # the layers that lose most.
  "$eqw" eval "$sample/model.onnx" --data "$sample/test/labels.txt" "${pre[@]}" --table "$out/kl_int8.table" \
    --precision fp32,int8 --per-layer --worst 3
  "$eqw" eval "$sample/model.onnx" --data "$sample/test/labels.txt" "${pre[@]}" --table "$out/eq_int7.table" \
    --table-bits 7 --precision fp32,int7 --per-layer --worst 3
  # With a display, the same state in the workbench; without one, the tables above are the result.
  gui=build/default/app/gui/eq-workbench
  if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ -x "$gui" ]; then
    echo "opening the workbench on $out/sample.eqw"
    exec "$gui" "$out/sample.eqw"
  fi
  echo "no display: the workbench's project is $out/sample.eqw (eq-workbench $out/sample.eqw)"
else
  exec ctest --preset default -j2
fi
