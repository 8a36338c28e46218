"""Alignment lints: one story for two audiences (see the lints reference).

>>> problems = run_lints(content)            # list of Problem, each with a stable rule id
>>> by_update = lints_by_update(content)     # {(incident id, update id): [Problem, ...]}

Settings come from ``statuskit/data/lint.yml`` and the site's ``content/lint.yml``
(:mod:`statuskit.lint.config`); an update skips the rules it lists under ``acknowledge``.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import Problem
from ..infra.parallel import pmap
from ..model.records import Content
from .config import RULES, LintConfig, default_config, load_config
from .rules import lint_incident

__all__ = ["RULES", "LintConfig", "default_config", "load_config", "run_lints", "lint_findings", "lints_by_update"]


def lint_findings(content: Content, config: LintConfig | None = None) -> tuple[list[Problem], dict[tuple[str, int], list[Problem]]]:
    """Problems with the lint settings, and every finding per (incident id, update id)."""
    problems: list[Problem] = []
    if config is None:
        config, problems = load_config(Path(content.root))
        if config is None:
            return problems, {}
    found: dict[tuple[str, int], list[Problem]] = {}
    per_incident = pmap(_lint_one, range(len(content.incidents)), (content, config))
    for inc, findings in zip(content.incidents, per_incident, strict=True):
        for uid, p in findings:
            found.setdefault((inc.id, uid), []).append(p)
    return problems, found


def _lint_one(shared: tuple, index: int) -> list:
    content, config = shared
    return list(lint_incident(content.incidents[index], config))


def run_lints(content: Content, config: LintConfig | None = None) -> list[Problem]:
    """Every lint over every update of ``content`` (and any error in its lint.yml)."""
    problems, found = lint_findings(content, config)
    return sorted(problems + [p for ps in found.values() for p in ps], key=Problem.sort_key)


def lints_by_update(content: Content, config: LintConfig | None = None) -> dict[tuple[str, int], list[Problem]]:
    """Findings per (incident id, update id); problems in lint.yml itself are left out."""
    return lint_findings(content, config)[1]
