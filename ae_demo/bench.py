"""Benchmark the app the way a classroom uses it, through a real server on 127.0.0.1.

Run:
    python -m ae_demo.bench --out reports

It measures handler compute time per event and the round trip of one client dragging a
latent slider. It then runs 10 and 50 concurrent clients through a mixed classroom
script, each starting at a random moment, and 50 more that all start at the same instant.
It reads the resident memory of the server and its worker processes before and after
10,000 events, and times the cold start from process start to the first served page. It
prints a table and writes ``OUT/benchmark.json`` and ``OUT/benchmark.md``.

To measure one tuning step, run only the concurrent clients against a checkout of the
app at that step; the result goes into ``OUT/tuning.json`` and the next full run lists it:
    python -m ae_demo.bench --tuning-step NAME --app-dir CHECKOUT --out reports

Clients run in this process, on one asyncio event loop, and share the machine's cores
with the server, as they would not in a real classroom, so the round trips here are an
upper bound; the report gives the cores the clients kept busy. They speak Gradio's HTTP
API directly, as the browser does, rather than through gradio_client, whose own per-call
work would otherwise dominate the measurement.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import json
import math
import os
import platform
import secrets
import shlex
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from ae_demo import REPO_DIR, targets

EVENT_KINDS = ("decode", "noise", "heatmap", "sketch", "upload")
# One simulated student: drag latent sliders most of the time, sometimes change the
# noise, open the heatmap, or send a drawing (which refreshes every view).
CLASSROOM_SCRIPT = ("decode", "decode", "decode", "noise", "decode", "decode", "heatmap", "decode", "noise", "sketch")
# Events of the classroom script that the browser handles itself: the page decodes the latent
# sliders (ae_demo/ui/latent_decoder.js), so a student's slider move sends no request.
BROWSER_EVENTS = ("decode",)
TARGET_P95_MS = 250  # classroom target for the round trip of concurrent students
EVENT_LABELS = {
    "decode": "latent slider (decode)",
    "noise": "noise change",
    "heatmap": "heatmap change",
    "sketch": "drawing, with its views",
}
# The view settings a student sends with a new digit (noise kind, level and seed, error mode,
# overlay, threshold percentile, Bottleneck size tab open): the script's student draws while
# another tab is open.
VIEW_SETTINGS = ("gaussian", 0.3, 0, "absolute", False, 99.0, False)
THINK_SECONDS = 0.2  # pause between one student's events: a slider drag sends about five updates a second
MEMORY_CLIENTS = 10
STARTUP_TIMEOUT_SECONDS = 120
BROWSER_DECODE_REPEATS = 200
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
PYTHON_LOOP_LENGTH = 2_000_000  # summed by python_loop_ms to compare machine speeds


@dataclass(frozen=True)
class Settings:
    """How many calls each measurement makes."""

    handler_repeats: int = 200
    single_client_events: int = 300
    concurrent_clients: tuple[int, ...] = (10, 50)
    concurrent_steps_per_client: int = 40
    memory_events: int = 10_000  # events sent to the server


# A smoke run that checks the benchmark works, in about a minute; its numbers mean little.
QUICK = Settings(
    handler_repeats=5,
    single_client_events=10,
    concurrent_clients=(2, 3),
    concurrent_steps_per_client=len(CLASSROOM_SCRIPT),
    memory_events=40,
)


def percentiles(values_ms: list[float]) -> dict:
    values = np.asarray(values_ms, np.float64)
    if len(values) == 0:
        return {"count": 0}
    return {
        "count": int(len(values)),
        "p50": float(np.percentile(values, 50)),
        "p95": float(np.percentile(values, 95)),
        "p99": float(np.percentile(values, 99)),
        "max": float(values.max()),
    }


def _sketch_file(folder: Path) -> Path:
    """Draw a '7' as the sketchpad sends it: black strokes on a white 280×280 PNG."""
    path = folder / "sketch.png"
    image = Image.new("RGB", (280, 280), "white")
    draw = ImageDraw.Draw(image)
    draw.line([(70, 60), (210, 60), (120, 230)], fill="black", width=22)
    image.save(path)
    return path


def measure_handlers(folder: Path, repeats: int) -> dict:
    """Time each event's handler in this process, without the server: milliseconds per call."""
    from ae_demo.lab import Lab
    from ae_demo.samples import load_manifest
    from ae_demo.ui.handlers import Handlers

    handlers = Handlers(Lab.load(), load_manifest())
    lab = handlers.lab
    digit = handlers.sample_digits[0]
    sketch_path = _sketch_file(folder)
    with Image.open(sketch_path) as image:
        sketch = {"composite": np.asarray(image.convert("RGB"))}
    rng = np.random.default_rng(0)

    def decode() -> None:
        handlers.decode_latent(*rng.uniform(lab.latent_low, lab.latent_high))

    def noise() -> None:
        handlers.show_noise(digit, "gaussian", float(rng.uniform(0, 1)), 0, None)

    def heatmap() -> None:
        handlers.show_heatmap(digit, "absolute", False, 99.0, None)

    def sketch_event() -> None:
        handlers.with_views(handlers.load_sketch)(sketch, *VIEW_SETTINGS, None)

    def upload() -> None:
        handlers.with_views(handlers.load_upload)(str(sketch_path), *VIEW_SETTINGS, None)

    events = {"decode": decode, "noise": noise, "heatmap": heatmap, "sketch": sketch_event, "upload": upload}
    results = {}
    for name, function in events.items():
        function()  # warm-up
        times = []
        for _ in range(repeats):
            started = time.perf_counter()
            function()
            times.append((time.perf_counter() - started) * 1000)
        results[name] = percentiles(times)
    return results


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(
    port: int, app_dir: Path = REPO_DIR, command: list[str] | None = None, log: Path | None = None
) -> tuple[subprocess.Popen, float]:
    """Start ``app_dir/app.py`` (or ``command`` in ``app_dir``) on 127.0.0.1:port, its output going to ``log``.

    Returns the process and the seconds until its page was served.
    """
    import httpx

    command = command or [sys.executable, "app.py"]
    env = {
        **os.environ,
        "GRADIO_SERVER_NAME": "127.0.0.1",
        "GRADIO_SERVER_PORT": str(port),
        "NO_PROXY": "127.0.0.1,localhost",
    }
    started = time.perf_counter()
    output = log.open("w") if log else subprocess.DEVNULL
    process = subprocess.Popen(command, cwd=app_dir, env=env, stdout=output, stderr=subprocess.STDOUT)
    if log:
        output.close()  # the server process has its own copy of the file
    url = f"http://127.0.0.1:{port}/"
    while time.perf_counter() - started < STARTUP_TIMEOUT_SECONDS:
        if process.poll() is not None:
            raise RuntimeError(
                f"the server failed: it exited with code {process.returncode} before serving {url}. "
                f"Run {shlex.join(command)} in {app_dir} to see its output."
            )
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return process, time.perf_counter() - started
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    process.kill()
    raise TimeoutError(
        f"timed out after {STARTUP_TIMEOUT_SECONDS} s waiting for the server to serve {url}. "
        f"Run {shlex.join(command)} in {app_dir} to see its output."
    )


