"""An SSD300 head (Liu et al., VGG-SSD deploy layout with slimmer channels): six source maps
38/19/10/5/3/1, conv4_3_norm (Normalize), per-source mbox_loc / mbox_conf convolutions with
Permute + Flatten, PriorBox, the three Concats, conf Reshape + Softmax + Flatten, DetectionOutput."""
import numpy as np

import numpy_ops as ops
from net_builder import Net

NUM_CLASSES = 5


def backbone(net):
    x = net.conv("conv1_1", "data", 16, 3, stride=2, pad=1)
    net.relu("relu1_1", x)
    x = net.conv("conv2_1", x, 32, 3, stride=2, pad=1)
    net.relu("relu2_1", x)
    x = net.conv("conv3_1", x, 32, 3, pad=1)
    net.relu("relu3_1", x)
    x = net.pool("pool3", x, "MAX", 2, 2)          # 75 -> 38 only with Caffe's ceil rounding
    c43 = net.conv("conv4_3", x, 64, 3, pad=1)
    net.relu("relu4_3", c43)
    norm = net.normalize("conv4_3_norm", c43, 4.0)
    x = net.pool("pool4", c43, "MAX", 2, 2)
    x = net.conv("fc6", x, 64, 3, pad=6, dilation=6)
    net.relu("relu6", x)
    fc7 = net.conv("fc7", x, 64, 1)
    net.relu("relu7", fc7)
    sources, x = [norm, fc7], fc7
    for n, (mid, out, stride, pad) in zip(range(6, 10), [(32, 64, 2, 1), (16, 32, 2, 1), (16, 32, 1, 0), (16, 32, 1, 0)]):
        x = net.conv("conv%d_1" % n, x, mid, 1)
        net.relu("conv%d_1_relu" % n, x)
        x = net.conv("conv%d_2" % n, x, out, 3, stride=stride, pad=pad)
        net.relu("conv%d_2_relu" % n, x)
        sources.append(x)
    return sources


def confidence_threshold(scores):
    """A threshold in a wide gap of the sorted foreground scores that lets 40..120 candidates
    through: far below top_k / keep_top_k and far from any score, so the detection set does not
    hinge on float rounding."""
    s = np.sort(scores.reshape(-1))[::-1]
    i = 40 + int(np.argmax(s[40:120] - s[41:121]))
    assert s[i] - s[i + 1] > 1e-4, "no clear gap in the SSD scores"
    return float((s[i] + s[i + 1]) / 2)


def ssd_head(seed):
    net = Net("ssd_head", seed, (1, 3, 300, 300), input_style="input_shape")
    sources = backbone(net)
    # (min_size, max_size, aspect ratios, step, clip) per source, as in SSD300, except that the
    # last two take the forms MobileNet-SSD uses: no max_size, no step (image / feature size).
    priors = [(30, 60, [2], 8, True), (60, 111, [2, 3], 16, False), (111, 162, [2, 3], 32, False),
              (162, 213, [2, 3], 64, False), (213, None, [2], None, False), (264, 315, [2], None, False)]
    locs, confs, boxes = [], [], []
    for src, (mn, mx, ar, step, clip) in zip(sources, priors):
        mxs = [mx] if mx else []
        n = ops.prior_count([mn], mxs, ar, True)
        head = src + "_mbox_"
        loc = net.conv(head + "loc", src, n * 4, 3, pad=1, gain=0.3)
        loc = net.permute(head + "loc_perm", loc, (0, 2, 3, 1))
        locs.append(net.flatten(head + "loc_flat", loc))
        conf = net.conv(head + "conf", src, n * NUM_CLASSES, 3, pad=1, gain=2.0)
        conf = net.permute(head + "conf_perm", conf, (0, 2, 3, 1))
        confs.append(net.flatten(head + "conf_flat", conf))
        boxes.append(net.prior_box(head + "priorbox", src, "data", [mn], mxs, ar, step, clip=clip))
    loc = net.concat("mbox_loc", locs)
    conf = net.concat("mbox_conf", confs)
    box = net.concat("mbox_priorbox", boxes, axis=2)
    conf = net.reshape("mbox_conf_reshape", conf, (0, -1, NUM_CLASSES))
    conf = net.softmax("mbox_conf_softmax", conf, axis=2)
    threshold = confidence_threshold(net.vals[conf][0, :, 1:])
    conf = net.flatten("mbox_conf_flatten", conf)
    net.detection_output("detection_out", [loc, conf, box], NUM_CLASSES, threshold, top_k=400, keep_top_k=200)
    net.extra_probes += ["mbox_loc", "mbox_conf_flatten", "mbox_priorbox", "conv4_3_norm"]
    return net
