"""Announce each newly published update once, on the channels of its track (``statuskit notify``).

>>> result = notify(Path("site"), Path("content"), Path("mkdocs.yml"), Path("notify-state.json"),
...                 previous=Path("live-approvals.json"))
>>> [(d.channel.label, d.notice.key) for d in result.sent]
[('$STATUSKIT_NOTIFY_PUBLIC #1 (mailtos)', 'public:2024-07-31-outage:3')]
>>> result.failed        # channels that failed; the next run retries exactly these
()

What is announced (reference/notifications.md):

1. Only what the deployed site publishes. The site folder must be a site statuskit built (its
   ``.statuskit-output`` marker says ``site``): a preview or any other folder is refused, so
   nothing is ever sent for a preview build. Its ``approvals.json`` gives the site's URL and
   build time T.
2. The text comes from the gate, never from the content directly: the content is loaded and
   gated at that T (:func:`statuskit.gate.release.gate`), and the release must give exactly the
   site's ``approvals.json`` (byte for byte); otherwise the content is not what the site was built
   from and nothing is sent. Unapproved, embargoed and withdrawn text is not in a release, so
   it cannot be in a message (:mod:`statuskit.render.notices`).
3. Channels come only from the environment (CI secrets): ``STATUSKIT_NOTIFY_PUBLIC`` and
   ``STATUSKIT_NOTIFY_TECHNICAL`` (Apprise URLs separated by spaces or new lines), and
   ``STATUSKIT_NOTIFY_PUBLIC__<COMPONENT>`` / ``STATUSKIT_NOTIFY_TECHNICAL__<COMPONENT>`` for the
   incidents touching one component (its id in capitals, ``-`` as ``_``). A channel URL written
   in the repository's files (mkdocs.yml, content/, docs/, .github/, the theme) is refused: it
   would be public.
4. Exactly once: a delivery ledger (the state file, kept between runs by the workflow's cache,
   never in the repository) lists every notice already due (``announced``) and, per channel,
   the notices not yet delivered (``pending``). A notice becomes due once, is queued for every
   channel that wants it, and leaves a channel's queue only when that channel accepted it; the
   ledger is written after each delivery. A rerun therefore sends nothing twice, and a channel
   that failed gets its queue on the next run while the others are not sent again. It holds
   only ids: no text, no channel URL (channels are known by a digest of their URL).
5. The first run (no state file) takes what the previous deploy published (``--previous``: its
   approvals.json) as already announced, and announces only what this deploy added; without
   ``--previous`` it announces nothing and records everything published as announced.
6. A queued notice whose update was withdrawn before it could be delivered is dropped, never sent.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Mapping
from urllib.parse import parse_qsl, quote, urlsplit

from ..errors import StatuskitError
from ..gate.release import gate
from ..model.content import display_path, load_content
from ..model.validate import parse_time
from ..render.notices import TRACKS, Notice, notices
from ..render.outputs import approvals_json
from .output import output_kind

__all__ = ["Channel", "channels_from_env", "refuse_channels_in_repository", "Delivery", "NotifyResult", "notify",
           "apprise_send", "ENV_PREFIX", "PROTOCOL"]

ENV_PREFIX = "STATUSKIT_NOTIFY_"
PROTOCOL = "statuskit-notify v1"

_SCHEMES = ("mailto", "mailtos", "json", "jsons", "xml", "xmls", "form", "forms", "slack", "msteams", "mmost",
            "mmosts", "discord", "matrix", "matrixs", "mastodon", "mastodons", "toot", "toots", "ntfy", "ntfys",
            "tgram", "gotify", "gotifys", "rocket", "rockets", "zulip", "signal", "signals", "apprise", "apprises")
_APPRISE_URL = re.compile(r"(?<![\w+.-])(?:" + "|".join(_SCHEMES) + r")://[^\s'\"<>]+", re.IGNORECASE)
"""An Apprise URL of a scheme no ordinary page links with (http/https/plain mailto: are left alone)."""


# --- channels ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Channel:
    """One Apprise URL from the environment."""

    track: str
    """``public`` or ``technical``."""
    component: str | None
    """Only incidents touching this component (None: every incident)."""
    url: str
    """The Apprise URL (a secret: never printed, never written)."""
    label: str
    """How messages name it: the variable, its position and the URL's scheme."""

    @property
    def id(self) -> str:
        """The ledger's name for the channel: a digest of track, component and URL."""
        raw = f"{self.track}\0{self.component or ''}\0{self.url}".encode()
        return "sha256:" + hashlib.sha256(raw).hexdigest()[:32]

    def wants(self, notice: Notice) -> bool:
        return notice.track == self.track and (self.component is None or self.component in notice.components)


