"""Small PNGs of every colour type and bit depth, for test/png-decode.test.ts (compared with pngjs there).

Run with Debian's python3 (python3-pil; PIL writes no interlaced PNG, so those are written here):
    /usr/bin/python3 apps/playground/scripts/make_png_fixtures.py
writes apps/playground/test/fixtures/png/*.png. Odd sizes, so that Adam7's passes are partly empty.
"""
import os
import random
import struct
import zlib

from PIL import Image

OUT = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "png")
W, H = 13, 11


def pixels(channels, top):
    rng = random.Random(channels * 1000 + top)
    return [tuple(rng.randint(0, top) for _ in range(channels)) for _ in range(W * H)]


def save(image, name, **options):
    path = os.path.join(OUT, name)
    image.save(path, **options)
    return path


ADAM7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]


def chunk(kind, body):
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def write_interlaced(name, image, color_type, depth):
    """An Adam7 PNG of `image` (PIL, its samples at `depth` bits), every row with filter 0."""
    channels = {0: 1, 6: 4}[color_type]
    data = bytearray()
    for x0, y0, dx, dy in ADAM7:
        for y in range(y0, H, dy):
            xs = list(range(x0, W, dx))
            if not xs:
                continue
            data.append(0)
            samples = [v for x in xs for v in (image.getpixel((x, y)) if channels > 1 else (image.getpixel((x, y)),))]
            if depth == 16:
                data += b"".join(struct.pack(">H", v) for v in samples)
            elif depth == 8:
                data += bytes(samples)
            else:
                bits = "".join("1" if v else "0" for v in samples)
                bits += "0" * (-len(bits) % 8)
                data += bytes(int(bits[i : i + 8], 2) for i in range(0, len(bits), 8))
    header = struct.pack(">IIBBBBB", W, H, depth, color_type, 0, 0, 1)
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(bytes(data))) + chunk(b"IEND", b""))


class Wide:
    """RGBA samples widened to 16 bits (v · 257 plus a per-pixel offset, so the low byte matters)."""

    def __init__(self, image):
        self.image = image

    def getpixel(self, at):
        return tuple(min(65535, v * 257 + (at[0] * 7 + at[1] * 3) % 200) for v in self.image.getpixel(at))


def main():
    os.makedirs(OUT, exist_ok=True)
    rgba = Image.new("RGBA", (W, H))
    rgba.putdata(pixels(4, 255))
    # Alpha 0 in the first column: the colour there must survive.
    for y in range(H):
        r, g, b, _ = rgba.getpixel((0, y))
        rgba.putpixel((0, y), (r, g, b, 0))
    save(rgba, "rgba8.png")
    rgb = rgba.convert("RGB")
    save(rgb, "rgb8-trns.png", transparency=rgb.getpixel((3, 3)))
    grey = Image.new("L", (W, H))
    grey.putdata([p[0] for p in pixels(1, 255)])
    save(grey, "grey8-trns.png", transparency=grey.getpixel((2, 2)))
    save(grey.convert("LA"), "grey-alpha8.png")
    save(grey.convert("1"), "grey1.png")
    grey16 = Image.new("I;16", (W, H))
    grey16.putdata([p[0] for p in pixels(1, 65535)])
    save(grey16, "grey16.png")
    palette = rgb.quantize(colors=12)
    save(palette, "palette4-trns.png", bits=4, transparency=bytes(range(0, 240, 20)))
    save(rgb.quantize(colors=200), "palette8.png")
    write_interlaced("rgba8-interlaced.png", rgba, 6, 8)
    write_interlaced("rgba16-interlaced.png", Wide(rgba), 6, 16)
    write_interlaced("grey1-interlaced.png", grey.convert("1"), 0, 1)

if __name__ == "__main__":
    main()
