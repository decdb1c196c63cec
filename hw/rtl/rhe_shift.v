// rhe_shift -- combinational round-half-to-even shift followed by saturation.
//
//   y = clip(rhe_shift(x, SHIFT), Y_MIN, Y_MAX)
//
// with rhe_shift exactly as hw/numerics.py: SHIFT > 0 divides by 2^SHIFT and rounds half to even
// (q = x >>> SHIFT, r = x - (q << SHIFT), q + (r > 2^(SHIFT-1) || (r == 2^(SHIFT-1) && q[0]))),
// SHIFT <= 0 multiplies by 2^-SHIFT exactly; [Y_MIN, Y_MAX] is the range of an OUT_WIDTH-bit
// signed (OUT_SIGNED = 1) or unsigned (OUT_SIGNED = 0) integer.  With SHIFT = 0 the module is a
// plain saturating width conversion.
//
// This is the one place the project's rounding shift lives in RTL (used by requant and skip_add).
// Internal widths are derived from IN_WIDTH and SHIFT so that nothing can overflow before the clip.
// Rounding costs one (IN_WIDTH - SHIFT + 1)-bit increment; saturation looks only at the top bits.

`default_nettype none

module rhe_shift #(
    parameter integer IN_WIDTH   = 16, // width of the signed (two's complement) input x, >= 1
    parameter integer SHIFT      = 4,  // right shift with round-half-even (> 0) or exact left shift (<= 0)
    parameter integer OUT_WIDTH  = 8,  // width of the saturated output y, >= 1 (>= 2 when OUT_SIGNED)
    parameter integer OUT_SIGNED = 1   // 1: y is two's complement signed, 0: y is unsigned
) (
    input  wire [IN_WIDTH-1:0]  x,     // signed input
    output wire [OUT_WIDTH-1:0] y      // clip(rhe_shift(x, SHIFT)) in the OUT_WIDTH / OUT_SIGNED range
);

    // Input sign-extended far enough that bit SHIFT-1 (the "half" bit) and the floor exist.
    localparam integer XW = (SHIFT > 0) ? ((IN_WIDTH > SHIFT + 1) ? IN_WIDTH : SHIFT + 1) : IN_WIDTH;
    // Width of the rounded (or left-shifted) value: floor is XW-SHIFT bits, +1 for the rounding carry.
    localparam integer QW = (SHIFT > 0) ? (XW - SHIFT + 1) : (IN_WIDTH - SHIFT);
    // Width in which the saturation test is done: at least one bit more than the output.
    localparam integer CW = (QW > OUT_WIDTH + 1) ? QW : OUT_WIDTH + 1;

    initial begin
        if (IN_WIDTH < 1) $error("%m: IN_WIDTH must be >= 1");
        if (OUT_WIDTH < 1) $error("%m: OUT_WIDTH must be >= 1");
        if (OUT_SIGNED != 0 && OUT_SIGNED != 1) $error("%m: OUT_SIGNED must be 0 or 1");
        if (OUT_SIGNED == 1 && OUT_WIDTH < 2) $error("%m: a signed OUT_WIDTH must be >= 2");
    end

    wire [QW-1:0] q;   // rhe_shift(x, SHIFT), exact, QW-bit signed
    wire [CW-1:0] qe;  // q sign-extended to CW bits

    generate
        if (SHIFT > 0) begin : g_right
            wire [XW-1:0] xe;
            if (XW > IN_WIDTH) begin : g_ext
                assign xe = {{(XW - IN_WIDTH){x[IN_WIDTH-1]}}, x};
            end else begin : g_noext
                assign xe = x;
            end
            wire [XW-SHIFT-1:0] fl = xe[XW-1:SHIFT];  // floor(x / 2^SHIFT)
            wire half = xe[SHIFT-1];                 // remainder >= 2^(SHIFT-1)
            wire sticky;                             // remainder bits below the half bit
            if (SHIFT > 1) begin : g_sticky
                assign sticky = |xe[SHIFT-2:0];
            end else begin : g_nosticky
                assign sticky = 1'b0;
            end
            // round up when remainder > half, or == half and the floor is odd (ties to even)
            wire up = half & (sticky | fl[0]);
            assign q = {fl[XW-SHIFT-1], fl} + {{(QW - 1){1'b0}}, up};
        end else if (SHIFT < 0) begin : g_left
            assign q = {x, {(-SHIFT){1'b0}}};
        end else begin : g_none
            assign q = x;
        end

        if (CW > QW) begin : g_qext
            assign qe = {{(CW - QW){q[QW-1]}}, q};
        end else begin : g_qnoext
            assign qe = q;
        end

        if (OUT_SIGNED == 1) begin : g_ssat
            // in range iff bits [CW-1 : OUT_WIDTH-1] are all equal
            wire [CW-OUT_WIDTH:0] top = qe[CW-1:OUT_WIDTH-1];
            wire in_range = (&top) | (~|top);
            assign y = in_range ? qe[OUT_WIDTH-1:0]
                     : (qe[CW-1] ? {1'b1, {(OUT_WIDTH - 1){1'b0}}} : {1'b0, {(OUT_WIDTH - 1){1'b1}}});
        end else begin : g_usat
            // in range iff bits [CW-1 : OUT_WIDTH] are all zero (non-negative and < 2^OUT_WIDTH)
            wire in_range = ~|qe[CW-1:OUT_WIDTH];
            assign y = in_range ? qe[OUT_WIDTH-1:0]
                     : (qe[CW-1] ? {OUT_WIDTH{1'b0}} : {OUT_WIDTH{1'b1}});
        end
    endgenerate

endmodule

`resetall
