"""Train an autoencoder on MNIST and save its weights, record and reconstruction grid.

Run, for example:
    python -m ae_demo.train --model autoencoder --latent-dim 16 --epochs 30 --data-root MNIST_ROOT
    python -m ae_demo.train --model denoising --epochs 30 --data-root MNIST_ROOT

MNIST_ROOT is the folder that contains MNIST/raw/ with the four IDX files.
Each shipped weights file's JSON record stores the exact command that trained it.

Writes ``<out>/<name>.safetensors``, ``<out>/<name>.json`` (architecture, command,
data, epochs, seed, library versions, test metrics) and ``<out>/<name>_grid.png``
(top rows: test digits, bottom rows: reconstructions). The denoising model trains
on inputs corrupted by every noise kind at random levels, against clean targets.
"""

from __future__ import annotations

import argparse
import platform
import shlex
import sys
import time
from pathlib import Path

import torch
import torchvision
from torch import nn
from torchvision.utils import save_image

from ae_demo import WEIGHTS_DIR, measure
from ae_demo.data import DatasetNotFoundError, load_images
from ae_demo.model import (
    DEFAULT_DENOISING_DEPTH,
    DEFAULT_DENOISING_WIDTH,
    MODEL_KINDS,
    Architecture,
    count_parameters,
    save_weights,
)
from ae_demo.noise import NOISE_KINDS, add_noise

MAX_TRAINING_LEVEL = 0.75  # denoising training draws each image's noise level from U(0, 0.75)
GRID_DIGITS = 16


def kind_weights(gaussian_share: float) -> torch.Tensor:
    """Return sampling weights over NOISE_KINDS: ``gaussian_share`` for Gaussian, the rest split evenly."""
    if not 0.0 <= gaussian_share <= 1.0:
        raise ValueError(f"invalid gaussian_share {gaussian_share}: expected a value in [0, 1]")
    others = (1.0 - gaussian_share) / (len(NOISE_KINDS) - 1)
    return torch.tensor([gaussian_share if kind == "gaussian" else others for kind in NOISE_KINDS])


def corrupt(images: torch.Tensor, generator: torch.Generator, weights: torch.Tensor) -> torch.Tensor:
    """Give every image a noise kind drawn with ``weights`` and a level from U(0, MAX_TRAINING_LEVEL)."""
    noisy = torch.empty_like(images)
    kinds = torch.multinomial(weights, len(images), replacement=True, generator=generator)
    levels = torch.rand(len(images), generator=generator) * MAX_TRAINING_LEVEL
    for index, kind in enumerate(NOISE_KINDS):
        chosen = kinds == index
        if chosen.any():
            noisy[chosen] = add_noise(images[chosen], kind, levels[chosen], generator)
    return noisy


def run_epoch(
    model: nn.Module,
    images: torch.Tensor,
    optimizer: torch.optim.Optimizer,
    scheduler: torch.optim.lr_scheduler.LRScheduler,
    batch_size: int,
    noise_weights: torch.Tensor | None,
    generator: torch.Generator,
) -> float:
    """Train one pass over ``images`` in a random order; returns the mean MSE loss.

    With ``noise_weights`` the network is a denoiser: inputs are corrupted, targets stay clean.
    """
    model.train()
    order = torch.randperm(len(images), generator=generator)
    total = 0.0
    for start in range(0, len(images), batch_size):
        target = images[order[start : start + batch_size]]
        inputs = target if noise_weights is None else corrupt(target, generator, noise_weights)

        loss = nn.functional.mse_loss(model(inputs), target)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        scheduler.step()
        total += loss.item() * len(target)
    return total / len(images)


def test_loss(model: nn.Module, images: torch.Tensor, denoising: bool) -> float:
    """Test MSE: on clean inputs, or for a denoiser on seeded Gaussian noise at σ = 0.5."""
    inputs = measure.noisy_copy(images, "gaussian", measure.EVALUATION_LEVEL) if denoising else images
    with torch.inference_mode():
        output = measure.reconstruct(model, inputs)
    return nn.functional.mse_loss(output, images).item()


def save_grid(model: nn.Module, images: torch.Tensor, denoising: bool, path: Path) -> None:
    """Save test digits (or their noisy versions) above the model's reconstructions."""
    digits = images[:GRID_DIGITS]
    inputs = measure.noisy_copy(digits, "gaussian", measure.EVALUATION_LEVEL) if denoising else digits
    rows = (
        [digits, inputs, measure.reconstruct(model, inputs)]
        if denoising
        else [digits, measure.reconstruct(model, digits)]
    )
    save_image(torch.cat(rows), path, nrow=GRID_DIGITS, padding=2, pad_value=0.5)


