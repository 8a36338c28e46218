"""`statuskit new` and `statuskit update`: files that `check` accepts, earlier updates left byte for byte."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from statuskit.cli.main import cli
from statuskit.gate.digest import digest
from statuskit.model.content import load_content
from statuskit.model.fold import fold

CASES = Path(__file__).resolve().parent.parent / "cases"
AT = "2026-01-01T00:00:00Z"


def invoke(*args: str, env: dict | None = None):
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False, env=env)
    assert "Traceback" not in result.output
    return result


@pytest.fixture
def content(tmp_path, monkeypatch) -> Path:
    """An empty site (components portal and scheduling; teams comms and security), as ./content."""
    root = tmp_path / "content"
    (root / "incidents").mkdir(parents=True)
    for name in ("components.yml", "teams.yml"):
        shutil.copy(CASES / "good" / "content" / name, root / name)
    monkeypatch.chdir(tmp_path)
    return root


def check_passes():
    result = invoke("check", "--content", "content", "--at", AT)
    assert result.exit_code == 0, result.output
    assert " 0 error(s), " in result.stdout.splitlines()[-1]
    return result


def new(*args: str):
    return invoke("new", "--content", "content", *args)


def update(incident: str, *args: str, at: str | None = "2024-08-01T00:00:00Z"):
    return invoke("update", incident, *args, *(("--at", at) if at else ()), "--content", "content")


# --- new ------------------------------------------------------------------------------

def test_new_incident_file(content):
    result = new("Appointment scheduling unavailable", "--impact", "major", "--component", "scheduling=major_outage",
                 "--public", "We are investigating.", "--at", "2024-07-31T09:05:00Z")

    iid = "2024-07-31-appointment-scheduling-unavailable"
    assert result.exit_code == 0, result.output
    assert result.stdout == (f"created content/incidents/{iid}.yml (update 1); "
                             f"next: ask both teams to run `statuskit approve {iid}`\n")
    assert (content / "incidents" / f"{iid}.yml").read_text() == f"""\
# statuskit incident file (content format v1). Updates are append-only:
# add new ones with `statuskit update {iid}`; never edit a published update.
id: {iid}
kind: incident
updates:
  - id: 1
    at: 2024-07-31T09:05:00Z
    status: investigating
    title: Appointment scheduling unavailable
    impact: major
    components:
      scheduling: major_outage
    public: |
      We are investigating.
