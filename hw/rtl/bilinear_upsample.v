`default_nettype none
// bilinear_upsample: x2 bilinear upsampling (align_corners=False) of one 3x3 window per beat.
//
// Input beat : a 3x3 window of C unsigned EW-bit channels (from sliding_window with REPLICATE=1):
//              tap t = 3*ky + kx at s_axis_tdata[t*C*EW +: C*EW], channel c at [c*EW +: EW] in a tap.
// Output beat: 4*C unsigned (EW+4)-bit values, index k = c*4 + di*2 + dj at m_axis_tdata[k*OW +: OW]:
//                y = 9*x[1][1] + 3*x[2*di][1] + 3*x[1][2*dj] + x[2*di][2*dj]      (x[ky][kx] of channel c)
//              = 16 x the align_corners=False bilinear value of HR sub-pixel (2i+di, 2j+dj)
//              (max 16*(2^EW-1), so OW = EW+4 bits never overflows).
// Timing     : one output register stage; latency 1 cycle, one beat per cycle.
//              s_axis_tready = !m_axis_tvalid || m_axis_tready (combinational path from m_axis_tready).
module bilinear_upsample #(
    parameter integer C  = 3,  // channels per pixel (RGB: 3), >= 1
    parameter integer EW = 8   // bits per (unsigned) input channel, >= 1
) (
    input  wire                  clk,
    input  wire                  rst,            // synchronous, active high
    input  wire [9*C*EW-1:0]     s_axis_tdata,
    input  wire                  s_axis_tvalid,
    output wire                  s_axis_tready,
    output reg  [4*C*(EW+4)-1:0] m_axis_tdata,
    output reg                   m_axis_tvalid,
    input  wire                  m_axis_tready
);
    localparam integer OW = EW + 4;         // output element width
    localparam integer OUT_W = 4 * C * OW;  // output beat width

    initial begin
        if (C < 1) $error("%m: C must be >= 1 (got %0d)", C);
        if (EW < 1) $error("%m: EW must be >= 1 (got %0d)", EW);
    end

    // Output register may load when empty or being drained (combinational from m_axis_tready).
    wire load = !m_axis_tvalid || m_axis_tready;
    assign s_axis_tready = load;

    wire [OUT_W-1:0] y;

    genvar c, di, dj;
    generate
        for (c = 0; c < C; c = c + 1) begin : g_ch
            for (di = 0; di < 2; di = di + 1) begin : g_di
                for (dj = 0; dj < 2; dj = dj + 1) begin : g_dj
                    // taps, zero-extended to the output width
                    wire [OW-1:0] xc = {4'b0000, s_axis_tdata[((3*1    + 1   )*C + c)*EW +: EW]};  // x[1][1]
                    wire [OW-1:0] xv = {4'b0000, s_axis_tdata[((3*2*di + 1   )*C + c)*EW +: EW]};  // x[2di][1]
                    wire [OW-1:0] xh = {4'b0000, s_axis_tdata[((3*1    + 2*dj)*C + c)*EW +: EW]};  // x[1][2dj]
                    wire [OW-1:0] xd = {4'b0000, s_axis_tdata[((3*2*di + 2*dj)*C + c)*EW +: EW]};  // x[2di][2dj]
                    wire [OW-1:0] s3 = xv + xh;  // <= 2*(2^EW-1)
                    assign y[(c*4 + di*2 + dj)*OW +: OW] = (xc << 3) + xc + (s3 << 1) + s3 + xd;
                end
            end
        end
    endgenerate

    always @(posedge clk) begin
        if (load) m_axis_tvalid <= s_axis_tvalid;
        if (load && s_axis_tvalid) m_axis_tdata <= y;  // datapath register: not reset
        if (rst) m_axis_tvalid <= 1'b0;
    end
endmodule
`resetall
