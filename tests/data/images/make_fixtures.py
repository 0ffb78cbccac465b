#!/usr/bin/python3
"""Writes the image fixtures in this folder with the Python standard library only.

    /usr/bin/python3 tests/data/images/make_fixtures.py

Every file is small and its pixel values are known, so tests can check decoded values exactly
(PNG, BMP) or within JPEG rounding (CMYK JPEG: uniform 8x8 blocks carry only a DC term).
"""
import math
import os
import struct
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))


def write(rel, data):
    path = os.path.join(HERE, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


# ------------------------------------------------------------------ PNG
def png_chunk(tag, data):
    body = tag + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


def png(width, height, color_type, bit_depth, rows):
    """rows: list of bytes, one per scanline, already packed (big-endian for 16 bit)."""
    raw = b"".join(b"\x00" + r for r in rows)
    ihdr = struct.pack(">IIBBBBB", width, height, bit_depth, color_type, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr)
            + png_chunk(b"IDAT", zlib.compress(raw, 9)) + png_chunk(b"IEND", b""))


def gray_png():
    # 6x4, value = 10 * x + 40 * y  (so pixel (x=5, y=3) = 170)
    rows = [bytes(10 * x + 40 * y for x in range(6)) for y in range(4)]
    return png(6, 4, 0, 8, rows)


def rgba_png():
    # 4x4 RGBA: R = 60 * x, G = 60 * y, B = 200, alpha varies (must be dropped, not composited)
    rows = [b"".join(bytes((60 * x, 60 * y, 200, 255 - 80 * x)) for x in range(4))
            for y in range(4)]
    return png(4, 4, 6, 8, rows)


def gray_alpha_png():
    # 3x2 gray + alpha: gray = 100 + 50 * x, alpha = 0 everywhere
    rows = [b"".join(bytes((100 + 50 * x, 0)) for x in range(3)) for _ in range(2)]
    return png(3, 2, 4, 8, rows)


def rgb16_png():
    # 2x2 16-bit RGB; pixel (0, 0) = (0x12FF, 0xFFFF, 0x0000); others (0x8080, 0x4000, 0x0101)
    px = {(0, 0): (0x12FF, 0xFFFF, 0x0000)}
    rows = [b"".join(struct.pack(">HHH", *px.get((x, y), (0x8080, 0x4000, 0x0101)))
                     for x in range(2)) for y in range(2)]
    return png(2, 2, 2, 16, rows)


def noise_png(size=64):
    # pseudo-random gray so the compressed IDAT is long enough to cut in the middle
    state = 12345
    rows = []
    for _ in range(size):
        row = bytearray()
        for _ in range(size):
            state = (1103515245 * state + 12345) & 0x7FFFFFFF
            row.append(state >> 23)
        rows.append(bytes(row))
    return png(size, size, 0, 8, rows)


# ------------------------------------------------------------------ BMP
def rgb_bmp():
    # 3x2 24-bit BMP (bottom-up rows, padded to 4 bytes). Top-left pixel RGB = (255, 128, 1).
    width, height = 3, 2
    top = [(255, 128, 1), (0, 255, 0), (0, 0, 255)]
    bottom = [(10, 20, 30), (40, 50, 60), (70, 80, 90)]
    stride = (width * 3 + 3) & ~3
    pixels = b""
    for row in (bottom, top):  # bottom-up
        line = b"".join(bytes((b, g, r)) for r, g, b in row)
        pixels += line + b"\x00" * (stride - len(line))
    header = struct.pack("<IiiHHIIiiII", 40, width, height, 1, 24, 0, len(pixels), 2835, 2835, 0, 0)
    file_header = struct.pack("<2sIHHI", b"BM", 14 + 40 + len(pixels), 0, 0, 14 + 40)
    return file_header + header + pixels


# ------------------------------------------------------------------ JPEG (baseline encoder)
ZIGZAG = [0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34,
          27, 20, 13, 6, 7, 14, 21, 28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37,
          44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63]
