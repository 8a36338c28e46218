#!/usr/bin/env python3
"""Benchmark statuskit's in-process SSHSIG verification.

    python bench/bench_verify.py [--n 20000] [--runs 3]

Makes a few keys in-process (mostly ed25519, some ecdsa-p256 and rsa-3072), signs N
distinct approval statements with ``statuskit.ssh.sshsig.sign``, then times
``parse_armored`` + ``verify`` over all N. Reports the median of the runs, the rate
per second (overall and per key type) and peak memory (tracemalloc during one
extra, untimed pass; and the process's max RSS).
"""

from __future__ import annotations

import argparse
import hashlib
import resource
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa  # noqa: E402

from statuskit.ssh import sshsig  # noqa: E402

NAMESPACE = "statuskit-approval"


def make_keys() -> dict[str, list]:
    return {
        "ed25519": [ed25519.Ed25519PrivateKey.generate() for _ in range(8)],
        "ecdsa-p256": [ec.generate_private_key(ec.SECP256R1()) for _ in range(2)],
        "rsa-3072": [rsa.generate_private_key(public_exponent=65537, key_size=3072)],
    }


def kind_for(i: int) -> str:
    """90% ed25519, 7% ecdsa-p256, 3% rsa-3072."""
    r = i % 100
    return "ed25519" if r < 90 else "ecdsa-p256" if r < 97 else "rsa-3072"


def statement(i: int) -> bytes:
    digest = hashlib.sha256(f"update-{i}".encode()).hexdigest()
    return (
        "statuskit-approval v1\n"
        f"incident: 2024-07-31-incident-{i // 10:05d}\n"
        f"update: {i % 10 + 1}\n"
        f"digest: sha256:{digest}\n"
        f"team: {'security' if i % 2 else 'comms'}\n"
        f"member: member{i % 50}\n"
    ).encode()


def verify_all(items: list[tuple[str, str, bytes]]) -> tuple[float, dict[str, float]]:
    per_kind: dict[str, float] = {}
    clock = time.perf_counter
    start = clock()
    for kind, text, message in items:
        t = clock()
        sshsig.verify(sshsig.parse_armored(text), message)
        per_kind[kind] = per_kind.get(kind, 0.0) + (clock() - t)
    return clock() - start, per_kind


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20000, help="number of signatures (default 20000)")
    parser.add_argument("--runs", type=int, default=3, help="timed runs; the median is reported (default 3)")
    args = parser.parse_args(argv)

    keys = make_keys()
    t = time.perf_counter()
    items = []
    for i in range(args.n):
        kind = kind_for(i)
        pool = keys[kind]
        message = statement(i)
        items.append((kind, sshsig.sign(pool[i % len(pool)], NAMESPACE, message), message))
    sign_s = time.perf_counter() - t
    counts = {k: sum(1 for it in items if it[0] == k) for k in keys}

    totals, kinds = [], []
    for _ in range(args.runs):
        sshsig._load_key.cache_clear()  # each run loads its keys afresh
        total, per_kind = verify_all(items)
        totals.append(total)
        kinds.append(per_kind)

    tracemalloc.start()
    sshsig._load_key.cache_clear()
    verify_all(items)
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    max_rss_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux

    median = statistics.median(totals)
    print(f"statuskit SSHSIG verify benchmark: N={args.n}, runs={args.runs}, Python {sys.version.split()[0]}")
    print(f"signing (in-process, once): {sign_s:.2f} s ({args.n / sign_s:,.0f}/s)")
    print()
    print(f"{'key type':<12} {'count':>7} {'median s':>9} {'per second':>11} {'us each':>8}")
    for kind in keys:
        secs = statistics.median(k.get(kind, 0.0) for k in kinds)
        n = counts[kind]
        if n:
            print(f"{kind:<12} {n:>7} {secs:>9.3f} {n / secs:>11,.0f} {secs / n * 1e6:>8.1f}")
    print(f"{'all':<12} {args.n:>7} {median:>9.3f} {args.n / median:>11,.0f} {median / args.n * 1e6:>8.1f}")
    print(f"(all runs: {', '.join(f'{x:.3f}' for x in totals)} s; parse_armored + verify per signature)")
    print()
    print(f"peak traced memory during one verify pass: {traced_peak / 1024:,.0f} KiB")
    print(f"process max RSS (incl. {args.n} signatures held in memory): {max_rss_kib / 1024:,.1f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
