#!/usr/bin/env python3
"""bench/sqlite_sync.py: what synchronous=FULL costs the embedded store (docs/performance.md,
"SQLite durability"). One-off, not part of bench/run.

On a scratch database in WAL mode, with the schema shape of Canopy's connections and audit_log,
times under synchronous=NORMAL (before a 200 had to survive a power cut) and FULL (now), in the same run:
  - single changes: one transaction per change (UPDATE a connection + INSERT an audit row), as
    an approve or reject commits;
  - batches: one transaction of 2,000 such changes, as a bulk decision of 2,000 commits.
Prints medians and the FULL / NORMAL ratio. Usage: bench/sqlite_sync.py [DIR] (default /tmp).
"""
import os
import sqlite3
import statistics
import sys
import tempfile
import time

SINGLES = 300
BATCH = 2000
BATCH_ROUNDS = 5


def open_db(path, mode):
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute(f"PRAGMA synchronous = {mode}")
    db.executescript(
        "CREATE TABLE IF NOT EXISTS connections (school_id TEXT, app_id TEXT, status TEXT,"
        " revision INTEGER, PRIMARY KEY (school_id, app_id));"
        "CREATE TABLE IF NOT EXISTS audit_log (id INTEGER PRIMARY KEY, school_id TEXT,"
        " app_id TEXT, action TEXT, at_ms INTEGER);")
    db.executemany("INSERT OR IGNORE INTO connections VALUES (?, ?, 'pending', 1)",
                   [(f"school-{i // 40}", f"app-{i % 40}", ) for i in range(BATCH)])
    return db


def change(db, i, status):
    db.execute("UPDATE connections SET status = ?, revision = revision + 1"
               " WHERE school_id = ? AND app_id = ?", (status, f"school-{i // 40}", f"app-{i % 40}"))
    db.execute("INSERT INTO audit_log (school_id, app_id, action, at_ms) VALUES (?, ?, ?, ?)",
               (f"school-{i // 40}", f"app-{i % 40}", status, int(time.time() * 1000)))


def measure(directory, mode):
    path = os.path.join(directory, f"sync-{mode.lower()}.db")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)
    db = open_db(path, mode)
    singles = []
    for i in range(SINGLES):
        t0 = time.perf_counter()
        db.execute("BEGIN IMMEDIATE")
        change(db, i, "approved" if i % 2 else "rejected")
        db.execute("COMMIT")
        singles.append(time.perf_counter() - t0)
    batches = []
    for r in range(BATCH_ROUNDS):
        t0 = time.perf_counter()
        db.execute("BEGIN IMMEDIATE")
        for i in range(BATCH):
            change(db, i, "approved" if r % 2 else "rejected")
        db.execute("COMMIT")
        batches.append(time.perf_counter() - t0)
    db.close()
    return statistics.median(singles), statistics.median(batches)


def main():
    directory = sys.argv[1] if len(sys.argv) > 1 else tempfile.gettempdir()
    # Interleaved, twice each, so drift on a noisy machine hits both modes alike.
    runs = {"NORMAL": [], "FULL": []}
    for _ in range(2):
        for mode in ("NORMAL", "FULL"):
            runs[mode].append(measure(directory, mode))
    normal = [min(x[k] for x in runs["NORMAL"]) for k in (0, 1)]
    full = [min(x[k] for x in runs["FULL"]) for k in (0, 1)]
    print(f"directory: {directory}")
    print("| commit | synchronous=NORMAL | synchronous=FULL | FULL / NORMAL |")
    print("|---|---|---|---|")
    print(f"| one change (UPDATE + audit INSERT), median of {SINGLES} | {normal[0] * 1e3:.3f} ms |"
          f" {full[0] * 1e3:.3f} ms | {full[0] / normal[0]:.2f} x |")
    print(f"| a batch of {BATCH} changes, median of {BATCH_ROUNDS} | {normal[1] * 1e3:.1f} ms |"
          f" {full[1] * 1e3:.1f} ms | {full[1] / normal[1]:.2f} x |")


if __name__ == "__main__":
    main()
