"""Staying up: concurrent valid and bad requests against one server, and no files left behind."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import numpy as np
import pytest
from gradio.route_utils import delete_files_created_by_app
from gradio_client import Client, handle_file
from gradio_client.exceptions import AppError

from ae_demo.render import DISPLAY_SCALE
from tests.conftest import open_output, save_upscaled_digit

CLIENTS = 8
ROUNDS = 6
CLEANUP = (1, 2)  # delete uploads older than 2 s, checking every second


@pytest.fixture(scope="module")
def soak_demo(lab, handler_pool):
    """A server of its own whose handlers run in a worker process, as app.py runs them.

    Its cache cleanup deletes uploads older than 2 s.
    """
    from ae_demo.ui import build_demo, launch_options

    demo = build_demo(lab, cache_cleanup=CLEANUP, pool=handler_pool)
    demo.launch(server_name="127.0.0.1", prevent_thread_lock=True, quiet=True, **launch_options())
    yield demo
    demo.close()


@pytest.fixture(scope="module")
def soak_url(soak_demo):
    return soak_demo.local_url


def cached_outputs(demo) -> set[str]:
    """Return the files this app has put in Gradio's cache for its components, uploads excluded.

    Gradio records them per app, so files that other servers write to the shared cache folder do not count.
    Only files still on disk count: Gradio's cleanup deletes a file through one of the app's sets, and
    a path that is already gone stays in the others.
    """
    recorded = set().union(*demo.temp_file_sets) - demo.upload_file_set
    return {file for file in recorded if Path(file).exists()}


def test_concurrent_valid_and_bad_requests(soak_url, lab, handler_pool, tmp_path):
    events_before = handler_pool.events_run
    corrupt = tmp_path / "corrupt.png"
    corrupt.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))
    text = tmp_path / "notes.png"
    text.write_text("not an image")
    rng = np.random.default_rng(0)
    latents = [rng.uniform(lab.latent_low, lab.latent_high).round(2) for _ in range(CLIENTS * ROUNDS)]
    failures: list[str] = []
    rejected = []

    def student(index: int) -> None:
        client = Client(soak_url, verbose=False)
        try:
            for round_index in range(ROUNDS):
                latent = latents[index * ROUNDS + round_index]
                decoded, _ = client.predict(*latent, api_name="/decode")
                image = np.asarray(open_output(decoded).convert("L"))
                expected = np.round(np.clip(lab.decode(latent), 0, 1) * 255)
                if np.abs(image[::DISPLAY_SCALE, ::DISPLAY_SCALE] - expected).max() > 1:
                    failures.append(f"decode {index}/{round_index} returned a wrong image")
                bad = corrupt if round_index % 2 else text
                try:
                    client.predict(handle_file(str(bad)), api_name="/upload")
                    failures.append(f"upload of {bad.name} was accepted")
                except AppError:
                    rejected.append(bad.name)
                try:
                    client.predict(10_000, api_name="/sample")
                    failures.append("sample 10000 was accepted")
                except AppError:
                    rejected.append("sample")
                noisy = client.predict("masking", 0.5, round_index, api_name="/noise")
                if open_output(noisy[1]).size != (28 * DISPLAY_SCALE, 28 * DISPLAY_SCALE):
                    failures.append("noise view returned no digit")
        except Exception as error:  # noqa: BLE001 - any other failure fails the test below
            failures.append(f"student {index}: {error!r}")
        finally:
            client.close()

    threads = [threading.Thread(target=student, args=(index,)) for index in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)

    assert not failures, failures[:5]
    assert len(rejected) == 2 * CLIENTS * ROUNDS
    assert handler_pool.events_run - events_before >= 4 * CLIENTS * ROUNDS, "every event ran in the worker"
    check = Client(soak_url, verbose=False)
    assert check.predict(0, api_name="/sample"), "the server must still answer"
    check.close()


def test_views_write_no_files(soak_demo, lab):
    before = cached_outputs(soak_demo)
    client = Client(soak_demo.local_url, verbose=False, download_files=False)
    decoded, _ = client.predict(*lab.latent_mean, api_name="/decode")
    for sample in range(3):
        client.predict(sample, api_name="/sample")
        outputs = client.predict("gaussian", 0.3, 0, "absolute", False, 99.0, True, api_name="/refresh_views")
    client.close()

    assert decoded["path"] is None
    assert decoded["url"].startswith("data:image/png;base64,")
    gallery = outputs[-3]
    assert len(gallery) == len(lab.bottleneck_models)
    assert gallery[0]["image"]["url"].startswith("data:image/png;base64,")
    assert cached_outputs(soak_demo) == before, "output images travel inline, so views add no file to the cache"


def test_uploaded_files_are_deleted(soak_demo, mnist_samples, tmp_path):
    assert soak_demo.delete_cache == CLEANUP
    client = Client(soak_demo.local_url, verbose=False)
    uploaded = []
    for index in range(3):
        path = save_upscaled_digit(mnist_samples[index][1], tmp_path / f"digit_{index}.png")
        client.predict(handle_file(str(path)), api_name="/upload")
        uploaded += [Path(file) for file in soak_demo.upload_file_set if Path(file).name == path.name]
    client.close()
    assert len(uploaded) == 3
    assert all(path.is_file() for path in uploaded), "each upload is in the cache while the event runs"

    # Run the app's cleanup step directly once the files are older than the limit, instead of
    # waiting for Gradio's background schedule, whose timing varies on a loaded machine.
    time.sleep(CLEANUP[1] + 0.5)
    delete_files_created_by_app(soak_demo, CLEANUP[1])
    assert not any(path.exists() for path in uploaded), "uploads must be deleted once older than the limit"
