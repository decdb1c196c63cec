// conv_layer: one 3x3, stride-1, 'same' convolution as a streaming layer:
//   sliding_window (zero padding) -> mvu (XNOR-popcount or multi-bit MAC, folded PE x SIMD) -> requant.
// BINARY=1 (the Base binary block): the window takes the full-precision residual-stream pixels, so the
// zero padding happens before Sign (0 -> +1, hw/numerics.sign_bit); it keeps only the sign bits (~msb) of
// every tap but the centre (sliding_window SIGNS=1), the mvu takes those, and the full centre tap travels
// as the mvu sideband to requant's residual input (the line buffer doubles as the residual skip buffer:
// no separate FIFO, and no deadlock by construction).
// SHIFT_EN=1 (the BBCU block, BINARY=1): the signs are of x + SHIFT (a per-channel shift before Sign), formed
// once per pixel as it enters the window (sliding_window SHIFT_EN); padding taps stay +1.
// BINARY=0: multi-bit conv (head/tail); the bias is requant's B.
// RQ_HAS_MAP=1 (the Single-Spatial block): spatial_map sits between the window and the mvu; it computes the
// pixel's attention map from the centre tap (the block input) while the window holds the pixel, the map
// rides in the mvu sideband above the centre tap, and requant multiplies the RPReLU output by it before
// the output rounding.
// RQ_HAS_SKIP_MAP=1 (Both-Spatial-Spatial): a second spatial_map (SM2_*), beside the first, gives the skip
// path's map, and requant scales the residual by it before the add (one rounding of the sum).
`resetall
`default_nettype none

