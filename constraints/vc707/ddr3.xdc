# VC707 DDR3 SODIMM: the memory pins are placed by the MIG from the .prj
# that fpga/vc707/ip/mig.tcl writes (BOARD_MIG_PARAM Custom, explicit pins:
# the same placement as the board file's ddr3_sdram interface and UG885
# "DDR3 SODIMM Memory"); its reference is the 200 MHz system clock in
# clocks.xdc. Nothing is repeated by hand here.
