"""The app in a real browser: headless Chromium driven by Playwright, in English and Chinese.

Needs the Debian ``chromium`` binary (``apt-get install chromium fonts-noto-cjk``); set
AE_DEMO_CHROMIUM to use another path. Screenshots of each view go to
AE_DEMO_SCREENSHOT_DIR (default ``test-artifacts/screenshots``).
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import numpy as np
import pytest
import torch

from ae_demo import render
from ae_demo.bench import CHROMIUM_ARGS, chromium_path
from ae_demo.ui.app import LATENT_DECODER_JS
from ae_demo.ui.inline_image import decode_data_url, png_data_url
from ae_demo.ui.translations import ZH
from ae_demo.web_decoder import decoder_program

playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")

pytestmark = pytest.mark.browser

CHROMIUM = chromium_path()
# An empty value counts as unset, so that screenshots never land in the working directory.
SCREENSHOT_DIR = Path(os.environ.get("AE_DEMO_SCREENSHOT_DIR") or "test-artifacts/screenshots")
TIMEOUT_MS = 30_000


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).is_file():
        pytest.skip(f"no Chromium at {CHROMIUM}: install it with 'apt-get install chromium' or set AE_DEMO_CHROMIUM")
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def open_app(browser, server_url: str, locale: str, width: int = 1400):
    context = browser.new_context(locale=locale, viewport={"width": width, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(server_url)
    page.locator("#noisy img").wait_for()
    return context, page


def image_source(page, selector: str) -> str:
    return page.locator(f"{selector} img").first.get_attribute("src") or ""


def wait_for_new_image(page, selector: str, old_source: str) -> str:
    """Wait until the image inside ``selector`` has a different source than ``old_source``."""
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while time.monotonic() < deadline:
        source = image_source(page, selector)
        if source and source != old_source:
            return source
        page.wait_for_timeout(100)
    raise AssertionError(f"image in {selector} did not change within {TIMEOUT_MS} ms")


def drag_slider(page, selector: str, fraction: float) -> None:
    """Drag a slider's thumb with the mouse to ``fraction`` of its track, in several steps."""
    track = page.locator(f"{selector} input[type=range]")
    track.scroll_into_view_if_needed()
    box = track.bounding_box()
    assert box, f"slider {selector} is not visible"
    y = box["y"] + box["height"] / 2
    value = float(track.input_value())
    low = float(track.get_attribute("min"))
    high = float(track.get_attribute("max"))
    start_x = box["x"] + box["width"] * (value - low) / (high - low)
    page.mouse.move(start_x, y)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * fraction, y, steps=8)
    page.mouse.up()


def screenshot(page, name: str) -> None:
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT_DIR / name), full_page=True)


def test_english_views_respond(browser, app_url):
    context, page = open_app(browser, app_url, "en-US")
    try:
        assert page.get_by_role("tab", name="Noise and denoising").is_visible()
        assert page.get_by_text("Autoencoder lab", exact=True).is_visible()
        screenshot(page, "noise_en.png")

        noisy = image_source(page, "#noisy")
        drag_slider(page, "#noise-level", 0.8)
        wait_for_new_image(page, "#noisy", noisy)
        assert float(page.locator("#noise-level input[type=range]").input_value()) > 0.6

        page.get_by_role("tab", name="Error heatmap").click()
        page.locator("#heatmap img").wait_for()
        page.locator("#verdict").get_by_text("Looks like a normal MNIST digit").wait_for()
        screenshot(page, "heatmap_en.png")

        page.get_by_role("tab", name="Latent explorer").click()
        decoded = image_source(page, "#decoded")
        drag_slider(page, "#z1", 0.95)
        wait_for_new_image(page, "#decoded", decoded)
        screenshot(page, "latent_en.png")

        page.get_by_role("tab", name="Bottleneck size").click()
        page.locator("#bottleneck-autoencoder img").nth(5).wait_for()
        assert page.locator("#bottleneck-pca img").count() == 6
        screenshot(page, "bottleneck_en.png")

        model_input = image_source(page, "#model-input")
        latent_digit = image_source(page, "#latent-digit")
        draw_stroke(page)
        wait_for_new_image(page, "#model-input", model_input)
        wait_for_new_image(page, "#latent-digit", latent_digit)  # the views follow the drawing
        screenshot(page, "draw_en.png")
    finally:
        context.close()


