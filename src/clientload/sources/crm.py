"""CRM exports: Bitrix24 telephony statistics and activities, amoCRM/Kommo call notes,
Salesforce tasks and events, HubSpot calls. Each reads the API's own field names from JSON (a
list, or the list under `result` / `_embedded.notes` / `results`) or from a CSV with those names
as the header."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from clientload.sources.config import SourceConfig
from clientload.sources.parties import normalise_email, normalise_phone, split_list
from clientload.sources.readers import Row, parse_number, parse_time, pick, table_rows
from clientload.sources.records import (
    INCOMING,
    INTERNAL,
    MAILING_LIST,
    MISSED,
    NOT_CONTACT,
    OUTGOING,
    SourceRecord,
)

_BITRIX_COMPANY = {"4", "company"}  # CRM_ENTITY_TYPE / OWNER_TYPE_ID of a company


def _outside(phones: list[str | None], cfg: SourceConfig) -> tuple[tuple[str, ...], bool]:
    """The outside numbers, and whether every number given was one of ours (an internal call)."""
    given = [p for p in phones if p]
    outside = tuple(dict.fromkeys(p for p in given if not cfg.is_inside_phone(p)))
    return outside, bool(given) and not outside


def _span_minutes(start: datetime | None, end: datetime | None) -> float | None:
    if start is None or end is None or end <= start:
        return None
    return (end - start).total_seconds() / 60


def parse_bitrix24_calls(path: Path, cfg: SourceConfig) -> list[SourceRecord]:
    """`voximplant.statistic.get`: one row per call, CALL_FAILED_CODE 200 when it was answered."""
    what = "Bitrix24 telephony statistics (voximplant.statistic.get fields)"
    required = ("call_duration", "call_start_date", "phone_number", "call_failed_code")
    records = []
    for line, row in table_rows(path, required, what):
        phones, internal = _outside([normalise_phone(row["phone_number"])], cfg)
        answered = row["call_failed_code"].strip() == "200"
        seconds = parse_number(row["call_duration"], path, line, "CALL_DURATION") or 0.0
        direction = OUTGOING if row.get("call_type", "").strip() == "1" else INCOMING
        company = row.get("crm_entity_type", "").strip().lower() in _BITRIX_COMPANY
        records.append(
            SourceRecord(
                line=line,
                key="bitrix24-calls:" + (pick(row, "call_id", "id") or f"{path.name}:{line}"),
                type=cfg.call_type,
                date=parse_time(row["call_start_date"], cfg, path, line, "CALL_START_DATE"),
                minutes=seconds / 60,
                direction=direction,
                phones=phones,
                crm_ids=(row["crm_entity_id"].strip(),)
                if company and row.get("crm_entity_id")
                else (),
                employee=pick(row, "portal_user_id") or None,
                note=f"bitrix24 {'outgoing' if direction == OUTGOING else 'incoming'} call",
                skip=INTERNAL if internal else None if answered else MISSED,
            )
        )
    return records


def _communications(text: str) -> list[dict]:
    if not text.strip().startswith("["):
        return []
    try:
        items = json.loads(text)
    except json.JSONDecodeError:
        return []
    return [i for i in items if isinstance(i, dict)]


def parse_bitrix24_activities(path: Path, cfg: SourceConfig) -> list[SourceRecord]:
    """`crm.activity.list`: TYPE_ID 1 meeting, 2 call, 4 e-mail; other types are no contact."""
    what = "Bitrix24 CRM activities (crm.activity.list fields)"
    kinds = {"1": cfg.meeting_type, "2": cfg.call_type, "4": cfg.email_type}
    records = []
    for line, row in table_rows(path, ("type_id", "start_time|created"), what):
        kind = kinds.get(row["type_id"].strip())
        start = parse_time(pick(row, "start_time", "created"), cfg, path, line, "START_TIME")
        end = parse_time(row.get("end_time", ""), cfg, path, line, "END_TIME")
        direction = {"1": INCOMING, "2": OUTGOING}.get(row.get("direction", "").strip())
        comms = _communications(row.get("communications", ""))
        crm_ids = [row["owner_id"].strip()] if row.get("owner_type_id", "").strip() == "4" else []
        crm_ids += [str(c.get("ENTITY_ID")) for c in comms if str(c.get("ENTITY_TYPE_ID")) == "4"]
        values = [str(c.get("VALUE", "")) for c in comms]
        phones = [
            normalise_phone(v)
            for c, v in zip(comms, values, strict=True)
            if c.get("TYPE") == "PHONE"
        ]
        emails = [
            normalise_email(v)
            for c, v in zip(comms, values, strict=True)
            if c.get("TYPE") == "EMAIL"
        ]
        if kind == cfg.email_type:
            minutes: float | None = (
                cfg.outgoing_email_minutes if direction == OUTGOING else cfg.incoming_email_minutes
            )
        else:
            minutes = _span_minutes(start, end)
        completed = row.get("completed", "Y").strip().upper() in ("Y", "1", "TRUE", "")
        records.append(
            SourceRecord(
                line=line,
                key=f"bitrix24-activities:{pick(row, 'id') or f'{path.name}:{line}'}",
                type=kind or "other",
                date=start,
                minutes=minutes,
                direction=direction,
                phones=_outside(phones, cfg)[0],
                emails=tuple(e for e in emails if e and not cfg.is_inside_email(e)),
                crm_ids=tuple(dict.fromkeys(i for i in crm_ids if i)),
                employee=pick(row, "responsible_id", "author_id") or None,
                note=pick(row, "subject") or None,
                skip=NOT_CONTACT if kind is None else None if completed else MISSED,
            )
        )
    return records


def parse_amocrm(path: Path, cfg: SourceConfig) -> list[SourceRecord]:
    """amoCRM/Kommo notes (`/api/v4/.../notes`): call_in / call_out, params.call_status 4 = held."""
    what = "amoCRM/Kommo notes (note_type, created_at, params.duration, params.phone)"
    records = []
    rows = table_rows(path, ("note_type", "created_at"), what, ("_embedded.notes", "result"))
    for line, row in rows:
        note_type = row["note_type"].strip()
        phones, internal = _outside([normalise_phone(row.get("params.phone"))], cfg)
        seconds = parse_number(row.get("params.duration", ""), path, line, "params.duration")
        status = row.get("params.call_status", "").strip()
        entity_type = row.get("entity_type", "").strip().lower()
        if "/companies/" in row.get("_links.self.href", ""):
            entity_type = "companies"
        if note_type not in ("call_in", "call_out"):
            skip: str | None = NOT_CONTACT
        elif internal:
            skip = INTERNAL
        else:
            skip = None if status in ("4", "") else MISSED
        direction = INCOMING if note_type == "call_in" else OUTGOING
        records.append(
            SourceRecord(
                line=line,
                key="amocrm:" + (pick(row, "params.uniq", "id") or f"{path.name}:{line}"),
                type=cfg.call_type,
                date=parse_time(row["created_at"], cfg, path, line, "created_at"),
                minutes=seconds / 60 if seconds is not None else None,
                direction=direction,
                phones=phones,
                crm_ids=(row["entity_id"],)
                if entity_type in ("companies", "company") and row.get("entity_id")
                else (),
                employee=pick(row, "responsible_user_id", "created_by") or None,
                note=f"amocrm {'incoming' if direction == INCOMING else 'outgoing'} call",
                skip=skip,
            )
        )
    return records


def _salesforce_task(row: Row, cfg: SourceConfig) -> tuple[str | None, str | None]:
    """(interaction type, skip reason) of a Task by its subtype / type."""
    subtype = pick(row, "tasksubtype", "type").lower()
    if subtype == "listemail":
        return cfg.email_type, MAILING_LIST
    if subtype == "email":
        return cfg.email_type, None
    if subtype == "call" or row.get("calldurationinseconds", "").strip():
        return cfg.call_type, INTERNAL if row.get("calltype", "").lower() == "internal" else None
    if subtype in ("meeting", "event"):
        return cfg.meeting_type, None
    return None, NOT_CONTACT


def parse_salesforce(path: Path, cfg: SourceConfig) -> list[SourceRecord]:
    """Salesforce Task or Event export (Data Loader / report CSV with API field names)."""
    what = "a Salesforce Task or Event export (AccountId with ActivityDate or StartDateTime)"
    records = []
    for line, row in table_rows(path, ("accountid|account.id|whatid",), what, ("records",)):
        is_event = "startdatetime" in row or "durationinminutes" in row
        crm_ids = tuple(
            dict.fromkeys(
                x for x in (pick(row, "accountid", "account.id"), pick(row, "whatid")) if x
            )
        )
        names = tuple(x for x in (pick(row, "account.name", "accountname"),) if x)
        done = (
            pick(row, "status").lower() in ("", "completed", "closed", "завершено")
            or pick(row, "isclosed").lower() == "true"
        )
        if is_event:
            kind: str | None = cfg.meeting_type
            date = parse_time(
                pick(row, "startdatetime", "activitydatetime", "activitydate"),
                cfg,
                path,
                line,
                "StartDateTime",
            )
            minutes = parse_number(
                row.get("durationinminutes", ""), path, line, "DurationInMinutes"
            )
            if pick(row, "isalldayevent").lower() == "true":
                minutes = None  # a day-long entry is not a day of one person's contact time
            skip = None
        else:
            kind, skip = _salesforce_task(row, cfg)
            seconds = parse_number(
                row.get("calldurationinseconds", ""), path, line, "CallDurationInSeconds"
            )
            minutes = seconds / 60 if seconds is not None else None
            if kind == cfg.email_type and minutes is None:
                minutes = cfg.outgoing_email_minutes  # Salesforce logs the mail its users send
            date = parse_time(
                pick(row, "completeddatetime", "activitydate", "createddate"),
                cfg,
                path,
                line,
                "ActivityDate",
            )
            if skip is None and not done:
                skip = MISSED
        call_type = pick(row, "calltype").lower()
        records.append(
            SourceRecord(
                line=line,
                key=f"salesforce:{pick(row, 'id') or f'{path.name}:{line}'}",
                type=kind or "other",
                date=date,
                minutes=minutes,
                direction=INCOMING
                if call_type == "inbound"
                else OUTGOING
                if call_type == "outbound"
                else None,
                crm_ids=crm_ids,
                crm_names=names,
                employee=pick(row, "ownerid", "owner.name") or None,
                note=pick(row, "subject") or None,
                skip=skip,
            )
        )
    return records


def _hubspot_companies(row: Row) -> tuple[str, ...]:
    ids: list[str] = []
    text = row.get("associations.companies.results", "")
    if text.startswith("["):
        ids += [str(a.get("id")) for a in json.loads(text) if isinstance(a, dict) and a.get("id")]
    for name in (
        "associated company id",
        "associated company ids",
        "associated_company_id",
        "associatedcompanyid",
        "company id",
    ):
        ids += split_list(row.get(name, ""))
    return tuple(dict.fromkeys(ids))


def parse_hubspot(path: Path, cfg: SourceConfig) -> list[SourceRecord]:
    """HubSpot calls (CRM v3 objects/calls or a CSV with the property names): duration in ms."""
    what = "HubSpot calls (hs_timestamp, hs_call_duration in milliseconds)"
    records = []
    for line, raw in table_rows(
        path, ("hs_timestamp|properties.hs_timestamp",), what, ("results", "result")
    ):
        row = {k.removeprefix("properties."): v for k, v in raw.items()}
        milliseconds = parse_number(row.get("hs_call_duration", ""), path, line, "hs_call_duration")
        outgoing = row.get("hs_call_direction", "").strip().upper() == "OUTBOUND"
        theirs = row.get("hs_call_to_number" if outgoing else "hs_call_from_number", "")
        ours = row.get("hs_call_from_number" if outgoing else "hs_call_to_number", "")
        phones, internal = _outside([normalise_phone(theirs), normalise_phone(ours)], cfg)
        status = row.get("hs_call_status", "").strip().upper()
        records.append(
            SourceRecord(
                line=line,
                key="hubspot:"
                + (pick(row, "hs_object_id", "id", "record id") or f"{path.name}:{line}"),
                type=cfg.call_type,
                date=parse_time(row["hs_timestamp"], cfg, path, line, "hs_timestamp"),
                minutes=milliseconds / 60000 if milliseconds is not None else None,
                direction=OUTGOING if outgoing else INCOMING,
                phones=phones,
                crm_ids=_hubspot_companies(row),
                crm_names=tuple(split_list(pick(row, "associated company", "company name"))),
                employee=pick(row, "hubspot_owner_id", "call owner") or None,
                note=pick(row, "hs_call_title") or "hubspot call",
                skip=INTERNAL if internal else None if status in ("", "COMPLETED") else MISSED,
            )
        )
    return records
