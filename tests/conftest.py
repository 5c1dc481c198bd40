"""Fixtures shared by test modules; a module's own fixture of the same name wins."""

from __future__ import annotations

from pathlib import Path

import pytest

from clientload.workspace import Workspace, init_workspace


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    """A new workspace with the default settings and an empty store."""
    return init_workspace(tmp_path / "ws")
