"""SQL that parses a staged file into a table's typed columns and gives bad rows their reasons.

Two layers: the inner one reads each source column once (`t_*` its text, `v_*` its parsed value);
the outer one computes derived columns and a `_reason` per row, NULL for a good row, otherwise
every problem of the row joined with "; " (the column, the value, what was expected).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from clientload.ingest.columns import ColumnPlan, named_header
from clientload.ingest.expression import to_sql
from clientload.ingest.mapping import Mapping
from clientload.ingest.parsing import (
    BOOL_EXPECTED,
    DateFormat,
    NumberFormat,
    bool_sql,
    lit,
    stripped,
)
from clientload.ingest.reasons import (
    A_DATE,
    A_MONTH,
    A_NUMBER,
    A_WHOLE_NUMBER,
    DERIVED_EMPTY,
    EMPTY,
    EMPTY_AND_UNKNOWN,
    EXCLUDED,
    NEGATIVE,
    NOT_A,
    one_of,
    reason_sql,
)
from clientload.ingest.words import CODES, value_map_sql
from clientload.messages import Message
from clientload.schema import Table

# Count-like and money columns that cannot be negative; anything else may be (returns, credits).
NON_NEGATIVE: dict[str, set[str]] = {
    "sales": {"price"},
    "clients": {"payment_terms_days"},
    "products": {"unit_cost"},
    "orders": {"changes"},
    "interactions": {"minutes", "count"},
    "storage": {"pallets", "value"},
    "receivables": set(),
    "plans": set(),
    "timesheets": {"minutes"},
}
# Text columns with a fixed shape: (regular expression, what a good value looks like).
SHAPES: dict[tuple[str, str], tuple[str, str]] = {
    ("plans", "period"): (r"^\d{4}-(0[1-9]|1[0-2])$", A_MONTH),
}
NUMERIC_TARGETS = {"DOUBLE", "BIGINT"}
DATE_TARGETS = {"DATE", "TIMESTAMP"}


def is_numeric_type(duck_type: str) -> bool:
    upper = duck_type.upper()
    return upper.startswith("DECIMAL") or upper in {
        "DOUBLE", "FLOAT", "REAL", "BIGINT", "INTEGER", "SMALLINT", "TINYINT", "HUGEINT",
        "UBIGINT", "UINTEGER", "USMALLINT", "UTINYINT", "UHUGEINT",
    }


def is_temporal_type(duck_type: str) -> bool:
    upper = duck_type.upper()
    return upper == "DATE" or upper.startswith("TIMESTAMP")


@dataclass(frozen=True)
class SourceText:
    """The SQL of a source column's text and its type in the staged view."""

    sql: str
    type: str


def source_text(plan: ColumnPlan, types: list[str]) -> dict[str, SourceText]:
    """Text SQL of every contract column and derive operand (`op:name`) that has a source;
    a column with a value map (`[values]`) is text with the mapped words replaced."""
    texts: dict[str, SourceText] = {}
    for target, src in plan.sources.items():
        if src.position is None:
            texts[target] = SourceText(lit(src.constant or ""), "VARCHAR")
            continue
        column, duck_type = f"c{src.position}", types[src.position]
        words = plan.values.get(target)
        if words:
            mapped = value_map_sql(f"trim({raw_text(column, duck_type)})", words)
            if src.constant is not None:
                mapped = f"coalesce({mapped}, {lit(src.constant)})"
            texts[target] = SourceText(mapped, "VARCHAR")
        elif src.constant is not None:
            as_text = column if duck_type == "VARCHAR" else f"CAST({column} AS VARCHAR)"
            texts[target] = SourceText(
                f"coalesce(NULLIF(trim({as_text}), ''), {lit(src.constant)})", "VARCHAR"
            )
        elif duck_type == "VARCHAR":
            texts[target] = SourceText(f"NULLIF(trim({column}), '')", "VARCHAR")
        else:
            texts[target] = SourceText(column, duck_type)
    for name, position in plan.operands.items():
        column, duck_type = f"c{position}", types[position]
        text = f"NULLIF(trim({column}), '')" if duck_type == "VARCHAR" else column
        texts[f"op:{name}"] = SourceText(text, duck_type)
    return texts


