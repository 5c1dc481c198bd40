"""Generate a company straight into a workspace: files, sized settings, and the import.

Used by `clientload generate` and the demo. A workspace created here gets departments sized to
the generated company (`suggested_departments`); an existing one keeps its settings.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from clientload.errors import ClientloadError
from clientload.generate.company import GeneratedCompany, check_size, generate_company
from clientload.generate.sizing import sized_settings_text, suggested_departments
from clientload.progress import ProgressFn
from clientload.workspace import Workspace, init_workspace

GENERATED_DIR = Path("data") / "generated"


@dataclass
class GeneratedWorkspace:
    workspace: Workspace
    company: GeneratedCompany
    created: bool  # the workspace (its settings file) was made by this call
    departments: dict[str, tuple[float, float]] | None  # written into the settings, when created
    imported: dict[str, Any] = field(default_factory=dict)  # table -> the importer's result
    import_missing: str | None = None  # why nothing was imported, when the importer is absent
    seconds: dict[str, float] = field(default_factory=dict)


def generate_workspace(
    directory: str | Path,
    clients: int,
    lines: int,
    seed: int = 42,
    months: int = 24,
    progress: ProgressFn | None = None,
    rhythm: str = "monthly",
) -> GeneratedWorkspace:
    """Create the workspace if needed, generate into `DIR/data/generated/` and import each table.

    Refuses (ClientloadError) a workspace whose store already holds sales lines.
    """
    try:
        check_size(clients, lines, months)
    except ValueError as exc:
        raise ClientloadError(str(exc)) from None
    from clientload.generate.activity import RHYTHMS

    if rhythm not in RHYTHMS:
        raise ClientloadError(f"--rhythm {rhythm!r}: expected one of {', '.join(RHYTHMS)}")
    root = Path(directory)
    created = not (root / "clientload.toml").exists()
    ws = init_workspace(root)
    held = _sales_lines(ws)
    if held:
        raise ClientloadError(
            f"{root} already holds {held:,} sales lines; generate into a new folder so that two "
            "companies do not mix"
        )
    started = time.perf_counter()
    try:
        company = generate_company(
            ws.root / GENERATED_DIR, clients, lines, seed=seed, months=months, progress=progress,
            rhythm=rhythm,
        )
    except ValueError as exc:
        raise ClientloadError(str(exc)) from None
    result = GeneratedWorkspace(workspace=ws, company=company, created=created, departments=None)
    result.seconds["generate"] = time.perf_counter() - started

    if created:
        sized = suggested_departments(company, ws.settings())
        text = ws.settings_path.read_text("utf-8")
        ws.settings_path.write_text(sized_settings_text(text, sized), "utf-8")
        result.departments = sized

    try:
        from clientload.ingest import import_files
    except ImportError as exc:
        result.import_missing = f"the importer is not available ({exc})"
        return result
    started = time.perf_counter()
    for table, path in company.files.items():
        result.imported[table] = import_files(ws, [path], table, progress=progress)
    result.seconds["import"] = time.perf_counter() - started
    return result


def _sales_lines(ws: Workspace) -> int:
    con = ws.connect(read_only=True)
    try:
        row = con.execute("SELECT count(*) FROM sales").fetchone()
    finally:
        con.close()
    return int(row[0]) if row else 0
