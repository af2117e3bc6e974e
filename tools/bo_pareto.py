#!/usr/bin/env python3
"""Pareto fronts of `hrsnn optimize` runs: the evaluations no other evaluation of the same run
beats on both a task error and the spiking activity S.

Reads each run's history.json (hrsnn-bo-history/1) and prints, per run, its non-dominated points
(lower error and lower S both better) as a Markdown table, with the searched values, the rate and
the chance-corrected MC beside them. Failed evaluations are left out; infeasible ones (below
--mc-min) are kept and marked, since the front is about the trade-off, not the constraint.

    tools/bo_pareto.py results/bo_slow/mrsnn/history.json results/bo_slow/hrsnn/history.json
                       [--error narma10_nrmse] [--values]
"""
import argparse
import json
import pathlib


def front(points, error):
    ok = [p for p in points if p["ok"] and error in p["metrics"] and "S" in p["metrics"]]
    ok.sort(key=lambda p: (p["metrics"]["S"], p["metrics"][error]))
    out, best = [], float("inf")
    for p in ok:  # by S ascending: kept when its error beats every point with less S
        if p["metrics"][error] < best:
            out.append(p)
            best = p["metrics"][error]
    return out, len(ok)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("history", nargs="+")
    ap.add_argument("--error", default="narma10_nrmse")
    ap.add_argument("--values", action="store_true", help="also print the searched values of each point")
    args = ap.parse_args()
    for path in args.history:
        doc = json.load(open(path))
        if doc.get("format") != "hrsnn-bo-history/1":
            raise SystemExit(f"{path}: not an hrsnn-bo-history/1 file")
        points, n = front(doc["evaluations"], args.error)
        print(f"\n{pathlib.Path(path).parent.name}: {len(points)} of {n} evaluations on the front "
              f"({args.error} vs S)\n")
        head = f"| evaluation | S (1e-3) | rate (Hz) | {args.error} | MC (corrected) | E (1e-3) | feasible |"
        print(head + (" values |" if args.values else ""))
        print("|---" * (7 + args.values) + "|")
        for p in points:
            m = p["metrics"]
            row = (f"| {p['index']} | {1e3 * m['S']:.2f} | {m.get('rate_hz', float('nan')):.1f} | "
                   f"{m[args.error]:.3f} | {m.get('mc_corrected', float('nan')):.2f} | "
                   f"{1e3 * m.get('E', float('nan')):.2f} | {'yes' if p['feasible'] else 'no'} |")
            if args.values:
                row += " " + ", ".join(f"{k} {v:.3g}" for k, v in m.get("values", {}).items()) + " |"
            print(row)


if __name__ == "__main__":
    main()
