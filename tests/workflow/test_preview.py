"""`statuskit preview --base REF`: Markdown for a pull-request comment."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from statuskit.cli.main import cli
from statuskit.errors import ContentError
from statuskit.workflow.preview import preview_markdown

from gitrepo import T

INC = """\
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
    public: |
      We are investigating an outage of appointment scheduling.
"""
UPDATE_2 = """\
  - id: 2
    at: 2024-07-31T10:00:00Z
    status: identified
    technical_embargo_until: 2024-09-01T00:00:00Z
    public: |
      We found the cause | a failed upgrade.
    technical: |
      The upgrade of db-2 to 16.3 failed at 09:40 UTC.
"""
UPDATE_3 = """\
  - id: 3
    at: 2024-07-31T11:00:00Z
    status: monitoring
    embargo_until: 2024-08-02T00:00:00Z
    public: |
      A fix is in place.
"""


def section(md: str, heading: str) -> str:
    """The text from ``heading`` to the next update heading."""
    start = md.index(heading)
    end = md.find("\n### ", start + 1)
    return md[start:] if end < 0 else md[start:end]


@pytest.fixture
def pr(repo):
    """main has update 1 (approved); the branch adds updates 2 (comms only) and 3 (both, embargoed)."""
    repo.site.incident("outage", INC)
    repo.site.approve_all()
    repo.commit("base")
    repo.branch()
    repo.site.incident("outage", INC + UPDATE_2 + UPDATE_3)
    repo.site.approve("outage", 2, "comms", "alice")
    repo.site.approve("outage", 3, "comms", "carol")
    repo.site.approve("outage", 3, "security", "dave")
    return repo


def test_preview_lists_only_new_and_changed_updates(pr):
    md = preview_markdown(pr.site.root, "main", T)
    assert md.startswith("## statuskit preview\n\nCompared with `main` (`")
    assert "as of 2024-08-01T00:00:00Z. Approvals are verified against teams.yml at `main`." in md
    assert "update 1 (" not in md
    assert md.count("\n### ") == 2


def test_preview_shows_both_tracks_and_approvals(pr):
    md = preview_markdown(pr.site.root, "main", T)
    s = section(md, "### Appointment scheduling unavailable — update 2 (new)")
    assert "`outage` · incident · status **identified** · at 2024-07-31T10:00:00Z · `content/incidents/outage.yml` line 13" in s
    assert "| Approved by | Communications (alice) |" in s
    assert "| Missing | Security |" in s
    assert "| Publishes | waiting for approval from: Security |" in s
    assert "#### Public (customers)\n\n```text\nWe found the cause | a failed upgrade.\n```\n" in s
    assert "#### Technical (industry peers)\n\n```text\nThe upgrade of db-2 to 16.3 failed at 09:40 UTC.\n```\n" in s


def test_preview_says_when_each_update_publishes(pr):
    md = preview_markdown(pr.site.root, "main", T)
    s3 = section(md, "— update 3 (new)")
    assert "| Approved by | Communications (carol), Security (dave) |" in s3
    assert "| Publishes | after update 2 publishes |" in s3
    assert "| Embargo | until 2024-08-02T00:00:00Z |" in s3
    assert "#### Technical (industry peers)\n\n_(none)_" in s3
    # once security approves update 2: it publishes now (its technical text later), and update 3 at its embargo
    pr.site.approve("outage", 2, "security", "bob")
    md = preview_markdown(pr.site.root, "main", T)
    assert ("| Publishes | public text at the next build; technical text and report at 2024-09-01T00:00:00Z "
            "(technical embargo) |") in section(md, "— update 2 (new)")
    assert "| Publishes | at 2024-08-02T00:00:00Z (embargo), by the scheduled rebuild |" in section(md, "— update 3 (new)")
    md = preview_markdown(pr.site.root, "main", T.replace(month=10))
    assert "| Publishes | at the next build (now) |" in section(md, "— update 3 (new)")


def test_preview_marks_changed_updates(pr):
    pr.replace("incidents/outage.yml", "We are investigating an outage", "We are looking into an outage")
    md = preview_markdown(pr.site.root, "main", T)
    s = section(md, "### Appointment scheduling unavailable — update 1 (changed)")
    assert "| Missing | Communications, Security |" in s  # the edit voided both approvals
    assert "| Not counted | `content/approvals/outage/1/comms--alice.sig`: signature does not verify (" in s


def test_preview_counts_approvals_only_under_base_teams(pr):
    text = pr.read("teams.yml").replace("  comms: [", "  comms: [mallory, ")
    text = text.replace("teams:\n", f"  mallory:\n    name: Mallory\n    keys: [\"{pr.site.keys['mallory'].public}\"]\nteams:\n")
    pr.write("teams.yml", text)
    pr.site.approve("outage", 2, "comms", "mallory")
    md = preview_markdown(pr.site.root, "main", T)
    assert "### teams.yml changed" in md
    assert "+ member mallory (Mallory)" in md and "+ mallory joins team comms" in md
    assert "Approved by: nobody yet; missing: Communications, Security." in md
    s = section(md, "— update 2 (new)")
    assert "| Not counted | `content/approvals/outage/2/comms--mallory.sig`: 'mallory' is not a member in teams.yml |" in s


def test_preview_cli(pr):
    result = CliRunner().invoke(cli, ["preview", "--base", "main", "--at", "2024-08-01T00:00:00Z"])
    assert result.exit_code == 0, result.output
    assert result.output == preview_markdown(pr.site.root, "main", T)


def test_preview_prints_what_its_help_says(pr):
    """Each part of the output is named in the help, and the help promises nothing the output lacks."""
    help_text = " ".join(CliRunner().invoke(cli, ["preview", "--help"]).output.split())
    out = CliRunner().invoke(cli, ["preview", "--base", "main", "--at", "2024-08-01T00:00:00Z"]).output
    parts = {  # what the output shows -> how the help names it
        "#### Public (customers)": "its public and technical text (as source, in code blocks)",
        "#### Technical (industry peers)": "its public and technical text",
        "· status **identified** · at 2024-07-31T10:00:00Z · `content/incidents/outage.yml` line 13":
            "status, time, file and line",
        "| Technical embargo | until 2024-09-01T00:00:00Z |": "embargoes",
        "| Embargo | until 2024-08-02T00:00:00Z |": "embargoes",
        "| Approved by | Communications (alice) |": "the approvals present and missing",
        "| Missing | Security |": "the approvals present and missing",
        "Approvals are verified against teams.yml at `main`.": "verified against teams.yml at REF",
        "| Digest | `sha256:": "its digest",
        "| Publishes | waiting for approval from: Security |": "when a build at T would publish it",
    }
    for shown, named in parts.items():
        assert shown in out, shown
        assert named in help_text, named
    assert "for a pull-request comment or a job summary" in help_text
    assert 'With nothing new: "No new or changed updates."' in help_text
    assert "statuskit build --drafts --site-dir DIR" in help_text
    pr.commit("the change")  # compared with itself: nothing new
    quiet = CliRunner().invoke(cli, ["preview", "--base", "HEAD", "--at", "2024-08-01T00:00:00Z"]).output
    assert quiet.endswith("\n\nNo new or changed updates.\n")


def test_preview_refuses_content_with_errors(pr):
    pr.site.incident("broken", "id: broken\nkind: incident\nupdates: [")
    with pytest.raises(ContentError, match=r"content/incidents/broken.yml:4: YAML syntax error"):
        preview_markdown(pr.site.root, "main", T)
    result = CliRunner().invoke(cli, ["preview", "--base", "main"])
    assert result.exit_code == 1


def test_preview_reads_only_the_incidents_that_changed(repo, monkeypatch):
    """On a large site a pull request touching one incident is previewed without reading the others."""
    from statuskit.model import content as content_mod

    for i in range(3):
        repo.site.incident(f"other-{i}", INC.replace("id: outage", f"id: other-{i}"))
    repo.site.incident("outage", INC)
    repo.site.approve_all()
    repo.commit("base")
    repo.branch()
    repo.site.incident("outage", INC + UPDATE_2)
    read: list[str] = []
    real = content_mod.load_incident
    monkeypatch.setattr(content_mod, "load_incident", lambda shared, name, raw=None: read.append(name) or real(shared, name, raw))
    md = preview_markdown(repo.site.root, "main", T)
    assert md.count("\n### ") == 1 and "update 2 (new)" in md
    assert read == ["outage.yml", "outage.yml"]  # at main, then in the working tree


FORGED_TITLE = "Outage | table | ![x](https://evil.example/x.png) <img src=x onerror=alert(1)> @everyone"
FORGED_TEXT = """\
      All is well.
      ![x](https://evil.example/x.png)
      <img src="https://evil.example/y.png">
      ```
      #### Approvals
      | Approved by | Communications (alice), Security (bob) |
      | Missing | none |
"""


def _outside_code_blocks(md: str) -> list[str]:
    """The lines of ``md`` that are not inside a fenced code block (fences of 3 or more backticks)."""
    out, fence = [], None
    for line in md.split("\n"):
        run = len(line) - len(line.lstrip("`"))
        if fence is None and run >= 3:
            fence = run
        elif fence is not None and run >= fence and not line.strip("`"):
            fence = None
        elif fence is None:
            out.append(line)
    return out


def test_preview_shows_content_inert(repo):
    """A title or text cannot render an image or HTML, nor forge a heading or a row of the approvals table."""
    import markdown

    repo.site.incident("outage", INC)
    repo.site.approve_all()
    repo.commit("base")
    repo.branch()
    text = INC + UPDATE_3.replace("id: 3", "id: 2").replace("    public: |\n      A fix is in place.\n", f"    title: {FORGED_TITLE!r}\n"
                                  f"    public: |\n{FORGED_TEXT}    technical: |\n{FORGED_TEXT}")
    repo.site.incident("outage", text.replace("embargo_until: 2024-08-02T00:00:00Z", "embargo_until: 2024-08-01T00:00:00Z"))
    md = preview_markdown(repo.site.root, "main", T)
    html = markdown.markdown(md, extensions=["tables", "fenced_code"])
    assert "<img" not in html and "<h4>Approvals" not in html
    assert html.count("<table>") == 1 and html.count("<h3>") == 1 and html.count("<h4>") == 2
    s = md[md.index("\n### ") + 1:]  # the one update section
    outside = _outside_code_blocks(s)
    # the words are all there, as source: the text in code blocks, the title escaped
    assert "```text\nAll is well.\n![x](https://evil.example/x.png)\n" in s
    assert outside[0] == ("### Outage \\| table \\| \\!\\[x\\](https://evil.example/x.png) \\<img src=x "
                          "onerror=alert(1)\\> \\@everyone — update 2 (new)")
    # nothing outside the code blocks comes from the text; one table, whose rows are statuskit's
    assert not any("evil" in line or "Approvals" in line for line in outside[1:])
    assert [line.split(" | ")[0] for line in outside if line.startswith("| ")] == [
        "|", "| ---", "| Publishes", "| Approved by", "| Missing", "| Embargo", "| Digest"]
