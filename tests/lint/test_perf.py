"""The lints stay fast on a large site: regexes are compiled once per configuration."""

from __future__ import annotations

import dataclasses
import time
from types import MappingProxyType

from statuskit.lint import run_lints
from statuskit.lint.config import default_config
from statuskit.model.content import load_content
from statuskit.model.records import Content


def test_thousands_of_updates_lint_in_seconds(demo_copy):
    demo = load_content(demo_copy)
    incidents = []
    for n in range(1000):  # 1,000 incidents x 5 updates made from the demo's real texts
        inc = demo.incidents[n % len(demo.incidents)]
        ups = tuple(dataclasses.replace(u, id=i + 1, retracts=None, corrects=None)
                    for i, u in enumerate((inc.updates * 2)[:5]))
        incidents.append(dataclasses.replace(inc, id=f"{inc.id}-{n}", updates=ups, file=f"incidents/{n}.yml"))
    content = Content(demo.root, demo.components, demo.teams, tuple(incidents), MappingProxyType({}))
    config = default_config()
    start = time.perf_counter()
    problems = run_lints(content, config)
    elapsed = time.perf_counter() - start
    assert elapsed < 15, f"{elapsed:.1f}s for 5,000 updates"  # about 1 s on a busy laptop-class machine
    # the demo's retracted draft (sign-in incident, update 2) loses its retraction in these copies
    assert {(p.rule, p.field) for p in problems} == {("cadence-next-update", "updates[1]")}
