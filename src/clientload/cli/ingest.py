"""`clientload import`: CSV, XLSX or Parquet files into one of the contract's input tables, or a
telephony / CRM / mail system's own export into `interactions` (`--source`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer


def import_command(
    directory: Annotated[Path, typer.Argument(help="The workspace (made by `clientload init`).")],
    files: Annotated[list[Path], typer.Argument(help="CSV, TXT/TSV, XLSX or Parquet files.")],
    table: Annotated[
        str | None,
        typer.Option(
            "--table",
            "-t",
            help="sales, clients, products, orders, interactions, storage, receivables or plans.",
        ),
    ] = None,
    source: Annotated[
        str | None,
        typer.Option(
            "--source",
            "-s",
            help="A system's own export into interactions: asterisk, freepbx, 3cx, bitrix24-calls, "
            "bitrix24-activities, amocrm, salesforce, hubspot, mbox or eml (docs/sources.md).",
        ),
    ] = None,
    rematch: Annotated[
        bool,
        typer.Option(
            "--rematch",
            help="With --source: read files imported before again and add only the calls and "
            "messages not stored yet (after adding phones or e-mails to clients).",
        ),
    ] = False,
    mapping: Annotated[
        Path | None, typer.Option("--mapping", "-m", help="A TOML mapping file (docs/data.md).")
    ] = None,
    sheet: Annotated[
        str | None, typer.Option("--sheet", help="Workbook sheet (name or number).")
    ] = None,
    delimiter: Annotated[
        str | None, typer.Option("--delimiter", help="CSV delimiter, e.g. ';'.")
    ] = None,
    encoding: Annotated[str | None, typer.Option("--encoding", help="e.g. windows-1251.")] = None,
    decimal: Annotated[
        str | None, typer.Option("--decimal", help="Decimal mark: ',' or '.'.")
    ] = None,
    date_format: Annotated[
        str | None,
        typer.Option(
            "--date-format", help="iso, dd.mm.yyyy, m/d/yyyy, d/m/yyyy, excel or yyyymmdd."
        ),
    ] = None,
    replace: Annotated[
        bool,
        typer.Option(
            "--replace",
            help="Import a file imported before again, in place of the rows it brought (same "
            "content, or the same file changed since).",
        ),
    ] = False,
    preview: Annotated[
        bool,
        typer.Option(
            "--preview",
            help="Show how the file would be read, mapped and checked; write nothing.",
        ),
    ] = False,
) -> None:
    """Load files into table T (or from system S); bad rows go to rejects/ with a reason each."""
    from rich.console import Console
    from rich.table import Table

    from clientload.errors import ClientloadError
    from clientload.messages import Message
    from clientload.progress import progress_bar
    from clientload.workspace import open_workspace

    if (table is None) == (source is None):
        raise ClientloadError(Message("give --table T or --source S (one of them)"))
    if rematch and source is None:
        raise ClientloadError(Message("--rematch works with --source only"))
    if source is not None and (replace or preview):
        raise ClientloadError(Message("--replace and --preview work with --table only"))
    ws = open_workspace(directory)
    # `is not None`: an empty --source "" is a source the importer names as unknown
    if source is not None:
        _import_source(ws, files, source, rematch)
        return
    if table is None:  # not reached: one of --table and --source is given, checked above
        raise ClientloadError(Message("give --table T or --source S (one of them)"))
    options: dict[str, Any] = {"sheet": sheet, "delimiter": delimiter, "encoding": encoding,
                               "decimal": decimal, "date_format": date_format}
    if preview:
        from clientload.cli.preview import print_previews

        print_previews(ws, files, table, mapping, options)
        return
    from clientload.ingest import import_files

    with progress_bar() as progress:
        result = import_files(
            ws, files, table, mapping=mapping, progress=progress, replace=replace, **options
        )
    from clientload.cli.lang import cli_language, count, said, texts

    lang = cli_language()
    _ = texts(lang)
    console = Console()
    summary = Table(title=_("import into {table}").format(table=result.table), show_header=False,
                    min_width=32)
    summary.add_column(_("what"))
    summary.add_column(_("rows"), justify="right")
    summary.add_row(_("read"), count(result.rows_read, lang))
    summary.add_row(_("loaded"), count(result.rows_loaded, lang))
    summary.add_row(_("collapsed (identical repeats)"), count(result.rows_collapsed, lang))
    summary.add_row(_("rejected"), count(result.rows_rejected, lang))
    if result.rows_replaced:
        summary.add_row(_("replaced (stored rows taken over)"), count(result.rows_replaced, lang))
    if result.skipped_files:
        summary.add_row(_("files skipped"), count(len(result.skipped_files), lang))
    console.print(summary)
    for path, reason in result.skipped_files:
        console.print(_("skipped {path}: {reason}").format(path=path, reason=said(reason, lang)),
                      markup=False, highlight=False, soft_wrap=True)
    for note in result.notes:  # not wrapped: paths and the [values] hint stay whole to copy
        console.print(_("note: {note}").format(note=said(note, lang)), markup=False,
                      highlight=False, soft_wrap=True)
    if result.rejects_path:
        console.print(_("rejected rows and reasons: {path}").format(path=result.rejects_path),
                      highlight=False)


def _import_source(ws, files: list[Path], source: str, rematch: bool) -> None:
    from rich.console import Console
    from rich.table import Table

    from clientload.progress import progress_bar
    from clientload.sources import import_source

    with progress_bar() as progress:
        result = import_source(ws, files, source, progress=progress, rematch=rematch)
    from clientload.cli.lang import cli_language, count, said, texts

    lang = cli_language()
    _ = texts(lang)
    console = Console()
    summary = Table(
        title=_("import from {source} into interactions").format(source=source),
        show_header=False, min_width=32,
    )
    summary.add_column(_("what"))
    summary.add_column(_("records"), justify="right")
    for label, n in result.summary_rows():
        summary.add_row(_(label), count(n, lang))
    console.print(summary)
    console.print(_("minutes added: {minutes}").format(
        minutes=count(result.minutes_inserted, lang, 1)))
    for note in result.notes:
        console.print(_("note: {note}").format(note=said(note, lang)), markup=False,
                      highlight=False)
    if result.unmatched_report:
        console.print(
            _("not matched (add these to clients.phones / clients.emails, then --rematch): "
              "{path}").format(path=result.unmatched_report),
            highlight=False,
        )
        top = ", ".join(f"{key} ({count(n, lang, grouped=False)})"
                        for key, n in result.top_unmatched)
        console.print(_("most frequent: {top}").format(top=top), markup=False, highlight=False)


def register(app: typer.Typer) -> None:
    app.command("import")(import_command)
