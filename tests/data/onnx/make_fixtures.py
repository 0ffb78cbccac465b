#!/usr/bin/python3
"""Exports the small PyTorch models under tests/data/onnx/models/ with their expected outputs.

Run with Debian's python3-torch (1.13): /usr/bin/python3 tests/data/onnx/make_fixtures.py
Each case is a folder in the ONNX backend-test layout: model.onnx and test_data_set_0/
input_0.pb, output_0.pb (TensorProto). The outputs are PyTorch's own, so the importer and the
engine are checked against an independent implementation, through exporter-written graphs
(Shape->Gather->Concat->Reshape flatten, HardSigmoid+Mul hardswish, Clip relu6, legacy ops).
"""
import os
import struct

import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))


def varint(v):
    out = bytearray()
    while True:
        b = v & 0x7F
        v >>= 7
        if v:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def tensor_proto(name, t):
    """A float32 onnx.TensorProto: dims (1), data_type (2), name (8), raw_data (9)."""
    t = t.detach().contiguous().float()
    msg = b''.join(b'\x08' + varint(d) for d in t.shape)
    msg += b'\x10' + varint(1)
    nb = name.encode()
    msg += b'\x42' + varint(len(nb)) + nb
    raw = struct.pack('<%df' % t.numel(), *t.flatten().tolist())
    msg += b'\x4a' + varint(len(raw)) + raw
    return msg


