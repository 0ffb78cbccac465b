#!/usr/bin/python3
"""Writes the ncnn importer fixtures in this folder; run it with /usr/bin/python3 (numpy + torch).

good/<case>.param + .bin + .expected.txt   small networks with real weights in every .bin encoding
    (float32 tag 0, float16, int8, 256-entry table + uint8 indices, raw float32) and int8 scale
    blobs. The .expected.txt holds the input, the decoded weights, the scales and the output that
    PyTorch (float64) computes for the same network: an oracle independent of the engine.
bad/<case>.param (+ .bin) + .expect        inputs the importer must reject; each .expect line is a
    substring the error message must contain (the first line is the status code).
warn/<case>.param + .bin + .expect         inputs that load with a warning diagnostic.

Output is deterministic: re-running rewrites identical files.
"""
import os
import struct

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
TAG_F16 = 0x01306B47
TAG_INT8 = 0x000D4B38
TAG_F32 = 0x0002C056
TAG_TABLE = 0x00000001  # any other non-zero tag: 256 floats + uint8 indices


def pad4(b):
    return b + b"\0" * ((4 - len(b) % 4) % 4)


class Bin:
    """Accumulates .bin bytes in ncnn's load_model order."""

    def __init__(self):
        self.data = b""

    def tagged_f32(self, a, tag=0):
        self.data += struct.pack("<I", tag) + np.asarray(a, "<f4").tobytes()

    def tagged_f16(self, a):
        self.data += struct.pack("<I", TAG_F16) + pad4(np.asarray(a, "<f2").tobytes())

    def tagged_int8(self, a):
        self.data += struct.pack("<I", TAG_INT8) + pad4(np.asarray(a, "i1").tobytes())

    def tagged_table(self, table, idx):
        self.data += struct.pack("<I", TAG_TABLE) + np.asarray(table, "<f4").tobytes() + pad4(np.asarray(idx, "u1").tobytes())

    def raw(self, a):
        self.data += np.asarray(a, "<f4").tobytes()


class Expected:
    def __init__(self):
        self.lines = []

    @staticmethod
    def _vals(a):
        return " ".join(repr(float(v)) for v in np.asarray(a, np.float64).ravel())

    def tensor(self, kind, head, a):
        a = np.asarray(a)
        self.lines.append(f"{kind} {head} {a.ndim} {' '.join(map(str, a.shape))} {self._vals(a)}".replace("  ", " "))

    def quant(self, layer, what, a):
        a = np.atleast_1d(np.asarray(a))
        self.lines.append(f"quant {layer} {what} {a.size} {self._vals(a)}")

    def write(self, path):
        with open(path, "w") as f:
            f.write("\n".join(self.lines) + "\n")


def write(path, text, mode="w"):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, mode) as f:
        f.write(text)


def grid(rng, shape, step, lo, hi):
    """Values on a grid so float16 / int8 encodings are exact."""
    return rng.integers(int(lo / step), int(hi / step) + 1, size=shape).astype(np.float64) * step


