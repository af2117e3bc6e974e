#!/usr/bin/env bash
# `mpirun --oversubscribe -n 3 hrsnn study|quantize|optimize` against the one-process run: the files
# must be equal except timing fields (same_except_timing.py). As root, Open MPI needs the two
# ALLOW_RUN_AS_ROOT variables; under ASan, LeakSanitizer reports leaks inside Open MPI, so leak
# detection is off for the ranks (-x passes the environment to them).
# Usage: mpi_equal.sh HRSNN MPIEXEC SOURCE_DIR WORK_DIR
set -euo pipefail
hrsnn=$1 mpiexec=$2 src=$3 work=$4
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0"
rm -rf "$work" && mkdir -p "$work"
mpi=("$mpiexec" --oversubscribe -n 3 -x ASAN_OPTIONS -x UBSAN_OPTIONS -x OMPI_ALLOW_RUN_AS_ROOT
     -x OMPI_ALLOW_RUN_AS_ROOT_CONFIRM)

"$hrsnn" study --quick --threads 2 --out "$work/study1" > "$work/study1.log" 2>&1
"${mpi[@]}" "$hrsnn" study --quick --threads 1 --out "$work/study3" > "$work/study3.log" 2>&1
grep -q "3 MPI ranks" "$work/study3.log"
python3 "$src/tests/mpi/same_except_timing.py" "$work/study1" "$work/study3"

cat > "$work/sweep.toml" <<'TOML'
[run]
fidelity_steps = 300
[[axis]]
field = "trace_bits"
values = [5, 6, 7]
[[axis]]
field = "weight_bits"
values = [6, 8]
TOML
spec="$src/examples/hrsnn_small.toml"
"$hrsnn" quantize "$spec" --config "$work/sweep.toml" --no-tasks --threads 2 --out "$work/quant1" \
  > "$work/quant1.log" 2>&1
"${mpi[@]}" "$hrsnn" quantize "$spec" --config "$work/sweep.toml" --no-tasks --threads 1 \
  --out "$work/quant3" > "$work/quant3.log" 2>&1
grep -q "3 MPI ranks" "$work/quant3.log"
python3 "$src/tests/mpi/same_except_timing.py" "$work/quant1" "$work/quant3"
# A NIR model: every rank imports it; rank 0 records (docs/nir.md).
nir=("$src/examples/nir/recurrent_cuba.nir" --dt-ms 1 --input "$src/examples/nir/recurrent_cuba.input.npy"
     --config "$work/sweep.toml" --no-tasks)
"$hrsnn" quantize "${nir[@]}" --threads 2 --out "$work/nirq1" > "$work/nirq1.log" 2>&1
"${mpi[@]}" "$hrsnn" quantize "${nir[@]}" --threads 1 --out "$work/nirq3" > "$work/nirq3.log" 2>&1
grep -q "3 MPI ranks" "$work/nirq3.log"
python3 "$src/tests/mpi/same_except_timing.py" "$work/nirq1" "$work/nirq3"
# optimize --batch 3: each round's points spread over the ranks; rank 0 records them in index order.
opt=(optimize "$src/tests/data/optimize/tiny.toml" --space "$src/tests/data/optimize/tiny_space.toml" --budget 9 --batch 3 --initial 3 --seeds 1
     --samples 150 --max-delay 5 --washout 20 --quiet)
"$hrsnn" "${opt[@]}" --threads 2 --out "$work/opt1" > "$work/opt1.log" 2>&1
"${mpi[@]}" "$hrsnn" "${opt[@]}" --threads 1 --out "$work/opt3" > "$work/opt3.log" 2>&1
grep -q "spread over 3 MPI ranks" "$work/opt3.log"
python3 "$src/tests/mpi/same_except_timing.py" "$work/opt1" "$work/opt3"
# Killed after 5 evaluations and resumed under mpirun: the same history.
"${mpi[@]}" "$hrsnn" "${opt[@]}" --threads 1 --out "$work/opt3r" --abort-after 5 > "$work/opt3r.log" 2>&1 || true
"${mpi[@]}" "$hrsnn" "${opt[@]}" --threads 1 --out "$work/opt3r" --resume >> "$work/opt3r.log" 2>&1
grep -q "(5 resumed)" "$work/opt3r.log"
python3 -c "import sys; sys.path.insert(0, sys.argv[1]); from same_except_timing import csv_rows; from pathlib import Path; \
sys.exit(csv_rows(Path(sys.argv[2])) != csv_rows(Path(sys.argv[3])))" "$src/tests/mpi" "$work/opt1/history.csv" "$work/opt3r/history.csv"
echo "MPI runs equal the one-process runs"