def test_chinese_locale_translates_interface(browser, server_url, tmp_path):
    context, page = open_app(browser, server_url, "zh-CN")
    try:
        assert page.get_by_role("tab", name="加噪与去噪").is_visible()
        assert page.get_by_text("自编码器实验室", exact=True).is_visible()
        assert page.get_by_role("tab", name="Noise and denoising").count() == 0
        page.locator("#scores").get_by_text("去噪自编码器").wait_for()
        screenshot(page, "noise_zh.png")

        page.get_by_role("tab", name="误差热力图").click()
        page.locator("#verdict").get_by_text("看起来是正常的 MNIST 数字").wait_for()
        screenshot(page, "heatmap_zh.png")

        page.get_by_role("tab", name="潜空间探索").click()
        decoded = image_source(page, "#decoded")
        drag_slider(page, "#z2", 0.05)
        wait_for_new_image(page, "#decoded", decoded)
        screenshot(page, "latent_zh.png")

        page.get_by_role("tab", name="瓶颈大小").click()
        page.locator("#bottleneck-pca img").nth(5).wait_for()
        page.get_by_text("瓶颈应该多宽？").wait_for()
        screenshot(page, "bottleneck_zh.png")

        page.get_by_role("tab", name="原理").click()
        page.get_by_text("为什么瓶颈必须窄").wait_for()

        # A rejected upload: a Chinese message, and the digit the model saw stays on screen.
        not_an_image = tmp_path / "notes.png"
        not_an_image.write_text("not an image")
        previous_input = image_source(page, "#model-input")
        page.get_by_role("tab", name="上传").click()
        page.locator("#upload input[type=file]").set_input_files(str(not_an_image))
        page.locator(".toast-body").filter(has_text=ZH["error_not_an_image"]).wait_for()
        assert image_source(page, "#model-input") == previous_input
        playwright_api.expect(page.locator("#upload")).not_to_contain_text("notes")  # the rejected file is cleared
    finally:
        context.close()


def draw_stroke(page) -> None:
    """Open the Draw tab and draw one vertical stroke on the sketchpad."""
    page.get_by_role("tab", name="Draw").click()
    canvas = page.locator("#sketch canvas").first
    canvas.wait_for()
    page.wait_for_timeout(800)  # the tab's script selects the Brush after 300 ms
    box = canvas.bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.2)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.8, steps=12)
    page.mouse.up()


def test_same_sample_can_be_picked_again(browser, app_url):
    context, page = open_app(browser, app_url, "en-US")
    try:
        page.get_by_role("tab", name="Error heatmap").click()
        page.get_by_role("tab", name="Unusual inputs").click()
        sneaker = page.locator("#unusual-gallery").get_by_role("button", name="Thumbnail 1 of 8")
        model_input = image_source(page, "#model-input")
        sneaker.click()
        model_input = wait_for_new_image(page, "#model-input", model_input)
        page.locator("#verdict").get_by_text("Unusual input").wait_for()

        draw_stroke(page)
        model_input = wait_for_new_image(page, "#model-input", model_input)

        page.get_by_role("tab", name="Unusual inputs").click()
        sneaker.click()
        wait_for_new_image(page, "#model-input", model_input)
        page.locator("#verdict").get_by_text("Unusual input").wait_for()
    finally:
        context.close()


@pytest.mark.parametrize("width", [414, 600, 1400])
def test_sample_gallery_fits_screen_width(browser, server_url, width):
    context, page = open_app(browser, server_url, "en-US", width)
    try:
        scroll_width, client_width = page.evaluate(
            "(() => { const grid = document.querySelector('#mnist-gallery .grid-wrap');"
            " return [grid.scrollWidth, grid.clientWidth]; })()"
        )
    finally:
        context.close()
    assert scroll_width <= client_width, f"the sample gallery scrolls sideways at {width} px"


def read_image_url(url: str) -> np.ndarray:
    """Return the gray levels of a PNG data URL as integers."""
    return np.asarray(decode_data_url(url).convert("L"), np.int16)


def test_latent_sliders_decode_in_browser(browser, server_url, lab):
    context, page = open_app(browser, server_url, "en-US")
    try:
        page.get_by_role("tab", name="Latent explorer").click()
        page.wait_for_function("() => window.aeDemoDecoder !== undefined")
        # A slider's own reset would set the test-set mean without redrawing; the Reset button redraws.
        assert page.locator("#z1 button").count() == 0
        requests = []
        page.on("request", lambda request: requests.append(request.url))
        decoded = image_source(page, "#decoded")
        drag_slider(page, "#z3", 0.9)
        decoded = wait_for_new_image(page, "#decoded", decoded)
        page.wait_for_timeout(500)  # let any late update arrive before reading the sliders
        decoded = image_source(page, "#decoded")

        latent = [
            float(page.locator(f"#z{index + 1} input[type=range]").input_value()) for index in range(lab.latent_dim)
        ]
        expected = render.display_digit(lab.decode(np.asarray(latent))).astype(np.int16)
        assert np.abs(read_image_url(decoded) - expected).max() <= 1
        assert requests == [], f"dragging a latent slider sent requests: {requests}"
        assert page.locator("#latent-note").inner_text().strip() == ""
    finally:
        context.close()


