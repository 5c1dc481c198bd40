"""HTTP errors whose words follow the page's language.

`Said(status, template, **values)` is an HTTPException whose `detail` is the English text (what
JSON clients and the API get, unchanged), and whose `template` is a message id of the web
catalogue: the HTML error page shows it translated, with the same values filled in (a value that
is a `Message`, e.g. an import's error, in the page's language too).
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from typing import Any

from fastapi import HTTPException

from clientload.messages import Message

LOG = logging.getLogger("clientload.web")


class Said(HTTPException):
    """`field`, where given, names the form field the problem is about: a page can show the
    message beside that box instead of an error page."""

    def __init__(self, status: int, template: str, field: str | None = None, **values: Any):
        self.template = template
        self.values = values
        self.field = field
        super().__init__(status, template.format(**values))

    def text(self, translate: Callable[[str], str], lang: str = "en") -> str:
        from clientload.i18n import say

        values = {k: say(v, lang) if isinstance(v, str) else v for k, v in self.values.items()}
        try:
            return translate(self.template).format(**values)
        except (KeyError, IndexError, ValueError):  # a catalogue entry with other placeholders
            return str(self.detail)


def logged(exc: BaseException, doing: str) -> str:
    """Log an error nobody planned for, with its traceback, under a new id; the id, which the
    page shows instead of the error's own (Python's) words, so that it can be found in the log."""
    number = secrets.token_hex(4)
    LOG.error("error %s while %s", number, doing, exc_info=exc)
    return number


def unexpected(number: str) -> Message:
    """What a page says about an error nobody planned for: that it is logged, and its id."""
    return Message("something went wrong on the server; it is logged as error {id}: quote this "
                   "number to whoever runs clientload", id=number)
