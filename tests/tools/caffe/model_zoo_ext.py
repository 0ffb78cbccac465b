"""layer_zoo_ext: layer forms the other nets leave out — ReLU6 (in place, with values past 6),
an explicit Split, AbsVal, a three-input Eltwise SUM with coefficients, Slice and Concat along
the height and width axes, non-square pooling with separate _h / _w fields, a softmax over
channels per pixel and Flatten from axis 2, on an odd, non-square input.
Left out because OpenCV 4.6 cannot serve as the oracle: PSPNet's Interp (its caffe.proto has
no interp_param) and InnerProduct transpose: true (ignored: the [K, N] blob is read as [N, K])."""
import numpy as np

from net_builder import Net


def layer_zoo_ext(seed):
    net = Net("layer_zoo_ext", seed, (1, 6, 9, 11), input_style="input_layer")
    x = net.conv("conv_x", "data", 12, 3, pad=1, gain=4.0)        # large enough to reach the clip at 6
    net.add("relu6_x", "ReLU6", [x], [x], [], [], [np.clip(net.vals[x], 0.0, 6.0)])
    net.split("split_x", x, ["s_a", "s_b", "s_c"])
    a = net.unary("abs_x", "AbsVal", "s_a", np.abs)
    e = net.eltwise("elt3", [a, "s_b", "s_c"], "SUM", coeff=[1.0, -0.5, 2.0])
    net.slice("slice_h", e, ["h1", "h2"], [4], axis=2)
    h = net.concat("cat_h", ["h2", "h1"], axis=2)                   # rows 4..8 then 0..3
    w = net.concat("cat_w", [h, "s_b"], axis=3)                     # [1, 12, 9, 22]
    p = net.pool("pool_hw", w, "MAX", (3, 2), stride=(2, 1), pad=(1, 0))
    q = net.pool("pool_hw_ave", w, "AVE", (2, 3), stride=(1, 2), pad=(0, 1))
    c = net.conv("conv_y", p, 8, 3, stride=2, pad=1)
    net.softmax("prob_pix", c, axis=1)
    net.flatten("flat_q", q, axis=2)
    net.extra_probes += ["conv_x", "relu6_x", "abs_x", "elt3", "cat_h", "cat_w", "pool_hw"]
    return net
