#!/usr/bin/python3
"""Brian2 side-by-side benchmark: the same network in Brian2 2.5 C++ standalone and in hrsnn.

For each example spec, hrsnn instantiates the network and exports it (hrsnn-network/1,
see docs/cli.md); this script rebuilds exactly that network in Brian2 (cpp_standalone, a fresh
build directory; without OpenMP at one thread, with OpenMP at the same thread count as hrsnn's
--threads otherwise), implementing hrsnn's discrete-time system (docs/model.md) as difference
equations, runs it, and reports Brian2's synaptic events/s beside hrsnn's:

    events/s = delivered synaptic events (sum over spikes of the neuron's fan-out) / run time

where run time is the wall time of Brian2's network run() inside the compiled binary (set-up,
loading and compilation excluded), as the published single-threaded Brian2 anchors were
measured. Brian2 needs the Debian interpreter: run it as /usr/bin/python3 (see
docs/benchmarks.md, "Brian2 comparison").

Brian2 formulation of one hrsnn step t (schedule slots in brackets):

  [groups]      run_regularly: a = a_next + I_ext(t); a_next = 0; u, v, refractory hold;
                trace decay; s = 0
  [thresholds]  v > v_thresh (strict) and not held refractory this step
  [thresholds, order 1]  reset: v = v_reset, refractory = t_ref, trace impulses, s = 1
  [synapses]    on_pre: plastic rows get dw = s_post*eta_plus*x_pre - eta_minus*y_post and one
                clip; every row then adds its (updated) weight to a_next (zero Brian2 delay:
                a_next is read at step t + 1, hrsnn's one-step delay);
                on_post: potentiation of synapses whose pre neuron did not spike this step
                (those with a spiking pre are updated once, in on_pre, as in hrsnn)
"""

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_SPECS = [os.path.join(REPO, "examples", "mrsnn.toml"), os.path.join(REPO, "examples", "hrsnn.toml")]
DEFAULT_HRSNN = os.path.join(REPO, "build-dev", "tools", "hrsnn")
BRIAN2_PYTHON = "/usr/bin/python3"  # Debian's python3-brian (Brian2 2.5.1) lives here only


# ---------------------------------------------------------------------------------------------
# Worker: build and run one exported network in Brian2 (runs in its own /usr/bin/python3 process
# so every network gets a fresh Brian2 device).

NEURON_MODEL = """
keep_u : 1 (constant)
keep_v : 1 (constant)
keep_x : 1 (constant)
keep_y : 1 (constant)
imp_x : 1 (constant)
imp_y : 1 (constant)
v_thresh : 1 (constant)
v_reset : 1 (constant)
bias : 1 (constant)
t_ref : integer (constant)
in_col : integer (constant)
u : 1
v : 1
a_next : 1
x : 1
y : 1
s : 1
refr : integer
held : integer
nspikes : integer
"""

# One hrsnn step before the threshold, in hrsnn's order (docs/model.md, core/float_sim.hpp).
NEURON_STEP = """
a_in = a_next + {input_term}
a_next = 0
u = keep_u*u + a_in
held = int(refr > 0)
v = (keep_v*v + u + bias)*(1 - held) + v_reset*held
refr -= held
x = keep_x*x
y = keep_y*y
s = 0
"""

NEURON_RESET = """
v = v_reset
refr = t_ref
x += imp_x
y += imp_y
s = 1
nspikes += 1
"""

PLASTIC_MODEL = """
w : 1
eta_plus : 1 (constant)
eta_minus : 1 (constant)
w_min : 1 (constant)
w_max : 1 (constant)
"""
PLASTIC_ON_PRE = """
w = clip(w + (s_post*eta_plus*x_pre - eta_minus*y_post), w_min, w_max)
a_next_post += w
"""
PLASTIC_ON_POST = """
w = clip(w + (1 - s_pre)*eta_plus*x_pre, w_min, w_max)
"""
STATIC_ON_PRE = "a_next_post += w"

