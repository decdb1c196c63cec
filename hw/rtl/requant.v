// requant -- per-channel fixed-point scale/bias, RPReLU, requantisation and residual add.
//
// For a vector of C accumulators, per channel c (PE channels per cycle, C/PE cycles per vector):
//
//   z = acc*K[c] + B[c]
//   t = clip(rhe_shift(z, S1), T_MIN, T_MAX)                     T_WIDTH-bit signed
//   if HAS_PRELU: u = t >= 0 ? t << BETA_FRAC : t*BETA[c];  v = u + ZETA[c]
//   else:         v = t
//   if HAS_MAP: v = v * map                                      map: unsigned MAP_WIDTH, one per vector
//   y = clip(rhe_shift(v, S2), Y_MIN, Y_MAX)                     Y_WIDTH bits, Y_SIGNED
//   if HAS_RESIDUAL: y = clip(y + res[c], Y_MIN, Y_MAX)
//   if HAS_SKIP_MAP (Both-Spatial-Spatial, instead of the line above):
//                    y = clip(rhe_shift(res[c] * skip_map + (y << SKIP_FRAC), SKIP_FRAC), Y_MIN, Y_MAX)
//                    (the skip path scaled by its own map, added unrounded, one rounding of the sum)
//
// Reference: hw/layers/requant.py: requant_ref.  Rounding/saturation: rhe_shift.v (must be compiled
// with this file).
//
// Input beat  : {skip_map, map, res, acc}; acc = C x ACC_WIDTH signed at [c*ACC_WIDTH +: ACC_WIDTH], res =
//               C x Y_WIDTH (Y_SIGNED) at [C*ACC_WIDTH + c*Y_WIDTH +: Y_WIDTH], present only when HAS_RESIDUAL;
//               map (the Spatial attention map of the pixel, from spatial_map.v) above, only when HAS_MAP;
//               skip_map (MAP_WIDTH unsigned, the skip path's map) on top, only when HAS_SKIP_MAP.
// Output beat : C x Y_WIDTH (Y_SIGNED), channel c at [c*Y_WIDTH +: Y_WIDTH].
//
// Folding: NF = C/PE.  The input beat is read IN PLACE (no input buffer): fold f (channels
// f*PE .. f*PE+PE-1) is issued in the f-th cycle the beat is valid, and the beat is accepted
// (s_axis_tready) together with its last fold.  This relies on the AXI4-Stream rule that tdata is
// stable while tvalid && !tready.  The first fold of the next beat issues in the cycle after, so the
// steady state is exactly NF cycles per vector.  Results are written PE lanes per cycle straight into
// the output register, which is valid from the last fold on; a fold of the next vector that reaches it
// while it is still valid and not taken stalls the pipeline.  The downstream (a conv layer's input FIFO)
// normally takes the vector in the cycle it appears, so the single output register costs no cycles.
//
// Pipeline (one register stage each, all lanes in parallel, every stage enabled by `adv`):
//   s0  issue      : acc, res, K, B of the fold                       (DSP A/B/C registers)
//   s1  multiply   : z = acc*K + B                                    (DSP P register)
//   s2  round/clip : t = clip(rhe_shift(z, S1)); m = t>=0 ? 2^BETA_FRAC : BETA; ZETA
//   s3  PReLU      : v = t*m + ZETA            (HAS_PRELU only)         (DSP P register)
//   sm  map        : v = v * map               (HAS_MAP only)           (DSP P register)
//   s4  round/clip : y0 = clip(rhe_shift(v, S2)) (HAS_RESIDUAL only; else straight to the output)
//   out residual   : y = clip(y0 + res) into the output register
//                    (HAS_SKIP_MAP: res * skip_map is formed in s4 beside y0; out: the sum, rounded, clipped)
// LATENCY (localparam) = 4 + HAS_PRELU + HAS_MAP + HAS_RESIDUAL: m_axis_tvalid rises LATENCY cycles after the
// cycle in which the input beat is accepted (when the output is not back-pressured).
//
// Stall: the whole pipeline holds (adv = 0) only when a fold reaches the output while the output
// register still holds a vector that is not being read.  COMBINATIONAL PATHS:
// m_axis_tready -> adv -> s_axis_tready (and the pipeline register enables).

