"""The workbook being written: XlsxWriter workbook, its formats, defined names and labels.

The workbook is written in XlsxWriter's constant-memory mode: each sheet's rows go to disk as soon
as the next row starts, so a sheet must be written strictly top to bottom (a cell written to a row
above the current one is silently lost). Every sheet module here writes its rows in order.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell, xl_rowcol_to_cell_fast
from xlsxwriter.worksheet import CellFormulaTuple, Worksheet

from clientload.export.text import write_text
from clientload.i18n import translator


class PlainFormulaWorksheet(Worksheet):
    """A worksheet that writes formulas as given.

    XlsxWriter runs some 30 regular expressions over every formula to add the `_xlfn.` prefix of
    Excel 365's dynamic-array functions; the workbook uses none of them (a test checks the
    functions used), and the scan was four fifths of the time of writing a large Model sheet.
    """

    def _prepare_formula(self, formula: str, expand_future_functions: bool = False) -> str:
        if formula.startswith("{") and formula.endswith("}"):  # an array formula
            formula = formula[1:-1]
        return formula[1:] if formula.startswith("=") else formula

    def _write_formula(self, row, col, formula, cell_format=None, value=0):
        # XlsxWriter's own also searches every formula for dynamic-array functions (none here):
        # a tenth of the time of writing 4 million formulas. Array formulas go the usual way.
        if formula.startswith("{") or not formula or self._check_dimensions(row, col):
            return super()._write_formula(row, col, formula, cell_format, value)
        if self.constant_memory and row > self.previous_row:
            self._write_single_row(row)
        shared = self.shared_columns.get(col) if self.shared_columns else None
        if shared is not None and shared[1] <= row <= shared[2]:
            # one object for every other cell of the column: its text is not written
            text = shared[3] if row != shared[1] else self._share(col, formula)
        else:
            text = self._prepare_formula(formula)
        self.table[row][col] = CellFormulaTuple(text, cell_format, value)
        return 0

    shared_columns: dict | None = None

    def share_column(self, col: int, first_row: int, last_row: int) -> None:
        """Write the formulas of `col` from `first_row` to `last_row` as one shared formula:
        the first cell holds the text and the range, the others refer to it by index. The
        caller writes the same formula in every row (a table's calculated column) and only
        formulas Excel can share (see `model_sheet.shareable`). LibreOffice then compiles the
        formula once per column instead of once per cell."""
        if self.shared_columns is None:
            self.shared_columns = {}
        if last_row > first_row:
            si = len(self.shared_columns)
            self.shared_columns[col] = (si, first_row, last_row, SharedFormula("", si, None))

    def _share(self, col: int, formula: str) -> SharedFormula:
        si, first, last, _ = self.shared_columns[col]  # type: ignore[index]
        ref = f"{xl_rowcol_to_cell(first, col)}:{xl_rowcol_to_cell(last, col)}"
        return SharedFormula(self._prepare_formula(formula), si, ref)

    def _write_cell(self, row: int, col: int, cell) -> None:
        # The cells that refer to a shared formula, written directly: at 50,000 clients they
        # are most of the workbook's cells.
        formula = getattr(cell, "formula", None)
        if formula.__class__ is SharedFormula and formula.ref is None and cell.format:
            self.fh.write(
                f'<c r="{xl_rowcol_to_cell_fast(row, col)}" s="{cell.format._get_xf_index()}">'
                f'<f t="shared" si="{formula.si}"/><v>0</v></c>'
            )
            return None
        return super()._write_cell(row, col, cell)

    def _xml_formula_element(self, formula, result, attributes=[]) -> None:  # noqa: B006
        if not isinstance(formula, SharedFormula):
            return super()._xml_formula_element(formula, result, attributes)
        # The attributes are the cell's reference and its format's index: nothing to escape.
        attr = "".join([f' {key}="{value}"' for key, value in attributes])
        result = self._escape_data(result)
        if formula.ref is None:
            self.fh.write(f'<c{attr}><f t="shared" si="{formula.si}"/><v>{result}</v></c>')
        else:
            text = self._escape_data(str(formula))
            self.fh.write(
                f'<c{attr}><f t="shared" ref="{formula.ref}" si="{formula.si}">{text}</f>'
                f"<v>{result}</v></c>"
            )
        return None


class SharedFormula(str):
    """A formula cell's text with its shared-formula index, and its range on the first cell."""

    si: int
    ref: str | None

    def __new__(cls, text: str, si: int, ref: str | None) -> SharedFormula:
        out = super().__new__(cls, text)
        out.si, out.ref = si, ref
        return out


def cell(row: int, col: int, absolute: bool = False) -> str:
    """A1 reference of a zero-based cell."""
    return xl_rowcol_to_cell(row, col, row_abs=absolute, col_abs=absolute)


def column(col: int) -> str:
    return xl_col_to_name(col)


def sheet_ref(sheet: str, ref: str) -> str:
    return f"'{sheet}'!{ref}"


def name_part(text: str) -> str:
    """A piece of a defined name from a settings key: letters, digits and underscores only."""
    part = re.sub(r"[^A-Za-z0-9_]", "_", text)
    return part or "x"


def currency_symbol(currency: str, lang: str) -> str:
    from babel.numbers import get_currency_symbol

    return get_currency_symbol(currency, locale="ru_RU" if lang == "ru" else "en_US")


@dataclass
class Book:
    """One workbook in the making; `names` maps each defined name to its reference."""

    workbook: Any
    lang: str
    currency: str
    _: Callable[[str], str]
    formats: dict[str, Any] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)

    @classmethod
    def create(cls, path: Path, lang: str, currency: str, constant_memory: bool = True) -> Book:
        workbook = xlsxwriter.Workbook(
            str(path),
            {
                "constant_memory": constant_memory,
                # Nothing newer than Excel 2007 is used; the check costs a regex pass per formula.
                "use_future_functions": False,
                "strings_to_numbers": False,
                "strings_to_formulas": False,
                "strings_to_urls": False,
            },
        )
        book = cls(workbook, lang, currency, translator(lang))
        book._make_formats()
        return book

    def _make_formats(self) -> None:
        sym = currency_symbol(self.currency, self.lang).replace('"', "")
        money = f'#,##0 "{sym}";[Red]-#,##0 "{sym}"'
        money2 = f'#,##0.00 "{sym}";[Red]-#,##0.00 "{sym}"'
        font = {"font_name": "Arial", "font_size": 9}
        spec: dict[str, dict[str, Any]] = {
            "text": {},
            "quoted": {"quote_prefix": True},
            "title": {"bold": True, "font_size": 14, "font_color": "#1F3864"},
            "subtitle": {"italic": True, "font_color": "#595959"},
            "section": {"bold": True, "font_size": 11, "font_color": "#1F3864", "bottom": 1},
            "header": {
                "bold": True,
                "bg_color": "#DCE6F1",
                "text_wrap": True,
                "valign": "top",
                "border": 1,
                "border_color": "#A6A6A6",
            },
            "label": {"bold": True},
            "note": {"italic": True, "font_color": "#595959"},
            "wrap": {"text_wrap": True, "valign": "top"},
            "money": {"num_format": money},
            "money2": {"num_format": money2},
            "number": {"num_format": "#,##0"},
            "number1": {"num_format": "#,##0.0"},
            "number2": {"num_format": "#,##0.00"},
            "number4": {"num_format": "0.0000"},
            "percent": {"num_format": "0.0%"},
            "percent2": {"num_format": "0.00%"},
            "date": {"num_format": "yyyy-mm-dd"},
            "month": {"num_format": "yyyy-mm"},
        }
        for name, props in spec.items():
            self.formats[name] = self.workbook.add_format({**font, **props})
            if name in (
                "text",
                "money",
                "money2",
                "number",
                "number1",
                "number2",
                "number4",
                "percent",
                "percent2",
                "date",
            ):
                # The same look on a yellow input cell the user may change.
                self.formats[f"input_{name}"] = self.workbook.add_format(
                    {
                        **font,
                        **props,
                        "bg_color": "#FFF2CC",
                        "border": 1,
                        "border_color": "#BFBFBF",
                        "locked": False,
                    }
                )
                self.formats[f"bold_{name}"] = self.workbook.add_format(
                    {**font, **props, "bold": True}
                )

    def sheet(self, name: str) -> Any:
        """The worksheet of that name, added (at the end of the tabs) on first use."""
        found = self.workbook.get_worksheet_by_name(name)
        if found is not None:
            return found
        return self.workbook.add_worksheet(name, worksheet_class=PlainFormulaWorksheet)

    def print_setup(self, sheet: Any, header_row: int | None = None, pages_wide: int = 1) -> None:
        """Landscape A4, so many pages wide, the header row repeated on every page."""
        sheet.set_landscape()
        sheet.set_paper(9)
        sheet.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.5)
        sheet.fit_to_pages(pages_wide, 0)
        if header_row is not None:
            sheet.repeat_rows(header_row)

    def fmt(self, name: str) -> Any:
        return self.formats[name]

    def define(self, name: str, sheet: str, ref: str) -> str:
        """Define a workbook-level name for an absolute reference on a sheet; returns the name."""
        if name in self.names:
            raise ValueError(f"name {name} defined twice")
        self.names[name] = sheet_ref(sheet, ref)
        self.workbook.define_name(name, "=" + self.names[name])
        return name

    def text(self, sheet: Any, row: int, col: int, value: object, fmt: str = "text") -> None:
        write_text(sheet, row, col, value, self.formats[fmt], self.formats["quoted"])

    def close(self) -> None:
        self.workbook.close()
