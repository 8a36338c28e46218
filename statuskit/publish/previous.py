"""Published history cannot roll back: a build keeps everything the previous site published.

>>> previous = read_previous(Path("site/approvals.json"))      # what the live site published
>>> changes = rollbacks(previous, release)                     # [] when nothing would be lost
>>> [str(c) for c in changes]
["incident '2024-07-31-outage' update 2: published with digest sha256:1a2b... and would now be sha256:9f8e..."]

The previous site is the site folder's own ``approvals.json`` (or the live site's,
downloaded, given with ``statuskit build --previous FILE``). For every update it lists,
the new release must

1. still publish it (an incident or update that went missing is a rollback), and
2. publish the same words: the same digest (when the previous digest is null -- a
   retracted update, or one whose technical part was withheld -- only its presence is
   compared), unless the update is now withdrawn by an approved retraction, which is
   how published text goes.

A build at an earlier T than the previous site legitimately shows less: an update whose
own publication time (``published_at`` in approvals.json: the later of its ``at`` and
its ``embargo_until``) is after the new T is not a rollback. approvals.json written
before ``published_at`` existed gives only ``at``; then ``at`` is used (an embargoed
update looks published earlier than it was, so an earlier-T build is refused: fail closed).

The one override is ``--allow-unpublish REASON``: the build then goes ahead, and every
update it unpublishes is printed as a warning with the reason (in the build's log).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Callable

from ..errors import StatuskitError
from ..gate.release import Release
from ..model.content import display_path
from ..model.validate import format_time, parse_time

__all__ = ["PreviousUpdate", "PreviousSite", "Rollback", "read_previous", "published_keys", "rollbacks",
           "RollbackError", "refuse_or_log"]


@dataclass(frozen=True)
class PreviousUpdate:
    """One update the previous site published, as its approvals.json lists it."""

    incident: str
    update: int
    digest: str | None
    """Its digest; None when the site withheld it (retracted, or technical part embargoed)."""
    published_at: datetime
    """When it became public: ``published_at``, else ``at`` (older approvals.json)."""


@dataclass(frozen=True)
class PreviousSite:
    """What the previous site published."""

    source: str
    """The approvals.json it was read from (for messages)."""
    at: datetime | None
    """Its build time T, when its approvals.json records it."""
    updates: tuple[PreviousUpdate, ...]


@dataclass(frozen=True)
class Rollback:
    """An update the previous site published that the new release would unpublish or change."""

    incident: str
    update: int
    change: str
    """``missing`` or ``digest differs``."""
    detail: str

    def __str__(self) -> str:
        return f"incident '{self.incident}' update {self.update}: {self.change}: {self.detail}"


class RollbackError(StatuskitError):
    """The build would unpublish or change what the previous site published."""


def read_previous(path: Path) -> PreviousSite | None:
    """The previous site's approvals.json at ``path``; None when there is nothing there (a first build)."""
    path = Path(path)
    disp = display_path(path)
    if not path.is_file():
        if not os.path.lexists(path):
            return None
        # a folder, a pipe or a broken link is no sign of a first build
        raise StatuskitError(f"{disp}: not a regular file; give the previous site's approvals.json")
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise StatuskitError(f"{disp}: the previous site's approvals.json cannot be read: {exc}") from None

    def bad(where: str, expected: str) -> StatuskitError:
        return StatuskitError(f"{disp}: {where}: expected {expected}; this is not the approvals.json of a "
                              "statuskit site, so what it published cannot be compared")

    if not isinstance(doc, dict) or not str(doc.get("protocol", "")).startswith("statuskit-approval "):
        raise bad("protocol", '"statuskit-approval v1"')
    if doc.get("preview") is not None:
        raise StatuskitError(f"{disp}: preview: {doc.get('preview')!r}: this is the approvals.json of a preview "
                             "(`statuskit build --drafts`), which shows updates that are not approved; compare with "
                             "the live site's approvals.json (`statuskit last-deploy --approvals FILE`)")
    at = None
    if doc.get("at") is not None:
        try:
            at = parse_time(doc["at"])
        except (ValueError, TypeError):
            raise bad("at", "a time like 2024-07-31T09:05:00Z") from None
    incidents = doc.get("incidents")
    if not isinstance(incidents, list):
        raise bad("incidents", "a list")
    out: list[PreviousUpdate] = []
    for i, inc in enumerate(incidents):
        if not isinstance(inc, dict) or not isinstance(inc.get("id"), str) or not isinstance(inc.get("updates"), list):
            raise bad(f"incidents[{i}]", "an object with an id and a list of updates")
        for j, u in enumerate(inc["updates"]):
            where = f"incidents[{i}].updates[{j}]"
            if not isinstance(u, dict) or not isinstance(u.get("update"), int):
                raise bad(where, "an object with an update number")
            digest = u.get("digest")
            if digest is not None and not isinstance(digest, str):
                raise bad(f"{where}.digest", "a string or null")
            try:
                when = parse_time(u.get("published_at") or u.get("at"))
            except (ValueError, TypeError):
                raise bad(f"{where}.published_at", "a time like 2024-07-31T09:05:00Z") from None
            out.append(PreviousUpdate(inc["id"], u["update"], digest, when))
    return PreviousSite(disp, at, tuple(out))


