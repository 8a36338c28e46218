"""Approving a change to teams.yml: sign the next ``_teams/<n>`` step.

The verifying half is :mod:`statuskit.gate.teams_chain`.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import StatuskitError
from ..gate.approvals import Registry
from ..gate.site_chain import TEAMS
from ..gate.teams_chain import registry_digest, teams_manifest
from ..model.records import Teams
from .site_approval import sign_step

__all__ = ["sign_teams"]


def sign_teams(root: Path, new: Teams, previous: Teams, seq: int, team: str, member: str,
               key: Path | None, where: str = "the teams.yml before the change") -> tuple[Path, list[Path]]:
    """Sign step ``seq`` (``previous`` -> ``new``) as ``member`` of ``team`` in ``previous``."""
    if registry_digest(previous) == registry_digest(new):
        raise StatuskitError("teams.yml is unchanged: nothing to approve")
    return sign_step(TEAMS, Path(root) / "approvals", seq, teams_manifest(seq, previous, new), Registry(previous),
                     team, member, key, where)
