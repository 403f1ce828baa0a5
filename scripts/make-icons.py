"""Draws the extension icon (a key on a blue tile) as PNGs, without image libraries.

Run once: python3 scripts/make-icons.py; the PNGs in public/icon are committed.
"""
import struct
import zlib
import math

def inside(x, y):
    # Key: a ring on the left, a shaft to the right, two teeth down.
    cx, cy = 0.34, 0.5
    d = math.hypot(x - cx, y - cy)
    ring = 0.10 <= d <= 0.19
    shaft = 0.50 <= x <= 0.84 and 0.46 <= y <= 0.54
    tooth1 = 0.70 <= x <= 0.76 and 0.54 <= y <= 0.66
    tooth2 = 0.78 <= x <= 0.84 and 0.54 <= y <= 0.62
    return ring or shaft or tooth1 or tooth2

def tile(x, y, r=0.2):
    # Rounded square of the whole icon.
    dx = max(r - x, 0, x - (1 - r))
    dy = max(r - y, 0, y - (1 - r))
    return math.hypot(dx, dy) <= r

def pixel(x, y, size):
    samples = 4
    key = bg = 0
    for i in range(samples):
        for j in range(samples):
            u = (x + (i + 0.5) / samples) / size
            v = (y + (j + 0.5) / samples) / size
            if tile(u, v):
                if inside(u, v):
                    key += 1
                else:
                    bg += 1
    n = samples * samples
    a = (key + bg) / n
    if a == 0:
        return (0, 0, 0, 0)
    k = key / (key + bg)
    blue = (11, 99, 206)
    white = (255, 255, 255)
    rgb = tuple(round(blue[c] * (1 - k) + white[c] * k) for c in range(3))
    return rgb + (round(a * 255),)

def png(size):
    rows = b''
    for y in range(size):
        rows += b'\x00' + b''.join(bytes(pixel(x, y, size)) for x in range(size))
    def chunk(kind, data):
        body = kind + data
        return struct.pack('>I', len(data)) + body + struct.pack('>I', zlib.crc32(body))
    header = struct.pack('>IIBBBBB', size, size, 8, 6, 0, 0, 0)
    return b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', header) + chunk(b'IDAT', zlib.compress(rows, 9)) + chunk(b'IEND', b'')

for size in (16, 32, 48, 96, 128):
    with open(f'public/icon/{size}.png', 'wb') as f:
        f.write(png(size))
