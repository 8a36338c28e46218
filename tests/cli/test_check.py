"""`statuskit check` (and `status`) from the command line.

Every bad input is a committed tiny site, ``tests/cases/<scenario>/content/``, with the exact
problem lines it must produce in ``tests/cases/<scenario>/expected.txt`` (written by hand from
the spec). The test runs ``check`` from the case folder, so paths read ``content/...``.
"""

from __future__ import annotations

import json
import random
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from statuskit.cli.main import cli
from statuskit.model.load import MAX_BYTES

from conftest import DEMO_AT, REPO

CASES = Path(__file__).resolve().parent.parent / "cases"
AT = "2026-01-01T00:00:00Z"
SUMMARY_RE = re.compile(r"^(ok|failed): (\d+) incident\(s\), (\d+) update\(s\); (\d+) error\(s\), (\d+) warning\(s\)$")


def invoke(*args: str):
    """Run the CLI in-process; an exception escaping it fails the test (no tracebacks for users)."""
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert "Traceback" not in result.output
    return result


def check(*extra: str):
    return invoke("check", "--content", "content", "--at", AT, *extra)


def case_names() -> list[str]:
    return sorted(p.name for p in CASES.iterdir() if (p / "content").is_dir())


def expected_lines(name: str) -> list[str]:
    return (CASES / name / "expected.txt").read_text(encoding="utf-8").splitlines()


# --- one committed case per bad input ------------------------------------------------

@pytest.mark.parametrize("name", case_names())
def test_case(name, monkeypatch):
    expected = expected_lines(name)
    errors = sum(": warning: " not in line for line in expected)
    warnings = len(expected) - errors
    monkeypatch.chdir(CASES / name)

    result = check()

    assert result.exit_code == (1 if errors else 0), result.output
    *lines, summary = result.stdout.splitlines()
    assert lines == expected
    m = SUMMARY_RE.match(summary)
    assert m, summary
    assert m.group(1) == ("failed" if errors else "ok")
    assert (int(m.group(4)), int(m.group(5))) == (errors, warnings)


def test_every_case_has_expected_output():
    names = case_names()
    assert len(names) >= 30
    for name in names:
        assert expected_lines(name), name


def test_unknown_component_has_the_spec_message_shape(monkeypatch):
    # content-format example: content/incidents/x.yml:14: updates[2].components.billing: unknown component 'billing'
    monkeypatch.chdir(CASES / "unknown-component")
    lines = check().stdout.splitlines()
    assert lines[0].startswith("content/incidents/x.yml:14: updates[2].components.billing: unknown component 'billing'")


def test_all_errors_in_all_files_are_reported_in_one_run(monkeypatch):
    monkeypatch.chdir(CASES / "many-errors")
    result = check()
    assert result.exit_code == 1
    files = {line.split(":", 1)[0] for line in result.stdout.splitlines()[:-1]}
    assert files == {"content/components.yml", "content/teams.yml",
                     "content/incidents/outage.yml", "content/incidents/upgrade.yml"}
    assert "; 4 error(s), 0 warning(s)" in result.stdout


def test_one_broken_file_does_not_hide_the_other_files_findings(tmp_path, monkeypatch):
    # issue 14: check went quiet about every other file's approvals and lints, and said 'failed: 0 incident(s)'
    content = _copy_case("good", tmp_path, monkeypatch)
    (content / "incidents" / "broken.yml").write_text("id: broken\nkind: incident\nupdates:\n  - id: 1\n"
                                                     "    title: Portal: slow\n", encoding="utf-8")
    outage = (content / "incidents" / "outage.yml").read_text(encoding="utf-8")
    (content / "incidents" / "outage.yml").write_text(
        outage.replace("Scheduling is working again.", "Scheduling is working again. Rest assured."),
        encoding="utf-8")

    result = check()

    assert result.exit_code == 1, result.output
    assert result.stdout.splitlines() == [
        "content/incidents/broken.yml:5: YAML syntax error: the value of 'title' contains ': ' — put the whole value "
        "in quotes, like title: \"Portal: slow\" (parser: mapping values are not allowed in this context)",
        "content/incidents/outage.yml:4: updates[0]: warning: update 1 is not approved yet: missing comms, security "
        "[approval-missing]",
        "content/incidents/outage.yml:14: updates[1]: warning: update 2 is not approved yet: missing comms, security "
        "[approval-missing]",
        "content/incidents/outage.yml:18: updates[1].public: warning: public text uses an empty reassurance (\"Rest "
        "assured\"); say what happened and what readers should do instead [public-empty-reassurance]",
        "content/incidents/portal-upgrade.yml:4: updates[0]: warning: update 1 is not approved yet: missing comms, "
        "security [approval-missing]",
        "failed: 2 incident(s), 3 update(s); 1 error(s), 4 warning(s)",
    ]


