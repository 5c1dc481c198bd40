"""Fixtures shared by test modules; a module's own fixture of the same name wins."""

from __future__ import annotations

from pathlib import Path

import pytest

from clientload.workspace import Workspace, init_workspace


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    """A new workspace with the default settings and an empty store."""
    return init_workspace(tmp_path / "ws")


@pytest.fixture(scope="session")
def monthly(tmp_path_factory):
    """A generated company imported in one file and month by month (`monthly_company`): built
    once for the summaries' tests and the Spark cluster's. Tests that change it work on copies."""
    from monthly_company import monthly_company

    return monthly_company(tmp_path_factory.mktemp("monthly"))