module conv_layer #(
    parameter integer C_IN = 32,            // input channels
    parameter integer C_OUT = 32,           // output channels (MH)
    parameter integer EW = 8,               // input element width
    parameter integer IN_SIGNED = 1,        // input elements are two's complement
    parameter integer BINARY = 1,           // 1: XNOR-popcount on the signs of the inputs; 0: multi-bit MAC
    parameter integer PE = 1,               // mvu output channels in parallel
    parameter integer SIMD = 288,           // mvu inputs in parallel
    parameter integer WEIGHT_MEM = 0,       // mvu weights: 0 LUT ROM, 1 synchronous memory (block RAM)
    parameter integer W_WIDTH = 1,          // weight width (1 when BINARY)
    parameter integer ACC_WIDTH = 10,       // accumulator width (from the dot-product bound)
    parameter [C_OUT*9*C_IN*W_WIDTH-1:0] WEIGHTS = 0,  // W[h][w] at (h*9*C_IN + w)*W_WIDTH, w = tap*C_IN + c
    parameter integer MAX_W = 128,          // maximum frame width (line-buffer depth)
    parameter integer LB_BEATS = 1,         // sliding_window: line-buffer slices per pixel (power of 2 dividing C_IN)
    parameter integer SHIFT_EN = 0,         // sliding_window: signs of x + SHIFT (BINARY only)
    parameter [C_IN*(EW+1)-1:0] SHIFT = 0,  // sliding_window: per-channel shift before Sign, EW+1 bits each
    parameter integer DIM_BITS = 12,        // width of cfg_width / cfg_height
    parameter integer IN_FIFO_DEPTH = 16,   // input FIFO words (0: none); lets the upstream layer run ahead at
                                            // row ends, where the window takes two pixels for one output.
                                            // 16: the board top's steady state is then the analytical NF*SF
                                            // (4: 1.04x, 8: 1.02x); LUT RAM is 32 deep, so 16 costs as much as 4.
                                            // Read straight out of the LUT RAM (stream_fifo ASYNC_READ): no
                                            // output register of C_IN*EW flip-flops
    parameter integer RQ_PE = 1,            // requant: channels per cycle (C_OUT % RQ_PE == 0)
    parameter integer RQ_K_WIDTH = 10,      // requant: per-channel scale width
    parameter integer RQ_B_WIDTH = 18,      // requant: per-channel bias width
    parameter integer RQ_S1 = 0,            // requant: first rounding shift
    parameter integer RQ_T_WIDTH = 12,      // requant: t width
    parameter integer RQ_HAS_PRELU = 0,     // requant: RPReLU present
    parameter integer RQ_BETA_WIDTH = 8,    // requant: PReLU slope width
    parameter integer RQ_BETA_FRAC = 0,     // requant: PReLU slope fraction bits
    parameter integer RQ_ZETA_WIDTH = 18,   // requant: RPReLU output shift width
    parameter integer RQ_S2 = 0,            // requant: second rounding shift
    parameter integer RQ_Y_WIDTH = 8,       // requant: output width
    parameter integer RQ_Y_SIGNED = 1,      // requant: output signed
    parameter integer RQ_HAS_RESIDUAL = 0,  // requant: add the centre tap (needs C_IN == C_OUT, EW == RQ_Y_WIDTH)
    parameter integer RQ_HAS_MAP = 0,       // requant: multiply by the Spatial attention map (needs RQ_HAS_RESIDUAL)
    parameter integer RQ_MAP_WIDTH = 8,     // requant / spatial_map: map width (unsigned)
    parameter integer RQ_HAS_SKIP_MAP = 0,  // requant: scale the residual by the skip map (needs RQ_HAS_MAP)
    parameter integer RQ_SKIP_FRAC = 8,     // requant: fraction bits of the skip map
    parameter integer SM_PE = 1,            // spatial_map: multipliers (C_IN % SM_PE == 0)
    parameter integer SM_W_WIDTH = 8,       // spatial_map: 1x1 conv weight width
    parameter integer SM_B_WIDTH = 16,      // spatial_map: bias width
    parameter integer SM_S = 0,             // spatial_map: shift from the accumulator to the logit grid
    parameter integer SM_L_WIDTH = 8,       // spatial_map: logit width (table of 2^SM_L_WIDTH entries)
    parameter [C_IN*SM_W_WIDTH-1:0] SM_W = 0,                    // spatial_map: weights
    parameter [SM_B_WIDTH-1:0] SM_B = 0,                         // spatial_map: bias
    parameter [(1<<SM_L_WIDTH)*RQ_MAP_WIDTH-1:0] SM_TABLE = 0,   // spatial_map: sigmoid table
    parameter integer SM2_PE = 1,           // skip-map spatial_map (RQ_HAS_SKIP_MAP): as SM_*
    parameter integer SM2_W_WIDTH = 8,
    parameter integer SM2_B_WIDTH = 16,
    parameter integer SM2_S = 0,
    parameter integer SM2_L_WIDTH = 8,
    parameter [C_IN*SM2_W_WIDTH-1:0] SM2_W = 0,
    parameter [SM2_B_WIDTH-1:0] SM2_B = 0,
    parameter [(1<<SM2_L_WIDTH)*RQ_MAP_WIDTH-1:0] SM2_TABLE = 0,
    parameter [C_OUT*RQ_K_WIDTH-1:0] RQ_K = 0,        // requant: per-channel scale
    parameter [C_OUT*RQ_B_WIDTH-1:0] RQ_B = 0,        // requant: per-channel bias
    parameter [C_OUT*RQ_BETA_WIDTH-1:0] RQ_BETA = 0,  // requant: per-channel PReLU slope
    parameter [C_OUT*RQ_ZETA_WIDTH-1:0] RQ_ZETA = 0   // requant: per-channel RPReLU output shift
) (
    input  wire                        clk,
    input  wire                        rst,
    input  wire [DIM_BITS-1:0]         cfg_width,
    input  wire [DIM_BITS-1:0]         cfg_height,
    input  wire [C_IN*EW-1:0]          s_axis_tdata,
    input  wire                        s_axis_tvalid,
    output wire                        s_axis_tready,
    output wire [C_OUT*RQ_Y_WIDTH-1:0] m_axis_tdata,
    output wire                        m_axis_tvalid,
    input  wire                        m_axis_tready
);

