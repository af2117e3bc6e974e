#!/usr/bin/python3
"""Figures of `hrsnn report` (report/figures.cpp), drawn with matplotlib.

    /usr/bin/python3 report/figures.py DATA.json OUT_DIR

DATA.json is written by the C++ side (format "hrsnn-report-data/1"); this script only draws.
It writes one PNG per figure into OUT_DIR, each through a temporary file and a rename, and
last OUT_DIR/figures.json, the manifest {figure id: file name} the report embeds from. A
figure whose data is absent (no BO histories, no sweep) is simply not drawn.
"""

import json
import math
import os
import sys
import tempfile


def fail(message):
    print(f"figures.py: {message}", file=sys.stderr)
    sys.exit(2)


if len(sys.argv) != 3:
    fail("usage: figures.py DATA.json OUT_DIR")
DATA_PATH, OUT_DIR = sys.argv[1], sys.argv[2]
# matplotlib writes a font cache; keep it out of $HOME, which may be read-only under CI.
os.environ.setdefault("MPLCONFIGDIR", os.path.join(OUT_DIR, "mplconfig"))

try:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch
    from matplotlib.ticker import MaxNLocator
except ImportError as e:  # the C++ side checks first; this is the fallback message
    fail(f"matplotlib is missing ({e}); install the Debian package python3-matplotlib")

plt.rcParams.update({"font.size": 9, "axes.titlesize": 10, "figure.dpi": 100, "savefig.dpi": 100})

# One colour per run, the same in every figure: float solid, fixed a lighter shade.
RUN_COLORS = {
    ("mrsnn", "float64"): "#1f5fa8",
    ("mrsnn", "fixed"): "#7fb0e6",
    ("hrsnn", "float64"): "#c0392b",
    ("hrsnn", "fixed"): "#f0a08f",
}
POP_COLORS = ["#2c3e50", "#d35400", "#27ae60", "#8e44ad"]
EVENT_COLORS = {
    "neuron_updates_active": "#1f77b4",
    "neuron_updates_idle": "#aec7e8",
    "spikes": "#d62728",
    "synaptic_events": "#ff7f0e",
    "trace_updates": "#9467bd",
    "plastic_updates": "#2ca02c",
    "weight_reads": "#8c564b",
    "weight_writes": "#c49c94",
    "state_reads": "#7f7f7f",
    "state_writes": "#c7c7c7",
}

manifest = {}


def save(fig, fig_id):
    """Writes the figure atomically (temporary file in OUT_DIR, then rename)."""
    name = f"{fig_id}.png"
    fd, tmp = tempfile.mkstemp(prefix=f".{fig_id}.", suffix=".png", dir=OUT_DIR)
    os.close(fd)
    fig.savefig(tmp, format="png", bbox_inches="tight")
    plt.close(fig)
    os.replace(tmp, os.path.join(OUT_DIR, name))
    manifest[fig_id] = name


def run_color(run):
    return RUN_COLORS.get((run["network"], run["arith"]), "#555555")


def energy_unit(joules):
    """(scale, unit) so that joules * scale reads below 1000."""
    for scale, unit in ((1e15, "fJ"), (1e12, "pJ"), (1e9, "nJ"), (1e6, "µJ"), (1e3, "mJ")):
        if joules * scale < 1000:
            return scale, unit
    return 1.0, "J"


def group_runs(runs):
    """{network: {arith: run}} in first-seen order, and the arith columns in first-seen order."""
    by_net, ariths = {}, []
    for r in runs:
        by_net.setdefault(r["network"], {})[r["arith"]] = r
        if r["arith"] not in ariths:
            ariths.append(r["arith"])
    return by_net, ariths


# --- Spike rasters and population rates ---------------------------------------------------


