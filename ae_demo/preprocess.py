"""Turn uploaded files and sketches into 28×28 digits the way MNIST was made.

MNIST digits are white ink on black. Each was scaled so its longer side is 20 px,
keeping the aspect ratio, and placed in a 28×28 frame with its centre of mass at the
centre. ``to_mnist_digit`` repeats those steps for any grayscale image.

Invalid input raises ``InputError`` with a message key (see ``ae_demo.ui.translations``)
so the interface can report what went wrong in the user's language.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import torch
from PIL import Image, ImageOps, UnidentifiedImageError

from ae_demo import IMAGE_SIZE

DIGIT_BOX = 20  # the longer side of the digit inside the 28×28 frame
MIN_SIDE = 8  # smaller images cannot hold a legible digit
MAX_PIXELS = 40_000_000  # larger images are rejected before they are decoded
WORKING_SIDE = 512  # larger images are shrunk to this before processing
INK_THRESHOLD = 0.2  # pixels above this (after background removal) count as ink
MIN_INK_CONTRAST = 0.08  # below this difference from the background the image counts as blank


class InputError(ValueError):
    """Input that cannot become a digit; ``key`` names the message, ``params`` fill it in."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(f"{key}: {params}" if params else key)
        self.key = key
        self.params = params


def _too_large() -> InputError:
    # Chinese counts pixels in units of 10,000 (万), English in millions.
    return InputError("image_too_large", megapixels=MAX_PIXELS // 1_000_000, ten_thousand_pixels=MAX_PIXELS // 10_000)


def read_image_file(path: str | Path) -> np.ndarray:
    """Read an image file as grayscale float (H, W) in [0, 1], ink in either polarity.

    Animated images give their first frame. Transparent pixels are flattened onto the
    background that contrasts with the opaque ink, so both dark and light ink survive.
    16-bit images keep their full range.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError("file_not_found")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                width, height = image.size
                if width * height > MAX_PIXELS:
                    raise _too_large()
                if min(width, height) < MIN_SIDE:
                    raise InputError("image_too_small", width=width, height=height, minimum=MIN_SIDE)
                image.seek(0)
                image.draft("L", (WORKING_SIDE, WORKING_SIDE))  # JPEG only: decode at reduced size
                image = ImageOps.exif_transpose(image)
                image.load()
                return _to_gray(image)
    except InputError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise _too_large() from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as error:
        # Pillow raises these for truncated files, broken headers and non-image content.
        raise InputError("not_an_image") from error


def _to_gray(image: Image.Image) -> np.ndarray:
    """Grayscale float (H, W) in [0, 1], shrunk so the longer side is at most WORKING_SIDE."""
    if max(image.size) > WORKING_SIDE:
        image = image.copy()
        image.thumbnail((WORKING_SIDE, WORKING_SIDE), Image.Resampling.BOX)

    if image.mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        values = np.asarray(image, np.float64)
        peak = 65535.0 if image.mode.startswith("I;16") or values.max() > 255 else 255.0
        return np.clip(values / peak, 0.0, 1.0).astype(np.float32)

    has_alpha = image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)
    if not has_alpha:
        return np.asarray(image.convert("L"), np.float32) / 255.0

    rgba = np.asarray(image.convert("RGBA"), np.float32) / 255.0
    gray = np.asarray(image.convert("RGBA").convert("L"), np.float32) / 255.0
    alpha = rgba[..., 3]
    opaque = alpha > 0.5
    # Dark ink goes onto white, light ink onto black.
    ink_level = float(gray[opaque].mean()) if opaque.any() else 0.0
    background = 1.0 if ink_level < 0.5 else 0.0
    return gray * alpha + background * (1.0 - alpha)


def sketch_to_gray(sketch: np.ndarray) -> np.ndarray:
    """Grayscale float (H, W) in [0, 1] from a uint8 (H, W) or (H, W, 3|4) sketch array."""
    array = np.asarray(sketch)
    if array.ndim == 3:
        image = Image.fromarray(array.astype(np.uint8))
        return _to_gray(image)
    if array.ndim == 2:
        return array.astype(np.float32) / (255.0 if array.dtype == np.uint8 else 1.0)
    raise InputError("not_an_image")


def _border_level(gray: np.ndarray) -> float:
    """Median of the outermost rows and columns: the background brightness."""
    border = np.concatenate([gray[0], gray[-1], gray[:, 0], gray[:, -1]])
    return float(np.median(border))


def to_mnist_digit(gray: np.ndarray) -> np.ndarray:
    """Return a float32 (28, 28) MNIST-style digit in [0, 1] from a grayscale image.

    The ink becomes white on black (a light background is inverted), the background
    level is removed and the ink stretched to full range. The image is cropped to the
    ink's bounding box and scaled so its longer side is 20 px, keeping the aspect
    ratio. Last, it is pasted into a 28×28 frame with its centre of mass at the centre.
    Raises InputError("no_ink") for a blank image.
    """
    gray = np.asarray(gray, np.float32)
    if gray.ndim != 2 or min(gray.shape) < 1:
        raise InputError("not_an_image")

    background = _border_level(gray)
    ink = 1.0 - gray if background > 0.5 else gray.copy()
    ink = ink - min(background, 1.0 - background)
    peak = float(ink.max())
    if peak < MIN_INK_CONTRAST:
        raise InputError("no_ink")
    ink = np.clip(ink / peak, 0.0, 1.0)

    rows = np.flatnonzero((ink > INK_THRESHOLD).any(axis=1))
    columns = np.flatnonzero((ink > INK_THRESHOLD).any(axis=0))
    cropped = ink[rows[0] : rows[-1] + 1, columns[0] : columns[-1] + 1]

    height, width = cropped.shape
    scale = DIGIT_BOX / max(height, width)
    new_size = [max(1, round(height * scale)), max(1, round(width * scale))]
    resize = image_functions().resize
    resized = resize(torch.from_numpy(cropped)[None], new_size, antialias=True)[0].clamp_(0, 1).numpy()

    return _paste_centred_by_mass(resized)


def image_functions():
    """Return torchvision's image functions (``torchvision.transforms.v2.functional``).

    Importing torchvision took about as long as importing torch (measured with
    ``python -X importtime``), so it happens on the first drawing or upload rather than at
    start-up. app.py calls this once the page is served.
    """
    from torchvision.transforms.v2 import functional

    return functional


def _paste_centred_by_mass(digit: np.ndarray) -> np.ndarray:
    """Paste ``digit`` into a 28×28 frame with its centre of mass at the frame's centre."""
    frame = np.zeros((IMAGE_SIZE, IMAGE_SIZE), np.float32)
    height, width = digit.shape
    total = float(digit.sum())
    if total <= 0:
        return frame
    mass_row = float((digit.sum(axis=1) * np.arange(height)).sum() / total)
    mass_column = float((digit.sum(axis=0) * np.arange(width)).sum() / total)
    centre = (IMAGE_SIZE - 1) / 2
    top = round(centre - mass_row)
    left = round(centre - mass_column)
    # A lopsided digit can put its bounding box partly outside the frame: clip it.
    top = min(max(top, 0), IMAGE_SIZE - height)
    left = min(max(left, 0), IMAGE_SIZE - width)
    frame[top : top + height, left : left + width] = digit
    return frame


def image_file_to_digit(path: str | Path) -> np.ndarray:
    """Read an uploaded image file and return its (28, 28) MNIST-style digit."""
    return to_mnist_digit(read_image_file(path))


def sketch_to_digit(sketch: dict | None) -> np.ndarray:
    """Return the (28, 28) digit drawn on a sketchpad value ``{"composite": array, ...}``."""
    composite = sketch.get("composite") if isinstance(sketch, dict) else None
    if composite is None:
        raise InputError("empty_sketch")
    try:
        return to_mnist_digit(sketch_to_gray(composite))
    except InputError as error:
        if error.key == "no_ink":
            raise InputError("empty_sketch") from error
        raise


def load_digit_png(path: str | Path) -> np.ndarray:
    """Read a shipped 28×28 grayscale PNG as float32 (28, 28) in [0, 1], unchanged."""
    with Image.open(path) as image:
        array = np.asarray(image.convert("L"), np.float32) / 255.0
    if array.shape != (IMAGE_SIZE, IMAGE_SIZE):
        raise ValueError(f"{path}: expected a {IMAGE_SIZE}×{IMAGE_SIZE} image, got {array.shape}")
    return array