# Wall and CPU time of the network run() alone, written by the binary itself.
TIMING_FILE = "results/bench_timing.txt"
TIMER_START = ("struct timespec _bench_w0, _bench_c0; clock_gettime(CLOCK_MONOTONIC, &_bench_w0); "
               "clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &_bench_c0);")
TIMER_STOP = ("struct timespec _bench_w1, _bench_c1; clock_gettime(CLOCK_MONOTONIC, &_bench_w1); "
              "clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &_bench_c1); "
              "{ std::ofstream _bench_f(\"" + TIMING_FILE + "\"); _bench_f.precision(9); "
              "_bench_f << ((_bench_w1.tv_sec - _bench_w0.tv_sec) + 1e-9*(_bench_w1.tv_nsec - _bench_w0.tv_nsec)) "
              "<< ' ' << ((_bench_c1.tv_sec - _bench_c0.tv_sec) + 1e-9*(_bench_c1.tv_nsec - _bench_c0.tv_nsec)) "
              "<< std::endl; }")


def population_of_range(pops, first, last):
    """The population holding neuron ids first..last (inclusive), or None if they straddle two."""
    for p in pops:
        if p["first"] <= first and last < p["first"] + p["size"]:
            return p
    return None


def read_timing(directory):
    with open(os.path.join(directory, TIMING_FILE)) as f:
        wall, cpu = (float(x) for x in f.read().split())
    with open(os.path.join(directory, "results", "last_run_info.txt")) as f:
        brian_reported = float(f.read().split()[0])  # std::clock() based in Brian2 2.5 without OpenMP
    return {"wall_s": wall, "cpu_s": cpu, "brian2_reported_s": brian_reported}


