"""`clientload calibrate --apply`: the chosen estimates written into `clientload.toml`.

Only the values change, each line with a comment saying where its number came from; the
previous file is kept as a dated copy beside it and the change is recorded in the store like
every other settings change (see `clientload.setup.changes`).
"""

from __future__ import annotations

import datetime as dt
import getpass
from dataclasses import dataclass
from pathlib import Path

from clientload.calibrate.estimate import DURATIONS, Calibration, Estimate
from clientload.setup.toml_edit import set_key, set_term_minutes
from clientload.workspace import Workspace


def rounded_minutes(value: float) -> float:
    """Minutes as a setting is written: one decimal from 10 minutes up, else two."""
    return round(value, 1) if value >= 10 else round(value, 2)


def _comment(e: Estimate, today: dt.date) -> str:
    was = f"was {e.current_minutes:g}"
    if e.method == DURATIONS:
        return (f"calibrated {today}: mean of {e.observations} recorded durations, quartiles "
                f"{e.low:.3g}-{e.high:.3g}; {was}")
    return (f"calibrated {today}: timesheets, 95 % interval {e.low:.3g}-{e.high:.3g}; {was}")


def apply_to_text(text: str, calibration: Calibration, today: dt.date | None = None
                  ) -> tuple[str, list[Estimate]]:
    """The settings text with every chosen estimate written in; the estimates written."""
    today = today or dt.date.today()
    written = []
    for e in calibration.chosen().values():
        if e.estimated_minutes is None:
            continue
        value = rounded_minutes(e.estimated_minutes)
        section = f"activities.{e.activity}"
        if e.setting_key == "terms":
            changed = set_term_minutes(text, section, e.kind, e.term, value, _comment(e, today))
            if changed is None:
                continue
            text = changed
        else:
            text = set_key(text, section, e.setting_key, value, _comment(e, today),
                           after="minutes")
        written.append(e)
    return text, written


@dataclass(frozen=True)
class Applied:
    written: list[Estimate]
    copy: Path | None
    change_id: int | None


def apply_estimates(ws: Workspace, calibration: Calibration,
                    username: str | None = None) -> Applied:
    """Write the chosen estimates, keeping the previous file as a dated copy."""
    from clientload.setup.changes import CALIBRATE, keep_copy, save_settings

    before = ws.settings_path.read_text("utf-8")
    text, written = apply_to_text(before, calibration)
    if not written or text == before:
        return Applied(written=[], copy=None, change_id=None)
    copy = keep_copy(ws.settings_path)
    con = ws.connect()
    try:
        change = save_settings(con, ws.settings_path, text, username or getpass.getuser(),
                               "calibrate", (CALIBRATE, {"count": len(written)}))
    finally:
        con.close()
    return Applied(written=written, copy=copy, change_id=change)
