// narrow_bits: twin of C++ hrsnn::fixed::narrow_bits (core/fixed/arith.hpp); spec:
// docs/arithmetic.md §2. Narrows a signed IN_W-bit value into a signed OUT_W-bit register:
// OVERFLOW 0 = two's-complement wrap, 1 = saturate to the symmetric range +-(2^(OUT_W-1) - 1).
// When IN_W <= OUT_W the value always fits and is sign-extended.
module narrow_bits #(
    parameter integer IN_W     = 33,
    parameter integer OUT_W    = 24,
    parameter integer OVERFLOW = 0   // 0 wrap, 1 saturate
) (
    input  wire signed [IN_W-1:0]  x,
    output wire signed [OUT_W-1:0] y
);
    generate
        if (IN_W == OUT_W) begin : g_same
            assign y = (OVERFLOW != 0 && x == {1'b1, {(IN_W-1){1'b0}}})
                       ? {1'b1, {(OUT_W-2){1'b0}}, 1'b1}  // -2^(OUT_W-1) -> -(2^(OUT_W-1) - 1)
                       : x;
        end else if (IN_W < OUT_W) begin : g_extend
            assign y = {{(OUT_W-IN_W){x[IN_W-1]}}, x};
        end else if (OVERFLOW == 0) begin : g_wrap
            assign y = x[OUT_W-1:0];
            wire unused_high = &{1'b0, x[IN_W-1:OUT_W]};
        end else begin : g_saturate
            localparam [IN_W-1:0] HI = {{(IN_W-OUT_W+1){1'b0}}, {(OUT_W-1){1'b1}}};
            localparam [IN_W-1:0] LO = ~HI + {{(IN_W-1){1'b0}}, 1'b1};
            assign y = (x > $signed(HI)) ? HI[OUT_W-1:0]
                     : (x < $signed(LO)) ? LO[OUT_W-1:0]
                     : x[OUT_W-1:0];
        end
    endgenerate
endmodule
