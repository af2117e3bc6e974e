#!/usr/bin/env python3
"""A fresh harness of hostile inputs for `hrsnn run` (issue 18's target): mutated specs (every
kind of value replaced by extreme, non-finite, wrong-typed or garbage text; lines deleted,
duplicated, truncated, keys misspelt) run for a few steps in float64 and fixed, and abused
command lines. Each case is classified:

  crash   a signal, a sanitizer report, or "terminate called"
  hang    no exit within --timeout seconds
  clear   refused, and the message names where (FILE:LINE, a key, or the option)
  unclear refused without naming where
  ok      accepted, and nothing below is wrong
  silent  accepted but wrong: NaN/inf in summary.json, a network of 0 neurons, or the fixed core
          far from float64 on the same mutant (more than --fidelity x apart, with >= 200 float spikes)

Usage: tools/hostile_inputs.py HRSNN [--cases N] [--seed S] [--out DIR] [--timeout T]
Prints one line per non-ok case and the totals; writes DIR/cases.jsonl.
"""
import argparse
import json
import os
import random
import re
import resource
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASES = [ROOT / "examples" / "hrsnn_small.toml", ROOT / "examples" / "mrsnn_small.toml"]
HOSTILE_NUMBERS = ["0", "-0.0", "-1", "1e308", "-1e308", "5e-324", "1e-300", "1e9", "-1e9", "inf", "-inf",
                   "nan", "+nan", "18446744073709551616", "9223372036854775807", "-9223372036854775808",
                   "4294967296", "0x7fffffff", "1_000", "1e", "--3", "3.", ".5", "007", "1e400"]
HOSTILE_OTHER = ['""', '"x"', '"\\u0000"', '"' + "A" * 5000 + '"', "true", "[]", "[1, [2]]", "{}",
                 '{ dist = "gamma", mean = 1.0, cv = 1e-200 }', '{ dist = "normal", mean = 0, sd = -1 }',
                 '{ dist = "uniform", low = 5, high = 1 }', '{ dist = "lognormal", mean = 1e308, cv = 1e308 }',
                 '{ dist = "nope" }', "1979-05-27T07:32:00Z", "'''multi'''"]
NUMBER = re.compile(r"^(\s*[A-Za-z_][A-Za-z0-9_.]*\s*=\s*)(.+?)\s*$")


def mutate(text, rng):
    lines = text.splitlines()
    op = rng.choice(["value", "value", "value", "other", "delete", "duplicate", "truncate", "key", "garbage"])
    assignable = [i for i, l in enumerate(lines) if NUMBER.match(l) and not l.lstrip().startswith("#")]
    if op in ("value", "other", "key") and assignable:
        i = rng.choice(assignable)
        m = NUMBER.match(lines[i])
        if op == "key":
            key = m.group(1).rstrip(" =")
            lines[i] = key + rng.choice(["x", "_", "S"]) + " = " + m.group(2)
        else:
            value = rng.choice(HOSTILE_NUMBERS if op == "value" else HOSTILE_OTHER)
            # Inside an inline table, replace one of its numbers instead of the whole value.
            inner = list(re.finditer(r"(?<=[=\s])-?[0-9][0-9.eE+-]*", m.group(2)))
            if m.group(2).startswith("{") and inner and op == "value":
                k = rng.choice(inner)
                lines[i] = m.group(1) + m.group(2)[:k.start()] + value + m.group(2)[k.end():]
            else:
                lines[i] = m.group(1) + value
        return "\n".join(lines) + "\n", f"{op} line {i + 1}"
    if op == "delete":
        i = rng.randrange(len(lines))
        del lines[i]
        return "\n".join(lines) + "\n", f"delete line {i + 1}"
    if op == "duplicate":
        i = rng.randrange(len(lines))
        lines.insert(i, lines[i])
        return "\n".join(lines) + "\n", f"duplicate line {i + 1}"
    if op == "truncate":
        k = rng.randrange(len(text))
        return text[:k], f"truncate at byte {k}"
    k = rng.randrange(len(text))
    junk = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 8))).decode("latin-1")
    return text[:k] + junk + text[k:], f"garbage at byte {k}"


def limit_memory():
    cap = 4 << 30
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))


def run(cmd, timeout):
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, errors="replace", timeout=timeout,
                           preexec_fn=limit_memory)
        return p.returncode, p.stderr + p.stdout
    except subprocess.TimeoutExpired:
        return None, "timeout"


def classify(rc, text, where_hints):
    if rc is None:
        return "hang"
    if rc < 0 or "AddressSanitizer" in text or "runtime error:" in text or "terminate called" in text:
        return "crash"
    if rc != 0:
        return "clear" if any(re.search(h, text) for h in where_hints) else "unclear"
    return "ok"


