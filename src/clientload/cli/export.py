"""`clientload export`: the live Excel workbook of the last run, or the rows to paste into it."""

from __future__ import annotations

from pathlib import Path

import typer

_DIRECTORY = typer.Argument(..., help="The workspace.")
_XLSX = typer.Option(None, "--xlsx", help="Where to write the workbook (.xlsx).")
_ROWS = typer.Option(
    None,
    "--rows",
    help="A folder: write ClientMonths.csv and Clients.csv, the workbook's rows of --period.",
)
_PERIOD = typer.Option(
    None, "--period", help="With --rows: START:END (YYYY-MM or YYYY-MM-DD); default the last run's."
)
_LANG = typer.Option(None, "--lang", help="ru or en (default: the settings' language).")


def export(
    directory: Path = _DIRECTORY,
    xlsx: Path = _XLSX,
    rows: Path = _ROWS,
    period: str = _PERIOD,
    lang: str = _LANG,
) -> None:
    """Write the live workbook (--xlsx), or the rows of a period to paste into it (--rows)."""
    from clientload.errors import ClientloadError
    from clientload.messages import Message
    from clientload.workspace import open_workspace

    if (xlsx is None) == (rows is None):
        raise ClientloadError(Message("export: give exactly one of --xlsx PATH and --rows FOLDER"))
    if period is not None and rows is None:
        raise ClientloadError(
            Message("export: --period goes with --rows (the workbook is the last run's)"))
    ws = open_workspace(directory)
    if rows is not None:
        _rows(ws, rows, period)
        return
    _workbook(ws, xlsx, lang or str(ws.settings().section("analysis").get("language", "ru")))


def _workbook(ws, xlsx: Path, language: str) -> None:
    from xlsxwriter.exceptions import FileCreateError

    from clientload.cli.lang import tell
    from clientload.cli.output import output_file
    from clientload.errors import ClientloadError
    from clientload.export import write_workbook
    from clientload.messages import Message
    from clientload.progress import progress_bar

    output_file(xlsx, "--xlsx", "clients.xlsx")
    try:
        with progress_bar() as report:
            path = write_workbook(ws, xlsx, language, progress=report)
    except FileCreateError as exc:  # XlsxWriter's wrapper of the OSError at the end
        raise ClientloadError(Message("--xlsx {xlsx}: cannot write the workbook ({exc})",
                                      xlsx=xlsx, exc=str(exc))) from exc
    tell(Message("workbook {path} ({size:.1f} MB)", path=str(path), size=path.stat().st_size / 1e6))


def _rows(ws, folder: Path, period_text: str | None) -> None:
    from clientload.cli.lang import tell
    from clientload.errors import ClientloadError
    from clientload.export.rows_export import write_period_rows
    from clientload.messages import Message

    if folder.exists() and not folder.is_dir():
        raise ClientloadError(Message("--rows {folder}: not a folder", folder=folder))
    result = write_period_rows(ws, folder, period_text)
    tell(Message(
        "{months} ({rows} rows, {start} – {end}); {clients_file} ({clients} clients)",
        months=str(result.months_path), rows=result.month_rows, start=str(result.period.start),
        end=str(result.period.end), clients_file=str(result.clients_path), clients=result.clients,
    ))
    if result.undated_interactions:
        tell(Message(
            "{n} interactions without a date are not in the rows (the engine counts them in "
            "every period)", n=result.undated_interactions))


def register(app: typer.Typer) -> None:
    app.command("export")(export)
