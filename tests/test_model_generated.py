"""On a generated company the model finds the behaviours the generator planted.

300 clients, 100,000 lines (fixed seed). The ground truth is the generator's `personas.parquet`.
Heavy (demanding_large) clients lead the load list; disciplined large clients are `core`; price
hunters are `price_driven` (a few show as `lapsed`, which their data supports).
"""

from __future__ import annotations

from collections import Counter

import pyarrow.parquet as pq
import pytest

from clientload.generate.into import generate_workspace
from clientload.run import run_model

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def company(tmp_path_factory):
    generated = generate_workspace(tmp_path_factory.mktemp("gen"), 300, 100_000, seed=7)
    result = run_model(generated.workspace.root)
    personas = {
        r["client_id"]: r["persona"]
        for r in pq.read_table(generated.company.personas_file).to_pylist()
    }
    return result, personas


def _share(found: list[bool]) -> float:
    return sum(found) / len(found)


def test_demanding_large_clients_lead_the_load_list(company):
    result, personas = company
    by_load = [r for r in result.tables["heavy_clients"].to_pylist() if r["list"] == "by_load"]
    top_ten = {r["client_id"] for r in by_load if r["rank"] <= 10}
    demanding = [c for c, p in personas.items() if p == "demanding_large"]
    assert demanding
    assert _share([c in top_ten for c in demanding]) >= 0.8


def test_disciplined_large_clients_are_core(company):
    result, personas = company
    segment = {r["client_id"]: r["segment"] for r in result.tables["client_metrics"].to_pylist()}
    disciplined = [c for c, p in personas.items() if p == "disciplined_large"]
    assert _share([segment[c] == "core" for c in disciplined]) >= 0.8


def test_price_hunters_are_price_driven(company):
    result, personas = company
    segment = {r["client_id"]: r["segment"] for r in result.tables["client_metrics"].to_pylist()}
    hunters = Counter(segment.get(c, "absent") for c, p in personas.items() if p == "price_hunter")
    total = sum(hunters.values())
    assert hunters["price_driven"] / total >= 0.8
    active = total - hunters["lapsed"] - hunters["new"]
    assert hunters["price_driven"] / active >= 0.9
