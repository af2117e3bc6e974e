#include "report/sections.hpp"

#include <fmt/core.h>

namespace hrsnn::report {

std::string quant_section(const PageInputs& in) {
  std::string h = "<h2 id=\"quantization\">8. Quantization sweeps</h2>\n";
  if (in.quant.sweeps.empty()) {
    h += nodata(
        "A quantization sweep over the register format (weight, decay and trace widths, K shared decay "
        "profiles), each point reporting fidelity to the float reference, memory capacity, task scores, "
        "spikes and energy, is run by <code>hrsnn quantize</code>, which writes <code>quant.json</code>. "
        "Pass it with <code>--quant-json quant.json</code>.");
    return h;
  }
  h += "<p>From <code>" + html::escape(in.args.quant_json) + "</code>" +
       (in.quant.format.empty() ? "" : " (" + html::escape(in.quant.format) + "; values are means over seeds)") +
       ".</p>\n";
  for (size_t k = 0; k < in.quant.sweeps.size(); ++k) {
    const auto& q = in.quant.sweeps[k];
    h += "<h3>" + html::escape(q.name) + "</h3>\n";
    h += figure(in.figs, fmt::format("quant_{}", k), "quantization sweep " + q.name,
                "Each metric against <code>" + html::escape(q.x_key) +
                    "</code>; dashed: the float64 reference where the file gives one.");
    h += html::table_from_objects(q.points);
  }
  if (!in.quant.note.empty()) h += "<p class=\"note\">" + html::escape(in.quant.note) + "</p>\n";
  if (!in.quant.findings.is_null()) h += "<h3>Findings of the sweep</h3>\n" + html::render_json(in.quant.findings);
  return h;
}

// Per sweep: its x key, the metrics drawn against it, the points and the float reference.
ojson quant_figure_data(const QuantInput& quant) {
  ojson out = ojson::array();
  for (const auto& q : quant.sweeps)
    out.push_back({{"name", q.name},
                   {"x_key", q.x_key},
                   {"metrics", q.metrics},
                   {"points", q.points},
                   {"reference", q.reference}});
  return out;
}

}  // namespace hrsnn::report
