"""A stand-in for 1С's standard OData interface, for tests: a stdlib HTTP server in a thread.

It answers as the interface is documented and as public examples of its answers show
(docs/1c.md, "What the stand-in is based on"): the root `/<base>/odata/standard.odata/`, Basic
authentication (401 otherwise), the service document and `$metadata` (EDMX, `StandardODATA`
namespace, tabular sections as `Collection(…_RowType)`), entity sets answered as JSON
`{"odata.metadata": "…/$metadata#Set", "value": [...]}` only with `$format=json` (Atom XML
otherwise), `Ref_Key` GUIDs, `…_Key` references, composite references as `Name` + `Name_Type`,
`DataVersion`, `DeletionMark`, `Posted`, `LineNumber` as text, 1С's empty date
`0001-01-01T00:00:00`, tabular sections nested in the document, `$count`, `$filter` (eq, ne, gt,
ge, lt, le with and/or; `guid'…'`, `datetime'…'`, true/false), `$orderby`, `$top`, `$skip`,
`$select`, and a server-side cap on the page size. Errors are `{"odata.error": {...}}`.
Faults (an HTTP status or a dropped connection on chosen requests) are injected per test.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
import struct
import threading
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

EMPTY = "00000000-0000-0000-0000-000000000000"
EMPTY_DATE = "0001-01-01T00:00:00"
NS = uuid.UUID("6f2c1f0e-3d4b-4a59-9a7e-0c1c0de1c0de")

CATALOG = {"Ref_Key": "Edm.Guid", "DataVersion": "Edm.String", "DeletionMark": "Edm.Boolean",
           "Code": "Edm.String", "Description": "Edm.String", "Predefined": "Edm.Boolean",
           "PredefinedDataName": "Edm.String"}
HIERARCHY = {"Parent_Key": "Edm.Guid", "IsFolder": "Edm.Boolean"}
DOCUMENT = {"Ref_Key": "Edm.Guid", "DataVersion": "Edm.String", "DeletionMark": "Edm.Boolean",
            "Number": "Edm.String", "Date": "Edm.DateTime", "Posted": "Edm.Boolean"}
GOODS = {"LineNumber": "Edm.Int64", "Номенклатура_Key": "Edm.Guid", "Количество": "Edm.Double",
         "Цена": "Edm.Double", "СуммаСНДС": "Edm.Double", "СуммаНДС": "Edm.Double"}

# The objects of a УТ 11-like configuration: fields, and tabular sections with their fields.
SCHEMA: dict[str, tuple[dict[str, str], dict[str, dict[str, str]]]] = {
    "Catalog_Пользователи": ({**CATALOG}, {}),
    "Catalog_БизнесРегионы": ({**CATALOG, **HIERARCHY}, {}),
    "Catalog_Марки": ({**CATALOG}, {}),
    "Catalog_Организации": ({**CATALOG, "ИНН": "Edm.String"}, {}),
    "Catalog_Склады": ({**CATALOG, **HIERARCHY}, {}),
    "Catalog_Партнеры": ({**CATALOG, **HIERARCHY, "ОсновнойМенеджер_Key": "Edm.Guid",
                          "БизнесРегион_Key": "Edm.Guid", "Клиент": "Edm.Boolean"}, {}),
    "Catalog_Номенклатура": ({**CATALOG, **HIERARCHY, "Артикул": "Edm.String",
                              "Марка_Key": "Edm.Guid"}, {}),
    "Document_ЗаказКлиента": (
        {**DOCUMENT, "Партнер_Key": "Edm.Guid", "Менеджер_Key": "Edm.Guid",
         "ДатаОтгрузки": "Edm.DateTime", "СпособДоставки": "Edm.String",
         "СуммаДокумента": "Edm.Double", "Комментарий": "Edm.String"},
        {"Товары": dict(GOODS)}),
    "Document_РеализацияТоваровУслуг": (
        {**DOCUMENT, "Партнер_Key": "Edm.Guid", "Менеджер_Key": "Edm.Guid",
         "ЗаказКлиента": "Edm.String", "ЗаказКлиента_Type": "Edm.String",
         "СуммаДокумента": "Edm.Double", "Комментарий": "Edm.String"},
        {"Товары": {**GOODS, "Себестоимость": "Edm.Double"}}),
    "Document_ВозвратТоваровОтКлиента": (
        {**DOCUMENT, "Партнер_Key": "Edm.Guid", "Менеджер_Key": "Edm.Guid",
         "СуммаДокумента": "Edm.Double"},
        {"Товары": {**GOODS, "Себестоимость": "Edm.Double", "ДокументРеализации": "Edm.String",
                    "ДокументРеализации_Type": "Edm.String"}}),
}


def guid(*parts: object) -> str:
    return str(uuid.uuid5(NS, "/".join(map(str, parts))))


def data_version(n: int) -> str:
    """1С's DataVersion: an opaque base64 text that changes on every write."""
    return base64.b64encode(struct.pack(">II", n, 0)).decode()


