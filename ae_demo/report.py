"""Write the evaluation results as Markdown tables and two plots."""

from __future__ import annotations

from pathlib import Path

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ae_demo.targets import markdown_rows

NOISE_KIND_NAMES = {
    "gaussian": "Gaussian",
    "salt_pepper": "salt and pepper",
    "masking": "masking",
    "speckle": "speckle",
}
METHOD_NAMES = {
    "noisy": "noisy input",
    "autoencoder": "plain autoencoder (d=16)",
    "denoising_autoencoder": "denoising autoencoder",
    "median": "median filter 3×3",
    "gaussian_blur": "Gaussian blur σ=1",
    "nl_means": "non-local means",
}
UNUSUAL_NAMES = {
    "fashion_mnist": "Fashion-MNIST test set",
    "rotated_90": "MNIST rotated 90°",
    "inverted": "MNIST inverted",
    "uniform_noise": "uniform noise",
}


def _save(figure: Figure, path: Path) -> None:
    FigureCanvasAgg(figure)
    figure.savefig(path, dpi=110)


def plot_mse_vs_bottleneck(reconstruction: dict, path: Path) -> None:
    """Test MSE against bottleneck size d for the autoencoder and PCA, with the naive network marked."""
    sizes = sorted(int(size) for size in reconstruction["autoencoder"])
    figure = Figure(figsize=(6.0, 4.0), layout="constrained")
    axes = figure.add_subplot()
    for method, style in (("autoencoder", "o-"), ("pca", "s--")):
        values = [reconstruction[method][str(size)]["mse"] for size in sizes]
        axes.plot(sizes, values, style, label="convolutional autoencoder" if method == "autoencoder" else "PCA")
    naive = reconstruction["naive"]
    axes.axhline(naive["mse"], color="gray", linestyle=":", label=f"naive network, {naive['bottleneck_size']} numbers")
    axes.set_xscale("log", base=2)
    axes.set_yscale("log")
    axes.set_xticks(sizes, [str(size) for size in sizes])
    axes.set_xlabel("bottleneck size d")
    axes.set_ylabel("test MSE per pixel")
    axes.grid(True, which="both", alpha=0.3)
    axes.legend()
    _save(figure, path)


def plot_psnr_vs_noise(denoising: dict, path: Path) -> None:
    """PSNR against Gaussian noise level for every method."""
    levels = sorted(float(name.split("_")[-1]) for name in denoising if name.startswith("gaussian_"))
    figure = Figure(figsize=(6.0, 4.0), layout="constrained")
    axes = figure.add_subplot()
    for method, label in METHOD_NAMES.items():
        values = [denoising[f"gaussian_{level:g}"][method]["psnr"] for level in levels]
        axes.plot(levels, values, "o-", label=label)
    axes.set_xticks(levels)
    axes.set_xlabel("Gaussian noise σ (pixels in [0, 1])")
    axes.set_ylabel("PSNR against the clean digit (dB)")
    axes.grid(True, alpha=0.3)
    axes.legend(fontsize="small")
    _save(figure, path)


def _reconstruction_table(reconstruction: dict) -> list[str]:
    lines = ["| d | autoencoder MSE | autoencoder PSNR (dB) | PCA MSE | PCA PSNR (dB) |", "|---|---|---|---|---|"]
    for size in sorted(reconstruction["autoencoder"], key=int):
        autoencoder = reconstruction["autoencoder"][size]
        pca = reconstruction["pca"][size]
        lines.append(
            f"| {size} | {autoencoder['mse']:.5f} | {autoencoder['psnr']:.2f} | {pca['mse']:.5f} | {pca['psnr']:.2f} |"
        )
    naive = reconstruction["naive"]
    lines.append(
        f"| naive network, {naive['bottleneck_size']} numbers | {naive['mse']:.5f} | {naive['psnr']:.2f} | | |"
    )
    return lines


def _denoising_table(denoising: dict) -> list[str]:
    noises = list(denoising)
    lines = ["| method | " + " | ".join(noises) + " |", "|---" * (len(noises) + 1) + "|"]
    for method, label in METHOD_NAMES.items():
        cells = [f"{denoising[noise][method]['psnr']:.2f} / {denoising[noise][method]['ssim']:.3f}" for noise in noises]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return lines


def _recipe_table(models: dict) -> list[str]:
    lines = ["| model | parameters | bottleneck | epochs | batch | peak learning rate | loss |", "|---" * 7 + "|"]
    for name, recipe in models.items():
        lines.append(
            f"| {name} | {recipe['parameters']:,} | {recipe['bottleneck_size']} | {recipe['epochs']} | "
            f"{recipe['batch_size']} | {recipe['learning_rate']} | {recipe['loss']} |"
        )
    return lines


