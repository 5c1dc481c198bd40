"""The Parity sheet: the profitability parity calculators as formulas over yellow input cells.

Mirrors `clientload.parity` (Nagle's break-even volume d/(m − d), the largest discount for a volume
change m·u/(1 + u), the volume loss a price increase tolerates i/(m + i), Task 2's plan discount
(1 − a)·m and (1 − a)·m/(1 − a·m), cash-discount terms as annual rates, the give-get formula and the
margin × discount grid). Where no answer exists the cell says so in words instead of a number.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from clientload.export.book import Book, cell, column
from clientload.parity.breakeven import DEFAULT_GRID_DISCOUNTS, DEFAULT_GRID_MARGINS

SHEET = "Parity"


@dataclass(frozen=True)
class ParityInputs:
    """The calculators' starting values (the sheet's yellow cells)."""

    margin: float = 0.30
    discount: float = 0.10
    volume_change: float = 0.20
    increase: float = 0.05
    attainment: float = 0.80
    cash_discount: float = 0.02
    cash_discount_days: float = 10
    net_days: float = 30
    give_get_margin_after: float = 0.30
    give_get_dso_before: float = 45
    give_get_dso_after: float = 45
    give_get_saving: float = 0.0
    margins: Sequence[float] = DEFAULT_GRID_MARGINS
    discounts: Sequence[float] = DEFAULT_GRID_DISCOUNTS


# Cells the tests (and a reader) look up: name → defined name of the result cell.
RESULTS = (
    "par_required_volume_change",
    "par_required_revenue_change",
    "par_max_discount",
    "par_max_volume_loss",
    "par_plan_quantity",
    "par_plan_revenue",
    "par_cash_nominal",
    "par_cash_effective",
    "par_give_get",
    "par_client_volume",
    "par_client_prepayment",
)


def write_parity_sheet(
    book: Book,
    inputs: ParityInputs,
    client_ids_ref: str | None,
    model_lookup: dict[str, str] | None,
) -> None:
    """`model_lookup` maps figure → the Model sheet's column range (for the one-client block)."""
    _ = book._
    sheet = book.sheet(SHEET)
    sheet.set_column(0, 0, 48)
    sheet.set_column(1, 9, 12)
    sheet.set_column(10, 10, 50)
    na = _("no discount works")
    row = 0

    def title(text: str, fmt: str = "section") -> None:
        nonlocal row
        book.text(sheet, row, 0, text, fmt)
        row += 1

    def value(label: str, name: str, number: float, fmt: str = "percent", note: str = "") -> None:
        nonlocal row
        book.text(sheet, row, 0, label)
        sheet.write_number(row, 1, number, book.fmt(f"input_{fmt}"))
        sheet.data_validation(row, 1, row, 1, {"validate": "decimal", "criteria": ">=", "value": 0})
        if note:
            book.text(sheet, row, 2, note, "note")
        book.define(name, SHEET, cell(row, 1, absolute=True))
        row += 1

    def result(
        label: str, name: str, formula: str, fmt: str = "bold_percent", note: str = ""
    ) -> None:
        nonlocal row
        book.text(sheet, row, 0, label, "label")
        sheet.write_formula(row, 1, formula, book.fmt(fmt))
        if note:
            book.text(sheet, row, 2, note, "note")
        book.define(name, SHEET, cell(row, 1, absolute=True))
        row += 1

    title(_("Profitability parity: what a discount must earn"), "title")
    title(
        _(
            "Change the yellow cells. Margins are contribution margins: price minus the costs the "
            "decision changes."
        ),
        "subtitle",
    )
    row += 1

    title(_("Break-even volume for a discount (Nagle)"))
    value(_("Contribution margin m"), "par_margin", inputs.margin)
    value(_("Discount d"), "par_discount", inputs.discount)
    result(
        _("Volume must grow by d / (m − d)"),
        "par_required_volume_change",
        f'=IF(par_discount<par_margin,par_discount/(par_margin-par_discount),"{na}")',
    )
    result(
        _("Revenue change at that volume"),
        "par_required_revenue_change",
        f"=IF(par_discount<par_margin,(1+par_discount/(par_margin-par_discount))"
        f'*(1-par_discount)-1,"{na}")',
    )
    value(_("Volume change u the client offers"), "par_volume_change", inputs.volume_change)
    result(
        _("Largest discount it pays for: m·u / (1 + u)"),
        "par_max_discount",
        "=par_margin*par_volume_change/(1+par_volume_change)",
    )
    value(_("Price increase i"), "par_increase", inputs.increase)
    result(
        _("Volume loss it tolerates: i / (m + i)"),
        "par_max_volume_loss",
        "=par_increase/(par_margin+par_increase)",
    )
    row += 1

    title(_("Task 2: the largest discount that reaches 100% of plan"))
    value(_("Plan attainment a"), "par_attainment", inputs.attainment)
    result(_("Plan in quantity: (1 − a)·m"), "par_plan_quantity", "=(1-par_attainment)*par_margin")
    result(
        _("Plan in revenue: (1 − a)·m / (1 − a·m)"),
        "par_plan_revenue",
        "=(1-par_attainment)*par_margin/(1-par_attainment*par_margin)",
    )
    book.text(
        sheet, row, 0, _("Keeping the planned gross profit allows no discount at all."), "note"
    )
    row += 2

    title(_("Cash discount d/D net N as an annual rate"))
    value(_("Discount for early payment d"), "par_cash_discount", inputs.cash_discount)
    value(
        _("Days to pay with the discount D"), "par_cash_days", inputs.cash_discount_days, "number"
    )
    value(_("Net days N"), "par_net_days", inputs.net_days, "number")
    per = "par_cash_discount/(1-par_cash_discount)"
    days = "365/(par_net_days-par_cash_days)"
    result(_("Nominal annual rate"), "par_cash_nominal", f"={per}*{days}", "bold_percent2")
    result(
        _("Effective annual rate"), "par_cash_effective", f"=(1+{per})^({days})-1", "bold_percent2"
    )
    row += 1

    title(_("Give-get: the largest discount for what the client gives"))
    value(_("Margin before m0"), "par_gg_m0", inputs.margin)
    value(_("Margin after the mix change m1"), "par_gg_m1", inputs.give_get_margin_after)
    value(_("Days sales outstanding before"), "par_gg_dso0", inputs.give_get_dso_before, "number")
    value(_("Days sales outstanding after"), "par_gg_dso1", inputs.give_get_dso_after, "number")
    value(_("Cost to serve saved, share of revenue s"), "par_gg_s", inputs.give_get_saving)
    value(_("Volume change u"), "par_gg_u", inputs.volume_change)
    f0, f1 = "(cost_of_capital*par_gg_dso0/365)", "(cost_of_capital*par_gg_dso1/365)"
    result(
        _("d max = [(m1 − f1) − (m0 − f0 − s)/(1 + u)] / (1 − f1)"),
        "par_give_get",
        f"=(({'par_gg_m1'}-{f1})-(par_gg_m0-{f0}-par_gg_s)/(1+par_gg_u))/(1-{f1})",
        note=_("f = cost of capital × DSO / 365 (Settings)"),
    )
    row += 1

    if client_ids_ref and model_lookup:
        title(_("Task 1 for one client: what restores its contribution"))
        book.text(sheet, row, 0, _("Client"))
        sheet.write_formula(row, 1, f"=INDEX({client_ids_ref},1)", book.fmt("input_text"))
        sheet.data_validation(row, 1, row, 1, {"validate": "list", "source": "=" + client_ids_ref})
        book.define("par_client", SHEET, cell(row, 1, absolute=True))
        row += 1
        value(_("Discount the client asks for"), "par_client_discount", inputs.discount)
        for key, label in (
            ("revenue", _("Revenue")),
            ("gross_margin", _("Gross margin")),
            ("cost_to_serve", _("Cost to serve")),
            ("contribution", _("Contribution")),
        ):
            book.text(sheet, row, 0, label)
            sheet.write_formula(
                row,
                1,
                f"=INDEX({model_lookup[key]},MATCH(par_client,{client_ids_ref},0))",
                book.fmt("money"),
            )
            book.define(f"par_client_{key}", SHEET, cell(row, 1, absolute=True))
            row += 1
        cost = "par_client_discount*par_client_revenue"
        result(
            _("Volume alone: more of the same by"),
            "par_client_volume",
            f'=IF(par_client_gross_margin>{cost},{cost}/(par_client_gross_margin-{cost}),"{na}")',
        )
        book.text(sheet, row, 0, _("Days sales outstanding"))
        sheet.write_formula(
            row,
            1,
            f"=INDEX({model_lookup['dso_days']},MATCH(par_client,{client_ids_ref},0))",
            book.fmt("number1"),
        )
        book.define("par_client_dso", SHEET, cell(row, 1, absolute=True))
        row += 1
        result(
            _("Prepayment alone covers a discount up to r·DSO/365"),
            "par_client_prepayment",
            "=cost_of_capital*par_client_dso/365",
        )
        row += 1

    title(_("Required volume change: margins (rows) × discounts (columns)"))
    book.text(sheet, row, 0, _("Margin / discount"), "header")
    for j, d in enumerate(inputs.discounts, start=1):
        sheet.write_number(row, j, d, book.fmt("input_percent"))
    head = row
    row += 1
    first_grid = row
    for m in inputs.margins:
        sheet.write_number(row, 0, m, book.fmt("input_percent"))
        for j in range(1, len(inputs.discounts) + 1):
            d_ref, m_ref = f"{column(j)}${head + 1}", f"$A{row + 1}"
            sheet.write_formula(
                row, j, f'=IF({d_ref}<{m_ref},{d_ref}/({m_ref}-{d_ref}),"—")', book.fmt("percent")
            )
        row += 1
    book.define("par_grid", SHEET, f"$B${first_grid + 1}:${column(len(inputs.discounts))}${row}")
    sheet.conditional_format(
        first_grid,
        1,
        row - 1,
        len(inputs.discounts),
        {
            "type": "3_color_scale",
            "min_color": "#63BE7B",
            "mid_color": "#FFEB84",
            "max_color": "#F8696B",
        },
    )
    sheet.conditional_format(
        first_grid,
        1,
        row - 1,
        len(inputs.discounts),
        {
            "type": "cell",
            "criteria": "==",
            "value": '"—"',
            "format": book.workbook.add_format({"bg_color": "#D9D9D9"}),
        },
    )
    book.print_setup(sheet)
