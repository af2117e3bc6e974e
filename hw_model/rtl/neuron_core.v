// neuron_core: the time-multiplexed neuron core; twin of C++ hrsnn::fixed::FixedSimulator::step
// (core/fixed/fixed_sim.cpp); spec: docs/arithmetic.md §5 (PRNG consumption order) and §6 (the
// step). One step, started by `start`, runs these controller phases, in the model's step order (docs/model.md):
//
//   1. NEURON  for i = 0..n_neurons-1 (one neuron per cycle, pipelined reads):
//              a_i = narrow(ext_i + sum_p apply_weight_exp(dendrite_p[slot_now][i], weight_exp_p), A_BITS)
//              (one bank per projection, all read in parallel, then cleared), soma draw if
//              DECAY_ROUNDING is stochastic, lif_update, write back, spike -> spike list + port.
//   2. TRACE   for i = 0..n_neurons-1 (one neuron per cycle): x_i then y_i, each only when the
//              neuron carries it and it is non-zero or i spiked (trace draws in that order).
//   3. POST    plastic projections in order; spiking post neurons ascending; the transposed
//              column in stored order; entries whose pre neuron also spiked are skipped:
//              weight_update(pre 0, post 1) with one synapse draw. 3 cycles per update.
//   4. PRE     spiking neurons ascending; projections leaving the neuron in order; its CSR row
//              in stored order: weight_update(pre 1, post s_i) if plastic (one synapse draw),
//              then accumulate_dendrite of the new weight into bank p, slot (slot_now + delay_p).
//              3 cycles per synapse.
//   5. DONE    slot_now advances (the clock of the delay ring).
// Event counters (the fields of hrsnn::EventCounts, core/counters.hpp) count inside the phases
// exactly as FixedSimulator does, including input events handed in with the external input.
//
// Memories (core_ram, loaded through the load port while idle; the harness owns the layout):
//   per neuron  du dv vth bias_mant bias_exp t_ref | u v ref_count | x y dx dy has_trace | ext
//               (external input: [31:0] signed value in `a` units after the input exponent,
//               [63:32] input events; cleared when consumed) | spike list
//   per synapse post (global neuron id), w (weight mantissa), lr ({eta_minus, eta_plus} mantissas),
//               all projections back to back (global synapse address)
//   CSR         row_ptr[row_base_p + pre_local] .. [+1] = synapse addresses of a row
//   transposed  col_ptr[col_base_p + post_local] .. [+1] = entries; col_syn (synapse), col_pre (neuron)
//   dendrite    one bank per projection, address {slot, neuron}, DENDRITE_ACC_BITS wrap
// Registers: per projection (ranges, bases, delay, plastic, sign mode, num_weight_bits, exponents),
// trace impulses, the three PRNG states (xorshift32, loaded with prng_seed's values; with
// PRNG_FORM = 1 they are the counter form's keys and never change), slot_now, the step number.
//
// Parameters: the HardwareFormat fields (rtl_param names, from rtl_tests/gen_rtl_params.cpp) and
// the memory sizes MAX_NEURONS_LOG2, MAX_SYNAPSES_LOG2, MAX_PROJECTIONS, RING_SLOTS_LOG2 (a
// projection's delay must be below 2^RING_SLOTS_LOG2).
module neuron_core #(
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
    parameter integer WEIGHT_ROUNDING   = 3,
    parameter integer PRNG_FORM         = 0,
    // memory sizes (not format fields)
    parameter integer MAX_NEURONS_LOG2  = 8,
    parameter integer MAX_SYNAPSES_LOG2 = 14,
    parameter integer MAX_PROJECTIONS   = 4,
    parameter integer RING_SLOTS_LOG2   = 2
) (
    input  wire        clk,
    input  wire        rst,         // synchronous: controller idle, counters and spike flags cleared
    // load port: writes one memory word or register per cycle, ignored while busy
    input  wire        load_we,
    input  wire [4:0]  load_sel,    // SEL_* below
    input  wire [31:0] load_addr,
    input  wire [63:0] load_data,
    // one step per start pulse; busy until the step is complete
    input  wire        start,
    output wire        busy,
    // spikes, neurons ascending, during the neuron phase (registered: valid the cycle after)
    output reg                          spike_valid,
    output reg  [MAX_NEURONS_LOG2-1:0]  spike_id,
    // PRNG stream states (docs/arithmetic.md §5)
    output wire [31:0] prng_soma_state,
    output wire [31:0] prng_trace_state,
    output wire [31:0] prng_synapse_state,
    // event counters since reset (hrsnn::EventCounts)
    output wire [63:0] count_neuron_updates_active,
    output wire [63:0] count_neuron_updates_idle,
    output wire [63:0] count_spikes,
    output wire [63:0] count_synaptic_events,
    output wire [63:0] count_trace_updates,
    output wire [63:0] count_plastic_updates,
    output wire [63:0] count_weight_reads,
    output wire [63:0] count_weight_writes,
    output wire [63:0] count_state_reads,
    output wire [63:0] count_state_writes
);
    // ---- sizes -------------------------------------------------------------------------------
    localparam integer NA   = MAX_NEURONS_LOG2;
    localparam integer N    = 1 << NA;
    localparam integer SA   = MAX_SYNAPSES_LOG2;
    localparam integer P    = MAX_PROJECTIONS;
    localparam integer PA   = (P > 1) ? $clog2(P) : 1;
    localparam integer RA   = RING_SLOTS_LOG2;
    localparam integer RWA  = NA + PA + 1;        // row / column pointer tables: P * (N + 1) entries
    localparam integer DAW  = RA + NA;            // dendrite bank address {slot, neuron}
    localparam integer DACC = DENDRITE_ACC_BITS;
    localparam integer W1   = WEIGHT_BITS + 1;    // weight mantissa register (signed)
    localparam integer T    = TRACE_BITS;
    localparam integer TF   = TRACE_FRAC_BITS;
    localparam integer D    = DECAY_BITS;
    localparam integer LM   = LR_MANT_BITS;
    localparam integer XB   = 32;                 // external input value (signed)
    localparam integer SUMW = ((XB > A_BITS) ? XB : A_BITS) + PA + 2;  // exact input sum

    localparam integer SOMA_RANDOM   = (DECAY_ROUNDING == 3) ? 1 : 0;
    localparam integer TRACE_RANDOM  = (TRACE_ROUNDING == 3) ? 1 : 0;
    localparam integer WEIGHT_RANDOM = (WEIGHT_ROUNDING == 3) ? 1 : 0;

    // ---- load selectors (rtl_tests/rtl_core.cpp uses the same codes) ---------------------------
    localparam [4:0] SEL_DU = 5'd0, SEL_DV = 5'd1, SEL_VTH = 5'd2, SEL_BIAS_MANT = 5'd3,
                     SEL_BIAS_EXP = 5'd4, SEL_T_REF = 5'd5, SEL_U = 5'd6, SEL_V = 5'd7,
                     SEL_REF = 5'd8, SEL_X = 5'd9, SEL_Y = 5'd10, SEL_DX = 5'd11, SEL_DY = 5'd12,
                     SEL_HAS_TRACE = 5'd13, SEL_EXT = 5'd14, SEL_SYN_POST = 5'd15,
                     SEL_SYN_W = 5'd16, SEL_SYN_LR = 5'd17, SEL_ROW_PTR = 5'd18,
                     SEL_COL_PTR = 5'd19, SEL_COL_SYN = 5'd20, SEL_COL_PRE = 5'd21,
                     SEL_DENDRITE = 5'd22, SEL_PROJ = 5'd23, SEL_GLOBAL = 5'd24;
    // SEL_PROJ: load_addr = p * 16 + field; SEL_GLOBAL: load_addr = register
    localparam [3:0] PF_PRE_FIRST = 4'd0, PF_PRE_SIZE = 4'd1, PF_POST_FIRST = 4'd2,
                     PF_POST_SIZE = 4'd3, PF_ROW_BASE = 4'd4, PF_COL_BASE = 4'd5, PF_DELAY = 4'd6,
                     PF_PLASTIC = 4'd7, PF_SIGN_MODE = 4'd8, PF_NUM_WEIGHT_BITS = 4'd9,
                     PF_WEIGHT_EXP = 4'd10, PF_ETA_PLUS_EXP = 4'd11, PF_ETA_MINUS_EXP = 4'd12;
    localparam [3:0] GR_N_NEURONS = 4'd0, GR_N_PROJECTIONS = 4'd1, GR_X_IMPULSE_INT = 4'd2,
                     GR_X_IMPULSE_FRAC = 4'd3, GR_Y_IMPULSE_INT = 4'd4, GR_Y_IMPULSE_FRAC = 4'd5,
                     GR_PRNG_SOMA = 4'd6, GR_PRNG_TRACE = 4'd7, GR_PRNG_SYNAPSE = 4'd8,
                     GR_SLOT_NOW = 4'd9, GR_STEP = 4'd10;

    // ---- controller states ---------------------------------------------------------------------
    localparam [4:0] S_IDLE = 5'd0, S_N_FIRST = 5'd1, S_N_EX = 5'd2, S_T_FIRST = 5'd3, S_T_EX = 5'd4,
                     S_PW_PROJ = 5'd5, S_PW_SPK = 5'd6, S_PW_I = 5'd7, S_PW_C0 = 5'd8,
                     S_PW_C1 = 5'd9, S_PW_E = 5'd10, S_PW_E1 = 5'd11, S_PW_E2 = 5'd12,
                     S_PR_SPK = 5'd13, S_PR_J = 5'd14, S_PR_X = 5'd15, S_PR_PROJ = 5'd16,
                     S_PR_R0 = 5'd17, S_PR_R1 = 5'd18, S_PR_E = 5'd19, S_PR_E1 = 5'd20,
                     S_PR_E2 = 5'd21, S_DONE = 5'd22;

    reg [4:0]     state;
    reg [NA:0]    idx;         // neuron counter (neuron and trace phases)
    reg [NA:0]    k;           // spike list cursor
    reg [NA:0]    spike_cnt;   // spikes of this step
    reg [PA:0]    p;           // projection cursor
    reg [SA:0]    cur;         // column entry (post walk) or synapse address (pre walk)
    reg [SA:0]    cur_end;
    reg [NA-1:0]  cur_i;       // post neuron
    reg [NA-1:0]  cur_j;       // pre neuron
    reg [SA-1:0]  cur_s;       // synapse of the post-walk entry
    reg [T-1:0]   x_j;         // pre trace (pre walk)
    reg [T-1:0]   y_i;         // post trace (post walk)
    reg [RWA-1:0] ptr_addr;    // row / column pointer address
    reg [N-1:0]   spiking;     // spike flags of this step
    reg [RA-1:0]  slot_now;

    reg [NA:0]    n_neurons;
    reg [PA:0]    n_proj;
    reg [T-1:0]   x_imp_int, y_imp_int;
    reg [TF-1:0]  x_imp_frac, y_imp_frac;
    reg [31:0]    prng_soma, prng_trace, prng_syn;  // serial: stream states; counter: keys
    reg [63:0]    step_t;                           // the step number (counter form's draws)

    reg [63:0] cnt_active, cnt_idle, cnt_spikes, cnt_events, cnt_traces, cnt_plastic,
               cnt_wreads, cnt_wwrites, cnt_sreads, cnt_swrites;

    // per projection registers
    reg [NA-1:0]     pj_pre_first       [0:P-1];
    reg [NA:0]       pj_pre_size        [0:P-1];
    reg [NA-1:0]     pj_post_first      [0:P-1];
    reg [NA:0]       pj_post_size       [0:P-1];
    reg [RWA-1:0]    pj_row_base        [0:P-1];
    reg [RWA-1:0]    pj_col_base        [0:P-1];
    reg [RA-1:0]     pj_delay           [0:P-1];
    reg              pj_plastic         [0:P-1];
    reg [1:0]        pj_sign_mode       [0:P-1];
    reg [4:0]        pj_num_weight_bits [0:P-1];
    reg signed [4:0] pj_weight_exp      [0:P-1];
    reg signed [5:0] pj_eta_plus_exp    [0:P-1];
    reg signed [5:0] pj_eta_minus_exp   [0:P-1];

    wire          load_ok = load_we && state == S_IDLE;
    wire [PA-1:0] pw      = p[PA-1:0];
    wire [NA-1:0] idx_lo  = idx[NA-1:0];
    wire [NA:0]   idx_inc = idx + {{NA{1'b0}}, 1'b1};
    wire [NA:0]   k_inc   = k + {{NA{1'b0}}, 1'b1};
    wire [PA:0]   p_inc   = p + {{PA{1'b0}}, 1'b1};
    wire [SA:0]   cur_inc = cur + {{SA{1'b0}}, 1'b1};
    wire [RA-1:0] slot_emit = slot_now + pj_delay[pw];

    // ---- memory read data --------------------------------------------------------------------
    wire [D-1:0]              du_q, dv_q, dx_q, dy_q;
    wire [VTH_BITS-1:0]       vth_q;
    wire [BIAS_MANT_BITS-1:0] bias_mant_q;
    wire [BIAS_EXP_BITS-1:0]  bias_exp_q;
    wire [REF_BITS-1:0]       t_ref_q, ref_q;
    wire [U_BITS-1:0]         u_q;
    wire [V_BITS-1:0]         v_q;
    wire [T-1:0]              x_q, y_q;
    wire [1:0]                has_q;
    wire [63:0]               ext_q;
    wire [NA-1:0]             sl_q, syn_post_q, col_pre_q;
    wire [W1-1:0]             syn_w_q;
    wire [2*LM-1:0]           syn_lr_q;
    wire [SA:0]               row_ptr_q, col_ptr_q;
    wire [SA-1:0]             col_syn_q;
    wire [P*DACC-1:0]         dend_q;

    // ---- read controls (combinational in the state) ------------------------------------------
    reg           n_re, t_re, x_re, y_re, sl_re, syn_re, col_re, row_ptr_re, col_ptr_re;
    reg [NA-1:0]  n_raddr, x_raddr, y_raddr, sl_raddr;
    reg [SA-1:0]  syn_raddr, col_raddr;
    reg [RWA-1:0] ptr_raddr;
    reg [P-1:0]   dend_re;
    reg [DAW-1:0] dend_raddr;

    // current projection, neuron ranges
    wire [NA+1:0] post_lo = {2'b00, pj_post_first[pw]};
    wire [NA+1:0] post_hi = post_lo + {1'b0, pj_post_size[pw]};
    wire [NA+1:0] pre_lo  = {2'b00, pj_pre_first[pw]};
    wire [NA+1:0] pre_hi  = pre_lo + {1'b0, pj_pre_size[pw]};
    wire [NA+1:0] sl_ext  = {2'b00, sl_q};
    wire [NA+1:0] j_ext   = {2'b00, cur_j};
    wire          sl_in_post = sl_ext >= post_lo && sl_ext < post_hi;
    wire          j_in_pre   = j_ext >= pre_lo && j_ext < pre_hi;
    wire [NA-1:0] sl_post_local = sl_q - pj_post_first[pw];
    wire [NA-1:0] j_pre_local   = cur_j - pj_pre_first[pw];
    wire [RWA-1:0] col_ptr_first = pj_col_base[pw] + {{(RWA-NA){1'b0}}, sl_post_local};
    wire [RWA-1:0] row_ptr_first = pj_row_base[pw] + {{(RWA-NA){1'b0}}, j_pre_local};
    wire [RWA-1:0] ptr_addr_inc  = ptr_addr + {{(RWA-1){1'b0}}, 1'b1};

    always @* begin
        n_re = 1'b0;  t_re = 1'b0;  x_re = 1'b0;  y_re = 1'b0;  sl_re = 1'b0;  syn_re = 1'b0;
        col_re = 1'b0;  row_ptr_re = 1'b0;  col_ptr_re = 1'b0;  dend_re = {P{1'b0}};
        n_raddr = idx_lo;  x_raddr = idx_lo;  y_raddr = idx_lo;  sl_raddr = k[NA-1:0];
        syn_raddr = cur[SA-1:0];  col_raddr = cur[SA-1:0];  ptr_raddr = ptr_addr;
        dend_raddr = {slot_now, idx_lo};
        case (state)
            S_N_FIRST, S_N_EX: begin  // read neuron idx (first) or idx + 1 (pipelined)
                n_re = 1'b1;
                dend_re = {P{1'b1}};
                if (state == S_N_EX) begin
                    n_raddr = idx_inc[NA-1:0];
                    dend_raddr = {slot_now, idx_inc[NA-1:0]};
                end
            end
            S_T_FIRST, S_T_EX: begin
                t_re = 1'b1;  x_re = 1'b1;  y_re = 1'b1;
                if (state == S_T_EX) begin
                    n_raddr = idx_inc[NA-1:0];
                    x_raddr = idx_inc[NA-1:0];
                    y_raddr = idx_inc[NA-1:0];
                end
            end
            S_PW_SPK, S_PR_SPK: sl_re = 1'b1;
            S_PW_I: begin  // column start of post neuron sl_q, and its y trace
                col_ptr_re = 1'b1;  ptr_raddr = col_ptr_first;
                y_re = 1'b1;  y_raddr = sl_q;
            end
            S_PW_C0: begin col_ptr_re = 1'b1;  ptr_raddr = ptr_addr_inc; end
            S_PW_E:  col_re = 1'b1;
            S_PW_E1: begin  // the entry's pre trace and synapse
                x_re = 1'b1;  x_raddr = col_pre_q;
                syn_re = 1'b1;  syn_raddr = col_syn_q;
            end
            S_PR_J:  begin x_re = 1'b1;  x_raddr = sl_q; end
            S_PR_PROJ: begin row_ptr_re = 1'b1;  ptr_raddr = row_ptr_first; end
            S_PR_R0: begin row_ptr_re = 1'b1;  ptr_raddr = ptr_addr_inc; end
            S_PR_E:  syn_re = 1'b1;
            S_PR_E1: begin  // the post neuron's trace and dendritic sum
                y_re = 1'b1;  y_raddr = syn_post_q;
                dend_re[pw] = 1'b1;  dend_raddr = {slot_emit, syn_post_q};
            end
            default: ;
        endcase
    end

    // ---- datapath: neuron phase ------------------------------------------------------------------
    // soma stream: one draw per neuron when the decay rounds stochastically
    wire [31:0] soma_draw;
    prng_next soma_prng (.state(prng_soma), .state_next(soma_draw));
    // counter form (docs/arithmetic.md §5.1): draw = mix32(k_t ^ index), k_t the step's key
    wire [31:0] step_hi_mix, key_soma_t, key_trace_t, key_syn_t;
    prng_mix32 m_step_hi (.x(step_t[63:32]), .y(step_hi_mix));
    prng_mix32 m_key_soma (.x(prng_soma ^ step_hi_mix ^ step_t[31:0]), .y(key_soma_t));
    prng_mix32 m_key_trace (.x(prng_trace ^ step_hi_mix ^ step_t[31:0]), .y(key_trace_t));
    prng_mix32 m_key_syn (.x(prng_syn ^ step_hi_mix ^ step_t[31:0]), .y(key_syn_t));
    wire [31:0] soma_cdraw;
    prng_mix32 m_soma (.x(key_soma_t ^ {{(32-NA){1'b0}}, idx_lo}), .y(soma_cdraw));
    wire [31:0] soma_word = (SOMA_RANDOM == 0) ? 32'd0 : (PRNG_FORM != 0) ? soma_cdraw : soma_draw;

    // dendritic input: ext + sum over banks of apply_weight_exp, narrowed once
    wire [P*SUMW-1:0] a_terms;
    genvar g;
    generate
        for (g = 0; g < P; g = g + 1) begin : g_bank
            wire signed [A_BITS-1:0] a_p;
            apply_weight_exp #(.DENDRITE_ACC_BITS(DACC), .A_BITS(A_BITS), .A_OVERFLOW(A_OVERFLOW),
                               .WEIGHT_EXP_MAX(WEIGHT_EXP_MAX)) wexp (
                .acc(dend_q[g*DACC +: DACC]), .weight_exp(pj_weight_exp[g]), .a(a_p));
            assign a_terms[g*SUMW +: SUMW] = {{(SUMW-A_BITS){a_p[A_BITS-1]}}, a_p};
        end
    endgenerate
    reg [SUMW-1:0] a_sum;  // exact: ext (32 bits) plus P terms of A_BITS
    integer b;
    always @* begin
        a_sum = {{(SUMW-XB){ext_q[XB-1]}}, ext_q[XB-1:0]};
        for (b = 0; b < P; b = b + 1) a_sum = a_sum + a_terms[b*SUMW +: SUMW];
    end
    wire signed [A_BITS-1:0] a_in;
    narrow_bits #(.IN_W(SUMW), .OUT_W(A_BITS), .OVERFLOW(A_OVERFLOW)) a_narrow (.x(a_sum), .y(a_in));

    wire signed [U_BITS-1:0]   u_next;
    wire signed [V_BITS-1:0]   v_next;
    wire        [REF_BITS-1:0] ref_next;
    wire                       lif_spike;
    lif_update #(
        .U_BITS(U_BITS), .U_OVERFLOW(U_OVERFLOW), .V_BITS(V_BITS), .V_OVERFLOW(V_OVERFLOW),
        .DECAY_BITS(D), .DU_OFFSET(DU_OFFSET), .DV_OFFSET(DV_OFFSET), .DECAY_ROUNDING(DECAY_ROUNDING),
        .ACT_SHIFT(ACT_SHIFT), .A_BITS(A_BITS), .VTH_BITS(VTH_BITS), .VTH_SHIFT(VTH_SHIFT),
        .BIAS_MANT_BITS(BIAS_MANT_BITS), .BIAS_EXP_BITS(BIAS_EXP_BITS), .REF_BITS(REF_BITS)) lif (
        .state_u(u_q), .state_v(v_q), .state_ref_count(ref_q),
        .param_du(du_q), .param_dv(dv_q), .param_vth(vth_q), .param_bias_mant(bias_mant_q),
        .param_bias_exp(bias_exp_q), .param_t_ref(t_ref_q), .a(a_in), .rand_word(soma_word),
        .u_next(u_next), .v_next(v_next), .ref_count_next(ref_next), .spike(lif_spike));
    // an update is active when any state or the input is non-zero (EventCounts)
    wire neuron_active = (|u_q) || (|v_q) || (|ref_q) || (|a_in);
    wire neuron_step   = state == S_N_EX;
    wire spike_now     = neuron_step && lif_spike;

    // ---- datapath: trace phase -------------------------------------------------------------------
    wire trace_step = state == S_T_EX;
    wire spike_i    = spiking[idx_lo];
    wire x_active   = has_q[0] && ((|x_q) || spike_i);
    wire y_active   = has_q[1] && ((|y_q) || spike_i);
    wire [31:0] trace_draw_x, trace_draw_y;
    prng_next trace_prng_x (.state(prng_trace), .state_next(trace_draw_x));
    wire [31:0] trace_mid = (TRACE_RANDOM != 0 && x_active) ? trace_draw_x : prng_trace;
    prng_next trace_prng_y (.state(trace_mid), .state_next(trace_draw_y));
    wire [31:0] trace_after = (TRACE_RANDOM != 0 && y_active) ? trace_draw_y : trace_mid;
    wire [31:0] trace_cdraw_x, trace_cdraw_y;
    prng_mix32 m_trace_x (.x(key_trace_t ^ {{(31-NA){1'b0}}, idx_lo, 1'b0}), .y(trace_cdraw_x));
    prng_mix32 m_trace_y (.x(key_trace_t ^ {{(31-NA){1'b0}}, idx_lo, 1'b1}), .y(trace_cdraw_y));
    wire [31:0] trace_word_x = (TRACE_RANDOM == 0) ? 32'd0 : (PRNG_FORM != 0) ? trace_cdraw_x : trace_draw_x;
    wire [31:0] trace_word_y = (TRACE_RANDOM == 0) ? 32'd0 : (PRNG_FORM != 0) ? trace_cdraw_y : trace_draw_y;
    wire [T-1:0] x_next, y_next;
    trace_update #(.DECAY_BITS(D), .TRACE_BITS(T), .TRACE_FRAC_BITS(TF), .TRACE_ROUNDING(TRACE_ROUNDING)) x_upd (
        .state_x(x_q), .param_dx(dx_q), .param_impulse_int(x_imp_int), .param_impulse_frac(x_imp_frac),
        .spike(spike_i), .rand_word(trace_word_x), .x_next(x_next));
    trace_update #(.DECAY_BITS(D), .TRACE_BITS(T), .TRACE_FRAC_BITS(TF), .TRACE_ROUNDING(TRACE_ROUNDING)) y_upd (
        .state_x(y_q), .param_dx(dy_q), .param_impulse_int(y_imp_int), .param_impulse_frac(y_imp_frac),
        .spike(spike_i), .rand_word(trace_word_y), .x_next(y_next));

    // ---- datapath: plasticity and emission ------------------------------------------------------
    wire in_pre  = state == S_PR_E2;
    wire in_post = state == S_PW_E2;
    wire [31:0] syn_draw;
    prng_next syn_prng (.state(prng_syn), .state_next(syn_draw));
    // the synapse's global address: cur in the pre walk, cur_s (from the column) in the post walk
    wire [SA-1:0] syn_index = in_pre ? cur[SA-1:0] : cur_s;
    wire [31:0] syn_cdraw;
    prng_mix32 m_syn (.x(key_syn_t ^ {{(32-SA){1'b0}}, syn_index}), .y(syn_cdraw));
    wire [31:0] syn_word = (WEIGHT_RANDOM == 0) ? 32'd0 : (PRNG_FORM != 0) ? syn_cdraw : syn_draw;
    wire signed [W1-1:0] w_next;
    weight_update #(.WEIGHT_BITS(WEIGHT_BITS), .TRACE_BITS(T), .LEARN_FRAC_BITS(LEARN_FRAC_BITS),
                    .LEARN_ACC_BITS(LEARN_ACC_BITS), .LR_MANT_BITS(LM), .LR_EXP_MAX(LR_EXP_MAX),
                    .WEIGHT_ROUNDING(WEIGHT_ROUNDING)) wu (
        .state_w(syn_w_q), .param_eta_plus_mant(syn_lr_q[LM-1:0]), .param_eta_minus_mant(syn_lr_q[2*LM-1:LM]),
        .proj_sign_mode(pj_sign_mode[pw]), .proj_num_weight_bits(pj_num_weight_bits[pw]),
        .proj_eta_plus_exp(pj_eta_plus_exp[pw]), .proj_eta_minus_exp(pj_eta_minus_exp[pw]),
        .pre_spike(in_pre), .post_spike(in_pre ? spiking[cur_i] : 1'b1),
        .x_pre(in_pre ? x_j : x_q), .y_post(in_pre ? y_q : y_i),
        .rand_word(syn_word), .w_next(w_next));
    wire plastic_now = pj_plastic[pw];
    wire signed [W1-1:0] w_emit = plastic_now ? w_next : syn_w_q;
    wire signed [DACC-1:0] w_emit_ext;
    narrow_bits #(.IN_W(W1), .OUT_W(DACC), .OVERFLOW(0)) w_extend (.x(w_emit), .y(w_emit_ext));
    wire signed [DACC-1:0] dend_sum;
    accumulate_dendrite #(.DENDRITE_ACC_BITS(DACC)) dacc (
        .acc(dend_q[pw*DACC +: DACC]), .w(w_emit_ext), .acc_next(dend_sum));

    // ---- memories ------------------------------------------------------------------------------
    // Each memory's write port: the load port while idle, else the controller.
    wire [NA-1:0]  ld_n   = load_addr[NA-1:0];
    wire [SA-1:0]  ld_s   = load_addr[SA-1:0];
    wire [RWA-1:0] ld_r   = load_addr[RWA-1:0];
    `define HRSNN_LOAD(sel) (load_ok && load_sel == (sel))

    core_ram #(.WIDTH(D), .ADDR_BITS(NA)) du_ram (.clk(clk), .we(`HRSNN_LOAD(SEL_DU)), .waddr(ld_n),
        .wdata(load_data[D-1:0]), .re(n_re), .raddr(n_raddr), .rdata(du_q));
    core_ram #(.WIDTH(D), .ADDR_BITS(NA)) dv_ram (.clk(clk), .we(`HRSNN_LOAD(SEL_DV)), .waddr(ld_n),
        .wdata(load_data[D-1:0]), .re(n_re), .raddr(n_raddr), .rdata(dv_q));
    core_ram #(.WIDTH(VTH_BITS), .ADDR_BITS(NA)) vth_ram (.clk(clk), .we(`HRSNN_LOAD(SEL_VTH)), .waddr(ld_n),
        .wdata(load_data[VTH_BITS-1:0]), .re(n_re), .raddr(n_raddr), .rdata(vth_q));
    core_ram #(.WIDTH(BIAS_MANT_BITS), .ADDR_BITS(NA)) bias_mant_ram (.clk(clk), .we(`HRSNN_LOAD(SEL_BIAS_MANT)),
        .waddr(ld_n), .wdata(load_data[BIAS_MANT_BITS-1:0]), .re(n_re), .raddr(n_raddr), .rdata(bias_mant_q));
    core_ram #(.WIDTH(BIAS_EXP_BITS), .ADDR_BITS(NA)) bias_exp_ram (.clk(clk), .we(`HRSNN_LOAD(SEL_BIAS_EXP)),
        .waddr(ld_n), .wdata(load_data[BIAS_EXP_BITS-1:0]), .re(n_re), .raddr(n_raddr), .rdata(bias_exp_q));
    core_ram #(.WIDTH(REF_BITS), .ADDR_BITS(NA)) t_ref_ram (.clk(clk), .we(`HRSNN_LOAD(SEL_T_REF)), .waddr(ld_n),
        .wdata(load_data[REF_BITS-1:0]), .re(n_re), .raddr(n_raddr), .rdata(t_ref_q));

    // neuron state: written back in the neuron phase
    wire [NA-1:0] nwaddr = load_ok ? ld_n : idx_lo;
    core_ram #(.WIDTH(U_BITS), .ADDR_BITS(NA)) u_ram (.clk(clk), .we(`HRSNN_LOAD(SEL_U) || neuron_step),
        .waddr(nwaddr), .wdata(load_ok ? load_data[U_BITS-1:0] : u_next), .re(n_re), .raddr(n_raddr), .rdata(u_q));
    core_ram #(.WIDTH(V_BITS), .ADDR_BITS(NA)) v_ram (.clk(clk), .we(`HRSNN_LOAD(SEL_V) || neuron_step),
        .waddr(nwaddr), .wdata(load_ok ? load_data[V_BITS-1:0] : v_next), .re(n_re), .raddr(n_raddr), .rdata(v_q));
    core_ram #(.WIDTH(REF_BITS), .ADDR_BITS(NA)) ref_ram (.clk(clk), .we(`HRSNN_LOAD(SEL_REF) || neuron_step),
        .waddr(nwaddr), .wdata(load_ok ? load_data[REF_BITS-1:0] : ref_next), .re(n_re), .raddr(n_raddr),
        .rdata(ref_q));
    // external input: consumed (cleared) in the neuron phase
    core_ram #(.WIDTH(64), .ADDR_BITS(NA)) ext_ram (.clk(clk), .we(`HRSNN_LOAD(SEL_EXT) || neuron_step),
        .waddr(nwaddr), .wdata(load_ok ? load_data : 64'd0), .re(n_re), .raddr(n_raddr), .rdata(ext_q));
    // spike list of this step, ascending
    core_ram #(.WIDTH(NA), .ADDR_BITS(NA)) spike_list_ram (.clk(clk), .we(spike_now),
        .waddr(spike_cnt[NA-1:0]), .wdata(idx_lo), .re(sl_re), .raddr(sl_raddr), .rdata(sl_q));

    // traces: written in the trace phase
    core_ram #(.WIDTH(T), .ADDR_BITS(NA)) x_ram (.clk(clk), .we(`HRSNN_LOAD(SEL_X) || (trace_step && x_active)),
        .waddr(nwaddr), .wdata(load_ok ? load_data[T-1:0] : x_next), .re(x_re), .raddr(x_raddr), .rdata(x_q));
    core_ram #(.WIDTH(T), .ADDR_BITS(NA)) y_ram (.clk(clk), .we(`HRSNN_LOAD(SEL_Y) || (trace_step && y_active)),
        .waddr(nwaddr), .wdata(load_ok ? load_data[T-1:0] : y_next), .re(y_re), .raddr(y_raddr), .rdata(y_q));
    core_ram #(.WIDTH(D), .ADDR_BITS(NA)) dx_ram (.clk(clk), .we(`HRSNN_LOAD(SEL_DX)), .waddr(ld_n),
        .wdata(load_data[D-1:0]), .re(t_re), .raddr(n_raddr), .rdata(dx_q));
    core_ram #(.WIDTH(D), .ADDR_BITS(NA)) dy_ram (.clk(clk), .we(`HRSNN_LOAD(SEL_DY)), .waddr(ld_n),
        .wdata(load_data[D-1:0]), .re(t_re), .raddr(n_raddr), .rdata(dy_q));
    core_ram #(.WIDTH(2), .ADDR_BITS(NA)) has_ram (.clk(clk), .we(`HRSNN_LOAD(SEL_HAS_TRACE)), .waddr(ld_n),
        .wdata(load_data[1:0]), .re(t_re), .raddr(n_raddr), .rdata(has_q));

    // synapses: weights written by plasticity (post walk at cur_s, pre walk at cur)
    wire syn_w_we = `HRSNN_LOAD(SEL_SYN_W) || in_post || (in_pre && plastic_now);
    wire [SA-1:0] syn_w_waddr = load_ok ? ld_s : in_post ? cur_s : cur[SA-1:0];
    core_ram #(.WIDTH(NA), .ADDR_BITS(SA)) syn_post_ram (.clk(clk), .we(`HRSNN_LOAD(SEL_SYN_POST)), .waddr(ld_s),
        .wdata(load_data[NA-1:0]), .re(syn_re), .raddr(syn_raddr), .rdata(syn_post_q));
    core_ram #(.WIDTH(W1), .ADDR_BITS(SA)) syn_w_ram (.clk(clk), .we(syn_w_we), .waddr(syn_w_waddr),
        .wdata(load_ok ? load_data[W1-1:0] : w_next), .re(syn_re), .raddr(syn_raddr), .rdata(syn_w_q));
    core_ram #(.WIDTH(2*LM), .ADDR_BITS(SA)) syn_lr_ram (.clk(clk), .we(`HRSNN_LOAD(SEL_SYN_LR)), .waddr(ld_s),
        .wdata(load_data[2*LM-1:0]), .re(syn_re), .raddr(syn_raddr), .rdata(syn_lr_q));
    core_ram #(.WIDTH(SA+1), .ADDR_BITS(RWA)) row_ptr_ram (.clk(clk), .we(`HRSNN_LOAD(SEL_ROW_PTR)), .waddr(ld_r),
        .wdata(load_data[SA:0]), .re(row_ptr_re), .raddr(ptr_raddr), .rdata(row_ptr_q));
    core_ram #(.WIDTH(SA+1), .ADDR_BITS(RWA)) col_ptr_ram (.clk(clk), .we(`HRSNN_LOAD(SEL_COL_PTR)), .waddr(ld_r),
        .wdata(load_data[SA:0]), .re(col_ptr_re), .raddr(ptr_raddr), .rdata(col_ptr_q));
    core_ram #(.WIDTH(SA), .ADDR_BITS(SA)) col_syn_ram (.clk(clk), .we(`HRSNN_LOAD(SEL_COL_SYN)), .waddr(ld_s),
        .wdata(load_data[SA-1:0]), .re(col_re), .raddr(col_raddr), .rdata(col_syn_q));
    core_ram #(.WIDTH(NA), .ADDR_BITS(SA)) col_pre_ram (.clk(clk), .we(`HRSNN_LOAD(SEL_COL_PRE)), .waddr(ld_s),
        .wdata(load_data[NA-1:0]), .re(col_re), .raddr(col_raddr), .rdata(col_pre_q));

    // dendrite banks: cleared as read in the neuron phase, accumulated in the pre walk
    generate
        for (g = 0; g < P; g = g + 1) begin : g_dend
            localparam [PA-1:0] BANK = g;
            wire ld   = `HRSNN_LOAD(SEL_DENDRITE) && load_addr[DAW +: PA] == BANK;
            wire emit = in_pre && pw == BANK;
            core_ram #(.WIDTH(DACC), .ADDR_BITS(DAW)) ram (.clk(clk),
                .we(ld || neuron_step || emit),
                .waddr(load_ok ? load_addr[DAW-1:0] : emit ? {slot_emit, cur_i} : {slot_now, idx_lo}),
                .wdata(load_ok ? load_data[DACC-1:0] : emit ? dend_sum : {DACC{1'b0}}),
                .re(dend_re[g]), .raddr(dend_raddr), .rdata(dend_q[g*DACC +: DACC]));
        end
    endgenerate
    `undef HRSNN_LOAD

    // ---- controller ----------------------------------------------------------------------------
    wire [3:0]    ld_field = load_addr[3:0];
    wire [PA-1:0] ld_proj  = load_addr[4 +: PA];

    always @(posedge clk) begin
        spike_valid <= spike_now;
        spike_id    <= idx_lo;
        if (rst) begin
            state <= S_IDLE;
            spiking <= {N{1'b0}};
            spike_cnt <= {(NA+1){1'b0}};
            cnt_active <= 64'd0;  cnt_idle <= 64'd0;  cnt_spikes <= 64'd0;  cnt_events <= 64'd0;
            cnt_traces <= 64'd0;  cnt_plastic <= 64'd0;  cnt_wreads <= 64'd0;  cnt_wwrites <= 64'd0;
            cnt_sreads <= 64'd0;  cnt_swrites <= 64'd0;
            spike_valid <= 1'b0;
        end else begin
            if (load_ok && load_sel == SEL_PROJ) begin
                case (ld_field)
                    PF_PRE_FIRST:       pj_pre_first[ld_proj]       <= load_data[NA-1:0];
                    PF_PRE_SIZE:        pj_pre_size[ld_proj]        <= load_data[NA:0];
                    PF_POST_FIRST:      pj_post_first[ld_proj]      <= load_data[NA-1:0];
                    PF_POST_SIZE:       pj_post_size[ld_proj]       <= load_data[NA:0];
                    PF_ROW_BASE:        pj_row_base[ld_proj]        <= load_data[RWA-1:0];
                    PF_COL_BASE:        pj_col_base[ld_proj]        <= load_data[RWA-1:0];
                    PF_DELAY:           pj_delay[ld_proj]           <= load_data[RA-1:0];
                    PF_PLASTIC:         pj_plastic[ld_proj]         <= load_data[0];
                    PF_SIGN_MODE:       pj_sign_mode[ld_proj]       <= load_data[1:0];
                    PF_NUM_WEIGHT_BITS: pj_num_weight_bits[ld_proj] <= load_data[4:0];
                    PF_WEIGHT_EXP:      pj_weight_exp[ld_proj]      <= load_data[4:0];
                    PF_ETA_PLUS_EXP:    pj_eta_plus_exp[ld_proj]    <= load_data[5:0];
                    PF_ETA_MINUS_EXP:   pj_eta_minus_exp[ld_proj]   <= load_data[5:0];
                    default: ;
                endcase
            end
            if (load_ok && load_sel == SEL_GLOBAL) begin
                case (ld_field)
                    GR_N_NEURONS:      n_neurons  <= load_data[NA:0];
                    GR_N_PROJECTIONS:  n_proj     <= load_data[PA:0];
                    GR_X_IMPULSE_INT:  x_imp_int  <= load_data[T-1:0];
                    GR_X_IMPULSE_FRAC: x_imp_frac <= load_data[TF-1:0];
                    GR_Y_IMPULSE_INT:  y_imp_int  <= load_data[T-1:0];
                    GR_Y_IMPULSE_FRAC: y_imp_frac <= load_data[TF-1:0];
                    GR_PRNG_SOMA:      prng_soma  <= load_data[31:0];
                    GR_PRNG_TRACE:     prng_trace <= load_data[31:0];
                    GR_PRNG_SYNAPSE:   prng_syn   <= load_data[31:0];
                    GR_SLOT_NOW:       slot_now   <= load_data[RA-1:0];
                    GR_STEP:           step_t     <= load_data;
                    default: ;
                endcase
            end

            case (state)
                S_IDLE: if (start) begin
                    spiking <= {N{1'b0}};
                    spike_cnt <= {(NA+1){1'b0}};
                    idx <= {(NA+1){1'b0}};
                    state <= (n_neurons == {(NA+1){1'b0}}) ? S_DONE : S_N_FIRST;
                end
                // 1. neurons ascending
                S_N_FIRST: state <= S_N_EX;
                S_N_EX: begin
                    if (SOMA_RANDOM != 0 && PRNG_FORM == 0) prng_soma <= soma_draw;
                    if (lif_spike) begin
                        spiking[idx_lo] <= 1'b1;
                        spike_cnt <= spike_cnt + {{NA{1'b0}}, 1'b1};
                        cnt_spikes <= cnt_spikes + 64'd1;
                    end
                    if (neuron_active) cnt_active <= cnt_active + 64'd1;
                    else               cnt_idle   <= cnt_idle + 64'd1;
                    cnt_sreads  <= cnt_sreads + 64'd1;
                    cnt_swrites <= cnt_swrites + 64'd1;
                    cnt_events  <= cnt_events + {32'd0, ext_q[63:32]};  // input events
                    idx <= idx_inc;
                    if (idx_inc == n_neurons) begin
                        idx <= {(NA+1){1'b0}};
                        state <= S_T_FIRST;
                    end
                end
                // 2. traces, x before y
                S_T_FIRST: state <= S_T_EX;
                S_T_EX: begin
                    if (PRNG_FORM == 0) prng_trace <= trace_after;
                    cnt_traces <= cnt_traces + {63'd0, x_active} + {63'd0, y_active};
                    idx <= idx_inc;
                    if (idx_inc == n_neurons) begin
                        p <= {(PA+1){1'b0}};
                        state <= S_PW_PROJ;
                    end
                end
                // 3. post walk: plastic projections, spiking post neurons, their columns
                S_PW_PROJ: begin
                    k <= {(NA+1){1'b0}};
                    if (p == n_proj) state <= S_PR_SPK;
                    else if (!pj_plastic[pw] || spike_cnt == {(NA+1){1'b0}}) p <= p_inc;
                    else state <= S_PW_SPK;
                end
                S_PW_SPK: begin
                    if (k == spike_cnt) begin
                        p <= p_inc;
                        state <= S_PW_PROJ;
                    end else begin
                        state <= S_PW_I;
                    end
                end
                S_PW_I: begin
                    cur_i <= sl_q;
                    ptr_addr <= col_ptr_first;
                    if (sl_in_post) state <= S_PW_C0;
                    else begin
                        k <= k_inc;
                        state <= S_PW_SPK;
                    end
                end
                S_PW_C0: begin
                    cur <= col_ptr_q;
                    y_i <= y_q;
                    state <= S_PW_C1;
                end
                S_PW_C1: begin
                    cur_end <= col_ptr_q;
                    state <= S_PW_E;
                end
                S_PW_E: begin
                    if (cur == cur_end) begin
                        k <= k_inc;
                        state <= S_PW_SPK;
                    end else begin
                        state <= S_PW_E1;
                    end
                end
                S_PW_E1: begin
                    cur_s <= col_syn_q;
                    if (spiking[col_pre_q]) begin  // left to the pre walk
                        cur <= cur_inc;
                        state <= S_PW_E;
                    end else begin
                        state <= S_PW_E2;
                    end
                end
                S_PW_E2: begin
                    if (WEIGHT_RANDOM != 0 && PRNG_FORM == 0) prng_syn <= syn_draw;
                    cnt_plastic <= cnt_plastic + 64'd1;
                    cnt_wreads  <= cnt_wreads + 64'd1;
                    cnt_wwrites <= cnt_wwrites + 64'd1;
                    cur <= cur_inc;
                    state <= S_PW_E;
                end
                // 4. pre walk fused with emission: spiking neurons, their projections, their rows
                S_PR_SPK: begin
                    if (k == spike_cnt) state <= S_DONE;
                    else state <= S_PR_J;
                end
                S_PR_J: begin
                    cur_j <= sl_q;
                    state <= S_PR_X;
                end
                S_PR_X: begin
                    x_j <= x_q;
                    p <= {(PA+1){1'b0}};
                    state <= S_PR_PROJ;
                end
                S_PR_PROJ: begin
                    ptr_addr <= row_ptr_first;
                    if (p == n_proj) begin
                        k <= k_inc;
                        state <= S_PR_SPK;
                    end else if (j_in_pre) begin
                        state <= S_PR_R0;
                    end else begin
                        p <= p_inc;
                    end
                end
                S_PR_R0: begin
                    cur <= row_ptr_q;
                    state <= S_PR_R1;
                end
                S_PR_R1: begin
                    cur_end <= row_ptr_q;
                    state <= S_PR_E;
                end
                S_PR_E: begin
                    if (cur == cur_end) begin
                        p <= p_inc;
                        state <= S_PR_PROJ;
                    end else begin
                        state <= S_PR_E1;
                    end
                end
                S_PR_E1: begin
                    cur_i <= syn_post_q;
                    state <= S_PR_E2;
                end
                S_PR_E2: begin
                    cnt_events <= cnt_events + 64'd1;
                    if (plastic_now) begin
                        if (WEIGHT_RANDOM != 0 && PRNG_FORM == 0) prng_syn <= syn_draw;
                        cnt_plastic <= cnt_plastic + 64'd1;
                        cnt_wreads  <= cnt_wreads + 64'd2;  // plasticity read + delivery read
                        cnt_wwrites <= cnt_wwrites + 64'd1;
                    end else begin
                        cnt_wreads  <= cnt_wreads + 64'd1;
                    end
                    cur <= cur_inc;
                    state <= S_PR_E;
                end
                // 5. the clock of the delay ring
                S_DONE: begin
                    slot_now <= slot_now + {{(RA-1){1'b0}}, 1'b1};
                    step_t <= step_t + 64'd1;
                    state <= S_IDLE;
                end
                default: state <= S_IDLE;
            endcase
        end
    end

    assign busy               = state != S_IDLE;
    assign prng_soma_state    = prng_soma;
    assign prng_trace_state   = prng_trace;
    assign prng_synapse_state = prng_syn;
    assign count_neuron_updates_active = cnt_active;
    assign count_neuron_updates_idle   = cnt_idle;
    assign count_spikes                = cnt_spikes;
    assign count_synaptic_events       = cnt_events;
    assign count_trace_updates         = cnt_traces;
    assign count_plastic_updates       = cnt_plastic;
    assign count_weight_reads          = cnt_wreads;
    assign count_weight_writes         = cnt_wwrites;
    assign count_state_reads           = cnt_sreads;
    assign count_state_writes          = cnt_swrites;

    wire unused_ok = &{1'b0, load_addr, load_data};
endmodule
