"""Describe a decoder as a small program that a browser can run without a server.

The latent explorer decodes its sliders in the browser (``ae_demo/ui/latent_decoder.js``),
so that dragging a slider needs no round trip, however busy the server is. The program is
a list of operations in order plus every number they use, packed as float32:

- ``linear``: ``x @ weight.T + bias``, on a vector.
- ``reshape``: the vector becomes a (channels, height, width) feature map.
- ``conv2d`` and ``conv_transpose2d``: as in PyTorch, with one stride and padding for both axes.
- ``channel_affine``: ``x * scale[c] + shift[c]`` per channel; a BatchNorm2d in eval mode.
- ``relu`` and ``sigmoid``.

Only what the shipped decoders use is supported; any other layer raises ValueError.
"""

from __future__ import annotations

import base64

import numpy as np
import torch
from torch import nn


class _Packer:
    """Collect float32 arrays into one buffer and remember where each starts."""

    def __init__(self) -> None:
        self.parts: list[np.ndarray] = []
        self.length = 0

    def add(self, tensor: torch.Tensor) -> dict:
        values = tensor.detach().to(torch.float32).contiguous().numpy().reshape(-1)
        self.parts.append(values)
        start = self.length
        self.length += values.size
        return {"offset": start, "shape": list(tensor.shape)}

    def base64(self) -> str:
        packed = np.concatenate(self.parts).astype("<f4") if self.parts else np.zeros(0, "<f4")
        return base64.b64encode(packed.tobytes()).decode("ascii")


def _convolution(layer: nn.Conv2d | nn.ConvTranspose2d, packer: _Packer) -> dict:
    # padding="same" is a string, and the browser needs numbers.
    same_on_both_axes = (
        layer.stride[0] == layer.stride[1] and isinstance(layer.padding, tuple) and layer.padding[0] == layer.padding[1]
    )
    plain = layer.groups == 1 and layer.dilation == (1, 1) and getattr(layer, "output_padding", (0, 0)) == (0, 0)
    if not same_on_both_axes or not plain or layer.bias is None or layer.padding_mode != "zeros":
        raise ValueError(f"unsupported convolution for the browser decoder: {layer}")
    return {
        "op": "conv_transpose2d" if isinstance(layer, nn.ConvTranspose2d) else "conv2d",
        "weight": packer.add(layer.weight),
        "bias": packer.add(layer.bias),
        "stride": layer.stride[0],
        "padding": layer.padding[0],
    }


def _operation(layer: nn.Module, packer: _Packer) -> dict:
    if isinstance(layer, nn.Linear):
        if layer.bias is None:
            raise ValueError(f"unsupported linear layer without bias for the browser decoder: {layer}")
        return {"op": "linear", "weight": packer.add(layer.weight), "bias": packer.add(layer.bias)}
    if isinstance(layer, nn.Unflatten):
        if layer.dim != 1 or len(layer.unflattened_size) != 3:
            raise ValueError(f"unsupported reshape for the browser decoder: {layer}")
        return {"op": "reshape", "shape": list(layer.unflattened_size)}
    if isinstance(layer, (nn.Conv2d, nn.ConvTranspose2d)):
        return _convolution(layer, packer)
    if isinstance(layer, nn.BatchNorm2d):
        if layer.running_mean is None or layer.running_var is None or not layer.affine:
            raise ValueError(f"unsupported batch norm for the browser decoder: {layer}")
        scale = layer.weight / torch.sqrt(layer.running_var + layer.eps)
        shift = layer.bias - layer.running_mean * scale
        return {"op": "channel_affine", "scale": packer.add(scale), "shift": packer.add(shift)}
    if isinstance(layer, nn.ReLU):
        return {"op": "relu"}
    if isinstance(layer, nn.Sigmoid):
        return {"op": "sigmoid"}
    raise ValueError(f"the browser decoder cannot run {type(layer).__name__} layers")


def _layers(module: nn.Module) -> list[nn.Module]:
    """Return the layers of nested ``nn.Sequential`` containers, in the order they run."""
    if isinstance(module, nn.Sequential):
        return [layer for child in module for layer in _layers(child)]
    if any(True for _ in module.children()):
        raise ValueError(f"the browser decoder runs only nn.Sequential containers, not {type(module).__name__}")
    return [module]


def decoder_program(decoder: nn.Module, latent_dim: int) -> dict:
    """Describe ``decoder`` (an ``nn.Sequential`` of supported layers) for the browser.

    Returns a JSON-ready dict: ``latent_dim``, ``ops`` (each tensor given as an offset and
    shape into the packed numbers) and ``weights`` (the float32 numbers, little-endian, base64).
    """
    packer = _Packer()
    ops = [_operation(layer, packer) for layer in _layers(decoder)]
    return {"latent_dim": latent_dim, "ops": ops, "weights": packer.base64()}
