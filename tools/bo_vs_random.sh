#!/usr/bin/env bash
# Bayesian optimization against random search at the same budget (BO must beat random
# search; docs/optimize.md): `hrsnn optimize` and `hrsnn optimize --random` for each optimizer seed, then the
# best-found objective per seed, the median and spread over seeds, best-so-far at a few budgets and
# the surrogate's share of the time, as a Markdown table (OUT/table.md) and JSON (OUT/table.json).
#
#   tools/bo_vs_random.sh [OUT]            (default out/bo_vs_random)
#
# Environment (defaults in brackets): HRSNN [build/tools/hrsnn], SPEC [examples/hrsnn_small.toml],
# SPACE [examples/space_hrsnn_small.toml], BUDGET [60], SEEDS ["1 2 3 4 5"], JOBS [2: runs at once],
# ARGS [the evaluation: "--seeds 3 --samples 1000 --max-delay 30 --washout 100 --mc-min 0.8
# --validate-seeds 3"].
# Runs are resumable: a finished run is kept, an interrupted one is continued with --resume.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-out/bo_vs_random}"
hrsnn="${HRSNN:-$root/build/tools/hrsnn}"
spec="${SPEC:-$root/examples/hrsnn_small.toml}"
space="${SPACE:-$root/examples/space_hrsnn_small.toml}"
budget="${BUDGET:-60}"
seeds="${SEEDS:-1 2 3 4 5}"
jobs="${JOBS:-2}"
args="${ARGS:---seeds 3 --samples 1000 --max-delay 30 --washout 100 --mc-min 0.8 --validate-seeds 3}"

[[ -x "$hrsnn" ]] || { echo "bo_vs_random: no hrsnn binary at $hrsnn (set HRSNN)" >&2; exit 1; }
mkdir -p "$out"

one_run() {  # strategy seed
  local strategy="$1" seed="$2" dir="$out/$1-seed$2" flags=""
  [[ "$strategy" == random ]] && flags="--random"
  if [[ -f "$dir/summary.json" ]] && grep -q "\"evaluations\": $budget," "$dir/summary.json"; then
    echo "bo_vs_random: $strategy seed $seed already done" >&2
    return 0
  fi
  [[ -f "$dir/checkpoint.jsonl" ]] && flags="$flags --resume"
  # shellcheck disable=SC2086
  "$hrsnn" optimize "$spec" --space "$space" --budget "$budget" --seed "$seed" --threads 1 \
    --out "$dir" $args $flags >"$dir.log" 2>&1 || { echo "bo_vs_random: $strategy seed $seed failed, see $dir.log" >&2; return 1; }
  echo "bo_vs_random: $strategy seed $seed done ($(tail -n 2 "$dir.log" | head -n 1 | sed 's/^ *//'))" >&2
}

start=$(date +%s)
pids=()
for seed in $seeds; do
  for strategy in bayesian random; do
    one_run "$strategy" "$seed" &
    pids+=($!)
    while (( $(jobs -rp | wc -l) >= jobs )); do wait -n || true; done
  done
done
status=0
for pid in "${pids[@]}"; do wait "$pid" || status=1; done
echo "bo_vs_random: all runs finished in $(( $(date +%s) - start )) s" >&2
(( status == 0 )) || exit 1

python3 - "$out" "$budget" $seeds <<'EOF'
import json, statistics, sys
out, budget, seeds = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
rows, data = [], {}
for strategy in ("bayesian", "random"):
    best, curves, surrogate, evaluation, failed, infeasible, validated = [], [], 0.0, 0.0, 0, 0, []
    base = None
    for seed in seeds:
        s = json.load(open(f"{out}/{strategy}-seed{seed}/summary.json"))
        best.append(s["best"]["value"] if s["best"] else float("inf"))
        if "validation" in s:  # the best re-measured on network seeds the search never saw
            v = s["validation"]["best"]["value"]
            validated.append(float("inf") if v is None else v)
            base = s["validation"]["base_spec"]["value"]
        curves.append([float("inf") if v is None else v for v in s["convergence"]])
        surrogate += s["timings"]["surrogate_seconds"]
        evaluation += s["timings"]["evaluation_seconds"]
        failed += s["failed"]
        infeasible += s["infeasible"]
    q = statistics.quantiles(best, n=4, method="inclusive") if len(best) > 1 else [best[0]] * 3
    at = {n: statistics.median(c[n - 1] for c in curves) for n in (10, 20, 30, 40, budget) if n <= budget}
    data[strategy] = {"best_per_seed": dict(zip(seeds, best)), "median": statistics.median(best),
                      "q1": q[0], "q3": q[2], "min": min(best), "max": max(best),
                      "mean": statistics.fmean(best), "sd": statistics.stdev(best) if len(best) > 1 else 0.0,
                      "median_best_so_far_at": at, "surrogate_seconds": surrogate,
                      "evaluation_seconds": evaluation, "surrogate_fraction": surrogate / (surrogate + evaluation),
                      "failed": failed, "infeasible": infeasible,
                      "validated_median": statistics.median(validated) if validated else None,
                      "validated_per_seed": dict(zip(seeds, validated)), "base_spec_validated": base}
wins = sum(data["bayesian"]["best_per_seed"][s] < data["random"]["best_per_seed"][s] for s in seeds)
data["bo_better_on_seeds"] = wins
json.dump(data, open(f"{out}/table.json", "w"), indent=2)
lines = ["| strategy | median best E | IQR | min ... max | mean ± sd | median best-so-far at "
         + ", ".join(str(n) for n in data["bayesian"]["median_best_so_far_at"]) + " | failed / infeasible | surrogate share |",
         "|---|---|---|---|---|---|---|---|"]
for strategy, label in (("bayesian", "BO"), ("random", "random search")):
    d = data[strategy]
    lines.append(f"| {label} | {d['median']:.4g} | {d['q1']:.4g} ... {d['q3']:.4g} | {d['min']:.4g} ... {d['max']:.4g} | "
                 f"{d['mean']:.4g} ± {d['sd']:.2g} | " + ", ".join(f"{v:.4g}" for v in d["median_best_so_far_at"].values())
                 + f" | {d['failed']} / {d['infeasible']} | {100 * d['surrogate_fraction']:.1f}% |")
lines.append("")
if data["bayesian"]["validated_median"] is not None:
    lines.append(f"re-measured on new network seeds: median best E {data['bayesian']['validated_median']:.4g} (BO), "
                 f"{data['random']['validated_median']:.4g} (random search); the base spec {data['bayesian']['base_spec_validated']:.4g}")
    lines.append("")
lines.append("per seed (BO / random): " + ", ".join(
    f"{s}: {data['bayesian']['best_per_seed'][s]:.4g} / {data['random']['best_per_seed'][s]:.4g}" for s in seeds)
    + f"; BO better on {wins} of {len(seeds)} seeds")
open(f"{out}/table.md", "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
EOF
