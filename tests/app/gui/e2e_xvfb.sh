#!/bin/sh
# e2e_xvfb.sh GUI EQW SAMPLE_DIR OUT_DIR: a project for the sample made by the command line, then
# the workbench under Xvfb clicking calibrate, easyquant, evaluate, benchmark and save, with a
# screenshot of the window after each; every screenshot must be a non-empty PNG of the window's
# size and the saved project must hold the EasyQuant result.
set -eu
gui=$1 eqw=$2 sample=$3 out=$4
command -v xvfb-run >/dev/null 2>&1 || { echo "SKIPPED: xvfb-run is not installed (Debian package xvfb)"; exit 77; }
rm -rf "$out"
mkdir -p "$out"
"$eqw" calibrate "$sample/model.onnx" --data "$sample/calib" --pixel gray --norm 0.00392156862745098 \
  --method max --max-images 60 --project "$out/e2e.eqw" --eval-data "$sample/test/labels.txt" --out "$out/max.table" >/dev/null
before=$(stat -c %Y "$out/e2e.eqw")
sleep 1
QT_QPA_PLATFORM=xcb xvfb-run -a -s "-screen 0 1600x1000x24" \
  "$gui" --run calibrate,easyquant,evaluate,benchmark,save --screenshots "$out/shots" "$out/e2e.eqw"
for step in 01-calibrate 02-easyquant 03-evaluate 04-benchmark 05-save; do
  f="$out/shots/$step.png"
  test -s "$f" || { echo "missing screenshot $f"; exit 1; }
  # PNG signature, then the IHDR width (1400) of the window's grab.
  test "$(head -c 8 "$f" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a || { echo "$f is not a PNG"; exit 1; }
  test "$(od -An -j16 -N4 -tu1 "$f" | awk '{print $3 * 256 + $4}')" -ge 1000 || { echo "$f is too small"; exit 1; }
done
test "$(stat -c %Y "$out/e2e.eqw")" -gt "$before" || { echo "the project was not saved"; exit 1; }
python3 -c 'import json, sys; sys.exit(0 if json.load(open(sys.argv[1])).get("easyquant") else 1)' "$out/e2e.eqw" ||
  { echo "the saved project has no EasyQuant result"; exit 1; }
# Evaluation ran on the labelled test list the command line put in the project.
python3 -c 'import json, sys; sys.exit(0 if json.load(open(sys.argv[1]))["datasets"]["evaluation"]["source"].endswith("test/labels.txt") else 1)' \
  "$out/e2e.eqw" || { echo "the project lost its evaluation list"; exit 1; }
echo "e2e: 5 steps, 5 screenshots in $out/shots"
