"""Start the autoencoder lab: python app.py, then open the printed local URL.

Set GRADIO_SERVER_NAME / GRADIO_SERVER_PORT to change where it listens (default
127.0.0.1:7860); a Hugging Face Space sets them itself. AE_DEMO_WORKERS sets how many
worker processes run the event handlers (default: the cores minus one, from 1 to 2; 0 runs
them in the serving process).
"""

import logging
import signal

import torch

from ae_demo import LOG_FORMAT
from ae_demo.preprocess import image_functions
from ae_demo.ui import build_demo, launch_options
from ae_demo.ui.worker_pool import HandlerPool, workers_from_environment


def stop(signal_number: int, frame: object) -> None:
    """Exit on a signal, running the clean-up of the code that is interrupted."""
    raise SystemExit(0)


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format=LOG_FORMAT)
    logging.getLogger("httpx").setLevel(logging.WARNING)  # Gradio's own start-up requests to this server
    torch.set_num_threads(1)  # one 28×28 digit per event: more threads only add overhead
    try:
        workers = workers_from_environment()
    except ValueError as error:
        raise SystemExit(f"error: {error}") from None
    where = f"{workers} worker process{'es' if workers > 1 else ''}" if workers else "the serving process"
    logging.getLogger("app").info("event handlers run in %s", where)
    # SIGTERM (kill, a Space restarting) exits through the `finally` below, which stops the workers.
    signal.signal(signal.SIGTERM, stop)
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
