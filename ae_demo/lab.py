"""The operations the app shows, on single 28×28 digits, with no user interface.

``Lab`` loads the shipped models once and computes what each view shows. That is a
noisy digit with each model's reconstruction of it, the digit's reconstruction error
placed in the MNIST test-set distribution, the decoder's image for a latent vector, and
the digit rebuilt through every bottleneck size. Digits are float arrays (28, 28) in [0, 1].
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from ae_demo import IMAGE_SIZE, REPO_DIR, WEIGHTS_DIR, metrics
from ae_demo.model import BOTTLENECK_SIZES, load_model
from ae_demo.noise import add_noise
from ae_demo.pca import PCABaseline

logger = logging.getLogger(__name__)

AUTOENCODER_NAME = "autoencoder_d16"
DENOISER_NAME = "denoising"
DEFAULT_THRESHOLD_PERCENTILE = 99.0
THRESHOLD_RANGE = (50.0, 99.9)  # percentiles the interface offers for the anomaly threshold
SLIDER_MARGIN = 0.25  # latent sliders reach this fraction of the 0.5–99.5 % span beyond it
EVALUATION_REPORT = REPO_DIR / "reports" / "evaluation.json"
FULL_TEST_SET = 10_000  # MNIST test images; a report from a shorter --limit run is not shown


@dataclass(frozen=True)
class Score:
    """Quality of one image against the clean digit."""

    psnr: float
    ssim: float


@dataclass(frozen=True)
class NoiseComparison:
    """A digit, its noisy copy and both models' reconstructions of the noisy copy."""

    clean: np.ndarray
    noisy: np.ndarray
    autoencoder: np.ndarray
    denoiser: np.ndarray
    scores: dict[str, Score]  # keys: "noisy", "autoencoder", "denoiser"


@dataclass(frozen=True)
class ErrorAnalysis:
    """A digit's reconstruction error and where it falls among the MNIST test set's errors."""

    reconstruction: np.ndarray
    error: np.ndarray  # signed, reconstruction minus input
    mse: float
    percentile: float  # percent of MNIST test digits with a smaller error
    threshold_mse: float  # the error at the chosen threshold percentile
    unusual: bool


@dataclass(frozen=True)
class BottleneckComparison:
    """One digit rebuilt through a bottleneck of ``size`` numbers by the autoencoder and by PCA."""

    size: int
    autoencoder: np.ndarray
    autoencoder_mse: float
    pca: np.ndarray
    pca_mse: float


def read_mse_curve(report: Path = EVALUATION_REPORT) -> dict[str, list[tuple[int, float]]]:
    """Test-set MSE against bottleneck size per method ("autoencoder", "pca") from an evaluation report.

    Returns an empty dict when the report is missing, so the app still runs without it.
    """
    if not report.is_file():
        logger.warning("evaluation report not found at %s; the bottleneck view shows no test-set curve", report)
        return {}
    results = json.loads(report.read_text())
    if results["test_images"] < FULL_TEST_SET:
        logger.warning(
            "%s covers only %d test images; the bottleneck view shows no curve", report, results["test_images"]
        )
        return {}
    reconstruction = results["reconstruction"]
    return {
        method: sorted((int(size), float(values["mse"])) for size, values in reconstruction[method].items())
        for method in ("autoencoder", "pca")
    }


def as_digit(image: np.ndarray) -> np.ndarray:
    """Validate and return a float32 (28, 28) image in [0, 1]."""
    digit = np.asarray(image, np.float32)
    if digit.shape != (IMAGE_SIZE, IMAGE_SIZE):
        raise ValueError(f"expected a {IMAGE_SIZE}×{IMAGE_SIZE} digit, got shape {digit.shape}")
    if not np.isfinite(digit).all() or digit.min() < 0 or digit.max() > 1:
        raise ValueError("digit pixel values must be finite and lie in [0, 1]")
    return digit


def _batch(digit: np.ndarray) -> torch.Tensor:
    return torch.from_numpy(as_digit(digit))[None, None]  # (28, 28) -> (1, 1, 28, 28)


