"""Column headers recognised without a mapping file: the contract's names and their synonyms.

A header matches when its normalised form (lower case, `ё` read as `е`, everything but letters and
digits removed) equals the normalised form of a contract name or of one of its synonyms here, so
`Customer ID`, `customer_id` and `CUSTOMERID` are the same header. The lists hold the English names
common in ERP/CRM exports and the Russian ones of 1С reports. docs/data.md prints this table.

Order matters: when a file has two headers that both fit a column (`Сумма` and `Сумма продажи`),
the one whose name comes first in the list below wins and the other is reported as ignored.
"""

from __future__ import annotations

import re

_ANY_TABLE: dict[str, tuple[str, ...]] = {
    "client_id": (
        "client", "customer", "customer_id", "customerid", "customer_no", "customer_code",
        "client_code", "account", "account_id", "buyer", "customer number",
        "контрагент", "покупатель", "клиент", "заказчик", "код клиента", "код контрагента",
        "контрагент код", "плательщик",
    ),
    "manager": (
        "sales_rep", "salesperson", "sales manager", "account manager", "responsible",
        "owner", "менеджер", "ответственный", "менеджер по продажам", "торговый представитель",
    ),
    "order_id": (
        "order", "order_no", "order_number", "ordernumber", "document", "document_no",
        "invoice_no", "invoiceno", "invoice", "заказ", "номер заказа", "документ", "регистратор",
        "заказ клиента", "номер документа", "реализация",
    ),
    "sku": (
        "product", "product_id", "productid", "product_code", "item", "item_id", "item_code",
        "article", "stockcode", "stock_code", "part_number", "номенклатура", "артикул", "товар",
        "код товара", "код номенклатуры",
    ),
    "date": (
        "invoice_date", "invoicedate", "order_date", "sale_date", "date_time", "datetime",
        "дата", "период", "дата документа", "дата продажи", "дата отгрузки",
    ),
    "region": ("country", "area", "territory", "регион", "страна", "город", "область"),
    "category": ("category_name", "group", "product_group", "product_line", "productline",
                 "категория", "группа", "группа номенклатуры", "вид номенклатуры"),
    "brand": ("brand_name", "vendor", "manufacturer", "бренд", "марка", "производитель",
              "торговая марка"),
}

