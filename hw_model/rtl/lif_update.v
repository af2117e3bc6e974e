// lif_update: twin of C++ hrsnn::fixed::lif_update (core/fixed/datapath.hpp); spec:
// docs/arithmetic.md §3. Pure combinational next state of one CUBA LIF compartment:
//   u' = narrow(round(u * (2^D - (du + DU_OFFSET)), D) + (a << ACT_SHIFT), U_BITS, U_OVERFLOW)
//   v' = narrow(round(v * (2^D - (dv + DV_OFFSET)), D) + u' + (bias_mant << bias_exp), V_BITS, V_OVERFLOW)
//   refractory (ref_count > 0): v' = 0, ref_count' = ref_count - 1, no spike
//   else spike = v' > (vth << VTH_SHIFT); on spike v' = 0, ref_count' = t_ref
// Port names: C++ state.u -> state_u, param.du -> param_du, LifOutput.u_next -> u_next.
// Parameters come from HardwareFormat (core/foundation/register_format.hpp) through rtl_tests/gen_rtl_params.cpp.
module lif_update #(
    parameter integer U_BITS         = 24,
    parameter integer U_OVERFLOW     = 0,   // 0 wrap, 1 saturate
    parameter integer V_BITS         = 24,
    parameter integer V_OVERFLOW     = 1,
    parameter integer DECAY_BITS     = 12,
    parameter integer DU_OFFSET      = 1,
    parameter integer DV_OFFSET      = 0,
    parameter integer DECAY_ROUNDING = 0,   // 0 toward_zero, 1 floor, 2 nearest, 3 stochastic
    parameter integer ACT_SHIFT      = 6,
    parameter integer A_BITS         = 16,
    parameter integer VTH_BITS       = 17,
    parameter integer VTH_SHIFT      = 6,
    parameter integer BIAS_MANT_BITS = 13,
    parameter integer BIAS_EXP_BITS  = 3,
    parameter integer REF_BITS       = 6
) (
    input  wire signed [U_BITS-1:0]         state_u,
    input  wire signed [V_BITS-1:0]         state_v,
    input  wire        [REF_BITS-1:0]       state_ref_count,
    input  wire        [DECAY_BITS-1:0]     param_du,
    input  wire        [DECAY_BITS-1:0]     param_dv,
    input  wire        [VTH_BITS-1:0]       param_vth,
    input  wire signed [BIAS_MANT_BITS-1:0] param_bias_mant,
    input  wire        [BIAS_EXP_BITS-1:0]  param_bias_exp,
    input  wire        [REF_BITS-1:0]       param_t_ref,
    input  wire signed [A_BITS-1:0]         a,
    input  wire        [31:0]               rand_word,   // soma stream draw: [D-1:0] u, [2D-1:D] v
    output wire signed [U_BITS-1:0]         u_next,
    output wire signed [V_BITS-1:0]         v_next,
    output wire        [REF_BITS-1:0]       ref_count_next,
    output wire                             spike
);
    localparam integer D   = DECAY_BITS;
    localparam integer PU  = U_BITS + D + 2;                      // u * factor (signed)
    localparam integer AW  = A_BITS + ACT_SHIFT;                  // a << ACT_SHIFT
    localparam integer SU  = ((PU > AW) ? PU : AW) + 1;           // u sum
    localparam integer PV  = V_BITS + D + 2;                      // v * factor (signed)
    localparam integer BW  = BIAS_MANT_BITS + (1 << BIAS_EXP_BITS) - 1;  // bias_mant << bias_exp
    localparam integer SV0 = (PV > BW) ? PV : BW;
    localparam integer SV  = ((SV0 > U_BITS) ? SV0 : U_BITS) + 2;  // v sum
    localparam integer TW  = VTH_BITS + VTH_SHIFT;                // threshold
    localparam integer CW  = ((V_BITS > TW) ? V_BITS : TW) + 1;   // comparison
    localparam [5:0]   DS  = D[5:0];                              // decay shift

    wire [D:0] unity = {1'b1, {D{1'b0}}};

    // 1. current
    wire [D:0] u_factor = unity - ({1'b0, param_du} + {{D{1'b0}}, (DU_OFFSET != 0)});
    wire signed [PU-1:0] u_prod = $signed({{(PU-U_BITS){state_u[U_BITS-1]}}, state_u})
                                * $signed({{(PU-D-1){1'b0}}, u_factor});
    wire signed [PU-1:0] u_decayed;
    shift_right_round #(.W(PU), .SHIFT_W(6), .R_W(D), .ROUNDING(DECAY_ROUNDING)) u_round (
        .x(u_prod), .n(DS), .r(rand_word[D-1:0]), .y(u_decayed));
    wire signed [SU-1:0] a_ext = {{(SU-A_BITS){a[A_BITS-1]}}, a};
    wire signed [SU-1:0] u_sum = {{(SU-PU){u_decayed[PU-1]}}, u_decayed} + (a_ext <<< ACT_SHIFT);
    narrow_bits #(.IN_W(SU), .OUT_W(U_BITS), .OVERFLOW(U_OVERFLOW)) u_narrow (.x(u_sum), .y(u_next));

    // 2. voltage
    wire [D:0] v_factor = unity - ({1'b0, param_dv} + {{D{1'b0}}, (DV_OFFSET != 0)});
    wire signed [PV-1:0] v_prod = $signed({{(PV-V_BITS){state_v[V_BITS-1]}}, state_v})
                                * $signed({{(PV-D-1){1'b0}}, v_factor});
    wire signed [PV-1:0] v_decayed;
    shift_right_round #(.W(PV), .SHIFT_W(6), .R_W(D), .ROUNDING(DECAY_ROUNDING)) v_round (
        .x(v_prod), .n(DS), .r(rand_word[2*D-1:D]), .y(v_decayed));
    wire signed [SV-1:0] bias_ext = {{(SV-BIAS_MANT_BITS){param_bias_mant[BIAS_MANT_BITS-1]}}, param_bias_mant};
    wire signed [SV-1:0] v_sum = {{(SV-PV){v_decayed[PV-1]}}, v_decayed}
                               + {{(SV-U_BITS){u_next[U_BITS-1]}}, u_next}
                               + (bias_ext <<< param_bias_exp);
    wire signed [V_BITS-1:0] v_new;
    narrow_bits #(.IN_W(SV), .OUT_W(V_BITS), .OVERFLOW(V_OVERFLOW)) v_narrow (.x(v_sum), .y(v_new));

    // 3. refractory, 4. strict threshold and reset
    wire signed [CW-1:0] v_cmp     = {{(CW-V_BITS){v_new[V_BITS-1]}}, v_new};
    wire signed [CW-1:0] threshold = $signed({{(CW-VTH_BITS){1'b0}}, param_vth}) <<< VTH_SHIFT;
    wire refractory = |state_ref_count;
    wire fire       = v_cmp > threshold;
    assign spike          = !refractory && fire;
    assign v_next         = (refractory || fire) ? {V_BITS{1'b0}} : v_new;
    assign ref_count_next = refractory ? state_ref_count + {REF_BITS{1'b1}}  // - 1
                          : fire       ? param_t_ref
                          :              {REF_BITS{1'b0}};

    wire unused_rand = &{1'b0, rand_word};  // only [2D-1:0] is read, and only when stochastic
endmodule
