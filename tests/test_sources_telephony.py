"""PBX call records: Asterisk Master.csv (16 and 21 columns), FreePBX CDR report, 3CX history."""

from datetime import datetime

import pytest

from clientload.errors import ClientloadError
from clientload.sources import import_source
from clientload.workspace import init_workspace

SETTINGS = '[sources]\nown_numbers = ["+7 495 000-00-00"]\n'


@pytest.fixture
def ws(tmp_path):
    ws = init_workspace(tmp_path / "ws", SETTINGS)
    with ws.connect() as con:
        con.executemany(
            "INSERT INTO clients (client_id, name, phones) VALUES (?, ?, ?)",
            [
                ("C1", "Acme", "+7 (495) 123-45-67; 89161234567"),
                ("C2", "Beta", "74957654321"),
            ],
        )
    return ws


def stored(ws):
    with ws.connect() as con:
        return con.execute(
            "SELECT client_id, type, date, minutes, employee, _line "
            "FROM interactions ORDER BY _line"
        ).fetchall()


def adds_up(result):
    assert result.read == result.matched + result.unmatched + result.skipped_total
    return True


def asterisk(src, dst, start, billsec, disposition="ANSWERED", channel="SIP/trunk-1",
             dstchannel="SIP/101-2", more=()):  # fmt: skip
    """One Master.csv line in cdr_csv's column order; `more` = the columns after amaflags."""
    fields = ["", src, dst, "from-trunk", f'"Caller" <{src}>', channel, dstchannel, "Dial", "",
              start, start, start, billsec + 5, billsec, disposition, "DOCUMENTATION",
              *more]  # fmt: skip
    quoted = ('"' + f.replace('"', '""') + '"' if isinstance(f, str) and f else str(f)
              for f in fields)  # fmt: skip
    return ",".join(quoted)


def test_asterisk_16_columns(ws, tmp_path):
    lines = [
        asterisk("89161234567", "101", "2024-03-05 10:15:00", 120),  # incoming, 8-prefixed
        asterisk(
            "102",
            "84957654321",
            "2024-03-05 11:00:00",
            90,
            channel="SIP/102-3",
            dstchannel="SIP/trunk-4",
        ),  # outgoing to C2
        asterisk("+79990001122", "101", "2024-03-05 12:00:00", 30),  # nobody we know
        asterisk("89161234567", "101", "2024-03-05 13:00:00", 0, "NO ANSWER"),
        asterisk("101", "102", "2024-03-05 14:00:00", 300),  # colleague to colleague
        # answered by the IVR menu only (no destination channel): no one talked
        asterisk("89161234567", "s", "2024-03-05 15:00:00", 25, dstchannel=""),
    ]
    path = tmp_path / "Master.csv"
    path.write_text("\n".join(lines) + "\n")
    result = import_source(ws, [path], "asterisk")
    assert (result.read, result.matched, result.unmatched) == (6, 2, 1)
    assert result.skipped["missed"] == 2 and result.skipped["internal"] == 1
    assert adds_up(result)
    assert stored(ws) == [
        ("C1", "call", datetime(2024, 3, 5, 7, 15), 2.0, "101", 1),  # Moscow 10:15 = 07:15 UTC
        ("C2", "call", datetime(2024, 3, 5, 8, 0), 1.5, "102", 2),
    ]
    assert result.top_unmatched == [("+79990001122", 1)]


def test_asterisk_21_columns_groups_the_legs_of_a_call_by_linkedid(ws, tmp_path):
    def more(uid, linked, seq):
        return (uid, "", "", linked, seq)

    lines = [
        # the call reaches the queue, is answered by 101, then transferred to 102
        asterisk("89161234567", "s", "2024-03-05 10:15:00", 240, "ANSWERED",
                 "SIP/trunk-01", "SIP/101-02", more("1709.1", "1709.1", 1)),
        asterisk("101", "102", "2024-03-05 10:17:00", 180, "ANSWERED",
                 "SIP/101-03", "SIP/102-04", more("1709.2", "1709.1", 2)),
        asterisk("89161234567", "s", "2024-03-05 10:15:00", 0, "NO ANSWER",
                 "SIP/trunk-01", "SIP/103-05", more("1709.3", "1709.1", 3)),
        # a second call with one leg
        asterisk("74957654321", "+74950000000", "2024-03-05 16:00:00", 60, "ANSWERED",
                 "SIP/trunk-09", "SIP/104-10", more("1800.1", "1800.1", 4)),
    ]  # fmt: skip
    path = tmp_path / "Master.csv"
    path.write_text("\n".join(lines) + "\n")
    result = import_source(ws, [path], "asterisk")
    assert (result.read, result.matched, result.unmatched, result.skipped_total) == (2, 2, 0, 0)
    rows = stored(ws)
    # default pbx_call_legs = "longest": the 240-second leg, not 240 + 180
    assert rows[0][:4] == ("C1", "call", datetime(2024, 3, 5, 7, 15), 4.0)
    assert rows[0][4] == "101"  # the phone named by the answered leg's channel
    assert rows[1][:4] == ("C2", "call", datetime(2024, 3, 5, 13, 0), 1.0)


def test_asterisk_legs_can_be_summed(tmp_path):
    ws = init_workspace(tmp_path / "ws", SETTINGS + 'pbx_call_legs = "sum"\n')
    with ws.connect() as con:
        con.execute("INSERT INTO clients (client_id, phones) VALUES ('C1', '89161234567')")
    more = ("u", "", "", "L1", "1")
    path = tmp_path / "Master.csv"
    path.write_text(
        asterisk("89161234567", "101", "2024-03-05 10:15:00", 240, more=more) + "\n"
        + asterisk("101", "102", "2024-03-05 10:19:00", 180, more=more) + "\n"
    )  # fmt: skip
    import_source(ws, [path], "asterisk")
    assert stored(ws)[0][3] == 7.0


