"""The live workbook: formulas only, safe text, and LibreOffice's recalculation equals the engine.

The LibreOffice tests open the workbook in a headless LibreOffice with a throw-away profile that
recalculates every formula on load, save it again and read the computed values with openpyxl.
"""

from __future__ import annotations

import math
import re
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from clientload.export import model_sheet, views, write_workbook
from clientload.export.book import Book
from clientload.export.libreoffice import recalculate, soffice_path, write_profile
from clientload.export.parity_sheet import ParityInputs
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
    "AND",
    "CEILING",
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
RISKY_NAMES = (("=1+1", 0), ("@acme", 1), ("-Trade", 2))


def close(a: float, b: float, rel: float = REL) -> bool:
    return math.isclose(a, b, rel_tol=rel, abs_tol=1e-6)


@pytest.fixture(scope="module")
def company(tmp_path_factory) -> Path:
    """A small generated distributor, with the model run on it."""
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
    finally:
        con.close()
    run_model(root)
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
    """The Model sheet's client rows, columns named by the formulas' keys (English headers)."""
    rows = sheet_rows(book, "Model")
    return pd.DataFrame(rows[4:], columns=list(rows[3])).set_index("Client ID")


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
def test_model_sheet_holds_formulas_only(workbook):
    wb = openpyxl.load_workbook(workbook, read_only=True)
    rows = list(wb["Model"].iter_rows(min_row=5, values_only=True))
    assert rows
    assert all(isinstance(v, str) and v.startswith("=") for row in rows for v in row)


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


@pytest.mark.slow
def test_libreoffice_recalculation_equals_the_engine(company, workbook, libreoffice):
    computed = libreoffice(workbook)
    engine = pd.read_parquet(company / "out" / "client_metrics.parquet").set_index("client_id")
    model = model_table(computed)
    assert sorted(model.index) == sorted(engine.index)
    assert engine["cost_assumed"].sum() >= 30  # the group rules' assumed-margin branch is used
    for client, row in engine.iterrows():
        got = model.loc[client]
        for ours, theirs in (
            ("Cost to serve", "cost_to_serve"),
            ("Contribution", "contribution"),
            ("Load, minutes", "load_minutes"),
            ("Gross margin", "gross_margin"),
            ("Cost of policy deviations", "deviations_cost"),
        ):
            assert close(got[ours], row[theirs]), (client, ours, got[ours], row[theirs])
        assert got["Group"] == row["segment"], (client, row["segment_reason"])
        assert got["ABC by revenue"] == row["abc_revenue"], client
        assert got["ABC by contribution"] == row["abc_contribution"], client
        assert got["XYZ"] == row["xyz_class"], client

    for name, _rank in RISKY_NAMES:
        assert (model["Client"] == name).sum() == 1, name
    data = sheet_rows(computed, "Data")
    assert {r[1] for r in data[4:]} >= {name for name, _rank in RISKY_NAMES}

    career = pd.read_parquet(company / "out" / "career.parquet").set_index("client_id")
    for client, row in career.iterrows():
        assert (model.loc[client, "Career level"] or None) == row["level"], client

    whale = pd.read_parquet(company / "out" / "whale_curve.parquet")
    rows = sheet_rows(computed, "Whale curve")[4:]
    assert len(rows) == len(whale)
    for ours, theirs in zip(rows, whale.itertuples(index=False), strict=True):
        assert ours[0] == theirs.rank and ours[2] == theirs.client_id
        assert close(ours[7], theirs.cumulative_contribution)
        assert close(ours[8], theirs.cumulative_client_share)
        assert close(ours[9], theirs.cumulative_profit_share)

    heavy = pd.read_parquet(company / "out" / "heavy_clients.parquet")
    by_load = heavy[heavy["list"] == "by_load"].sort_values("rank")
    listed = [r[2] for r in sheet_rows(computed, "Heaviest clients")[4:] if r[0] not in (None, "")]
    assert listed == list(by_load["client_id"])

    segments = pd.read_parquet(company / "out" / "segments.parquet").set_index("segment")
    groups = {r[1]: r for r in sheet_rows(computed, "Groups")[3:8]}
    for code, row in segments.iterrows():
        assert groups[code][2] == row["clients"]
        assert close(groups[code][7], row["contribution"])

    capacity = pd.read_parquet(company / "out" / "capacity.parquet").set_index("department")
    cap_rows = {r[0]: r for r in sheet_rows(computed, "Groups") if r[0] in capacity.index}
    for dept, row in capacity.iterrows():
        assert close(cap_rows[dept][4], row["used_minutes"])
        assert close(cap_rows[dept][7], row["unused_cost"])

    errors = [
        (ws, v)
        for ws in (
            "Settings",
            "Model",
            "Groups",
            "Whale curve",
            "Heaviest clients",
            "Policy",
            "Career path",
            "Parity",
            "Control",
        )
        for row in sheet_rows(computed, ws)
        for v in row
        if isinstance(v, str) and (v.startswith("#") or v.startswith("Err:"))
    ]
    assert not errors, errors[:5]


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


