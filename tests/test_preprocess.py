"""Preprocessing of uploads and sketches into MNIST-style digits, and the bad inputs it must reject."""

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from ae_demo import preprocess
from ae_demo.preprocess import InputError, image_file_to_digit, sketch_to_digit, to_mnist_digit
from tests.conftest import save_upscaled_digit


def centre_of_mass(digit: np.ndarray) -> tuple[float, float]:
    total = digit.sum()
    rows = (digit.sum(axis=1) * np.arange(digit.shape[0])).sum() / total
    columns = (digit.sum(axis=0) * np.arange(digit.shape[1])).sum() / total
    return float(rows), float(columns)


def similarity(result: np.ndarray, digit: np.ndarray) -> float:
    """Correlation of ``result`` with the 28×28 ``digit`` put through the same preprocessing.

    Shipped MNIST digits are compared after preprocessing, because MNIST's own
    centring rounds differently and a one-pixel shift already lowers the correlation.
    """
    return float(np.corrcoef(result.ravel(), to_mnist_digit(digit).ravel())[0, 1])


def bad_file_cases(tmp_path: Path) -> list[tuple[str, Path]]:
    """Bad uploads written to ``tmp_path``, each with the error key it must raise."""
    corrupt = tmp_path / "corrupt.png"
    good = tmp_path / "good.png"
    Image.new("L", (64, 64), 255).save(good)
    corrupt.write_bytes(good.read_bytes()[:40])

    text = tmp_path / "notes.png"
    text.write_text("this is not an image\n")

    huge = tmp_path / "huge.png"
    Image.new("1", (10_000, 10_000), 0).save(huge)

    tiny = tmp_path / "tiny.png"
    Image.new("L", (3, 3), 0).save(tiny)

    white = tmp_path / "white.png"
    Image.new("RGB", (100, 100), "white").save(white)
    return [
        ("not_an_image", corrupt),
        ("not_an_image", text),
        ("image_too_large", huge),
        ("image_too_small", tiny),
        ("no_ink", white),
    ]


def test_bad_files_raise_input_errors(tmp_path):
    for key, path in bad_file_cases(tmp_path):
        with pytest.raises(InputError) as caught:
            image_file_to_digit(path)
        assert caught.value.key == key, path.name


def test_missing_file_raises_input_error(tmp_path):
    with pytest.raises(InputError) as caught:
        image_file_to_digit(tmp_path / "gone.png")
    assert caught.value.key == "file_not_found"


def test_dark_ink_on_white_is_inverted(tmp_path, mnist_samples):
    label, digit = mnist_samples[8]
    path = save_upscaled_digit(digit, tmp_path / f"{label}.png", invert=True)
    result = image_file_to_digit(path)
    assert result.shape == (28, 28)
    assert result.dtype == np.float32
    assert result[0, 0] == 0, "background must be black"
    assert result.max() == pytest.approx(1.0, abs=0.02)
    assert similarity(result, digit) > 0.85


def test_digit_scaled_to_20_pixels_and_centred(mnist_samples):
    canvas = np.zeros((300, 200), np.float32)
    canvas[40:200, 30:90] = 1.0  # a tall bar off to one side
    result = to_mnist_digit(canvas)
    rows = np.flatnonzero(result.max(axis=1) > 0.5)
    columns = np.flatnonzero(result.max(axis=0) > 0.5)
    assert rows[-1] - rows[0] + 1 == pytest.approx(preprocess.DIGIT_BOX, abs=1)
    assert columns[-1] - columns[0] + 1 == pytest.approx(preprocess.DIGIT_BOX * 60 / 160, abs=1)
    row, column = centre_of_mass(result)
    assert row == pytest.approx(13.5, abs=0.6)
    assert column == pytest.approx(13.5, abs=0.6)


def test_rgba_with_transparency_keeps_dark_ink(tmp_path, mnist_samples):
    _, digit = mnist_samples[12]
    alpha = np.kron(digit, np.ones((6, 6)))
    rgba = np.zeros((*alpha.shape, 4), np.uint8)  # black ink, transparent background
    rgba[..., 3] = np.round(alpha * 255)
    path = tmp_path / "transparent.png"
    Image.fromarray(rgba, "RGBA").save(path)
    result = image_file_to_digit(path)
    assert similarity(result, digit) > 0.85


def test_rgba_with_transparency_keeps_light_ink(tmp_path, mnist_samples):
    _, digit = mnist_samples[12]
    alpha = np.kron(digit, np.ones((6, 6)))
    rgba = np.full((*alpha.shape, 4), 255, np.uint8)  # white ink, transparent background
    rgba[..., 3] = np.round(alpha * 255)
    path = tmp_path / "transparent_white.png"
    Image.fromarray(rgba, "RGBA").save(path)
    result = image_file_to_digit(path)
    assert similarity(result, digit) > 0.85


def test_16_bit_png_keeps_its_range(tmp_path, mnist_samples):
    _, digit = mnist_samples[20]
    image = np.round((1.0 - np.kron(digit, np.ones((5, 5)))) * 65535).astype(np.uint16)
    path = tmp_path / "deep.png"
    Image.fromarray(image).save(path)
    assert Image.open(path).mode.startswith("I")
    result = image_file_to_digit(path)
    assert similarity(result, digit) > 0.85


def test_animated_gif_uses_first_frame(tmp_path, mnist_samples):
    frames = [
        Image.fromarray(np.round(np.kron(digit, np.ones((4, 4))) * 255).astype(np.uint8))
        for _, digit in (mnist_samples[0], mnist_samples[30])
    ]
    path = tmp_path / "animated.gif"
    frames[0].save(path, save_all=True, append_images=frames[1:], duration=200, loop=0)
    result = image_file_to_digit(path)
    first, second = mnist_samples[0][1], mnist_samples[30][1]
    assert similarity(result, first) > 0.85
    assert similarity(result, second) < 0.5


def test_large_photo_is_shrunk_and_read(tmp_path, mnist_samples):
    _, digit = mnist_samples[16]
    path = save_upscaled_digit(digit, tmp_path / "photo.jpg", scale=100)  # 2800×2800 JPEG
    result = image_file_to_digit(path)
    assert similarity(result, digit) > 0.85


def test_sketch_black_on_white_becomes_white_on_black():
    composite = np.full((280, 280, 3), 255, np.uint8)
    composite[60:220, 130:150] = 0  # a vertical stroke, like a "1"
    result = sketch_to_digit({"background": None, "layers": [], "composite": composite})
    assert result.max() == pytest.approx(1.0, abs=0.02)
    assert result[0].max() == 0
    row, column = centre_of_mass(result)
    assert row == pytest.approx(13.5, abs=0.6)
    assert column == pytest.approx(13.5, abs=0.6)


@pytest.mark.parametrize(
    "sketch",
    [
        None,
        {},
        {"background": None, "layers": [], "composite": None},
        {"composite": np.full((280, 280, 3), 255, np.uint8)},
    ],
    ids=["none", "empty dict", "no composite", "white canvas"],
)
def test_empty_sketch_rejected(sketch):
    with pytest.raises(InputError) as caught:
        sketch_to_digit(sketch)
    assert caught.value.key == "empty_sketch"


def test_blank_array_has_no_ink():
    with pytest.raises(InputError) as caught:
        to_mnist_digit(np.zeros((50, 50)))
    assert caught.value.key == "no_ink"
