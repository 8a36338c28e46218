"""The per-user verified-signature cache: positives only, keyed by the exact tuple."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from statuskit.errors import SignatureError
from statuskit.ssh import sshsig, verified
from statuskit.gate.approvals import all_approvals
from statuskit.ssh.verified import FILE_NAME, VerifiedCache, cache_path

AT = datetime(2024, 8, 1, tzinfo=timezone.utc)


def test_cache_path_follows_env(monkeypatch, tmp_path):
    monkeypatch.setenv("STATUSKIT_CACHE", "1")
    monkeypatch.delenv("STATUSKIT_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache_path() == tmp_path / "statuskit" / FILE_NAME
    monkeypatch.setenv("STATUSKIT_CACHE", "0")
    assert cache_path() is None


def test_second_run_skips_the_arithmetic_but_not_the_rules(make_site, cache_dir, monkeypatch):
    site = make_site({"2024-07-31-outage": None})
    site.approve_all()
    first = all_approvals(site.load())
    assert all(a.approved for a in first.values())
    assert (cache_dir / FILE_NAME).stat().st_size == 4 * 32  # 2 updates x 2 approvals

    calls = []
    monkeypatch.setattr(verified, "verify", lambda sig, msg: calls.append(1) or sshsig.verify(sig, msg))
    second = all_approvals(site.load())
    assert calls == [] and second == first
    # an edit changes the statement: the cached tuples no longer match, so it is verified (and fails)
    text = (site.root / "incidents/2024-07-31-outage.yml").read_text()
    site.incident("2024-07-31-outage", text.replace("Scheduling is working again.", "All fixed."))
    third = all_approvals(site.load())
    assert len(calls) == 2 and not third[("2024-07-31-outage", 2)].approved
    # membership is still checked for cached tuples: dropping bob from security voids his approvals
    teams = (site.root / "teams.yml").read_text().replace("security: [bob, dave]", "security: [dave]")
    site.write("teams.yml", teams)
    assert not all_approvals(site.load())[("2024-07-31-outage", 1)].approved


def test_failures_are_never_cached(tmp_path, keys):
    cache = VerifiedCache(tmp_path / FILE_NAME)
    armored = sshsig.sign(keys["alice"].private, "ns", b"message")
    sig = sshsig.parse_armored(armored)
    with pytest.raises(SignatureError):
        cache.verify(sig, b"other message")
    assert not (tmp_path / FILE_NAME).exists()
    cache.verify(sig, b"message")
    assert VerifiedCache(tmp_path / FILE_NAME).known == cache.known


def test_a_torn_or_unreadable_cache_is_harmless(tmp_path, keys):
    path = tmp_path / FILE_NAME
    path.write_bytes(b"\x00" * 45)  # one record and a partial one
    cache = VerifiedCache(path)
    assert len(cache.known) == 1
    sig = sshsig.parse_armored(sshsig.sign(keys["bob"].private, "ns", b"m"))
    cache.verify(sig, b"m")
    with pytest.raises(SignatureError):
        cache.verify(sig, b"n")
