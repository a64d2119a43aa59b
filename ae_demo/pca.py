"""PCA as the linear baseline for the autoencoders: keep d principal components, rebuild from them.

Fit on the MNIST training set and save (scikit-learn does the fitting):
    python -m ae_demo.pca --data-root MNIST_ROOT

MNIST_ROOT is the folder that contains MNIST/raw/ with the four IDX files.
The components are stored as safetensors in ``weights/pca.safetensors`` with a JSON
record beside it; reconstructing needs only numpy.
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
import time
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import torch
from safetensors.numpy import load_file, save_file

from ae_demo import IMAGE_SIZE, WEIGHTS_DIR
from ae_demo.data import DatasetNotFoundError, load_images

if TYPE_CHECKING:
    from sklearn.decomposition import PCA

PCA_NAME = "pca"
MAX_COMPONENTS = 64


class PCABaseline:
    """The mean image and the leading principal components of the MNIST training set."""

    def __init__(self, mean: np.ndarray, components: np.ndarray) -> None:
        self.mean = np.asarray(mean, np.float64)  # (784,)
        self.components = np.asarray(components, np.float64)  # (max_components, 784), orthonormal rows

    @classmethod
    def load(cls, weights_dir: Path = WEIGHTS_DIR) -> PCABaseline:
        path = weights_dir / f"{PCA_NAME}.safetensors"
        if not path.is_file():
            raise FileNotFoundError(f"PCA weights not found: {path}")
        tensors = load_file(path)
        return cls(tensors["mean"], tensors["components"])

    @property
    def max_components(self) -> int:
        return int(self.components.shape[0])

    def reconstruct(self, images: np.ndarray, components: int) -> np.ndarray:
        """Project (..., 28, 28) images onto the first ``components`` components and back, clipped to [0, 1]."""
        if not 1 <= components <= self.max_components:
            raise ValueError(f"components must lie in [1, {self.max_components}], got {components}")
        images = np.asarray(images, np.float64)
        flat = images.reshape(-1, IMAGE_SIZE * IMAGE_SIZE) - self.mean  # (N, 784)
        basis = self.components[:components]  # (d, 784)
        rebuilt = (flat @ basis.T) @ basis + self.mean
        return np.clip(rebuilt, 0.0, 1.0).reshape(images.shape)


def fit_pca(images: torch.Tensor, components: int = MAX_COMPONENTS, seed: int = 0) -> tuple[PCABaseline, PCA]:
    """Fit PCA to (N, 1, 28, 28) images; returns the baseline and scikit-learn's fitted model."""
    from sklearn.decomposition import PCA  # imported here so that the app, which only loads PCA, starts sooner

    flat = images.reshape(len(images), -1).double().numpy()
    model = PCA(n_components=components, random_state=seed).fit(flat)
    return PCABaseline(model.mean_, model.components_), model


def save_pca(baseline: PCABaseline, out: Path, record: dict) -> None:
    """Write ``out/pca.safetensors`` and the JSON record beside it."""
    out.mkdir(parents=True, exist_ok=True)
    tensors = {
        "mean": np.ascontiguousarray(baseline.mean, np.float32),
        # safetensors writes the raw buffer, so a Fortran-ordered array would come back scrambled.
        "components": np.ascontiguousarray(baseline.components, np.float32),
    }
    save_file(tensors, out / f"{PCA_NAME}.safetensors")
    (out / f"{PCA_NAME}.json").write_text(json.dumps(record, indent=2) + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ae_demo.pca", description=__doc__.splitlines()[0])
    parser.add_argument("--data-root", type=Path, required=True, help="folder that contains MNIST/raw/")
    parser.add_argument("--components", type=int, default=MAX_COMPONENTS, help="principal components to keep")
    parser.add_argument("--out", type=Path, default=WEIGHTS_DIR, help="folder for pca.safetensors and pca.json")
    args = parser.parse_args(argv)

    try:
        train_images, _ = load_images(args.data_root, train=True)
    except DatasetNotFoundError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2

    started = time.perf_counter()
    baseline, model = fit_pca(train_images, args.components)
    seconds = time.perf_counter() - started
    record = {
        "command": "python -m ae_demo.pca " + shlex.join(argv if argv is not None else sys.argv[1:]),
        "training_data": "MNIST training set, 60,000 images (Y. LeCun and C. Cortes, CC BY-SA 3.0)",
        "components": args.components,
        "explained_variance_ratio": model.explained_variance_ratio_.tolist(),
        "versions": {"scikit-learn": version("scikit-learn")},
    }
    save_pca(baseline, args.out, record)
    explained = model.explained_variance_ratio_.sum()
    print(f"fitted {args.components} components in {seconds:.1f} s, explaining {explained:.1%} of the variance")
    print(f"saved {args.out / PCA_NAME}.safetensors and {PCA_NAME}.json")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
