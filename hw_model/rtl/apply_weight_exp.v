// apply_weight_exp: twin of C++ hrsnn::fixed::apply_weight_exp (core/fixed/datapath.hpp);
// spec: docs/arithmetic.md §4.4. The step's dendritic input from the weight sum:
//   a = narrow(weight_exp >= 0 ? acc << weight_exp : acc >>> -weight_exp, A_BITS, A_OVERFLOW)
// (a negative exponent floors the sum once, as Lava's Dense does).
module apply_weight_exp #(
    parameter integer DENDRITE_ACC_BITS = 24,
    parameter integer A_BITS            = 16,
    parameter integer A_OVERFLOW        = 0,   // 0 wrap, 1 saturate
    parameter integer WEIGHT_EXP_MAX    = 7
) (
    input  wire signed [DENDRITE_ACC_BITS-1:0] acc,
    input  wire signed [4:0]                   weight_exp,  // -WEIGHT_EXP_MAX..WEIGHT_EXP_MAX
    output wire signed [A_BITS-1:0]            a
);
    localparam integer XW = DENDRITE_ACC_BITS + WEIGHT_EXP_MAX + 1;
    wire signed [XW-1:0] acc_ext = {{(XW-DENDRITE_ACC_BITS){acc[DENDRITE_ACC_BITS-1]}}, acc};
    wire        [4:0]    neg_exp = -weight_exp;
    wire signed [XW-1:0] shifted = weight_exp[4] ? (acc_ext >>> neg_exp) : (acc_ext <<< weight_exp);
    narrow_bits #(.IN_W(XW), .OUT_W(A_BITS), .OVERFLOW(A_OVERFLOW)) a_narrow (.x(shifted), .y(a));
endmodule