"""
    check_passes()


def test_new_maintenance(content):
    result = new("Portal upgrade", "--kind", "maintenance", "--from", "2024-08-03T02:00:00Z",
                 "--until", "2024-08-03T04:00:00+00:00", "--component", "portal=under_maintenance",
                 "--public", "The portal will be unavailable.", "--at", "2024-08-01T09:00:00Z", "--id", "portal-upgrade")

    assert result.exit_code == 0, result.output
    text = (content / "incidents" / "portal-upgrade.yml").read_text()
    assert "    status: scheduled\n    title: Portal upgrade\n    impact: maintenance\n" in text
    assert "    scheduled: {from: 2024-08-03T02:00:00Z, until: 2024-08-03T04:00:00Z}\n" in text
    check_passes()
    inc = load_content(content).incident("portal-upgrade")
    assert inc.kind.value == "maintenance" and inc.updates[0].scheduled is not None


def test_new_then_updates_make_a_valid_history(content):
    assert new("Portal sign-in fails", "--impact", "minor", "--component", "portal=partial_outage",
               "--public", "Some patients cannot sign in.", "--at", "2024-07-31T09:05:00Z",
               "--next-update-at", "2024-07-31T10:00:00Z").exit_code == 0
    iid = "2024-07-31-portal-sign-in-fails"
    assert update(iid, "--status", "identified", "--title", "Portal sign-in fails for some patients",
                  "--public", "An expired certificate.", "--technical", "The intermediate CA expired.",
                  "--at", "2024-07-31T09:40:00Z", at=None).exit_code == 0
    result = update(iid, "--status", "resolved", "--public", "Fixed.", "--at", "2024-07-31T10:00:00Z", at=None)
    assert result.exit_code == 0, result.output
    assert result.stdout == (f"appended update 3 to content/incidents/{iid}.yml; "
                             f"next: ask both teams to run `statuskit approve {iid}` "
                             f"(it signs every update of the incident still waiting for their team)\n")

    check_passes()
    inc = load_content(content).incident(iid)
    assert [u.id for u in inc.updates] == [1, 2, 3]
    assert inc.updates[1].technical == "The intermediate CA expired.\n"
    final = fold(inc.updates)[-1]
    assert final.title == "Portal sign-in fails for some patients"
    assert final.closed and dict(final.components) == {"portal": "operational"}


def test_the_security_incident_flag_is_set_from_the_command_line(content):
    assert new("Unauthorised access to the booking system, 31 July 2024", "--impact", "major",
               "--public", "We are investigating.", "--at", "2024-07-31T09:05:00Z", "--security-incident",
               "--next-update-at", "2024-07-31T10:00:00Z").exit_code == 0
    iid = "2024-07-31-unauthorised-access-to-the-booking-system-31-july"
    assert "    security_incident: true\n" in (content / "incidents" / f"{iid}.yml").read_text()
    assert update(iid, "--status", "identified", "--public", "It was a configuration error, not an attack.",
                  "--not-security-incident", "--at", "2024-07-31T09:40:00Z", at=None).exit_code == 0
    check_passes()
    inc = load_content(content).incident(iid)
    assert [u.facts.security_incident for u in inc.updates] == [True, False]
    # without the option an update leaves the flag out, and the earlier value stands
    assert update(iid, "--status", "resolved", "--public", "Fixed.", "--at", "2024-07-31T10:00:00Z",
                  at=None).exit_code == 0
    assert "security_incident" not in (content / "incidents" / f"{iid}.yml").read_text().split("  - id: 3")[1]


def test_new_picks_a_free_id(content):
    for _ in range(2):
        assert new("Outage", "--impact", "minor", "--public", "x", "--at", "2024-07-31T09:05:00Z").exit_code == 0
    assert sorted(p.name for p in (content / "incidents").iterdir()) == ["2024-07-31-outage-2.yml", "2024-07-31-outage.yml"]
    check_passes()


@pytest.mark.parametrize("title", [
    "yes", "No", "null", "0x1F", "0b101", "1.5", "2024-07-31", "Portal: sign-in fails", "# not a comment",
    "R&D *portal* down", "Café ✓ 'single' \"double\"", "[bracketed]", "{braced}", "- dash", "a #hash",
    "trailing colon:", "100% down", "@mention", "`code`", "!important", "| pipe", "> quote",
])
def test_new_titles_round_trip(content, title):
    result = new("--impact", "minor", "--public", "x", "--at", "2024-07-31T09:05:00Z", "--id", "t", "--", title)
    assert result.exit_code == 0, result.output
    assert load_content(content).incident("t").updates[0].title == title


@pytest.mark.parametrize("text, expected", [
    ("One line.", "One line.\n"),
    ("Two\nlines.\n\n\n", "Two\nlines.\n"),
    ("    indented code first\nthen text", "    indented code first\nthen text\n"),
    ("\n  indented after a blank line\ntext", "\n  indented after a blank line\ntext\n"),
    ("Windows\r\nline ends\r\n", "Windows\nline ends\n"),
    ("old Mac\rline ends", "old Mac\nline ends\n"),
    ("- a list\n- key: value\n---\n# heading\n| table |", "- a list\n- key: value\n---\n# heading\n| table |\n"),
    ("tabs\tinside and trailing spaces   ", "tabs\tinside and trailing spaces   \n"),
])
def test_new_texts_round_trip(content, text, expected):
    result = new("T", "--impact", "minor", "--public", text, "--technical", text, "--at", "2024-07-31T09:05:00Z",
                 "--id", "t")
    assert result.exit_code == 0, result.output
    u = load_content(content).incident("t").updates[0]
    assert (u.public, u.technical) == (expected, expected)


@pytest.mark.parametrize("args, code, message", [
    (["T", "--impact", "minor", "--component", "billing=major_outage", "--public", "x"], 1,
     "content/incidents/2024-07-31-t.yml:12: updates[0].components.billing: unknown component 'billing' "
     "(not in components.yml) (nothing was written)"),
    (["T", "--impact", "minor", "--status", "resolvd", "--public", "x"], 1,
     "content/incidents/2024-07-31-t.yml:8: updates[0].status: incident status 'resolvd' is not one of: "
     "investigating, identified, monitoring, resolved, postmortem; did you mean 'resolved'? (nothing was written)"),
    (["T", "--impact", "maintenance", "--public", "x"], 1, "incident impact 'maintenance' is not one of"),
    (["T", "--impact", "minor", "--public", "   "], 1, "updates[0].public: public text is empty (nothing was written)"),
    (["T", "--impact", "minor", "--public", "x", "--id", "../../evil"], 1,
     "error: incident id '../../evil' must match ^[a-z0-9][a-z0-9-]{0,79}$"),
    (["T", "--public", "x"], 2, "an incident needs --impact (none, minor, major or critical)"),
    (["T", "--kind", "maintenance", "--from", "2024-08-01T00:00:00Z", "--public", "x"], 2,
     "a maintenance needs --from and --until"),
    (["T", "--impact", "minor", "--component", "portal", "--public", "x"], 2,
     "expected ID=STATUS (e.g. scheduling=major_outage), got 'portal'"),
    (["T", "--impact", "minor", "--component", "portal=down", "--public", "x"], 2,
     "component status 'down' is not one of: operational"),
    (["T", "--impact", "minor"], 2, "give the text with --public (and --technical), or run in a terminal"),
    (["T", "--impact", "minor", "--public", "x", "--next-update-at", "10:00"], 2, "expected a time like"),
])
def test_new_refuses(content, args, code, message):
    result = new(*args, "--at", "2024-07-31T09:05:00Z")
    assert result.exit_code == code, result.output
    assert message in result.stderr
    assert list((content / "incidents").iterdir()) == []


def test_new_refuses_an_existing_id(content):
    assert new("T", "--impact", "minor", "--public", "x", "--id", "t").exit_code == 0
    before = (content / "incidents" / "t.yml").read_bytes()
    result = new("Other", "--impact", "major", "--public", "y", "--id", "t")
    assert result.exit_code == 1
    assert result.stderr == "error: content/incidents/t.yml already exists; add an update with `statuskit update t`\n"
    assert (content / "incidents" / "t.yml").read_bytes() == before


# --- update keeps what is there ------------------------------------------------------------

BLOCK_LAST = """\
id: outage
kind: incident
updates:
  - id: 1
    at: 2024-07-31T09:05:00Z
    status: investigating
    title: Appointment scheduling unavailable
    impact: major
    components:
      scheduling: major_outage
    next_update_at: 2024-07-31T10:00:00Z
    public: |
      We are investigating.

      More soon.
