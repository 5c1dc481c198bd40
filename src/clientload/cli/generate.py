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

    from clientload.cli.lang import cli_language, count, day, said, texts
    from clientload.generate.into import generate_workspace
    from clientload.progress import progress_bar

    with progress_bar() as progress:
        result = generate_workspace(
            directory, clients, lines, seed, months, progress=progress, rhythm=rhythm
        )

    company = result.company
    lang = cli_language()
    _ = texts(lang)
    table = Table(title=_("generated {start} .. {end}, seed {seed}").format(
        start=day(company.start, lang), end=day(company.end, lang), seed=company.seed))
    table.add_column(_("table"))
    table.add_column(_("rows"), justify="right")
    table.add_column(_("loaded"), justify="right")
    table.add_column(_("rejected"), justify="right")
    for name, rows in company.rows.items():
        imported = result.imported.get(name)
        loaded = count(imported.rows_loaded, lang) if imported is not None else "-"
        rejected = count(imported.rows_rejected, lang) if imported is not None else "-"
        table.add_row(name, count(rows, lang), loaded, rejected)
    console = Console()
    console.print(table)
    timing = ", ".join(
        _("{stage} {seconds} s").format(stage=_(k), seconds=count(v, lang, 1, grouped=False))
        for k, v in result.seconds.items()
    )
    console.print(_("files   {folder}  ({timing})").format(folder=company.out_dir, timing=timing))
    settings = result.workspace.settings_path
    if result.departments:
        console.print(_("settings {path}: departments sized to this company").format(path=settings))
    else:
        console.print(_("settings {path}: kept as they were").format(path=settings))
    if result.import_missing:
        missing = said(result.import_missing, lang)
        console.print(f"[yellow]{_('not imported: {what}').format(what=missing)}[/yellow]")


def register(app: typer.Typer) -> None:
    app.command("generate")(generate)
