"""Event handlers run in worker processes: the same outputs and errors as in the serving process."""

from __future__ import annotations

import inspect
import os
import signal
import subprocess
import sys
import time

import gradio as gr
import httpx
import numpy as np
import psutil
import pytest
from gradio_client import Client, handle_file
from gradio_client.exceptions import AppError
from PIL import Image

from ae_demo import REPO_DIR
from ae_demo.bench import free_port
from ae_demo.ui import worker_pool
from ae_demo.ui.handlers import Handlers
from ae_demo.ui.translations import ZH
from ae_demo.ui.worker_pool import (
    READY_MESSAGE,
    WORKERS_VARIABLE,
    PortableRequest,
    encoded,
    workers_from_environment,
)
from tests.conftest import WORKER_START_TIMEOUT_SECONDS

VIEW_SETTINGS = ("salt_pepper", 0.4, 3, "signed", True, 95.0, True)
# How each output of a new digit's event travels: the state and model input, then show_all's outputs.
NOISE_KINDS = ("image", "image", "image", "image", "value")
HEATMAP_KINDS = ("image", "image", "image", "value", "image", "value")
LATENT_KINDS = ("value",) * 16 + ("image", "image", "value")
BOTTLENECK_KINDS = ("gallery", "gallery", "image")
VIEW_KINDS = NOISE_KINDS + HEATMAP_KINDS + LATENT_KINDS + BOTTLENECK_KINDS
NEW_DIGIT_KINDS = ("value", "image", *VIEW_KINDS)


@pytest.fixture(scope="module")
def handlers(lab, samples) -> Handlers:
    return Handlers(lab, samples)


def drawn_stroke() -> dict:
    canvas = np.full((280, 280, 3), 255, np.uint8)
    canvas[60:220, 130:150] = 0
    return {"background": canvas, "layers": [], "composite": canvas}


def in_process(handlers: Handlers, name: str, args: tuple, kinds: tuple[str, ...]) -> list:
    """Run event ``name`` in this process and encode its outputs as a worker does."""
    values = handlers.events()[name](*args)
    values = [values] if len(kinds) == 1 else values
    return [encoded(kind, value) for kind, value in zip(kinds, values, strict=True)]


def assert_same_outputs(left: list, right: list) -> None:
    assert len(left) == len(right)
    for position, (a, b) in enumerate(zip(left, right, strict=True)):
        if isinstance(a, np.ndarray):
            np.testing.assert_array_equal(a, b, err_msg=f"output {position}")
        else:
            assert a == b, f"output {position} differs"


def test_worker_outputs_equal_in_process_outputs(handler_pool, handlers):
    english = PortableRequest({"accept-language": "en-US"})
    chinese = PortableRequest({"accept-language": "zh-CN,zh;q=0.9"})
    digit = handlers.sample_digits[5]
    cases = [
        ("sample", (5, *VIEW_SETTINGS, english), NEW_DIGIT_KINDS),
        ("sketch", (drawn_stroke(), *VIEW_SETTINGS, chinese), NEW_DIGIT_KINDS),
        ("noise", (digit, "gaussian", 0.5, 7, chinese), NOISE_KINDS),
        ("heatmap", (digit, "absolute", False, 99.0, english), HEATMAP_KINDS),
        ("decode", tuple(np.linspace(-1, 1, 16)), ("image", "value")),
        ("reset_latent", (digit, english), LATENT_KINDS),
        ("bottlenecks", (digit, english), BOTTLENECK_KINDS),
    ]
    for name, args, kinds in cases:
        from_worker = handler_pool.run(name, args, {}, kinds)
        assert from_worker is not None, f"{name}: the pool is ready, so a worker must answer"
        assert_same_outputs(from_worker, in_process(handlers, name, args, kinds))
    scores = handler_pool.run("noise", cases[2][1], {}, NOISE_KINDS)[-1]
    assert ZH["denoiser_output_label"] in scores, "the worker answers in the request's language"


def test_worker_errors_keep_their_fields(handler_pool):
    chinese = PortableRequest({"accept-language": "zh-CN"})
    with pytest.raises(gr.Error) as caught:
        handler_pool.run("sample", (999, *VIEW_SETTINGS, chinese), {}, NEW_DIGIT_KINDS)
    assert caught.value.message == ZH["error_no_sample"]
    assert caught.value.print_exception is False, "bad input must not log a traceback"
    assert caught.value.visible is True

    empty = {"background": None, "layers": [], "composite": None}
    with pytest.raises(gr.Error) as caught:
        handler_pool.run("follow_sketch", (empty, *VIEW_SETTINGS, chinese), {}, NEW_DIGIT_KINDS)
    assert caught.value.visible is False, "a cleared canvas while drawing shows no message"