def brian2_worker(net_path, directory, steps, repeats, monitor, make_jobs, out_path, threads=1):
    import numpy as np
    import brian2 as b2
    from brian2 import ms

    with open(net_path) as f:
        net = json.load(f)
    if net.get("format") != "hrsnn-network/1":
        raise SystemExit(f"{net_path}: format {net.get('format')!r}, expected 'hrsnn-network/1'")

    b2.set_device("cpp_standalone", directory=directory, build_on_run=True)
    # One thread: no OpenMP at all, as the published single-threaded anchors; otherwise OpenMP.
    b2.prefs.devices.cpp_standalone.openmp_threads = threads if threads > 1 else 0
    b2.prefs.devices.cpp_standalone.extra_make_args_unix = [f"-j{make_jobs}"]
    dt = net["dt_ms"] * ms
    b2.defaultclock.dt = dt

    neu = net["neurons"]
    syn = net["synapses"]
    pops = net["populations"]
    n = len(neu["du"])
    pre = np.asarray(syn["pre"], dtype=np.int64)
    post = np.asarray(syn["post"], dtype=np.int64)
    plastic = np.asarray(syn["plastic"], dtype=bool)
    delay = np.asarray(syn["delay_steps"], dtype=np.int64)

    # External current: a (steps + 1) x (inputs + 1) table, column `inputs` and the last row
    # zero, so neurons without input and steps past the signal read 0 (as in hrsnn).
    inp = net.get("input")
    ext = None
    in_col = np.zeros(n, dtype=np.int64)
    if inp and inp.get("events"):
        ev = np.asarray(inp["events"], dtype=np.float64)
        ev_step = ev[:, 0].astype(np.int64)
        ev_neuron = ev[:, 1].astype(np.int64)
        driven = np.unique(ev_neuron)
        in_col[:] = len(driven)
        in_col[driven] = np.arange(len(driven))
        table = np.zeros((max(int(inp["steps"]), int(ev_step.max()) + 1) + 1, len(driven) + 1))
        table[ev_step, in_col[ev_neuron]] = ev[:, 2]
        ext = b2.TimedArray(table, dt=dt, name="I_ext")
        del ev, ev_step, ev_neuron

    g = b2.NeuronGroup(n, NEURON_MODEL, threshold="v > v_thresh and held == 0",
                       reset=NEURON_RESET, name="neurons")
    g.keep_u = 1.0 - np.asarray(neu["du"])
    g.keep_v = 1.0 - np.asarray(neu["dv"])
    g.keep_x = 1.0 - np.asarray(neu["dx"])
    g.keep_y = 1.0 - np.asarray(neu["dy"])
    # Only neurons on a plastic synapse's pre (x) or post (y) side carry a trace in hrsnn.
    has_x = np.zeros(n)
    has_x[pre[plastic]] = 1.0
    has_y = np.zeros(n)
    has_y[post[plastic]] = 1.0
    g.imp_x = has_x * net["stdp"]["impulse_x"]
    g.imp_y = has_y * net["stdp"]["impulse_y"]
    g.v_thresh = neu["v_thresh"]
    g.v_reset = neu["v_reset"]
    g.bias = neu["bias"]
    g.t_ref = neu["t_ref_steps"]
    g.in_col = in_col
    g.run_regularly(NEURON_STEP.format(input_term="I_ext(t, in_col)" if ext is not None else "0"),
                    dt=dt, when="groups", name="neurons_step")
    # Reset before the synapses so that on_pre/on_post read traces with this step's impulse.
    g.resetter["spike"].when = "thresholds"
    g.resetter["spike"].order = 1

    objects = [g]
    namespace = {"I_ext": ext} if ext is not None else {}
    for k, proj in enumerate(net["projections"]):
        lo, hi = proj["first_synapse"], proj["first_synapse"] + proj["synapses"]
        if hi == lo:
            continue
        p_pre = population_of_range(pops, int(pre[lo:hi].min()), int(pre[lo:hi].max()))
        p_post = population_of_range(pops, int(post[lo:hi].min()), int(post[lo:hi].max()))
        if p_pre is None or p_post is None:
            raise SystemExit(f"projection {proj['name']}: synapses span several populations")
        src = g[p_pre["first"]:p_pre["first"] + p_pre["size"]]
        dst = g[p_post["first"]:p_post["first"] + p_post["size"]]
        d = np.unique(delay[lo:hi])
        is_plastic = bool(proj["plastic"])
        if is_plastic and (len(d) != 1 or d[0] != 1):
            raise SystemExit(f"projection {proj['name']}: plastic synapses with delay != 1 step are "
                             "not expressible with this formulation (STDP would run delayed)")
        # hrsnn's delay d: on_pre fills a_next, which is read one step later, so Brian2's delay
        # is d - 1 steps (zero for the default one-step delay; a scalar delay when homogeneous).
        homogeneous_delay = (int(d[0]) - 1) * dt if len(d) == 1 else None
        # Brian2 runs same-slot objects in name order, and each pathway adds its spikes' rows in
        # ascending pre neuron. Naming by pre population, then projection index, adds every
        # neuron's input in hrsnn's order (spiking neurons ascending, each with its outgoing
        # projections in order) whenever no two projections join the same pair of populations,
        # so the double sums are the same, not merely close.
        sname = f"syn_{p_pre['first']:09d}_{k:04d}_{re.sub(r'[^A-Za-z0-9]', '_', proj['name'])}"
        if is_plastic:
            s = b2.Synapses(src, dst, PLASTIC_MODEL, on_pre=PLASTIC_ON_PRE, on_post=PLASTIC_ON_POST,
                            delay=homogeneous_delay, name=sname)
        else:
            s = b2.Synapses(src, dst, "w : 1 (constant)", on_pre=STATIC_ON_PRE, delay=homogeneous_delay,
                            name=sname)
        s.connect(i=pre[lo:hi] - p_pre["first"], j=post[lo:hi] - p_post["first"])
        s.w = syn["weight"][lo:hi]
        if is_plastic:
            s.eta_plus = syn["eta_plus"][lo:hi]
            s.eta_minus = syn["eta_minus"][lo:hi]
            s.w_min = syn["w_min"][lo:hi]
            s.w_max = syn["w_max"][lo:hi]
        if homogeneous_delay is None:
            s.delay = (delay[lo:hi] - 1) * dt
        objects.append(s)
    mon = b2.SpikeMonitor(g, name="raster") if monitor else None
    if mon is not None:
        objects.append(mon)

    b2.device.insert_code("before_network_run", TIMER_START)
    b2.device.insert_code("after_network_run", TIMER_STOP)
    network = b2.Network(*objects)
    t0 = time.time()
    network.run(steps * dt, namespace=namespace)  # generates, compiles and runs once
    first_total_s = time.time() - t0
    runs = [read_timing(directory)]
    nspikes = np.asarray(g.nspikes[:], dtype=np.int64)
    raster = None
    if mon is not None:
        raster = {"step": np.rint(np.asarray(mon.t / dt)).astype(np.int64).tolist(),
                  "neuron": np.asarray(mon.i[:], dtype=np.int64).tolist()}
    for _ in range(repeats - 1):
        subprocess.run(["./main"], cwd=directory, check=True, stdout=subprocess.DEVNULL)
        runs.append(read_timing(directory))

    fanout = np.bincount(pre, minlength=n)
    result = {
        "brian2_version": b2.__version__,
        "directory": directory,
        "steps": steps,
        "compile_s": b2.device.timers["compile"]["make"],
        "first_build_and_run_s": first_total_s,
        "runs": runs,
        "populations": [],
        "spikes": int(nspikes.sum()),
        "synaptic_events": int((nspikes * fanout).sum()),
        "monitor": monitor,
        "openmp_threads": threads if threads > 1 else 0,
    }
    for p in pops:
        sl = slice(p["first"], p["first"] + p["size"])
        result["populations"].append({"name": p["name"], "size": p["size"],
                                      "spikes": int(nspikes[sl].sum()),
                                      "synaptic_events": int((nspikes[sl] * fanout[sl]).sum())})
    if raster is not None:
        result["raster"] = raster
    with open(out_path, "w") as f:
        json.dump(result, f)


