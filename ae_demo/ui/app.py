"""Assemble the Gradio Blocks: a shared input panel above four tabs of views."""

from __future__ import annotations

import functools
import itertools
import json
import os
import threading
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path

import gradio as gr
import numpy as np
from gradio.data_classes import GradioModel, GradioRootModel
from gradio.utils import is_prop_update

from ae_demo import render
from ae_demo.lab import DEFAULT_THRESHOLD_PERCENTILE, THRESHOLD_RANGE, Lab
from ae_demo.model import BOTTLENECK_SIZES
from ae_demo.noise import NOISE_KINDS
from ae_demo.samples import SAMPLES_DIR, load_manifest
from ae_demo.ui.handlers import ERROR_MODES, LATENT_DECIMALS, Handlers
from ae_demo.ui.inline_image import InlineGallery, InlineImage
from ae_demo.ui.translations import EN, ZH
from ae_demo.ui.worker_pool import HandlerPool
from ae_demo.web_decoder import decoder_program

TITLE = "Autoencoder lab · 自编码器实验室"  # the browser tab shows this raw, so it is bilingual
DISPLAY_HEIGHT = 240  # px for each 28×28 digit shown
# px: room for five rows of eight MNIST thumbnails on a laptop screen, below the gallery's label
GALLERY_HEIGHT = 594
DEFAULT_NOISE_LEVEL = 0.3
MAX_UPLOAD_SIZE = "10mb"
# Gradio's default buttons include Share, which works only on a Hugging Face Space.
IMAGE_BUTTONS = ["download", "fullscreen"]
# Output images travel inline (InlineImage, InlineGallery), so only uploads are written to
# Gradio's cache. Every 5 minutes, uploads older than 10 minutes are deleted.
CACHE_CLEANUP = (300, 600)
# Gradio's queue keeps its last 10,000 events and, after every event, summarises them in a
# pandas table for the monitoring dashboard. This app turns the dashboard off
# (enable_monitoring=False), so keep 100 events and never summarise them.
QUEUE_ANALYTICS_SETTINGS = {"GRADIO_ANALYTICS_MAX_EVENTS": "100", "GRADIO_ANALYTICS_CACHE_FREQUENCY": str(10**9)}
# With status_update_rate="auto", every event that starts sends a queue-position message to
# every waiting event, so the messages grow with the square of the queue. Here they go once a second.
QUEUE_SETTINGS = {"default_concurrency_limit": 4, "max_size": 200, "status_update_rate": 1.0}
LATENT_DECODER_JS = Path(__file__).with_name("latent_decoder.js")
SKETCH_CANVAS = (280, 280)
SKETCH_BRUSH_SIZE = 22
# The sketchpad ignores strokes until its Brush tool is chosen; choose it when the Draw tab opens.
SELECT_BRUSH_JS = "() => setTimeout(() => document.querySelector('#sketch button[aria-label=\"Brush\"]')?.click(), 300)"
CSS = """
.pixelated img { image-rendering: pixelated; }
/* Gradio draws a gallery's label over the gallery's top edge: start the thumbnails below it. */
.ae-gallery .grid-wrap { padding-top: 34px; }
/* Gradio gives a gallery of height "auto" a 450 px minimum: fit the one row of bottleneck digits instead. */
.ae-one-row-gallery .grid-wrap.fixed-height { min-height: 0 !important; height: auto !important; }
/* Plots fill their box, so their label would cover the top of the plot. */
.ae-plot .image-container { padding-top: 30px; }
/* On narrow screens, fewer sample columns than eight, so the gallery does not scroll sideways. */
@media (max-width: 640px) { #mnist-gallery .grid-container { --grid-cols: 4 !important; } }
@media (max-width: 480px) { #mnist-gallery .grid-container { --grid-cols: 3 !important; } }
/* On narrow screens, the bottleneck digits wrap into rows wide enough for their captions, and a plot's
   label, now on several lines, gets more room. */
@media (max-width: 640px) { .ae-one-row-gallery .grid-container { --grid-cols: 3 !important; } }
@media (max-width: 480px) { .ae-one-row-gallery .grid-container { --grid-cols: 2 !important; } }
@media (max-width: 640px) { .ae-plot .image-container { padding-top: 60px; } }
.ae-colorbar { max-width: 320px; margin: 4px auto; font-size: 0.85em; }
.ae-colorbar-bar { height: 16px; border-radius: 3px; border: 1px solid var(--border-color-primary); }
.ae-colorbar-ticks { display: flex; justify-content: space-between; }
.ae-colorbar-symbol { text-align: center; font-style: italic; }
"""

