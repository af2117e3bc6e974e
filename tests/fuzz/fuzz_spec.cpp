// libFuzzer target: the spec parser, the network builder and quantize() on arbitrary bytes.
// Every input must end in a clear std::exception or a network; small networks are also run.
#include "core/fixed/quantize.hpp"
#include "core/network.hpp"
#include "core/run.hpp"
#include "core/spec.hpp"

#include <cstddef>
#include <cstdint>
#include <exception>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    hrsnn::NetworkSpec spec = hrsnn::parse_spec(text, "fuzz.toml");
    if (spec.total_neurons() > 2000) return 0;
    const hrsnn::Network net = hrsnn::build_network(spec);
    if (net.synapse_count() > 200000) return 0;
    (void)hrsnn::fixed::quantize(net, spec.hardware);
    hrsnn::RunOptions opt;
    opt.steps = 20;
    (void)hrsnn::run_spec(spec, opt);
    opt.arith = hrsnn::Arith::Fixed;
    (void)hrsnn::run_spec(spec, opt);
  } catch (const std::exception&) {
    // A refusal is a valid outcome; crashes and sanitizer findings are what the fuzzer looks for.
  }
  return 0;
}