def test_good_case_passes_with_warnings_only(monkeypatch):
    monkeypatch.chdir(CASES / "good")
    result = check()
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == "ok: 2 incident(s), 3 update(s); 0 error(s), 3 warning(s)"


def test_demo_content_passes():
    result = invoke("check", "--content", str(REPO / "content"), "--at", DEMO_AT.strftime("%Y-%m-%dT%H:%M:%SZ"))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1].startswith("ok: 8 incident(s), ")
    assert " 0 error(s)" in result.stdout


OVERDUE = ("content/incidents/2026-11-27-pharmacy-refills-degraded.yml:23: updates[1].next_update_at: warning: "
           "update 2 promised the next update by 2026-11-27T17:30:00Z; at {at} it is {late} late and no newer update "
           "is published: publish one, and say when the next comes (an update still waiting for approval, its time "
           "or its embargo does not count) [cadence-overdue]")


def test_check_warns_when_the_promised_next_update_has_passed_at_T(demo_copy, cache_dir, monkeypatch):
    # the demo's pharmacy incident promised an update by 17:30; its update 3 still waits for security
    monkeypatch.chdir(demo_copy.parent)
    lines = {}
    for at in ("2026-11-27T17:30:00Z", "2026-11-27T18:00:00Z", "2026-11-27T19:00:00Z", "2026-11-27T17:00:00Z"):
        result = invoke("check", "--content", "content", "--at", at)  # the 2nd run on answers from the cache
        assert result.exit_code == 0, result.output
        lines[at] = [line for line in result.stdout.splitlines() if "cadence-overdue" in line]
    assert lines == {
        "2026-11-27T17:30:00Z": [], "2026-11-27T17:00:00Z": [],
        "2026-11-27T18:00:00Z": [OVERDUE.format(at="2026-11-27T18:00:00Z", late="30 min")],
        "2026-11-27T19:00:00Z": [OVERDUE.format(at="2026-11-27T19:00:00Z", late="1 h 30 min")],
    }


# --- file size: generated, not committed ---------------------------------------------

def _copy_case(name: str, tmp_path: Path, monkeypatch) -> Path:
    shutil.copytree(CASES / name / "content", tmp_path / "content")
    monkeypatch.chdir(tmp_path)
    return tmp_path / "content"


def _padded_incident(size: int) -> bytes:
    head = (CASES / "good" / "content" / "incidents" / "outage.yml").read_bytes().replace(
        b"id: outage", b"id: big", 1)
    pad = size - len(head)
    line = b"# " + b"x" * 97 + b"\n"  # 100-byte comment lines
    body = line * (pad // len(line))
    rest = pad - len(body)
    return head + body + (b"#" + b"x" * (rest - 2) + b"\n" if rest >= 2 else b"\n" * rest)


def test_file_over_one_mib_is_refused(tmp_path, monkeypatch):
    content = _copy_case("good", tmp_path, monkeypatch)
    (content / "incidents" / "big.yml").write_bytes(_padded_incident(MAX_BYTES + 1))

    result = check()

    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"content/incidents/big.yml: file is {MAX_BYTES + 1} bytes; the limit is 1048576 (1 MiB)",
        *expected_lines("good"),  # the other incidents' findings still come
        "failed: 2 incident(s), 3 update(s); 1 error(s), 3 warning(s)"]


def test_file_of_exactly_one_mib_is_read(tmp_path, monkeypatch):
    content = _copy_case("good", tmp_path, monkeypatch)
    data = _padded_incident(MAX_BYTES)
    assert len(data) == MAX_BYTES == 1024 * 1024
    (content / "incidents" / "big.yml").write_bytes(data)

    result = check()

    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1].startswith("ok: 3 incident(s), 5 update(s)")


# --- output formats -------------------------------------------------------------------

