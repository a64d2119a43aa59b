"""Read MNIST and Fashion-MNIST from torchvision's raw layout, with no download.

Only training and evaluation need these files; the app runs from the samples
shipped in ``assets/``.
"""

from __future__ import annotations

from pathlib import Path

import torch

RAW_FILES = (
    "train-images-idx3-ubyte",
    "train-labels-idx1-ubyte",
    "t10k-images-idx3-ubyte",
    "t10k-labels-idx1-ubyte",
)
# Dataset name -> (torchvision dataset class name, folder under the root)
DATASETS = {"mnist": ("MNIST", "MNIST"), "fashion-mnist": ("FashionMNIST", "FashionMNIST")}


class DatasetNotFoundError(FileNotFoundError):
    """The raw IDX files of a dataset are missing under the given root."""


def check_raw_files(root: Path, name: str = "mnist") -> None:
    """Raise DatasetNotFoundError listing every missing raw file of dataset ``name``."""
    _, folder = DATASETS[name]
    raw_dir = Path(root) / folder / "raw"
    missing = [file for file in RAW_FILES if not (raw_dir / file).is_file()]
    if missing:
        raise DatasetNotFoundError(
            f"{name} not found under {Path(root).resolve()}: missing {', '.join(missing)} in {raw_dir}. "
            f"Put the four uncompressed IDX files ({', '.join(RAW_FILES)}) in {folder}/raw/ below the "
            "folder you pass as the data root."
        )


def load_images(root: Path, train: bool, name: str = "mnist") -> tuple[torch.Tensor, torch.Tensor]:
    """Load a split as float images (N, 1, 28, 28) in [0, 1] and int64 labels (N,)."""
    # torchvision is imported here: the app imports this module but reads no dataset, and
    # importing torchvision would slow its start.
    from torchvision import datasets

    check_raw_files(root, name)
    class_name, _ = DATASETS[name]
    dataset = getattr(datasets, class_name)(root=str(root), train=train, download=False)
    images = dataset.data.unsqueeze(1).float().div_(255.0)  # (N, 28, 28) uint8 -> (N, 1, 28, 28)
    return images, dataset.targets.long()
