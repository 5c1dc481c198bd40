"""A small trading company described once, then served by the 1С stand-in and written as the
CSV files a user would import, so that a pull and an import of the same data can be compared."""

from __future__ import annotations

import csv
import datetime as dt
import random
from dataclasses import dataclass, field
from pathlib import Path

from onec_standin import OneC, guid, stamp

DELIVERY = {"pickup": "Самовывоз", "delivery": "ДоКлиента"}


@dataclass
class Line:
    sku: str
    quantity: float
    price: float
    cost: float


@dataclass
class Sale:
    number: str
    day: dt.date
    client: str
    order: str | None
    manager: str
    lines: list[Line]
    posted: bool = True
    deleted: bool = False


@dataclass
class Return:
    number: str
    day: dt.date
    client: str
    sale: str
    lines: list[Line]


@dataclass
class Order:
    number: str
    day: dt.date
    client: str
    manager: str
    delivery: str
    ship_day: dt.date


@dataclass
class Company:
    managers: list[str]
    regions: list[str]
    brands: list[str]
    clients: list[tuple[str, str, str, str]]  # code, name, manager, region
    products: list[tuple[str, str, str, str]]  # code, name, group, brand
    orders: list[Order] = field(default_factory=list)
    sales: list[Sale] = field(default_factory=list)
    returns: list[Return] = field(default_factory=list)

    @classmethod
    def build(cls, seed: int = 7, clients: int = 12, products: int = 8, sales: int = 40,
              lines: int = 3, start: dt.date = dt.date(2024, 1, 8)) -> Company:
        """`sales` posted sales documents of exactly `lines` lines, one order each, over about a
        year; three returns of one line each."""
        rnd = random.Random(seed)
        managers = ["Иванов Иван", "Петрова Анна", "Сидоров Олег"]
        regions = ["Москва", "Санкт-Петербург", "Урал"]
        brands = ["Зубр", "Кратон"]
        company = cls(
            managers, regions, brands,
            [(f"К-{i:03d}", f"ООО «Клиент {i}»", managers[i % 3], regions[i % 3])
             for i in range(1, clients + 1)],
            [(f"Т-{i:03d}", f"Товар {i}", "Крепёж" if i % 2 else "Инструмент", brands[i % 2])
             for i in range(1, products + 1)],
        )
        for k in range(1, sales + 1):
            day = start + dt.timedelta(days=7 * k)
            client = company.clients[rnd.randrange(clients)]
            order = Order(f"ЗК-{k:05d}", day - dt.timedelta(days=2), client[0], client[2],
                          rnd.choice(list(DELIVERY)), day)
            picked = rnd.sample(range(products), lines)
            sold = [Line(company.products[p][0], float(rnd.randint(1, 20)),
                         float(rnd.randint(50, 900)), 0.0) for p in picked]
            for line in sold:
                line.cost = round(line.price * 0.7, 2)
            company.orders.append(order)
            company.sales.append(Sale(f"РТУ-{k:05d}", day, client[0], order.number, client[2],
                                      sold))
        for k, sale in enumerate(company.sales[3:30:10], start=1):
            first = sale.lines[0]
            company.returns.append(Return(f"ВТК-{k:04d}", sale.day + dt.timedelta(days=3),
                                          sale.client, sale.number,
                                          [Line(first.sku, 1.0, first.price, first.cost)]))
        return company

    # --- the same company inside 1С ----------------------------------------------------------

    def render(self, onec: OneC) -> None:
        """Every object as 1С's standard interface shows it, plus a group folder in each
        catalog that has groups."""
        for name in self.managers:
            onec.put("Catalog_Пользователи", {"Ref_Key": guid("user", name), "Description": name})
        for name in self.regions:
            onec.put("Catalog_БизнесРегионы", {"Ref_Key": guid("region", name),
                                               "Description": name})
        for name in self.brands:
            onec.put("Catalog_Марки", {"Ref_Key": guid("brand", name), "Description": name})
        onec.put("Catalog_Организации", {"Ref_Key": guid("org"), "Description": "ООО «Мы»"})
        onec.put("Catalog_Партнеры", {"Ref_Key": guid("partners folder"), "IsFolder": True,
                                      "Description": "Покупатели"})
        for code, name, manager, region in self.clients:
            onec.put("Catalog_Партнеры", {
                "Ref_Key": guid("client", code), "Code": code, "Description": name,
                "Parent_Key": guid("partners folder"), "Клиент": True,
                "ОсновнойМенеджер_Key": guid("user", manager),
                "БизнесРегион_Key": guid("region", region)})
        for group in sorted({p[2] for p in self.products}):
            onec.put("Catalog_Номенклатура", {"Ref_Key": guid("group", group), "IsFolder": True,
                                              "Description": group})
        for code, name, group, brand in self.products:
            onec.put("Catalog_Номенклатура", {
                "Ref_Key": guid("product", code), "Code": code, "Description": name,
                "Parent_Key": guid("group", group), "Марка_Key": guid("brand", brand),
                "Артикул": code.replace("Т-", "A")})
        for order in self.orders:
            onec.put("Document_ЗаказКлиента", {
                "Ref_Key": guid("order", order.number), "Number": order.number,
                "Date": stamp(order.day), "Posted": True,
                "Партнер_Key": guid("client", order.client),
                "Менеджер_Key": guid("user", order.manager),
                "ДатаОтгрузки": stamp(order.ship_day),
                "СпособДоставки": DELIVERY[order.delivery]})
        for sale in self.sales:
            self.put_sale(onec, sale)
        for ret in self.returns:
            onec.put("Document_ВозвратТоваровОтКлиента", {
                "Ref_Key": guid("return", ret.number), "Number": ret.number,
                "Date": stamp(ret.day), "Posted": True, "Партнер_Key": guid("client", ret.client),
                "Менеджер_Key": guid("user", self._manager(ret.client)),
                "Товары": [{"Номенклатура_Key": guid("product", ln.sku), "Количество": ln.quantity,
                            "Цена": ln.price, "СуммаСНДС": round(ln.quantity * ln.price, 2),
                            "Себестоимость": round(ln.quantity * ln.cost, 2),
                            "ДокументРеализации": guid("sale", ret.sale),
                            "ДокументРеализации_Type":
                                "StandardODATA.Document_РеализацияТоваровУслуг"}
                           for ln in ret.lines]})

    def put_sale(self, onec: OneC, sale: Sale) -> None:
        onec.put("Document_РеализацияТоваровУслуг", {
            "Ref_Key": guid("sale", sale.number), "Number": sale.number, "Date": stamp(sale.day),
            "Posted": sale.posted, "DeletionMark": sale.deleted,
            "Партнер_Key": guid("client", sale.client), "Менеджер_Key": guid("user", sale.manager),
            "ЗаказКлиента": guid("order", sale.order) if sale.order else "",
            "ЗаказКлиента_Type": "StandardODATA.Document_ЗаказКлиента" if sale.order else "",
            "СуммаДокумента": sum(round(ln.quantity * ln.price, 2) for ln in sale.lines),
            "Товары": [{"Номенклатура_Key": guid("product", ln.sku), "Количество": ln.quantity,
                        "Цена": ln.price, "СуммаСНДС": round(ln.quantity * ln.price, 2),
                        "Себестоимость": round(ln.quantity * ln.cost, 2)}
                       for ln in sale.lines]})

    def _manager(self, client: str) -> str:
        return next(c[2] for c in self.clients if c[0] == client)

    # --- the same company as CSV exports -----------------------------------------------------

    def write_csv(self, folder: Path) -> dict[str, Path]:
        """sales, clients, products and orders as the contract's columns."""
        folder.mkdir(parents=True, exist_ok=True)
        counted = [s for s in self.sales if s.posted and not s.deleted]
        order_of = {s.number: s.order for s in counted}
        returned = {order_of.get(r.sale) for r in self.returns}
        tables = {
            "clients": (["client_id", "name", "manager", "region"], self.clients),
            "products": (["sku", "name", "category", "brand"], self.products),
            "orders": (["order_id", "client_id", "created_at", "shipped_at", "delivery",
                        "employee", "returned"],
                       [(o.number, o.client, f"{stamp(o.day).replace('T', ' ')}",
                         f"{stamp(o.ship_day).replace('T', ' ')}", o.delivery, o.manager,
                         "true" if o.number in returned else "false") for o in self.orders]),
            "sales": (["client_id", "date", "sku", "quantity", "revenue", "price", "cost",
                       "order_id", "manager"],
                      [(s.client, s.day.isoformat(), ln.sku, ln.quantity,
                        round(ln.quantity * ln.price, 2), ln.price,
                        round(ln.quantity * ln.cost, 2), s.order, s.manager)
                       for s in counted for ln in s.lines]
                      + [(r.client, r.day.isoformat(), ln.sku, -ln.quantity,
                          -round(ln.quantity * ln.price, 2), ln.price,
                          -round(ln.quantity * ln.cost, 2), order_of.get(r.sale),
                          self._manager(r.client)) for r in self.returns for ln in r.lines]),
        }
        paths = {}
        for table, (header, rows) in tables.items():
            path = folder / f"{table}.csv"
            with path.open("w", encoding="utf-8", newline="") as fh:
                writer = csv.writer(fh)
                writer.writerow(header)
                writer.writerows(rows)
            paths[table] = path
        return paths
