"""Pure functions: noise models and image metrics, seeded."""

import numpy as np
import pytest
import torch
from skimage.metrics import peak_signal_noise_ratio

from ae_demo import metrics
from ae_demo.noise import MASK_BLOCK, NOISE_KINDS, add_noise


def digit_batch(digits: list[np.ndarray]) -> torch.Tensor:
    return torch.from_numpy(np.stack(digits))[:, None]


@pytest.mark.parametrize("kind", NOISE_KINDS)
def test_zero_noise_changes_nothing(kind, mnist_samples):
    images = digit_batch([digit for _, digit in mnist_samples])
    noisy = add_noise(images, kind, 0.0, torch.Generator().manual_seed(0))
    assert torch.equal(noisy, images)


@pytest.mark.parametrize("kind", NOISE_KINDS)
def test_noise_is_seeded_and_bounded(kind, mnist_samples):
    images = digit_batch([digit for _, digit in mnist_samples])
    first = add_noise(images, kind, 0.4, torch.Generator().manual_seed(3))
    again = add_noise(images, kind, 0.4, torch.Generator().manual_seed(3))
    other = add_noise(images, kind, 0.4, torch.Generator().manual_seed(4))
    assert torch.equal(first, again)
    assert not torch.equal(first, other)
    assert first.min() >= 0
    assert first.max() <= 1


@pytest.mark.parametrize("kind", NOISE_KINDS)
def test_more_noise_means_lower_psnr(kind, mnist_samples):
    images = digit_batch([digit for _, digit in mnist_samples])
    clean = images.squeeze(1).numpy()
    scores = []
    for level in (0.1, 0.3, 0.6):
        noisy = add_noise(images, kind, level, torch.Generator().manual_seed(0)).squeeze(1).numpy()
        scores.append(metrics.psnr(clean, noisy).mean())
    assert scores[0] > scores[1] > scores[2]


def test_gaussian_noise_has_requested_sigma():
    gray = torch.full((64, 1, 28, 28), 0.5)
    noisy = add_noise(gray, "gaussian", 0.1, torch.Generator().manual_seed(0))
    assert noisy.std().item() == pytest.approx(0.1, rel=0.05)


def test_salt_pepper_hits_requested_fraction():
    gray = torch.full((64, 1, 28, 28), 0.5)
    noisy = add_noise(gray, "salt_pepper", 0.2, torch.Generator().manual_seed(0))
    changed = (noisy != 0.5).float().mean().item()
    assert changed == pytest.approx(0.2, abs=0.01)
    assert set(torch.unique(noisy).tolist()) == {0.0, 0.5, 1.0}


def test_masking_hides_whole_blocks():
    white = torch.ones(16, 1, 28, 28)
    noisy = add_noise(white, "masking", 0.5, torch.Generator().manual_seed(0))
    blocks = noisy.unfold(2, MASK_BLOCK, MASK_BLOCK).unfold(3, MASK_BLOCK, MASK_BLOCK)  # (B, 1, 7, 7, 4, 4)
    block_means = blocks.mean(dim=(-1, -2))
    assert set(torch.unique(block_means).tolist()) == {0.0, 1.0}
    assert (block_means == 0).float().mean().item() == pytest.approx(0.5, abs=0.05)


def test_speckle_leaves_black_background():
    images = torch.zeros(4, 1, 28, 28)
    images[:, :, 10:18, 10:18] = 0.8
    noisy = add_noise(images, "speckle", 0.8, torch.Generator().manual_seed(0))
    assert torch.all(noisy[images == 0] == 0)
    assert not torch.equal(noisy, images)


def test_per_image_levels():
    images = torch.full((2, 1, 28, 28), 0.5)
    noisy = add_noise(images, "gaussian", torch.tensor([0.0, 0.3]), torch.Generator().manual_seed(0))
    assert torch.equal(noisy[0], images[0])
    assert not torch.equal(noisy[1], images[1])


@pytest.mark.parametrize("level", [-0.1, 1.5])
def test_level_outside_range_rejected(level):
    with pytest.raises(ValueError, match="noise level"):
        add_noise(torch.zeros(1, 1, 28, 28), "gaussian", level)


def test_unknown_kind_rejected():
    with pytest.raises(ValueError, match="unknown noise kind"):
        add_noise(torch.zeros(1, 1, 28, 28), "poisson", 0.1)


def test_psnr_matches_scikit_image(mnist_samples):
    rng = np.random.default_rng(0)
    clean = mnist_samples[0][1].astype(np.float64)
    noisy = np.clip(clean + rng.normal(0, 0.2, clean.shape), 0, 1)
    expected = peak_signal_noise_ratio(clean, noisy, data_range=1.0)
    assert metrics.psnr(clean, noisy) == pytest.approx(expected)


def test_identical_images_score_perfectly(mnist_samples):
    digit = mnist_samples[0][1]
    assert metrics.mse(digit, digit) == 0
    assert metrics.psnr(digit, digit) == metrics.MAX_PSNR_DB
    assert metrics.ssim(digit, digit) == pytest.approx(1.0)
    assert not metrics.pixel_error(digit, digit).any()


def test_ssim_of_batch_matches_single_images(mnist_samples):
    first, second = mnist_samples[0][1], mnist_samples[5][1]
    batch = metrics.ssim(np.stack([first, first]), np.stack([first, second]))
    assert batch.shape == (2,)
    assert batch[0] == pytest.approx(1.0)
    assert batch[1] == pytest.approx(float(metrics.ssim(first, second)))
    assert batch[1] < 0.9


def test_pixel_error_is_reconstruction_minus_input():
    image = np.zeros((28, 28))
    reconstruction = np.zeros((28, 28))
    reconstruction[3, 4] = 0.25
    error = metrics.pixel_error(image, reconstruction)
    assert error[3, 4] == 0.25
    assert metrics.mse(image, reconstruction) == pytest.approx(0.25**2 / 784)


def test_percentile_of_uniform_distribution():
    quantiles = metrics.quantile_table(np.linspace(0.0, 1.0, 10001))
    assert metrics.percentile_of(0.25, quantiles) == pytest.approx(25.0, abs=0.01)
    assert metrics.percentile_of(-1.0, quantiles) == 0.0
    assert metrics.percentile_of(2.0, quantiles) == 100.0
