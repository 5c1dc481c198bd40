"""E-mail: mbox and .eml folders, encoded headers, direction, lists, auto-replies, duplicates."""

from datetime import datetime

import pytest

from clientload.errors import ClientloadError
from clientload.sources import import_source
from clientload.workspace import init_workspace


@pytest.fixture
def ws(tmp_path):
    ws = init_workspace(
        tmp_path / "ws",
        '[sources]\nown_domains = ["ourfirm.ru"]\n'
        "incoming_email_minutes = 2.0\noutgoing_email_minutes = 5.0\n",
    )
    with ws.connect() as con:
        con.executemany(
            "INSERT INTO clients (client_id, name, emails) VALUES (?, ?, ?)",
            [
                ("C1", "Acme", "@acme.ru"),
                ("C2", "Beta", "ivan.petrov@gmail.com; sales@beta.ru"),
            ],
        )
    return ws


def message(sender, to, subject="Hello", message_id=None, date="Tue, 05 Mar 2024 10:15:00 +0300",
            cc=None, extra=""):  # fmt: skip
    lines = [f"From: {sender}", f"To: {to}", f"Subject: {subject}", f"Date: {date}"]
    if cc:
        lines.append(f"Cc: {cc}")
    if message_id:
        lines.append(f"Message-ID: <{message_id}>")
    if extra:
        lines.append(extra)
    return "\n".join([*lines, "MIME-Version: 1.0", "Content-Type: text/plain; charset=utf-8", "",
                      "Body text.", ""])  # fmt: skip


MESSAGES = [
    # an incoming message with an encoded sender name and subject ("Заказ" / "Пётр")
    message("=?utf-8?B?0J/RkdGC0YA=?= <petr@acme.ru>", "anna@ourfirm.ru",
            "=?utf-8?B?0JfQsNC60LDQtw==?= 15", "m1@acme.ru"),
    # the same message again (in a second folder of the export)
    message("petr@acme.ru", "anna@ourfirm.ru", "Заказ 15", "m1@acme.ru"),
    # outgoing to two clients and a colleague: one interaction for each client
    message("Anna <anna@ourfirm.ru>", "petr@acme.ru, ivan.petrov@gmail.com",
            "Prices", "m2@ourfirm.ru", cc="boss@ourfirm.ru", date="Tue, 05 Mar 2024 12:00:00"),
    # a stranger on gmail: public domain, never matched by domain
    message("someone@gmail.com", "anna@ourfirm.ru", "Hi", "m3@gmail.com"),
    # an unknown company
    message("info@newco.ru", "anna@ourfirm.ru", "Offer", "m4@newco.ru"),
    message("sales@newco.ru", "anna@ourfirm.ru", "Offer 2", "m5@newco.ru"),
    # a newsletter and an out-of-office reply
    message("news@acme.ru", "anna@ourfirm.ru", "News", "m6@acme.ru",
            extra="List-Unsubscribe: <mailto:unsub@acme.ru>"),
    message("petr@acme.ru", "anna@ourfirm.ru", "Out of office", "m7@acme.ru",
            extra="Auto-Submitted: auto-replied"),
    message("petr@acme.ru", "anna@ourfirm.ru", "Bulk", "m8@acme.ru", extra="Precedence: bulk"),
    # colleague to colleague
    message("anna@ourfirm.ru", "boss@ourfirm.ru", "Lunch", "m9@ourfirm.ru"),
]  # fmt: skip


def stored(ws):
    with ws.connect() as con:
        return con.execute(
            "SELECT client_id, type, date, minutes, employee, note "
            "FROM interactions ORDER BY _line, client_id"
        ).fetchall()


def test_mbox(ws, tmp_path):
    path = tmp_path / "Inbox.mbox"
    path.write_text(
        "".join(f"From MAILER-DAEMON Tue Mar  5 10:15:00 2024\n{m}\n" for m in MESSAGES)
    )
    result = import_source(ws, [path], "mbox")
    assert (result.read, result.matched, result.unmatched) == (10, 2, 3)
    assert result.skipped == {
        "missed": 0, "internal": 1, "duplicate": 1, "mailing_list": 2, "auto_reply": 1,
        "not_contact": 0,
    }  # fmt: skip
    assert result.read == result.matched + result.unmatched + result.skipped_total
    assert stored(ws) == [
        ("C1", "email", datetime(2024, 3, 5, 7, 15), 2.0, "anna@ourfirm.ru", "Заказ 15"),
        # no offset in the Date header: Moscow time
        ("C1", "email", datetime(2024, 3, 5, 9, 0), 5.0, "anna@ourfirm.ru", "Prices"),
        ("C2", "email", datetime(2024, 3, 5, 9, 0), 5.0, "anna@ourfirm.ru", "Prices"),
    ]
    assert result.rows_inserted == 3
    assert result.top_unmatched == [("@newco.ru", 2), ("someone@gmail.com", 1)]


def test_folder_of_eml_files_and_a_second_export_adds_nothing_twice(ws, tmp_path):
    folder = tmp_path / "export"
    (folder / "sent").mkdir(parents=True)
    (folder / "a.eml").write_text(MESSAGES[0])
    (folder / "sent" / "b.eml").write_text(MESSAGES[2])
    first = import_source(ws, [folder], "eml")
    assert (first.read, first.matched, first.rows_inserted) == (2, 2, 3)
    # a later export that holds the same two messages and a new one
    later = tmp_path / "later"
    later.mkdir()
    (later / "1.eml").write_text(MESSAGES[0])
    (later / "2.eml").write_text(MESSAGES[2])
    (later / "3.eml").write_text(message("petr@acme.ru", "anna@ourfirm.ru", "New", "m10@acme.ru"))
    second = import_source(ws, [later], "eml")
    assert (second.read, second.matched, second.skipped["duplicate"]) == (3, 1, 2)
    assert len(stored(ws)) == 4


def test_a_file_that_is_not_an_mbox(ws, tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("Dear diary\n")
    with pytest.raises(ClientloadError, match=r"notes\.txt, line 1: .*expected an mbox file"):
        import_source(ws, [path], "mbox")


def test_a_folder_without_messages(ws, tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(ClientloadError, match=r"holds no \.eml files"):
        import_source(ws, [tmp_path / "empty"], "eml")
