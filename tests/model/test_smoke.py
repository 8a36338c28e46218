from datetime import datetime, timezone

from statuskit.gate.release import gate


def test_two_approved_updates_publish(make_site):
    site = make_site({"2024-07-31-outage": None})
    site.approve_all()
    release, report = gate(site.load(), datetime(2024, 8, 1, tzinfo=timezone.utc))
    inc = release.incident("2024-07-31-outage")
    assert [u.id for u in inc.updates] == [1, 2]
    assert inc.closed and not report.held
