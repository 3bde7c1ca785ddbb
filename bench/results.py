#!/usr/bin/env python3
"""Results of bench/run: one JSON object per line in a results file, and the final table.

  results.py wrk RESULTS KEY WRK_OUTPUT [name=value ...]
      takes the "BENCH {...}" line that bench/queries.lua prints, refuses a run with any
      socket error, HTTP error status (4xx, 5xx) or timeout (exit 1), adds the extra fields, appends it
      under KEY and prints a one-line summary
  results.py redis-benchmark RESULTS KEY CSV_OUTPUT [name=value ...]
      the same for `redis-benchmark --csv` (the GET line)
  results.py gbench RESULTS JSON_OUTPUT
      the Google Benchmark JSON: the median of each benchmark's repetitions
  results.py best RESULTS KEY RUN_KEY...
      records under KEY the run with the highest rate (alternated repeated runs)
  results.py add RESULTS KEY [name=value ...]
  results.py get RESULTS KEY FIELD
  results.py table RESULTS
      prints the table (Markdown, aligned)
  results.py describe DATASET_JSON
      one line about the data set (make_dataset.py's dataset.json)

Only figures found in RESULTS are printed; a missing measurement shows as "not measured".
"""
import csv
import io
import json
import sys


def parse_extra(items):
    out = {}
    for item in items:
        name, _, value = item.partition("=")
        try:
            out[name] = int(value)
        except ValueError:
            try:
                out[name] = float(value)
            except ValueError:
                out[name] = value
    return out


def load(path):
    data = {}
    try:
        with open(path) as f:
            for line in f:
                if line.strip():
                    r = json.loads(line)
                    data.setdefault(r["key"], {}).update(r)
    except FileNotFoundError:
        pass
    return data


def append(path, key, record):
    record = dict(record, key=key)
    with open(path, "a") as f:
        f.write(json.dumps(record, sort_keys=True) + "\n")


def fail(message):
    print(f"results.py: {message}", file=sys.stderr)
    sys.exit(1)


def cmd_wrk(results, key, output, extra):
    line = None
    with open(output) as f:
        for text in f:
            if text.startswith("BENCH {"):
                line = text[len("BENCH "):]
    if line is None:
        fail(f"{output}: no BENCH line; wrk or its script failed")
    r = json.loads(line)
    errors = {k: r[k] for k in r if k.startswith("errors_") and r[k]}
    if errors:
        fail(f"{key}: wrk reported errors {errors} (see {output}); no figure recorded")
    if r.get("mode") == "once" and not r.get("complete"):
        fail(f"{key}: not every query was answered within the run's -d (see {output})")
    r.update(parse_extra(extra))
    append(results, key, r)
    print(f"    {key}: {r['rate']:,.0f} req/s, p50 {r['p50_us'] / 1000:.3f} ms, "
          f"p99 {r['p99_us'] / 1000:.3f} ms, {int(r['requests']):,} requests")


def cmd_redis_benchmark(results, key, output, extra):
    with open(output) as f:
        text = f.read()
    rows = list(csv.reader(io.StringIO(text)))
    header = None
    for row in rows:
        if row and row[0] == "test":
            header = row
        elif row and row[0] == "GET" and header:
            r = dict(zip(header, row))
            rec = {
                "rate": float(r["rps"]),
                "p50_us": float(r["p50_latency_ms"]) * 1000,
                "p99_us": float(r["p99_latency_ms"]) * 1000,
            }
            rec.update(parse_extra(extra))
            append(results, key, rec)
            print(f"    {key}: {rec['rate']:,.0f} GET/s, p50 {rec['p50_us'] / 1000:.3f} ms, "
                  f"p99 {rec['p99_us'] / 1000:.3f} ms")
            return
    fail(f"{output}: no GET line in redis-benchmark's CSV")


def cmd_gbench(results, output):
    with open(output) as f:
        data = json.load(f)
    for b in data["benchmarks"]:
        if b.get("aggregate_name") == "median":
            name = b["run_name"]
            append(results, "gbench:" + name, {"rate": b["items_per_second"], "repetitions": b.get("repetitions")})
            print(f"    {name}: {b['items_per_second'] / 1e6:.1f} M checks/s (median)")


def fmt_rate(r):
    return f"{r:,.0f}"


def ms(us):
    return f"{us / 1000:.3f} ms" if us is not None else "—"