"""

TRICKY = {
    "block-scalar-last": BLOCK_LAST,
    "block-then-blank-lines": BLOCK_LAST + "\n\n",
    "keep-chomping-last": BLOCK_LAST.replace("public: |", "public: |+") + "\n",
    "trailing-comments": BLOCK_LAST + "\n# TODO: ask security about the root cause\n  # indented comment\n",
    "no-final-newline": BLOCK_LAST.replace("    public: |\n      We are investigating.\n\n      More soon.\n",
                                           "    public: We are investigating.  # a comment, no newline"),
    "crlf": BLOCK_LAST.replace("\n", "\r\n"),
    "bom": "\ufeff" + BLOCK_LAST,
    "four-spaces": """\
id: outage
kind: incident
updates:
    -   id: 1
        at: 2024-07-31T09:05:00Z   # when we first knew
        status: investigating
        title: Appointment scheduling unavailable
        impact: major
        components:
            scheduling: major_outage
        public: |
            We are investigating.
        # a comment in the last update
""",
    "dash-alone": BLOCK_LAST.replace("  - id: 1\n", "  -\n    id: 1\n"),
    "flow-item-last": """\
id: outage   # comment
kind: incident
updates:
  # the first update
  - {id: 1, at: 2024-07-31T09:05:00Z, status: investigating, title: Outage, impact: major,
     public: "We are investigating."}
""",
    "two-updates-with-comments": BLOCK_LAST + """\
  # --- update 2 ---
  - id: 2
    at: 2024-07-31T10:30:00+01:00   # local time
    status: identified
    public: >
      Folded
      text.
