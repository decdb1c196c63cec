`default_nettype none
// sliding_window: 3x3 window generator over a pixel-serial raster stream, zero or edge-replicate
// padding.  One window per input pixel, raster order; tap t = 3*ky + kx (ky, kx = 0,1,2 for row and
// column offsets -1, 0, +1) at m_axis_tdata[t*C*EW +: C*EW]; the centre tap is t = 4.
//
// Operation.  A position counter (r, c) walks a virtual raster of (H+1) x (W+1) positions,
// r = 0..H, c = 0..W (H = cfg_height, W = cfg_width).  At an in-frame position (r < H, c < W) it
// consumes input pixel (r, c); row H and column W are padding positions that consume nothing.  At
// each position the column {row r-2, row r-1, row r} at column c is formed from two line buffers
// (rows r-2, r-1) and the input pixel (row r), shifted into a 3-column window, and, when r >= 1 and
// c >= 1, the window centred on pixel (r-1, c-1) is loaded into the output register.  Padding rows /
// columns are zero (REPLICATE=0).  With REPLICATE=1, taps outside the frame are substituted at the
// output (top edge: row0 := row1; bottom: row2 := row1; then left: col0 := col1; right:
// col2 := col1), i.e. row and column clamped independently.
//
// Line buffers: two simple dual-port memories of MAX_W pixels, one write port and one synchronous read
// port each (Yosys maps them to block RAM).  Buffer 0 holds row r-1, buffer 1 row r-2; the read for a
// position is issued when the previous position is left, so reads never collide with the write of the
// same cycle.
//
// SIGNS = 1 (the input of an XNOR layer, zero padding only): every tap leaves as its C sign bits
// (bit = ~msb, i.e. x >= 0 -> 1, padding 0 -> 1), tap t at m_axis_tdata[t*C +: C], and the centre tap
// also in full, at [9*C +: C*EW] (the residual and the attention input).  Only the middle row's centre
// is ever needed in full, so buffer 1 and every window register but the centre hold signs: C bits
// instead of C*EW per pixel.
//
// SHIFT_EN = 1 (with SIGNS = 1; the BBCU block's learnable shift before Sign): the sign bit of element i is
// x_i + SHIFT_i >= 0 instead (SHIFT_i: EW+1-bit two's complement, at SHIFT[i*(EW+1) +: EW+1]; the compiler
// clips the model's shift to [-2^(EW-1), 2^(EW-1)], which gives the same bits); padding taps stay +1 (the
// model shifts before it pads).  The signs are formed once per pixel, as it enters: buffer 0 keeps them
// beside the pixel (C more bits per pixel) and the centre column keeps them in a C-bit register, so one
// adder-comparator per channel serves all nine taps.
//
// LB_BEATS = N > 1 (a power of two dividing C): each line buffer is a memory of MAX_W*N words of 1/N of
// a pixel (address {c, beat}), N times deeper and N times narrower, which block RAM holds far better
// (7-series: a RAMB18 is 512 x 36 at its widest, so MAX_W = 128 pixels of C*EW = 512 bits fill 15 RAMB18 a
// quarter deep; N = 4 needs 4).  A position then takes N+1 cycles: at beat k (0..N-1) the slice k of
// both buffers at column c is read; at beat k (1..N) the slice k-1 of the input pixel and of the row
// r-1 slice just read are written back (never the address being read); the position fires at beat N.
// The input beat must hold its data while s_axis_tvalid is high and s_axis_tready low (AXI-Stream): it
// is written slice by slice before it is accepted.  Beats 1..N-1 of an in-frame position wait for
// s_axis_tvalid.  The compiler chooses N only where the layer's mvu takes several times N+1 cycles per
// pixel (hw.layers.sliding_window.line_buffer_beats).
//
// Throughput: (H+1)*(W+1) positions per frame with a continuous input and a ready output, one per
// cycle (N+1 cycles each with LB_BEATS = N > 1), i.e. H*W pixels plus H+W+1 padding positions; frames
// follow back to back with no gap.  The input sees
// one idle cycle per row (column W) and W+1 idle cycles at the end of each frame (row H).
// Latency: the window of pixel (0,0) is loaded when input pixel (1,1) (the (W+2)-th) is accepted and
// is valid the next cycle; the last window of a frame leaves W+2 positions after the last pixel.
// Geometry: cfg_width / cfg_height are sampled while the counter is at the frame origin (0,0),
// i.e. up to and including the cycle the first pixel of a frame is accepted, and held for the
// frame; they may change any time after that.  Requires 2 <= cfg_width <= MAX_W, cfg_height >= 2
// (not checked in hardware); both fit DIM_BITS, so frames are at most 2**DIM_BITS - 1 wide/high.
// COMBINATIONAL PATH: s_axis_tready depends on m_axis_tready (and on registers); it does not depend
// on s_axis_tvalid.
// Reset (synchronous, active high) clears the position counter and m_axis_tvalid only.
module sliding_window #(
    parameter integer C = 1,          // channels per pixel (>= 1)
    parameter integer EW = 8,         // bits per channel element (>= 1)
    parameter integer MAX_W = 64,     // maximum frame width = line-buffer depth (2 .. 2**DIM_BITS)
    parameter integer DIM_BITS = 8,   // width of cfg_width / cfg_height and the position counters (>= 2)
    parameter integer REPLICATE = 0,  // 0: zero padding, 1: edge-replicate padding
    parameter integer SIGNS = 0,      // 1: taps as sign bits, plus the centre in full (see above)
    parameter integer LB_BEATS = 1,   // line-buffer slices per pixel, N + 1 cycles per position (see above)
    parameter integer SHIFT_EN = 0,   // 1: signs of x + SHIFT (needs SIGNS = 1; see above)
    parameter [C*(EW+1)-1:0] SHIFT = 0  // per-channel shift before Sign, EW+1 bits each
) (
    input  wire                  clk,
    input  wire                  rst,
    input  wire [DIM_BITS-1:0]   cfg_width,
    input  wire [DIM_BITS-1:0]   cfg_height,
    input  wire [C*EW-1:0]       s_axis_tdata,
    input  wire                  s_axis_tvalid,
    output wire                  s_axis_tready,
    output reg  [((SIGNS != 0) ? 9*C + C*EW : 9*C*EW)-1:0] m_axis_tdata,
    output reg                   m_axis_tvalid,
    input  wire                  m_axis_tready
);
    // bits per pixel
    localparam integer PW = C * EW;
    // bits per tap held as a sign vector (SIGNS) or in full
    localparam integer SW = (SIGNS != 0) ? C : PW;
    // a padding tap: zero, or the signs of zero
    localparam [SW-1:0] PAD_S = (SIGNS != 0) ? {SW{1'b1}} : {SW{1'b0}};
    // line-buffer address width
    localparam integer AW = (MAX_W > 1) ? $clog2(MAX_W) : 1;
    // 1 when padding taps are zero (their values matter), 0 when they are substituted at the output
    localparam ZERO_PAD = (REPLICATE == 0);
    localparam REP = (REPLICATE != 0);
    localparam [DIM_BITS-1:0] ONE = 1;

    initial begin
        if (C < 1) $error("%m: C must be >= 1 (got %0d)", C);
        if (EW < 1) $error("%m: EW must be >= 1 (got %0d)", EW);
        if (DIM_BITS < 2 || DIM_BITS > 30) $error("%m: DIM_BITS must be in 2..30 (got %0d)", DIM_BITS);
        if (MAX_W < 2) $error("%m: MAX_W must be >= 2 (got %0d)", MAX_W);
        if (DIM_BITS <= 30 && MAX_W > (1 << DIM_BITS))
            $error("%m: MAX_W (%0d) must be <= 2**DIM_BITS (DIM_BITS=%0d)", MAX_W, DIM_BITS);
        if (REPLICATE != 0 && REPLICATE != 1) $error("%m: REPLICATE must be 0 or 1 (got %0d)", REPLICATE);
        if (SIGNS != 0 && (SIGNS != 1 || REPLICATE != 0)) $error("%m: SIGNS must be 0 or 1, and 1 needs REPLICATE = 0");
        if (SHIFT_EN != 0 && (SHIFT_EN != 1 || SIGNS != 1)) $error("%m: SHIFT_EN must be 0 or 1, and 1 needs SIGNS = 1");
        if (LB_BEATS < 1 || (LB_BEATS & (LB_BEATS - 1)) != 0 || C % LB_BEATS != 0)
            $error("%m: LB_BEATS must be a power of two dividing C (got %0d, C=%0d)", LB_BEATS, C);
    end

    // ---------------------------------------------------------------- position counter
    reg [DIM_BITS-1:0] r;    // virtual row 0..H
    reg [DIM_BITS-1:0] c;    // virtual column 0..W
    reg [DIM_BITS-1:0] w_q;  // frame width, sampled at the origin
    reg [DIM_BITS-1:0] h_q;  // frame height, sampled at the origin

    wire at_origin = (r == {DIM_BITS{1'b0}}) && (c == {DIM_BITS{1'b0}});
    // w_q / h_q are not yet valid at the origin, where c = 0 < W and r = 0 < H anyway
    wire c_last = !at_origin && (c == w_q);  // padding column W
    wire r_last = !at_origin && (r == h_q);  // padding row H
    wire r_zero = (r == {DIM_BITS{1'b0}});
    wire r_le1 = (r[DIM_BITS-1:1] == {(DIM_BITS-1){1'b0}});
    wire r_one = (r == ONE);
    wire c_one = (c == ONE);

    wire needs_input = !r_last && !c_last;                    // in-frame position: consume a pixel
    wire emits = !r_zero && (c != {DIM_BITS{1'b0}});          // window of pixel (r-1, c-1) complete
    wire out_free = !m_axis_tvalid || m_axis_tready;
    wire beat_last;  // the position's last line-buffer beat (always, with LB_BEATS = 1)
    assign s_axis_tready = needs_input && beat_last && (!emits || out_free);  // combinational from m_axis_tready
    wire fire = beat_last && (!needs_input || s_axis_tvalid) && (!emits || out_free);

    reg [DIM_BITS-1:0] r_n;
    reg [DIM_BITS-1:0] c_n;
    always @* begin
        r_n = r;
        c_n = c + ONE;
        if (c_last) begin
            c_n = {DIM_BITS{1'b0}};
            r_n = r_last ? {DIM_BITS{1'b0}} : r + ONE;
        end
    end

    always @(posedge clk) begin
        if (rst) begin
            r <= {DIM_BITS{1'b0}};
            c <= {DIM_BITS{1'b0}};
        end else if (fire) begin
            r <= r_n;
            c <= c_n;
        end
    end

    always @(posedge clk) begin
        if (at_origin) begin
            w_q <= cfg_width;
            h_q <= cfg_height;
        end
    end

    // ---------------------------------------------------------------- sign vectors
    // the C sign bits of a pixel (bit i = ~msb of element i: x >= 0 -> 1)
    function [C-1:0] sgn;
        input [PW-1:0] v;
        integer i;
        begin
            for (i = 0; i < C; i = i + 1) sgn[i] = ~v[i * EW + EW - 1];
        end
    endfunction

    // with SHIFT_EN: bit i = (x_i + SHIFT_i >= 0), the sum in EW+1 bits (it cannot overflow: |SHIFT_i| <= 2^(EW-1))
    localparam HS = (SIGNS != 0) && (SHIFT_EN != 0);
    function [C-1:0] sgn_shift;
        input [PW-1:0] v;
        integer i;
        reg [EW:0] sum;
        begin
            for (i = 0; i < C; i = i + 1) begin
                sum = {v[i * EW + EW - 1], v[i * EW +: EW]} + SHIFT[i * (EW + 1) +: EW + 1];
                sgn_shift[i] = ~sum[EW];
            end
        end
    endfunction
    // the input pixel's signs (with SHIFT_EN the only place they are formed)
    wire [C-1:0] in_sgn = HS ? sgn_shift(s_axis_tdata) : sgn(s_axis_tdata);

    // ---------------------------------------------------------------- line buffers
    // lb0 holds row r-1 (in full; with SHIFT_EN its signs above each slice), lb1 row r-2 (signs only with
    // SIGNS), each pixel as LB_BEATS slices of C/LB_BEATS channels at address {c, slice} (one word per pixel
    // with LB_BEATS = 1); lb0_col (lb0_col_s: its signs) / lb1_col are their entries at column c, valid when
    // the position fires
    localparam integer NB = LB_BEATS;
    localparam integer PS = PW / NB;                        // lb0 pixel slice
    localparam integer SS = SW / NB;                        // lb1 slice
    localparam integer GS = HS ? C / NB : 0;                // lb0 sign slice (SHIFT_EN)
    localparam integer LAW = (MAX_W * NB > 1) ? $clog2(MAX_W * NB) : 1;

    reg [GS+PS-1:0] lb0 [0:MAX_W*NB-1];
    reg [SS-1:0] lb1 [0:MAX_W*NB-1];
    reg [GS+PS-1:0] lb0_rd;                                 // read data (the memories' output registers)
    reg [SS-1:0] lb1_rd;
    wire [SS-1:0] lb0_rd_s;                                 // lb0_rd as lb1 stores it: signs, or in full
    wire lb_we, lb_re;
    wire [LAW-1:0] wr_addr, rd_addr;
    wire [GS+PS-1:0] wr_data;                               // lb0's write data (lb1's is lb0_rd_s)
    wire [PW-1:0] lb0_col;
    wire [C-1:0] lb0_col_s;                                 // signs of lb0_col (SIGNS)
    wire [SW-1:0] lb1_col;

    always @(posedge clk) begin
        if (lb_we) lb0[wr_addr] <= wr_data;
        if (lb_re) lb0_rd <= lb0[rd_addr];
    end

    always @(posedge clk) begin
        if (lb_we) lb1[wr_addr] <= lb0_rd_s;
        if (lb_re) lb1_rd <= lb1[rd_addr];
    end

    generate
        if (HS) begin : g_rd_stored
            assign lb0_rd_s = lb0_rd[PS +: GS];
        end else if (SIGNS != 0) begin : g_rd_signs
            genvar i;
            for (i = 0; i < PS / EW; i = i + 1) begin : g_bit
                assign lb0_rd_s[i] = ~lb0_rd[i * EW + EW - 1];
            end
        end else begin : g_rd_full
            assign lb0_rd_s = lb0_rd;
        end

        if (NB == 1) begin : g_lb_word
            // one pixel per word: the store at the position's column, and the read of the next position's
            // column, both when the position fires (no read for column W)
            assign beat_last = 1'b1;
            assign lb_we = fire && !c_last;
            assign lb_re = fire && (c_n != w_q);
            assign wr_addr = c[LAW-1:0];
            assign rd_addr = c_n[LAW-1:0];
            if (HS) begin : g_wr_signs
                assign wr_data = {in_sgn, s_axis_tdata};
            end else begin : g_wr
                assign wr_data = s_axis_tdata;
            end
            assign lb0_col = lb0_rd[PS-1:0];
            assign lb1_col = lb1_rd;
        end else begin : g_lb_beats
            localparam integer KW = $clog2(NB);      // slice index width
            localparam integer BW = $clog2(NB + 1);  // beat counter 0..NB
            localparam [BW-1:0] LAST = NB[BW-1:0];

            reg [PW-PS-1:0] lb0_hold;                // slices 0..NB-2 of the position's column
            reg [SW-SS-1:0] lb1_hold;
            reg [BW-1:0] beat;

            wire in_ok = !needs_input || s_axis_tvalid;
            wire go = (beat == {BW{1'b0}}) || (!beat_last && in_ok);  // a beat below NB completes
            wire [KW-1:0] rd_k = beat[KW-1:0];                       // slice read at this beat (beat < NB)
            wire [KW-1:0] wr_k = rd_k - 1'b1;                        // slice written (beat 1..NB; NB wraps to NB-1)
            wire hold_en = go && (beat != {BW{1'b0}});

            assign beat_last = (beat == LAST);
            assign lb_re = go && !c_last;
            assign lb_we = (beat != {BW{1'b0}}) && (beat_last ? fire : in_ok) && !c_last;
            assign rd_addr = {c[AW-1:0], rd_k};
            assign wr_addr = {c[AW-1:0], wr_k};
            if (HS) begin : g_wr_signs
                assign wr_data = {in_sgn[wr_k * GS +: GS], s_axis_tdata[wr_k * PS +: PS]};
            end else begin : g_wr
                assign wr_data = s_axis_tdata[wr_k * PS +: PS];
            end

            always @(posedge clk) begin
                if (rst) beat <= {BW{1'b0}};
                else if (fire) beat <= {BW{1'b0}};
                else if (go) beat <= beat + 1'b1;
            end

            // at beat k (1..NB-1) lb0_rd / lb1_rd hold slice k-1: shift it in at the top, so that after beat
            // NB-1 the hold registers are {slice NB-2, ..., slice 0}; slice NB-1 stays in lb*_rd
            if (NB == 2) begin : g_hold1
                always @(posedge clk) begin
                    if (hold_en) begin
                        lb0_hold <= lb0_rd[PS-1:0];
                        lb1_hold <= lb1_rd;
                    end
                end
            end else begin : g_hold_shift
                always @(posedge clk) begin
                    if (hold_en) begin
                        lb0_hold <= {lb0_rd[PS-1:0], lb0_hold[PW-PS-1:PS]};
                        lb1_hold <= {lb1_rd, lb1_hold[SW-SS-1:SS]};
                    end
                end
            end

            assign lb0_col = {lb0_rd[PS-1:0], lb0_hold};
            assign lb1_col = {lb1_rd, lb1_hold};
            if (HS) begin : g_hold_signs
                // the signs beside slices 0..NB-2, as lb0_hold
                reg [C-GS-1:0] lb0s_hold;
                if (NB == 2) begin : g_s1
                    always @(posedge clk) if (hold_en) lb0s_hold <= lb0_rd[PS +: GS];
                end else begin : g_sn
                    always @(posedge clk) if (hold_en) lb0s_hold <= {lb0_rd[PS +: GS], lb0s_hold[C-GS-1:GS]};
                end
                assign lb0_col_s = {lb0_rd[PS +: GS], lb0s_hold};
            end
        end
    endgenerate

    generate
        if (HS && NB == 1) begin : g_col_stored
            assign lb0_col_s = lb0_rd[PS +: GS];
        end else if (!HS) begin : g_col_signs
            assign lb0_col_s = sgn(lb0_col);
        end
    endgenerate

    // ---------------------------------------------------------------- window columns
    // new column (rows r-2, r-1, r at column c); zero outside the frame in zero-padding mode
    wire [SW-1:0] new_top = (ZERO_PAD && (r_le1 || c_last)) ? PAD_S : lb1_col;
    wire [PW-1:0] new_mid = (ZERO_PAD && (r_zero || c_last)) ? {PW{1'b0}} : lb0_col;
    wire [PW-1:0] new_bot = (ZERO_PAD && !needs_input) ? {PW{1'b0}} : s_axis_tdata;

    // the two previous columns: sh1 = column c-2, sh2 = column c-1 (top, mid, bot); sh2_mid, the next
    // centre, is the one register that is always held in full
    reg [SW-1:0] sh1_top, sh1_mid, sh1_bot;
    reg [SW-1:0] sh2_top, sh2_bot;
    reg [PW-1:0] sh2_mid;
    wire [SW-1:0] new_mid_s, new_bot_s, sh2_mid_s;  // as taps: signs with SIGNS, else the values

    generate
        if (SIGNS != 0) begin : g_signs
            // the signs of the middle and entering columns; padding taps are +1 (whatever the shift)
            assign new_mid_s = (r_zero || c_last) ? PAD_S : lb0_col_s;
            assign new_bot_s = !needs_input ? PAD_S : in_sgn;
            wire unused_bot = ^new_bot;  // the entering pixel is used as its signs (in_sgn) and as lb0's data
            if (HS) begin : g_shift_centre
                // the next centre's signs, kept (its full value no longer gives them)
                reg [C-1:0] sh2_mid_sg;
                assign sh2_mid_s = sh2_mid_sg;
                always @(posedge clk) if (fire) sh2_mid_sg <= new_mid_s;
            end else begin : g_centre
                assign sh2_mid_s = sgn(sh2_mid);
            end
        end else begin : g_full
            wire unused_in = ^{in_sgn, lb0_col_s};
            assign new_mid_s = new_mid;
            assign new_bot_s = new_bot;
            assign sh2_mid_s = sh2_mid;
        end
    endgenerate

    always @(posedge clk) begin
        if (fire) begin
            sh1_top <= sh2_top;
            sh1_mid <= sh2_mid_s;
            sh1_bot <= sh2_bot;
            sh2_top <= new_top;
            sh2_mid <= new_mid;
            sh2_bot <= new_bot_s;
        end
    end

    // ---------------------------------------------------------------- output window
    // edge flags of the window centre (r-1, c-1)
    wire is_top = r_one;
    wire is_bot = r_last;
    wire is_left = c_one;
    wire is_right = c_last;

    reg [SW-1:0] t0, t1, t2, t3, t4, t5, t6, t7, t8;  // taps [ky][kx] = t(3*ky+kx)
    always @* begin
        // rows: top (ky=0), mid (ky=1), bottom (ky=2); columns: sh1 (kx=0), sh2 (kx=1), new (kx=2)
        t0 = sh1_top; t1 = sh2_top; t2 = new_top;
        t3 = sh1_mid; t4 = sh2_mid_s; t5 = new_mid_s;
        t6 = sh1_bot; t7 = sh2_bot; t8 = new_bot_s;
        if (REP) begin
            if (is_top) begin
                t0 = t3; t1 = t4; t2 = t5;
            end
            if (is_bot) begin
                t6 = t3; t7 = t4; t8 = t5;
            end
            if (is_left) begin
                t0 = t1; t3 = t4; t6 = t7;
            end
            if (is_right) begin
                t2 = t1; t5 = t4; t8 = t7;
            end
        end
    end

    generate
        if (SIGNS != 0) begin : g_out_signs
            always @(posedge clk) begin
                if (fire && emits) m_axis_tdata <= {sh2_mid, t8, t7, t6, t5, t4, t3, t2, t1, t0};
            end
        end else begin : g_out_full
            always @(posedge clk) begin
                if (fire && emits) m_axis_tdata <= {t8, t7, t6, t5, t4, t3, t2, t1, t0};
            end
        end
    endgenerate

    always @(posedge clk) begin
        if (rst) m_axis_tvalid <= 1'b0;
        else if (fire && emits) m_axis_tvalid <= 1'b1;
        else if (m_axis_tready) m_axis_tvalid <= 1'b0;
    end
endmodule
`resetall
