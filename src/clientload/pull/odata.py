"""A small client for 1С's standard OData interface (OData v3, JSON, Basic authentication).

Only what a pull needs: the service document (what the server publishes), `$metadata` (each
object's fields), and entity sets read page by page with `$filter`, `$select`, `$orderby`, `$top`
and `$skip`. Paging does not trust a short page to be the last (a publication may cap the page
size below `$top`): it asks again until a page comes back empty, and follows `odata.nextLink`
where a server gives one. Answers of 5xx and dropped connections are retried with back-off;
401, 403 and 404 are not. The password lives only in this object's Authorization header and is
never part of a URL, a message or a log line.
"""

from __future__ import annotations

import base64
import http.client
import json
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from clientload.errors import ClientloadError

EMPTY_GUID = "00000000-0000-0000-0000-000000000000"
SERVICE_PATH = "odata/standard.odata"
HOW_TO_PUBLISH = (
    "a 1С administrator adds it in Администрирование → Синхронизация данных → "
    "«Настройка стандартного интерфейса OData» (docs/1c.md)"
)


class ODataError(ClientloadError):
    """The server could not be used as asked; the message says what to check."""


class NotPublished(ODataError):
    """An object the profile reads that the server does not publish."""


@dataclass(frozen=True)
class EntityType:
    """An object's fields as `$metadata` declares them: name → EDM type; tabular sections as
    name → their own fields."""

    name: str
    fields: dict[str, str]
    sections: dict[str, dict[str, str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Metadata:
    entity_sets: set[str]
    types: dict[str, EntityType]


def service_root(url: str) -> str:
    """The interface's root from what a user types: the publication (`http://host/base`) or the
    interface itself (`…/odata/standard.odata`); user and password in the URL are refused."""
    parsed = urllib.parse.urlsplit(url.strip())
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise ODataError(f"--url {url!r}: expected http(s)://host/base, the 1С publication")
    if parsed.username or parsed.password:
        raise ODataError("--url: leave the user and password out of the URL; give --user and the "
                         "password on standard input (--password-stdin)")
    path = parsed.path.rstrip("/")
    if not path.endswith(SERVICE_PATH):
        path = f"{path}/{SERVICE_PATH}"
    return urllib.parse.urlunsplit((parsed.scheme, parsed.netloc, path, "", ""))


@dataclass
class Connection:
    """One server and account. `sleep` is replaceable so tests need not wait."""

    url: str
    user: str
    password: str = field(repr=False)
    timeout: float = 60.0
    retries: int = 4
    retry_wait: float = 1.0
    sleep: Callable[[float], None] = time.sleep
    requests: int = 0
    retried: int = 0

    def __post_init__(self) -> None:
        self.root = service_root(self.url)
        token = base64.b64encode(f"{self.user}:{self.password}".encode()).decode("ascii")
        self._headers = {"Authorization": f"Basic {token}", "Accept": "application/json",
                         "User-Agent": "clientload"}

    def _address(self, resource: str, query: dict[str, str], as_json: bool = True) -> str:
        path = "/".join(urllib.parse.quote(part, safe="$()'=,") for part in resource.split("/"))
        extra = {"$format": "json"} if as_json else {}
        encoded = urllib.parse.urlencode({**query, **extra},
                                         quote_via=urllib.parse.quote, safe="$,'()")
        address = f"{self.root}/{path}" if path else f"{self.root}/"
        return f"{address}?{encoded}" if encoded else address

    def get_json(self, resource: str, query: dict[str, str] | None = None,
                 what: str = "") -> dict[str, Any]:
        body = self._get(self._address(resource, query or {}), resource, what)
        try:
            answer = json.loads(body)
        except ValueError:
            raise ODataError(f"{self.root}/{resource}: the answer is not JSON; is this the "
                             "1С standard OData interface?") from None
        if not isinstance(answer, dict):
            raise ODataError(f"{self.root}/{resource}: unexpected answer")
        return answer

    def get_text(self, resource: str, query: dict[str, str] | None = None) -> str:
        address = self._address(resource, query or {}, as_json=False)
        return self._get(address, resource, "").decode("utf-8", errors="replace")

    def count(self, entity_set: str, filter: str = "") -> int | None:
        """How many entities `$count` says there are (None when the server does not say)."""
        text = self.get_text(f"{entity_set}/$count", {"$filter": filter} if filter else {})
        return int(text.strip()) if text.strip().isdigit() else None

    def _get(self, address: str, resource: str, what: str) -> bytes:
        """The body of a GET, retrying what may pass: 5xx, timeouts, dropped connections."""
        attempt = 0
        while True:
            self.requests += 1
            try:
                request = urllib.request.Request(address, headers=self._headers)
                with urllib.request.urlopen(request, timeout=self.timeout) as response:
                    return response.read()
            except urllib.error.HTTPError as exc:
                if exc.code < 500 or attempt >= self.retries:
                    raise self._http_error(exc, resource, what) from None
            except urllib.error.URLError as exc:
                reason = exc.reason
                if not _transient(reason) or attempt >= self.retries:
                    raise ODataError(f"cannot reach {self.root}: {_reason_text(reason)}; check "
                                     "--url and that the 1С web server is running") from None
            except (http.client.HTTPException, ConnectionError, TimeoutError) as exc:
                if attempt >= self.retries:
                    raise ODataError(
                        f"{self.root}/{resource}: the connection failed {attempt + 1} times "
                        f"({type(exc).__name__}); nothing was changed in the store"
                    ) from None
            attempt += 1
            self.retried += 1
            self.sleep(self.retry_wait * 2 ** (attempt - 1))

    def _http_error(self, exc: urllib.error.HTTPError, resource: str, what: str) -> ODataError:
        detail = _odata_message(exc)
        if exc.code == 401:
            return ODataError(f"{self.root}: 1С refused user {self.user!r} (401): wrong user or "
                              "password, or the user may not use the standard OData interface")
        if exc.code == 403:
            return ODataError(f"{self.root}/{resource}: user {self.user!r} may not read it (403)"
                              f"{detail}; give the user the right to read it in 1С")
        if exc.code == 404 and resource and not resource.startswith("$"):
            name = resource.split("(")[0].split("/")[0]
            return NotPublished(f"the server does not publish {name}{what}{detail}; "
                                f"{HOW_TO_PUBLISH}")
        if exc.code == 404:
            return ODataError(f"{self.root}: no 1С standard OData interface there (404); check "
                              "--url and that the publication has «Публиковать стандартный "
                              "интерфейс OData» ticked")
        return ODataError(f"{self.root}/{resource}: HTTP {exc.code}{detail}")

    # --- what the server publishes -----------------------------------------------------------

    def entity_sets(self) -> list[str]:
        """The names in the service document, e.g. `Catalog_Контрагенты`."""
        answer = self.get_json("")
        return sorted(str(item.get("name") or item.get("url")) for item in answer.get("value", [])
                      if isinstance(item, dict))

    def metadata(self) -> Metadata:
        return parse_metadata(self.get_text("$metadata"))

    # --- reading -----------------------------------------------------------------------------

    def pages(self, entity_set: str, *, filter: str = "", select: list[str] | None = None,
              orderby: str = "Ref_Key", page_size: int = 1000, what: str = ""
              ) -> Iterator[list[dict[str, Any]]]:
        """Every entity of the set, a page at a time."""
        query: dict[str, str] = {"$orderby": orderby, "$top": str(page_size)}
        if filter:
            query["$filter"] = filter
        if select:
            query["$select"] = ",".join(select)
        skip = 0
        while True:
            answer = self.get_json(entity_set, {**query, "$skip": str(skip)}, what)
            page = answer.get("value")
            if not isinstance(page, list):
                raise ODataError(f"{self.root}/{entity_set}: the answer has no 'value' list")
            if not page:
                return
            yield page
            skip += len(page)

    def by_keys(self, entity_set: str, keys: list[str], select: list[str] | None = None,
                chunk: int = 40, what: str = "") -> list[dict[str, Any]]:
        """The entities with these `Ref_Key`s (those that still exist), a few per request."""
        found: list[dict[str, Any]] = []
        for start in range(0, len(keys), chunk):
            part = keys[start:start + chunk]
            condition = " or ".join(f"Ref_Key eq guid'{key}'" for key in part)
            for page in self.pages(entity_set, filter=condition, select=select,
                                   page_size=len(part), what=what):
                found.extend(page)
        return found


def _transient(reason: object) -> bool:
    """A dropped or timed-out connection may pass; a refused one or an unknown host will not."""
    if isinstance(reason, (ConnectionRefusedError, socket.gaierror)):
        return False
    return isinstance(reason, (ConnectionError, TimeoutError, socket.timeout,
                               http.client.HTTPException))


def _reason_text(reason: object) -> str:
    if isinstance(reason, socket.gaierror):
        return "unknown host"
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused"
    return str(getattr(reason, "strerror", None) or reason)


def _odata_message(exc: urllib.error.HTTPError) -> str:
    """1С's own words from an `odata.error` body, when there are any."""
    try:
        body = json.loads(exc.read() or b"{}")
        message = body.get("odata.error", {}).get("message", {})
        text = message.get("value") if isinstance(message, dict) else message
    except (ValueError, AttributeError, OSError):
        return ""
    return f" ({' '.join(str(text).split())[:200]})" if text else ""


_EDM = "{http://schemas.microsoft.com/ado/2009/11/edm}"


def parse_metadata(text: str) -> Metadata:
    """Entity sets and each entity type's fields from `$metadata` (CSDL). Tabular sections are
    `Collection(StandardODATA.<Type>_<Section>_RowType)` properties whose row type is a
    ComplexType (1С also publishes each as an entity set `<Object>_<Section>`)."""
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        raise ODataError(f"$metadata is not readable XML ({exc})") from None

    def local(tag: str) -> str:
        return tag.rsplit("}", 1)[-1]

    def fields_of(node: ET.Element) -> dict[str, str]:
        return {p.get("Name", ""): p.get("Type", "") for p in node
                if local(p.tag) == "Property"}

    complex_types: dict[str, dict[str, str]] = {}
    raw_types: dict[str, dict[str, str]] = {}
    sets: set[str] = set()
    for node in root.iter():
        kind = local(node.tag)
        if kind == "ComplexType":
            complex_types[node.get("Name", "")] = fields_of(node)
        elif kind == "EntityType":
            raw_types[node.get("Name", "")] = fields_of(node)
        elif kind == "EntitySet":
            sets.add(node.get("Name", ""))
    types: dict[str, EntityType] = {}
    for name, props in raw_types.items():
        plain: dict[str, str] = {}
        sections: dict[str, dict[str, str]] = {}
        for prop, edm in props.items():
            if edm.startswith("Collection("):
                row_type = edm[len("Collection("):-1].rsplit(".", 1)[-1]
                sections[prop] = complex_types.get(row_type, {})
            else:
                plain[prop] = edm
        types[name] = EntityType(name, plain, sections)
    return Metadata(sets, types)