""",
}
UPDATES_NOT_LAST = """\
# header comment
id: outage
updates:
- id: 1
  at: 2024-07-31T09:05:00Z
  status: investigating
  title: Appointment scheduling unavailable
  impact: major
  public: |
    We are investigating.
# kind comes last in this file
kind: incident
"""


def _earlier(content: Path):
    inc = load_content(content).incident("outage")
    return [(u.id, digest(u)) for u in inc.updates]


@pytest.mark.parametrize("name", sorted(TRICKY))
def test_update_keeps_every_earlier_byte(content, name):
    path = content / "incidents" / "outage.yml"
    path.write_bytes(TRICKY[name].encode("utf-8"))
    before = path.read_bytes()
    digests = _earlier(content)

    result = update("outage", "--status", "resolved", "--component", "scheduling=operational", "--public", "All fixed.")

    assert result.exit_code == 0, result.output
    after = path.read_bytes()
    assert after.startswith(before)  # byte for byte, comments included
    added = after[len(before):].decode("utf-8")
    eol = "\r\n" if name == "crlf" else "\n"
    assert added.replace(eol, "\n").lstrip("\n").endswith(
        "at: 2024-08-01T00:00:00Z\n{0}status: resolved\n{0}components:\n{0}  scheduling: operational\n"
        "{0}public: |\n{0}  All fixed.\n".format(" " * (8 if name == "four-spaces" else 4)))
    if name == "crlf":
        assert "\n" not in added.replace("\r\n", "")
    assert _earlier(content)[:-1] == digests  # the earlier updates read exactly as before
    n = len(digests) + 1
    assert load_content(content).incident("outage").updates[-1].id == n
    check_passes()


def test_update_with_four_space_items_lines_up(content):
    path = content / "incidents" / "outage.yml"
    path.write_text(TRICKY["four-spaces"])
    assert update("outage", "--status", "resolved", "--public", "All fixed.").exit_code == 0
    assert path.read_text() == TRICKY["four-spaces"] + """\
    -   id: 2
        at: 2024-08-01T00:00:00Z
        status: resolved
        public: |
          All fixed.
"""


def test_update_when_updates_is_not_the_last_key(content):
    path = content / "incidents" / "outage.yml"
    path.write_text(UPDATES_NOT_LAST)
    digests = _earlier(content)

    assert update("outage", "--status", "resolved", "--public", "All fixed.").exit_code == 0

    head, tail = UPDATES_NOT_LAST.split("# kind comes last")
    assert path.read_text() == head + """\
- id: 2
  at: 2024-08-01T00:00:00Z
  status: resolved
  public: |
    All fixed.
# kind comes last""" + tail
    assert _earlier(content)[:-1] == digests
    check_passes()


# --- update refuses ----------------------------------------------------------------------

@pytest.mark.parametrize("args, message", [
    (["--status", "resolved", "--component", "billing=operational", "--public", "x"],
     "content/incidents/outage.yml:20: updates[1].components.billing: unknown component 'billing' "
     "(not in components.yml) (nothing was written)"),
    (["--status", "completed", "--public", "x"],
     "updates[1].status: incident status 'completed' is not one of: investigating, identified, monitoring, "
     "resolved, postmortem (nothing was written)"),
    (["--status", "resolved", "--corrects", "5", "--public", "x"],
     "updates[1].corrects: 'corrects' must name an earlier update (only update 1 is), got 5 (a number) "
     "(nothing was written)"),
    (["--status", "resolved", "--retracts", "1", "--public", "Withdrawn."],
     "updates[1].retracts: update 1 set the title, so the retracting update must set a new 'title' "
     "(nothing was written)"),
    (["--status", "resolved", "--public", "x", "--at", "2024-07-31T09:04:59Z"],
     "error: update 2 would be at 2024-07-31T09:04:59Z, before update 1 (2024-07-31T09:05:00Z); give a later --at"),
    (["--status", "resolved", "--public", "x", "--at", "2024-07-31T10:00:00+02:00"],
     "error: update 2 would be at 2024-07-31T08:00:00Z, before update 1 (2024-07-31T09:05:00Z); give a later --at"),
])
def test_update_refuses_and_leaves_the_file(content, args, message):
    path = content / "incidents" / "outage.yml"
    path.write_text(BLOCK_LAST)
    at = None if "--at" in args else "2024-08-01T00:00:00Z"

    result = update("outage", *args, at=at)

    assert result.exit_code == 1, result.output
    assert message in result.stderr
    assert path.read_text() == BLOCK_LAST


