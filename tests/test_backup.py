"""`clientload backup` / `clientload restore`: every table of the store comes back with the same
rows, types, keys and checksums, web accounts and history included; a damaged backup or a store
that holds data is refused without touching anything."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from clientload.backup import backup_workspace, restore_workspace
from clientload.errors import ClientloadError
from clientload.ingest import import_files
from clientload.workspace import Workspace, init_workspace


def state(store: Path) -> dict[str, tuple]:
    """Per table: row count, checksum of the rows, columns with types, and the CREATE statement
    (keys, NOT NULL, defaults)."""
    with duckdb.connect(str(store), read_only=True) as con:
        names = [r[0] for r in con.execute("SHOW TABLES").fetchall()]
        out = {}
        for name in names:
            count, digest = con.execute(
                "SELECT count(*), md5(coalesce(string_agg(h, ',' ORDER BY h), '')) FROM "
                f'(SELECT md5(CAST(r AS VARCHAR)) AS h FROM "{name}" r)'
            ).fetchone()
            columns = con.execute(f'DESCRIBE "{name}"').fetchall()
            create = con.execute("SELECT sql FROM duckdb_tables() WHERE table_name = ?",
                                 [name]).fetchone()[0]
            out[name] = (count, digest, columns, create)
        return out


@pytest.fixture(scope="module")
def full(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    """A workspace with every kind of table: inputs with NULLs, odd text and dates, the import
    log, web accounts and logged interactions, and the history of two runs."""
    from clientload.run import HISTORY_DDL
    from clientload.web.auth import add_user

    root = tmp_path_factory.mktemp("backup")
    ws = init_workspace(root / "ws")
    sales = root / "sales.csv"
    sales.write_text(
        "client_id,date,sku,quantity,revenue,cost,order_id\n"
        'C1,2024-01-05,A1,2,100.5,80,O1\nC2,2024-02-29,"A,2",-1,-50,,O2\n'
        "C'3,2024-03-01,Ж-3,1.25,1e6,0.1,\n", "utf-8")
    import_files(ws, [sales], "sales")
    clients = root / "clients.csv"
    clients.write_text('client_id,name,manager\nC1,"<b>Альфа</b>",Ivanov\nC2,=1+1,\n', "utf-8")
    import_files(ws, [clients], "clients")
    orders = root / "orders.csv"
    orders.write_text("order_id,client_id,created_at,urgent,changes\nO1,C1,2024-01-05 10:30,"
                      "true,2\nO2,C2,,false,\n", "utf-8")
    import_files(ws, [orders], "orders")
    add_user(ws, "admin", "correct horse battery", "admin")
    add_user(ws, "anna", "another long secret", "manager", "Ivanov")
    with duckdb.connect(str(ws.store_path)) as con:
        for ddl in HISTORY_DDL:
            con.execute(ddl)
        con.execute("INSERT INTO history_runs VALUES (1, '2024-04-01 12:00:00', '2023-04-01', "
                    "'2024-03-31', 'duckdb', 'x = 1', '{}'), (2, '2024-05-01 12:00:00', "
                    "'2023-05-01', '2024-04-30', 'duckdb', NULL, NULL)")
        con.execute("INSERT INTO history_clients VALUES (1, 'C1', 'core', 1.5, 0.5, 0.25, 10, 3,"
                    " 0), (2, 'C1', 'growing', 2.5, NULL, -0.25, 11, 4, 1e-9)")
    return ws


def test_backup_then_restore_loses_nothing(full: Workspace, tmp_path: Path) -> None:
    before = state(full.store_path)
    assert {"web_users", "history_runs", "history_clients", "imports", "sales"} <= set(before)
    manifest = backup_workspace(full.root, tmp_path / "bk")
    assert {t.name for t in manifest.tables} == set(before)
    written = json.loads((tmp_path / "bk" / "manifest.json").read_text("utf-8"))
    assert {t["name"]: t["rows"] for t in written["tables"]} == {
        name: s[0] for name, s in before.items()
    }
    restore_workspace(tmp_path / "bk", tmp_path / "new")
    assert state(tmp_path / "new" / "clientload.duckdb") == before
    assert (tmp_path / "new" / "clientload.toml").read_bytes() == full.settings_path.read_bytes()


def test_a_restored_store_still_enforces_its_keys(full: Workspace, tmp_path: Path) -> None:
    backup_workspace(full.root, tmp_path / "bk")
    restore_workspace(tmp_path / "bk", tmp_path / "new")
    with duckdb.connect(str(tmp_path / "new" / "clientload.duckdb")) as con, pytest.raises(
        duckdb.ConstraintException
    ):
        con.execute("INSERT INTO web_users (username, password_hash, role) "
                    "VALUES ('admin', 'x', 'admin')")


def test_restore_refuses_a_store_with_data_unless_forced(full: Workspace, tmp_path: Path) -> None:
    backup_workspace(full.root, tmp_path / "bk")
    other = init_workspace(tmp_path / "other")
    clients = tmp_path / "c.csv"
    clients.write_text("client_id\nZ9\n", "utf-8")
    import_files(other, [clients], "clients")
    kept = state(other.store_path)
    with pytest.raises(ClientloadError, match=r"holds data \(clients, imports\).*--force"):
        restore_workspace(tmp_path / "bk", other.root)
    assert state(other.store_path) == kept
    restore_workspace(tmp_path / "bk", other.root, force=True)
    assert state(other.store_path) == state(full.store_path)


def test_restore_into_an_empty_workspace_is_allowed(full: Workspace, tmp_path: Path) -> None:
    backup_workspace(full.root, tmp_path / "bk")
    empty = init_workspace(tmp_path / "empty")
    restore_workspace(tmp_path / "bk", empty.root)
    assert state(empty.store_path) == state(full.store_path)


def test_a_damaged_backup_is_refused_and_the_workspace_untouched(
    full: Workspace, tmp_path: Path
) -> None:
    backup_workspace(full.root, tmp_path / "bk")
    target = init_workspace(tmp_path / "target")
    kept = state(target.store_path)
    # Swap one table's file for another table's: the counts or checksums cannot match.
    tables = tmp_path / "bk" / "tables"
    os.replace(tables / "history_clients.parquet", tables / "history_runs.parquet")
    (tables / "history_clients.parquet").write_bytes((tables / "history_runs.parquet").read_bytes())
    with pytest.raises(ClientloadError, match=r"cannot restore|damaged"):
        restore_workspace(tmp_path / "bk", target.root)
    assert state(target.store_path) == kept
    assert not list(target.root.glob(".*restoring*"))


def test_backup_refuses_a_folder_that_holds_files(full: Workspace, tmp_path: Path) -> None:
    (tmp_path / "bk").mkdir()
    (tmp_path / "bk" / "note.txt").write_text("mine", "utf-8")
    with pytest.raises(ClientloadError, match=r"not an empty folder"):
        backup_workspace(full.root, tmp_path / "bk")
    with pytest.raises(ClientloadError, match=r"not a clientload backup"):
        restore_workspace(tmp_path / "bk", tmp_path / "x")


def test_command_line_round_trip_and_one_line_refusal(full: Workspace, tmp_path: Path) -> None:
    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "clientload.cli.app", *args],
                              capture_output=True, text=True, timeout=120)

    done = cli("backup", str(full.root), "--to", str(tmp_path / "bk"))
    assert done.returncode == 0, done.stderr
    assert "backed up" in done.stdout
    done = cli("restore", str(tmp_path / "bk"), "--to", str(tmp_path / "copy"))
    assert done.returncode == 0, done.stderr
    assert state(tmp_path / "copy" / "clientload.duckdb") == state(full.store_path)
    refused = cli("restore", str(tmp_path / "bk"), "--to", str(full.root))
    assert refused.returncode == 2
    assert refused.stderr.strip().splitlines()[-1].startswith("error: ")
    assert "--force" in refused.stderr and "Traceback" not in refused.stderr