localparam integer MW = 9 * C_IN;
localparam integer X_WIDTH = (BINARY != 0) ? 1 : EW;
localparam integer RQ_IN = C_OUT * ACC_WIDTH + ((RQ_HAS_RESIDUAL != 0) ? C_OUT * RQ_Y_WIDTH : 0)
                          + ((RQ_HAS_MAP != 0) ? RQ_MAP_WIDTH : 0) + ((RQ_HAS_SKIP_MAP != 0) ? RQ_MAP_WIDTH : 0);

initial begin
    if (RQ_HAS_RESIDUAL != 0 && (C_IN != C_OUT || EW != RQ_Y_WIDTH))
        $error("%m: a residual layer needs C_IN == C_OUT and EW == RQ_Y_WIDTH");
    if (SHIFT_EN != 0 && BINARY == 0)
        $error("%m: SHIFT_EN needs BINARY");
    if (BINARY != 0 && W_WIDTH != 1)
        $error("%m: BINARY needs W_WIDTH == 1");
    if (RQ_HAS_MAP != 0 && RQ_HAS_RESIDUAL == 0)
        $error("%m: RQ_HAS_MAP needs RQ_HAS_RESIDUAL (the map is computed from the centre tap)");
    if (RQ_HAS_SKIP_MAP != 0 && RQ_HAS_MAP == 0)
        $error("%m: RQ_HAS_SKIP_MAP needs RQ_HAS_MAP");
end

// ---- optional input FIFO, then the sliding window over the full-precision input
wire [C_IN*EW-1:0]   in_tdata;
wire                 in_tvalid, in_tready;
generate
    if (IN_FIFO_DEPTH > 0) begin : g_in_fifo
        stream_fifo #(.WIDTH(C_IN*EW), .DEPTH(IN_FIFO_DEPTH), .ASYNC_READ(1)) in_fifo (
            .clk(clk), .rst(rst),
            .s_axis_tdata(s_axis_tdata), .s_axis_tvalid(s_axis_tvalid), .s_axis_tready(s_axis_tready),
            .m_axis_tdata(in_tdata), .m_axis_tvalid(in_tvalid), .m_axis_tready(in_tready)
        );
    end else begin : g_no_fifo
        assign in_tdata = s_axis_tdata;
        assign in_tvalid = s_axis_tvalid;
        assign s_axis_tready = in_tready;
    end
endgenerate

// binary: the window gives the 9 taps' sign bits and the centre tap in full ({centre, signs})
localparam integer WIN_WIDTH = (BINARY != 0) ? MW + C_IN * EW : MW * EW;
wire [WIN_WIDTH-1:0] win_tdata;
wire                 win_tvalid, win_tready;

sliding_window #(.C(C_IN), .EW(EW), .MAX_W(MAX_W), .DIM_BITS(DIM_BITS), .REPLICATE(0),
                 .SIGNS(BINARY != 0 ? 1 : 0), .LB_BEATS(LB_BEATS), .SHIFT_EN(SHIFT_EN), .SHIFT(SHIFT)) window (
    .clk(clk), .rst(rst), .cfg_width(cfg_width), .cfg_height(cfg_height),
    .s_axis_tdata(in_tdata), .s_axis_tvalid(in_tvalid), .s_axis_tready(in_tready),
    .m_axis_tdata(win_tdata), .m_axis_tvalid(win_tvalid), .m_axis_tready(win_tready)
);

