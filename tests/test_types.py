"""The package passes mypy (`[tool.mypy]` in pyproject.toml), so that an annotation that lies, or
a None that can reach an index, is found before it ships.

mypy keeps its cache in `.mypy_cache` (git-ignored): about 7 s for the first run on a 2-core
machine, well under a second after."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
@pytest.mark.skipif(
    importlib.util.find_spec("mypy") is None,
    reason="mypy is not installed (it is in the dev group: `uv sync` installs it)",
)
def test_mypy_finds_nothing():
    done = subprocess.run(
        [sys.executable, "-m", "mypy"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
