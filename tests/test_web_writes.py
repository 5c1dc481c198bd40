"""The web app's group commit for logged interactions, and the sign-in limits.

Concurrent entries share one connection and transaction; a refused entry fails alone; a store
held by another process answers 503 (try again), never 500; edits go through the same writer.
Sign-in failures are limited per name and address and per address, and old ones are forgotten.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pytest
from fastapi import HTTPException
from fastapi.testclient import TestClient
from test_web_support import PASSWORD, csrf_of, make_workspace, sign_in

from clientload.web import create_app
from clientload.web.auth import LoginLimiter
from clientload.web.store import GroupWriter, StoreBusy, one_by_one


def put_number(con: duckdb.DuckDBPyConnection, number: int) -> int:
    if number < 0:
        raise HTTPException(422, "negative")  # a check that refuses before writing
    con.execute("INSERT INTO numbers VALUES (?)", [number])
    return number * 10


put_numbers = one_by_one(put_number)


@pytest.fixture
def ws(tmp_path: Path):
    ws = make_workspace(tmp_path / "ws")
    with duckdb.connect(str(ws.store_path)) as con:
        con.execute("CREATE TABLE numbers (n INTEGER PRIMARY KEY)")
    return ws


def stored_numbers(ws) -> list[int]:
    with duckdb.connect(str(ws.store_path)) as con:
        return [n for (n,) in con.execute("SELECT n FROM numbers ORDER BY n").fetchall()]


def submit_all(writer: GroupWriter, numbers: list[int]) -> dict[int, object]:
    """Submit every number from its own thread at once; each thread's outcome by number."""
    outcomes: dict[int, object] = {}
    start = threading.Barrier(len(numbers))

    def one(n: int) -> None:
        with writer.expecting() as submit:
            start.wait()
            try:
                outcomes[n] = submit(put_numbers, n)
            except Exception as exc:
                outcomes[n] = exc

    threads = [threading.Thread(target=one, args=(n,)) for n in numbers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


def test_concurrent_writes_share_transactions_and_each_gets_its_own_result(ws) -> None:
    writer = GroupWriter(ws, gather=1.0)
    outcomes = submit_all(writer, list(range(40)))
    assert outcomes == {n: n * 10 for n in range(40)}
    assert stored_numbers(ws) == list(range(40))
    assert writer.batches < 40  # grouped: fewer transactions than writes


def test_a_refused_write_fails_alone_and_the_others_are_stored(ws) -> None:
    writer = GroupWriter(ws, gather=1.0)
    outcomes = submit_all(writer, [1, -2, 3, 4])
    assert isinstance(outcomes[-2], HTTPException) and outcomes[-2].status_code == 422
    assert [outcomes[n] for n in (1, 3, 4)] == [10, 30, 40]
    assert stored_numbers(ws) == [1, 3, 4]


def test_a_database_error_costs_only_its_own_write(ws) -> None:
    writer = GroupWriter(ws)
    writer.submit(put_numbers, 7)
    outcomes = submit_all(GroupWriter(ws, gather=1.0), [5, 7, 9])  # 7 breaks the primary key
    assert isinstance(outcomes[7], duckdb.ConstraintException)
    assert outcomes[5] == 50 and outcomes[9] == 90
    assert stored_numbers(ws) == [5, 7, 9]


def hold_store(ws) -> subprocess.Popen:
    """Another process (as `clientload run` would) keeps the store open until stopped."""
    code = ("import duckdb, sys, time; con = duckdb.connect(sys.argv[1]); print('held', "
            "flush=True); time.sleep(60)")
    process = subprocess.Popen([sys.executable, "-c", code, str(ws.store_path)],
                               stdout=subprocess.PIPE, text=True)
    assert process.stdout.readline().strip() == "held"
    return process


def test_a_store_held_by_another_process_is_a_503_and_the_next_try_works(ws) -> None:
    manager = TestClient(create_app(str(ws.root), secret_key="k"))
    assert sign_in(manager, "ivanov").status_code == 303
    token = csrf_of(manager)
    entry = {"client_id": "C00001", "type": "call", "department": "sales", "minutes": "5",
             "date": "2026-03-02", "note": "busy", "csrf_token": token}
    holder = hold_store(ws)
    try:
        busy = manager.post("/log", data=entry, follow_redirects=False,
                            headers={"Accept": "application/json"})
    finally:
        holder.kill()
        holder.wait()
    assert busy.status_code == 503
    assert "try again" in busy.json()["detail"]
    assert busy.headers["Retry-After"] == "5"
    assert manager.post("/log", data=entry, follow_redirects=False).status_code == 303
    with duckdb.connect(str(ws.store_path)) as con:
        assert con.execute("SELECT count(*) FROM interactions WHERE note = 'busy'").fetchone() \
            == (1,)


def test_store_busy_is_a_one_line_user_error_too() -> None:
    busy = StoreBusy()
    assert busy.status_code == 503 and "\n" not in str(busy) and "try again" in str(busy)


def test_edits_and_new_entries_go_through_the_same_writer(ws) -> None:
    app = create_app(str(ws.root), secret_key="k")
    managers = []
    for _ in range(4):
        manager = TestClient(app)
        assert sign_in(manager, "ivanov").status_code == 303
        managers.append((manager, csrf_of(manager)))

    def log(k: int) -> None:
        manager, token = managers[k % 4]
        for n in range(5):
            response = manager.post("/log", follow_redirects=False, data={
                "client_id": "C00001", "type": "call", "minutes": "1", "date": "2026-03-02",
                "note": f"{k}-{n}", "csrf_token": token})
            assert response.status_code == 303

    threads = [threading.Thread(target=log, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    manager, token = managers[0]
    changed = manager.post("/log/3", follow_redirects=False, data={
        "client_id": "C00002", "type": "visit", "minutes": "45", "date": "2026-03-03",
        "note": "changed", "csrf_token": token})
    assert changed.status_code == 303
    assert manager.post("/log/999", follow_redirects=False, data={
        "client_id": "C00001", "type": "call", "csrf_token": token}).status_code == 404
    with duckdb.connect(str(ws.store_path)) as con:
        lines = con.execute("SELECT _line FROM interactions ORDER BY _line").fetchall()
        third = con.execute("SELECT client_id, type, minutes, note FROM interactions "
                            "WHERE _line = 3").fetchone()
    assert [line for (line,) in lines] == list(range(1, 41))  # each entry its own number
    assert third == ("C00002", "visit", 45.0, "changed")


# --- sign-in limits -------------------------------------------------------------------------------


def test_one_address_spraying_many_user_names_is_stopped() -> None:
    limiter = LoginLimiter(attempts=5, address_attempts=20)
    for k in range(20):
        assert not limiter.blocked(f"user{k}", "10.0.0.9")
        limiter.failed(f"user{k}", "10.0.0.9")
    assert limiter.blocked("someone-new", "10.0.0.9")
    assert not limiter.blocked("someone-new", "10.0.0.10")  # other addresses are not punished


def test_a_right_password_does_not_reset_the_address_limit() -> None:
    limiter = LoginLimiter(attempts=5, address_attempts=3)
    for k in range(3):
        limiter.failed(f"user{k}", "10.0.0.9")
    limiter.succeeded("mine", "10.0.0.9")
    assert limiter.blocked("user9", "10.0.0.9")


def test_failures_older_than_the_window_are_forgotten_keys_and_all(monkeypatch) -> None:
    clock = [1000.0]
    monkeypatch.setattr(time, "time", lambda: clock[0])
    limiter = LoginLimiter(attempts=5, window=60.0, address_attempts=20)
    for k in range(50):
        limiter.failed(f"user{k}", f"10.0.{k}.1")
    assert limiter.keys() == 100
    assert limiter.blocked("user0", "10.0.0.1") is False
    clock[0] += 61
    limiter.failed("late", "10.9.9.9")
    assert limiter.keys() == 2  # only the late pair and its address remain


def test_the_sign_in_page_answers_429_to_an_address_spraying_names(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path / "ws")
    visitor = TestClient(create_app(str(ws.root), secret_key="k"))
    for k in range(20):
        assert sign_in(visitor, f"nobody{k}", "wrong password").status_code == 401
    assert sign_in(visitor, "ivanov", PASSWORD).status_code == 429
