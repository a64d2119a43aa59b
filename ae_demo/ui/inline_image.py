"""An output image that travels inside the event's response instead of through Gradio's file cache.

A plain ``gr.Image`` output is written to a file in Gradio's cache, and the browser then
fetches that file with a second request, on every slider move. ``InlineImage`` sends the
PNG as a ``data:`` URL in the event's result instead. The browser's image component shows
it as it is, and no file is written. reports/benchmark.md measures what this saves.
"""

from __future__ import annotations

import base64
import io

import gradio as gr
import numpy as np
from gradio.data_classes import ImageData
from PIL import Image

PNG_DATA_URL_PREFIX = "data:image/png;base64,"


def png_data_url(image: np.ndarray | Image.Image) -> str:
    """Encode an image (a uint8 array or a PIL image) as a PNG ``data:`` URL."""
    if isinstance(image, np.ndarray):
        image = Image.fromarray(image)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return PNG_DATA_URL_PREFIX + base64.b64encode(buffer.getvalue()).decode("ascii")


def decode_data_url(url: str) -> Image.Image:
    """Read a PNG ``data:`` URL back into a PIL image (for API clients and tests)."""
    if not url.startswith(PNG_DATA_URL_PREFIX):
        raise ValueError(f"invalid image URL: expected one starting with {PNG_DATA_URL_PREFIX!r}, got {url[:40]!r}")
    return Image.open(io.BytesIO(base64.b64decode(url.removeprefix(PNG_DATA_URL_PREFIX))))


class InlineImage(gr.Image):
    """A ``gr.Image`` for outputs whose value arrives as a PNG data URL in the event's result."""

    def get_block_name(self) -> str:
        # Use the browser's ordinary image component.
        return "image"

    def postprocess(self, value: np.ndarray | Image.Image | None) -> ImageData | None:
        if value is None:
            return None
        # ImageData without a path is not a file to Gradio: it skips the cache and sends the URL as it is.
        return ImageData(url=png_data_url(value), mime_type="image/png")
