"""CRM exports: Bitrix24 telephony and activities, amoCRM/Kommo, Salesforce, HubSpot."""

# ruff: noqa: E501  (the fixtures keep the exports' records one to a line)

import json
from datetime import datetime

import pytest

from clientload.errors import ClientloadError
from clientload.sources import import_source
from clientload.workspace import init_workspace


@pytest.fixture
def ws(tmp_path):
    ws = init_workspace(tmp_path / "ws", '[sources]\nown_domains = ["ourfirm.ru"]\n')
    with ws.connect() as con:
        con.executemany(
            "INSERT INTO clients (client_id, name, phones, emails) VALUES (?, ?, ?, ?)",
            [
                ("42", "Acme", "89161234567", "@acme.ru"),
                ("C2", "Beta LLC", "74957654321", None),
                ("0015g00000AbCdEAAZ", "Gamma", None, None),
                ("9001", "Delta", None, None),
            ],
        )
    return ws


def stored(ws):
    with ws.connect() as con:
        return con.execute(
            "SELECT client_id, type, date, minutes, employee FROM interactions ORDER BY _import_id, _line"
        ).fetchall()


def counts(result):
    assert result.read == result.matched + result.unmatched + result.skipped_total
    return result.read, result.matched, result.unmatched, result.skipped_total


BITRIX_CALLS = [
    {"ID": "1", "CALL_ID": "externalCall.1", "PORTAL_USER_ID": "7", "PHONE_NUMBER": "+79990001122",
     "CALL_DURATION": "95", "CALL_START_DATE": "2024-03-05T10:15:00+03:00", "CALL_FAILED_CODE": "200",
     "CALL_TYPE": "2", "CRM_ENTITY_TYPE": "COMPANY", "CRM_ENTITY_ID": "42"},
    {"ID": "2", "CALL_ID": "externalCall.2", "PORTAL_USER_ID": "7", "PHONE_NUMBER": "84957654321",
     "CALL_DURATION": "30", "CALL_START_DATE": "2024-03-05T23:30:00+03:00", "CALL_FAILED_CODE": "200",
     "CALL_TYPE": "1", "CRM_ENTITY_TYPE": "CONTACT", "CRM_ENTITY_ID": "42"},
    {"ID": "3", "CALL_ID": "externalCall.3", "PORTAL_USER_ID": "7", "PHONE_NUMBER": "89161234567",
     "CALL_DURATION": "0", "CALL_START_DATE": "2024-03-06T09:00:00+03:00", "CALL_FAILED_CODE": "304",
     "CALL_TYPE": "2", "CRM_ENTITY_TYPE": "", "CRM_ENTITY_ID": ""},
]  # fmt: skip


def test_bitrix24_calls_json_with_an_offset_and_a_crm_company(ws, tmp_path):
    path = tmp_path / "calls.json"
    path.write_text(json.dumps({"result": BITRIX_CALLS, "total": 3}))
    result = import_source(ws, [path], "bitrix24-calls")
    assert counts(result) == (3, 2, 0, 1)
    assert result.skipped["missed"] == 1
    assert stored(ws) == [
        # the unknown number is the CRM company 42's call; +03:00 means 07:15 UTC
        ("42", "call", datetime(2024, 3, 5, 7, 15), 95 / 60, "7"),
        # a CONTACT id is not a client id: matched by the phone, and UTC crosses midnight
        ("C2", "call", datetime(2024, 3, 5, 20, 30), 0.5, "7"),
    ]


def test_bitrix24_calls_csv_export(ws, tmp_path):
    path = tmp_path / "calls.csv"
    header = list(BITRIX_CALLS[0])
    lines = [";".join(header)] + [";".join(row[h] for h in header) for row in BITRIX_CALLS]
    path.write_text("\n".join(lines) + "\n", encoding="cp1251")
    assert counts(import_source(ws, [path], "bitrix24-calls")) == (3, 2, 0, 1)


