// shift_right_round: twin of C++ hrsnn::fixed::shift_right_round (core/fixed/arith.hpp);
// spec: docs/arithmetic.md §2. Combinational y = x / 2^n rounded by ROUNDING:
//   0 toward_zero  sign(x) * (|x| >> n)
//   1 floor        x >>> n
//   2 nearest      sign(x) * ((|x| + 2^(n-1)) >> n)          (ties away from zero)
//   3 stochastic   sign(x) * ((|x| >> n) + (frac > r[n-1:0]))  (frac = |x| mod 2^n)
// Preconditions: n < W; |x| small enough that the rounded magnitude fits W - 1 bits (callers
// size W with a spare bit).
module shift_right_round #(
    parameter integer W        = 32,  // width of x and y (signed)
    parameter integer SHIFT_W  = 6,   // width of n
    parameter integer R_W      = 16,  // width of r
    parameter integer ROUNDING = 0    // 0 toward_zero, 1 floor, 2 nearest, 3 stochastic
) (
    input  wire signed [W-1:0]       x,
    input  wire        [SHIFT_W-1:0] n,
    input  wire        [R_W-1:0]     r,
    output wire signed [W-1:0]       y
);
    wire         neg  = x[W-1];
    wire [W-1:0] mag  = neg ? (~x + {{(W-1){1'b0}}, 1'b1}) : x;  // |x|; |-2^(W-1)| fits unsigned
    wire [W-1:0] mask = ~({W{1'b1}} << n);                      // low n bits
    wire [W-1:0] frac = mag & mask;

    // r resized to W bits (only its low n bits are compared).
    wire [W-1:0] r_w;
    generate
        if (R_W >= W) begin : g_r_trunc
            assign r_w = r[W-1:0];
            if (R_W > W) begin : g_r_unused
                wire unused_r_high = &{1'b0, r[R_W-1:W]};
            end
        end else begin : g_r_ext
            assign r_w = {{(W-R_W){1'b0}}, r};
        end
    endgenerate

    reg [W-1:0] mag_q;  // rounded magnitude (modes 0, 2, 3)
    always @(*) begin
        case (ROUNDING)
            2:       mag_q = (mag + (mask & ~(mask >> 1))) >> n;  // + 2^(n-1) (0 when n = 0)
            3:       mag_q = (mag >> n) + {{(W-1){1'b0}}, (frac > (r_w & mask))};
            default: mag_q = mag >> n;
        endcase
    end

    wire [W-1:0] signed_q = neg ? (~mag_q + {{(W-1){1'b0}}, 1'b1}) : mag_q;
    assign y = (ROUNDING == 1) ? (x >>> n) : $signed(signed_q);

    wire unused_ok = &{1'b0, r_w, frac};  // r and frac matter only when ROUNDING = 3
endmodule
