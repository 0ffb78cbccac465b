#!/usr/bin/env python3
"""Writes the generated Caffe deploy models the Caffe import tests compare with OpenCV DNN.

usage: gen_caffe_models.py OUT_DIR [NAME...]
For each model OUT_DIR/<name>/ gets deploy.prototxt, weights.caffemodel (seeded weights),
input.bin (seeded input, raw little-endian float32, NCHW) and meta.json (input shape, output
and probe layers). Deterministic: same files on every run. python3 + numpy only.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from model_ssd import ssd_head  # noqa: E402
from model_zoo import layer_zoo  # noqa: E402
from model_zoo_ext import layer_zoo_ext  # noqa: E402
from models_classify import mobilenet_v1, mobilenet_v2, squeezenet_v1_1  # noqa: E402

MODELS = {
    "squeezenet_v1.1": lambda: squeezenet_v1_1(11),
    "mobilenet_v1": lambda: mobilenet_v1(12),
    "mobilenet_v2": lambda: mobilenet_v2(13),
    "ssd_head": lambda: ssd_head(14),
    "layer_zoo": lambda: layer_zoo(15),
    "layer_zoo_v1": lambda: layer_zoo(15, legacy=True),
    "layer_zoo_ext": lambda: layer_zoo_ext(16),
}


def main(argv):
    if len(argv) < 2:
        sys.stderr.write(__doc__)
        return 2
    names = argv[2:] or list(MODELS)
    for name in names:
        if name not in MODELS:
            sys.stderr.write("unknown model %s (known: %s)\n" % (name, ", ".join(MODELS)))
            return 2
        meta = MODELS[name]().write(argv[1])
        # Generated weights must keep activations O(1); a blow-up would hide real mismatches.
        if meta["max_abs"] > 1e3:
            sys.stderr.write("%s: activations reach %g\n" % (name, meta["max_abs"]))
            return 1
        print("%-16s %3d layers, max |x| %.3g" % (name, meta["layers"], meta["max_abs"]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
