"""A real browser for the tests: Debian's Chromium driven by playwright, and what it measures.

Chromium is installed where absent (`apt-get install chromium`, as root), as README says;
playwright drives that executable (its own browser download needs a network the machine has
not). The measurements run inside the page (JavaScript below) and come back as plain lists.
"""

from __future__ import annotations

import os
import shutil
import subprocess

from analysis.book.pdf import find_chromium  # the build's own search ($BOOK_CHROMIUM, PATH)

APT = ["apt-get", "-o", "DPkg::Lock::Timeout=300"]  # wait for another install to finish
INSTALL = [*APT, "install", "-y", "--no-install-recommends", "chromium"]
INSTALL_TIMEOUT = 900  # seconds: a hang guard for a ~400 MB install on a slow mirror
SCREEN = {"width": 1280, "height": 900}  # the reader's window (issue 15)
MM = 96 / 25.4  # CSS pixels per millimetre
# A4 less the print stylesheet's side margins (12 mm each): the width a table must fit in print
A4_PORTRAIT_WIDTH = round((210 - 24) * MM)
A4_LANDSCAPE_WIDTH = round((297 - 24) * MM)


def ensure_chromium() -> tuple[str | None, str]:
    """The Chromium executable, installing it as root where absent; (None, why) when it
    cannot be had."""
    if find_chromium():
        return find_chromium(), ""
    if os.name != "posix" or os.geteuid() != 0 or shutil.which("apt-get") is None:
        return None, "Chromium не установлен, а установить его некому (нужны root и apt-get)"
    said = ""
    for steps in ([INSTALL], [[*APT, "update"], INSTALL]):  # an old package list: update first
        for command in steps:
            ok, said = _run(command)
            if not ok:
                break
        if find_chromium():
            return find_chromium(), ""
    return None, f"Chromium не установлен и не устанавливается: {said}"


def _run(command: list[str]) -> tuple[bool, str]:
    """Run an install step: (succeeded, its last line of output)."""
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=INSTALL_TIMEOUT, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return False, f"{' '.join(command[:3])}: {exc}"
    lines = (done.stderr or done.stdout or "").strip().splitlines()
    return done.returncode == 0, f"{' '.join(command)}: {lines[-1] if lines else done.returncode}"


# Every table: its width against the box it sits in and the page; the last header's text.
TABLES_JS = """() => {
  const pageWidth = document.documentElement.clientWidth;
  return [...document.querySelectorAll('table')].map((t, i) => {
    const box = t.parentElement;
    const style = getComputedStyle(box);
    const inner = box.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    const heads = [...t.querySelectorAll('thead tr:last-child th, thead tr:last-child td')];
    let pageName = 'auto';
    for (let e = t; e; e = e.parentElement) {
      const name = getComputedStyle(e).page;
      if (name && name !== 'auto') { pageName = name; break; }
    }
    return {
      index: i,
      caption: (t.caption ? t.caption.textContent : '').trim().slice(0, 80),
      width: t.getBoundingClientRect().width,
      scrollWidth: t.scrollWidth,
      box: inner,
      boxScrolls: box.scrollWidth > box.clientWidth + 1,
      right: t.getBoundingClientRect().right,
      pageWidth,
      headers: t.querySelectorAll('th').length,
      lastHeader: heads.length ? heads[heads.length - 1].textContent.trim() : '',
      page: pageName,
    };
  });
}"""

# Elements that stick out of the page to the right, or whose content is cut by their own box.
OVERFLOW_JS = """() => {
  const W = document.documentElement.clientWidth;
  const out = [];
  const clipped = (e) => {
    for (let a = e.parentElement; a; a = a.parentElement) {
      if (getComputedStyle(a).overflowX !== 'visible') return a;
    }
    return null;
  };
  for (const e of document.body.querySelectorAll('*')) {
    const s = getComputedStyle(e);
    if (s.display === 'none' || s.visibility === 'hidden') continue;
    const r = e.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    if (r.right > W + 1 && !clipped(e)) {
      out.push(`${e.tagName}.${e.className} sticks out: right ${Math.round(r.right)} > ${W}`);
    }
    if (s.overflowX === 'hidden' && e.scrollWidth > e.clientWidth + 1 && e.tagName !== 'HTML') {
      out.push(`${e.tagName}.${e.className} cuts its content: ${e.scrollWidth} > ${e.clientWidth}`);
    }
  }
  const doc = document.documentElement;
  if (doc.scrollWidth > doc.clientWidth + 1) out.push(`page scrolls sideways: ${doc.scrollWidth}`);
  return out;
}"""

