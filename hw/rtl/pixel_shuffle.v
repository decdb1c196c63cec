`default_nettype none
// pixel_shuffle: depth-to-space x2 reorder of an LR pixel stream into an HR raster RGB stream.
//
// Input beat : one LR pixel, 12 uint8 values, k = c*4 + di*2 + dj at s_axis_tdata[k*8 +: 8]
//              (c colour R,G,B; (di, dj) the HR sub-pixel), cfg_height rows x cfg_width pixels, raster.
// Output beat: one HR pixel {B, G, R} (R at [7:0]), 2*cfg_height rows x 2*cfg_width pixels, raster;
//              HR pixel (2i+di, 2j+dj) colour c = input k = c*4 + di*2 + dj of LR pixel (i, j).
//              m_axis_tlast on the last pixel of every HR row, m_axis_tuser on the first pixel of a frame.
// Operation  : while LR row i streams in, HR row 2i is emitted directly (2 HR pixels per accepted LR
//              pixel) and the di=1 halves (48 bits) are written to a line buffer (MAX_W x 48,
//              one write + one synchronous read port, block RAM); HR row 2i+1 is then emitted from the
//              buffer while the input is stalled.
// Timing     : one HR pixel per cycle when not stalled (4 cycles per LR pixel); latency 1 cycle
//              (accepted LR pixel -> its first HR pixel on m_axis); frames back to back, no bubbles.
//              s_axis_tready = even-row phase && first half && (!m_axis_tvalid || m_axis_tready):
//              combinational path from m_axis_tready.
// Geometry   : cfg_width in [1, MAX_W], cfg_height >= 1, stable for the whole frame.
module pixel_shuffle #(
    parameter integer MAX_W    = 256,  // largest LR frame width (line-buffer depth), >= 1
    parameter integer DIM_BITS = 12    // width of cfg_width / cfg_height; MAX_W <= 2^DIM_BITS - 1
) (
    input  wire                clk,
    input  wire                rst,            // synchronous, active high
    input  wire [DIM_BITS-1:0] cfg_width,      // LR frame width (pixels)
    input  wire [DIM_BITS-1:0] cfg_height,     // LR frame height (rows)
    input  wire [95:0]         s_axis_tdata,
    input  wire                s_axis_tvalid,
    output wire                s_axis_tready,
    output reg  [23:0]         m_axis_tdata,
    output reg                 m_axis_tvalid,
    input  wire                m_axis_tready,
    output reg                 m_axis_tlast,
    output reg                 m_axis_tuser
);
    localparam integer AW = (MAX_W > 1) ? $clog2(MAX_W) : 1;  // line-buffer address width
    localparam integer BW = 48;                               // line-buffer word: two HR pixels

    initial begin
        if (MAX_W < 1) $error("%m: MAX_W must be >= 1 (got %0d)", MAX_W);
        if (DIM_BITS < 1 || DIM_BITS > 30) $error("%m: DIM_BITS must be in [1, 30] (got %0d)", DIM_BITS);
        else if (MAX_W > (1 << DIM_BITS) - 1)
            $error("%m: MAX_W (%0d) does not fit in DIM_BITS (%0d) bits", MAX_W, DIM_BITS);
    end

    // HR sub-pixel (di, dj) of the input LR pixel as {B, G, R}
    function [23:0] sub;
        input [95:0] d;
        input integer q;  // di*2 + dj
        begin
            sub = {d[(8 + q)*8 +: 8], d[(4 + q)*8 +: 8], d[q*8 +: 8]};
        end
    endfunction

    // ---- control state ----
    reg                phase;  // 0: HR row 2i from the input, 1: HR row 2i+1 from the line buffer
    reg                half;   // dj of the next HR pixel
    reg [DIM_BITS-1:0] col;    // LR column j
    reg [DIM_BITS-1:0] row;    // LR row i

    // ---- datapath state (not reset) ----
    reg [23:0] hold;           // HR pixel (2i, 2j+1) of the accepted LR pixel
    (* ram_style = "block" *)
    reg [BW-1:0] mem [0:MAX_W-1];
    reg [BW-1:0] rdata;        // synchronous read data: {(2i+1, 2j+1), (2i+1, 2j)}

    wire [DIM_BITS-1:0] w_last = cfg_width - 1'b1;
    wire [DIM_BITS-1:0] h_last = cfg_height - 1'b1;
    wire col_last = (col == w_last);
    wire row_last = (row == h_last);

    wire load = !m_axis_tvalid || m_axis_tready;  // output register free (combinational from m_axis_tready)
    wire take = !phase && !half;                  // this HR pixel comes from a new input pixel
    assign s_axis_tready = load && take;
    wire in_fire = s_axis_tvalid && s_axis_tready;
    wire adv = load && (!take || s_axis_tvalid);  // an HR pixel enters the output register

    // line buffer: write the di=1 halves on input, read entry j+1 (or 0 at the end of a row) with the
    // last use of entry j, so rdata holds entry j for both HR pixels of the odd row.
    wire          we    = in_fire;
    wire [AW-1:0] waddr = col[AW-1:0];
    wire [BW-1:0] wdata = {sub(s_axis_tdata, 3), sub(s_axis_tdata, 2)};
    wire          re    = adv && half && (phase || col_last);
    wire [AW-1:0] raddr = col_last ? {AW{1'b0}} : col[AW-1:0] + 1'b1;

    always @(posedge clk) begin
        if (we) mem[waddr] <= wdata;
        if (re) rdata <= mem[raddr];
    end

    always @(posedge clk) begin
        if (in_fire) hold <= sub(s_axis_tdata, 1);
        if (adv) begin
            m_axis_tdata <= phase ? (half ? rdata[2*24-1:24] : rdata[23:0])
                                  : (half ? hold : sub(s_axis_tdata, 0));
            m_axis_tlast <= half && col_last;
            m_axis_tuser <= take && col == {DIM_BITS{1'b0}} && row == {DIM_BITS{1'b0}};
        end
    end

    always @(posedge clk) begin
        if (adv) begin
            m_axis_tvalid <= 1'b1;
            half <= !half;
            if (half) begin
                if (col_last) begin
                    col <= {DIM_BITS{1'b0}};
                    phase <= !phase;
                    if (phase) row <= row_last ? {DIM_BITS{1'b0}} : row + 1'b1;
                end else begin
                    col <= col + 1'b1;
                end
            end
        end else if (load) begin
            m_axis_tvalid <= 1'b0;
        end
        if (rst) begin
            m_axis_tvalid <= 1'b0;
            phase <= 1'b0;
            half  <= 1'b0;
            col   <= {DIM_BITS{1'b0}};
            row   <= {DIM_BITS{1'b0}};
        end
    end
endmodule
`resetall
