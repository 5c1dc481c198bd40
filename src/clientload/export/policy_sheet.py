"""The Policy sheet (per group and rule: clients breaking it and the cost) and the Career path
sheet (the ladder and the clients on each level); whole columns of the Model table."""

from __future__ import annotations

from clientload.export.book import Book, column
from clientload.export.groups_sheet import SEGMENTS, _header
from clientload.export.settings_sheet import SettingsLayout
from clientload.model.labels import SEGMENT_LABELS, rule_label

POLICY, CAREER = "Policy", "Career path"


def write_policy_sheet(book: Book, layout: SettingsLayout, rules: list[str]) -> None:
    """Per group and rule: how many clients break it and what it costs."""
    _ = book._
    sheet = book.sheet(POLICY)
    book.text(sheet, 0, 0, _("Client policy: where service breaks the group's rules"), "title")
    book.text(
        sheet,
        1,
        0,
        _(
            "Each group's rules are on the Settings sheet; per client in the "
            "Model sheet's Deviation columns."
        ),
        "subtitle",
    )
    groups = layout.groups
    heads = [_("Rule")]
    for g in groups:
        heads += [f"{g}: " + _("clients"), f"{g}: " + _("cost")]
    sheet.set_row(3, 30)
    _header(book, sheet, 3, heads, [34] + [11, 14] * len(groups))
    seg = "Model[segment]"
    for i, rule in enumerate(rules):
        row = 4 + i
        book.text(sheet, row, 0, rule_label(rule, book.lang), "label")
        dev = f"Model[dev__{rule}]"
        for j, g in enumerate(groups):
            sheet.write_formula(
                row, 1 + 2 * j, f'=COUNTIFS({seg},"{g}",{dev},">0")', book.fmt("number")
            )
            sheet.write_formula(row, 2 + 2 * j, f'=SUMIF({seg},"{g}",{dev})', book.fmt("money"))
    row = 4 + len(rules)
    book.text(sheet, row, 0, _("All rules"), "label")
    for j in range(len(groups)):
        c = column(2 + 2 * j)
        sheet.write_formula(row, 2 + 2 * j, f"=SUM({c}5:{c}{row})", book.fmt("bold_money"))
    if "max_waiting_days" in rules:
        _waiting_rows(book, sheet, row + 2, groups)
    sheet.freeze_panes(4, 1)
    book.print_setup(sheet, 3)


def _waiting_rows(book: Book, sheet, row: int, groups: list[str]) -> None:
    """Per group: the days its goods waited ready in our warehouse beyond the free days and the
    days its policy allows (under each group's "clients" column); the rule's row above has the
    clients whose goods waited longer and the cost."""
    _ = book._
    book.text(sheet, row, 0, _("Days waiting in our warehouse"), "section")
    seg = "Model[segment]"
    for i, (label, formula) in enumerate(
        (
            (_("Days waiting beyond the free days"), f"SUMIF({seg},\"{{g}}\",Model[waiting_days])"),
            (_("Days the group's goods may wait"), "INDEX(pol_max_waiting_days,{j})"),
        ),
        start=1,
    ):
        book.text(sheet, row + i, 0, label, "label")
        for j, g in enumerate(groups):
            sheet.write_formula(
                row + i, 1 + 2 * j, "=" + formula.format(g=g, j=j + 1), book.fmt("number")
            )


def write_career_sheet(book: Book, layout: SettingsLayout) -> None:
    """The ladder (from Settings) with the clients on each level, per group."""
    _ = book._
    sheet = book.sheet(CAREER)
    book.text(sheet, 0, 0, _("The client career path"), "title")
    book.text(
        sheet,
        1,
        0,
        _(
            "Levels, their groups and criteria are on the Settings sheet: a client stands on "
            "the highest level listing its group (a group no level lists: the highest whose "
            "criteria it meets); its level, next level and gaps are in the Model sheet."
        ),
        "subtitle",
    )
    heads = [
        _("Level"),
        _("Revenue a month at least"),
        _("Categories at least"),
        _("Orders a month at most"),
        _("Changes per order at most"),
        _("Groups on the level"),
        _("Clients"),
    ]
    heads += [SEGMENT_LABELS[s][book.lang] for s in SEGMENTS] + [_("Perks")]
    sheet.set_row(3, 30)
    _header(book, sheet, 3, heads, [14, 14, 11, 11, 11, 22, 9] + [12] * len(SEGMENTS) + [60])
    if not layout.career_levels:
        return
    lvl, seg = "Model[level]", "Model[segment]"
    for i in range(1, layout.career_levels + 1):
        row, r = 3 + i, 4 + i
        for col, name, fmt in (
            (0, "career_code", "label"),
            (1, "career_min_revenue", "money"),
            (2, "career_min_categories", "number"),
            (3, "career_max_orders", "number1"),
            (4, "career_max_changes", "number2"),
        ):
            sheet.write_formula(
                row, col, f"=INDEX({name},{i})" + ('&""' if col == 0 else ""), book.fmt(fmt)
            )
        listed = "&".join(
            f'IF(INDEX(career_groups,{i},{j})=TRUE,"{code} ","")'
            for j, code in enumerate(SEGMENTS, start=1)
        )
        sheet.write_formula(row, 5, "=" + listed, book.fmt("text"))
        sheet.write_formula(row, 6, f"=COUNTIF({lvl},A{r})", book.fmt("bold_number"))
        for j, s in enumerate(SEGMENTS):
            sheet.write_formula(
                row, 7 + j, f'=COUNTIFS({lvl},A{r},{seg},"{s}")', book.fmt("number")
            )
        sheet.write_formula(
            row, 7 + len(SEGMENTS), f'=INDEX(career_perks,{i})&""', book.fmt("wrap")
        )
    sheet.freeze_panes(4, 1)
    book.print_setup(sheet, 3)
