"""layer_zoo: a small net through the remaining Caffe layer types OpenCV DNN runs — Eltwise
SUM-with-coeff / PROD / MAX, Slice, PReLU, BatchNorm (eps) + Scale without bias, Sigmoid, TanH,
Power, LRN across and within channels, AVE pooling with pad (Caffe's ceil and padded-count
rules), MAX pooling whose last ceil window is dropped, dilated, non-square and strided
convolution, Deconvolution (plain and grouped), InnerProduct with axis (over the last axis of a Reshape'd 3-D blob), Dropout. The legacy
variant writes the same net as V1 `layers { type: ENUM }` (no PReLU / BatchNorm / Scale there)."""
import numpy as np

from net_builder import Net


def layer_zoo(seed, legacy=False):
    name = "layer_zoo_v1" if legacy else "layer_zoo"
    net = Net(name, seed, (1, 8, 20, 20), input_style="input_dim" if legacy else "input_shape", legacy=legacy)
    x = net.conv("conv_a", "data", 16, 3, pad=1)
    net.relu("relu_a", x, slope=0.1)
    net.slice("slice_a", x, ["a1", "a2", "a3"], [4, 8])
    s = net.eltwise("sum_a", ["a1", "a2"], "SUM", coeff=[0.5, -1.5])
    p = net.eltwise("prod_a", ["a1", "a2"], "PROD")
    m = net.eltwise("max_a", [s, p], "MAX")
    if legacy:
        net.relu("prelu_b", "a3", slope=0.2)
    else:
        net.prelu("prelu_b", "a3")
        net.batchnorm("bn_b", "a3", eps=1e-3, scale_factor=2.0)
        net.scale("scale_b", "a3", bias=False)
    c = net.concat("cat_b", [m, "a3"])
    sg = net.unary("sig_c", "Sigmoid", c, lambda v: 1.0 / (1.0 + np.exp(-v)))
    th = net.unary("tanh_c", "TanH", c, np.tanh)
    pw = net.power("pow_c", th, 2.0, 0.5, 1.0)
    x = net.eltwise("sum_c", [sg, pw])
    x = net.lrn("lrn_x", x, 5, 0.5, 0.75)
    x = net.lrn("lrn_w", x, 3, 0.5, 0.75, region="WITHIN_CHANNEL")
    x = net.pool("pool_ave", x, "AVE", 3, 2, pad=1)                 # 20 -> 11, last window padded
    d = net.conv("dil_conv", x, 16, 3, pad=2, dilation=2)
    net.relu("relu_d", d)
    pm = net.pool("pool_max", d, "MAX", 2, 3, pad=1)                # 11 -> 4 (ceil gives 5, Caffe drops one)
    e = net.deconv("deconv_e", d, 6, 4, stride=2, pad=1)            # 11 -> 22
    net.relu("relu_e", e)
    net.conv("conv_rect", e, 8, (3, 1), stride=(2, 1), pad=(1, 0), square=False)
    net.deconv("deconv_g", d, 8, 2, stride=2, group=2)
    if not legacy:  # V1 has no Reshape
        # InnerProduct over the last axis of a 3-D blob ([N, T, C] as in sequence models).
        seq = net.reshape("seq_g", pm, (0, 0, -1))                   # [1, 16, 4, 4] -> [1, 16, 16]
        ip = net.inner_product("ip_axis", seq, 10, axis=2)           # -> [1, 16, 10]
        net.dropout("drop_f", ip)
    f = net.inner_product("ip_f", pm, 10)
    net.softmax("prob_f", f)
    net.extra_probes += ["pool_ave", "pool_max", "lrn_x", "lrn_w", "deconv_e", "sum_a", "max_a", "cat_b", "ip_f"]
    return net
