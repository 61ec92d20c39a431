# Clock-domain crossings owned by abacus_pcie_shell (both boards); the IP
# cores carry their own (the interconnect's and the BAR converter's
# asynchronous FIFOs come with set_max_delay -datapath_only in their XDC).
# No set_clock_groups anywhere: clock groups take priority over every other
# exception and cannot be overridden (UG903, "Exceptions Priority"), so
# they would switch off the IPs' set_max_delay and leave those crossings
# unconstrained. Any other path between the clocks is timed, and shows.
#
# The interrupt's two-flop synchronizer into the PCIe clock:
set_false_path -to [get_cells -hierarchical -filter {NAME =~ *u_shell/u_irq_sync/sync_q_reg[0]}]
# The one reset request, asserted asynchronously into each domain's
# synchronizer (release is synchronous there):
set_false_path -to [get_pins -hierarchical -filter {NAME =~ *u_shell/u_pcie_rst/sync_q_reg*/CLR}]
set_false_path -to [get_pins -hierarchical -filter {NAME =~ *u_shell/u_core_rst/sync_q_reg*/CLR}]
set_false_path -to [get_pins -hierarchical -filter {NAME =~ *u_shell/u_mem_rst/sync_q_reg*/CLR}]
