"""Image quality and reconstruction-error measures for pixel values in [0, 1]."""

from __future__ import annotations

import numpy as np
from skimage.metrics import structural_similarity

DATA_RANGE = 1.0
MAX_PSNR_DB = 100.0  # reported for identical images, where PSNR is infinite


def mse(reference: np.ndarray, other: np.ndarray) -> np.ndarray:
    """Mean squared error over the last two axes: (..., H, W) -> (...)."""
    difference = np.asarray(reference, np.float64) - np.asarray(other, np.float64)
    return np.mean(difference**2, axis=(-2, -1))


def psnr(reference: np.ndarray, other: np.ndarray) -> np.ndarray:
    """Peak signal-to-noise ratio in dB, 10·log10(1 / MSE), per image; capped at 100 dB."""
    error = mse(reference, other)
    with np.errstate(divide="ignore"):
        value = 10.0 * np.log10(DATA_RANGE**2 / error)
    return np.minimum(value, MAX_PSNR_DB)


def ssim(reference: np.ndarray, other: np.ndarray) -> np.ndarray:
    """Structural similarity (scikit-image, 7×7 window) per image: (..., H, W) -> (...)."""
    reference = np.asarray(reference, np.float64)
    other = np.asarray(other, np.float64)
    flat_reference = reference.reshape(-1, *reference.shape[-2:])
    flat_other = other.reshape(-1, *other.shape[-2:])
    values = [
        structural_similarity(a, b, data_range=DATA_RANGE) for a, b in zip(flat_reference, flat_other, strict=True)
    ]
    return np.asarray(values).reshape(reference.shape[:-2])


def pixel_error(image: np.ndarray, reconstruction: np.ndarray) -> np.ndarray:
    """Signed per-pixel error x̂ − x: positive where the reconstruction is brighter."""
    return np.asarray(reconstruction, np.float64) - np.asarray(image, np.float64)


def percentile_of(value: float, quantiles: np.ndarray) -> float:
    """Percent of the reference distribution below ``value``.

    ``quantiles`` contains the distribution's quantiles at evenly spaced levels from 0 to
    100 %, so linear interpolation between them gives the percentile rank.
    """
    quantiles = np.asarray(quantiles, np.float64)
    levels = np.linspace(0.0, 100.0, len(quantiles))
    return float(np.interp(value, quantiles, levels, left=0.0, right=100.0))


def value_at_percentile(percentile: float, quantiles: np.ndarray) -> float:
    """Value below which ``percentile`` percent of the distribution lies: the inverse of ``percentile_of``."""
    quantiles = np.asarray(quantiles, np.float64)
    levels = np.linspace(0.0, 100.0, len(quantiles))
    return float(np.interp(percentile, levels, quantiles))


def quantile_table(values: np.ndarray, count: int = 1001) -> np.ndarray:
    """Quantiles of ``values`` at ``count`` evenly spaced levels from 0 to 100 %."""
    return np.quantile(np.asarray(values, np.float64), np.linspace(0.0, 1.0, count))


def auroc(normal_scores: np.ndarray, unusual_scores: np.ndarray) -> float:
    """Area under the ROC curve for telling unusual inputs (higher score) from normal ones.

    1.0: every unusual score exceeds every normal score; 0.5: no better than chance.
    Ties count half, as in the Mann-Whitney U statistic.
    """
    from sklearn.metrics import roc_auc_score  # imported here: only the evaluation needs it, not the app

    normal_scores = np.asarray(normal_scores, np.float64).ravel()
    unusual_scores = np.asarray(unusual_scores, np.float64).ravel()
    labels = np.concatenate([np.zeros(len(normal_scores)), np.ones(len(unusual_scores))])
    return float(roc_auc_score(labels, np.concatenate([normal_scores, unusual_scores])))
