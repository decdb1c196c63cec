// skip_add -- join two vector streams, align their binary points, add, round and saturate.
//
//   y[i] = clip(rhe_shift((a[i] << A_SHIFT) + (b[i] << B_SHIFT), S), Y_MIN, Y_MAX)    i = 0 .. N-1
//
// Reference: hw/layers/skip_add.py: skip_add_ref.  Rounding/saturation: rhe_shift.v (must be compiled
// with this file).
//
// s_axis_a: N x A_WIDTH (A_SIGNED), element i at [i*A_WIDTH +: A_WIDTH]
// s_axis_b: N x B_WIDTH (B_SIGNED), element i at [i*B_WIDTH +: B_WIDTH]
// m_axis  : N x Y_WIDTH (Y_SIGNED), element i at [i*Y_WIDTH +: Y_WIDTH]
//
// One vector per cycle.  A pair of beats is consumed when both inputs are valid and the output
// register is empty or being read; the result is registered (LATENCY = 1: m_axis_tvalid rises the
// cycle after the joint handshake).
// COMBINATIONAL PATHS: s_axis_a_tready <- s_axis_b_tvalid, m_axis_tready;
//                      s_axis_b_tready <- s_axis_a_tvalid, m_axis_tready.

`default_nettype none

module skip_add #(
    parameter integer N        = 12,  // elements per vector
    parameter integer A_WIDTH  = 10,  // width of an element of a
    parameter integer A_SIGNED = 1,   // 1: a is signed, 0: unsigned
    parameter integer A_SHIFT  = 2,   // left shift applied to a before the add (>= 0)
    parameter integer B_WIDTH  = 12,  // width of an element of b
    parameter integer B_SIGNED = 0,   // 1: b is signed, 0: unsigned
    parameter integer B_SHIFT  = 0,   // left shift applied to b before the add (>= 0)
    parameter integer S        = 4,   // final shift: > 0 round-half-even right shift, <= 0 left shift
    parameter integer Y_WIDTH  = 8,   // width of an output element
    parameter integer Y_SIGNED = 0    // 1: y is signed, 0: unsigned
) (
    input  wire                 clk,
    input  wire                 rst,              // synchronous, active high
    input  wire [N*A_WIDTH-1:0] s_axis_a_tdata,
    input  wire                 s_axis_a_tvalid,
    output wire                 s_axis_a_tready,  // combinational (see header)
    input  wire [N*B_WIDTH-1:0] s_axis_b_tdata,
    input  wire                 s_axis_b_tvalid,
    output wire                 s_axis_b_tready,  // combinational (see header)
    output wire [N*Y_WIDTH-1:0] m_axis_tdata,
    output wire                 m_axis_tvalid,
    input  wire                 m_axis_tready
);

    // Signed widths of the shifted operands (one extra bit for an unsigned one), sum one bit wider.
    localparam integer AE    = A_WIDTH + (A_SIGNED != 0 ? 0 : 1) + A_SHIFT;
    localparam integer BE    = B_WIDTH + (B_SIGNED != 0 ? 0 : 1) + B_SHIFT;
    localparam integer SUM_W = ((AE > BE) ? AE : BE) + 1;
    localparam integer LATENCY = 1;

    initial begin
        if (N < 1) $error("%m: N must be >= 1");
        if (A_WIDTH < 1 || B_WIDTH < 1) $error("%m: A_WIDTH and B_WIDTH must be >= 1");
        if (A_SIGNED != 0 && A_SIGNED != 1) $error("%m: A_SIGNED must be 0 or 1");
        if (B_SIGNED != 0 && B_SIGNED != 1) $error("%m: B_SIGNED must be 0 or 1");
        if (A_SHIFT < 0 || B_SHIFT < 0) $error("%m: A_SHIFT and B_SHIFT must be >= 0");
        if (Y_SIGNED != 0 && Y_SIGNED != 1) $error("%m: Y_SIGNED must be 0 or 1");
        if (Y_WIDTH < 1 + Y_SIGNED) $error("%m: Y_WIDTH too small");
        if (LATENCY != 1) $error("%m: internal: bad LATENCY");
    end

    reg                 out_valid;
    reg [N*Y_WIDTH-1:0] out_data;

    wire room = ~out_valid | m_axis_tready;
    wire fire = s_axis_a_tvalid & s_axis_b_tvalid & room;

    assign s_axis_a_tready = s_axis_b_tvalid & room;
    assign s_axis_b_tready = s_axis_a_tvalid & room;
    assign m_axis_tvalid   = out_valid;
    assign m_axis_tdata    = out_data;

    wire [N*Y_WIDTH-1:0] y;

    genvar i;
    generate
        for (i = 0; i < N; i = i + 1) begin : g_elem
            wire [A_WIDTH-1:0] a = s_axis_a_tdata[i*A_WIDTH +: A_WIDTH];
            wire [B_WIDTH-1:0] b = s_axis_b_tdata[i*B_WIDTH +: B_WIDTH];
            wire a_e = (A_SIGNED != 0) & a[A_WIDTH-1];
            wire b_e = (B_SIGNED != 0) & b[B_WIDTH-1];
            wire [SUM_W-1:0] a_x = {{(SUM_W - A_WIDTH){a_e}}, a} << A_SHIFT;
            wire [SUM_W-1:0] b_x = {{(SUM_W - B_WIDTH){b_e}}, b} << B_SHIFT;
            wire [SUM_W-1:0] sum = a_x + b_x;
            rhe_shift #(.IN_WIDTH(SUM_W), .SHIFT(S), .OUT_WIDTH(Y_WIDTH), .OUT_SIGNED(Y_SIGNED)) u_rs (
                .x(sum), .y(y[i*Y_WIDTH +: Y_WIDTH]));
        end
    endgenerate

    always @(posedge clk) begin
        if (rst) out_valid <= 1'b0;
        else if (room) out_valid <= s_axis_a_tvalid & s_axis_b_tvalid;
    end

    always @(posedge clk) begin
        if (fire) out_data <= y;
    end

endmodule

`resetall
