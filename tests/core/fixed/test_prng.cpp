// Tests of core/fixed/prng.hpp: the xorshift32 sequence and the documented seeding.
#include <catch2/catch.hpp>

#include <set>

#include "core/fixed/prng.hpp"

using namespace hrsnn::fixed;

TEST_CASE("prng_next is Marsaglia's xorshift32 (13, 17, 5)", "[fixed][prng]") {
  // Reference values computed independently from the published recurrence.
  uint32_t s = 1;
  const uint32_t expected[] = {270369U, 67634689U, 2647435461U, 307599695U, 2398689233U};
  for (uint32_t want : expected) {
    s = prng_next(s);
    CHECK(s == want);
  }
  CHECK(prng_next(0) == 0);  // the excluded state
}

TEST_CASE("prng_seed mixes the 64-bit spec seed per stream as documented", "[fixed][prng]") {
  CHECK(prng_seed(0, PrngStream::soma) == 0x993D6596U);
  CHECK(prng_seed(0, PrngStream::trace) == 0xCFC1FB9EU);
  CHECK(prng_seed(0, PrngStream::synapse) == 0x86CD1857U);
  CHECK(prng_seed(42, PrngStream::soma) == 0x923C5CB3U);
  CHECK(prng_seed(1, PrngStream::synapse) == 0x03A1F7B0U);
}

TEST_CASE("a Prng stream draws the successive new states, never zero", "[fixed][prng]") {
  Prng p(7, PrngStream::trace);
  uint32_t s = prng_seed(7, PrngStream::trace);
  std::set<uint32_t> seen;
  for (int i = 0; i < 10000; ++i) {
    s = prng_next(s);
    const uint32_t draw = p.draw();
    REQUIRE(draw == s);
    REQUIRE(draw != 0);
    seen.insert(draw);
  }
  CHECK(seen.size() == 10000);
}

TEST_CASE("the low bits of the draws are close to uniform (stochastic rounding relies on them)", "[fixed][prng]") {
  Prng p(123, PrngStream::synapse);
  int counts[16] = {};
  const int n = 160000;
  for (int i = 0; i < n; ++i) ++counts[p.draw() & 15U];
  for (int c : counts) {
    CHECK(c > n / 16 - 600);
    CHECK(c < n / 16 + 600);
  }
}

// ---- the counter form (docs/arithmetic.md §5.1) ----

TEST_CASE("prng_mix32, the step key and the counter draw give the documented values", "[fixed][prng]") {
  // Reference values computed independently (Python) from the formulas of docs/arithmetic.md §5.1.
  CHECK(prng_mix32(0) == 0U);
  CHECK(prng_mix32(1) == 0x86D2FA73U);
  CHECK(prng_mix32(0xDEADBEEFU) == 0x2A2ACAF2U);
  CHECK(prng_step_key(0x993D6596U, 0) == 0x43A23B46U);
  CHECK(prng_step_key(0x993D6596U, 1) == 0x91A4BE46U);
  CHECK(prng_step_key(0x993D6596U, (uint64_t{5} << 32) + 7) == 0x18710E24U);
  CHECK(prng_counter_draw(prng_step_key(0x993D6596U, 0), 0) == 0x6E2C87A6U);
  CHECK(prng_counter_draw(prng_step_key(0x993D6596U, 0), 1) == 0x8AB01728U);
  CHECK(prng_counter_draw(prng_step_key(0x86CD1857U, 1234), 99) == 0xFDF64D76U);
}

namespace {
// The inverse of an odd multiplier modulo 2^32 (Newton's iteration) and of x ^= x >> s.
uint32_t inverse_odd(uint32_t a) {
  uint32_t x = a;  // correct to 3 bits for odd a; each step doubles the correct bits
  for (int k = 0; k < 5; ++k) x *= 2U - a * x;
  return x;
}
uint32_t unxorshift_right(uint32_t y, int s) {
  uint32_t x = y;
  for (int k = s; k < 32; k += s) x = y ^ (x >> s);
  return x;
}
uint32_t unmix32(uint32_t y) {
  y = unxorshift_right(y, 15);
  y *= inverse_odd(0x735A2D97U);
  y = unxorshift_right(y, 15);
  y *= inverse_odd(0x21F0AAADU);
  return unxorshift_right(y, 16);
}
}  // namespace

TEST_CASE("prng_mix32 is a bijection (it has an inverse), so distinct indices give distinct draws", "[fixed][prng]") {
  Prng p(9, PrngStream::soma);
  for (int i = 0; i < 100000; ++i) {
    const uint32_t y = p.draw();
    REQUIRE(prng_mix32(unmix32(y)) == y);
  }
  const uint32_t key = prng_step_key(prng_seed(3, PrngStream::synapse), 17);
  std::set<uint32_t> seen;
  for (uint32_t n = 0; n < 50000; ++n) seen.insert(prng_counter_draw(key, n));
  CHECK(seen.size() == 50000);
}

TEST_CASE("counter draws are close to uniform over indices and over steps", "[fixed][prng]") {
  const uint32_t key = prng_seed(123, PrngStream::synapse);
  int by_index[16] = {}, by_step[16] = {};
  const int n = 160000;
  const uint32_t step_key = prng_step_key(key, 42);
  for (int i = 0; i < n; ++i) {
    ++by_index[prng_counter_draw(step_key, static_cast<uint32_t>(i)) & 15U];
    ++by_step[prng_counter_draw(prng_step_key(key, static_cast<uint64_t>(i)), 7) & 15U];
  }
  for (int k = 0; k < 16; ++k) {
    CHECK(by_index[k] > n / 16 - 600);
    CHECK(by_index[k] < n / 16 + 600);
    CHECK(by_step[k] > n / 16 - 600);
    CHECK(by_step[k] < n / 16 + 600);
  }
}
