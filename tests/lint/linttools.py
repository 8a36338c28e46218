"""Helpers for the lint tests: incidents written as YAML, validated in memory (no disk, no keys).

>>> inc = incident(update(1, "investigating", public="We are investigating."))
>>> problems = lint(inc)
"""

from __future__ import annotations

import textwrap
from types import MappingProxyType

from statuskit.lint import run_lints
from statuskit.lint.config import default_config
from statuskit.model.load import parse_yaml
from statuskit.model.records import Content, Teams
from statuskit.model.validate import validate_incident

INCIDENT_ID = "2026-11-24-portal-incident"
FILE = f"content/incidents/{INCIDENT_ID}.yml"
COMPONENTS = {"patient-portal", "scheduling", "website"}


def _block(key: str, text: str) -> str:
    body = textwrap.indent(textwrap.dedent(text).strip("\n") + "\n", "      ")
    return f"    {key}: |\n{body}"


def update(n: int, status: str, *, public: str | None = None, technical: str | None = None,
           extra: str = "", at: str | None = None) -> str:
    """One update as YAML; ``extra`` holds more keys (dedented, one per line)."""
    lines = [f"  - id: {n}", f"    at: {at or f'2026-11-24T{7 + n:02d}:00:00Z'}", f"    status: {status}"]
    if n == 1:
        lines += ["    title: Patient portal unavailable, 24 November 2026", "    impact: major"]
    out = "\n".join(lines) + "\n"
    if extra:
        out += textwrap.indent(textwrap.dedent(extra).strip("\n") + "\n", "    ")
    if public is not None:
        out += _block("public", public)
    if technical is not None:
        out += _block("technical", technical)
    return out


def incident(*updates: str, kind: str = "incident") -> str:
    return f"id: {INCIDENT_ID}\nkind: {kind}\nupdates:\n" + "".join(updates)


def load(yaml_text: str):
    """The Incident for ``yaml_text`` (fails the test on validation errors)."""
    doc, problems = parse_yaml(yaml_text.encode(), FILE)
    assert doc is not None, problems
    inc, problems = validate_incident(doc, INCIDENT_ID, COMPONENTS)
    assert inc is not None and not problems, "\n".join(map(str, problems))
    return inc


def content_of(*incidents) -> Content:
    teams = Teams("statuskit-approval@test.example", ("comms", "security"), MappingProxyType({}), MappingProxyType({}))
    return Content("/nonexistent-content", (), teams, tuple(incidents), MappingProxyType({}))


def lint(yaml_text: str, config=None) -> list:
    """Every lint finding for one incident file, with the default settings."""
    return run_lints(content_of(load(yaml_text)), config or default_config())


def rules(yaml_text: str, config=None) -> list[str]:
    return [p.rule for p in lint(yaml_text, config)]
