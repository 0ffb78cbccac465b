"""Classification deploy topologies, structure as in the public deploy.prototxt files:
SqueezeNet v1.1 (DeepScale), MobileNet v1 and v2 (shicai/MobileNet-Caffe)."""
from net_builder import Net


def squeezenet_v1_1(seed):
    net = Net("squeezenet_v1.1", seed, (1, 3, 227, 227), input_style="input_layer")
    x = net.conv("conv1", "data", 64, 3, stride=2)
    net.relu("relu_conv1", x)
    x = net.pool("pool1", x, "MAX", 3, 2)

    def fire(n, x, squeeze, expand):
        f = "fire%d/" % n
        s = net.conv(f + "squeeze1x1", x, squeeze, 1)
        net.relu(f + "relu_squeeze1x1", s)
        e1 = net.conv(f + "expand1x1", s, expand, 1)
        net.relu(f + "relu_expand1x1", e1)
        e3 = net.conv(f + "expand3x3", s, expand, 3, pad=1)
        net.relu(f + "relu_expand3x3", e3)
        return net.concat(f + "concat", [e1, e3])

    x = fire(2, x, 16, 64)
    x = fire(3, x, 16, 64)
    x = net.pool("pool3", x, "MAX", 3, 2)
    x = fire(4, x, 32, 128)
    x = fire(5, x, 32, 128)
    x = net.pool("pool5", x, "MAX", 3, 2)
    for n, (s, e) in zip(range(6, 10), [(48, 192), (48, 192), (64, 256), (64, 256)]):
        x = fire(n, x, s, e)
    net.dropout("drop9", x)
    x = net.conv("conv10", x, 1000, 1)
    net.relu("relu_conv10", x)
    x = net.pool("pool10", x, "AVE", global_pool=True)
    net.softmax("prob", x)
    net.extra_probes += ["conv10", "pool10"]
    return net


def conv_bn(net, name, bottom, num_output, kernel, stride=1, pad=0, group=1, relu=None, eps=None):
    """Convolution (no bias) + BatchNorm + Scale + optional ReLU, all in place on the conv's top."""
    x = net.conv(name, bottom, num_output, kernel, stride=stride, pad=pad, group=group, bias=False)
    net.batchnorm(name + "/bn", x, eps=eps)
    net.scale(name + "/scale", x)
    if relu:
        net.relu(relu, x)
    return x


def mobilenet_v1(seed):
    net = Net("mobilenet_v1", seed, (1, 3, 224, 224), input_style="input_dim")
    x = conv_bn(net, "conv1", "data", 32, 3, stride=2, pad=1, relu="relu1")
    # (block name, output channels, depthwise stride)
    blocks = [("2_1", 64, 1), ("2_2", 128, 2), ("3_1", 128, 1), ("3_2", 256, 2), ("4_1", 256, 1),
              ("4_2", 512, 2), ("5_1", 512, 1), ("5_2", 512, 1), ("5_3", 512, 1), ("5_4", 512, 1),
              ("5_5", 512, 1), ("5_6", 1024, 2), ("6", 1024, 1)]
    for b, c, s in blocks:
        cin = net.shape(x)[1]
        x = conv_bn(net, "conv%s/dw" % b, x, cin, 3, stride=s, pad=1, group=cin, relu="relu%s/dw" % b)
        x = conv_bn(net, "conv%s/sep" % b, x, c, 1, relu="relu%s/sep" % b)
    x = net.pool("pool6", x, "AVE", global_pool=True)
    x = net.conv("fc7", x, 1000, 1)
    net.softmax("prob", x)
    net.extra_probes += ["fc7"]
    return net


def mobilenet_v2(seed):
    net = Net("mobilenet_v2", seed, (1, 3, 224, 224), input_style="input_dim")
    eps = 1e-5
    x = conv_bn(net, "conv1", "data", 32, 3, stride=2, pad=1, relu="relu1", eps=eps)
    # (block name, expanded channels, output channels, depthwise stride, residual)
    blocks = [("2_1", 32, 16, 1, False), ("2_2", 96, 24, 2, False), ("3_1", 144, 24, 1, True),
              ("3_2", 144, 32, 2, False), ("4_1", 192, 32, 1, True), ("4_2", 192, 32, 1, True),
              ("4_3", 192, 64, 2, False), ("4_4", 384, 64, 1, True), ("4_5", 384, 64, 1, True),
              ("4_6", 384, 64, 1, True), ("4_7", 384, 96, 1, False), ("5_1", 576, 96, 1, True),
              ("5_2", 576, 96, 1, True), ("5_3", 576, 160, 2, False), ("6_1", 960, 160, 1, True),
              ("6_2", 960, 160, 1, True), ("6_3", 960, 320, 1, False)]
    for b, e, c, s, residual in blocks:
        y = conv_bn(net, "conv%s/expand" % b, x, e, 1, relu="relu%s/expand" % b, eps=eps)
        y = conv_bn(net, "conv%s/dwise" % b, y, e, 3, stride=s, pad=1, group=e, relu="relu%s/dwise" % b, eps=eps)
        y = conv_bn(net, "conv%s/linear" % b, y, c, 1, eps=eps)
        x = net.eltwise("block_%s" % b, [x, y]) if residual else y
    x = conv_bn(net, "conv6_4", x, 1280, 1, relu="relu6_4", eps=eps)
    x = net.pool("pool6", x, "AVE", global_pool=True)
    x = net.conv("fc7", x, 1000, 1)
    net.softmax("prob", x)
    net.extra_probes += ["fc7", "block_6_2"]
    return net
