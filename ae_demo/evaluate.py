"""Evaluate the shipped models against PCA, classical filters and unusual inputs.

Run (the roots are the folders torchvision's MNIST and FashionMNIST take):
    python -m ae_demo.evaluate --data-root MNIST_ROOT \\
        --fashion-root FASHION_ROOT --out reports

Writes ``OUT/evaluation.json``, ``OUT/evaluation.md`` and the plots ``OUT/mse_vs_d.png``
and ``OUT/psnr_vs_noise.png``, and prints every target with its measured value.
``--limit N`` uses only the first N images of each test set, for a quick check.
Exits 1 when a target is not met on the full test sets, 2 when a dataset or weights file
is missing.
"""

from __future__ import annotations

import argparse
import json
import platform
import shlex
import sys
import time
from pathlib import Path

import numpy as np
import skimage
import sklearn
import torch

from ae_demo import REPO_DIR, WEIGHTS_DIR, baselines, measure, metrics, targets
from ae_demo.data import DatasetNotFoundError, load_images
from ae_demo.model import BOTTLENECK_SIZES, load_model, read_record
from ae_demo.pca import PCABaseline
from ae_demo.report import write_report

# (noise kind, level): Gaussian σ in pixel units, salt-and-pepper and masking as fractions.
DENOISING_CASES = (
    ("gaussian", 0.1),
    ("gaussian", 0.3),
    ("gaussian", 0.5),
    ("salt_pepper", 0.1),
    ("salt_pepper", 0.3),
    ("masking", 0.25),
)
UNUSUAL_SETS = ("fashion_mnist", "rotated_90", "inverted", "uniform_noise")
DETECTOR_LATENT_DIM = 16  # the app's anomaly detector: the d=16 autoencoder's reconstruction MSE
DEFAULT_OUT = REPO_DIR / "reports"
# Quality floors the shipped weights must meet on the full test set; the targets below are stricter.
MAX_AUTOENCODER_MSE = 0.0075
MIN_DENOISER_PSNR_DB = 19.5


def evaluate_reconstruction(images: torch.Tensor, weights_dir: Path) -> dict:
    """MSE and PSNR of the autoencoder and of PCA at every bottleneck size, and of the naive network."""
    clean = images.squeeze(1).numpy()
    pca = PCABaseline.load(weights_dir)
    results: dict = {"autoencoder": {}, "pca": {}}
    for size in BOTTLENECK_SIZES:
        model, _ = load_model(weights_dir / f"autoencoder_d{size}")
        results["autoencoder"][str(size)] = measure.reconstruction_metrics(model, images)
        rebuilt = pca.reconstruct(clean, size)
        results["pca"][str(size)] = {
            "mse": float(metrics.mse(clean, rebuilt).mean()),
            "psnr": float(metrics.psnr(clean, rebuilt).mean()),
        }
    naive, record = load_model(weights_dir / "naive")
    results["naive"] = {**measure.reconstruction_metrics(naive, images), "bottleneck_size": record["bottleneck_size"]}
    return results


def _scores(clean: np.ndarray, output: np.ndarray) -> dict:
    return {"psnr": float(metrics.psnr(clean, output).mean()), "ssim": float(metrics.ssim(clean, output).mean())}


def evaluate_denoising(images: torch.Tensor, weights_dir: Path) -> dict:
    """PSNR and SSIM against the clean digits, for each noise case and method."""
    autoencoder, _ = load_model(weights_dir / f"autoencoder_d{DETECTOR_LATENT_DIM}")
    denoiser, _ = load_model(weights_dir / "denoising")
    clean = images.squeeze(1).numpy()
    results = {}
    for kind, level in DENOISING_CASES:
        noisy = measure.noisy_copy(images, kind, level)
        noisy_array = noisy.squeeze(1).numpy()
        outputs = {
            "noisy": noisy_array,
            "autoencoder": measure.reconstruct(autoencoder, noisy).squeeze(1).numpy(),
            "denoising_autoencoder": measure.reconstruct(denoiser, noisy).squeeze(1).numpy(),
        }
        for method in baselines.CLASSICAL_DENOISERS:
            outputs[method] = baselines.denoise_all(noisy_array, method)
        results[measure.noise_name(kind, level)] = {
            method: _scores(clean, output) for method, output in outputs.items()
        }
    return results


def unusual_sets(images: torch.Tensor, fashion: torch.Tensor) -> dict[str, torch.Tensor]:
    """The inputs the detector should flag: Fashion-MNIST, and MNIST rotated, inverted or replaced by noise."""
    generator = torch.Generator().manual_seed(measure.EVALUATION_SEED)
    return {
        "fashion_mnist": fashion,
        "rotated_90": torch.rot90(images, 1, dims=(2, 3)),
        "inverted": 1.0 - images,
        "uniform_noise": torch.rand(images.shape, generator=generator),
    }


