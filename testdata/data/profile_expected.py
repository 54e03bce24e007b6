#!/usr/bin/env python3
"""Independent statistics for the data-profile tests, with Python's standard library only.

Writes mixed.csv (a generated fixture with nulls, dates, leading-zero codes, booleans and type
violations) and profile_expected.json: for mixed.csv and ../demo/wine.csv, per column the count,
nulls, distinct, min, max, mean, sample standard deviation, quantiles (statistics.quantiles with
method="inclusive", which is numpy's linear interpolation), top values, zeros, negatives, IQR
outliers and violations; and Pearson correlations (statistics.correlation). The column types are
declared here, not inferred, so the statistics are checked independently of the inference.

Run from this directory: python3 profile_expected.py
"""
import csv, json, random, statistics
from collections import Counter
from datetime import datetime, timedelta, timezone

random.seed(42)
NULLS = {"", "NA", "N/A", "null", "NaN", "None"}

def write_mixed(path):
    cities = ["Lyon", "Oslo", "Porto", "Quito", "Riga", "Seoul"]
    t0 = datetime(2024, 1, 1)
    with open(path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["id", "temp", "city", "when", "zip", "ok", "score", "count"])
        for i in range(1, 501):
            temp = "NA" if random.random() < 0.05 else f"{random.gauss(15, 8):.3f}"
            when = t0 + timedelta(minutes=random.randint(0, 200000))
            when_s = when.strftime("%Y-%m-%d %H:%M:%S") if i % 3 else when.strftime("%Y-%m-%dT%H:%M:%SZ")
            zipc = f"{random.randint(0, 99999):05d}" if i % 4 else f"{random.randint(500, 9999):05d}"
            ok = random.choice(["true", "false", ""])
            score = "oops" if i in (17, 333) else f"{random.expovariate(0.1):.4f}"
            count = str(random.randint(-3, 20))
            city = random.choice(cities) if i != 250 else 'Saint-"Denis", FR'
            w.writerow([i, temp, city, when_s, zipc, ok, score, count])

def epoch(s):
    t = datetime.fromisoformat(s.replace("Z", "+00:00"))
    if t.tzinfo is None:
        t = t.replace(tzinfo=timezone.utc)
    return t.timestamp()

def wine_types(path):
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    types = {}
    for c, name in enumerate(rows[0][:-1]):
        types[name] = "int" if all("." not in r[c] for r in rows[1:]) else "float"
    return types

def iso(secs):
    return datetime.fromtimestamp(secs, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")

def profile(path, types):
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    head, body = rows[0], rows[1:]
    out = {"rows": len(body), "columns": {}, "correlations": {}}
    numeric = {}
    for c, name in enumerate(head):
        typ = types.get(name, "string")
        vals = [r[c].strip() for r in body]
        nonnull = [v for v in vals if v not in NULLS]
        col = {"type": typ, "nulls": len(vals) - len(nonnull), "distinct": len(set(nonnull))}
        top = Counter(nonnull).most_common()
        top.sort(key=lambda kv: (-kv[1], kv[0]))
        col["top"] = [[v, n] for v, n in top[:3]]
        if typ in ("int", "float", "datetime"):
            conv, bad = [], 0
            per_row = []
            for v in vals:
                x = None
                if v not in NULLS:
                    try:
                        x = epoch(v) if typ == "datetime" else (int(v) if typ == "int" else float(v))
                    except ValueError:
                        bad += 1
                if x is not None:
                    conv.append(x)
                per_row.append(x)
            numeric[name] = per_row
            q = statistics.quantiles(conv, n=100, method="inclusive")
            qs = {"p1": q[0], "p5": q[4], "p25": q[24], "p50": q[49], "p75": q[74], "p95": q[94], "p99": q[98]}
            iqr = qs["p75"] - qs["p25"]
            lo, hi = qs["p25"] - 1.5 * iqr, qs["p75"] + 1.5 * iqr
            col.update(count=len(conv), violations=bad, min=min(conv), max=max(conv),
                       mean=statistics.fmean(conv), std=statistics.stdev(conv), quantiles=qs,
                       zeros=sum(1 for x in conv if x == 0), negatives=sum(1 for x in conv if x < 0),
                       outliers=sum(1 for x in conv if x < lo or x > hi))
            if typ == "datetime":
                for k in ("min", "max", "mean"):
                    col[k] = iso(col[k])
                col["quantiles"] = {k: iso(v) for k, v in qs.items()}
        elif typ == "bool":
            col.update(count=len(nonnull), mean=sum(1 for v in nonnull if v.lower() == "true") / len(nonnull))
        else:
            col.update(count=len(nonnull), min=min(nonnull), max=max(nonnull))
            lens = [len(v) for v in nonnull]
            col["length"] = {"min": min(lens), "max": max(lens), "mean": statistics.fmean(lens)}
        out["columns"][name] = col
    names = [n for n in head if types.get(n) in ("int", "float")]
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            pairs = [(x, y) for x, y in zip(numeric[a], numeric[b]) if x is not None and y is not None]
            out["correlations"][a + "|" + b] = statistics.correlation([p[0] for p in pairs], [p[1] for p in pairs])
    return out

write_mixed("mixed.csv")
expected = {
    "mixed.csv": profile("mixed.csv", {"id": "int", "temp": "float", "when": "datetime", "ok": "bool", "score": "float", "count": "int"}),
    "../demo/wine.csv": profile("../demo/wine.csv", wine_types("../demo/wine.csv")),
}
with open("profile_expected.json", "w") as f:
    json.dump(expected, f, indent=1, sort_keys=True)
