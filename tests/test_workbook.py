"""The live workbook: formulas only, safe text, and LibreOffice's recalculation equals the engine.

The LibreOffice tests open the workbook in a headless LibreOffice with a throw-away profile that
recalculates every formula on load, save it again and read the computed values with openpyxl.
"""

from __future__ import annotations

import csv
import json
import math
import re
import shutil
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from clientload.export import write_workbook
from clientload.export.book import Book
from clientload.export.libreoffice import recalculate, soffice_path, write_profile
from clientload.export.parity_sheet import ParityInputs
from clientload.export.rows_export import write_period_rows
from clientload.export.text import needs_quote_prefix
from clientload.generate.into import generate_workspace
from clientload.parity.breakeven import (
    break_even_volume,
    discount_grid,
    max_discount_for_volume,
    price_increase_volume_loss,
)
from clientload.parity.cash import cash_discount_rates
from clientload.parity.client import give_get_max_discount
from clientload.parity.plan import plan_max_discount
from clientload.run import run_model
from clientload.workspace import open_workspace

# Functions both Excel (2007 and later) and LibreOffice compute without a future-function prefix.
ALLOWED_FUNCTIONS = {
    "ABS",
    "MEDIAN",
    "AND",
    "DATE",
    "ISNA",
    "MAXIFS",
    "MINIFS",
    "NOT",
    "CEILING",
    "COUNT",
    "COUNTA",
    "COUNTIF",
    "COUNTIFS",
    "EDATE",
    "IF",
    "IFERROR",
    "INDEX",
    "INT",
    "LARGE",
    "ISNUMBER",
    "MATCH",
    "MIN",
    "MAX",
    "MONTH",
    "N",
    "OFFSET",
    "OR",
    "RANK",
    "ROW",
    "ROWS",
    "SMALL",
    "SQRT",
    "SUM",
    "SUMIF",
    "SUMIFS",
    "SUMPRODUCT",
    "SUMSQ",
    "YEAR",
}
REL = 1e-9
PERIOD = "2024-12:2025-11"  # the export's period; the data run to 2025-12
NEW_CLIENT = "C99999"  # first buys in 2025-12, after the exported period
RISKY_NAMES = (("=1+1", 0), ("@acme", 1), ("-Trade", 2))
# Time equations with terms on three order drivers (issue 14): the default order entry's lines
# and urgency, a new client's orders, picked-up orders taking less, returned orders; deliveries
# not ordered through the portal; returns by their units.
DEFAULT_ORDER_TERMS = """terms = [
  { per = "lines", minutes = 0.5 },
  { when = "urgent", minutes = 10 },
]"""
ORDER_TERMS = """terms = [
  { per = "lines", minutes = 0.5 },
  { when = "urgent", minutes = 10 },
  { when = "new_client", minutes = 15 },
  { when = "delivery == 'pickup'", minutes = -2 },
  { when = "returned", minutes = 7 },
]"""
OTHER_TERMS = {
    "deliveries": '{ when = "source != \'portal\'", minutes = 3 }',
    "returns": '{ per = "quantity", minutes = 0.2 }',
}


def use_terms(toml: Path, order_terms: str = ORDER_TERMS) -> None:
    """The company's settings with the terms above (its generated clientload.toml edited)."""
    text = toml.read_text("utf-8")
    assert DEFAULT_ORDER_TERMS in text
    text = text.replace(DEFAULT_ORDER_TERMS, order_terms)
    for driver, term in OTHER_TERMS.items():
        marker = f'driver = "{driver}"\n'
        assert marker in text, driver
        text = text.replace(marker, marker + f"terms = [{term}]\n", 1)
    toml.write_text(text, "utf-8")


def close(a: float, b: float, rel: float = REL) -> bool:
    return math.isclose(a, b, rel_tol=rel, abs_tol=1e-6)


