// node ort_run.js MODEL INPUT.bin 1,3,H,W OUTPUT.bin [disabled|basic|extended|all]
// Runs an ONNX model on ONNX Runtime's CPU provider (onnxruntime-node, found through NODE_PATH as
// fetch_onnxruntime.sh installs it) on one raw little-endian float32 input, writes the first output
// as raw float32 and prints "dims D0,D1,...". The oracle for the PP-OCR tests.
// Graph optimisation defaults to 'disabled': no fusion or constant folding rewrites the math, so the
// result is the model's ops evaluated one by one in fp32, the closest thing to what the engine does.
// One intra-op thread keeps the run deterministic and polite on a shared machine.
'use strict';
const fs = require('fs');

function fail(message) {
  process.stderr.write(`ort_run: ${message}\n`);
  process.exit(1);
}

async function main() {
  const [model, inputPath, dimsText, outputPath, level = 'disabled'] = process.argv.slice(2);
  if (!outputPath) fail('usage: node ort_run.js MODEL INPUT.bin 1,3,H,W OUTPUT.bin [optimisation level]');
  let ort;
  try {
    ort = require('onnxruntime-node');
  } catch (e) {
    fail(`cannot load onnxruntime-node (set NODE_PATH to PREFIX/node_modules): ${e.message}`);
  }
  const dims = dimsText.split(',').map(Number);
  if (dims.some((d) => !Number.isInteger(d) || d <= 0)) fail(`bad input shape '${dimsText}'`);
  const count = dims.reduce((a, b) => a * b, 1);
  const bytes = fs.readFileSync(inputPath);
  if (bytes.length !== count * 4) fail(`${inputPath} has ${bytes.length} bytes, shape ${dimsText} needs ${count * 4}`);
  // Copy into a fresh, aligned Float32Array (the Buffer may share a pool at any offset).
  const data = new Float32Array(count);
  for (let i = 0; i < count; ++i) data[i] = bytes.readFloatLE(i * 4);

  const session = await ort.InferenceSession.create(model, {
    executionProviders: ['cpu'],
    graphOptimizationLevel: level,
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
  });
  const feeds = { [session.inputNames[0]]: new ort.Tensor('float32', data, dims) };
  const results = await session.run(feeds);
  const out = results[session.outputNames[0]];
  if (out.type !== 'float32') fail(`output '${session.outputNames[0]}' is ${out.type}, not float32`);
  const buf = Buffer.alloc(out.data.length * 4);
  for (let i = 0; i < out.data.length; ++i) buf.writeFloatLE(out.data[i], i * 4);
  fs.writeFileSync(outputPath, buf);
  console.log(`dims ${out.dims.join(',')}`);
}

main().catch((e) => fail(e && e.message ? e.message : String(e)));
