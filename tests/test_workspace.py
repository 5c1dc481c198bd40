"""`one_row`: the row of a query that always gives one, or an error naming the query."""

from __future__ import annotations

import duckdb
import pytest

from clientload.workspace import one_row


def test_one_row_gives_the_row_with_its_parameters():
    con = duckdb.connect()
    assert one_row(con, "SELECT count(*), max(range) FROM range(4)") == (4, 3)
    assert one_row(con, "SELECT ? * 2", [21]) == (42,)


def test_no_row_is_an_error_naming_the_query():
    con = duckdb.connect()
    with pytest.raises(RuntimeError, match=r"no row from 'SELECT 1 WHERE false'; expected one"):
        one_row(con, "SELECT 1 WHERE false")
