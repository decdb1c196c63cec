// mvu -- matrix-vector unit folded by PE/SIMD (FINN-style MVAU), streaming, one vector per input beat.
//
//   y[h] = sum_w W[h][w] * x[w]       h < MH, w < MW
//
// BINARY = 1: x and W are bits (1 = +1, 0 = -1); y[h] = 2*popcount(~(x ^ W[h])) - MW (XNOR-popcount).
// BINARY = 0: x are IN_WIDTH-bit (signed if IN_SIGNED), W are W_WIDTH-bit signed; multiply-accumulate.
//
// Folding: NF = MH/PE neuron folds x SF = MW/SIMD synapse folds. Every cycle PE dot products over SIMD
// inputs are computed, so a vector takes NF*SF cycles; the next input vector is accepted in the cycle
// the current one's last fold issues (it waits in the upstream's output register until then: no input
// skid copy) and the finished result waits in a two-entry output buffer while the next vector is
// computed, so the steady state is exactly NF*SF cycles per vector.  The second entry (the skid, used
// when the output is back-pressured as a vector finishes) is only the last neuron fold's PE lanes: the
// pipeline stalls while it is occupied, so the other folds stay in the result register meanwhile.
//
// Sideband: the side bits of a beat do not go through the pipeline.  They are written into a small FIFO
// (LUT RAM) when the beat is accepted and read into the output register when the vector's result is
// loaded there: vectors leave in order, and at most TS + 4 + WEIGHT_MEM are between the two points (cur,
// TS + 2 + WEIGHT_MEM pipeline stages, the output skid), so a FIFO of SDEPTH >= TS + 6 + WEIGHT_MEM
// entries never overflows.  A
// 256-bit residual sideband costs the FIFO and one output register instead of a copy in every stage.
//
// Weights (WEIGHT_MEM): 0: a constant ROM, read combinationally in the issue stage; while NF*SF <= 32 the
// ROM bit of a lane and its XNOR fit one LUT6 (5 fold-address bits + x), the cheapest form; deeper ROMs
// become LUT trees and muxes.  1: a synchronous memory of NF*SF words of PE*SIMD weights, initialised
// from WEIGHTS (Yosys and Vivado map it to block RAM), read one stage ahead of the XNOR/multiply
// (stage `wread`): the LUTs keep only the XNOR and the popcount, whatever the fold depth.
//
// Pipeline (all stages share one clock enable `ce`, which is a register: no combinational path from
// m_axis_tready or s_axis_tvalid to any other output):
//   issue     cur vector register + fold counters (nf, sf); x slice (and the ROM slice) selected here
//   wread     WEIGHT_MEM = 1 only: the memory's output register, the x slice and flags registered beside it
//   leaf      register of the tree leaves: multi-bit: the PE x SIMD products; binary: the XNOR bits
//             compressed 6:3 (one LUT6 per count bit), ceil(SIMD/6) 3-bit counts per PE
//   tree      PE adder trees over the leaves (nodes as wide as their level needs), a register every
//             two adder levels and at the root:
//             TS = ceil(clog2(leaves)/2) register stages
//   acc       accumulate over SF synapse folds; at the last synapse fold the PE results go into the
//             result register (neuron folds 0..NF-2) or, at the last neuron fold, straight into the
//             output register together with the rest of the result vector and the sideband.
// Latency (empty pipeline, no stalls): the output beat is valid NF*SF + TS + 1 + WEIGHT_MEM cycles after
// the clock edge that accepted the input beat.
//
// Streams: input beat {side, x}, x = MW elements of IN_WIDTH bits (element i at [i*IN_WIDTH +: IN_WIDTH]);
// output beat {side, acc}, acc = MH signed ACC_WIDTH-bit results (element h at [h*ACC_WIDTH +: ACC_WIDTH]).
// m_axis_tvalid/m_axis_tdata come straight from registers; s_axis_tready is a function of registers only
// (cur_valid, the fold counters, the output skid): no combinational path from m_axis_tready or
// s_axis_tvalid.
`default_nettype none

module mvu #(
    parameter integer MW = 36,            // input vector length (synapses)
    parameter integer MH = 8,             // output vector length (neurons)
    parameter integer PE = 2,             // neurons computed in parallel; MH % PE == 0
    parameter integer SIMD = 12,          // synapses computed in parallel per neuron; MW % SIMD == 0
    parameter integer BINARY = 1,         // 1: XNOR-popcount on bipolar bits; 0: multi-bit MAC
    parameter integer IN_WIDTH = 1,       // bits per input element (must be 1 when BINARY)
    parameter integer IN_SIGNED = 0,      // multi-bit mode: inputs are two's complement (1) or unsigned (0)
    parameter integer W_WIDTH = 1,        // bits per weight, signed (must be 1 when BINARY)
    parameter integer ACC_WIDTH = 8,      // bits per signed result; must hold the worst-case dot product
    parameter integer SIDE_WIDTH = 1,     // sideband bits passed through unchanged next to the result (>= 1)
    parameter integer WEIGHT_MEM = 0,     // 0: weights in a LUT ROM; 1: in a synchronous memory (block RAM)
    parameter [MH*MW*W_WIDTH-1:0] WEIGHTS = 0  // W[h][w] at [(h*MW+w)*W_WIDTH +: W_WIDTH]
) (
    input  wire                            clk,
    input  wire                            rst,            // synchronous, active high; control state only

    input  wire [SIDE_WIDTH+MW*IN_WIDTH-1:0] s_axis_tdata,  // {side, x}
    input  wire                            s_axis_tvalid,
    output wire                            s_axis_tready,   // = !cur_valid || last fold issuing

    output reg  [SIDE_WIDTH+MH*ACC_WIDTH-1:0] m_axis_tdata, // {side, acc}
    output reg                             m_axis_tvalid,
    input  wire                            m_axis_tready
);

    // ------------------------------------------------------------------------------------------------
    // Derived values
    // ------------------------------------------------------------------------------------------------
    function integer clog2;  // ceil(log2(v)), 0 for v <= 1
        input integer v;
        integer r;
        begin
            r = 0;
            while ((1 << r) < v) r = r + 1;
            clog2 = r;
        end
    endfunction

    // Smallest signed width holding every dot product of n multi-bit elements (bound from the ranges).
    function integer mac_bits;
        input integer n;
        input integer xw;
        input integer xs;
        input integer ww;
        reg [63:0] xmax, xminm, wmax, wminm, pmax, pminm, hi, lo;
        integer b, found;
        begin
            xmax  = (xs != 0) ? ((64'd1 << (xw - 1)) - 64'd1) : ((64'd1 << xw) - 64'd1);
            xminm = (xs != 0) ? (64'd1 << (xw - 1)) : 64'd0;          // |min x|
            wmax  = (64'd1 << (ww - 1)) - 64'd1;
            wminm = 64'd1 << (ww - 1);                                 // |min w|
            pmax  = (xmax * wmax > xminm * wminm) ? xmax * wmax : xminm * wminm;
            pminm = (xmax * wminm > xminm * wmax) ? xmax * wminm : xminm * wmax;  // |min product|
            hi = pmax * n;
            lo = pminm * n;
            found = 0;
            mac_bits = 64;
            for (b = 1; b < 64; b = b + 1) begin
                if (found == 0 && hi < (64'd1 << (b - 1)) && lo <= (64'd1 << (b - 1))) begin
                    mac_bits = b;
                    found = 1;
                end
            end
        end
    endfunction

    localparam integer NF   = MH / PE;                       // neuron folds
    localparam integer SF   = MW / SIMD;                     // synapse folds
    localparam integer NFB  = (NF > 1) ? clog2(NF) : 1;      // neuron-fold counter width
    localparam integer SFB  = (SF > 1) ? clog2(SF) : 1;      // synapse-fold counter width
    localparam integer NF_MAX = NF - 1;                      // last neuron fold
    localparam integer SF_MAX = SF - 1;                      // last synapse fold
    localparam integer EW   = IN_WIDTH;                      // input element width
    localparam integer WW   = W_WIDTH;                       // weight width
    localparam integer XW   = MW * EW;                       // input vector width (the beat without side)
    localparam integer YW   = MH * ACC_WIDTH;                // result width (the output beat without side)
    localparam integer PW   = EW + 1 + WW;                   // multi-bit product width (signed)
    localparam integer NL   = (BINARY != 0) ? (SIMD + 5) / 6 : SIMD;  // adder-tree leaves per PE
    localparam integer LW   = (BINARY != 0) ? 3 : PW;        // leaf width: 6:3 count / product
    localparam integer TL   = clog2(NL);                     // adder levels
    localparam integer TS   = (TL + 1) / 2;                  // registered tree stages
    // tree node width: popcount of SIMD bits (unsigned) / signed sum of SIMD products
    localparam integer TW   = (BINARY != 0) ? clog2(SIMD + 1) : mac_bits(SIMD, EW, IN_SIGNED, WW);
    // result width required by the bound: [-MW, MW] / [MW*min product, MW*max product]
    localparam integer ACC_NEED = (BINARY != 0) ? clog2(MW + 1) + 1 : mac_bits(MW, EW, IN_SIGNED, WW);
    localparam integer FW   = 3 + NFB;                       // flags: {final, nf, last, first}
    localparam integer RS   = (WEIGHT_MEM != 0) ? 1 : 0;     // weight-read stages
    localparam integer SAB  = clog2(TS + 6 + RS);            // side FIFO address width
    localparam integer SDEPTH = 1 << SAB;                    // side FIFO entries (>= TS + 6 + RS, see above)
    localparam integer WD   = NF * SF;                       // weight words (one per fold)
    localparam integer WAB  = (WD > 1) ? clog2(WD) : 1;      // weight address width
    localparam integer WBW  = PE * SIMD * WW;                // weight word: PE neurons x SIMD synapses

    // tree geometry: level l has lvl_n(l) nodes of lvl_w(l) bits: a node sums 2^l leaves, so it needs
    // at most l bits more than a leaf, and never more than the whole tree's TW
    function integer lvl_n;
        input integer l;
        integer k, n;
        begin
            n = NL;
            for (k = 0; k < l; k = k + 1) n = (n + 1) / 2;
            lvl_n = n;
        end
    endfunction

    function integer lvl_w;
        input integer l;
        begin
            lvl_w = (LW + l < TW) ? LW + l : TW;
        end
    endfunction


    initial begin
        if (MH % PE != 0) $error("%m: MH (%0d) must be a multiple of PE (%0d)", MH, PE);
        if (MW % SIMD != 0) $error("%m: MW (%0d) must be a multiple of SIMD (%0d)", MW, SIMD);
        if (SIDE_WIDTH < 1) $error("%m: SIDE_WIDTH must be >= 1");
        if (WEIGHT_MEM != 0 && WEIGHT_MEM != 1) $error("%m: WEIGHT_MEM must be 0 or 1");
        if (BINARY != 0 && (IN_WIDTH != 1 || W_WIDTH != 1))
            $error("%m: BINARY requires IN_WIDTH = W_WIDTH = 1");
        if (BINARY == 0 && (IN_WIDTH < 1 || W_WIDTH < 2))
            $error("%m: multi-bit mode needs IN_WIDTH >= 1 and W_WIDTH >= 2");
        if (ACC_WIDTH < ACC_NEED)
            $error("%m: ACC_WIDTH (%0d) too small for the dot-product bound, need %0d", ACC_WIDTH, ACC_NEED);
    end

    // 6:3 compressor (full-adder logic, one LUT6 per output bit)
    function [2:0] pc6;
        input [5:0] b;
        reg s1, c1, s2, c2, k;
        begin
            s1 = b[0] ^ b[1] ^ b[2];
            c1 = (b[0] & b[1]) | (b[0] & b[2]) | (b[1] & b[2]);
            s2 = b[3] ^ b[4] ^ b[5];
            c2 = (b[3] & b[4]) | (b[3] & b[5]) | (b[4] & b[5]);
            k  = s1 & s2;
            pc6 = {(c1 & c2) | (c1 & k) | (c2 & k), c1 ^ c2 ^ k, s1 ^ s2};
        end
    endfunction

    // ------------------------------------------------------------------------------------------------
    // Pipeline clock enable: the whole datapath stalls only while the output skid entry is occupied.
    // ------------------------------------------------------------------------------------------------
    reg  oskid_valid;
    wire ce = !oskid_valid;

    // ------------------------------------------------------------------------------------------------
    // Input: current vector register, loaded when empty or as its last fold issues
    // ------------------------------------------------------------------------------------------------
    reg  [XW-1:0]  cur;
    reg            cur_valid;
    reg  [NFB-1:0] nf;
    reg  [SFB-1:0] sf;

    wire sf_last  = (sf == SF_MAX[SFB-1:0]);
    wire nf_last  = (nf == NF_MAX[NFB-1:0]);
    wire advance  = ce && cur_valid;               // one fold issued this cycle
    wire pop      = advance && sf_last && nf_last; // current vector fully issued
    wire cur_free = !cur_valid || pop;             // cur can take a vector this cycle
    wire s_hs     = s_axis_tvalid && cur_free;     // input handshake

    assign s_axis_tready = cur_free;

    always @(posedge clk) begin
        if (rst) cur_valid <= 1'b0;
        else if (cur_free) cur_valid <= s_axis_tvalid;
    end

    always @(posedge clk) begin
        if (s_hs) cur <= s_axis_tdata[XW-1:0];
    end

    // side FIFO: written at the input handshake, read when a result enters the output register
    reg  [SIDE_WIDTH-1:0] side_mem [0:SDEPTH-1];
    reg  [SAB-1:0]        side_wp, side_rp;
    wire                  side_rd;   // the output register takes a new vector this cycle
    always @(posedge clk) begin
        if (s_hs) side_mem[side_wp] <= s_axis_tdata[XW +: SIDE_WIDTH];
    end
    always @(posedge clk) begin
        if (rst) begin
            side_wp <= {SAB{1'b0}};
            side_rp <= {SAB{1'b0}};
        end else begin
            if (s_hs) side_wp <= side_wp + 1'b1;
            if (side_rd) side_rp <= side_rp + 1'b1;
        end
    end

    always @(posedge clk) begin
        if (rst) begin
            nf <= {NFB{1'b0}};
            sf <= {SFB{1'b0}};
        end else if (advance) begin
            if (sf_last) begin
                sf <= {SFB{1'b0}};
                nf <= nf_last ? {NFB{1'b0}} : nf + 1'b1;
            end else begin
                sf <= sf + 1'b1;
            end
        end
    end

    // x slice of the current synapse fold
    reg [SIMD*EW-1:0] xs;
    integer xi;
    always @* begin
        xs = cur[0 +: SIMD * EW];
        for (xi = 1; xi < SF; xi = xi + 1)
            if (sf == xi[SFB-1:0]) xs = cur[xi * SIMD * EW +: SIMD * EW];
    end

    // ------------------------------------------------------------------------------------------------
    // Weights: ROM in the issue stage, or memory read in the wread stage
    // ------------------------------------------------------------------------------------------------
    reg  [PE*NL*LW-1:0] leaf;
    reg  [FW-1:0]       pflags;
    reg                 pvalid;
    wire [PE*NL*LW-1:0] leaf_d;

    // the issue stage's flags; what the leaf stage sees: x slice, weights, flags, valid
    wire [FW-1:0]      i_flags = {sf_last && nf_last, nf, sf_last, sf == {SFB{1'b0}}};
    wire [SIMD*EW-1:0] l_x;
    wire [WBW-1:0]     l_w;       // neuron gp's SIMD weights at [gp*SIMD*WW +: SIMD*WW]
    wire [FW-1:0]      l_flags;
    wire               l_valid;

    genvar gp, gs;
    generate
        if (WEIGHT_MEM == 0) begin : g_wrom
            for (gp = 0; gp < PE; gp = gp + 1) begin : g_pe
                // the SIMD weights of neuron nf*PE+gp for synapse fold sf, sliced from WEIGHTS
                reg [SIMD*WW-1:0] ws;
                integer ra, rb;
                always @* begin
                    ws = {(SIMD * WW){1'b0}};
                    for (ra = 0; ra < NF; ra = ra + 1)
                        for (rb = 0; rb < SF; rb = rb + 1)
                            if (nf == ra[NFB-1:0] && sf == rb[SFB-1:0])
                                ws = WEIGHTS[((ra * PE + gp) * MW + rb * SIMD) * WW +: SIMD * WW];
                end
                assign l_w[gp * SIMD * WW +: SIMD * WW] = ws;
            end
            assign l_x     = xs;
            assign l_flags = i_flags;
            assign l_valid = cur_valid;
        end else begin : g_wmem
            // word a = nf*SF + sf: the weights of neurons nf*PE .. nf*PE+PE-1, synapses sf*SIMD ..
            (* rom_style = "block", ram_style = "block" *) reg [WBW-1:0] wmem [0:WD-1];
            reg [WBW-1:0] word;
            integer ia, ip;
            initial begin
                for (ia = 0; ia < WD; ia = ia + 1) begin
                    for (ip = 0; ip < PE; ip = ip + 1)
                        word[ip * SIMD * WW +: SIMD * WW] =
                            WEIGHTS[(((ia / SF) * PE + ip) * MW + (ia % SF) * SIMD) * WW +: SIMD * WW];
                    wmem[ia] = word;
                end
            end
            // read address: advances with the fold counters, so it is nf*SF + sf of the issuing fold
            reg [WAB-1:0] wa;
            always @(posedge clk) begin
                if (rst) wa <= {WAB{1'b0}};
                else if (advance) wa <= pop ? {WAB{1'b0}} : wa + 1'b1;
            end
            reg [WBW-1:0]     wq;
            reg [SIMD*EW-1:0] xq;
            reg [FW-1:0]      fq;
            reg               vq;
            always @(posedge clk) begin
                if (ce) begin
                    wq <= wmem[wa];
                    xq <= xs;
                    fq <= i_flags;
                end
            end
            always @(posedge clk) begin
                if (rst) vq <= 1'b0;
                else if (ce) vq <= cur_valid;
            end
            assign l_w     = wq;
            assign l_x     = xq;
            assign l_flags = fq;
            assign l_valid = vq;
        end
    endgenerate

    // ------------------------------------------------------------------------------------------------
    // Issue (or wread) -> leaf register (flags travel alongside; no reset on data/flags, they map to SRLs)
    //   binary:    XNOR of x and the weights, 6:3 compressed: NL 3-bit counts per PE
    //   multi-bit: the SIMD products per PE (PW-bit signed; Yosys packs them into DSP48 M registers)
    // ------------------------------------------------------------------------------------------------
    generate
        for (gp = 0; gp < PE; gp = gp + 1) begin : g_lane
            wire [SIMD*WW-1:0] ws = l_w[gp * SIMD * WW +: SIMD * WW];
            if (BINARY != 0) begin : g_xnor
                wire [6*NL-1:0] xb;  // bipolar products as bits, zero-padded to whole groups of 6
                if (6 * NL > SIMD) begin : g_pad
                    assign xb = {{(6 * NL - SIMD){1'b0}}, ~(l_x ^ ws)};
                end else begin : g_nopad
                    assign xb = ~(l_x ^ ws);
                end
                for (gs = 0; gs < NL; gs = gs + 1) begin : g_pc
                    assign leaf_d[(gp * NL + gs) * LW +: LW] = pc6(xb[6 * gs +: 6]);
                end
            end else begin : g_mac
                for (gs = 0; gs < SIMD; gs = gs + 1) begin : g_mul
                    wire signed [EW:0]   xe = (IN_SIGNED != 0) ? {l_x[gs * EW + EW - 1], l_x[gs * EW +: EW]}
                                                               : {1'b0, l_x[gs * EW +: EW]};
                    wire signed [WW-1:0] we = ws[gs * WW +: WW];
                    wire signed [PW-1:0] xw = xe * we;
                    assign leaf_d[(gp * NL + gs) * LW +: LW] = xw;
                end
            end
        end
    endgenerate

    always @(posedge clk) begin
        if (ce) begin
            leaf   <= leaf_d;
            pflags <= l_flags;
        end
    end

    always @(posedge clk) begin
        if (rst) pvalid <= 1'b0;
        else if (ce) pvalid <= l_valid;
    end

    // ------------------------------------------------------------------------------------------------
    // Adder trees (one per PE): register after every second level and at the root
    // ------------------------------------------------------------------------------------------------
    wire [PE*TW-1:0] root;
    genvar gl, gn;
    generate
        for (gp = 0; gp < PE; gp = gp + 1) begin : g_tree
            for (gl = 0; gl <= TL; gl = gl + 1) begin : g_lvl
                localparam integer NW = lvl_w(gl);  // node width of this level
                wire [lvl_n(gl)*NW-1:0] v;          // the nodes of tree level gl (0: leaves)
                if (gl == 0) begin : g_leaves
                    for (gn = 0; gn < NL; gn = gn + 1) begin : g_leaf
                        wire [LW-1:0] p = leaf[(gp * NL + gn) * LW +: LW];
                        if (NW == LW) begin : g_same
                            assign v[gn * NW +: NW] = p;
                        end else begin : g_trunc  // the value fits NW bits: drop redundant high bits
                            wire unused_hi;
                            assign unused_hi = ^p[LW-1:NW];
                            assign v[gn * NW +: NW] = p[NW-1:0];
                        end
                    end
                end else begin : g_adders
                    localparam integer PWL = lvl_w(gl - 1);  // width of the level below
                    for (gn = 0; gn < lvl_n(gl); gn = gn + 1) begin : g_node
                        // the node's one or two operands extended to NW bits: zero (binary counts) or sign
                        // (multi-bit sums); a lone operand (odd level) is added to zero
                        localparam integer NOPS = (2 * gn + 1 < lvl_n(gl - 1)) ? 2 : 1;
                        wire [2*NW-1:0] ops;
                        wire [NW-1:0]   s = ops[0 +: NW] + ops[NW +: NW];
                        genvar gk;
                        for (gk = 0; gk < NOPS; gk = gk + 1) begin : g_op
                            wire [PWL-1:0] o = g_lvl[gl - 1].v[(2 * gn + gk) * PWL +: PWL];
                            if (NW > PWL) begin : g_ext
                                assign ops[gk * NW +: NW] = {{(NW - PWL){(BINARY == 0) & o[PWL-1]}}, o};
                            end else begin : g_same
                                assign ops[gk * NW +: NW] = o;
                            end
                        end
                        if (NOPS == 1) begin : g_pass
                            assign ops[NW +: NW] = {NW{1'b0}};
                        end
                        if (gl % 2 == 0 || gl == TL) begin : g_reg
                            reg [NW-1:0] r;
                            always @(posedge clk) if (ce) r <= s;
                            assign v[gn * NW +: NW] = r;
                        end else begin : g_comb
                            assign v[gn * NW +: NW] = s;
                        end
                    end
                end
            end
            // the root, extended to TW bits
            localparam integer RW = lvl_w(TL);
            if (TW > RW) begin : g_root_ext
                assign root[gp * TW +: TW] = {{(TW - RW){(BINARY == 0) & g_lvl[TL].v[RW-1]}}, g_lvl[TL].v};
            end else begin : g_root
                assign root[gp * TW +: TW] = g_lvl[TL].v;
            end
        end
    endgenerate

    // flags and valid follow the registered tree stages
    wire [(TS+1)*FW-1:0] fchain;
    wire [TS:0]          vchain;
    assign fchain[0 +: FW] = pflags;
    assign vchain[0]       = pvalid;
    genvar gk;
    generate
        for (gk = 0; gk < TS; gk = gk + 1) begin : g_fl
            reg [FW-1:0] f;
            reg          v;
            always @(posedge clk) if (ce) f <= fchain[gk * FW +: FW];
            always @(posedge clk) begin
                if (rst) v <= 1'b0;
                else if (ce) v <= vchain[gk];
            end
            assign fchain[(gk + 1) * FW +: FW] = f;
            assign vchain[gk + 1]              = v;
        end
    endgenerate

    wire [FW-1:0]         fl      = fchain[TS * FW +: FW];
    wire                  a_valid = vchain[TS];
    wire                  a_first = fl[0];
    wire                  a_last  = fl[1];
    wire [NFB-1:0]        a_nf    = fl[2 +: NFB];
    wire                  a_final = fl[2 + NFB];

    // ------------------------------------------------------------------------------------------------
    // Accumulate over synapse folds
    // ------------------------------------------------------------------------------------------------
    reg  [PE*ACC_WIDTH-1:0] acc;
    wire [PE*ACC_WIDTH-1:0] sum;
    // binary: start from -MW and add 2*popcount, so the result is 2*popcount(total) - MW
    localparam [ACC_WIDTH-1:0] ACC_INIT = (BINARY != 0) ? (~MW[ACC_WIDTH-1:0] + 1'b1) : {ACC_WIDTH{1'b0}};
    generate
        for (gp = 0; gp < PE; gp = gp + 1) begin : g_acc
            wire [TW-1:0]        rt = root[gp * TW +: TW];
            wire [ACC_WIDTH-1:0] part;
            if (BINARY != 0) begin : g_bin
                if (ACC_WIDTH > TW + 1) begin : g_ext
                    assign part = {{(ACC_WIDTH - TW - 1){1'b0}}, rt, 1'b0};
                end else begin : g_fit
                    assign part = {rt, 1'b0};
                end
            end else begin : g_mb
                if (ACC_WIDTH > TW) begin : g_ext
                    assign part = {{(ACC_WIDTH - TW){rt[TW-1]}}, rt};
                end else begin : g_fit
                    assign part = rt;
                end
            end
            assign sum[gp * ACC_WIDTH +: ACC_WIDTH] =
                (a_first ? ACC_INIT : acc[gp * ACC_WIDTH +: ACC_WIDTH]) + part;
        end
    endgenerate

    always @(posedge clk) begin
        if (ce && a_valid) acc <= sum;
    end

    // result register: neuron folds 0..NF-2 of the vector being computed.  The skid entry below holds only the
    // last fold's PE lanes: while it is occupied the pipeline stalls (ce = 0), so nothing overwrites res and
    // {skid, res} is the whole vector.
    reg  [PE*ACC_WIDTH-1:0] oskid;
    wire [YW-1:0] result;   // the vector finishing now: {last fold's lanes, res}
    wire [YW-1:0] skidded;  // the vector waiting in the skid entry
    genvar gr;
    generate
        if (NF > 1) begin : g_res
            reg [(NF-1)*PE*ACC_WIDTH-1:0] res;
            for (gr = 0; gr < NF - 1; gr = gr + 1) begin : g_slice
                always @(posedge clk)
                    if (ce && a_valid && a_last && a_nf == gr[NFB-1:0])
                        res[gr * PE * ACC_WIDTH +: PE * ACC_WIDTH] <= sum;
            end
            assign result = {sum, res};
            assign skidded = {oskid, res};
        end else begin : g_nores
            wire unused_nf;  // one neuron fold: the fold index and last-synapse flag are not needed
            assign unused_nf = ^{a_nf, a_last};
            assign result = sum;
            assign skidded = oskid;
        end
    endgenerate

    // ------------------------------------------------------------------------------------------------
    // Output: m_axis register + one skid entry (the skid stalls the pipeline through ce)
    // ------------------------------------------------------------------------------------------------
    wire          wb       = ce && a_valid && a_final;      // a finished vector leaves the pipeline
    wire          out_free = !m_axis_tvalid || m_axis_tready;
    assign side_rd = out_free && (oskid_valid || wb);

    always @(posedge clk) begin
        if (rst) begin
            m_axis_tvalid <= 1'b0;
            oskid_valid   <= 1'b0;
        end else if (oskid_valid) begin
            if (out_free) begin
                m_axis_tvalid <= 1'b1;
                oskid_valid   <= 1'b0;
            end
        end else if (wb) begin
            if (out_free) m_axis_tvalid <= 1'b1;
            else oskid_valid <= 1'b1;
        end else if (m_axis_tready) begin
            m_axis_tvalid <= 1'b0;
        end
    end

    always @(posedge clk) begin
        if (oskid_valid) begin
            if (out_free) m_axis_tdata[YW-1:0] <= skidded;
        end else if (wb) begin
            if (out_free) m_axis_tdata[YW-1:0] <= result;
            else oskid <= sum;
        end
        if (side_rd) m_axis_tdata[YW +: SIDE_WIDTH] <= side_mem[side_rp];
    end

endmodule

`resetall