def draw_rasters(data):
    by_net, ariths = group_runs(data["runs"])
    window = data["window_steps"]
    dt = data["dt_ms"]
    rows = len(by_net)
    fig = plt.figure(figsize=(6.2 * len(ariths), 4.6 * rows), layout="constrained")
    grid = fig.add_gridspec(2 * rows, len(ariths), height_ratios=[3, 1] * rows)
    for i, (net, per_arith) in enumerate(by_net.items()):
        for j, arith in enumerate(ariths):
            run = per_arith.get(arith)
            if run is None:
                continue
            ax = fig.add_subplot(grid[2 * i, j])
            steps = run["raster"]["step"]
            neurons = run["raster"]["neuron"]
            for k, pop in enumerate(run["populations"]):
                lo, hi = pop["first"], pop["first"] + pop["size"]
                xs = [s * dt for s, n in zip(steps, neurons) if lo <= n < hi]
                ys = [n for n in neurons if lo <= n < hi]
                ax.scatter(xs, ys, s=0.6, marker=".", linewidths=0, color=POP_COLORS[k % len(POP_COLORS)],
                           label=f"{pop['name']} ({pop['size']})", rasterized=True)
            ax.set_xlim(0, window * dt)
            ax.set_ylim(-0.5, run["neurons"] - 0.5)
            ax.set_title(f"{run['label']}: {run['arith']}, first {window} steps")
            ax.set_ylabel("neuron")
            ax.legend(loc="upper right", markerscale=12, fontsize=7, framealpha=0.85)

            rax = fig.add_subplot(grid[2 * i + 1, j])
            bin_ms = data["bin_steps"] * dt
            for k, pop in enumerate(run["populations"]):
                rates = run["rate_hz"][pop["name"]]
                times = [(b + 0.5) * bin_ms for b in range(len(rates))]
                rax.plot(times, rates, lw=0.9, color=POP_COLORS[k % len(POP_COLORS)], label=pop["name"])
            rax.axvspan(0, window * dt, color="#f1c40f", alpha=0.18, lw=0)
            rax.set_xlim(0, run["steps"] * dt)
            rax.set_xlabel("time (ms); shaded: the raster's window")
            rax.set_ylabel(f"rate (Hz, {data['bin_steps']}-step bins)", fontsize=7)
    save(fig, "rasters")


# --- Membrane potential: float vs fixed (vs RTL) ------------------------------------------


def draw_membrane(data):
    by_net, ariths = group_runs(data["runs"])
    dt = data["dt_ms"]
    rows = len(by_net)
    fig = plt.figure(figsize=(12.4, 4.2 * rows), layout="constrained")
    grid = fig.add_gridspec(2 * rows, 2, height_ratios=[3, 1.2] * rows)
    for i, (net, per_arith) in enumerate(by_net.items()):
        ref = per_arith.get("float64")
        fixed = per_arith.get("fixed")
        rtl = data.get("rtl", {}).get(net)
        for j, var in enumerate(("v", "u")):
            ax = fig.add_subplot(grid[2 * i, j])
            dax = fig.add_subplot(grid[2 * i + 1, j], sharex=ax)
            for run, style in ((ref, "-"), (fixed, "--")):
                if run is None:
                    continue
                p = run["probe"]
                ax.plot([s * dt for s in p["step"]], p[var], style, lw=1.0, color=run_color(run),
                        label=f"{run['arith']}" + (" (register / voltage_scale)" if run["arith"] == "fixed" else ""))
            if rtl:
                ax.plot([s * dt for s in rtl["step"]], rtl[var], ":", lw=1.4, color="#111111", label="RTL (Verilator)")
            else:
                ax.text(0.99, 0.03, "RTL: no trace yet (hrsnn verify)", transform=ax.transAxes, ha="right",
                        va="bottom", fontsize=7, color="#888888", style="italic")
            if var == "v" and ref is not None:
                ax.axhline(ref["probe_v_thresh"], color="#999999", lw=0.6, ls=":", label="threshold")
            label = ref["label"] if ref else net
            ax.set_title(f"{label}: neuron {data['probe_neuron'][net]}, {var}")
            ax.set_ylabel(f"{var} (threshold units)")
            ax.legend(loc="upper left", fontsize=7, framealpha=0.85)
            plt.setp(ax.get_xticklabels(), visible=False)
            if ref is not None and fixed is not None:
                a, b = ref["probe"], fixed["probe"]
                n = min(len(a["step"]), len(b["step"]))
                diff = [b[var][k] - a[var][k] for k in range(n)]
                dax.plot([s * dt for s in a["step"][:n]], diff, lw=0.8, color=run_color(fixed))
                if rtl:
                    m = min(len(rtl["step"]), len(b["step"]))
                    dax.plot([s * dt for s in rtl["step"][:m]], [rtl[var][k] - b[var][k] for k in range(m)], ":",
                             lw=1.0, color="#111111", label="RTL - fixed")
                    dax.legend(loc="upper left", fontsize=7)
            dax.axhline(0, color="#999999", lw=0.5)
            dax.set_ylabel("fixed - float", fontsize=7)
            dax.set_xlabel("time (ms)")
    save(fig, "membrane")


