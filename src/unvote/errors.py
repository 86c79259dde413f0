"""The one exception a user sees for bad input; the CLI turns it into one line and exit 2."""

from __future__ import annotations


class UnvoteError(Exception):
    """Bad input: a file, field or value that is not allowed.

    The message names the file, the field (or row, or resolution), the value and what is
    allowed, so that one line is enough to fix it.
    """

    exit_code = 2


class DataError(UnvoteError):
    """A raw or processed data file that cannot be read or does not check out."""


class ScenarioError(UnvoteError):
    """A scenario file with an unknown key, a wrong type or a value out of range."""