i18n = gr.I18n(en=EN, zh=ZH, **{"zh-CN": ZH})


def postprocessed(fn: Callable, outputs: list[gr.components.Component]) -> Callable:
    """Wrap an event handler so that it returns its outputs postprocessed, ready to send.

    Gradio postprocesses each output of an event in a worker thread of its own, one thread
    hop per output, and a new digit's event has over thirty outputs. The events built here
    pass ``postprocess=False``, and this wrapper runs each component's ``postprocess`` in the
    handler's thread instead. The tuning row "outputs postprocessed in the handler" in
    reports/tuning.json measures the gain. ``functools.wraps`` keeps the signature Gradio
    reads to pass ``gr.Request`` and ``gr.SelectData``.
    """

    @functools.wraps(fn)
    def handler(*args: object, **kwargs: object) -> list:
        values = fn(*args, **kwargs)
        values = [values] if len(outputs) == 1 else values
        return [_ready_to_send(component, value) for component, value in zip(outputs, values, strict=True)]

    return handler


class NewestEvent:
    """Per session, the number of the newest event of a kind, so that an older one that ends later changes nothing.

    Thumbnail clicks each send an event (trigger mode "multiple"), and with several running at
    once the last to end would otherwise set the digit, not the last clicked.
    """

    def __init__(self, max_sessions: int = 10_000) -> None:
        self.max_sessions = max_sessions
        self._newest: OrderedDict[str, int] = OrderedDict()
        self._numbers = itertools.count()
        self._lock = threading.Lock()

    def wrap(self, fn: Callable) -> Callable:
        """Wrap ``fn``, which takes a ``gr.Request``, so that it fails without a message if a newer call started."""

        @functools.wraps(fn)
        def newest_only(*args: object, **kwargs: object) -> object:
            request = next((value for value in (*args, *kwargs.values()) if isinstance(value, gr.Request)), None)
            session = getattr(request, "session_hash", None)
            if session is None:
                return fn(*args, **kwargs)
            with self._lock:
                number = next(self._numbers)
                self._newest[session] = number
                self._newest.move_to_end(session)
                if len(self._newest) > self.max_sessions:
                    self._newest.popitem(last=False)

            values = fn(*args, **kwargs)

            with self._lock:
                superseded = self._newest.get(session, number) != number
            if superseded:
                # An invisible error leaves every output as the newer event sets it.
                raise gr.Error("superseded by a newer click", visible=False, print_exception=False)
            return values

        return newest_only


def _ready_to_send(component: gr.components.Component, value: object) -> object:
    if isinstance(component, gr.State) or is_prop_update(value):
        return value  # Gradio keeps states and applies updates itself
    value = component.postprocess(value)
    return value.model_dump() if isinstance(value, (GradioModel, GradioRootModel)) else value


def browser_decoder_js(lab: Lab) -> str:
    """JavaScript for the page's load event: set up ``window.aeDemoDecoder`` with the lab's decoder."""
    program = decoder_program(lab.autoencoder.decoder, lab.latent_dim)
    return f"() => {{ ({LATENT_DECODER_JS.read_text()})({json.dumps(program)}); }}"


def _digit_image(key: str, elem_id: str, value: np.ndarray | None = None) -> InlineImage:
    """Create an output image that shows a 28×28 digit large (InlineImage sends PNG, so its pixels stay exact)."""
    return InlineImage(
        value,
        label=i18n(key),
        interactive=False,
        height=DISPLAY_HEIGHT,
        elem_id=elem_id,
        elem_classes="pixelated",
        buttons=IMAGE_BUTTONS,
    )


