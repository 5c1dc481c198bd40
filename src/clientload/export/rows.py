"""The workbook's data as rows: `ClientMonths` (one row per client per calendar month with
activity) and `Clients` (attributes), read from the store.

The columns of `ClientMonths` are a registry built from the settings (`month_columns`): the
fixed sales, order, storage and receivables figures, one column per minimum order value a policy
sets, three per interaction type the activities count, and one net quantity per category. Each
figure is the engine's fact (`clientload.model.facts`) restricted to one calendar month, so that
the sums over any run of whole months are the engine's facts for that period:
- sales lines by their date; cost of goods as the engine prices it (the line's cost, else the
  product's unit cost × quantity, else the assumed margin);
- orders and returns by their day, as `order_events` and `client_orders` count them: each order
  driver's events and the quantity of every time-equation term the activities use
  (`<driver>__<term key>`, e.g. `orders__per_lines`, `orders__when_new_client`);
- goods waiting ready in our warehouse (`client_waiting`): for each number of days t the
  settings use (the free days, and each group's maximum beyond them) the waiting days beyond t
  falling in the month and the order value × those days;
- interactions by their date (rows without a date are not in the rows: the engine counts them in
  every period; they are counted and said);
- storage by its day; overdue receivables as the amount × the overdue days that fall in the month;
- days sales outstanding from the invoices issued in the month: the amount, the amount × days to
  payment of the paid ones, and for the unpaid ones the amount and the amount × issue day (as a
  spreadsheet day number), from which the workbook counts the days to the period's end.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from clientload.export.book import name_part
from clientload.export.text import needs_quote_prefix
from clientload.model.period import Period, add_months
from clientload.model.rhythm import RHYTHM_CHOICES

EXCEL_EPOCH = date(1899, 12, 30)  # day number 0 of the spreadsheets' 1900 date system


@dataclass(frozen=True)
class RowColumn:
    """One column of `ClientMonths` or `Clients`: its header (a key, also the CSV header), the
    label shown above it, its number format and its kind (text, date, month or number)."""

    key: str
    label: str
    fmt: str = "number"
    kind: str = "number"
    width: float = 11


@dataclass
class MonthColumns:
    """The registry of `ClientMonths` columns for one set of settings."""

    items: list[RowColumn] = field(default_factory=list)
    thresholds: tuple[float, ...] = ()
    types: dict[str, str] = field(default_factory=dict)  # interaction type → key part
    categories: dict[str, str] = field(default_factory=dict)  # category → column key
    terms: dict[str, tuple[str, Any]] = field(default_factory=dict)  # column → (driver, Term)
    waits: tuple[int, ...] = ()  # the days beyond which waiting goods are counted

    def add(self, col: RowColumn) -> None:
        if any(c.key == col.key for c in self.items):
            raise ValueError(f"ClientMonths column {col.key} twice")
        self.items.append(col)

    @property
    def keys(self) -> list[str]:
        return [c.key for c in self.items]

    @property
    def blocks(self) -> dict[str, list[str]]:
        """Adjacent columns the Model reads as one block, picking the column by a Settings
        value: the waiting days and value-days beyond each number of days in `waits`."""
        if not self.waits:
            return {}
        return {kind: [f"{kind}_{t}" for t in self.waits]
                for kind in ("waiting_days", "waiting_value_days")}


def _unique(base: str, taken: set[str]) -> str:
    key, i = base, 2
    while key in taken:
        key, i = f"{base}_{i}", i + 1
    taken.add(key)
    return key


def interaction_types(settings: Any) -> list[str]:
    """The interaction types the activities count (normalised as the engine matches them), and
    `call` for the calls per order."""
    types = [
        (a.type or "").lower().strip()
        for a in settings.activities.values()
        if a.driver == "interactions"
    ]
    out: list[str] = []
    for t in [*types, "call"]:
        if t not in out:
            out.append(t)
    return out


def order_counts(_: Any) -> list[tuple[str, str]]:
    """The counts of the orders in a month (`client_orders`'), with their labels: the events of
    every order driver (`clientload.model.costing.DRIVER_COLUMNS`) and portal use."""
    return [
        ("orders", _("Orders")),
        ("order_lines", _("Order lines")),
        ("changes", _("Order changes")),
        ("urgent_orders", _("Urgent orders")),
        ("deliveries", _("Deliveries")),
        ("returns", _("Returns")),
        ("portal_orders", _("Orders through the portal")),
        ("orders_with_source", _("Orders with a known source")),
    ]


def driver_labels(_: Any) -> dict[str, str]:
    return {
        "orders": _("Orders"),
        "order_lines": _("Order lines"),
        "order_changes": _("Order changes"),
        "urgent_orders": _("Urgent orders"),
        "deliveries": _("Deliveries"),
        "returns": _("Returns"),
    }


def used_terms(settings: Any) -> dict[str, tuple[str, Any]]:
    """Every (driver, term) the activities' time equations use, by its column name."""
    from clientload.model.orders import used_terms as engine_terms

    return engine_terms(settings.activities.values())


def waiting_days(settings: Any) -> tuple[int, ...]:
    """The days beyond which goods waiting ready are counted: the free days, and each group's
    `max_waiting_days` where it is longer (a group's allowance never ends before the free
    days). The Model picks the column of its Settings value among these."""
    from clientload.model.policy import waiting_limits

    free = int(settings.section("storage").get("free_days", 3))
    limits = waiting_limits(settings.section("policy"))
    return tuple(sorted({free, *(max(limit, free) for limit in limits)}))


def month_columns(
    _: Any,
    thresholds: tuple[float, ...],
    types: list[str],
    categories: list[str],
    terms: dict[str, tuple[str, Any]] | None = None,
    waits: tuple[int, ...] = (),
    lang: str = "en",
) -> MonthColumns:
    """The `ClientMonths` columns for these settings (labels in the book's language)."""
    from clientload.model.labels import term_words

    cols = MonthColumns(thresholds=thresholds, terms=dict(terms or {}), waits=tuple(waits))
    add = cols.add
    add(RowColumn("client_id", _("Client ID"), "text", "text", 12))
    add(RowColumn("month", _("Month"), "month", "month", 9))
    for key, label, fmt in (
        ("revenue", _("Revenue"), "money"),
        ("cost_of_goods", _("Cost of goods"), "money"),
        ("quantity", _("Quantity"), "number"),
        ("sales_lines", _("Sales lines"), "number"),
        ("assumed_lines", _("Sales lines without cost of goods"), "number"),
    ):
        add(RowColumn(key, label, fmt))
    add(RowColumn("first_purchase", _("First purchase"), "date", "date", 11))
    add(RowColumn("last_purchase", _("Last purchase"), "date", "date", 11))
    add(RowColumn("purchase_days", _("Days with purchases")))
    # The buying rhythm reads the days with goods bought (a return is not a purchase).
    add(RowColumn("first_bought", _("First day with goods bought"), "date", "date", 11))
    add(RowColumn("last_bought", _("Last day with goods bought"), "date", "date", 11))
    for key, label in order_counts(_):
        add(RowColumn(key, label))
    drivers = driver_labels(_)
    for key, (driver, term) in cols.terms.items():
        add(RowColumn(key, f"{drivers.get(driver, driver)}: {term_words(term, lang)}", "number1"))
    add(RowColumn("order_value", _("Value of the orders"), "money"))
    for i, threshold in enumerate(thresholds):
        add(RowColumn(f"small_orders_{i}", _("Orders below") + f" {threshold:g}"))
    taken: set[str] = set()
    for t in types:
        part = _unique(name_part(t) if t.isascii() and t else f"type{len(taken) + 1}", taken)
        cols.types[t] = part
        add(RowColumn(f"contacts_{part}", f"{t}: " + _("contacts")))
        add(RowColumn(f"minutes_{part}", f"{t}: " + _("recorded minutes"), "number1"))
        add(RowColumn(f"unrecorded_{part}", f"{t}: " + _("contacts without minutes")))
    for key, label, fmt in (
        ("pallet_days", _("Pallet-days in storage"), "number1"),
        ("value_days", _("Stock value × days in storage"), "money"),
        ("storage_days", _("Days with goods in storage"), "number"),
        # each kind's columns side by side: the Model reads them as one block (`blocks`)
        *(
            (f"{kind}_{t}", label + f" {t}", fmt)
            for kind, label, fmt in (
                ("waiting_days", _("Days goods waited ready in our warehouse beyond"), "number"),
                ("waiting_value_days", _("Order value × days waiting beyond"), "money"),
            )
            for t in cols.waits
        ),
        ("overdue_amount_days", _("Overdue receivables, amount × days"), "money"),
        ("invoiced", _("Invoiced"), "money"),
        ("invoiced_paid_days", _("Paid invoices, amount × days to payment"), "money"),
        ("unpaid_invoiced", _("Unpaid invoices, amount"), "money"),
        ("unpaid_amount_x_issue_day", _("Unpaid invoices, amount × issue day number"), "money"),
    ):
        add(RowColumn(key, label, fmt))
    taken = set()
    for i, category in enumerate(categories, start=1):
        part = name_part(category) if category.isascii() else f"cat{i}"
        key = "qty_" + _unique(part[:40], taken)
        cols.categories[category] = key
        add(RowColumn(key, _("Quantity") + f": {category}", "number"))
    return cols


def client_columns(_: Any) -> list[RowColumn]:
    return [
        RowColumn("client_id", _("Client ID"), "text", "text", 12),
        RowColumn("name", _("Client"), "text", "text", 28),
        RowColumn("manager", _("Manager"), "text", "text", 16),
        RowColumn("region", _("Region"), "text", "text", 14),
        RowColumn("channel", _("Channel"), "text", "text", 10),
        RowColumn("payment_terms_days", _("Payment terms, days"), "number", "number", 9),
        RowColumn("first_purchase", _("First purchase ever"), "date", "date", 11),
        RowColumn("previous_group", _("Group in the previous run"), "text", "text", 12),
        # only in the pre-summed form: Σ of the monthly revenue², for the CV, and Σ of the
        # revenue² per B-month bucket for each rhythm B, for the regularity
        RowColumn("revenue_squares", _("Σ monthly revenue² (pre-summed form only)"), "money"),
        *(
            RowColumn(
                squares_column(b),
                _("Σ revenue² per period of this many months (pre-summed form only):") + f" {b}",
                "money",
            )
            for b in RHYTHM_CHOICES[1:]
        ),
    ]


def squares_column(months: int) -> str:
    """The `Clients` column of Σ revenue² per `months`-month bucket (pre-summed form)."""
    return "revenue_squares" if months == 1 else f"revenue_squares_{months}"


def whole_months(period: Period) -> bool:
    """True when the period starts on a month's first day and ends on a month's last day."""
    from datetime import timedelta

    return period.start.day == 1 and (period.end + timedelta(days=1)).day == 1


def month_starts(start: date, end: date) -> list[date]:
    out, day = [], date(start.year, start.month, 1)
    while day <= end:
        out.append(day)
        day = add_months(day, 1)
    return out


def excel_day(d: date) -> int:
    return (d - EXCEL_EPOCH).days


@dataclass
class RowData:
    """`ClientMonths` and `Clients` as pandas frames, with what they leave out."""

    months: Any
    clients: Any
    columns: MonthColumns
    undated_interactions: int = 0


def read_rows(
    con: Any,
    settings: Any,
    window: Period,
    thresholds: tuple[float, ...],
    _: Any,
    *,
    summed: bool = False,
    previous_groups: dict[str, str] | None = None,
) -> RowData:
    """Read the rows of the months of `window` from the store (a DuckDB connection).

    `summed`: one row per client for the whole window instead (month = the window's first
    month), for bases past the size the per-month form handles.
    """

    from clientload.export.rows_read import read_month_facts

    types = interaction_types(settings)
    terms, waits = used_terms(settings), waiting_days(settings)
    facts = read_month_facts(con, settings, window, thresholds, types, waits, summed=summed)
    cols = month_columns(_, thresholds, types, facts.categories, terms, waits)
    frame = facts.frame
    for t, part in cols.types.items():
        for kind in ("contacts", "minutes", "unrecorded"):
            src = f"{kind}__{t}"
            frame[f"{kind}_{part}"] = frame.pop(src) if src in frame else 0.0
    for category, key in cols.categories.items():
        src = f"qty__{category}"
        frame[key] = frame.pop(src) if src in frame else 0.0
    for c in cols.items:
        if c.key not in frame:
            frame[c.key] = None if c.kind in ("date", "text") else 0.0
    frame = frame[cols.keys].sort_values(["client_id", "month"], kind="stable")
    clients = facts.clients
    clients["previous_group"] = clients["client_id"].map(previous_groups or {})
    clients = clients.reindex(columns=[c.key for c in client_columns(_)])
    return RowData(
        months=frame.reset_index(drop=True),
        clients=clients.reset_index(drop=True),
        columns=cols,
        undated_interactions=facts.undated_interactions,
    )


def write_rows_csv(rows: RowData, folder: Path, _: Any) -> tuple[Path, Path]:
    """`FOLDER/ClientMonths.csv` and `FOLDER/Clients.csv`: the tables' own headers, months as
    YYYY-MM, dates as YYYY-MM-DD, numbers with a point; ready to paste under the tables."""
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for name, frame, cols in (
        ("ClientMonths", rows.months, rows.columns.items),
        ("Clients", rows.clients, client_columns(_)),
    ):
        path = folder / f"{name}.csv"
        # A BOM so that Excel reads the Cyrillic as UTF-8.
        with path.open("w", newline="", encoding="utf-8-sig") as fh:
            w = csv.writer(fh)
            w.writerow([c.key for c in cols])
            for rec in frame.itertuples(index=False):
                w.writerow([_csv_value(v, c.kind) for v, c in zip(rec, cols, strict=True)])
        out.append(path)
    return out[0], out[1]


def _csv_value(v: Any, kind: str) -> str:
    if v is None or (isinstance(v, float) and v != v):
        return ""
    try:
        import pandas as pd

        if pd.isna(v):
            return ""
    except (TypeError, ValueError):
        pass
    if kind == "month":
        return f"{v:%Y-%m}"
    if kind == "date":
        return f"{v:%Y-%m-%d}"
    if isinstance(v, float):
        return repr(int(v)) if v.is_integer() else repr(v)
    text = str(v)
    # Text from users stays text when the file is opened in a spreadsheet: a leading ' as in
    # every CSV export meant for one (docs/security.md).
    return "'" + text if kind == "text" and needs_quote_prefix(text) else text


def as_datetime(v: Any) -> datetime | None:
    if v is None:
        return None
    try:
        import pandas as pd

        if pd.isna(v):
            return None
    except (TypeError, ValueError):
        pass
    d = v.date() if hasattr(v, "date") and callable(v.date) else v
    return datetime(d.year, d.month, d.day)
