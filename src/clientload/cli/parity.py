"""Placeholder: the `parity` commands are being written."""

import typer


def register(app: typer.Typer) -> None:
    """Nothing yet."""
