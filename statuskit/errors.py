"""Errors and problem reports.

Every user-facing failure is a :class:`StatuskitError`. It is caught once, at the
CLI edge (or the MkDocs adapter), which prints it and exits non-zero. Content
problems are collected as :class:`Problem` values -- each names the file, line
and field path -- so that one run reports every problem at once.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Iterable


class Severity(str, enum.Enum):
    """How much a problem matters."""

    ERROR = "error"
    """Makes ``check`` fail and stops a build."""
    WARNING = "warning"
    """Reported, but ``check`` still passes."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the content, with its place."""

    file: str
    """Path of the file, as given to statuskit (relative to the working directory when possible)."""
    line: int | None
    """1-based line number, or None when the problem is about the whole file."""
    field: str | None
    """Field path inside the file, e.g. ``updates[2].components.billing``."""
    message: str
    """What was found and what was expected."""
    severity: Severity = Severity.ERROR
    """Error or warning."""
    rule: str | None = None
    """Stable rule id for lints and approval checks (e.g. ``approval-missing``)."""

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
        head = f"{where}: "
        if self.field:
            head += f"{self.field}: "
        tail = f" [{self.rule}]" if self.rule else ""
        prefix = "warning: " if self.severity is Severity.WARNING else ""
        return f"{head}{prefix}{self.message}{tail}"

    def sort_key(self) -> tuple:
        return (self.file, self.line or 0, self.field or "", self.message)


class StatuskitError(Exception):
    """Base error: a short message, optionally a longer explanation for the user."""

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message}\n{self.hint}"


class ContentError(StatuskitError):
    """The content has one or more errors; ``problems`` lists every one."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = sorted(problems, key=Problem.sort_key)
        n = len(self.problems)
        lines = "\n".join(str(p) for p in self.problems)
        super().__init__(f"{lines}\n{n} error{'s' if n != 1 else ''} in content")


class SignatureError(StatuskitError):
    """A signature could not be parsed or does not verify."""


class SignatureMismatch(SignatureError):
    """A well-formed signature by a supported key that is not over the message given: it signed
    other bytes (for an approval, most often an older version of the update's text)."""


class GitError(StatuskitError):
    """A git command failed (for ``check --base``)."""


class BuildError(StatuskitError):
    """The site could not be built; the previous site is left untouched."""
