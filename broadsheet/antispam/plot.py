"""A tiny PNG writer for PR and ROC curves (numpy + zlib; matplotlib is not a dependency)."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import numpy as np

_COLOURS = [(200, 30, 30), (30, 90, 200), (20, 150, 60), (160, 60, 180)]


def _line(
    img: np.ndarray, x0: int, y0: int, x1: int, y1: int, colour: tuple[int, int, int]
) -> None:
    steps = max(abs(x1 - x0), abs(y1 - y0), 1)
    xs = np.linspace(x0, x1, steps + 1).round().astype(int)
    ys = np.linspace(y0, y1, steps + 1).round().astype(int)
    for dx in (0, 1):
        ok = (xs + dx < img.shape[1]) & (ys < img.shape[0])
        img[ys[ok], xs[ok] + dx] = colour


def _panel(
    img: np.ndarray, left: int, top: int, size: int, curves: list[tuple[np.ndarray, np.ndarray]]
) -> None:
    img[top : top + size, left] = img[top + size, left : left + size] = (0, 0, 0)
    img[top, left : left + size] = img[top : top + size + 1, left + size] = (180, 180, 180)
    for g in range(1, 4):  # light grid at 0.25 steps
        img[top + g * size // 4, left + 1 : left + size] = (230, 230, 230)
        img[top + 1 : top + size, left + g * size // 4] = (230, 230, 230)
    for k, (x, y) in enumerate(curves):
        px = (left + np.clip(x, 0, 1) * size).astype(int)
        py = (top + size - np.clip(y, 0, 1) * size).astype(int)
        for i in range(1, len(px)):
            _line(img, px[i - 1], py[i - 1], px[i], py[i], _COLOURS[k % len(_COLOURS)])


def write_png(
    path: Path, pr: list[tuple[np.ndarray, np.ndarray]], roc: list[tuple[np.ndarray, np.ndarray]]
) -> None:
    """Left panel: precision (y) against recall (x); right: true- against false-positive rate.
    One colour per curve (red, blue, green, purple), axes from 0 to 1 with a grid every 0.25."""
    size, pad = 400, 40
    img = np.full((size + 2 * pad, 2 * size + 3 * pad, 3), 255, dtype=np.uint8)
    _panel(img, pad, pad, size, pr)
    _panel(img, 2 * pad + size, pad, size, roc)
    raw = b"".join(b"\x00" + row.tobytes() for row in img)
    height, width = img.shape[:2]

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    png = b"\x89PNG\r\n\x1a\n" + chunk(
        b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    )
    png += chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")
    Path(path).write_bytes(png)
