#include "report/sections.hpp"

#include <fmt/core.h>

namespace hrsnn::report {

std::string bo_section(const PageInputs& in) {
  std::string h = "<h2 id=\"bo\">7. Bayesian optimization</h2>\n";
  if (in.bo.empty()) {
    h += nodata(
        in.args.bo_dir.empty()
            ? "<code>hrsnn optimize --out DIR</code> writes <code>DIR/history.json</code> "
              "(<code>hrsnn-bo-history/1</code>); <code>tools/bo_vs_random.sh</code> runs Bayesian optimization "
              "and random search at the same budget, one directory per strategy and seed. Pass the directory "
              "with <code>--bo-dir DIR</code> (searched recursively)."
            : "<code>" + html::escape(in.args.bo_dir) + "</code> holds no <code>hrsnn-bo-history/1</code> file.");
  } else {
    h += figure(in.figs, "bo", "BO convergence",
                "Best feasible objective so far per evaluation (thin lines, one per history; thick: the median of a "
                "strategy's histories) and every evaluation's value (dots); one colour per strategy.");
    h += "<table class=\"data\"><thead><tr><th>history</th><th>evaluations</th><th>best value</th><th>best index</th>"
         "<th>best point</th><th>wall (s)</th></tr></thead><tbody>\n";
    for (const auto& b : in.bo) {
      const ojson best = b.doc.contains("best") ? b.doc["best"] : ojson(nullptr);
      const ojson point = best.is_object() ? best.value("values", best.value("x", ojson(nullptr))) : ojson(nullptr);
      h += fmt::format(
          "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>"
          "<td>{}</td><td class=\"num\">{}</td></tr>\n",
          html::escape(b.label), html::number(b.doc.value("evaluations_count", ojson(nullptr))),
          best.is_object() ? html::number(best.value("value", ojson(nullptr))) : "–",
          best.is_object() ? html::number(best.value("index", ojson(nullptr))) : "–", html::cell(point),
          b.doc.contains("timing") ? html::number(b.doc["timing"].value("wall_seconds", ojson(nullptr))) : "–");
    }
    h += "</tbody></table>\n";
  }
  if (in.bo_ignored > 0)
    h += fmt::format(
        "<p class=\"note\">{} other JSON file(s) under <code>{}</code> are not optimizer histories "
        "and were ignored.</p>\n",
        in.bo_ignored, html::escape(in.args.bo_dir));
  return h;
}

// Per history: its convergence curve and every evaluation's value (null where it failed).
ojson bo_figure_data(const std::vector<BoHistory>& bo) {
  ojson out = ojson::array();
  for (const auto& h : bo) {
    ojson values = ojson::array();
    if (h.doc.contains("evaluations") && h.doc["evaluations"].is_array())
      for (const auto& ev : h.doc["evaluations"]) {
        const bool ok = ev.value("ok", true) && ev.contains("value") && ev["value"].is_number();
        values.push_back(ok ? ev["value"] : ojson(nullptr));
      }
    out.push_back({{"label", h.label}, {"group", h.group}, {"convergence", h.doc["convergence"]}, {"values", values}});
  }
  return out;
}

}  // namespace hrsnn::report
