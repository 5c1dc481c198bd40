"""`write_workbook`: the live Excel workbook of a workspace's last run.

Sheets in order: Instructions, Settings, Data, Model, Groups, Whale curve, Heaviest clients,
Assortment, Policy, Career path, Parity, Control, History, Charts. The data are the tables
`Clients` and `ClientMonths`, the model the table `Model`; every other sheet reads whole columns
of them. Large bases (over `STREAM_LIMIT` model rows) are written in XlsxWriter's constant-memory
mode, rows streamed to disk.
"""

from __future__ import annotations

from pathlib import Path

from clientload.export import control
from clientload.export.book import Book
from clientload.export.charts import CHARTS, write_charts
from clientload.export.data_sheet import SHEET as DATA
from clientload.export.data_sheet import write_data_sheet
from clientload.export.groups_sheet import GROUPS, write_groups_sheet
from clientload.export.heavy_sheet import (
    ASSORTMENT,
    HEAVY,
    assortment_rows,
    write_assortment_sheet,
    write_heavy_sheet,
)
from clientload.export.inputs import WorkbookInputs, read_inputs
from clientload.export.instructions import INSTRUCTIONS, write_instructions
from clientload.export.model_policy import POLICY_RULES
from clientload.export.model_reader import define_reader_names
from clientload.export.model_sheet import SHEET as MODEL
from clientload.export.model_sheet import model_columns, write_model_sheet
from clientload.export.parity_sheet import SHEET as PARITY
from clientload.export.parity_sheet import ParityInputs, write_parity_sheet
from clientload.export.policy_sheet import CAREER, POLICY, write_career_sheet, write_policy_sheet
from clientload.export.settings_sheet import SHEET as SETTINGS
from clientload.export.settings_sheet import write_settings_sheet
from clientload.export.whale_sheet import WHALE, write_whale_sheet
from clientload.i18n import check_language
from clientload.progress import ProgressFn, no_progress
from clientload.workspace import Workspace

STREAM_LIMIT = 20_000
SHEETS = (
    INSTRUCTIONS,
    SETTINGS,
    DATA,
    MODEL,
    GROUPS,
    WHALE,
    HEAVY,
    ASSORTMENT,
    POLICY,
    CAREER,
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
    summed: bool = False,
) -> Path:
    """Write the workbook of the workspace's last `clientload run` to `path`; returns the path.

    `summed`: the pre-summed form (one row per client and period) whatever the size."""
    report = progress or no_progress
    check_language(lang)
    report("workbook", 0, 4)
    inputs = read_inputs(ws, force_summed=summed)
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
    ids = inputs.rows.clients["client_id"].astype(str).tolist()
    n = len(ids)
    streaming = n > STREAM_LIMIT if constant_memory is None else constant_memory
    book = Book.create(out, lang, inputs.currency, constant_memory=streaming)
    for name in SHEETS:
        book.sheet(name)
    write_instructions(book, inputs, n)
    layout = write_settings_sheet(book, inputs.settings, inputs.period, inputs.range_categories)
    write_data_sheet(book, inputs.rows)
    model = model_columns(
        book, inputs.settings, layout, inputs.rows.columns, summed=inputs.form == "summed"
    )
    define_reader_names(book, inputs.rows.columns.keys, inputs.rows.columns.blocks)
    write_model_sheet(book, model, ids)
    report("workbook", 2, 4)
    groups = write_groups_sheet(book, layout)
    whale = write_whale_sheet(book)
    assortment_n = write_assortment_sheet(book, assortment_rows(inputs.outputs))
    write_heavy_sheet(book, inputs.settings, assortment_n)
    write_policy_sheet(book, layout, [r for r in POLICY_RULES if f"dev__{r}" in model.index])
    write_career_sheet(book, layout)
    book.workbook.define_name("m_client_id", "=Model[client_id]")
    write_parity_sheet(
        book,
        ParityInputs(),
        "m_client_id",
        {
            k: f"Model[{k}]"
            for k in ("revenue", "gross_margin", "cost_to_serve", "contribution", "dso_days")
        },
    )
    history_rows = control.write_history_sheet(book, inputs)
    control.write_control_sheet(book, inputs, history_rows)
    write_charts(book, model, n, whale, groups)
    book.workbook.get_worksheet_by_name(INSTRUCTIONS).activate()
    report("workbook", 3, 4)
    book.close()
    report("workbook", 4, 4)
    return out