def test_bitrix24_activities(ws, tmp_path):
    activities = [
        {"ID": "11", "TYPE_ID": "1", "OWNER_TYPE_ID": "4", "OWNER_ID": "42", "SUBJECT": "Встреча",
         "START_TIME": "2024-03-05T10:00:00+03:00", "END_TIME": "2024-03-05T11:30:00+03:00",
         "COMPLETED": "Y", "RESPONSIBLE_ID": "7", "COMMUNICATIONS": []},
        {"ID": "12", "TYPE_ID": "4", "OWNER_TYPE_ID": "3", "OWNER_ID": "555", "SUBJECT": "Re: price",
         "START_TIME": "2024-03-05T12:00:00+03:00", "END_TIME": "2024-03-05T12:00:00+03:00",
         "COMPLETED": "Y", "DIRECTION": "2", "RESPONSIBLE_ID": "7",
         "COMMUNICATIONS": [{"TYPE": "EMAIL", "VALUE": "buyer@acme.ru"}]},
        {"ID": "13", "TYPE_ID": "2", "OWNER_TYPE_ID": "3", "OWNER_ID": "555", "SUBJECT": "Call",
         "START_TIME": "2024-03-05T13:00:00+03:00", "END_TIME": "2024-03-05T13:04:00+03:00",
         "COMPLETED": "Y", "DIRECTION": "1", "RESPONSIBLE_ID": "7",
         "COMMUNICATIONS": [{"TYPE": "PHONE", "VALUE": "+7 999 555-44-33"}]},
        {"ID": "14", "TYPE_ID": "3", "OWNER_TYPE_ID": "4", "OWNER_ID": "42", "SUBJECT": "Task",
         "START_TIME": "2024-03-05T14:00:00+03:00", "COMPLETED": "N"},
        {"ID": "15", "TYPE_ID": "1", "OWNER_TYPE_ID": "4", "OWNER_ID": "42", "SUBJECT": "Planned",
         "START_TIME": "2024-03-07T14:00:00+03:00", "END_TIME": "2024-03-07T15:00:00+03:00",
         "COMPLETED": "N"},
    ]  # fmt: skip
    path = tmp_path / "activities.json"
    path.write_text(json.dumps(activities, ensure_ascii=False))
    result = import_source(ws, [path], "bitrix24-activities")
    assert counts(result) == (5, 2, 1, 2)
    assert result.skipped["not_contact"] == 1 and result.skipped["missed"] == 1
    assert stored(ws) == [
        ("42", "meeting", datetime(2024, 3, 5, 7, 0), 90.0, "7"),
        ("42", "email", datetime(2024, 3, 5, 9, 0), 6.0, "7"),  # outgoing e-mail minutes
    ]
    assert result.top_unmatched == [("+79995554433", 1)]


AMO = {
    "_embedded": {
        "notes": [
            {"id": 1, "entity_id": 9001, "entity_type": "companies", "created_by": 3,
             "created_at": 1709622900, "note_type": "call_in",
             "params": {"uniq": "a1", "duration": 150, "phone": "+79990001122", "call_status": 4}},
            {"id": 2, "entity_id": 77, "created_by": 3, "created_at": 1709626500,
             "note_type": "call_out",
             "params": {"uniq": "a2", "duration": 0, "phone": "89161234567", "call_status": 6}},
            {"id": 3, "entity_id": 77, "created_by": 3, "created_at": 1709626600,
             "note_type": "call_out",
             "params": {"uniq": "a3", "duration": 45, "phone": "8 916 123-45-67", "call_status": 4}},
            {"id": 4, "entity_id": 77, "created_at": 1709626700, "note_type": "common",
             "params": {"text": "called, no answer"}},
        ]
    }
}  # fmt: skip


def test_amocrm_call_notes(ws, tmp_path):
    path = tmp_path / "notes.json"
    path.write_text(json.dumps(AMO))
    result = import_source(ws, [path], "amocrm")
    assert counts(result) == (4, 2, 0, 2)
    assert stored(ws) == [
        ("9001", "call", datetime(2024, 3, 5, 7, 15), 2.5, "3"),  # unix seconds are UTC
        ("42", "call", datetime(2024, 3, 5, 8, 16, 40), 0.75, "3"),
    ]


