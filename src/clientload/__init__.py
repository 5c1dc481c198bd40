"""clientload: what each B2B client costs to serve and brings.

`clientload.open(DIR)` opens a workspace for notebooks (see docs/api.md); nothing heavy is
imported until it is called.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

    from clientload.api import Analysis


def open(directory: str | Path) -> Analysis:
    """Open the workspace in `directory`: `.run()`, `.table(name).to_pandas()`, …"""
    from clientload.api import open_analysis

    return open_analysis(directory)


__all__ = ["open"]
