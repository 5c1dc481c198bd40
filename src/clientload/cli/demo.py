"""`clientload demo`: a sample distributor, generated, imported, computed and reported."""

from __future__ import annotations

from pathlib import Path

import typer


def demo(
    directory: Path = typer.Argument(Path("clientload-demo"), help="Folder of the demo workspace."),
    clients: int = typer.Option(1000, help="Clients of the sample company."),
    lines: int = typer.Option(1_000_000, help="Sales lines of the sample company."),
    seed: int = typer.Option(42, help="The same seed gives the same company."),
    lang: str = typer.Option("en", "--lang", help="Language of the report and workbook: ru or en."),
    fresh: bool = typer.Option(False, "--fresh", help="Delete the demo workspace and start over."),
) -> None:
    """Generate a sample distributor, import it, run every stage and print a summary."""
    from clientload.demo import run_demo, summary_table
    from clientload.i18n import check_language
    from clientload.progress import progress_bar

    check_language(lang)
    with progress_bar() as progress:
        result = run_demo(directory, clients, lines, seed, lang, fresh, progress=progress)
    from rich.console import Console

    console = Console()
    for note in result.notes:
        console.print(note)
    console.print(summary_table(result))
    for label, path in result.files.items():
        console.print(f"{label:10} {path}")


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)