def test_json_output_of_a_failing_check(monkeypatch):
    monkeypatch.chdir(CASES / "unknown-component")
    result = check("--format", "json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["ok"] is False
    assert data["at"] == AT
    assert (data["errors"], data["warnings"], data["incidents"], data["updates"]) == (2, 0, 0, 0)
    assert data["problems"][0] == {
        "file": "content/incidents/x.yml", "line": 14, "field": "updates[2].components.billing",
        "message": "unknown component 'billing' (not in components.yml)", "severity": "error", "rule": None,
    }
    assert [p["field"] for p in data["problems"]] == ["updates[2].components.billing", "updates[2].components.portl"]


def test_json_output_of_a_passing_check(monkeypatch):
    monkeypatch.chdir(CASES / "good")
    result = check("--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["ok"] is True
    assert (data["errors"], data["warnings"], data["incidents"], data["updates"]) == (0, 3, 2, 3)
    assert {(p["severity"], p["rule"]) for p in data["problems"]} == {("warning", "approval-missing")}


def test_github_annotations(monkeypatch):
    monkeypatch.chdir(CASES / "unknown-component")
    result = check("--format", "github")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "::error file=content/incidents/x.yml,line=14,title=statuskit::updates[2].components.billing: "
        "unknown component 'billing' (not in components.yml)",
        "::error file=content/incidents/x.yml,line=15,title=statuskit::updates[2].components.portl: "
        "unknown component 'portl' (not in components.yml); did you mean 'portal'?",
    ]
    assert result.stderr.startswith("failed: ")  # the summary stays out of the annotations


def test_github_annotations_for_warnings_and_whole_file_problems(monkeypatch):
    monkeypatch.chdir(CASES / "good")
    lines = check("--format", "github").stdout.splitlines()
    assert lines[0] == ("::warning file=content/incidents/outage.yml,line=4,title=statuskit approval-missing::"
                        "updates[0]: update 1 is not approved yet: missing comms, security")
    monkeypatch.chdir(CASES / "missing-files")
    lines = check("--format", "github").stdout.splitlines()
    assert lines[0] == "::error file=content/components.yml,title=statuskit::file is missing: every site lists its components"


def test_status_json(make_site):
    site = make_site({"2024-07-31-outage": None})
    site.approve("2024-07-31-outage", 1, "comms", "alice")
    site.approve("2024-07-31-outage", 1, "security", "bob")
    site.approve("2024-07-31-outage", 2, "comms", "carol")

    result = invoke("status", "--content", str(site.root), "--at", "2024-08-01T00:00:00Z", "--format", "json")

    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["at"] == "2024-08-01T00:00:00Z"
    (row,) = data["incidents"]
    assert row["incident"] == "2024-07-31-outage" and row["kind"] == "incident"
    u1, u2 = row["updates"]
    assert (u1["published"], u1["approved_by"], u1["missing"], u1["verdict"]) == (
        True, ["comms:alice", "security:bob"], [], "published")
    assert (u2["published"], u2["approved_by"], u2["missing"]) == (False, ["comms:carol"], ["security"])
    assert u2["verdict"] == "held: missing approval from: security"
    assert u1["digest"].startswith("sha256:") and len(u1["digest"]) == 71


def test_status_of_content_with_errors_names_the_place(monkeypatch):
    monkeypatch.chdir(CASES / "unknown-component")
    result = invoke("status", "--content", "content", "--at", AT)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == expected_lines("unknown-component") + ["2 errors in content"]


# --- usage errors and missing things ---------------------------------------------------

@pytest.mark.parametrize("args, message", [
    (["check", "--at", "2024-07-31T09:05:00"], "has no UTC offset"),
    (["check", "--at", "yesterday"], "expected a time like 2024-07-31T09:05:00Z"),
    (["check", "--format", "xml"], "'xml' is not one of"),
    (["check", "--colour"], "No such option '--colour'"),
    (["status", "--format", "github"], "'github' is not one of"),
])
def test_usage_errors_exit_2(args, message, monkeypatch):
    monkeypatch.chdir(CASES / "good")
    result = invoke(*args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr


def test_missing_content_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = check()
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0] == "content: content folder not found (use --content DIR)"


def test_status_of_an_unknown_incident(monkeypatch):
    monkeypatch.chdir(CASES / "good")
    result = invoke("status", "nope", "--content", "content", "--at", AT)
    assert result.exit_code == 1
    assert result.stderr == "error: no incident 'nope' in content/incidents\n"


# --- no input produces a traceback -------------------------------------------------------

_NASTY = ["&", "*", "!", "!!", "{", "}", "[", "]", ":", ": ", "#", "|", ">", "-", "- ", "'", '"', "\t", "\n",
          "\r", "%", "@", "`", "?", ",", "<<: ", "\\", "\x00", "\u2028", "~", "null", "1e9999", "0x", "2024-"]


def _mutate(rng: random.Random, data: bytes) -> bytes:
    op = rng.randrange(7)
    if not data:
        return b"\xff"
    i = rng.randrange(len(data))
    if op == 0:  # truncate
        return data[:i]
    if op == 1:  # a random byte, maybe not UTF-8
        return data[:i] + bytes([rng.randrange(256)]) + data[i + 1:]
    if op == 2:  # a YAML-significant token
        return data[:i] + rng.choice(_NASTY).encode() + data[i:]
    lines = data.split(b"\n")
    j, k = rng.randrange(len(lines)), rng.randrange(len(lines))
    if op == 3:  # drop a line
        del lines[j]
    elif op == 4:  # duplicate a line
        lines.insert(j, lines[k])
    elif op == 5:  # swap two lines
        lines[j], lines[k] = lines[k], lines[j]
    else:  # change the indentation of a line
        lines[j] = b" " * rng.randrange(7) + lines[j].lstrip()
    return b"\n".join(lines)


def test_mangled_content_never_crashes(tmp_path, monkeypatch):
    content = _copy_case("good", tmp_path, monkeypatch)
    targets = ["incidents/outage.yml", "incidents/portal-upgrade.yml", "teams.yml", "components.yml",
               "approvals/outage/1/comms--ana.sig"]
    originals = {t: (content / t).read_bytes() if (content / t).exists() else b"" for t in targets}
    rng = random.Random(20241127)
    codes = set()
    for _ in range(250):
        target = rng.choice(targets)
        data = originals[target]
        for _ in range(rng.randrange(1, 4)):
            data = _mutate(rng, data)
        path = content / target
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        for command in ("check", "status"):
            result = invoke(command, "--content", "content", "--at", AT)  # raises on any exception
            assert result.exit_code in (0, 1), (target, data, result.output)
            codes.add(result.exit_code)
        if originals[target]:
            path.write_bytes(originals[target])
        else:
            path.unlink()
    assert codes == {0, 1}


# --- hostile content: bounded, with a message (speed is measured in bench/bench_hostile.py) ---------

from statuskit.model.validate import MAX_TEXT_BRACKETS, MAX_TEXT_CHARS, SUGGESTIONS_PER_FILE  # noqa: E402

_HOSTILE_HEAD = (CASES / "good" / "content" / "incidents" / "outage.yml").read_text().split("    public: |\n")[0]


def _hostile(tmp_path, monkeypatch, public: str | None = None, components: str = "      scheduling: major_outage\n",
             extra: str = "") -> Path:
    content = _copy_case("good", tmp_path, monkeypatch)
    body = _HOSTILE_HEAD.replace("id: outage", "id: hostile", 1).replace("    components:\n      scheduling: major_outage\n",
                                                                         "    components:\n" + components)
    if public is not None:
        body += "    public: |\n" + "".join(f"      {line}\n" for line in public.splitlines())
    (content / "incidents" / "hostile.yml").write_text(body + extra, encoding="utf-8")
    return content


def test_a_text_of_300000_brackets_is_refused_at_validation(tmp_path, monkeypatch):
    _hostile(tmp_path, monkeypatch, public="[" * 300_000)
    result = check()
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0] == (
        "content/incidents/hostile.yml:12: updates[0].public: public text is 300,001 characters long; the limit is "
        f"{MAX_TEXT_CHARS:,} (shorten it or spread it over several updates)")


