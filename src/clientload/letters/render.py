"""Letters as files: HTML from the package's Jinja2 template, PDF by printing that HTML with
headless Chromium (Debian's `chromium`). Without Chromium the HTML is still written and the
caller is told that PDF needs it."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from clientload.errors import ClientloadError
from clientload.letters.content import Letter
from clientload.progress import ProgressFn

PDF_TIMEOUT_SECONDS = 120
CHROMIUM_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
    "--no-pdf-header-footer",
)


@cache
def _environment():
    from jinja2 import Environment, PackageLoader

    # Every value is escaped: client names and notes come from the company's own data.
    return Environment(loader=PackageLoader("clientload.letters", "templates"), autoescape=True,
                       trim_blocks=True, lstrip_blocks=True)


def render_html(letters: Sequence[Letter], title: str = "",
                links: Sequence[tuple[str, str]] = ()) -> str:
    """One HTML document holding the letters, one A4 page each when printed; `links` (label,
    address) make a bar above them on screen that printing leaves out."""
    if not title and letters:
        title = letters[0].subject if len(letters) > 1 else letters[0].client_name
    return _environment().get_template("letter.html.j2").render(letters=list(letters),
                                                                 title=title, links=links)


def chromium() -> str | None:
    return shutil.which("chromium")


def print_pdf(html_path: Path, pdf_path: Path) -> Path:
    """Print an HTML file to PDF with headless Chromium; ClientloadError when it is missing."""
    browser = chromium()
    if browser is None:
        raise ClientloadError("PDF needs chromium (Debian: apt-get install chromium); "
                              "the HTML letters can be printed from any browser")
    with tempfile.TemporaryDirectory(prefix="clientload-chromium-") as profile:
        command = [browser, *CHROMIUM_FLAGS, f"--user-data-dir={profile}",
                   f"--print-to-pdf={pdf_path.resolve()}", html_path.resolve().as_uri()]
        try:
            done = subprocess.run(command, capture_output=True, timeout=PDF_TIMEOUT_SECONDS,
                                  check=False)
        except subprocess.TimeoutExpired as exc:
            raise ClientloadError(f"chromium did not print {html_path.name} within "
                                  f"{PDF_TIMEOUT_SECONDS} s") from exc
    if not pdf_path.exists() or pdf_path.stat().st_size == 0:
        detail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no output"]
        raise ClientloadError(f"chromium could not print {html_path.name}: {detail[0]}")
    return pdf_path


def pdf_bytes(html: str) -> bytes:
    """The PDF of an HTML document (printed in a temporary folder)."""
    with tempfile.TemporaryDirectory(prefix="clientload-letter-") as folder:
        source = Path(folder) / "letter.html"
        source.write_text(html, "utf-8")
        return print_pdf(source, Path(folder) / "letter.pdf").read_bytes()


def file_stem(letter: Letter) -> str:
    """A safe file name for the client's letter: its id with anything unusual replaced."""
    return "letter-" + (re.sub(r"[^\w.-]+", "_", letter.client_id).strip("._") or "client")


@dataclass
class Written:
    html: list[Path] = field(default_factory=list)
    pdf: list[Path] = field(default_factory=list)
    pdf_skipped: str = ""


def write_letters(letters: Sequence[Letter], folder: Path, *, pdf: bool = True,
                  progress: ProgressFn | None = None) -> Written:
    """`letter-<client id>.html` (and `.pdf`) per letter in `folder`.

    PDFs are printed two at a time (one Chromium each). Without Chromium, `pdf_skipped` says so.
    """
    folder.mkdir(parents=True, exist_ok=True)
    written = Written()
    for i, letter in enumerate(letters):
        path = folder / f"{file_stem(letter)}.html"
        path.write_text(render_html([letter]), "utf-8")
        written.html.append(path)
        if progress:
            progress("html", i + 1, len(letters))
    if not pdf:
        return written
    if chromium() is None:
        from clientload.messages import Message

        written.pdf_skipped = Message("PDF needs chromium (Debian: apt-get install chromium)")
        return written
    done = 0

    def one(path: Path) -> Path:
        return print_pdf(path, path.with_suffix(".pdf"))

    with ThreadPoolExecutor(max_workers=2) as pool:
        for pdf_path in pool.map(one, written.html):
            written.pdf.append(pdf_path)
            done += 1
            if progress:
                progress("pdf", done, len(written.html))
    return written
