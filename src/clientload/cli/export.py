"""`clientload export`: the live Excel workbook of the last run."""

from __future__ import annotations

from pathlib import Path

import typer

_DIRECTORY = typer.Argument(..., help="The workspace.")
_XLSX = typer.Option(..., "--xlsx", help="Where to write the workbook (.xlsx).")
_LANG = typer.Option(None, "--lang", help="ru or en (default: the settings' language).")


def export(directory: Path = _DIRECTORY, xlsx: Path = _XLSX, lang: str = _LANG) -> None:
    """Write the live workbook: settings as inputs, the data, and the model as formulas."""
    from xlsxwriter.exceptions import FileCreateError

    from clientload.cli.output import output_file
    from clientload.errors import ClientloadError
    from clientload.export import write_workbook
    from clientload.progress import progress_bar
    from clientload.workspace import open_workspace

    ws = open_workspace(directory)
    language = lang or str(ws.settings().section("analysis").get("language", "ru"))
    output_file(xlsx, "--xlsx", "clients.xlsx")
    try:
        with progress_bar() as report:
            path = write_workbook(ws, xlsx, language, progress=report)
    except FileCreateError as exc:  # XlsxWriter's wrapper of the OSError at the end
        raise ClientloadError(f"--xlsx {xlsx}: cannot write the workbook ({exc})") from exc
    typer.echo(f"workbook {path} ({path.stat().st_size / 1e6:.1f} MB)")


def register(app: typer.Typer) -> None:
    app.command("export")(export)