`default_nettype none

module requant #(
    parameter integer C            = 8,   // channels per vector
    parameter integer PE           = 2,   // channels processed per cycle, C % PE == 0
    parameter integer ACC_WIDTH    = 10,  // width of the signed input accumulators
    parameter integer K_WIDTH      = 10,  // width of the signed per-channel scale K
    parameter integer B_WIDTH      = 12,  // width of the signed per-channel bias B
    parameter integer S1           = 4,   // first shift: > 0 round-half-even right shift, <= 0 left shift
    parameter integer T_WIDTH      = 12,  // t is saturated to the signed T_WIDTH range (>= 2)
    parameter integer HAS_PRELU    = 1,   // 1: apply the PReLU stage (BETA, BETA_FRAC, ZETA), 0: v = t
    parameter integer BETA_WIDTH   = 8,   // width of the signed per-channel negative slope BETA
    parameter integer BETA_FRAC    = 7,   // positive branch: u = t << BETA_FRAC (>= 0)
    parameter integer ZETA_WIDTH   = 16,  // width of the signed per-channel offset ZETA
    parameter integer S2           = 6,   // second shift: > 0 round-half-even right shift, <= 0 left shift
    parameter integer Y_WIDTH      = 8,   // output (and residual) element width
    parameter integer Y_SIGNED     = 1,   // 1: output/residual signed, 0: unsigned
    parameter integer HAS_RESIDUAL = 1,   // 1: input beat carries res and y = clip(y + res)
    parameter integer HAS_MAP      = 0,   // 1: input beat carries a map (top) and v = v * map before S2
    parameter integer MAP_WIDTH    = 8,   // width of the unsigned map(s)
    parameter integer HAS_SKIP_MAP = 0,   // 1: the residual is scaled by skip_map (needs HAS_RESIDUAL, HAS_MAP)
    parameter integer SKIP_FRAC    = 8,   // fraction bits of skip_map (its grid is 2^-SKIP_FRAC)
    parameter [C*K_WIDTH-1:0]    K    = {(C*K_WIDTH){1'b0}},    // K[c] at [c*K_WIDTH +: K_WIDTH]
    parameter [C*B_WIDTH-1:0]    B    = {(C*B_WIDTH){1'b0}},    // B[c] at [c*B_WIDTH +: B_WIDTH]
    parameter [C*BETA_WIDTH-1:0] BETA = {(C*BETA_WIDTH){1'b0}}, // BETA[c] at [c*BETA_WIDTH +: BETA_WIDTH]
    parameter [C*ZETA_WIDTH-1:0] ZETA = {(C*ZETA_WIDTH){1'b0}}  // ZETA[c] at [c*ZETA_WIDTH +: ZETA_WIDTH]
) (
    input  wire                   clk,
    input  wire                   rst,            // synchronous, active high
    input  wire [IN_W-1:0]        s_axis_tdata,   // {map, res, acc}
    input  wire                   s_axis_tvalid,
    output wire                   s_axis_tready,  // combinational from m_axis_tready (see header)
    output wire [C*Y_WIDTH-1:0]   m_axis_tdata,
    output wire                   m_axis_tvalid,
    input  wire                   m_axis_tready
);

    // ---------------------------------------------------------------- derived widths
    localparam integer NF    = C / PE;                         // folds per vector
    localparam integer FB    = (NF > 1) ? $clog2(NF) : 1;      // fold index width
    localparam integer NF_M1 = NF - 1;
    localparam [FB-1:0] LAST = NF_M1[FB-1:0];                  // index of the last fold
    localparam integer ACC_BITS = C * ACC_WIDTH;               // acc part of the input beat
    localparam integer RES_BITS = (HAS_RESIDUAL != 0) ? C * Y_WIDTH : 0;
    localparam integer IN_W  = ACC_BITS + RES_BITS + (HAS_MAP != 0 ? MAP_WIDTH : 0) + (HAS_SKIP_MAP != 0 ? MAP_WIDTH : 0);
    // z = acc*K + B: the product needs ACC_WIDTH+K_WIDTH bits, the sum one more than the wider term
    localparam integer PROD_W = ACC_WIDTH + K_WIDTH;
    localparam integer Z_W   = ((PROD_W > B_WIDTH) ? PROD_W : B_WIDTH) + 1;
    // PReLU multiplier operand m = t >= 0 ? 2^BETA_FRAC : BETA (2^BETA_FRAC needs BETA_FRAC+2 bits)
    localparam integer M_W   = ((BETA_WIDTH > BETA_FRAC + 1) ? BETA_WIDTH : BETA_FRAC + 1) + 1;
    localparam [M_W-1:0] POS_SLOPE = {{(M_W - 1){1'b0}}, 1'b1} << BETA_FRAC;
    // v = t*m + ZETA
    localparam integer TM_W  = T_WIDTH + M_W;
    localparam integer V_W   = (HAS_PRELU != 0) ? (((TM_W > ZETA_WIDTH) ? TM_W : ZETA_WIDTH) + 1) : T_WIDTH;
    // v * map (map zero-extended by one bit: a signed product)
    localparam integer Q_W   = (HAS_MAP != 0) ? V_W + MAP_WIDTH + 1 : V_W;
    // y0 + res, both Y_WIDTH bits: sign- or zero-extended by two bits (always a signed sum)
    localparam integer R_W   = Y_WIDTH + 2;
    localparam integer LW    = PE * Y_WIDTH;                   // one fold of results
    localparam integer LATENCY = 4 + (HAS_PRELU != 0 ? 1 : 0) + (HAS_MAP != 0 ? 1 : 0) + (HAS_RESIDUAL != 0 ? 1 : 0);

    initial begin
        if (C < 1) $error("%m: C must be >= 1");
        if (PE < 1 || PE > C || (C % PE) != 0) $error("%m: PE must divide C");
        if (ACC_WIDTH < 1) $error("%m: ACC_WIDTH must be >= 1");
        if (K_WIDTH < 1) $error("%m: K_WIDTH must be >= 1");
        if (B_WIDTH < 1) $error("%m: B_WIDTH must be >= 1");
        if (T_WIDTH < 2) $error("%m: T_WIDTH must be >= 2");
        if (HAS_PRELU != 0 && HAS_PRELU != 1) $error("%m: HAS_PRELU must be 0 or 1");
        if (BETA_WIDTH < 1) $error("%m: BETA_WIDTH must be >= 1");
        if (BETA_FRAC < 0) $error("%m: BETA_FRAC must be >= 0");
        if (ZETA_WIDTH < 1) $error("%m: ZETA_WIDTH must be >= 1");
        if (Y_SIGNED != 0 && Y_SIGNED != 1) $error("%m: Y_SIGNED must be 0 or 1");
        if (Y_WIDTH < 1 + Y_SIGNED) $error("%m: Y_WIDTH too small");
        if (HAS_RESIDUAL != 0 && HAS_RESIDUAL != 1) $error("%m: HAS_RESIDUAL must be 0 or 1");
        if (HAS_MAP != 0 && HAS_MAP != 1) $error("%m: HAS_MAP must be 0 or 1");
        if (HAS_MAP != 0 && MAP_WIDTH < 1) $error("%m: MAP_WIDTH must be >= 1");
        if (HAS_SKIP_MAP != 0 && (HAS_RESIDUAL == 0 || HAS_MAP == 0))
            $error("%m: HAS_SKIP_MAP needs HAS_RESIDUAL and HAS_MAP");
        if (HAS_SKIP_MAP != 0 && SKIP_FRAC < 1) $error("%m: SKIP_FRAC must be >= 1");
        if (LATENCY < 4) $error("%m: internal: bad LATENCY");
    end

    // ---------------------------------------------------------------- control
    reg  [FB-1:0] fold;          // fold of the current input beat to issue next
    wire          adv;           // pipeline advances this cycle
    wire          issue = adv & s_axis_tvalid;

    reg           s0_vld, s1_vld, s2_vld;
    reg  [FB-1:0] s0_fold, s1_fold, s2_fold;
    wire          p_vld;         // after the (optional) PReLU stage
    wire [FB-1:0] p_fold;
    wire [MAP_WIDTH-1:0] p_map;  // the map aligned with p_v (HAS_MAP)
    wire          f_vld;         // at the input of the output register
    wire [FB-1:0] f_fold;
    wire [LW-1:0] f_y;           // PE final results
    wire          f_last = f_vld & (f_fold == LAST);

    reg           out_valid;
    reg  [C*Y_WIDTH-1:0] out_data;

    // The only reason to hold: a fold must enter the output register while it still holds a vector.
    assign adv           = ~(f_vld & out_valid & ~m_axis_tready);
    assign s_axis_tready = adv & (fold == LAST);
    assign m_axis_tvalid = out_valid;
    assign m_axis_tdata  = out_data;

    always @(posedge clk) begin
        if (rst) begin
            fold   <= {FB{1'b0}};
            s0_vld <= 1'b0;
            s1_vld <= 1'b0;
            s2_vld <= 1'b0;
        end else if (adv) begin
            if (issue) fold <= (fold == LAST) ? {FB{1'b0}} : fold + 1'b1;
            s0_vld <= s_axis_tvalid;
            s1_vld <= s0_vld;
            s2_vld <= s1_vld;
        end
    end

    always @(posedge clk) begin
        if (adv) begin
            s0_fold <= fold;
            s1_fold <= s0_fold;
            s2_fold <= s1_fold;
        end
    end

    // ---------------------------------------------------------------- fold selection
    // Every fold-indexed selection is written as X[fold*W +: W] (a plain NF:1 mux in synthesis).
    localparam integer FA_W = PE * ACC_WIDTH;
    localparam integer FK_W = PE * K_WIDTH;
    localparam integer FBW  = PE * B_WIDTH;
    wire [FA_W-1:0] fold_acc  = s_axis_tdata[fold * FA_W +: FA_W];
    wire [FK_W-1:0] fold_k    = K[fold * FK_W +: FK_W];
    wire [FBW-1:0]  fold_b    = B[fold * FBW +: FBW];

    // ---------------------------------------------------------------- per-lane datapath
    wire [PE*V_W-1:0] p_v;   // v of every lane after the (optional) PReLU stage
    wire [PE*Q_W-1:0] q_v;   // v of every lane after the (optional) map stage
    wire [LW-1:0]     y0;    // clip(rhe_shift(v, S2)) of every lane (combinational)
    wire              q_vld; // after the (optional) map stage
    wire [FB-1:0]     q_fold;

    genvar p;
    generate
        for (p = 0; p < PE; p = p + 1) begin : g_lane
            // s0: issue fold `fold` of the beat in place, with its constants
            reg [ACC_WIDTH-1:0] s0_acc;
            reg [K_WIDTH-1:0]   s0_k;
            reg [B_WIDTH-1:0]   s0_b;
            always @(posedge clk) begin
                if (adv) begin
                    s0_acc <= fold_acc[p*ACC_WIDTH +: ACC_WIDTH];
                    s0_k   <= fold_k[p*K_WIDTH +: K_WIDTH];
                    s0_b   <= fold_b[p*B_WIDTH +: B_WIDTH];
                end
            end

            // s1: z = acc*K + B (operands sign-extended to Z_W; cannot overflow)
            wire [Z_W-1:0] acc_x = {{(Z_W - ACC_WIDTH){s0_acc[ACC_WIDTH-1]}}, s0_acc};
            wire [Z_W-1:0] k_x   = {{(Z_W - K_WIDTH){s0_k[K_WIDTH-1]}}, s0_k};
            wire [Z_W-1:0] b_x   = {{(Z_W - B_WIDTH){s0_b[B_WIDTH-1]}}, s0_b};
            reg  [Z_W-1:0] s1_z;
            always @(posedge clk) begin
                if (adv) s1_z <= $signed(acc_x) * $signed(k_x) + $signed(b_x);
            end

            // s2: t = clip(rhe_shift(z, S1)) to T_WIDTH signed
            wire [T_WIDTH-1:0] t;
            rhe_shift #(.IN_WIDTH(Z_W), .SHIFT(S1), .OUT_WIDTH(T_WIDTH), .OUT_SIGNED(1)) u_rs1 (
                .x(s1_z), .y(t));
            reg [T_WIDTH-1:0] s2_t;
            always @(posedge clk) begin
                if (adv) s2_t <= t;
            end

            if (HAS_PRELU != 0) begin : g_prelu
                // s2 (cont.): the PReLU multiplier operand and offset of the lane's channel
                // the lane's NF constants, entry f for channel f*PE+p, selected by the fold in s1
                wire [NF*BETA_WIDTH-1:0] beta_tab;
                wire [NF*ZETA_WIDTH-1:0] zeta_tab;
                genvar f;
                for (f = 0; f < NF; f = f + 1) begin : g_tab
                    assign beta_tab[f*BETA_WIDTH +: BETA_WIDTH] = BETA[(f*PE + p)*BETA_WIDTH +: BETA_WIDTH];
                    assign zeta_tab[f*ZETA_WIDTH +: ZETA_WIDTH] = ZETA[(f*PE + p)*ZETA_WIDTH +: ZETA_WIDTH];
                end
                wire [BETA_WIDTH-1:0] beta = beta_tab[s1_fold * BETA_WIDTH +: BETA_WIDTH];
                reg  [M_W-1:0]        s2_m;
                reg  [ZETA_WIDTH-1:0] s2_zeta;
                always @(posedge clk) begin
                    if (adv) begin
                        s2_m    <= t[T_WIDTH-1] ? {{(M_W - BETA_WIDTH){beta[BETA_WIDTH-1]}}, beta} : POS_SLOPE;
                        s2_zeta <= zeta_tab[s1_fold * ZETA_WIDTH +: ZETA_WIDTH];
                    end
                end
                // s3: v = t*m + ZETA (operands sign-extended to V_W; cannot overflow)
                wire [V_W-1:0] t_x = {{(V_W - T_WIDTH){s2_t[T_WIDTH-1]}}, s2_t};
                wire [V_W-1:0] m_x = {{(V_W - M_W){s2_m[M_W-1]}}, s2_m};
                wire [V_W-1:0] z_x = {{(V_W - ZETA_WIDTH){s2_zeta[ZETA_WIDTH-1]}}, s2_zeta};
                reg  [V_W-1:0] s3_v;
                always @(posedge clk) begin
                    if (adv) s3_v <= $signed(t_x) * $signed(m_x) + $signed(z_x);
                end
                assign p_v[p*V_W +: V_W] = s3_v;
            end else begin : g_noprelu
                assign p_v[p*V_W +: V_W] = s2_t;
            end

            if (HAS_MAP != 0) begin : g_map
                // sm: v = v * map (the pixel's map, carried alongside the lane's pipeline)
                wire [Q_W-1:0] v_x = {{(Q_W - V_W){p_v[p*V_W + V_W-1]}}, p_v[p*V_W +: V_W]};
                wire [Q_W-1:0] m_x = {{(Q_W - MAP_WIDTH){1'b0}}, p_map};
                reg  [Q_W-1:0] sm_v;
                always @(posedge clk) begin
                    if (adv) sm_v <= $signed(v_x) * $signed(m_x);
                end
                assign q_v[p*Q_W +: Q_W] = sm_v;
            end else begin : g_nomap
                assign q_v[p*Q_W +: Q_W] = p_v[p*V_W +: V_W];
            end

            // y0 = clip(rhe_shift(v, S2)) to the Y range
            rhe_shift #(.IN_WIDTH(Q_W), .SHIFT(S2), .OUT_WIDTH(Y_WIDTH), .OUT_SIGNED(Y_SIGNED)) u_rs2 (
                .x(q_v[p*Q_W +: Q_W]), .y(y0[p*Y_WIDTH +: Y_WIDTH]));
        end

        // ------------------------------------------------------------ optional PReLU stage control
        if (HAS_PRELU != 0) begin : g_prelu_ctl
            reg          s3_vld;
            reg [FB-1:0] s3_fold;
            always @(posedge clk) begin
                if (rst) s3_vld <= 1'b0;
                else if (adv) s3_vld <= s2_vld;
            end
            always @(posedge clk) begin
                if (adv) s3_fold <= s2_fold;
            end
            assign p_vld  = s3_vld;
            assign p_fold = s3_fold;
        end else begin : g_noprelu_ctl
            assign p_vld  = s2_vld;
            assign p_fold = s2_fold;
        end

        // ------------------------------------------------------------ optional map stage control
        if (HAS_MAP != 0) begin : g_map_ctl
            // the map travels with the fold through s0 .. the PReLU stage (the same for every fold)
            localparam integer MD = 3 + (HAS_PRELU != 0 ? 1 : 0);
            wire [MAP_WIDTH-1:0] in_map = s_axis_tdata[ACC_BITS + RES_BITS +: MAP_WIDTH];
            reg  [MD*MAP_WIDTH-1:0] map_sr;  // stage i at [i*MAP_WIDTH +: MAP_WIDTH]
            always @(posedge clk) begin
                if (adv) map_sr <= {map_sr[(MD-1)*MAP_WIDTH-1:0], in_map};
            end
            assign p_map = map_sr[(MD-1)*MAP_WIDTH +: MAP_WIDTH];
            reg          sm_vld;
            reg [FB-1:0] sm_fold;
            always @(posedge clk) begin
                if (rst) sm_vld <= 1'b0;
                else if (adv) sm_vld <= p_vld;
            end
            always @(posedge clk) begin
                if (adv) sm_fold <= p_fold;
            end
            assign q_vld  = sm_vld;
            assign q_fold = sm_fold;
        end else begin : g_nomap_ctl
            assign p_map  = {MAP_WIDTH{1'b0}};
            wire unused_map = ^p_map;  // no map: p_map is a constant nobody reads
            assign q_vld  = p_vld;
            assign q_fold = p_fold;
        end

        // ------------------------------------------------------------ optional residual stage
        if (HAS_RESIDUAL != 0) begin : g_res
            // The residual lanes travel with their accumulators: LATENCY-1 register stages.
            localparam integer RD = LATENCY - 1;
            wire [C*Y_WIDTH-1:0] in_res   = s_axis_tdata[ACC_BITS +: C*Y_WIDTH];
            wire [LW-1:0]        fold_res = in_res[fold * LW +: LW];
            reg  [RD*LW-1:0] res_sr;     // stage i at [i*LW +: LW]
            always @(posedge clk) begin
                if (adv) res_sr <= {res_sr[(RD-1)*LW-1:0], fold_res};
            end
            // s4: y0 registered
            reg          s4_vld;
            reg [FB-1:0] s4_fold;
            reg [LW-1:0] s4_y0;
            always @(posedge clk) begin
                if (rst) s4_vld <= 1'b0;
                else if (adv) s4_vld <= q_vld;
            end
            always @(posedge clk) begin
                if (adv) begin
                    s4_fold <= q_fold;
                    s4_y0   <= y0;
                end
            end
            genvar q;
            if (HAS_SKIP_MAP != 0) begin : g_skip
                // the skip map travels with the fold like the residual; s4: rm = res * skip_map (signed
                // product, map zero-extended), registered beside y0; out: clip(rhe_shift(rm + y0 * 2^F, F))
                localparam integer RM_W = Y_WIDTH + MAP_WIDTH + 1;
                localparam integer SS_W = ((RM_W > Y_WIDTH + SKIP_FRAC) ? RM_W : Y_WIDTH + SKIP_FRAC) + 1;
                wire [MAP_WIDTH-1:0] in_smap = s_axis_tdata[ACC_BITS + RES_BITS + MAP_WIDTH +: MAP_WIDTH];
                reg  [(RD-1)*MAP_WIDTH-1:0] smap_sr;  // stage i at [i*MAP_WIDTH +: MAP_WIDTH]
                always @(posedge clk) begin  // RD >= 5 here (HAS_MAP and HAS_RESIDUAL)
                    if (adv) smap_sr <= {smap_sr[(RD-2)*MAP_WIDTH-1:0], in_smap};
                end
                wire [MAP_WIDTH-1:0] sm = smap_sr[(RD-2)*MAP_WIDTH +: MAP_WIDTH];
                for (q = 0; q < PE; q = q + 1) begin : g_rmul
                    wire [Y_WIDTH-1:0] r   = res_sr[(RD-2)*LW + q*Y_WIDTH +: Y_WIDTH];
                    wire [RM_W-1:0]    r_x = {{(RM_W - Y_WIDTH){(Y_SIGNED != 0) & r[Y_WIDTH-1]}}, r};
                    wire [RM_W-1:0]    m_x = {{(RM_W - MAP_WIDTH){1'b0}}, sm};
                    reg  [RM_W-1:0]    s4_rm;
                    always @(posedge clk) begin
                        if (adv) s4_rm <= $signed(r_x) * $signed(m_x);
                    end
                    wire [Y_WIDTH-1:0] a   = s4_y0[q*Y_WIDTH +: Y_WIDTH];
                    wire [SS_W-1:0]    a_x = {{(SS_W - Y_WIDTH - SKIP_FRAC){(Y_SIGNED != 0) & a[Y_WIDTH-1]}}, a,
                                              {SKIP_FRAC{1'b0}}};
                    wire [SS_W-1:0]    rm_x = {{(SS_W - RM_W){s4_rm[RM_W-1]}}, s4_rm};
                    wire [SS_W-1:0]    sum = a_x + rm_x;
                    rhe_shift #(.IN_WIDTH(SS_W), .SHIFT(SKIP_FRAC), .OUT_WIDTH(Y_WIDTH), .OUT_SIGNED(Y_SIGNED))
                        u_sat (.x(sum), .y(f_y[q*Y_WIDTH +: Y_WIDTH]));
                end
                wire unused_res_last = ^res_sr[(RD-1)*LW +: LW];
            end else begin : g_plain
                // out: y = clip(y0 + res)
                for (q = 0; q < PE; q = q + 1) begin : g_radd
                    wire [Y_WIDTH-1:0] a = s4_y0[q*Y_WIDTH +: Y_WIDTH];
                    wire [Y_WIDTH-1:0] r = res_sr[(RD-1)*LW + q*Y_WIDTH +: Y_WIDTH];
                    wire a_e = (Y_SIGNED != 0) & a[Y_WIDTH-1];
                    wire r_e = (Y_SIGNED != 0) & r[Y_WIDTH-1];
                    wire [R_W-1:0] sum = {a_e, a_e, a} + {r_e, r_e, r};
                    rhe_shift #(.IN_WIDTH(R_W), .SHIFT(0), .OUT_WIDTH(Y_WIDTH), .OUT_SIGNED(Y_SIGNED)) u_sat (
                        .x(sum), .y(f_y[q*Y_WIDTH +: Y_WIDTH]));
                end
            end
            assign f_vld  = s4_vld;
            assign f_fold = s4_fold;
        end else begin : g_nores
            assign f_y    = y0;
            assign f_vld  = q_vld;
            assign f_fold = q_fold;
        end

        // ------------------------------------------------------------ output register, assembled in place
        genvar f;
        for (f = 0; f < NF; f = f + 1) begin : g_fold
            always @(posedge clk) begin
                if (adv && f_vld && f_fold == f) out_data[f*LW +: LW] <= f_y;
            end
        end
    endgenerate

    always @(posedge clk) begin
        if (rst) out_valid <= 1'b0;
        else if (adv && f_last) out_valid <= 1'b1;
        else if (m_axis_tready) out_valid <= 1'b0;
    end

endmodule

`resetall