# ---------------------------------------------------------------------------------------------
# Driver: hrsnn export and timing, the Brian2 worker, comparison, table and JSON.

def run_hrsnn(hrsnn, spec, steps, arith, out_dir, export=None, attempts=5, threads=1):
    """One hrsnn run; returns its summary.json. While the binary is missing or being relinked
    (not executable, exec fails, or killed by a signal) it waits and retries; a run that exits
    with an error fails at once."""
    cmd = [hrsnn, "run", spec, "--steps", str(steps), "--arith", arith, "--out", out_dir, "--quiet",
           "--threads", str(threads)]
    if export:
        cmd += ["--export-network", export]
    for attempt in range(attempts):
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True)
        except OSError as e:
            err = f"{hrsnn}: {e}"
        else:
            if proc.returncode == 0:
                with open(os.path.join(out_dir, "summary.json")) as f:
                    return json.load(f)
            err = proc.stderr.strip()
            if proc.returncode > 0:
                break
        if attempt + 1 < attempts:
            print(f"hrsnn not runnable ({err}); retrying in 30 s", file=sys.stderr)
            time.sleep(30)
    raise SystemExit(f"hrsnn failed: {' '.join(cmd)}\n{err}")


def read_raster_csv(path):
    by_step = {}
    with open(path) as f:
        next(f)
        for line in f:
            st, ne = line.split(",")
            by_step.setdefault(int(st), set()).add(int(ne))
    return by_step