def published_keys(previous: PreviousSite) -> set[tuple[str, int]]:
    """(incident, update) of everything the previous site published."""
    return {(u.incident, u.update) for u in previous.updates}


def rollbacks(previous: PreviousSite, release: Release) -> list[Rollback]:
    """Every update ``previous`` published that ``release`` would unpublish or change."""
    now = {(inc.id, u.id): u for inc in release.incidents for u in inc.updates}
    out: list[Rollback] = []
    for p in previous.updates:
        u = now.get((p.incident, p.update))
        if u is None:
            if p.published_at > release.at:
                continue  # an earlier build time: not public yet at T, it was not rolled back
            # 1. still published
            out.append(Rollback(p.incident, p.update, "missing",
                                f"published by the previous site (since {format_time(p.published_at)}) and "
                                f"not published by this build as of {format_time(release.at)}"))
        elif u.retracted or p.digest is None:
            continue  # withdrawn by an approved retraction, or only its presence is known
        elif u.digest is None:
            # 2. the same words: a part published before would be withheld again
            out.append(Rollback(p.incident, p.update, "withheld again",
                                f"published with digest {p.digest}, and this build would withhold part of it "
                                "again (its technical text or report is under embargo as of this build)"))
        elif u.digest != p.digest:
            # 2. the same words
            out.append(Rollback(p.incident, p.update, "digest differs",
                                f"published with digest {p.digest} and this build would publish {u.digest} "
                                "(the update was edited after it was published)"))
    return out


def refuse_or_log(previous: PreviousSite, release: Release, allow_unpublish: str | None,
                  warn: Callable[[str], None]) -> list[Rollback]:
    """Raise RollbackError listing every rollback, unless ``allow_unpublish`` gives a reason: then
    ``warn`` each one with that reason and return them."""
    found = rollbacks(previous, release)
    if not found:
        return []
    if allow_unpublish is None or not allow_unpublish.strip():
        listing = "\n".join(f"  {r}" for r in found)
        raise RollbackError(
            f"refusing to build: this build would unpublish or change {len(found)} update(s) that the previous "
            f"site published ({previous.source}):\n{listing}",
            hint="The site folder was left as it was. Published updates stay as they were published: restore them (git checkout <last published "
                 "commit> -- content/) and add a correcting update (statuskit update INCIDENT --corrects N); to "
                 "withdraw text, add an approved retracting update (--retracts N). In an emergency only, "
                 "`statuskit build --allow-unpublish \"REASON\"` goes ahead and logs every update it unpublishes.")
    reason = " ".join(allow_unpublish.split())  # one line: a reason cannot forge further log lines
    for r in found:
        warn(f"--allow-unpublish: unpublishing {r} (reason: {reason})")
    return found
