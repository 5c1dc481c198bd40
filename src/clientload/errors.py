"""The one exception type that the command line turns into a single line and exit code 2."""

from __future__ import annotations


class ClientloadError(Exception):
    """A problem the user can fix; the message names the file, row, column or argument.

    Raised with a `clientload.messages.Message`, its text is the English and `message` keeps the
    template and values, so a page can show it in the reader's language (`clientload.i18n.say`).
    """

    @property
    def message(self) -> str:
        """The message raised with (a `Message` where the code gave one), else the text."""
        first = self.args[0] if self.args else None
        return first if isinstance(first, str) and len(self.args) == 1 else str(self)
