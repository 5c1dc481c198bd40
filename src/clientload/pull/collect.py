"""Reading what changed from the server, before anything is written: catalogs whole, documents
from the window start; each entity compared with what earlier pulls stored (`DataVersion`).

The outcome is a `Batch`: the rows to load per table (with the item each row belongs to), the
items whose earlier rows go, and the state to record. Nothing here touches the store.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from clientload.progress import ProgressFn
from clientload.pull import state
from clientload.pull.extract import Resolver, is_included, label, parse_date, rows_of
from clientload.pull.odata import Connection, Metadata
from clientload.pull.profile import Profile, Source

BASE_FIELDS = ("Ref_Key", "DataVersion", "DeletionMark")


@dataclass
class Batch:
    """Everything one pull will write, gathered before the transaction."""

    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # table -> rows
    owners: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # table -> item/row
    items: dict[tuple[str, str], state.Item] = field(default_factory=dict)  # to (re)record
    gone: set[tuple[str, str]] = field(default_factory=set)  # items whose rows go
    forgotten: set[tuple[str, str]] = field(default_factory=set)  # items deleted in 1С
    last_dates: dict[str, dt.datetime] = field(default_factory=dict)
    documents: Counter[str] = field(default_factory=Counter)
    catalog_items: Counter[str] = field(default_factory=Counter)
    lines: int = 0
    notes: list[str] = field(default_factory=list)


def _select(source: Source, meta: Metadata) -> list[str] | None:
    """The fields to ask for; None (everything) for documents whose lines are needed."""
    if source.lines:
        return None
    fields = meta.types[source.object].fields
    wanted = [f for f in (*BASE_FIELDS, "IsFolder", "Posted", "Date", source.id_field)
              if f in fields]
    for spec in source.columns.values():
        if not spec.ref:
            wanted.append(spec.name)
        elif f"{spec.name}_Key" in fields:
            wanted.append(f"{spec.name}_Key")
        else:
            wanted += [spec.name, f"{spec.name}_Type"]
    return list(dict.fromkeys(wanted))


class Collector:
    def __init__(self, conn: Connection, meta: Metadata, profile: Profile,
                 stored: dict[str, dict[str, state.Item]], last: dict[str, dt.datetime | None],
                 page_size: int, window_days: int, since: dt.date | None,
                 progress: ProgressFn):
        self.conn, self.meta, self.profile = conn, meta, profile
        self.stored, self.last = stored, last
        self.page_size, self.window_days, self.since = page_size, window_days, since
        self.progress = progress
        self.batch = Batch()
        self.resolver = Resolver(profile)
        for obj, known in stored.items():
            self.resolver.ids[obj] = {key: item.readable_id for key, item in known.items()}
            self.resolver.taken[obj] = {item.readable_id for item in known.values()}
        sales = profile.sources.get("sales")
        if sales:
            self.resolver.orders_of_sales = {
                key: item.order_id for key, item in stored.get(sales.object, {}).items()
                if item.order_id}
        self.window_starts: dict[str, dt.datetime | None] = {}

    def collect(self) -> Batch:
        self._names()
        for role in ("clients", "products"):
            if role in self.profile.sources:
                self._catalog(self.profile.sources[role])
        for role in ("orders", "sales", "returns"):
            if role in self.profile.sources:
                self._documents(self.profile.sources[role])
        for where, n in sorted(self.resolver.unresolved.items()):
            self.batch.notes.append(f"{where}: {n:,} reference(s) not found in 1С")
        return self.batch

    # --- reading -----------------------------------------------------------------------------

    def _all(self, obj: str, what: str, *, filter: str = "", select: list[str] | None = None,
             orderby: str = "Ref_Key") -> list[dict[str, Any]]:
        total = self._count(obj, filter)
        stage = f"1С {obj}"
        self.progress(stage, 0, total)
        seen: dict[str, dict[str, Any]] = {}
        for page in self.conn.pages(obj, filter=filter, select=select, orderby=orderby,
                                    page_size=self.page_size, what=what):
            for entity in page:
                # a page boundary that moved while reading can repeat an entity: keep one
                seen[str(entity.get("Ref_Key"))] = entity
            self.progress(stage, len(seen), max(total, len(seen)))
        return list(seen.values())

    def _count(self, obj: str, filter: str) -> int:
        """For the progress bar only: 0 when the server does not say."""
        return self.conn.count(obj, filter) or 0

    def _names(self) -> None:
        """The catalogs that only name things (managers, regions, brands, groups)."""
        wanted: dict[str, set[str]] = {}
        for source in self.profile.sources.values():
            for spec in source.columns.values():
                if spec.object:
                    wanted.setdefault(spec.object, set()).add(spec.show)
        for obj, shows in sorted(wanted.items()):
            entities = self._all(obj, "", select=["Ref_Key", *sorted(shows)])
            for show in shows:
                self.resolver.names[(obj, show)] = {
                    str(e["Ref_Key"]): " ".join(str(e.get(show) or "").split())
                    for e in entities}

    def _catalog(self, source: Source) -> None:
        entities = self._all(source.object, f" ([{source.role}])",
                             select=_select(source, self.meta))
        known = self.stored.get(source.object, {})
        counts = self.batch.catalog_items
        for entity in entities:
            key = str(entity["Ref_Key"])
            if entity.get("IsFolder"):
                counts[f"{source.role}: groups (not {source.role})"] += 1
                continue
            own_id = self.resolver.assign(source.object, key, entity.get(source.id_field))
            before = known.get(key)
            version = entity.get("DataVersion")
            if before is not None and before.data_version == version:
                counts[f"{source.role}: unchanged"] += 1
                continue
            counts[f"{source.role}: {'changed' if before else 'new'}"] += 1
            if entity.get("DeletionMark"):
                counts[f"{source.role}: marked for deletion in 1С (kept)"] += 1
            if before is not None:
                self.batch.gone.add((source.object, key))
            self._add(source, entity, key, own_id, True)
        missing = set(known) - {str(e["Ref_Key"]) for e in entities}
        if missing:
            counts[f"{source.role}: deleted in 1С (rows kept)"] += len(missing)

    def _window_start(self, source: Source) -> dt.datetime | None:
        if self.since is not None:
            return dt.datetime.combine(self.since, dt.time())
        last = self.last.get(source.object)
        return last - dt.timedelta(days=self.window_days) if last else None

    def _documents(self, source: Source) -> None:
        start = self._window_start(source)
        self.window_starts[source.object] = start
        condition = f"Date ge datetime'{start:%Y-%m-%dT%H:%M:%S}'" if start else ""
        entities = self._all(source.object, f" ([{source.role}])", filter=condition,
                             select=_select(source, self.meta), orderby="Date,Ref_Key")
        known = self.stored.get(source.object, {})
        fetched = {str(e["Ref_Key"]) for e in entities}
        # Stored documents of the window that did not come: moved out of it, or deleted in 1С.
        absent = [key for key, item in known.items() if key not in fetched and start
                  and item.item_date is not None and item.item_date >= start]
        if absent:
            found = self.conn.by_keys(source.object, absent, select=_select(source, self.meta),
                                      what=f" ([{source.role}])")
            entities += found
            for key in set(absent) - {str(e["Ref_Key"]) for e in found}:
                self._removed(source, key, known[key])
        stage = f"1С {source.object}: lines"
        for done, entity in enumerate(sorted(entities, key=_by_date), start=1):
            self._document(source, entity, known.get(str(entity["Ref_Key"])))
            if done % 200 == 0 or done == len(entities):
                self.progress(stage, self.batch.lines, self.batch.lines)

    def _removed(self, source: Source, key: str, item: state.Item) -> None:
        self.batch.forgotten.add((source.object, key))
        self.batch.gone.add((source.object, key))
        self.batch.documents["removed" if item.included else "excluded"] += 1

    def _document(self, source: Source, entity: dict[str, Any],
                  before: state.Item | None) -> None:
        key = str(entity["Ref_Key"])
        day = parse_date(entity.get("Date"))
        if day and day > self.batch.last_dates.get(source.object, dt.datetime.min):
            self.batch.last_dates[source.object] = day
        if before is not None and before.data_version == entity.get("DataVersion"):
            self.batch.documents["unchanged"] += 1
            return
        own_id = self.resolver.assign(source.object, key, entity.get(source.id_field))
        included = is_included(entity)
        if before is not None:
            self.batch.gone.add((source.object, key))
        if included:
            self.batch.documents["changed" if before is not None else "new"] += 1
        else:
            self.batch.documents["removed" if before and before.included else "excluded"] += 1
        self._add(source, entity, key, own_id, included)

    def _add(self, source: Source, entity: dict[str, Any], key: str, own_id: str,
             included: bool) -> None:
        rows = rows_of(source, entity, own_id, self.resolver) if included else []
        order_id = None
        if source.role == "sales":
            order_id = next((r["order_id"] for r in rows if r.get("order_id")), None)
            if order_id:
                self.resolver.orders_of_sales[key] = order_id
        self.batch.items[(source.object, key)] = state.Item(
            entity.get("DataVersion"), parse_date(entity.get("Date")), own_id, included,
            order_id)
        if source.lines:
            self.batch.lines += len(rows)
        where = label(source, entity, own_id)
        table = source.table
        for row in rows:
            row["source_document"] = where
        self.batch.rows.setdefault(table, []).extend(rows)
        self.batch.owners.setdefault(table, []).extend([(source.object, key)] * len(rows))


def _by_date(entity: dict[str, Any]) -> tuple[str, str]:
    return (str(entity.get("Date") or ""), str(entity.get("Ref_Key")))
