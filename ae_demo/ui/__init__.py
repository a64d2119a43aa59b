"""The Gradio interface: ``build_demo`` assembles the views, ``launch_options`` returns the server settings.

Analytics are switched off before Gradio is imported, so neither building nor
launching the app contacts any host.
"""

import os

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")

from ae_demo.ui.app import build_demo, launch_options  # noqa: E402

__all__ = ["build_demo", "launch_options"]
