#!/usr/bin/env python3
"""MC and NARMA-10 against the firing rate: the study's variants over a sweep of input gains.

Heterogeneity changes a network's firing rate, and MC and task errors depend on the rate, so a
comparison of two variants at their own rates can be a comparison of rates. This runs `hrsnn
study` (memory task: chance-corrected MC, NARMA-10 and S on one run, under the study's protocol:
learning phase, frozen network, sized readouts) once per input gain, every variant on the same
seeds, and prints one Markdown row per (variant, gain): the rate reached, MC, NARMA-10, each mean
± sd over seeds. Reading across rows at similar rates compares the variants at matched rate.
Each gain's study checkpoints (re-running resumes).

With --sizes the sweep is over network size instead (study size_scale: every population scaled,
connection probabilities divided, so the in-degree stays; readouts sized to 10 fitting rows per
feature at every size): MC against the number of neurons, at input gain 1.

    tools/rate_sweep.py [--hrsnn build/tools/hrsnn] [--out out/rate_sweep] [--seeds 3] [--first-seed 1]
                        [--gains 0.25,0.5,1,2,4] [--models mrsnn,het-neurons,het-synapses]
                        [--homogeneous examples/mrsnn_slow.toml] [--heterogeneous examples/hrsnn_slow.toml]
                        [--arith float64] [--threads 2] [--sizes 0.25,0.5,1,2]
"""
import argparse
import json
import pathlib
import statistics
import subprocess

ROOT = pathlib.Path(__file__).resolve().parent.parent


def config_text(args, gain, size_scale=1.0):
    models = ", ".join(f'"{m}"' for m in args.models.split(","))
    return f"""# written by tools/rate_sweep.py
[study]
homogeneous = "{pathlib.Path(args.homogeneous).resolve()}"
heterogeneous = "{pathlib.Path(args.heterogeneous).resolve()}"
models = [{models}]
arith = ["{args.arith}"]
tasks = ["memory"]
seeds = {args.seeds}
first_seed = {args.first_seed}
threads = {args.threads}
input_gain = {gain}
size_scale = {size_scale}

[baselines]
esn = false
linear = false
"""


def mean_sd(values, scale=1.0):
    if not values:
        return "-"
    sd = statistics.stdev(values) * scale if len(values) > 1 else 0.0
    return f"{statistics.fmean(values) * scale:.3g} ± {sd:.2g}"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--hrsnn", default=str(ROOT / "build/tools/hrsnn"))
    ap.add_argument("--out", default="out/rate_sweep")
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--first-seed", type=int, default=1)
    ap.add_argument("--gains", default="0.25,0.5,1,2,4")
    ap.add_argument("--models", default="mrsnn,het-neurons,het-synapses")
    ap.add_argument("--homogeneous", default=str(ROOT / "examples/mrsnn_slow.toml"))
    ap.add_argument("--heterogeneous", default=str(ROOT / "examples/hrsnn_slow.toml"))
    ap.add_argument("--arith", default="float64")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--sizes", default="", help="sweep size_scale over these values instead of the gains")
    args = ap.parse_args()
    by_size = bool(args.sizes)
    points = [float(v) for v in (args.sizes or args.gains).split(",")]

    out = pathlib.Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    rows = []
    for point in points:
        gain, scale = (1.0, point) if by_size else (point, 1.0)
        name = f"size_{scale:g}" if by_size else f"gain_{gain:g}"
        run_dir = out / name
        cfg = out / f"{name}.toml"
        cfg.write_text(config_text(args, gain, scale))
        cmd = [args.hrsnn, "study", "--config", str(cfg), "--out", str(run_dir)]
        if (run_dir / "study.checkpoint.jsonl").exists():
            cmd.append("--resume")
        print(f"rate_sweep: {'size scale' if by_size else 'input gain'} {point:g}", flush=True)
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        records = json.load(open(run_dir / "study.json"))["records"]
        for model in args.models.split(","):
            rec = [r for r in records if r["model"] == model and not r.get("error")]
            get = lambda k: [r["metrics"][k] for r in rec if k in r["metrics"]]
            neurons = rec[0]["detail"]["neurons"] if rec else 0
            rows.append((model, neurons if by_size else gain, get("rate_hz"), get("mc_corrected"),
                         get("narma10_nrmse")))

    print(f"\n{args.arith}, seeds {args.first_seed}..{args.first_seed + args.seeds - 1}, "
          f"{pathlib.Path(args.homogeneous).name} / {pathlib.Path(args.heterogeneous).name}\n")
    print(f"| model | {'neurons' if by_size else 'input gain'} | rate (Hz) | MC (chance-corrected) | NARMA-10 NRMSE |")
    print("|---|---|---|---|---|")
    for model, x, rate, mc, narma in sorted(rows, key=lambda r: (r[0], r[1])):
        print(f"| {model} | {x:g} | {mean_sd(rate)} | {mean_sd(mc)} | {mean_sd(narma)} |")


if __name__ == "__main__":
    main()
