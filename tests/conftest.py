"""Fixtures shared by test modules; a module's own fixture of the same name wins."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from clientload.workspace import Workspace, init_workspace

# The tests read the command line's English; a developer's Russian locale must not change it
# (tests/test_cli_russian.py sets the language itself for the processes it starts).
os.environ["CLIENTLOAD_LANG"] = "en"

# In CI (`.ci/run` sets CLIENTLOAD_CI) hypothesis draws the same examples every run: a commit
# lands on one CI run, and a rare case found by chance there would hold back every change in it
# (one did, 2026-12-05). Developers' runs keep drawing new examples and find such cases instead;
# each found one becomes a test of its own.
if os.environ.get("CLIENTLOAD_CI"):
    from hypothesis import settings as hypothesis_settings

    hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
    hypothesis_settings.load_profile("ci")


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    """A new workspace with the default settings and an empty store."""
    return init_workspace(tmp_path / "ws")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's Chromium, launched once for the whole run (browser tests skip without it)."""
    from browser_support import CHROMIUM, CHROMIUM_ARGS

    if CHROMIUM is None:
        pytest.skip("Debian's chromium is not installed")
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def images(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where browser tests save screenshots: docs/img/ with CLIENTLOAD_SCREENSHOTS=1."""
    from browser_support import DOCS_IMAGES

    if os.environ.get("CLIENTLOAD_SCREENSHOTS") == "1":
        DOCS_IMAGES.mkdir(parents=True, exist_ok=True)
        return DOCS_IMAGES
    return tmp_path_factory.mktemp("screenshots")


@pytest.fixture(scope="session")
def monthly(tmp_path_factory):
    """A generated company imported in one file and month by month (`monthly_company`): built
    once for the summaries' tests and the Spark cluster's. Tests that change it work on copies."""
    from monthly_company import monthly_company

    return monthly_company(tmp_path_factory.mktemp("monthly"))
