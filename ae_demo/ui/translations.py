"""Every piece of interface text in English and Simplified Chinese.

Static texts (labels, tabs, explanations) go to ``gr.I18n`` and are translated in the
browser. Texts the server composes at run time (scores, verdicts, error messages)
are translated here with ``translate``, in the language of the request's
Accept-Language header.
"""

from __future__ import annotations

EN: dict[str, str] = {
    # Header and input panel
    "title": "# Autoencoder lab",
    "intro": (
        "An **autoencoder** squeezes each 28×28 digit (784 numbers) through a narrow **bottleneck** of "
        "16 numbers and tries to draw it again. Pick, draw or upload a digit, then explore what the "
        "network kept and what it lost."
    ),
    "input_heading": "### 1 · Choose a digit",
    "tab_samples": "MNIST digits",
    "tab_unusual": "Unusual inputs",
    "tab_draw": "Draw",
    "tab_upload": "Upload",
    "samples_label": "MNIST test digits (click one)",
    "unusual_label": "Inputs unlike MNIST (click one)",
    "sketch_label": "Draw a digit with the mouse or a finger",
    "use_drawing_button": "Use this drawing",
    "upload_label": "Upload an image of a digit (PNG, JPEG, GIF, BMP or WebP; up to 10 MB)",
    "model_input_label": "What the model sees (28×28)",
    "preprocess_note": (
        "Drawings and uploads are prepared the way MNIST was made: grayscale, white ink on black, "
        "cropped to the ink, scaled so the longer side is 20 px, and centred by mass in a 28×28 frame."
    ),
    # Noise view
    "tab_noise": "Noise and denoising",
    "noise_kind_label": "Noise kind",
    "noise_gaussian": "Gaussian",
    "noise_salt_pepper": "Salt and pepper",
    "noise_masking": "Masking (hidden blocks)",
    "noise_speckle": "Speckle",
    "noise_level_label": "Noise level",
    "noise_level_info": "Gaussian and speckle: standard deviation. Salt and pepper: share of pixels. Masking: share of 4×4 blocks.",
    "seed_label": "Seed",
    "seed_info": "The same seed gives the same noise.",
    "clean_label": "Clean digit",
    "noisy_label": "Noisy input",
    "autoencoder_output_label": "Plain autoencoder",
    "denoiser_output_label": "Denoising autoencoder",
    "scores_heading": "#### Scores against the clean digit",
    "noise_explainer": (
        "### Why denoising works\n"
        "The **plain autoencoder** was trained to copy clean digits: given a noisy digit it tries to "
        "copy the noise too, as far as its 16-number bottleneck allows. The **denoising autoencoder** "
        "was trained on noisy inputs with the *clean* digit as the target, so the only way to lower "
        "its loss was to learn what digits look like and discard whatever does not fit. Its network "
        "differs too: it has no narrow bottleneck, and a skip connection hands its 14×14 features past "
        "the 7×7 middle to the decoder, as in a U-Net, because a denoiser's job is to clean, not to "
        "compress. Three in four of its training inputs carried Gaussian noise, so that is the kind it "
        "removes best.\n\n"
        "**PSNR** (peak signal-to-noise ratio, in dB, higher is better) is 10·log₁₀(1 / MSE). "
        "**SSIM** (structural similarity, 1 = identical) compares local brightness, contrast and "
        "structure, closer to what the eye notices."
    ),
    # Heatmap view
    "tab_heatmap": "Error heatmap",
    "error_mode_label": "Error shown",
    "mode_absolute": "Absolute |x − x̂|",
    "mode_signed": "Signed x̂ − x",
    "overlay_label": "Overlay on the input",
    "threshold_label": "Threshold (percentile of MNIST test errors)",
    "threshold_info": "Inputs whose error is above this share of MNIST test digits count as unusual.",
    "input_label": "Input x",
    "reconstruction_label": "Reconstruction x̂",
    "heatmap_label": "Per-pixel error",
    "distribution_label": "MSE of the 10,000 MNIST test digits (log scale). Red: this input; dashed: threshold.",
    "heatmap_explainer": (
        "### Why unusual inputs reconstruct badly\n"
        "The autoencoder only learned to rebuild what it saw in training: handwritten digits. "
        "The reconstruction loss is the mean squared error over the N = 784 pixels, "
        "**L = (1/N) Σ‖x − x̂‖²**. An input unlike the training data (a shoe, a rotated or inverted "
        "digit, noise) is pushed through the same bottleneck and comes out looking like a digit, so "
        "its error is high. Comparing the error with the errors of the MNIST test digits turns the "
        "autoencoder into an **anomaly detector**.\n\n"
        "**When it breaks:** the detector only knows the data it was trained on. If normal inputs "
        "change (thicker pens, scanned paper, off-centre digits), their errors rise too and normal "
        'becomes "unusual". And an input that happens to be easy to draw, such as a blank image, '
        "can reconstruct *well* even though it is not a digit."
    ),
    # Latent view
    "tab_latent": "Latent explorer",
    "latent_sliders_label": "Latent vector z (16 numbers)",
    "reset_button": "Reset to the digit's encoding",
    "random_button": "Random latent",
    "decoded_label": "Decoder output for z",
    "latent_digit_label": "Current digit",
    "latent_explainer": (
        "### What the sliders move\n"
        "The **encoder** turned the digit into these 16 numbers, its **latent vector** z. The "
        "**decoder** draws an image from any z. Each slider changes one number; the image on the "
        "right is redrawn as you drag. Slider ranges come from the encodings of the 10,000 MNIST test "
        "digits. A plain autoencoder gives no meaning to single numbers, so one slider often changes "
        "stroke, thickness and slant together, and points far from real encodings decode to blurs."
        " **Random latent** draws z from a Gaussian fitted to the test-set encodings. The decoder is "
        "small enough to run in your browser: the page received its weights once and redraws the image "
        "itself, so a drag never waits for the server."
    ),
    # Bottleneck view
    "tab_bottleneck": "Bottleneck size",
    "bottleneck_autoencoder_label": "Autoencoder, bottleneck of d numbers",
    "bottleneck_pca_label": "PCA, first d principal components",
    "bottleneck_plot_label": "MSE against bottleneck size d (log scales). Lines: mean over the 10,000 MNIST test digits; dots: this digit. Blue: autoencoder; orange: PCA.",
    "bottleneck_caption": "d={size} · MSE {mse:.4f}",
    "bottleneck_explainer": (
        "### How wide should the bottleneck be?\n"
        "Each column squeezes the same digit through **d** numbers. **Too narrow** (d = 2 or 4) and the "
        "network can only store the rough class and slant, so details vanish and many digits come out "
        "as the same blurry average. Wider bottlenecks keep more detail and the error falls. **Too wide** "
        "and the network no longer has to find structure: with as many numbers as pixels it can copy its "
        "input, noise and all, without learning what digits look like. Test error alone cannot tell you "
        "that, but the denoising and unusual-input tabs can.\n\n"
        "**PCA** is the best *linear* code of each size: it keeps the directions of largest variance in the "
        "training set. The autoencoder's non-linear encoder and decoder reach a lower error at the same d.\n\n"
        "**Why MSE blurs:** when the code cannot say exactly where a stroke edge lies, the output with the "
        "lowest *average* squared error is the average of the possible edges, a grey blur. Narrow "
        "bottlenecks make this easy to see."
    ),
    # Ideas tab
    "tab_ideas": "How it works",
    "ideas_body": (
        "### Encoder, bottleneck, decoder\n"
        "The **encoder** (convolutions, then a linear layer) maps a 28×28 image, 784 numbers, to a "
        "latent vector of 16. The **decoder** mirrors it and maps the 16 numbers back to 784. Both are "
        "trained together to make the output x̂ match the input x, by minimising the reconstruction "
        "loss **L = (1/N) Σ‖x − x̂‖²** over the N pixels.\n\n"
        "### Why the bottleneck must be narrow\n"
        "With a bottleneck as wide as the input, the network can learn to copy pixels through and "
        "the loss reaches zero without learning anything about digits. A network whose middle layer "
        "holds 16×7×7 = 784 numbers compresses nothing. Forced through 16 numbers, the network has to "
        "keep what matters for most digits (shape, slant, thickness) and drop the rest.\n\n"
        "The **Bottleneck size** tab shows this at d = 2 to 64 and explains why MSE training blurs.\n\n"
        "### Related models\n"
        "A **variational autoencoder (VAE)** encodes to a distribution instead of a point and is "
        "trained so that random latents decode to plausible digits. A **masked autoencoder (MAE)** "
        "hides random patches and learns to fill them in, like the masking noise in the first tab. "
        "This app shows a plain and a denoising autoencoder only.\n\n"
        "### Data and licences\n"
        "MNIST: Y. LeCun and C. Cortes, CC BY-SA 3.0. Fashion-MNIST: Zalando SE, MIT licence."
    ),
    # Composed at run time
    "score_table": "| | PSNR (dB) | SSIM |\n|---|---|---|\n| {noisy} | {noisy_psnr} | {noisy_ssim} |\n| {autoencoder} | {autoencoder_psnr} | {autoencoder_ssim} |\n| {denoiser} | {denoiser_psnr} | {denoiser_ssim} |",
    "verdict_normal": "### Looks like a normal MNIST digit\nReconstruction error (MSE) **{mse}**: {rank}. Threshold at percentile {threshold_percentile}: MSE {threshold}.",
    "verdict_unusual": "### Unusual input\nReconstruction error (MSE) **{mse}**: {rank}. Threshold at percentile {threshold_percentile}: MSE {threshold}. The autoencoder has not learned to draw inputs like this.",
    "rank_percent": "higher than {percentile} of MNIST test digits",
    "rank_all": "higher than every MNIST test digit",
    "latent_clipped": "Some latent values of this input lay outside the slider ranges and were clipped; the decoded image may differ from the reconstruction.",
    # Errors
    "error_file_not_found": "The uploaded file could not be found. Please upload it again.",
    "error_not_an_image": "This file is not an image that can be read. Please upload a PNG, JPEG, GIF, BMP or WebP image.",
    "error_image_too_large": "This image is too large (more than {megapixels} megapixels). Please use a smaller image.",
    "error_image_too_small": "This image is only {width}×{height} pixels. Please use an image at least {minimum}×{minimum} pixels.",
    "error_no_ink": "No digit found: the image is blank or a single colour. Please upload an image with a visible digit.",
    "error_empty_sketch": "The drawing is empty. Draw a digit on the canvas, then try again.",
    "error_no_upload": "No file was uploaded. Please choose an image file.",
    "error_no_sample": "That sample does not exist. Please click one of the shown digits.",
    "error_unexpected": "Something went wrong while processing this input. Please try another image.",
}