@pytest.fixture(scope="module")
def company(tmp_path_factory) -> Path:
    """A small generated distributor, with the model run on it for PERIOD."""
    root = tmp_path_factory.mktemp("company")
    generate_workspace(root, clients=150, lines=9000, seed=11)
    con = open_workspace(root).connect()
    try:  # names that a spreadsheet would take for formulas
        for name, rank in RISKY_NAMES:
            con.execute(
                "UPDATE clients SET name = ? WHERE client_id = "
                "(SELECT client_id FROM clients ORDER BY client_id LIMIT 1 OFFSET ?)",
                [name, rank],
            )
        # Forty clients without cost of goods: their margin is the assumed rate, which the group
        # rules must treat alike in the engine and in the workbook's formulas.
        con.execute("UPDATE products SET unit_cost = NULL")
        con.execute(
            "UPDATE sales SET cost = NULL WHERE client_id IN "
            "(SELECT client_id FROM clients ORDER BY client_id LIMIT 40 OFFSET 5)"
        )
        # A client that first buys in the month after the exported period.
        con.execute(
            "INSERT INTO clients (client_id, name, manager, region) "
            "VALUES (?, 'ООО Новый', 'Анна Белова', 'Москва')",
            [NEW_CLIENT],
        )
        con.execute(
            "INSERT INTO sales (client_id, date, sku, quantity, revenue, cost, order_id) "
            "SELECT ?, DATE '2025-12-10', sku, 40, 90000, 60000, 'NEW-1' FROM products LIMIT 1",
            [NEW_CLIENT],
        )
        # Goods left ready in our warehouse: every ninth order shipped 20 days after it was
        # ready (beyond every group's allowance), a few never shipped; some orders returned.
        con.execute(
            "UPDATE orders SET shipped_at = ready_at + INTERVAL 20 DAY WHERE hash(order_id) % 9 = 0"
        )
        con.execute(
            "UPDATE orders SET shipped_at = NULL WHERE hash(order_id) % 97 = 1 "
            "AND created_at > TIMESTAMP '2025-10-01'"
        )
        con.execute("UPDATE orders SET returned = TRUE WHERE hash(order_id) % 23 = 0")
    finally:
        con.close()
    use_terms(root / "clientload.toml")
    run_model(root, period=PERIOD)
    return root


@pytest.fixture(scope="module")
def libreoffice(tmp_path_factory):
    """Recalculate a workbook in LibreOffice headless and return the path of the saved copy."""
    if soffice_path() is None:
        pytest.skip("LibreOffice (soffice) is not installed; .ci/apt-packages installs it")
    profile = write_profile(tmp_path_factory.mktemp("lo-profile"))

    def recalculate_book(book: Path) -> Path:
        return recalculate(book, book.parent / "recalculated", profile, timeout=300)

    return recalculate_book


def sheet_rows(book: Path, sheet: str) -> list[tuple]:
    wb = openpyxl.load_workbook(book, data_only=True, read_only=True)
    try:
        return [tuple(r) for r in wb[sheet].iter_rows(values_only=True)]
    finally:
        wb.close()


def model_table(book: Path) -> pd.DataFrame:
    """The Model table's rows, columns named by the table's headers (the keys)."""
    rows = sheet_rows(book, "Model")
    return pd.DataFrame(rows[4:], columns=list(rows[3])).set_index("client_id")


def named_value(book: Path, name: str):
    wb = openpyxl.load_workbook(book, data_only=True)
    sheet, ref = next(iter(wb.defined_names[name].destinations))
    return wb[sheet][ref.replace("$", "")].value


# --- Without LibreOffice -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "risky"),
    [
        ('=HYPERLINK("http://x")', True),
        ("+7 495 123-45-67", True),
        ("-5", True),
        ("@acme.ru", True),
        ("\tTab", True),
        ("\rCR", True),
        ("ООО Ромашка", False),
        ("", False),
    ],
)
def test_text_that_would_start_a_formula_gets_the_quote_prefix(text, risky):
    assert needs_quote_prefix(text) is risky


def test_user_text_is_stored_as_text_never_as_a_formula(tmp_path):
    path = tmp_path / "t.xlsx"
    book = Book.create(path, "en", "RUB")
    sheet = book.sheet("T")
    names = ["=SUM(1,2)", "+7 495", "-1", "@evil", "Plain"]
    for i, name in enumerate(names):
        book.text(sheet, i, 0, name)
    book.close()
    wb = openpyxl.load_workbook(path)
    cells = [wb["T"].cell(row=i + 1, column=1) for i in range(len(names))]
    assert [c.value for c in cells] == names
    assert all(c.data_type == "s" for c in cells)
    assert [c.quotePrefix for c in cells] == [True, True, True, True, False]


