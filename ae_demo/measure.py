"""Measure models on whole test sets: reconstruction, denoising and test-set reference statistics.

``ae_demo.train`` records these in each model's JSON, and ``ae_demo.evaluate`` builds
its report from them. Images are (N, 1, 28, 28) tensors in [0, 1].
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from ae_demo import metrics
from ae_demo.noise import NOISE_KINDS, add_noise

BATCH_SIZE = 500
EVALUATION_SEED = 1234
EVALUATION_LEVEL = 0.5


@torch.inference_mode()
def reconstruct(model: nn.Module, images: torch.Tensor, batch_size: int = BATCH_SIZE) -> torch.Tensor:
    """Run ``model`` over (N, 1, 28, 28) images in batches; returns (N, 1, 28, 28)."""
    model.eval()
    parts = [model(images[start : start + batch_size]) for start in range(0, len(images), batch_size)]
    return torch.cat(parts)


@torch.inference_mode()
def encode_all(model: nn.Module, images: torch.Tensor, batch_size: int = BATCH_SIZE) -> torch.Tensor:
    """Encode (N, 1, 28, 28) images in batches; returns (N, latent_dim)."""
    model.eval()
    return torch.cat([model.encode(images[start : start + batch_size]) for start in range(0, len(images), batch_size)])


def noisy_copy(images: torch.Tensor, kind: str, level: float, seed: int = EVALUATION_SEED) -> torch.Tensor:
    """Seeded noisy copy of a whole split, the same every run."""
    return add_noise(images, kind, level, torch.Generator().manual_seed(seed))


def reconstruction_metrics(model: nn.Module, images: torch.Tensor) -> dict:
    """Per-pixel MSE and mean PSNR of the model's reconstructions of clean images."""
    clean = images.squeeze(1).numpy()
    output = reconstruct(model, images).squeeze(1).numpy()
    per_image = metrics.mse(clean, output)
    return {"mse": float(per_image.mean()), "psnr": float(metrics.psnr(clean, output).mean())}


def denoising_metrics(model: nn.Module, images: torch.Tensor, kind: str, level: float) -> dict:
    """Mean PSNR (dB) and SSIM against the clean images, for the noisy input and the model's output."""
    clean = images.squeeze(1).numpy()
    noisy = noisy_copy(images, kind, level)
    output = reconstruct(model, noisy).squeeze(1).numpy()
    noisy = noisy.squeeze(1).numpy()
    return {
        "noisy_psnr": float(metrics.psnr(clean, noisy).mean()),
        "psnr": float(metrics.psnr(clean, output).mean()),
        "ssim": float(metrics.ssim(clean, output).mean()),
    }


def noise_name(kind: str, level: float) -> str:
    """Key for a noise case in results, like ``gaussian_0.5`` or ``masking_0.25``."""
    return f"{kind}_{level:g}"


def denoising_table(model: nn.Module, images: torch.Tensor, level: float = EVALUATION_LEVEL) -> dict:
    """``denoising_metrics`` for every noise kind at one level, keyed by ``noise_name``."""
    return {noise_name(kind, level): denoising_metrics(model, images, kind, level) for kind in NOISE_KINDS}


def reference_statistics(model: nn.Module, images: torch.Tensor) -> dict:
    """Test-set statistics the app compares a user's digit against.

    ``error_quantiles``: 1001 quantiles of the per-image reconstruction MSE.
    ``latent``: per-dimension mean, standard deviation and 0.5/99.5 % percentiles of
    the encodings, and their covariance for drawing random latents.
    """
    clean = images.squeeze(1).numpy()
    output = reconstruct(model, images).squeeze(1).numpy()
    errors = metrics.mse(clean, output)
    latent = encode_all(model, images).double().numpy()
    return {
        "test_images": len(images),
        "error_quantiles": metrics.quantile_table(errors).tolist(),
        "latent": {
            "mean": latent.mean(axis=0).tolist(),
            "std": latent.std(axis=0).tolist(),
            "low": np.percentile(latent, 0.5, axis=0).tolist(),
            "high": np.percentile(latent, 99.5, axis=0).tolist(),
            "covariance": np.cov(latent, rowvar=False).tolist(),
        },
    }
