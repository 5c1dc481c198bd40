"""Schemathesis over the app's own OpenAPI description: every JSON endpoint and form POST, fed
generated (and hostile) parameters and bodies by a signed-in admin, never answers with a 5xx.

In-process (ASGI); the description is read with the admin's session, as it is only served to
signed-in users. Bounded: a few examples per operation, so the whole run stays short.
"""

from __future__ import annotations

import warnings

import pytest

warnings.filterwarnings("ignore", message=".*httpx.*", category=DeprecationWarning)
import schemathesis  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402
from hypothesis import HealthCheck, given, settings  # noqa: E402
from test_web_support import csrf_of, make_workspace, sign_in  # noqa: E402

from clientload.web import create_app  # noqa: E402


def no_model(ws, progress):  # type: ignore[no-untyped-def]
    """Recalculation is started by the fuzzer too: do nothing instead of running the model."""
    progress("done", 1, 1)


@pytest.fixture(scope="module")
def admin(tmp_path_factory):
    ws = make_workspace(tmp_path_factory.mktemp("openapi") / "ws")
    app = create_app(ws.root, secret_key="fuzz", runner=no_model, max_upload_bytes=200_000)
    client = TestClient(app, raise_server_exceptions=False)
    assert sign_in(client, "admin").status_code == 303
    return client


@pytest.fixture(scope="module")
def api_schema(admin):
    raw = admin.get("/openapi.json").json()
    assert len(raw["paths"]) >= 10
    return schemathesis.openapi.from_dict(raw)


def operations(api_schema):  # type: ignore[no-untyped-def]
    for result in api_schema.get_all_operations():
        yield result.ok()


@pytest.mark.slow
def test_no_operation_answers_with_a_server_error(api_schema, admin) -> None:  # type: ignore[no-untyped-def]
    token = csrf_of(admin, "/dashboard")
    tried: list[str] = []

    def call(case) -> None:  # type: ignore[no-untyped-def]
        kwargs = case.as_transport_kwargs(base_url="http://testserver")
        headers = {k: v for k, v in (kwargs.pop("headers", None) or {}).items()
                   if k.lower() != "cookie"}
        headers["X-CSRF-Token"] = token
        kwargs.pop("cookies", None)
        if kwargs.get("files"):
            # Generated form parts may be numbers, which httpx cannot encode (a client-side
            # error the in-process transport would report as a 500): send them as text.
            kwargs["files"] = [(name, (part[0], _text(part[1]), *part[2:]))
                               for name, part in kwargs["files"]]
        response = admin.request(headers=headers, follow_redirects=False, **kwargs)
        assert response.status_code < 500, (case.method, case.path, kwargs, response.text[:300])
        assert "Traceback" not in response.text

    for operation in operations(api_schema):
        tried.append(f"{operation.method.upper()} {operation.path}")
        fuzz = settings(max_examples=12, deadline=None, database=None,
                        suppress_health_check=list(HealthCheck))(given(operation.as_strategy())(call))
        fuzz()
    assert len(tried) >= 10
    assert admin.get("/users.json").status_code == 200  # still signed in, app still up


def _text(value):  # type: ignore[no-untyped-def]
    return value if isinstance(value, (bytes, str)) or hasattr(value, "read") else str(value)