@pytest.fixture(scope="module")
def workbook(company) -> Path:
    return write_workbook(open_workspace(company), company / "book.xlsx", lang="en")


@pytest.mark.slow  # the generated company and its run take some 10 s
def test_the_model_table_is_the_client_id_and_one_formula_per_column(workbook):
    wb = openpyxl.load_workbook(workbook)
    sheet = wb["Model"]
    table = sheet.tables["Model"]
    rows = list(sheet.iter_rows(min_row=5, values_only=True))
    assert table.ref == f"A4:{openpyxl.utils.get_column_letter(len(rows[0]))}{4 + len(rows)}"
    assert [c.name for c in table.tableColumns][:1] == ["client_id"]
    assert all(not str(row[0]).startswith("=") for row in rows)
    for i, column in enumerate(table.tableColumns[1:], start=1):
        formula = "=" + column.calculatedColumnFormula.attr_text
        assert {row[i] for row in rows} == {formula}, column.name
        assert "@" not in formula  # the explicit [#This Row] form LibreOffice 7.4 computes
    names = {c.name for c in table.tableColumns}
    contract = {"revenue", "gross_margin", "load_minutes", "cost_to_serve", "contribution"}
    assert contract | {"segment"} <= names
    data = wb["Data"]
    assert set(data.tables) == {"ClientMonths", "Clients"}
    assert {"period_start", "period_end"} <= set(wb.defined_names)


@pytest.mark.slow
def test_no_formula_reads_a_fixed_range_of_model_or_data_rows(workbook):
    wb = openpyxl.load_workbook(workbook, read_only=True)
    fixed = re.compile(r"(Model|Data)'?!\$?[A-Z]+\$?\d")
    found = [
        (ws.title, v)
        for ws in wb.worksheets
        for row in ws.iter_rows(values_only=True)
        for v in row
        if isinstance(getattr(v, "text", v), str) and fixed.search(getattr(v, "text", v))
    ]
    assert not found, found[:3]


@pytest.mark.slow  # the generated company and its run take some 10 s
def test_formulas_use_only_functions_excel_and_libreoffice_both_compute(workbook):
    wb = openpyxl.load_workbook(workbook, read_only=True)
    used: set[str] = set()
    for ws in wb.worksheets:
        for row in ws.iter_rows(values_only=True):
            for v in row:
                if isinstance(v, str) and v.startswith("="):
                    used |= set(re.findall(r"([A-Z][A-Z0-9.]*)\(", v))
    assert used <= ALLOWED_FUNCTIONS, used - ALLOWED_FUNCTIONS


@pytest.mark.slow  # the generated company and its run take some 10 s
def test_large_bases_are_written_in_constant_memory_mode_with_the_same_formulas(company, workbook):
    streamed = write_workbook(
        open_workspace(company), company / "streamed.xlsx", lang="en", constant_memory=True
    )
    for sheet in ("Model", "Whale curve", "Heaviest clients", "Settings", "Parity"):
        a = openpyxl.load_workbook(workbook, read_only=True)[sheet]
        b = openpyxl.load_workbook(streamed, read_only=True)[sheet]
        assert _cells(a) == _cells(b), sheet


def _cells(sheet) -> list[tuple]:
    """Cell contents, array formulas as their text."""
    return [tuple(getattr(v, "text", v) for v in row) for row in sheet.iter_rows(values_only=True)]


# --- Recalculated by LibreOffice ---------------------------------------------------------------


ERROR_SHEETS = (
    "Settings",
    "Data",
    "Model",
    "Groups",
    "Whale curve",
    "Heaviest clients",
    "Policy",
    "Career path",
    "Parity",
    "Control",
)


