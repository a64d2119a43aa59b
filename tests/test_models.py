"""The shipped weights: loading, invariants, quality floors from their records, and behaviour on shipped digits."""

import base64
import json

import numpy as np
import pytest
import torch
from safetensors.torch import load_file

from ae_demo import WEIGHTS_DIR, metrics
from ae_demo.evaluate import MAX_AUTOENCODER_MSE, MIN_DENOISER_PSNR_DB
from ae_demo.lab import AUTOENCODER_NAME, DENOISER_NAME, as_digit
from ae_demo.model import Architecture, load_model, read_record, save_weights
from ae_demo.noise import NOISE_KINDS
from ae_demo.train import kind_weights
from ae_demo.web_decoder import decoder_program


@pytest.mark.parametrize("name", [AUTOENCODER_NAME, DENOISER_NAME])
def test_record_describes_training_run(name):
    record = read_record(WEIGHTS_DIR / name)
    assert record["command"].startswith("python -m ae_demo.train ")
    assert record["epochs"] == len(record["history"])
    assert record["seed"] is not None
    assert set(record["versions"]) == {"python", "torch", "torchvision"}
    assert record["test_metrics"]["reconstruction"]["mse"] > 0


def test_shipped_autoencoder_meets_mse_floor():
    record = read_record(WEIGHTS_DIR / AUTOENCODER_NAME)
    assert record["architecture"]["kind"] == "autoencoder"
    assert record["architecture"]["latent_dim"] == 16
    assert record["bottleneck_size"] == 16
    assert record["test_metrics"]["reconstruction"]["mse"] <= MAX_AUTOENCODER_MSE


def test_shipped_denoiser_meets_psnr_floor_and_beats_autoencoder():
    denoiser = read_record(WEIGHTS_DIR / DENOISER_NAME)["test_metrics"]["denoising"]
    autoencoder = read_record(WEIGHTS_DIR / AUTOENCODER_NAME)["test_metrics"]["denoising"]
    assert denoiser["gaussian_0.5"]["psnr"] >= MIN_DENOISER_PSNR_DB
    for noise, scores in denoiser.items():
        assert scores["psnr"] > autoencoder[noise]["psnr"] + 1.0, noise


def test_weights_are_plain_tensors():
    tensors = load_file(WEIGHTS_DIR / f"{AUTOENCODER_NAME}.safetensors")
    assert all(isinstance(tensor, torch.Tensor) for tensor in tensors.values())
    model, _ = load_model(WEIGHTS_DIR / AUTOENCODER_NAME)
    assert set(tensors) == set(model.state_dict())


def test_save_and_load_round_trip(tmp_path):
    architecture = Architecture("autoencoder", 4)
    torch.manual_seed(0)
    model = architecture.build().eval()
    save_weights(model, architecture, tmp_path / "tiny", {"note": "test"})
    loaded, record = load_model(tmp_path / "tiny")
    images = torch.rand(3, 1, 28, 28)
    with torch.inference_mode():
        assert torch.equal(model(images), loaded(images))
    assert record["architecture"] == {
        "kind": "autoencoder",
        "latent_dim": 4,
        "width": None,
        "depth": None,
        "skip": None,
    }
    assert json.loads((tmp_path / "tiny.json").read_text())["note"] == "test"


def test_missing_weights_named_in_error(tmp_path):
    (tmp_path / "lost.json").write_text(json.dumps({"architecture": {"kind": "naive"}}))
    with pytest.raises(FileNotFoundError, match="lost.safetensors"):
        load_model(tmp_path / "lost")


@pytest.mark.parametrize(
    "architecture",
    [
        Architecture("autoencoder", latent_dim=8),
        Architecture("denoising"),
        Architecture("denoising", width=8),
        Architecture("denoising", width=8, depth=3),
        Architecture("denoising", width=8, depth=2, skip=True),
        Architecture("naive"),
    ],
    ids=["autoencoder", "denoising", "narrow denoising", "deep denoising", "skip denoising", "naive"],
)
def test_every_architecture_maps_images_to_images(architecture):
    model = architecture.build().eval()
    with torch.inference_mode():
        output = model(torch.rand(2, 1, 28, 28))
    assert output.shape == (2, 1, 28, 28)
    assert output.min() >= 0
    assert output.max() <= 1


def test_decode_returns_image_in_unit_range(lab):
    rng = np.random.default_rng(0)
    for _ in range(5):
        latent = rng.uniform(lab.latent_low, lab.latent_high)
        image = lab.decode(latent)
        assert image.shape == (28, 28)
        assert image.min() >= 0
        assert image.max() <= 1
    batch = lab.autoencoder.decode(torch.zeros(1, lab.latent_dim))
    assert batch.shape == (1, 1, 28, 28)


def test_decode_of_encoding_is_reconstruction(lab, mnist_samples):
    digit = mnist_samples[3][1]
    assert np.allclose(lab.decode(lab.encode(digit)), lab.reconstruct(digit), atol=1e-5)


def test_decode_rejects_wrong_length(lab):
    with pytest.raises(ValueError, match="latent values"):
        lab.decode(np.zeros(lab.latent_dim + 1))


def test_as_digit_rejects_bad_arrays():
    with pytest.raises(ValueError, match="28×28"):
        as_digit(np.zeros((27, 28)))
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        as_digit(np.full((28, 28), 2.0))


