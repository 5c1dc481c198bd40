"""The bench's two other implementations of the client P&L (pandas, Polars) give the model's
figures: a speed comparison is only worth something between programs that agree."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

pytestmark = pytest.mark.slow


def test_pandas_and_polars_give_the_models_figures(monthly, tmp_path):
    import pandas_model
    import polars_model

    from clientload.engines.spark import export_parquet
    from clientload.model.period import parse_period
    from clientload.workspace import open_workspace

    one = monthly[0]
    shutil.copytree(one.root, tmp_path / "ws")
    ws = open_workspace(tmp_path / "ws")
    info = json.loads((ws.out_dir / "run_info.json").read_text("utf-8"))
    period = parse_period(f"{info['period_start']}:{info['period_end']}")
    parquet = export_parquet(ws)
    for module in (pandas_model, polars_model):
        pnl, by_department = module.client_pnl(parquet, ws.settings(), period)
        assert len(pnl) >= info["headlines"]["clients"] > 0
        assert pandas_model.compare(pnl, by_department, ws.out_dir) == [], module.__name__
    # and the comparison sees a difference of a few cents
    pnl.loc[pnl.index[0], "storage_cost"] += 0.02
    assert pandas_model.compare(pnl, by_department, ws.out_dir) != []
