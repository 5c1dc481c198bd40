"""The `clientload` command: a Typer app whose commands live in one module each.

Modules here import nothing heavy at the top (no ibis, duckdb, pandas), so `--help` and the parity
calculators start fast; each command imports what it needs when it runs.
"""

from __future__ import annotations

import importlib
import sys

import typer

app = typer.Typer(
    name="clientload",
    help="What each B2B client really costs to serve and brings, and what to ask for a discount.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# Each module exposes `register(app)`; the order is the order of `clientload --help`.
COMMAND_MODULES = (
    "demo", "workspace", "generate", "ingest", "pull", "model", "report", "export", "parity",
    "web", "backup", "letters", "calibrate",
)



@app.callback()
def _root() -> None:
    """What each B2B client really costs to serve and brings, and what to ask for a discount."""


for _name in COMMAND_MODULES:
    importlib.import_module(f"clientload.cli.{_name}").register(app)


def main() -> None:
    """Entry point: user errors become one line on stderr and exit code 2, in the command line's
    language (`clientload.cli.lang`)."""
    from clientload.cli.lang import cli_language, said, texts
    from clientload.errors import ClientloadError
    from clientload.settings import SettingsError

    try:
        lang = cli_language()
    except ClientloadError as exc:  # CLIENTLOAD_LANG set to a language we do not have
        typer.echo(f"error: {exc}", err=True)
        sys.exit(2)

    def _(message: str) -> str:  # the catalogues are read only when an error is written
        return texts(lang)(message)

    try:
        code = app(standalone_mode=False, prog_name="clientload")
        if isinstance(code, int) and code:
            sys.exit(code)
    except (ClientloadError, SettingsError) as exc:
        typer.echo(_("error: {message}").format(message=said(exc, lang)), err=True)
        sys.exit(2)
    except typer.Abort:
        typer.echo(_("aborted"), err=True)
        sys.exit(130)
    except KeyboardInterrupt:
        typer.echo(_("interrupted"), err=True)
        sys.exit(130)
    except SystemExit:
        raise
    except OSError as exc:  # a path the user gave that cannot be written or read
        where = f"{exc.filename}: " if exc.filename else ""
        message = f"{where}{exc.strerror or exc}"
        typer.echo(_("error: {message}").format(message=message), err=True)
        sys.exit(2)
    except Exception as exc:
        # Click's usage errors (vendored by Typer) arrive here in non-standalone mode: one line
        # too, with where to read the usage, instead of Click's usage block. Click's own text
        # stays English (Click has no Russian catalogue); the line around it is translated.
        if hasattr(exc, "format_message") and hasattr(exc, "exit_code"):
            ctx = getattr(exc, "ctx", None)
            usage = (_("; see `{command} --help`").format(command=ctx.command_path)
                     if ctx is not None else "")
            message = " ".join(str(exc.format_message()).split()).rstrip(".")
            typer.echo(_("error: {message}").format(message=message + usage), err=True)
            sys.exit(2)
        raise


if __name__ == "__main__":
    main()
