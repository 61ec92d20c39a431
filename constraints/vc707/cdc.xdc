# Clock-domain crossings owned by Abacus's board top (the IP cores carry
# their own): the interrupt's two-flop synchronizer into the PCIe clock.
set_false_path -to [get_cells -hierarchical -filter {NAME =~ *u_irq_sync/sync_q_reg[0]}]
set_false_path -to [get_pins -hierarchical -filter {NAME =~ *u_core_rst/sync_q_reg*/CLR}]
set_false_path -to [get_pins -hierarchical -filter {NAME =~ *u_ddr_rst/sync_q_reg*/CLR}]