class SmallCnn(nn.Module):
    """Conv/BN/ReLU, depthwise conv with ReLU6, hardswish, pools, flatten by view, Linear, Softmax."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 8, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(8)
        self.dw = nn.Conv2d(8, 8, 3, stride=2, padding=1, groups=8, bias=False)
        self.pw = nn.Conv2d(8, 12, 1)
        self.fc = nn.Linear(12 * 4 * 4, 10)

    def forward(self, x):
        x = F.relu(self.conv1(x))
        x = F.max_pool2d(x, 2)
        x = self.bn1(x)              # after a pool, so the exporter keeps BatchNormalization
        x = F.relu6(self.dw(x))
        x = F.hardswish(self.pw(x))
        x = F.avg_pool2d(x, 3, stride=1, padding=1, count_include_pad=False)
        x = x.view(x.size(0), -1)    # Shape -> Gather -> Unsqueeze -> Concat -> Reshape
        return F.softmax(self.fc(x), dim=1)


class Decoder(nn.Module):
    """Manual hardswish / hardsigmoid, upsampling, concat, channel shuffle, padding, deconv."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(4, 8, 3, padding=1)
        self.up = nn.ConvTranspose2d(8, 4, 2, stride=2)
        self.prelu = nn.PReLU(8)
        self.head = nn.Conv2d(16, 6, 3)

    def forward(self, x):
        y = self.conv(x)
        y = y * F.relu6(y + 3.0) / 6.0           # hardswish as MobileNetV3 code writes it
        g = F.relu6(y + 3.0) / 6.0               # hardsigmoid
        y = self.prelu(y * g)
        a = F.interpolate(y, scale_factor=2.0, mode='nearest')
        b = F.interpolate(y, scale_factor=2.0, mode='bilinear', align_corners=False)
        z = torch.cat([a, b], dim=1)             # 16 channels
        n, c, h, w = z.shape
        z = z.view(n, 4, c // 4, h, w).transpose(1, 2).contiguous().view(n, c, h, w)
        z = F.pad(z, (1, 1, 1, 1), mode='reflect')
        z = self.head(z)                         # 3x3, no padding: back to 16x16
        u = torch.tanh(self.up(self.conv(x)))[:, 1:3]
        return torch.sigmoid(z) + u.mean(dim=1, keepdim=True)


class Classifier(nn.Module):
    """Global pools, flatten, Gemm, LayerNorm, GELU-free MLP pieces, split and sum."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 16, 3, stride=2, padding=1)
        self.fc1 = nn.Linear(16, 32)
        self.norm = nn.LayerNorm(32)
        self.fc2 = nn.Linear(16, 5)

    def forward(self, x):
        x = F.leaky_relu(self.conv(x), 0.1)
        x = F.adaptive_avg_pool2d(x, 1) + F.adaptive_max_pool2d(x, 1)
        x = torch.flatten(x, 1)
        x = self.norm(self.fc1(x))
        p, q = torch.split(x, 16, dim=1)
        return self.fc2(torch.sigmoid(p) * q)


class MobileBlock(nn.Module):
    """A MobileNetV3 inverted residual with squeeze-and-excitation, stem and head."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(3, 16, 3, stride=2, padding=1, bias=False)
        self.stem_bn = nn.BatchNorm2d(16)
        self.expand = nn.Conv2d(16, 32, 1)
        self.dw = nn.Conv2d(32, 32, 5, padding=2, groups=32)
        self.se_reduce = nn.Conv2d(32, 8, 1)
        self.se_expand = nn.Conv2d(8, 32, 1)
        self.project = nn.Conv2d(32, 16, 1)
        self.head = nn.Conv2d(16, 24, 1)
        self.fc = nn.Linear(24, 7)

    def forward(self, x):
        x = F.hardswish(self.stem_bn(self.stem(x)))
        y = F.relu(self.expand(x))
        y = F.hardswish(self.dw(y))
        s = F.adaptive_avg_pool2d(y, 1)
        s = F.hardsigmoid(self.se_expand(F.relu(self.se_reduce(s))))
        y = self.project(y * s)
        x = F.hardswish(self.head(x + y))
        x = torch.flatten(F.adaptive_avg_pool2d(x, 1), 1)
        return self.fc(x)


# name, module, opset, input shape, symbolic batch (exports Shape -> Gather for x.size(0))
CASES = [
    ('torch_small_cnn_opset9', SmallCnn, 9, (1, 3, 16, 16), False),
    ('torch_small_cnn_opset11_dynamic_batch', SmallCnn, 11, (1, 3, 16, 16), True),
    ('torch_small_cnn_opset14', SmallCnn, 14, (1, 3, 16, 16), False),
    ('torch_decoder_opset11', Decoder, 11, (1, 4, 8, 8), False),
    ('torch_decoder_opset13', Decoder, 13, (1, 4, 8, 8), True),
    ('torch_classifier_opset17', Classifier, 17, (1, 3, 12, 12), True),
    ('torch_mobilenet_block_opset12', MobileBlock, 12, (1, 3, 32, 32), False),
    ('torch_mobilenet_block_opset15', MobileBlock, 15, (1, 3, 32, 32), True),
]


def main():
    for name, cls, opset, shape, dynamic in CASES:
        torch.manual_seed(1234)
        model = cls().eval()
        with torch.no_grad():
            for m in model.modules():      # non-trivial BatchNorm statistics
                if isinstance(m, nn.BatchNorm2d):
                    m.running_mean.uniform_(-0.5, 0.5)
                    m.running_var.uniform_(0.5, 2.0)
                    m.weight.uniform_(0.5, 1.5)
                    m.bias.uniform_(-0.2, 0.2)
        x = torch.randn(*shape)
        with torch.no_grad():
            y = model(x)
        folder = os.path.join(HERE, 'models', name)
        os.makedirs(os.path.join(folder, 'test_data_set_0'), exist_ok=True)
        torch.onnx.export(model, x, os.path.join(folder, 'model.onnx'), opset_version=opset,
                          input_names=['input'], output_names=['output'], do_constant_folding=False,
                          dynamic_axes={'input': {0: 'N'}, 'output': {0: 'N'}} if dynamic else None)
        with open(os.path.join(folder, 'test_data_set_0', 'input_0.pb'), 'wb') as f:
            f.write(tensor_proto('input', x))
        with open(os.path.join(folder, 'test_data_set_0', 'output_0.pb'), 'wb') as f:
            f.write(tensor_proto('output', y))
        print(name, tuple(y.shape))


if __name__ == '__main__':
    main()
