#!/usr/bin/env python3
"""Compares two result directories of hrsnn study / quantize / optimize, ignoring what may differ between a
one-process run and an MPI run: timing fields (keys ending in _time_s or _seconds, "timings", and "threads"),
CSV rows of *_time_s metrics and CSV columns named *_seconds, and the order of checkpoint lines (completion order). Exits 1 and
names the first difference otherwise."""
import json
import sys
from pathlib import Path

IGNORED = {"threads", "jobs", "timings"}


def strip(value):
    if isinstance(value, dict):
        return {k: strip(v) for k, v in value.items()
                if not (k.endswith("_time_s") or k.endswith("_seconds") or k in IGNORED)}
    if isinstance(value, list):
        return [strip(v) for v in value]
    return value


def first_difference(a, b, path=""):
    if type(a) is not type(b):
        return f"{path}: {a!r} vs {b!r}"
    if isinstance(a, dict):
        for k in sorted(set(a) | set(b)):
            if k not in a or k not in b:
                return f"{path}/{k}: only in one"
            d = first_difference(a[k], b[k], f"{path}/{k}")
            if d:
                return d
        return None
    if isinstance(a, list):
        if len(a) != len(b):
            return f"{path}: {len(a)} vs {len(b)} entries"
        for i, (u, v) in enumerate(zip(a, b)):
            d = first_difference(u, v, f"{path}/{i}")
            if d:
                return d
        return None
    return None if a == b else f"{path}: {a!r} vs {b!r}"


def csv_rows(path):
    """Rows without *_time_s metrics, and without columns whose header ends in _seconds."""
    lines = [r for r in path.read_text().splitlines() if "_time_s" not in r]
    if not lines:
        return lines
    header = lines[0].split(",")
    keep = [i for i, h in enumerate(header) if not h.endswith("_seconds")]
    return [[cells[i] for i in keep if i < len(cells)] for cells in (r.split(",") for r in lines)]


def compare(one, other):
    problems = []
    for name in sorted(p.name for p in Path(one).iterdir()):
        a, b = Path(one) / name, Path(other) / name
        if not b.exists():
            problems.append(f"{name}: missing in {other}")
            continue
        if name.endswith(".json"):
            d = first_difference(strip(json.loads(a.read_text())), strip(json.loads(b.read_text())))
        elif name.endswith(".jsonl"):
            la = sorted(json.dumps(strip(json.loads(x)), sort_keys=True) for x in a.read_text().splitlines())
            lb = sorted(json.dumps(strip(json.loads(x)), sort_keys=True) for x in b.read_text().splitlines())
            d = None if la == lb else "checkpoint lines differ"
        elif name.endswith(".csv"):
            d = None if csv_rows(a) == csv_rows(b) else "rows differ"
        else:
            continue
        if d:
            problems.append(f"{name}: {d}")
        else:
            print(f"same: {name}")
    return problems


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: same_except_timing.py DIR_ONE_PROCESS DIR_MPI")
    found = compare(sys.argv[1], sys.argv[2])
    for p in found:
        print("DIFFERENT:", p)
    sys.exit(1 if found else 0)
