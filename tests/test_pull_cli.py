"""`clientload pull` as a user runs it (the real entry point in a subprocess): the summary, the
connection remembered for the next pull, `--list-objects`, one-line errors, the password kept out
of every file and output; and the pulled company computes as the same company imported from
CSV."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from onec_company import Company
from onec_standin import OneC

from clientload.ingest import import_files
from clientload.model.pipeline import OUTPUT_TABLES
from clientload.workspace import init_workspace


def clientload(*args: str, stdin: str | None = None, env: dict | None = None
               ) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "clientload.cli.app", *args],
                          capture_output=True, text=True, input=stdin, timeout=300,
                          env={**os.environ, **(env or {})})


@pytest.fixture(scope="module")
def onec():
    server = OneC(password="Секрет-42 пароль")
    Company.build().render(server)
    server.start()
    yield server
    server.stop()


def files_contain(folder: Path, secret: str) -> list[Path]:
    needles = [secret.encode("utf-8"), secret.encode("utf-16-le"), secret.encode("cp1251")]
    return [p for p in folder.rglob("*") if p.is_file()
            and any(n in p.read_bytes() for n in needles)]


def test_pull_from_the_command_line_remembers_the_server_and_never_keeps_the_password(
        tmp_path, onec):
    ws = init_workspace(tmp_path / "ws")
    done = clientload("pull", str(ws.root), "--from", "1c", "--url", onec.url, "--user",
                      onec.user, "--password-stdin", stdin=onec.password + "\n")
    assert done.returncode == 0, done.stderr
    assert "documents new" in done.stdout and " 83 " in done.stdout
    assert "sales" in done.stdout and "123" in done.stdout

    # the next month: URL and user from the last pull, the password from the environment
    again = clientload("pull", str(ws.root), env={"CLIENTLOAD_1C_PASSWORD": onec.password})
    assert again.returncode == 0, again.stderr
    assert "documents unchanged" in again.stdout

    wrong = clientload("pull", str(ws.root), "--password-stdin", stdin="не тот\n")
    assert wrong.returncode == 2
    assert wrong.stderr.strip().splitlines() == [
        f"error: {onec.url}/odata/standard.odata: 1С refused user 'Администратор' (401): wrong "
        "user or password, or the user may not use the standard OData interface"]

    outputs = done.stdout + done.stderr + again.stdout + again.stderr + wrong.stdout
    assert onec.password not in outputs
    assert files_contain(ws.root, onec.password) == []
    assert not any(onec.password in r for r in onec.requests)  # never in a URL


def test_list_objects_says_what_to_publish(tmp_path, onec):
    ws = init_workspace(tmp_path / "ws")
    onec.unpublished.add("Document_ВозвратТоваровОтКлиента")
    try:
        done = clientload("pull", str(ws.root), "--url", onec.url, "--user", onec.user,
                          "--list-objects", env={"CLIENTLOAD_1C_PASSWORD": onec.password})
    finally:
        onec.unpublished.clear()
    assert done.returncode == 0, done.stderr
    assert "Catalog_Склады" in done.stdout  # published, not read
    assert "Document_РеализацияТоваровУслуг" in done.stdout
    assert "NOT PUBLISHED" in done.stdout
    assert "publish Document_ВозвратТоваровОтКлиента" in done.stdout.replace("\n", " ")


def test_a_bad_since_and_no_server_are_one_line_each(tmp_path):
    ws = init_workspace(tmp_path / "ws")
    bad = clientload("pull", str(ws.root), "--url", "http://x/y", "--user", "u",
                     "--since", "15.01.2024", "--password-stdin", stdin="p\n")
    assert bad.returncode == 2
    assert bad.stderr.strip() == "error: --since '15.01.2024': expected a date as YYYY-MM-DD"
    nothing = clientload("pull", str(ws.root), "--password-stdin", stdin="p\n")
    assert nothing.stderr.strip() == (
        "error: give --url and --user: no earlier pull to take them from")


def _outputs(folder: Path) -> dict[str, pd.DataFrame]:
    frames = {}
    for name in OUTPUT_TABLES:
        path = folder / "out" / f"{name}.parquet"
        if path.exists():
            frame = pd.read_parquet(path)
            frames[name] = frame.sort_values(list(frame.columns)).reset_index(drop=True)
    return frames


@pytest.mark.slow
def test_the_pulled_company_computes_as_the_same_company_imported_from_csv(tmp_path, onec):
    pulled = init_workspace(tmp_path / "pulled")
    done = clientload("pull", str(pulled.root), "--url", onec.url, "--user", onec.user,
                      "--password-stdin", stdin=onec.password + "\n")
    assert done.returncode == 0, done.stderr

    imported = init_workspace(tmp_path / "imported")
    files = Company.build().write_csv(tmp_path / "csv")
    for table in ("clients", "products", "orders", "sales"):
        result = import_files(imported, [files[table]], table)
        assert result.rows_rejected == 0, (table, result.notes)

    for ws in (pulled, imported):
        run = clientload("run", str(ws.root))
        assert run.returncode == 0, run.stderr
    a, b = _outputs(pulled.root), _outputs(imported.root)
    assert set(a) == set(b) and "client_metrics" in a
    assert len(a["client_metrics"]) == 12
    for name in a:
        pd.testing.assert_frame_equal(a[name], b[name], check_exact=False, rtol=1e-9,
                                      obj=name)


def test_the_pull_summary_in_russian(tmp_path, onec):
    ws = init_workspace(tmp_path / "ru")
    done = clientload("pull", str(ws.root), "--url", onec.url, "--user", onec.user,
                      "--password-stdin", stdin=onec.password + "\n",
                      env={"CLIENTLOAD_LANG": "ru", "COLUMNS": "200"})
    assert done.returncode == 0, done.stderr
    assert "документов новых" in done.stdout and "документов / строк в секунду" in done.stdout
    assert "┃ таблица" in done.stdout and "заменено (тот же ключ)" in done.stdout
