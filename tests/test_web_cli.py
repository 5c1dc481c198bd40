"""`clientload user add` and `clientload serve --help`: accounts from the command line."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from clientload.cli.app import app
from clientload.errors import ClientloadError
from clientload.web.auth import check_password, list_users
from clientload.workspace import init_workspace


@pytest.fixture
def workspace(tmp_path):
    return init_workspace(tmp_path / "ws")


def test_user_add_reads_the_password_from_stdin(workspace):
    result = CliRunner().invoke(
        app, ["user", "add", str(workspace.root), "anna", "--role", "manager",
              "--manager-name", "Анна Белова", "--password-stdin"],
        input="a long password\n")
    assert result.exit_code == 0, result.output
    assert "anna (manager" in result.output
    user = check_password(workspace, "anna", "a long password")
    assert user is not None and user.manager_name == "Анна Белова"
    assert check_password(workspace, "anna", "a wrong password") is None
    assert [u["username"] for u in list_users(workspace)] == ["anna"]


def test_user_add_refuses_an_unknown_role_and_a_short_password(workspace):
    runner = CliRunner()
    for args, password in ((["--role", "boss"], "a long password"), (["--role", "admin"], "short")):
        result = runner.invoke(app, ["user", "add", str(workspace.root), "x", *args,
                                     "--password-stdin"], input=password + "\n")
        assert isinstance(result.exception, ClientloadError)
    assert list_users(workspace) == []


def test_serve_documents_its_options():
    result = CliRunner().invoke(app, ["serve", "--help"])
    assert result.exit_code == 0
    assert "--port" in result.output and "--demo" in result.output
