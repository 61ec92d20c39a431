# Vivado non-project build: IP from Tcl, RTL from rtl/abacus.f, the board's
# thin top and constraints; synthesis, implementation, reports, bitstream.
# Arguments (from vivado.mk): --part --board --top --root --filelist --syn
# --xdc --ip --defines --generics --core-mhz
proc arg {name} {
  global argv
  set i [lsearch -exact $argv "--$name"]
  if {$i < 0} { error "build.tcl: missing --$name" }
  return [lindex $argv [expr {$i + 1}]]
}
set part     [arg part]
set board    [arg board]
set top      [arg top]
set root     [arg root]
set filelist [arg filelist]

set_part $part
set_property board_part $board [current_project]
file mkdir reports ip

# IP first: each script creates and configures its IP under ./ip. The
# interconnect's Abacus port is sized from the array (generic Array, make
# ARRAY=...): one array row per bus word, 8 bits per column.
set abacus_array 32
foreach g [arg generics] { regexp {^Array=(\d+)$} $g -> abacus_array }
# Abacus's clock in MHz: the board's clock IP (clk_wiz_0, the MIG's extra
# clock) generates it.
set abacus_core_mhz [arg core-mhz]
if {![string is double -strict $abacus_core_mhz] || $abacus_core_mhz < 10 || $abacus_core_mhz > 400} {
  error "build.tcl: CORE_MHZ '$abacus_core_mhz' is not a clock frequency in MHz (10..400)"
}
foreach t [arg ip] {
  source $t
}
foreach ip [get_ips] {
  generate_target all $ip
  synth_ip $ip
}

# RTL from the one file list
set fdir [file dirname $filelist]
set incdirs {}
set f [open $filelist r]
foreach line [split [read $f] "\n"] {
  set line [string trim $line]
  if {$line eq "" || [string match "//*" $line]} continue
  if {[string match "+incdir+*" $line]} {
    lappend incdirs [file join $fdir [string range $line 8 end]]
    continue
  }
  read_verilog -sv [file join $fdir $line]
}
close $f
# the board tops' shared sources (abacus_pcie_shell, abacus_axi.svh)
lappend incdirs [file join $root fpga/common]
foreach s [arg syn] { read_verilog -sv $s }
foreach x [arg xdc] { read_xdc $x }

set defines {}
foreach d [arg defines] { lappend defines -verilog_define $d }
set generics {}
foreach g [arg generics] { lappend generics -generic $g }

synth_design -top $top -part $part -include_dirs $incdirs {*}$defines {*}$generics
opt_design
place_design
phys_opt_design
route_design
report_utilization -hierarchical -file reports/utilization.rpt
report_timing_summary -max_paths 20 -file reports/timing.rpt
report_clock_interaction -file reports/clocks.rpt
write_checkpoint -force $top.dcp
set wns [get_property SLACK [get_timing_paths -max_paths 1 -nworst 1 -setup]]
if {$wns < 0} {
  puts "build.tcl: WARNING: timing not met (WNS $wns ns), see reports/timing.rpt"
}
write_bitstream -force $top.bit
