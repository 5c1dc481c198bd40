"""Property: whatever junk a small CSV holds, the import never crashes and the rows add up."""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clientload.ingest import import_files
from clientload.workspace import init_workspace

JUNK = st.one_of(
    st.sampled_from(
        ["", " ", "1", "-3", "1 234,56", "1,234.56", "1.234.567,8", "2,5", "abc", "NaN", "inf",
         "1e400", "2024-01-05", "31.12.2023", "13/13/2024", "3/4/2024", "45000", "20240230",
         "да", "нет", "true", '"', "a;b", "x\ny", "\u00a0", "C17850", "0", "-0,01", "99999999999"]
    ),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
            max_size=8),
)
COLUMNS = ["client_id", "date", "sku", "quantity", "revenue", "price", "cost", "discount"]


@st.composite
def tables(draw: st.DrawFn) -> tuple[str, list[list[str]], str]:
    delimiter = draw(st.sampled_from([",", ";", "\t"]))
    width = draw(st.integers(min_value=5, max_value=len(COLUMNS)))
    rows = draw(st.lists(st.lists(JUNK, min_size=width, max_size=width), min_size=1, max_size=12))
    return delimiter, [COLUMNS[:width], *rows], draw(st.sampled_from(["utf-8", "cp1251"]))


@pytest.mark.slow
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables())
def test_junk_never_raises_and_read_equals_loaded_plus_rejected(
    table: tuple[str, list[list[str]], str],
) -> None:
    delimiter, rows, encoding = table
    text = io.StringIO()
    # CRLF like Excel writes; the writer then quotes cells holding a bare \r as well.
    csv.writer(text, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    with tempfile.TemporaryDirectory() as tmp:
        ws = init_workspace(Path(tmp) / "ws")
        path = Path(tmp) / "junk.csv"
        path.write_bytes(text.getvalue().encode(encoding, errors="replace"))
        result = import_files(ws, [path], "sales")
        assert result.rows_read == len(rows) - 1
        assert result.rows_read == result.rows_loaded + result.rows_rejected
        with duckdb.connect(str(ws.store_path), read_only=True) as con:
            assert con.execute("SELECT count(*) FROM sales").fetchone() == (result.rows_loaded,)
        if result.rows_rejected:
            with result.rejects_path.open(encoding="utf-8", newline="") as handle:
                rejects = list(csv.DictReader(handle))
            assert len(rejects) == result.rows_rejected
            assert all(r["reason"] for r in rejects)