def cmd_table(results):
    d = load(results)
    rows = []

    def http_row(key, label, unit="req/s", target="", met="", canopy=True):
        r = d.get(key)
        if r is None:
            rows.append([label, "not measured", "", "", "", "", "", target, met])
            return None
        per = ""
        if canopy and r.get("requests"):
            n = r["requests"]
            per = (f"{r.get('store_exec', 0) / n:.2f} SQL exec ({r.get('store_prepare', 0) / n:.2f} prepare), "
                   f"{r.get('redis_get', 0) / n:.2f} GET")
        other = f"{r['other_cpu']:.2f}" if "other_cpu" in r else ""
        cpu = f"{r['server_cpu_s'] / r['requests'] * 1e6:.1f} µs" if r.get("server_cpu_s") and r.get("requests") else ""
        rows.append([label, f"{fmt_rate(r['rate'])} {unit}", ms(r.get("p50_us")), ms(r.get("p99_us")),
                     cpu, per, other, target, met])
        return r

    def best_note(key):
        r = d.get(key)
        return f" (best of {r['best_of']})" if r and r.get("best_of", 1) > 1 else ""

    def verdict(ok):
        return "met" if ok else "NOT met"

    nginx = d.get("nginx")
    warm = d.get("warm")
    ratio = warm["rate"] / nginx["rate"] if nginx and warm else None
    http_row("nginx", f"nginx static 200 (same requests){best_note('nginx')}", canopy=False)
    http_row("warm", f"Canopy, warm level-1 cache{best_note('warm')}",
             target=f"≥ 0.8 × nginx: {ratio:.2f} ×" if ratio is not None else "≥ 0.8 × nginx",
             met=verdict(ratio >= 0.8) if ratio is not None else "")
    http_row("nginx_half", "nginx paced at ½ its max", canopy=False,
             unit=f"req/s ({d['nginx_half']['rate'] / nginx['rate']:.2f} of max)" if "nginx_half" in d and nginx else "req/s")
    wh = d.get("warm_half")
    http_row("warm_half", "Canopy warm, paced at ½ its max",
             unit=f"req/s ({wh['rate'] / warm['rate']:.2f} of max)" if wh and warm else "req/s",
             target="p99 ≤ 1 ms", met=verdict(wh["p99_us"] <= 1000) if wh else "")
    if "warm_t1" in d:
        r = d["warm_t1"]
        http_row("warm_t1", "Canopy warm, --threads 1",
                 target=(f"{r['rate'] / warm['rate']:.2f} × --threads 2; {r['rate'] / nginx['rate']:.2f} × nginx"
                         if warm and nginx else ""))
    mon, moff = d.get("metrics_on"), d.get("metrics_off")
    mratio = mon["rate"] / moff["rate"] if mon and moff else None
    http_row("metrics_on", f"Canopy warm, counting for /metrics on (default){best_note('metrics_on')}",
             target=f"≥ 0.97 × counting off: {mratio:.3f} ×" if mratio is not None else "≥ 0.97 × counting off",
             met=verdict(mratio >= 0.97) if mratio is not None else "")
    http_row("metrics_off", f"Canopy warm, --no-metrics (same binary){best_note('metrics_off')}")
    if "warm_log" in d:
        r = d["warm_log"]
        http_row("warm_log", "Canopy warm, access log on (default)",
                 target=f"{r['rate'] / warm['rate']:.2f} × log off" if warm else "")
    rb = d.get("redis_benchmark")
    rh = d.get("redis_hits")
    rratio = rh["rate"] / rb["rate"] if rb and rh else None
    http_row("redis_hits", "Canopy, Redis hits (level 1 off)",
             target=f"≥ 0.8 × redis-benchmark: {rratio:.2f} ×" if rratio is not None else "≥ 0.8 × redis-benchmark",
             met=verdict(rratio >= 0.8) if rratio is not None else "")
    if "redis_hits_t1" in d:
        r = d["redis_hits_t1"]
        http_row("redis_hits_t1", "Canopy, Redis hits (level 1 off), --threads 1",
                 target=f"{r['rate'] / rb['rate']:.2f} × redis-benchmark" if rb else "")
    http_row("redis_hits_once", "Canopy, Redis hits, fresh replica, each pair once")
    if rb:
        rows.append(["redis-benchmark -P 1 GET", f"{fmt_rate(rb['rate'])} GET/s", ms(rb["p50_us"]),
                     ms(rb["p99_us"]), "", "", "", "", ""])
    else:
        rows.append(["redis-benchmark -P 1 GET", "not measured", "", "", "", "", "", "", ""])
    http_row("miss_unknown", "Canopy, store misses (unknown schools)")
    http_row("miss_first_local", "Canopy, store misses, first touch, local cache")
    http_row("miss_first_redis", "Canopy, store misses, first touch, Redis replica")
    ev = d.get("gbench:BM_Evaluate")
    rows.append(["BM_Evaluate (in-process, 1 core)",
                 f"{ev['rate'] / 1e6:.1f} M checks/s" if ev else "not measured", "", "", "", "", "",
                 "≥ 10 M checks/s", verdict(ev["rate"] >= 10e6) if ev else ""])
    for n in ("1", "500"):
        r = d.get(f"gbench:BM_CheckCached/{n}")
        if r:
            rows.append([f"BM_CheckCached/{n} (in-process, 1 core)", f"{r['rate'] / 1e6:.1f} M checks/s",
                         "", "", "", "", "", "", ""])
    m = d.get("memory")
    if m:
        rows.append(["Canopy RSS, data set loaded (every pair cached)",
                     f"{m['loaded_kb'] / 1024:.1f} MiB", "", "", "", "", "",
                     f"peak (VmHWM) {m['hwm_kb'] / 1024:.1f} MiB; already {m['start_hwm_kb'] / 1024:.1f} MiB "
                     "before the first request" if "start_hwm_kb" in m else f"peak (VmHWM) {m['hwm_kb'] / 1024:.1f} MiB",
                     ""])
        rows.append(["Canopy RSS at start / after all runs", f"{m['start_kb'] / 1024:.1f} MiB",
                     "", "", "", "", "", f"{m['end_kb'] / 1024:.1f} MiB after all runs", ""])
    bulk = d.get("bulk")
    rows.append(["bulk approve of 2,000 over HTTP on MariaDB (bench/bulk, median)",
                 f"{bulk['bulk_ms']:.0f} ms" if bulk else "not measured", "", "", "", "", "",
                 f"≤ 2 × plain multi-row INSERT ({bulk['plain_ms']:.0f} ms): {bulk['ratio']:.2f} ×"
                 if bulk else "≤ 2 × plain multi-row INSERT",
                 verdict(bulk["ratio"] <= 2) if bulk else ""])
    ui = d.get("ui")
    rows.append(["trust matrix in Chromium, 50 schools x 40 apps, every cell drawn + a click (bench/ui, median)",
                 f"{ui['interactive_ms']:.0f} ms" if ui else "not measured", "", "", "", "", "",
                 f"≤ 1,000 ms; drawn {ui['matrix_ms']:.0f} ms = {ui['ratio']:.2f} × a school's list "
                 f"({ui['reference_ms']:.0f} ms); click {ui['click_ms']:.0f} ms" if ui else "≤ 1,000 ms",
                 verdict(ui["interactive_ms"] <= 1000) if ui else ""])
    rows.append(["first screen's JavaScript, gzip (bench/ui)",
                 f"{ui['js_gzip_kib']:.1f} KiB" if ui else "not measured", "", "", "", "", "",
                 "≤ 60 KiB", verdict(ui["js_gzip_kib"] <= 60) if ui else ""])
    imp = d.get("import")
    if imp:
        rows.append([f"tenants import into MariaDB ({imp['connections']:,} connections)",
                     f"{imp['seconds']:.1f} s", "", "", "", "", "",
                     f"{imp['connections'] / imp['seconds']:,.0f} connections/s", ""])

    header = ["measurement", "figure", "p50", "p99", "server CPU/req", "store and Redis calls per request",
              "other CPU",
              "target / ratio", "result"]
    widths = [max(len(str(row[i])) for row in rows + [header]) for i in range(len(header))]

    def line(cells):
        return "| " + " | ".join(str(c).ljust(w) for c, w in zip(cells, widths)) + " |"

    print(line(header))
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in rows:
        print(line(row))


