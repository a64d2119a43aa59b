"""Noise models applied to images in [0, 1].

Every function takes a batch (B, 1, 28, 28), a noise level per image or one for the
batch, and a ``torch.Generator`` so that a seed reproduces the same noise. Level 0
returns the input unchanged for every kind. Results are clipped to [0, 1].
"""

from __future__ import annotations

import torch

NOISE_KINDS = ("gaussian", "salt_pepper", "masking", "speckle")
MASK_BLOCK = 4  # masking hides 4×4 blocks, so the 28×28 image is a 7×7 grid of blocks


def _level_tensor(level: float | torch.Tensor, images: torch.Tensor) -> torch.Tensor:
    """Broadcast a scalar or per-image level to shape (B, 1, 1, 1)."""
    level = torch.as_tensor(level, dtype=images.dtype, device=images.device)
    if level.ndim == 0:
        level = level.expand(images.shape[0])
    if level.shape != (images.shape[0],):
        raise ValueError(f"level must be a scalar or have shape ({images.shape[0]},), got {tuple(level.shape)}")
    if torch.any(level < 0) or torch.any(level > 1):
        raise ValueError(f"noise level must lie in [0, 1], got {level.tolist()}")
    return level.view(-1, 1, 1, 1)


def gaussian(images: torch.Tensor, sigma: torch.Tensor, generator: torch.Generator | None) -> torch.Tensor:
    """Additive Gaussian noise with standard deviation ``sigma`` (pixel units)."""
    noise = torch.randn(images.shape, generator=generator, dtype=images.dtype)
    return images + sigma * noise


def salt_pepper(images: torch.Tensor, fraction: torch.Tensor, generator: torch.Generator | None) -> torch.Tensor:
    """Set a ``fraction`` of pixels to 0 or 1, with equal odds."""
    hit = torch.rand(images.shape, generator=generator) < fraction
    salt = torch.rand(images.shape, generator=generator) < 0.5
    return torch.where(hit, salt.to(images.dtype), images)


def masking(images: torch.Tensor, fraction: torch.Tensor, generator: torch.Generator | None) -> torch.Tensor:
    """Black out 4×4 blocks, each with probability ``fraction``."""
    batch, _, height, width = images.shape
    grid = (batch, 1, height // MASK_BLOCK, width // MASK_BLOCK)
    hidden = torch.rand(grid, generator=generator) < fraction
    hidden = hidden.repeat_interleave(MASK_BLOCK, dim=2).repeat_interleave(MASK_BLOCK, dim=3)
    return images.masked_fill(hidden, 0.0)


def speckle(images: torch.Tensor, sigma: torch.Tensor, generator: torch.Generator | None) -> torch.Tensor:
    """Multiplicative noise x + x·n with n ~ N(0, sigma²): bright strokes get noisy, the background stays."""
    noise = torch.randn(images.shape, generator=generator, dtype=images.dtype)
    return images + images * sigma * noise


_NOISE_FUNCTIONS = {"gaussian": gaussian, "salt_pepper": salt_pepper, "masking": masking, "speckle": speckle}


def add_noise(
    images: torch.Tensor,
    kind: str,
    level: float | torch.Tensor,
    generator: torch.Generator | None = None,
) -> torch.Tensor:
    """Return a noisy copy of ``images`` (B, 1, 28, 28) in [0, 1].

    ``level`` is in [0, 1]: the standard deviation for ``gaussian`` and ``speckle``,
    the fraction of pixels for ``salt_pepper`` and of blocks for ``masking``.
    Raises ValueError for an unknown kind or a level outside [0, 1].
    """
    if kind not in _NOISE_FUNCTIONS:
        raise ValueError(f"unknown noise kind {kind!r}; expected one of {NOISE_KINDS}")
    if images.ndim != 4:
        raise ValueError(f"images must have shape (B, C, H, W), got {tuple(images.shape)}")
    level_tensor = _level_tensor(level, images)
    noisy = _NOISE_FUNCTIONS[kind](images, level_tensor, generator)
    return noisy.clamp_(0.0, 1.0)
