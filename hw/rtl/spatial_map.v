// spatial_map -- the Spatial attention map of one pixel, appended to the stream beat.
//
//   acc   = B + sum_c W[c] * x[c]                       (x: C signed EW-bit elements of the beat)
//   logit = clip(rhe_shift(acc, S), L_MIN, L_MAX)        (L_WIDTH-bit signed)
//   map   = TABLE[logit]                                 (entry index = the logit's two's-complement bits)
//
// Reference: hw/layers/spatial_map.py: spatial_map_ref (TABLE = sigmoid_table: the quantised sigmoid).
// Rounding/saturation: rhe_shift.v (must be compiled with this file).
//
// Input beat  : {top, x, pass}; pass = PASS_WIDTH bits at [PASS_WIDTH-1:0] (in a conv layer: the window's
//               sign bits), x = C x EW at [PASS_WIDTH + c*EW +: EW] (the block input, centre tap), top =
//               TOP_WIDTH bits above x, passed through (0 bits, or a first map when two instances are chained).
// Output beat : {map, top, x, pass} (MAP_WIDTH unsigned on top).  In a conv layer the mvu takes it and
//               keeps {map, x} as its sideband, so requant (HAS_MAP) receives {map, x, acc}.
//
// Folding: the beat is read IN PLACE (AXI4-Stream: tdata is stable while tvalid && !tready) and is NOT
// copied: the output beat is the input beat with the map on top, and the two handshakes happen in the
// same cycle.  Fold f multiplies-and-accumulates elements f*PE .. f*PE+PE-1 (PE multipliers) in the f-th
// cycle the beat is valid; from the (NF+1)-th cycle on the map (the accumulator rounded, clipped and
// looked up) is on top and m_axis_tvalid is high until the beat leaves.  So a beat takes exactly NF+1
// cycles (NF = C/PE) and costs no register of its width: in a conv layer the map is computed while the
// window's output register holds the next pixel for the mvu (the mvu takes it only as its current vector
// finishes), so it costs no cycles either.  Two instances that compute maps of the same pixel side by
// side (Both-Spatial-Spatial) are joined in conv_layer.v.
// COMBINATIONAL PATHS: m_axis_tready -> s_axis_tready, s_axis_tvalid -> m_axis_tvalid, s_axis_tdata ->
// m_axis_tdata (wires); the map comes from the accumulator register through the table.