def test_update_refuses_to_change_a_text_that_ends_the_file(content):
    # a `|` block that ends the file without a line break has no final "\n"; anything appended would add one
    path = content / "incidents" / "outage.yml"
    path.write_text(BLOCK_LAST.rstrip("\n"))

    result = update("outage", "--status", "resolved", "--public", "x")

    assert result.exit_code == 1
    assert result.stderr.startswith("error: content/incidents/outage.yml: appending would change update 1 (public) "
                                    "as it is written; nothing was written\n")
    assert path.read_text() == BLOCK_LAST.rstrip("\n")


def test_update_of_an_invalid_file_reports_its_problems(content):
    path = content / "incidents" / "outage.yml"
    path.write_text(BLOCK_LAST.replace("major_outage", "down"))
    result = update("outage", "--status", "resolved", "--public", "x")
    assert result.exit_code == 1
    assert result.stderr == ("content/incidents/outage.yml:10: updates[0].components.scheduling: component status "
                             "'down' is not one of: operational, under_maintenance, degraded_performance, "
                             "partial_outage, major_outage\n1 error in content\n")
    assert path.read_text() == BLOCK_LAST.replace("major_outage", "down")


def test_update_reads_the_file_as_the_loader_does_and_never_writes_through_a_link(content, tmp_path):
    """`update` reads the incident with the model's reader (model/content.py, model/load.py): a symbolic
    link is refused as check refuses it, and nothing is written through it to a file outside content/."""
    outside = tmp_path / "elsewhere.yml"
    outside.write_text(BLOCK_LAST)
    (content / "incidents" / "outage.yml").symlink_to(outside)
    result = update("outage", "--status", "resolved", "--public", "x")
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("content/incidents/outage.yml: this is a symbolic link; statuskit reads only "
                                    "regular files and folders inside content/"), result.stderr
    assert outside.read_text() == BLOCK_LAST


def test_update_and_new_read_components_yml_as_the_loader_does(content, tmp_path):
    """components.yml is read as check reads it (model/content.py): a link is refused, not followed."""
    (content / "incidents" / "outage.yml").write_text(BLOCK_LAST)
    outside = tmp_path / "components-elsewhere.yml"
    (content / "components.yml").rename(outside)
    (content / "components.yml").symlink_to(outside)
    result = update("outage", "--status", "resolved", "--public", "x")
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("content/components.yml: this is a symbolic link; "), result.stderr
    assert (content / "incidents" / "outage.yml").read_text() == BLOCK_LAST
    result = new("Another outage", "--impact", "major", "--public", "We are investigating.",
                 "--at", "2024-07-31T09:05:00Z")
    assert result.exit_code == 1, result.output
    assert "content/components.yml: this is a symbolic link; " in result.stderr
    assert sorted(p.name for p in (content / "incidents").iterdir()) == ["outage.yml"]


def test_update_refuses_what_the_safe_reader_refuses(content):
    path = content / "incidents" / "outage.yml"
    text = BLOCK_LAST.replace("id: outage\n", "id: outage\nid: outage\n", 1)
    assert text != BLOCK_LAST
    path.write_text(text)
    result = update("outage", "--status", "resolved", "--public", "x")
    assert result.exit_code == 1
    assert "duplicate key 'id'" in result.stderr
    assert path.read_text() == text


@pytest.mark.parametrize("incident", ["nope", "../components"])
def test_update_of_an_unknown_incident(content, incident):
    result = update(incident, "--status", "resolved", "--public", "x")
    assert result.exit_code == 1
    assert result.stderr == f"error: no incident '{incident}' in content/incidents (create it with `statuskit new`)\n"