def wait_for_workers(process: subprocess.Popen, log: Path, app_dir: Path = REPO_DIR) -> float:
    """Wait until the server whose output goes to ``log`` logs that its worker processes are ready.

    Until then, the app runs events in its serving process, which is not what a measurement
    wants. Returns the seconds waited, or 0 for an app without worker processes (AE_DEMO_WORKERS=0,
    or a checkout from before ae_demo/ui/worker_pool.py).
    """
    from ae_demo.ui.worker_pool import READY_MESSAGE, workers_from_environment

    if not workers_from_environment() or not (app_dir / "ae_demo" / "ui" / "worker_pool.py").is_file():
        return 0.0
    started = time.perf_counter()
    while time.perf_counter() - started < STARTUP_TIMEOUT_SECONDS:
        if READY_MESSAGE in log.read_text(errors="replace"):
            return time.perf_counter() - started
        if process.poll() is not None:
            break
        time.sleep(0.1)
    output = log.read_text()[-2000:]
    raise RuntimeError(f"the server's worker processes did not start; the end of its output ({log}):\n{output}")


def floor_demo(latent_dim: int):
    """Build the app's API endpoints with handlers that do no work, on the app's queue and launch settings.

    Driving it with the same students measures what Gradio alone costs per event on this
    machine: a floor under any round trip the real app can reach. Inputs are the app's
    components, so Gradio parses the same requests; every result is empty.
    """
    import gradio as gr

    from ae_demo.ui.app import QUEUE_ANALYTICS_SETTINGS, QUEUE_SETTINGS

    with gr.Blocks() as demo:
        digit = gr.State()
        latent = [gr.Number() for _ in range(latent_dim)]
        image = gr.Image()
        note = gr.Markdown()
        noise_controls = [gr.Radio(["gaussian"]), gr.Slider(0, 1), gr.Number()]
        heatmap_controls = [gr.Radio(["absolute"]), gr.Checkbox(), gr.Slider(50, 99.9)]
        sketchpad = gr.Sketchpad(type="numpy", image_mode="RGB")
        trigger = gr.Button(visible=False)  # the endpoints are called through the API only

        def nothing(*_: object) -> tuple[None, None]:
            return None, None

        def no_latent(*_: object) -> list:
            return [0.0] * latent_dim + [None, None, ""]

        trigger.click(nothing, latent, [image, note], api_name="decode", show_progress="hidden")
        trigger.click(nothing, [digit, *noise_controls], [image, note], api_name="noise", show_progress="hidden")
        trigger.click(nothing, [digit, *heatmap_controls], [image, note], api_name="heatmap", show_progress="hidden")
        trigger.click(
            nothing,
            [sketchpad, *noise_controls, *heatmap_controls, gr.Checkbox()],
            [digit, image],
            api_name="sketch",
            show_progress="hidden",
        )
        trigger.click(
            nothing,
            [digit, *noise_controls, *heatmap_controls, gr.Checkbox()],
            [image, note],
            api_name="refresh_views",
            show_progress="hidden",
        )
        trigger.click(no_latent, digit, [*latent, image, image, note], api_name="reset_latent", show_progress="hidden")
    for name, value in QUEUE_ANALYTICS_SETTINGS.items():
        os.environ.setdefault(name, value)
    demo.queue(**QUEUE_SETTINGS)
    return demo


def serve_floor(latent_dim: int) -> None:
    """Serve ``floor_demo`` on the host and port in GRADIO_SERVER_NAME and GRADIO_SERVER_PORT, as app.py does."""
    from ae_demo.ui.app import MAX_UPLOAD_SIZE

    floor_demo(latent_dim).launch(max_file_size=MAX_UPLOAD_SIZE, enable_monitoring=False, run_history=False)


def measure_floor(folder: Path, count: int, events: int, latent_dim: int) -> dict:
    """Run ``count`` students of the classroom script against ``floor_demo`` in a server of its own.

    Returns the staggered run, and under "together" the run whose students start at once.
    """
    port = free_port()
    command = [sys.executable, "-m", "ae_demo.bench", "--serve-floor", str(latent_dim)]
    server, _ = start_server(port, REPO_DIR, command)
    url = f"http://127.0.0.1:{port}/"
    try:
        run_students(url, folder, 4, 10, 0)  # warm-up
        run = run_students(url, folder, count, events, THINK_SECONDS, server.pid)
        run["together"] = run_students(url, folder, count, events, THINK_SECONDS, server.pid, together=True)
        return run
    finally:
        server.terminate()
        server.wait(timeout=30)


def file_urls(value: object) -> list[str]:
    """Return the URLs of the files (not data: URLs) anywhere in an event's outputs."""
    if isinstance(value, dict):
        url = value.get("url")
        if isinstance(url, str) and not url.startswith("data:"):
            return [url]
        return [found for item in value.values() for found in file_urls(item)]
    if isinstance(value, list):
        return [found for item in value for found in file_urls(item)]
    return []


def direct_endpoints(url: str) -> dict[str, tuple[int, ...]]:
    """Map the API name of each event that skips the queue (``queue=False``) to its state inputs' positions.

    The browser sends such an event as one POST to ``/gradio_api/run/<endpoint>`` with a value
    for every input. A ``gr.State`` input gets null there, and the server fills it from the
    session. The other events join the queue, which fills state inputs itself.
    """
    import httpx

    config = httpx.get(url.rstrip("/") + "/config", timeout=30).json()
    state_ids = {component["id"] for component in config["components"] if component.get("type") == "state"}
    return {
        dependency["api_name"]: tuple(
            position for position, block in enumerate(dependency["inputs"]) if block in state_ids
        )
        for dependency in config["dependencies"]
        if dependency.get("api_name") and dependency.get("queue") is False
    }


