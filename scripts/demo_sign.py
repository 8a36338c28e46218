"""Re-key and re-sign the demo content.

Creates fresh ed25519 keys for the demo team members (or reuses those kept in
--keys-dir, so that re-signing after an edit changes only the edited updates'
signatures: ed25519 signatures are deterministic), writes their public keys into
content/teams.yml (comments and layout kept), signs every demo update for
both teams -- except the drafts listed in DRAFTS, which get only the approvals
named there -- and signs the site files (mkdocs.yml, docs/, theme/,
components.yml, .github/) as step content/approvals/_site/1/. Run it after
changing the demo content or any of the site files:

    .venv/bin/python scripts/demo_sign.py [--content content] [--keys-dir DIR]

No private key is ever written inside the repository.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from statuskit.gate.digest import digest, statement  # noqa: E402
from statuskit.ssh.sshsig import public_key_line, sign  # noqa: E402
from statuskit.model.content import load_content  # noqa: E402
from statuskit.gate.site_chain import SITE, WorkTree, collect_site_files, content_rel, file_hashes, manifest_bytes, \
    state_digest, step_statement  # noqa: E402

DRAFTS = {
    # (incident, update): the (team, member) approvals it has so far
    ("2026-11-27-pharmacy-refills-degraded", 3): [("comms", "priya")],
}
"""Updates that stay drafts in the demo: approved by one team only."""


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--content", type=Path, default=Path("content"))
    ap.add_argument("--keys-dir", type=Path, help="keep the private keys here (outside the repository)")
    args = ap.parse_args()
    repo = Path(__file__).resolve().parent.parent
    if args.keys_dir and args.keys_dir.resolve().is_relative_to(repo):
        ap.error("--keys-dir must be outside the repository: private keys are never committed")
    root: Path = args.content
    teams_path = root / "teams.yml"
    content = load_content(root)
    teams = content.teams

    # keys, one per member: reused from --keys-dir when there, otherwise fresh
    keys = {}
    for mid in teams.members:
        kept = args.keys_dir / mid if args.keys_dir else None
        if kept is not None and kept.is_file():
            keys[mid] = serialization.load_ssh_private_key(kept.read_bytes(), password=None)
        else:
            keys[mid] = Ed25519PrivateKey.generate()
    text = teams_path.read_text(encoding="utf-8")
    for mid, member in teams.members.items():
        for old in member.keys:
            new = public_key_line(keys[mid], f"{mid}@northbridge-demo")
            text = text.replace(old, new, 1)
    teams_path.write_text(text, encoding="utf-8")
    if args.keys_dir:
        args.keys_dir.mkdir(parents=True, exist_ok=True)
        for mid, k in keys.items():
            pem = k.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.OpenSSH,
                                  serialization.NoEncryption())
            path = args.keys_dir / mid
            path.write_bytes(pem)
            path.chmod(0o600)
            (args.keys_dir / f"{mid}.pub").write_text(public_key_line(k, f"{mid}@northbridge-demo") + "\n")

    # sign: every update by one member of each required team, rotating members
    content = load_content(root)
    approvals = root / "approvals"
    if approvals.exists():
        shutil.rmtree(approvals)
    count = 0
    for inc in content.incidents:
        for u in inc.updates:
            if (inc.id, u.id) in DRAFTS:
                signers = DRAFTS[(inc.id, u.id)]
            else:
                signers = []
                for team in teams.required_teams:
                    members = teams.teams[team]
                    signers.append((team, members[(u.id - 1) % len(members)]))
            for team, mid in signers:
                msg = statement(inc.id, u.id, digest(u), team, mid)
                out = approvals / inc.id / str(u.id) / f"{team}--{mid}.sig"
                out.parent.mkdir(parents=True, exist_ok=True)
                out.write_text(sign(keys[mid], teams.namespace, msg))
                count += 1
    # the site files: step 1 of the _site chain, signed by the first member of each team
    project = root.resolve().parent
    files, problems = collect_site_files(WorkTree(project), content_rel(project, root))
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 1
    state = file_hashes(files)
    manifest = manifest_bytes(SITE, 1, state_digest(state), state_digest(state), state)
    step = approvals / SITE.folder / "1"
    step.mkdir(parents=True)
    (step / "manifest.json").write_bytes(manifest)
    for team in teams.required_teams:
        mid = teams.teams[team][0]
        (step / f"{team}--{mid}.sig").write_text(sign(keys[mid], teams.namespace, step_statement(SITE, manifest, team, mid)))
    print(f"re-keyed {len(keys)} members and wrote {count} approvals under {approvals}, and "
          f"{step}/ for {len(files)} site files")
    if not args.keys_dir:
        print("the private keys were not kept; pass --keys-dir DIR (outside the repository) to keep and reuse them")
    return 0


if __name__ == "__main__":
    sys.exit(main())