# Standard Huffman tables (ITU T.81 Annex K): luminance DC and AC
DC_BITS = [0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0]
DC_VALS = list(range(12))
AC_BITS = [0, 2, 1, 3, 3, 2, 4, 3, 5, 5, 4, 4, 0, 0, 1, 0x7D]
AC_VALS = [
    0x01, 0x02, 0x03, 0x00, 0x04, 0x11, 0x05, 0x12, 0x21, 0x31, 0x41, 0x06, 0x13, 0x51, 0x61, 0x07,
    0x22, 0x71, 0x14, 0x32, 0x81, 0x91, 0xA1, 0x08, 0x23, 0x42, 0xB1, 0xC1, 0x15, 0x52, 0xD1, 0xF0,
    0x24, 0x33, 0x62, 0x72, 0x82, 0x09, 0x0A, 0x16, 0x17, 0x18, 0x19, 0x1A, 0x25, 0x26, 0x27, 0x28,
    0x29, 0x2A, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3A, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49,
    0x4A, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5A, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69,
    0x6A, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7A, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89,
    0x8A, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9A, 0xA2, 0xA3, 0xA4, 0xA5, 0xA6, 0xA7,
    0xA8, 0xA9, 0xAA, 0xB2, 0xB3, 0xB4, 0xB5, 0xB6, 0xB7, 0xB8, 0xB9, 0xBA, 0xC2, 0xC3, 0xC4, 0xC5,
    0xC6, 0xC7, 0xC8, 0xC9, 0xCA, 0xD2, 0xD3, 0xD4, 0xD5, 0xD6, 0xD7, 0xD8, 0xD9, 0xDA, 0xE1, 0xE2,
    0xE3, 0xE4, 0xE5, 0xE6, 0xE7, 0xE8, 0xE9, 0xEA, 0xF1, 0xF2, 0xF3, 0xF4, 0xF5, 0xF6, 0xF7, 0xF8,
    0xF9, 0xFA]


def huffman_codes(bits, vals):
    codes, code, k = {}, 0, 0
    for length in range(1, 17):
        for _ in range(bits[length - 1]):
            codes[vals[k]] = (code, length)
            code += 1
            k += 1
        code <<= 1
    return codes


class BitWriter:
    def __init__(self):
        self.out = bytearray()
        self.acc = 0
        self.n = 0

    def put(self, value, length):
        for i in range(length - 1, -1, -1):
            self.acc = (self.acc << 1) | ((value >> i) & 1)
            self.n += 1
            if self.n == 8:
                self.out.append(self.acc)
                if self.acc == 0xFF:
                    self.out.append(0)  # byte stuffing
                self.acc, self.n = 0, 0

    def flush(self):
        while self.n:
            self.put(1, 1)  # pad with one-bits
        return bytes(self.out)


def magnitude(v):
    size = 0 if v == 0 else int(abs(v)).bit_length()
    bits = v if v >= 0 else v + (1 << size) - 1
    return size, bits


def fdct(block):
    out = [0.0] * 64
    for v in range(8):
        for u in range(8):
            s = 0.0
            for y in range(8):
                for x in range(8):
                    s += (block[y * 8 + x] * math.cos((2 * x + 1) * u * math.pi / 16)
                          * math.cos((2 * y + 1) * v * math.pi / 16))
            cu = 1 / math.sqrt(2) if u == 0 else 1.0
            cv = 1 / math.sqrt(2) if v == 0 else 1.0
            out[v * 8 + u] = 0.25 * cu * cv * s
    return out


def jpeg(width, height, planes, adobe_transform=None, exif_orientation=None):
    """Baseline JPEG, no subsampling, quantizer 1 everywhere. planes: one list of rows of 0..255
    per component. width and height must be multiples of 8."""
    dc_codes, ac_codes = huffman_codes(DC_BITS, DC_VALS), huffman_codes(AC_BITS, AC_VALS)
    ncomp = len(planes)
    seg = lambda marker, data: struct.pack(">BBH", 0xFF, marker, len(data) + 2) + data
    out = b"\xFF\xD8"
    if exif_orientation is not None:  # APP1 "Exif": a little-endian TIFF IFD with one entry
        ifd = (struct.pack("<H", 1) + struct.pack("<HHI", 0x0112, 3, 1)
               + struct.pack("<HH", exif_orientation, 0) + struct.pack("<I", 0))
        out += seg(0xE1, b"Exif\x00\x00" + b"II*\x00" + struct.pack("<I", 8) + ifd)
    if adobe_transform is not None:  # APP14 "Adobe": transform 0 = CMYK stored as is
        out += seg(0xEE, b"Adobe" + struct.pack(">HHHB", 100, 0, 0, adobe_transform))
    out += seg(0xDB, b"\x00" + bytes([1] * 64))
    out += seg(0xC0, struct.pack(">BHHB", 8, height, width, ncomp)
               + b"".join(bytes((i + 1, 0x11, 0)) for i in range(ncomp)))
    out += seg(0xC4, b"\x00" + bytes(DC_BITS) + bytes(DC_VALS))
    out += seg(0xC4, b"\x10" + bytes(AC_BITS) + bytes(AC_VALS))
    out += seg(0xDA, bytes([ncomp]) + b"".join(bytes((i + 1, 0x00)) for i in range(ncomp))
               + b"\x00\x3F\x00")
    bw = BitWriter()
    pred = [0] * ncomp
    for by in range(0, height, 8):
        for bx in range(0, width, 8):
            for c in range(ncomp):
                block = [planes[c][by + y][bx + x] - 128 for y in range(8) for x in range(8)]
                coef = [int(round(v)) for v in fdct(block)]
                zz = [coef[i] for i in ZIGZAG]
                size, bits = magnitude(zz[0] - pred[c])
                pred[c] = zz[0]
                bw.put(*dc_codes[size])
                bw.put(bits, size)
                run = 0
                for v in zz[1:]:
                    if v == 0:
                        run += 1
                        continue
                    while run > 15:
                        bw.put(*ac_codes[0xF0])
                        run -= 16
                    size, bits = magnitude(v)
                    bw.put(*ac_codes[(run << 4) | size])
                    bw.put(bits, size)
                    run = 0
                if run:
                    bw.put(*ac_codes[0x00])  # end of block
    return out + bw.flush() + b"\xFF\xD9"


