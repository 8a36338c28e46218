"""The per-user cache of check results: a warm check reports exactly what a cold one does.

Every test compares the cached answer with a cold run (``STATUSKIT_CACHE=0``) after
changing one input the answer depends on, and counts the incidents checked in full.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from statuskit.workflow import check_cache, checks
from statuskit.workflow.checks import run_check

AT = datetime(2024, 8, 1, tzinfo=timezone.utc)
INC = "2024-07-31-outage"
OTHER = "2024-07-30-website"


@pytest.fixture
def full_checks(monkeypatch):
    """Names of the incident files checked in full (not answered from the cache)."""
    seen: list[str] = []
    real = checks._check_raw

    def spy(shared, name, raw):
        seen.append(name)
        return real(shared, name, raw)

    monkeypatch.setattr(checks, "_check_raw", spy)
    return seen


def cold(root, monkeypatch) -> list[str]:
    with monkeypatch.context() as m:
        m.setenv("STATUSKIT_CACHE", "0")
        return [str(p) for p in run_check(root).problems]


def warm(root) -> list[str]:
    return [str(p) for p in run_check(root).problems]


@pytest.fixture
def site(make_site):
    s = make_site({INC: None, OTHER: None})
    s.approve_all()
    # a lint finding (an IP address in public text) and a missing approval, so there is something to cache
    path = s.root / "incidents" / f"{OTHER}.yml"
    path.write_text(path.read_text().replace("Scheduling is working again.", "Traffic from 203.0.113.9 is blocked."))
    return s


def test_second_check_answers_from_the_cache_with_the_same_problems(site, cache_dir, full_checks, monkeypatch):
    expected = cold(site.root, monkeypatch)
    assert any("[public-technical-detail]" in p for p in expected)
    assert any("[approval-stale]" in p for p in expected)
    full_checks.clear()
    assert warm(site.root) == expected
    assert sorted(full_checks) == [f"{OTHER}.yml", f"{INC}.yml"]
    full_checks.clear()
    assert warm(site.root) == expected
    assert full_checks == []
    (entries,) = [json.loads(p.read_text())["entries"] for p in (cache_dir / "check-v1").iterdir()]
    assert len(entries) == 2


@pytest.mark.parametrize("change", ["signature", "incident", "teams", "lint", "components", "new-approval", "code"])
def test_any_input_change_is_checked_again(site, cache_dir, full_checks, monkeypatch, change):
    warm(site.root)
    sig = site.root / "approvals" / INC / "1" / "security--bob.sig"
    if change == "signature":  # one byte of one signature
        data = bytearray(sig.read_bytes())
        i = data.index(b"\n", 40) - 3
        data[i] = ord("A") if data[i] != ord("A") else ord("B")
        sig.write_bytes(bytes(data))
    elif change == "incident":
        path = site.root / "incidents" / f"{INC}.yml"
        path.write_text(path.read_text().replace("outage of appointment", "outage of the appointment"))
    elif change == "teams":  # bob leaves security: his approvals no longer count
        path = site.root / "teams.yml"
        path.write_text(path.read_text().replace("security: [bob, dave]", "security: [dave]"))
    elif change == "lint":
        site.write("lint.yml", "severity:\n  public-technical-detail: warning\n")
    elif change == "components":
        path = site.root / "components.yml"
        path.write_text(path.read_text().replace("    name: Website\n", "    name: Public website\n"))
    elif change == "new-approval":
        sig.unlink()
    elif change == "code":
        monkeypatch.setattr(check_cache, "code_fingerprint", lambda: b"another statuskit")
    full_checks.clear()
    got = warm(site.root)
    checked = sorted(full_checks)
    assert got == cold(site.root, monkeypatch)
    if change in ("signature", "incident", "new-approval"):
        assert checked == [f"{INC}.yml"]  # only the incident whose bytes changed
    else:
        assert checked == [f"{OTHER}.yml", f"{INC}.yml"]  # a site-wide input: everything again
    if change == "teams":
        assert any("bob" in p and "security" in p and "[approval-invalid]" in p for p in got)


def test_demo_warm_equals_cold(demo_copy, cache_dir, monkeypatch, full_checks):
    expected = cold(demo_copy, monkeypatch)
    warm(demo_copy)
    full_checks.clear()
    assert warm(demo_copy) == expected
    assert full_checks == []


def test_the_cache_keeps_only_the_current_incidents(site, cache_dir):
    warm(site.root)
    (site.root / "incidents" / f"{OTHER}.yml").unlink()
    warm(site.root)
    (path,) = (cache_dir / "check-v1").iterdir()
    assert len(json.loads(path.read_text())["entries"]) == 1


@pytest.mark.parametrize("garbage", [b"", b"{not json", b'{"entries": [1, 2]}', b'{"entries": {"x": 1}}'])
def test_a_damaged_cache_file_is_ignored(site, cache_dir, monkeypatch, full_checks, garbage):
    warm(site.root)
    (path,) = (cache_dir / "check-v1").iterdir()
    if garbage == b'{"entries": {"x": 1}}':  # every real entry replaced by a damaged one under its own key
        entries = json.loads(path.read_text())["entries"]
        garbage = json.dumps({"entries": {k: [1] for k in entries}}).encode()
    path.write_bytes(garbage)
    full_checks.clear()
    got = warm(site.root)
    assert len(full_checks) == 2
    assert got == cold(site.root, monkeypatch)
    assert len(json.loads(path.read_text())["entries"]) == 2  # rewritten


def test_turned_off_writes_nothing(site, tmp_path, monkeypatch):
    monkeypatch.setenv("STATUSKIT_CACHE", "0")
    monkeypatch.setenv("STATUSKIT_CACHE_DIR", str(tmp_path / "cache"))
    run_check(site.root)
    assert not (tmp_path / "cache").exists()


def test_an_unwritable_cache_folder_does_not_fail_the_check(site, tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("STATUSKIT_CACHE", "1")
    monkeypatch.setenv("STATUSKIT_CACHE_DIR", str(blocker))
    assert warm(site.root) == cold(site.root, monkeypatch)
