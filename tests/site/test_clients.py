"""Real Statuspage clients read the built site's JSON API: the Statuspage Prometheus exporter from
PyPI (``statuspage-prometheus-exporter``, the test extra) polls the demo's summary.json, served on
127.0.0.1, in its one-pass mode, and its metrics are the demo's state."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from prometheus_client.parser import text_string_to_metric_families
from sitetools import REPO

sys.path.insert(0, str(REPO / "bench"))

from _browser import serve  # noqa: E402

EXPORTER = "from statuspage_prometheus_exporter.status_monitoring import main; main()"


def _samples(text: str) -> dict[str, list[tuple[dict[str, str], float]]]:
    out: dict[str, list[tuple[dict[str, str], float]]] = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            out.setdefault(s.name, []).append((s.labels, s.value))
    return out


def test_the_statuspage_prometheus_exporter_reads_the_demo(demo_site, tmp_path):
    summary = json.loads((demo_site / "api" / "v2" / "summary.json").read_text(encoding="utf-8"))
    prom = tmp_path / "metrics" / "statuspage.prom"
    with serve(demo_site) as url:
        (tmp_path / "services.json").write_text(json.dumps(
            {"northbridge": {"url": url + "api/v2/summary.json", "name": "Northbridge"}}), encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "SERVICES_", "METRICS_"))}
        env.update(RUN_MODE="once", METRICS_TEXTFILE_PATH=str(prom), CLEAR_CACHE="true")
        run = subprocess.run([sys.executable, "-c", EXPORTER], cwd=tmp_path, env=env, capture_output=True,
                             text=True, timeout=120, check=False)
    assert run.returncode == 0, run.stderr[-2000:]
    metrics = _samples(prom.read_text(encoding="utf-8"))

    # it got an answer it understood, with the page's minor incident open
    assert metrics["statuspage_probe_check"] == [({"service_name": "Northbridge"}, 1.0)]
    assert summary["status"]["indicator"] == "minor"
    assert metrics["statuspage_service_status"] == [({"service_name": "Northbridge"}, 0.0)]
    [(incident, on)] = metrics["statuspage_incident_info"]
    [open_] = summary["incidents"]
    assert on == 1.0 and incident["incident_name"] == open_["name"] == "Refill requests slow to be confirmed"
    assert (incident["impact"], incident["affected_components"], incident["started_at"]) == (
        "minor", "Pharmacy refills", "2026-11-27T14:10:00Z")
    assert incident["shortlink"] == "https://status.northbridge-health.example/incidents/2026-11-27-pharmacy-refills-degraded/"
    # the announced maintenance, with its window
    [(maint, _)] = metrics["statuspage_maintenance_info"]
    assert maint["maintenance_name"] == "Network upgrade for appointment scheduling and the patient portal"
    assert (maint["scheduled_start"], maint["scheduled_end"]) == ("2026-12-05T02:00:00Z", "2026-12-05T06:00:00Z")
    # every component and group, operational (1) or not (0), as the API says
    components = {labels["component_name"]: value for labels, value in metrics["statuspage_component_status"]}
    assert components == {c["name"]: float(c["status"] == "operational") for c in summary["components"]}
    assert components["Pharmacy refills"] == 0.0 and components["Patient portal"] == 1.0
