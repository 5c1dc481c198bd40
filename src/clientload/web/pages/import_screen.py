"""What the mapping screen and the import's progress page show (their contexts, also served as
JSON), and the import run in the background once the mapping is right."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi import Request

from clientload.errors import ClientloadError
from clientload.schema import TABLES
from clientload.web import mapping as uploads
from clientload.web.mapping_form import choice_of, word_choices
from clientload.web.store import WRITE_LOCK, store

WORDS_SHOWN = 30
_UPLOAD_FOLDER = re.compile(r"[^\s'\"(]*(clientload-upload-|uploads[/\\])[^/\\\s]+[/\\]")


def without_upload_folder(text: str) -> str:
    """Messages name the uploaded file, not the server's folder it was read from."""
    return _UPLOAD_FOLDER.sub("", text)


def result_figures(outcome: Any) -> dict[str, Any]:
    """An ImportResult as the pages and the JSON show it."""
    rejects = getattr(outcome, "rejects_path", None)
    return {
        "rows_read": outcome.rows_read,
        "rows_loaded": outcome.rows_loaded,
        "rows_collapsed": outcome.rows_collapsed,
        "rows_rejected": outcome.rows_rejected,
        "rows_replaced": outcome.rows_replaced,
        "rejects": Path(rejects).name if rejects else None,
        # e.g. "already imported into sales (same content as …)": a repeat upload is not silent
        "skipped": [without_upload_folder(why) for _, why in outcome.skipped_files],
        "notes": [without_upload_folder(note) for note in outcome.notes],
    }


def screen_context(request: Request, upload: uploads.Upload, pending: dict[str, Any] | None = None,
                   error: str | None = None) -> dict[str, Any]:
    """The preview of the upload with its current mapping, and the form's choices."""
    from clientload.ingest.preview import preview_file
    from clientload.ingest.readers import file_headers

    found = preview_file(upload.path, upload.table, upload.mapping())
    headers_by = file_headers(upload.path)
    sheets = {str(k): v for k, v in headers_by.items() if k is not None}
    doc = upload.doc()
    values = doc.get("values", {})
    words = {}
    for target, listed in found.words.items():
        words[target] = {
            "choices": word_choices(upload.table, target),
            "words": [{"word": w.word, "rows": w.rows, "reads_as": w.reads_as,
                       "choice": choice_of(values.get(target, {}), w.word)}
                      for w in listed[:WORDS_SHOWN]],
            "more": found.distinct_words[target] - min(len(listed), WORDS_SHOWN),
        }
    constants = doc.get("constants", {})
    columns = [{"name": c.column, "required": c.required, "header": c.header, "how": c.how,
                "detail": c.detail, "format": c.format,
                "constant": str(constants.get(c.column, "")) if c.how != "derived" else ""}
               for c in found.columns]
    others = [s for s in sheets if s != found.sheet]
    new = dict(pending or {})
    if not new.get("sheet") and others:
        new = {"sheet": others[0], "key": "", "on": "", "columns": [], "required": True}
    new["headers"] = sheets.get(new.get("sheet", ""), [])
    lookups = [{"name": name, "sheet": spec.get("sheet", ""), "key": spec.get("key", ""),
                "on": spec.get("on", spec.get("key", "")), "columns": spec.get("columns", []),
                "required": spec.get("required", True), "file": spec.get("file", "")}
               for name, spec in doc.get("lookup", {}).items()]
    sample_keys = [k for k in (found.sample[0] if found.sample else {})
                   if any(row[k] is not None for row in found.sample)]
    return {
        "token": upload.token, "name": upload.name, "table": upload.table,
        "tables": list(TABLES), "is_workbook": upload.is_workbook,
        "sheet": found.sheet, "sheets": list(sheets), "other_sheets": others,
        "encoding": found.encoding, "delimiter": "tab" if found.delimiter == "\t"
        else found.delimiter,
        "rows_read": found.rows_read, "rows_loaded": found.rows_loaded,
        "rows_collapsed": found.rows_collapsed, "rows_rejected": found.rows_rejected,
        "columns": columns, "headers": found.headers, "words": words,
        "lookups": lookups, "new_lookup": new,
        "sample": [{k: row[k] for k in sample_keys} for row in found.sample],
        "sample_columns": sample_keys,
        "reasons": [{"reason": r, "rows": n} for r, n in found.reasons],
        "rejected": [{"line": line, "reason": r} for line, r in found.rejected],
        "notes": [without_upload_folder(n) for n in found.notes],
        "missing": found.missing,
        "mapping": upload.mapping_path.read_text("utf-8") if upload.mapping() else "",
        "saved_from": upload.saved_from,
        "already": _imported_as(request, upload.table, found.sha256),
        "data_headers": headers_by.get(found.sheet) or headers_by.get(None) or [],
        "error": error,
    }


def _imported_as(request: Request, table: str, sha256: str) -> str | None:
    """Where the same content came from when it was imported into `table` before."""
    from clientload.ingest.load import imported_before

    try:
        with store(request.app.state.ws) as con:
            origin = imported_before(con, table).get(sha256)
    except ClientloadError:  # the store is busy: the import itself will say it
        return None
    return without_upload_folder(origin) if origin else None


def import_runner(upload: uploads.Upload, replace: bool, headers: list[str]
                  ) -> Callable[[Any, Callable[[str, int, int], None]], Any]:
    """The background job: import the upload with its mapping, keep the mapping for the next
    file with the same headers, and leave the result beside the upload for the progress page."""

    def run(ws: Any, progress: Callable[[str, int, int], None]) -> Any:
        from clientload.ingest import import_files

        with WRITE_LOCK:
            outcome = import_files(
                ws, [upload.path], upload.table, mapping=upload.mapping(), progress=progress,
                origins={upload.path: f"web upload {upload.name} by {upload.user}"},
                replace=replace,
            )
        saved = None
        if upload.mapping() is not None and outcome.rows_loaded:
            saved = uploads.save_for_next_time(ws, upload, headers).name
        upload.write_result({"table": upload.table, "file": upload.name,
                             **result_figures(outcome), "saved_mapping": saved})
        return outcome

    return run


def job_context(upload: uploads.Upload, background: Any) -> dict[str, Any]:
    """The import's state (from the job while this server runs it) and its result."""
    result = upload.result()
    if background is not None:
        job = background.job.as_dict()
    else:
        job = {"state": "done" if result else "idle", "stage": "", "done": 0, "total": 0,
               "error": None}
    return {"token": upload.token, "name": upload.name, "table": upload.table, "job": job,
            "result": result}
