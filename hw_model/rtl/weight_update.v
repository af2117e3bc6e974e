// weight_update: twin of C++ hrsnn::fixed::weight_update (core/fixed/datapath.hpp); spec:
// docs/arithmetic.md §4.2. Pure combinational pair-STDP update of one plastic synapse:
//   acc = sat(w << LF + post * (eta_plus_mant * x_pre) << (eta_plus_exp + LF)
//                      - pre  * (eta_minus_mant * y_post) << (eta_minus_exp + LF), LEARN_ACC_BITS)
//   w'  = clamp(round(acc, LF + k) << k, w_min, w_max),  k = WEIGHT_BITS - num_weight_bits + mixed
// Port names: param.eta_plus_mant -> param_eta_plus_mant, proj.sign_mode -> proj_sign_mode.
module weight_update #(
    parameter integer WEIGHT_BITS     = 8,
    parameter integer TRACE_BITS      = 7,
    parameter integer LEARN_FRAC_BITS = 7,
    parameter integer LEARN_ACC_BITS  = 16,
    parameter integer LR_MANT_BITS    = 4,
    parameter integer LR_EXP_MAX      = 8,
    parameter integer WEIGHT_ROUNDING = 3   // 0 toward_zero, 1 floor, 2 nearest, 3 stochastic
) (
    input  wire signed [WEIGHT_BITS:0]    state_w,
    input  wire        [LR_MANT_BITS-1:0] param_eta_plus_mant,
    input  wire        [LR_MANT_BITS-1:0] param_eta_minus_mant,
    input  wire        [1:0]              proj_sign_mode,        // 0 excitatory, 1 inhibitory, else mixed
    input  wire        [4:0]              proj_num_weight_bits,  // 1..WEIGHT_BITS
    input  wire signed [5:0]              proj_eta_plus_exp,     // -LEARN_FRAC_BITS..LR_EXP_MAX
    input  wire signed [5:0]              proj_eta_minus_exp,
    input  wire                           pre_spike,
    input  wire                           post_spike,
    input  wire        [TRACE_BITS-1:0]   x_pre,
    input  wire        [TRACE_BITS-1:0]   y_post,
    input  wire        [31:0]             rand_word,             // synapse stream draw: [LF+k-1:0]
    output wire signed [WEIGHT_BITS:0]    w_next
);
    localparam integer W  = WEIGHT_BITS;
    localparam integer LF = LEARN_FRAC_BITS;
    localparam integer LA = LEARN_ACC_BITS;
    localparam integer MW = LR_MANT_BITS + TRACE_BITS;             // mantissa * trace
    localparam integer XW = MW + LR_EXP_MAX + LF + 1;              // product << shift (signed)
    localparam integer WW = W + 1 + LF;                            // w << LF (signed)
    localparam integer SW0 = (XW > WW) ? XW : WW;
    localparam integer SW = ((SW0 > LA) ? SW0 : LA) + 2;           // exact sum
    localparam integer RW = LA + 2;                                // rounding (room for round-up)
    localparam [5:0]   LF6 = LF[5:0];
    localparam [5:0]   W6  = W[5:0];

    // 1. one exact accumulation, saturated once
    wire [MW-1:0] ltp_prod = {{TRACE_BITS{1'b0}}, param_eta_plus_mant} * {{LR_MANT_BITS{1'b0}}, x_pre};
    wire [MW-1:0] ltd_prod = {{TRACE_BITS{1'b0}}, param_eta_minus_mant} * {{LR_MANT_BITS{1'b0}}, y_post};
    wire [5:0] ltp_shift = proj_eta_plus_exp + LF6;
    wire [5:0] ltd_shift = proj_eta_minus_exp + LF6;
    wire signed [SW-1:0] ltp = post_spike ? ($signed({{(SW-MW){1'b0}}, ltp_prod}) <<< ltp_shift) : {SW{1'b0}};
    wire signed [SW-1:0] ltd = pre_spike  ? ($signed({{(SW-MW){1'b0}}, ltd_prod}) <<< ltd_shift) : {SW{1'b0}};
    wire signed [SW-1:0] w_acc = $signed({{(SW-W-1){state_w[W]}}, state_w}) <<< LF;
    wire signed [SW-1:0] sum = w_acc + ltp - ltd;
    wire signed [SW-1:0] acc_max = {{(SW-LA+1){1'b0}}, {(LA-1){1'b1}}};
    wire signed [SW-1:0] acc_min = {{(SW-LA+1){1'b1}}, {(LA-1){1'b0}}};
    wire signed [RW-1:0] acc = (sum > acc_max) ? acc_max[RW-1:0]
                             : (sum < acc_min) ? acc_min[RW-1:0]
                             :                   sum[RW-1:0];

    // 2. round to the weight grid: multiples of 2^k weight LSBs = 2^(LF + k) accumulator LSBs
    wire excitatory = proj_sign_mode == 2'd0;
    wire inhibitory = proj_sign_mode == 2'd1;
    wire mixed      = !excitatory && !inhibitory;
    wire [5:0] k = W6 - {1'b0, proj_num_weight_bits} + {5'd0, mixed};
    wire signed [RW-1:0] q;
    shift_right_round #(.W(RW), .SHIFT_W(6), .R_W(32), .ROUNDING(WEIGHT_ROUNDING)) grid_round (
        .x(acc), .n(LF6 + k), .r(rand_word), .y(q));
    wire signed [RW-1:0] rounded = q <<< k;

    // 3. clip by sign mode to [w_min, w_max]
    wire signed [RW-1:0] step   = {{(RW-1){1'b0}}, 1'b1} << k;           // 2^k
    wire signed [RW-1:0] full   = {{(RW-W-1){1'b0}}, 1'b1, {W{1'b0}}};   // 2^W
    wire signed [RW-1:0] w_max  = inhibitory ? {RW{1'b0}} : full - step;
    wire signed [RW-1:0] w_min  = excitatory ? {RW{1'b0}} : inhibitory ? step - full : -full;
    wire signed [RW-1:0] w_clip = (rounded > w_max) ? w_max : (rounded < w_min) ? w_min : rounded;
    assign w_next = w_clip[W:0];

    wire unused_ok = &{1'b0, sum, w_clip};
endmodule
