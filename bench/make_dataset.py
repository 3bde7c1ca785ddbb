#!/usr/bin/env python3
"""Generates the benchmark data set of bench/run into OUT:

  OUT/policies/   the repository's policies/ plus copies of its connectable apps (new id, name
                  and file name) so that the catalogue holds --apps apps in all;
  OUT/tenants/    --trusts trust files of --schools-per-trust schools each, one school
                  administrator per school, and one connection per school for every
                  connectable app: half of all (school, app) pairs approved, the rest pending
                  or rejected (with --all-pending: every one pending);
  OUT/queries/    plain-text query lists for the wrk scripts (one query string per line):
                  warm.txt     (school, app, data_type, operation[, field]) over every app's
                               real grants and every school, all pairs that hold a connection;
                  pairs.txt    the same shape, one query per (school, app) connection pair,
                               shuffled (warm-up, first-touch misses, Redis hits);
                  unknown.txt  queries naming schools that do not exist (store misses);
                  checks.txt   expected answers to check before measuring;
  OUT/dataset.json  counts, for the report.

Only the standard library: the YAML written here is simple enough to emit by hand, and the
app files are copied as text with their id and name lines replaced.
"""
import argparse
import json
import random
import re
import shutil
import sys
from pathlib import Path

OPERATIONS = ["read", "write", "update", "delete"]


def parse_app(text):
    """The few facts the generator needs from an app file (the loader validates the rest)."""
    def flag(name):
        m = re.search(rf"^\s+{name}:\s*(\S+)", text, re.M)
        return m.group(1) if m else None

    app_id = re.search(r"^\s+id:\s*(\S+)", text, re.M).group(1)
    grants = []
    current = None
    for line in text.splitlines():
        m = re.match(r"^\s+- type:\s*(\S+)", line)
        if m:
            current = {"type": m.group(1), "fields": [], "all": False}
            grants.append(current)
            continue
        m = re.match(r"^\s+operations:\s*\[(.*)\]\s*$", line)
        if m and current is not None:
            current["operations"] = [o.strip() for o in m.group(1).split(",") if o.strip()]
            continue
        m = re.match(r"^\s+fields:\s*(.+)$", line)
        if m and current is not None:
            value = m.group(1).strip()
            if value == "all":
                current["all"] = True
            else:
                current["fields"] = [f.strip() for f in value.strip("[]").split(",") if f.strip()]
    return {
        "id": app_id,
        "live": flag("live") == "true",
        "competitor": flag("competitor") == "true",
        "grants": grants,
    }