// ---- Spatial attention maps (RQ_HAS_MAP; RQ_HAS_SKIP_MAP: a second one): computed from the centre tap IN PLACE
// while the window's output register holds the pixel (the mvu takes a pixel only as its current vector's last
// fold issues, so the maps cost no cycles and no copy of the beat); two maps are computed side by side and
// joined: the beat leaves both in the same cycle.
localparam integer N_MAPS = ((RQ_HAS_MAP != 0) ? 1 : 0) + ((RQ_HAS_SKIP_MAP != 0) ? 1 : 0);
localparam integer X_OFF = (BINARY != 0) ? MW : 4 * C_IN * EW;   // the centre tap's offset in the window beat
localparam integer X_TOP = WIN_WIDTH - X_OFF - C_IN * EW;        // window bits above the centre tap
localparam integer MAPS_W = (N_MAPS > 0) ? N_MAPS * RQ_MAP_WIDTH : 1;
wire [MAPS_W-1:0] maps;   // {skip_map, map}
wire              mv_tvalid, mv_tready;
generate
    if (RQ_HAS_MAP != 0) begin : g_map
        localparam integer SM_OUT = RQ_MAP_WIDTH + WIN_WIDTH;
        wire [SM_OUT-1:0] m1_tdata;
        wire              m1_tvalid, m1_tready;
        spatial_map #(.C(C_IN), .PE(SM_PE), .EW(EW), .PASS_WIDTH(X_OFF), .TOP_WIDTH(X_TOP), .W_WIDTH(SM_W_WIDTH),
                      .B_WIDTH(SM_B_WIDTH), .S(SM_S), .L_WIDTH(SM_L_WIDTH), .MAP_WIDTH(RQ_MAP_WIDTH),
                      .W(SM_W), .B(SM_B), .TABLE(SM_TABLE)) attention (
            .clk(clk), .rst(rst),
            .s_axis_tdata(win_tdata), .s_axis_tvalid(win_tvalid), .s_axis_tready(win_tready),
            .m_axis_tdata(m1_tdata), .m_axis_tvalid(m1_tvalid), .m_axis_tready(m1_tready)
        );
        wire unused_beat = ^m1_tdata[WIN_WIDTH-1:0];  // the mvu reads the beat from win_tdata
        if (RQ_HAS_SKIP_MAP != 0) begin : g_skip_map
            wire [SM_OUT-1:0] m2_tdata;
            wire              m2_tvalid, m2_tready, m2_s_tready;
            spatial_map #(.C(C_IN), .PE(SM2_PE), .EW(EW), .PASS_WIDTH(X_OFF), .TOP_WIDTH(X_TOP),
                          .W_WIDTH(SM2_W_WIDTH), .B_WIDTH(SM2_B_WIDTH), .S(SM2_S), .L_WIDTH(SM2_L_WIDTH),
                          .MAP_WIDTH(RQ_MAP_WIDTH), .W(SM2_W), .B(SM2_B), .TABLE(SM2_TABLE)) skip_attention (
                .clk(clk), .rst(rst),
                .s_axis_tdata(win_tdata), .s_axis_tvalid(win_tvalid), .s_axis_tready(m2_s_tready),
                .m_axis_tdata(m2_tdata), .m_axis_tvalid(m2_tvalid), .m_axis_tready(m2_tready)
            );
            // join: each map leaves when both are ready; then both take the beat in the same cycle, so the
            // window's tready is either instance's s_axis_tready
            assign mv_tvalid = m1_tvalid && m2_tvalid;
            assign m1_tready = mv_tready && m2_tvalid;
            assign m2_tready = mv_tready && m1_tvalid;
            assign maps = {m2_tdata[WIN_WIDTH +: RQ_MAP_WIDTH], m1_tdata[WIN_WIDTH +: RQ_MAP_WIDTH]};
            wire unused_skip = ^{m2_s_tready, m2_tdata[WIN_WIDTH-1:0]};
        end else begin : g_one_map
            assign mv_tvalid = m1_tvalid;
            assign m1_tready = mv_tready;
            assign maps = m1_tdata[WIN_WIDTH +: RQ_MAP_WIDTH];
        end
    end else begin : g_no_map
        assign mv_tvalid = win_tvalid;
        assign win_tready = mv_tready;
        assign maps = 1'b0;
    end
endgenerate

