"""Shared fixtures: the shipped models, the shipped samples and a real app server on 127.0.0.1."""

from __future__ import annotations

import os

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("NO_PROXY", "127.0.0.1,localhost")

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from ae_demo.lab import Lab
from ae_demo.samples import Sample, load_manifest
from ae_demo.ui.inline_image import decode_data_url

# The datasets exist only on the project's machines, beside the checkout; tests that need them skip elsewhere.
DATASETS_DIR = Path(__file__).resolve().parents[2] / "shared" / "datasets"
MNIST_ROOT = DATASETS_DIR / "mnist"
FASHION_ROOT = DATASETS_DIR / "fashion-mnist"


@pytest.fixture(scope="session")
def lab() -> Lab:
    return Lab.load()


@pytest.fixture(scope="session")
def samples() -> list[Sample]:
    return load_manifest()


@pytest.fixture(scope="session")
def mnist_samples(samples: list[Sample]) -> list[tuple[int, np.ndarray]]:
    """(label, digit) for every shipped MNIST test digit."""
    return [(int(sample.caption), sample.load()) for sample in samples if sample.group == "mnist"]


WORKER_START_TIMEOUT_SECONDS = 180


@pytest.fixture(scope="session")
def server_url(lab: Lab) -> Iterator[str]:
    """URL of the real app, launched in this process on a free port of 127.0.0.1, running its handlers here."""
    from ae_demo.ui import build_demo, launch_options

    demo = build_demo(lab)
    _, url, _ = demo.launch(
        server_name="127.0.0.1", server_port=None, prevent_thread_lock=True, quiet=True, **launch_options()
    )
    yield url.rstrip("/")
    demo.close()


@pytest.fixture(scope="session")
def handler_pool():
    """One worker process running the event handlers, started and ready."""
    from ae_demo.ui.worker_pool import HandlerPool

    pool = HandlerPool(1)
    pool.start()
    assert pool.wait_until_ready(WORKER_START_TIMEOUT_SECONDS), "the worker process did not start"
    yield pool
    pool.close()


@pytest.fixture(scope="session")
def pool_server_url(lab: Lab, handler_pool) -> Iterator[str]:
    """URL of the real app as app.py runs it: its handlers run in a worker process."""
    from ae_demo.ui import build_demo, launch_options

    demo = build_demo(lab, pool=handler_pool)
    _, url, _ = demo.launch(
        server_name="127.0.0.1", server_port=None, prevent_thread_lock=True, quiet=True, **launch_options()
    )
    yield url.rstrip("/")
    demo.close()


@pytest.fixture(params=["handlers_in_server", "handlers_in_worker"])
def app_url(request: pytest.FixtureRequest) -> str:
    """The app's URL, once with the handlers in the serving process and once in a worker process."""
    return request.getfixturevalue("server_url" if request.param == "handlers_in_server" else "pool_server_url")


def save_upscaled_digit(digit: np.ndarray, path: Path, scale: int = 8, invert: bool = True) -> Path:
    """Save a digit as a larger photo-like PNG: dark ink on white when ``invert``."""
    image = np.kron(digit, np.ones((scale, scale)))
    if invert:
        image = 1.0 - image
    Image.fromarray(np.round(image * 255).astype(np.uint8)).save(path)
    return path


def open_output(output: dict) -> Image.Image:
    """Open an image output as gradio_client returns it: a dict whose ``url`` is a PNG data URL."""
    assert output.get("path") is None, "an inline image must not be written to Gradio's cache"
    return decode_data_url(output["url"])