# --- Energy -------------------------------------------------------------------------------


def draw_energy_totals(data):
    e = data["energy"]
    runs = e["runs"]
    models = e["models"]
    dense = e["dense"]
    fig, ax = plt.subplots(figsize=(12.4, 4.6))
    width = 0.8 / len(runs)
    for k, run in enumerate(runs):
        xs, ys, lower = [], [], []
        for m, model in enumerate(models):
            v = run["per_inference_j"].get(model)
            if v is None or v <= 0:
                continue
            xs.append(m + (k - (len(runs) - 1) / 2) * width)
            ys.append(v)
            lower.append(bool(run["lower_bound"].get(model)))
        ax.bar(xs, ys, width=width, color=run_color(run), label=run["label"], edgecolor="white", linewidth=0.3)
        for x, y, lb in zip(xs, ys, lower):
            if lb:
                ax.text(x, y * 1.08, "≥", ha="center", va="bottom", fontsize=7, color="#333333")
    for d, (name, v) in enumerate(dense.items()):
        if v and v > 0:
            ax.bar(len(models) + 0.5 + d, v, width=0.5, color="#bbbbbb", edgecolor="#555555", linewidth=0.5)
    labels = list(models) + [f"{name}\n(dense RNN)" for name in dense]
    ax.set_xticks(list(range(len(models))) + [len(models) + 0.5 + d for d in range(len(dense))])
    ax.set_xticklabels(labels, rotation=25, ha="right", fontsize=8)
    ax.set_yscale("log")
    ax.set_ylabel(f"energy per inference (J; one inference = {data['steps_per_sample']} steps)")
    ax.grid(axis="y", which="major", color="#e5e5e5", lw=0.6)
    ax.set_axisbelow(True)
    handles, lab = ax.get_legend_handles_labels()
    handles.append(Patch(facecolor="#bbbbbb", edgecolor="#555555"))
    lab.append("dense non-spiking RNN, same N and steps")
    ax.legend(handles, lab, fontsize=7, ncol=3, loc="upper left", framealpha=0.9)
    ax.set_title("Energy per inference under each chip model (log scale; side by side, never averaged; "
                 "≥: lower bound, some counted events not priced)", fontsize=9)
    save(fig, "energy_totals")


