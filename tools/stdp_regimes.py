#!/usr/bin/env python3
"""Where does the paper's claim (b) hold? Heterogeneous STDP vs its spread.

Writes variants of the study's het-stdp network (examples/mrsnn.toml's homogeneous neurons with
the STDP block of examples/hrsnn.toml) and of the HRSNN (examples/hrsnn.toml) whose per-synapse
eta_plus / eta_minus CV and per-neuron tau_plus / tau_minus CV are swept, runs `hrsnn mc` on each
(the study's memory task: MC, NARMA-10, S; same seeds = same connectivity) and prints a Markdown
table of MC, S, E and NARMA-10 NRMSE next to the MRSNN. Float64 by default.

    tools/stdp_regimes.py [--hrsnn build/tools/hrsnn] [--out out/regime] [--seeds 5] [--arith float64]
"""
import argparse
import json
import pathlib
import re
import statistics
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


def stdp_block(eta_cv, tau_cv, ratio=1.2):
    def eta(mean):
        return f"{mean}" if eta_cv == 0 else f'{{ dist = "lognormal", mean = {mean}, cv = {eta_cv} }}'

    def tau():
        return "20.0" if tau_cv == 0 else f'{{ dist = "gamma", mean = 20.0, cv = {tau_cv}, min = 2.0, max = 100.0 }}'

    return (f"[projections.stdp]\neta_plus = {eta('2.0e-4')}\neta_minus = {eta(f'{2.0e-4 * ratio:.4g}')}\n"
            f"tau_plus_ms = {tau()}\ntau_minus_ms = {tau()}\nw_min = 0.0\nw_max = 0.024\n")


def with_stdp(text, eta_cv, tau_cv, ratio=1.2):
    new, n = re.subn(r"\[projections\.stdp\]\n(?:[^\[\n][^\n]*\n)+", stdp_block(eta_cv, tau_cv, ratio), text, count=1)
    if n != 1:
        sys.exit("stdp_regimes: no [projections.stdp] block found")
    return new


def run(hrsnn, spec, seeds, arith, out):
    js = out.parent / (out.name + ".json")
    if not js.exists():
        subprocess.run([hrsnn, "mc", str(spec), "--seeds", str(seeds), "--arith", arith, "--json", str(js)],
                       check=True, stdout=subprocess.DEVNULL)
    recs = json.load(open(js))["records"]
    return {k: [r["metrics"][k] for r in recs] for k in ("mc", "S", "E", "narma10_nrmse")}


def fmt(v, scale=1.0):
    return f"{statistics.fmean(v) * scale:.3g} ± {statistics.stdev(v) * scale:.2g}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--hrsnn", default=str(ROOT / "build/tools/hrsnn"))
    ap.add_argument("--out", default="out/regime")
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--arith", default="float64")
    a = ap.parse_args()
    out = pathlib.Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    mrsnn_text = (EXAMPLES / "mrsnn.toml").read_text()
    hrsnn_text = (EXAMPLES / "hrsnn.toml").read_text()
    rows = [("MRSNN (homogeneous STDP)", "-", "-", run(a.hrsnn, EXAMPLES / "mrsnn.toml", a.seeds, a.arith, out / "mrsnn"))]
    base = rows[0][3]
    for network, text in (("het-stdp", mrsnn_text), ("hrsnn", hrsnn_text)):
        for eta_cv in (0.1, 0.25, 0.5):
            for tau_cv in (0.0, 0.1, 0.3):
                name = f"{network}_eta{eta_cv}_tau{tau_cv}"
                spec = out / f"{name}.toml"
                spec.write_text(with_stdp(text, eta_cv, tau_cv))
                m = run(a.hrsnn, spec, a.seeds, a.arith, out / name)
                rows.append((network, eta_cv, tau_cv, m))
                print(f"{name}: MC {statistics.fmean(m['mc']):.3g} S {statistics.fmean(m['S']):.3g}", file=sys.stderr)
    table = markdown(rows, base, "MRSNN")
    # The same at other balances of depression over potentiation (eta_minus / eta_plus), each
    # against homogeneous STDP at the same balance.
    table += "\n"
    for ratio in (1.5, 2.0):
        spec = out / f"mrsnn_ratio{ratio}.toml"
        spec.write_text(with_stdp(mrsnn_text, 0.0, 0.0, ratio))
        hom = run(a.hrsnn, spec, a.seeds, a.arith, out / f"mrsnn_ratio{ratio}")
        brows = [(f"MRSNN, eta-/eta+ = {ratio}", "-", "-", hom)]
        for eta_cv, tau_cv in ((0.25, 0.1), (0.5, 0.3)):
            name = f"het-stdp_ratio{ratio}_eta{eta_cv}_tau{tau_cv}"
            spec = out / f"{name}.toml"
            spec.write_text(with_stdp(mrsnn_text, eta_cv, tau_cv, ratio))
            brows.append((f"het-stdp, eta-/eta+ = {ratio}", eta_cv, tau_cv, run(a.hrsnn, spec, a.seeds, a.arith, out / name)))
        table += markdown(brows, hom, f"MRSNN at {ratio}", header=False)
    (out / "table.md").write_text(table)
    print(table)


def markdown(rows, base, base_name, header=True):
    lines = [f"| network | eta CV | tau+/- CV | MC | S (1e-3) | E (1e-3) | NARMA-10 NRMSE | S lower than the homogeneous on | MC within 10% on |",
             "|---|---|---|---|---|---|---|---|---|"] if header else []
    for network, eta_cv, tau_cv, m in rows:
        lower = sum(s < b for s, b in zip(m["S"], base["S"]))
        kept = sum(mc >= 0.9 * b for mc, b in zip(m["mc"], base["mc"]))
        lines.append(f"| {network} | {eta_cv} | {tau_cv} | {fmt(m['mc'])} | {fmt(m['S'], 1e3)} | {fmt(m['E'], 1e3)} | "
                     f"{fmt(m['narma10_nrmse'])} | {lower}/{len(m['S'])} seeds | {kept}/{len(m['mc'])} seeds |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
