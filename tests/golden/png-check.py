#!/usr/bin/env python3
"""Is a PNG (8-bit RGB or RGBA, non-interlaced, as rsvg-convert writes) a picture?

Prints "WxH, N colours, P% not white" and exits 1 when it looks blank: fewer
than 8 distinct colours or less than 2% of the pixels not white. The standard
library only (zlib): no image package is needed.
"""
import struct
import sys
import zlib


def pixels(path):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat, hdr = 8, b"", None
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            hdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    w, h, depth, ctype, _, _, interlace = hdr
    if depth != 8 or ctype not in (2, 6) or interlace:
        raise ValueError(f"unsupported PNG: depth {depth}, colour type {ctype}")
    bpp = 3 if ctype == 2 else 4
    raw, stride, prev, out = zlib.decompress(idat), w * bpp, bytearray(w * bpp), []
    for y in range(h):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        out.append(bytes(line))
        prev = line
    return w, h, bpp, out


def main():
    w, h, bpp, rows = pixels(sys.argv[1])
    colours, ink = set(), 0
    for row in rows:
        for x in range(0, w * bpp, bpp):
            px = row[x:x + bpp]
            if bpp == 4 and px[3] == 0:
                px = b"\xff\xff\xff\x00"
            colours.add(bytes(px[:3]))
            ink += px[:3] != b"\xff\xff\xff"
    share = 100.0 * ink / (w * h)
    print(f"{w}x{h}, {len(colours)} colours, {share:.1f}% not white")
    return 0 if len(colours) >= 8 and share >= 2.0 else 1


if __name__ == "__main__":
    sys.exit(main())
