"""The demo runs every stage on a small generated company; the report is self-contained."""

import re

import pytest

from clientload.demo import run_demo
from clientload.report import write_report


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    root = tmp_path_factory.mktemp("demo") / "ws"
    return run_demo(root, clients=150, lines=20_000, seed=7, lang="en")


def test_demo_writes_results_report_and_summary(demo):
    assert demo.files["results"].is_dir()
    for name in ("client_metrics", "client_costs", "capacity", "client_assortment"):
        assert (demo.files["results"] / f"{name}.parquet").exists()
        assert (demo.files["results"] / f"{name}.csv").exists()
    assert demo.files["report"].exists()
    assert demo.info["headlines"]["clients"] > 100
    assert {row["segment"] for row in demo.segments} >= {"core", "growing", "price_driven"}


def test_second_demo_run_reuses_the_imported_company(demo):
    again = run_demo(demo.workspace.root, clients=150, lines=20_000, seed=7, lang="en")
    assert any("already imported" in note for note in again.notes)
    before, after = demo.info["headlines"], again.info["headlines"]
    assert after["clients"] == before["clients"]
    # parallel sums may differ in the last bits, never more
    assert after["revenue"] == pytest.approx(before["revenue"], rel=1e-12)


def test_report_needs_no_network_and_escapes_client_names(demo, tmp_path):
    html = write_report(demo.workspace, tmp_path / "r.html", "ru").read_text("utf-8")
    assert not re.search(r"""<(script|link)[^>]+(src|href)=["']https?://""", html)
    assert "Кривая «кита»" in html
    # the generator plants a client called <script>…: it must appear only escaped
    assert "<script>alert" not in html


def test_report_without_a_run_says_what_to_do(tmp_path):
    from clientload.errors import ClientloadError
    from clientload.workspace import init_workspace

    ws = init_workspace(tmp_path / "empty")
    with pytest.raises(ClientloadError, match="run `clientload run"):
        write_report(ws, tmp_path / "r.html", "en")
