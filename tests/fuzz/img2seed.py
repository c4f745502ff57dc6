#!/usr/bin/env python3
"""img2seed.py - turn a disk image into fuzz_image's sparse input form.

Usage: img2seed.py IMAGE OUT.fix OUT.raw

Writes the image's non-zero 4 KiB blocks as fuzz_image.c reads them (see
its header comment): OUT.fix with the checksum-repair flag set, OUT.raw
without it. Images over 16 MiB are refused.
"""

import struct
import sys

BLK = 4096
MAX_BLOCKS = 4096


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__.strip().split("\n\n")[1])
    with open(sys.argv[1], "rb") as f:
        img = f.read()
    nblocks = (len(img) + BLK - 1) // BLK
    if not 0 < nblocks <= MAX_BLOCKS:
        sys.exit("img2seed: %s: %d blocks, want 1..%d"
                 % (sys.argv[1], nblocks, MAX_BLOCKS))
    body = b""
    for b in range(nblocks):
        data = img[b * BLK:(b + 1) * BLK]
        if data.strip(b"\0"):
            body += struct.pack("<H", b) + data.ljust(BLK, b"\0")
    for path, flags in ((sys.argv[2], 1), (sys.argv[3], 0)):
        with open(path, "wb") as f:
            f.write(struct.pack("<BH", flags, nblocks - 1) + body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
