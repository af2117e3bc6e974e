// datapath_top: test-only wrapper (rtl_tests/datapath_harness.cpp drives it against the C++
// twins in core/fixed/datapath.hpp and core/fixed/prng.hpp). One Verilated model per register
// profile holds every datapath module side by side, so one eval() checks them all; each port is
// the module's own port name behind a prefix (lif_, trace_, weight_, clip_, wexp_, dacc_, prng_).
// The parameters are HardwareFormat fields, passed by CMake from gen_rtl_params.cpp.
module datapath_top #(
    parameter integer U_BITS            = 24,
    parameter integer U_OVERFLOW        = 0,
    parameter integer V_BITS            = 24,
    parameter integer V_OVERFLOW        = 1,
    parameter integer DECAY_BITS        = 12,
    parameter integer DU_OFFSET         = 1,
    parameter integer DV_OFFSET         = 0,
    parameter integer DECAY_ROUNDING    = 0,
    parameter integer ACT_SHIFT         = 6,
    parameter integer A_BITS            = 16,
    parameter integer A_OVERFLOW        = 0,
    parameter integer DENDRITE_ACC_BITS = 24,
    parameter integer VTH_BITS          = 17,
    parameter integer VTH_SHIFT         = 6,
    parameter integer BIAS_MANT_BITS    = 13,
    parameter integer BIAS_EXP_BITS     = 3,
    parameter integer REF_BITS          = 6,
    parameter integer WEIGHT_BITS       = 8,
    parameter integer WEIGHT_EXP_MAX    = 7,
    parameter integer TRACE_BITS        = 7,
    parameter integer TRACE_FRAC_BITS   = 8,
    parameter integer TRACE_ROUNDING    = 3,
    parameter integer LEARN_FRAC_BITS   = 7,
    parameter integer LEARN_ACC_BITS    = 16,
    parameter integer LR_MANT_BITS      = 4,
    parameter integer LR_EXP_MAX        = 8,
    parameter integer WEIGHT_ROUNDING   = 3
) (
    // lif_update
    input  wire signed [U_BITS-1:0]            lif_state_u,
    input  wire signed [V_BITS-1:0]            lif_state_v,
    input  wire        [REF_BITS-1:0]          lif_state_ref_count,
    input  wire        [DECAY_BITS-1:0]        lif_param_du,
    input  wire        [DECAY_BITS-1:0]        lif_param_dv,
    input  wire        [VTH_BITS-1:0]          lif_param_vth,
    input  wire signed [BIAS_MANT_BITS-1:0]    lif_param_bias_mant,
    input  wire        [BIAS_EXP_BITS-1:0]     lif_param_bias_exp,
    input  wire        [REF_BITS-1:0]          lif_param_t_ref,
    input  wire signed [A_BITS-1:0]            lif_a,
    input  wire        [31:0]                  lif_rand_word,
    output wire signed [U_BITS-1:0]            lif_u_next,
    output wire signed [V_BITS-1:0]            lif_v_next,
    output wire        [REF_BITS-1:0]          lif_ref_count_next,
    output wire                                lif_spike,
    // trace_update
    input  wire        [TRACE_BITS-1:0]        trace_state_x,
    input  wire        [DECAY_BITS-1:0]        trace_param_dx,
    input  wire        [TRACE_BITS-1:0]        trace_param_impulse_int,
    input  wire        [TRACE_FRAC_BITS-1:0]   trace_param_impulse_frac,
    input  wire                                trace_spike,
    input  wire        [31:0]                  trace_rand_word,
    output wire        [TRACE_BITS-1:0]        trace_x_next,
    // weight_update
    input  wire signed [WEIGHT_BITS:0]         weight_state_w,
    input  wire        [LR_MANT_BITS-1:0]      weight_param_eta_plus_mant,
    input  wire        [LR_MANT_BITS-1:0]      weight_param_eta_minus_mant,
    input  wire        [1:0]                   weight_proj_sign_mode,
    input  wire        [4:0]                   weight_proj_num_weight_bits,
    input  wire signed [5:0]                   weight_proj_eta_plus_exp,
    input  wire signed [5:0]                   weight_proj_eta_minus_exp,
    input  wire                                weight_pre_spike,
    input  wire                                weight_post_spike,
    input  wire        [TRACE_BITS-1:0]        weight_x_pre,
    input  wire        [TRACE_BITS-1:0]        weight_y_post,
    input  wire        [31:0]                  weight_rand_word,
    output wire signed [WEIGHT_BITS:0]         weight_w_next,
    // clip_weight_mantissa
    input  wire signed [31:0]                  clip_w,
    input  wire        [1:0]                   clip_sign_mode,
    input  wire        [4:0]                   clip_num_weight_bits,
    output wire signed [WEIGHT_BITS:0]         clip_w_clipped,
    // apply_weight_exp
    input  wire signed [DENDRITE_ACC_BITS-1:0] wexp_acc,
    input  wire signed [4:0]                   wexp_weight_exp,
    output wire signed [A_BITS-1:0]            wexp_a,
    // accumulate_dendrite
    input  wire signed [DENDRITE_ACC_BITS-1:0] dacc_acc,
    input  wire signed [DENDRITE_ACC_BITS-1:0] dacc_w,
    output wire signed [DENDRITE_ACC_BITS-1:0] dacc_acc_next,
    // prng_next
    input  wire        [31:0]                  prng_state,
    output wire        [31:0]                  prng_state_next
);
    lif_update #(
        .U_BITS(U_BITS), .U_OVERFLOW(U_OVERFLOW), .V_BITS(V_BITS), .V_OVERFLOW(V_OVERFLOW),
        .DECAY_BITS(DECAY_BITS), .DU_OFFSET(DU_OFFSET), .DV_OFFSET(DV_OFFSET),
        .DECAY_ROUNDING(DECAY_ROUNDING), .ACT_SHIFT(ACT_SHIFT), .A_BITS(A_BITS),
        .VTH_BITS(VTH_BITS), .VTH_SHIFT(VTH_SHIFT), .BIAS_MANT_BITS(BIAS_MANT_BITS),
        .BIAS_EXP_BITS(BIAS_EXP_BITS), .REF_BITS(REF_BITS)
    ) lif (
        .state_u(lif_state_u), .state_v(lif_state_v), .state_ref_count(lif_state_ref_count),
        .param_du(lif_param_du), .param_dv(lif_param_dv), .param_vth(lif_param_vth),
        .param_bias_mant(lif_param_bias_mant), .param_bias_exp(lif_param_bias_exp),
        .param_t_ref(lif_param_t_ref), .a(lif_a), .rand_word(lif_rand_word),
        .u_next(lif_u_next), .v_next(lif_v_next), .ref_count_next(lif_ref_count_next),
        .spike(lif_spike));

    trace_update #(
        .DECAY_BITS(DECAY_BITS), .TRACE_BITS(TRACE_BITS), .TRACE_FRAC_BITS(TRACE_FRAC_BITS),
        .TRACE_ROUNDING(TRACE_ROUNDING)
    ) trace (
        .state_x(trace_state_x), .param_dx(trace_param_dx),
        .param_impulse_int(trace_param_impulse_int), .param_impulse_frac(trace_param_impulse_frac),
        .spike(trace_spike), .rand_word(trace_rand_word), .x_next(trace_x_next));

    weight_update #(
        .WEIGHT_BITS(WEIGHT_BITS), .TRACE_BITS(TRACE_BITS), .LEARN_FRAC_BITS(LEARN_FRAC_BITS),
        .LEARN_ACC_BITS(LEARN_ACC_BITS), .LR_MANT_BITS(LR_MANT_BITS), .LR_EXP_MAX(LR_EXP_MAX),
        .WEIGHT_ROUNDING(WEIGHT_ROUNDING)
    ) weight (
        .state_w(weight_state_w), .param_eta_plus_mant(weight_param_eta_plus_mant),
        .param_eta_minus_mant(weight_param_eta_minus_mant), .proj_sign_mode(weight_proj_sign_mode),
        .proj_num_weight_bits(weight_proj_num_weight_bits),
        .proj_eta_plus_exp(weight_proj_eta_plus_exp), .proj_eta_minus_exp(weight_proj_eta_minus_exp),
        .pre_spike(weight_pre_spike), .post_spike(weight_post_spike), .x_pre(weight_x_pre),
        .y_post(weight_y_post), .rand_word(weight_rand_word), .w_next(weight_w_next));

    clip_weight_mantissa #(.WEIGHT_BITS(WEIGHT_BITS)) clip (
        .w(clip_w), .sign_mode(clip_sign_mode), .num_weight_bits(clip_num_weight_bits),
        .w_clipped(clip_w_clipped));

    apply_weight_exp #(
        .DENDRITE_ACC_BITS(DENDRITE_ACC_BITS), .A_BITS(A_BITS), .A_OVERFLOW(A_OVERFLOW),
        .WEIGHT_EXP_MAX(WEIGHT_EXP_MAX)
    ) wexp (.acc(wexp_acc), .weight_exp(wexp_weight_exp), .a(wexp_a));

    accumulate_dendrite #(.DENDRITE_ACC_BITS(DENDRITE_ACC_BITS)) dacc (
        .acc(dacc_acc), .w(dacc_w), .acc_next(dacc_acc_next));

    prng_next prng (.state(prng_state), .state_next(prng_state_next));
endmodule
