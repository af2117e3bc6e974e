"""hrsnn.run releases the GIL while it simulates: another Python thread runs meanwhile.

With the switch interval raised far above the test's length, the interpreter never takes the
GIL from a running thread, so the waiting thread can only run when the main thread gives the
GIL up. The main thread sets `in_run` just before hrsnn.run and clears it just after, holding
the GIL throughout unless hrsnn.run releases it; the thread records what it sees. No timing
threshold is involved: if the GIL were held, the thread would see in_run False (after the run)."""

import sys
import threading

import hrsnn
from conftest import EXAMPLES


def test_other_threads_run_while_simulating():
    spec = hrsnn.load_spec(EXAMPLES / "hrsnn.toml")
    in_run = [False]
    seen = []
    go = threading.Event()

    def observer():
        go.wait()
        seen.append(in_run[0])

    old = sys.getswitchinterval()
    sys.setswitchinterval(1000.0)
    try:
        t = threading.Thread(target=observer)
        t.start()
        go.set()  # the observer is runnable now, but needs the GIL, which this thread holds
        in_run[0] = True
        r = hrsnn.run(spec, steps=400)
        in_run[0] = False
        t.join()
    finally:
        sys.setswitchinterval(old)
    assert r.summary["steps"] == 400
    assert seen == [True]


def test_threads_run_simulations_concurrently():
    # Two runs on two Python threads give the rasters of two sequential runs.
    spec = hrsnn.load_spec(EXAMPLES / "mrsnn.toml")
    results = {}

    def work(arith):
        results[arith] = hrsnn.run(spec, arith=arith, steps=150).raster_hash

    threads = [threading.Thread(target=work, args=(a,)) for a in ("float64", "fixed")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == {a: hrsnn.run(spec, arith=a, steps=150).raster_hash for a in ("float64", "fixed")}


def test_ctrl_c_ends_a_run():
    # A thread that can only run once hrsnn.run has released the GIL (as above) sends the main
    # thread a SIGINT (_thread.interrupt_main). The run checks for signals every 256 steps, so it
    # raises KeyboardInterrupt from inside the extension's call, long before its 10^6 steps end.
    import _thread
    import traceback

    spec = hrsnn.load_spec(EXAMPLES / "mrsnn_small.toml")
    go = threading.Event()

    def interrupter():
        go.wait()
        _thread.interrupt_main()

    old = sys.getswitchinterval()
    sys.setswitchinterval(1000.0)
    try:
        t = threading.Thread(target=interrupter)
        t.start()
        go.set()
        try:
            hrsnn.run(spec, steps=1_000_000, record_spikes=False)
            raised = None
        except KeyboardInterrupt as e:
            raised = e
        t.join()
    finally:
        sys.setswitchinterval(old)
    assert raised is not None
    # Raised by the extension's call itself, not after it returned.
    last = traceback.extract_tb(raised.__traceback__)[-1]
    assert "_hrsnn.run(" in last.line
