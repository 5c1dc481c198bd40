"""`clientload calibrate`: standard minutes estimated from recorded durations and timesheets."""

from __future__ import annotations

import json
from pathlib import Path

import typer


def calibrate(
    directory: Path = typer.Argument(..., help="Workspace folder."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
    apply: bool = typer.Option(
        False, "--apply", help="Write the trusted estimates into clientload.toml (the previous "
        "file is kept as a dated copy)."),
    period: str = typer.Option(
        None, "--period", help="START:END as YYYY-MM-DD or YYYY-MM: only records of these days."),
) -> None:
    """Estimate each activity's standard minutes from the company's own records.

    Recorded durations (calls, logged contacts) give the median and quartiles per type;
    timesheets give, per department, a non-negative regression of each employee-day's minutes on
    the work that employee did that day, with a 95 % interval. See docs/setup.md.
    """
    from clientload.calibrate import calibrate_workspace
    from clientload.calibrate.apply import apply_estimates
    from clientload.workspace import open_workspace

    ws = open_workspace(directory)
    start = end = None
    if period:
        from clientload.model.period import parse_period

        try:
            chosen = parse_period(period)
        except ValueError as exc:
            from clientload.errors import ClientloadError
            from clientload.messages import Message

            raise ClientloadError(Message("--period {period!r}: {exc}", period=period,
                                          exc=str(exc))) from None
        start, end = chosen.start, chosen.end
    result = calibrate_workspace(ws, start=start, end=end)
    applied = apply_estimates(ws, result) if apply else None
    if as_json:
        out = result.as_json()
        if applied is not None:
            out["applied"] = {"written": len(applied.written),
                              "previous_settings": str(applied.copy) if applied.copy else None,
                              "change_id": applied.change_id}
        typer.echo(json.dumps(out, ensure_ascii=False, indent=2))
        return
    _print(result)
    if applied is not None:
        from clientload.cli.lang import tell
        from clientload.messages import Message

        if applied.written:
            tell(Message("applied {n} estimates to {path}; the previous settings are kept as "
                         "{copy}", n=len(applied.written), path=str(ws.settings_path),
                         copy=str(applied.copy)))
        else:
            tell(Message("nothing applied: no estimate is trusted, or the settings hold them "
                         "already"))


def _print(result) -> None:
    from rich.console import Console
    from rich.table import Table

    from clientload.cli.lang import cli_language, count, said, texts

    lang = cli_language()
    _ = texts(lang)

    def number(value: float | None) -> str:
        return "—" if value is None else count(value, lang, 2 if value < 10 else 1)

    chosen = result.chosen()
    table = Table(title=_("standard minutes: setting and estimate"))
    for column in ("activity", "term", "current", "estimate", "interval", "method", "applied",
                   "evidence"):
        table.add_column(_(column), justify="right" if column in ("current", "estimate") else
                         "left", no_wrap=column != "evidence", overflow="fold")
    for e in result.estimates:
        interval = (f"{number(e.low)}–{number(e.high)}" if e.low is not None else "—")
        table.add_row(e.activity, e.term, number(e.current_minutes),
                      number(e.estimated_minutes), interval, _(e.method),
                      _("yes") if chosen.get(e.key) is e else "", said(e.note, lang))
    console = Console()
    console.print(table)
    fits = Table(title=_("timesheet regressions"))
    for column in ("department", "R²", "employee-days", "days", "employees",
                   "other client minutes a day"):
        fits.add_column(_(column), justify="left" if column == "department" else "right")
    for f in result.fits:
        fits.add_row(f.department, "—" if f.r_squared is None else count(f.r_squared, lang, 2),
                     count(f.employee_days, lang), count(f.days, lang), str(f.employees),
                     f"{number(f.other_minutes)} ({number(f.other_low)}–{number(f.other_high)})")
    if result.fits:
        console.print(fits)
    if result.unidentified():
        typer.echo(_("the data cannot identify: {what}").format(
            what=", ".join(result.unidentified())))
    for note in result.notes:
        typer.echo(_("note: {note}").format(note=said(note, lang)))


def register(app: typer.Typer) -> None:
    app.command("calibrate")(calibrate)
