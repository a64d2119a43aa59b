"""Run the interface's event handlers in worker processes, beside the process that serves Gradio.

Gradio serves the app from one Python process, and the interpreter lock lets one thread of
it run Python at a time. Without workers, the models, metrics and PNG encoding of every
event share that one core with Gradio's own request handling. ``HandlerPool`` runs the
handlers in worker processes instead. Each worker has its own ``Handlers`` with the shipped
models, and returns outputs ready to send, with images already encoded as PNG data URLs.
The tuning row "handlers in worker processes" in reports/tuning.json measures the gain.

Events run in the serving process until the workers have started (a few seconds after
launch), and while a worker that stopped is replaced, so no event waits for them.
"""

from __future__ import annotations

import functools
import logging
import multiprocessing
import multiprocessing.connection
import os
import signal
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any

import gradio as gr
import numpy as np

from ae_demo.ui.inline_image import InlineGallery, InlineImage, png_data_url

logger = logging.getLogger(__name__)

WORKERS_VARIABLE = "AE_DEMO_WORKERS"  # environment variable: the number of worker processes, 0 for none
# By default one core stays for the serving process, and at most two workers start, because each
# loads its own copy of the models and libraries (reports/benchmark.md gives the memory of the app).
MAX_DEFAULT_WORKERS = 2
READY_MESSAGE = "worker processes ready"  # logged once the workers run events, and the benchmark waits for it
# Fields of gr.Error, sent back from a worker so that the serving process raises the same error.
ERROR_FIELDS = ("message", "duration", "visible", "title", "print_exception")


def available_cores() -> int:
    """Return the number of cores this process may run on (its CPU affinity where the system reports one)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def default_workers() -> int:
    """Return the number of worker processes when AE_DEMO_WORKERS is unset: the cores minus one, from 1 to 2."""
    return max(1, min(available_cores() - 1, MAX_DEFAULT_WORKERS))


def workers_from_environment() -> int:
    """Return the number of worker processes set by AE_DEMO_WORKERS, or ``default_workers()`` if it is unset."""
    value = os.environ.get(WORKERS_VARIABLE, "").strip()
    if not value:
        return default_workers()
    if not value.isdigit():
        raise ValueError(f"{WORKERS_VARIABLE} must be a whole number of worker processes (0 for none), got {value!r}")
    return int(value)


@dataclass(frozen=True)
class PortableRequest:
    """The part of a ``gr.Request`` the handlers read, its language header, in a form a worker can receive."""

    headers: dict[str, str]


@dataclass(frozen=True)
class PortableSelection:
    """The part of a ``gr.SelectData`` the handlers read: the position of the clicked item."""

    index: int


def portable(value: Any) -> Any:
    """Replace a request or selection, which cannot be sent to another process, by what the handlers read of it."""
    if isinstance(value, gr.Request):
        language = value.headers.get("accept-language") if value.headers else None
        return PortableRequest({"accept-language": language} if language else {})
    if isinstance(value, gr.SelectData):
        return PortableSelection(value.index)
    return value


def output_kind(component: gr.components.Component) -> str:
    """Name how a worker prepares a component's value: "image", "gallery" or "value" (sent as it is)."""
    if isinstance(component, InlineImage):
        return "image"
    if isinstance(component, InlineGallery):
        return "gallery"
    return "value"


def encoded(kind: str, value: Any) -> Any:
    """Encode an output's images as PNG data URLs, which the inline components then send as they are."""
    if kind == "image" and isinstance(value, np.ndarray):
        return png_data_url(value)
    if kind == "gallery" and value:
        return [(png_data_url(image), caption) for image, caption in value]
    return value


# The worker side. Each worker process runs _start_worker once, then _run_event per event.

_worker_events: dict[str, Callable[..., Any]] = {}


def _start_worker(log_level: int) -> None:
    import torch

    from ae_demo import LOG_FORMAT
    from ae_demo.lab import Lab
    from ae_demo.preprocess import image_functions
    from ae_demo.samples import load_manifest
    from ae_demo.ui.handlers import Handlers

    # Ctrl+C reaches the whole process group: the serving process handles it and stops the workers.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    logging.basicConfig(level=log_level, format=LOG_FORMAT)  # the handlers' log lines, such as rejected uploads
    torch.set_num_threads(1)  # one 28×28 digit per event: more threads only add overhead
    _worker_events.update(Handlers(Lab.load(), load_manifest()).events())
    image_functions()  # import torchvision now, before the first drawing or upload needs it
    threading.Thread(target=_exit_with_parent, name="exit-with-parent", daemon=True).start()


def _exit_with_parent() -> None:
    """Stop this worker when the serving process ends, even if it was killed and could not stop it."""
    parent = multiprocessing.parent_process()
    if parent is not None:
        multiprocessing.connection.wait([parent.sentinel])
        os._exit(0)