def run_decoder_program(browser, program: dict, latent: list[float]) -> np.ndarray:
    """Decode ``latent`` with latent_decoder.js on a blank page; returns the float image."""
    page = browser.new_page()
    try:
        page.evaluate(f"({LATENT_DECODER_JS.read_text()})({json.dumps(program)})")
        values, height, width = page.evaluate(
            "(latent) => { const image = window.aeDemoDecoder.decode(latent);"
            " return [Array.from(image.values), image.height, image.width]; }",
            latent,
        )
    finally:
        page.close()
    return np.asarray(values, np.float32).reshape(height, width)


def test_browser_decoder_matches_torch_layers(browser):
    # Strides, paddings and sizes the shipped decoder does not use, with trained-looking batch norm statistics.
    torch.manual_seed(0)
    decoder = torch.nn.Sequential(
        torch.nn.Linear(3, 2 * 9 * 9),
        torch.nn.Unflatten(1, (2, 9, 9)),
        torch.nn.Conv2d(2, 3, 3, stride=2, padding=0),  # -> (3, 4, 4)
        torch.nn.BatchNorm2d(3),
        torch.nn.ReLU(),
        torch.nn.Sequential(torch.nn.ConvTranspose2d(3, 2, 3, stride=3, padding=1)),  # -> (2, 10, 10)
        torch.nn.Conv2d(2, 1, 5, stride=1, padding=2),
        torch.nn.Sigmoid(),
    )
    batch_norm = decoder[3]
    batch_norm.running_mean.uniform_(-1, 1)
    batch_norm.running_var.uniform_(0.5, 2)
    batch_norm.weight.data.uniform_(0.5, 2)
    batch_norm.bias.data.uniform_(-1, 1)
    decoder.eval()
    latent = [0.5, -1.25, 2.0]
    with torch.inference_mode():
        expected = decoder(torch.tensor([latent]))[0, 0].numpy()

    got = run_decoder_program(browser, decoder_program(decoder, 3), latent)

    assert got.shape == expected.shape == (10, 10)
    np.testing.assert_allclose(got, expected, atol=1e-5)


def test_bottleneck_view_follows_digit(browser, server_url):
    context, page = open_app(browser, server_url, "en-US")
    try:
        gallery = "#bottleneck-autoencoder"
        page.get_by_role("tab", name="Bottleneck size").click()
        page.locator(f"{gallery} img").nth(5).wait_for()
        autoencoder_image = image_source(page, gallery)

        # With the tab open, a new digit refreshes the view, in the same request.
        joins = []
        page.on("request", lambda request: joins.append(request.url) if "/queue/join" in request.url else None)
        page.locator("#mnist-gallery").get_by_role("button", name="Thumbnail 13 of 40").click()
        autoencoder_image = wait_for_new_image(page, gallery, autoencoder_image)
        page.wait_for_timeout(500)
        assert len(joins) == 1, f"a new digit sent {len(joins)} events"

        # With another tab open, the view waits until its tab opens again.
        page.get_by_role("tab", name="Noise and denoising").click()
        noisy = image_source(page, "#noisy")
        page.locator("#mnist-gallery").get_by_role("button", name="Thumbnail 25 of 40").click()
        wait_for_new_image(page, "#noisy", noisy)
        page.get_by_role("tab", name="Bottleneck size").click()
        page.locator(f"{gallery} img").nth(5).wait_for()
        wait_for_new_image(page, gallery, autoencoder_image)
        assert page.locator("#bottleneck-pca img").count() == 6
    finally:
        context.close()


def gallery_layout(page, selector: str) -> dict:
    """Measure a gallery: its label's bottom, its first thumbnail's top and the space below its thumbnails."""
    return page.evaluate(
        """(selector) => {
            const root = document.querySelector(selector);
            const label = root.querySelector('label.float').getBoundingClientRect();
            const thumbnail = root.querySelector('.thumbnail-item').getBoundingClientRect();
            const grid = root.querySelector('.grid-container').getBoundingClientRect();
            return {label_bottom: label.bottom, thumbnail_top: thumbnail.top,
                    space_below: root.getBoundingClientRect().bottom - grid.bottom};
        }""",
        selector,
    )