_BY_TABLE: dict[str, dict[str, tuple[str, ...]]] = {
    "sales": {
        "quantity": ("qty", "units", "count", "pieces", "quantityordered", "количество",
                     "кол-во", "кол во", "колво"),
        "revenue": ("amount", "sales", "total", "line_total", "net_amount", "sales_amount",
                    "сумма", "сумма продажи", "выручка", "сумма продаж", "сумма с ндс",
                    "стоимость"),
        "price": ("unit_price", "unitprice", "price_each", "priceeach", "цена", "цена продажи"),
        "cost": ("cost_of_goods", "cogs", "cost_of_sales", "себестоимость", "себестоимость продаж",
                 "сумма себестоимости"),
        "discount": ("discount_rate", "скидка"),
    },
    "clients": {
        "name": ("company", "company_name", "customer_name", "client_name", "наименование",
                 "название", "полное наименование"),
        "channel": ("sales_channel", "канал", "канал продаж"),
        "payment_terms_days": ("payment_terms", "terms_days", "отсрочка", "отсрочка платежа",
                               "отсрочка дней"),
        "phones": ("phone", "telephone", "tel", "телефон", "телефоны"),
        "emails": ("email", "e-mail", "mail", "электронная почта", "почта"),
    },
    "products": {
        "name": ("product_name", "item_name", "title", "наименование", "название",
                 "наименование товара"),
        "unit_cost": ("cost", "buy_price", "buyprice", "purchase_price", "себестоимость",
                      "закупочная цена", "цена закупки"),
    },
    "orders": {
        "created_at": ("order_date", "created", "date", "дата", "дата заказа", "создан"),
        "shipped_at": ("shipped_date", "ship_date", "shipped", "дата отгрузки", "отгружен"),
        "ready_at": ("ready_date", "ready", "дата готовности", "собран"),
        "urgent": ("rush", "express", "срочный", "срочно", "срочность"),
        "changes": ("edits", "changes_count", "изменения", "количество изменений", "правки"),
        "delivery": ("delivery_type", "shipping_method", "доставка", "способ доставки"),
        "source": ("channel", "order_source", "источник", "канал"),
        "returned": ("return", "returns", "is_returned", "return_flag", "returned_order",
                     "возврат", "возвращен", "возвраты", "вернули", "признак возврата"),
        "employee": ("employee_id", "taken_by", "created_by", "entered_by", "author", "operator",
                     "agent", "manager", "sales_rep", "сотрудник", "оператор", "автор", "принял",
                     "создал", "ответственный", "менеджер"),
    },
    "interactions": {
        "type": ("interaction_type", "event", "activity", "тип", "вид", "тип события"),
        "date": ("start", "started_at", "call_date", "дата", "дата звонка", "начало", "период"),
        "minutes": ("duration_minutes", "duration_min", "минуты", "длительность мин"),
        "count": ("events", "number", "количество", "кол-во"),
        "department": ("dept", "отдел", "подразделение"),
        "employee": ("agent", "user", "сотрудник", "оператор", "менеджер"),
        "note": ("comment", "notes", "description", "комментарий", "примечание"),
    },
    "storage": {
        "date": ("дата", "период", "on_date"),
        "pallets": ("pallet", "pallet_count", "паллеты", "паллет", "паллетомест"),
        "value": ("stock_value", "amount", "стоимость", "сумма", "сумма остатка"),
    },
    "receivables": {
        "invoice": ("invoice_no", "invoiceno", "document", "счет", "счёт", "документ"),
        "amount": ("sum", "total", "сумма", "сумма долга", "задолженность"),
        "issued_date": ("invoice_date", "date", "дата", "дата документа"),
        "due_date": ("due", "payment_due", "срок оплаты", "дата оплаты по договору"),
        "paid_date": ("paid", "payment_date", "дата оплаты", "оплачено"),
    },
    "plans": {
        "period": ("month", "месяц", "период"),
        "revenue_plan": ("plan", "sales_plan", "план", "план продаж", "план выручки"),
        "quantity_plan": ("plan_quantity", "план количество", "план в штуках"),
        "margin_plan": ("plan_margin", "план маржи", "план валовой прибыли"),
    },
    "timesheets": {
        "employee": ("staff", "person", "worker", "сотрудник", "фио", "работник"),
        "date": ("day", "work_date", "дата", "день"),
        "minutes": ("client_minutes", "time_minutes", "минуты", "минут", "время мин"),
        "department": ("dept", "отдел", "подразделение"),
    },
}

# Columns of the generic list that a table does not want (`order_id` is not a client's column).
_TABLE_EXCLUDES: dict[str, set[str]] = {
    "clients": {"date", "sku", "order_id", "category", "brand"},
    "products": {"client_id", "date", "order_id", "region", "manager"},
    "orders": {"date", "sku", "name", "region", "category", "brand"},
}


def normalise_header(header: str) -> str:
    """The form in which headers are compared: lower case, ё as е, letters and digits only."""
    return re.sub(r"[\W_]+", "", header.lower().replace("ё", "е"))


def synonyms(table: str, column: str) -> tuple[str, ...]:
    """The names recognised for `column` of `table`, the contract's own name first."""
    if column in _TABLE_EXCLUDES.get(table, set()):
        return (column,)
    specific = _BY_TABLE.get(table, {}).get(column, ())
    generic = _ANY_TABLE.get(column, ())
    return tuple(dict.fromkeys((column, *specific, *generic)))


def all_synonyms() -> dict[str, dict[str, tuple[str, ...]]]:
    """Every table's recognised names per column (for the documentation)."""
    from clientload.schema import TABLES

    return {
        name: {c: synonyms(name, c)[1:] for c in table.column_names if synonyms(name, c)[1:]}
        for name, table in TABLES.items()
    }


def match_headers(table: str, columns: list[str], headers: list[str]) -> dict[str, int]:
    """Which header (by position) feeds which column; each header is used at most once.

    A contract name matches before any synonym, and an earlier synonym before a later one.
    """
    normalised = [normalise_header(h) for h in headers]
    taken: set[int] = set()
    found: dict[str, int] = {}
    candidates = {c: [normalise_header(s) for s in synonyms(table, c)] for c in columns}
    rank = 0
    longest = max((len(v) for v in candidates.values()), default=0)
    while rank < longest:
        for column, names in candidates.items():
            if column in found or rank >= len(names):
                continue
            for position, header in enumerate(normalised):
                if position not in taken and header == names[rank]:
                    found[column] = position
                    taken.add(position)
                    break
        rank += 1
    return found
