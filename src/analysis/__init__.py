"""Analytical report book of a municipal methodological centre: the quality of teachers'
professional development (ПК) through the management cycle.

Modules (one job each): `contract` (the forms), `ingest` (read and validate workbooks),
`processed` (typed Parquet storage), `catalogue` and `indicators` (what is measured and how),
`demo` (the synthetic city), `book` (execute and render the notebooks), `cli`.
"""

__all__ = ["__version__"]
__version__ = "0.1.0"