def draw_energy_breakdown(data):
    e = data["energy"]
    runs = e["runs"]
    models = e["models"]
    events = e["events"]
    cols = 4
    rows = max(1, math.ceil(len(models) / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(12.4, 3.3 * rows), squeeze=False)
    used_events = set()
    for idx, model in enumerate(models):
        ax = axes[idx // cols][idx % cols]
        peak = max((r["per_inference_j"].get(model) or 0.0) for r in runs)
        scale, unit = energy_unit(peak if peak > 0 else 1e-12)
        for k, run in enumerate(runs):
            bottom = 0.0
            by_event = run["by_event_per_inference_j"].get(model, {})
            for ev in events:
                v = by_event.get(ev, 0.0)
                if v <= 0:
                    continue
                used_events.add(ev)
                ax.bar(k, v * scale, bottom=bottom, color=EVENT_COLORS.get(ev, "#333333"), width=0.7,
                       edgecolor="white", linewidth=0.3)
                bottom += v * scale
            if run["lower_bound"].get(model):
                ax.text(k, bottom, "≥", ha="center", va="bottom", fontsize=9)
        ax.set_xticks(range(len(runs)))
        ax.set_xticklabels([r["short_label"] for r in runs], fontsize=7, rotation=20)
        ax.set_title(model, fontsize=9)
        ax.set_ylabel(f"{unit} per inference", fontsize=7)
        ax.margins(y=0.12)
    for idx in range(len(models), rows * cols):
        axes[idx // cols][idx % cols].axis("off")
    handles = [Patch(color=EVENT_COLORS.get(ev, "#333333")) for ev in events if ev in used_events]
    labels = [ev for ev in events if ev in used_events]
    fig.legend(handles, labels, loc="lower center", ncol=min(5, max(1, len(labels))), fontsize=8,
               bbox_to_anchor=(0.5, -0.02))
    fig.suptitle("Energy per inference by event type (≥: lower bound, some counted events not priced)", y=1.0)
    fig.tight_layout(rect=(0, 0.06, 1, 0.98))
    save(fig, "energy_breakdown")


# --- Bayesian optimization ------------------------------------------------------------------


def draw_bo(data):
    histories = data.get("bo", [])
    if not histories:
        return
    groups = list(dict.fromkeys(h["group"] for h in histories))
    colors = {g: plt.cm.tab10(k % 10) for k, g in enumerate(groups)}
    fig, ax = plt.subplots(figsize=(10, 4.2))
    positive = True
    for h in histories:
        color = colors[h["group"]]
        several = sum(1 for o in histories if o["group"] == h["group"]) > 1
        conv = [(i + 1, v) for i, v in enumerate(h["convergence"]) if v is not None]
        if conv:
            ax.step([c[0] for c in conv], [c[1] for c in conv], where="post", lw=0.9 if several else 1.6,
                    alpha=0.55 if several else 1.0, color=color, label=None if several else h["label"])
            positive = positive and all(c[1] > 0 for c in conv)
        vals = [(i + 1, v) for i, v in enumerate(h["values"]) if v is not None]
        if vals:
            ax.scatter([c[0] for c in vals], [c[1] for c in vals], s=14 if several else 22, color=color,
                       alpha=0.35 if several else 0.7, linewidths=0)
            positive = positive and all(c[1] > 0 for c in vals)
    for g in groups:
        members = [h for h in histories if h["group"] == g]
        if len(members) < 2:
            continue
        length = max(len(h["convergence"]) for h in members)
        xs, med = [], []
        for i in range(length):
            vs = sorted(h["convergence"][i] for h in members if i < len(h["convergence"]) and
                        h["convergence"][i] is not None)
            if vs:
                xs.append(i + 1)
                mid = len(vs) // 2
                med.append(vs[mid] if len(vs) % 2 else 0.5 * (vs[mid - 1] + vs[mid]))
        ax.step(xs, med, where="post", lw=2.4, color=colors[g], label=f"{g}: median of {len(members)}")
    if positive:
        ax.set_yscale("log")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("evaluation")
    ax.set_ylabel("objective (minimized)")
    ax.grid(color="#e5e5e5", lw=0.6)
    ax.legend(fontsize=8)
    ax.set_title("Bayesian optimization: best value so far (lines) and each evaluation (dots)")
    save(fig, "bo")


# --- Study ----------------------------------------------------------------------------------

STUDY_MODEL_COLORS = ["#1f5fa8", "#27ae60", "#8e44ad", "#c0392b", "#7f8c8d", "#d35400", "#16a085", "#2c3e50"]


def draw_study(data):
    study = data.get("study")
    if not study:
        return
    table, metrics = study.get("table", []), study.get("metrics", [])
    if table and metrics:
        models = list(dict.fromkeys(r["model"] for r in table))
        ariths = list(dict.fromkeys(r["arith"] for r in table))
        cols = min(4, len(metrics))
        rows = math.ceil(len(metrics) / cols)
        fig, axes = plt.subplots(rows, cols, figsize=(3.1 * cols, 2.9 * rows), squeeze=False)
        width = 0.8 / max(1, len(ariths))
        for idx, m in enumerate(metrics):
            ax = axes[idx // cols][idx % cols]
            for a_i, arith in enumerate(ariths):
                for m_i, model in enumerate(models):
                    row = next((r for r in table if r["model"] == model and r["arith"] == arith), None)
                    if row is None or m not in row["metrics"] or row["metrics"][m]["mean"] is None:
                        continue
                    v = row["metrics"][m]
                    ax.bar(m_i + (a_i - (len(ariths) - 1) / 2) * width, v["mean"], width=width,
                           yerr=v["sd"] if v["sd"] is not None else None, capsize=2,
                           color=STUDY_MODEL_COLORS[m_i % len(STUDY_MODEL_COLORS)], alpha=1.0 if a_i == 0 else 0.5,
                           edgecolor="white", linewidth=0.4, error_kw={"lw": 0.7})
            ax.set_xticks(range(len(models)))
            ax.set_xticklabels(models, rotation=35, ha="right", fontsize=7)
            ax.set_title(m, fontsize=9)
            ax.grid(axis="y", color="#e5e5e5", lw=0.6)
            ax.set_axisbelow(True)
        for idx in range(len(metrics), rows * cols):
            axes[idx // cols][idx % cols].axis("off")
        shade = "; ".join(f"{a}: {'solid' if i == 0 else 'light'}" for i, a in enumerate(ariths))
        fig.suptitle(f"Study: mean over seeds, error bars ± sd ({shade})", fontsize=10)
        fig.tight_layout()
        save(fig, "study_metrics")
    curves = study.get("mc_curves", [])
    if curves:
        ariths = list(dict.fromkeys(c["arith"] for c in curves))
        models = list(dict.fromkeys(c["model"] for c in curves))
        fig, axes = plt.subplots(1, len(ariths), figsize=(6.1 * len(ariths), 3.4), squeeze=False, sharey=True)
        for a_i, arith in enumerate(ariths):
            ax = axes[0][a_i]
            for c in curves:
                if c["arith"] != arith:
                    continue
                ys = [v if v is not None else float("nan") for v in c["curve"]]
                mc = sum(v for v in ys if v == v)
                color = STUDY_MODEL_COLORS[models.index(c["model"]) % len(STUDY_MODEL_COLORS)]
                ax.plot(range(1, len(ys) + 1), ys, "o-", ms=2.5, lw=1.2, color=color,
                        label=f"{c['model']} (MC {mc:.2f}, {c['seeds']} seeds)")
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
            ax.set_title(f"memory curve, {arith}", fontsize=9)
            ax.set_xlabel("delay k (input samples)")
            ax.set_ylabel("r²(u(t-k), readout)")
            ax.grid(color="#e5e5e5", lw=0.6)
            ax.legend(fontsize=7)
        fig.tight_layout()
        save(fig, "mc_curves")


# --- Quantization sweeps ----------------------------------------------------------------------


def draw_quant(data):
    for k, sweep in enumerate(data.get("quant", [])):
        x_key = sweep["x_key"]
        points = [p for p in sweep["points"] if isinstance(p.get(x_key), (int, float))]
        metrics = [m for m in sweep["metrics"] if any(isinstance(p.get(m), (int, float)) for p in points)]
        if not points or not metrics:
            continue
        cols = min(3, len(metrics))
        rows = math.ceil(len(metrics) / cols)
        fig, axes = plt.subplots(rows, cols, figsize=(4.1 * cols, 2.8 * rows), squeeze=False)
        points.sort(key=lambda p: p[x_key])
        for idx, m in enumerate(metrics):
            ax = axes[idx // cols][idx % cols]
            xy = [(p[x_key], p[m]) for p in points if isinstance(p.get(m), (int, float))]
            ax.plot([a for a, _ in xy], [b for _, b in xy], "o-", ms=3.5, lw=1.2, color="#1f5fa8")
            ref = sweep.get("reference", {}).get(m)
            if isinstance(ref, (int, float)):
                ax.axhline(ref, color="#c0392b", lw=0.8, ls="--", label="float reference")
                ax.legend(fontsize=7)
            ax.set_title(m, fontsize=9)
            if all(float(a).is_integer() for a, _ in xy):
                ax.xaxis.set_major_locator(MaxNLocator(integer=True))
            if len({a for a, _ in xy}) == 1:
                ax.set_xlim(xy[0][0] - 1, xy[0][0] + 1)
            ax.set_xlabel(x_key, fontsize=8)
            ax.grid(color="#e5e5e5", lw=0.6)
        for idx in range(len(metrics), rows * cols):
            axes[idx // cols][idx % cols].axis("off")
        fig.suptitle(f"Quantization sweep: {sweep['name']}")
        fig.tight_layout()
        save(fig, f"quant_{k}")


def draw_chip_map(data):
    """Core occupancy on the mesh and the messages between cores (report/chip_map.cpp)."""
    cm = data.get("chip_map")
    if not cm or not cm.get("networks"):
        return
    nets = cm["networks"]
    cpt = cm["cores_per_tile"]
    sub_x = math.ceil(math.sqrt(cpt))
    sub_y = math.ceil(cpt / sub_x)
    tiles_x = max(cm["tiles_x"] * n.get("chips", 1) for n in nets)
    tiles_y = cm["tiles_y"]
    cmap = plt.get_cmap("viridis").copy()
    fig, axes = plt.subplots(1, len(nets), figsize=(0.55 * tiles_x * len(nets) + 1.5, 0.55 * tiles_y + 1.2),
                             squeeze=False, constrained_layout=True)
    image = None
    for ax, n in zip(axes[0], nets):
        grid = [[math.nan] * (tiles_x * sub_x) for _ in range(tiles_y * sub_y)]
        for c in n["cores"]:
            gx = c["x"] * sub_x + c["slot"] % sub_x
            gy = c["y"] * sub_y + c["slot"] // sub_x
            grid[gy][gx] = c["fill"]
        image = ax.imshow(grid, origin="lower", cmap=cmap, vmin=0.0, vmax=1.0, interpolation="nearest",
                          extent=(0, tiles_x * sub_x, 0, tiles_y * sub_y))
        for c in n["cores"]:
            gx = c["x"] * sub_x + c["slot"] % sub_x
            gy = c["y"] * sub_y + c["slot"] // sub_x
            ax.text(gx + 0.5, gy + 0.5, str(c["core"]), ha="center", va="center", fontsize=6,
                    color="white" if c["fill"] < 0.6 else "black")
        for tx in range(tiles_x + 1):
            ax.axvline(tx * sub_x, color="#555555", lw=0.8)
        for ty in range(tiles_y + 1):
            ax.axhline(ty * sub_y, color="#555555", lw=0.8)
        ax.set_xticks([(t + 0.5) * sub_x for t in range(tiles_x)])
        ax.set_xticklabels([str(t) for t in range(tiles_x)], fontsize=7)
        ax.set_yticks([(t + 0.5) * sub_y for t in range(tiles_y)])
        ax.set_yticklabels([str(t) for t in range(tiles_y)], fontsize=7)
        ax.set_xlabel("tile x")
        ax.set_ylabel("tile y")
        limit = n.get("binding_limit") or "binding limit"
        ax.set_title(f"{n['label']} ({n['weight_bits']}-bit weights): {len(n['cores'])} cores\nfill of {limit}",
                     fontsize=9)
    fig.colorbar(image, ax=list(axes[0]), shrink=0.8, label="fill of the binding limit")
    fig.suptitle(f"Core occupancy on the {cm['chip']} mesh", fontsize=10)
    save(fig, "chip_occupancy")

    fig, axes = plt.subplots(1, len(nets), figsize=(3.6 * len(nets) + 0.8, 3.3), squeeze=False)
    for ax, n in zip(axes[0], nets):
        cores = n["traffic_cores"]
        m = n["traffic_per_step"]
        top = max([v for row in m for v in row] + [1e-12])
        ax.imshow(m, cmap="Blues", vmin=0.0, vmax=top, interpolation="nearest")
        if len(cores) <= 12:
            for a in range(len(cores)):
                for b in range(len(cores)):
                    v = m[a][b]
                    ax.text(b, a, f"{v:.3g}", ha="center", va="center", fontsize=7,
                            color="white" if v > 0.6 * top else "black")
        ticks = list(range(len(cores))) if len(cores) <= 24 else []
        ax.set_xticks(ticks)
        ax.set_xticklabels([str(cores[t]) for t in ticks], fontsize=7)
        ax.set_yticks(ticks)
        ax.set_yticklabels([str(cores[t]) for t in ticks], fontsize=7)
        ax.set_xlabel("destination core")
        ax.set_ylabel("source core")
        ax.set_title(f"{n['label']}: messages per step", fontsize=9)
    fig.tight_layout()
    save(fig, "chip_traffic")


def main():
    with open(DATA_PATH, encoding="utf-8") as f:
        data = json.load(f)
    if data.get("format") != "hrsnn-report-data/1":
        fail(f"{DATA_PATH}: expected format hrsnn-report-data/1, got {data.get('format')!r}")
    draw_rasters(data)
    draw_membrane(data)
    draw_energy_totals(data)
    draw_energy_breakdown(data)
    draw_chip_map(data)
    draw_bo(data)
    draw_study(data)
    draw_quant(data)
    fd, tmp = tempfile.mkstemp(prefix=".figures.", suffix=".json", dir=OUT_DIR)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(manifest, f)
    os.replace(tmp, os.path.join(OUT_DIR, "figures.json"))


if __name__ == "__main__":
    main()