def test_a_text_with_too_many_brackets_is_refused(tmp_path, monkeypatch):
    _hostile(tmp_path, monkeypatch, public="See [the notice](https://example.org/). " * (MAX_TEXT_BRACKETS + 1))
    result = check()
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0] == (
        f"content/incidents/hostile.yml:12: updates[0].public: public text has {MAX_TEXT_BRACKETS + 1} '[' "
        f"characters; the limit is {MAX_TEXT_BRACKETS} (each link uses one: write fewer links)")


def test_a_text_at_the_limits_is_accepted(tmp_path, monkeypatch):
    text = "See [the notice] now. " * MAX_TEXT_BRACKETS
    _hostile(tmp_path, monkeypatch, public=text + "x" * (MAX_TEXT_CHARS - len(text) - 1))
    result = check()
    assert result.exit_code == 0, result.output


def test_did_you_mean_is_given_for_the_first_unknown_values_of_a_file_only(tmp_path, monkeypatch):
    n = SUGGESTIONS_PER_FILE + 10
    _hostile(tmp_path, monkeypatch, public="x", components="".join(f"      schedul{i:02d}ng: major_outage\n"
                                                                   for i in range(n)))
    result = check()
    assert result.exit_code == 1
    lines = [line for line in result.stdout.splitlines() if "unknown component" in line]
    assert len(lines) == n
    assert all(line.endswith("; did you mean 'scheduling'?") for line in lines[:SUGGESTIONS_PER_FILE])
    assert all(line.endswith("(not in components.yml)") for line in lines[SUGGESTIONS_PER_FILE:])