def cmyk_jpeg():
    # 16x8: left block stored (C,M,Y,K) = (255, 0, 0, 255), right block (0, 0, 255, 255).
    # Adobe CMYK is stored inverted; OpenCV maps the left block to red and the right to blue.
    left, right = (255, 0, 0, 255), (0, 0, 255, 255)
    planes = [[[(left if x < 8 else right)[c] for x in range(16)] for _ in range(8)]
              for c in range(4)]
    return jpeg(16, 8, planes, adobe_transform=0)


def gray_jpeg():
    # 8x8 uniform gray 77
    return jpeg(8, 8, [[[77] * 8 for _ in range(8)]])


def exif_rotated_jpeg():
    # 16x8 gray, left block 40, right block 200, EXIF orientation 6: shown turned 90 degrees
    # clockwise, 8 wide and 16 high with 40 on top (cv::imread's default applies it).
    return jpeg(16, 8, [[[40 if x < 8 else 200 for x in range(16)] for _ in range(8)]],
                exif_orientation=6)


def exif_garbage_jpeg():
    # an EXIF segment whose IFD offset points far past its end: the pixels must still load
    good = jpeg(8, 8, [[[90] * 8 for _ in range(8)]], exif_orientation=3)
    at = good.index(b"II*\x00") + 4
    return good[:at] + struct.pack("<I", 0x7FFFFFF0) + good[at + 4:]


def broken_jpeg():
    # a valid start, then a frame header that claims a zero-height image: libjpeg refuses it
    good = gray_jpeg()
    sof = good.index(b"\xFF\xC0")
    return good[:sof + 5] + b"\x00\x00" + good[sof + 7:]


def main():
    write("decode/gray.png", gray_png())
    write("decode/rgba.png", rgba_png())
    write("decode/gray_alpha.png", gray_alpha_png())
    write("decode/rgb16.png", rgb16_png())
    write("decode/rgb.bmp", rgb_bmp())
    write("decode/cmyk.jpg", cmyk_jpeg())
    write("decode/nested/deep/GRAY.JPEG", gray_jpeg())
    write("decode/notes.txt", b"not an image, and not named like one\n")
    write("decode/.hidden.png", gray_png())  # hidden: never listed
    write("decode/._fork.jpg", b"\x00\x05\x16\x07 macOS AppleDouble junk\n")  # hidden too
    write("exif/rotated.jpg", exif_rotated_jpeg())
    write("exif/garbage.jpg", exif_garbage_jpeg())
    write("broken/broken.jpg", broken_jpeg())
    noise = noise_png()
    write("broken/truncated.png", noise[:len(noise) // 2])
    write("broken/text.jpg", b"This is a text file with a .jpg name.\n")
    write("broken/empty.png", b"")
    write("broken/good.png", gray_png())

    write("classes/bird/b1.png", gray_png())
    write("classes/cat/c1.bmp", rgb_bmp())
    write("classes/cat/c2.PNG", rgba_png())
    write("classes/dog/d1.jpg", gray_jpeg())
    write("classes/empty/readme.txt", b"a class folder with no images\n")

    write("lists/with space.png", gray_png())
    write("lists/classes.txt", b"zero\none\ntwo\n\n")
    write("lists/good.txt", b"# a list file: path [label]\n"
                            b"../decode/gray.png 3\n"
                            b"../decode/rgba.png\t1\r\n"
                            b"\n"
                            b"../decode/nested/deep/GRAY.JPEG\n"
                            b"   # an indented comment\n"
                            b"../decode/missing.png 2\n"
                            b"with space.png 2\n"
                            b"with space.png\n"
                            b"../classes/cat/c1.bmp 0\n")
    write("lists/bad_label.txt", b"# line 3 has a class name where the label goes\n"
                                 b"../decode/gray.png 1\n"
                                 b"../decode/rgba.png cat\n")


if __name__ == "__main__":
    main()
