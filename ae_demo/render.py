"""Turn digits and error maps into display images (uint8 arrays) with crisp pixels.

Browsers smooth small images when they scale them up, so every 28×28 array is
enlarged here by repeating each pixel ``DISPLAY_SCALE`` times.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.transforms import Transform

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


ERROR_AXIS_LOG10 = (-4.5, 0.2)  # the histogram's x-axis: MSE from about 3e-5 to 1.6, log scale
BOTTLENECK_MSE_RANGE = (1e-4, 1.0)  # the bottleneck plot's y-axis
THRESHOLD_COLOUR = (232, 163, 61)
VALUE_COLOUR = (214, 39, 40)
AUTOENCODER_COLOUR = "#1f77b4"
PCA_COLOUR = "#ff7f0e"


def _rgb(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[index : index + 2], 16) for index in (1, 3, 5))


@dataclass(frozen=True)
class PlotCanvas:
    """A plot rendered once by matplotlib, with its data-to-pixel mapping.

    The app redraws only the markers of each plot per event, with numpy, which is
    several times faster than drawing a new figure.
    """

    image: np.ndarray  # uint8 (H, W, 3)
    to_display: Transform  # data coordinates -> display pixels, origin at the bottom left
    axes_rows: tuple[int, int]  # top and bottom pixel rows of the axes area

    @classmethod
    def render(cls, figure: Figure, axes: Axes) -> PlotCanvas:
        image = figure_to_array(figure)
        height = image.shape[0]
        box = axes.get_window_extent()
        return cls(image, axes.transData.frozen(), (int(height - box.y1), int(height - box.y0)))

    def pixel(self, x: float, y: float) -> tuple[int, int]:
        """Column and row of the data point (x, y)."""
        column, row_from_bottom = self.to_display.transform((x, y))
        return round(column), round(self.image.shape[0] - row_from_bottom)

    def vertical_line(
        self, image: np.ndarray, x: float, colour: tuple[int, int, int], width: int, dash: int = 0
    ) -> None:
        column, _ = self.pixel(x, 1.0)
        top, bottom = self.axes_rows
        rows = np.arange(top, bottom)
        if dash:
            rows = rows[(rows // dash) % 2 == 0]
        left = max(column - width // 2, 0)
        image[rows, left : left + width] = colour

    def dot(
        self, image: np.ndarray, x: float, y: float, colour: tuple[int, int, int], radius: int, square: bool
    ) -> None:
        column, row = self.pixel(x, y)
        # Only the square around the dot is tested, not the whole image.
        top, left = max(row - radius, 0), max(column - radius, 0)
        window = image[top : row + radius + 1, left : column + radius + 1]
        rows, columns = np.ogrid[top : top + window.shape[0], left : left + window.shape[1]]
        if square:
            inside = (np.abs(rows - row) <= radius) & (np.abs(columns - column) <= radius)
        else:
            inside = (rows - row) ** 2 + (columns - column) ** 2 <= radius**2
        window[inside] = colour


def error_distribution_canvas(quantiles: np.ndarray) -> PlotCanvas:
    """Histogram of the test set's errors on a log axis, drawn once; markers are added per digit.

    The axes carry numbers only, so the picture reads the same in every language;
    the surrounding interface names them.
    """
    # Quantiles at evenly spaced levels: equal probability mass between neighbours,
    # so sampling them evenly reproduces the distribution for a histogram.
    samples = np.log10(np.maximum(np.asarray(quantiles, np.float64), 1e-6))
    figure = Figure(figsize=(5.6, 2.2), dpi=100, layout="constrained")
    axes = figure.add_subplot()
    axes.hist(samples, bins=50, color="#9aa5b1", edgecolor="white", linewidth=0.4)
    axes.set_xlim(*ERROR_AXIS_LOG10)
    ticks = np.arange(np.ceil(ERROR_AXIS_LOG10[0]), np.floor(ERROR_AXIS_LOG10[1]) + 1)
    axes.set_xticks(ticks, [f"{10**tick:g}" for tick in ticks])
    axes.set_yticks([])
    for side in ("top", "right", "left"):
        axes.spines[side].set_visible(False)
    return PlotCanvas.render(figure, axes)


def error_distribution_plot(canvas: PlotCanvas, value: float, threshold: float) -> np.ndarray:
    """Mark the threshold (dashed orange) and the digit's error (red) on the histogram: uint8 RGB."""
    image = canvas.image.copy()
    low, high = ERROR_AXIS_LOG10
    canvas.vertical_line(image, float(np.clip(np.log10(max(threshold, 1e-9)), low, high)), THRESHOLD_COLOUR, 2, dash=6)
    canvas.vertical_line(image, float(np.clip(np.log10(max(value, 1e-9)), low, high)), VALUE_COLOUR, 3)
    return image


def bottleneck_canvas(curve: dict[str, list[tuple[int, float]]], sizes: list[int]) -> PlotCanvas:
    """MSE against bottleneck size with the test-set means as lines (when known), drawn once.

    Blue is the autoencoder and orange is PCA; the axes carry numbers only, and the
    interface explains the colours.
    """
    figure = Figure(figsize=(5.6, 3.0), dpi=100, layout="constrained")
    axes = figure.add_subplot()
    for method, colour in (("autoencoder", AUTOENCODER_COLOUR), ("pca", PCA_COLOUR)):
        if method in curve:
            xs, ys = zip(*curve[method], strict=True)
            axes.plot(xs, ys, "-", color=colour, linewidth=1.5, alpha=0.7)
    axes.set_xscale("log", base=2)
    axes.set_yscale("log")
    axes.set_xlim(min(sizes) / 1.4, max(sizes) * 1.4)
    axes.set_ylim(*BOTTLENECK_MSE_RANGE)
    axes.set_xticks(sizes, [str(size) for size in sizes])
    axes.grid(True, which="both", alpha=0.3)
    return PlotCanvas.render(figure, axes)


def bottleneck_plot(
    canvas: PlotCanvas, sizes: list[int], autoencoder_mse: list[float], pca_mse: list[float]
) -> np.ndarray:
    """Mark this digit's errors on the bottleneck plot, dots for the autoencoder and squares for PCA: uint8 RGB."""
    image = canvas.image.copy()
    low, high = BOTTLENECK_MSE_RANGE
    for size, autoencoder_value, pca_value in zip(sizes, autoencoder_mse, pca_mse, strict=True):
        canvas.dot(image, size, float(np.clip(pca_value, low, high)), _rgb(PCA_COLOUR), 5, square=True)
        canvas.dot(image, size, float(np.clip(autoencoder_value, low, high)), _rgb(AUTOENCODER_COLOUR), 5, square=False)
    return image
