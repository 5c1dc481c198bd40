"""The input tables of the public contract: their columns, types and which are required.

This is the one place that names them; the importer, the store, the generator and the model read
it. Types are DuckDB's. `key` columns identify a row of a reference table (clients, products,
orders, plans): importing a row with a key that is already stored replaces the stored row.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # VARCHAR | DOUBLE | BIGINT | DATE | TIMESTAMP | BOOLEAN
    required: bool = False
    description: str = ""


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()
    description: str = ""
    # SQL giving the date a row belongs to a period by ("" for tables without dates)
    dated_by: str = ""

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def required(self) -> list[str]:
        return [c.name for c in self.columns if c.required]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def _c(name: str, type_: str, required: bool = False, description: str = "") -> Column:
    return Column(name, type_, required, description)


TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table(
            "sales",
            (
                _c("client_id", "VARCHAR", True, "the buying client"),
                _c("date", "DATE", True, "date of the sale (shipment or invoice)"),
                _c("sku", "VARCHAR", True, "the product"),
                _c("quantity", "DOUBLE", True, "units; negative for a return"),
                _c(
                    "revenue", "DOUBLE", True, "line amount after discounts (or derived from price)"
                ),
                _c(
                    "price",
                    "DOUBLE",
                    False,
                    "unit price; revenue = quantity x price when no revenue",
                ),
                _c(
                    "cost",
                    "DOUBLE",
                    False,
                    "line cost of goods; NULL when unknown (the model fills it)",
                ),
                _c("order_id", "VARCHAR", False, "the order or document"),
                _c("manager", "VARCHAR", False, "the responsible sales manager"),
                _c("discount", "DOUBLE", False, "discount given on the line (fraction)"),
            ),
            description="order lines: what each client bought, for how much, at what cost",
            dated_by='"date"',
        ),
        Table(
            "clients",
            (
                _c("client_id", "VARCHAR", True),
                _c("name", "VARCHAR"),
                _c("manager", "VARCHAR"),
                _c("region", "VARCHAR"),
                _c("channel", "VARCHAR"),
                _c("payment_terms_days", "DOUBLE"),
                _c("phones", "VARCHAR", False, "several separated by ;"),
                _c(
                    "emails",
                    "VARCHAR",
                    False,
                    "addresses or whole domains (@acme.ru), separated by ;",
                ),
            ),
            key=("client_id",),
        ),
        Table(
            "products",
            (
                _c("sku", "VARCHAR", True),
                _c("name", "VARCHAR"),
                _c("category", "VARCHAR"),
                _c("brand", "VARCHAR"),
                _c("unit_cost", "DOUBLE"),
            ),
            key=("sku",),
        ),
        Table(
            "orders",
            (
                _c("order_id", "VARCHAR", True),
                _c("client_id", "VARCHAR", True),
                _c("created_at", "TIMESTAMP"),
                _c("shipped_at", "TIMESTAMP"),
                _c("ready_at", "TIMESTAMP"),
                _c("urgent", "BOOLEAN"),
                _c("changes", "BIGINT", False, "count of edits after the order was placed"),
                _c("delivery", "VARCHAR", False, "delivery | pickup"),
                _c("source", "VARCHAR", False, "manager | phone | email | portal"),
                _c("returned", "BOOLEAN", False, "the order came back (a returned order)"),
                _c("employee", "VARCHAR", False, "who took the order"),
            ),
            key=("order_id",),
            dated_by="CAST(created_at AS DATE)",
        ),
        Table(
            "interactions",
            (
                _c("client_id", "VARCHAR", True),
                _c("type", "VARCHAR", True, "call, meeting, email, visit, complaint, claim, ..."),
                _c("date", "TIMESTAMP"),
                _c("minutes", "DOUBLE", False, "actual duration"),
                _c("count", "BIGINT", False, "events in this row, default 1"),
                _c("department", "VARCHAR"),
                _c("employee", "VARCHAR"),
                _c("note", "VARCHAR"),
            ),
            dated_by='CAST("date" AS DATE)',
        ),
        Table(
            "storage",
            (
                _c("client_id", "VARCHAR", True),
                _c("date", "DATE", True),
                _c("pallets", "DOUBLE"),
                _c("value", "DOUBLE"),
            ),
            description="one row per client and day: what we hold for it in our warehouse",
            dated_by='"date"',
        ),
        Table(
            "receivables",
            (
                _c("client_id", "VARCHAR", True),
                _c("invoice", "VARCHAR"),
                _c("amount", "DOUBLE"),
                _c("issued_date", "DATE"),
                _c("due_date", "DATE"),
                _c("paid_date", "DATE"),
            ),
            dated_by="coalesce(issued_date, due_date)",
        ),
        Table(
            "plans",
            (
                _c("manager", "VARCHAR", True),
                _c("period", "VARCHAR", True, "month as YYYY-MM"),
                _c("revenue_plan", "DOUBLE"),
                _c("quantity_plan", "DOUBLE"),
                _c("margin_plan", "DOUBLE"),
            ),
            key=("manager", "period"),
            # a plan's month, YYYY-MM, as its first day (a month that does not read is no date)
            dated_by="TRY_CAST(period || '-01' AS DATE)",
        ),
        Table(
            "timesheets",
            (
                _c("employee", "VARCHAR", True),
                _c("date", "DATE", True),
                _c("minutes", "DOUBLE", True, "time worked on client work that day"),
                _c("department", "VARCHAR"),
            ),
            description="one row per employee and day: minutes spent on client work",
            dated_by='"date"',
        ),
    )
}


def create_statement(table: Table) -> str:
    """CREATE TABLE IF NOT EXISTS for an input table, with lineage columns.

    `_import_id` names the import that brought the row (see `imports`), `_line` its line in the
    file.
    """
    cols = [f'"{c.name}" {c.type}' for c in table.columns]
    cols += ['"_import_id" BIGINT', '"_line" BIGINT']
    return f'CREATE TABLE IF NOT EXISTS "{table.name}" ({", ".join(cols)})'


def missing_columns(table: Table, present: set[str]) -> list[Column]:
    """The contract's columns a store made by an earlier version lacks (added to it on open)."""
    return [c for c in table.columns if c.name not in present]


IMPORTS_TABLE = """
CREATE TABLE IF NOT EXISTS imports (
    import_id BIGINT PRIMARY KEY,
    table_name VARCHAR NOT NULL,
    file VARCHAR NOT NULL,
    sha256 VARCHAR NOT NULL,
    imported_at TIMESTAMP NOT NULL,
    rows_read BIGINT NOT NULL,
    rows_loaded BIGINT NOT NULL,
    rows_rejected BIGINT NOT NULL,
    rows_replaced BIGINT NOT NULL DEFAULT 0,
    notes VARCHAR,
    rows_collapsed BIGINT DEFAULT 0,
    replaced_by BIGINT
)
"""
# Columns of `imports` added since the first version: a store made before gets them when opened.
# rows_collapsed: identical repeats of a reference key folded into one row (read = loaded +
# collapsed + rejected); replaced_by: the import (`--replace`) that took this one's rows away.
IMPORTS_ADDED = (("rows_collapsed", "BIGINT DEFAULT 0"), ("replaced_by", "BIGINT"))
