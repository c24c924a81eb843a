"""Reading a grid's numbers back from a frame, as a viewer's eye would: OCR of each cell.

Digits, the point and the minus sign are read by Tesseract (the ``tesseract`` program, installed by
``make test``). Its English model has no "∞": a masked cell's "−∞" is read by shape instead, as one
connected stroke that encloses two holes side by side (an "8" encloses two holes stacked), after a
flat stroke (the minus). A reading is compared with the number the trace holds for that cell.

Where a cell is on screen comes from the scene's mobjects (its ``AttentionGrid``); what it shows is
read from the pixels only.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

READINGS = ((5, 8), (3, 7), (2, 7))     # (enlargement, Tesseract page mode), tried in turn
THRESHOLD = 128       # of the enlarged, dark-on-light crop: ink below, paper above
WELL_FORMED = re.compile(r"^\d+(\.\d+)?$")
MARGIN_PX = 3         # background kept around a number's ink box


def tesseract_available() -> bool:
    return shutil.which("tesseract") is not None


@dataclass(frozen=True)
class Reading:
    row: int
    col: int
    expected: str      # the trace's value, formatted as the grid formats it
    read: str          # what the frame shows
    on_border: bool    # the number's ink reaches over its cell's border

    @property
    def right(self) -> bool:
        return self.read == self.expected.replace("−", "-")


def ink(gray: np.ndarray) -> np.ndarray:
    """How far each pixel is from the crop's background (its border's median), 0…1."""
    edge = np.concatenate([gray[0], gray[-1], gray[:, 0], gray[:, -1]])
    distance = np.abs(gray.astype(float) - np.median(edge))
    return distance / max(distance.max(), 1.0)


def _strokes(gray: np.ndarray) -> tuple[np.ndarray, list[tuple[int, slice, slice]]]:
    """The crop's ink as connected strokes: a label image and (label, rows, cols) left to right."""
    from scipy import ndimage

    labels, _ = ndimage.label(ink(gray) > 0.45)
    parts = [(i, rows, cols) for i, (rows, cols) in enumerate(ndimage.find_objects(labels), start=1)]
    return labels, sorted(parts, key=lambda part: part[2].start)


def _is_flat(rows: slice, cols: slice) -> bool:
    """A minus sign's stroke: at least twice as wide as tall."""
    return cols.stop - cols.start >= 2 * (rows.stop - rows.start)


def _is_infinity(labels: np.ndarray, index: int, rows: slice, cols: slice) -> bool:
    """'∞': one stroke, wider than tall, enclosing two holes side by side (an '8' stacks them)."""
    from scipy import ndimage

    if cols.stop - cols.start < 1.3 * (rows.stop - rows.start):
        return False
    holes, n = ndimage.label(labels[rows, cols] != index)
    inner = [i for i in range(1, n + 1) if not (np.any(holes[0] == i) or np.any(holes[-1] == i)
                                                or np.any(holes[:, 0] == i) or np.any(holes[:, -1] == i))]
    if len(inner) != 2:
        return False
    (y0, x0), (y1, x1) = (ndimage.center_of_mass(holes == i) for i in inner)
    return abs(x0 - x1) > abs(y0 - y1)


def _tesseract(gray: np.ndarray, scale: int, page_mode: int, whitelist: str | None = "0123456789.") -> str:
    from PIL import Image

    dark_on_light = Image.fromarray((255 * (1 - ink(gray))).astype(np.uint8))
    large = dark_on_light.resize((dark_on_light.width * scale, dark_on_light.height * scale), Image.BICUBIC)
    image = large.point(lambda v: 255 if v > THRESHOLD else 0)     # crisp strokes, smooth edges
    if whitelist is None:              # a white border: Tesseract reads words poorly when ink meets the edge
        from PIL import ImageOps

        image = ImageOps.expand(image, border=10 * scale, fill=255)
    options = ["-c", f"tessedit_char_whitelist={whitelist}"] if whitelist else []
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "cell.png"
        image.save(path)
        out = subprocess.run(["tesseract", str(path), "-", "--psm", str(page_mode), *options],
                             capture_output=True, text=True, timeout=60)
    return out.stdout.strip()


def read_text(gray: np.ndarray, scale: int = 4) -> str:
    """The words a crop of one line of text shows (a label, upright), by Tesseract: one line of text
    (page mode 7), no whitelist, enlarged and thresholded as the numbers are."""
    return _tesseract(gray, scale, 7, whitelist=None)


