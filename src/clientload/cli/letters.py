"""`clientload letters`: one-page letters to clients (HTML, and PDF with Chromium)."""

from __future__ import annotations

from pathlib import Path

import typer

_DIRECTORY = typer.Argument(..., help="The workspace.")
_CLIENT = typer.Option(None, "--client", help="One client's id.")
_GROUP = typer.Option(None, "--group", help="Every client of a group: core, growing, price_driven, "
                      "new, lapsed.")
_OUT = typer.Option(..., "--out", help="The folder to write letter-<client id>.html/.pdf into.")
_LANG = typer.Option(None, "--lang", help="ru or en (default: the settings' language).")
_PDF = typer.Option(True, "--pdf/--no-pdf", help="Also print each letter to PDF (needs chromium).")


def letters(directory: Path = _DIRECTORY, client: str = _CLIENT, group: str = _GROUP,
            out: Path = _OUT, lang: str = _LANG, pdf: bool = _PDF) -> None:
    """Write letters telling clients their level, what their way of working costs, and the
    steps to the next level."""
    from clientload.cli.lang import tell
    from clientload.errors import ClientloadError
    from clientload.letters import default_language, letters_for, write_letters
    from clientload.messages import Message
    from clientload.progress import progress_bar
    from clientload.workspace import open_workspace

    if not client and not group:
        raise ClientloadError(Message("say whom to write to: --client ID or --group G"))
    ws = open_workspace(directory)
    chosen = letters_for(ws, lang=lang or default_language(ws), client_id=client, group=group)
    with progress_bar() as report:
        written = write_letters(chosen, out, pdf=pdf, progress=report)
    tell(Message("{html} letters (HTML) and {pdf} PDF in {out}", html=len(written.html),
                 pdf=len(written.pdf), out=str(out)))
    if written.pdf_skipped:
        tell(Message("note: {reason}; the HTML letters print from any browser",
                     reason=written.pdf_skipped))


def register(app: typer.Typer) -> None:
    app.command("letters")(letters)
