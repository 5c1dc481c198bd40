"""`clientload report`: the self-contained HTML report of the last run."""

from __future__ import annotations

from pathlib import Path

import typer


def report(
    directory: Path = typer.Argument(..., help="The workspace."),
    html: Path = typer.Option(..., "--html", help="Where to write the HTML file."),
    lang: str = typer.Option(None, "--lang", help="ru or en (default: the settings' language)."),
) -> None:
    """Write the dashboard, groups, heaviest clients and policy into one HTML file to mail."""
    from clientload.cli.lang import tell
    from clientload.cli.output import output_file
    from clientload.messages import Message
    from clientload.report import write_report
    from clientload.workspace import open_workspace

    ws = open_workspace(directory)
    path = write_report(ws, output_file(html, "--html", "report.html"), lang)
    tell(Message("report {path} ({size:.1f} MB)", path=str(path), size=path.stat().st_size / 1e6))


def register(app: typer.Typer) -> None:
    app.command("report")(report)
