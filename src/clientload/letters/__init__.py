"""Client letters: for one client or a whole group, a one-page letter in the client's language —
its level and the service it includes, what its way of working costs today, and the steps to the
next level with its perks.

`content` builds the text and figures (pure), `data` reads them from a workspace, `render` writes
HTML from the package's template and PDF with headless Chromium.
"""

from clientload.letters.content import Figure, Letter, build_letter
from clientload.letters.data import default_language, letters_for
from clientload.letters.render import chromium, pdf_bytes, render_html, write_letters

__all__ = ["Figure", "Letter", "build_letter", "chromium", "default_language", "letters_for",
           "pdf_bytes", "render_html", "write_letters"]