@pytest.mark.parametrize("columns", [15, 22])
def test_a_file_that_is_not_master_csv_names_the_line_and_the_layout(ws, tmp_path, columns):
    path = tmp_path / "Master.csv"
    good = asterisk("89161234567", "101", "2024-03-05 10:15:00", 120)
    path.write_text(good + "\n" + ",".join(["x"] * columns) + "\n")
    with pytest.raises(
        ClientloadError, match=rf"Master.csv, line 2: {columns} columns; expected an Asterisk"
    ):
        import_source(ws, [path], "asterisk")
    assert stored(ws) == []


def test_asterisk_wrong_disposition_column(ws, tmp_path):
    path = tmp_path / "Master.csv"
    path.write_text(asterisk("89161234567", "101", "2024-03-05 10:15:00", 120, "HELLO") + "\n")
    with pytest.raises(ClientloadError, match="line 1: column 15 \\(disposition\\) is 'HELLO'"):
        import_source(ws, [path], "asterisk")


FREEPBX = '''calldate,clid,src,dst,dcontext,channel,dstchannel,lastapp,lastdata,duration,billsec,disposition,amaflags,accountcode,uniqueid,userfield,did,cnum,cnam,outbound_cnum,outbound_cnam,dst_cnam,recordingfile,linkedid,peeraccount,sequence
2024-03-05 10:15:00,"""Acme"" <89161234567>",89161234567,600,ext-queues,PJSIP/trunk-01,Local/101@from-queue-01;1,Queue,600,200,185,ANSWERED,3,,1709.1,,74950000000,89161234567,Acme,,,,,1709.1,,1
2024-03-05 10:15:00,"""Acme"" <89161234567>",89161234567,101,from-queue,Local/101@from-queue-01;2,PJSIP/101-02,Dial,PJSIP/101,195,180,ANSWERED,3,,1709.2,,,89161234567,Acme,,,,,1709.1,,2
2024-03-05 11:00:00,"""Ivan"" <102>",102,84957654321,from-internal,PJSIP/102-03,PJSIP/trunk-04,Dial,PJSIP/trunk/84957654321,20,0,NO ANSWER,3,,1710.1,,,102,Ivan,,,,,1710.1,,3
'''  # noqa: E501


def test_freepbx_cdr_report(ws, tmp_path):
    path = tmp_path / "cdr.csv"
    path.write_text(FREEPBX)
    result = import_source(ws, [path], "freepbx")
    assert (result.read, result.matched, result.skipped["missed"]) == (2, 1, 1)
    assert adds_up(result)
    # the queue's Local leg and the phone's leg are one conversation: the longest, 185 s
    assert stored(ws) == [("C1", "call", datetime(2024, 3, 5, 7, 15), 185 / 60, "101", 2)]


def test_freepbx_without_its_columns(ws, tmp_path):
    path = tmp_path / "cdr.csv"
    path.write_text("date,number,seconds\n2024-03-05,89161234567,10\n")
    with pytest.raises(ClientloadError, match=r"cdr\.csv, line 1: no column calldate, src, dst"):
        import_source(ws, [path], "freepbx")


THREE_CX = """Call Time,Call ID,From,To,Direction,Status,Ringing,Talking,Cost,Call Activity Details
2024-03-05 10:15:00,00000A1,Acme (+7 (916) 123-45-67),Reception (100),Inbound,Answered,00:00:05,00:01:30,,Answered by 100
2024-03-05 10:16:40,00000A1,Reception (100),Sales Ivan (101),Inbound,Answered,00:00:03,00:04:00,,Transferred to 101
2024-03-05 11:00:00,00000A2,Sales Ivan (101),84957654321,Outbound,Unanswered,00:00:30,00:00:00,,No answer
2024-03-05 12:00:00,00000A3,Sales Ivan (101),Reception (100),Internal,Answered,00:00:02,00:02:00,,
2024-03-05 13:00:00,00000A4,Stranger (8 (999) 000-11-22),Reception (100),Inbound,Answered,00:00:02,00:00:45,,
"""  # noqa: E501


def test_3cx_sums_the_segments_of_a_call_id(ws, tmp_path):
    path = tmp_path / "history.csv"
    path.write_text(THREE_CX)
    result = import_source(ws, [path], "3cx")
    assert (result.read, result.matched, result.unmatched) == (4, 1, 1)
    assert result.skipped["missed"] == 1 and result.skipped["internal"] == 1
    assert adds_up(result)
    assert stored(ws) == [("C1", "call", datetime(2024, 3, 5, 7, 15), 5.5, "101", 2)]
    assert result.top_unmatched == [("+79990001122", 1)]


def test_3cx_in_utf16_with_us_dates_and_hour_long_calls(ws, tmp_path):
    path = tmp_path / "history.csv"
    path.write_text(
        "Call Time,Call ID,From,To,Direction,Status,Ringing,Talking\r\n"
        "3/5/2024 1:15:00 PM,7,Acme (8 916 123 45 67),Ivan (101),Inbound,Answered,"
        "00:00:02,1:02:03\r\n",
        encoding="utf-16",
    )
    result = import_source(ws, [path], "3cx")
    assert (result.read, result.matched) == (1, 1)
    assert stored(ws) == [("C1", "call", datetime(2024, 3, 5, 10, 15), 62.05, "101", 2)]