def summary_of(out_dir):
    path = Path(out_dir) / "summary.json"
    if not path.exists():
        return None, "no summary.json"
    text = path.read_text()
    if re.search(r"\b(NaN|nan|Infinity|inf)\b", text):
        return None, "NaN or inf in summary.json"
    s = json.loads(text)
    neurons = sum(p["size"] for p in s["populations"])
    if neurons == 0:
        return None, "a network of 0 neurons"
    return sum(p["spikes"] for p in s["populations"]), None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("hrsnn")
    ap.add_argument("--cases", type=int, default=500)
    ap.add_argument("--seed", type=int, default=20261207)
    ap.add_argument("--out", default="out/hostile")
    ap.add_argument("--timeout", type=float, default=30.0)
    ap.add_argument("--fidelity", type=float, default=3.0)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    out = Path(a.out)
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    records, totals = [], {}

    def record(case, kind, detail):
        totals[kind] = totals.get(kind, 0) + 1
        records.append({"case": case, "kind": kind, "detail": detail[-400:]})
        if kind != "ok" and kind != "clear":
            print(f"{kind:8s} {case}: {detail.strip().splitlines()[-1][:200] if detail.strip() else ''}")

    for n in range(a.cases):
        base = rng.choice(BASES)
        text, what = mutate(base.read_text(), rng)
        spec = out / f"m{n}.toml"
        spec.write_text(text, errors="replace")
        case = f"{spec.name} ({base.name}: {what})"
        hints = [re.escape(spec.name) + r":\d+"]
        results = {}
        for arith in ("float64", "fixed"):
            run_dir = out / f"run{n}_{arith}"
            rc, msg = run([a.hrsnn, "run", str(spec), "--steps", "50", "--arith", arith, "--quiet",
                           "--out", str(run_dir)], a.timeout)
            kind = classify(rc, msg, hints)
            if kind == "ok":
                spikes, wrong = summary_of(run_dir)
                if wrong:
                    kind, msg = "silent", wrong
                results[arith] = spikes
            record(f"{case} [{arith}]", kind, msg)
            shutil.rmtree(run_dir, ignore_errors=True)
        f, x = results.get("float64"), results.get("fixed")
        if f is not None and x is not None and f >= 200:
            ratio = (x + 1) / (f + 1)
            if ratio > a.fidelity or ratio < 1 / a.fidelity:
                record(f"{case} [fixed vs float64]", "silent", f"float64 {f} spikes, fixed {x}")
        spec.unlink()

    # Abused command lines on a valid spec.
    spec = str(BASES[0])
    abuse = [["--steps", v] for v in ["0", "-1", "1e3", "abc", "", "99999999999999999999", "1e12", "nan"]]
    abuse += [["--seed", v] for v in ["-1", "1e23", "18446744073709551616", "0x10", " 5"]]
    abuse += [["--threads", v] for v in ["0", "-2", "257", "1.5", "999999999999"]]
    abuse += [["--probe", v] for v in ["-1", "100000", "a,b", "1,,2", "4294967296"]]
    abuse += [["--probe-every", v] for v in ["0", "-1", "nan"]]
    abuse += [["--arith", v] for v in ["fixed2", "", "FLOAT64"]]
    abuse += [["--spikes", "xml"], ["--out", "/proc/hrsnn_cannot_write"], ["--export-network", "/proc/x/y"],
              ["--no-such-option"], ["--steps"], ["--steps", "10", "--steps", "20"]]
    for k, extra in enumerate(abuse):
        run_dir = out / f"cli{k}"
        rc, msg = run([a.hrsnn, "run", spec, "--quiet", "--out", str(run_dir)] + extra
                      if "--out" not in extra else [a.hrsnn, "run", spec, "--quiet"] + extra, a.timeout)
        kind = classify(rc, msg, [r"--[a-z]", r"/proc/"])
        if kind == "ok" and "--out" not in extra:
            spikes, wrong = summary_of(run_dir)
            if wrong:
                kind, msg = "silent", wrong
        record("run " + " ".join(repr(x) for x in extra), kind, msg)
        shutil.rmtree(run_dir, ignore_errors=True)

    (out / "cases.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    total = sum(totals.values())
    refused = totals.get("clear", 0) + totals.get("unclear", 0)
    print(f"{total} cases: " + ", ".join(f"{k} {v}" for k, v in sorted(totals.items())) +
          f"; unclear {100 * totals.get('unclear', 0) / max(1, total):.1f}% of all, "
          f"{100 * totals.get('unclear', 0) / max(1, refused):.1f}% of refusals")
    sys.exit(1 if totals.get("crash") or totals.get("hang") else 0)


if __name__ == "__main__":
    main()
