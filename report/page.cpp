#include "report/page.hpp"

#include "report/sections.hpp"

#include <fmt/core.h>

#include <algorithm>

namespace hrsnn::report {

namespace {

const char* kStyle = R"(
body { font-family: "DejaVu Sans", system-ui, sans-serif; color: #222; max-width: 1280px; margin: 1.5em auto;
       padding: 0 1.2em; line-height: 1.45; font-size: 14px; }
h1 { font-size: 1.7em; margin-bottom: 0.2em; }
h2 { border-bottom: 2px solid #1f5fa8; padding-bottom: 0.2em; margin-top: 2.2em; }
h4 { margin-bottom: 0.3em; }
.meta { color: #666; font-size: 0.9em; }
nav { background: #f5f7fa; padding: 0.6em 1em; border-radius: 4px; }
nav a { margin-right: 1.2em; text-decoration: none; color: #1f5fa8; }
table { border-collapse: collapse; margin: 0.6em 0 1em; font-size: 0.92em; }
th, td { border: 1px solid #d5d9de; padding: 3px 8px; }
th { background: #eef1f5; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.group td { background: #f7f7f7; font-weight: bold; }
figure { margin: 1em 0; }
figure img { max-width: 100%; border: 1px solid #e3e3e3; }
figcaption { color: #555; font-size: 0.9em; margin-top: 0.3em; }
.nodata { background: #fff8e1; border-left: 4px solid #f0ad4e; padding: 0.6em 0.9em; }
.hook { background: #eef6ff; border-left: 4px solid #1f5fa8; padding: 0.6em 0.9em; }
.note { color: #555; font-size: 0.9em; }
pre { background: #f7f7f7; padding: 0.6em; overflow-x: auto; font-size: 0.85em; }
code { background: #f3f3f3; padding: 0 3px; }
.verdict { font-weight: bold; padding: 0 4px; border-radius: 3px; }
.v-holds { background: #d9f2d9; color: #1e6b1e; }
.v-fails { background: #f8d7d7; color: #8a1f1f; }
.v-inconclusive { background: #eeeeee; color: #555555; }
ul.parts { margin: 0.2em 0; padding-left: 1.2em; }
.scroll { overflow-x: auto; max-width: 100%; }
.sd { color: #777; font-size: 0.9em; }
td.key { white-space: nowrap; }
)";

}  // namespace

std::string figure(const std::map<std::string, std::string>& figs, const std::string& id, const std::string& alt,
                   const std::string& caption) {
  const auto it = figs.find(id);
  if (it == figs.end()) return "<p class=\"nodata\">Figure '" + html::escape(id) + "' was not drawn.</p>\n";
  return "<figure><img alt=\"" + html::escape(alt) + "\" src=\"" + it->second + "\"><figcaption>" + caption +
         "</figcaption></figure>\n";
}

std::string nodata(const std::string& text) { return "<p class=\"nodata\"><b>No data yet.</b> " + text + "</p>\n"; }

std::string page(const PageInputs& in) {
  std::string h =
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<title>hrsnn report</title>\n<style>";
  h += kStyle;
  h += "</style></head><body>\n<h1>hrsnn report</h1>\n";
  h += fmt::format(
      "<p class=\"meta\">Generated {} by <code>{}</code>. Heterogeneous recurrent spiking networks "
      "(Chakraborty &amp; Mukhopadhyay, ICLR 2023) on the float64 reference and the bit-accurate "
      "fixed-point core, with energy from counted events.</p>\n",
      in.generated_utc, html::escape(in.args.command_line));
  h += "<nav><a href=\"#examples\">1 Examples</a><a href=\"#rasters\">2 Spike rasters</a>"
       "<a href=\"#membrane\">3 Membrane float vs fixed</a><a href=\"#energy\">4 Energy</a>"
       "<a href=\"#mapping\">5 Chip mapping</a><a href=\"#study\">6 Study</a>"
       "<a href=\"#bo\">7 Bayesian optimization</a><a href=\"#quantization\">8 Quantization</a>"
       "<a href=\"#left-out\">9 Left out</a></nav>\n";
  h += examples_section(in);
  h += "<h2 id=\"rasters\">2. Spike rasters</h2>\n";
  h += figure(in.figs, "rasters", "spike rasters",
              fmt::format("Spikes of every neuron over the first {} steps (excitatory and inhibitory populations in "
                          "two colours), float64 left, fixed-point right; below each, the population rates over the "
                          "whole run ({} steps), the raster's window shaded.",
                          std::min(in.steps, kRasterWindowSteps), in.steps));
  h += membrane_section(in);
  h += energy_section(in);
  h += chip_map_section(in);
  h += study_section(in);
  h += bo_section(in);
  h += quant_section(in);
  h += "<h2 id=\"left-out\">9. What this report does not show</h2>\n<ul>\n";
  if (in.rtl.empty())
    h += "<li>RTL traces of the example networks: the Verilated neuron core holds at most 256 neurons and 16,384 "
         "synapses (<code>HRSNN_RTL_CORE_*</code>), the examples have 1,000 and about 100,000. <code>hrsnn verify "
         "SPEC --probe IDS --probe-out FILE</code> records them for networks that fit (e.g. "
         "<code>examples/mrsnn_small.toml</code>), and <code>--rtl-probes NAME:FILE</code> draws such a file.</li>\n";
  if (!in.study && !in.study_csv)
    h += "<li>Memory capacity, task scores and the paper's baselines: they come with the study's results.</li>\n";
  if (in.bo.empty()) h += "<li>Bayesian-optimization convergence: it comes with the optimizer's histories.</li>\n";
  if (in.quant.sweeps.empty()) h += "<li>Quantization curves: they come with a sweep's results.</li>\n";
  h += "<li>Energy: no static power or host I/O; most chip models leave some counted events unpriced (lower "
       "bounds); placement and hops are priced for Loihi 1 only (section 5). See <code>docs/energy.md</code> and "
       "<code>docs/mapping.md</code>.</li>\n"
       "<li>The float32 backend (<code>hrsnn run --arith float32</code>) and register-level probes "
       "(<code>hrsnn neuron</code>).</li>\n</ul>\n";
  h += "</body></html>\n";
  return h;
}

}  // namespace hrsnn::report