class Lab:
    """The plain autoencoder, the denoising autoencoder and the test-set reference statistics."""

    def __init__(
        self,
        autoencoder: torch.nn.Module,
        record: dict,
        denoiser: torch.nn.Module,
        bottleneck_models: dict[int, torch.nn.Module],
        pca: PCABaseline,
        mse_curve: dict[str, list[tuple[int, float]]],
    ) -> None:
        self.autoencoder = autoencoder.eval()
        self.denoiser = denoiser.eval()
        self.bottleneck_models = {size: model.eval() for size, model in sorted(bottleneck_models.items())}
        self.pca = pca
        self.mse_curve = mse_curve
        self.record = record
        reference = record["test_metrics"]["reference"]
        self.error_quantiles = np.asarray(reference["error_quantiles"], np.float64)
        latent = reference["latent"]
        self.latent_mean = np.asarray(latent["mean"], np.float64)
        self.latent_covariance = np.asarray(latent["covariance"], np.float64)
        low = np.asarray(latent["low"], np.float64)
        high = np.asarray(latent["high"], np.float64)
        margin = SLIDER_MARGIN * (high - low)
        # Rounded outwards to 0.01 so that slider limits print short and still contain every clipped value.
        self.latent_low = np.floor((low - margin) * 100) / 100
        self.latent_high = np.ceil((high + margin) * 100) / 100

    @classmethod
    def load(cls, weights_dir: Path = WEIGHTS_DIR, report: Path = EVALUATION_REPORT) -> Lab:
        """Load the shipped models and PCA from ``weights_dir`` and log how long it took."""
        started = time.perf_counter()
        autoencoder, record = load_model(weights_dir / AUTOENCODER_NAME)
        denoiser, _ = load_model(weights_dir / DENOISER_NAME)
        bottleneck_models = {
            size: autoencoder if size == autoencoder.latent_dim else load_model(weights_dir / f"autoencoder_d{size}")[0]
            for size in BOTTLENECK_SIZES
        }
        pca = PCABaseline.load(weights_dir)
        seconds = time.perf_counter() - started
        logger.info(
            "loaded %s, %s, %d bottleneck sizes and PCA from %s in %.2f s on cpu",
            AUTOENCODER_NAME,
            DENOISER_NAME,
            len(bottleneck_models),
            weights_dir,
            seconds,
        )
        return cls(autoencoder, record, denoiser, bottleneck_models, pca, read_mse_curve(report))

    @property
    def latent_dim(self) -> int:
        return int(self.latent_mean.shape[0])

    @torch.inference_mode()
    def reconstruct(self, digit: np.ndarray) -> np.ndarray:
        return self.autoencoder(_batch(digit))[0, 0].numpy()

    @torch.inference_mode()
    def denoise(self, digit: np.ndarray) -> np.ndarray:
        return self.denoiser(_batch(digit))[0, 0].numpy()

    @torch.inference_mode()
    def encode(self, digit: np.ndarray) -> np.ndarray:
        """Latent vector (latent_dim,) of a digit."""
        return self.autoencoder.encode(_batch(digit))[0].double().numpy()

    @torch.inference_mode()
    def decode(self, latent: np.ndarray) -> np.ndarray:
        """Decode a latent vector (latent_dim,) to a (28, 28) image."""
        latent = np.asarray(latent, np.float32).reshape(-1)
        if latent.shape != (self.latent_dim,):
            raise ValueError(f"expected {self.latent_dim} latent values, got {latent.shape[0]}")
        return self.autoencoder.decode(torch.from_numpy(latent)[None])[0, 0].numpy()

    def clip_latent(self, latent: np.ndarray) -> np.ndarray:
        """Clip a latent vector to the slider ranges."""
        return np.clip(latent, self.latent_low, self.latent_high)

    def random_latent(self, seed: int) -> np.ndarray:
        """Draw from a Gaussian with the test-set encodings' mean and covariance, clipped to the slider ranges."""
        generator = np.random.default_rng(seed)
        sample = generator.multivariate_normal(self.latent_mean, self.latent_covariance, method="eigh")
        return self.clip_latent(sample)

    def compare_noise(self, digit: np.ndarray, kind: str, level: float, seed: int) -> NoiseComparison:
        """Add seeded noise to a digit and reconstruct the noisy copy with both models."""
        clean = as_digit(digit)
        generator = torch.Generator().manual_seed(int(seed))
        noisy = add_noise(_batch(clean), kind, float(level), generator)[0, 0].numpy()
        autoencoder_output = self.reconstruct(noisy)
        denoiser_output = self.denoise(noisy)
        outputs = {"noisy": noisy, "autoencoder": autoencoder_output, "denoiser": denoiser_output}
        scores = {
            name: Score(float(metrics.psnr(clean, image)), float(metrics.ssim(clean, image)))
            for name, image in outputs.items()
        }
        return NoiseComparison(clean, noisy, autoencoder_output, denoiser_output, scores)

    def analyse_error(
        self, digit: np.ndarray, threshold_percentile: float = DEFAULT_THRESHOLD_PERCENTILE
    ) -> ErrorAnalysis:
        """Reconstruct a digit and judge its error against the test-set distribution.

        The digit counts as unusual when its MSE exceeds the test-set error at
        ``threshold_percentile`` (for 99, only 1 % of MNIST test digits score higher).
        """
        if not 0 <= threshold_percentile <= 100:
            raise ValueError(f"threshold percentile must lie in [0, 100], got {threshold_percentile}")
        clean = as_digit(digit)
        reconstruction = self.reconstruct(clean)
        error_value = float(metrics.mse(clean, reconstruction))
        threshold_mse = metrics.value_at_percentile(threshold_percentile, self.error_quantiles)
        return ErrorAnalysis(
            reconstruction=reconstruction,
            error=metrics.pixel_error(clean, reconstruction),
            mse=error_value,
            percentile=metrics.percentile_of(error_value, self.error_quantiles),
            threshold_mse=threshold_mse,
            unusual=error_value > threshold_mse,
        )

    @torch.inference_mode()
    def compare_bottlenecks(self, digit: np.ndarray) -> list[BottleneckComparison]:
        """Rebuild a digit through every shipped bottleneck size, with the autoencoder and with PCA."""
        clean = as_digit(digit)
        batch = _batch(clean)
        comparisons = []
        for size, model in self.bottleneck_models.items():
            autoencoder_output = model(batch)[0, 0].numpy()
            pca_output = self.pca.reconstruct(clean, size).astype(np.float32)
            comparisons.append(
                BottleneckComparison(
                    size=size,
                    autoencoder=autoencoder_output,
                    autoencoder_mse=float(metrics.mse(clean, autoencoder_output)),
                    pca=pca_output,
                    pca_mse=float(metrics.mse(clean, pca_output)),
                )
            )
        return comparisons