def _env_name(component_id: str) -> str:
    return re.sub(r"[^A-Z0-9]", "_", component_id.upper())


def channels_from_env(environ: Mapping[str, str], component_ids: tuple[str, ...]) -> list[Channel]:
    """The channels the ``STATUSKIT_NOTIFY_*`` variables configure (3. of the module docstring)."""
    by_name = {_env_name(c): c for c in component_ids}
    out: list[Channel] = []
    problems: list[str] = []
    for name in sorted(environ):
        if not name.startswith(ENV_PREFIX):
            continue
        track, _, comp = name[len(ENV_PREFIX):].partition("__")
        if track.lower() not in TRACKS:
            problems.append(f"${name}: not a statuskit variable; channels are set in $STATUSKIT_NOTIFY_PUBLIC, "
                            "$STATUSKIT_NOTIFY_TECHNICAL, or $STATUSKIT_NOTIFY_PUBLIC__<COMPONENT> for one component")
            continue
        component = None
        if comp:
            component = by_name.get(comp)
            if component is None:
                known = ", ".join(sorted(by_name)) or "none"
                problems.append(f"${name}: {comp!r} is not a component of components.yml (as it is written in the "
                                f"variable: its id in capitals, '-' as '_'; known: {known})")
                continue
        for i, url in enumerate(environ[name].split(), 1):
            scheme = url.partition("://")[0].lower() if "://" in url else ""
            label = f"${name} #{i} ({scheme or 'no scheme'})"
            if not re.fullmatch(r"[a-z][a-z0-9+.-]*", scheme):
                problems.append(f"{label}: not an Apprise URL such as mailtos://user:password@smtp.example.org or "
                                "json://hooks.example.org/status (separate several URLs with spaces)")
                continue
            out.append(Channel(track.lower(), component, url, label))
    if problems:
        raise StatuskitError("\n".join(problems))
    return out


def refuse_channels_in_repository(channels: list[Channel], files: list[Path]) -> None:
    """Raise when a channel URL (configured, or any Apprise URL in mkdocs.yml or the content) is written
    in one of the repository's ``files``: everything in the repository is public."""
    found: list[str] = []
    for path in files:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue  # a binary file (an image of the theme) holds no URL anyone configured
        scan_schemes = path.suffix in (".yml", ".yaml") and path.name != "approvals.json"
        for n, line in enumerate(text.splitlines(), 1):
            for ch in channels:
                if ch.url in line:
                    found.append(f"{display_path(path)}:{n}: the notification channel {ch.label} is written in the "
                                 "repository")
            if scan_schemes:
                for m in _APPRISE_URL.finditer(line):
                    if not any(ch.url in line for ch in channels):
                        scheme = m.group(0).partition("://")[0]
                        found.append(f"{display_path(path)}:{n}: a notification channel URL ({scheme}://...) is "
                                     "written in the repository")
    if found:
        raise StatuskitError(
            "\n".join(found) + "\nChannel URLs carry passwords and tokens, and the repository is public: remove the "
            "URL from the file (and change its password or token: it is in the git history), and set it only in "
            "the CI secret STATUSKIT_NOTIFY_PUBLIC or STATUSKIT_NOTIFY_TECHNICAL (reference/notifications.md)")


def repository_files(config_file: Path, content_dir: Path, skip: Path) -> list[Path]:
    """mkdocs.yml and every file under content/, docs/, .github/ and theme/ next to it (``skip``: the site)."""
    root = Path(config_file).resolve().parent
    skip = Path(skip).resolve()
    out = [Path(config_file)] if Path(config_file).is_file() else []
    for folder in (Path(content_dir), root / "docs", root / ".github", root / "theme"):
        if not folder.is_dir():
            continue
        for dirpath, dirnames, filenames in os.walk(folder):
            here = Path(dirpath)
            dirnames[:] = sorted(d for d in dirnames if (here / d).resolve() != skip and d != ".git")
            out += [here / f for f in sorted(filenames)]
    return out


# --- sending -----------------------------------------------------------------------------------

def _prepared_url(url: str, site_name: str) -> str:
    """The channel URL with statuskit's defaults: plain text, and for email the site name as sender name."""
    parts = urlsplit(url)
    query = {k.lower() for k, _ in parse_qsl(parts.query, keep_blank_values=True)}
    extra = []
    if "format" not in query:
        extra.append("format=text")
    if parts.scheme.lower() in ("mailto", "mailtos") and "name" not in query:
        extra.append("name=" + quote(site_name, safe=""))
    if not extra:
        return url
    base, sep, fragment = url.partition("#")
    joiner = "&" if "?" in base else "?"
    return base + joiner + "&".join(extra) + sep + fragment


