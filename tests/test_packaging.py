"""gradsheet installs under one import name: gradsheet.derive, gradsheet.generate and
gradsheet.templates, and no bare derive, generate or templates package beside PyPI's own."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path


def test_the_packages_import_under_gradsheet_and_not_bare(tmp_path: Path) -> None:
    code = ("import importlib.util as u, json, gradsheet.derive, gradsheet.generate.cli, gradsheet.templates; "
            "print(json.dumps({n: u.find_spec(n) is not None for n in ('derive', 'generate', 'templates')}))")
    # outside the repository, where its folders are not on the path: what an installed copy sees
    run = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout) == {"derive": False, "generate": False, "templates": False}


def test_the_console_scripts_and_modules_run_under_the_new_names(tmp_path: Path) -> None:
    for module in ("gradsheet.derive", "gradsheet.generate"):
        run = subprocess.run([sys.executable, "-m", module, "--help"], cwd=tmp_path, capture_output=True, text=True,
                             timeout=120)
        assert run.returncode == 0 and "usage:" in run.stdout, run.stderr