class Student:
    """One browser-like session speaking Gradio's HTTP API over its own keep-alive connection.

    A queued event posts to ``/gradio_api/call/<endpoint>`` and reads the result from its
    event stream. An event that skips the queue is one POST to ``/gradio_api/run/<endpoint>``,
    as the browser sends it. Returned image files are downloaded, as a browser does to show
    them. All students of a run share one asyncio event loop, so the clients' own work does
    not contend for a lock as client threads would.
    """

    def __init__(self, url: str, seed: int, direct: dict[str, tuple[int, ...]], slider_on_server: bool = False) -> None:
        import httpx

        self.http = httpx.AsyncClient(base_url=url, timeout=120)
        self.direct = direct
        # With slider_on_server, slider moves go to the /decode endpoint, as before the page decoded them.
        self.slider_on_server = slider_on_server
        # One session per student, as one browser tab has: the server keeps state per session.
        self.session_hash = secrets.token_hex(8)
        self.rng = np.random.default_rng(seed)
        self.sketch: dict = {}
        self.latent_dim = 0
        self.latencies: dict[str, list[float]] = {}
        self.errors = 0
        self.failures: Counter[str] = Counter()

    async def open(self, folder: Path) -> None:
        """Upload the drawing this student sends and learn the latent size from the app."""
        with _sketch_file(folder).open("rb") as sketch:
            uploaded = await self.http.post(
                "/gradio_api/upload", files={"files": ("sketch.png", sketch.read(), "image/png")}
            )
        uploaded.raise_for_status()
        self.sketch = {"path": uploaded.json()[0], "meta": {"_type": "gradio.FileData"}}
        self.latent_dim = len(await self.call("reset_latent", [])) - 3

    async def call(self, endpoint: str, data: list) -> list:
        """Run one event and return its outputs; raises RuntimeError if the app reports an error."""
        body = {"data": data, "session_hash": self.session_hash}
        if endpoint in self.direct:
            values = list(data)
            for position in self.direct[endpoint]:
                values.insert(position, None)
            response = await self.http.post(f"/gradio_api/run/{endpoint}", json={**body, "data": values})
            if response.status_code != 200:
                raise RuntimeError(f"{endpoint} failed with HTTP {response.status_code}: {response.text[:200]}")
            return response.json()["data"]
        posted = await self.http.post(f"/gradio_api/call/{endpoint}", json=body)
        posted.raise_for_status()
        event_id = posted.json()["event_id"]
        kind = None
        async with self.http.stream("GET", f"/gradio_api/call/{endpoint}/{event_id}") as stream:
            async for line in stream.aiter_lines():
                if line.startswith("event:"):
                    kind = line.removeprefix("event:").strip()
                elif line.startswith("data:") and kind == "complete":
                    return json.loads(line.removeprefix("data:"))
                elif line.startswith("data:") and kind == "error":
                    raise RuntimeError(f"{endpoint} failed: {line.removeprefix('data:').strip()}")
        raise RuntimeError(f"{endpoint}: the event stream ended without a result")

    async def show(self, outputs: list) -> None:
        """Download every image file among the outputs, as the browser does to display them.

        Inline images (data: URLs) arrive inside the result and need no request.
        """
        for url in file_urls(outputs):
            (await self.http.get(url)).raise_for_status()

    async def send(self, event: str) -> None:
        started = time.perf_counter()
        try:
            if event == "decode":
                await self.show(await self.call("decode", self.rng.normal(0, 5, self.latent_dim).round(2).tolist()))
            elif event == "noise":
                await self.show(await self.call("noise", ["gaussian", float(self.rng.uniform(0, 1)), 0]))
            elif event == "heatmap":
                await self.show(await self.call("heatmap", ["absolute", False, 99.0]))
            elif event == "sketch":
                drawing = {"background": self.sketch, "layers": [], "composite": self.sketch}
                await self.show(await self.call("sketch", [drawing, *VIEW_SETTINGS]))
            else:
                raise ValueError(f"unknown event {event!r}")
        except Exception as error:  # noqa: BLE001 - any failed request counts as an error in the benchmark
            self.errors += 1
            self.failures[f"{event}: {type(error).__name__}: {str(error)[:200]}"] += 1
            return
        self.latencies.setdefault(event, []).append((time.perf_counter() - started) * 1000)

    async def run(self, steps: int, think_seconds: float, start_delay: float = 0.0) -> None:
        """Wait ``start_delay`` seconds, then follow ``steps`` steps of the classroom script, ``think_seconds`` apart.

        A step the browser handles itself (BROWSER_EVENTS) sends nothing but still takes its pause.
        """
        await asyncio.sleep(start_delay)
        for index in range(steps):
            event = CLASSROOM_SCRIPT[index % len(CLASSROOM_SCRIPT)]
            if self.slider_on_server or event not in BROWSER_EVENTS:
                await self.send(event)
            if think_seconds:
                await asyncio.sleep(think_seconds)

    async def close(self) -> None:
        await self.http.aclose()


def server_processes(pid: int) -> list:
    """Return the server process ``pid`` and the processes it started (its worker processes) as psutil processes."""
    import psutil

    server = psutil.Process(pid)
    return [server, *server.children(recursive=True)]


def process_cpu_seconds(pid: int | None = None) -> float:
    """Return the CPU time (user and system) that process ``pid`` (default: this one) has used so far."""
    import psutil

    return sum(psutil.Process(pid).cpu_times()[:2])


def server_cpu_seconds(pid: int) -> tuple[float, float]:
    """Return the CPU time used so far by the server process ``pid`` and, together, by its worker processes."""
    serving, *workers = server_processes(pid)
    return sum(serving.cpu_times()[:2]), sum(sum(worker.cpu_times()[:2]) for worker in workers)


