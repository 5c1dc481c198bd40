"""The command line's promise for every mistake: one line on stderr, starting `error:`, exit 2 —
usage mistakes (Click's own four-line block before), paths that are folders, a port that is taken,
no terminal for a password. Each case runs the real entry point in a subprocess."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest

from clientload.workspace import init_workspace


def clientload(*args: str, stdin: int | None = subprocess.DEVNULL) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "clientload.cli.app", *args],
        capture_output=True, text=True, stdin=stdin, timeout=120,
    )


def one_line_error(done: subprocess.CompletedProcess) -> str:
    assert done.returncode == 2, (done.returncode, done.stdout, done.stderr)
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), done.stderr
    return lines[0]


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("bogus",), "No such command 'bogus'; see `clientload --help`"),
        (("parity", "volume", "--margin", "0.3"),
         "Missing option '--discount'; see `clientload parity volume --help`"),
        (("generate", "x", "--clients", "abc"), "'--clients'"),
        (("parity", "grid", "--margins", "20%", "30%"), "unexpected extra argument"),
    ],
)
def test_usage_mistakes_are_one_line_naming_the_help_to_read(args, said) -> None:
    assert said in one_line_error(clientload(*args))


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    return init_workspace(tmp_path / "ws").root


def test_a_folder_given_as_the_file_to_write_is_one_line(workspace: Path, tmp_path: Path) -> None:
    said = one_line_error(clientload("report", str(workspace), "--html", str(tmp_path)))
    assert f"--html {tmp_path}: is a folder; give a file name, e.g. " in said
    said = one_line_error(clientload("export", str(workspace), "--xlsx", str(tmp_path)))
    assert f"--xlsx {tmp_path}: is a folder" in said


@pytest.mark.parametrize(
    ("args", "said"),
    [
        ((), "give exactly one of --xlsx PATH and --rows FOLDER"),
        (("--xlsx", "a.xlsx", "--rows", "r"), "give exactly one of --xlsx PATH and --rows FOLDER"),
        (("--xlsx", "a.xlsx", "--period", "2025-01:2025-12"), "--period goes with --rows"),
        (
            ("--rows", "r", "--period", "2025-01-05:2025-02-04"),
            "the rows are calendar months; expected whole months",
        ),
    ],
)
def test_export_asks_for_the_workbook_or_the_rows_of_whole_months(
    workspace: Path, tmp_path: Path, args, said
) -> None:
    args = tuple(str(tmp_path / a) if a in ("a.xlsx", "r") else a for a in args)
    assert said in one_line_error(clientload("export", str(workspace), *args))


def test_a_folder_given_as_a_file_to_import_is_named_as_a_folder(
    workspace: Path, tmp_path: Path
) -> None:
    said = one_line_error(clientload("import", str(workspace), str(tmp_path), "--table", "sales"))
    assert said == f"error: {tmp_path}: is a folder; name the files in it"


def test_an_empty_source_is_named_as_an_unknown_source(workspace: Path, tmp_path: Path) -> None:
    """`--source ""` is a source given (the importer lists the known ones), not the table import
    it fell through to ("unknown table None")."""
    calls = tmp_path / "calls.csv"
    calls.write_text("a,b\n", "utf-8")
    said = one_line_error(clientload("import", str(workspace), str(calls), "--source", ""))
    assert said.startswith("error: unknown source ''; expected one of "), said


def test_parity_client_outside_a_workspace_says_so(tmp_path: Path) -> None:
    said = one_line_error(
        clientload("parity", "client", str(tmp_path / "none"), "C1", "--discount", "5%")
    )
    assert "is not a folder; create a workspace" in said


def test_serve_on_a_taken_port_or_no_port_is_one_line(workspace: Path) -> None:
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen(1)
    try:
        port = taken.getsockname()[1]
        done = clientload("serve", str(workspace), "--port", str(port))
        assert f"127.0.0.1:{port}: cannot listen there" in one_line_error(done)
        assert "Ctrl+C" not in done.stdout  # the banner comes only once it listens
    finally:
        taken.close()
    said = one_line_error(clientload("serve", str(workspace), "--port", "99999"))
    assert "--port 99999: expected a port number from 1 to 65535" in said


def test_user_add_with_no_terminal_asks_for_password_stdin(workspace: Path) -> None:
    said = one_line_error(clientload("user", "add", str(workspace), "zed", "--role", "analyst"))
    assert "--password-stdin" in said


def test_init_writes_the_currency_company_and_language_it_is_given(tmp_path: Path) -> None:
    from clientload.settings import load_settings

    root = tmp_path / "acme"
    done = clientload("init", str(root), "--currency", "USD", "--company", 'Acme "West" \\ Co',
                      "--language", "en")
    assert done.returncode == 0, done.stderr
    assert "next: import the sales" in done.stdout
    assert "scaled to the company from its revenue until you describe the staff" in done.stdout
    analysis = load_settings(root / "clientload.toml").section("analysis")
    assert (analysis["currency"], analysis["company"], analysis["language"]) == (
        "USD", 'Acme "West" \\ Co', "en"
    )
    said = one_line_error(clientload("init", str(tmp_path / "b"), "--currency", "dollars"))
    assert "--currency 'dollars': expected a three-letter code" in said
    assert not (tmp_path / "b").exists()
    said = one_line_error(clientload("init", str(root), "--currency", "EUR"))
    assert "is already there; edit it instead" in said
