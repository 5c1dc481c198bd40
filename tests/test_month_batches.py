"""How a rebuild of the summaries splits the months into batches of lines."""

from __future__ import annotations

from itertools import pairwise

from hypothesis import given
from hypothesis import strategies as st

from clientload.summaries import month_batches


@given(
    st.lists(st.integers(min_value=0, max_value=1000), max_size=40),
    st.integers(min_value=1, max_value=2000),
)
def test_batches_keep_every_month_in_order_and_within_the_bound(lines, most):
    counts = [(24_000 + k, n) for k, n in enumerate(lines)]
    batches = month_batches(counts, most)
    assert [m for batch in batches for m in batch] == [m for m, _ in counts]
    per_month = dict(counts)
    for batch in batches:
        assert batch
        total = sum(per_month[m] for m in batch)
        assert total <= most or len(batch) == 1
    # a batch is closed only when the next month would not fit in it
    for batch, after in pairwise(batches):
        assert sum(per_month[m] for m in batch) + per_month[after[0]] > most


def test_examples():
    assert month_batches([], 10) == []
    assert month_batches([(1, 4), (2, 4), (3, 4)], 8) == [[1, 2], [3]]
    assert month_batches([(1, 20), (2, 1)], 8) == [[1], [2]]
