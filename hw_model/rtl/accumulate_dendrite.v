// accumulate_dendrite: twin of C++ hrsnn::fixed::accumulate_dendrite (core/fixed/datapath.hpp);
// spec: docs/arithmetic.md §4.4. One addition into a neuron's dendritic weight sum, with
// two's-complement wrap at DENDRITE_ACC_BITS (so the sum does not depend on delivery order).
module accumulate_dendrite #(
    parameter integer DENDRITE_ACC_BITS = 24
) (
    input  wire signed [DENDRITE_ACC_BITS-1:0] acc,
    input  wire signed [DENDRITE_ACC_BITS-1:0] w,
    output wire signed [DENDRITE_ACC_BITS-1:0] acc_next
);
    assign acc_next = acc + w;
endmodule
