"""The import itself: counts that add up, the store, the not-matched report, re-imports."""

import csv
from datetime import datetime

import pytest

from clientload.errors import ClientloadError
from clientload.sources import SOURCES, file_sha256, import_source
from clientload.sources.samples import sample_asterisk_calls, write_asterisk_master
from clientload.workspace import init_workspace

CALLS = [
    # src, dst, start, billsec, disposition
    ("89161234567", "101", "2024-03-05 10:15:00", 120, "ANSWERED"),
    ("+7 (999) 000-11-22", "101", "2024-03-05 10:30:00", 60, "ANSWERED"),
    ("89990001122", "102", "2024-03-05 10:40:00", 30, "ANSWERED"),
    ("4951112233", "102", "2024-03-05 10:45:00", 30, "ANSWERED"),
    ("89161234567", "101", "2024-03-05 11:00:00", 0, "BUSY"),
]


def master_csv(path, calls=CALLS):
    lines = [
        f',"{src}","{dst}","from-trunk","","SIP/trunk-1","SIP/{dst}-2","Dial","",'
        f'"{start}","{start}","{start}",{sec + 3},{sec},"{disp}","DOCUMENTATION"'
        for src, dst, start, sec, disp in calls
    ]
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.fixture
def ws(tmp_path):
    ws = init_workspace(tmp_path / "ws")
    with ws.connect() as con:
        con.execute(
            "INSERT INTO clients (client_id, name, phones) VALUES ('C1', 'Acme', '89161234567')"
        )
    return ws


def query(ws, sql):
    with ws.connect() as con:
        return con.execute(sql).fetchall()


def test_unknown_source_lists_the_known_ones(ws, tmp_path):
    with pytest.raises(
        ClientloadError, match="unknown source 'asterix'; expected one of asterisk, "
    ):
        import_source(ws, [master_csv(tmp_path / "m.csv")], "asterix")
    assert SOURCES == ("asterisk", "freepbx", "3cx", "bitrix24-calls", "bitrix24-activities",
                       "amocrm", "salesforce", "hubspot", "mbox", "eml")  # fmt: skip


def test_a_missing_file(ws, tmp_path):
    with pytest.raises(ClientloadError, match="no such file"):
        import_source(ws, [tmp_path / "nothere.csv"], "asterisk")


def test_the_unmatched_report_lists_each_record_with_its_reason_and_the_top_numbers(ws, tmp_path):
    result = import_source(ws, [master_csv(tmp_path / "Master.csv")], "asterisk")
    assert (result.read, result.matched, result.unmatched, result.skipped["missed"]) == (5, 1, 3, 1)
    assert result.top_unmatched == [("+79990001122", 2), ("+74951112233", 1)]
    assert result.unmatched_report.parent == ws.rejects_dir
    assert result.unmatched_report.name.startswith("interactions-unmatched-")
    with result.unmatched_report.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["line"], r["key"], r["date_utc"], r["minutes"]) for r in rows] == [
        ("2", "+79990001122", "2024-03-05 07:30:00", "1.0"),
        ("3", "+79990001122", "2024-03-05 07:40:00", "0.5"),
        ("4", "+74951112233", "2024-03-05 07:45:00", "0.5"),
    ]
    assert rows[0]["reason"] == "no client has the phone +79990001122"
    assert rows[0]["employee"] == "101" and rows[0]["direction"] == "in"


def test_the_import_is_logged_and_its_rows_carry_lineage(ws, tmp_path):
    with ws.connect() as con:
        con.execute(
            "INSERT INTO imports (import_id, table_name, file, sha256, imported_at, rows_read, "
            "rows_loaded, rows_rejected) VALUES (5, 'sales', 'old.csv', 'x', now(), 1, 1, 0)"
        )
    path = master_csv(tmp_path / "Master.csv")
    result = import_source(ws, [path], "asterisk")
    assert result.import_ids == [6]
    log = query(ws, "SELECT import_id, table_name, file, sha256, rows_read, rows_loaded, "
                    "rows_rejected, notes FROM imports WHERE import_id = 6")  # fmt: skip
    assert log[0][:7] == (6, "interactions", str(path.resolve()), file_sha256(path), 5, 1, 3)
    assert log[0][7].startswith("source asterisk: 1 matched")
    assert query(ws, "SELECT _import_id, _line FROM interactions") == [(6, 1)]


