"""The demo: every stage that exists, run on a generated distributor, timed.

Used by `clientload demo`; the stages are the same library calls a user makes one by one.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from clientload.errors import ClientloadError
from clientload.messages import Message
from clientload.progress import ProgressFn, no_progress
from clientload.workspace import SETTINGS_FILE, STORE_FILE, Workspace, one_row


@dataclass
class DemoResult:
    workspace: Workspace
    info: dict[str, Any]
    segments: list[dict[str, Any]]
    seconds: dict[str, float] = field(default_factory=dict)
    files: dict[str, Path] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def _has_sales(ws: Workspace) -> bool:
    if not ws.store_path.exists():
        return False
    con = ws.connect()
    try:
        return bool(one_row(con, "SELECT count(*) FROM sales")[0])
    finally:
        con.close()


def _clear(root: Path) -> None:
    """Delete a previous demo, but only a folder that is a clientload workspace."""
    if not root.exists():
        return
    if not (root / SETTINGS_FILE).exists() and not (root / STORE_FILE).exists():
        raise ClientloadError(f"{root} is not a clientload workspace; --fresh will not delete it")
    shutil.rmtree(root)


def import_sample_calls(ws: Workspace, calls: int, seed: int = 7):
    """Write a sample Asterisk `Master.csv` with the clients' own phones for the last month of
    sales and import it with `--source asterisk`, as a user would their PBX's file.

    Returns the importer's result and the talk minutes per client that the file holds, so a
    check can compare the model before and after.
    """
    from datetime import datetime

    from clientload.sources import import_source
    from clientload.sources.samples import sample_asterisk_calls, write_asterisk_master

    con = ws.connect()
    try:
        phones = con.execute(
            "SELECT client_id, phones FROM clients WHERE phones IS NOT NULL ORDER BY client_id"
        ).fetchall()
        last = one_row(con, "SELECT max(date) FROM sales")[0]
    finally:
        con.close()
    start = datetime(last.year, last.month, 1)  # calls between 8:00 and 19:00 of those days
    legs, expected = sample_asterisk_calls(
        phones, calls=calls, start=start, days=last.day, seed=seed
    )
    path = ws.root / "data" / "Master.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    write_asterisk_master(path, legs)
    return import_source(ws, [path], "asterisk"), expected


def run_demo(
    directory: Path,
    clients: int = 1000,
    lines: int = 1_000_000,
    seed: int = 42,
    lang: str = "en",
    fresh: bool = False,
    progress: ProgressFn | None = None,
) -> DemoResult:
    from clientload.generate.into import generate_workspace
    from clientload.run import run_model

    report = progress or no_progress
    root = Path(directory)
    if fresh:
        _clear(root)
    seconds: dict[str, float] = {}
    notes: list[str] = []  # Messages: said in the language of the command line
    ws = Workspace(root)
    started = time.perf_counter()
    if _has_sales(ws):
        notes.append(Message(
            "{folder}: the sample company is already imported (use --fresh to start over)",
            folder=str(root)))
    else:
        generated = generate_workspace(root, clients, lines, seed, progress=report)
        seconds.update({f"{k}": v for k, v in generated.seconds.items()})
        rejected = sum(r.rows_rejected for r in generated.imported.values())
        if rejected:
            notes.append(Message("{rejected:,} generated rows were rejected; see {folder}",
                                 rejected=rejected, folder=str(ws.rejects_dir)))
        calls, _ = import_sample_calls(ws, calls=max(clients * 2, 200), seed=seed)
        notes.append(Message(
            "telephony: {matched:,} of {read:,} calls in a sample Asterisk Master.csv matched "
            "to clients ({minutes:,.0f} minutes)",
            matched=calls.matched, read=calls.read, minutes=calls.minutes_inserted))
    seconds["generate + import"] = time.perf_counter() - started

    started = time.perf_counter()
    result = run_model(root, progress=report)
    seconds["model"] = time.perf_counter() - started
    files: dict[str, Path] = {"results": result.out_dir}

    write_workbook: Callable[..., Path] | None
    try:
        from clientload.export import write_workbook
    except ImportError:
        write_workbook = None
    if write_workbook is not None:
        started = time.perf_counter()
        workbook = root / f"clientload-{lang}.xlsx"
        files["workbook"] = write_workbook(ws, workbook, lang=lang, progress=report)
        seconds["workbook"] = time.perf_counter() - started

    from clientload.report import write_report

    started = time.perf_counter()
    files["report"] = write_report(ws, root / f"report-{lang}.html", lang)
    seconds["report"] = time.perf_counter() - started
    return DemoResult(
        workspace=ws,
        info=result.info,
        segments=result.tables["segments"].to_pylist(),
        seconds=seconds,
        files=files,
        notes=notes,
    )


def summary_table(result: DemoResult, lang: str = "en") -> Any:
    """A Rich table in `lang`: the company in figures, the groups, and how long each stage took."""
    from rich.table import Table

    from clientload.cli.lang import count, day, texts
    from clientload.i18n import format_money

    _ = texts(lang)
    info = result.info
    head = info["headlines"]
    currency = info["currency"]
    start, end = day(info["period_start"], lang), day(info["period_end"], lang)
    table = Table(title=_("clientload demo · {start} … {end}").format(start=start, end=end))
    table.add_column("")
    table.add_column("", justify="right")
    money = lambda v: format_money(v, lang, currency)  # noqa: E731
    table.add_row(_("clients"), count(head["clients"], lang))
    table.add_row(_("revenue"), money(head["revenue"]))
    table.add_row(_("contribution"), money(head["total_contribution"]))
    table.add_row(_("unused capacity"), money(head["unused_capacity_cost"]))
    for row in result.segments:
        table.add_row(
            f"  {row['label_ru' if lang == 'ru' else 'label_en']}",
            _("{clients} clients, contribution {money}").format(
                clients=count(row["clients"], lang), money=money(row["contribution"])
            ),
        )
    for stage, secs in result.seconds.items():
        table.add_row(
            _("time: {stage}").format(stage=_(stage)), _("{seconds} s").format(
                seconds=count(secs, lang, 1, grouped=False))
        )
    return table
