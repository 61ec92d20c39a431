# Vivado non-project build: IP from Tcl, RTL from rtl/abacus.f, the board's
# thin top and constraints; synthesis, implementation, reports, bitstream.
# Arguments (from vivado.mk): --part --board --top --root --filelist --syn
# --xdc --ip --defines --generics --core-mhz --allow-violations
# The bitstream is written only when routing is complete and clean: setup,
# hold and pulse-width slack >= 0, no unrouted net, no DRC error
# (--allow-violations 1, make ALLOW_VIOLATIONS=1, writes it anyway, for
# experiments). Reports land beside it: <top>.timing.rpt, .utilization.rpt,
# .drc.rpt, .route.rpt, .clocks.rpt.
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

set allow_violations [arg allow-violations]

set_part $part
set_property board_part $board [current_project]
# Every IP is created anew from its script: an ip/ left by an earlier run
# would make create_ip stop ("already exists"), so it goes first.
file delete -force ip
file mkdir ip

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
# the board tops' shared sources (abacus_pcie_shell; abacus_axi.svh is in rtl/common)
lappend incdirs [file join $root fpga/common]
foreach s [arg syn] { read_verilog -sv $s }
foreach x [arg xdc] { read_xdc $x }

set defines {}
foreach d [arg defines] { lappend defines -verilog_define $d }
set generics {}
foreach g [arg generics] { lappend generics -generic $g }

synth_design -top $top -part $part -include_dirs $incdirs {*}$defines {*}$generics
opt_design
# The PCIe block and every transceiver must be placed by a constraint (the
# IP's own from the board interface, or ours for a Custom one): a LOC whose
# pattern matched nothing is only a critical warning, and the placer would
# then pick sites that are not wired to the edge connector.
set unplaced [get_cells -hierarchical -quiet -filter {IS_PRIMITIVE && IS_LOC_FIXED == 0 && (REF_NAME =~ GT*_CHANNEL || REF_NAME =~ PCIE*)}]
if {[llength $unplaced] > 0} {
  error "build.tcl: [llength $unplaced] PCIe/transceiver cells have no LOC constraint: [lrange $unplaced 0 3] (constraints/<board>/pcie.xdc)"
}
place_design
phys_opt_design
route_design
report_utilization -hierarchical -file $top.utilization.rpt
report_timing_summary -max_paths 20 -file $top.timing.rpt
report_clock_interaction -file $top.clocks.rpt
report_route_status -file $top.route.rpt
report_drc -file $top.drc.rpt
write_checkpoint -force $top.dcp

# Sign-off: what would make the bitstream unreliable or unbuildable.
proc worst_slack {type} {
  set p [get_timing_paths -delay_type $type -max_paths 1 -nworst 1]
  if {$p eq ""} { return "" }
  return [get_property SLACK $p]
}
set problems {}
foreach {type what} {max setup min hold} {
  set slack [worst_slack $type]
  if {$slack eq ""} {
    lappend problems "no timed $what path: the clocks are not constrained"
  } elseif {$slack < 0} {
    lappend problems "$what slack $slack ns"
  }
}
# pulse width: the WPWS column of the timing summary's design table
set summary [report_timing_summary -no_detailed_paths -return_string]
if {[regexp {WPWS\(ns\)[^\n]*\n[ -]+\n\s*((?:-?[0-9.]+\s+){9})} $summary -> row]} {
  set wpws [lindex $row 8]
  if {$wpws eq "" || ![string is double -strict $wpws]} {
    lappend problems "pulse-width slack not found in the timing summary"
  } elseif {$wpws < 0} {
    lappend problems "pulse-width slack $wpws ns"
  }
} else {
  lappend problems "design timing summary not found (pulse width unchecked)"
}
set route [report_route_status -return_string]
if {![regexp {# of nets with routing errors\.*\s*:\s*(\d+)} $route -> route_errors]} {
  lappend problems "route status not found"
} elseif {$route_errors > 0} {
  lappend problems "$route_errors nets with routing errors (unrouted or conflicting)"
}
set drc_errors 0
foreach v [get_drc_violations -quiet] {
  if {[string toupper [get_property SEVERITY $v]] in {ERROR FATAL}} { incr drc_errors }
}
if {$drc_errors > 0} { lappend problems "$drc_errors DRC errors ($top.drc.rpt)" }

if {[llength $problems]} {
  foreach p $problems { puts "build.tcl: FAILED sign-off: $p" }
  if {!$allow_violations} {
    error "build.tcl: no bitstream written: [join $problems {; }] (reports: $top.*.rpt; ALLOW_VIOLATIONS=1 writes it anyway)"
  }
  puts "build.tcl: WARNING: writing the bitstream despite the above (ALLOW_VIOLATIONS=1): not for a board you rely on"
}
write_bitstream -force $top.bit
