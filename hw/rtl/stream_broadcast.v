`default_nettype none
// stream_broadcast: one AXI4-Stream input copied to two outputs (a, b), each with its own handshake.
//
// One shared data register feeds both outputs; m_axis_a_tvalid / m_axis_b_tvalid are set together
// when a word is accepted and each clears when its own output takes the word, so the valid flags
// record which outputs still owe the current word.  A new word is accepted once both outputs have
// taken the current one (or take it in this same cycle).
//
// Timing: 1 word per cycle when both outputs are ready; latency 1 cycle (word accepted in cycle t is
// valid on both outputs from t+1).  The outputs may take the word in different cycles.
// COMBINATIONAL PATH: s_axis_tready depends on m_axis_a_tready and m_axis_b_tready (and on
// registers); it does not depend on s_axis_tvalid.
// Reset (synchronous, active high) clears the valid flags only.
module stream_broadcast #(
    parameter integer WIDTH = 8  // bits per word (>= 1)
) (
    input  wire             clk,
    input  wire             rst,
    input  wire [WIDTH-1:0] s_axis_tdata,
    input  wire             s_axis_tvalid,
    output wire             s_axis_tready,
    output wire [WIDTH-1:0] m_axis_a_tdata,
    output reg              m_axis_a_tvalid,
    input  wire             m_axis_a_tready,
    output wire [WIDTH-1:0] m_axis_b_tdata,
    output reg              m_axis_b_tvalid,
    input  wire             m_axis_b_tready
);
    initial begin
        if (WIDTH < 1) $error("%m: WIDTH must be >= 1 (got %0d)", WIDTH);
    end

    reg [WIDTH-1:0] data_q;  // the current word, shared by both outputs

    // each output is free when it holds nothing or its word leaves this cycle
    wire a_free = !m_axis_a_tvalid || m_axis_a_tready;
    wire b_free = !m_axis_b_tvalid || m_axis_b_tready;
    assign s_axis_tready = a_free && b_free;  // combinational from m_axis_{a,b}_tready
    wire accept = s_axis_tvalid && s_axis_tready;

    assign m_axis_a_tdata = data_q;
    assign m_axis_b_tdata = data_q;

    always @(posedge clk) begin
        if (accept) data_q <= s_axis_tdata;
    end

    always @(posedge clk) begin
        if (rst) begin
            m_axis_a_tvalid <= 1'b0;
            m_axis_b_tvalid <= 1'b0;
        end else if (accept) begin
            m_axis_a_tvalid <= 1'b1;
            m_axis_b_tvalid <= 1'b1;
        end else begin
            if (m_axis_a_tready) m_axis_a_tvalid <= 1'b0;
            if (m_axis_b_tready) m_axis_b_tvalid <= 1'b0;
        end
    end
endmodule
`resetall
