"""Golden values: what the shipped weights compute on shipped digits, stored in golden_values.json.

After retraining the weights on purpose, write the file again with
    python -m tests.test_golden
and commit it with the new weights.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ae_demo.lab import Lab
from ae_demo.samples import load_manifest

GOLDEN_FILE = Path(__file__).with_name("golden_values.json")
GOLDEN_SAMPLES = ("mnist_0_00003.png", "mnist_4_00004.png", "mnist_7_00000.png", "unusual_fashion_sneaker.png")
RELATIVE_TOLERANCE = 1e-3  # CPU kernels differ slightly between machines and torch builds


def compute_golden_values(lab: Lab) -> dict:
    """Compute each golden sample's errors, first latent values and denoising PSNR, for every shipped model."""
    samples = {sample.file: sample for sample in load_manifest()}
    values = {}
    for file in GOLDEN_SAMPLES:
        digit = samples[file].load()
        comparison = lab.compare_noise(digit, "gaussian", 0.5, seed=0)
        bottlenecks = lab.compare_bottlenecks(digit)
        values[file] = {
            "mse": lab.analyse_error(digit).mse,
            "latent_head": lab.encode(digit)[:4].tolist(),
            "denoiser_psnr": comparison.scores["denoiser"].psnr,
            "autoencoder_psnr": comparison.scores["autoencoder"].psnr,
            "bottleneck_mse": {str(item.size): item.autoencoder_mse for item in bottlenecks},
            "pca_mse": {str(item.size): item.pca_mse for item in bottlenecks},
        }
    return values


@pytest.mark.parametrize("file", GOLDEN_SAMPLES)
def test_golden_values(lab, file):
    expected = json.loads(GOLDEN_FILE.read_text())[file]
    actual = compute_golden_values(lab)[file]
    assert actual["mse"] == pytest.approx(expected["mse"], rel=RELATIVE_TOLERANCE)
    assert actual["latent_head"] == pytest.approx(expected["latent_head"], rel=RELATIVE_TOLERANCE, abs=1e-4)
    assert actual["denoiser_psnr"] == pytest.approx(expected["denoiser_psnr"], rel=RELATIVE_TOLERANCE)
    assert actual["autoencoder_psnr"] == pytest.approx(expected["autoencoder_psnr"], rel=RELATIVE_TOLERANCE)
    assert actual["bottleneck_mse"] == pytest.approx(expected["bottleneck_mse"], rel=RELATIVE_TOLERANCE)
    assert actual["pca_mse"] == pytest.approx(expected["pca_mse"], rel=RELATIVE_TOLERANCE)


if __name__ == "__main__":
    GOLDEN_FILE.write_text(json.dumps(compute_golden_values(Lab.load()), indent=2) + "\n")
    print(f"wrote {GOLDEN_FILE}")
