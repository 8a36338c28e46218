"""`statuskit check` reads only regular files inside content/, and names them exactly.

Links, hidden entries, named pipes and names that only look like ids each give one
file-level error and exit 1: never a traceback, never a silently shadowed file.
"""

from __future__ import annotations

import os
import shutil

import pytest
from click.testing import CliRunner

from statuskit.cli.main import cli

AT = "2026-01-01T00:00:00Z"
LINK = ("this is a symbolic link; statuskit reads only regular files and folders inside content/ (a link could "
        "point anywhere): replace it with the file or folder itself")
HIDDEN = ("this is a hidden {what} (its name starts with '.'); statuskit reads only regular files and folders "
          "inside content/, and hidden ones are easy to miss in a review: remove it or give it a name without "
          "the leading '.'")
FIFO = "this is a named pipe (FIFO); statuskit reads only regular files and folders inside content/: remove it"
UPDATE_FOLDER = "expected a folder named after an update id (1, 2, 3, ...)"
SIG_NAME = "approval files are named <team>--<member>.sig"


@pytest.fixture
def site(make_site, tmp_path, monkeypatch):
    """content/ with one approved incident 'outage'; cwd is tmp_path, so paths read content/..."""
    monkeypatch.chdir(tmp_path)
    s = make_site({"outage": None})
    s.approve_all()
    assert check().exit_code == 0
    return s


def check():
    result = CliRunner().invoke(cli, ["check", "--content", "content", "--at", AT], catch_exceptions=False)
    assert "Traceback" not in result.output and "internal error" not in result.output, result.output
    return result


def errors_of(result) -> list[str]:
    return [line for line in result.output.splitlines()[:-1] if ": warning: " not in line]


def fails_with(*lines: str) -> None:
    result = check()
    assert result.exit_code == 1, result.output
    assert errors_of(result) == list(lines)


def elsewhere(site, name: str, text: str) -> str:
    """A file outside content/; returns the relative link target from content/incidents/."""
    target = site.root.parent / "elsewhere" / name
    target.parent.mkdir(exist_ok=True)
    target.write_text(text, encoding="utf-8")
    return f"../../elsewhere/{name}"


# --- symbolic links ---------------------------------------------------------------------------

def test_a_linked_incident_file_is_refused(site):
    path = site.root / "incidents" / "outage.yml"
    target = elsewhere(site, "outage.yml", path.read_text(encoding="utf-8"))
    path.unlink()
    os.symlink(target, path)
    fails_with(f"content/incidents/outage.yml: {LINK}")


def test_a_link_to_a_folder_is_refused(site):
    (site.root.parent / "more").mkdir()
    shutil.copy(site.root / "incidents" / "outage.yml", site.root.parent / "more" / "outage.yml")
    os.symlink("../../more", site.root / "incidents" / "more")
    fails_with(f"content/incidents/more: {LINK}")


def test_a_linked_approvals_folder_is_refused(site):
    shutil.move(site.root / "approvals" / "outage", site.root.parent / "sigs")
    os.symlink("../../sigs", site.root / "approvals" / "outage")
    fails_with(f"content/approvals/outage: {LINK}")


def test_a_linked_approval_file_is_refused(site):
    sig = site.root / "approvals" / "outage" / "1" / "comms--alice.sig"
    shutil.move(sig, site.root.parent / "alice.sig")
    os.symlink("../../../../alice.sig", sig)
    fails_with(f"content/approvals/outage/1/comms--alice.sig: {LINK}")


@pytest.mark.parametrize("name", ["components.yml", "teams.yml", "lint.yml"])
def test_linked_site_files_are_refused(site, name):
    path = site.root / name
    text = path.read_text(encoding="utf-8") if path.exists() else "{}\n"
    target = site.root.parent / name
    target.write_text(text, encoding="utf-8")
    path.unlink(missing_ok=True)
    os.symlink(f"../{name}", path)
    result = check()
    assert result.exit_code == 1, result.output
    assert f"content/{name}: {LINK}" in errors_of(result)
    assert not any("missing" in line for line in errors_of(result))


def test_a_link_loop_is_refused(site):
    shutil.rmtree(site.root / "approvals" / "outage")
    os.symlink("outage", site.root / "approvals" / "outage")  # points at itself
    os.symlink("loop.yml", site.root / "incidents" / "loop.yml")
    fails_with(f"content/approvals/outage: {LINK}", f"content/incidents/loop.yml: {LINK}")


# --- hidden entries ---------------------------------------------------------------------------

def test_hidden_files_anywhere_are_refused(site):
    site.write(".gitattributes", "* export-ignore\n")
    site.write("incidents/.gitkeep", "")
    site.write("incidents/.draft.yml", "id: draft\n")
    sig = site.root / "approvals" / "outage" / "1" / "comms--alice.sig"
    shutil.copy(sig, sig.with_name(".comms--carol.sig"))
    (site.root / "approvals" / ".old").mkdir()
    fails_with(f"content/.gitattributes: {HIDDEN.format(what='file')}",
               f"content/approvals/.old: {HIDDEN.format(what='folder')}",
               f"content/approvals/outage/1/.comms--carol.sig: {HIDDEN.format(what='file')}",
               f"content/incidents/.draft.yml: {HIDDEN.format(what='file')}",
               f"content/incidents/.gitkeep: {HIDDEN.format(what='file')}")