def raw_text(column: str, duck_type: str) -> str:
    """A staged column as text, as the file shows it (typed ids without a trailing .0)."""
    return column if duck_type == "VARCHAR" else clean_id_sql(column, duck_type)


def clean_id_sql(column: str, duck_type: str) -> str:
    """Identifiers stored as floats (CustomerID 17850.0) as clean text ("17850")."""
    if duck_type.upper() in {"DOUBLE", "FLOAT", "REAL"} or duck_type.upper().startswith("DECIMAL"):
        return (
            f"(CASE WHEN {column} = trunc({column}) AND abs({column}) < 1e15 "
            f"THEN CAST(CAST({column} AS BIGINT) AS VARCHAR) ELSE CAST({column} AS VARCHAR) END)"
        )
    return f"CAST({column} AS VARCHAR)"


def value_sql(
    text: SourceText,
    target_type: str,
    number: NumberFormat | None,
    date: DateFormat | None,
    stripped_sql: str | None = None,
) -> tuple[str, str]:
    """The parsed value of a source column for a target type, and what a good value looks like.

    `stripped_sql` is the text without thousands separators (see `parsing.stripped`).
    """
    t, stype = text.sql, text.type
    if target_type == "VARCHAR":
        return (t if stype == "VARCHAR" else clean_id_sql(t, stype)), "text"
    if target_type in NUMERIC_TARGETS:
        if stype == "VARCHAR":
            fmt = number or NumberFormat(".")
            return fmt.sql(stripped_sql or stripped(t)), fmt.expected
        if is_numeric_type(stype) or stype == "BOOLEAN":
            return f"CAST({t} AS DOUBLE)", A_NUMBER
        return f"TRY_CAST(CAST({t} AS VARCHAR) AS DOUBLE)", A_NUMBER
    if target_type in DATE_TARGETS:
        if is_temporal_type(stype):
            return f"CAST({t} AS TIMESTAMP)", A_DATE
        date_fmt = date or DateFormat("excel" if is_numeric_type(stype) else "iso")
        as_text = t if stype == "VARCHAR" else f"CAST({t} AS VARCHAR)"
        return date_fmt.sql(as_text), date_fmt.expected
    if target_type == "BOOLEAN":
        if stype == "BOOLEAN":
            return t, BOOL_EXPECTED
        if is_numeric_type(stype):
            return f"({t} <> 0)", BOOL_EXPECTED
        as_text = t if stype == "VARCHAR" else f"CAST({t} AS VARCHAR)"
        return bool_sql(as_text), BOOL_EXPECTED
    raise ValueError(f"unknown target type {target_type}")


def _quoted(column: str) -> str:
    return f"'''' || left(CAST({column} AS VARCHAR), 60) || ''''"


def _bad_condition(target_type: str, t: str, v: str) -> str:
    if target_type in NUMERIC_TARGETS:
        condition = f"{t} IS NOT NULL AND ({v} IS NULL OR NOT isfinite({v}))"
        if target_type == "BIGINT":
            condition = (
                f"({condition}) OR ({v} IS NOT NULL AND isfinite({v}) "
                f"AND ({v} <> round({v}) OR abs({v}) > 9e18))"
            )
        return condition
    if target_type in DATE_TARGETS:
        return f"{t} IS NOT NULL AND ({v} IS NULL OR year({v}) NOT BETWEEN 1900 AND 2199)"
    if target_type == "BOOLEAN":
        return f"{t} IS NOT NULL AND {v} IS NULL"
    return "false"


def _final_value(target_type: str, v: str) -> str:
    if target_type == "BIGINT":
        return f"(CASE WHEN isfinite({v}) AND abs({v}) <= 9e18 THEN CAST(round({v}) AS BIGINT) END)"
    if target_type == "DATE":
        return f"CAST({v} AS DATE)"
    if target_type == "DOUBLE":
        return f"CAST({v} AS DOUBLE)"
    return v


