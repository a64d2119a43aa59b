"""Output images that travel inside the event's response instead of through Gradio's file cache.

A plain ``gr.Image`` or ``gr.Gallery`` output is written to files in Gradio's cache, and the
browser then fetches each file with a request of its own, on every slider move. ``InlineImage``
and ``InlineGallery`` send each PNG as a ``data:`` URL in the event's result instead. The
browser's components show it as it is, and no file is written. reports/benchmark.md measures
what this saves.
"""

from __future__ import annotations

import base64
import io

import gradio as gr
import numpy as np
from gradio.components.gallery import GalleryData, GalleryImage
from gradio.data_classes import ImageData
from PIL import Image

PNG_DATA_URL_PREFIX = "data:image/png;base64,"
# zlib level 1 encoded a 280×280 digit in about half the time of the default 6 (one measurement
# here), and the PNG stays a few KB.
PNG_COMPRESS_LEVEL = 1


def png_data_url(image: np.ndarray | Image.Image) -> str:
    """Encode an image (a uint8 array or a PIL image) as a PNG ``data:`` URL."""
    if isinstance(image, np.ndarray):
        image = Image.fromarray(image)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=PNG_COMPRESS_LEVEL)
    return PNG_DATA_URL_PREFIX + base64.b64encode(buffer.getvalue()).decode("ascii")


def decode_data_url(url: str) -> Image.Image:
    """Read a PNG ``data:`` URL back into a PIL image (for API clients and tests)."""
    if not url.startswith(PNG_DATA_URL_PREFIX):
        raise ValueError(f"invalid image URL: expected one starting with {PNG_DATA_URL_PREFIX!r}, got {url[:40]!r}")
    return Image.open(io.BytesIO(base64.b64decode(url.removeprefix(PNG_DATA_URL_PREFIX))))


def inline_image_data(image: np.ndarray | Image.Image | str) -> ImageData:
    """Wrap an image, or its PNG data URL, as Gradio's ImageData with the PNG in its URL and no file path.

    Without a path, Gradio does not treat the value as a file: it skips the cache and sends the URL as it is.
    A string must be a PNG data URL already, such as a worker process returns (ae_demo/ui/worker_pool.py).
    """
    if isinstance(image, str):
        if not image.startswith(PNG_DATA_URL_PREFIX):
            raise ValueError(f"expected a PNG data URL starting with {PNG_DATA_URL_PREFIX!r}, got {image[:40]!r}")
        return ImageData(url=image, mime_type="image/png")
    return ImageData(url=png_data_url(image), mime_type="image/png")


class InlineImage(gr.Image):
    """A ``gr.Image`` for outputs whose value arrives as a PNG data URL in the event's result."""

    def get_block_name(self) -> str:
        # Use the browser's ordinary image component.
        return "image"

    def postprocess(self, value: np.ndarray | Image.Image | str | None) -> ImageData | None:
        if value is None:
            return None
        return inline_image_data(value)


class InlineGallery(gr.Gallery):
    """A ``gr.Gallery`` for outputs whose items arrive as PNG data URLs, each with its caption."""

    def get_block_name(self) -> str:
        # Use the browser's ordinary gallery component.
        return "gallery"

    def postprocess(self, value: list[tuple[np.ndarray | Image.Image | str, str]] | None) -> GalleryData:
        items = [GalleryImage(image=inline_image_data(image), caption=caption) for image, caption in value or []]
        return GalleryData(root=items)
