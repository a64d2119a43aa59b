"""Measure the shipped models on the full MNIST test set and print the numbers.

Run:
    python -m ae_demo.evaluate --data-root ../shared/datasets/mnist

It prints the plain autoencoder's per-pixel MSE and the denoising autoencoder's
PSNR and SSIM on noisy test digits, and exits non-zero if a quality floor is not met.
The functions here are also used by ``ae_demo.train`` to record test metrics.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import torch
from torch import nn

from ae_demo import WEIGHTS_DIR, metrics
from ae_demo.data import DatasetNotFoundError, load_images
from ae_demo.model import load_model
from ae_demo.noise import NOISE_KINDS, add_noise

BATCH_SIZE = 500
EVALUATION_SEED = 1234
EVALUATION_LEVEL = 0.5
# Quality floors for the shipped weights on the full test set.
MAX_AUTOENCODER_MSE = 0.0075
MIN_DENOISING_PSNR_DB = 19.5


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


def denoising_table(model: nn.Module, images: torch.Tensor, level: float = EVALUATION_LEVEL) -> dict:
    """``denoising_metrics`` for every noise kind at one level, keyed like ``gaussian_0.5``."""
    return {f"{kind}_{level:g}": denoising_metrics(model, images, kind, level) for kind in NOISE_KINDS}


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ae_demo.evaluate", description=__doc__.splitlines()[0])
    parser.add_argument("--data-root", type=Path, required=True, help="folder that contains MNIST/raw/")
    parser.add_argument("--weights-dir", type=Path, default=WEIGHTS_DIR, help="folder with the safetensors weights")
    parser.add_argument("--limit", type=int, default=None, help="use only the first N test images")
    args = parser.parse_args(argv)

    try:
        images, _ = load_images(args.data_root, train=False)
    except DatasetNotFoundError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    images = images[: args.limit]

    autoencoder, _ = load_model(args.weights_dir / "autoencoder_d16")
    denoiser, _ = load_model(args.weights_dir / "denoising")
    results = {
        "test_images": len(images),
        "autoencoder_d16": reconstruction_metrics(autoencoder, images),
        "denoising": {
            "gaussian_0.5": denoising_metrics(denoiser, images, "gaussian", EVALUATION_LEVEL),
            "gaussian_0.5_plain_autoencoder": denoising_metrics(autoencoder, images, "gaussian", EVALUATION_LEVEL),
        },
    }
    print(json.dumps(results, indent=2))

    mse_value = results["autoencoder_d16"]["mse"]
    psnr_value = results["denoising"]["gaussian_0.5"]["psnr"]
    print(f"autoencoder d=16 test MSE: {mse_value:.5f} (floor <= {MAX_AUTOENCODER_MSE})")
    print(f"denoising autoencoder PSNR, Gaussian sigma=0.5: {psnr_value:.2f} dB (floor >= {MIN_DENOISING_PSNR_DB})")
    passed = mse_value <= MAX_AUTOENCODER_MSE and psnr_value >= MIN_DENOISING_PSNR_DB
    print("quality floors: " + ("met" if passed else "NOT met"))
    return 0 if passed else 1


if __name__ == "__main__":
    raise SystemExit(main())
