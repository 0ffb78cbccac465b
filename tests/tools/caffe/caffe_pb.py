"""Hand-written protobuf wire encoder for the few caffe.proto messages a .caffemodel needs.

No protobuf module: varints, length-delimited fields and packed repeated fields are written by
hand with BVLC caffe.proto's field numbers:
  NetParameter      name=1, layers=2 (V1LayerParameter), layer=100 (LayerParameter)
  LayerParameter    name=1, type=2 (string), bottom=3, top=4, blobs=7
  V1LayerParameter  bottom=2, top=3, name=4, type=5 (enum LayerType), blobs=6
  BlobProto         num=1, channels=2, height=3, width=4 (legacy 4-D dims), data=5 (packed float),
                    shape=7 (BlobShape)
  BlobShape         dim=1 (packed int64)
"""
import struct

import numpy as np

WIRE_VARINT = 0
WIRE_LEN = 2


def varint(value):
    """Base-128 varint; negative values as 64-bit two's complement (int64 semantics)."""
    if value < 0:
        value += 1 << 64
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def key(field, wire):
    return varint((field << 3) | wire)


def field_varint(field, value):
    return key(field, WIRE_VARINT) + varint(value)


def field_bytes(field, payload):
    return key(field, WIRE_LEN) + varint(len(payload)) + payload


def field_string(field, text):
    return field_bytes(field, text.encode("utf-8"))


def packed_varints(field, values):
    return field_bytes(field, b"".join(varint(int(v)) for v in values))


def packed_floats(field, array):
    data = np.ascontiguousarray(array, dtype="<f4").tobytes()
    return field_bytes(field, data)


def blob(array, legacy_dims=False):
    """BlobProto. legacy_dims writes num/channels/height/width (shape padded on the left to 4-D),
    as V1-era caffemodels did; otherwise a BlobShape."""
    array = np.asarray(array, dtype=np.float32)
    out = b""
    if legacy_dims:
        dims = [1] * (4 - array.ndim) + list(array.shape)
        if len(dims) != 4:
            raise ValueError("legacy blob dims need rank <= 4, got %s" % (array.shape,))
        for field, d in zip((1, 2, 3, 4), dims):
            out += field_varint(field, d)
    out += packed_floats(5, array.reshape(-1))
    if not legacy_dims:
        out += field_bytes(7, packed_varints(1, array.shape))
    return out


def layer(name, type_name, bottoms, tops, blobs):
    out = field_string(1, name) + field_string(2, type_name)
    out += b"".join(field_string(3, b) for b in bottoms)
    out += b"".join(field_string(4, t) for t in tops)
    out += b"".join(field_bytes(7, blob(b)) for b in blobs)
    return out


def v1_layer(name, type_enum, bottoms, tops, blobs):
    out = b"".join(field_string(2, b) for b in bottoms)
    out += b"".join(field_string(3, t) for t in tops)
    out += field_string(4, name) + field_varint(5, type_enum)
    out += b"".join(field_bytes(6, blob(b, legacy_dims=True)) for b in blobs)
    return out


def net(name, layer_payloads, legacy=False):
    out = field_string(1, name)
    field = 2 if legacy else 100
    out += b"".join(field_bytes(field, p) for p in layer_payloads)
    return out


def _self_check():
    # Known encodings from the protobuf encoding guide: 150 -> 96 01, 300 -> ac 02.
    assert varint(150) == b"\x96\x01" and varint(300) == b"\xac\x02" and varint(1) == b"\x01"
    assert varint(-1) == b"\xff" * 9 + b"\x01"
    assert key(100, WIRE_LEN) == b"\xa2\x06"
    assert struct.unpack("<f", packed_floats(5, [1.5])[2:])[0] == 1.5


_self_check()
