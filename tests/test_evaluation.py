"""The PCA baseline, AUROC, classical denoisers and the evaluation command on a few hundred test images."""

import json

import numpy as np
import pytest
import torch
from sklearn.decomposition import PCA

from ae_demo import baselines, evaluate, measure, metrics
from ae_demo.model import BOTTLENECK_SIZES
from ae_demo.pca import PCABaseline, fit_pca, save_pca
from tests.conftest import FASHION_ROOT, MNIST_ROOT

EVALUATION_LIMIT = 300


def low_rank_images(count: int = 200, rank: int = 5, seed: int = 0) -> torch.Tensor:
    """(count, 1, 28, 28) images in [0, 1] that lie close to a rank-``rank`` subspace."""
    rng = np.random.default_rng(seed)
    basis = rng.random((rank, 784))
    weights = rng.random((count, rank)) / rank
    images = np.clip(weights @ basis + rng.normal(0, 0.01, (count, 784)), 0, 1)
    return torch.from_numpy(images.reshape(count, 1, 28, 28))


def test_pca_matches_scikit_learn():
    images = low_rank_images()
    baseline, _ = fit_pca(images, components=10)
    flat = images.reshape(len(images), -1).numpy()
    reference = PCA(n_components=3).fit(flat)
    expected = np.clip(reference.inverse_transform(reference.transform(flat)), 0, 1).reshape(-1, 28, 28)
    actual = baseline.reconstruct(images.squeeze(1).numpy(), 3)
    assert np.allclose(actual, expected, atol=1e-6)


def test_pca_error_falls_with_components():
    images = low_rank_images(rank=8)
    baseline, _ = fit_pca(images, components=10)
    clean = images.squeeze(1).numpy()
    errors = [metrics.mse(clean, baseline.reconstruct(clean, size)).mean() for size in (1, 4, 8)]
    assert errors[0] > errors[1] > errors[2]
    assert errors[2] < 2e-4  # noise variance is 1e-4; 8 components cover the rank-8 signal


def test_pca_save_and_load_round_trip(tmp_path):
    images = low_rank_images()
    baseline, _ = fit_pca(images, components=6)
    save_pca(baseline, tmp_path, {"note": "test"})
    loaded = PCABaseline.load(tmp_path)
    clean = images[:5].squeeze(1).numpy()
    assert np.allclose(loaded.reconstruct(clean, 6), baseline.reconstruct(clean, 6), atol=1e-5)


def test_pca_rejects_too_many_components():
    baseline, _ = fit_pca(low_rank_images(), components=4)
    with pytest.raises(ValueError, match=r"\[1, 4\]"):
        baseline.reconstruct(np.zeros((28, 28)), 5)


def test_shipped_pca_is_orthonormal():
    pca = PCABaseline.load()
    assert pca.max_components >= max(BOTTLENECK_SIZES)
    gram = pca.components @ pca.components.T
    assert np.allclose(gram, np.eye(pca.max_components), atol=1e-5)


def test_auroc_hand_computed():
    # Unusual 0.25 beats normal 0.1 and 0.2 but not 0.3; unusual 0.4 beats all three: 5 of 6 pairs.
    assert metrics.auroc([0.1, 0.2, 0.3], [0.25, 0.4]) == pytest.approx(5 / 6)


def test_auroc_extremes_and_ties():
    assert metrics.auroc([0.1, 0.2], [0.3, 0.4]) == 1.0
    assert metrics.auroc([0.3, 0.4], [0.1, 0.2]) == 0.0
    assert metrics.auroc([0.5, 0.5], [0.5]) == 0.5


@pytest.mark.parametrize("method", list(baselines.CLASSICAL_DENOISERS))
def test_classical_denoisers_reduce_noise(method, mnist_samples):
    clean = np.stack([digit for _, digit in mnist_samples[:10]])
    noisy = measure.noisy_copy(torch.from_numpy(clean)[:, None], "gaussian", 0.3).squeeze(1).numpy()
    denoised = baselines.denoise_all(noisy, method)
    assert denoised.shape == clean.shape
    assert denoised.min() >= 0
    assert denoised.max() <= 1
    assert metrics.psnr(clean, denoised).mean() > metrics.psnr(clean, noisy).mean()


def test_evaluation_command_writes_every_key(tmp_path):
    if not (MNIST_ROOT / "MNIST" / "raw").is_dir() or not (FASHION_ROOT / "FashionMNIST" / "raw").is_dir():
        pytest.skip(f"MNIST or Fashion-MNIST not found under {MNIST_ROOT.parent}; the evaluation needs both")
    argv = [
        "--data-root",
        str(MNIST_ROOT),
        "--fashion-root",
        str(FASHION_ROOT),
        "--out",
        str(tmp_path),
        "--limit",
        str(EVALUATION_LIMIT),
    ]
    assert evaluate.main(argv) == 0

    results = json.loads((tmp_path / "evaluation.json").read_text())
    assert results["test_images"] == EVALUATION_LIMIT
    for size in BOTTLENECK_SIZES:
        assert results["reconstruction"]["autoencoder"][str(size)]["mse"] > 0
        assert results["reconstruction"]["pca"][str(size)]["mse"] > 0
    assert results["reconstruction"]["naive"]["bottleneck_size"] == 784
    for noise in ("gaussian_0.1", "gaussian_0.3", "gaussian_0.5", "salt_pepper_0.1", "salt_pepper_0.3", "masking_0.25"):
        for method in ("noisy", "autoencoder", "denoising_autoencoder", "median", "gaussian_blur", "nl_means"):
            assert results["denoising"][noise][method]["psnr"] > 0, (noise, method)
            assert -1 <= results["denoising"][noise][method]["ssim"] <= 1, (noise, method)
    for name in ("fashion_mnist", "rotated_90", "inverted", "uniform_noise"):
        assert 0 <= results["ood_auroc"][name] <= 1
    assert results["ood_auroc"]["uniform_noise"] > 0.99
    assert len(results["targets"]) == 7
    for target in results["targets"]:
        assert isinstance(target["met"], bool), target["name"]
    for file in ("evaluation.md", "mse_vs_d.png", "psnr_vs_noise.png"):
        assert (tmp_path / file).stat().st_size > 0

    # Autoencoder error falls as the bottleneck widens; PCA at d=16 is worse than the autoencoder.
    autoencoder = results["reconstruction"]["autoencoder"]
    assert autoencoder["2"]["mse"] > autoencoder["16"]["mse"] > autoencoder["64"]["mse"]
    assert results["reconstruction"]["pca"]["16"]["mse"] > autoencoder["16"]["mse"]


def test_evaluation_reports_missing_data(tmp_path, capsys):
    code = evaluate.main(["--data-root", str(tmp_path), "--fashion-root", str(tmp_path), "--out", str(tmp_path)])
    assert code == 2
    assert "train-images-idx3-ubyte" in capsys.readouterr().err
