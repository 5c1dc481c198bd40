"""The Heaviest clients sheet (top N by load, what makes them heavy, what they buy) and the
Assortment sheet it reads the categories from."""

from __future__ import annotations

from clientload.export.book import Book
from clientload.export.groups_sheet import _header

HEAVY, ASSORTMENT = "Heaviest clients", "Assortment"


def assortment_rows(outputs: dict):
    """client × category (brands summed), each client's categories by revenue, largest first."""
    a = outputs.get("client_assortment")
    if a is None or not len(a):
        return None
    g = a.groupby(["client_id", "category"], as_index=False)[
        ["revenue", "gross_margin", "quantity"]
    ].sum()
    g["_neg"] = -g["revenue"]
    return (
        g.sort_values(["client_id", "_neg", "category"]).drop(columns="_neg").reset_index(drop=True)
    )


def write_heavy_sheet(book: Book, settings, assortment_n: int) -> None:
    """The top N clients by load, what makes them heavy, and what they buy (top 3 categories)."""
    _ = book._
    sheet = book.sheet(HEAVY)
    top = max(int(settings.section("analysis").get("heavy_clients_top_n", 50)), 1)
    book.text(
        sheet, 0, 0, _("The heaviest clients: the most minutes of the company's time"), "title"
    )
    book.text(
        sheet,
        1,
        0,
        _("Top N by load (N in Settings). The categories come from the Assortment sheet."),
        "subtitle",
    )
    acts = list(settings.activities)
    heads = [
        _("Rank"),
        _("Row in Model"),
        _("Client ID"),
        _("Client"),
        _("Group"),
        _("Revenue"),
        _("Load, hours"),
        _("Minutes per 1,000 of revenue"),
        _("Cost to serve"),
        _("Contribution"),
        _("Heaviest activity"),
        _("Its share of the load"),
    ]
    cats = []
    if assortment_n:
        for k in (1, 2, 3):
            cats += [_("Category") + f" {k}", _("Share of revenue") + f" {k}"]
    sheet.set_row(3, 30)
    _header(
        book,
        sheet,
        3,
        heads + cats,
        [6, 7, 12, 28, 12, 14, 10, 11, 14, 14, 16, 10] + [16, 9] * (len(cats) // 2),
    )
    load = "Model[load_value]"  # the load of the clients in the analysis, text for the others
    for k in range(1, top + 1):
        row, r = 3 + k, 4 + k
        sheet.write_formula(
            row, 0, f'=IF(AND({k}<=heavy_top_n,{k}<=COUNT({load})),{k},"")', book.fmt("number")
        )
        # The k-th largest load; among clients with the same load, row order (client id), as
        # the engine. An array formula over the top N rows only: no rank column over all
        # clients (which would cost a scan of every client per client).
        value = f"LARGE({load},A{r})"
        ties_before = f"A{r}-SUMPRODUCT(--({load}>{value}))"
        sheet.write_array_formula(
            row,
            1,
            row,
            1,
            f'{{=IF(A{r}="","",SMALL(IF({load}={value},ROW({load})-ROW(Model[[#Headers],[client_id]])),'
            f"{ties_before}))}}",
            book.fmt("number"),
        )
        for col, key, fmt in (
            (2, "client_id", "text"),
            (3, "name", "text"),
            (4, "segment", "text"),
            (5, "revenue", "money"),
            (6, "load_minutes", "number"),
            (7, "load_per_1000", "number1"),
            (8, "cost_to_serve", "money"),
            (9, "contribution", "money"),
        ):
            div = "/60" if key == "load_minutes" else ""
            sheet.write_formula(
                row, col, f'=IF(B{r}="","",INDEX(Model[{key}],B{r}){div})', book.fmt(fmt)
            )
        minutes = [f"INDEX(Model[act__{a}],B{r})" for a in acts]
        heaviest = f"MAX({','.join(minutes)})"
        # the first activity with the most minutes, as MATCH over the row would give
        pick = '""'
        for i in reversed(range(len(acts))):
            pick = f"IF({minutes[i]}={heaviest},INDEX(act_names,{i + 1}),{pick})"
        sheet.write_formula(row, 10, f'=IF(B{r}="","",{pick})', book.fmt("text"))
        sheet.write_formula(
            row, 11, f'=IF(OR(B{r}="",G{r}=0),"",{heaviest}/(G{r}*60))', book.fmt("percent")
        )
        if assortment_n:
            ids = f"'{ASSORTMENT}'!$A$5:$A${4 + assortment_n}"
            catr = f"'{ASSORTMENT}'!$B$5:$B${4 + assortment_n}"
            rev = f"'{ASSORTMENT}'!$C$5:$C${4 + assortment_n}"
            pos = f"MATCH(C{r},{ids},0)"
            for j in range(3):
                at = f"{pos}+{j}"
                ok = f'AND(B{r}<>"",ISNUMBER({pos}),IFERROR(INDEX({ids},{at})=C{r},FALSE))'
                sheet.write_formula(
                    row, 12 + 2 * j, f'=IF({ok},INDEX({catr},{at}),"")', book.fmt("text")
                )
                sheet.write_formula(
                    row,
                    13 + 2 * j,
                    f'=IF(AND({ok},F{r}<>0),INDEX({rev},{at})/F{r},"")',
                    book.fmt("percent"),
                )
    sheet.freeze_panes(4, 4)
    book.print_setup(sheet, 3)
    sheet.conditional_format(4, 6, 3 + top, 6, {"type": "data_bar", "bar_color": "#F4B183"})


def write_assortment_sheet(book: Book, rows) -> int:
    """What each client buys by category (values from the run), largest first per client."""
    _ = book._
    sheet = book.sheet(ASSORTMENT)
    book.text(sheet, 0, 0, _("Assortment: what each client buys, by category"), "title")
    book.text(sheet, 1, 0, _("Values of the period, sorted by client and revenue."), "subtitle")
    _header(
        book,
        sheet,
        3,
        [_("Client ID"), _("Category"), _("Revenue"), _("Gross margin"), _("Quantity")],
        [12, 24, 14, 14, 12],
    )
    if rows is None:
        return 0
    fm, fn = book.fmt("money"), book.fmt("number")
    for i, rec in enumerate(rows.itertuples(index=False)):
        row = 4 + i
        book.text(sheet, row, 0, rec.client_id)
        book.text(sheet, row, 1, rec.category)
        sheet.write_number(row, 2, float(rec.revenue), fm)
        sheet.write_number(row, 3, float(rec.gross_margin), fm)
        sheet.write_number(row, 4, float(rec.quantity), fn)
    sheet.autofilter(3, 0, 3 + max(len(rows), 1), 4)
    sheet.freeze_panes(4, 1)
    book.print_setup(sheet, 3)
    return len(rows)