def checked_select(
    view: str,
    table: Table,
    plan: ColumnPlan,
    types: list[str],
    numbers: dict[str, NumberFormat],
    dates: dict[str, DateFormat],
    extra_reasons: list[str],
) -> str:
    """SELECT `_line`, the table's columns and `_reason` from the staged (and joined) view."""
    # Three inner layers so that each text is trimmed, stripped and parsed once per row:
    # texts (_t), stripped numbers (_s), values (_v).
    texts = source_text(plan, types)
    passed = ["_line", "_shape", *(f"_x{i}" for i in range(len(extra_reasons)))]
    texts_layer = ["_line", "_shape", *(f"{sql} AS _x{i}" for i, sql in enumerate(extra_reasons))]
    strip_layer = list(passed)
    value_layer = list(passed)
    expected: dict[str, str] = {}
    names: dict[str, tuple[str, str]] = {}  # key -> (t alias, v alias)
    for k, (key, text) in enumerate(texts.items()):
        target_type = "DOUBLE" if key.startswith("op:") else table.column(key).type
        t = f"_t{k}"
        texts_layer.append(f"{text.sql} AS {t}")
        strip_layer.append(t)
        strip_alias = None
        if target_type in NUMERIC_TARGETS and text.type == "VARCHAR":
            strip_alias = f"_s{k}"
            strip_layer.append(f"{stripped(t)} AS {strip_alias}")
        value, expected[key] = value_sql(
            SourceText(t, text.type), target_type, numbers.get(key), dates.get(key), strip_alias
        )
        if target_type == "BIGINT":
            expected[key] = A_WHOLE_NUMBER
        value_layer += [t, f"{value} AS _v{k}"]
        names[key] = (t, f"_v{k}")
    inner = (
        f"SELECT {', '.join(value_layer)} FROM (SELECT {', '.join(strip_layer)} FROM "
        f"(SELECT {', '.join(texts_layer)} FROM {view}))"
    )

    def operand(name: str) -> str:
        return names[name if name in plan.sources else f"op:{name}"][1]

    outer = ["_line"]
    reasons = ["_shape", *(f"_x{i}" for i in range(len(extra_reasons)))]
    derived = {d.target: d for d in plan.derived}
    for column in table.columns:
        if column.name in derived:
            d = derived[column.name]
            value = to_sql(d.expr, operand)
            outer.append(f"{_final_value(column.type, value)} AS {column.name}")
            if column.required:
                because = reason_sql(DERIVED_EMPTY, column=lit(column.name), formula=lit(d.text))
                reasons.append(f"CASE WHEN ({value}) IS NULL THEN {because} END")
            if column.name in NON_NEGATIVE[table.name]:
                reasons.append(_negative(column.name, value))
        elif column.name in plan.sources:
            t, v = names[column.name]
            label = plan.sources[column.name].label
            fallback = plan.fallbacks.get(column.name)
            codes = CODES.get((table.name, column.name))
            if fallback is None and codes is not None:
                coded, unknown = _code_sql(v, *codes)
                outer.append(f"{coded} AS {column.name}")
                empty = f"{t} IS NULL"
                if unknown:
                    because = reason_sql(NOT_A, label=lit(label), value=_quoted(t),
                                         expected=lit(unknown))
                    reasons.append(
                        f"CASE WHEN {t} IS NOT NULL AND {coded} IS NULL THEN {because} END"
                    )
            elif fallback is None:
                outer.append(f"{_final_value(column.type, v)} AS {column.name}")
                empty = f"{t} IS NULL"
            else:
                computed = to_sql(fallback.expr, operand)
                final = _final_value(column.type, f"coalesce({v}, {computed})")
                outer.append(f"{final} AS {column.name}")
                empty = f"{t} IS NULL AND ({computed}) IS NULL"
            if column.required:
                because = (reason_sql(EMPTY_AND_UNKNOWN, label=lit(label),
                                      fallback=lit(fallback.text)) if fallback
                           else reason_sql(EMPTY, label=lit(label)))
                reasons.append(f"CASE WHEN {empty} THEN {because} END")
            bad = _bad_condition(column.type, t, v)
            if bad != "false":
                because = reason_sql(NOT_A, label=lit(label), value=_quoted(t),
                                     expected=lit(expected[column.name]))
                reasons.append(f"CASE WHEN {bad} THEN {because} END")
            if column.name in NON_NEGATIVE[table.name]:
                reasons.append(_negative(label, v))
            shape = SHAPES.get((table.name, column.name))
            if shape is not None:
                because = reason_sql(NOT_A, label=lit(label), value=_quoted(t),
                                     expected=lit(shape[1]))
                reasons.append(
                    f"CASE WHEN NOT regexp_matches(trim({v}), {lit(shape[0])}) THEN {because} END"
                )
        else:
            outer.append(f"NULL::{column.type} AS {column.name}")
    for name in plan.operands:
        t, v = names[f"op:{name}"]
        bad = _bad_condition("DOUBLE", t, v)
        because = reason_sql(NOT_A, label=lit(name), value=_quoted(t),
                             expected=lit(expected["op:" + name]))
        reasons.append(f"CASE WHEN {bad} THEN {because} END")
    outer.append(f"NULLIF(concat_ws('; ', {', '.join(reasons)}), '') AS _reason")
    return f"SELECT {', '.join(outer)} FROM ({inner})"


