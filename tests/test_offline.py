"""Importing, building, launching and using the app contacts no host but 127.0.0.1."""

import json
import subprocess
import sys
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

# Runs in a fresh interpreter, so that no earlier import has already set up Gradio.
# An audit hook records every address the process resolves or connects to.
SCRIPT = textwrap.dedent(
    """
    import json, sys
    contacted = []

    def audit(event, args):
        if event == "socket.getaddrinfo":
            contacted.append(str(args[0]))
        elif event == "socket.connect" and isinstance(args[1], tuple):
            contacted.append(str(args[1][0]))

    sys.addaudithook(audit)

    import httpx
    from ae_demo.ui import build_demo, launch_options  # sets the telemetry switches before gradio_client loads
    from gradio_client import Client

    demo = build_demo()
    _, url, _ = demo.launch(server_name="127.0.0.1", prevent_thread_lock=True, quiet=True, **launch_options())
    for path in ("", "config", "gradio_api/info"):
        httpx.get(url + path, timeout=30).raise_for_status()
    client = Client(url, verbose=False)
    client.predict(7, api_name="/sample")
    client.predict("gaussian", 0.4, 1, "signed", True, 99.0, True, api_name="/refresh_views")
    client.predict(*[0.0] * 16, api_name="/decode")
    client.close()
    demo.close()
    print(json.dumps(sorted(set(contacted))))
    """
)


def test_app_contacts_only_loopback():
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=180,
        env={"PATH": "/usr/bin:/bin", "NO_PROXY": "127.0.0.1,localhost", "HOME": str(Path.home())},
    )
    assert result.returncode == 0, result.stderr[-2000:]
    contacted = json.loads(result.stdout.strip().splitlines()[-1])
    assert contacted, "the audit hook saw no connection at all, so it did not work"
    assert set(contacted) <= {"127.0.0.1", "localhost", "::1"}, contacted
