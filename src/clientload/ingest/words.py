"""Words in yes/no and code columns: the codes the model counts, value maps (`[values.COLUMN]`),
how each word of a file is read, and the distinct words of a column.

An export writes an order's urgency as "Same Day" or "Срочно", its delivery as "Курьер": the
model needs true/false and the codes below. Known words are read without a mapping; a mapping's
`[values.COLUMN]` says what the others mean. When a column still holds words that cannot be read,
the import lists them with their counts and writes the section to add (`unknown_words_hint`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from clientload.errors import ClientloadError
from clientload.ingest.parsing import FALSE_WORDS, TRUE_WORDS, lit

if TYPE_CHECKING:
    import duckdb

# Text columns the model reads as codes: each code with the words exports use for it (compared
# trimmed and lower-cased). `strict`: any other value is a rejected row (a delivery read as
# "not a delivery" would silently drop its cost); otherwise other values are kept as given.
CODES: dict[tuple[str, str], tuple[dict[str, tuple[str, ...]], bool]] = {
    ("orders", "delivery"): (
        {
            "delivery": ("delivery", "deliver", "delivered", "shipping", "shipment", "courier",
                         "доставка", "доставкой", "курьер", "курьерская доставка",
                         "транспортная компания", "тк"),
            "pickup": ("pickup", "pick-up", "pick up", "self-pickup", "collect", "collection",
                       "самовывоз", "самовывозом"),
        },
        True,
    ),
    ("orders", "source"): (
        {
            "manager": ("manager", "sales rep", "менеджер", "через менеджера"),
            "phone": ("phone", "telephone", "call", "телефон", "по телефону", "звонок"),
            "email": ("email", "e-mail", "mail", "почта", "эл. почта", "электронная почта",
                      "e-mail письмо"),
            "portal": ("portal", "web", "website", "site", "online", "b2b", "b2b portal", "edi",
                       "портал", "сайт", "онлайн", "личный кабинет", "интернет-магазин",
                       "b2b-портал"),
        },
        False,
    ),
}
WORD_LIMIT = 1000  # distinct words fetched per column; a column with more is not a yes/no column
HINT_WORDS = 20  # words a hint lists before "… and N more"


def column_type(table: str, column: str) -> str:
    from clientload.schema import TABLES

    return TABLES[table].column(column).type


def word_kind(table: str, column: str) -> str | None:
    """"yesno" for a yes/no column, "code" for a code column, None for the others."""
    if (table, column) in CODES:
        return "code"
    return "yesno" if column_type(table, column) == "BOOLEAN" else None


def is_strict(table: str, column: str) -> bool:
    """Whether a word the column cannot read rejects the row (yes/no and delivery)."""
    kind = word_kind(table, column)
    return kind == "yesno" or (kind == "code" and CODES[(table, column)][1])


def reading(table: str, column: str, text: str) -> str | None:
    """What a (mapped) word becomes in the store: "true"/"false", a code, the text itself; None
    when a yes/no or strict code column cannot read it."""
    word = text.strip().lower()
    kind = word_kind(table, column)
    if kind == "yesno":
        return "true" if word in TRUE_WORDS else "false" if word in FALSE_WORDS else None
    if kind == "code":
        codes, strict = CODES[(table, column)]
        found = next((code for code, words in codes.items() if word in words), None)
        return found if found is not None or strict else text.strip()
    return text.strip()


def expected_values(table: str, column: str) -> str:
    """What a yes/no or code column accepts, for messages and the hint's comments."""
    if word_kind(table, column) == "code":
        return " or ".join(CODES[(table, column)][0])
    return "true or false"


def check_value(table: str, column: str, text: str, where: str) -> None:
    """A `[values]` entry must give something the column can read ("" leaves it empty)."""
    if text.strip() and is_strict(table, column) and reading(table, column, text) is None:
        raise ClientloadError(
            f"{where}: {text!r} is not a value of {column}; expected "
            f"{expected_values(table, column)}, or \"\" for empty"
        )


def value_map_sql(text_sql: str, words: dict[str, str]) -> str:
    """The text with each mapped word replaced by what it stands for ("" becomes NULL)."""
    if not words:
        return text_sql
    cases = " ".join(f"WHEN {lit(word)} THEN {lit(value)}" for word, value in words.items())
    return f"NULLIF(CASE lower({text_sql}) {cases} ELSE {text_sql} END, '')"


def distinct_words(
    con: duckdb.DuckDBPyConnection, view: str, text_sql: str, limit: int = WORD_LIMIT
) -> tuple[list[tuple[str, int]], int]:
    """The column's most frequent non-empty words with their counts, and how many there are."""
    rows = con.execute(
        f"SELECT w, count(*) AS n, count(*) OVER () FROM (SELECT {text_sql} AS w FROM {view}) "
        f"WHERE w IS NOT NULL GROUP BY w ORDER BY n DESC, w LIMIT {int(limit)}"
    ).fetchall()
    return [(str(w), int(n)) for w, n, _ in rows], int(rows[0][2]) if rows else 0


def read_word(table: str, column: str, word: str, values: dict[str, str]) -> str | None:
    """What a word of the file becomes with the mapping's `values`: "" when mapped to empty."""
    mapped = values.get(word.strip().lower(), word)
    return reading(table, column, mapped) if mapped.strip() else ""


def unread_words(
    table: str, column: str, words: list[tuple[str, int]], values: dict[str, str]
) -> list[tuple[str, int]]:
    """The words (with counts) a yes/no or strict code column cannot read, even with `values`."""
    return [(w, n) for w, n in words if read_word(table, column, w, values) is None]


def unknown_words_hint(
    table: str, column: str, label: str, unread: list[tuple[str, int]], more: int = 0
) -> str:
    """One note: the words not understood with their counts, and the section to add."""
    rows = sum(n for _, n in unread)
    shown = ", ".join(f"{word!r} ({n:,})" for word, n in unread[:HINT_WORDS])
    if len(unread) > HINT_WORDS or more:
        shown += f", … and {len(unread) - HINT_WORDS + more:,} more"
    expected = expected_values(table, column)
    section = "\n".join(
        [f"[values.{column}]", *(f"{toml_string(w)} = ?  # {expected}"
                                 for w, _ in unread[:HINT_WORDS])]
    )
    return (
        f"{label}: {len(unread) + more:,} words are not {expected} ({rows:,} rows rejected): "
        f"{shown}; say what they mean in the mapping file, replacing each ?:\n{section}"
    )


def toml_string(text: str) -> str:
    """A TOML basic string: JSON's escapes, which TOML shares, plus DEL, which JSON leaves."""
    import json

    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")