// ---- mvu input: signs (binary) or the elements themselves, plus the sideband {maps, centre tap} for requant
localparam integer SIDE_WIDTH = (RQ_HAS_RESIDUAL == 0) ? 1 : C_IN * EW + ((N_MAPS > 0) ? MAPS_W : 0);
wire [MW*X_WIDTH-1:0] x_vec;
wire [SIDE_WIDTH-1:0] side;
generate
    if (BINARY != 0) begin : g_sign
        assign x_vec = win_tdata[MW-1:0];  // x >= 0 -> +1 (bit 1), formed in the window
    end else begin : g_multibit
        assign x_vec = win_tdata;
    end
    if (RQ_HAS_RESIDUAL != 0 && N_MAPS > 0) begin : g_side_maps
        assign side = {maps, win_tdata[X_OFF +: C_IN*EW]};
    end else if (RQ_HAS_RESIDUAL != 0) begin : g_side
        assign side = win_tdata[X_OFF +: C_IN*EW];
        wire unused_maps = ^maps;
    end else begin : g_noside
        assign side = 1'b0;
        wire unused_maps = ^maps;
        if (BINARY != 0) begin : g_no_centre
            wire unused_centre = ^win_tdata[MW +: C_IN*EW];  // the full centre tap feeds only the residual
        end
    end
endgenerate

wire [SIDE_WIDTH+C_OUT*ACC_WIDTH-1:0] acc_tdata;
wire                                  acc_tvalid, acc_tready;

mvu #(.MW(MW), .MH(C_OUT), .PE(PE), .SIMD(SIMD), .BINARY(BINARY), .IN_WIDTH(X_WIDTH), .IN_SIGNED(IN_SIGNED),
      .W_WIDTH(W_WIDTH), .ACC_WIDTH(ACC_WIDTH), .SIDE_WIDTH(SIDE_WIDTH), .WEIGHT_MEM(WEIGHT_MEM),
      .WEIGHTS(WEIGHTS)) matmul (
    .clk(clk), .rst(rst),
    .s_axis_tdata({side, x_vec}), .s_axis_tvalid(mv_tvalid), .s_axis_tready(mv_tready),
    .m_axis_tdata(acc_tdata), .m_axis_tvalid(acc_tvalid), .m_axis_tready(acc_tready)
);

// ---- requant input {[skip_map, map,] res, acc}: the mvu's output beat as it is (residual), or its accumulators
wire [RQ_IN-1:0] rq_in;
generate
    if (RQ_HAS_RESIDUAL != 0) begin : g_res
        assign rq_in = acc_tdata;
    end else begin : g_nores
        assign rq_in = acc_tdata[C_OUT*ACC_WIDTH-1:0];
        wire unused_side = acc_tdata[C_OUT*ACC_WIDTH];  // the 1-bit dummy sideband
    end
endgenerate

requant #(.C(C_OUT), .PE(RQ_PE), .ACC_WIDTH(ACC_WIDTH), .K_WIDTH(RQ_K_WIDTH), .B_WIDTH(RQ_B_WIDTH), .S1(RQ_S1),
          .T_WIDTH(RQ_T_WIDTH), .HAS_PRELU(RQ_HAS_PRELU), .BETA_WIDTH(RQ_BETA_WIDTH), .BETA_FRAC(RQ_BETA_FRAC),
          .ZETA_WIDTH(RQ_ZETA_WIDTH), .S2(RQ_S2), .Y_WIDTH(RQ_Y_WIDTH), .Y_SIGNED(RQ_Y_SIGNED),
          .HAS_RESIDUAL(RQ_HAS_RESIDUAL), .HAS_MAP(RQ_HAS_MAP), .MAP_WIDTH(RQ_MAP_WIDTH),
          .HAS_SKIP_MAP(RQ_HAS_SKIP_MAP), .SKIP_FRAC(RQ_SKIP_FRAC), .K(RQ_K), .B(RQ_B), .BETA(RQ_BETA), .ZETA(RQ_ZETA)) scale (
    .clk(clk), .rst(rst),
    .s_axis_tdata(rq_in), .s_axis_tvalid(acc_tvalid), .s_axis_tready(acc_tready),
    .m_axis_tdata(m_axis_tdata), .m_axis_tvalid(m_axis_tvalid), .m_axis_tready(m_axis_tready)
);

endmodule

`resetall
