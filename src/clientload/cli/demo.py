"""Placeholder: the `demo` commands are being written."""

import typer


def register(app: typer.Typer) -> None:
    """Nothing yet."""
