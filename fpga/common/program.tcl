# Loads a bitstream over JTAG with the Vivado hardware manager.
# Argument: --bit FILE
set i [lsearch -exact $argv "--bit"]
if {$i < 0} { error "program.tcl: missing --bit" }
set bit [lindex $argv [expr {$i + 1}]]
open_hw_manager
connect_hw_server
open_hw_target
set dev [lindex [get_hw_devices -filter {PART =~ xc*}] 0]
current_hw_device $dev
set_property PROGRAM.FILE $bit $dev
program_hw_devices $dev
refresh_hw_device $dev
puts "program.tcl: $bit loaded into $dev; rescan the PCIe bus (docs/fpga.md) before 'abacus info'"
close_hw_manager
