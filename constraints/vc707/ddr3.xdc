# VC707 DDR3 SODIMM: the memory pins are placed by the MIG from the board
# part's ddr3_sdram interface (the board files are the published pinout,
# UG885 "DDR3 SODIMM Memory"); its reference is the 200 MHz system clock in
# clocks.xdc. Nothing is repeated by hand here.
