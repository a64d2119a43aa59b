"""Event handlers: validate the request, call ``Lab``, format the results for the components.

Handlers raise ``gr.Error`` with a message in the user's language for bad input,
so a failed event leaves every output as it was.
"""

from __future__ import annotations

import logging
import math
import secrets
from collections.abc import Callable
from typing import Any

import gradio as gr
import numpy as np

from ae_demo import render
from ae_demo.lab import DEFAULT_THRESHOLD_PERCENTILE, THRESHOLD_RANGE, Lab, as_digit
from ae_demo.noise import NOISE_KINDS
from ae_demo.preprocess import InputError, image_file_to_digit, sketch_to_digit
from ae_demo.samples import Sample
from ae_demo.ui.translations import language_from_header, translate

logger = logging.getLogger(__name__)

ERROR_MODES = ("absolute", "signed")
LATENT_DECIMALS = 2  # the latent sliders move in steps of 0.01
COLORBAR_TICKS = 5


def request_language(request: gr.Request | None) -> str:
    """Return the request's language, "en" or "zh", from its Accept-Language header."""
    headers = getattr(request, "headers", None)
    return language_from_header(headers.get("accept-language") if headers else None)


def user_error(key: str, language: str, **params: object) -> gr.Error:
    """Build a gr.Error for bad input, worded in the user's language, that logs no traceback."""
    return gr.Error(translate(f"error_{key}", language, **params), print_exception=False)


def input_error(error: InputError, language: str) -> gr.Error:
    return user_error(error.key, language, **error.params)


def colorbar_html(signed: bool) -> str:
    """Build a horizontal colour scale with tick values that matches ``render.error_heatmap``."""
    stops = render.colorbar_stops(signed)
    gradient = ", ".join(f"{colour} {index * 100 / (len(stops) - 1):.0f}%" for index, (_, colour) in enumerate(stops))
    ticks = np.linspace(stops[0][0], stops[-1][0], COLORBAR_TICKS)
    tick_html = "".join(f"<span>{tick:g}</span>" for tick in ticks)
    symbol = "x̂ − x" if signed else "|x − x̂|"
    bar = f'<div class="ae-colorbar-bar" style="background: linear-gradient(to right, {gradient})"></div>'
    return (
        f'<div class="ae-colorbar">{bar}<div class="ae-colorbar-ticks">{tick_html}</div>'
        f'<div class="ae-colorbar-symbol">{symbol}</div></div>'
    )


def rank_text(percentile: float, language: str) -> str:
    """Describe where an error falls among the MNIST test digits' errors.

    The percentage is rounded down, so that 99.97 % does not read 100 %.
    """
    if percentile >= 100.0:
        return translate("rank_all", language)
    return translate("rank_percent", language, percentile=f"{math.floor(percentile * 10) / 10:.1f}%")