def evaluate_detection(images: torch.Tensor, fashion: torch.Tensor, weights_dir: Path) -> dict:
    """AUROC of the reconstruction MSE for telling MNIST test digits from each unusual set."""
    detector, _ = load_model(weights_dir / f"autoencoder_d{DETECTOR_LATENT_DIM}")

    def errors(batch: torch.Tensor) -> np.ndarray:
        return metrics.mse(batch.squeeze(1).numpy(), measure.reconstruct(detector, batch).squeeze(1).numpy())

    normal = errors(images)
    return {name: metrics.auroc(normal, errors(batch)) for name, batch in unusual_sets(images, fashion).items()}


def check_targets(results: dict) -> list[dict]:
    """Compare the results with the targets for the full test set."""
    reconstruction = results["reconstruction"]["autoencoder"]
    gaussian = results["denoising"]["gaussian_0.5"]
    denoiser_psnr = gaussian["denoising_autoencoder"]["psnr"]
    margin = denoiser_psnr - gaussian["median"]["psnr"]
    return targets.check_targets(
        [
            ("autoencoder d=16 MSE, quality floor", reconstruction["16"]["mse"], "<=", MAX_AUTOENCODER_MSE),
            ("denoising autoencoder PSNR, Gaussian 0.5 (dB), quality floor", denoiser_psnr, ">=", MIN_DENOISER_PSNR_DB),
            ("autoencoder d=32 MSE", reconstruction["32"]["mse"], "<=", 0.0035),
            ("autoencoder d=16 MSE", reconstruction["16"]["mse"], "<=", 0.0060),
            ("denoising autoencoder PSNR, Gaussian 0.5 (dB)", denoiser_psnr, ">=", 21.0),
            ("denoising autoencoder minus median filter, Gaussian 0.5 (dB)", margin, ">=", 7.0),
            ("AUROC MNIST vs Fashion-MNIST", results["ood_auroc"]["fashion_mnist"], ">=", 0.99),
        ]
    )


def model_recipes(weights_dir: Path) -> dict:
    """Collect how each evaluated network was trained from its JSON record."""
    names = [f"autoencoder_d{size}" for size in BOTTLENECK_SIZES] + ["naive", "denoising"]
    recipes = {}
    for name in names:
        record = read_record(weights_dir / name)
        recipes[name] = {
            key: record.get(key)
            for key in (
                "command",
                "architecture",
                "parameters",
                "bottleneck_size",
                "epochs",
                "batch_size",
                "learning_rate",
                "loss",
                "denoising_training",
            )
        }
    return recipes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ae_demo.evaluate", description=__doc__.splitlines()[0])
    parser.add_argument("--data-root", type=Path, required=True, help="folder that contains MNIST/raw/")
    parser.add_argument("--fashion-root", type=Path, required=True, help="folder that contains FashionMNIST/raw/")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="folder for the JSON, Markdown and plots")
    parser.add_argument("--weights-dir", type=Path, default=WEIGHTS_DIR, help="folder with the safetensors weights")
    parser.add_argument("--limit", type=int, default=None, help="use only the first N images of each test set")
    args = parser.parse_args(argv)

    try:
        images, _ = load_images(args.data_root, train=False)
        fashion, _ = load_images(args.fashion_root, train=False, name="fashion-mnist")
    except DatasetNotFoundError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    images, fashion = images[: args.limit], fashion[: args.limit]

    started = time.perf_counter()
    try:
        results = {
            "command": "python -m ae_demo.evaluate " + shlex.join(argv if argv is not None else sys.argv[1:]),
            "test_images": len(images),
            "fashion_images": len(fashion),
            "reconstruction": evaluate_reconstruction(images, args.weights_dir),
            "denoising": evaluate_denoising(images, args.weights_dir),
            "ood_auroc": evaluate_detection(images, fashion, args.weights_dir),
            "models": model_recipes(args.weights_dir),
        }
    except FileNotFoundError as error:
        print(f"error: {error}. Train the missing model with python -m ae_demo.train.", file=sys.stderr)
        return 2
    results["targets"] = check_targets(results)
    results["seconds"] = round(time.perf_counter() - started, 1)
    results["versions"] = {
        "python": platform.python_version(),
        "torch": torch.__version__,
        "scikit-image": skimage.__version__,
        "scikit-learn": sklearn.__version__,
    }

    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "evaluation.json").write_text(json.dumps(results, indent=2) + "\n")
    write_report(results, args.out)

    for target in results["targets"]:
        status = "met" if target["met"] else "NOT met"
        print(f"{target['name']}: {target['value']:.4f} (target {target['target']}): {status}")
    print(f"wrote evaluation.json, evaluation.md and plots to {args.out} in {results['seconds']:.0f} s")
    if args.limit is not None:
        print("the targets apply to the full test sets, so --limit runs do not fail on them")
        return 0
    return 0 if all(target["met"] for target in results["targets"]) else 1


if __name__ == "__main__":
    raise SystemExit(main())