def error_cells(book: Path) -> list[tuple[str, str]]:
    return [
        (ws, v)
        for ws in ERROR_SHEETS
        for row in sheet_rows(book, ws)
        for v in row
        if isinstance(v, str) and (v.startswith("#") or v.startswith("Err:"))
    ]


def same(got, expected) -> bool:
    """Equal figures, or both missing (an empty cell, an engine NULL)."""
    missing = (None, "")
    if (got in missing or got != got) and (expected is None or expected != expected):
        return True
    return got not in missing and close(float(got), float(expected))


def assert_equals_engine(computed: Path, out: Path) -> pd.DataFrame:
    """Every client of the engine's run: the same figures and group; 0 error cells."""
    engine = pd.read_parquet(out / "client_metrics.parquet").set_index("client_id")
    model = model_table(computed)
    active = model[model["active"] == True]  # noqa: E712
    assert sorted(active.index) == sorted(engine.index)
    for client, row in engine.iterrows():
        got = model.loc[client]
        for key in (
            "revenue", "cost_to_serve", "contribution", "load_minutes", "gross_margin",
            "deviations_cost", "storage_cost", "returns", "waiting_days", "purchase_days",
        ):
            assert close(got[key], row[key]), (client, key, got[key], row[key])
        # the buying rhythm: the client's own mean gap, the pause its rhythm allows, regularity
        for key in ("mean_gap_days", "lapse_after_days", "regularity_cv"):
            assert same(got[key], row[key]), (client, key, got[key], row[key])
        assert got["segment"] == row["segment"], (client, row["segment_reason"])
        assert got["abc_revenue"] == row["abc_revenue"], client
        assert got["abc_contribution"] == row["abc_contribution"], client
        assert got["xyz"] == row["xyz_class"], client
    assert not error_cells(computed), error_cells(computed)[:5]
    segments = pd.read_parquet(out / "segments.parquet").set_index("segment")
    groups = {r[1]: r for r in sheet_rows(computed, "Groups")[3:8]}
    for code, row in segments.iterrows():
        assert groups[code][2] == row["clients"], code
        assert close(groups[code][7], row["contribution"]), code
    return engine


@pytest.mark.slow
def test_libreoffice_recalculation_equals_the_engine(company, workbook, libreoffice):
    computed = libreoffice(workbook)
    engine = assert_equals_engine(computed, company / "out")
    assert engine["cost_assumed"].sum() >= 30  # the group rules' assumed-margin branch is used
    model = model_table(computed)
    for name, _rank in RISKY_NAMES:
        assert (model["name"] == name).sum() == 1, name
    clients = sheet_rows(computed, "Data")
    assert {r[1] for r in clients[4:]} >= {name for name, _rank in RISKY_NAMES}

    career = pd.read_parquet(company / "out" / "career.parquet").set_index("client_id")
    for client, row in career.iterrows():
        assert (model.loc[client, "level"] or None) == row["level"], client
        for ours, theirs in (
            ("revenue_gap", "revenue_gap_per_month"),
            ("categories_gap", "categories_gap"),
            ("orders_to_cut", "orders_per_month_to_cut"),
            ("changes_to_cut", "changes_per_order_to_cut"),
            ("regularity_to_cut", "regularity_cv_to_cut"),
        ):
            assert same(model.loc[client, ours], row[theirs]), (client, ours)
    assert (career["segment"] == "core").sum() > 0
    assert set(career.loc[career["segment"] == "core", "level"]) == {"key"}

    rhythm = json.loads((company / "out" / "run_info.json").read_text("utf-8"))["headlines"][
        "rhythm"
    ]
    assert named_value(computed, "rhythm_months") == rhythm["months"] > 1  # the bucket path
    assert close(named_value(computed, "typical_gap_days"), rhythm["typical_gap_days"])
    assert close(
        named_value(computed, "growing_min_previous_revenue"), rhythm["min_previous_revenue"]
    )
    # what the fixture planted is in use: terms, returned orders, waiting goods
    assert engine["new_client_orders"].sum() > 0 and engine["returned_orders"].sum() > 0
    assert engine["waiting_days"].sum() > 0
    deviations = pd.read_parquet(company / "out" / "policy_deviations.parquet")
    assert (deviations["rule"] == "max_waiting_days").sum() > 0

    whale = pd.read_parquet(company / "out" / "whale_curve.parquet").set_index("rank")
    rows = [r for r in sheet_rows(computed, "Whale curve")[4:] if r[0] is not None]
    assert len(rows) == 100
    for percentile, ours in enumerate(rows, start=1):
        rank = math.ceil(percentile * len(whale) / 100)
        assert ours[0] == rank and ours[2] == whale.loc[rank, "client_id"]
        assert close(ours[7], whale.loc[rank, "cumulative_contribution"])
        assert close(ours[8], whale.loc[rank, "cumulative_client_share"])
        assert close(ours[9], whale.loc[rank, "cumulative_profit_share"])

    heavy = pd.read_parquet(company / "out" / "heavy_clients.parquet")
    by_load = heavy[heavy["list"] == "by_load"].sort_values("rank")
    listed = [r[2] for r in sheet_rows(computed, "Heaviest clients")[4:] if r[0] not in (None, "")]
    assert listed == list(by_load["client_id"])

    capacity = pd.read_parquet(company / "out" / "capacity.parquet").set_index("department")
    cap_rows = {r[0]: r for r in sheet_rows(computed, "Groups") if r[0] in capacity.index}
    for dept, row in capacity.iterrows():
        assert close(cap_rows[dept][4], row["used_minutes"])
        assert close(cap_rows[dept][7], row["unused_cost"])