# Headings in document order, tables without header cells, images without alt text.
ACCESSIBILITY_JS = """() => ({
  headings: [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')]
    .filter(h => getComputedStyle(h).display !== 'none')
    .map(h => [Number(h.tagName[1]), h.textContent.trim().slice(0, 60)]),
  tablesWithoutHeaders: [...document.querySelectorAll('table')]
    .filter(t => !t.querySelector('th'))
    .map(t => t.outerHTML.slice(0, 80)),
  images: [...document.querySelectorAll('img, svg[role="img"]')]
    .map(i => i.getAttribute('alt') ?? i.getAttribute('aria-label') ?? ''),
})"""

# Every element that shows text of its own: its colour, the background it sits on (the first
# ancestor with one), its font size and weight — for the contrast check.
TEXT_COLOURS_JS = """() => {
  const out = [];
  const background = (e) => {
    for (let a = e; a; a = a.parentElement) {
      const c = getComputedStyle(a).backgroundColor;
      if (c && c !== 'transparent' && !c.endsWith(', 0)')) return c;
    }
    return 'rgb(255, 255, 255)';
  };
  for (const e of document.body.querySelectorAll('*')) {
    const own = [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    if (!own) continue;
    const s = getComputedStyle(e);
    if (s.visibility === 'hidden' || e.getClientRects().length === 0) continue;  // not shown
    out.push({
      text: e.textContent.trim().slice(0, 40),
      color: s.color,
      background: background(e),
      size: parseFloat(s.fontSize),
      bold: Number(s.fontWeight) >= 700,
    });
  }
  return out;
}"""


def skipped_levels(headings: list[list]) -> list[str]:
    """Headings that skip a level (an h4 right after an h2), or a page not opening with h1."""
    problems = []
    previous = 0
    for level, text in headings:
        if level > previous + 1:
            problems.append(f"h{level} «{text}» after h{previous or '-'}")
        previous = level
    return problems


def rgb(text: str) -> tuple[float, float, float, float]:
    """«rgb(1, 2, 3)», «rgba(1, 2, 3, 0.5)» or «#rrggbb» → (r, g, b, alpha), 0–255 and 0–1."""
    text = text.strip()
    if text.startswith("#"):
        digits = text[1:]
        if len(digits) == 3:  # «#abc» is «#aabbcc»
            digits = "".join(d * 2 for d in digits)
        r, g, b = (int(digits[i : i + 2], 16) for i in (0, 2, 4))
        return (r, g, b, 1.0)
    parts = [float(p) for p in text[text.index("(") + 1 : text.index(")")].split(",")]
    return (parts[0], parts[1], parts[2], parts[3] if len(parts) > 3 else 1.0)


def over(colour: str, background: tuple[float, float, float]) -> tuple[float, float, float]:
    """The colour as seen on an opaque background (alpha blended)."""
    r, g, b, a = rgb(colour)
    return (
        r * a + background[0] * (1 - a),
        g * a + background[1] * (1 - a),
        b * a + background[2] * (1 - a),
    )


def luminance(colour: tuple[float, float, float]) -> float:
    """WCAG 2 relative luminance of an sRGB colour (0–255 channels)."""

    def channel(c: float) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in colour)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(text: str, background: str) -> float:
    """WCAG 2 contrast ratio of a text colour on a background (1 … 21); a translucent
    background is seen on white, translucent text on that background."""
    back = over(background, (255.0, 255.0, 255.0))
    lighter, darker = sorted((luminance(over(text, back)), luminance(back)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)