def _unmet_section(results: dict) -> list[str]:
    """State each unmet target with its value, what the model tried and what was not tried."""
    unmet = [target for target in results["targets"] if not target["met"]]
    if not unmet:
        return []
    lines = ["### Targets not met", ""]
    for target in unmet:
        lines.append(f"- {target['name']}: measured {target['value']:.4g}, target {target['target']}.")
    lines.append("")
    if not any("denoising" in target["name"] for target in unmet):
        return [*lines, "The training recipe of every model is in the last table.", ""]
    lines += [*describe_denoiser(results["models"]["denoising"]), ""]
    return lines


def describe_denoiser(recipe: dict) -> list[str]:
    """Describe the evaluated denoising network and its training from its record, as Markdown lines."""
    architecture = recipe.get("architecture") or {}
    training = recipe.get("denoising_training")
    shape = [f"width {architecture.get('width') or 32}", f"depth {architecture.get('depth') or 1}"]
    if architecture.get("skip"):
        shape.append("a skip connection that carries the 14×14 features past the bottleneck")
    if isinstance(training, dict):
        shares = ", ".join(
            f"{NOISE_KIND_NAMES.get(kind, kind)} {weight:.0%}" for kind, weight in training["noise_kinds"].items()
        )
        noise = f"inputs carrying one noise kind each ({shares}) at a level drawn from {training['level']}"
    else:
        noise = f"inputs with noise as recorded: {training}"
    return [
        f"The denoising model evaluated here has {recipe['parameters']:,} parameters ({', '.join(shape)}) and a "
        f"{recipe['bottleneck_size']}-number spatial bottleneck. It was trained {recipe['epochs']} epochs "
        f"(batch {recipe['batch_size']}, peak learning rate {recipe['learning_rate']}) with per-pixel MSE on "
        f"{noise}. Command: `{recipe['command']}`.",
    ]


def write_report(results: dict, out: Path) -> None:
    """Write ``evaluation.md``, ``mse_vs_d.png`` and ``psnr_vs_noise.png`` into ``out``."""
    plot_mse_vs_bottleneck(results["reconstruction"], out / "mse_vs_d.png")
    plot_psnr_vs_noise(results["denoising"], out / "psnr_vs_noise.png")

    auroc = [f"| {UNUSUAL_NAMES[name]} | {value:.4f} |" for name, value in results["ood_auroc"].items()]
    lines = [
        "# Evaluation",
        "",
        f"Produced by `{results['command']}` in {results['seconds']:.0f} s on "
        f"{results['test_images']:,} MNIST test images and {results['fashion_images']:,} Fashion-MNIST test images.",
        f"Library versions: {', '.join(f'{name} {version}' for name, version in results['versions'].items())}.",
        "Noise is seeded and clipped to [0, 1]; PSNR is the mean over images of 10·log₁₀(1 / MSE).",
        "",
        "## Targets",
        "",
        *markdown_rows(results["targets"]),
        "",
        *_unmet_section(results),
        "## Reconstruction against bottleneck size",
        "",
        "PCA keeps the first d principal components of the training set. The naive network has two stride-2",
        "convolutions down to 16×7×7 and two transposed convolutions up: its middle layer is as large as the input.",
        "",
        *_reconstruction_table(results["reconstruction"]),
        "",
        "![MSE against bottleneck size](mse_vs_d.png)",
        "",
        "## Denoising: PSNR (dB) / SSIM against the clean digit",
        "",
        "Noise names give the kind and level: Gaussian σ, or the fraction of pixels (salt and pepper) or of",
        "4×4 blocks (masking). The plain autoencoder and the detector below are the d=16 model.",
        "",
        *_denoising_table(results["denoising"]),
        "",
        "![PSNR against Gaussian noise level](psnr_vs_noise.png)",
        "",
        "## Unusual-input detection by reconstruction error",
        "",
        "AUROC of the d=16 autoencoder's per-image MSE for telling MNIST test digits from each set.",
        "",
        "| unusual set | AUROC |",
        "|---|---|",
        *auroc,
        "",
        "## How the models were trained",
        "",
        "Every model was trained on the 60,000 MNIST training images with AdamW (weight decay 1e-4), a one-cycle",
        "learning-rate schedule and no augmentation. The exact commands are in the JSON records under `weights/`.",
        "",
        *describe_denoiser(results["models"]["denoising"]),
        "",
        *_recipe_table(results["models"]),
        "",
    ]
    (out / "evaluation.md").write_text("\n".join(lines))
