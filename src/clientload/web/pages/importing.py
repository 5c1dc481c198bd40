"""The Import page: upload a file, see how it would be read (the preview), choose which header
feeds each contract column, what the words of yes/no and code columns mean and what to look up
in another sheet, then import with a progress bar. The mapping is a TOML file the command line
accepts; it can be downloaded and is offered again for the next file with the same headers.

`POST /import` (one step, no mapping screen) stays for scripts and the API.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

from fastapi import APIRouter, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from clientload.errors import ClientloadError
from clientload.schema import TABLES
from clientload.web import mapping as uploads
from clientload.web.auth import User
from clientload.web.errors import Said
from clientload.web.mapping_form import doc_from_form
from clientload.web.pages.import_screen import (
    import_runner,
    job_context,
    result_figures,
    screen_context,
    without_upload_folder,
)
from clientload.web.render import NEED_ANALYST, page, render
from clientload.web.store import WRITE_LOCK

router = APIRouter()

UPLOAD_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".xls", ".xlsm", ".ods", ".parquet")
UPLOAD_FILE = File(...)
NO_FILE = File(None)


def _checked(table: str, upload: UploadFile) -> str:
    if table not in TABLES:
        raise Said(422, "table {value} is not one of {known}", value=repr(table),
                   known=', '.join(TABLES))
    name = Path(upload.filename or "upload").name
    if not name.lower().endswith(UPLOAD_SUFFIXES):
        raise Said(422, "{name}: expected a CSV, XLSX or Parquet file", name=name)
    return name


def _saved_mappings(ws: Any) -> list[str]:
    folder = Path(ws.root) / uploads.MAPPINGS
    return sorted(p.name for p in folder.glob("*.toml")) if folder.is_dir() else []


@page(router, "/import", "import.html.j2")
def import_form(request: Request, user: User = NEED_ANALYST) -> dict[str, Any]:
    return {"tables": list(TABLES), "result": None,
            "saved": _saved_mappings(request.app.state.ws)}


@router.post("/import", summary="Upload a file into an input table in one step")
def import_upload(request: Request, table: str = Form(...), upload: UploadFile = UPLOAD_FILE,
                  replace: bool = Form(False), user: User = NEED_ANALYST) -> Response:
    from clientload.ingest import import_files

    name = _checked(table, upload)
    ws = request.app.state.ws
    with tempfile.TemporaryDirectory(prefix="clientload-upload-") as folder:
        path = Path(folder) / name
        with path.open("wb") as fh:
            shutil.copyfileobj(upload.file, fh)
        try:
            with WRITE_LOCK:
                outcome = import_files(ws, [path], table, replace=replace,
                                       origins={path: f"web upload {name} by {user.username}"})
        except ClientloadError as exc:
            return render(request, "import.html.j2", {"tables": list(TABLES),
                                                   "error": without_upload_folder(str(exc)),
                                                   "result": None}, status_code=422)
    result = {"table": table, "file": name, **result_figures(outcome)}
    if "json" in request.headers.get("accept", ""):
        return JSONResponse(result)
    return render(request, "import.html.j2", {"tables": list(TABLES), "result": result})


@router.post("/import/upload", summary="Upload a file for the mapping screen")
def upload_for_mapping(request: Request, table: str = Form(...),
                       upload: UploadFile = UPLOAD_FILE, mapping: UploadFile | None = NO_FILE,
                       user: User = NEED_ANALYST) -> Response:
    """Keep the file, start from a mapping given or saved for the same headers, and show the
    mapping screen."""
    from clientload.ingest.preview import preview_file
    from clientload.ingest.readers import file_headers

    name = _checked(table, upload)
    ws = request.app.state.ws
    kept = uploads.new_upload(ws, name, upload.file, table, user.username)
    try:
        if mapping is not None and mapping.filename:
            with kept.mapping_path.open("wb") as handle:
                shutil.copyfileobj(mapping.file, handle)
        else:
            found = uploads.saved_for(ws, table, file_headers(kept.path))
            if found is not None:
                shutil.copyfile(found[1], kept.mapping_path)
                kept = uploads.Upload(kept.token, kept.folder, name, table, user.username,
                                      found[1].name)
                kept.write_state()
        preview_file(kept.path, table, kept.mapping())  # a file or mapping it cannot read: now
    except (ClientloadError, OSError, ValueError) as exc:
        shutil.rmtree(kept.folder, ignore_errors=True)
        return render(request, "import.html.j2",
                      {"tables": list(TABLES), "result": None, "saved": _saved_mappings(ws),
                       "error": without_upload_folder(str(exc))}, status_code=422)
    return RedirectResponse(f"/import/map/{kept.token}", status_code=303)


def own_upload(request: Request, user: User, token: str) -> uploads.Upload:
    """The upload of `token` if it is this user's (or the user is an admin); 404 otherwise."""
    found = uploads.open_upload(request.app.state.ws, token)
    if found is None or (found.user != user.username and not user.can("admin")):
        raise Said(404, "no such upload; upload the file again")
    return found


