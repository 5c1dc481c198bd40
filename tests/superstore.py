"""A retail workbook shaped like the public "Superstore" sample, built by code (XlsxWriter).

Sheets: `Orders` (one row per order line: Row ID, Order ID, Order Date, Ship Date, Ship Mode,
Customer ID, Customer Name, Segment, Country, City, State, Postal Code, Region, Product ID,
Category, Sub-Category, Product Name, Sales, Quantity, Discount, Profit), `Returns` (Returned,
Order ID: only the orders that came back) and `People` (Person, Region: the regional managers).

The data are seeded and small, with the quirks of the real file: a customer's lines repeat their
name, segment and region on every line; two customers have lines in a second region; one
Product ID carries two product names; the Returns sheet lists one order twice.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

HEADERS = [
    "Row ID", "Order ID", "Order Date", "Ship Date", "Ship Mode", "Customer ID", "Customer Name",
    "Segment", "Country", "City", "State", "Postal Code", "Region", "Product ID", "Category",
    "Sub-Category", "Product Name", "Sales", "Quantity", "Discount", "Profit",
]
PEOPLE = [("Anna Andreadi", "West"), ("Chuck Magee", "East"), ("Kelly Williams", "Central"),
          ("Cassandra Brandow", "South")]
PLACES = {
    "West": [("Los Angeles", "California", "90036"), ("Seattle", "Washington", "98103")],
    "East": [("New York City", "New York", "10035"), ("Philadelphia", "Pennsylvania", "19140")],
    "Central": [("Chicago", "Illinois", "60653"), ("Houston", "Texas", "77095")],
    "South": [("Henderson", "Kentucky", "42420"), ("Jacksonville", "Florida", "32216")],
}
SHIP_MODES = [("Standard Class", 5), ("Second Class", 3), ("First Class", 2), ("Same Day", 0)]
CATEGORIES = [
    ("Furniture", "Bookcases", "FUR-BO"), ("Furniture", "Chairs", "FUR-CH"),
    ("Office Supplies", "Labels", "OFF-LA"), ("Office Supplies", "Paper", "OFF-PA"),
    ("Technology", "Phones", "TEC-PH"),
]
FIRST = ["Claire", "Darrin", "Sean", "Brosina", "Andrew", "Irene", "Harold", "Pete", "Zuschuss",
         "Ken"]
LAST = ["Gute", "Van Huff", "O'Donnell", "Hoffman", "Allen", "Maddox", "Pawlan", "Kriz",
        "Donatelli", "Black"]
SEGMENTS = ["Consumer", "Corporate", "Home Office"]

CUSTOMERS = 40
PRODUCTS = 30
ORDERS = 120
RETURNED = 15


def build(path: Path, seed: int = 16) -> Path:
    """Write the workbook to `path` and return it."""
    import xlsxwriter

    rng = random.Random(seed)
    customers = [
        (f"{FIRST[k % 10][0]}{LAST[k // 4 % 10][0]}-{10000 + 37 * k}",
         f"{FIRST[k % 10]} {LAST[k // 4 % 10]}", SEGMENTS[k % 3], list(PLACES)[k % 4])
        for k in range(CUSTOMERS)
    ]
    products = []
    for k in range(PRODUCTS):
        category, sub, prefix = CATEGORIES[k % len(CATEGORIES)]
        products.append((f"{prefix}-{10000000 + 4219 * k}", category, sub,
                         f"{sub} model {chr(65 + k % 26)}{k}", round(rng.uniform(5, 600), 2)))
    orders = []
    start = dt.date(2016, 1, 4)
    for k in range(ORDERS):
        who = customers[k % CUSTOMERS]
        region = who[3]
        if k in (41, 83):  # two customers also order for a branch in another region
            region = "East" if who[3] != "East" else "West"
        mode, days = SHIP_MODES[k % 7 % 4] if k % 7 < 4 else SHIP_MODES[0]
        when = start + dt.timedelta(days=3 * k)
        lines = [products[(k * 7 + j * 11) % PRODUCTS] for j in range(1 + k % 4)]
        orders.append((f"CA-{when.year}-{100000 + 97 * k}", when, when + dt.timedelta(days),
                       mode, who, region, lines))
    returned = [orders[k][0] for k in range(3, ORDERS, ORDERS // RETURNED)][:RETURNED]

    book = xlsxwriter.Workbook(str(path))
    dates = book.add_format({"num_format": "m/d/yyyy"})
    sheet = book.add_worksheet("Orders")
    sheet.write_row(0, 0, HEADERS)
    row = 0
    for order_id, when, shipped, mode, who, region, lines in orders:
        city, state, postal = PLACES[region][len(who[0]) % 2]
        for sku, category, sub, name, price in lines:
            row += 1
            if sku == products[7][0] and row % 2 == 0:
                name = name + " (new packaging)"  # one Product ID, two names, as in the sample
            quantity = 1 + (row * 5) % 9
            discount = [0, 0, 0.2, 0.1, 0.5][row % 5]
            sales = round(price * quantity * (1 - discount), 4)
            profit = round(sales * (0.3 - discount), 4)
            sheet.write_number(row, 0, row)
            sheet.write_string(row, 1, order_id)
            sheet.write_datetime(row, 2, dt.datetime.combine(when, dt.time()), dates)
            sheet.write_datetime(row, 3, dt.datetime.combine(shipped, dt.time()), dates)
            sheet.write_row(row, 4, [mode, who[0], who[1], who[2], "United States", city, state])
            sheet.write_number(row, 11, int(postal))
            sheet.write_row(row, 12, [region, sku, category, sub, name])
            sheet.write_row(row, 17, [sales, quantity, discount, profit])
    back = book.add_worksheet("Returns")
    back.write_row(0, 0, ["Returned", "Order ID"])
    for k, order_id in enumerate([*returned, returned[0]], start=1):  # one listed twice
        back.write_row(k, 0, ["Yes", order_id])
    people = book.add_worksheet("People")
    people.write_row(0, 0, ["Person", "Region"])
    for k, pair in enumerate(PEOPLE, start=1):
        people.write_row(k, 0, pair)
    book.close()
    return path