def test_did_you_mean_among_thousands_of_components(tmp_path, monkeypatch):
    """4,000 components and 4,000 unknown ones: every error reported, typos still matched."""
    content = _hostile(tmp_path, monkeypatch, public="x", components="      portl: major_outage\n      telehealth-vidoe: major_outage\n" + "".join(
        f"      unknown-{i:05d}x: major_outage\n" for i in range(4000)))
    comps = (content / "components.yml").read_text() + "".join(
        f"  - id: component-{i:05d}\n    name: Component {i}\n" for i in range(4000)) + \
        "  - id: telehealth-video\n    name: Telehealth\n"
    (content / "components.yml").write_text(comps)
    result = check()
    assert result.exit_code == 1
    lines = [line for line in result.stdout.splitlines() if "unknown component" in line]
    assert len(lines) == 4002
    assert lines[0].endswith("unknown component 'portl' (not in components.yml); did you mean 'portal'?")
    assert lines[1].endswith("unknown component 'telehealth-vidoe' (not in components.yml); did you mean 'telehealth-video'?")


def test_lint_suggestions_are_bounded_too(tmp_path, monkeypatch):
    content = _copy_case("good", tmp_path, monkeypatch)
    n = SUGGESTIONS_PER_FILE + 5
    (content / "lint.yml").write_text("severity:\n" + "".join(f"  public-over-promis{'e' * i}x: error\n"
                                                                for i in range(1, n + 1)))
    result = check()
    assert result.exit_code == 1
    lines = [line for line in result.stdout.splitlines() if "unknown lint rule" in line]
    assert len(lines) == n
    assert all("; did you mean 'public-over-promise'?" in line for line in lines[:SUGGESTIONS_PER_FILE])
    assert all("; did you mean" not in line for line in lines[SUGGESTIONS_PER_FILE:])


# --- a retraction of update 1: the lint quotes the incident's title as restated -----------------

def test_lint_quotes_the_title_a_retraction_of_update_1_restates(make_site, tmp_path, monkeypatch):
    make_site({"2024-07-31-intrusion": """\
id: 2024-07-31-intrusion
kind: incident
updates:
  - id: 1
    at: 2024-07-31T09:00:00Z
    status: investigating
    title: Portal sign-in errors, 31 July 2024
    impact: minor
    next_update_at: 2024-07-31T10:00:00Z
    public: Some sign-ins fail.
  - id: 2
    at: 2024-07-31T09:30:00Z
    status: identified
    next_update_at: 2024-07-31T10:00:00Z
    public: We found the cause.
    technical: EDR alerts on two hosts.
    security_incident: true
  - id: 3
    at: 2024-07-31T10:00:00Z
    status: identified
    retracts: 1
    title: Intrusion on a file server
    impact: major
    next_update_at: 2024-07-31T11:00:00Z
    public: We withdrew our first update; this is an intrusion, not a sign-in fault.
"""})
    monkeypatch.chdir(tmp_path)
    result = invoke("check", "--content", "content", "--at", "2024-08-01T00:00:00Z")
    assert result.exit_code == 0, result.output
    quoted = re.findall(r'security incident has no date \("([^"]*)"\)', result.stdout)
    assert quoted == ["Intrusion on a file server", "Intrusion on a file server"], result.output
    assert "(title withdrawn)" not in result.stdout and '("")' not in result.stdout


# --- a required team with one member ---------------------------------------------------------

def test_a_required_team_with_one_member_is_a_warning(tmp_path, monkeypatch):
    root = _copy_case("good", tmp_path, monkeypatch)
    teams = root / "teams.yml"
    teams.write_text(teams.read_text().replace("security: [ben, dan]", "security: [ben]"))
    result = check()
    assert result.exit_code == 0, result.output
    single = [line for line in result.stdout.splitlines() if "team-single-member" in line]
    assert single == [
        "content/teams.yml:18: teams.security: warning: required team 'security' has one member (ben): if that key is "
        "lost or ben is away, no update can be published; add a second member to 'security' (and approve the change "
        "with statuskit approve-teams) [team-single-member]"]
    signers = invoke("teams", "allowed-signers", "--content", "content")
    assert signers.exit_code == 0 and signers.stderr == single[0] + "\n"
    assert "team-single-member" not in signers.stdout  # stdout stays an allowed_signers file
    teams.write_text(teams.read_text().replace("security: [ben]", "security: [ben, dan]"))
    assert "team-single-member" not in check().stdout + invoke("teams", "allowed-signers", "--content",
                                                               "content").stderr