@page(router, "/import/map/{token}", "import_map.html.j2")
def mapping_screen(request: Request, token: str, user: User = NEED_ANALYST) -> dict[str, Any]:
    """The file as the import would read it and the form that maps it."""
    upload = own_upload(request, user, token)
    try:
        return screen_context(request, upload)
    except ClientloadError as exc:  # e.g. a mapping file given at upload no longer fits
        raise Said(422, "{problem}; start from scratch or upload the file again",
                   problem=without_upload_folder(str(exc))) from None


@router.post("/import/map/{token}", summary="Change the mapping of an upload, or import it")
async def mapping_change(request: Request, token: str, user: User = NEED_ANALYST) -> Response:
    form = await request.form()
    return await run_in_threadpool(_change, request, user, token, form)


def _change(request: Request, user: User, token: str, form: Any) -> Response:
    upload = own_upload(request, user, token)
    action = str(form.get("action") or "preview")
    if action == "reset":
        upload.mapping_path.unlink(missing_ok=True)
        return RedirectResponse(f"/import/map/{token}", status_code=303)
    from clientload.ingest.preview import preview_file
    from clientload.ingest.readers import file_headers

    sheets = {str(k): v for k, v in file_headers(upload.path).items() if k is not None}
    doc, table, pending = doc_from_form(upload.doc(), form, upload.table, sheets)
    with tempfile.TemporaryDirectory(prefix="clientload-mapping-") as folder:
        trial = Path(folder) / "mapping.toml"
        trial.write_text(uploads.toml_text(doc, table, upload.name), "utf-8")
        try:
            preview_file(upload.path, table, trial)
        except ClientloadError as exc:
            context = screen_context(request, upload, pending=pending,
                                     error=without_upload_folder(str(exc)))
            return render(request, "import_map.html.j2", context, status_code=422)
    upload = upload.save(doc, table)
    if action != "import":
        return render(request, "import_map.html.j2",
                      screen_context(request, upload, pending=pending))
    context = screen_context(request, upload)
    if context["missing"]:
        context["error"] = "missing"
        return render(request, "import_map.html.j2", context, status_code=422)
    from clientload.web.jobs import Recalculation

    running = request.app.state.import_jobs.get(token)
    if running is None or running.job.state != "running":
        job = Recalculation(request.app.state.ws,
                            import_runner(upload, bool(form.get("replace")),
                                          context["data_headers"]))
        request.app.state.import_jobs[token] = job
        job.start(user.username)
    return RedirectResponse(f"/import/job/{token}", status_code=303)


@router.get("/import/map/{token}/mapping.toml", summary="The upload's mapping file")
def mapping_file(request: Request, token: str, user: User = NEED_ANALYST) -> Response:
    upload = own_upload(request, user, token)
    if upload.mapping() is None:
        raise Said(404, "no mapping yet: the file is read with the synonyms alone")
    return FileResponse(upload.mapping_path, media_type="application/toml",
                        filename=f"{upload.table}-mapping.toml")


@page(router, "/import/job/{token}", "import_job.html.j2")
def import_job(request: Request, token: str, user: User = NEED_ANALYST) -> dict[str, Any]:
    """The import's progress, then what it did."""
    upload = own_upload(request, user, token)
    return job_context(upload, request.app.state.import_jobs.get(token))


@router.get("/import/mappings/{name}", summary="A mapping saved for files with the same headers")
def saved_mapping(request: Request, name: str, user: User = NEED_ANALYST) -> Response:
    if not uploads.SAVED_NAME.fullmatch(name):
        raise HTTPException(404, "no such mapping")
    path = Path(request.app.state.ws.root) / uploads.MAPPINGS / name
    if not path.is_file():
        raise HTTPException(404, "no such mapping")
    return FileResponse(path, media_type="application/toml", filename=name)