def tiny():
    """conv (f32) -> split -> 1x1 conv (table) + eltwise coeffs -> depthwise (f16, leaky via
    activation_params array) -> batchnorm -> global avg pool -> fc (int8 weights, scales) -> softmax."""
    rng = np.random.default_rng(7)
    x = grid(rng, (1, 2, 4, 4), 1 / 8, -2, 2)
    w1, b1 = grid(rng, (3, 2, 3, 3), 1 / 16, -1, 1), grid(rng, (3,), 1 / 16, -0.5, 0.5)
    table = np.linspace(-1, 1, 256).astype(np.float32).astype(np.float64)
    idx2 = rng.integers(0, 256, size=(3, 3, 1, 1))
    w2 = table[idx2]
    wd, bd = grid(rng, (3, 1, 3, 3), 1 / 32, -1, 1), grid(rng, (3,), 1 / 16, -0.5, 0.5)
    slope, mean = np.array([1.5, 0.5, 1.0]), np.array([0.25, -0.5, 0.0])
    var, bnb = np.array([4.0, 1.0, 0.25]), np.array([0.0, 0.5, -0.25])
    wf = rng.integers(-2, 3, size=(2, 3)).astype(np.float64)  # int8-encoded, kept small: a soft softmax
    bf = np.array([0.5, -0.5])
    fc_scales, fc_in = np.array([50.0, 60.0]), 12.5

    b = Bin()
    b.tagged_f32(w1.ravel())
    b.raw(b1)
    b.tagged_table(table, idx2.ravel())
    b.tagged_f16(wd.ravel())
    b.raw(bd)
    for a in (slope, mean, var, bnb):
        b.raw(a)
    b.tagged_int8(wf.ravel())
    b.raw(bf)
    b.raw(fc_scales)
    b.raw([fc_in])

    param = """7767517
10 11
Input            data   0 1 data 0=4 1=4 2=2
Convolution      conv1  1 1 data c1 0=3 1=3 4=1 5=1 6=54 9=1
Split            split  1 2 c1 c1_0 c1_1
Convolution      conv2  1 1 c1_0 c2 0=3 1=1 6=9
Eltwise          elt    2 1 c2 c1_1 e 0=1 -23301=2,1.0,-0.5
ConvolutionDepthWise dw 1 1 e d 0=3 1=3 3=2 4=1 5=1 6=27 7=3 9=2 -23310=1,1.000000e-01
BatchNorm        bn     1 1 d bnout 0=3 1=1e-3
Pooling          pool   1 1 bnout p 0=1 4=1
InnerProduct     fc     1 1 p f 0=2 1=1 2=6 8=2
Softmax          prob   1 1 f out
"""
    t = lambda a: torch.tensor(a, dtype=torch.float64)
    c1 = F.relu(F.conv2d(t(x), t(w1), t(b1), padding=1))
    e = F.conv2d(c1, t(w2)) * 1.0 + c1 * -0.5
    d = F.leaky_relu(F.conv2d(e, t(wd), t(bd), stride=2, padding=1, groups=3), 0.1)
    bn = (d - t(mean)[:, None, None]) / torch.sqrt(t(var)[:, None, None] + 1e-3) * t(slope)[:, None, None] + t(bnb)[:, None, None]
    p = bn.mean(dim=(2, 3))
    f = p @ t(wf).T + t(bf)
    out = torch.softmax(f, dim=1)

    ex = Expected()
    ex.tensor("input", "data", x)
    ex.tensor("output", "out", out.numpy())
    ex.tensor("value", "f", f.numpy())
    ex.tensor("value", "e", e.numpy())
    for layer, i, a in (("conv1", 0, w1), ("conv1", 1, b1), ("conv2", 0, w2), ("dw", 0, wd), ("dw", 1, bd),
                        ("bn", 0, slope), ("bn", 1, mean), ("bn", 2, var), ("bn", 3, bnb), ("fc", 0, wf), ("fc", 1, bf)):
        ex.tensor("weight", f"{layer} {i}", a)
    ex.quant("fc", "weight_scales", fc_scales)
    ex.quant("fc", "input_scale", fc_in)
    write(f"{HERE}/good/tiny.param", param)
    write(f"{HERE}/good/tiny.bin", b.data, "wb")
    ex.write(f"{HERE}/good/tiny.expected.txt")


