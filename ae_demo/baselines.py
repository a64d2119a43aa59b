"""Classical denoising filters from scikit-image, the baselines the denoising autoencoder is compared with."""

from __future__ import annotations

import numpy as np
from skimage.filters import gaussian, median
from skimage.restoration import denoise_nl_means, estimate_sigma

GAUSSIAN_BLUR_SIGMA = 1.0  # pixels
MEDIAN_FOOTPRINT = np.ones((3, 3), bool)
NL_MEANS_PATCH_SIZE = 3
NL_MEANS_PATCH_DISTANCE = 4
NL_MEANS_STRENGTH = 0.8  # filter strength h as a multiple of the estimated noise standard deviation


def median_filter(image: np.ndarray) -> np.ndarray:
    """3×3 median filter of a (28, 28) image in [0, 1]."""
    return median(np.asarray(image, np.float64), footprint=MEDIAN_FOOTPRINT)


def gaussian_blur(image: np.ndarray) -> np.ndarray:
    """Gaussian blur with a standard deviation of one pixel."""
    return gaussian(np.asarray(image, np.float64), sigma=GAUSSIAN_BLUR_SIGMA, preserve_range=True)


def nl_means(image: np.ndarray) -> np.ndarray:
    """Non-local means with its strength set from the image's estimated noise level."""
    image = np.asarray(image, np.float64)
    sigma = float(estimate_sigma(image))
    if sigma == 0:
        return image.copy()
    return denoise_nl_means(
        image,
        h=NL_MEANS_STRENGTH * sigma,
        sigma=sigma,
        patch_size=NL_MEANS_PATCH_SIZE,
        patch_distance=NL_MEANS_PATCH_DISTANCE,
        fast_mode=True,
    )


CLASSICAL_DENOISERS = {"median": median_filter, "gaussian_blur": gaussian_blur, "nl_means": nl_means}


def denoise_all(images: np.ndarray, method: str) -> np.ndarray:
    """Apply one classical denoiser to every (28, 28) image of an (N, 28, 28) array."""
    function = CLASSICAL_DENOISERS[method]
    return np.stack([np.clip(function(image), 0.0, 1.0) for image in images])
