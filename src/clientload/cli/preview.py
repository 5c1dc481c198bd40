"""`clientload import … --preview`: how a file would be read, mapped and checked, printed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

SHOWN_WORDS = 15


def print_previews(
    ws: Any, files: list[Path], table: str | None, mapping: Path | None, options: dict[str, Any]
) -> None:
    from rich.console import Console

    from clientload.ingest.preview import preview_file

    console = Console()
    done = _imported_before(ws, table or "")
    for file in files:
        preview = preview_file(file, table or "", mapping, **options)
        print_preview(console, preview, done.get(preview.sha256))


def _imported_before(ws: Any, table: str) -> dict[str, str]:
    """sha256 → origin of the files that count as imported, if the store can be read now."""
    from clientload.ingest.load import imported_before

    if not ws.store_path.exists():
        return {}
    try:
        con = ws.connect(read_only=True)
    except Exception:  # held by another process: the preview does without
        return {}
    try:
        return imported_before(con, table)
    except Exception:  # a store made before the imports log had `replaced_by`
        return {}
    finally:
        con.close()


def print_preview(console: Any, preview: Any, imported_as: str | None = None) -> None:
    from rich.table import Table

    def say(text: str) -> None:
        console.print(text, markup=False, highlight=False, soft_wrap=True)

    say(f"preview of {preview.file} as {preview.table} (nothing is written)")
    if preview.sheet is not None:
        say(f"sheet: {preview.sheet} (sheets: {', '.join(preview.sheets)})")
    else:
        delimiter = "tab" if preview.delimiter == "\t" else preview.delimiter
        say(f"encoding: {preview.encoding or '—'}; delimiter: {delimiter or '—'}")
    if imported_as:
        say(f"already imported into {preview.table} (same content as {imported_as}); "
            "the import would skip it unless --replace")
    columns = Table(title="columns", show_lines=False)
    for name in ("column", "header in the file", "how", "format / detail"):
        columns.add_column(name)
    for c in preview.columns:
        mark = " *" if c.required else ""
        detail = "; ".join(x for x in (c.format, c.detail) if x)
        columns.add_row(*_cells(c.column + mark, c.header or "—", c.how, detail))
    console.print(columns)
    say("* required")
    for column, words in preview.words.items():
        table = Table(title=f"words in {column}")
        for name in ("word", "rows", "read as"):
            table.add_column(name, justify="right" if name == "rows" else "left")
        for w in words[:SHOWN_WORDS]:
            shown = "NOT UNDERSTOOD" if w.reads_as is None else (w.reads_as or "empty")
            table.add_row(*_cells(w.word, f"{w.rows:,}", shown))
        more = preview.distinct_words[column] - min(len(words), SHOWN_WORDS)
        if more > 0:
            table.add_row(f"… {more:,} more", "", "")
        console.print(table)
    if preview.missing:
        say(f"required columns not found: {', '.join(preview.missing)}; name them in a mapping "
            "file's [columns]. Headers: " + ", ".join(preview.headers))
    _print_sample(console, preview)
    counts = Table(title="the import would", show_header=False)
    counts.add_column("what")
    counts.add_column("rows", justify="right")
    for label, n in (("read", preview.rows_read), ("load", preview.rows_loaded),
                     ("collapse (identical repeats)", preview.rows_collapsed),
                     ("reject", preview.rows_rejected)):
        counts.add_row(label, f"{n:,}")
    if not preview.missing:
        console.print(counts)
    for kind, n in preview.reasons:
        say(f"rejected {n:,}: {kind}")
    for line, reason in preview.rejected:
        say(f"  line {line}: {reason}")
    for note in preview.notes:
        say(f"note: {note}")


def _cells(*values: Any) -> list[Any]:
    """Cells as plain text: a file's "[bold]" is data, not Rich markup."""
    from rich.text import Text

    return [Text(str(v)) for v in values]


def _print_sample(console: Any, preview: Any) -> None:
    from rich.table import Table

    if not preview.sample:
        return
    title = "first rows as they would be stored" if not preview.missing else "first rows as read"
    keys = [k for k in preview.sample[0] if any(row[k] is not None for row in preview.sample)]
    table = Table(title=title)
    for key in keys:
        table.add_column("line" if key == "_line" else key, overflow="fold")
    for row in preview.sample:
        table.add_row(*_cells(*("" if row[k] is None else row[k] for k in keys)))
    console.print(table)
