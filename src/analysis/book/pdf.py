"""`build --pdf`: each year's book printed to one PDF with headless Chromium.

The year's stage pages (nav bars removed) go into one HTML document behind a cover, each from a
new page; Chromium prints it with the book's print stylesheet (A4, page numbers in the page
margins, no browser header or footer) to `<output>/<profile>/<year>/book.pdf`, replaced
atomically. A year whose document has not changed since its PDF was printed is not printed
again. A PDF that cannot be made (no Chromium, Chromium fails) is said in one line per year;
the HTML book is never touched by this step.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup

from analysis.book.site import BOOK_TITLE, DEMO_NOTE, NAV_BLOCK
from analysis.errors import UserError
from analysis.files import write_bytes_atomic, write_text_atomic
from analysis.html_templates import render
from analysis.vocabulary import PROFILE_NAMES

PDF_NAME = "book.pdf"
RECORD_NAME = ".book-pdf.json"  # the hash of the document last printed to book.pdf
CHROMIUM_ENV = "BOOK_CHROMIUM"  # path of the browser, when it is not on PATH under a usual name
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
PRINT_TIMEOUT = 600  # seconds: a hang guard; a year of the demo city prints in a few seconds
INSTALL_HINT = (
    "установите Chromium (Debian/Ubuntu: `sudo apt-get install chromium`) или укажите путь к "
    f"браузеру Chromium/Chrome в переменной окружения {CHROMIUM_ENV}"
)
HEAD = re.compile(r"<head\b[^>]*>(.*?)</head>", re.DOTALL | re.IGNORECASE)
STYLE = re.compile(r"<style\b.*?</style>", re.DOTALL | re.IGNORECASE)
BODY = re.compile(r"(<body\b[^>]*>)(.*)</body>", re.DOTALL | re.IGNORECASE)


@dataclass(frozen=True)
class Part:
    """One stage page of the year in the printed book."""

    title: str
    body: Markup


def find_chromium() -> str | None:
    """The Chromium (or Chrome) executable: $BOOK_CHROMIUM, else the first usual name on PATH."""
    named = os.environ.get(CHROMIUM_ENV, "").strip()
    if named:
        return shutil.which(named) or (named if Path(named).is_file() else None)
    return next((found for name in CHROMIUM_NAMES if (found := shutil.which(name))), None)


def year_document(pages: list[tuple[str, str]], year: int, profile: str, demo: bool = False) -> str:
    """The HTML of one year's printed book from its stage pages [(title, page HTML)], in order:
    the first page's styles, a cover, then each page's body without its nav bar."""
    head = HEAD.search(pages[0][1])
    styles = "\n".join(STYLE.findall(head.group(1))) if head else ""
    body_open = "<body>"
    parts = []
    for title, page in pages:
        match = BODY.search(page)
        if match is None:
            continue
        body_open = match.group(1)
        parts.append(Part(title, Markup(NAV_BLOCK.sub("", match.group(2)))))
    return render(
        "book_pdf.html.j2",
        title=BOOK_TITLE,
        year=year,
        profile_name=PROFILE_NAMES.get(profile, profile),
        demo_note=DEMO_NOTE if demo else "",
        head=Markup(styles),
        body_open=Markup(body_open),
        parts=parts,
    )


def print_to_pdf(document: str, chromium: str, workdir: Path) -> bytes:
    """Print an HTML document to PDF bytes with headless Chromium (a RuntimeError saying why
    when it fails)."""
    with tempfile.TemporaryDirectory(prefix=".pdf-", dir=workdir) as tmp:
        source = Path(tmp) / "book.html"
        target = Path(tmp) / "book.pdf"
        source.write_text(document, encoding="utf-8")
        command = [
            chromium,
            "--headless",
            "--disable-gpu",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-extensions",
            f"--user-data-dir={Path(tmp) / 'profile'}",  # never the user's own profile
            "--no-pdf-header-footer",  # no date, title, file:// address or page count
            "--print-to-pdf-no-header",  # the same, for older Chromium
            f"--print-to-pdf={target}",
            source.as_uri(),
        ]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            command.insert(1, "--no-sandbox")  # Chromium refuses to run as root otherwise
        try:
            done = subprocess.run(
                command, capture_output=True, text=True, timeout=PRINT_TIMEOUT, check=False
            )
        except subprocess.TimeoutExpired as exc:
            raise RuntimeError(f"Chromium не ответил за {PRINT_TIMEOUT} с") from exc
        data = target.read_bytes() if target.exists() else b""
        if done.returncode != 0 or not data.startswith(b"%PDF"):
            lines = [line for line in (done.stderr or "").splitlines() if line.strip()]
            why = lines[-1].strip() if lines else "файл PDF не создан"
            raise RuntimeError(f"Chromium завершился с кодом {done.returncode}: {why}")
        return data


def print_years(
    root: Path, years: list[int], stages: list[tuple[str, str]], profile: str, demo=frozenset()
) -> tuple[list[Path], list[str]]:
    """Print each year's book under ``root`` (`<output>/<profile>`) to `<year>/book.pdf`;
    ``stages``: [(stem, title)] in book order. The PDFs that are now current, and the
    problems, one line each."""
    chromium = find_chromium()
    if chromium is None:
        return [], [
            f"PDF не собран: не найден браузер Chromium — {INSTALL_HINT}. HTML-книга собрана."
        ]
    done, problems = [], []
    for year in years:
        folder = root / str(year)
        pages = [
            (title, (folder / f"{stem}.html").read_text(encoding="utf-8"))
            for stem, title in stages
            if (folder / f"{stem}.html").exists()
        ]
        if not pages:
            problems.append(f"PDF за {year} год не собран: нет ни одной страницы этого года")
            continue
        try:
            _print_year(folder, year_document(pages, year, profile, year in demo), chromium)
        except (RuntimeError, OSError, UserError) as exc:  # UserError: a full disk, a denied folder
            problems.append(f"PDF за {year} год не собран: {exc}. HTML-книга собрана.")
        else:
            done.append(folder / PDF_NAME)
    return done, problems


def _print_year(folder: Path, document: str, chromium: str) -> None:
    """Print the year's document to book.pdf unless the same document was printed last time."""
    digest = hashlib.sha256(document.encode("utf-8")).hexdigest()
    record = folder / RECORD_NAME
    pdf = folder / PDF_NAME
    if pdf.exists() and record.exists():
        try:
            if json.loads(record.read_text(encoding="utf-8")).get("document") == digest:
                return
        except (OSError, ValueError):
            pass  # an unreadable record: print again
    write_bytes_atomic(pdf, print_to_pdf(document, chromium, folder))
    write_text_atomic(record, json.dumps({"document": digest}) + "\n")
