"""report.cvss: a CVSS v3 vector per CVE of the report, read by the cvss library, with the product it scores."""

from __future__ import annotations

import pytest

from statuskit.model.load import parse_yaml
from statuskit.model.records import CvssScore
from statuskit.model.validate import validate_incident

UPDATE = """\
id: x
kind: incident
updates:
  - id: 1
    at: 2024-07-31T09:05:00Z
    status: investigating
    title: Scheduling unavailable
    impact: major
    public: We are investigating.
    report:
      cves: [CVE-2024-3400, CVE-2024-0001]
      cvss:
"""
VECTOR = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H"


def validate(entries: str):
    doc, problems = parse_yaml((UPDATE + entries).encode(), "x.yml")
    assert problems == []
    inc, problems = validate_incident(doc, "x", {"portal"})
    return inc, [str(p) for p in problems]


def test_a_score_is_read_with_its_product_and_cpe():
    inc, problems = validate(f'        - {{cve: CVE-2024-3400, vector: "{VECTOR}", product: PAN-OS 10.2,'
                             ' cpe: "cpe:2.3:o:paloaltonetworks:pan-os:10.2.9:-:*:*:*:*:*:*"}\n')
    assert problems == []
    assert inc.updates[0].report.cvss == (
        CvssScore("CVE-2024-3400", VECTOR, "PAN-OS 10.2", "cpe:2.3:o:paloaltonetworks:pan-os:10.2.9:-:*:*:*:*:*:*"),)
    assert inc.updates[0].canonical["report"]["cvss"][0]["vector"] == VECTOR  # signed as written


@pytest.mark.parametrize("entry, expected", [
    (f'{{cve: CVE-2099-1234, vector: "{VECTOR}", product: P}}',
     "x.yml:13: updates[0].report.cvss[0].cve: CVE-2099-1234 is not in this report's cves; add it to cves: or remove "
     "its score"),
    ('{cve: CVE-2024-3400, vector: "CVSS:3.1/AV:N/AC:L", product: P}',
     "x.yml:13: updates[0].report.cvss[0].vector: 'CVSS:3.1/AV:N/AC:L' is not a valid CVSS vector (Missing mandatory "
     "metrics \"PR, UI, S, C, I, A\"); copy the vector string from the CVE's record (e.g. NVD)"),
    ('{cve: CVE-2024-3400, vector: "AV:N/AC:L/Au:N/C:P/I:P/A:P", product: P}',
     "x.yml:13: updates[0].report.cvss[0].vector: expected a CVSS 3.0 or 3.1 vector like "
     "\"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\", got 'AV:N/AC:L/Au:N/C:P/I:P/A:P'"),
    (f'{{cve: CVE-2024-3400, vector: "{VECTOR}"}}',
     "x.yml:13: updates[0].report.cvss[0].product: required product is missing"),
    (f'{{cve: CVE-2024-3400, vector: "{VECTOR}", product: P, cpe: "pan-os 10"}}',
     "x.yml:13: updates[0].report.cvss[0].cpe: expected a CPE name like "
     "cpe:2.3:o:paloaltonetworks:pan-os:10.2.9:*:*:*:*:*:*:*, got 'pan-os 10'"),
    (f'{{cve: CVE-2024-3400, vector: "{VECTOR}", product: P, score: 10}}',
     "x.yml:13: updates[0].report.cvss[0].score: unknown key 'score' in a CVSS score; expected one of: cve, vector, product, cpe"),
])
def test_bad_scores_are_reported_with_file_line_and_field(entry, expected):
    _, problems = validate(f"        - {entry}\n")
    assert problems == [expected]


def test_a_cve_is_scored_once():
    _, problems = validate(f'        - {{cve: CVE-2024-3400, vector: "{VECTOR}", product: P}}\n'
                           f'        - {{cve: CVE-2024-3400, vector: "{VECTOR}", product: Q}}\n')
    assert problems == ["x.yml:14: updates[0].report.cvss[1].cve: CVE-2024-3400 is scored twice; give each CVE one vector"]
