"""HTTP errors whose words follow the page's language.

`Said(status, template, **values)` is an HTTPException whose `detail` is the English text (what
JSON clients and the API get, unchanged), and whose `template` is a message id of the web
catalogue: the HTML error page shows it translated, with the same values filled in.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import HTTPException


class Said(HTTPException):
    """`field`, where given, names the form field the problem is about: a page can show the
    message beside that box instead of an error page."""

    def __init__(self, status: int, template: str, field: str | None = None, **values: Any):
        self.template = template
        self.values = values
        self.field = field
        super().__init__(status, template.format(**values))

    def text(self, translate: Callable[[str], str]) -> str:
        try:
            return translate(self.template).format(**self.values)
        except (KeyError, IndexError, ValueError):  # a catalogue entry with other placeholders
            return str(self.detail)