def test_reconstruction_of_mnist_samples_is_close(lab, mnist_samples):
    errors = [metrics.mse(digit, lab.reconstruct(digit)) for _, digit in mnist_samples]
    assert float(np.mean(errors)) < 2 * MAX_AUTOENCODER_MSE


def test_zero_noise_leaves_digit_unchanged(lab, mnist_samples):
    digit = mnist_samples[0][1]
    comparison = lab.compare_noise(digit, "gaussian", 0.0, seed=1)
    assert np.array_equal(comparison.noisy, digit)
    assert comparison.scores["noisy"].psnr == metrics.MAX_PSNR_DB


def test_denoiser_beats_autoencoder_on_noisy_samples(lab, mnist_samples):
    wins = 0
    for index, (_, digit) in enumerate(mnist_samples):
        comparison = lab.compare_noise(digit, "gaussian", 0.5, seed=index)
        wins += comparison.scores["denoiser"].psnr > comparison.scores["autoencoder"].psnr
    assert wins >= 0.9 * len(mnist_samples)


def test_mnist_samples_are_normal(lab, mnist_samples):
    verdicts = [lab.analyse_error(digit).unusual for _, digit in mnist_samples]
    assert sum(verdicts) <= 1


def test_unusual_samples_flagged(lab, samples):
    unusual = [sample for sample in samples if sample.group == "unusual" and sample.file != "unusual_blank.png"]
    assert len(unusual) >= 6
    for sample in unusual:
        analysis = lab.analyse_error(sample.load())
        assert analysis.unusual, sample.file
        assert analysis.percentile > 99, sample.file


def test_blank_image_passes_as_normal(lab, samples):
    # The limitation the app explains: an input that is easy to draw reconstructs well.
    blank = next(sample for sample in samples if sample.file == "unusual_blank.png")
    assert not blank.load().any()
    assert not lab.analyse_error(blank.load()).unusual


def test_threshold_percentile_orders_thresholds(lab, mnist_samples):
    digit = mnist_samples[0][1]
    low = lab.analyse_error(digit, 50.0)
    high = lab.analyse_error(digit, 99.0)
    assert low.threshold_mse < high.threshold_mse
    assert low.mse == high.mse


def test_random_latent_stays_in_slider_ranges(lab):
    for seed in range(20):
        latent = lab.random_latent(seed)
        assert np.all(latent >= lab.latent_low)
        assert np.all(latent <= lab.latent_high)
    assert not np.array_equal(lab.random_latent(1), lab.random_latent(2))


def test_denoiser_depth_adds_convolutions():
    def convolutions(depth: int) -> int:
        model = Architecture("denoising", width=8, depth=depth).build()
        return sum(isinstance(module, torch.nn.Conv2d) for module in model.modules())

    assert convolutions(3) - convolutions(1) == 3 * 2, "two more 3×3 convolutions at each of three places"


def test_noise_kind_weights():
    weights = kind_weights(0.5)
    assert weights.sum().item() == pytest.approx(1.0)
    assert weights[NOISE_KINDS.index("gaussian")].item() == pytest.approx(0.5)
    assert torch.allclose(kind_weights(0.25), torch.full((len(NOISE_KINDS),), 0.25))
    with pytest.raises(ValueError, match="gaussian_share"):
        kind_weights(1.5)


def test_skip_denoiser_uses_encoder_features():
    model = Architecture("denoising", width=8, skip=True).build().eval()
    images = torch.rand(2, 1, 28, 28)
    with torch.inference_mode():
        code = model.encode(images)
        output = model(images)
        model.decoder[1][0].weight[:, 8:] = 0  # cut the skip connection: only the code is left
        without_skip = model(images)
    assert not torch.allclose(output, without_skip), "the 14×14 features must reach the decoder"
    with pytest.raises(ValueError, match="skip"):
        model.decode(code)


def test_browser_decoder_program_packs_every_tensor(lab):
    program = decoder_program(lab.autoencoder.decoder, lab.latent_dim)
    numbers = np.frombuffer(base64.b64decode(program["weights"]), "<f4")
    linear = lab.autoencoder.decoder[0]
    spec = program["ops"][0]
    assert spec["op"] == "linear"
    weight = numbers[spec["weight"]["offset"] :][: linear.weight.numel()].reshape(spec["weight"]["shape"])
    np.testing.assert_array_equal(weight, linear.weight.detach().numpy())
    # Every number is used once: each tensor starts where the previous one ended.
    tensors = [value for op in program["ops"] for value in op.values() if isinstance(value, dict)]
    ends = [tensor["offset"] + int(np.prod(tensor["shape"])) for tensor in tensors]
    assert [tensor["offset"] for tensor in tensors] == [0, *ends[:-1]]
    assert ends[-1] == numbers.size
    assert [op["op"] for op in program["ops"]][-2:] == ["conv_transpose2d", "sigmoid"]


@pytest.mark.parametrize(
    "layer",
    [torch.nn.Tanh(), torch.nn.Conv2d(1, 1, 3, dilation=2), torch.nn.Conv2d(1, 1, (3, 3), stride=(1, 2))],
    ids=["tanh", "dilation", "uneven-stride"],
)
def test_browser_decoder_rejects_unsupported_layers(layer):
    with pytest.raises(ValueError, match="browser decoder"):
        decoder_program(torch.nn.Sequential(torch.nn.Linear(2, 4), layer), 2)