def main():
    if len(sys.argv) < 3:
        fail(__doc__)
    cmd, results = sys.argv[1], sys.argv[2]
    args = sys.argv[3:]
    if cmd == "wrk":
        cmd_wrk(results, args[0], args[1], args[2:])
    elif cmd == "redis-benchmark":
        cmd_redis_benchmark(results, args[0], args[1], args[2:])
    elif cmd == "gbench":
        cmd_gbench(results, args[0])
    elif cmd == "add":
        append(results, args[0], parse_extra(args[1:]))
    elif cmd == "best":
        # best RESULTS KEY RUN...: KEY becomes a copy of the run with the highest rate.
        d = load(results)
        runs = [d[k] for k in args[1:] if k in d]
        if not runs:
            fail(f"no runs for {args[0]}")
        best = dict(max(runs, key=lambda r: r["rate"]))
        best["best_of"] = len(runs)
        best["of_rates"] = [r["rate"] for r in runs]
        append(results, args[0], best)
    elif cmd == "get":
        r = load(results).get(args[0])
        if r is None or args[1] not in r:
            fail(f"no {args[1]} for {args[0]}")
        print(r[args[1]])
    elif cmd == "describe":
        d = json.load(open(results))
        print(f"data set: {d['schools']} schools in {d['trusts']} trusts x {d['apps']} apps "
              f"({d['apps_generated']} generated, {d['apps_connectable']} connectable); "
              f"{d['connections']:,} connections: {d['approved']:,} approved, {d['pending']:,} pending, "
              f"{d['rejected']:,} rejected")
    elif cmd == "table":
        cmd_table(results)
    else:
        fail(f"unknown command {cmd}")


if __name__ == "__main__":
    main()
