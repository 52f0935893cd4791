"""A minimal OLE2 compound file (an old .xls, a .doc…): what the xlsx import must refuse as not a workbook.

Shared by tests/test_xlsx.py and the batch page's workbook fixtures (tests/js/fixtures/xlsx_workbooks.py)."""

from __future__ import annotations

import struct


def ole2(*streams: str) -> bytes:
    """A minimal OLE2 compound file (one FAT sector, one directory sector) holding empty streams."""
    free, end, fat_sector = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(16)
    header += struct.pack("<HHHHH6xIIIIIIIII", 0x3E, 3, 0xFFFE, 9, 6, 0, 1, 1, 0, 4096, end, 0, end, 0)
    header += struct.pack("<I", 0) + struct.pack("<I", free) * 108
    fat = struct.pack("<II", fat_sector, end) + struct.pack("<I", free) * 126

    def entry(name, kind, right=free, child=free):
        encoded = name.encode("utf-16-le") + b"\0\0" if name else b""
        return (encoded.ljust(64, b"\0") + struct.pack("<HBB", len(encoded), kind, 1)
                + struct.pack("<III", free, right, child) + bytes(16 + 4 + 16) + struct.pack("<IQ", end, 0))

    names = sorted(streams, key=lambda n: (len(n), n.upper()))
    entries = [entry("Root Entry", 5, child=1 if names else free)]
    entries += [entry(name, 2, right=index + 2 if index + 1 < len(names) else free) for index, name in enumerate(names)]
    directory = b"".join(entries).ljust(512, b"\0")
    return header + fat + directory
