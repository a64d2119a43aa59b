"""The digits the app ships: MNIST test digits and unusual inputs, with a manifest.

The app reads ``assets/samples/manifest.json`` and the 28×28 PNGs beside it. To make
them again from the datasets:
    python -m ae_demo.samples --data-root MNIST_ROOT --fashion-root FASHION_ROOT

MNIST: Y. LeCun and C. Cortes, CC BY-SA 3.0. Fashion-MNIST: Zalando SE, MIT licence.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from ae_demo import ASSETS_DIR
from ae_demo.data import DatasetNotFoundError, load_images
from ae_demo.preprocess import load_digit_png

SAMPLES_DIR = ASSETS_DIR / "samples"
MANIFEST_NAME = "manifest.json"
DIGITS_PER_CLASS = 4
NOISE_SEED = 7
# Fashion-MNIST test items to ship: (class index, English name, Chinese name).
FASHION_ITEMS = ((7, "sneaker", "运动鞋"), (1, "trouser", "裤子"), (8, "bag", "包"))


@dataclass(frozen=True)
class Sample:
    """One shipped image: ``group`` is "mnist" or "unusual"; ``caption`` is shown under it in both languages."""

    file: str
    group: str
    caption: str
    source: str

    def path(self, samples_dir: Path = SAMPLES_DIR) -> Path:
        return samples_dir / self.file

    def load(self, samples_dir: Path = SAMPLES_DIR) -> np.ndarray:
        return load_digit_png(self.path(samples_dir))


def load_manifest(samples_dir: Path = SAMPLES_DIR) -> list[Sample]:
    """Read the shipped samples' manifest; raises FileNotFoundError naming the missing file."""
    manifest = samples_dir / MANIFEST_NAME
    if not manifest.is_file():
        raise FileNotFoundError(f"sample manifest not found: {manifest}")
    return [Sample(**entry) for entry in json.loads(manifest.read_text())]


def _save_png(image: torch.Tensor | np.ndarray, path: Path) -> None:
    array = np.asarray(image, np.float32).reshape(28, 28)
    Image.fromarray(np.round(array * 255).astype(np.uint8), mode="L").save(path)


def make_samples(mnist_root: Path, fashion_root: Path, samples_dir: Path = SAMPLES_DIR) -> list[Sample]:
    """Write the sample PNGs and manifest from the MNIST and Fashion-MNIST test sets."""
    mnist, labels = load_images(mnist_root, train=False)
    fashion, fashion_labels = load_images(fashion_root, train=False, name="fashion-mnist")
    samples_dir.mkdir(parents=True, exist_ok=True)
    samples: list[Sample] = []

    for digit in range(10):
        for index in torch.nonzero(labels == digit).flatten()[:DIGITS_PER_CLASS].tolist():
            file = f"mnist_{digit}_{index:05d}.png"
            _save_png(mnist[index], samples_dir / file)
            samples.append(Sample(file, "mnist", str(digit), f"MNIST test set, index {index}"))

    for label, english, chinese in FASHION_ITEMS:
        index = int(torch.nonzero(fashion_labels == label).flatten()[0])
        file = f"unusual_fashion_{english}.png"
        _save_png(fashion[index], samples_dir / file)
        samples.append(Sample(file, "unusual", f"{english} · {chinese}", f"Fashion-MNIST test set, index {index}"))

    seven = int(torch.nonzero(labels == 7).flatten()[0])
    _save_png(torch.rot90(mnist[seven, 0], 1), samples_dir / "unusual_rotated_7.png")
    samples.append(
        Sample(
            "unusual_rotated_7.png", "unusual", "7 rotated 90° · 旋转的 7", f"MNIST test set, index {seven}, rotated"
        )
    )

    two = int(torch.nonzero(labels == 2).flatten()[0])
    _save_png(1.0 - mnist[two, 0], samples_dir / "unusual_inverted_2.png")
    samples.append(
        Sample("unusual_inverted_2.png", "unusual", "inverted 2 · 反色的 2", f"MNIST test set, index {two}, inverted")
    )

    three = int(torch.nonzero(labels == 3).flatten()[0])
    shifted = torch.zeros(28, 28)
    shifted[:, :20] = mnist[three, 0, :, 8:]  # moved 8 px to the left, off-centre
    _save_png(shifted, samples_dir / "unusual_shifted_3.png")
    samples.append(
        Sample("unusual_shifted_3.png", "unusual", "3 off-centre · 偏移的 3", f"MNIST test set, index {three}, shifted")
    )

    noise = np.random.default_rng(NOISE_SEED).random((28, 28))
    _save_png(noise, samples_dir / "unusual_noise.png")
    samples.append(
        Sample("unusual_noise.png", "unusual", "random noise · 随机噪声", f"uniform noise, seed {NOISE_SEED}")
    )

    _save_png(np.zeros((28, 28)), samples_dir / "unusual_blank.png")
    samples.append(Sample("unusual_blank.png", "unusual", "blank · 空白", "all pixels 0"))

    manifest = [sample.__dict__ for sample in samples]
    (samples_dir / MANIFEST_NAME).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    return samples


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ae_demo.samples", description=__doc__.splitlines()[0])
    parser.add_argument("--data-root", type=Path, required=True, help="folder that contains MNIST/raw/")
    parser.add_argument("--fashion-root", type=Path, required=True, help="folder that contains FashionMNIST/raw/")
    parser.add_argument("--out", type=Path, default=SAMPLES_DIR, help="folder for the PNGs and manifest")
    args = parser.parse_args(argv)
    try:
        samples = make_samples(args.data_root, args.fashion_root, args.out)
    except DatasetNotFoundError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"wrote {len(samples)} samples and {MANIFEST_NAME} to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