def _cell_value(kind: str, text: str):
    if text == "":
        return None
    if kind == "month":
        year, month = text.split("-")
        return datetime(int(year), int(month), 1)
    if kind == "date":
        return datetime.fromisoformat(text)
    if kind == "text":
        return text[1:] if text.startswith("'") else text
    return float(text)


def append_rows(book: Path, folder: Path, start: date, end: date) -> list[str]:
    """What the Instructions ask of a user, done as Excel does it: paste the CSVs' rows under
    ClientMonths and the new clients under Clients (the tables grow), add a Model row for each
    new client (the calculated columns fill it), set the period. Returns the new clients."""
    from clientload.export.rows import client_columns, month_columns

    wb = openpyxl.load_workbook(book)
    data = wb["Data"]
    kinds = {c.key: c.kind for c in client_columns(lambda t: t)}
    kinds |= {c.key: c.kind for c in month_columns(lambda t: t, (), [], []).items}
    new_clients: list[str] = []
    for table_name in ("ClientMonths", "Clients"):
        table = data.tables[table_name]
        min_col, min_row, max_col, max_row = openpyxl.utils.range_boundaries(table.ref)
        with (folder / f"{table_name}.csv").open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.reader(fh)
            header = next(reader)
            assert header == [c.name for c in table.tableColumns], table_name
            present = {data.cell(r, min_col).value for r in range(min_row + 1, max_row + 1)}
            for record in reader:
                if table_name == "Clients" and record[0] in present:
                    continue
                if table_name == "Clients":
                    new_clients.append(record[0])
                max_row += 1
                for j, (key, text) in enumerate(zip(header, record, strict=True)):
                    value = _cell_value(kinds.get(key, "number"), text)
                    data.cell(max_row, min_col + j, value)
        table.ref = (
            f"{openpyxl.utils.get_column_letter(min_col)}{min_row}:"
            f"{openpyxl.utils.get_column_letter(max_col)}{max_row}"
        )
        table.autoFilter.ref = table.ref
    model = wb["Model"]
    table = model.tables["Model"]
    min_col, min_row, max_col, max_row = openpyxl.utils.range_boundaries(table.ref)
    last = [model.cell(max_row, c).value for c in range(min_col, max_col + 1)]
    for client in new_clients:
        max_row += 1
        model.cell(max_row, min_col, client)
        for j, value in enumerate(last[1:], start=1):
            model.cell(max_row, min_col + j, value)
    table.ref = f"A{min_row}:{openpyxl.utils.get_column_letter(max_col)}{max_row}"
    table.autoFilter.ref = table.ref
    for name, day in (("period_start", start), ("period_end", end)):
        sheet, ref = next(iter(wb.defined_names[name].destinations))
        wb[sheet][ref.replace("$", "")] = datetime(day.year, day.month, day.day)
    wb.save(book)
    return new_clients