def measure_test_metrics(model: nn.Module, architecture: Architecture, images: torch.Tensor) -> dict:
    """Measure what the record stores: reconstruction and denoising scores, and for a vector
    autoencoder the reference statistics the app compares against."""
    results = {"reconstruction": measure.reconstruction_metrics(model, images)}
    results["denoising"] = measure.denoising_table(model, images)
    if architecture.kind == "autoencoder":
        results["reference"] = measure.reference_statistics(model, images)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ae_demo.train", description=__doc__.splitlines()[0])
    parser.add_argument("--model", choices=MODEL_KINDS, default="autoencoder", help="network kind")
    parser.add_argument("--latent-dim", type=int, default=16, help="bottleneck size of the autoencoder")
    parser.add_argument("--width", type=int, default=DEFAULT_DENOISING_WIDTH, help="denoising model: channels at 14×14")
    parser.add_argument(
        "--depth", type=int, default=DEFAULT_DENOISING_DEPTH, help="denoising model: 3×3 convolutions per size"
    )
    parser.add_argument(
        "--skip", action="store_true", help="denoising model: pass the encoder's 14×14 features to the decoder"
    )
    parser.add_argument(
        "--gaussian-share",
        type=float,
        default=1 / len(NOISE_KINDS),
        help="denoising model: share of training inputs that get Gaussian noise (the rest split evenly)",
    )
    parser.add_argument("--epochs", type=int, default=20, help="passes over the 60,000 training images")
    parser.add_argument("--batch-size", type=int, default=128, help="images per optimiser step")
    parser.add_argument("--lr", type=float, default=3e-3, help="peak learning rate of the one-cycle schedule")
    parser.add_argument("--seed", type=int, default=0, help="seed for initialisation, order and noise")
    parser.add_argument("--threads", type=int, default=None, help="torch CPU threads (default: torch's choice)")
    parser.add_argument("--data-root", type=Path, required=True, help="folder that contains MNIST/raw/")
    parser.add_argument("--out", type=Path, default=WEIGHTS_DIR, help="folder for the weights and record")
    args = parser.parse_args(argv)

    if args.threads:
        torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    generator = torch.Generator().manual_seed(args.seed)
    architecture = Architecture(
        args.model,
        latent_dim=args.latent_dim if args.model == "autoencoder" else None,
        width=args.width if args.model == "denoising" else None,
        depth=args.depth if args.model == "denoising" else None,
        skip=args.skip if args.model == "denoising" else None,
    )
    denoising = args.model == "denoising"
    noise_weights = kind_weights(args.gaussian_share) if denoising else None

    try:
        train_images, _ = load_images(args.data_root, train=True)
        test_images, _ = load_images(args.data_root, train=False)
    except DatasetNotFoundError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2

    model = architecture.build()
    name = architecture.weights_name()
    print(
        f"training {name}: {count_parameters(model):,} parameters, {len(train_images):,} images, {args.epochs} epochs"
    )
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=1e-4)
    steps_per_epoch = -(-len(train_images) // args.batch_size)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, args.lr, total_steps=args.epochs * steps_per_epoch)

    history = []
    started = time.perf_counter()
    for epoch in range(1, args.epochs + 1):
        epoch_start = time.perf_counter()
        train_loss = run_epoch(model, train_images, optimizer, scheduler, args.batch_size, noise_weights, generator)
        loss = test_loss(model, test_images, denoising)
        seconds = time.perf_counter() - epoch_start
        history.append({"epoch": epoch, "train_loss": train_loss, "test_loss": loss, "seconds": round(seconds, 1)})
        print(
            f"epoch {epoch:3d}/{args.epochs}  train_loss {train_loss:.5f}  test_loss {loss:.5f}  {seconds:.1f} s",
            flush=True,
        )
    training_seconds = time.perf_counter() - started

    model.eval()
    print("measuring test-set metrics")
    results = measure_test_metrics(model, architecture, test_images)
    command = "python -m ae_demo.train " + shlex.join(argv if argv is not None else sys.argv[1:])
    record = {
        "command": command,
        "training_data": "MNIST training set, 60,000 images (Y. LeCun and C. Cortes, CC BY-SA 3.0)",
        "test_data": "MNIST test set, 10,000 images",
        "epochs": args.epochs,
        "batch_size": args.batch_size,
        "learning_rate": args.lr,
        "seed": args.seed,
        "loss": "mean squared error per pixel",
        "denoising_training": {
            "noise_kinds": {
                kind: round(weight, 4) for kind, weight in zip(NOISE_KINDS, noise_weights.tolist(), strict=True)
            },
            "level": f"U(0, {MAX_TRAINING_LEVEL})",
        }
        if denoising
        else None,
        "parameters": count_parameters(model),
        "bottleneck_size": architecture.bottleneck_size(),
        "training_seconds": round(training_seconds, 1),
        "versions": {
            "python": platform.python_version(),
            "torch": torch.__version__,
            "torchvision": torchvision.__version__,
        },
        "history": history,
        "test_metrics": results,
    }
    stem = args.out / name
    save_weights(model, architecture, stem, record)
    save_grid(model, test_images, denoising, args.out / f"{name}_grid.png")
    mse_value = results["reconstruction"]["mse"]
    psnr_value = results["denoising"]["gaussian_0.5"]["psnr"]
    print(f"reconstruction MSE {mse_value:.5f}, Gaussian 0.5 PSNR {psnr_value:.2f} dB")
    print(f"saved {stem}.safetensors, {stem}.json and {name}_grid.png in {training_seconds:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
