`default_nettype none
// stream_fifo: synchronous AXI4-Stream FIFO, registered output (ASYNC_READ = 1: LUT RAM read straight out).
//
// Storage: a DEPTH-entry simple dual-port memory (one write port, one synchronous read port) plus
// the output register m_axis_tdata, which is the memory's read-data register.  Yosys maps the
// memory to block RAM (or LUT RAM / flip-flops when small) and absorbs the output register into the
// RAM's read register.  Total capacity is DEPTH + 1 words (DEPTH in the memory, one in the output
// register); 1 word per cycle with a registered s_axis_tready needs a memory of >= 2 words.
//
// Timing:
//   * s_axis_tready = "memory not full", a function of registers only (no path from m_axis_tready).
//   * throughput 1 word per cycle in steady state, input and output simultaneously;
//   * latency 2 cycles: a word accepted in cycle t is presented on m_axis in cycle t+2
//     (written in t, read into the output register in t+1, valid from t+2).
// ASYNC_READ = 1 (a FIFO small enough for LUT RAM, whose read port is combinational): no output
// register -- m_axis_tdata is the memory word at the read pointer, m_axis_tvalid = "memory not empty";
// capacity DEPTH words, latency 1 cycle; a wide FIFO saves its width in flip-flops (the input FIFO of a
// conv layer: 512 FFs at C = 64).  The word stays stable while it waits (it is not written until read).
// Reset (synchronous, active high) clears pointers, count and m_axis_tvalid; the memory and the
// data register are not reset.
module stream_fifo #(
    parameter integer WIDTH = 8,  // bits per word (>= 1)
    parameter integer DEPTH = 16, // memory words (>= 2); capacity is DEPTH + 1 with the output register
    parameter integer ASYNC_READ = 0  // 1: combinational read, no output register (capacity DEPTH; see above)
) (
    input  wire             clk,
    input  wire             rst,
    input  wire [WIDTH-1:0] s_axis_tdata,
    input  wire             s_axis_tvalid,
    output wire             s_axis_tready,
    output wire [WIDTH-1:0] m_axis_tdata,
    output wire             m_axis_tvalid,
    input  wire             m_axis_tready
);
    // memory entries (the output register holds one more word)
    localparam integer MEM_DEPTH = DEPTH;
    // address width
    localparam integer AW = $clog2(MEM_DEPTH);
    // width of the occupancy counter (0 .. MEM_DEPTH)
    localparam integer CW = $clog2(MEM_DEPTH + 1);
    // last memory address and the "memory full" count, sized
    localparam integer LAST_ADDR_I = MEM_DEPTH - 1;
    localparam [AW-1:0] LAST_ADDR = LAST_ADDR_I[AW-1:0];
    localparam [CW-1:0] FULL_COUNT = MEM_DEPTH[CW-1:0];
    localparam [AW-1:0] ADDR_ONE = 1;
    localparam [CW-1:0] COUNT_ONE = 1;

    initial begin
        if (WIDTH < 1) $error("%m: WIDTH must be >= 1 (got %0d)", WIDTH);
        if (DEPTH < 2) $error("%m: DEPTH must be >= 2 (got %0d)", DEPTH);
    end

    reg [WIDTH-1:0] mem [0:MEM_DEPTH-1];
    reg [AW-1:0] wr_ptr;
    reg [AW-1:0] rd_ptr;
    reg [CW-1:0] count;  // words held in mem (not counting the output register)

    wire mem_empty = (count == {CW{1'b0}});
    assign s_axis_tready = (count != FULL_COUNT);
    wire wr_en = s_axis_tvalid && s_axis_tready;
    wire rd_en;  // a word leaves the memory

    always @(posedge clk) begin
        if (wr_en) mem[wr_ptr] <= s_axis_tdata;
    end

    generate
        if (ASYNC_READ != 0) begin : g_async
            assign rd_en = !mem_empty && m_axis_tready;
            assign m_axis_tvalid = !mem_empty;
            assign m_axis_tdata = mem[rd_ptr];
        end else begin : g_reg
            // move mem -> output register when the output register is empty or being emptied
            reg [WIDTH-1:0] out_data;
            reg             out_valid;
            assign rd_en = !mem_empty && (!out_valid || m_axis_tready);
            assign m_axis_tvalid = out_valid;
            assign m_axis_tdata = out_data;
            // the memory's synchronous read port (read data = output register)
            always @(posedge clk) begin
                if (rd_en) out_data <= mem[rd_ptr];
            end
            always @(posedge clk) begin
                if (rst) out_valid <= 1'b0;
                else if (rd_en) out_valid <= 1'b1;
                else if (m_axis_tready) out_valid <= 1'b0;
            end
        end
    endgenerate

    always @(posedge clk) begin
        if (rst) begin
            wr_ptr <= {AW{1'b0}};
            rd_ptr <= {AW{1'b0}};
            count <= {CW{1'b0}};
        end else begin
            if (wr_en) wr_ptr <= (wr_ptr == LAST_ADDR) ? {AW{1'b0}} : wr_ptr + ADDR_ONE;
            if (rd_en) rd_ptr <= (rd_ptr == LAST_ADDR) ? {AW{1'b0}} : rd_ptr + ADDR_ONE;
            if (wr_en && !rd_en) count <= count + COUNT_ONE;
            else if (rd_en && !wr_en) count <= count - COUNT_ONE;
        end
    end
endmodule
`resetall
