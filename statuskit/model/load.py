"""Safe YAML reading with line numbers.

The content is read with PyYAML's *composer* only: we never construct Python
objects from tags. Every mapping and sequence becomes a plain ``dict`` or
``list``; every scalar becomes ``str``, ``int``, ``float``, ``bool`` or
``None`` by YAML 1.1's implicit rules, except timestamps, which stay strings so
that the validator can insist on an explicit UTC offset. Alongside the value we
record the line of every field path, so errors can say ``file:line: field``.

Refused, each with a message naming the place:
1. files over :data:`MAX_BYTES`;
2. bytes that are not UTF-8;
3. YAML syntax errors;
4. anchors and aliases;
5. explicit tags other than YAML's core ones;
6. duplicate mapping keys, and keys that are not scalars;
7. more than one document in a file;
8. nesting deeper than :data:`MAX_DEPTH` (a parser recursion bomb).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, TypeAlias

import yaml

from ..errors import Problem, Severity

try:  # the C parser is ~20x faster; fall back to pure Python where libyaml is missing
    from yaml import CSafeLoader as _FastLoader
    from yaml._yaml import CParser as _CParser
except ImportError:  # pragma: no cover - depends on the platform
    from yaml import SafeLoader as _FastLoader  # type: ignore[assignment]
    _CParser = None  # type: ignore[assignment,misc]

MAX_BYTES = 1024 * 1024
"""Largest file statuskit reads (1 MiB)."""
MAX_DEPTH = 50
"""Deepest nesting of lists and mappings (content needs about 6)."""

_CORE = "tag:yaml.org,2002:"
_ALLOWED_TAGS = {
    _CORE + t for t in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq")
}

Path_: TypeAlias = tuple[str | int, ...]  # a field path: keys (str) and list indices (int)


def format_path(path: Path_) -> str:
    """``("updates", 1, "components", "x")`` -> ``updates[1].components.x``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


@dataclass
class Document:
    """A YAML file read safely: its value and the line of every field path."""

    file: str
    """The file name used in messages."""
    data: Any
    """Plain Python value: dict, list, str, int, float, bool or None."""
    lines: dict[Path_, int] = field(default_factory=dict)
    """1-based line of each field path (the line of the key for mapping entries)."""

    def line(self, path: Path_) -> int | None:
        """The line of ``path`` or of its nearest ancestor that has one."""
        path = tuple(path)
        while True:
            if path in self.lines:
                return self.lines[path]
            if not path:
                return None
            path = path[:-1]

    def problem(self, path: Path_, message: str, **kw: Any) -> Problem:
        """A :class:`Problem` at ``path`` in this document."""
        return Problem(self.file, self.line(path), format_path(path) or None, message, **kw)


