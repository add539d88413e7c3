"""argparse in Russian: the parser, help formatter and help words every command line shares.

`analysis.cli` and `analysis.ingest_status` both build parsers from here (neither imports the
other). Standard library only: `python -m analysis.ingest_status` runs on every `make book`.
"""

from __future__ import annotations

import argparse
import re
import sys

# argparse's own error messages → Russian (the rest of a message, e.g. option names, stays)
ERRORS = (
    (
        re.compile(r"the following arguments are required: (.*)"),
        r"не указаны обязательные параметры: \1",
    ),
    (re.compile(r"unrecognized arguments: (.*)"), r"неизвестные параметры: \1"),
    (re.compile(r"argument (\S+): invalid int value: (.*)"), r"\1: нужно целое число, указано \2"),
    (re.compile(r"argument (\S+): invalid float value: (.*)"), r"\1: нужно число, указано \2"),
    (
        re.compile(r"argument (\S+): invalid choice: (.*?) \(choose from (.*)\)"),
        r"\1: недопустимое значение \2 (допустимы: \3)",
    ),
    (re.compile(r"argument (\S+): expected one argument"), r"\1: нужно указать значение"),
    (
        re.compile(r"argument (\S+): expected at least one argument"),
        r"\1: нужно указать хотя бы одно значение",
    ),
    (
        re.compile(r"argument (\S+): not allowed with argument (\S+)"),
        r"\1 нельзя указывать вместе с \2",
    ),
)


class RussianArgumentParser(argparse.ArgumentParser):
    """An ArgumentParser whose mistakes are reported in Russian (exit status 2, as argparse)."""

    def error(self, message: str):  # type: ignore[override]
        for pattern, russian in ERRORS:
            if pattern.fullmatch(message):
                message = pattern.sub(russian, message)
                break
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: ошибка: {message}\n")


class RussianHelpFormatter(argparse.HelpFormatter):
    """argparse's help with «использование:» instead of «usage:»."""

    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups, "использование: " if prefix is None else prefix)


def russian_help(parser: argparse.ArgumentParser) -> None:
    """Russian words for argparse's own parts of --help (the -h option and the section titles)."""
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction):
            action.help = "показать эту справку и выйти"
    parser._optionals.title = "параметры"
    parser._positionals.title = "позиционные аргументы"