def label_crop(frame: np.ndarray, text) -> np.ndarray:
    """The gray crop of ``frame`` (RGB, the scene's resolution) around a Text mobject's ink, with a margin."""
    from tests.frame_checks import box

    gray = frame @ np.array([0.299, 0.587, 0.114])
    height, width = gray.shape
    x0, y0, x1, y1 = pixel_box(box(text), (width, height))
    return gray[max(0, y0 - MARGIN_PX):y1 + MARGIN_PX, max(0, x0 - MARGIN_PX):x1 + MARGIN_PX]


def key_label_readings(frame: np.ndarray, scene) -> list[tuple[str, str]]:
    """(the word each row label of the scene's grid writes, what the frame shows there), top to bottom."""
    from scenes.kit.mobjects import AttentionGrid

    grid = getattr(scene, "grid", None)
    assert isinstance(grid, AttentionGrid), f"{type(scene).__name__} has no grid"
    labels = list(grid.key_labels)
    with ThreadPoolExecutor(4) as pool:
        read = list(pool.map(lambda t: read_text(label_crop(frame, t)), labels))
    return [(t.text, r) for t, r in zip(labels, read)]


def read_digits(gray: np.ndarray) -> str:
    """Digits and the point, by Tesseract: its first reading that is a well-formed number (one word at
    5× size, else one line at 3× or 2×: it now and then drops a point or a glyph at one size only)."""
    reading = ""
    for scale, page_mode in READINGS:
        reading = _tesseract(gray, scale, page_mode)
        if WELL_FORMED.match(reading):
            break
    return reading


def read_number(gray: np.ndarray) -> str:
    """The number a crop of one cell's number shows, with '-' for the minus sign: a leading flat stroke
    is the sign and an '∞' is read by shape; Tesseract reads the digits and the point."""
    labels, parts = _strokes(gray)
    sign = ""
    if len(parts) > 1 and _is_flat(*parts[0][1:]):
        sign = "-"
        gray = gray[:, max(0, parts[0][2].stop + 1 - MARGIN_PX):]     # the digits alone, with a margin
        parts = parts[1:]
    if len(parts) == 1 and _is_infinity(labels, *parts[0]):
        return sign + "∞"
    return sign + read_digits(gray)


def pixel_box(mobject_box: np.ndarray, size: tuple[int, int]) -> tuple[int, int, int, int]:
    """(left, top, right, bottom) pixels of a (left, bottom, right, top) box in scene units."""
    from manim import config

    width, height = size
    left, bottom, right, top = mobject_box
    sx, sy = width / config.frame_width, height / config.frame_height
    return (int((left + config.frame_width / 2) * sx), int((config.frame_height / 2 - top) * sy),
            int(np.ceil((right + config.frame_width / 2) * sx)), int(np.ceil((config.frame_height / 2 - bottom) * sy)))


def grid_readings(frame: np.ndarray, scene, values: np.ndarray) -> list[Reading]:
    """Read every number the scene's grid shows in ``frame`` (RGB, the scene's resolution) and pair it
    with ``values`` ([n_keys, n_queries], on screen's orientation) at the cell it sits in."""
    from scenes.kit.mobjects import AttentionGrid, format_number
    from tests.frame_checks import box, texts_of, visible

    grid = getattr(scene, "grid", None)       # a GridScene's grid (its parts may be on screen one by one)
    assert isinstance(grid, AttentionGrid), f"{type(scene).__name__} has no grid"
    gray = frame @ np.array([0.299, 0.587, 0.114])
    height, width = gray.shape
    left, bottom, right, top = box(grid.lines[0])
    numbers = [t for t in texts_of(scene) if visible(t) and not t.text.strip().isalpha()
               and left <= t.get_center()[0] <= right and bottom <= t.get_center()[1] <= top]
    cells, crops = [], []
    for text in numbers:
        x, y = text.get_center()[:2]
        col, row = int((x - left) // grid.cell_w), int((top - y) // grid.cell_h)
        ink_box = box(text)
        cell = np.array([left + col * grid.cell_w, top - (row + 1) * grid.cell_h,
                         left + (col + 1) * grid.cell_w, top - row * grid.cell_h])
        on_border = bool(ink_box[0] < cell[0] or ink_box[1] < cell[1] or ink_box[2] > cell[2] or ink_box[3] > cell[3])
        x0, y0, x1, y1 = pixel_box(ink_box, (width, height))
        crops.append(gray[max(0, y0 - MARGIN_PX):y1 + MARGIN_PX, max(0, x0 - MARGIN_PX):x1 + MARGIN_PX])
        cells.append((row, col, format_number(float(values[row, col])), on_border))
    with ThreadPoolExecutor(4) as pool:
        read = list(pool.map(read_number, crops))
    return [Reading(r, c, expected, got, border) for (r, c, expected, border), got in zip(cells, read)]
