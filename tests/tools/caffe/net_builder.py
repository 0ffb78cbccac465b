"""A tiny Caffe network builder: each method appends one layer, computes its output in numpy
(so blob shapes and activation ranges are known) and remembers seeded weights. write() emits
deploy.prototxt, weights.caffemodel, input.bin and meta.json (outputs and probe layers for the
C++ test)."""
import json
import os

import numpy as np

import caffe_pb
import numpy_ops as ops
from prototxt import Enum, message, fields

# V1LayerParameter.LayerType values (BVLC caffe.proto).
V1_TYPES = {
    "Concat": 3, "Convolution": 4, "Deconvolution": 39, "Dropout": 6, "Eltwise": 25, "Flatten": 8,
    "InnerProduct": 14, "LRN": 15, "Pooling": 17, "Power": 26, "ReLU": 18, "Sigmoid": 19,
    "Softmax": 20, "Slice": 33, "TanH": 23,
}


def pair(v):
    return tuple(v) if isinstance(v, (tuple, list)) else (v, v)


class Layer:
    def __init__(self, name, type_name, bottoms, tops, params, blobs):
        self.name, self.type, self.bottoms, self.tops = name, type_name, bottoms, tops
        self.params, self.blobs = params, blobs


class Net:
    """input_style: "input_layer" (Input layer), "input_shape" or "input_dim" (net-level fields).
    legacy: write V1 `layers { type: ENUM }` and V1 blobs (num/channels/height/width)."""

    def __init__(self, name, seed, input_shape, input_name="data", input_style="input_shape", legacy=False):
        self.name, self.legacy, self.input_style = name, legacy, input_style
        self.input_name, self.input_shape = input_name, tuple(input_shape)
        self.rng = np.random.default_rng(seed)
        self.layers = []
        self.vals = {}
        self.max_abs = 0.0
        self.extra_probes = []
        self.final = {}       # (layer, top) -> that layer's output (in-place layers overwrite vals)
        self.no_ref = set()   # blobs whose numpy value is only a shape placeholder
        self.input = self.rng.uniform(-1.0, 1.0, self.input_shape).astype(np.float32)
        self.vals[input_name] = self.input
        if input_style == "input_layer":
            shape = [("dim", d) for d in self.input_shape]
            self.layers.append(Layer(input_name, "Input", [], [input_name], [("input_param", [("shape", shape)])], []))

    # ---- bookkeeping ----
    def add(self, name, type_name, bottoms, tops, params, blobs, outputs):
        if self.legacy and type_name not in V1_TYPES:
            raise ValueError("layer %s: type %s has no V1 enum" % (name, type_name))
        self.layers.append(Layer(name, type_name, list(bottoms), list(tops), params, blobs))
        if type_name in ("PriorBox", "DetectionOutput") or any(b in self.no_ref for b in bottoms):
            self.no_ref.update(tops)
        for t, v in zip(tops, outputs):
            v = np.asarray(v, np.float32)
            if not np.all(np.isfinite(v)):
                raise ValueError("layer %s: non-finite values" % name)
            self.vals[t] = v
            self.final[(name, t)] = v
            self.max_abs = max(self.max_abs, float(np.abs(v).max()))
        return tops[0]

    def shape(self, blob):
        return self.vals[blob].shape

    def he(self, shape, fan_in, gain=1.0):
        return (self.rng.standard_normal(shape) * gain * np.sqrt(2.0 / fan_in)).astype(np.float32)

    def small(self, shape, scale=0.1):
        return (self.rng.standard_normal(shape) * scale).astype(np.float32)

    # ---- layers ----
    def conv(self, name, bottom, num_output, kernel, stride=1, pad=0, group=1, dilation=1, bias=True,
             top=None, gain=1.0, square=True):
        kh, kw = pair(kernel)
        c = self.shape(bottom)[1]
        w = self.he((num_output, c // group, kh, kw), c // group * kh * kw, gain)
        b = self.small((num_output,)) if bias else None
        p = [("num_output", num_output)]
        if not bias:
            p.append(("bias_term", False))
        if square:
            p += [("pad", pad)] if pad else []
            p += [("kernel_size", kh)]
            p += [("stride", stride)] if stride != 1 else []
        else:
            p += [("pad_h", pair(pad)[0]), ("pad_w", pair(pad)[1]), ("kernel_h", kh), ("kernel_w", kw),
                  ("stride_h", pair(stride)[0]), ("stride_w", pair(stride)[1])]
        p += [("group", group)] if group != 1 else []
        p += [("dilation", dilation)] if dilation != 1 else []
        y = ops.conv2d(self.vals[bottom], w, b, pair(stride), pair(pad), pair(dilation), group)
        blobs = [w] + ([b] if bias else [])
        return self.add(name, "Convolution", [bottom], [top or name], [("convolution_param", p)], blobs, [y])

    def deconv(self, name, bottom, num_output, kernel, stride=1, pad=0, group=1, top=None):
        c = self.shape(bottom)[1]
        w = self.he((c, num_output // group, kernel, kernel), c // group * kernel * kernel / (stride * stride))
        b = self.small((num_output,))
        p = [("num_output", num_output), ("pad", pad), ("kernel_size", kernel), ("stride", stride)]
        p += [("group", group)] if group != 1 else []
        y = ops.deconv2d(self.vals[bottom], w, b, pair(stride), pair(pad), (1, 1), group)
        return self.add(name, "Deconvolution", [bottom], [top or name], [("convolution_param", p)], [w, b], [y])

    def relu(self, name, bottom, slope=0.0, top=None):
        x = self.vals[bottom]
        p = [("relu_param", [("negative_slope", slope)])] if slope else []
        return self.add(name, "ReLU", [bottom], [top or bottom], p, [], [np.where(x > 0, x, x * slope)])

    def batchnorm(self, name, bottom, eps=None, scale_factor=0.5, top=None):
        """Blobs near the true channel statistics (noisy), stored pre-multiplied by scale_factor:
        Caffe divides mean and var by blobs[2][0]."""
        x = self.vals[bottom][0]
        c = x.shape[0]
        mean = x.reshape(c, -1).mean(axis=1) + self.small((c,), 0.05)
        var = x.reshape(c, -1).var(axis=1) * self.rng.uniform(0.7, 1.4, c)
        # Floor near-dead channels' variance so BatchNorm does not blow float rounding up 30x.
        var = var + 0.05 * var.mean() + 1e-3
        p = [("use_global_stats", True)] + ([("eps", eps)] if eps is not None else [])
        e = 1e-5 if eps is None else eps
        y = (x - mean[:, None, None]) / np.sqrt(var[:, None, None] + e)
        blobs = [(mean * scale_factor).astype(np.float32), (var * scale_factor).astype(np.float32),
                 np.array([scale_factor], np.float32)]
        return self.add(name, "BatchNorm", [bottom], [top or bottom], [("batch_norm_param", p)], blobs, [y[None]])

    def scale(self, name, bottom, bias=True, top=None):
        c = self.shape(bottom)[1]
        gamma = (1.0 + self.small((c,), 0.2)).astype(np.float32)
        beta = self.small((c,), 0.2)
        y = self.vals[bottom] * gamma.reshape(1, c, 1, 1) + (beta.reshape(1, c, 1, 1) if bias else 0)
        return self.add(name, "Scale", [bottom], [top or bottom], [("scale_param", [("bias_term", bias)])],
                        [gamma, beta] if bias else [gamma], [y])

    def pool(self, name, bottom, method, kernel=0, stride=1, pad=0, global_pool=False, top=None):
        x = self.vals[bottom]
        p = [("pool", Enum(method))]
        if global_pool:
            p.append(("global_pooling", True))
            y = ops.pool2d(x, method, x.shape[2:], (1, 1), (0, 0))
        elif isinstance(kernel, tuple):  # non-square: the _h / _w fields
            (kh, kw), (sh, sw), (ph, pw) = kernel, pair(stride), pair(pad)
            p += [("kernel_h", kh), ("kernel_w", kw), ("stride_h", sh), ("stride_w", sw), ("pad_h", ph), ("pad_w", pw)]
            y = ops.pool2d(x, method, (kh, kw), (sh, sw), (ph, pw))
        else:
            p += [("kernel_size", kernel), ("stride", stride)] + ([("pad", pad)] if pad else [])
            y = ops.pool2d(x, method, pair(kernel), pair(stride), pair(pad))
        return self.add(name, "Pooling", [bottom], [top or name], [("pooling_param", p)], [], [y])

    def concat(self, name, bottoms, axis=1, top=None):
        p = [("concat_param", [("axis", axis)])] if axis != 1 else []
        y = np.concatenate([self.vals[b] for b in bottoms], axis=axis)
        return self.add(name, "Concat", bottoms, [top or name], p, [], [y])

    def eltwise(self, name, bottoms, op="SUM", coeff=None, top=None):
        xs = [self.vals[b] for b in bottoms]
        p = [("operation", Enum(op))] if op != "SUM" else []
        if op == "SUM":
            cs = coeff or [1.0] * len(xs)
            p += [("coeff", c) for c in coeff or []]
            y = sum(c * x for c, x in zip(cs, xs))
        elif op == "PROD":
            y = np.prod(xs, axis=0)
        else:
            y = np.max(xs, axis=0)
        return self.add(name, "Eltwise", bottoms, [top or name], [("eltwise_param", p)] if p else [], [], [y])

    def inner_product(self, name, bottom, num_output, axis=1, top=None):
        x = self.vals[bottom]
        inner = int(np.prod(x.shape[axis:]))
        w = self.he((num_output, inner), inner)
        b = self.small((num_output,))
        p = [("num_output", num_output)] + ([("axis", axis)] if axis != 1 else [])
        y = ops.inner_product(x, w, b, axis)
        return self.add(name, "InnerProduct", [bottom], [top or name], [("inner_product_param", p)], [w, b], [y])

    def softmax(self, name, bottom, axis=1, top=None):
        p = [("softmax_param", [("axis", axis)])] if axis != 1 else []
        return self.add(name, "Softmax", [bottom], [top or name], p, [], [ops.softmax(self.vals[bottom], axis)])

    def dropout(self, name, bottom, ratio=0.5):
        return self.add(name, "Dropout", [bottom], [bottom], [("dropout_param", [("dropout_ratio", ratio)])], [],
                        [self.vals[bottom]])

    def unary(self, name, type_name, bottom, fn, top=None):
        return self.add(name, type_name, [bottom], [top or name], [], [], [fn(self.vals[bottom])])

    def split(self, name, bottom, tops):
        x = self.vals[bottom]
        return self.add(name, "Split", [bottom], tops, [], [], [x] * len(tops))

    def power(self, name, bottom, power, scale, shift, top=None):
        p = [("power_param", [("power", power), ("scale", scale), ("shift", shift)])]
        y = (shift + scale * self.vals[bottom]) ** power
        return self.add(name, "Power", [bottom], [top or name], p, [], [y])

    def prelu(self, name, bottom, top=None):
        c = self.shape(bottom)[1]
        slope = self.rng.uniform(0.05, 0.4, c).astype(np.float32)
        x = self.vals[bottom]
        y = np.where(x > 0, x, x * slope.reshape(1, c, 1, 1))
        return self.add(name, "PReLU", [bottom], [top or bottom], [], [slope], [y])

    def lrn(self, name, bottom, size, alpha, beta, region="ACROSS_CHANNELS", top=None):
        x = self.vals[bottom]
        p = [("local_size", size), ("alpha", alpha), ("beta", beta)]
        if region == "ACROSS_CHANNELS":
            y = ops.lrn_across(x, size, alpha, beta, 1.0)
        else:
            p.append(("norm_region", Enum(region)))
            y = ops.lrn_within(x, size, alpha, beta)
        return self.add(name, "LRN", [bottom], [top or name], [("lrn_param", p)], [], [y])

    def slice(self, name, bottom, tops, points, axis=1):
        x = self.vals[bottom]
        p = [("axis", axis)] + [("slice_point", q) for q in points]
        ys = np.split(x, points, axis=axis)
        return self.add(name, "Slice", [bottom], tops, [("slice_param", p)], [], ys)

    def flatten(self, name, bottom, axis=1, top=None):
        x = self.vals[bottom]
        p = [("flatten_param", [("axis", axis)])] if axis != 1 else []
        y = x.reshape(x.shape[:axis] + (-1,))
        return self.add(name, "Flatten", [bottom], [top or name], p, [], [y])

    def permute(self, name, bottom, order, top=None):
        y = np.transpose(self.vals[bottom], order)
        return self.add(name, "Permute", [bottom], [top or name],
                        [("permute_param", [("order", o) for o in order])], [], [y])

    def reshape(self, name, bottom, dims, top=None):
        y = ops.reshape(self.vals[bottom], dims)
        return self.add(name, "Reshape", [bottom], [top or name],
                        [("reshape_param", [("shape", [("dim", d) for d in dims])])], [], [y])

    def normalize(self, name, bottom, scale_mean, top=None):
        c = self.shape(bottom)[1]
        scale = (scale_mean * self.rng.uniform(0.8, 1.2, c)).astype(np.float32)
        p = [("across_spatial", False), ("channel_shared", False), ("eps", 1e-10),
             ("scale_filler", [("type", "constant"), ("value", scale_mean)])]
        y = ops.normalize(self.vals[bottom], scale, 1e-10)
        return self.add(name, "Normalize", [bottom], [top or name], [("norm_param", p)], [scale], [y])

    def prior_box(self, name, bottom, image, min_sizes, max_sizes, aspect_ratios, step, flip=True, clip=False,
                  variance=(0.1, 0.1, 0.2, 0.2), offset=0.5, top=None):
        h, w = self.shape(bottom)[2:]
        n = ops.prior_count(min_sizes, max_sizes, aspect_ratios, flip)
        p = [("min_size", float(s)) for s in min_sizes] + [("max_size", float(s)) for s in max_sizes]
        p += [("aspect_ratio", float(r)) for r in aspect_ratios]
        p += [("flip", flip), ("clip", clip)] + [("variance", v) for v in variance]
        p += ([("step", float(step))] if step else []) + [("offset", offset)]  # no step: image / feature size
        y = np.zeros((1, 2, h * w * n * 4), np.float32)  # shape only; OpenCV gives the values
        return self.add(name, "PriorBox", [bottom, image], [top or name], [("prior_box_param", p)], [], [y])

    def detection_output(self, name, bottoms, num_classes, conf_threshold, top_k, keep_top_k, nms=0.45):
        p = [("num_classes", num_classes), ("share_location", True), ("background_label_id", 0),
             ("nms_param", [("nms_threshold", nms), ("top_k", top_k)]), ("code_type", Enum("CENTER_SIZE")),
             ("keep_top_k", keep_top_k), ("confidence_threshold", conf_threshold)]
        self.detection_layer = name
        return self.add(name, "DetectionOutput", bottoms, [name], [("detection_output_param", p)], [],
                        [np.zeros((1, 1, 1, 7), np.float32)])

    # ---- output ----
    def outputs(self):
        """(layer, top, index) of every top no later layer reads (in-place rewrites count as reads)."""
        producer, read = {}, set()
        for layer in self.layers:
            for b in layer.bottoms:
                if b in producer:
                    read.add(producer[b])
            for i, t in enumerate(layer.tops):
                producer[t] = (layer.name, t, i)
        return [v for v in producer.values() if v not in read]

    def probes(self, every=5):
        """Every `every`-th single-top layer (plus extra_probes): intermediate blobs to compare so a
        mismatch names its layer."""
        picked = []
        for n, layer in enumerate(self.layers):
            if layer.type in ("Input", "DetectionOutput") or len(layer.tops) != 1:
                continue
            if n % every == 0 or layer.name in self.extra_probes:
                picked.append((layer.name, layer.tops[0], 0))
        return picked

    def prototxt(self):
        out = 'name: "%s"\n' % self.name
        if self.input_style == "input_shape":
            out += 'input: "%s"\n' % self.input_name
            out += "\n".join(fields([("input_shape", [("dim", d) for d in self.input_shape])], 0)) + "\n"
        elif self.input_style == "input_dim":
            out += 'input: "%s"\n' % self.input_name + "".join("input_dim: %d\n" % d for d in self.input_shape)
        for layer in self.layers:
            if self.legacy:
                items = [("name", layer.name), ("type", Enum(layer.type.upper().replace("INNERPRODUCT", "INNER_PRODUCT")))]
            else:
                items = [("name", layer.name), ("type", layer.type)]
            items += [("bottom", b) for b in layer.bottoms] + [("top", t) for t in layer.tops]
            out += message("layers" if self.legacy else "layer", items + layer.params)
        return out

    def caffemodel(self):
        if self.legacy:
            payloads = [caffe_pb.v1_layer(l.name, V1_TYPES[l.type], l.bottoms, l.tops, l.blobs) for l in self.layers]
        else:
            payloads = [caffe_pb.layer(l.name, l.type, l.bottoms, l.tops, l.blobs) for l in self.layers]
        return caffe_pb.net(self.name, payloads, legacy=self.legacy)

    def write(self, out_dir):
        d = os.path.join(out_dir, self.name)
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "deploy.prototxt"), "w") as f:
            f.write(self.prototxt())
        with open(os.path.join(d, "weights.caffemodel"), "wb") as f:
            f.write(self.caffemodel())
        with open(os.path.join(d, "input.bin"), "wb") as f:
            f.write(self.input.astype("<f4").tobytes())
        self.layer_by_name = {layer.name: layer for layer in self.layers}
        ref_dir = os.path.join(d, "ref")
        os.makedirs(ref_dir, exist_ok=True)

        def as_json(rows):
            out = []
            for layer, top, index in rows:
                row = {"layer": layer, "top": top, "index": index, "shape": list(self.final[(layer, top)].shape),
                       "in_place": top in self.layer_by_name[layer].bottoms}
                if top not in self.no_ref:
                    # numpy's value of the blob: the Caffe semantics OpenCV is checked against.
                    row["ref"] = "ref/%s.bin" % layer.replace("/", "_")
                    with open(os.path.join(d, row["ref"]), "wb") as f:
                        f.write(self.final[(layer, top)].astype("<f4").tobytes())
                out.append(row)
            return out

        meta = {"input": self.input_name, "input_shape": list(self.input_shape),
                "outputs": as_json(self.outputs()), "probes": as_json(self.probes()),
                "detection_output": getattr(self, "detection_layer", ""), "max_abs": self.max_abs,
                "layers": len(self.layers)}
        with open(os.path.join(d, "meta.json"), "w") as f:
            json.dump(meta, f, indent=1)
        return meta