def run_students(
    url: str,
    folder: Path,
    count: int,
    steps: int,
    think_seconds: float,
    server_pid: int | None = None,
    slider_on_server: bool = False,
    together: bool = False,
) -> dict:
    """Run ``count`` students through ``steps`` steps of the script at once.

    Each student starts at a random moment within the script's first pass, as students in
    a class do not act at the same instant. With ``together``, all start at once and, with
    the same pauses, send each kind of event in the same instant: a burst. Returns the round
    trips' percentiles, errors and events per second, counting the events sent to the server.
    It also returns how many cores the clients kept busy and, with ``server_pid``, the server
    with its worker processes, and of those the serving process.
    """
    direct = direct_endpoints(url)

    async def run_all() -> tuple[list[Student], float, tuple[float, float] | None, float]:
        students = [Student(url, seed, direct, slider_on_server) for seed in range(count)]
        await asyncio.gather(*(student.open(folder) for student in students))
        started = time.perf_counter()
        server_started = server_cpu_seconds(server_pid) if server_pid else (0.0, 0.0)
        clients_started = process_cpu_seconds()
        window = 0.0 if together else len(CLASSROOM_SCRIPT) * think_seconds
        runs = [student.run(steps, think_seconds, float(student.rng.uniform(0, window))) for student in students]
        await asyncio.gather(*runs)
        seconds = time.perf_counter() - started
        server_cores = None
        if server_pid:
            serving, workers = server_cpu_seconds(server_pid)
            server_cores = ((serving - server_started[0]) / seconds, (workers - server_started[1]) / seconds)
        client_cores = (process_cpu_seconds() - clients_started) / seconds
        await asyncio.gather(*(student.close() for student in students))
        return students, seconds, server_cores, client_cores

    students, seconds, server_cores, client_cores = asyncio.run(run_all())

    every = [value for student in students for values in student.latencies.values() for value in values]
    by_event = {}
    for event in set(CLASSROOM_SCRIPT):
        values = [value for student in students for value in student.latencies.get(event, [])]
        if values:
            by_event[event] = percentiles(values)
    errors = sum(student.errors for student in students)
    failures = sum((student.failures for student in students), Counter())
    return {
        "clients": count,
        "steps_per_client": steps,
        "slider_on_server": slider_on_server,
        "start": "together" if together else "staggered",
        "think_seconds": think_seconds,
        "all": percentiles(every),
        "by_event": by_event,
        "events": len(every) + errors,
        "errors": errors,
        "failures": dict(failures.most_common(5)),
        "events_per_second": (len(every) + errors) / seconds,
        "server_cores": sum(server_cores) if server_cores else None,
        "serving_process_cores": server_cores[0] if server_cores else None,
        "client_cores": client_cores,
    }


def single_client(url: str, folder: Path, events: int) -> Student:
    """Drag a latent slider from one client, one event after another; returns the student with its timings."""

    async def drag() -> Student:
        student = Student(url, seed=100, direct=direct_endpoints(url))
        await student.open(folder)
        await student.run(10, 0)  # warm-up
        student.latencies.clear()
        for _ in range(events):
            await student.send("decode")
        await student.close()
        return student

    return asyncio.run(drag())


def server_events_per_step() -> float:
    """Return how many events one step of the classroom script sends to the server, on average."""
    return sum(event not in BROWSER_EVENTS for event in CLASSROOM_SCRIPT) / len(CLASSROOM_SCRIPT)


