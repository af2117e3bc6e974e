#!/usr/bin/env bash
# Synthesizes the neuron core (hw_model/rtl/neuron_core.v and the datapath modules it instantiates)
# with Yosys for each register profile, at small memory sizes, and prints one table row per profile:
#   iCE40 (synth_ice40): 4-input LUTs, carry cells, flip-flops, 4-kbit block RAMs;
#   generic (synth, memories kept as macros): logic gates, flip-flops, memories and their bits.
# The profiles' widths come from the C++ HardwareFormat (hw_model/verilated/gen_rtl_params.cpp,
# compiled here), the same single source the Verilator builds use.
#
# Usage: tools/synth_table.sh [--profiles "loihi narrow"] [--neurons-log2 6] [--synapses-log2 10]
#                             [--projections 4] [--ring-log2 2] [--keep DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

profiles="loihi narrow"
neurons_log2=6
synapses_log2=10
projections=4
ring_log2=2
keep=""
while [ $# -gt 0 ]; do
  case "$1" in
    --profiles) profiles="$2"; shift 2 ;;
    --neurons-log2) neurons_log2="$2"; shift 2 ;;
    --synapses-log2) synapses_log2="$2"; shift 2 ;;
    --projections) projections="$2"; shift 2 ;;
    --ring-log2) ring_log2="$2"; shift 2 ;;
    --keep) keep="$2"; shift 2 ;;
    *) echo "usage: $0 [--profiles \"loihi narrow\"] [--neurons-log2 N] [--synapses-log2 N] [--projections N] [--ring-log2 N] [--keep DIR]" >&2
       exit 2 ;;
  esac
done
command -v yosys >/dev/null || { echo "synth_table.sh: yosys not found (apt-get install yosys)" >&2; exit 1; }

work=$(mktemp -d)
trap 'if [ -n "$keep" ]; then mkdir -p "$keep"; cp -r "$work"/. "$keep"/; fi; rm -rf "$work"' EXIT

# The profiles' Verilog parameters, from the C++ field table.
g++ -std=c++20 -O1 -I"$root" -o "$work/gen_rtl_params" "$root/hw_model/verilated/gen_rtl_params.cpp" "$root/core/foundation/register_format.cpp"
"$work/gen_rtl_params" "$work" > "$work/params.cmake"
declared=$(grep -oE 'parameter[[:space:]]+integer[[:space:]]+[A-Za-z_0-9]+' "$root/hw_model/rtl/neuron_core.v" | awk '{print $3}')
sources=$(ls "$root"/hw_model/rtl/*.v | tr '\n' ' ')

printf 'neuron_core, %d neurons, %d synapses, %d projections, %d ring slots (Yosys %s)\n' \
  $((1 << neurons_log2)) $((1 << synapses_log2)) "$projections" $((1 << ring_log2)) "$(yosys -V | awk '{print $2}')"
printf '%-8s | %9s %7s %6s %5s | %9s %6s %8s %11s\n' profile "iCE40 LUT" carry FF BRAM "gen. gates" FF memories "memory bits"

for profile in $profiles; do
  sets=""
  for name in $declared; do
    case "$name" in
      MAX_NEURONS_LOG2) value=$neurons_log2 ;;
      MAX_SYNAPSES_LOG2) value=$synapses_log2 ;;
      MAX_PROJECTIONS) value=$projections ;;
      RING_SLOTS_LOG2) value=$ring_log2 ;;
      *) value=$(sed -nE "s/^set\(HRSNN_RTL_${profile}_${name} (-?[0-9]+)\)$/\1/p" "$work/params.cmake")
         [ -n "$value" ] || { echo "synth_table.sh: no value of $name for profile $profile" >&2; exit 1; } ;;
    esac
    sets="$sets -set $name $value"
  done
  front="read_verilog -defer $sources
chparam$sets neuron_core
hierarchy -top neuron_core"

  printf '%s\nsynth_ice40 -top neuron_core\ntee -q -o %s stat\n' "$front" "$work/$profile.ice40.stat" > "$work/$profile.ice40.ys"
  # Generic: Yosys's synth up to the fine stage, then gate mapping with memory_map applied to the
  # projection register files (pj_*) only, so each core_ram stays one $mem_v2 macro (its bits
  # reported separately) instead of becoming flip-flops.
  printf '%s\nsynth -top neuron_core -flatten -run begin:fine\nmemory_map neuron_core/pj_*\nopt -fast -full\ntechmap\nopt -fast\nabc -fast\nopt -fast\ntee -q -o %s stat\ntee -q -o %s dump t:$mem_v2\n' \
    "$front" "$work/$profile.generic.stat" "$work/$profile.mem.txt" > "$work/$profile.generic.ys"
  yosys -q -l "$work/$profile.ice40.log" "$work/$profile.ice40.ys" >/dev/null
  yosys -q -l "$work/$profile.generic.log" "$work/$profile.generic.ys" >/dev/null

  count() { awk -v pat="$2" '$1 ~ pat {s += $2} END {print s + 0}' "$1"; }
  lut=$(count "$work/$profile.ice40.stat" '^SB_LUT4$')
  carry=$(count "$work/$profile.ice40.stat" '^SB_CARRY$')
  ff=$(count "$work/$profile.ice40.stat" '^SB_DFF')
  bram=$(count "$work/$profile.ice40.stat" '^SB_RAM40_4K')
  g_ff=$(count "$work/$profile.generic.stat" '^[$]_(S|A)?DFF')
  g_mem=$(count "$work/$profile.generic.stat" '^[$]mem_v2$')
  g_all=$(awk '/Number of cells:/ {print $4}' "$work/$profile.generic.stat" | tail -1)
  g_gates=$((g_all - g_ff - g_mem))
  mem_bits=$(awk '/parameter \\SIZE / {size = ($3 + 0)} /parameter \\WIDTH / {bits += size * ($3 + 0)} END {print bits + 0}' \
    "$work/$profile.mem.txt")
  printf '%-8s | %9d %7d %6d %5d | %9d %6d %8d %11d\n' "$profile" "$lut" "$carry" "$ff" "$bram" "$g_gates" "$g_ff" "$g_mem" "$mem_bits"
done