class _Warnings(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def apprise_send(channel: Channel, notice: Notice, site_name: str) -> str | None:
    """Send ``notice`` on ``channel`` with Apprise; None when the channel accepted it, else why not."""
    import apprise

    asset = apprise.AppriseAsset(app_id=site_name, app_desc=site_name)
    handler = _Warnings()
    logger = logging.getLogger("apprise")
    logger.addHandler(handler)
    try:
        ap = apprise.Apprise(asset=asset)
        if not ap.add(_prepared_url(channel.url, site_name)):
            return "Apprise does not accept this URL (check its scheme and options: reference/notifications.md)"
        ok = ap.notify(body=notice.body, title=notice.subject, body_format=apprise.NotifyFormat.TEXT)
    except Exception as exc:  # noqa: BLE001 - a channel's failure is reported, never a traceback
        return f"{type(exc).__name__}: {exc}"
    finally:
        logger.removeHandler(handler)
    if ok:
        return None
    return "; ".join(dict.fromkeys(handler.messages)) or "the channel did not accept the message"


# --- the ledger --------------------------------------------------------------------------------

@dataclass
class _Ledger:
    site: str
    announced: set[str] = field(default_factory=set)
    pending: dict[str, list[str]] = field(default_factory=dict)


def _read_ledger(path: Path, site_url: str) -> _Ledger | None:
    if not os.path.lexists(path):
        return None
    disp = display_path(path)
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise StatuskitError(f"{disp}: the notification state cannot be read: {exc}; delete it only if you accept "
                             "that the next run announces nothing new (give --previous to announce this deploy's)") from None
    ok = (isinstance(doc, dict) and doc.get("protocol") == PROTOCOL and isinstance(doc.get("announced"), list)
          and isinstance(doc.get("pending"), dict)
          and all(isinstance(k, str) for k in doc["announced"])
          and all(isinstance(v, list) and all(isinstance(k, str) for k in v) for v in doc["pending"].values()))
    if not ok:
        raise StatuskitError(f"{disp}: not a statuskit notification state (expected protocol {PROTOCOL!r}, "
                             "announced and pending)")
    if doc.get("site") != site_url:
        raise StatuskitError(f"{disp}: site: the state is of {doc.get('site')!r}, the site folder of {site_url!r}; "
                             "give the state file of this site (--state)")
    return _Ledger(site_url, set(doc["announced"]), {k: list(v) for k, v in doc["pending"].items()})


def _write_ledger(path: Path, ledger: _Ledger) -> None:
    """Write the state atomically (a new file renamed over the old one)."""
    doc = {"protocol": PROTOCOL, "site": ledger.site, "announced": sorted(ledger.announced),
           "pending": {k: v for k, v in sorted(ledger.pending.items()) if v}}
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def _baseline(previous: Path | None) -> set[str]:
    """The notice keys the previous deploy published (5.)."""
    from .previous import read_previous

    before = read_previous(previous) if previous is not None else None
    if before is None:
        return set()
    keys = set()
    for u in before.updates:
        keys.add(f"public:{u.incident}:{u.update}")
        if u.digest is not None:  # null: withdrawn, or its technical part still embargoed
            keys.add(f"technical:{u.incident}:{u.update}")
    return keys


# --- notify ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Delivery:
    """One notice on one channel: sent, or failed with the reason."""

    channel: Channel
    notice: Notice
    error: str | None = None


@dataclass(frozen=True)
class NotifyResult:
    site: str
    at: str
    """The site's T, as its approvals.json gives it."""
    channels: tuple[Channel, ...]
    new: tuple[Notice, ...]
    """Notices that became due in this run."""
    sent: tuple[Delivery, ...]
    failed: tuple[Delivery, ...]
    """The first failure of each failed channel (its queue is kept for the next run)."""
    first_run: bool
    """No state file: the ledger started from ``--previous`` (or from everything published)."""
    recorded: int = 0
    """On a first run without ``--previous``: how many published notices were recorded as announced."""
    dropped: tuple[str, ...] = ()
    """What was removed from the queues without sending, and why (for the log)."""


def _published_site(site_dir: Path) -> tuple[bytes, dict]:
    """1. The deployed site's approvals.json (bytes and document); refuses a preview."""
    disp = display_path(Path(site_dir))
    kind = output_kind(Path(site_dir))
    if kind == "preview":
        raise StatuskitError(f"{disp}: a preview build (its .statuskit-output marker says preview): nothing is "
                             "announced from a preview; give the folder of the published site")
    if kind != "site":
        raise StatuskitError(f"{disp}: not a site built by `statuskit build` (no .statuskit-output marker saying "
                             "site); give the folder the site was published from")
    path = Path(site_dir) / "approvals.json"
    try:
        raw = path.read_bytes()
        doc = json.loads(raw.decode("utf-8"))
    except FileNotFoundError:
        raise StatuskitError(f"{display_path(path)}: file not found; the site folder has no approvals.json") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise StatuskitError(f"{display_path(path)}: cannot be read: {exc}") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("site"), str) or not isinstance(doc.get("at"), str):
        raise StatuskitError(f"{display_path(path)}: not the approvals.json of a statuskit site (expected site and at)")
    return raw, doc