class YamlRefused(Exception):
    """Raised inside this module; converted to a :class:`Problem`."""

    def __init__(self, line: int | None, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.line = line
        self.message = message
        self.field = field


_STR_TAG = "tag:yaml.org,2002:str"
_resolved: dict[str, str] = {}


def _resolve_scalar(self: yaml.resolver.BaseResolver, kind: type[yaml.Node], value: str,
                    implicit: tuple[bool, bool]) -> str:
    """YAML 1.1 implicit tag resolution, memoised for plain scalars (keys and enum
    values repeat thousands of times); quoted and block scalars are always strings."""
    if kind is yaml.ScalarNode:
        if not implicit[0]:
            return _STR_TAG
        if len(value) <= 40:
            tag = _resolved.get(value)
            if tag is None:
                if len(_resolved) > 100_000:  # bound the memo on huge sites
                    _resolved.clear()
                tag = _resolved[value] = _base_resolve(self, kind, value, implicit)
            return tag
    return _base_resolve(self, kind, value, implicit)


# types-PyYAML leaves BaseResolver.resolve unannotated; this is its signature.
_base_resolve: Callable[[yaml.resolver.BaseResolver, type[yaml.Node], str, tuple[bool, bool]], str] = (
    yaml.resolver.BaseResolver.resolve)


class _FastLoader(_FastLoader):  # type: ignore[no-redef]
    resolve = _resolve_scalar


class _StrictLoader(yaml.SafeLoader):
    """Pure-Python loader that refuses anchors exactly (used only when a file has '&')."""

    resolve = _resolve_scalar

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        event: yaml.Event = self.peek_event()  # type: ignore[no-untyped-call]  # untyped in types-PyYAML
        line = event.start_mark.line + 1 if event.start_mark else None
        if isinstance(event, yaml.AliasEvent):
            raise YamlRefused(line, f"YAML alias '*{event.anchor}' is not allowed")
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            raise YamlRefused(line, f"YAML anchor '&{anchor}' is not allowed")
        # 8. the composer recurses once per level: stop before Python's recursion limit
        self._depth = getattr(self, "_depth", 0) + 1
        try:
            if self._depth > MAX_DEPTH:
                raise YamlRefused(line, f"nested more than {MAX_DEPTH} levels deep")
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def read_yaml(path: Path, display: str | None = None) -> tuple[Document | None, list[Problem]]:
    """Read one YAML file safely. Returns the document, or None and the problems."""
    name = display or str(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            return None, [Problem(name, None, None, f"file is {size} bytes; the limit is {MAX_BYTES} (1 MiB)")]
        raw = path.read_bytes()
    except OSError as exc:
        return None, [Problem(name, None, None, f"cannot read file: {exc.strerror or exc}")]
    return parse_yaml(raw, name)


def parse_yaml(raw: bytes, name: str) -> tuple[Document | None, list[Problem]]:
    """Parse bytes (already read) as one safe YAML document."""
    doc, _, problems = parse_yaml_node(raw, name)
    return doc, problems


def parse_yaml_node(raw: bytes, name: str) -> tuple[Document | None, yaml.Node | None, list[Problem]]:
    """Like :func:`parse_yaml`, also returning the composed node that the document was read from
    (None for an empty one): its marks locate each value in the text after a byte order mark, for
    editing the text in place (:mod:`statuskit.workflow.authoring`) under the same refusals."""
    if len(raw) > MAX_BYTES:
        return None, None, [Problem(name, None, None, f"file is {len(raw)} bytes; the limit is {MAX_BYTES} (1 MiB)")]
    # 2. UTF-8 only
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, None, [Problem(name, line, None,
                                    f"not valid UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start})")]
    if text.startswith("\ufeff"):
        text = text[1:]
    try:
        node = _compose(text)
        if node is None:
            return Document(name, None, {}), None, []
        doc = Document(name, None)
        doc.data = _to_python(node, (), doc.lines, set())
        return doc, node, []
    except YamlRefused as exc:
        return None, None, [Problem(name, exc.line, exc.field, exc.message)]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        at = mark.line + 1 if mark else None
        what = exc.problem or exc.context or "syntax error"
        if exc.problem and exc.context and exc.context_mark and exc.context_mark.line + 1 != at:
            what += f" ({exc.context} at line {exc.context_mark.line + 1})"
        advice = _syntax_advice(text, exc)
        if advice:
            what = f"{advice} (parser: {what})"
        return None, None, [Problem(name, at, None, f"YAML syntax error: {what}")]
    except yaml.YAMLError as exc:  # pragma: no cover - other reader errors
        return None, None, [Problem(name, None, None, f"YAML error: {exc}")]


_KEY_VALUE_RE = re.compile(r"\A\s*(?:-\s+)?([^\s:#'\"][^:#]*?):\s+(.*?)\s*\Z")
_FIRST_UPDATE_RE = re.compile(r"^( *)- id:", re.MULTILINE)


def _syntax_advice(text: str, exc: yaml.MarkedYAMLError) -> str | None:
    """The fix for the common YAML mistakes, in words for whoever edits the file (None: no advice;
    the parser's words stand alone). The parser's problem mark is on the line to fix."""
    mark = exc.problem_mark
    problem = exc.problem or ""
    if mark is None:
        return None
    lines = text.splitlines()
    line = lines[mark.line] if mark.line < len(lines) else ""
    if "tab character" in problem or "'\\t'" in problem or ("\t" in line[: len(line) - len(line.lstrip())]):
        return "this line is indented with a tab — replace the tabs with spaces (YAML indents with spaces only)"
    if problem.startswith("mapping values are not allowed"):
        m = _KEY_VALUE_RE.match(line[: mark.column])
        if m is None:  # no 'key: ' before the colon on this line: it continues the line above
            return ("this line is indented deeper than it should be, or continues the line above with ': ' — line it up "
                    "under the field above, or put the whole value in quotes")
        key, value = m.group(1), line[line.index(":", m.end(1)) + 1:].strip()
        if len(value) <= 80 and not any(ch in value for ch in "\"\\#"):
            shown = f'{key}: "{value}"'
        else:
            shown = '("Title: more")'
        return f"the value of '{key}' contains ': ' — put the whole value in quotes, like {shown}"
    if problem.startswith(("did not find expected key", "did not find expected '-' indicator")):
        first = _FIRST_UPDATE_RE.search(text)
        if first is not None:
            n = text.count("\n", 0, first.start()) + 1
            col = len(first.group(1)) + 1
            return (f"this line is not lined up with the lines above — a new update's '- id:' goes exactly under the "
                    f"first '- id:' (line {n}, column {col}), and its fields under that update's fields")
        return "this line is not lined up with the lines above — indent it like the lines of the same level"
    return None


_COMMENT_AFTER_RE = re.compile(r"[ \t]+#")


def comment_cut_values(raw: bytes, name: str) -> list[Problem]:
    """A warning (``comment-cuts-value``) for each unquoted value followed by `` #`` on its line: YAML
    reads the rest of the line as a comment, so ``title: Outage #2 fixed`` is the title "Outage".
    Found by the C parser's events and their marks (no composing); a file that does not parse has
    none (its syntax error is reported by :func:`parse_yaml`)."""
    if _CParser is None:  # pragma: no cover - no libyaml on this platform: no warnings
        return []
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return []
    if text.startswith("\ufeff"):
        text = text[1:]
    if "#" not in text:
        return []
    lines = text.splitlines()
    out: list[Problem] = []
    # the path to each value: a frame per open mapping ([path, key or None]) or sequence ([path, index])
    stack: list[list[Any]] = []
    parser = _CParser(text)
    try:
        while True:
            event: Any = parser.get_event()  # a ScalarEvent has value, style and marks (untyped in types-PyYAML)
            kind = type(event)
            if event is None or kind is yaml.StreamEndEvent:
                break
            if kind in (yaml.MappingEndEvent, yaml.SequenceEndEvent):
                stack.pop()
                kind = yaml.ScalarEvent if stack else kind  # the closed collection was a value of its parent
                event = None
            if kind not in (yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent):
                continue
            path: Path_ = ()
            if stack:
                top = stack[-1]
                if isinstance(top[1], int):  # an item of a sequence
                    path = top[0] + (top[1],)
                    if event is None or kind is yaml.ScalarEvent:
                        top[1] += 1
                elif top[1] is None:  # a mapping's key
                    if kind is yaml.ScalarEvent and event is not None:
                        top[1] = event.value
                    continue
                else:  # a mapping's value
                    path = top[0] + (top[1],)
                    if event is None or kind is yaml.ScalarEvent:
                        top[1] = None
            if event is None:
                continue
            if kind is yaml.MappingStartEvent:
                stack.append([path, None])
                continue
            if kind is yaml.SequenceStartEvent:
                stack.append([path, 0])
                continue
            if event.style or event.end_mark.line >= len(lines):  # quoted or block scalars keep their '#'
                continue
            line = lines[event.end_mark.line]
            m = _COMMENT_AFTER_RE.match(line, event.end_mark.column)
            if m is None:
                continue
            dropped = line[m.end() - 1:].strip()
            value = event.value
            if value:
                whole = f"{value} {dropped}"
                shown = f'"{whole}"' if len(whole) <= 80 and not any(c in whole for c in '"\\') else '("Title #2")'
                msg = (f"'{dropped}' is left out of the value: YAML reads ' #' and the rest of the line as a "
                       f"comment, so the value is {value!r}; if it belongs to the value, put the whole value in "
                       f"quotes, like {shown}; if it is a note, move it to a line of its own")
            else:
                msg = (f"'{dropped}' is left out: YAML reads ' #' and the rest of the line as a comment, so the "
                       f"value is empty; if it belongs to the value, put the whole value in quotes; if it is a note, "
                       f"move it to a line of its own")
            out.append(Problem(name, event.end_mark.line + 1, format_path(path) or None, msg, Severity.WARNING,
                               "comment-cuts-value"))
    except yaml.YAMLError:
        return []
    finally:
        parser.dispose()
    return out


def _has_anchor_or_alias(text: str) -> bool:
    """Whether the document has an anchor or an alias, by the C parser's events (no composing).

    Markdown is full of '*' and '&' ("**Update:**", "R&D"), so the characters alone say little;
    the events are about 20x cheaper than the pure-Python composer a file with one goes through.
    Syntax errors propagate as the composer would raise them.
    """
    if _CParser is None:  # pragma: no cover - no libyaml: everything takes the strict path
        return True
    parser = _CParser(text)
    try:
        while True:
            event = parser.get_event()
            if event is None or type(event) is yaml.StreamEndEvent:
                return False
            if type(event) is yaml.AliasEvent or getattr(event, "anchor", None) is not None:
                return True
    finally:
        parser.dispose()


def _compose(text: str) -> yaml.Node | None:
    # 4. anchors: the fast C composer cannot report them, so a file that has one goes
    # through the strict pure-Python composer, which refuses it with its line.
    strict = ("&" in text or "*" in text) and _has_anchor_or_alias(text)
    loader_cls = _StrictLoader if strict else _FastLoader
    loader = loader_cls(text)
    try:
        node = loader.get_single_node()  # 7. raises on a second document
    except yaml.composer.ComposerError as exc:
        if "expected a single document" in str(exc):
            mark = exc.problem_mark
            raise YamlRefused(mark.line + 1 if mark else None, "only one YAML document per file is allowed") from None
        raise
    finally:
        loader.dispose()
    return node


def _check_tag(node: yaml.Node, path: Path_) -> None:
    # 5. only the core schema's tags; no !!python/..., !!binary, !!set, !custom
    if node.tag not in _ALLOWED_TAGS:
        shown = "!!" + node.tag[len(_CORE):] if node.tag.startswith(_CORE) else node.tag
        raise YamlRefused(node.start_mark.line + 1, f"YAML tag '{shown}' is not allowed", format_path(path) or None)


_STR, _TS, _NULL, _MAP = _CORE + "str", _CORE + "timestamp", _CORE + "null", _CORE + "map"
_ScalarNode, _MappingNode, _SequenceNode = yaml.ScalarNode, yaml.MappingNode, yaml.SequenceNode


def _to_python(node: yaml.Node, path: Path_, lines: dict[Path_, int], seen: set[int]) -> Any:
    # Hot path of every content read: plain string scalars are handled inline.
    if type(node) is _ScalarNode:
        if node.tag is _STR or node.tag == _STR:
            return node.value
        _check_tag(node, path)
        return _scalar(node)
    # 4. aliases: the composer hands back the same node object twice
    if id(node) in seen:
        raise YamlRefused(node.start_mark.line + 1, "YAML aliases are not allowed")
    _check_tag(node, path)
    # 8. (the C composer stops at 1000 levels; this recursion would not get that far)
    if len(path) >= MAX_DEPTH:
        raise YamlRefused(node.start_mark.line + 1, f"nested more than {MAX_DEPTH} levels deep")
    seen.add(id(node))
    if type(node) is _MappingNode or isinstance(node, _MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if type(key_node) is not _ScalarNode or key_node.tag == _NULL:
                raise YamlRefused(key_node.start_mark.line + 1, "mapping keys must be plain scalars")
            if key_node.tag == _MAP:  # '<<' merge keys
                raise YamlRefused(key_node.start_mark.line + 1, "YAML merge keys are not allowed")
            if key_node.tag == _STR:
                key = key_node.value
                if key == "<<":
                    raise YamlRefused(key_node.start_mark.line + 1, "YAML merge keys ('<<') are not allowed")
            else:
                key = _scalar(key_node)
                if not isinstance(key, (str, int)) or isinstance(key, bool):
                    key = key_node.value
                if key_node.value == "<<":
                    raise YamlRefused(key_node.start_mark.line + 1, "YAML merge keys ('<<') are not allowed")
                _check_tag(key_node, path)
            child = path + (key,)
            # 6. duplicate keys
            if key in out:
                raise YamlRefused(
                    key_node.start_mark.line + 1,
                    f"duplicate key '{key}' (first at line {lines.get(child, '?')})",
                    format_path(child),
                )
            lines[child] = key_node.start_mark.line + 1
            if type(value_node) is _ScalarNode and value_node.tag == _STR:
                out[key] = value_node.value
            else:
                out[key] = _to_python(value_node, child, lines, seen)
        return out
    items = []
    for i, item in enumerate(node.value):
        child = path + (i,)
        lines[child] = item.start_mark.line + 1
        items.append(_to_python(item, child, lines, seen))
    return items


def _scalar(node: yaml.ScalarNode) -> Any:
    tag = node.tag
    value = node.value
    if tag == _CORE + "str" or tag == _CORE + "timestamp":
        return value
    if tag == _CORE + "null":
        return None
    if tag == _CORE + "bool":
        return value.lower() in ("yes", "true", "on", "y")
    if tag == _CORE + "int":
        try:
            return int(value.replace("_", ""), 0)
        except ValueError:
            return value
    if tag == _CORE + "float":
        try:
            return float(value.replace("_", ""))
        except ValueError:
            return value
    return value
