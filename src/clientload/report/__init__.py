"""`clientload report`: one self-contained HTML file (charts inline, no network) for a director."""

from clientload.report.html import write_report

__all__ = ["write_report"]
