#!/usr/bin/python3
"""Trains the project's Fashion-MNIST sample model and writes everything in this folder.

Run with Debian's python3-torch (nothing is downloaded):
    /usr/bin/python3 samples/fashion-mnist/train.py [--epochs N] [--out DIR]

Outputs (beside this script unless --out says otherwise):
    model.onnx      opset 13, input "input" [1,1,28,28], output "logits" [1,10], BatchNorm kept
    test/           500 test-set images (first 50 of each class) + labels.txt (`path label`)
    calib/          200 training-set images (first 20 of each class) + labels.txt
    classes.txt     the 10 class names, one a line, in label order
    meta.json       accuracy of the PyTorch FP32 model, preprocessing, versions, seed, epochs
"""
import argparse
import gzip
import json
import os
import struct
import time
import zlib

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

DATA_DIR = "/usr/share/datasets/fashion-mnist"
CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
           "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
SEED = 20240611


# ---------------------------------------------------------------- data
def read_idx(path):
    """Reads an IDX file (the MNIST format): big-endian header, then uint8 data."""
    with gzip.open(path, "rb") as f:
        raw = f.read()
    zero, dtype, ndim = struct.unpack(">HBB", raw[:4])
    if zero != 0 or dtype != 0x08:
        raise ValueError(f"{path}: not a uint8 IDX file")
    dims = struct.unpack(">" + "I" * ndim, raw[4:4 + 4 * ndim])
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def load_split(prefix):
    images = read_idx(os.path.join(DATA_DIR, f"{prefix}-images-idx3-ubyte.gz"))
    labels = read_idx(os.path.join(DATA_DIR, f"{prefix}-labels-idx1-ubyte.gz"))
    return images, labels.astype(np.int64)


def to_input(images_u8):
    """uint8 [N,28,28] -> float [N,1,28,28]; y = (x - 0) * (1/255), the ncnn convention."""
    return torch.from_numpy(images_u8.astype(np.float32) / 255.0).unsqueeze(1)


def augment(x, gen):
    """Random horizontal flip and a random shift of up to 2 pixels (zero padding)."""
    n = x.shape[0]
    flip = torch.rand(n, generator=gen) < 0.5
    x = torch.where(flip[:, None, None, None], x.flip(3), x)
    padded = F.pad(x, (2, 2, 2, 2))
    dx = torch.randint(0, 5, (n,), generator=gen)
    dy = torch.randint(0, 5, (n,), generator=gen)
    out = torch.empty_like(x)
    for i in range(n):
        out[i] = padded[i, :, dy[i]:dy[i] + 28, dx[i]:dx[i] + 28]
    return out


# ---------------------------------------------------------------- model
def conv_bn(cin, cout, k, stride, groups=1, act=True):
    layers = [nn.Conv2d(cin, cout, k, stride, k // 2, groups=groups, bias=False),
              nn.BatchNorm2d(cout)]
    if act:
        layers.append(nn.ReLU6(inplace=True))
    return layers


class InvertedResidual(nn.Module):
    """MobileNetV2 block: 1x1 expand, 3x3 depthwise, 1x1 linear projection (+ skip)."""

    def __init__(self, cin, cout, stride, expand):
        super().__init__()
        hidden = cin * expand
        layers = []
        if expand != 1:
            layers += conv_bn(cin, hidden, 1, 1)
        layers += conv_bn(hidden, hidden, 3, stride, groups=hidden)
        layers += conv_bn(hidden, cout, 1, 1, act=False)
        self.body = nn.Sequential(*layers)
        self.skip = stride == 1 and cin == cout

    def forward(self, x):
        y = self.body(x)
        return x + y if self.skip else y


class FashionMobileNet(nn.Module):
    # (expand, out channels, stride) per block. The stem already halves 28 -> 14 (full-resolution
    # blocks cost 2x the training time for little accuracy); 14 -> 7 in the fourth block.
    BLOCKS = [(1, 16, 1), (3, 24, 1), (3, 24, 1), (3, 48, 2), (3, 48, 1), (3, 64, 1)]
    HEAD = 192

    def __init__(self, num_classes=10):
        super().__init__()
        layers = conv_bn(1, 32, 3, 2)
        cin = 32
        for expand, cout, stride in self.BLOCKS:
            layers.append(InvertedResidual(cin, cout, stride, expand))
            cin = cout
        layers += conv_bn(cin, self.HEAD, 1, 1)
        self.features = nn.Sequential(*layers)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.dropout = nn.Dropout(0.2)
        self.classifier = nn.Linear(self.HEAD, num_classes)

    def forward(self, x):
        x = self.pool(self.features(x))
        return self.classifier(self.dropout(torch.flatten(x, 1)))


# ---------------------------------------------------------------- training
def evaluate(model, x, y, batch=1000):
    model.eval()
    correct = 0
    with torch.no_grad():
        for i in range(0, len(x), batch):
            xb = x[i:i + batch].contiguous(memory_format=torch.channels_last)
            correct += (model(xb).argmax(1) == y[i:i + batch]).sum().item()
    return correct / len(x)


def train(model, x, y, epochs, batch, gen, log):
    decay = [p for n, p in model.named_parameters() if p.ndim > 1]
    no_decay = [p for n, p in model.named_parameters() if p.ndim <= 1]
    opt = torch.optim.SGD([{"params": decay, "weight_decay": 4e-4},
                           {"params": no_decay, "weight_decay": 0.0}],
                          lr=0.1, momentum=0.9, nesterov=True)
    steps = epochs * ((len(x) + batch - 1) // batch)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=0.2, total_steps=steps,
                                                pct_start=0.2)
    for epoch in range(epochs):
        model.train()
        start = time.time()
        perm = torch.randperm(len(x), generator=gen)
        total_loss = 0.0
        for i in range(0, len(x), batch):
            idx = perm[i:i + batch]
            xb = augment(x[idx], gen).contiguous(memory_format=torch.channels_last)
            loss = F.cross_entropy(model(xb), y[idx], label_smoothing=0.1)
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            total_loss += loss.item() * len(idx)
        log(f"epoch {epoch + 1}/{epochs}: loss {total_loss / len(x):.4f} "
            f"({time.time() - start:.0f} s)")


# ---------------------------------------------------------------- outputs
def write_png_gray(path, img):
    """Writes an 8-bit grayscale PNG with the standard library only."""
    h, w = img.shape

    def chunk(tag, data):
        body = tag + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)

    rows = b"".join(b"\x00" + img[r].tobytes() for r in range(h))  # filter 0 per row
    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0))
           + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b""))
    with open(path, "wb") as f:
        f.write(png)