def engine_run(company: Path, tmp_path: Path, period: str) -> Path:
    copy = tmp_path / "engine"
    shutil.copytree(company, copy, ignore=shutil.ignore_patterns("*.xlsx", "recalculated"))
    run_model(copy, period=period, keep_history=False)
    return copy / "out"


@pytest.mark.slow
@pytest.mark.parametrize(
    ("start", "period"),
    [(date(2025, 1, 1), "2025-01:2025-12"), (date(2024, 12, 1), "2024-12:2025-12")],
    ids=["moved by a month", "widened to 13 months"],
)
def test_next_month_pasted_under_the_tables_gives_the_engines_figures(
    company, tmp_path, libreoffice, start, period
):
    path = write_workbook(open_workspace(company), tmp_path / "monthly.xlsx", lang="en")
    rows = write_period_rows(open_workspace(company), tmp_path / "rows", "2025-12:2025-12")
    assert rows.month_rows > 100
    new_clients = append_rows(path, tmp_path / "rows", start, date(2025, 12, 31))
    assert NEW_CLIENT in new_clients  # and clients back after a year away
    computed = libreoffice(path)
    out = engine_run(company, tmp_path, period)
    engine = assert_equals_engine(computed, out)
    assert engine.loc[NEW_CLIENT, "segment"] == "new"
    assert named_value(computed, "co_clients") == len(engine)
    whale = [r for r in sheet_rows(computed, "Whale curve")[4:] if r[0] is not None]
    assert whale[-1][0] == len(engine)
    assert close(whale[-1][7], engine["contribution"].sum())
    deviations = pd.read_parquet(out / "policy_deviations.parquet")
    policy = sheet_rows(computed, "Policy")
    total = next(r for r in policy if r[0] == "All rules")
    assert close(sum(v for v in total[1:] if isinstance(v, float)), deviations["cost"].sum())
    control = {r[0]: r[1] for r in sheet_rows(computed, "Control")[4:16] if r[0]}
    left_out = "Rows whose client has no row in the Model (not counted: add the client's row)"
    assert control[left_out] == 0
    assert control["Rows after the first one out of order (read row by row: slower)"] > 0
    checks = [k for k in control if k.startswith(("Free days", "Minimum order", "Periods"))]
    assert len(checks) == 3 and all(control[k] == 0 for k in checks)


@pytest.mark.slow
def test_the_pre_summed_form_gives_the_engines_figures(company, tmp_path, libreoffice):
    ws = open_workspace(company)
    path = write_workbook(ws, tmp_path / "summed.xlsx", lang="en", summed=True)
    wb = openpyxl.load_workbook(path, read_only=True)
    cells = wb["Instructions"].iter_rows(values_only=True)
    text = " ".join(str(v) for row in cells for v in row if v)
    assert "pre-summed" in text
    computed = libreoffice(path)
    assert_equals_engine(computed, company / "out")


@pytest.mark.slow
def test_libreoffice_parity_cells_equal_the_parity_functions(workbook, libreoffice):
    computed = libreoffice(workbook)
    p = ParityInputs()
    volume = break_even_volume(p.margin, p.discount)
    expected = {
        "par_required_volume_change": volume.required_volume_change,
        "par_required_revenue_change": volume.required_revenue_change,
        "par_max_discount": max_discount_for_volume(p.margin, p.volume_change).max_discount,
        "par_max_volume_loss": price_increase_volume_loss(p.margin, p.increase).max_volume_loss,
        "par_plan_quantity": plan_max_discount(p.margin, p.attainment, "quantity").max_discount,
        "par_plan_revenue": plan_max_discount(p.margin, p.attainment, "revenue").max_discount,
        "par_cash_nominal": cash_discount_rates(
            p.cash_discount, p.cash_discount_days, p.net_days
        ).nominal_annual_rate,
        "par_cash_effective": cash_discount_rates(
            p.cash_discount, p.cash_discount_days, p.net_days
        ).effective_annual_rate,
    }
    for name, value in expected.items():
        assert close(named_value(computed, name), value), name
    cost_of_capital = named_value(computed, "cost_of_capital")
    assert close(
        named_value(computed, "par_give_get"),
        give_get_max_discount(
            p.margin,
            margin_after=p.give_get_margin_after,
            financing_before=cost_of_capital * p.give_get_dso_before / 365,
            financing_after=cost_of_capital * p.give_get_dso_after / 365,
            cost_to_serve_saving=p.give_get_saving,
            volume_change=p.volume_change,
        ),
    )
    wb = openpyxl.load_workbook(computed, data_only=True)
    sheet, ref = next(iter(wb.defined_names["par_grid"].destinations))
    cells = wb[sheet][ref.replace("$", "")]
    for grid_row, engine_row in zip(cells, discount_grid(p.margins, p.discounts), strict=True):
        for cell, expected_cell in zip(grid_row, engine_row.cells, strict=True):
            if expected_cell.value is None:
                assert cell.value == "—"
            else:
                assert close(cell.value, expected_cell.value)


