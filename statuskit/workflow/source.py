"""Which statuskit this is, as a source CI can install: ``URL@COMMIT``.

>>> running_source()                      # from the installed distribution (PEP 610 direct_url.json)
'https://github.com/example/statuskit.git@4d0e1c...'
>>> requirement("https://github.com/example/statuskit.git@4d0e1c...")
'statuskit @ git+https://github.com/example/statuskit.git@4d0e1c...'

``statuskit init`` pins exactly the statuskit that ran it, never a name on a package
index (anybody could claim a name that was never released). The source is

1. a git install (``pip install git+URL@COMMIT``): its ``vcs_info.commit_id`` and URL;
2. an install from a local folder (``pip install -e .`` in a git checkout): that checkout's
   ``origin`` remote and HEAD commit -- refused when the checkout has uncommitted changes
   (the commit is not what runs) or HEAD is on no ``origin/*`` branch (not pushed, so CI
   could not fetch it);
3. anything else (a wheel from an index, an archive): unknown, and ``init`` asks for
   ``--statuskit-source URL@COMMIT``.
"""

from __future__ import annotations

import json
import re
import subprocess
from importlib import metadata
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ..errors import StatuskitError

__all__ = ["running_source", "parse_source", "requirement", "version_note"]

_COMMIT = re.compile(r"^[0-9a-f]{40}$")
_SCHEMES = ("https", "ssh", "file")
ASK = "pass --statuskit-source URL@COMMIT (a git URL CI can fetch and a 40-hex commit id), or --requirement"


def parse_source(value: str, option: str = "--statuskit-source") -> tuple[str, str]:
    """(git URL, commit) from ``URL@COMMIT``; ``git+`` in front of the URL is allowed."""
    url, sep, commit = value.strip().rpartition("@")
    url = url[4:] if url.startswith("git+") else url
    if not sep or not _COMMIT.match(commit):
        raise StatuskitError(f"{option} {value!r}: expected URL@COMMIT with a full 40-hex commit id, e.g. "
                             "https://github.com/example/statuskit.git@0123456789abcdef0123456789abcdef01234567")
    parts = urlsplit(url)
    if parts.scheme not in _SCHEMES or not (parts.netloc or parts.scheme == "file") or any(c in url for c in " \n#"):
        raise StatuskitError(f"{option} {value!r}: the URL must be a git URL with https://, ssh:// or file://")
    if parts.password:
        raise StatuskitError(f"{option}: the URL holds a password or token; it would be committed in "
                             ".github/statuskit-requirements.txt: give a URL without it")
    return url, commit


def requirement(source: str) -> str:
    """The pip requirement line that installs ``URL@COMMIT``."""
    url, commit = parse_source(source)
    if url.startswith("file:///"):  # pip before 23.3 rejects `git+file:///`; git reads file://localhost/ alike
        url = "file://localhost/" + url[len("file:///"):]
    return f"statuskit @ git+{url}@{commit}"


def _direct_url() -> dict | None:
    """The installed statuskit's direct_url.json (None when it came from an index)."""
    try:
        text = metadata.distribution("statuskit").read_text("direct_url.json")
    except metadata.PackageNotFoundError:
        return None
    try:
        return json.loads(text) if text else None
    except ValueError:
        return None


def _git(cwd: Path, *args: str) -> str | None:
    try:
        proc = subprocess.run(["git", "-C", str(cwd), *args], capture_output=True, text=True)
    except FileNotFoundError:
        return None
    return proc.stdout.strip() if proc.returncode == 0 else None


def _from_checkout(folder: Path) -> str:
    where = f"statuskit runs from the folder {folder}"
    if _git(folder, "rev-parse", "--is-inside-work-tree") != "true":
        raise StatuskitError(f"{where}, which is not a git checkout, so no commit names it; {ASK}")
    origin = _git(folder, "remote", "get-url", "origin")
    head = _git(folder, "rev-parse", "HEAD")
    if not origin or not head:
        raise StatuskitError(f"{where}, a git checkout without an `origin` remote, so CI could not fetch it; {ASK}")
    if _git(folder, "status", "--porcelain") != "":
        raise StatuskitError(f"{where}, which has uncommitted changes: its commit {head[:12]} is not what runs; "
                             f"commit and push them, or {ASK}")
    if not _git(folder, "for-each-ref", "--contains", head, "--format=%(refname)", "refs/remotes/origin"):
        raise StatuskitError(f"{where}: commit {head[:12]} is on no origin/* branch (not pushed), so CI could "
                             f"not fetch it; push it, or {ASK}")
    if origin.startswith("/"):
        origin = Path(origin).as_uri()
    elif re.match(r"^[\w.-]+@[\w.-]+:", origin):  # scp-like git@host:org/repo.git
        user_host, path = origin.split(":", 1)
        origin = f"ssh://{user_host}/{path}"
    return f"{origin}@{head}"


def running_source() -> str:
    """``URL@COMMIT`` of the running statuskit (raises StatuskitError saying what to pass when unknown)."""
    from ..version import __version__

    info = _direct_url()
    if info is None:
        raise StatuskitError(f"statuskit {__version__} was installed from a package index, which does not say "
                             f"which commit it is; {ASK}")
    url = info.get("url") or ""
    vcs = info.get("vcs_info")
    if isinstance(vcs, dict):
        commit = vcs.get("commit_id") or ""
        if vcs.get("vcs") != "git" or not _COMMIT.match(commit):
            raise StatuskitError(f"statuskit was installed from {url} ({vcs.get('vcs')}), not a git commit; {ASK}")
        source = f"{url}@{commit}"
    elif isinstance(info.get("dir_info"), dict) and url.startswith("file://"):
        source = _from_checkout(Path(unquote(urlsplit(url).path)))
    else:
        raise StatuskitError(f"statuskit was installed from an archive ({url}), which names no commit; {ASK}")
    parse_source(source, "the installed statuskit's source")
    return source


def version_note() -> str:
    """`` (git URL@COMMIT)`` for a git install, else ``""`` (for ``statuskit --version``; never fails)."""
    try:
        info = _direct_url() or {}
        vcs = info.get("vcs_info") or {}
        if vcs.get("vcs") == "git" and vcs.get("commit_id"):
            return f" (from {info.get('url')}@{vcs['commit_id']})".replace("%", "%%")  # click formats with %
    except Exception:  # noqa: BLE001 - the version line must always print
        pass
    return ""
