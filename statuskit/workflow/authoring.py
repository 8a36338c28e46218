"""Writing content: a new incident file, and appending an update to one.

Appending edits the file as text: everything before the insertion point --
earlier updates, their comments and formatting -- stays byte for byte. The
result is validated before it is written; an invalid result writes nothing.
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Callable

import yaml

from ..errors import ContentError, Problem, StatuskitError
from ..model.content import display_path, load_components, read_regular, refused
from ..model.load import parse_yaml, parse_yaml_node
from ..model.records import ComponentStatus
from ..model.validate import ID_RE, format_time, validate_incident

_SAFE_PLAIN = re.compile(r"\A[A-Za-z0-9][A-Za-z0-9 ,.()/'&%+-]*\Z", re.ASCII)


@dataclass(frozen=True)
class Draft:
    """What an author gives for a new update."""

    status: str
    at: datetime
    title: str | None = None
    impact: str | None = None
    components: tuple[tuple[str, str], ...] = ()
    public: str | None = None
    technical: str | None = None
    next_update_at: datetime | None = None
    scheduled: tuple[datetime, datetime] | None = None
    embargo_until: datetime | None = None
    technical_embargo_until: datetime | None = None
    corrects: int | None = None
    retracts: int | None = None
    security_incident: bool | None = None
    """``security_incident: true|false`` (None: not set, the earlier value stands)."""


def slugify(title: str) -> str:
    """A lower-case id fragment from a title."""
    text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:50].rstrip("-") or "incident"


def _scalar(value: str) -> str:
    """A YAML scalar for one-line text: plain when unambiguous, else double-quoted."""
    if _SAFE_PLAIN.match(value) and not value.endswith(" ") and value.lower() not in (
        "yes", "no", "on", "off", "true", "false", "null", "y", "n", "~"
    ) and ": " not in value and " #" not in value and not re.fullmatch(r"[\d.+-]+", value, re.ASCII) \
            and yaml.resolver.Resolver().resolve(yaml.ScalarNode, value, (True, False)) == "tag:yaml.org,2002:str":
        return value  # (the resolver check catches YAML 1.1 numbers such as 0x1F or 0b101)
    return yaml.safe_dump(value, default_style='"', width=10_000, allow_unicode=True).strip()


def _block(key: str, text: str, indent: str) -> str:
    """``key: |`` with the text indented below it."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").rstrip("\n")
    lines = text.split("\n")
    body = "\n".join((indent + "  " + line) if line.strip() else "" for line in lines)
    # YAML guesses a block's indentation from its first line: say it when that line is indented
    first = next((line for line in lines if line.strip()), "")
    indicator = "2" if first[:1] in (" ", "\t") else ""
    return f"{indent}{key}: |{indicator}\n{body}\n"


def render_update(uid: int, d: Draft, dash: str, indent: str) -> str:
    """One update as YAML lines: ``{dash}- id: N`` then keys at ``indent`` (``id`` lines up with them)."""
    gap = " " * max(1, len(indent) - len(dash) - 1)
    lines = [f"{dash}-{gap}id: {uid}\n", f"{indent}at: {format_time(d.at)}\n", f"{indent}status: {d.status}\n"]
    if d.title is not None:
        lines.append(f"{indent}title: {_scalar(d.title)}\n")
    if d.impact is not None:
        lines.append(f"{indent}impact: {d.impact}\n")
    if d.components:
        lines.append(f"{indent}components:\n")
        lines += [f"{indent}  {cid}: {st}\n" for cid, st in d.components]
    if d.scheduled is not None:
        lines.append(f"{indent}scheduled: {{from: {format_time(d.scheduled[0])}, until: {format_time(d.scheduled[1])}}}\n")
    for key in ("next_update_at", "embargo_until", "technical_embargo_until"):
        v = getattr(d, key)
        if v is not None:
            lines.append(f"{indent}{key}: {format_time(v)}\n")
    for key in ("corrects", "retracts"):
        v = getattr(d, key)
        if v is not None:
            lines.append(f"{indent}{key}: {v}\n")
    if d.security_incident is not None:
        lines.append(f"{indent}security_incident: {'true' if d.security_incident else 'false'}\n")
    if d.public:
        lines.append(_block("public", d.public, indent))
    if d.technical:
        lines.append(_block("technical", d.technical, indent))
    return "".join(lines)


def new_incident_text(iid: str, kind: str, d: Draft) -> str:
    """The whole file of a new incident with update 1."""
    return (
        f"# statuskit incident file (content format v1). Updates are append-only:\n"
        f"# add new ones with `statuskit update {iid}`; never edit a published update.\n"
        f"id: {iid}\nkind: {kind}\nupdates:\n" + render_update(1, d, "  ", "    ")
    )


