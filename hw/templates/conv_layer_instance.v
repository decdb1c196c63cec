// $NAME$: $DESCRIPTION$
wire [$OUT_BITS$-1:0] $NAME$_tdata;
wire $NAME$_tvalid, $NAME$_tready;

conv_layer #(
$PARAMS$
) $NAME$ (
    .clk(clk), .rst(rst), .cfg_width(cfg_width), .cfg_height(cfg_height),
    .s_axis_tdata($IN$_tdata), .s_axis_tvalid($IN$_tvalid), .s_axis_tready($IN$_tready),
    .m_axis_tdata($NAME$_tdata), .m_axis_tvalid($NAME$_tvalid), .m_axis_tready($NAME$_tready)
);

