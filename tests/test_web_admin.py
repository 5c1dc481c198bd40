"""Analysts' and admins' work in the web app: import with rejects, settings validated before they
are saved, recalculation in the background, accounts, and the upload size limit."""

from __future__ import annotations

import warnings

import pytest

warnings.filterwarnings("ignore", message=".*httpx.*", category=DeprecationWarning)
from fastapi.testclient import TestClient  # noqa: E402
from test_web_support import csrf_of, make_workspace, sign_in, write_results  # noqa: E402

from clientload.web import create_app  # noqa: E402


def doubled_load(ws, progress):
    """A stand-in for the model: the same clients with twice the load."""
    progress("costing", 1, 2)
    write_results(ws, load_factor=2.0)
    progress("costing", 2, 2)


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    return make_workspace(tmp_path_factory.mktemp("web-admin") / "ws")


@pytest.fixture(scope="module")
def app(workspace):
    return create_app(workspace.root, secret_key="k", runner=doubled_load,
                      max_upload_bytes=200_000)


@pytest.fixture(scope="module")
def admin(app):
    client = TestClient(app)
    assert sign_in(client, "admin").status_code == 303
    return client


def test_import_reports_loaded_and_rejected_rows_with_the_rejects_file(admin):
    csv = "client_id,name,payment_terms_days\nC00009,New client,14\n,no id,7\nC00010,Other,abc\n"
    response = admin.post("/import", data={"table": "clients", "csrf_token": csrf_of(admin)},
                          files={"upload": ("clients.csv", csv.encode(), "text/csv")},
                          headers={"Accept": "application/json"})
    result = response.json()
    assert result["rows_read"] == 3
    assert result["rows_loaded"] + result["rows_rejected"] == 3
    assert result["rows_rejected"] >= 1
    rejects = admin.get(f"/rejects/{result['rejects']}")
    assert rejects.status_code == 200 and "reason" in rejects.text.splitlines()[0]
    assert admin.get("/rejects/..%2Fclientload.toml").status_code == 404


def test_rejects_download_is_formula_safe_and_uploads_never_show_the_temporary_folder(admin):
    csv = ('client_id,type,minutes,note\nC00001,call,-2,"=HYPERLINK(""http://evil"";""x"")"\n'
           ",call,1,@SUM(1)\nC00002,call,3,kept\n")  # one row loads: the file counts as imported
    upload = {"upload": ("calls.csv", csv.encode(), "text/csv")}
    token = csrf_of(admin)
    first = admin.post("/import", data={"table": "interactions", "csrf_token": token},
                       files=upload, headers={"Accept": "application/json"}).json()
    assert first["rows_rejected"] == 2
    served = admin.get(f"/rejects/{first['rejects']}")
    text = served.content.decode("utf-8")
    assert text.startswith("\ufeff")  # Excel reads the Cyrillic of a rejects file as UTF-8
    assert "'=HYPERLINK" in text and "'@SUM(1)" in text and ",-2," in text  # a number stays
    assert "\n=" not in text and ",=" not in text and ",@" not in text

    again = admin.post("/import", data={"table": "interactions", "csrf_token": token},
                       files=upload, headers={"Accept": "application/json"}).json()
    assert again["rows_read"] == 0
    (why,) = again["skipped"]
    # the imports table keeps where the file came from, not the upload's temporary copy
    assert why == (
        "already imported into interactions (same content as web upload calls.csv by admin); "
        "to import it again in place of the rows it brought, add --replace"
    )
    empty = admin.post("/import", data={"table": "clients", "csrf_token": token},
                       files={"upload": ("empty.csv", b"", "text/csv")})
    assert empty.status_code == 422
    assert "empty.csv" in empty.text and "clientload-upload-" not in empty.text


def test_import_refuses_an_unknown_table_and_file_type(admin):
    token = csrf_of(admin)
    wrong_table = admin.post("/import", data={"table": "web_users", "csrf_token": token},
                             files={"upload": ("x.csv", b"a\n1\n", "text/csv")})
    assert wrong_table.status_code == 422
    wrong_type = admin.post("/import", data={"table": "clients", "csrf_token": token},
                            files={"upload": ("x.exe", b"MZ", "application/octet-stream")})
    assert wrong_type.status_code == 422


def test_uploads_over_the_limit_are_refused(admin):
    big = b"client_id\n" + b"C1\n" * 100_000
    response = admin.post("/import", data={"table": "clients", "csrf_token": csrf_of(admin)},
                          files={"upload": ("big.csv", big, "text/csv")})
    assert response.status_code == 413


def test_streamed_bodies_over_the_limit_are_refused_too(admin):
    def chunks():
        for _ in range(30):
            yield b"x" * 10_000

    response = admin.post("/settings", content=chunks(),
                          headers={"Content-Type": "application/x-www-form-urlencoded",
                                   "X-CSRF-Token": csrf_of(admin)})
    assert response.status_code == 413


def test_settings_with_problems_are_shown_and_not_saved(admin, workspace):
    before = workspace.settings_path.read_text("utf-8")
    bad = before.replace("cost_of_capital = 0.16", "cost_of_capital = 1.6")
    response = admin.post("/settings", data={"text": bad, "csrf_token": csrf_of(admin)})
    assert response.status_code == 422
    assert "cost_of_capital" in response.text
    assert workspace.settings_path.read_text("utf-8") == before


def test_valid_settings_are_saved(admin, workspace):
    text = workspace.settings_path.read_text("utf-8").replace(
        "cost_of_capital = 0.16", "cost_of_capital = 0.18")
    response = admin.post("/settings", data={"text": text, "csrf_token": csrf_of(admin)},
                          follow_redirects=False)
    assert response.status_code == 303
    assert workspace.settings().cost_of_capital == pytest.approx(0.18)


def test_recalculation_runs_in_the_background_and_the_load_changes(app, admin):
    before = admin.get("/clients/C00001.json").json()["client"]["load_minutes"]
    started = admin.post("/recalculate", headers={"X-CSRF-Token": csrf_of(admin),
                                                  "Accept": "application/json"})
    assert started.status_code == 202 and started.json()["started"]
    job = app.state.recalculation.wait(timeout=30)
    assert job.state == "done", job.error
    status = admin.get("/recalculate.json").json()["job"]
    assert status["state"] == "done" and status["total"] == 2
    after = admin.get("/clients/C00001.json").json()["client"]["load_minutes"]
    assert after == pytest.approx(2 * before)


def test_a_failed_recalculation_is_reported(workspace):
    def broken(ws, progress):
        raise RuntimeError("no sales in the store")

    app = create_app(workspace.root, runner=broken)
    app.state.recalculation.start("admin")
    job = app.state.recalculation.wait(timeout=30)
    assert job.state == "failed" and "no sales" in job.error


def test_admin_adds_a_manager_who_can_then_sign_in(app, admin):
    form = {"username": "sidorov", "password": "long enough pw", "role": "manager",
            "manager_name": "Ivanov", "csrf_token": csrf_of(admin)}
    assert admin.post("/users", data=form, follow_redirects=False).status_code == 303
    assert any(u["username"] == "sidorov" for u in admin.get("/users.json").json()["users"])
    newcomer = TestClient(app)
    assert sign_in(newcomer, "sidorov", "long enough pw").status_code == 303
    assert newcomer.get("/clients.json").json()["total"] == 2
    short = {**form, "username": "x", "password": "short"}
    assert admin.post("/users", data=short).status_code == 422