`default_nettype none

module spatial_map #(
    parameter integer C          = 32,  // elements of x
    parameter integer PE         = 2,   // multipliers (elements per cycle), C % PE == 0
    parameter integer EW         = 8,   // width of a signed element of x
    parameter integer PASS_WIDTH = 1,   // bits of the beat below x, passed through (>= 1)
    parameter integer TOP_WIDTH  = 0,   // bits of the beat above x, passed through (>= 0)
    parameter integer W_WIDTH    = 8,   // width of a signed weight
    parameter integer B_WIDTH    = 16,  // width of the signed bias (on the accumulator grid)
    parameter integer S          = 4,   // acc -> logit: > 0 round-half-even right shift, <= 0 left shift
    parameter integer L_WIDTH    = 8,   // logit width (signed); TABLE has 2^L_WIDTH entries
    parameter integer MAP_WIDTH  = 8,   // map width (unsigned)
    parameter [C*W_WIDTH-1:0] W = {(C*W_WIDTH){1'b0}},                    // W[c] at [c*W_WIDTH +: W_WIDTH]
    parameter [B_WIDTH-1:0] B = {B_WIDTH{1'b0}},                          // bias
    parameter [(1<<L_WIDTH)*MAP_WIDTH-1:0] TABLE = {((1<<L_WIDTH)*MAP_WIDTH){1'b0}}  // entry i at [i*MAP_WIDTH +: MAP_WIDTH]
) (
    input  wire                              clk,
    input  wire                              rst,            // synchronous, active high
    input  wire [TOP_WIDTH+C*EW+PASS_WIDTH-1:0] s_axis_tdata, // {top, x, pass}
    input  wire                              s_axis_tvalid,
    output wire                              s_axis_tready,  // combinational from m_axis_tready
    output wire [MAP_WIDTH+TOP_WIDTH+C*EW+PASS_WIDTH-1:0] m_axis_tdata, // {map, top, x, pass}: the input beat
    output wire                              m_axis_tvalid,  // combinational from s_axis_tvalid
    input  wire                              m_axis_tready
);

    localparam integer NF     = C / PE;                      // multiply folds per beat
    localparam integer FB     = $clog2(NF + 1);              // fold index 0 .. NF (NF: the finish cycle)
    localparam [FB-1:0] FIN   = NF[FB-1:0];
    localparam integer PROD_W = EW + W_WIDTH;                // one signed product
    localparam integer SUM_W  = PROD_W + $clog2(C) + 1;      // any sum of up to C products
    localparam integer ACC_W  = ((SUM_W > B_WIDTH) ? SUM_W : B_WIDTH) + 1;

    initial begin
        if (C < 1) $error("%m: C must be >= 1");
        if (PE < 1 || PE > C || (C % PE) != 0) $error("%m: PE must divide C");
        if (EW < 2 || W_WIDTH < 2) $error("%m: EW and W_WIDTH must be >= 2 (signed)");
        if (PASS_WIDTH < 1) $error("%m: PASS_WIDTH must be >= 1");
        if (TOP_WIDTH < 0) $error("%m: TOP_WIDTH must be >= 0");
        if (B_WIDTH < 1) $error("%m: B_WIDTH must be >= 1");
        if (L_WIDTH < 2 || L_WIDTH > 12) $error("%m: L_WIDTH must be in 2 .. 12 (table of 2^L_WIDTH entries)");
        if (MAP_WIDTH < 1) $error("%m: MAP_WIDTH must be >= 1");
    end

    reg  [FB-1:0]    fold;
    reg  [ACC_W-1:0] acc;

    wire finish = (fold == FIN);
    wire fire   = s_axis_tvalid & finish & m_axis_tready;   // both handshakes
    wire mac    = s_axis_tvalid & ~finish;
    wire [MAP_WIDTH-1:0] map;

    assign s_axis_tready = finish & m_axis_tready;
    assign m_axis_tvalid = s_axis_tvalid & finish;
    assign m_axis_tdata  = {map, s_axis_tdata};

    // ---------------------------------------------------------------- fold f: PE products
    wire [C*EW-1:0]       x      = s_axis_tdata[PASS_WIDTH +: C*EW];
    wire [FB-1:0]         f_sel  = finish ? {FB{1'b0}} : fold;   // keep the selects in range
    wire [PE*EW-1:0]      fold_x = x[f_sel * (PE*EW) +: PE*EW];
    wire [PE*W_WIDTH-1:0] fold_w = W[f_sel * (PE*W_WIDTH) +: PE*W_WIDTH];
    wire [PE*ACC_W-1:0]   prods;
    wire [ACC_W-1:0]      fold_sum;
    genvar l;
    generate
        for (l = 0; l < PE; l = l + 1) begin : g_lane
            wire [EW-1:0]      xl = fold_x[l*EW +: EW];
            wire [W_WIDTH-1:0] wl = fold_w[l*W_WIDTH +: W_WIDTH];
            wire [PROD_W-1:0]  p  = $signed(xl) * $signed(wl);
            assign prods[l*ACC_W +: ACC_W] = {{(ACC_W - PROD_W){p[PROD_W-1]}}, p};
        end
    endgenerate

    // sum of the lanes (a plain adder chain; PE is small)
    function automatic [ACC_W-1:0] lane_sum(input [PE*ACC_W-1:0] v);
        integer k;
        begin
            lane_sum = {ACC_W{1'b0}};
            for (k = 0; k < PE; k = k + 1) lane_sum = lane_sum + v[k*ACC_W +: ACC_W];
        end
    endfunction
    assign fold_sum = lane_sum(prods);

    wire [ACC_W-1:0] b_x = {{(ACC_W - B_WIDTH){B[B_WIDTH-1]}}, B};

    always @(posedge clk) begin
        if (rst) fold <= {FB{1'b0}};
        else if (mac) fold <= fold + 1'b1;
        else if (fire) fold <= {FB{1'b0}};
    end

    always @(posedge clk) begin
        if (mac) acc <= ((fold == {FB{1'b0}}) ? b_x : acc) + fold_sum;
    end

    // ---------------------------------------------------------------- finish: logit, table
    wire [L_WIDTH-1:0] logit;
    rhe_shift #(.IN_WIDTH(ACC_W), .SHIFT(S), .OUT_WIDTH(L_WIDTH), .OUT_SIGNED(1)) u_rs (.x(acc), .y(logit));
    assign map = TABLE[logit * MAP_WIDTH +: MAP_WIDTH];

endmodule

`resetall
