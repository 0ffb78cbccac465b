"""Caffe layer semantics in numpy, batch 1 (arrays keep the leading batch axis).

Used by the generator to track blob shapes and real activation statistics (BatchNorm blobs are
set near the true channel statistics so deep nets stay O(1)), and written out as ref/*.bin so
the C++ test can check that OpenCV (the oracle for our importer) follows these Caffe rules.
"""
import math

import numpy as np


def conv_out(size, k, s, p, d):
    return (size + 2 * p - (d * (k - 1) + 1)) // s + 1


def conv2d(x, w, b, stride, pad, dil, group):
    x = x[0]
    c, h, wd = x.shape
    o, cg, kh, kw = w.shape
    ho = conv_out(h, kh, stride[0], pad[0], dil[0])
    wo = conv_out(wd, kw, stride[1], pad[1], dil[1])
    xp = np.pad(x, ((0, 0), (pad[0], pad[0]), (pad[1], pad[1])))
    cols = np.empty((c, kh, kw, ho, wo), np.float32)
    for i in range(kh):
        for j in range(kw):
            r0, c0 = i * dil[0], j * dil[1]
            cols[:, i, j] = xp[:, r0:r0 + stride[0] * (ho - 1) + 1:stride[0], c0:c0 + stride[1] * (wo - 1) + 1:stride[1]]
    cols = cols.reshape(group, cg * kh * kw, ho * wo)
    out = np.matmul(w.reshape(group, o // group, cg * kh * kw), cols).reshape(o, ho, wo)
    if b is not None:
        out += b[:, None, None]
    return out[None].astype(np.float32)


def deconv2d(x, w, b, stride, pad, dil, group):
    x = x[0]
    cin, h, wd = x.shape
    _, og, kh, kw = w.shape
    full_h = (h - 1) * stride[0] + dil[0] * (kh - 1) + 1
    full_w = (wd - 1) * stride[1] + dil[1] * (kw - 1) + 1
    out = np.zeros((og * group, full_h, full_w), np.float32)
    cg = cin // group
    for g in range(group):
        wg = w[g * cg:(g + 1) * cg].reshape(cg, og * kh * kw)
        cols = (wg.T @ x[g * cg:(g + 1) * cg].reshape(cg, h * wd)).reshape(og, kh, kw, h, wd)
        for i in range(kh):
            for j in range(kw):
                r0, c0 = i * dil[0], j * dil[1]
                out[g * og:(g + 1) * og, r0:r0 + stride[0] * (h - 1) + 1:stride[0],
                    c0:c0 + stride[1] * (wd - 1) + 1:stride[1]] += cols[:, i, j]
    out = out[:, pad[0]:full_h - pad[0], pad[1]:full_w - pad[1]]
    if b is not None:
        out = out + b[:, None, None]
    return out[None].astype(np.float32)


def pool_out(size, k, s, p):
    """Caffe's rule: ceil, then drop a last window that would start inside the bottom padding."""
    out = int(math.ceil((size + 2 * p - k) / s)) + 1
    if p > 0 and (out - 1) * s >= size + p:
        out -= 1
    return out


def pool2d(x, method, k, s, p):
    x = x[0]
    c, h, w = x.shape
    ho, wo = pool_out(h, k[0], s[0], p[0]), pool_out(w, k[1], s[1], p[1])
    extra_h = max(0, (ho - 1) * s[0] + k[0] - h - p[0])
    extra_w = max(0, (wo - 1) * s[1] + k[1] - w - p[1])
    fill = -np.inf if method == "MAX" else 0.0
    xp = np.pad(x, ((0, 0), (p[0], extra_h), (p[1], extra_w)), constant_values=fill)
    acc = np.full((c, ho, wo), fill, np.float32)
    for i in range(k[0]):
        for j in range(k[1]):
            win = xp[:, i:i + s[0] * (ho - 1) + 1:s[0], j:j + s[1] * (wo - 1) + 1:s[1]]
            acc = np.maximum(acc, win) if method == "MAX" else acc + win
    if method == "AVE":
        # Caffe divides by the window clipped to the padded image, padding included.
        hs = np.arange(ho) * s[0] - p[0]
        ws = np.arange(wo) * s[1] - p[1]
        dh = np.minimum(hs + k[0], h + p[0]) - hs
        dw = np.minimum(ws + k[1], w + p[1]) - ws
        acc = acc / (dh[:, None] * dw[None, :])
    return acc[None].astype(np.float32)


def lrn_across(x, size, alpha, beta, k):
    sq = np.pad(x[0] ** 2, ((size // 2, size // 2), (0, 0), (0, 0)))
    acc = sum(sq[i:i + x.shape[1]] for i in range(size))
    return (x[0] * (k + alpha / size * acc) ** -beta)[None].astype(np.float32)


def lrn_within(x, size, alpha, beta):
    p = (size - 1) // 2
    avg = pool2d(x ** 2, "AVE", (size, size), (1, 1), (p, p))
    return (x * (1.0 + alpha * avg) ** -beta).astype(np.float32)


def softmax(x, axis):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return (e / e.sum(axis=axis, keepdims=True)).astype(np.float32)


def inner_product(x, w, b, axis):
    outer = int(np.prod(x.shape[:axis]))
    y = x.reshape(outer, -1) @ w.T
    if b is not None:
        y = y + b
    return y.reshape(x.shape[:axis] + (w.shape[0],)).astype(np.float32)


def normalize(x, scale, eps):
    norm = np.sqrt((x[0] ** 2).sum(axis=0, keepdims=True) + eps)
    return (x[0] / norm * scale.reshape(-1, 1, 1))[None].astype(np.float32)


def reshape(x, dims):
    shape = [x.shape[i] if d == 0 else d for i, d in enumerate(dims)]
    return x.reshape(shape)


def prior_count(min_sizes, max_sizes, aspect_ratios, flip):
    ratios = [1.0]
    for r in aspect_ratios:
        for q in ([r, 1.0 / r] if flip else [r]):
            if all(abs(q - e) > 1e-6 for e in ratios):
                ratios.append(q)
    return len(min_sizes) * len(ratios) + len(max_sizes)

