"""Alignment lints: one story for two audiences (see the content-format reference).

>>> problems = run_lints(content)     # list of Problem, each with a stable rule id
"""

from __future__ import annotations

from ..errors import Problem
from ..model.records import Content


def run_lints(content: Content) -> list[Problem]:
    """Every lint over every update of ``content``."""
    return []
