"""Errors a user can cause. Their message is Russian and names the place; the CLI prints it
without a traceback (a traceback is a bug)."""

from __future__ import annotations


class UserError(Exception):
    """A problem with the user's input or command, explained in Russian."""
