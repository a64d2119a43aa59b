"""ae_demo: an interactive lab around convolutional autoencoders trained on MNIST.

The package splits by concept. ``model`` defines the networks and loads their
safetensors weights, ``data`` reads MNIST, ``noise``, ``metrics`` and
``preprocess`` are pure image functions, ``lab`` ties them into the operations the
app shows, and ``ui`` builds the Gradio interface. Only ``ui`` and ``bench``, which
drives the interface through a server, import Gradio.
"""

from pathlib import Path

IMAGE_SIZE = 28
PACKAGE_DIR = Path(__file__).resolve().parent
REPO_DIR = PACKAGE_DIR.parent
WEIGHTS_DIR = REPO_DIR / "weights"
ASSETS_DIR = REPO_DIR / "assets"
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"  # app.py's and its worker processes' log lines