def create_incident(root: Path, kind: str, d: Draft, iid: str | None = None) -> Path:
    """Write content/incidents/<id>.yml for a new incident; returns its path."""
    if iid is None:
        base = f"{d.at:%Y-%m-%d}-{slugify(d.title or 'incident')}"[:80].rstrip("-")
        iid, n = base, 2
        while os.path.lexists(root / "incidents" / f"{iid}.yml"):
            iid = f"{base[:76]}-{n}"
            n += 1
    if not ID_RE.match(iid):
        raise StatuskitError(f"incident id {iid!r} must match ^[a-z0-9][a-z0-9-]{{0,79}}$ (lower-case letters, digits, '-')")
    path = root / "incidents" / f"{iid}.yml"
    if os.path.lexists(path):
        raise StatuskitError(f"{display_path(path)} already exists; add an update with `statuskit update {iid}`")
    text = new_incident_text(iid, kind, d)
    _validate_text(root, path, text)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def append_update(root: Path, iid: str, make: Callable[[datetime, int], Draft]) -> tuple[Path, int]:
    """Append the next update to an incident file, keeping every existing byte.

    ``make(last_update_at, next_id)`` returns the Draft (so the caller can pick times).
    """
    path = root / "incidents" / f"{iid}.yml"
    name = display_path(path)
    if not ID_RE.match(iid) or not os.path.lexists(path):
        raise StatuskitError(f"no incident '{iid}' in {display_path(root / 'incidents')} (create it with `statuskit new`)")
    # read once, as the loader reads (no links, no pipes), and parse with its safe reader: the same refusals
    why = refused(path.name, os.lstat(path).st_mode)
    if why is not None or path.is_dir():
        raise ContentError([Problem(name, None, None, why or "this is a folder, not an incident file")])
    try:
        data = read_regular(path)
    except OSError as exc:
        raise ContentError([Problem(name, None, None, f"cannot read file: {exc.strerror or exc}")]) from None
    doc, node, problems = parse_yaml_node(data, name)
    if doc is None:
        raise ContentError(problems)
    inc = _validate_doc(root, doc, iid)
    raw = data.decode("utf-8")
    bom = "\ufeff" if raw.startswith("\ufeff") else ""
    text = raw[len(bom):]
    first_line_end = text.find("\n")
    eol = "\r\n" if first_line_end > 0 and text[first_line_end - 1] == "\r" else "\n"
    if not isinstance(node, yaml.MappingNode):  # (not reached: the file has just validated as an incident)
        raise StatuskitError(f"{name}: expected an incident (a mapping with id, kind and updates)")
    seq = next(v for k, v in node.value if k.value == "updates")
    if not isinstance(seq, yaml.SequenceNode) or not seq.value or seq.flow_style:
        raise StatuskitError(f"{name}: 'updates' must be a block list (one '- id: N' item per update) to append to it")
    last = seq.value[-1]
    # the dash of the list items and the indentation of the keys inside one
    key_col = last.start_mark.column
    dash_at = text.rfind("-", 0, last.start_mark.index)  # the item's dash (maybe on the line above)
    dash_col = dash_at - (text.rfind("\n", 0, dash_at) + 1)
    insert_at = last.end_mark.index
    # the new item starts on a line of its own, after the end of the last item's content
    prefix = text[:insert_at]
    if not prefix.endswith("\n"):
        nl = text.find("\n", insert_at)
        insert_at = len(text) if nl < 0 else nl + 1
        prefix = text[:insert_at]
        if not prefix.endswith("\n"):
            prefix += eol
    # comments the parser counted into the last item that are less indented than its keys
    # introduce what follows (e.g. a later top-level key): they stay with it, below the new item
    if any(line.strip() and not line.lstrip().startswith("#") for line in text[insert_at:].splitlines()):
        pos, first_comment = insert_at, None
        while pos > 0:
            start = text.rfind("\n", 0, pos - 1) + 1
            line = text[start:pos].rstrip("\r\n")
            if line.lstrip().startswith("#") and len(line) - len(line.lstrip()) < key_col:
                first_comment = start
            elif line.strip():
                break
            pos = start
        if first_comment is not None:
            insert_at = first_comment
            prefix = text[:insert_at]
    d = make(inc.updates[-1].at, len(inc.updates) + 1)
    new_item = render_update(len(inc.updates) + 1, d, " " * dash_col, " " * key_col).replace("\n", eol)
    new_text = prefix + new_item + text[insert_at:]
    after = _validate_text(root, path, new_text)
    # the earlier updates must read exactly as before (their approvals bind to their content)
    for old, new in zip(inc.updates, after.updates, strict=False):  # after has one more
        if dict(old.canonical) != dict(new.canonical):
            changed = sorted(k for k in set(old.canonical) | set(new.canonical)
                             if old.canonical.get(k) != new.canonical.get(k))
            raise StatuskitError(
                f"{name}: appending would change update {old.id} ({', '.join(changed)}) as it is written; "
                "nothing was written",
                hint="This happens when a block text (`|`) ends the file without a final line break: add one "
                     "(the update then needs approving again if it was approved) and retry.",
            )
    path.write_bytes((bom + new_text).encode("utf-8"))
    return path, len(inc.updates) + 1


def _component_ids(root: Path) -> set[str]:
    comps, problems = load_components(root)
    if problems:
        raise ContentError(problems)
    return {c.id for c in comps}


def _validate_doc(root: Path, doc, iid: str):
    inc, problems = validate_incident(doc, iid, _component_ids(root))
    if inc is None:
        raise ContentError(problems)
    return inc


def _validate_text(root: Path, path: Path, text: str):
    name = display_path(path)
    try:
        doc, problems = parse_yaml(text.encode("utf-8"), name)
        if doc is None:
            raise ContentError(problems)
        return _validate_doc(root, doc, path.stem)
    except ContentError as exc:
        raise ContentError(
            [Problem(p.file, p.line, p.field, p.message + " (nothing was written)") for p in exc.problems]
        ) from None


def parse_component_option(value: str) -> tuple[str, str]:
    """``ID=STATUS`` from the command line."""
    if "=" not in value:
        raise ValueError(f"expected ID=STATUS (e.g. scheduling=major_outage), got {value!r}")
    cid, st = value.split("=", 1)
    valid = [s.value for s in ComponentStatus]
    if st not in valid:
        raise ValueError(f"component status {st!r} is not one of: {', '.join(valid)}")
    return cid.strip(), st