ZH: dict[str, str] = {
    "title": "# 自编码器实验室",
    "intro": (
        "**自编码器**把每个 28×28 的数字图像（784 个数）压缩进只有 16 个数的**瓶颈**，再尝试把它画回来。"
        "选择、手写或上传一个数字，看看网络保留了什么、丢掉了什么。"
    ),
    "input_heading": "### 1 · 选择一个数字",
    "tab_samples": "MNIST 数字",
    "tab_unusual": "异常输入",
    "tab_draw": "手写",
    "tab_upload": "上传",
    "samples_label": "MNIST 测试集数字（点击选择）",
    "unusual_label": "与 MNIST 不同的输入（点击选择）",
    "sketch_label": "用鼠标或手指写一个数字",
    "use_drawing_button": "使用这张手写图",
    "upload_label": "上传一张数字图片（PNG、JPEG、GIF、BMP、WebP，最大 10 MB）",
    "model_input_label": "模型看到的图像（28×28）",
    "preprocess_note": (
        "手写和上传的图像会按照 MNIST 的制作方式处理：转为灰度、黑底白字、裁剪到笔迹范围、"
        "把长边缩放到 20 像素，并按质心放到 28×28 画面的中央。"
    ),
    "tab_noise": "加噪与去噪",
    "noise_kind_label": "噪声类型",
    "noise_gaussian": "高斯噪声",
    "noise_salt_pepper": "椒盐噪声",
    "noise_masking": "遮挡（随机遮住方块）",
    "noise_speckle": "散斑噪声",
    "noise_level_label": "噪声强度",
    "noise_level_info": "高斯和散斑噪声：标准差。椒盐噪声：受影响像素的比例。遮挡：被遮住的 4×4 方块的比例。",
    "seed_label": "随机种子",
    "seed_info": "相同的种子产生相同的噪声。",
    "clean_label": "干净的数字",
    "noisy_label": "加噪后的输入",
    "autoencoder_output_label": "普通自编码器",
    "denoiser_output_label": "去噪自编码器",
    "scores_heading": "#### 与干净数字相比的得分",
    "noise_explainer": (
        "### 去噪为什么有效\n"
        "**普通自编码器**的训练目标是复制干净的数字：输入带噪声时，它会在 16 个数的瓶颈允许的范围内连噪声一起复制。"
        "**去噪自编码器**的输入是加噪的数字，目标却是*干净*的数字，所以降低损失的唯一办法就是学会数字应有的样子，"
        "并丢掉不符合的部分。它的网络结构也不同：没有窄瓶颈，还有一条跳跃连接把 14×14 的特征绕过 7×7 的中间层"
        "直接交给解码器（与 U-Net 相同），因为去噪器的任务是清理而不是压缩。它的训练输入有四分之三带高斯噪声，"
        "所以它最擅长去除这种噪声。\n\n"
        "**PSNR**（峰值信噪比，单位 dB，越高越好）等于 10·log₁₀(1 / MSE)。"
        "**SSIM**（结构相似性，1 表示完全相同）比较局部的亮度、对比度和结构，更接近人眼的感受。"
    ),
    "tab_heatmap": "误差热力图",
    "error_mode_label": "显示的误差",
    "mode_absolute": "绝对误差 |x − x̂|",
    "mode_signed": "带符号误差 x̂ − x",
    "overlay_label": "叠加在输入图像上",
    "threshold_label": "阈值（MNIST 测试误差的百分位数）",
    "threshold_info": "输入的误差若高于该百分比的 MNIST 测试数字，就判为异常。",
    "input_label": "输入 x",
    "reconstruction_label": "重建结果 x̂",
    "heatmap_label": "逐像素误差",
    "distribution_label": "10,000 个 MNIST 测试数字的重建误差（MSE，对数刻度）。红线：当前输入；虚线：阈值。",
    "heatmap_explainer": (
        "### 异常输入为什么重建得不好\n"
        "自编码器只学会了重建训练中见过的东西：手写数字。重建损失是 N = 784 个像素上的均方误差，"
        "**L = (1/N) Σ‖x − x̂‖²**。与训练数据不同的输入（鞋子、旋转或反色的数字、噪声）经过同一个瓶颈后，"
        "出来的仍像一个数字，所以误差很大。把误差与 MNIST 测试数字的误差比较，自编码器就成了一个**异常检测器**。\n\n"
        "**什么时候会失效**：检测器只认识训练时的数据。如果正常输入发生变化（笔更粗、扫描的纸面、数字不居中），"
        "它们的误差也会上升，正常的输入就会被判为“异常”。而恰好容易画出的输入，例如一张空白图像，"
        "即使不是数字也可能重建得*很好*。"
    ),
    "tab_latent": "潜空间探索",
    "latent_sliders_label": "潜向量 z（16 个数）",
    "reset_button": "恢复为该数字的编码",
    "random_button": "随机潜向量",
    "decoded_label": "解码器对 z 的输出",
    "latent_digit_label": "当前数字",
    "latent_explainer": (
        "### 滑块控制的是什么\n"
        "**编码器**把数字变成这 16 个数，即它的**潜向量** z；**解码器**可以从任意 z 画出一张图。"
        "每个滑块改变其中一个数，拖动时右侧的图像会实时重画。滑块的范围来自 10,000 个 MNIST 测试数字的编码。"
        "普通自编码器不会给单个数赋予明确含义，所以一个滑块常常同时改变笔画、粗细和倾斜；"
        "远离真实编码的点会被解码成一团模糊。**随机潜向量**从拟合测试集编码的高斯分布中抽取 z。"
        "解码器很小，可以直接在你的浏览器里运行：页面只在打开时接收一次权重，之后由浏览器自己重画图像，"
        "所以拖动滑块从不需要等待服务器。"
    ),
    "tab_bottleneck": "瓶颈大小",
    "bottleneck_autoencoder_label": "自编码器，瓶颈为 d 个数",
    "bottleneck_pca_label": "PCA，前 d 个主成分",
    "bottleneck_plot_label": "MSE 与瓶颈大小 d 的关系（对数刻度）。线：10,000 个 MNIST 测试数字的平均值；点：当前数字。蓝色：自编码器；橙色：PCA。",
    "bottleneck_caption": "d={size} · MSE {mse:.4f}",
    "bottleneck_explainer": (
        "### 瓶颈应该多宽？\n"
        "每一列都把同一个数字压缩进 **d** 个数。**太窄**（d = 2 或 4）时，网络只能记住大致的类别和倾斜，"
        "细节消失，很多数字会变成同一个模糊的平均形状。瓶颈越宽，保留的细节越多，误差越小。**太宽**时，"
        "网络不再需要寻找结构：如果数的个数和像素一样多，它可以连同噪声一起复制输入，却学不到数字应有的样子。"
        "仅看测试误差无法发现这一点，但去噪和异常输入两个标签页可以。\n\n"
        "**PCA** 是每种大小下最好的*线性*编码：它保留训练集中方差最大的方向。"
        "自编码器的非线性编码器和解码器在相同的 d 下能达到更低的误差。\n\n"
        "**为什么 MSE 会产生模糊**：当编码无法准确说明笔画边缘的位置时，使*平均*平方误差最小的输出是各种可能边缘的平均，"
        "也就是一片灰色的模糊。瓶颈越窄，这一点越明显。"
    ),
    "tab_ideas": "原理",
    "ideas_body": (
        "### 编码器、瓶颈、解码器\n"
        "**编码器**（先是卷积层，然后是一个线性层）把 28×28 的图像，也就是 784 个数，映射成 16 个数的潜向量。"
        "**解码器**与之镜像对称，把 16 个数映射回 784 个数。两者一起训练，使输出 x̂ 与输入 x 一致，"
        "方法是最小化 N 个像素上的重建损失 **L = (1/N) Σ‖x − x̂‖²**。\n\n"
        "### 为什么瓶颈必须窄\n"
        "如果瓶颈和输入一样宽，网络可以学会把像素原样传过去，损失降到零，却没有学到任何关于数字的知识。"
        "中间层有 16×7×7 = 784 个数的网络根本没有压缩。被迫通过 16 个数时，网络必须保留对大多数数字都重要的信息"
        "（形状、倾斜、粗细），舍弃其余部分。\n\n"
        "**瓶颈大小**标签页展示了 d = 2 到 64 的效果，并解释了为什么用 MSE 训练会产生模糊。\n\n"
        "### 相关模型\n"
        "**变分自编码器**（VAE）把输入编码成一个分布而不是一个点，并通过训练让随机潜向量也能解码出合理的数字。"
        "**掩码自编码器**（MAE）随机遮住一些图块并学习把它们补全，类似第一个标签页中的遮挡噪声。"
        "本应用只展示普通自编码器和去噪自编码器。\n\n"
        "### 数据与许可\n"
        "MNIST：Y. LeCun 和 C. Cortes，CC BY-SA 3.0。Fashion-MNIST：Zalando SE，MIT 许可证。"
    ),
    "score_table": "| | PSNR (dB) | SSIM |\n|---|---|---|\n| {noisy} | {noisy_psnr} | {noisy_ssim} |\n| {autoencoder} | {autoencoder_psnr} | {autoencoder_ssim} |\n| {denoiser} | {denoiser_psnr} | {denoiser_ssim} |",
    "verdict_normal": "### 看起来是正常的 MNIST 数字\n重建误差（MSE）**{mse}**：{rank}。阈值位于第 {threshold_percentile} 百分位：MSE {threshold}。",
    "verdict_unusual": "### 异常输入\n重建误差（MSE）**{mse}**：{rank}。阈值位于第 {threshold_percentile} 百分位：MSE {threshold}。自编码器没有学过如何画出这样的输入。",
    "rank_percent": "高于 {percentile} 的 MNIST 测试数字",
    "rank_all": "高于所有 MNIST 测试数字",
    "latent_clipped": "该输入的部分潜变量超出了滑块范围，已被截断；解码图像可能与重建结果不同。",
    "error_file_not_found": "找不到上传的文件，请重新上传。",
    "error_not_an_image": "无法将此文件读取为图像。请上传 PNG、JPEG、GIF、BMP 或 WebP 图像。",
    "error_image_too_large": "图像太大（超过 {ten_thousand_pixels} 万像素），请使用更小的图像。",
    "error_image_too_small": "图像只有 {width}×{height} 像素，请使用至少 {minimum}×{minimum} 像素的图像。",
    "error_no_ink": "没有找到数字：图像是空白的或只有一种颜色。请上传一张带有清晰数字的图像。",
    "error_empty_sketch": "画板是空的。请在画布上写一个数字，然后再试一次。",
    "error_no_upload": "没有上传文件，请选择一个图像文件。",
    "error_no_sample": "该样本不存在，请点击上方的任一数字。",
    "error_unexpected": "处理此输入时出错，请换一张图像试试。",
}

LANGUAGES = {"en": EN, "zh": ZH}
# Gradio's browser side shows Chinese for these locales and English for any other. The custom
# keys are registered under "zh-CN" and "zh", and zh-TW falls back to its parent "zh".
CHINESE_LOCALES = ("zh-cn", "zh-tw")


def language_from_header(accept_language: str | None) -> str:
    """Return "zh" or "en" from an Accept-Language header, following the browser's first choice."""
    if not accept_language:
        return "en"
    first = accept_language.split(",")[0].split(";")[0].strip().lower()
    return "zh" if first in CHINESE_LOCALES else "en"


def translate(key: str, language: str = "en", **params: object) -> str:
    """Return the text for ``key`` in ``language`` ("en" or "zh"), with ``params`` filled in."""
    table = LANGUAGES.get(language, EN)
    text = table.get(key, EN[key])
    return text.format(**params) if params else text
