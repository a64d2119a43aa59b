"""Turn digits and error maps into display images (uint8 arrays) with crisp pixels.

Browsers smooth small images when they scale them up, so every 28×28 array is
enlarged here by repeating each pixel ``DISPLAY_SCALE`` times.
"""

from __future__ import annotations

import numpy as np
from matplotlib import colormaps
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

DISPLAY_SCALE = 10
ABSOLUTE_COLORMAP = "inferno"
SIGNED_COLORMAP = "RdBu_r"  # red: reconstruction brighter than input, blue: darker
ERROR_RANGE = 1.0  # colour scales span [0, 1] (absolute) or [-1, 1] (signed), the same for every digit
OVERLAY_WEIGHT = 0.6  # share of the heatmap colour in the overlay; the rest is the input digit


def upscale(image: np.ndarray, scale: int = DISPLAY_SCALE) -> np.ndarray:
    """Repeat each pixel ``scale`` times along both axes: (H, W[, C]) -> (H·s, W·s[, C])."""
    return np.repeat(np.repeat(image, scale, axis=0), scale, axis=1)


def to_uint8(image: np.ndarray) -> np.ndarray:
    return np.round(np.clip(image, 0.0, 1.0) * 255.0).astype(np.uint8)


def display_digit(digit: np.ndarray) -> np.ndarray:
    """Enlarge a (28, 28) digit in [0, 1] to a uint8 grayscale image (280, 280)."""
    return upscale(to_uint8(digit))


def colorize_error(error: np.ndarray, signed: bool) -> np.ndarray:
    """Map a signed error (H, W) to RGB floats (H, W, 3) on the fixed colour scale."""
    if signed:
        values = (np.clip(error, -ERROR_RANGE, ERROR_RANGE) + ERROR_RANGE) / (2 * ERROR_RANGE)
        colormap = colormaps[SIGNED_COLORMAP]
    else:
        values = np.clip(np.abs(error), 0.0, ERROR_RANGE) / ERROR_RANGE
        colormap = colormaps[ABSOLUTE_COLORMAP]
    return colormap(values)[..., :3]


def error_heatmap(error: np.ndarray, signed: bool, overlay_on: np.ndarray | None = None) -> np.ndarray:
    """Enlarged uint8 RGB heatmap of an error map, optionally blended over the input digit."""
    colours = colorize_error(error, signed)
    if overlay_on is not None:
        gray = np.repeat(np.asarray(overlay_on, np.float64)[..., None], 3, axis=2)
        colours = OVERLAY_WEIGHT * colours + (1.0 - OVERLAY_WEIGHT) * gray
    return upscale(to_uint8(colours))


def colorbar_stops(signed: bool, count: int = 11) -> list[tuple[float, str]]:
    """Evenly spaced (value, '#rrggbb') pairs along the colour scale, for drawing a legend."""
    low = -ERROR_RANGE if signed else 0.0
    colormap = colormaps[SIGNED_COLORMAP if signed else ABSOLUTE_COLORMAP]
    stops = []
    for position in np.linspace(0.0, 1.0, count):
        red, green, blue = (round(channel * 255) for channel in colormap(position)[:3])
        stops.append((float(low + position * (ERROR_RANGE - low)), f"#{red:02x}{green:02x}{blue:02x}"))
    return stops


def figure_to_array(figure: Figure) -> np.ndarray:
    """Render a matplotlib figure off-screen (no pyplot state, nothing to close) as uint8 RGB."""
    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    return np.asarray(canvas.buffer_rgba())[..., :3].copy()


def error_distribution_plot(quantiles: np.ndarray, value: float, threshold: float) -> np.ndarray:
    """Histogram of the test set's errors (from its quantiles) with the digit's error and the threshold marked.

    The axes carry numbers only, so the picture reads the same in every language;
    the surrounding interface names them. Returns uint8 RGB (H, W, 3).
    """
    quantiles = np.asarray(quantiles, np.float64)
    # Quantiles at evenly spaced levels: equal probability mass between neighbours,
    # so sampling them evenly reproduces the distribution for a histogram.
    samples = np.log10(np.maximum(quantiles, 1e-6))
    marker = np.log10(max(value, 1e-6))
    threshold_marker = np.log10(max(threshold, 1e-6))

    figure = Figure(figsize=(5.6, 2.2), dpi=100, layout="constrained")
    axes = figure.add_subplot()
    axes.hist(samples, bins=50, color="#9aa5b1", edgecolor="white", linewidth=0.4)
    axes.axvline(threshold_marker, color="#e8a33d", linestyle="--", linewidth=1.6)
    axes.axvline(marker, color="#d62728", linewidth=2.4)
    low = min(samples.min(), marker) - 0.1
    high = max(samples.max(), marker) + 0.1
    axes.set_xlim(low, high)
    ticks = np.arange(np.floor(low), np.ceil(high) + 1)
    axes.set_xticks(ticks, [f"{10**tick:g}" for tick in ticks])
    axes.set_yticks([])
    for side in ("top", "right", "left"):
        axes.spines[side].set_visible(False)

    return figure_to_array(figure)


AUTOENCODER_COLOUR = "#1f77b4"
PCA_COLOUR = "#ff7f0e"


def bottleneck_plot(
    curve: dict[str, list[tuple[int, float]]], sizes: list[int], autoencoder_mse: list[float], pca_mse: list[float]
) -> np.ndarray:
    """MSE against bottleneck size: test-set means as lines, this digit's errors as large dots.

    Blue is the autoencoder and orange is PCA; the axes carry numbers only, and the
    interface explains the colours. Returns uint8 RGB (H, W, 3).
    """
    figure = Figure(figsize=(5.6, 3.0), dpi=100, layout="constrained")
    axes = figure.add_subplot()
    for method, colour in (("autoencoder", AUTOENCODER_COLOUR), ("pca", PCA_COLOUR)):
        if method in curve:
            xs, ys = zip(*curve[method], strict=True)
            axes.plot(xs, ys, "-", color=colour, linewidth=1.5, alpha=0.7)
    axes.plot(sizes, autoencoder_mse, "o", color=AUTOENCODER_COLOUR, markersize=8)
    axes.plot(sizes, pca_mse, "s", color=PCA_COLOUR, markersize=8)
    axes.set_xscale("log", base=2)
    axes.set_yscale("log")
    axes.set_xticks(sizes, [str(size) for size in sizes])
    axes.grid(True, which="both", alpha=0.3)
    return figure_to_array(figure)
