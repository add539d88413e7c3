"""Writes a `Document` as an editable Word file (python-docx) and its tables as a workbook.

Both files are byte-stable for the same document: python-docx stamps the time into the core
properties and the zip entries, so the properties are set to the year's fixed document time
(`analysis.files.document_time`) and the package is re-zipped with fixed entry times. The
workbook goes through the project's sheet writer (`analysis.exports.sheets`: text stays text).
Both are written atomically (`analysis.files`).
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pandas as pd
from docx import Document as new_word_document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from analysis import fmt
from analysis.documents.model import (
    AMOUNT,
    COUNT,
    PERCENT,
    SIGNED,
    Document,
    Field,
    Heading,
    Paragraph,
    Table,
)
from analysis.exports import sheets
from analysis.files import CREATOR, document_time, write_bytes_atomic

FONT, FONT_SIZE, TABLE_FONT_SIZE = "Times New Roman", Pt(12), Pt(10)  # a Russian office letter
LANGUAGE = "ru-RU"  # spell-checking and hyphenation of the text in Word and LibreOffice
TABLE_STYLE = "Table Grid"  # a style of python-docx's default template: every border drawn
FIELD_LINE = "_" * 40  # the blank the Centre writes on
A4, MARGIN = (Mm(210), Mm(297)), Mm(20)
WRAP_FROM = 40  # a text column with a value longer than this wraps in the workbook
SIGNED_FORMATS = ("+#,##0;-#,##0;0", "+#,##0.0;-#,##0.0;0")  # whole, one decimal
NOTE_SHEET, NOTE_HEADER = "Сведения", "Примечание"  # the workbook of a document without tables


def write(doc: Document, folder: Path) -> list[Path]:
    """`<stem>.docx` and `<stem>.xlsx` of the document in `folder` (created when absent)."""
    folder = Path(folder)
    word, book = folder / f"{doc.stem}.docx", folder / f"{doc.stem}.xlsx"
    write_bytes_atomic(word, docx_bytes(doc))
    write_bytes_atomic(book, xlsx_bytes(doc))
    return [word, book]


# --------------------------------------------------------------------------- Word


def docx_bytes(doc: Document) -> bytes:
    """The Word file of the document: the same bytes for the same document."""
    word = new_word_document()
    _base_style(word)
    for block in doc.blocks:
        if isinstance(block, Heading):
            word.add_heading(block.text, level=1 if block is doc.blocks[0] else 2)
        elif isinstance(block, Paragraph):
            word.add_paragraph(block.text)
        elif isinstance(block, Field):
            word.add_paragraph(f"{block.label}: {FIELD_LINE}")
        elif isinstance(block, Table):
            _add_table(word, block)
    _properties(word, doc)
    buffer = io.BytesIO()
    word.save(buffer)
    return _stable_zip(buffer.getvalue(), doc.year)


def _base_style(word) -> None:
    """Times New Roman 12 pt, Russian language, for the whole document."""
    normal = word.styles["Normal"]
    normal.font.name, normal.font.size = FONT, FONT_SIZE
    fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), FONT)
    language = OxmlElement("w:lang")
    for attribute in ("w:val", "w:eastAsia", "w:bidi"):
        language.set(qn(attribute), LANGUAGE)
    normal.element.get_or_add_rPr().append(language)
    section = word.sections[0]  # python-docx's template is US Letter: Russian paper is A4
    section.page_width, section.page_height = A4
    section.left_margin = section.right_margin = section.top_margin = MARGIN
    section.bottom_margin = MARGIN


def _add_table(word, table: Table) -> None:
    caption = word.add_paragraph()
    caption.add_run(table.caption).bold = True
    caption.paragraph_format.keep_with_next = True
    frame = table.frame
    grid = word.add_table(rows=1 + len(frame), cols=len(frame.columns))
    grid.style = word.styles[TABLE_STYLE]
    for j, header in enumerate(frame.columns):
        _cell_text(grid.cell(0, j), str(header), bold=True)
    _repeat_header(grid.rows[0])
    for i, row in enumerate(frame.itertuples(index=False)):
        for j, (header, value) in enumerate(zip(frame.columns, row, strict=True)):
            kind = table.kind(header, i)
            _cell_text(grid.cell(i + 1, j), cell_text(value, kind), right=kind is not None)
    if table.note:
        word.add_paragraph(table.note)
    word.add_paragraph()


def cell_text(value: object, kind: str | None) -> str:
    """A cell as the Word table prints it: numbers the Russian way, «—» for no number."""
    if kind is None:
        return "" if fmt.is_missing(value) else str(value)
    if fmt.is_missing(value):
        return fmt.DASH
    x = float(value)  # type: ignore[arg-type]
    decimals = 0 if kind == COUNT or (kind in (AMOUNT, SIGNED) and x == round(x)) else 1
    return fmt.signed(x, decimals) if kind == SIGNED else fmt.number(x, decimals)


def _cell_text(cell, text: str, bold: bool = False, right: bool = False) -> None:
    paragraph = cell.paragraphs[0]
    run = paragraph.add_run(text)
    run.bold = bold
    run.font.size = TABLE_FONT_SIZE
    if right:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT


def _repeat_header(row) -> None:
    """The header row repeats on every page a long table takes."""
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(flag)


def _properties(word, doc: Document) -> None:
    """Fixed core properties: python-docx would stamp the time of the build."""
    stamp = document_time(doc.year)
    props = word.core_properties
    props.title = f"{doc.title} за {doc.year} год"
    props.author = props.last_modified_by = CREATOR
    props.created = props.modified = props.last_printed = stamp
    props.revision = 1
    props.language = LANGUAGE
    props.comments = props.keywords = props.subject = props.category = ""


def _stable_zip(data: bytes, year: int) -> bytes:
    """The package re-zipped with one fixed time and fixed permissions on every entry."""
    stamp = document_time(year).timetuple()[:6]
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            info = zipfile.ZipInfo(entry.filename, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, source.read(entry.filename))
    return out.getvalue()


# --------------------------------------------------------------------------- the workbook


def xlsx_bytes(doc: Document) -> bytes:
    """The document's tables, one sheet each (its sheet name), numbers kept numbers."""
    book = sheets.new_workbook()
    for table in doc.tables:
        frame = table.frame
        rows = [list(r) for r in frame.itertuples(index=False)]
        formats = [
            [_number_format(v, table.kind(h, i)) for h, v in zip(frame.columns, r, strict=True)]
            for i, r in enumerate(rows)
        ]
        sheets.add_sheet(
            book, table.sheet, list(frame.columns), rows, formats, _wrapped(frame, table)
        )
    if not doc.tables:  # a document without tables (its forms did not arrive): say why
        texts = [[b.text] for b in doc.blocks if isinstance(b, Paragraph)]
        sheets.add_sheet(book, NOTE_SHEET, [NOTE_HEADER], texts, wrap=[NOTE_HEADER])
    return sheets.workbook_bytes(book, doc.year, f"{doc.title} за {doc.year} год")


def _number_format(value: object, kind: str | None) -> str | None:
    if kind is None or fmt.is_missing(value):
        return None
    whole = float(value) == round(float(value))  # type: ignore[arg-type]
    if kind == COUNT:
        return sheets.COUNT_FORMAT
    if kind == PERCENT:
        return sheets.PERCENT_FORMAT
    if kind == SIGNED:
        return SIGNED_FORMATS[0 if whole else 1]
    return sheets.COUNT_FORMAT if whole else sheets.HOURS_FORMAT


def _wrapped(frame: pd.DataFrame, table: Table) -> list[str]:
    """Text columns with long values: they wrap rather than stretch the sheet."""
    return [
        str(c) for c in frame.columns if c not in table.numbers and _longest(frame[c]) > WRAP_FROM
    ]


def _longest(values: pd.Series) -> int:
    return max((len(v) for v in values if isinstance(v, str)), default=0)