def exclusion_reasons(
    headers: list[str], types: list[str], mapping: Mapping, file: Path
) -> dict[int, str]:
    """SQL of a reason per `[exclude]` rule of the mapping, by the position of its column: a row
    whose value (trimmed, any case) is one of the rule's is refused, and the rejects file says
    which rule took it — the read, loaded and rejected counts still add up."""
    rules: dict[int, tuple[str, list[str]]] = {}  # position -> (header, values), merged
    for header, excluded in mapping.exclude.items():
        position = named_header(
            headers, header,
            Message("{file}: mapping {mapping} [exclude]", file=file, mapping=mapping.path),
            Message("to leave rows out by"),
        )
        rules.setdefault(position, (header, []))[1].extend(excluded)
    reasons: dict[int, str] = {}
    for position, (header, values) in rules.items():
        column, duck_type = f"c{position}", types[position]
        text = column if duck_type == "VARCHAR" else f"CAST({column} AS VARCHAR)"
        if duck_type == "VARCHAR":
            words = ", ".join(lit(v.lower()) for v in values)
            matches = f"lower(trim({text})) IN ({words})"
        else:
            # a typed column (Parquet, XLSX) by value: 12346 is the number, not the text "12346.0"
            typed = ", ".join(f"TRY_CAST({lit(v)} AS {duck_type})" for v in values)
            matches = f"{column} IN ({typed})"
        because = reason_sql(EXCLUDED, mapping=lit(Path(str(mapping.path)).name),
                             header=lit(header), value=_quoted(f"trim({text})"))
        reasons[position] = f"CASE WHEN {matches} THEN {because} END"
    return reasons


def _code_sql(value: str, codes: dict[str, tuple[str, ...]], strict: bool) -> tuple[str, str]:
    """The code a value means, and (when `strict`) what a good value looks like; a strict
    column's unknown value gives NULL, a lenient one's stays as it was."""
    key = f"lower(trim({value}))"
    whens = " ".join(
        f"WHEN {key} IN ({', '.join(lit(w) for w in words)}) THEN {lit(code)}"
        for code, words in codes.items()
    )
    otherwise = "NULL" if strict else value
    expected = ""
    if strict:
        examples = [f"{code} ({next((w for w in words if not w.isascii()), code)})"
                    for code, words in codes.items()]
        expected = one_of(", ".join(examples))
    return f"(CASE {whens} ELSE {otherwise} END)", expected


def _negative(label: str, value: str) -> str:
    because = reason_sql(NEGATIVE, label=lit(label), number=f"CAST(({value}) AS VARCHAR)")
    return f"CASE WHEN ({value}) < 0 THEN {because} END"
