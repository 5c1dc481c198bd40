"""Turning text cells into numbers, dates and booleans, in SQL, with the format decided per column.

Each column's format is decided once from its values (a sample of the first rows; slash dates
from all rows): decimal comma or point, and which date layout. A value that does not fit the
column's format becomes NULL here, and the caller rejects the row with the reason `expected`.
Nothing here runs per row in Python: the functions return SQL expressions over the staged view.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from clientload.messages import Message

if TYPE_CHECKING:
    import duckdb

SAMPLE_ROWS = 200_000
THOUSANDS = (" ", "\u00a0", "\u202f", "'", "’")
TRUE_WORDS = ("true", "t", "yes", "y", "1", "да", "д", "истина", "+", "x", "1.0")
FALSE_WORDS = ("false", "f", "no", "n", "0", "нет", "н", "ложь", "-", "0.0")

_COMMA_DECIMAL = (
    r"[+-]?\d*,(\d{1,2}|\d{4,})|[+-]?(0|\d{4,}),\d+"
    r"|[+-]?[1-9]\d{0,2}(\.\d{3}){2,}(,\d*)?|[+-]?[1-9]\d{0,2}(\.\d{3})+,\d*"
)
_POINT_DECIMAL = (
    r"[+-]?\d*\.(\d{1,2}|\d{4,})|[+-]?(0|\d{4,})\.\d+"
    r"|[+-]?[1-9]\d{0,2}(,\d{3}){2,}(\.\d*)?|[+-]?[1-9]\d{0,2}(,\d{3})+\.\d*"
)
_DATE_PATTERNS = {
    "dot4": r"\d{1,2}\.\d{1,2}\.\d{4}(\s.*)?",
    "dot2": r"\d{1,2}\.\d{1,2}\.\d{2}(\s.*)?",
    "slash4": r"\d{1,2}/\d{1,2}/\d{4}(\s.*)?",
    "slash2": r"\d{1,2}/\d{1,2}/\d{2}(\s.*)?",
    "serial": r"\d{1,7}(\.\d+)?",
    "ymd8": r"(19|20)\d{6}",
}
DATE_LABELS = {
    "iso": Message("yyyy-mm-dd"),
    "dmy.": Message("dd.mm.yyyy"),
    "dmy/": Message("dd/mm/yyyy"),
    "mdy/": Message("m/d/yyyy"),
    "excel": Message("an Excel serial number"),
    "ymd8": Message("yyyymmdd"),
}


def lit(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def stripped(text_sql: str) -> str:
    """The text without the thousands separators that are never decimal marks."""
    removed = text_sql
    for ch in THOUSANDS:
        removed = f"replace({removed}, {lit(ch)}, '')"
    pattern = lit("[" + "".join(THOUSANDS) + "]")
    return f"(CASE WHEN regexp_matches({text_sql}, {pattern}) THEN {removed} ELSE {text_sql} END)"


@dataclass(frozen=True)
class NumberFormat:
    decimal: str  # "." or ","

    @property
    def expected(self) -> str:
        if self.decimal == ",":
            return Message("a number like 1 234,56")
        return Message("a number like 1234.56")

    def sql(self, s: str) -> str:
        """The number in `s`, text already `stripped` (NULL when it does not fit this format)."""
        if self.decimal == ",":
            grouped = r"[+-]?\d{1,3}(\.\d{3})+(,\d*)?"
            cleaned = f"replace(replace({s}, '.', ''), ',', '.')"
            other = "."
        else:
            grouped, cleaned = r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?", f"replace({s}, ',', '')"
            other = ","
        value = f"TRY_CAST({cleaned} AS DOUBLE)"
        # A value using the other mark must be a proper thousands grouping, else "1,5" in a
        # column of "1,234.56" numbers would silently read as 15.
        return (
            f"(CASE WHEN NOT contains({s}, {lit(other)}) OR regexp_full_match({s}, {lit(grouped)}) "
            f"THEN {value} END)"
        )


@dataclass(frozen=True)
class DateFormat:
    kind: str  # iso | dmy. | dmy/ | mdy/ | excel | ymd8
    two_digit_year: bool = False

    @property
    def expected(self) -> str:
        return Message("a date as {layout}", layout=DATE_LABELS[self.kind])

    def sql(self, text_sql: str) -> str:
        """The timestamp in `text_sql` (ISO always accepted; NULL when it fits neither).

        The caller rejects years outside 1900-2199 (a two-digit year read as year 24, say).
        """
        iso = f"TRY_CAST({text_sql} AS TIMESTAMP)"
        if self.kind == "iso":
            parsed = iso
        elif self.kind == "excel":
            serial = f"TRY_CAST({text_sql} AS DOUBLE)"
            parsed = (
                f"CASE WHEN {serial} BETWEEN 1 AND 2958465 THEN TIMESTAMP '1899-12-30' + "
                f"to_microseconds(CAST(round({serial} * 86400000000) AS BIGINT)) END"
            )
        elif self.kind == "ymd8":
            parsed = f"try_strptime({text_sql}, '%Y%m%d')"
        else:
            sep = self.kind[-1]
            day_month = "%d{0}%m" if self.kind.startswith("dmy") else "%m{0}%d"
            year = "%y" if self.two_digit_year else "%Y"
            base = day_month.format(sep) + sep + year
            # One format per value, chosen by its number of colons: try_strptime with a list of
            # formats is some twenty times slower.
            colons = f"(strlen({text_sql}) - strlen(replace({text_sql}, ':', '')))"
            parsed = (
                f"CASE {colons} WHEN 0 THEN try_strptime({text_sql}, {lit(base)}) "
                f"WHEN 1 THEN try_strptime({text_sql}, {lit(base + ' %H:%M')}) "
                f"WHEN 2 THEN try_strptime({text_sql}, {lit(base + ' %H:%M:%S')}) END"
            )
        if self.kind != "iso":
            # ISO dates are accepted in any date column; casting only what looks like one is fast.
            parsed = f"coalesce({parsed}, CASE WHEN contains({text_sql}, '-') THEN {iso} END)"
        return parsed


def bool_sql(text_sql: str) -> str:
    low = f"lower({text_sql})"
    yes = ", ".join(lit(w) for w in TRUE_WORDS)
    no = ", ".join(lit(w) for w in FALSE_WORDS)
    return f"(CASE WHEN {low} IN ({yes}) THEN true WHEN {low} IN ({no}) THEN false END)"


BOOL_EXPECTED = Message("true/false, yes/no, да/нет or 1/0")


def _count(condition: str) -> str:
    """count_if that gives 0, not NULL, when no value is there at all."""
    return f"coalesce(count_if({condition}), 0)"


def decide_number_formats(
    con: duckdb.DuckDBPyConnection,
    view: str,
    columns: dict[str, str],
    labels: dict[str, str],
    default_decimal: str,
) -> tuple[dict[str, NumberFormat], list[str]]:
    """The decimal mark of each text column (key → SQL of its text) from a sample of values."""
    if not columns:
        return {}, []
    parts = []
    for text in columns.values():
        s = stripped(text)
        parts += [
            _count(f"contains({s}, ',') OR contains({s}, '.')"),
            _count(f"contains({s}, ',') AND regexp_full_match({s}, {lit(_COMMA_DECIMAL)})"),
            _count(f"contains({s}, '.') AND regexp_full_match({s}, {lit(_POINT_DECIMAL)})"),
        ]
    stats = con.execute(
        f"SELECT {', '.join(parts)} FROM (SELECT * FROM {view} LIMIT {SAMPLE_ROWS})"
    ).fetchone()
    assert stats is not None
    formats: dict[str, NumberFormat] = {}
    notes: list[str] = []
    for i, key in enumerate(columns):
        separated, comma, point = stats[3 * i : 3 * i + 3]
        if comma > point:
            decimal = ","
        elif point > comma:
            decimal = "."
        else:
            decimal = default_decimal
            if separated:
                notes.append(Message(
                    "numbers in column {column} read with decimal {decimal!r} "
                    "(ambiguous: values like {example})",
                    column=labels[key], decimal=decimal,
                    example="1,234" if decimal == "." else "1.234",
                ))
        if comma and point:
            notes.append(Message(
                "column {column} mixes decimal marks; read with {decimal!r}, "
                "values in the other style rejected",
                column=labels[key], decimal=decimal,
            ))
        formats[key] = NumberFormat(decimal)
    return formats, notes


def decide_date_formats(
    con: duckdb.DuckDBPyConnection,
    view: str,
    columns: dict[str, str],
    labels: dict[str, str],
) -> tuple[dict[str, DateFormat], list[str]]:
    """The date layout of each text column; a note when d/m versus m/d could not be told apart."""
    if not columns:
        return {}, []
    kinds = ["iso", *_DATE_PATTERNS]
    parts = []
    for text in columns.values():
        parts.append(_count(f"TRY_CAST({text} AS TIMESTAMP) IS NOT NULL"))
        parts += [_count(f"regexp_full_match({text}, {lit(p)})") for p in _DATE_PATTERNS.values()]
    stats = con.execute(
        f"SELECT {', '.join(parts)} FROM (SELECT * FROM {view} LIMIT {SAMPLE_ROWS})"
    ).fetchone()
    assert stats is not None
    formats: dict[str, DateFormat] = {}
    notes: list[str] = []
    width = len(kinds)
    for i, key in enumerate(columns):
        counts = dict(zip(kinds, stats[width * i : width * (i + 1)], strict=True))
        counts["dot"] = counts.pop("dot4") + counts["dot2"]
        counts["slash"] = counts.pop("slash4") + counts["slash2"]
        best = max(("iso", "dot", "slash", "serial", "ymd8"), key=lambda k: counts[k])
        if counts[best] == 0:
            best = "iso"
        if best == "dot":
            formats[key] = DateFormat("dmy.", counts["dot2"] > counts["dot"] - counts["dot2"])
        elif best == "slash":
            kind, note = _slash_order(con, view, columns[key], labels[key])
            formats[key] = DateFormat(kind, counts["slash2"] > counts["slash"] - counts["slash2"])
            notes += note
        elif best == "serial":
            formats[key] = DateFormat("excel")
            notes.append(Message("dates in column {column} read as Excel serial numbers",
                                 column=labels[key]))
        else:
            formats[key] = DateFormat("ymd8" if best == "ymd8" else "iso")
    return formats, notes


def _slash_order(
    con: duckdb.DuckDBPyConnection, view: str, text: str, label: str
) -> tuple[str, list[str]]:
    """d/m or m/d, from all values: a first part above 12 is a day, a second part above 12 too."""
    first = f"TRY_CAST(split_part({text}, '/', 1) AS INTEGER)"
    second = f"TRY_CAST(split_part({text}, '/', 2) AS INTEGER)"
    row = con.execute(
        f"SELECT {_count(f'{first} > 12')}, {_count(f'{second} > 12')} FROM {view} "
        f"WHERE contains({text}, '/')"
    ).fetchone()
    assert row is not None
    day_first, month_first = row
    if day_first and not month_first:
        return "dmy/", [Message("dates in column {column} read as d/m/yyyy", column=label)]
    if month_first and not day_first:
        return "mdy/", [Message("dates in column {column} read as m/d/yyyy", column=label)]
    if not day_first and not month_first:
        return "mdy/", [Message(
            "dates in column {column} read as m/d/yyyy (ambiguous: every value fits both "
            "d/m/yyyy and m/d/yyyy; set date_format in a mapping file if they are d/m)",
            column=label,
        )]
    kind = "dmy/" if day_first > month_first else "mdy/"
    return kind, [Message(
        "dates in column {column} mix d/m and m/d; read as {layout}, the others rejected",
        column=label, layout=DATE_LABELS[kind],
    )]