def chromium_path() -> str:
    """Return the Chromium to drive: AE_DEMO_CHROMIUM, else ``chromium`` on the PATH, else Debian's path."""
    return os.environ.get("AE_DEMO_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"


def measure_browser_decode(url: str, repeats: int) -> dict:
    """Time the page's own decoding of a latent slider move in headless Chromium: milliseconds per move.

    Each move is what the browser does for one slider input: decode the latent vector and
    encode the enlarged image as a PNG. Returns ``{"count": 0, "skipped": reason}`` without Chromium.
    """
    chromium = chromium_path()
    if not Path(chromium).is_file():
        return {"count": 0, "skipped": f"no Chromium at {chromium}: install it or set AE_DEMO_CHROMIUM"}
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return {"count": 0, "skipped": "playwright is not installed: pip install -r requirements-dev.txt"}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
        version = browser.version
        try:
            page = browser.new_page()
            page.goto(url)
            page.wait_for_function("() => window.aeDemoDecoder !== undefined", timeout=STARTUP_TIMEOUT_SECONDS * 1000)
            times = page.evaluate(
                """(repeats) => {
                    const decoder = window.aeDemoDecoder;
                    const move = () => Array.from({ length: decoder.latentDim }, () => 10 * Math.random() - 5);
                    for (let i = 0; i < 5; i++) decoder.sliderOutputs(move());  // warm-up
                    const times = [];
                    for (let i = 0; i < repeats; i++) {
                        const latent = move();
                        const started = performance.now();
                        decoder.sliderOutputs(latent);
                        times.push(performance.now() - started);
                    }
                    return times;
                }""",
                repeats,
            )
        finally:
            browser.close()
    return {**percentiles(times), "browser": f"Chromium {version}"}


def python_loop_ms(repeats: int = 5) -> float:
    """Time a fixed pure-Python loop (best of ``repeats``) in milliseconds, to compare machine speeds.

    The server's work is mostly single-threaded Python, so its throughput roughly follows this figure (an estimate).
    """
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        sum(range(PYTHON_LOOP_LENGTH))
        best = min(best, (time.perf_counter() - started) * 1000)
    return best


def server_stack(app_dir: Path) -> dict:
    """Describe what a tuning step ran: the app's commit and the optional uvicorn speed-ups installed."""
    commit = subprocess.run(
        ["git", "-C", str(app_dir), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
    ).stdout.strip()
    return {
        "commit": commit or None,
        "python_loop_ms": python_loop_ms(),
        "uvloop": importlib.util.find_spec("uvloop") is not None,
        "httptools": importlib.util.find_spec("httptools") is not None,
    }


def record_tuning_step(
    name: str,
    note: str,
    app_dir: Path,
    out: Path,
    settings: Settings,
    command: str,
    slider_on_server: bool,
    together: bool,
) -> None:
    """Run the concurrent students against ``app_dir``'s app and store the result under ``name`` in tuning.json.

    Each step of the tuning is one such run, so reports/benchmark.md can show what each change bought.
    With ``slider_on_server``, the students send their slider moves to the server. With
    ``together``, they all start at once (see ``run_students``).
    """
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        port = free_port()
        log = folder / "server.log"
        server, _ = start_server(port, app_dir, log=log)
        url = f"http://127.0.0.1:{port}/"
        try:
            wait_for_workers(server, log, app_dir)
            run_students(url, folder, 4, 10, 0)  # warm-up
            runs = {}
            for count in settings.concurrent_clients:
                print(f"{name}: {count} concurrent students, {settings.concurrent_steps_per_client} steps each")
                runs[str(count)] = run_students(
                    url,
                    folder,
                    count,
                    settings.concurrent_steps_per_client,
                    THINK_SECONDS,
                    server.pid,
                    slider_on_server,
                    together,
                )
        finally:
            server.terminate()
            server.wait(timeout=30)

    path = out / "tuning.json"
    steps = json.loads(path.read_text()) if path.is_file() else []
    steps = [step for step in steps if step["name"] != name]
    steps.append(
        {
            "name": name,
            "note": note,
            "command": command,
            "slider_on_server": slider_on_server,
            "start": "together" if together else "staggered",
            **server_stack(app_dir),
            "concurrent": runs,
        }
    )
    out.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(steps, indent=2) + "\n")
    for count, run in runs.items():
        stats = run["all"]
        print(
            f"{name}: {count} students p50 {stats['p50']:.0f} ms, p95 {stats['p95']:.0f} ms, "
            f"{run['events_per_second']:.1f} events/s, {run['errors']} errors"
        )
    print(f"recorded {name} in {path}")


def resident_memory_mb(pid: int) -> float:
    """Resident memory of the server ``pid`` with its worker processes (pages they share count once per process)."""
    return sum(process.memory_info().rss for process in server_processes(pid)) / 2**20


def bench_command(argv: list[str] | None) -> str:
    """Return the command line of this run, with the AE_DEMO_WORKERS setting the server inherits if one is set."""
    from ae_demo.ui.worker_pool import WORKERS_VARIABLE

    setting = os.environ.get(WORKERS_VARIABLE)
    prefix = f"{WORKERS_VARIABLE}={shlex.quote(setting)} " if setting is not None else ""
    return prefix + "python -m ae_demo.bench " + shlex.join(argv if argv is not None else sys.argv[1:])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ae_demo.bench", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO_DIR / "reports", help="folder for benchmark.json")
    parser.add_argument("--quick", action="store_true", help="a short smoke run whose numbers mean little")
    parser.add_argument(
        "--tuning-step",
        metavar="NAME",
        help="run only the concurrent students against --app-dir and record the result as NAME in OUT/tuning.json",
    )
    parser.add_argument("--note", default="", help="with --tuning-step: what this step changed, for the report")
    parser.add_argument(
        "--app-dir", type=Path, default=REPO_DIR, help="checkout whose app.py a tuning step starts (default: this one)"
    )
    parser.add_argument(
        "--slider-on-server",
        action="store_true",
        help="with --tuning-step: students send slider moves to the server's /decode instead of decoding in the page",
    )
    parser.add_argument(
        "--together",
        action="store_true",
        help="with --tuning-step: all students start at the same instant, as in the rows measured before 2026-12-05",
    )
    parser.add_argument(
        "--serve-floor",
        type=int,
        metavar="LATENT_DIM",
        help="serve the app's endpoints with handlers that do no work (the floor measurement starts this)",
    )
    parser.add_argument(
        "--report-only",
        action="store_true",
        help="measure nothing: rewrite OUT/benchmark.md from OUT/benchmark.json and OUT/tuning.json",
    )
    args = parser.parse_args(argv)
    if args.report_only:
        write_report(args.out, json.loads((args.out / "benchmark.json").read_text()))
        return 0
    if args.serve_floor:
        serve_floor(args.serve_floor)
        return 0
    settings = QUICK if args.quick else Settings()
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    os.environ.setdefault("NO_PROXY", "127.0.0.1,localhost")  # a proxy must not carry loopback traffic
    if args.tuning_step:
        command = bench_command(argv)
        record_tuning_step(
            args.tuning_step,
            args.note,
            args.app_dir.resolve(),
            args.out,
            settings,
            command,
            args.slider_on_server,
            args.together,
        )
        return 0

    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        print("timing handlers in-process")
        results: dict = {"settings": asdict(settings), "handler_ms": measure_handlers(folder, settings.handler_repeats)}

        port = free_port()
        log = folder / "server.log"
        server, cold_start = start_server(port, log=log)
        url = f"http://127.0.0.1:{port}/"
        results["cold_start_s"] = cold_start
        print(f"server started in {cold_start:.2f} s")
        try:
            from ae_demo.ui.worker_pool import workers_from_environment

            results["workers"] = workers_from_environment()
            results["workers_ready_s"] = cold_start + wait_for_workers(server, log)
            print(f"worker processes ready {results['workers_ready_s']:.2f} s after the start")
            print("the page decoding latent slider moves in Chromium")
            results["browser_decode_ms"] = measure_browser_decode(url, BROWSER_DECODE_REPEATS)
            print("one API client decoding latent vectors on the server")
            student = single_client(url, folder, settings.single_client_events)
            results["round_trip_ms"] = {"single": percentiles(student.latencies["decode"])}
            results["errors"] = {"single": student.errors}

            for count in settings.concurrent_clients:
                steps = settings.concurrent_steps_per_client
                print(f"{count} concurrent students, {steps} steps of the script each, {THINK_SECONDS} s apart")
                run = run_students(url, folder, count, steps, THINK_SECONDS, server.pid)
                results["round_trip_ms"][f"concurrent_{count}"] = run["all"]
                results["errors"][f"concurrent_{count}"] = run["errors"]
                results.setdefault("concurrent", {})[str(count)] = run
            largest = max(settings.concurrent_clients)
            print(f"{largest} concurrent students starting at the same instant")
            together = run_students(url, folder, largest, steps, THINK_SECONDS, server.pid, together=True)
            results["round_trip_ms"][f"together_{largest}"] = together["all"]
            results["errors"][f"together_{largest}"] = together["errors"]
            results["concurrent_together"] = together

            print(f"{settings.memory_events} events for the memory reading")
            before = resident_memory_mb(server.pid)
            steps = math.ceil(settings.memory_events / MEMORY_CLIENTS / server_events_per_step())
            memory_run = run_students(url, folder, MEMORY_CLIENTS, steps, 0, server.pid)
            after = resident_memory_mb(server.pid)
            results["concurrent_memory"] = memory_run
            results["memory_mb"] = {
                "before": before,
                "after": after,
                "growth_percent": 100 * (after - before) / before,
                "events": memory_run["events"],
                "errors": memory_run["errors"],
            }
        finally:
            server.terminate()
            server.wait(timeout=30)

        print(f"{largest} concurrent students against the app's endpoints with handlers that do no work")
        results["floor"] = measure_floor(folder, largest, settings.concurrent_steps_per_client, student.latent_dim)

    import psutil

    results["machine"] = {
        "cores": os.cpu_count(),
        "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "python": platform.python_version(),
        "python_loop_ms": python_loop_ms(),
        "platform": platform.platform(),
    }
    results["command"] = bench_command(argv)
    write_report(args.out, results)
    print_table(results)
    print(f"wrote {args.out / 'benchmark.json'} and benchmark.md")
    return 0


def write_report(out: Path, results: dict) -> None:
    """Derive the target checks and capacity from the measurements, then write benchmark.json and benchmark.md."""
    results["targets"] = classroom_targets(results)
    results["capacity"] = estimate_capacity(results)
    out.mkdir(parents=True, exist_ok=True)
    (out / "benchmark.json").write_text(json.dumps(results, indent=2) + "\n")
    tuning_path = out / "tuning.json"
    tuning = json.loads(tuning_path.read_text()) if tuning_path.is_file() else []
    (out / "benchmark.md").write_text(benchmark_markdown(results, tuning))


def classroom_targets(results: dict) -> list[dict]:
    """Compare the measurements with the classroom targets for a 2-core machine."""
    largest = max(int(name.split("_")[1]) for name in results["round_trip_ms"] if name.startswith("concurrent_"))
    rows = [
        ("handler compute p50, slider to image (ms)", results["handler_ms"]["decode"]["p50"], "<=", 5),
        ("1 client round trip p50 (ms)", results["round_trip_ms"]["single"]["p50"], "<=", 50),
        ("1 client round trip p95 (ms)", results["round_trip_ms"]["single"]["p95"], "<=", 100),
        (
            f"{largest} clients round trip p95 (ms)",
            results["round_trip_ms"][f"concurrent_{largest}"]["p95"],
            "<=",
            TARGET_P95_MS,
        ),
        (f"{largest} clients errors", results["errors"][f"concurrent_{largest}"], "<=", 0),
        ("memory growth (%)", results["memory_mb"]["growth_percent"], "<=", 5),
        ("cold start (s)", results["cold_start_s"], "<=", 10),
    ]
    return targets.check_targets(rows)


def estimate_capacity(results: dict) -> dict:
    """Estimate how many students one core serves, from the saturated run and the concurrent runs.

    The saturated run (the memory run, clients sending back to back) gives events per second
    and how many cores the server and its worker processes kept busy. A student following the
    classroom script sends server_events_per_step() events every THINK_SECONDS, round trips not
    counted, so the estimate is low. The concurrent runs give the largest class measured within
    the p95 target. The server's CPU time per event, for the app and for the no-work handlers of
    the floor run, splits each event's cost between the app's work and Gradio's own. The serving
    process's own CPU time per event sets a ceiling: that process runs Python on one core at most.
    """
    saturated = results["concurrent_memory"]
    busy_cores = saturated["server_cores"]
    if not busy_cores:
        raise RuntimeError("the server used no measurable CPU during the saturated run")
    per_core = saturated["events_per_second"] / busy_cores
    serving_ms_per_event = 1000 * saturated["serving_process_cores"] / saturated["events_per_second"]
    per_student = server_events_per_step() / THINK_SECONDS
    within_target = [
        int(count)
        for count, run in results["concurrent"].items()
        if run["all"]["p95"] <= TARGET_P95_MS and run["errors"] == 0
    ]
    floor = results["floor"]
    return {
        "saturated_events_per_second": saturated["events_per_second"],
        "server_cores_busy": busy_cores,
        "server_cpu_ms_per_event": 1000 * busy_cores / saturated["events_per_second"],
        "floor_server_cpu_ms_per_event": 1000 * floor["server_cores"] / floor["events_per_second"],
        "events_per_second_per_core": per_core,
        "events_per_second_per_student": per_student,
        "students_per_core": per_core / per_student,
        "serving_process_cores_busy": saturated["serving_process_cores"],
        "serving_cpu_ms_per_event": serving_ms_per_event,
        "serving_ceiling_events_per_second": 1000 / serving_ms_per_event,
        "serving_ceiling_students": 1000 / serving_ms_per_event / per_student,
        "largest_class_within_target": max(within_target, default=0),
    }


def within_target_sentence(results: dict, largest: int) -> str:
    """Say which measured class size stayed within the p95 target, or that none did."""
    sizes = " and ".join(sorted(results["concurrent"], key=int))
    runs = results["concurrent"].values()
    if all(run["all"]["p95"] <= TARGET_P95_MS and run["errors"] == 0 for run in runs):
        return f"Every measured run ({sizes} students) had a p95 within {TARGET_P95_MS} ms and no errors."
    if largest:
        return (
            f"Of the measured runs ({sizes} students), the {largest}-student run had a p95 within {TARGET_P95_MS} ms."
        )
    return (
        f"None of the measured runs ({sizes} students) had a p95 within {TARGET_P95_MS} ms (the target is set for 50)."
    )


def tuning_markdown(steps: list[dict]) -> list[str]:
    """Render the recorded tuning steps as a table, in the order they were made."""
    if not steps:
        return []
    counts = sorted({count for step in steps for count in step["concurrent"]}, key=int)
    header = "| step | commit | uvloop and httptools | Python loop (ms) | students start | " + " | ".join(
        f"{count} students p50 / p95 (ms) | {count} students events/s" for count in counts
    )
    lines = [
        "",
        "## What each change bought",
        "",
        "Each row is one `--tuning-step` run of the concurrent students against the app at that commit, with the "
        "same classroom script. To repeat a row, check the commit out with `git worktree add DIR COMMIT` and run "
        "the row's command from `tuning.json` with `--app-dir DIR`; the uvloop column says whether uvicorn's "
        "optional uvloop and httptools packages were installed. The Python loop column is the time the measuring "
        f"machine took to sum {PYTHON_LOOP_LENGTH:,} integers in pure Python (`python_loop_ms`); rows with different "
        "loop times come from machines of different speed and compare only roughly. In rows whose students start "
        "together, all of them start at the same instant and send each kind of event in the same instant (a burst); "
        "in staggered rows, each starts at a random moment within the script's first pass (see the round trips "
        "above).",
        "",
        header + " | errors |",
        "|---|---|---|---|---|" + "---|---|" * len(counts) + "---|",
    ]
    for step in steps:
        loop = step.get("python_loop_ms")
        cells = [
            step["name"],
            f"`{step['commit']}`",
            "yes" if step["uvloop"] and step["httptools"] else "no",
            f"{loop:.0f}" if loop else "not recorded",
            step.get("start", "together"),  # the rows from before the staggered start have no "start"
        ]
        errors = 0
        for count in counts:
            run = step["concurrent"].get(count)
            if run is None:
                cells += ["", ""]
                continue
            cells += [f"{run['all']['p50']:.0f} / {run['all']['p95']:.0f}", f"{run['events_per_second']:.1f}"]
            errors += run["errors"]
        lines.append("| " + " | ".join(cells) + f" | {errors} |")
    notes = [f"- {step['name']}: {step['note']}" for step in steps if step.get("note")]
    return lines + ["", *notes] if notes else lines


def by_event_markdown(runs: dict[str, dict]) -> list[str]:
    """Tabulate each run's round trips per kind of event: what a student waits for after each action.

    ``runs`` maps a row label to a run of ``run_students``.
    """
    events = sorted({event for run in runs.values() for event in run["by_event"]})
    lines = [
        "",
        "What a student waits for, per kind of event (p50 / p95, ms):",
        "",
        "| run | " + " | ".join(EVENT_LABELS.get(event, event) for event in events) + " |",
        "|---|" + "---|" * len(events),
    ]
    for label, run in runs.items():
        cells = []
        for event in events:
            stats = run["by_event"].get(event, {})
            cells.append(f"{stats['p50']:.0f} / {stats['p95']:.0f}" if stats.get("count") else "")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return lines


def round_trip_runs(results: dict) -> dict[str, dict]:
    """Return the concurrent runs by their row label in the report, with the run whose students start together last."""
    runs = {
        f"{count} students": run for count, run in sorted(results["concurrent"].items(), key=lambda item: int(item[0]))
    }
    together = results["concurrent_together"]
    runs[f"{together['clients']} students starting together"] = together
    return runs


def browser_decode_markdown(stats: dict) -> list[str]:
    """Describe the time the page takes to decode one latent slider move, or why it was not measured."""
    lines = ["", "### Latent sliders in the browser", ""]
    if not stats.get("count"):
        return lines + [f"Not measured: {stats.get('skipped', 'no timings')}."]
    return lines + [
        f"Each slider move is decoded by the page itself (ae_demo/ui/latent_decoder.js), whatever the server is "
        f"doing. In headless {stats['browser']} on this machine, a move (decoding plus the PNG of the enlarged "
        f"image) took p50 {stats['p50']:.1f} ms, p95 {stats['p95']:.1f} ms and p99 {stats['p99']:.1f} ms over "
        f"{stats['count']} moves, measured in the page with `performance.now()`. A student's own device sets "
        "this time, and the number of students does not change it.",
    ]


def floor_markdown(floor: dict) -> list[str]:
    """Describe the run against ``floor_demo``: the round trips of Gradio alone, under the same students."""
    stats = floor["all"]
    together = floor["together"]["all"]
    verdict = (
        "within the target, so the rest of the app's round trip is its own work"
        if stats["p95"] <= TARGET_P95_MS
        else f"above the {TARGET_P95_MS} ms target already, so no tuning of the app's own work can meet it here"
    )
    return [
        "",
        "### Gradio alone",
        "",
        f"The same script from {floor['clients']} students, against the app's endpoints served with handlers that "
        "do no work and return nothing (`floor_demo` in ae_demo/bench.py), with the app's queue settings: "
        f"p50 {stats['p50']:.0f} ms, p95 {stats['p95']:.0f} ms, p99 {stats['p99']:.0f} ms, "
        f"{floor['events_per_second']:.1f} events per second, {floor['errors']} errors, server "
        f"{floor['server_cores']:.2f} cores and clients {floor['client_cores']:.2f} cores busy. "
        f"That p95 is {verdict}. With the students starting together: p50 {together['p50']:.0f} ms, "
        f"p95 {together['p95']:.0f} ms.",
    ]


def benchmark_markdown(results: dict, tuning: list[dict] | None = None) -> str:
    """Render the benchmark as a Markdown page: machine, targets, per-event numbers, tuning steps and capacity."""
    from ae_demo.ui.app import QUEUE_SETTINGS
    from ae_demo.ui.worker_pool import default_workers

    machine = results["machine"]
    capacity = results["capacity"]
    lines = [
        "# Benchmark",
        "",
        f"Produced by `{results['command']}` on {machine['cores']} cores and {machine['memory_gb']} GB of memory "
        f"({machine['platform']}, Python {machine['python']}; "
        f"a pure-Python loop of {PYTHON_LOOP_LENGTH:,} additions took {machine['python_loop_ms']:.0f} ms). "
        "The clients run on the same machine as the server and take part of its CPU, so round trips are an upper "
        "bound for a classroom whose students use their own devices.",
        "",
        "## Targets",
        "",
        *targets.markdown_rows(results["targets"]),
    ]
    lines += [
        "",
        "## Handler compute time (ms, in-process, no server)",
        "",
        "| event | p50 | p95 | p99 |",
        "|---|---|---|---|",
    ]
    for event, stats in results["handler_ms"].items():
        lines.append(f"| {event} | {stats['p50']:.2f} | {stats['p95']:.2f} | {stats['p99']:.2f} |")
    lines += [
        "",
        "## Round trips through the server (ms)",
        "",
        f"Concurrent students each follow {results['settings']['concurrent_steps_per_client']} steps of the "
        f"classroom script ({', '.join(CLASSROOM_SCRIPT)}), {THINK_SECONDS} s apart. The page decodes latent "
        "slider moves (decode) itself, so those steps send nothing and only pause; the concurrent rows time the "
        "other steps. A sketch event is the drawing, whose request also brings the new digit's views except the "
        "bottleneck view: the script never opens the Bottleneck size tab, whose opening is an event of its own. "
        "Each student starts at a random moment within the script's first pass "
        f"({len(CLASSROOM_SCRIPT) * THINK_SECONDS:.0f} s), as students in a class do not act at the same instant. "
        "The together row is the worst case: all students start at the same instant, and with the same pauses "
        "they send each kind of event in the same instant, a burst at every step. "
        "The single row is one API client calling the server's /decode endpoint back to back.",
        "",
        "| run | p50 | p95 | p99 | errors | events per second | server cores busy | of which serving process "
        "| client cores busy |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name, stats in results["round_trip_ms"].items():
        kind, _, count = name.partition("_")
        run = {"concurrent": results["concurrent"].get(count), "together": results["concurrent_together"]}.get(kind)
        extra = (
            [
                f"{run['events_per_second']:.1f}",
                f"{run['server_cores']:.2f}",
                f"{run['serving_process_cores']:.2f}",
                f"{run['client_cores']:.2f}",
            ]
            if run
            else ["", "", "", ""]
        )
        cells = [
            name,
            f"{stats['p50']:.1f}",
            f"{stats['p95']:.1f}",
            f"{stats['p99']:.1f}",
            str(results["errors"][name]),
        ]
        lines.append("| " + " | ".join(cells + extra) + " |")
    lines += by_event_markdown(round_trip_runs(results))
    lines += browser_decode_markdown(results["browser_decode_ms"])
    lines += floor_markdown(results["floor"])
    lines += tuning_markdown(tuning or [])
    memory = results["memory_mb"]
    queue_call = ", ".join(f"{name}={value!r}" for name, value in QUEUE_SETTINGS.items())
    workers = results.get("workers", default_workers())
    lines += [
        "",
        "## Memory and start-up",
        "",
        f"Resident memory of the server and its {workers} worker process{'es' if workers != 1 else ''}: "
        f"{memory['before']:.0f} MB before and {memory['after']:.0f} MB after {memory['events']:,} events "
        f"({memory['growth_percent']:+.1f} %, {memory['errors']} errors). Each worker loads its own copy of the "
        "models and libraries. Cold start, from process start to the first served page: "
        f"{results['cold_start_s']:.2f} s. The workers were ready {results['workers_ready_s']:.2f} s after the "
        "start, and until then the serving process ran the events itself.",
        "",
        "## Beyond one machine",
        "",
        "Gradio serves the app from one Python process, and Python's global interpreter lock lets one thread of it "
        "run Python code at a time. The app therefore runs its event handlers (the models, the metrics and the PNG "
        f"encoding) in worker processes: {workers} here (`AE_DEMO_WORKERS`, ae_demo/ui/worker_pool.py). The serving "
        "process keeps Gradio's own work: the requests, the queue and the outputs' way back to the browser. "
        f"In the memory run ({MEMORY_CLIENTS} clients sending the classroom script back to back, with no pause), "
        f"the server and its workers handled {capacity['saturated_events_per_second']:.0f} events per second and "
        f"kept {capacity['server_cores_busy']:.2f} cores busy, {capacity['serving_process_cores_busy']:.2f} of "
        f"them in the serving process. That is {capacity['events_per_second_per_core']:.0f} events per second per "
        "busy core. A student following the classroom script sends about "
        f"{capacity['events_per_second_per_student']:.1f} events per second to the server (slider moves send "
        f"none), so one core keeps up with about {capacity['students_per_core']:.0f} such students; students who "
        "read or think between actions need less. "
        + within_target_sentence(results, capacity["largest_class_within_target"]),
        "",
        "Per event of the classroom script, the server and its workers spent "
        f"{capacity['server_cpu_ms_per_event']:.1f} ms of CPU time on average; with handlers that do no work "
        f"(Gradio alone, above) the server spent "
        f"{capacity['floor_server_cpu_ms_per_event']:.1f} ms. The difference is the app's own work. The serving "
        f"process spent {capacity['serving_cpu_ms_per_event']:.1f} ms per event, and it runs on one core at most, so "
        f"one server handles at most about {capacity['serving_ceiling_events_per_second']:.0f} events per second "
        f"(about {capacity['serving_ceiling_students']:.0f} students following the script), however many cores and "
        "workers it has.",
        "",
        "When a class outgrows one machine:",
        "",
        f"- Queue settings: `demo.queue({queue_call})`. Each event listener gets its own queue with that many "
        "events running at once; beyond the maximum size new events are rejected, so a spike fails fast instead of "
        "piling up. The noise slider's `always_last` trigger drops the positions a student dragged past while the "
        "server was busy, and the latent sliders need no server.",
        "- More workers: `AE_DEMO_WORKERS=N python app.py` runs N worker processes, each with its own copy of the "
        "models. On a machine with more cores they let more events compute at once; the tuning rows above show "
        "what a second worker changed on this 2-core machine.",
        "- Bigger hardware: a Space with more cores gains through more workers, up to the serving process's ceiling "
        "above; a faster core raises that ceiling in proportion to its speed.",
        "- More replicas: beyond that ceiling, throughput grows with the number of servers. Each session's digit "
        "lives in its server's memory (`gr.State`), so several servers or Space replicas need sticky sessions "
        "behind a load balancer; the simplest form is one Space per group of students, sized from the figures "
        "above.",
        "- On one classroom machine: start a second copy on another port (`GRADIO_SERVER_PORT=7861 python app.py`) "
        "and give half of the class each address. This benchmark measured one copy only.",
        "",
    ]
    return "\n".join(lines)


def print_table(results: dict) -> None:
    print(f"{'measure':<44} {'p50':>8} {'p95':>8} {'p99':>8}")
    for event, stats in results["handler_ms"].items():
        print(f"{'handler ' + event + ' (ms)':<44} {stats['p50']:8.2f} {stats['p95']:8.2f} {stats['p99']:8.2f}")
    for name, stats in results["round_trip_ms"].items():
        errors = results["errors"][name]
        label = f"round trip {name} (ms), {errors} errors"
        print(f"{label:<44} {stats['p50']:8.1f} {stats['p95']:8.1f} {stats['p99']:8.1f}")
    floor = results["floor"]["all"]
    label = f"round trip, no-work handlers, {results['floor']['clients']} clients"
    print(f"{label:<44} {floor['p50']:8.1f} {floor['p95']:8.1f} {floor['p99']:8.1f}")
    browser = results["browser_decode_ms"]
    if browser.get("count"):
        label = "latent slider move in the browser (ms)"
        print(f"{label:<44} {browser['p50']:8.2f} {browser['p95']:8.2f} {browser['p99']:8.2f}")
    else:
        print(f"latent slider move in the browser: not measured ({browser.get('skipped')})")
    memory = results["memory_mb"]
    print(f"memory: {memory['before']:.0f} MB before, {memory['after']:.0f} MB after {memory['events']} events")
    print(f"cold start: {results['cold_start_s']:.2f} s")


if __name__ == "__main__":
    raise SystemExit(main())