def stamp(day: dt.datetime | dt.date | None) -> str:
    if day is None:
        return EMPTY_DATE
    if not isinstance(day, dt.datetime):
        day = dt.datetime.combine(day, dt.time(10, 0))
    return day.strftime("%Y-%m-%dT%H:%M:%S")


@dataclass
class Fault:
    """Answer `status` (or drop the connection) on the matching requests from the `after`+1-th,
    `times` times."""

    contains: str
    status: int | None = None
    drop: bool = False
    after: int = 0
    times: int = 1
    seen: int = 0


@dataclass
class OneC:
    """An infobase with its entities, served at `url` once `start()`ed."""

    user: str = "Администратор"
    password: str = "пароль 1С"
    page_cap: int | None = None
    base: str = "trade"
    entities: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    unpublished: set[str] = field(default_factory=set)
    faults: list[Fault] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    auth_headers: list[str] = field(default_factory=list)
    version: int = 0

    # --- data --------------------------------------------------------------------------------

    def put(self, obj: str, entity: dict[str, Any]) -> dict[str, Any]:
        """Write an entity as 1С would: a new DataVersion each time, navigation links added."""
        self.version += 1
        fields, sections = SCHEMA[obj]
        full: dict[str, Any] = {}
        for name, edm in fields.items():
            default = {"Edm.Guid": EMPTY, "Edm.Boolean": False, "Edm.Double": 0,
                       "Edm.DateTime": EMPTY_DATE}.get(edm, "")
            full[name] = entity.get(name, default)
        for name in sections:
            rows = entity.get(name, [])
            full[name] = [{"Ref_Key": full["Ref_Key"], "LineNumber": str(i), **row}
                          for i, row in enumerate(rows, start=1)]
        full["DataVersion"] = data_version(self.version)
        for name in fields:
            if name.endswith("_Key") and name != "Ref_Key":
                link = f"{obj}(guid'{full['Ref_Key']}')/{name[:-4]}"
                full[f"{name[:-4]}@navigationLinkUrl"] = link
        self.entities.setdefault(obj, {})[full["Ref_Key"]] = full
        return full

    def change(self, obj: str, key: str, **values: Any) -> None:
        entity = {k: v for k, v in self.entities[obj][key].items() if "@" not in k}
        for name in SCHEMA[obj][1]:
            entity[name] = [{k: v for k, v in r.items() if k not in ("Ref_Key", "LineNumber")}
                            for r in entity[name]]
        entity.update(values)
        self.put(obj, entity)

    def delete(self, obj: str, key: str) -> None:
        del self.entities[obj][key]

    # --- serving -----------------------------------------------------------------------------

    @property
    def root(self) -> str:
        return f"/{self.base}/odata/standard.odata"

    def start(self) -> str:
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                standin._serve(self)

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/{self.base}"
        return self.url

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def published(self) -> list[str]:
        return sorted(set(SCHEMA) - self.unpublished)

    def _serve(self, h: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(h.path)
        path = unquote(parts.path)
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        self.requests.append(unquote(h.path))
        self.auth_headers.append(h.headers.get("Authorization", ""))
        for fault in self.faults:
            if fault.contains in path:
                fault.seen += 1
                if fault.seen > fault.after and fault.times > 0:
                    fault.times -= 1
                    if fault.drop:
                        h.close_connection = True
                        h.connection.shutdown(2)  # the connection is lost mid-request
                        return
                    return self._error(h, int(fault.status or 500), "-1", "Ошибка сервера")
        if not path.startswith(self.root):
            return self._send(h, 404, b"<html>Not Found</html>", "text/html")
        if not self._authorised(h.headers.get("Authorization", "")):
            return self._send(h, 401, b"", "text/plain",
                              {"WWW-Authenticate": 'Basic realm="1C:Enterprise"'})
        resource = path[len(self.root):].strip("/")
        if resource == "$metadata":
            return self._send(h, 200, self._metadata().encode(), "application/xml")
        if query.get("$format") != "json" and not resource.endswith("$count"):
            return self._send(h, 200, b"<?xml version=\"1.0\"?><feed/>", "application/atom+xml")
        if resource == "":
            body = {"odata.metadata": f"{self.url}/odata/standard.odata/$metadata",
                    "value": [{"name": n, "url": n} for n in self.published()]}
            return self._json(h, body)
        name, _, tail = resource.partition("/")
        if name not in self.published():
            return self._error(h, 404, "9", f"Не найден объект метаданных {name}")
        try:
            rows = self._query(name, query)
        except ValueError as exc:
            return self._error(h, 400, "14", f"Ошибка разбора параметров запроса: {exc}")
        if tail == "$count":
            return self._send(h, 200, str(len(rows)).encode(), "text/plain")
        skip, top = int(query.get("$skip", 0)), int(query.get("$top", 10**9))
        if self.page_cap:
            top = min(top, self.page_cap)
        page = [self._selected(r, query.get("$select")) for r in rows[skip:skip + top]]
        return self._json(h, {"odata.metadata": f"{self.url}/odata/standard.odata/$metadata#"
                                                f"{name}", "value": page})

    def _authorised(self, header: str) -> bool:
        if not header.startswith("Basic "):
            return False
        try:
            user, _, password = base64.b64decode(header[6:]).decode("utf-8").partition(":")
        except ValueError:
            return False
        return (user, password) == (self.user, self.password)

    def _query(self, name: str, query: dict[str, str]) -> list[dict[str, Any]]:
        rows = list(self.entities.get(name, {}).values())
        if query.get("$filter"):
            test = _parse_filter(query["$filter"])
            rows = [r for r in rows if test(r)]
        for part in reversed([p.strip() for p in query.get("$orderby", "").split(",") if p]):
            column, _, direction = part.partition(" ")
            rows.sort(key=lambda r, c=column: str(r.get(c)), reverse=direction == "desc")
        return rows

    @staticmethod
    def _selected(row: dict[str, Any], select: str | None) -> dict[str, Any]:
        if not select:
            return row
        wanted = [s.strip() for s in select.split(",")]
        return {k: v for k, v in row.items() if k in wanted}

    def _metadata(self) -> str:
        types, sets, complexes = [], [], []
        for name in self.published():
            fields, sections = SCHEMA[name]
            props = "".join(f'<Property Name="{f}" Type="{t}" Nullable="true"/>'
                            for f, t in fields.items())
            for section, columns in sections.items():
                row_type = f"{name}_{section}_RowType"
                props += (f'<Property Name="{section}" '
                          f'Type="Collection(StandardODATA.{row_type})" Nullable="true"/>')
                complexes.append(f'<ComplexType Name="{row_type}">' + "".join(
                    f'<Property Name="{f}" Type="{t}" Nullable="true"/>'
                    for f, t in columns.items()) + "</ComplexType>")
                sets.append(f'<EntitySet Name="{name}_{section}" '
                            f'EntityType="StandardODATA.{name}_{section}"/>')
            types.append(f'<EntityType Name="{name}"><Key><PropertyRef Name="Ref_Key"/></Key>'
                         f"{props}</EntityType>")
            sets.append(f'<EntitySet Name="{name}" EntityType="StandardODATA.{name}"/>')
        return (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<edmx:Edmx xmlns:edmx="http://schemas.microsoft.com/ado/2007/06/edmx" Version="1.0">'
            '<edmx:DataServices xmlns:m="http://schemas.microsoft.com/ado/2007/08/dataservices/'
            'metadata" m:DataServiceVersion="3.0"><Schema xmlns="http://schemas.microsoft.com/'
            'ado/2009/11/edm" Namespace="StandardODATA">' + "".join(types) + "".join(complexes)
            + '<EntityContainer Name="StandardODATA" m:IsDefaultEntityContainer="true">'
            + "".join(sets) + "</EntityContainer></Schema></edmx:DataServices></edmx:Edmx>")

    def _json(self, h: BaseHTTPRequestHandler, body: dict[str, Any]) -> None:
        data = json.dumps(body, ensure_ascii=False).encode()
        self._send(h, 200, data, "application/json;odata=minimalmetadata;charset=utf-8")

    def _error(self, h: BaseHTTPRequestHandler, status: int, code: str, message: str) -> None:
        body = {"odata.error": {"code": code, "message": {"lang": "ru", "value": message}}}
        self._send(h, status, json.dumps(body, ensure_ascii=False).encode(),
                   "application/json;charset=utf-8")

    @staticmethod
    def _send(h: BaseHTTPRequestHandler, status: int, data: bytes, kind: str,
              headers: dict[str, str] | None = None) -> None:
        h.send_response(status)
        h.send_header("Content-Type", kind)
        h.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            h.send_header(k, v)
        h.end_headers()
        h.wfile.write(data)


_TERM = re.compile(r"^\s*(\S+)\s+(eq|ne|gt|ge|lt|le)\s+(.+?)\s*$")


def _literal(text: str) -> Any:
    if text.startswith("guid'"):
        return text[5:-1]
    if text.startswith("datetime'"):
        return text[9:-1]
    if text in ("true", "false"):
        return text == "true"
    if text.startswith("'"):
        return text[1:-1].replace("''", "'")
    return float(text)


def _parse_filter(text: str):  # type: ignore[no-untyped-def]
    """`A op v [and|or B op w ...]`, `and` binding tighter, as the client writes them."""
    alternatives = []
    for branch in re.split(r"\s+or\s+", text):
        terms = []
        for term in re.split(r"\s+and\s+", branch):
            m = _TERM.match(term)
            if not m:
                raise ValueError(term)
            terms.append((m.group(1), m.group(2), _literal(m.group(3))))
        alternatives.append(terms)
    ops = {"eq": lambda a, b: a == b, "ne": lambda a, b: a != b, "gt": lambda a, b: a > b,
           "ge": lambda a, b: a >= b, "lt": lambda a, b: a < b, "le": lambda a, b: a <= b}

    def test(row: dict[str, Any]) -> bool:
        return any(all(ops[op](row.get(f), v) for f, op, v in terms) for terms in alternatives)

    return test