def test_update_usage_errors(content):
    (content / "incidents" / "outage.yml").write_text(BLOCK_LAST)
    assert "Missing option '--status'" in update("outage", "--public", "x").stderr
    result = update("outage", "--status", "resolved")
    assert result.exit_code == 2
    assert "give the text with --public" in result.stderr
    assert (content / "incidents" / "outage.yml").read_text() == BLOCK_LAST


def test_update_time_defaults_to_source_date_epoch(content):
    (content / "incidents" / "outage.yml").write_text(BLOCK_LAST)
    result = invoke("update", "outage", "--status", "resolved", "--public", "x", "--content", "content",
                    env={"SOURCE_DATE_EPOCH": "1722474000"})  # 2024-08-01T01:00:00Z
    assert result.exit_code == 0, result.output
    assert "  - id: 2\n    at: 2024-08-01T01:00:00Z\n" in (content / "incidents" / "outage.yml").read_text()


def test_update_keeps_a_kept_block_and_the_comment_of_a_later_key(content):
    # `|+` keeps the blank line in the text: the new item goes after it, and before the
    # comment that introduces `kind`
    path = content / "incidents" / "outage.yml"
    text = UPDATES_NOT_LAST.replace("public: |", "public: |+").replace("# kind comes", "\n# kind comes")
    path.write_text(text)
    digests = _earlier(content)
    assert load_content(content).incident("outage").updates[0].public == "We are investigating.\n\n"

    assert update("outage", "--status", "resolved", "--public", "All fixed.").exit_code == 0

    head, tail = text.split("# kind comes last")
    assert path.read_text() == head + """\
- id: 2
  at: 2024-08-01T00:00:00Z
  status: resolved
  public: |
    All fixed.
# kind comes last""" + tail
    assert _earlier(content)[:-1] == digests


def test_a_failed_write_is_explained_not_an_internal_error(content, monkeypatch):
    import errno
    import os

    def full(self, *args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(self))
    monkeypatch.setattr(Path, "write_text", full)
    result = new("Appointment scheduling unavailable", "--impact", "major", "--public", "We are investigating.",
                 "--at", "2024-07-31T09:05:00Z")
    assert result.exit_code == 1
    assert result.output == ("error: content/incidents/2024-07-31-appointment-scheduling-unavailable.yml: "
                             "no space left on device\n")


def test_new_never_writes_through_a_dangling_link(content, tmp_path):
    outside = tmp_path / "outside.yml"  # does not exist: the link dangles
    (content / "incidents" / "x.yml").symlink_to(outside)
    result = new("Outage", "--impact", "minor", "--id", "x", "--public", "We are investigating.",
                 "--at", "2024-07-31T09:05:00Z")
    assert result.exit_code == 1
    assert "content/incidents/x.yml already exists" in result.output
    assert not outside.exists()


def test_the_editor_keeps_markdown_headings_and_drops_only_statuskit_s_instructions(content, monkeypatch):
    import click

    from statuskit.cli import content as cli_content

    def edit(template, extension):
        assert extension == ".md"
        public_hint, _, _, technical_hint, _ = template.split("\n", 4)
        return (f"{public_hint}\n# Resolved\nAll clinics can book again. # not a comment\n\n"
                f"{technical_hint}\n## Root cause\nA failed upgrade.\n")

    monkeypatch.setattr(click, "edit", edit)
    monkeypatch.setattr(cli_content.sys.stdin, "isatty", lambda: True, raising=False)
    public, technical = cli_content._text_from_editor(None, None, "incident")
    assert public == "# Resolved\nAll clinics can book again. # not a comment"
    assert technical == "## Root cause\nA failed upgrade."


def test_new_takes_the_embargo_options_update_has(content):
    result = new("Outage", "--impact", "minor", "--public", "We are investigating.", "--technical", "A failed disk.",
                 "--at", "2024-07-31T09:05:00Z", "--embargo-until", "2024-07-31T10:00:00Z",
                 "--technical-embargo-until", "2024-08-02T00:00:00Z")
    assert result.exit_code == 0, result.output
    [inc] = load_content(content).incidents
    u = inc.updates[0]
    assert (u.embargo_until.isoformat(), u.technical_embargo_until.isoformat()) == \
        ("2024-07-31T10:00:00+00:00", "2024-08-02T00:00:00+00:00")