def _worker_ready() -> int:
    return os.getpid()


def _run_event(name: str, args: tuple, kwargs: dict, kinds: tuple[str, ...]) -> tuple[str, Any]:
    """Run the event handler ``name``: ("ok", encoded outputs) or ("error", the gr.Error's fields)."""
    try:
        values = _worker_events[name](*args, **kwargs)
    except gr.Error as error:
        return "error", {field: getattr(error, field) for field in ERROR_FIELDS}
    values = [values] if len(kinds) == 1 else list(values)
    return "ok", [encoded(kind, value) for kind, value in zip(kinds, values, strict=True)]


class HandlerPool:
    """Worker processes that run the event handlers by name (see ``Handlers.events``).

    ``start`` launches them in the background. Until they are ready, ``offload``'s handlers
    run in this process.
    """

    def __init__(self, workers: int) -> None:
        if workers < 1:
            raise ValueError(f"a handler pool needs at least one worker process, got {workers}")
        self.workers = workers
        self._executor: ProcessPoolExecutor | None = None
        self._ready = threading.Event()
        self._lock = threading.Lock()
        self.events_run = 0  # events the workers have completed, for the log and the tests

    @property
    def ready(self) -> bool:
        return self._ready.is_set()

    def start(self) -> None:
        """Launch the worker processes, which load the models in the background."""
        with self._lock:
            if self._executor is not None:
                return
            # spawn, not fork: the serving process already runs threads, which a fork would copy broken.
            executor = ProcessPoolExecutor(
                self.workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_start_worker,
                initargs=(logging.getLogger().getEffectiveLevel(),),
            )
            self._executor = executor
        started = time.perf_counter()
        # One call per worker makes the pool start them all now, not one at a time as events arrive.
        calls = [executor.submit(_worker_ready) for _ in range(self.workers)]

        def on_ready(call: Future) -> None:
            error = call.exception()
            if error is not None:
                logger.error("a worker process failed to start, so events run in the serving process: %s", error)
                return
            if not self._ready.is_set() and executor is self._executor:
                self._ready.set()
                logger.info("%s after %.1f s", READY_MESSAGE, time.perf_counter() - started)

        for call in calls:
            call.add_done_callback(on_ready)

    def wait_until_ready(self, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds for the workers and return whether they are ready."""
        return self._ready.wait(timeout)

    def close(self) -> None:
        with self._lock:
            executor, self._executor = self._executor, None
            self._ready.clear()
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)
            logger.info("worker processes stopped after running %d events", self.events_run)

    def worker_pids(self) -> list[int]:
        """Process ids of the running workers (for tests and measurements)."""
        executor = self._executor
        processes = getattr(executor, "_processes", None) or {}
        return [process.pid for process in list(processes.values()) if process.is_alive()]

    def _restart(self, broken: ProcessPoolExecutor) -> None:
        with self._lock:
            if self._executor is not broken:
                return  # another event has restarted the pool already
            self._executor = None
            self._ready.clear()
        broken.shutdown(wait=False, cancel_futures=True)
        self.start()

    def run(self, name: str, args: tuple, kwargs: dict, kinds: tuple[str, ...]) -> list | None:
        """Run event handler ``name`` in a worker and return its encoded outputs.

        Returns None when no worker is ready, so that the caller runs the handler itself.
        Raises the handler's ``gr.Error``.
        """
        executor = self._executor
        if executor is None or not self._ready.is_set():
            return None
        args = tuple(portable(value) for value in args)
        kwargs = {key: portable(value) for key, value in kwargs.items()}
        try:
            status, result = executor.submit(_run_event, name, args, kwargs, kinds).result()
        except BrokenProcessPool:
            logger.error(
                "a worker process stopped, so new worker processes (%d) start and events run in the serving "
                "process meanwhile",
                self.workers,
            )
            self._restart(executor)
            return None
        with self._lock:
            self.events_run += 1
        if status == "error":
            raise gr.Error(**result)
        return result

    def offload(self, name: str, handler: Callable[..., Any], outputs: list[gr.components.Component]) -> Callable:
        """Wrap ``handler``, the function ``Handlers.events()[name]``, so that it runs in a worker when one is ready.

        The wrapper keeps ``handler``'s signature, which Gradio reads to pass ``gr.Request``
        and ``gr.SelectData``.
        """
        kinds = tuple(output_kind(component) for component in outputs)

        @functools.wraps(handler)
        def offloaded(*args: Any, **kwargs: Any) -> Any:
            values = self.run(name, args, kwargs, kinds)
            if values is None:
                return handler(*args, **kwargs)
            return values[0] if len(kinds) == 1 else values

        return offloaded