def compare_rasters(hrsnn_csv, brian_raster, steps):
    """First step at which the two rasters differ (None if identical over the run)."""
    a = read_raster_csv(hrsnn_csv)
    b = {}
    for st, ne in zip(brian_raster["step"], brian_raster["neuron"]):
        b.setdefault(st, set()).add(ne)
    for t in range(steps):
        if a.get(t, set()) != b.get(t, set()):
            return {"identical": False, "first_differing_step": t,
                    "hrsnn_at_step": sorted(a.get(t, set()))[:10], "brian2_at_step": sorted(b.get(t, set()))[:10]}
    return {"identical": True, "first_differing_step": None}


def brian2_run(args, net_path, directory, monitor, repeats, threads=1):
    out_path = os.path.join(os.path.dirname(directory), os.path.basename(directory) + "-result.json")
    cmd = [args.python, os.path.abspath(__file__), "--worker", net_path, "--worker-dir", directory,
           "--worker-out", out_path, "--steps", str(args.steps), "--repeats", str(repeats),
           "--make-jobs", str(args.make_jobs), "--worker-threads", str(threads)]
    if monitor:
        cmd.append("--worker-monitor")
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"Brian2 worker failed ({' '.join(cmd)}):\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}")
    with open(out_path) as f:
        return json.load(f)


def spread(xs):
    return {"min": min(xs), "median": statistics.median(xs), "all": xs}


def bench_spec(args, spec, work):
    name = os.path.splitext(os.path.basename(spec))[0]
    net_path = os.path.join(work, f"{name}-network.json")
    out_ref = os.path.join(work, f"{name}-hrsnn-export")
    entry = {"spec": spec, "name": name, "steps": args.steps}

    # hrsnn: the exported network and the reference spike counts (float64, Brian2 computes in double).
    load0 = os.getloadavg()
    ref = run_hrsnn(args.hrsnn, spec, args.steps, "float64", out_ref, export=net_path)
    if ref.get("input_spikes", 0):
        # hrsnn-network/1 carries external input only as current events (core/export.hpp).
        raise SystemExit(f"{spec}: spiking input encoders are not part of the network export; "
                         "use a current-input spec")
    entry["hrsnn_reference"] = {
        "arith": "float64",
        "spikes": ref["counts"]["spikes"],
        "synaptic_events": ref["counts"]["synaptic_events"],
        "populations": [{"name": p["name"], "spikes": p["spikes"], "rate_hz": p["rate_hz"]}
                        for p in ref["populations"]],
        "synapses": ref["synapses"],
    }

    # hrsnn timing (its own wall time of the simulation loop), best of --repeats per arithmetic and
    # thread count; then Brian2 at each thread count (its compiled binary, repeated).
    entry["hrsnn_timing"] = {}
    for arith in args.hrsnn_arith:
        entry["hrsnn_timing"][arith] = {}
        for threads in args.threads:
            walls = []
            for r in range(args.repeats):
                s = ref if (arith == "float64" and threads == 1 and r == 0) else run_hrsnn(
                    args.hrsnn, spec, args.steps, arith, os.path.join(work, f"{name}-hrsnn-{arith}-{threads}t"),
                    threads=threads)
                walls.append(s["wall_time_s"])
                events = s["counts"]["synaptic_events"]
            entry["hrsnn_timing"][arith][str(threads)] = {"wall_s": spread(walls), "synaptic_events": events,
                                                          "events_per_s_best": events / min(walls)}

    entry["brian2_by_threads"] = {}
    for threads in args.threads:
        bdir = tempfile.mkdtemp(prefix=f"{name}-brian2-{threads}t-", dir=work)
        b = brian2_run(args, net_path, bdir, monitor=False, repeats=args.repeats, threads=threads)
        ev = b["synaptic_events"]
        wall = spread([r["wall_s"] for r in b["runs"]])
        cpu = spread([r["cpu_s"] for r in b["runs"]])
        entry["brian2_by_threads"][str(threads)] = {
            "version": b["brian2_version"], "directory": b["directory"], "compile_s": b["compile_s"],
            "openmp_threads": b["openmp_threads"],
            "spikes": b["spikes"], "synaptic_events": ev, "populations": b["populations"],
            "run_wall_s": wall, "run_cpu_s": cpu,
            "run_brian2_reported_s": spread([r["brian2_reported_s"] for r in b["runs"]]),
            "events_per_s_wall_best": ev / wall["min"], "events_per_s_wall_median": ev / wall["median"],
            "events_per_s_cpu_best": ev / cpu["min"],
        }
    load1 = os.getloadavg()
    entry["brian2"] = entry["brian2_by_threads"][str(args.threads[0])]
    entry["loadavg_1_5_15"] = {"before": load0, "after": load1}
    entry["spike_ratio_brian2_over_hrsnn"] = {
        p["name"]: (bp["spikes"] / p["spikes"] if p["spikes"] else None)
        for p, bp in zip(entry["hrsnn_reference"]["populations"], entry["brian2"]["populations"])}
    # Ratios measured in this one run: hrsnn at T threads over Brian2 single-threaded, over Brian2
    # at the same T (OpenMP), and hrsnn's own speed-up from 1 to T threads.
    b1 = entry["brian2_by_threads"].get("1")
    entry["ratios"] = {}
    for arith, by_t in entry["hrsnn_timing"].items():
        entry["ratios"][arith] = {}
        for t, timing in by_t.items():
            ev_s = timing["events_per_s_best"]
            entry["ratios"][arith][t] = {
                "over_brian2_1_thread": ev_s / b1["events_per_s_wall_best"] if b1 else None,
                "over_brian2_same_threads": ev_s / entry["brian2_by_threads"][t]["events_per_s_wall_best"],
                "speedup_over_1_thread": ev_s / by_t["1"]["events_per_s_best"] if "1" in by_t else None,
            }

    if args.check_raster:
        cdir = tempfile.mkdtemp(prefix=f"{name}-brian2-raster-", dir=work)
        c = brian2_run(args, net_path, cdir, monitor=True, repeats=1)
        entry["raster_check"] = compare_rasters(os.path.join(out_ref, "spikes.csv"), c["raster"], args.steps)
    return entry


