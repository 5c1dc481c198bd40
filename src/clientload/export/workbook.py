"""`write_workbook`: the live Excel workbook of a workspace's last run.

Sheets in order: Instructions, Settings, Data, Model, Groups, Whale curve, Heaviest clients,
Assortment, Policy, Career path, Parity, Control, History, Charts. Small and medium bases are
written with the Data sheet as an Excel table; large ones (over `TABLE_LIMIT` clients) in
XlsxWriter's constant-memory mode, where tables are not available and the Data sheet gets an
autofilter.
"""

from __future__ import annotations

from pathlib import Path

from clientload.export import control, views
from clientload.export.book import Book
from clientload.export.charts import CHARTS, write_charts
from clientload.export.data_sheet import SHEET as DATA
from clientload.export.data_sheet import data_columns, write_data_sheet
from clientload.export.inputs import WorkbookInputs, read_inputs
from clientload.export.instructions import INSTRUCTIONS, write_instructions
from clientload.export.model_sheet import SHEET as MODEL
from clientload.export.model_sheet import model_columns, write_model_sheet
from clientload.export.parity_sheet import SHEET as PARITY
from clientload.export.parity_sheet import ParityInputs, write_parity_sheet
from clientload.export.settings_sheet import SHEET as SETTINGS
from clientload.export.settings_sheet import write_settings_sheet
from clientload.i18n import check_language
from clientload.progress import ProgressFn, no_progress
from clientload.workspace import Workspace

TABLE_LIMIT = 20_000
SHEETS = (
    INSTRUCTIONS,
    SETTINGS,
    DATA,
    MODEL,
    views.GROUPS,
    views.WHALE,
    views.HEAVY,
    views.ASSORTMENT,
    views.POLICY,
    views.CAREER,
    PARITY,
    control.CONTROL,
    control.HISTORY,
    CHARTS,
)


def write_workbook(
    ws: Workspace,
    path: str | Path,
    lang: str = "ru",
    progress: ProgressFn | None = None,
    *,
    constant_memory: bool | None = None,
) -> Path:
    """Write the workbook of the workspace's last `clientload run` to `path`; returns the path."""
    report = progress or no_progress
    check_language(lang)
    report("workbook", 0, 4)
    inputs = read_inputs(ws)
    report("workbook", 1, 4)
    return write_inputs(inputs, path, lang, progress=report, constant_memory=constant_memory)


def write_inputs(
    inputs: WorkbookInputs,
    path: str | Path,
    lang: str = "ru",
    progress: ProgressFn | None = None,
    *,
    constant_memory: bool | None = None,
) -> Path:
    """Write the workbook from already read inputs (the benchmark times this part alone)."""
    report = progress or no_progress
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    n = len(inputs.clients)
    streaming = n > TABLE_LIMIT if constant_memory is None else constant_memory
    book = Book.create(out, lang, inputs.currency, constant_memory=streaming)
    for name in SHEETS:
        book.sheet(name)
    write_instructions(book, inputs, n)
    layout = write_settings_sheet(book, inputs.settings, inputs.period, inputs.range_categories)
    data = data_columns(book, inputs)
    write_data_sheet(book, inputs, data, as_table=not streaming)
    model = model_columns(book, inputs, layout, data)
    write_model_sheet(book, model, data, n)
    report("workbook", 2, 4)
    groups = views.write_groups_sheet(book, layout, model, n)
    whale = views.write_whale_sheet(book, model, n)
    rows = views.assortment_rows(inputs)
    assortment_n = views.write_assortment_sheet(book, rows)
    views.write_heavy_sheet(book, inputs, model, n, assortment_n)
    views.write_policy_sheet(book, layout, model, n)
    views.write_career_sheet(book, layout, model, n)
    write_parity_sheet(
        book,
        ParityInputs(),
        model.range("client_id", n).replace("'Model'", "Model"),
        {k: model.range(k, n) for k in ("revenue", "gross_margin", "cost_to_serve", "contribution")}
        | {"dso_days": data.range("dso_days", n)},
    )
    history_rows = control.write_history_sheet(book, inputs)
    control.write_control_sheet(book, inputs, model, data, n, history_rows)
    write_charts(book, model, n, whale, groups)
    book.workbook.get_worksheet_by_name(INSTRUCTIONS).activate()
    report("workbook", 3, 4)
    book.close()
    report("workbook", 4, 4)
    return out