def parse_data_types(text):
    """data_types.yaml: {type: [fields]} (used for grants of `fields: all`)."""
    types = {}
    current = None
    for line in text.splitlines():
        m = re.match(r"^\s+- name:\s*(\S+)", line)
        if m:
            current = m.group(1)
            types[current] = []
            continue
        m = re.match(r"^\s+fields:\s*\[(.*)\]\s*$", line)
        if m and current:
            types[current] = [f.strip() for f in m.group(1).split(",") if f.strip()]
            continue
        m = re.match(r"^\s+-\s+([A-Za-z][A-Za-z0-9]*)\s*$", line)
        if m and current:
            types[current].append(m.group(1))
    return types


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repo", required=True, type=Path)
    ap.add_argument("--out", required=True, type=Path)
    ap.add_argument("--apps", type=int, default=40)
    ap.add_argument("--trusts", type=int, default=10)
    ap.add_argument("--schools-per-trust", type=int, default=50)
    ap.add_argument("--queries", type=int, default=20000, help="lines in warm.txt and unknown.txt")
    ap.add_argument("--seed", type=int, default=3)
    ap.add_argument("--all-pending", action="store_true",
                    help="every connection pending (bench/bulk approves them all at once)")
    args = ap.parse_args()
    rng = random.Random(args.seed)

    src = args.repo / "policies"
    pol = args.out / "policies"
    if pol.exists():
        shutil.rmtree(pol)
    shutil.copytree(src, pol, ignore=shutil.ignore_patterns("*.md"))
    data_types = parse_data_types((pol / "data_types.yaml").read_text())

    real = {}
    for f in sorted((pol / "apps").glob("*.yaml")):
        real[f.stem] = (f.read_text(), parse_app(f.read_text()))
    connectable_real = [k for k, (_, a) in real.items() if a["live"] and not a["competitor"]]
    if len(real) > args.apps:
        sys.exit(f"make_dataset: policies/ already has {len(real)} apps, more than --apps {args.apps}")

    apps = {k: a for k, (_, a) in real.items()}
    copy = 0
    while len(apps) < args.apps:
        base = connectable_real[copy % len(connectable_real)]
        copy += 1
        new_id = f"{base}-copy{copy}"
        text = real[base][0]
        text = re.sub(r"^(\s+id:\s*)\S+", lambda m: m.group(1) + new_id, text, count=1, flags=re.M)
        text = re.sub(r"^(\s+name:\s*)(.+)$", lambda m: f"{m.group(1)}{m.group(2)} (copy {copy})",
                      text, count=1, flags=re.M)
        (pol / "apps" / f"{new_id}.yaml").write_text(text)
        a = parse_app(text)
        assert a["id"] == new_id
        apps[new_id] = a
    app_ids = sorted(apps)
    connectable = [k for k in app_ids if apps[k]["live"] and not apps[k]["competitor"]]

    # Tenants: trusts of schools; per school, half of all catalogue apps approved (rotating
    # which), every other connectable app pending or rejected; no connection to a competitor
    # or an app that is not live (the loader refuses those).
    ten = args.out / "tenants"
    if ten.exists():
        shutil.rmtree(ten)
    ten.mkdir(parents=True)
    approved_per_school = len(app_ids) // 2
    if approved_per_school > len(connectable):
        sys.exit("make_dataset: not enough connectable apps to approve half of the catalogue")
    phases = ["primary", "secondary", "all_through", "special"]
    schools = []
    pairs = []  # (school, app, status)
    urn = 100000
    for t in range(args.trusts):
        trust_id = f"bench-trust-{t:02d}"
        lines = [
            "trust:",
            f"  id: {trust_id}",
            f"  name: Bench Trust {t:02d}",
            "users:",
            f"  - email: central@{trust_id}.example",
            f"    name: Central Team {t:02d}",
            "    roles: [trust_central_team]",
            "schools:",
        ]
        for s in range(args.schools_per_trust):
            n = t * args.schools_per_trust + s
            school_id = f"bench-school-{n:04d}"
            urn += 1
            schools.append(school_id)
            lines += [
                f"  - id: {school_id}",
                f"    name: Bench School {n:04d}",
                f"    urn: {urn}",
                f"    phase: {phases[n % len(phases)]}",
                "    dummy: false",
                "    users:",
                f"      - email: admin@{school_id}.example",
                f"        name: Admin {n:04d}",
                "        roles: [school_administrator]",
                "    connections:",
            ]
            rot = connectable[n % len(connectable):] + connectable[:n % len(connectable)]
            for i, app_id in enumerate(rot):
                if args.all_pending:
                    status = "pending"
                elif i < approved_per_school:
                    status = "approved"
                else:
                    status = "pending" if i % 2 == 0 else "rejected"
                lines += [f"      - app: {app_id}", f"        status: {status}"]
                pairs.append((school_id, app_id, status))
        (ten / f"{trust_id}.yaml").write_text("\n".join(lines) + "\n")

    # Queries over real grants, as the gateway asks them: granted and not granted types,
    # fields and operations (the same mix as bench/decision_bench.cpp).
    def query_for(school, app_id):
        a = apps[app_id]
        g = rng.choice(a["grants"])
        q = f"app={app_id}&school={school}&data_type={g['type']}&operation={rng.choice(OPERATIONS)}"
        fields = data_types.get(g["type"], []) if g["all"] else g["fields"]
        if fields and rng.random() < 0.5:
            q += "&field=" + rng.choice(fields)
        return q

    qdir = args.out / "queries"
    qdir.mkdir(parents=True, exist_ok=True)
    with open(qdir / "warm.txt", "w") as f:
        for _ in range(args.queries):
            school, app_id, _status = rng.choice(pairs)
            f.write(query_for(school, app_id) + "\n")
    shuffled = pairs[:]
    rng.shuffle(shuffled)
    with open(qdir / "pairs.txt", "w") as f:
        for school, app_id, _status in shuffled:
            f.write(query_for(school, app_id) + "\n")
    with open(qdir / "unknown.txt", "w") as f:
        for i in range(args.queries):
            f.write(query_for(f"no-such-school-{i:06d}", rng.choice(connectable)) + "\n")

    # Answers bench/run checks with curl before measuring: "expected body<TAB>query", for the
    # first pair of each status (asking a type and operation its app is granted) and for a
    # school that does not exist.
    def check_query(status, school=None):
        s, app_id, _ = next(p for p in pairs if p[2] == status)
        g = apps[app_id]["grants"][0]
        return f"app={app_id}&school={school or s}&data_type={g['type']}&operation={g['operations'][0]}"

    present = {p[2] for p in pairs}
    checks = [(f'{{"allow":{"true" if status == "approved" else "false"},"reason":"{status}"}}',
               check_query(status))
              for status in ("approved", "pending", "rejected") if status in present]
    checks.append(('{"allow":false,"reason":"unknown_school"}',
                   check_query(sorted(present)[0], "no-such-school-x")))
    with open(qdir / "checks.txt", "w") as f:
        for body, q in checks:
            f.write(f"{body}\t{q}\n")

    counts = {
        "apps": len(app_ids),
        "apps_connectable": len(connectable),
        "apps_generated": copy,
        "trusts": args.trusts,
        "schools": len(schools),
        "users": len(schools) + args.trusts,
        "connections": len(pairs),
        "approved": sum(1 for p in pairs if p[2] == "approved"),
        "pending": sum(1 for p in pairs if p[2] == "pending"),
        "rejected": sum(1 for p in pairs if p[2] == "rejected"),
        "school_app_pairs": len(schools) * len(app_ids),
    }
    (args.out / "dataset.json").write_text(json.dumps(counts, indent=2) + "\n")
    print(json.dumps(counts))


if __name__ == "__main__":
    main()
