"""The Python API for notebooks: `clientload.open(DIR)`, `.run()`, tables as Arrow, pandas, Polars.

    import clientload
    acme = clientload.open("acme")
    acme.run(period="2025-01:2025-12")
    acme.table("client_metrics").to_pandas()

Results are read from the workspace's `out/` folder (what the last run wrote); input tables from
the store, read-only.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from clientload.errors import ClientloadError
from clientload.workspace import Workspace, open_workspace

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

    from clientload.run import History
    from clientload.settings import Settings


@dataclass(frozen=True)
class Result:
    """One table: convert it with `.to_arrow()`, `.to_pandas()` or `.to_polars()`."""

    name: str
    arrow: pa.Table

    def to_arrow(self) -> pa.Table:
        return self.arrow

    def to_pandas(self) -> pd.DataFrame:
        return self.arrow.to_pandas()

    def to_polars(self) -> Any:
        try:
            import polars as pl
        except ImportError:
            raise ClientloadError("to_polars needs Polars: `pip install polars`") from None
        return pl.from_arrow(self.arrow)

    @property
    def columns(self) -> list[str]:
        return list(self.arrow.column_names)

    def __len__(self) -> int:
        return self.arrow.num_rows

    def __repr__(self) -> str:
        shape = f"{self.arrow.num_rows} rows × {self.arrow.num_columns} columns"
        return f"<Result {self.name}: {shape}>"


class Analysis:
    """A workspace opened for analysis: run the model and read its tables."""

    def __init__(self, workspace: Workspace):
        self.workspace = workspace

    @property
    def root(self) -> Path:
        return self.workspace.root

    @property
    def settings(self) -> Settings:
        return self.workspace.settings()

    def run(
        self, period: str | None = None, engine: str = "duckdb", keep_history: bool = True
    ) -> dict[str, Any]:
        """Compute the model (as `clientload run`); returns the run's info (run_info.json)."""
        from clientload.run import run_model

        return run_model(
            self.root, period=period, engine=engine, keep_history=keep_history
        ).info

    @property
    def run_info(self) -> dict[str, Any]:
        """The last run's info: period, engine, settings hash, rows, headlines, timings."""
        path = self.workspace.out_dir / "run_info.json"
        if not path.exists():
            raise ClientloadError(f"{path}: no run yet; call .run() first")
        return json.loads(path.read_text("utf-8"))

    def tables(self) -> list[str]:
        """The output tables the last run wrote."""
        return sorted(p.stem for p in self.workspace.out_dir.glob("*.parquet"))

    def table(self, name: str) -> Result:
        """An output table of the last run, e.g. `client_metrics`, `capacity`, `whale_curve`."""
        import pyarrow.parquet as pq

        path = self.workspace.out_dir / f"{name}.parquet"
        if not path.exists():
            have = ", ".join(self.tables()) or "none yet: call .run() first"
            raise ClientloadError(f"{path}: no table {name!r}; the tables are: {have}")
        return Result(name, pq.read_table(path))

    def input(self, name: str) -> Result:
        """An input table as stored (sales, clients, products, orders, interactions, …)."""
        from clientload.schema import TABLES

        if name not in TABLES:
            raise ClientloadError(f"no input table {name!r}; expected one of {', '.join(TABLES)}")
        con = self.workspace.connect(read_only=True)
        try:
            return Result(name, con.sql(f'SELECT * FROM "{name}"').to_arrow_table())
        finally:
            con.close()

    def history(self) -> History:
        """The kept runs: groups run by run and the migrations between them."""
        from clientload.run import read_history

        return read_history(self.root)

    def __repr__(self) -> str:
        return f"<clientload {self.root}>"


def open_analysis(directory: str | Path) -> Analysis:
    """Open an existing workspace (see `clientload init` / `clientload generate`)."""
    return Analysis(open_workspace(directory))
