"""`clientload init`: a new workspace with every setting written out."""

from __future__ import annotations

import json
import re
from pathlib import Path

import typer


def init(
    directory: Path = typer.Argument(..., help="Folder of the new workspace."),
    currency: str = typer.Option(
        None, "--currency", help="The company's currency code (RUB, USD, EUR, …); default RUB."
    ),
    company: str = typer.Option(None, "--company", help="The company's name on client letters."),
    language: str = typer.Option(None, "--language", help="ru or en: reports and the workbook."),
) -> None:
    """Create a workspace: clientload.toml with documented defaults and an empty store."""
    from clientload.errors import ClientloadError
    from clientload.settings import default_toml_text
    from clientload.workspace import init_workspace

    existed = (directory / "clientload.toml").exists()
    if existed and (currency or company or language):
        raise ClientloadError(
            f"{directory / 'clientload.toml'} is already there; edit it instead of --currency, "
            "--company or --language"
        )
    text = default_toml_text()
    for key, value, check in (
        ("currency", currency, r"[A-Z]{3}"),
        ("company", company, r"[^\x00-\x1f\x7f]{1,200}"),  # TOML allows no control characters
        ("language", language, r"ru|en"),
    ):
        if value is None:
            continue
        if not re.fullmatch(check, value):
            expected = {"currency": "a three-letter code such as USD",
                        "company": "a name of 1 to 200 characters, no control characters",
                        "language": "ru or en"}[key]
            raise ClientloadError(f"--{key} {value!r}: expected {expected}")
        # a JSON string is a TOML basic string; a function, so that no backslash is re-read
        line = f"{key} = {json.dumps(value, ensure_ascii=False)}"
        text = re.sub(rf'(?m)^{key} = "[^"\n]*"', lambda _m, line=line: line, text, count=1)
    ws = init_workspace(directory, text)
    typer.echo(f"workspace {ws.root}")
    typer.echo(f"  settings {ws.settings_path}" + (" (kept, already there)" if existed else ""))
    typer.echo(f"  store    {ws.store_path}")
    if not existed:
        typer.echo(
            "next: set [departments] in clientload.toml to your own staff's cost and capacity "
            "(the defaults describe a distributor with about 100 M RUB of sales), then "
            f"`clientload import {ws.root} FILE --table sales`"
        )


def register(app: typer.Typer) -> None:
    app.command("init")(init)
