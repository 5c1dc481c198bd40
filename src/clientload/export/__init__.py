"""The live Excel workbook: settings as inputs, per-client data, and the model as formulas."""

from clientload.export.workbook import write_workbook

__all__ = ["write_workbook"]
