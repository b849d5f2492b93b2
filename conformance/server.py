"""Start fakenova on a free loopback port, seed the accounts tempest needs, and always stop it.

The server is the project's own CLI (``fakenova serve --port 0``) from the main venv: it prints its base URL as
its only stdout line once it listens. Seeding goes through the control plane (``POST /_fakenova/seed``), the
same operation CI and the pytest plugin use, so no fixture folder has to be kept beside the defaults.
"""
from __future__ import annotations

import json
import subprocess
import threading
import urllib.request
from pathlib import Path
from typing import Dict, List, Optional

#: seconds fakenova may take to print its URL (it is ready in ~1 s on an idle machine; CI's is shared)
START_TIMEOUT = 60
#: seconds to wait for a clean exit after SIGTERM before SIGKILL
STOP_TIMEOUT = 10


class FakenovaServer:
    """One ``fakenova serve`` child process; use as a context manager so it is stopped whatever happens."""

    def __init__(self, executable: str, args: List[str], log_path: Path) -> None:
        self.command = [executable, "serve", "--host", "127.0.0.1", "--port", "0", *args]
        self.log_path = log_path
        self.process: Optional[subprocess.Popen[str]] = None
        self.url = ""

    def __enter__(self) -> "FakenovaServer":
        with self.log_path.open("w") as log:
            self.process = subprocess.Popen(self.command, stdout=subprocess.PIPE, stderr=log, text=True)
        self.url = self._read_url()
        if not self.url.startswith(("http://127.", "http://[::1]", "http://localhost")):
            raise RuntimeError(f"fakenova printed {self.url!r}, not a loopback URL")
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def _read_url(self) -> str:
        """The first stdout line, within START_TIMEOUT (a thread reads it: pipes have no timeout)."""
        assert self.process is not None and self.process.stdout is not None
        lines: List[str] = []
        reader = threading.Thread(target=lambda: lines.append(self.process.stdout.readline()), daemon=True)
        reader.start()
        reader.join(START_TIMEOUT)
        if not lines or not lines[0].strip():
            self.stop()
            raise RuntimeError(f"fakenova did not print its URL within {START_TIMEOUT}s; see {self.log_path}")
        return lines[0].strip()

    def stop(self) -> None:
        """SIGTERM, then SIGKILL if it has not exited within STOP_TIMEOUT; idempotent."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def post(self, path: str, body: Dict[str, object]) -> Dict[str, object]:
        """POST JSON to ``/_fakenova/<path>``; raises on any non-2xx answer."""
        request = urllib.request.Request(
            f"{self.url}/_fakenova/{path}", data=json.dumps(body).encode(), method="POST",
            headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as response:
            answer: Dict[str, object] = json.loads(response.read() or b"{}")
            return answer

    def get(self, path: str) -> Dict[str, object]:
        """GET a JSON document at ``<url>/<path>`` (no token needed: version documents, control plane)."""
        with urllib.request.urlopen(f"{self.url}/{path}", timeout=30) as response:
            document: Dict[str, object] = json.loads(response.read())
            return document