def print_table(results):
    print()
    print(f"{'network':8} {'pop':>4} {'hrsnn spikes':>13} {'Brian2 spikes':>14} {'ratio':>6}")
    for e in results:
        for p, bp in zip(e["hrsnn_reference"]["populations"], e["brian2"]["populations"]):
            r = e["spike_ratio_brian2_over_hrsnn"][p["name"]]
            ratio = f"{r:6.3f}" if r is not None else f"{'-':>6}"
            print(f"{e['name']:8} {p['name']:>4} {p['spikes']:13d} {bp['spikes']:14d} {ratio}")
    print()
    print(f"{'network':8} {'threads':>7} {'Brian2 ev/s':>11} {'hrsnn arith':>11} {'hrsnn ev/s':>10} "
          f"{'x Brian2 1t':>11} {'x Brian2 same t':>15} {'hrsnn T/1t':>10}")
    fmt_x = lambda v: f"{v:.2f}x" if v is not None else "-"
    for e in results:
        for arith, by_t in e["hrsnn_timing"].items():
            for t, timing in by_t.items():
                b = e["brian2_by_threads"][t]
                r = e["ratios"][arith][t]
                print(f"{e['name']:8} {t:>7} {b['events_per_s_wall_best']:11.3g} {arith:>11} "
                      f"{timing['events_per_s_best']:10.3g} {fmt_x(r['over_brian2_1_thread']):>11} "
                      f"{fmt_x(r['over_brian2_same_threads']):>15} {fmt_x(r['speedup_over_1_thread']):>10}")
    for e in results:
        lb, la = e["loadavg_1_5_15"]["before"], e["loadavg_1_5_15"]["after"]
        line = (f"{e['name']}: load average {lb[0]:.2f} -> {la[0]:.2f} (1 min); Brian2 compile "
                f"{e['brian2']['compile_s']:.1f} s (not timed)")
        if "raster_check" in e:
            rc = e["raster_check"]
            line += ("; rasters identical" if rc["identical"]
                     else f"; rasters first differ at step {rc['first_differing_step']}")
        print(line)
    print("ev/s = synaptic events / run time (best of repeats; wall time of the run itself); Brian2 at "
          "1 thread without OpenMP, at T > 1 threads with OpenMP T")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("specs", nargs="*", default=DEFAULT_SPECS, help="hrsnn specs (default: both examples)")
    ap.add_argument("--steps", type=int, default=10000, help="steps to simulate (default 10000 = 10 s at 1 ms)")
    ap.add_argument("--repeats", type=int, default=3, help="timed runs per simulator (best and median reported)")
    ap.add_argument("--hrsnn", default=DEFAULT_HRSNN, help="hrsnn binary (default build-dev/tools/hrsnn)")
    ap.add_argument("--hrsnn-arith", default="float64,float32",
                    help="hrsnn arithmetics to time, comma-separated (default float64,float32)")
    ap.add_argument("--python", default=BRIAN2_PYTHON, help="interpreter with Brian2 (default /usr/bin/python3)")
    ap.add_argument("--threads", default="1,2",
                    help="thread counts, comma-separated: hrsnn --threads T and Brian2 OpenMP T (default 1,2)")
    ap.add_argument("--make-jobs", type=int, default=1, help="parallel compile jobs for Brian2's build (default 1)")
    ap.add_argument("--check-raster", action="store_true",
                    help="also run Brian2 with a SpikeMonitor (untimed) and find the first step where the rasters differ")
    ap.add_argument("--workdir", help="directory for exports and Brian2 builds, kept afterwards "
                    "(default: a fresh /tmp/hrsnn-brian2-*, removed at the end unless --keep)")
    ap.add_argument("--keep", action="store_true", help="keep the default work directory")
    ap.add_argument("--json", help="write the results as JSON here")
    # Internal: the Brian2 worker process.
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--worker-dir", help=argparse.SUPPRESS)
    ap.add_argument("--worker-out", help=argparse.SUPPRESS)
    ap.add_argument("--worker-monitor", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--worker-threads", type=int, default=1, help=argparse.SUPPRESS)
    args = ap.parse_args()

    if args.worker:
        brian2_worker(args.worker, args.worker_dir, args.steps, args.repeats, args.worker_monitor,
                      args.make_jobs, args.worker_out, args.worker_threads)
        return
    if args.steps <= 0 or args.repeats <= 0:
        ap.error("--steps and --repeats must be positive")
    args.hrsnn = os.path.abspath(args.hrsnn)
    args.hrsnn_arith = [a for a in args.hrsnn_arith.split(",") if a]
    try:
        args.threads = [int(t) for t in args.threads.split(",") if t]
    except ValueError:
        ap.error("--threads: comma-separated whole numbers, e.g. 1,2")
    if not args.threads or min(args.threads) < 1:
        ap.error("--threads: thread counts must be >= 1")
    work = os.path.abspath(args.workdir) if args.workdir else tempfile.mkdtemp(prefix="hrsnn-brian2-", dir="/tmp")
    os.makedirs(work, exist_ok=True)

    results = []
    try:
        for spec in args.specs:
            print(f"{spec}: hrsnn export and timing, Brian2 build and {args.repeats} run(s) ...", file=sys.stderr)
            results.append(bench_spec(args, spec, work))
    finally:
        if not args.workdir and not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"work directory kept: {work}", file=sys.stderr)
    print_table(results)
    doc = {"format": "hrsnn-brian2-bench/2", "threads": args.threads, "steps": args.steps, "repeats": args.repeats,
           "workdir": work, "nproc": os.cpu_count(), "results": results}
    if args.json:
        tmp = args.json + ".tmp"
        with open(tmp, "w") as f:
            json.dump(doc, f, indent=2)
        os.replace(tmp, args.json)


if __name__ == "__main__":
    main()