def slug(name):
    return name.lower().replace("/", "_").replace(" ", "_")


def first_per_class(labels, count):
    """Indices of the first `count` samples of each class, in class then index order."""
    return [i for c in range(len(CLASSES)) for i in np.nonzero(labels == c)[0][:count]]


def write_image_set(folder, images, labels, indices):
    os.makedirs(folder, exist_ok=True)
    lines = ["# path label  (label = line number in ../classes.txt, from 0)"]
    for i in indices:
        name = f"{i:05d}_{slug(CLASSES[labels[i]])}.png"
        write_png_gray(os.path.join(folder, name), images[i])
        lines.append(f"{name} {labels[i]}")
    with open(os.path.join(folder, "labels.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")


def export_onnx(model, path):
    model = model.to(memory_format=torch.contiguous_format).eval()
    dummy = torch.zeros(1, 1, 28, 28)
    # PRESERVE (not EVAL) skips the exporter's eval peephole, which would fold BatchNorm into
    # Conv: the workbench wants to see and fold BatchNorm itself.
    torch.onnx.export(model, dummy, path, opset_version=13, input_names=["input"],
                      output_names=["logits"], training=torch.onnx.TrainingMode.PRESERVE,
                      do_constant_folding=False)
    with open(path, "rb") as f:
        raw = f.read()
    # NodeProto.op_type is field 4 (tag 0x22); 0x12 = len("BatchNormalization"). Counting the
    # bare string would also count node and value names.
    bn = raw.count(b"\x22\x12BatchNormalization")
    if bn == 0:
        raise RuntimeError(f"{path}: export folded BatchNorm away")
    return bn


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser()
    ap.add_argument("--epochs", type=int, default=8)
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--out", default=here)
    args = ap.parse_args()

    torch.set_num_threads(1)  # the build machine is shared
    torch.manual_seed(SEED)
    torch.use_deterministic_algorithms(True)
    gen = torch.Generator().manual_seed(SEED)
    t0 = time.time()

    def log(msg):
        print(f"[{time.time() - t0:6.0f} s] {msg}", flush=True)

    train_u8, train_y = load_split("train")
    test_u8, test_y = load_split("t10k")
    x_train, y_train = to_input(train_u8), torch.from_numpy(train_y)
    x_test, y_test = to_input(test_u8), torch.from_numpy(test_y)

    # channels_last: oneDNN runs the depthwise convolutions about twice as fast in NHWC
    model = FashionMobileNet().to(memory_format=torch.channels_last)
    n_params = sum(p.numel() for p in model.parameters())
    log(f"{n_params} parameters ({n_params * 4 / 1024:.0f} KiB of FP32 weights)")
    train(model, x_train, y_train, args.epochs, args.batch, gen, log)

    acc_full = evaluate(model, x_test, y_test)
    test_idx = first_per_class(test_y, 50)
    acc_500 = evaluate(model, x_test[test_idx], y_test[test_idx])
    log(f"top-1: {acc_full * 100:.2f} % on 10k test, {acc_500 * 100:.2f} % on the 500 sample")

    os.makedirs(args.out, exist_ok=True)
    bn = export_onnx(model, os.path.join(args.out, "model.onnx"))
    write_image_set(os.path.join(args.out, "test"), test_u8, test_y, test_idx)
    write_image_set(os.path.join(args.out, "calib"), train_u8, train_y,
                    first_per_class(train_y, 20))
    with open(os.path.join(args.out, "classes.txt"), "w") as f:
        f.write("\n".join(CLASSES) + "\n")
    meta = {
        "model": "model.onnx",
        "architecture": "MobileNetV2-style: stem conv3x3 stride 2, 6 inverted residual blocks "
                        "(depthwise 3x3, BatchNorm, ReLU6), conv1x1, global average pool, FC",
        "parameters": n_params,
        "batchnorm_nodes": bn,
        "input": {"name": "input", "shape": [1, 1, 28, 28]},
        "output": {"name": "logits", "shape": [1, 10]},
        "preprocess": {"pixel": "GRAY", "width": 28, "height": 28, "mean": [0.0],
                       "norm": [1.0 / 255.0],
                       "eqw_flags": "pixel=GRAY shape=[28,28,1] mean=[0] norm=[0.00392157]"},
        "top1_fp32_test500": acc_500,
        "top1_fp32_test10k": acc_full,
        "test_images": "test/labels.txt (first 50 of each class of the test set)",
        "calib_images": "calib/labels.txt (first 20 of each class of the training set)",
        "dataset": DATA_DIR,
        "torch_version": torch.__version__,
        "seed": SEED,
        "epochs": args.epochs,
        "batch": args.batch,
        "train_seconds": round(time.time() - t0),
    }
    with open(os.path.join(args.out, "meta.json"), "w") as f:
        json.dump(meta, f, indent=2)
        f.write("\n")
    log("done")


if __name__ == "__main__":
    main()
