"""`clientload backup` and `clientload restore`: the whole store to Parquet and back."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def backup(
    directory: Annotated[Path, typer.Argument(help="The workspace to back up.")],
    to: Annotated[Path, typer.Option("--to", help="A new or empty folder for the backup.")],
) -> None:
    """Every store table to Parquet, with clientload.toml and a manifest (rows, checksums)."""
    from clientload.backup import backup_workspace
    from clientload.progress import progress_bar

    with progress_bar() as progress:
        manifest = backup_workspace(directory, to, progress=progress)
    from clientload.cli.lang import cli_language, count, texts

    lang = cli_language()
    rows = sum(t.rows for t in manifest.tables)
    typer.echo(texts(lang)("backed up {tables} tables, {rows} rows, to {folder}").format(
        tables=len(manifest.tables), rows=count(rows, lang), folder=to))


def restore(
    folder: Annotated[Path, typer.Argument(help="A folder made by `clientload backup`.")],
    to: Annotated[Path, typer.Option("--to", help="The workspace to rebuild (new or empty).")],
    force: Annotated[
        bool, typer.Option("--force", help="Replace a store that already holds data.")
    ] = False,
) -> None:
    """Rebuild a workspace's store and settings from a backup; checks every table's checksum."""
    from clientload.backup import restore_workspace
    from clientload.progress import progress_bar

    with progress_bar() as progress:
        manifest = restore_workspace(folder, to, force=force, progress=progress)
    from clientload.cli.lang import cli_language, count, texts

    lang = cli_language()
    rows = sum(t.rows for t in manifest.tables)
    typer.echo(texts(lang)("restored {tables} tables, {rows} rows, into {folder}; run "
                           "`clientload run {folder}` to rebuild out/").format(
        tables=len(manifest.tables), rows=count(rows, lang), folder=to))


def register(app: typer.Typer) -> None:
    app.command("backup")(backup)
    app.command("restore")(restore)