def _set_toml(path: Path, section: str, key: str, value: float) -> None:
    """Replace `key = ...` inside `[section]` of a settings file (comments kept)."""
    lines = path.read_text("utf-8").splitlines()
    inside = False
    for i, line in enumerate(lines):
        if line.strip().startswith("["):
            inside = line.strip() == f"[{section}]"
        elif inside and re.match(rf"\s*{re.escape(key)}\s*=", line):
            lines[i] = f"{key} = {value!r}"
            break
    else:
        raise AssertionError(f"{section}.{key} not found in {path}")
    path.write_text("\n".join(lines) + "\n", "utf-8")


def _set_cell(wb, name: str, value) -> None:
    sheet, ref = next(iter(wb.defined_names[name].destinations))
    wb[sheet][ref.replace("$", "")] = value


@pytest.mark.slow
def test_a_change_in_settings_gives_what_the_engine_gives_after_the_same_change(
    company, tmp_path, libreoffice
):
    """A department's cost, a core threshold, a term's minutes, the free days of waiting goods,
    a group's allowance, the rhythm and growth's least previous revenue, changed on the Settings
    sheet, give what the engine gives with the same changes in clientload.toml."""
    ws = open_workspace(company)
    settings = ws.settings()
    sales_cost = settings.departments["sales"].cost * 1.6
    breadth = 0.3
    path = write_workbook(ws, tmp_path / "edited.xlsx", lang="en")

    wb = openpyxl.load_workbook(path)
    sheet, ref = next(iter(wb.defined_names["dept_names"].destinations))
    first_row = int(re.search(r"\d+", ref).group())
    for i, name in enumerate(settings.departments):
        if name == "sales":
            wb[sheet].cell(row=first_row + i, column=2, value=sales_cost)
    for name, value in (
        ("seg_core_min_breadth", breadth),
        ("act_term_order_entry_when_new_client", 40),
        ("act_term_order_entry_when_delivery_eq_pickup", -4),
        ("free_days", 7),
        ("pol_core_max_waiting_days", 3),
        ("seg_rhythm_months", 3),
        ("seg_growing_min_previous_share", 0.6),
    ):
        _set_cell(wb, name, value)
    wb.save(path)
    computed = libreoffice(path)

    copy = tmp_path / "changed"
    shutil.copytree(company, copy, ignore=shutil.ignore_patterns("*.xlsx", "recalculated"))
    toml = copy / "clientload.toml"
    _set_toml(toml, "departments.sales", "cost", sales_cost)
    _set_toml(toml, "segments", "core_min_breadth", breadth)
    _set_toml(toml, "storage", "free_days", 7)
    _set_toml(toml, "policy.core", "max_waiting_days", 3)
    _set_toml(toml, "segments", "rhythm_months", 3)
    _set_toml(toml, "segments", "growing_min_previous_share", 0.6)
    text = toml.read_text("utf-8")
    for old, new in (
        ('{ when = "new_client", minutes = 15 }', '{ when = "new_client", minutes = 40 }'),
        ("{ when = \"delivery == 'pickup'\", minutes = -2 }",
         "{ when = \"delivery == 'pickup'\", minutes = -4 }"),
    ):
        assert old in text
        text = text.replace(old, new)
    toml.write_text(text, "utf-8")
    run_model(copy, period=PERIOD, keep_history=False)
    engine = pd.read_parquet(copy / "out" / "client_metrics.parquet").set_index("client_id")
    before = pd.read_parquet(company / "out" / "client_metrics.parquet").set_index("client_id")
    before = before.reindex(engine.index)
    assert (engine["segment"] != before["segment"]).any(), "the change should move some clients"
    assert (engine["storage_cost"] != before["storage_cost"]).any()
    assert (engine["regularity_cv"] != before["regularity_cv"]).any()

    model = model_table(computed)
    assert not error_cells(computed), error_cells(computed)[:5]
    for client, row in engine.iterrows():
        got = model.loc[client]
        for key in ("load_minutes", "storage_cost", "cost_to_serve", "contribution",
                    "deviations_cost"):
            assert close(got[key], row[key]), (client, key, got[key], row[key])
        assert same(got["regularity_cv"], row["regularity_cv"]), client
        assert got["segment"] == row["segment"], (client, row["segment_reason"])


