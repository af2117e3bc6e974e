// trace_update: twin of C++ hrsnn::fixed::trace_update (core/fixed/datapath.hpp); spec:
// docs/arithmetic.md §4.1. Pure combinational next value of one STDP trace:
//   x' = min(round(x * (2^D - dx), D) + spike * round(impulse_int + impulse_frac / 2^F, F), 2^T - 1)
// both roundings by TRACE_ROUNDING; stochastic bits: [D-1:0] decay, [D+F-1:D] impulse fraction.
module trace_update #(
    parameter integer DECAY_BITS      = 12,
    parameter integer TRACE_BITS      = 7,
    parameter integer TRACE_FRAC_BITS = 8,
    parameter integer TRACE_ROUNDING  = 3   // 0 toward_zero, 1 floor, 2 nearest, 3 stochastic
) (
    input  wire [TRACE_BITS-1:0]      state_x,
    input  wire [DECAY_BITS-1:0]      param_dx,
    input  wire [TRACE_BITS-1:0]      param_impulse_int,
    input  wire [TRACE_FRAC_BITS-1:0] param_impulse_frac,
    input  wire                       spike,
    input  wire [31:0]                rand_word,  // trace stream draw
    output wire [TRACE_BITS-1:0]      x_next
);
    localparam integer D  = DECAY_BITS;
    localparam integer T  = TRACE_BITS;
    localparam integer F  = TRACE_FRAC_BITS;
    localparam integer PW = T + D + 2;                   // x * factor (signed, non-negative)
    localparam integer IW = T + F + 1;                   // impulse in 2^-F units (signed, non-negative)
    localparam integer SW = ((PW > IW) ? PW : IW) + 1;   // sum
    localparam [5:0]   DS = D[5:0];
    localparam [5:0]   FS = F[5:0];

    // 1. decay
    wire [D:0] factor = {1'b1, {D{1'b0}}} - {1'b0, param_dx};
    wire signed [PW-1:0] prod = $signed({{(PW-T){1'b0}}, state_x}) * $signed({{(PW-D-1){1'b0}}, factor});
    wire signed [PW-1:0] decayed;
    shift_right_round #(.W(PW), .SHIFT_W(6), .R_W(D), .ROUNDING(TRACE_ROUNDING)) decay_round (
        .x(prod), .n(DS), .r(rand_word[D-1:0]), .y(decayed));

    // 2. impulse
    wire signed [IW-1:0] impulse = {1'b0, param_impulse_int, param_impulse_frac};
    wire signed [IW-1:0] impulse_rounded;
    shift_right_round #(.W(IW), .SHIFT_W(6), .R_W(F), .ROUNDING(TRACE_ROUNDING)) impulse_round (
        .x(impulse), .n(FS), .r(rand_word[D+F-1:D]), .y(impulse_rounded));

    // 3. saturate
    wire signed [SW-1:0] sum = {{(SW-PW){decayed[PW-1]}}, decayed}
                             + (spike ? {{(SW-IW){impulse_rounded[IW-1]}}, impulse_rounded} : {SW{1'b0}});
    wire signed [SW-1:0] x_max = {{(SW-T){1'b0}}, {T{1'b1}}};
    assign x_next = (sum > x_max) ? {T{1'b1}} : sum[T-1:0];

    wire unused_ok = &{1'b0, rand_word, sum};
endmodule