SALESFORCE_TASKS = """Id,AccountId,WhoId,Subject,ActivityDate,Status,TaskSubtype,CallType,CallDurationInSeconds,OwnerId
00T1,0015g00000AbCdEAAZ,003A,Call about delivery,2024-03-05,Completed,Call,Inbound,300,005X
00T2,0015g00000AbCdE,003A,Email: quote,2024-03-06,Completed,Email,,,005X
00T3,0015g00000AbCdEAAZ,003A,Follow up,2024-03-07,Not Started,Call,Outbound,,005X
00T4,0015g00000AbCdEAAZ,003A,Prepare contract,2024-03-07,Completed,Task,,,005X
00T5,001000000000XYZ,003B,Call,2024-03-08,Completed,Call,Outbound,60,005X
"""
SALESFORCE_EVENTS = """Id,AccountId,Subject,StartDateTime,EndDateTime,DurationInMinutes,IsAllDayEvent,OwnerId
00U1,0015g00000AbCdEAAZ,Visit,2024-03-05T07:00:00.000Z,2024-03-05T09:00:00.000Z,120,false,005X
00U2,0015g00000AbCdEAAZ,Trade show,2024-03-06T00:00:00.000Z,2024-03-07T00:00:00.000Z,1440,true,005X
"""


def test_salesforce_tasks_and_events(ws, tmp_path):
    tasks, events = tmp_path / "Task.csv", tmp_path / "Event.csv"
    tasks.write_text(SALESFORCE_TASKS)
    events.write_text(SALESFORCE_EVENTS)
    result = import_source(ws, [tasks, events], "salesforce")
    assert counts(result) == (7, 4, 1, 2)
    assert result.top_unmatched == [("crm:001000000000XYZ", 1)]
    sf = "0015g00000AbCdEAAZ"
    assert stored(ws) == [
        (sf, "call", datetime(2024, 3, 5, 9, 0), 5.0, "005X"),  # a date alone: noon Moscow
        (sf, "email", datetime(2024, 3, 6, 9, 0), 6.0, "005X"),  # 15-character id matched too
        (sf, "meeting", datetime(2024, 3, 5, 7, 0), 120.0, "005X"),
        (sf, "meeting", datetime(2024, 3, 6, 0, 0), None, "005X"),  # all-day: standard minutes
    ]


HUBSPOT = {
    "results": [
        {"id": "501", "properties": {"hs_timestamp": "2024-03-05T07:15:00.000Z",
         "hs_call_duration": "125000", "hs_call_direction": "OUTBOUND", "hs_call_status": "COMPLETED",
         "hs_call_to_number": "+7 916 123-45-67", "hs_call_from_number": "+74950000000",
         "hubspot_owner_id": "88"}},
        {"id": "502", "properties": {"hs_timestamp": "1709626500000", "hs_call_duration": "90000",
         "hs_call_direction": "INBOUND", "hs_call_status": "COMPLETED",
         "hs_call_from_number": "+79990001122", "hubspot_owner_id": "88"},
         "associations": {"companies": {"results": [{"id": "C2", "type": "call_to_company"}]}}},
        {"id": "503", "properties": {"hs_timestamp": "1709626600000", "hs_call_duration": "0",
         "hs_call_direction": "OUTBOUND", "hs_call_status": "NO_ANSWER",
         "hs_call_to_number": "+79161234567"}},
    ]
}  # fmt: skip


def test_hubspot_calls_in_milliseconds(ws, tmp_path):
    path = tmp_path / "calls.json"
    path.write_text(json.dumps(HUBSPOT))
    result = import_source(ws, [path], "hubspot")
    assert counts(result) == (3, 2, 0, 1)
    assert stored(ws) == [
        ("42", "call", datetime(2024, 3, 5, 7, 15), 125000 / 60000, "88"),
        ("C2", "call", datetime(2024, 3, 5, 8, 15), 1.5, "88"),  # ms since 1970 and company C2
    ]


def test_hubspot_csv_with_associated_company_name(ws, tmp_path):
    path = tmp_path / "calls.csv"
    path.write_text(
        "Record ID,hs_timestamp,hs_call_duration,hs_call_direction,Associated Company\n"
        "601,2024-03-05 10:15,60000,INBOUND,beta llc\n"
    )
    result = import_source(ws, [path], "hubspot")
    assert counts(result) == (1, 1, 0, 0)
    assert stored(ws) == [("C2", "call", datetime(2024, 3, 5, 7, 15), 1.0, None)]


def test_a_json_that_is_not_the_named_export(ws, tmp_path):
    path = tmp_path / "calls.json"
    path.write_text(json.dumps({"result": [{"foo": 1}]}))
    with pytest.raises(ClientloadError, match=r"calls\.json, line 1: no column call_duration"):
        import_source(ws, [path], "bitrix24-calls")
    path.write_text("{not json")
    with pytest.raises(ClientloadError, match=r"calls\.json, line 1: not valid JSON"):
        import_source(ws, [path], "hubspot")
