"""Autoencoder networks and their safetensors weights.

Three kinds of network live here:

- ``autoencoder``: convolutions down to a 7×7 feature map, then a linear layer to a
  latent vector of ``latent_dim`` numbers (the bottleneck). The decoder mirrors it.
- ``denoising``: a fully convolutional network with a spatial 64×7×7 bottleneck,
  trained to map noisy digits to clean ones.
- ``naive``: two stride-2 convolutions down to 16×7×7 = 784 numbers and back. Its
  "bottleneck" is as large as the input, so it compresses nothing; it is kept as a
  reference for what a bottleneck is for.

Every network maps (B, 1, 28, 28) images in [0, 1] to reconstructions in [0, 1].
Weights are stored as ``<name>.safetensors`` with ``<name>.json`` beside it that
records the architecture, the training run and the test-set metrics.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

import torch
from safetensors.torch import load_file, save_file
from torch import nn

MODEL_KINDS = ("autoencoder", "denoising", "naive")
BOTTLENECK_SIZES = (2, 4, 8, 16, 32, 64)  # latent sizes of the shipped autoencoders
FEATURE_CHANNELS = 64
FEATURE_SIZE = 7  # 28 -> 14 -> 7 after two stride-2 convolutions
DEFAULT_DENOISING_WIDTH = 32  # channels at 14×14; the 7×7 bottleneck has twice as many
DEFAULT_DENOISING_DEPTH = 1  # 3×3 convolutions after each change of size


def _down(in_channels: int, out_channels: int) -> nn.Sequential:
    """Halve the spatial size: 4×4 convolution with stride 2."""
    return nn.Sequential(
        nn.Conv2d(in_channels, out_channels, 4, stride=2, padding=1),
        nn.BatchNorm2d(out_channels),
        nn.ReLU(inplace=True),
    )


def _up(in_channels: int, out_channels: int) -> nn.Sequential:
    """Double the spatial size: 4×4 transposed convolution with stride 2."""
    return nn.Sequential(
        nn.ConvTranspose2d(in_channels, out_channels, 4, stride=2, padding=1),
        nn.BatchNorm2d(out_channels),
        nn.ReLU(inplace=True),
    )


def _same(in_channels: int, out_channels: int) -> nn.Sequential:
    """Keep the spatial size: 3×3 convolution."""
    return nn.Sequential(
        nn.Conv2d(in_channels, out_channels, 3, padding=1),
        nn.BatchNorm2d(out_channels),
        nn.ReLU(inplace=True),
    )


class EncoderDecoder(nn.Module):
    """Base for the networks here: ``encoder`` maps images to the bottleneck, ``decoder`` maps back."""

    encoder: nn.Module
    decoder: nn.Module

    def encode(self, images: torch.Tensor) -> torch.Tensor:
        return self.encoder(images)

    def decode(self, code: torch.Tensor) -> torch.Tensor:
        return self.decoder(code)

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        return self.decode(self.encode(images))


class ConvAutoencoder(EncoderDecoder):
    """Convolutional autoencoder with a vector bottleneck of ``latent_dim`` numbers."""

    def __init__(self, latent_dim: int) -> None:
        super().__init__()
        self.latent_dim = latent_dim
        flat = FEATURE_CHANNELS * FEATURE_SIZE * FEATURE_SIZE
        self.encoder = nn.Sequential(
            _down(1, 32),  # (B, 1, 28, 28) -> (B, 32, 14, 14)
            _same(32, 32),
            _down(32, FEATURE_CHANNELS),  # -> (B, 64, 7, 7)
            nn.Flatten(),
            nn.Linear(flat, latent_dim),  # -> (B, latent_dim)
        )
        self.decoder = nn.Sequential(
            nn.Linear(latent_dim, flat),
            nn.ReLU(inplace=True),
            nn.Unflatten(1, (FEATURE_CHANNELS, FEATURE_SIZE, FEATURE_SIZE)),
            _up(FEATURE_CHANNELS, 32),  # -> (B, 32, 14, 14)
            _same(32, 32),
            nn.ConvTranspose2d(32, 1, 4, stride=2, padding=1),  # -> (B, 1, 28, 28)
            nn.Sigmoid(),  # pixel values in [0, 1]
        )


class DenoisingAutoencoder(EncoderDecoder):
    """Fully convolutional autoencoder with a spatial (2·width)×7×7 bottleneck.

    ``depth`` 3×3 convolutions follow each change of size, in the encoder and the decoder.
    With ``skip``, the decoder also receives the encoder's 14×14 features next to its own,
    as U-Net denoisers do: fine stroke positions then need not pass through the 7×7 code,
    and decoding a code alone is no longer possible.
    """

    def __init__(
        self, width: int = DEFAULT_DENOISING_WIDTH, depth: int = DEFAULT_DENOISING_DEPTH, skip: bool = False
    ) -> None:
        super().__init__()
        self.depth = depth
        self.skip = skip
        self.encoder = nn.Sequential(
            _down(1, width),  # (B, 1, 28, 28) -> (B, width, 14, 14)
            *(_same(width, width) for _ in range(depth)),
            _down(width, 2 * width),  # -> (B, 2·width, 7, 7)
            *(_same(2 * width, 2 * width) for _ in range(depth)),
        )
        self.decoder = nn.Sequential(
            _up(2 * width, width),  # -> (B, width, 14, 14)
            _same(2 * width if skip else width, width),  # with skip: after joining the encoder's 14×14 features
            *(_same(width, width) for _ in range(depth - 1)),
            nn.ConvTranspose2d(width, 1, 4, stride=2, padding=1),  # -> (B, 1, 28, 28)
            nn.Sigmoid(),
        )

    def decode(self, code: torch.Tensor) -> torch.Tensor:
        if self.skip:
            raise ValueError(
                "cannot decode a code alone: a denoiser with skip connections also needs the input (call the model)"
            )
        return super().decode(code)

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        if not self.skip:
            return super().forward(images)
        fine = self.encoder[: 1 + self.depth](images)  # the 14×14 features
        code = self.encoder[1 + self.depth :](fine)
        return self.decoder[1:](torch.cat([self.decoder[0](code), fine], dim=1))


class NaiveAutoencoder(EncoderDecoder):
    """Two convolutions down to 16×7×7 and two transposed convolutions back up."""

    def __init__(self) -> None:
        super().__init__()
        self.encoder = nn.Sequential(
            nn.Conv2d(1, 16, 3, stride=2, padding=1),  # (B, 1, 28, 28) -> (B, 16, 14, 14)
            nn.ReLU(inplace=True),
            nn.Conv2d(16, 16, 3, stride=2, padding=1),  # -> (B, 16, 7, 7)
            nn.ReLU(inplace=True),
        )
        self.decoder = nn.Sequential(
            nn.ConvTranspose2d(16, 16, 4, stride=2, padding=1),  # -> (B, 16, 14, 14)
            nn.ReLU(inplace=True),
            nn.ConvTranspose2d(16, 1, 4, stride=2, padding=1),  # -> (B, 1, 28, 28)
            nn.Sigmoid(),
        )


@dataclass(frozen=True)
class Architecture:
    """Network kind and sizes: enough to rebuild a network before loading its weights."""

    kind: str
    latent_dim: int | None = None
    width: int | None = None  # denoising only: channels at 14×14
    depth: int | None = None  # denoising only: 3×3 convolutions after each change of size
    skip: bool | None = None  # denoising only: the decoder also receives the encoder's 14×14 features

    def build(self) -> nn.Module:
        if self.kind == "autoencoder":
            if not self.latent_dim or self.latent_dim < 1:
                raise ValueError(f"autoencoder needs latent_dim >= 1, got {self.latent_dim!r}")
            return ConvAutoencoder(self.latent_dim)
        if self.kind == "denoising":
            return DenoisingAutoencoder(
                self.width or DEFAULT_DENOISING_WIDTH, self.depth or DEFAULT_DENOISING_DEPTH, bool(self.skip)
            )
        if self.kind == "naive":
            return NaiveAutoencoder()
        raise ValueError(f"unknown model kind {self.kind!r}; expected one of {MODEL_KINDS}")

    def weights_name(self) -> str:
        """File stem under weights/, for example ``autoencoder_d16``."""
        if self.kind == "autoencoder":
            return f"autoencoder_d{self.latent_dim}"
        return self.kind

    def bottleneck_size(self) -> int:
        """Return how many numbers the encoder passes to the decoder for one image."""
        if self.kind == "autoencoder":
            return int(self.latent_dim)
        if self.kind == "denoising":
            return 2 * (self.width or DEFAULT_DENOISING_WIDTH) * FEATURE_SIZE * FEATURE_SIZE
        return 16 * FEATURE_SIZE * FEATURE_SIZE


def count_parameters(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


def save_weights(model: nn.Module, architecture: Architecture, path_stem: Path, record: dict) -> None:
    """Write ``path_stem.safetensors`` and the JSON record beside it."""
    path_stem.parent.mkdir(parents=True, exist_ok=True)
    state = {name: tensor.detach().cpu().contiguous() for name, tensor in model.state_dict().items()}
    save_file(state, f"{path_stem}.safetensors", metadata={"kind": architecture.kind})
    record = {"architecture": asdict(architecture), **record}
    Path(f"{path_stem}.json").write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n")


def read_record(path_stem: Path) -> dict:
    """Return the JSON record written beside a weights file."""
    json_path = Path(f"{path_stem}.json")
    if not json_path.is_file():
        raise FileNotFoundError(f"model record not found: {json_path}")
    return json.loads(json_path.read_text())


def load_model(path_stem: Path) -> tuple[nn.Module, dict]:
    """Build the network named in ``path_stem.json`` and load its safetensors weights.

    Returns the model in eval mode and its JSON record. Raises FileNotFoundError
    naming the missing file. safetensors files contain raw tensors only, so loading runs no
    pickled code.
    """
    record = read_record(path_stem)
    weights_path = Path(f"{path_stem}.safetensors")
    if not weights_path.is_file():
        raise FileNotFoundError(f"weights not found: {weights_path}")
    architecture = Architecture(**record["architecture"])
    model = architecture.build()
    model.load_state_dict(load_file(weights_path), strict=True)
    model.eval()
    return model, record
