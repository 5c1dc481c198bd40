"""Fixtures shared by several test modules."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def monthly(tmp_path_factory):
    """A generated company imported in one file and month by month (`monthly_company`): built
    once for the summaries' tests and the Spark cluster's. Tests that change it work on copies."""
    from monthly_company import monthly_company

    return monthly_company(tmp_path_factory.mktemp("monthly"))
