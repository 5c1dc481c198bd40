"""`clientload init`: a new workspace with every setting written out."""

from __future__ import annotations

from pathlib import Path

import typer


def init(directory: Path = typer.Argument(..., help="Folder of the new workspace.")) -> None:
    """Create a workspace: clientload.toml with documented defaults and an empty store."""
    from clientload.workspace import init_workspace

    existed = (directory / "clientload.toml").exists()
    ws = init_workspace(directory)
    typer.echo(f"workspace {ws.root}")
    typer.echo(f"  settings {ws.settings_path}" + (" (kept, already there)" if existed else ""))
    typer.echo(f"  store    {ws.store_path}")


def register(app: typer.Typer) -> None:
    app.command("init")(init)