def int8():
    """The scale blobs of ncnn's int8 conversion: conv 8=102 (per-channel + input + output
    scale), depthwise 8=101 (per-group + input + output), depthwise 8=2 (one scale for all groups)."""
    rng = np.random.default_rng(11)
    b = Bin()
    ex = Expected()
    wc = rng.integers(-127, 128, size=(4, 2, 1, 1))
    b.tagged_int8(wc.ravel())
    b.raw([0.1, 0.2, 0.3, 0.4])
    b.raw([10.0, 11.0, 12.0, 13.0])
    b.raw([20.0])
    b.raw([30.0])
    ex.tensor("weight", "conv 0", wc)
    ex.quant("conv", "weight_scales", [10.0, 11.0, 12.0, 13.0])
    ex.quant("conv", "input_scale", 20.0)
    ex.quant("conv", "output_scale", 30.0)
    wd = rng.integers(-127, 128, size=(4, 1, 3, 3))
    b.tagged_int8(wd.ravel())
    b.raw([1.0, 2.0, 3.0, 4.0])
    b.raw([40.0])
    b.raw([50.0])
    ex.tensor("weight", "dw1 0", wd)
    ex.quant("dw1", "weight_scales", [1.0, 2.0, 3.0, 4.0])
    ex.quant("dw1", "input_scale", 40.0)
    ex.quant("dw1", "output_scale", 50.0)
    wd2 = grid(rng, (4, 1, 3, 3), 1 / 4, -2, 2)
    b.tagged_f32(wd2.ravel(), TAG_F32)
    b.raw([7.0])
    b.raw([8.0])
    ex.tensor("weight", "dw2 0", wd2)
    ex.quant("dw2", "weight_scales", [7.0] * 4)
    ex.quant("dw2", "input_scale", 8.0)
    param = """7767517
4 4
Input                data 0 1 data 0=5 1=5 2=2
Convolution          conv 1 1 data c 0=4 1=1 5=1 6=8 8=102 9=1
ConvolutionDepthWise dw1  1 1 c d1 0=4 1=3 4=1 6=36 7=4 8=101
ConvolutionDepthWise dw2  1 1 d1 d2 0=4 1=3 4=1 6=36 7=4 8=2
"""
    write(f"{HERE}/good/int8.param", param)
    write(f"{HERE}/good/int8.bin", b.data, "wb")
    ex.write(f"{HERE}/good/int8.expected.txt")


def deconv():
    """Deconvolution and DeconvolutionDepthWise: ncnn stores [out/g][in/g][kh][kw] per group,
    the engine [in][out/g][kh][kw]; PyTorch's conv_transpose2d is the oracle."""
    rng = np.random.default_rng(5)
    x = grid(rng, (1, 2, 3, 3), 1 / 4, -2, 2)
    # Deconvolution 2 -> 4 channels, then DeconvolutionDepthWise group 2: in/g = 2, out/g = 1.
    w1_ncnn = grid(rng, (4, 2, 3, 3), 1 / 8, -1, 1)
    b1 = np.array([0.25, -0.25, 0.5, 0.0])
    w2_ncnn = grid(rng, (2, 1, 2, 2, 2), 1 / 8, -1, 1)  # [g][out/g][in/g][kh][kw]
    b = Bin()
    b.tagged_f32(w1_ncnn.ravel())
    b.raw(b1)
    b.tagged_f16(w2_ncnn.ravel())
    param = """7767517
3 3
Input                  data 0 1 data 0=3 1=3 2=2
Deconvolution          up   1 1 data u 0=4 1=3 3=2 4=1 18=1 5=1 6=72 9=1
DeconvolutionDepthWise dwup 1 1 u out 0=2 1=2 3=2 6=16 7=2
"""
    t = lambda a: torch.tensor(a, dtype=torch.float64)
    w1 = np.transpose(w1_ncnn, (1, 0, 2, 3))  # -> [in, out, kh, kw]
    u = F.relu(F.conv_transpose2d(t(x), t(w1), t(b1), stride=2, padding=1, output_padding=1))
    w2 = np.transpose(w2_ncnn, (0, 2, 1, 3, 4)).reshape(4, 1, 2, 2)  # -> [in, out/g, kh, kw]
    out = F.conv_transpose2d(u, t(w2), None, stride=2, groups=2)
    ex = Expected()
    ex.tensor("input", "data", x)
    ex.tensor("output", "out", out.numpy())
    ex.tensor("weight", "up 0", w1)
    ex.tensor("weight", "dwup 0", w2)
    write(f"{HERE}/good/deconv.param", param)
    write(f"{HERE}/good/deconv.bin", b.data, "wb")
    ex.write(f"{HERE}/good/deconv.expected.txt")