@pytest.mark.slow
def test_the_settings_sheet_shows_each_activitys_base_and_term_minutes_as_inputs(workbook):
    """Every term of every time equation is a named input cell, labelled in words; its
    quantity is a ClientMonths column per client and month."""
    wb = openpyxl.load_workbook(workbook)
    settings = wb["Settings"]
    labels = {}
    for row in settings.iter_rows(values_only=True):
        if row[0] and isinstance(row[2], str):
            labels[(row[0], row[2])] = row[1]
    assert labels[("order_entry", "if the client is new")] == 15
    assert labels[("order_entry", "if delivery = pickup")] == -2
    assert labels[("order_entry", "per line")] == 0.5
    assert labels[("order_entry", "if returned")] == 7
    assert labels[("delivery", "if order source ≠ portal")] == 3
    assert labels[("return", "per unit")] == 0.2
    assert named_value(workbook, "act_min_order_entry") == 6
    assert named_value(workbook, "act_term_order_entry_when_new_client") == 15
    assert named_value(workbook, "free_days") == 3
    headers = [c.name for c in wb["Data"].tables["ClientMonths"].tableColumns]
    for column in (
        "orders__per_lines", "orders__when_new_client", "orders__when_delivery_eq_pickup",
        "orders__when_returned", "deliveries__when_source_ne_portal", "returns__per_quantity",
        "first_bought", "last_bought", "waiting_days_3", "waiting_value_days_7",
        "waiting_value_days_14",
    ):
        assert column in headers, column


@pytest.fixture(scope="module")
def quarterly(tmp_path_factory) -> Path:
    """A generated wholesaler whose clients buy every 3–4 months, with the model run."""
    root = tmp_path_factory.mktemp("quarterly")
    generate_workspace(root, clients=120, lines=5000, seed=7, rhythm="quarterly")
    run_model(root)
    return root


@pytest.mark.slow
def test_a_company_buying_every_few_months_gives_the_engines_rhythm_and_groups(
    quarterly, tmp_path, libreoffice
):
    """The rhythm B computed from the data (months, not weeks), regularity over B-month
    periods, lapsing after the client's own gap: the recalculated workbook equals the engine."""
    path = write_workbook(open_workspace(quarterly), tmp_path / "quarterly.xlsx", lang="ru")
    computed = libreoffice(path)
    engine = assert_equals_engine(computed, quarterly / "out")
    rhythm = json.loads((quarterly / "out" / "run_info.json").read_text("utf-8"))["headlines"][
        "rhythm"
    ]
    assert rhythm["months"] >= 3
    assert named_value(computed, "rhythm_months") == rhythm["months"]
    assert close(named_value(computed, "typical_gap_days"), rhythm["typical_gap_days"])
    # clients are judged by their own rhythm: some allowed a pause longer than lapsed_days
    assert (engine["lapse_after_days"] > 90).sum() > 10
    assert (engine["segment"] == "core").sum() > 0