def test_offloaded_handler_keeps_signature(handler_pool, handlers):
    events = handlers.events()
    for name in ("select_mnist", "sketch", "noise", "decode"):
        offloaded = handler_pool.offload(name, events[name], [gr.Image()])
        assert inspect.signature(offloaded) == inspect.signature(events[name]), name


def test_app_events_run_in_worker(pool_server_url, handler_pool, tmp_path):
    before = handler_pool.events_run
    client = Client(pool_server_url, verbose=False, headers={"Accept-Language": "zh-CN"})
    try:
        outputs = client.predict(3, *VIEW_SETTINGS, api_name="/sample")
        assert outputs[0]["url"].startswith("data:image/png;base64,")
        white = tmp_path / "white.png"
        Image.new("RGB", (60, 60), "white").save(white)
        with pytest.raises(AppError, match=ZH["error_no_ink"]):
            client.predict(handle_file(str(white)), api_name="/upload")
    finally:
        client.close()
    assert handler_pool.events_run >= before + 2


def test_stopped_worker_is_replaced(lab, samples):
    from ae_demo.ui.worker_pool import HandlerPool

    handlers = Handlers(lab, samples)
    pool = HandlerPool(1)
    pool.start()
    try:
        assert pool.wait_until_ready(WORKER_START_TIMEOUT_SECONDS)
        args = (handlers.sample_digits[0], "gaussian", 0.3, 0, None)
        expected = in_process(handlers, "noise", args, NOISE_KINDS)
        (first_worker,) = pool.worker_pids()
        os.kill(first_worker, signal.SIGKILL)
        psutil.wait_procs([psutil.Process(first_worker)], timeout=30)

        # The event that finds the worker gone runs in this process; new workers start meanwhile.
        assert pool.run("noise", args, {}, NOISE_KINDS) is None
        offloaded = pool.offload("noise", handlers.events()["noise"], [gr.Image()] * 4 + [gr.Markdown()])
        assert_same_outputs(in_process(handlers, "noise", args, NOISE_KINDS), expected)
        assert offloaded(*args)[-1] == expected[-1]

        assert pool.wait_until_ready(WORKER_START_TIMEOUT_SECONDS), "no new worker started"
        assert first_worker not in pool.worker_pids()
        assert_same_outputs(pool.run("noise", args, {}, NOISE_KINDS), expected)
    finally:
        pool.close()


@pytest.mark.parametrize("stop_signal", [signal.SIGKILL, signal.SIGTERM])
def test_workers_stop_with_the_server(tmp_path, stop_signal):
    port = free_port()
    log = tmp_path / "server.log"
    env = {**os.environ, "GRADIO_SERVER_NAME": "127.0.0.1", "GRADIO_SERVER_PORT": str(port), WORKERS_VARIABLE: "1"}
    with log.open("w") as output:
        server = subprocess.Popen(
            [sys.executable, "app.py"], cwd=REPO_DIR, env=env, stdout=output, stderr=subprocess.STDOUT
        )
    try:
        deadline = time.monotonic() + WORKER_START_TIMEOUT_SECONDS
        while READY_MESSAGE not in log.read_text():
            assert server.poll() is None, log.read_text()[-2000:]
            assert time.monotonic() < deadline, "the worker process did not start"
            time.sleep(0.2)
        assert httpx.get(f"http://127.0.0.1:{port}/", timeout=30).status_code == 200
        children = psutil.Process(server.pid).children(recursive=True)
        assert children, "app.py started no worker process"
    finally:
        server.send_signal(stop_signal)  # SIGKILL leaves the server no chance to stop its workers itself
        server.wait(timeout=60)
    _, alive = psutil.wait_procs(children, timeout=30)
    assert not alive, f"worker processes outlived the server: {alive}"
    if stop_signal == signal.SIGTERM:
        output = log.read_text()
        assert server.returncode == 0, output[-2000:]
        assert "worker processes stopped" in output
        assert "leaked semaphore" not in output


@pytest.mark.parametrize(("value", "expected"), [("0", 0), ("2", 2), (" 3 ", 3)])
def test_worker_count_from_environment(monkeypatch, value, expected):
    monkeypatch.setenv(WORKERS_VARIABLE, value)
    assert workers_from_environment() == expected


@pytest.mark.parametrize(("cores", "expected"), [(1, 1), (2, 1), (3, 2), (16, 2)])
def test_default_worker_count_leaves_a_core(monkeypatch, cores, expected):
    monkeypatch.delenv(WORKERS_VARIABLE, raising=False)
    monkeypatch.setattr(worker_pool, "available_cores", lambda: cores)
    assert workers_from_environment() == expected


def test_available_cores_counts_this_process():
    assert 1 <= worker_pool.available_cores() <= (os.cpu_count() or 1)


def test_worker_count_must_be_a_number(monkeypatch):
    monkeypatch.setenv(WORKERS_VARIABLE, "many")
    with pytest.raises(ValueError, match=WORKERS_VARIABLE):
        workers_from_environment()
