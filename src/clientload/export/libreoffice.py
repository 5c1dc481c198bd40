"""Recalculating a workbook in LibreOffice headless, to read back the values its formulas give.

XlsxWriter stores formulas without computed values; LibreOffice, told to recalculate every
formula on load (`OOXMLRecalcMode` = always, in a throw-away user profile so that the user's own
LibreOffice settings are neither read nor changed), saves a copy with the values. The tests and
`bench/bench_workbook.py` use this to check and time the workbook.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from clientload.errors import ClientloadError

RECALC_ALWAYS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
 xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
 <prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def soffice_path() -> str | None:
    """LibreOffice's `soffice`, or None where it is not installed."""
    return shutil.which("soffice")


def write_profile(folder: Path) -> Path:
    """A LibreOffice user profile in `folder` that recalculates every formula on load."""
    (folder / "user").mkdir(parents=True, exist_ok=True)
    (folder / "user" / "registrymodifications.xcu").write_text(RECALC_ALWAYS, "utf-8")
    return folder


def recalculate(
    book: Path,
    out_dir: Path,
    profile: Path | None = None,
    timeout: float | None = None,
    prefix: tuple[str, ...] = (),
) -> Path:
    """Open `book` in LibreOffice headless, recalculate it and save it as `out_dir/<name>`.

    `profile`: a folder made by `write_profile` (reused across calls, which starts LibreOffice
    faster); without one a temporary profile is used. `prefix`: a command LibreOffice runs
    under (the benchmark's GNU time, for its peak memory).
    """
    soffice = soffice_path()
    if soffice is None:
        raise ClientloadError(
            "LibreOffice (soffice) is not installed: apt-get install libreoffice-calc-nogui"
        )
    with tempfile.TemporaryDirectory(prefix="clientload-lo-") as scratch:
        folder = profile or write_profile(Path(scratch))
        subprocess.run(
            [
                *prefix,
                soffice,
                f"-env:UserInstallation={folder.as_uri()}",
                "--headless",
                "--convert-to",
                "xlsx",
                "--outdir",
                str(out_dir),
                str(book),
            ],
            check=True,
            capture_output=True,
            timeout=timeout,
        )
    return out_dir / book.name
