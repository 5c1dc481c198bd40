"""`clientload import`: CSV, XLSX or Parquet files into one of the contract's input tables."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def import_command(
    directory: Annotated[Path, typer.Argument(help="The workspace (made by `clientload init`).")],
    files: Annotated[list[Path], typer.Argument(help="CSV, TXT/TSV, XLSX or Parquet files.")],
    table: Annotated[
        str,
        typer.Option(
            "--table",
            "-t",
            help="sales, clients, products, orders, interactions, storage, receivables or plans.",
        ),
    ],
    mapping: Annotated[
        Path | None, typer.Option("--mapping", "-m", help="A TOML mapping file (docs/data.md).")
    ] = None,
    sheet: Annotated[
        str | None, typer.Option("--sheet", help="Workbook sheet (name or number).")
    ] = None,
    delimiter: Annotated[
        str | None, typer.Option("--delimiter", help="CSV delimiter, e.g. ';'.")
    ] = None,
    encoding: Annotated[str | None, typer.Option("--encoding", help="e.g. windows-1251.")] = None,
    decimal: Annotated[
        str | None, typer.Option("--decimal", help="Decimal mark: ',' or '.'.")
    ] = None,
    date_format: Annotated[
        str | None,
        typer.Option(
            "--date-format", help="iso, dd.mm.yyyy, m/d/yyyy, d/m/yyyy, excel or yyyymmdd."
        ),
    ] = None,
) -> None:
    """Load files into table T; bad rows go to rejects/ with a reason each."""
    from rich.console import Console
    from rich.table import Table

    from clientload.ingest import import_files
    from clientload.progress import progress_bar
    from clientload.workspace import open_workspace

    ws = open_workspace(directory)
    with progress_bar() as progress:
        result = import_files(
            ws,
            files,
            table,
            mapping=mapping,
            progress=progress,
            sheet=sheet,
            delimiter=delimiter,
            encoding=encoding,
            decimal=decimal,
            date_format=date_format,
        )
    console = Console()
    summary = Table(title=f"import into {result.table}", show_header=False, min_width=32)
    summary.add_column("what")
    summary.add_column("rows", justify="right")
    summary.add_row("read", f"{result.rows_read:,}")
    summary.add_row("loaded", f"{result.rows_loaded:,}")
    summary.add_row("rejected", f"{result.rows_rejected:,}")
    if result.rows_replaced:
        summary.add_row("replaced (same key)", f"{result.rows_replaced:,}")
    if result.skipped_files:
        summary.add_row("files skipped", f"{len(result.skipped_files):,}")
    console.print(summary)
    for path, reason in result.skipped_files:
        console.print(f"skipped {path}: {reason}")
    for note in result.notes:
        console.print(f"note: {note}", markup=False, highlight=False)
    if result.rejects_path:
        console.print(f"rejected rows and reasons: {result.rejects_path}", highlight=False)


def register(app: typer.Typer) -> None:
    app.command("import")(import_command)
