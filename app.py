"""Start the autoencoder lab: python app.py, then open the printed local URL.

Set GRADIO_SERVER_NAME / GRADIO_SERVER_PORT to change where it listens (default
127.0.0.1:7860); a Hugging Face Space sets them itself.
"""

import logging

import torch

from ae_demo.preprocess import image_functions
from ae_demo.ui import build_demo, launch_options

if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    torch.set_num_threads(1)  # one 28×28 digit per event: more threads only add overhead
    demo = build_demo()
    demo.launch(prevent_thread_lock=True, **launch_options())
    image_functions()  # import torchvision now that the page is served, before the first drawing needs it
    demo.block_thread()
