// prng_next: twin of C++ hrsnn::fixed::prng_next (core/fixed/prng.hpp); spec:
// docs/arithmetic.md §5. Marsaglia's xorshift32 (13, 17, 5) state transition; a draw is the
// new state.
module prng_next (
    input  wire [31:0] state,
    output wire [31:0] state_next
);
    wire [31:0] s1 = state ^ (state << 13);
    wire [31:0] s2 = s1 ^ (s1 >> 17);
    assign state_next = s2 ^ (s2 << 5);
endmodule
