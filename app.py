"""Start the autoencoder lab: python app.py, then open the printed local URL.

Set GRADIO_SERVER_NAME / GRADIO_SERVER_PORT to change where it listens (default
127.0.0.1:7860); a Hugging Face Space sets them itself. AE_DEMO_WORKERS sets how many
worker processes run the event handlers (default: the cores minus one, from 1 to 2; 0 runs
them in the serving process).
"""

import logging

import torch

from ae_demo.preprocess import image_functions
from ae_demo.ui import build_demo, launch_options
from ae_demo.ui.worker_pool import HandlerPool, workers_from_environment

if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    torch.set_num_threads(1)  # one 28×28 digit per event: more threads only add overhead
    workers = workers_from_environment()
    pool = HandlerPool(workers) if workers else None
    demo = build_demo(pool=pool)
    demo.launch(prevent_thread_lock=True, **launch_options())
    image_functions()  # import torchvision now that the page is served, before the first drawing needs it
    if pool:
        pool.start()  # started after the page is served, and until the workers are ready, events run here
    try:
        demo.block_thread()
    finally:
        if pool:
            pool.close()
