"""A per-user cache of ``check`` results, one entry per incident.

What ``check`` finds in one incident -- problems reading and validating it,
approvals that do not count or are missing, lint findings -- is a pure function
of a handful of inputs: statuskit's own code and data (and the versions of the
libraries that parse and verify), the content folder as displayed, components.yml,
teams.yml, lint.yml, the incident's file and every file under its approvals
folder. The key of an entry is the SHA-256 of all of those bytes, so an edit to
any of them -- one byte of a signature, a member removed from teams.yml, a
lint severity, an upgrade of statuskit -- makes a new key, and the incident is
checked in full again. Nothing is keyed on file times.

A second ``check`` of a 10,000-incident site then reads and hashes the files
instead of parsing 10,000 YAML documents and verifying 100,000 signatures.

One JSON file per content folder, in :func:`statuskit.infra.cache.cache_dir`, holding
the entries of the last run only (so it never grows beyond the site), replaced
atomically. A file that cannot be read or parsed is ignored; one that cannot be
written is skipped. As with the verified-signature cache, whoever can write your
cache folder can make ``check`` report what they like on your machine -- as they
could by editing statuskit itself; CI starts without a cache.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
import tempfile
from functools import lru_cache
from pathlib import Path

from ..errors import Problem, Severity
from ..infra.cache import feed
from ..model.content import RawIncident, read_regular

VERSION = "statuskit check cache v2"

Entry = tuple  # (incident id or None, update count, load problems, findings, (file, lint.overdue promise rows))


@lru_cache(maxsize=1)
def code_fingerprint() -> bytes:
    """SHA-256 of statuskit's Python files and data, and the versions of the libraries check relies on."""
    import cryptography
    import yaml

    h = hashlib.sha256(VERSION.encode())
    pkg = Path(__file__).resolve().parent.parent  # the whole statuskit package
    files = sorted(p for p in pkg.rglob("*") if p.suffix in (".py", ".yml") and p.is_file())
    for p in files:
        h.update(str(p.relative_to(pkg)).encode() + b"\0")
        h.update(hashlib.sha256(p.read_bytes()).digest())
    h.update(f"{sys.version}\0{yaml.__version__}\0{cryptography.__version__}".encode())
    return h.digest()


def _problem_json(p: Problem) -> list:
    return [p.file, p.line, p.field, p.message, p.severity.value, p.rule]


def _problem(row: list) -> Problem:
    file, line, field, message, severity, rule = row
    return Problem(file, line, field, message, Severity(severity), rule)


class CheckCache:
    """Entries of the last check of one content folder; :meth:`key` them, :meth:`get` and :meth:`put`."""

    def __init__(self, root: Path, root_disp: str, folder: Path | None) -> None:
        self.path: Path | None = None
        self.old: dict[str, list] = {}
        self.new: dict[str, list] = {}
        if folder is None:
            return
        h = hashlib.sha256(code_fingerprint())
        h.update(root_disp.encode() + b"\0")
        for name in ("components.yml", "teams.yml", "lint.yml"):
            try:
                data = read_regular(root / name)  # never a link, never a named pipe (it would wait)
            except OSError as exc:
                data = f"\0unreadable: {exc.strerror}".encode()
            feed(h, data)
        self.salt = h.digest()
        where = hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:32]
        self.path = folder / "check-v1" / f"{where}.json"
        with contextlib.suppress(OSError, ValueError):
            doc = json.loads(self.path.read_bytes())
            if isinstance(doc, dict) and isinstance(doc.get("entries"), dict):
                self.old = doc["entries"]

    def key(self, raw: RawIncident) -> str:
        if self.path is None:
            return ""  # caching is off: nothing to look up
        h = hashlib.sha256(self.salt)
        raw.feed(h)
        return h.hexdigest()

    def get(self, key: str) -> Entry | None:
        row = self.old.get(key)
        if row is None:
            return None
        try:
            iid, n, load_problems, found, promises = row
            if promises is not None and not (
                    isinstance(promises, list) and len(promises) == 2 and isinstance(promises[0], str)
                    and isinstance(promises[1], list) and all(isinstance(r, list) and len(r) == 8 for r in promises[1])):
                return None  # (the rows' values are read by lint.overdue.from_rows, when needed)
            return iid, n, [_problem(r) for r in load_problems], [_problem(r) for r in found], promises
        except (TypeError, ValueError, AttributeError):
            return None  # a damaged entry is a miss

    def put(self, key: str, entry: Entry) -> None:
        iid, n, load_problems, found, promises = entry
        self.new[key] = [iid, n, [_problem_json(p) for p in load_problems], [_problem_json(p) for p in found],
                         None if promises is None else [promises[0], promises[1]]]

    def save(self, keys: list[str]) -> None:
        """Keep exactly the entries of ``keys`` (this run's incidents); write only when something changed."""
        if self.path is None:
            return
        entries = {k: self.new[k] if k in self.new else self.old[k] for k in keys}
        if entries.keys() == self.old.keys():
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".check-", suffix=".tmp")
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as fh:
                    json.dump({"version": VERSION, "entries": entries}, fh, separators=(",", ":"))
                os.replace(tmp, self.path)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
                raise
        except OSError:
            pass  # a read-only or full cache folder: the next run checks in full