# --- named pipes (reading one would wait forever) ---------------------------------------------

@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes on this system")
def test_named_pipes_are_refused(site):
    os.mkfifo(site.root / "incidents" / "pipe.yml")
    os.mkfifo(site.root / "notes")
    os.mkfifo(site.root / "approvals" / "outage" / "1" / "security--dave.sig")
    fails_with(f"content/approvals/outage/1/security--dave.sig: {FIFO}",
               f"content/incidents/pipe.yml: {FIFO}",
               f"content/notes: {FIFO}")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes on this system")
def test_a_named_pipe_for_teams_yml_is_not_read(site):
    (site.root / "teams.yml").unlink()
    os.mkfifo(site.root / "teams.yml")
    fails_with(f"content/teams.yml: {FIFO}")


# --- names are whole ASCII matches ------------------------------------------------------------

@pytest.mark.parametrize("name", ["²", "١", "𝟏", "1\n", "٢"])
def test_update_folders_are_named_in_ascii_digits(site, name):
    """'²' crashed int(); '١' and '𝟏' were read as update 1 and replaced its real approvals."""
    folder = site.root / "approvals" / "outage" / name
    shutil.copytree(site.root / "approvals" / "outage" / "2", folder)
    shown = name.encode("unicode_escape").decode("ascii") if not name.isprintable() else name
    fails_with(f"content/approvals/outage/{shown}: {UPDATE_FOLDER}")


def test_an_approval_file_name_with_a_trailing_line_feed_is_refused(site):
    sig = site.root / "approvals" / "outage" / "1" / "comms--alice.sig"
    shutil.copy(sig, sig.with_name("comms--carol.sig\n"))
    fails_with(f"content/approvals/outage/1/comms--carol.sig\\n: {SIG_NAME}")


def test_an_incident_id_with_a_trailing_line_feed_is_refused(site):
    site.write("incidents/x\n.yml", (site.root / "incidents" / "outage.yml").read_text(encoding="utf-8")
               .replace("id: outage", 'id: "x\\n"', 1))
    fails_with("content/incidents/x\\n.yml: file name 'x\\n' is not a valid incident id (^[a-z0-9][a-z0-9-]{0,79}$)")


def test_an_id_with_a_trailing_line_feed_inside_the_file_is_refused(site):
    path = site.root / "incidents" / "outage.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("id: outage", 'id: "outage\\n"', 1), encoding="utf-8")
    fails_with("content/incidents/outage.yml:1: id: incident id must be the file name without .yml (lower-case "
               "letters, digits and '-'): write id: outage, got 'outage\\n'")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes on this system")
def test_a_named_pipe_is_not_read_with_the_check_cache_on(site, cache_dir):
    import signal

    (site.root / "lint.yml").unlink(missing_ok=True)
    os.mkfifo(site.root / "lint.yml")
    signal.signal(signal.SIGALRM, lambda *_: pytest.fail("check waited for a writer to the named pipe"))
    signal.alarm(20)
    try:
        fails_with(f"content/lint.yml: {FIFO}")
    finally:
        signal.alarm(0)


def test_a_link_among_teams_approvals_is_refused(site):
    folder = site.root / "approvals" / "_teams" / ("0" * 64)
    folder.mkdir(parents=True)
    (site.root.parent / "elsewhere.sig").write_text("x")
    os.symlink("../../../../elsewhere.sig", folder / "comms--alice.sig")
    fails_with(f"content/approvals/_teams/{'0' * 64}/comms--alice.sig: {LINK}")



@pytest.mark.parametrize("cache", [False, True])
def test_a_file_name_that_is_not_utf8_is_named_in_the_error(site, request, cache):
    if cache:
        request.getfixturevalue("cache_dir")
    try:
        (site.root / "incidents" / os.fsdecode(b"caf\xe9.yml")).write_text("id: x\n")
    except (OSError, UnicodeError):
        pytest.skip("this file system needs UTF-8 names")
    fails_with("content/incidents/caf\\udce9.yml: file name 'caf\\udce9' is not a valid incident id "
               "(^[a-z0-9][a-z0-9-]{0,79}$)")


@pytest.mark.parametrize("value", ["²", "١", "2\n"])
def test_statuskit_jobs_in_other_digits_is_ignored(site, monkeypatch, value):
    """'²'.isdigit() is true, and int('²') raised: STATUSKIT_JOBS is a count in ASCII digits, or ignored."""
    monkeypatch.setenv("STATUSKIT_JOBS", value)
    assert check().exit_code == 0
