"""hw.module_resources: reading the generated top's instances and handing their parameters to Yosys chparam."""
from hw.module_resources import chparam_values, instances
from hw.numerics import VERILOG_LITERAL_BITS, verilog_hex


def test_instances_and_chparam_values_join_a_concatenated_literal():
    wide = (1 << (VERILOG_LITERAL_BITS + 8)) - 3  # needs two literals
    top = ("module sr_top;\nlocalparam integer DIM_BITS = 9;\nlocalparam integer MAX_W = 128;\n"
           "conv_layer #(\n    .C_IN(64),\n    .MAX_W(MAX_W),\n    .DIM_BITS(DIM_BITS),\n    .LB_BEATS(2 * 3),\n"
           f"    .WEIGHTS({verilog_hex(wide, VERILOG_LITERAL_BITS + 8)}),\n    .RQ_K(24'h555555)\n) tail (\n"
           "    .clk(clk)\n);\nendmodule\n")
    [(module, inst, params)] = instances(top)
    assert (module, inst) == ("conv_layer", "tail") and params["WEIGHTS"].startswith("{")
    assert chparam_values(params, "9", "128") == {
        "C_IN": "64", "MAX_W": "128", "DIM_BITS": "9", "LB_BEATS": "6",
        "WEIGHTS": f"{VERILOG_LITERAL_BITS + 8}'h{wide:x}", "RQ_K": "24'h555555"}
