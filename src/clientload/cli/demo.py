"""`clientload demo`: a sample distributor, generated, imported, computed and reported."""

from __future__ import annotations

from pathlib import Path

import typer


def demo(
    directory: Path = typer.Argument(Path("clientload-demo"), help="Folder of the demo workspace."),
    clients: int = typer.Option(1000, help="Clients of the sample company."),
    lines: int = typer.Option(1_000_000, help="Sales lines of the sample company."),
    seed: int = typer.Option(42, help="The same seed gives the same company."),
    lang: str | None = typer.Option(
        None, "--lang", help="Language of the report, the workbook and this summary: ru or en "
        "(default: the command line's language)."
    ),
    fresh: bool = typer.Option(False, "--fresh", help="Delete the demo workspace and start over."),
) -> None:
    """Generate a sample distributor, import it, run every stage and print a summary."""
    from clientload.cli.lang import language_or, said, texts
    from clientload.demo import run_demo, summary_table
    from clientload.progress import progress_bar

    lang = language_or(lang)
    _ = texts(lang)
    with progress_bar() as progress:
        result = run_demo(directory, clients, lines, seed, lang, fresh, progress=progress)
    from rich.console import Console

    console = Console()
    for note in result.notes:
        console.print(said(note, lang))
    console.print(summary_table(result, lang))
    for label, path in result.files.items():
        console.print(f"{_(label):10} {path}")


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)
