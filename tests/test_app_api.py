"""Every view through the real Gradio server on 127.0.0.1, driven by gradio_client."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import gradio as gr
import httpx
import numpy as np
import pytest
from gradio_client import Client, handle_file
from gradio_client.exceptions import AppError
from PIL import Image

from ae_demo import REPO_DIR
from ae_demo.preprocess import MAX_PIXELS, MIN_SIDE, to_mnist_digit
from ae_demo.render import DISPLAY_SCALE
from ae_demo.ui.handlers import rank_text
from ae_demo.ui.translations import EN, ZH, translate
from tests.conftest import open_output, save_upscaled_digit
from tests.test_preprocess import bad_file_cases

ERROR_KEYS = {"not_an_image", "image_too_large", "image_too_small", "no_ink", "empty_sketch", "no_upload"}


def read_digit(output: dict) -> np.ndarray:
    """Shrink a displayed (280, 280) digit back to (28, 28) in [0, 1]."""
    image = np.asarray(open_output(output).convert("L"), np.float32) / 255.0
    assert image.shape == (28 * DISPLAY_SCALE, 28 * DISPLAY_SCALE)
    return image[::DISPLAY_SCALE, ::DISPLAY_SCALE]


@pytest.fixture
def client(app_url):
    client = Client(app_url, verbose=False)
    yield client
    client.close()


@pytest.fixture
def chinese_client(app_url):
    client = Client(app_url, verbose=False, headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    yield client
    client.close()


def test_api_lists_view_endpoints(client):
    endpoints = client.view_api(print_info=False, return_format="dict")["named_endpoints"]
    for name in (
        "/sample",
        "/sketch",
        "/upload",
        "/noise",
        "/heatmap",
        "/decode",
        "/reset_latent",
        "/random_latent",
        "/bottlenecks",
    ):
        assert name in endpoints


def test_sample_then_noise_view(client, mnist_samples):
    # One request brings the digit and its views: the model's input, then the noise view first.
    model_input, sample_clean, *views = client.predict(9, api_name="/sample")
    assert np.allclose(read_digit(model_input), mnist_samples[9][1], atol=1 / 255)
    assert np.allclose(read_digit(sample_clean), mnist_samples[9][1], atol=1 / 255)
    assert list(views[-3:]) == [[], [], None], "the bottleneck view waits until its tab opens"

    clean, noisy, autoencoder, denoiser, scores = client.predict("gaussian", 0.0, 0, api_name="/noise")
    assert np.array_equal(read_digit(clean), read_digit(noisy)), "zero noise must change nothing"
    assert np.allclose(read_digit(clean), mnist_samples[9][1], atol=1 / 255)
    assert "PSNR" in scores
    assert EN["noisy_label"] in scores

    clean, noisy, autoencoder, denoiser, scores = client.predict("salt_pepper", 0.3, 5, api_name="/noise")
    clean_digit = read_digit(clean)
    noisy_psnr = 10 * np.log10(1 / np.mean((read_digit(noisy) - clean_digit) ** 2))
    denoised_psnr = 10 * np.log10(1 / np.mean((read_digit(denoiser) - clean_digit) ** 2))
    assert denoised_psnr > noisy_psnr + 3


@pytest.mark.parametrize("kind", ["gaussian", "salt_pepper", "masking", "speckle"])
def test_noise_kinds_are_seeded(client, kind):
    client.predict(3, api_name="/sample")
    first = read_digit(client.predict(kind, 0.5, 11, api_name="/noise")[1])
    again = read_digit(client.predict(kind, 0.5, 11, api_name="/noise")[1])
    other = read_digit(client.predict(kind, 0.5, 12, api_name="/noise")[1])
    assert np.array_equal(first, again)
    assert not np.array_equal(first, other)


def test_heatmap_normal_and_unusual(client, samples):
    client.predict(0, api_name="/sample")
    _, _, heatmap, colorbar, distribution, verdict = client.predict("absolute", False, 99.0, api_name="/heatmap")
    assert verdict.startswith("### Looks like a normal")
    assert np.asarray(open_output(heatmap)).shape == (280, 280, 3)
    assert "linear-gradient" in colorbar
    assert np.asarray(open_output(distribution)).ndim == 3

    sneaker = next(index for index, sample in enumerate(samples) if sample.file == "unusual_fashion_sneaker.png")
    client.predict(sneaker, api_name="/sample")
    verdict = client.predict("signed", True, 99.0, api_name="/heatmap")[-1]
    assert verdict.startswith("### Unusual input")


def test_latent_reset_decode_and_random(client, lab, mnist_samples):
    client.predict(20, api_name="/sample")
    outputs = client.predict(api_name="/reset_latent")
    latent = np.asarray(outputs[: lab.latent_dim], np.float64)
    expected = lab.clip_latent(lab.encode(mnist_samples[20][1]))
    assert np.allclose(latent, expected, atol=0.005), "the sliders show the encoding to two decimals"
    decoded = read_digit(outputs[lab.latent_dim])

    moved = latent.copy()
    moved[0] = lab.latent_high[0]
    changed_image, note = client.predict(*moved, api_name="/decode")
    changed = read_digit(changed_image)
    assert note == ""
    assert np.abs(changed - decoded).max() > 0.05

    first = client.predict(api_name="/random_latent")
    second = client.predict(api_name="/random_latent")
    assert first[: lab.latent_dim] != second[: lab.latent_dim]


def test_upload_digit_photo(client, tmp_path, mnist_samples):
    digit = mnist_samples[28][1]
    path = save_upscaled_digit(digit, tmp_path / "seven.jpg", scale=12)
    model_input = read_digit(client.predict(handle_file(str(path)), api_name="/upload")[0])
    assert model_input[0, 0] == 0
    assert np.corrcoef(model_input.ravel(), to_mnist_digit(digit).ravel())[0, 1] > 0.85


def test_sketch_endpoint(client, tmp_path):
    canvas = np.full((280, 280, 3), 255, np.uint8)
    canvas[50:230, 120:145] = 0
    path = tmp_path / "sketch.png"
    Image.fromarray(canvas).save(path)
    sketch = {"background": handle_file(str(path)), "layers": [], "composite": handle_file(str(path))}
    model_input = read_digit(client.predict(sketch, api_name="/sketch")[0])
    assert model_input.max() > 0.9
    assert model_input[:, :5].max() == 0


def test_bad_uploads_get_clear_messages(client, tmp_path):
    for key, path in bad_file_cases(tmp_path):
        with pytest.raises(AppError) as caught:
            client.predict(handle_file(str(path)), api_name="/upload")
        message = str(caught.value)
        params = {"megapixels": MAX_PIXELS // 1_000_000, "ten_thousand_pixels": MAX_PIXELS // 10_000}
        if key == "image_too_small":
            with Image.open(path) as image:
                params.update(width=image.width, height=image.height, minimum=MIN_SIDE)
        assert translate(f"error_{key}", "en", **params) in message, (path.name, message)
        assert "Traceback" not in message

    with pytest.raises(AppError, match="The drawing is empty"):
        client.predict({"background": None, "layers": [], "composite": None}, api_name="/sketch")

    # The server survived all of it and still responds.
    assert client.predict(1, api_name="/sample")


def test_errors_in_chinese(chinese_client, tmp_path):
    white = tmp_path / "white.png"
    Image.new("RGB", (100, 100), "white").save(white)
    with pytest.raises(AppError) as caught:
        chinese_client.predict(handle_file(str(white)), api_name="/upload")
    assert ZH["error_no_ink"] in str(caught.value)

    chinese_client.predict(0, api_name="/sample")
    scores = chinese_client.predict("gaussian", 0.2, 0, api_name="/noise")[-1]
    assert ZH["denoiser_output_label"] in scores


def test_invalid_sample_index_rejected(client):
    with pytest.raises(AppError, match="sample does not exist"):
        client.predict(999, api_name="/sample")


@pytest.mark.parametrize(
    ("percentile", "language", "expected"),
    [
        (100.0, "en", "higher than every MNIST test digit"),
        (99.97, "en", "higher than 99.9% of MNIST test digits"),
        (42.0, "zh", "高于 42.0% 的 MNIST 测试数字"),
        (100.0, "zh", "高于所有 MNIST 测试数字"),
    ],
)
def test_rank_text_never_rounds_to_all(percentile, language, expected):
    assert rank_text(percentile, language) == expected


def test_every_error_key_translated():
    assert set(EN) == set(ZH)
    for key in ERROR_KEYS:
        assert f"error_{key}" in EN


def test_samples_show_every_class(samples):
    labels = {sample.caption for sample in samples if sample.group == "mnist"}
    assert labels == {str(digit) for digit in range(10)}
    assert sum(sample.group == "mnist" for sample in samples) >= 30
    assert sum(sample.group == "unusual" for sample in samples) >= 6
    for sample in samples:
        assert Path(sample.path()).is_file()


def test_bottleneck_view_computed_when_open(client, lab):
    client.predict(12, api_name="/sample")
    closed = client.predict("gaussian", 0.2, 0, "absolute", False, 99.0, False, api_name="/refresh_views")
    assert list(closed[-3:]) == [[], [], None], "a closed bottleneck tab is cleared, not computed"
    autoencoder_gallery, pca_gallery, plot = client.predict(api_name="/bottlenecks")
    assert list(client.predict("gaussian", 0.2, 0, "absolute", False, 99.0, True, api_name="/refresh_views")[-3:]) == [
        autoencoder_gallery,
        pca_gallery,
        plot,
    ]
    assert len(autoencoder_gallery) == len(lab.bottleneck_models)
    assert len(pca_gallery) == len(lab.bottleneck_models)
    captions = [item["caption"] for item in autoencoder_gallery]
    assert captions[0].startswith("d=2 · MSE ")
    errors = [float(caption.split("MSE ")[1]) for caption in captions]
    assert errors[0] > errors[-1], "a 64-number bottleneck must rebuild the digit better than a 2-number one"
    assert np.asarray(open_output(autoencoder_gallery[0]["image"])).shape[:2] == (280, 280)
    assert np.asarray(open_output(plot)).ndim == 3


def test_upload_over_size_limit_rejected(server_url):
    too_large = bytes(10 * 2**20 + 1)  # one byte over the 10 MB limit
    response = httpx.post(f"{server_url}/gradio_api/upload", files={"files": ("big.png", too_large)}, timeout=60)
    assert response.status_code == 413
    small = httpx.post(f"{server_url}/gradio_api/upload", files={"files": ("small.png", b"123")}, timeout=60)
    assert small.status_code == 200


def test_app_starts_without_torchvision():
    # torchvision is imported after the page is served (app.py), so importing the app must not load it.
    code = "import sys, app; import ae_demo.ui; print('torchvision' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO_DIR, check=True)
    assert result.stdout.strip() == "False"


def test_newest_event_wins_per_session():
    from ae_demo.ui.app import NewestEvent

    newest = NewestEvent()
    older_may_end = threading.Event()
    newer_started = threading.Event()

    def load(index: int, request: gr.Request) -> int:
        if index == 1:
            newer_started.wait(timeout=10)  # the older click ends after the newer one began
        else:
            newer_started.set()
            older_may_end.wait(timeout=10)
        return index

    wrapped = newest.wrap(load)
    results = {}

    def click(index: int, session: str) -> None:
        try:
            results[(index, session)] = wrapped(index, gr.Request(session_hash=session))
        except gr.Error as error:
            results[(index, session)] = error

    older = threading.Thread(target=click, args=(1, "a"))
    older.start()
    time.sleep(0.2)  # the older click's event starts first
    newer = threading.Thread(target=click, args=(2, "a"))
    newer.start()
    time.sleep(0.2)
    older_may_end.set()
    older.join(timeout=10)
    newer.join(timeout=10)

    assert results[(2, "a")] == 2
    assert isinstance(results[(1, "a")], gr.Error), "the older click must not replace the newer one's digit"
    assert results[(1, "a")].visible is False
    assert wrapped(3, gr.Request(session_hash="b")) == 3, "another session is not affected"
    assert wrapped(4, None) == 4, "a call without a request runs as it is"
