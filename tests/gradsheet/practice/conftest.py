"""The practice app served on a free port of 127.0.0.1 for the session, and Chromium from the
system's packages (Debian's ``chromium``) for pytest-playwright's ``page``."""

from __future__ import annotations

import os
import shutil
import threading
from typing import Iterator

import pytest
from werkzeug.serving import make_server

from gradsheet.practice.app import create_app

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def served() -> Iterator[str]:
    server = make_server("127.0.0.1", 0, create_app(), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    if CHROMIUM is None:
        pytest.skip("no Chromium: install Debian's chromium (.ci/run does) to run the browser tests")
    # as root (CI's container) Chromium's sandbox cannot start
    extra = ["--no-sandbox"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": extra}