def layers():
    """One of (almost) every parameter-only layer type, chained, against PyTorch: Padding, Crop
    (numpy-style), Interp, Pooling, ShuffleChannel, Slice, HardSwish, Concat, global pooling +
    BinaryOp with ncnn broadcasting, PReLU, Scale, Normalize, LRN, Permute, Reshape, Clip,
    Softmax on an axis, Flatten, InnerProduct."""
    rng = np.random.default_rng(3)
    x = grid(rng, (1, 4, 6, 6), 1 / 8, -2, 2)
    prelu = np.array([0.1, 0.2, 0.3, 0.4])
    sc, sb = np.array([1.5, -1.0, 0.5, 2.0]), np.array([0.25, 0.0, -0.25, 0.5])
    nscale = np.array([2.0, 3.0, 4.0, 5.0])
    wf, bf = grid(rng, (3, 160), 1 / 16, -0.5, 0.5), np.array([0.1, -0.2, 0.3])
    b = Bin()
    b.raw(prelu)
    b.raw(sc)
    b.raw(sb)
    b.raw(nscale)
    b.tagged_f32(wf.ravel())
    b.raw(bf)
    param = """7767517
22 24
Input          data  0 1 data 0=6 1=6 2=4
Padding        pad   1 1 data padded 0=1 1=0 2=2 3=1 4=0 5=5.000000e-01
Crop           crop  1 1 padded cropped -23309=2,1,1 -23310=2,-1,0 -23311=2,1,2
Interp         up    1 1 cropped upped 0=2 1=2.0 2=2.0
Pooling        mp    1 1 upped pooled 0=0 1=2 2=2
ShuffleChannel sc    1 1 pooled shuffled 0=2
Slice          sl    1 2 shuffled s0 s1 -23300=2,1,-233 1=0
HardSwish      hs    1 1 s0 h0 0=0.1666667 1=0.5
Concat         cat   2 1 h0 s1 joined 0=0
Split          sp    1 2 joined j0 j1
Pooling        gp    1 1 j0 gpool 0=1 4=1
BinaryOp       mul   2 1 j1 gpool gated 0=2
PReLU          prelu 1 1 gated pr 0=4
Scale          scale 1 1 pr scaled 0=4 1=1
Normalize      norm  1 1 scaled normed 0=0 1=0 2=1e-10 3=4 4=1
LRN            lrn   1 1 normed lrned 0=0 1=3 2=0.5 3=0.75 4=2.0
Permute        perm  1 1 lrned nhwc 0=3
Reshape        rs    1 1 nhwc flat2 0=-1 1=10
Clip           clip  1 1 flat2 clipped 0=-0.5 1=0.9
Softmax        sm    1 1 clipped soft 0=1 1=1
Flatten        fl    1 1 soft flat
InnerProduct   fc    1 1 flat out 0=3 1=1 2=480
"""
    t = lambda a: torch.tensor(a, dtype=torch.float64)
    v = F.pad(t(x), (2, 1, 1, 0), value=0.5)
    v = v[:, :, 1:-1, 1:]
    v = F.interpolate(v, scale_factor=2, mode="bilinear", align_corners=False)
    v = F.max_pool2d(v, 2, 2, ceil_mode=True)
    n, c, h, w = v.shape
    v = v.view(n, 2, c // 2, h, w).transpose(1, 2).reshape(n, c, h, w)
    s0, s1 = v[:, :1], v[:, 1:]
    h0 = s0 * torch.clamp(s0 * 0.1666667 + 0.5, 0, 1)
    v = torch.cat([h0, s1], dim=1)
    gated = v * v.mean(dim=(2, 3))[:, :, None, None]
    pr = torch.where(gated > 0, gated, gated * t(prelu)[None, :, None, None])
    scaled = pr * t(sc)[None, :, None, None] + t(sb)[None, :, None, None]
    normed = scaled / torch.sqrt((scaled ** 2).sum(dim=1, keepdim=True) + 1e-10) * t(nscale)[None, :, None, None]
    lrned = F.local_response_norm(normed, 3, alpha=0.5, beta=0.75, k=2.0)
    nhwc = lrned.permute(0, 2, 3, 1)
    flat2 = nhwc.reshape(1, 10, 16)
    soft = torch.softmax(torch.clamp(flat2, -0.5, 0.9), dim=2)
    out = soft.reshape(1, 160) @ t(wf).T + t(bf)
    ex = Expected()
    ex.tensor("input", "data", x)
    ex.tensor("output", "out", out.numpy())
    for name, val in (("gated", gated), ("normed", normed), ("lrned", lrned), ("nhwc", nhwc), ("soft", soft)):
        ex.tensor("value", name, val.numpy())
    write(f"{HERE}/good/layers.param", param)
    write(f"{HERE}/good/layers.bin", b.data, "wb")
    ex.write(f"{HERE}/good/layers.expected.txt")


HEAD = "7767517\n"
BAD = {
    # name: (param text, expected code, substrings...)
    "empty": ("", "ParseError", "empty.param:1:", "empty file"),
    "bad_magic": ("7767518\n1 1\nInput data 0 1 data 0=1\n", "ParseError", "bad_magic.param:1:", "wrong magic"),
    "binary_garbage": ("\x00\x01\x02garbage\n", "ParseError", "binary_garbage.param:1:", "wrong magic"),
    "bad_counts": (HEAD + "two 3\nInput data 0 1 data 0=1\n", "ParseError", "bad_counts.param:2:", "layer count 'two'"),
    "missing_counts": (HEAD, "ParseError", "missing_counts.param:2:", "layer_count blob_count"),
    "truncated_line": (HEAD + "2 2\nInput data 0 1 data 0=4 1=4 2=1\nConvolution conv 1 1 data\n",
                       "ParseError", "truncated_line.param:4:", "'conv' (Convolution)", "truncated"),
    "truncated_header": (HEAD + "2 2\nInput data 0 1 data 0=4 1=4 2=1\nConvolution conv\n",
                         "ParseError", "truncated_header.param:4:", "truncated layer line"),
    "fewer_layers": (HEAD + "3 2\nInput data 0 1 data 0=4 1=4 2=1\nReLU relu 1 1 data r\n",
                     "ParseError", "fewer_layers.param:", "2 of the 3 declared layers"),
    "more_layers": (HEAD + "1 2\nInput data 0 1 data 0=4 1=4 2=1\nReLU relu 1 1 data r\n",
                    "ParseError", "more_layers.param:4:", "more layer lines"),
    "undefined_blob": (HEAD + "2 2\nInput data 0 1 data 0=4 1=4 2=1\nReLU relu 1 1 nowhere r\n",
                       "ParseError", "undefined_blob.param:4:", "'relu' (ReLU)", "'nowhere'", "not produced"),
    "duplicate_blob": (HEAD + "3 3\nInput data 0 1 data 0=4 1=4 2=1\nReLU r1 1 1 data r\nReLU r2 1 1 data r\n",
                       "ParseError", "duplicate_blob.param:5:", "'r2' (ReLU)", "'r' is already produced by layer 'r1' (line 4)"),
    "too_many_blobs": (HEAD + "2 1\nInput data 0 1 data 0=4 1=4 2=1\nReLU relu 1 1 data r\n",
                       "ParseError", "too_many_blobs.param:2:", "more than the declared blob count 1"),
    "non_numeric": (HEAD + "2 2\nInput data 0 1 data 0=4 1=4 2=1\nReLU relu 1 1 data r 0=abc\n",
                    "ParseError", "non_numeric.param:4:", "'relu' (ReLU)", "'abc' is not a number"),
    "non_integer": (HEAD + "2 2\nInput data 0 1 data 0=4 1=4 2=1\nPooling pool 1 1 data p 1=2.5\n",
                    "ParseError", "non_integer.param:4:", "'pool' (Pooling)", "'1=2.5' is not an integer"),
    "bad_key": (HEAD + "2 2\nInput data 0 1 data 0=4 1=4 2=1\nReLU relu 1 1 data r x=1\n",
                "ParseError", "bad_key.param:4:", "key 'x'"),
    "key_out_of_range": (HEAD + "2 2\nInput data 0 1 data 0=4 1=4 2=1\nReLU relu 1 1 data r 99=1\n",
                         "ParseError", "key_out_of_range.param:4:", "key 99 is out of range"),
    "huge_array": (HEAD + "2 2\nInput data 0 1 data 0=4 1=4 2=1\nSlice s 1 1 data a -23300=999999999,1\n",
                   "ParseError", "huge_array.param:4:", "'s' (Slice)", "element count 999999999 exceeds"),
    "short_array": (HEAD + "2 2\nInput data 0 1 data 0=4 1=4 2=1\nSlice s 1 1 data a -23300=3,1,2\n",
                    "ParseError", "short_array.param:4:", "declares 3 values but has 2"),
    "huge_counts": (HEAD + "1 1\nInput data 0 2000000000 data\n",
                    "ParseError", "huge_counts.param:3:", "output count 2000000000 is out of range"),
    "absurd_weights": (HEAD + "2 2\nInput data 0 1 data 0=4 1=4 2=1\nInnerProduct fc 1 1 data f 0=1 2=2000000000\n",
                       "ParseError", "absurd_weights.param:4:", "'fc' (InnerProduct)", "too large to generate"),
    "absurd_channels": (HEAD + "2 2\nInput data 0 1 data 0=4 1=4 2=1\nConvolution conv 1 1 data c 0=2000000000 1=3 6=9\n",
                        "ParseError", "absurd_channels.param:4:", "'conv' (Convolution)", "num_output 0=2000000000"),
    "zero_kernel": (HEAD + "2 2\nInput data 0 1 data 0=4 1=4 2=1\nConvolution conv 1 1 data c 0=2 1=0 6=2\n",
                    "ParseError", "zero_kernel.param:4:", "kernel_w 1=0"),
    "bad_weight_size": (HEAD + "2 2\nInput data 0 1 data 0=4 1=4 2=1\nConvolution conv 1 1 data c 0=2 1=3 6=17\n",
                        "ParseError", "bad_weight_size.param:4:", "weight_data_size 6=17 is not a multiple"),
    "bad_group": (HEAD + "2 2\nInput data 0 1 data 0=4 1=4 2=2\nConvolutionDepthWise dw 1 1 data c 0=3 1=3 6=27 7=2\n",
                  "ParseError", "bad_group.param:4:", "group 7=2"),
    "unknown_layer": (HEAD + "2 2\nInput data 0 1 data 0=4 1=4 2=1\nFrobnicate frob 1 1 data r\n",
                      "Unsupported", "unknown_layer.param:4:", "'frob' (Frobnicate)", "layer type 'Frobnicate' is not supported"),
    "dynamic_weight": (HEAD + "2 2\nInput data 0 1 data 0=4 1=4 2=1\nConvolution conv 1 1 data c 0=2 1=3 6=18 19=1\n",
                       "Unsupported", "dynamic_weight.param:4:", "'conv' (Convolution)", "dynamic_weight"),
    "bad_activation": (HEAD + "2 2\nInput data 0 1 data 0=4 1=4 2=1\nConvolution conv 1 1 data c 0=2 1=3 6=18 9=2\n",
                       "ParseError", "bad_activation.param:4:", "activation_type 9=2 needs 1 value"),
    "wrong_inputs": (HEAD + "3 3\nInput data 0 1 data 0=4 1=4 2=1\nSplit sp 1 2 data a b\nConvolution conv 2 1 a b c 0=2 1=3 6=18\n",
                     "ParseError", "wrong_inputs.param:5:", "'conv' (Convolution)", "expects 1 input blob(s), has 2"),
    "no_input_shape": (HEAD + "2 2\nInput data 0 1 data\nReLU relu 1 1 data r\n",
                       "ParseError", "no_input_shape.param:3:", "'data' (Input)", "declares no shape"),
    "old_softmax": (HEAD + "2 2\nInput data 0 1 data 0=4 1=4 2=1\nSoftmax sm 1 1 data s 0=1\n",
                    "Unsupported", "old_softmax.param:4:", "'sm' (Softmax)", "fixbug"),
    "unknown_op_type": (HEAD + "2 2\nInput data 0 1 data 0=4 1=4 2=1\nBinaryOp op 1 1 data r 0=11 1=1\n",
                        "Unsupported", "unknown_op_type.param:4:", "'op' (BinaryOp)", "op_type 0=11"),
    "nan_value": (HEAD + "2 2\nInput data 0 1 data 0=4 1=4 2=1\nClip c 1 1 data r 0=nan\n",
                  "ParseError", "nan_value.param:4:", "'nan' is not a number"),
}

BAD_BIN = {
    # name: (param text, bin bytes, expected code, substrings...)
    "short_bin": (HEAD + "2 2\nInput data 0 1 data 0=4 1=4 2=1\nConvolution conv 1 1 data c 0=2 1=3 5=1 6=18\n",
                  struct.pack("<I", 0) + np.zeros(18, "<f4").tobytes() + np.zeros(1, "<f4").tobytes(),
                  "ParseError", "short_bin.bin", "'conv' (Convolution)", "bias", "at offset 76", "only 4 are left"),
    "short_bin_weights": (HEAD + "2 2\nInput data 0 1 data 0=4 1=4 2=1\nInnerProduct fc 1 1 data f 0=1000 2=16000000\n",
                          struct.pack("<I", 0) + np.zeros(10, "<f4").tobytes(),
                          "ParseError", "short_bin_weights.bin", "'fc' (InnerProduct)", "weight", "at offset 0"),
    "short_f16": (HEAD + "2 2\nInput data 0 1 data 0=4 1=4 2=1\nConvolution conv 1 1 data c 0=1 1=3 6=9\n",
                  struct.pack("<I", TAG_F16) + np.zeros(8, "<f2").tobytes(),
                  "ParseError", "short_f16.bin", "'conv' (Convolution)", "float16 data needs 20 bytes at offset 4"),
    "short_table": (HEAD + "2 2\nInput data 0 1 data 0=4 1=4 2=1\nConvolution conv 1 1 data c 0=1 1=3 6=9\n",
                    struct.pack("<I", TAG_TABLE) + np.zeros(100, "<f4").tobytes(),
                    "ParseError", "short_table.bin", "quantized table"),
    "short_scales": (HEAD + "2 2\nInput data 0 1 data 0=4 1=4 2=1\nConvolution conv 1 1 data c 0=2 1=1 6=2 8=2\n",
                     struct.pack("<I", 0) + np.zeros(2, "<f4").tobytes() + np.ones(2, "<f4").tobytes(),
                     "ParseError", "short_scales.bin", "'conv' (Convolution)", "input scale", "offset 20"),
}

WARN = {
    "trailing": (HEAD + "2 2\nInput data 0 1 data 0=4 1=4 2=1\nConvolution conv 1 1 data c 0=1 1=1 6=1\n",
                 struct.pack("<I", 0) + np.ones(1, "<f4").tobytes() + b"garbage!",
                 "8 trailing bytes", "offset 8"),
}


def bad():
    for name, (text, code, *subs) in BAD.items():
        write(f"{HERE}/bad/{name}.param", text)
        write(f"{HERE}/bad/{name}.expect", "\n".join([code, *subs]) + "\n")
    for name, (text, data, code, *subs) in BAD_BIN.items():
        write(f"{HERE}/bad/{name}.param", text)
        write(f"{HERE}/bad/{name}.bin", data, "wb")
        write(f"{HERE}/bad/{name}.expect", "\n".join([code, *subs]) + "\n")
    for name, (text, data, *subs) in WARN.items():
        write(f"{HERE}/warn/{name}.param", text)
        write(f"{HERE}/warn/{name}.bin", data, "wb")
        write(f"{HERE}/warn/{name}.expect", "\n".join(subs) + "\n")


if __name__ == "__main__":
    tiny()
    int8()
    deconv()
    layers()
    bad()