def _plot_image(key: str, elem_id: str, **layout: object) -> InlineImage:
    """Create an output image for a plot, with the same buttons as the digits."""
    return InlineImage(
        label=i18n(key), interactive=False, elem_id=elem_id, elem_classes="ae-plot", buttons=IMAGE_BUTTONS, **layout
    )


def _digit_gallery(key: str, elem_id: str) -> InlineGallery:
    """Create a one-row output gallery of enlarged digits, one per bottleneck size."""
    return InlineGallery(
        label=i18n(key),
        columns=len(BOTTLENECK_SIZES),
        rows=1,
        height="auto",
        allow_preview=False,
        object_fit="contain",
        interactive=False,
        buttons=[],
        elem_id=elem_id,
        elem_classes=["pixelated", "ae-gallery", "ae-one-row-gallery"],
    )


def build_demo(
    lab: Lab | None = None, cache_cleanup: tuple[int, int] = CACHE_CLEANUP, pool: HandlerPool | None = None
) -> gr.Blocks:
    """Build the interface around ``lab`` (by default the shipped models).

    ``cache_cleanup`` is Gradio's ``delete_cache``: every first-number seconds, delete
    the uploaded files older than second-number seconds. With ``pool``, the events run
    in its worker processes once they are ready (the workers load the shipped models).
    """
    lab = lab or Lab.load()
    samples = load_manifest()
    handlers = Handlers(lab, samples)
    events = handlers.events()
    mnist_indices = handlers.sample_indices("mnist")
    unusual_indices = handlers.sample_indices("unusual")

    def event(name: str, outputs: list[gr.components.Component]) -> Callable:
        """Return the function for event ``name``, run in the pool's workers when there is a pool, postprocessed."""
        handler = pool.offload(name, events[name], outputs) if pool else events[name]
        return postprocessed(handler, outputs)

    mnist_items = [(str(samples[index].path()), samples[index].caption) for index in mnist_indices]
    unusual_items = [(str(samples[index].path()), samples[index].caption) for index in unusual_indices]
    first_digit = handlers.sample_digits[0]

    with gr.Blocks(title=TITLE, delete_cache=cache_cleanup) as demo:
        digit_state = gr.State(first_digit)
        # Only API clients write this index: the "sample" endpoint loads that manifest entry.
        sample_index = gr.Number(visible=False, precision=0)

        gr.Markdown(i18n("title"))
        gr.Markdown(i18n("intro"))

        # Input panel, shared by every view
        with gr.Row(equal_height=False):
            with gr.Column(scale=3):
                gr.Markdown(i18n("input_heading"))
                with gr.Tabs():
                    with gr.Tab(i18n("tab_samples"), id="samples"):
                        mnist_gallery = gr.Gallery(
                            mnist_items,
                            label=i18n("samples_label"),
                            columns=8,
                            height=GALLERY_HEIGHT,
                            allow_preview=False,
                            object_fit="contain",
                            elem_id="mnist-gallery",
                            elem_classes=["pixelated", "ae-gallery"],
                            interactive=False,
                            buttons=[],
                        )
                    with gr.Tab(i18n("tab_unusual"), id="unusual"):
                        unusual_gallery = gr.Gallery(
                            unusual_items,
                            label=i18n("unusual_label"),
                            columns=4,  # two rows of larger thumbnails, so the captions fit
                            height="auto",
                            allow_preview=False,
                            object_fit="contain",
                            elem_id="unusual-gallery",
                            elem_classes=["pixelated", "ae-gallery"],
                            interactive=False,
                            buttons=[],
                        )
                    with gr.Tab(i18n("tab_draw"), id="draw") as draw_tab:
                        sketchpad = gr.Sketchpad(
                            label=i18n("sketch_label"),
                            type="numpy",
                            image_mode="RGB",
                            canvas_size=SKETCH_CANVAS,
                            fixed_canvas=True,
                            layers=False,
                            brush=gr.Brush(default_size=SKETCH_BRUSH_SIZE, colors=["#000000"], color_mode="fixed"),
                            elem_id="sketch",
                        )
                        use_drawing_button = gr.Button(i18n("use_drawing_button"), variant="primary")
                    with gr.Tab(i18n("tab_upload"), id="upload"):
                        # No file_types filter: Gradio's own rejection message would be English only,
                        # while the handler rejects non-images in the user's language.
                        upload_file = gr.File(label=i18n("upload_label"), type="filepath", elem_id="upload")
            with gr.Column(scale=1, min_width=240):
                model_input_image = _digit_image("model_input_label", "model-input", render.display_digit(first_digit))
                gr.Markdown(i18n("preprocess_note"))

        # Views
        # True while the Bottleneck size tab is open: only then does a new digit refresh that view,
        # the most costly one. The browser sets it when a tab opens, with no request.
        bottleneck_open = gr.Checkbox(False, visible=False)
        with gr.Tabs():
            with gr.Tab(i18n("tab_noise"), id="noise") as noise_tab:
                with gr.Row():
                    noise_kind_radio = gr.Radio(
                        [(i18n(f"noise_{kind}"), kind) for kind in NOISE_KINDS],
                        value=NOISE_KINDS[0],
                        label=i18n("noise_kind_label"),
                        elem_id="noise-kind",
                    )
                    noise_slider = gr.Slider(
                        0.0,
                        1.0,
                        value=DEFAULT_NOISE_LEVEL,
                        step=0.01,
                        label=i18n("noise_level_label"),
                        info=i18n("noise_level_info"),
                        elem_id="noise-level",
                    )
                    seed_number = gr.Number(
                        0, precision=0, minimum=0, label=i18n("seed_label"), info=i18n("seed_info"), elem_id="seed"
                    )
                with gr.Row():
                    clean_image = _digit_image("clean_label", "clean")
                    noisy_image = _digit_image("noisy_label", "noisy")
                    autoencoder_image = _digit_image("autoencoder_output_label", "autoencoder-output")
                    denoiser_image = _digit_image("denoiser_output_label", "denoiser-output")
                gr.Markdown(i18n("scores_heading"))
                scores_markdown = gr.Markdown(elem_id="scores")
                gr.Markdown(i18n("noise_explainer"))

            with gr.Tab(i18n("tab_heatmap"), id="heatmap") as heatmap_tab:
                with gr.Row():
                    error_mode_radio = gr.Radio(
                        [(i18n(f"mode_{mode}"), mode) for mode in ERROR_MODES],
                        value=ERROR_MODES[0],
                        label=i18n("error_mode_label"),
                        elem_id="error-mode",
                    )
                    overlay_checkbox = gr.Checkbox(False, label=i18n("overlay_label"), elem_id="overlay")
                    threshold_slider = gr.Slider(
                        *THRESHOLD_RANGE,
                        value=DEFAULT_THRESHOLD_PERCENTILE,
                        step=0.1,
                        label=i18n("threshold_label"),
                        info=i18n("threshold_info"),
                        elem_id="threshold",
                    )
                with gr.Row():
                    heatmap_input_image = _digit_image("input_label", "heatmap-input")
                    reconstruction_image = _digit_image("reconstruction_label", "reconstruction")
                    with gr.Column():
                        heatmap_image = _digit_image("heatmap_label", "heatmap")
                        colorbar = gr.HTML(elem_id="colorbar")
                with gr.Row():
                    # Minimum widths let the verdict go below the plot on a phone, not squeeze it.
                    distribution_image = _plot_image("distribution_label", "distribution", min_width=360)
                    verdict_markdown = gr.Markdown(elem_id="verdict", min_width=240)
                gr.Markdown(i18n("heatmap_explainer"))

            with gr.Tab(i18n("tab_latent"), id="latent") as latent_tab:
                with gr.Row():
                    with gr.Column(scale=2):
                        gr.Markdown(i18n("latent_sliders_label"))
                        latent_sliders: list[gr.Slider] = [None] * lab.latent_dim
                        with gr.Row():
                            for column in range(2):
                                with gr.Column(min_width=200):
                                    for index in range(column, lab.latent_dim, 2):  # z1, z3, … left; z2, z4, … right
                                        latent_sliders[index] = gr.Slider(
                                            float(lab.latent_low[index]),
                                            float(lab.latent_high[index]),
                                            value=round(float(lab.latent_mean[index]), LATENT_DECIMALS),
                                            step=10**-LATENT_DECIMALS,
                                            label=f"z{index + 1}",
                                            elem_id=f"z{index + 1}",
                                            # A slider's own reset would go to the test-set mean without
                                            # redrawing; the Reset button below returns to the digit's encoding.
                                            buttons=[],
                                        )
                    with gr.Column(scale=1, min_width=240):
                        decoded_image = _digit_image("decoded_label", "decoded")
                        latent_digit_image = _digit_image("latent_digit_label", "latent-digit")
                        with gr.Row():
                            reset_button = gr.Button(i18n("reset_button"), elem_id="reset-latent")
                            random_button = gr.Button(i18n("random_button"), elem_id="random-latent")
                        latent_note = gr.Markdown(elem_id="latent-note")
                        decode_api_button = gr.Button(visible=False)
                gr.Markdown(i18n("latent_explainer"))

            with gr.Tab(i18n("tab_bottleneck"), id="bottleneck") as bottleneck_tab:
                bottleneck_autoencoder_gallery = _digit_gallery(
                    "bottleneck_autoencoder_label", "bottleneck-autoencoder"
                )
                bottleneck_pca_gallery = _digit_gallery("bottleneck_pca_label", "bottleneck-pca")
                bottleneck_plot_image = _plot_image("bottleneck_plot_label", "bottleneck-plot")
                gr.Markdown(i18n("bottleneck_explainer"))

            with gr.Tab(i18n("tab_ideas"), id="ideas") as ideas_tab:
                gr.Markdown(i18n("ideas_body"), latex_delimiters=[])

        # Events
        noise_inputs = [digit_state, noise_kind_radio, noise_slider, seed_number]
        noise_outputs = [clean_image, noisy_image, autoencoder_image, denoiser_image, scores_markdown]
        heatmap_inputs = [digit_state, error_mode_radio, overlay_checkbox, threshold_slider]
        heatmap_outputs = [
            heatmap_input_image,
            reconstruction_image,
            heatmap_image,
            colorbar,
            distribution_image,
            verdict_markdown,
        ]
        latent_outputs = [*latent_sliders, decoded_image, latent_digit_image, latent_note]
        bottleneck_outputs = [bottleneck_autoencoder_gallery, bottleneck_pca_gallery, bottleneck_plot_image]
        view_settings = [
            noise_kind_radio,
            noise_slider,
            seed_number,
            error_mode_radio,
            overlay_checkbox,
            threshold_slider,
            bottleneck_open,
        ]
        all_outputs = [*noise_outputs, *heatmap_outputs, *latent_outputs, *bottleneck_outputs]
        # A new digit's event also computes its views, so the browser waits for one round trip.
        new_digit = [digit_state, model_input_image, *all_outputs]

        # Hidden progress also keeps a rejected input from replacing the shown digit with an
        # error badge: the error appears as a message, and the previous digit stays. Every
        # view takes well under 0.1 s, so spinners would only flicker.
        quiet = {"show_progress": "hidden"}
        ready = {"postprocess": False}  # with handlers wrapped by postprocessed()

        # Every thumbnail click sends its event: the default trigger mode, "once", drops clicks while
        # one runs, and "always_last" repeats an earlier click's selection data in Gradio 6.31. The
        # newest click per session wins, whichever event ends last.
        newest_click = NewestEvent()
        for gallery, name in ((mnist_gallery, "select_mnist"), (unusual_gallery, "select_unusual")):
            gallery.select(
                newest_click.wrap(event(name, new_digit)),
                view_settings,
                new_digit,
                trigger_mode="multiple",
                api_visibility="private",
                **quiet,
                **ready,
            )
        sample_index.change(
            event("sample", new_digit),
            [sample_index, *view_settings],
            new_digit,
            api_name="sample",
            **quiet,
            **ready,
        )
        use_drawing_button.click(
            event("sketch", new_digit),
            [sketchpad, *view_settings],
            new_digit,
            api_name="sketch",
            **quiet,
            **ready,
        )
        sketchpad.change(
            event("follow_sketch", new_digit),
            [sketchpad, *view_settings],
            new_digit,
            trigger_mode="always_last",
            api_visibility="private",
            **quiet,
            **ready,
        )
        draw_tab.select(None, None, None, js=SELECT_BRUSH_JS)
        # Clearing the canvas also deselects the Brush, which would leave the next strokes ignored.
        sketchpad.clear(None, None, None, js=SELECT_BRUSH_JS)
        upload_event = upload_file.upload(
            event("upload", new_digit),
            [upload_file, *view_settings],
            new_digit,
            api_name="upload",
            **quiet,
            **ready,
        )
        # Clear a rejected file from the upload box, so that it does not look like the current input.
        upload_event.failure(None, None, upload_file, js="() => null")

        noise_slider.input(
            event("noise", noise_outputs),
            noise_inputs,
            noise_outputs,
            trigger_mode="always_last",
            api_name="noise",
            **quiet,
            **ready,
        )
        gr.on(
            [noise_kind_radio.change, seed_number.change, noise_slider.release],
            event("noise", noise_outputs),
            noise_inputs,
            noise_outputs,
            api_visibility="private",
            **quiet,
            **ready,
        )
        gr.on(
            [error_mode_radio.change, overlay_checkbox.change, threshold_slider.release, threshold_slider.input],
            event("heatmap", heatmap_outputs),
            heatmap_inputs,
            heatmap_outputs,
            api_name="heatmap",
            **quiet,
            **ready,
        )
        # The browser decodes the sliders itself (latent_decoder.js), so a drag sends nothing to the
        # server, however busy it is. API clients decode on the server through the hidden button's event.
        demo.load(None, None, None, js=browser_decoder_js(lab))
        gr.on(
            [slider.input for slider in latent_sliders],
            None,
            latent_sliders,
            [decoded_image, latent_note],
            js="(...latent) => window.aeDemoDecoder.sliderOutputs(latent)",
            trigger_mode="always_last",
            show_progress="hidden",
        )
        decode_outputs = [decoded_image, latent_note]
        decode_api_button.click(
            event("decode", decode_outputs),
            latent_sliders,
            decode_outputs,
            api_name="decode",
            **quiet,
            **ready,
        )
        reset_button.click(
            event("reset_latent", latent_outputs),
            digit_state,
            latent_outputs,
            api_name="reset_latent",
            **ready,
        )
        random_outputs = [*latent_sliders, decoded_image, latent_note]
        random_button.click(
            event("random_latent", random_outputs),
            None,
            random_outputs,
            api_name="random_latent",
            **ready,
        )
        demo.load(
            event("refresh_views", all_outputs),
            [digit_state, *view_settings],
            all_outputs,
            api_name="refresh_views",
            **quiet,
            **ready,
        )
        for tab in (noise_tab, heatmap_tab, latent_tab, ideas_tab):
            tab.select(None, None, bottleneck_open, js="() => false")
        bottleneck_tab.select(None, None, bottleneck_open, js="() => true")
        bottleneck_tab.select(
            event("bottlenecks", bottleneck_outputs),
            digit_state,
            bottleneck_outputs,
            api_name="bottlenecks",
            **ready,
        )

    # NOTE: students who act in the same instant, as when a whole class draws at once, wait for the
    # events queued before theirs. In reports/benchmark.md, 50 such students saw a p95 above 250 ms
    # ("starting together"), while 50 students acting at random moments saw 57 ms.
    for name, value in QUEUE_ANALYTICS_SETTINGS.items():
        os.environ.setdefault(name, value)  # read when the queue below is created
    demo.queue(**QUEUE_SETTINGS)
    return demo


def launch_options() -> dict:
    """Keyword arguments for ``demo.launch`` shared by app.py and the tests."""
    return {
        "i18n": i18n,
        "css": CSS,
        "max_file_size": MAX_UPLOAD_SIZE,
        "enable_monitoring": False,
        "run_history": False,
        "allowed_paths": [str(SAMPLES_DIR)],
    }