@pytest.mark.slow
def test_a_change_in_settings_gives_what_the_engine_gives_after_the_same_change(
    company, tmp_path, libreoffice
):
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
    sheet, ref = next(iter(wb.defined_names["seg_core_min_breadth"].destinations))
    wb[sheet][ref.replace("$", "")] = breadth
    wb.save(path)
    computed = libreoffice(path)

    copy = tmp_path / "changed"
    shutil.copytree(company, copy, ignore=shutil.ignore_patterns("*.xlsx", "recalculated"))
    _set_toml(copy / "clientload.toml", "departments.sales", "cost", sales_cost)
    _set_toml(copy / "clientload.toml", "segments", "core_min_breadth", breadth)
    run_model(copy, keep_history=False)
    engine = pd.read_parquet(copy / "out" / "client_metrics.parquet").set_index("client_id")
    before = pd.read_parquet(company / "out" / "client_metrics.parquet").set_index("client_id")
    assert (engine["segment"] != before["segment"]).any(), "the change should move some clients"

    model = model_table(computed)
    for client, row in engine.iterrows():
        got = model.loc[client]
        assert close(got["Cost to serve"], row["cost_to_serve"]), client
        assert close(got["Contribution"], row["contribution"]), client
        assert got["Group"] == row["segment"], (client, row["segment_reason"])


@pytest.mark.slow
def test_above_the_limit_the_whale_curve_is_drawn_at_percentiles_of_the_engines_curve(
    company, tmp_path, libreoffice, monkeypatch
):
    monkeypatch.setattr(model_sheet, "WHALE_CLIENT_LIMIT", 100)
    monkeypatch.setattr(views, "WHALE_CLIENT_LIMIT", 100)
    path = write_workbook(open_workspace(company), tmp_path / "percentiles.xlsx", lang="en")
    computed = libreoffice(path)

    whale = pd.read_parquet(company / "out" / "whale_curve.parquet").set_index("rank")
    clients = len(whale)
    rows = [r for r in sheet_rows(computed, "Whale curve")[4:] if r[0] is not None]
    assert len(rows) == 100
    for percentile, ours in enumerate(rows, start=1):
        rank = math.ceil(percentile * clients / 100)
        assert ours[0] == rank and ours[2] == whale.loc[rank, "client_id"]
        assert close(ours[7], whale.loc[rank, "cumulative_contribution"])
        assert close(ours[8], whale.loc[rank, "cumulative_client_share"])
        assert close(ours[9], whale.loc[rank, "cumulative_profit_share"])
    engine = pd.read_parquet(company / "out" / "client_metrics.parquet").set_index("client_id")
    model = model_table(computed)
    assert "Rank by contribution" not in model.columns
    for client, row in engine.iterrows():
        assert model.loc[client, "ABC by contribution"] == row["abc_contribution"], client
