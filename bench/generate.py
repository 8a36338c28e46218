"""Generate synthetic content for benchmarks: N incidents x 5 updates, signed.

    .venv/bin/python bench/generate.py OUT_DIR --incidents 10000

Every update has public and technical text, written as people write Markdown
(bold, emphasis, an ampersand); every update is approved by one
comms and one security member with real ed25519 signatures (signed in-process,
the same format `ssh-keygen -Y sign` writes). Output is deterministic for a
given N except for the keys and signatures (fresh keys each run).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from statuskit.gate.digest import digest, statement  # noqa: E402
from statuskit.ssh.sshsig import public_key_line, sign  # noqa: E402
from statuskit.model.load import parse_yaml  # noqa: E402
from statuskit.model.validate import validate_incident  # noqa: E402

NAMESPACE = "statuskit-approval@bench.example"
COMPONENTS = [f"service-{i:02d}" for i in range(20)]
STATUSES = ["investigating", "identified", "monitoring", "resolved", "postmortem"]
WORDS = ("access latency requests customers region database cache queue network storage error rate "
         "upstream provider failover capacity deployment rollback certificate").split()


def paragraph(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def incident_yaml(i: int, start: datetime, rng: random.Random) -> str:
    iid = f"{start:%Y-%m-%d}-bench-incident-{i:05d}"
    comps = rng.sample(COMPONENTS, 2)
    lines = [f"id: {iid}", "kind: incident", "updates:"]
    for n, status in enumerate(STATUSES, start=1):
        at = start + timedelta(minutes=40 * n)
        lines += [f"  - id: {n}", f"    at: {at:%Y-%m-%dT%H:%M:%SZ}", f"    status: {status}"]
        if n == 1:
            lines += [f"    title: Elevated error rates on {comps[0]} ({start:%Y-%m-%d})", "    impact: major"]
        if n in (1, 4):
            st = "partial_outage" if n == 1 else "operational"
            lines += ["    components:"] + [f"      {c}: {st}" for c in comps]
        if status not in ("resolved", "postmortem"):
            lines.append(f"    next_update_at: {at + timedelta(hours=1):%Y-%m-%dT%H:%M:%SZ}")
        # Markdown as people write it: emphasis and an ampersand (each changes how the text is parsed)
        lines += ["    public: |", f"      **Update:** {paragraph(rng, 45)}", "", f"      {paragraph(rng, 30)}"]
        lines += ["    technical: |", f"      {paragraph(rng, 30)} Traffic & error rates: *{rng.choice(WORDS)}* "
                  f"{paragraph(rng, 30).lower()}"]
    return iid, "\n".join(lines) + "\n"


def generate(out: Path, n: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    content = out
    (content / "incidents").mkdir(parents=True, exist_ok=True)
    (content / "components.yml").write_text(
        "components:\n" + "".join(f"  - id: {c}\n    name: Service {c[-2:]}\n    group: Group {int(c[-2:]) // 5}\n"
                                  for c in COMPONENTS))
    keys = {m: Ed25519PrivateKey.generate() for m in ("ann", "ben", "cat", "dan")}
    teams = {"comms": ["ann", "ben"], "security": ["cat", "dan"]}
    (content / "teams.yml").write_text(
        f"namespace: {NAMESPACE}\nrequired_teams: [comms, security]\nmembers:\n"
        + "".join(f"  {m}:\n    name: {m.title()}\n    keys: [\"{public_key_line(k, m)}\"]\n" for m, k in keys.items())
        + "teams:\n  comms: [ann, ben]\n  security: [cat, dan]\n")
    base = datetime(2016, 1, 1, tzinfo=timezone.utc)
    span = (datetime(2026, 1, 1, tzinfo=timezone.utc) - base).total_seconds()
    comp_ids = set(COMPONENTS)
    for i in range(n):
        start = base + timedelta(seconds=int(span * i / n))
        iid, text = incident_yaml(i, start, rng)
        path = content / "incidents" / f"{iid}.yml"
        path.write_text(text)
        doc, _ = parse_yaml(text.encode(), str(path))
        inc, problems = validate_incident(doc, iid, comp_ids)
        assert inc is not None, problems
        for u in inc.updates:
            d = digest(u)
            for team, members in teams.items():
                m = members[u.id % 2]
                sig = sign(keys[m], NAMESPACE, statement(iid, u.id, d, team, m))
                p = content / "approvals" / iid / str(u.id) / f"{team}--{m}.sig"
                p.parent.mkdir(parents=True, exist_ok=True)
                p.write_text(sig)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", type=Path, help="content folder to create")
    ap.add_argument("--incidents", type=int, default=1000)
    args = ap.parse_args()
    t0 = time.perf_counter()
    generate(args.out, args.incidents)
    print(f"generated {args.incidents} incidents x 5 updates in {args.out} ({time.perf_counter() - t0:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
