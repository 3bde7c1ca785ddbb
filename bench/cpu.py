#!/usr/bin/env python3
"""CPU accounting for bench/run, so that a figure taken while something else loaded the
machine is visible as such.

  cpu.py snap FILE PID...          writes a snapshot: the machine's busy CPU time (/proc/stat)
                                   and the CPU time of the given processes (all their threads)
  cpu.py other FILE0 FILE1 [TIMES] prints the CPU time used outside the given processes between
                                   the two snapshots, in cores (busy seconds / wall seconds);
                                   TIMES is the output of bash's `times` in the subshell that ran
                                   the load generator, whose CPU time is subtracted too
  cpu.py used FILE0 FILE1 PID...   prints the CPU seconds the given processes used in between
  cpu.py quiet MAX_CORES MAX_WAIT PID...
                                   waits until, over one second, the machine's busy CPU outside
                                   the given processes is below MAX_CORES, for at most MAX_WAIT
                                   seconds; prints what it saw; exit 0 either way
"""
import json
import os
import re
import sys
import time

TICK = os.sysconf("SC_CLK_TCK")


def busy_ticks():
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    user, nice, system, idle, iowait, irq, softirq, steal = (fields + [0] * 8)[:8]
    return user + nice + system + irq + softirq + steal


def pid_ticks(pids):
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                parts = f.read().rsplit(")", 1)[1].split()
            total += int(parts[11]) + int(parts[12])  # utime, stime (fields 14, 15)
        except (FileNotFoundError, ProcessLookupError, IndexError, ValueError):
            pass
    return total


def snap(pids):
    return {"t": time.monotonic(), "busy": busy_ticks(), "ours": pid_ticks(pids),
            "each": {str(p): pid_ticks([p]) for p in pids}}


def times_seconds(path):
    # bash `times`: first line the shell's own user/sys, second line its children's.
    with open(path) as f:
        lines = f.read().split("\n")
    total = 0.0
    for m in re.finditer(r"(\d+)m([\d.]+)s", lines[1] if len(lines) > 1 else ""):
        total += int(m.group(1)) * 60 + float(m.group(2))
    return total


def main():
    cmd = sys.argv[1]
    if cmd == "snap":
        with open(sys.argv[2], "w") as f:
            json.dump(snap(sys.argv[3:]), f)
    elif cmd == "other":
        a = json.load(open(sys.argv[2]))
        b = json.load(open(sys.argv[3]))
        generator = times_seconds(sys.argv[4]) if len(sys.argv) > 4 else 0.0
        wall = b["t"] - a["t"]
        other = ((b["busy"] - a["busy"]) - (b["ours"] - a["ours"])) / TICK - generator
        print(f"{max(0.0, other) / wall:.3f}")
    elif cmd == "used":
        a = json.load(open(sys.argv[2]))
        b = json.load(open(sys.argv[3]))
        ticks = sum(b["each"].get(p, 0) - a["each"].get(p, 0) for p in set(sys.argv[4:]))
        print(f"{ticks / TICK:.2f}")
    elif cmd == "quiet":
        max_cores, max_wait, pids = float(sys.argv[2]), float(sys.argv[3]), sys.argv[4:]
        deadline = time.monotonic() + max_wait
        said = 0.0
        while True:
            a = snap(pids)
            time.sleep(1)
            b = snap(pids)
            other = ((b["busy"] - a["busy"]) - (b["ours"] - a["ours"])) / TICK / (b["t"] - a["t"])
            if other < max_cores:
                return
            if time.monotonic() > deadline:
                print(f"    warning: {other:.2f} cores busy outside the benchmark; measuring anyway")
                return
            if time.monotonic() - said >= 10:
                said = time.monotonic()
                print(f"    waiting: {other:.2f} cores busy outside the benchmark", flush=True)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
