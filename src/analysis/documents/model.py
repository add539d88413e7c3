"""What a document of the Centre is made of, before it is written (`analysis.documents.writer`).

A document is a title and a sequence of blocks: headings, paragraphs, tables and blank fields
the Centre fills in by hand. Tables are frames whose columns are the Russian headers and whose
cells are plain values (text, numbers, None for an empty cell); each numeric column names its
kind of number, so the Word table prints it the Russian way and the workbook keeps it a number
with the project's number format.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

# Kinds of numbers a column may hold (the writer maps each to a format).
COUNT = "count"  # whole numbers: people, events, programmes
AMOUNT = "amount"  # a count or a sum (person-hours): one decimal when not whole
PERCENT = "percent"  # 0–100, one decimal
SIGNED = "signed"  # a deviation: an amount with its sign always shown
NUMBER_KINDS = (COUNT, AMOUNT, PERCENT, SIGNED)


@dataclass(frozen=True)
class Heading:
    text: str


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class Field:
    """A line the Centre fills in by hand («Пояснения: ____»)."""

    label: str


@dataclass(frozen=True)
class Table:
    """One table of a document; `sheet` names its sheet in the document's workbook."""

    sheet: str
    caption: str
    frame: pd.DataFrame
    # column → one of NUMBER_KINDS, or a list of them (one per row: a column of mixed units)
    numbers: dict[str, str | list[str]] = field(default_factory=dict)
    note: str = ""

    def __post_init__(self) -> None:
        kinds = [k for v in self.numbers.values() for k in ([v] if isinstance(v, str) else v)]
        unknown = {k for k in kinds if k not in NUMBER_KINDS}
        missing = set(self.numbers) - set(self.frame.columns)
        if unknown or missing or len(self.sheet) > 31:  # 31: Excel's limit on a sheet name
            raise ValueError(f"table «{self.sheet}»: kinds {unknown}, columns {missing}")

    def kind(self, column: str, row: int) -> str | None:
        """The kind of number in a cell (None: a text column)."""
        kind = self.numbers.get(column)
        return kind[row] if isinstance(kind, list) else kind


Block = Heading | Paragraph | Field | Table


@dataclass(frozen=True)
class Document:
    """One document of a year: `stem` names its files (`<stem>.docx`, `<stem>.xlsx`)."""

    stem: str
    title: str
    year: int
    blocks: tuple[Block, ...]

    @property
    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]

    def table(self, sheet: str) -> Table:
        return next(t for t in self.tables if t.sheet == sheet)
