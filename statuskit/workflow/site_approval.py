"""Approving a change to the site files: plan the next ``_site/<n>`` step and sign it.

The verifying half of the numbered chains is :mod:`statuskit.gate.site_chain`; this is
the half an approver runs (``statuskit approve-site``, ``statuskit approve-teams``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from ..errors import SignatureError, StatuskitError
from ..gate.approvals import Registry
from ..gate.site_chain import MANIFEST, SITE, Chain, WorkTree, changed_paths, collect_site_files, content_rel, \
    file_hashes, manifest_bytes, parse_manifest, read_steps, state_digest, step_statement
from ..model.content import display_path, load_content
from ..model.records import Teams
from ..ssh.sign import ssh_keygen_sign
from .history import GitTree, base_snapshot

__all__ = ["SitePlan", "plan_site_step", "sign_site", "sign_step"]


def sign_step(chain: Chain, approvals_dir: Path, seq: int, manifest: bytes, registry: Registry, team: str,
              member: str, key: Path | None, where: str) -> tuple[Path, list[Path]]:
    """Write ``<chain>/<seq>/manifest.json`` (or keep the identical one) and sign it as ``member`` of
    ``team``; returns (the .sig path, signature files removed because they signed another manifest)."""
    t = registry.teams
    try:
        registry.check_member(team, member, where)
    except SignatureError as exc:
        raise StatuskitError(f"{exc.message}; {where} must approve this change") from None
    msg = step_statement(chain, manifest, team, member)
    data = ssh_keygen_sign(key, t.namespace, msg)
    try:
        registry.check_signed(team, member, data, msg, where)
    except SignatureError as exc:
        raise StatuskitError(f"the new signature would not count: {exc.message}") from None
    folder = Path(approvals_dir) / chain.folder / str(seq)
    removed: list[Path] = []
    path = folder / MANIFEST
    if path.is_file() and path.read_bytes() != manifest:
        # another approver signed a different state: those signatures are void now
        removed = sorted(p for p in folder.iterdir() if p.name.endswith(".sig"))
        for p in removed:
            p.unlink()
    folder.mkdir(parents=True, exist_ok=True)
    if not path.is_file() or path.read_bytes() != manifest:
        path.write_bytes(manifest)
    out = folder / f"{team}--{member}.sig"
    out.write_bytes(data)
    return out, removed


# --- approve-site ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class SitePlan:
    """The step an approver of the site files signs."""

    seq: int
    manifest: bytes
    teams: Teams
    """The registry that must approve (teams.yml at --base, else the working tree's)."""
    where: str
    """That registry, for messages."""
    changes: tuple[str, ...]
    """'+/-/~ path' since the previous approved state (or REF)."""
    since: str
    """What ``changes`` compares with."""
    unchanged: bool
    """The state equals REF's and REF's last step approves it: nothing to approve."""


def plan_site_step(content_dir: Path, base: str | None = None) -> SitePlan:
    """The next ``_site/<n>`` step for the working tree's site files: with ``base`` (the target
    branch), step ``<last at base> + 1`` replacing the state at ``base``; without, the last step in
    the working tree when it already names this state, else the one after it."""

    content_dir = Path(content_dir)
    root = content_dir.resolve().parent
    rel = content_rel(root, content_dir)
    files, problems = collect_site_files(WorkTree(root), rel)
    if problems:
        raise StatuskitError("; ".join(problems))
    now = file_hashes(files)
    steps, _ = read_steps(WorkTree(content_dir), "approvals", SITE)
    if base:
        with base_snapshot(content_dir, base) as snap:
            if snap.content is None:
                raise StatuskitError(f"the content at {base} " + ("has errors" if snap.existed else "does not exist")
                                     + "; there is no teams.yml there to approve the site files")
            project = snap.prefix.rpartition("/")[0] if snap.prefix else None
            if project is None:
                raise StatuskitError(f"{display_path(content_dir)} is the top of the repository; the site files "
                                     "live next to the content folder, which must be a subfolder")
            base_files, _ = collect_site_files(GitTree(snap.repo, snap.sha, project), rel)
            base_steps, _ = read_steps(GitTree(snap.repo, snap.sha, snap.prefix), "approvals", SITE)
            teams = snap.content.teams
        before = file_hashes(base_files)
        seq = max(base_steps, default=0) + 1
        last = base_steps.get(seq - 1)
        last_doc = parse_manifest(SITE, last)[0] if last is not None else None
        unchanged = before == now and last_doc is not None and last_doc["digest"] == state_digest(now)
        return SitePlan(seq, manifest_bytes(SITE, seq, state_digest(before), state_digest(now), now), teams,
                        f"teams.yml at {base}", tuple(_with_line_counts(changed_paths(before, now), base_files, files)),
                        base, unchanged)
    teams = load_content(content_dir, only=set()).teams
    top = steps.get(max(steps)) if steps else None
    doc = parse_manifest(SITE, top)[0] if top is not None else None
    if top is not None and doc is not None and doc["digest"] == state_digest(now):
        prev_files = {}
        below = steps.get(top.seq - 1)
        below_doc = parse_manifest(SITE, below)[0] if below is not None else None
        if below_doc is not None:
            prev_files = below_doc[SITE.body]
        return SitePlan(top.seq, top.files[MANIFEST], teams, "teams.yml", tuple(changed_paths(prev_files, now)),
                        f"step {top.seq - 1}" if below_doc else "nothing approved", False)
    seq = (top.seq if top is not None else 0) + 1
    replaces = doc["digest"] if doc is not None else state_digest(now)
    prev = doc[SITE.body] if doc is not None else {}
    return SitePlan(seq, manifest_bytes(SITE, seq, replaces, state_digest(now), now), teams, "teams.yml",
                    tuple(changed_paths(prev, now)),
                    f"step {top.seq}" if top is not None and doc is not None else "nothing approved", False)


def _with_line_counts(changes: list[str], old: Mapping[str, bytes], new: Mapping[str, bytes]) -> list[str]:
    """'~ path' with '(+a -b lines)' for text files, so an approver sees how much changed."""
    import difflib

    out = []
    for c in changes:
        path = c[2:]
        try:
            a = old[path].decode("utf-8").splitlines() if path in old else []
            b = new[path].decode("utf-8").splitlines() if path in new else []
        except UnicodeDecodeError:
            out.append(f"{c} (binary)")
            continue
        plus = minus = 0
        for line in difflib.unified_diff(a, b, lineterm="", n=0):
            if line.startswith("+") and not line.startswith("+++"):
                plus += 1
            elif line.startswith("-") and not line.startswith("---"):
                minus += 1
        out.append(f"{c} (+{plus} -{minus} lines)")
    return out


def sign_site(content_dir: Path, plan: SitePlan, team: str, member: str, key: Path | None) -> tuple[Path, list[Path]]:
    """Write the plan's manifest (or keep the identical one) and this approver's signature."""
    return sign_step(SITE, Path(content_dir) / "approvals", plan.seq, plan.manifest, Registry(plan.teams), team,
                     member, key, plan.where)