def notify(site_dir: Path, content_dir: Path, config_file: Path, state: Path, *, previous: Path | None = None,
           environ: Mapping[str, str] | None = None,
           send: Callable[[Channel, Notice, str], str | None] = apprise_send,
           on_sent: Callable[[Delivery], None] | None = None) -> NotifyResult:
    """Announce what the site in ``site_dir`` newly publishes (the module docstring's rules)."""
    from .build import settings_from_mkdocs_yml, site_info

    environ = os.environ if environ is None else environ
    # 1. the deployed site: a site (never a preview), its approvals.json
    raw, doc = _published_site(site_dir)
    approvals_file = display_path(Path(site_dir) / "approvals.json")
    try:
        at = parse_time(doc["at"])
    except ValueError:
        raise StatuskitError(f"{approvals_file}: at: {doc['at']!r} is not a time") from None
    settings = settings_from_mkdocs_yml(Path(config_file))
    if not settings.site_name:
        raise StatuskitError(f"{display_path(Path(config_file))}: site_name: not set; messages name the site "
                             "(subject and sender)")
    # the site's settings as the build had them (only the URL and T come from the deployed site)
    site = dataclasses.replace(site_info(settings.site_name, doc["site"]), language=settings.language or "en")
    # 2. the release recomputed through the gate at the site's T must be the deployed one
    content = load_content(Path(content_dir))
    release, _ = gate(content, at)
    if approvals_json(release, site) != raw:
        raise StatuskitError(
            f"{approvals_file}: the content in {display_path(Path(content_dir))}, gated at the site's time "
            f"{doc['at']}, does not give this site's approvals.json: it is not the content the site was built "
            "from; run notify on the commit that was built and deployed. Nothing was sent")
    # 3. channels from the environment only
    channels = channels_from_env(environ, tuple(c.id for c in content.components))
    refuse_channels_in_repository(channels, repository_files(Path(config_file), Path(content_dir), Path(site_dir)))
    if not channels:
        return NotifyResult(site.url, doc["at"], (), (), (), (), first_run=False)
    # 4. what is new since the last run, queued for every channel that wants it
    due = notices(release, site)
    by_key = {n.key: n for n in due}
    ledger = _read_ledger(state, site.url)
    first_run = ledger is None
    if ledger is None:
        ledger = _Ledger(site.url, _baseline(previous) if previous is not None else set(by_key))
    recorded = len(by_key) if first_run and previous is None else 0
    dropped: list[str] = []
    live = {ch.id for ch in channels}
    for cid in sorted(set(ledger.pending) - live):
        dropped.append(f"{len(ledger.pending.pop(cid))} queued message(s) of a channel no longer configured")
    new = [n for n in due if n.key not in ledger.announced]
    for n in new:
        ledger.announced.add(n.key)
        for ch in channels:
            if ch.wants(n):
                ledger.pending.setdefault(ch.id, []).append(n.key)
    _write_ledger(state, ledger)
    # 5. each channel its queue, oldest first; each delivery recorded at once
    sent: list[Delivery] = []
    failed: list[Delivery] = []
    for ch in channels:
        queue = ledger.pending.get(ch.id, [])
        for key in list(queue):
            notice = by_key.get(key)
            if notice is None:  # 6. withdrawn (or no longer published) before it was delivered
                queue.remove(key)
                dropped.append(f"{key}: no longer published (withdrawn), not sent on {ch.label}")
                _write_ledger(state, ledger)
                continue
            error = send(ch, notice, site.name)
            if error is not None:
                failed.append(Delivery(ch, notice, error))
                break  # keep the order: the rest of this channel's queue waits for the next run
            queue.remove(key)
            _write_ledger(state, ledger)
            sent.append(Delivery(ch, notice))
            if on_sent is not None:
                on_sent(sent[-1])
    return NotifyResult(site.url, doc["at"], tuple(channels), tuple(new), tuple(sent), tuple(failed), first_run,
                        recorded, tuple(dropped))
