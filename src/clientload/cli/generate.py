"""`clientload generate`: a synthetic distributor of a given size, imported into a workspace."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def generate(
    directory: Annotated[Path, typer.Argument(help="Workspace folder (created if needed).")],
    clients: Annotated[int, typer.Option(help="Number of clients (at least 60).")] = 1000,
    lines: Annotated[int, typer.Option(help="Number of sales lines.")] = 1_000_000,
    seed: Annotated[int, typer.Option(help="The same seed gives the same data.")] = 42,
    months: Annotated[int, typer.Option(help="Months of history, ending 2025-12-31.")] = 24,
    rhythm: Annotated[
        str,
        typer.Option(
            help="How often clients order: monthly (through most months) or quarterly (each "
            "client once every 3-4 months)."
        ),
    ] = "monthly",
) -> None:
    """Generate a synthetic distributor with planted client behaviours and import it.

    The Parquet files go to DIR/data/generated/ (with personas.parquet, the planted truth).
    A workspace created here gets its departments sized to the generated company.
    """
    from rich.console import Console
    from rich.table import Table

    from clientload.generate.into import generate_workspace
    from clientload.progress import progress_bar

    with progress_bar() as progress:
        result = generate_workspace(
            directory, clients, lines, seed, months, progress=progress, rhythm=rhythm
        )

    company = result.company
    table = Table(title=f"generated {company.start} .. {company.end}, seed {company.seed}")
    table.add_column("table")
    table.add_column("rows", justify="right")
    table.add_column("loaded", justify="right")
    table.add_column("rejected", justify="right")
    for name, rows in company.rows.items():
        imported = result.imported.get(name)
        loaded = f"{imported.rows_loaded:,}" if imported is not None else "-"
        rejected = f"{imported.rows_rejected:,}" if imported is not None else "-"
        table.add_row(name, f"{rows:,}", loaded, rejected)
    console = Console()
    console.print(table)
    timing = ", ".join(f"{k} {v:.1f} s" for k, v in result.seconds.items())
    console.print(f"files   {company.out_dir}  ({timing})")
    settings = result.workspace.settings_path
    if result.departments:
        console.print(f"settings {settings}: departments sized to this company")
    else:
        console.print(f"settings {settings}: kept as they were")
    if result.import_missing:
        console.print(f"[yellow]not imported: {result.import_missing}[/yellow]")


def register(app: typer.Typer) -> None:
    app.command("generate")(generate)
