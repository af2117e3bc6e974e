// clip_weight_mantissa: twin of C++ hrsnn::fixed::clip_weight_mantissa (core/fixed/datapath.hpp);
// spec: docs/arithmetic.md §4.3. The weight loader (Lava clip_weights + truncate_weights):
//   excitatory: floor(clamp(w, 0, 2^W - 1) / 2^k) * 2^k
//   inhibitory: -floor(clamp(-w, 0, 2^W - 1) / 2^k) * 2^k
//   mixed:      floor(clamp(w, -2^W, 2^W - 1) / 2^k) * 2^k      (k >= 1: even values)
// with k = WEIGHT_BITS - num_weight_bits + mixed.
module clip_weight_mantissa #(
    parameter integer WEIGHT_BITS = 8
) (
    input  wire signed [31:0]          w,
    input  wire        [1:0]           sign_mode,        // 0 excitatory, 1 inhibitory, else mixed
    input  wire        [4:0]           num_weight_bits,  // 1..WEIGHT_BITS
    output wire signed [WEIGHT_BITS:0] w_clipped
);
    localparam integer W  = WEIGHT_BITS;
    localparam integer CW = 34;  // -w of a 32-bit w, with margin
    localparam [5:0]   W6 = W[5:0];

    wire excitatory = sign_mode == 2'd0;
    wire inhibitory = sign_mode == 2'd1;
    wire mixed      = !excitatory && !inhibitory;
    wire [5:0] k = W6 - {1'b0, num_weight_bits} + {5'd0, mixed};

    wire signed [CW-1:0] w_ext   = {{(CW-32){w[31]}}, w};
    wire signed [CW-1:0] v       = inhibitory ? -w_ext : w_ext;            // inhibitory works on -w
    wire signed [CW-1:0] mag_max = {{(CW-W){1'b0}}, {W{1'b1}}};            // 2^W - 1
    wire signed [CW-1:0] lo      = mixed ? ~mag_max : {CW{1'b0}};          // -2^W or 0
    wire signed [CW-1:0] c       = (v > mag_max) ? mag_max : (v < lo) ? lo : v;
    wire signed [CW-1:0] t       = (c >>> k) <<< k;                        // floor to the grid
    wire signed [CW-1:0] result  = inhibitory ? -t : t;
    assign w_clipped = result[W:0];

    wire unused_ok = &{1'b0, result};
endmodule