def test_the_same_file_twice_is_skipped_and_rematch_adds_only_what_matches_now(ws, tmp_path):
    path = master_csv(tmp_path / "Master.csv")
    import_source(ws, [path], "asterisk")
    again = import_source(ws, [path], "asterisk")
    assert again.read == 0 and again.already_imported == [str(path)]
    assert "already imported as import 1" in again.notes[0] and "--rematch" in again.notes[0]
    # the user adds the unknown number to a client and imports once more
    with ws.connect() as con:
        con.execute("INSERT INTO clients (client_id, phones) VALUES ('C9', '+7 999 000 11 22')")
    rematch = import_source(ws, [path], "asterisk", rematch=True)
    assert (rematch.read, rematch.matched, rematch.unmatched) == (5, 2, 1)
    assert rematch.skipped["duplicate"] == 1 and rematch.skipped["missed"] == 1
    assert query(ws, "SELECT client_id, sum(minutes) FROM interactions GROUP BY 1 ORDER BY 1") == [
        ("C1", 2.0),
        ("C9", 1.5),
    ]


def test_a_bad_file_among_good_ones_leaves_the_store_untouched(ws, tmp_path):
    good = master_csv(tmp_path / "good.csv")
    bad = tmp_path / "bad.csv"
    bad.write_text("just,three,columns\n")
    with pytest.raises(ClientloadError, match=r"bad\.csv, line 1: 3 columns"):
        import_source(ws, [good, bad], "asterisk")
    assert query(ws, "SELECT count(*) FROM interactions") == [(0,)]
    assert query(ws, "SELECT count(*) FROM imports") == [(0,)]


def test_progress_is_reported(ws, tmp_path):
    seen = []
    import_source(ws, [master_csv(tmp_path / "m.csv")], "asterisk", lambda *a: seen.append(a))
    assert ("read asterisk", 1, 1) in seen and ("match to clients", 5, 5) in seen


def test_imported_calls_raise_exactly_those_clients_load_by_the_files_minutes(tmp_path):
    ws = init_workspace(tmp_path / "ws")
    clients = [
        (f"K{i:03d}", f"+7 9{i:02d} 123-45-{i % 100:02d}; 89{i:02d}765432{i % 10}" if i % 3 else
         f"+7 (9{i:02d}) 555-00-{i % 100:02d}")
        for i in range(10, 70)
    ]  # fmt: skip
    with ws.connect() as con:
        con.executemany("INSERT INTO clients (client_id, phones) VALUES (?, ?)", clients)
        # calls already known from another import stay as they are
        con.execute(
            "INSERT INTO interactions (client_id, type, date, minutes) VALUES "
            "('K010', 'call', '2024-01-10', 7.5), ('K011', 'email', '2024-01-10', 4)"
        )
    before = dict(query(ws, "SELECT client_id, sum(minutes) FROM interactions GROUP BY 1"))
    legs, expected = sample_asterisk_calls(clients, calls=400, start=datetime(2024, 3, 1))
    path = write_asterisk_master(tmp_path / "Master.csv", legs)
    result = import_source(ws, [path], "asterisk")
    assert result.read == result.matched + result.unmatched + result.skipped_total == 400
    after = dict(query(ws, "SELECT client_id, sum(minutes) FROM interactions GROUP BY 1"))
    raised = {c: after[c] - before.get(c, 0.0) for c in after if after[c] != before.get(c)}
    assert raised.keys() == expected.keys()
    for client_id, minutes in expected.items():
        assert raised[client_id] == pytest.approx(minutes)
    assert result.minutes_inserted == pytest.approx(sum(expected.values()))


def test_summary_rows_name_every_reason_used(ws, tmp_path):
    result = import_source(ws, [master_csv(tmp_path / "m.csv")], "asterisk")
    assert result.summary_rows() == [
        ("read", 5),
        ("matched", 1),
        ("unmatched", 3),
        ("skipped: missed / not answered / not held", 1),
        ("interactions added", 1),
    ]
