// prng_mix32: twin of C++ hrsnn::fixed::prng_mix32 (core/fixed/prng.hpp); spec:
// docs/arithmetic.md §5.1 (the counter form). Combinational: two 32-bit products modulo 2^32
// and three XOR-shifts.
module prng_mix32 (
    input  wire [31:0] x,
    output wire [31:0] y
);
    wire [31:0] a = x ^ (x >> 16);
    wire [31:0] b = a * 32'h21F0AAAD;
    wire [31:0] c = b ^ (b >> 15);
    wire [31:0] d = c * 32'h735A2D97;
    assign y = d ^ (d >> 15);
endmodule
