"""The client load model: time-driven cost to serve, the client P&L, groups, policy, career.

Pure economics written as Ibis expressions (backend-neutral) plus small pure helpers. The
orchestration that reads the workspace and writes `out/` is `clientload.run`.
"""

from clientload.model.labels import SEGMENT_LABELS, segment_label
from clientload.model.period import Period, default_period, parse_period

__all__ = ["SEGMENT_LABELS", "Period", "default_period", "parse_period", "segment_label"]