class Handlers:
    """The functions the interface's events call, bound to one ``Lab`` and the shipped samples."""

    def __init__(self, lab: Lab, samples: list[Sample]) -> None:
        self.lab = lab
        self.samples = samples
        self.sample_digits = [sample.load() for sample in samples]
        # The plots' axes and test-set parts are drawn once here; events only add markers.
        self.distribution_canvas = render.error_distribution_canvas(lab.error_quantiles)
        self.bottleneck_canvas = render.bottleneck_canvas(lab.mse_curve, list(lab.bottleneck_models))

    def sample_indices(self, group: str) -> list[int]:
        """Manifest positions of the shipped samples in ``group`` ("mnist" or "unusual"), in manifest order."""
        return [index for index, sample in enumerate(self.samples) if sample.group == group]

    def events(self) -> dict[str, Callable[..., Any]]:
        """Return the functions the interface's events call, by event name.

        A worker process (ae_demo/ui/worker_pool.py) builds its own ``Handlers`` and finds
        the same function under the same name.
        """
        return {
            "select_mnist": self.select_sample(self.sample_indices("mnist")),
            "select_unusual": self.select_sample(self.sample_indices("unusual")),
            "sample": self.with_views(self.load_sample),
            "sketch": self.with_views(self.load_sketch),
            "follow_sketch": self.with_views(self.follow_sketch),
            "upload": self.with_views(self.load_upload),
            "noise": self.show_noise,
            "heatmap": self.show_heatmap,
            "decode": self.decode_latent,
            "reset_latent": self.reset_latent,
            "random_latent": self.random_latent,
            "refresh_views": self.show_all,
            "bottlenecks": self.show_bottlenecks,
        }

    # Input: every source returns (digit, display image of the model's input). The events use
    # them through ``with_views``, so that one request brings the new digit and its views.

    def with_views(self, load: Callable[[Any, gr.Request], tuple[np.ndarray, np.ndarray]]) -> Callable[..., list]:
        """Make a handler that reads a new digit with ``load`` and computes its views in the same event.

        The handler takes the input, then the view settings of ``show_all``, and returns the
        digit, its display image and ``show_all``'s outputs.
        """

        def loaded(
            source: Any,
            kind: str,
            level: float,
            seed: float | None,
            mode: str,
            overlay: bool,
            threshold: float,
            bottleneck_open: bool,
            request: gr.Request,
        ) -> list:
            digit, model_input = load(source, request)
            views = self.show_all(digit, kind, level, seed, mode, overlay, threshold, bottleneck_open, request)
            return [digit, model_input, *views]

        return loaded

    def load_sample(self, index: float | None, request: gr.Request) -> tuple[np.ndarray, np.ndarray]:
        language = request_language(request)
        if index is None or not float(index).is_integer() or not 0 <= int(index) < len(self.samples):
            raise user_error("no_sample", language)
        digit = self.sample_digits[int(index)]
        return digit, render.display_digit(digit)

    def select_sample(self, manifest_indices: list[int]) -> Callable[..., list]:
        """Make a gallery's select handler: the clicked thumbnail's position picks from ``manifest_indices``.

        Like a ``with_views`` handler, it takes the view settings and returns the views too.
        """
        load = self.with_views(self.load_sample)

        def selected(
            evt: gr.SelectData,
            kind: str,
            level: float,
            seed: float | None,
            mode: str,
            overlay: bool,
            threshold: float,
            bottleneck_open: bool,
            request: gr.Request,
        ) -> list:
            index = manifest_indices[evt.index]
            return load(index, kind, level, seed, mode, overlay, threshold, bottleneck_open, request)

        return selected

    def load_sketch(self, sketch: dict | None, request: gr.Request) -> tuple[np.ndarray, np.ndarray]:
        language = request_language(request)
        try:
            digit = sketch_to_digit(sketch)
        except InputError as error:
            raise input_error(error, language) from error
        except Exception as error:
            logger.exception("failed to read a sketch")
            raise user_error("unexpected", language) from error
        return digit, render.display_digit(digit)

    def follow_sketch(self, sketch: dict | None, request: gr.Request) -> tuple[np.ndarray, np.ndarray]:
        """Like ``load_sketch`` while the user draws, but an empty or cleared canvas changes nothing."""
        try:
            digit = sketch_to_digit(sketch)
        except InputError:
            # An invisible error leaves every output as it was, without a message.
            raise gr.Error("empty sketch", visible=False, print_exception=False) from None
        return digit, render.display_digit(digit)

    def load_upload(self, path: str | None, request: gr.Request) -> tuple[np.ndarray, np.ndarray]:
        language = request_language(request)
        if not path:
            raise user_error("no_upload", language)
        try:
            digit = image_file_to_digit(path)
        except InputError as error:
            logger.info("rejected upload %s: %s", path, error)
            raise input_error(error, language) from error
        except Exception as error:
            logger.exception("failed to read upload %s", path)
            raise user_error("unexpected", language) from error
        return digit, render.display_digit(digit)

    # Views

    def show_noise(
        self, digit: np.ndarray, kind: str, level: float, seed: float | None, request: gr.Request
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, str]:
        language = request_language(request)
        kind = kind if kind in NOISE_KINDS else NOISE_KINDS[0]
        level = float(np.clip(level or 0.0, 0.0, 1.0))
        seed = int(seed or 0) % 2**32

        comparison = self.lab.compare_noise(as_digit(digit), kind, level, seed)

        names = {
            "noisy": translate("noisy_label", language),
            "autoencoder": translate("autoencoder_output_label", language),
            "denoiser": translate("denoiser_output_label", language),
        }
        values = {}
        for name, score in comparison.scores.items():
            values[f"{name}_psnr"] = f"{score.psnr:.1f}"
            values[f"{name}_ssim"] = f"{score.ssim:.3f}"
        table = translate("score_table", language, **names, **values)
        return (
            render.display_digit(comparison.clean),
            render.display_digit(comparison.noisy),
            render.display_digit(comparison.autoencoder),
            render.display_digit(comparison.denoiser),
            table,
        )

    def show_heatmap(
        self, digit: np.ndarray, mode: str, overlay: bool, threshold: float, request: gr.Request
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, str, np.ndarray, str]:
        language = request_language(request)
        signed = mode == "signed"
        threshold = DEFAULT_THRESHOLD_PERCENTILE if threshold is None else float(np.clip(threshold, *THRESHOLD_RANGE))
        digit = as_digit(digit)

        analysis = self.lab.analyse_error(digit, threshold)

        heatmap = render.error_heatmap(analysis.error, signed, digit if overlay else None)
        distribution = render.error_distribution_plot(self.distribution_canvas, analysis.mse, analysis.threshold_mse)
        verdict = translate(
            "verdict_unusual" if analysis.unusual else "verdict_normal",
            language,
            mse=f"{analysis.mse:.4f}",
            rank=rank_text(analysis.percentile, language),
            threshold_percentile=f"{threshold:g}",
            threshold=f"{analysis.threshold_mse:.4f}",
        )
        return (
            render.display_digit(digit),
            render.display_digit(analysis.reconstruction),
            heatmap,
            colorbar_html(signed),
            distribution,
            verdict,
        )

    def reset_latent(self, digit: np.ndarray, request: gr.Request) -> list:
        """Set the sliders to the digit's encoding: returns the slider values, decoded image, digit and a note."""
        language = request_language(request)
        digit = as_digit(digit)
        latent = self.lab.encode(digit)
        clipped = self.lab.clip_latent(latent)
        note = translate("latent_clipped", language) if not np.allclose(latent, clipped) else ""
        decoded = render.display_digit(self.lab.decode(clipped))
        return [*np.round(clipped, LATENT_DECIMALS).tolist(), decoded, render.display_digit(digit), note]

    def decode_latent(self, *values: float) -> tuple[np.ndarray, str]:
        """Decode the sliders' latent vector; the empty string clears any clipping note."""
        latent = self.lab.clip_latent(np.asarray(values, np.float64))
        return render.display_digit(self.lab.decode(latent)), ""

    def random_latent(self) -> list:
        latent = self.lab.random_latent(secrets.randbits(32))
        return [*np.round(latent, LATENT_DECIMALS).tolist(), render.display_digit(self.lab.decode(latent)), ""]

    def show_bottlenecks(self, digit: np.ndarray, request: gr.Request) -> tuple[list, list, np.ndarray]:
        """Gallery items for the autoencoder and PCA at every bottleneck size, and the MSE plot."""
        language = request_language(request)
        comparisons = self.lab.compare_bottlenecks(as_digit(digit))

        autoencoder_items = []
        pca_items = []
        for item in comparisons:
            autoencoder_caption = translate("bottleneck_caption", language, size=item.size, mse=item.autoencoder_mse)
            pca_caption = translate("bottleneck_caption", language, size=item.size, mse=item.pca_mse)
            autoencoder_items.append((render.display_digit(item.autoencoder), autoencoder_caption))
            pca_items.append((render.display_digit(item.pca), pca_caption))
        plot = render.bottleneck_plot(
            self.bottleneck_canvas,
            [item.size for item in comparisons],
            [item.autoencoder_mse for item in comparisons],
            [item.pca_mse for item in comparisons],
        )
        return autoencoder_items, pca_items, plot

    def show_all(
        self,
        digit: np.ndarray,
        kind: str,
        level: float,
        seed: float | None,
        mode: str,
        overlay: bool,
        threshold: float,
        bottleneck_open: bool,
        request: gr.Request,
    ) -> list:
        """Compute the views after the digit changed.

        The bottleneck view, the most costly, is computed only while its tab is open
        (``bottleneck_open``); otherwise it is cleared, and opening the tab computes it.
        """
        bottlenecks = self.show_bottlenecks(digit, request) if bottleneck_open else ([], [], None)
        return [
            *self.show_noise(digit, kind, level, seed, request),
            *self.show_heatmap(digit, mode, overlay, threshold, request),
            *self.reset_latent(digit, request),
            *bottlenecks,
        ]