def test_gallery_labels_leave_thumbnails_visible(browser, server_url):
    context, page = open_app(browser, server_url, "en-US")
    try:
        page.get_by_role("tab", name="Bottleneck size").click()
        page.locator("#bottleneck-pca img").nth(5).wait_for()
        for selector in ("#mnist-gallery", "#bottleneck-autoencoder", "#bottleneck-pca"):
            layout = gallery_layout(page, selector)
            assert layout["thumbnail_top"] >= layout["label_bottom"], f"the label of {selector} covers thumbnails"
        for selector in ("#bottleneck-autoencoder", "#bottleneck-pca"):
            assert gallery_layout(page, selector)["space_below"] < 20, f"{selector} leaves empty space below its row"
        label = page.locator("#bottleneck-plot label").bounding_box()
        plot = page.locator("#bottleneck-plot img").bounding_box()
        assert plot["y"] >= label["y"] + label["height"], "the plot's label covers the plot"
    finally:
        context.close()


def test_drawing_again_after_clearing_canvas(browser, app_url):
    context, page = open_app(browser, app_url, "en-US")
    try:
        model_input = image_source(page, "#model-input")
        draw_stroke(page)
        model_input = wait_for_new_image(page, "#model-input", model_input)

        # Clearing the canvas deselects Gradio's Brush, and the app selects it again.
        page.locator('#sketch button[aria-label="Clear canvas"]').click()
        page.wait_for_timeout(800)
        canvas = page.locator("#sketch canvas").first
        box = canvas.bounding_box()
        page.mouse.move(box["x"] + box["width"] * 0.42, box["y"] + box["height"] * 0.5)
        page.mouse.down()
        page.mouse.move(box["x"] + box["width"] * 0.58, box["y"] + box["height"] * 0.5, steps=12)
        page.mouse.up()
        wait_for_new_image(page, "#model-input", model_input)
    finally:
        context.close()


def test_phone_screen_fits_views(browser, server_url):
    context, page = open_app(browser, server_url, "en-US", width=414)
    try:
        # On a phone, most view tabs are in Gradio's overflow menu, so press the menu's button for each.
        open_tab = (
            "(name) => { const all = [...document.querySelectorAll('button')]"
            ".filter(b => b.textContent.trim() === name); all.at(-1).click(); }"
        )
        page.evaluate(open_tab, "Error heatmap")
        page.locator("#distribution img").wait_for()
        assert page.locator("#distribution img").bounding_box()["width"] > 300, "the error histogram is squeezed"
        page.evaluate(open_tab, "Bottleneck size")
        page.locator("#bottleneck-pca img").nth(5).wait_for()
        for selector in ("#bottleneck-autoencoder", "#bottleneck-pca"):
            scroll_width, client_width = page.evaluate(
                "(selector) => { const grid = document.querySelector(selector + ' .grid-wrap');"
                " return [grid.scrollWidth, grid.clientWidth]; }",
                selector,
            )
            assert scroll_width <= client_width, f"{selector} scrolls sideways on a phone"
    finally:
        context.close()


def test_quick_sample_clicks_show_last(browser, app_url, samples):
    mnist = [sample for sample in samples if sample.group == "mnist"]
    context, page = open_app(browser, app_url, "en-US")
    try:
        # The costliest view is open, so each click's event takes longest.
        page.get_by_role("tab", name="Bottleneck size").click()
        page.locator("#bottleneck-autoencoder img").nth(5).wait_for()
        for clicks in ([3, 9, 14, 22, 30], [5, 11, 2, 17, 26], [8, 33, 1, 19, 7], [12, 4, 28, 15, 36]):
            for position in clicks:  # as fast as Playwright clicks, with no pause
                page.locator("#mnist-gallery").get_by_role("button", name=f"Thumbnail {position} of 40").click()
            last = png_data_url(render.display_digit(mnist[clicks[-1] - 1].load()))
            page.wait_for_function(
                "(expected) => document.querySelector('#model-input img')?.getAttribute('src') === expected",
                arg=last,
            )
            page.wait_for_timeout(1500)  # events still running must not replace the last digit
            assert image_source(page, "#model-input") == last, f"clicks {clicks}: an earlier digit is shown"
    finally:
        context.close()
