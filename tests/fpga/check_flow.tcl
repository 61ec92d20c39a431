# Runs the Vivado flow's Tcl (build.tcl, program.tcl, the IP scripts and
# every XDC) under tclsh with Vivado's commands stubbed, and checks what the
# flow names: files exist, each IP the board top instantiates is created by
# an IP script, each get_ports pattern matches a port of the board top, and
# no command outside Vivado's known set is used (a typo fails). The stubs
# are as strict as Vivado where the flow depends on it:
#   - an IP setting that names a board interface must name one the board
#     file declares, of the right kind (tests/fpga/board_files.tcl);
#   - the board part must be a recorded board-file version;
#   - create_ip stops when the IP's directory exists (Vivado: "already
#     exists"), and build.tcl is run twice in one directory, as a second
#     make bitstream would;
#   - set_clock_groups is refused: it overrides the IPs' own set_max_delay
#     on their asynchronous crossings (UG903, "Exceptions Priority");
#   - build.tcl's sign-off: CHECK_FLOW_SIGNOFF="setup hold pulse route_errors
#     drc_errors" sets what the timing, route and DRC queries report
#     (default: a clean design), CHECK_FLOW_ALLOW its --allow-violations;
#     the bitstream written or not is printed (check_flow.sh tests both).
# Usage: tclsh check_flow.tcl BOARD_TOP_SV PART BOARD TOP ROOT FILELIST SYN XDC IP
lassign $argv top_sv part board top root filelist syn xdc ip
set errors 0
proc fail {msg} { global errors; puts "check_flow: FAIL: $msg"; incr errors }
source [file join [file dirname [info script]] board_files.tcl]
set signoff [expr {[info exists env(CHECK_FLOW_SIGNOFF)] ? $env(CHECK_FLOW_SIGNOFF) : "0.1 0.05 0.5 0 0"}]
set allow [expr {[info exists env(CHECK_FLOW_ALLOW)] ? $env(CHECK_FLOW_ALLOW) : 0}]
set bitstreams 0

# ports of the board top
set f [open $top_sv r]; set src [read $f]; close $f
set ports {}
foreach {m name} [regexp -all -inline {(?:input|output|inout)\s+(?:logic|wire)?\s*(?:\[[^\]]*\]\s*)?(\w+)} $src] {
  lappend ports $name
}
# Instances in the board's sources (the top and the shared shell): for
# each module, instance name -> module type. A named instance is
# "u_<name> (", preceded by its type and an optional "#( ... )" block.
proc instances_of {body} {
  set out {}
  foreach {whole name} [regexp -all -indices -inline {\m(u_\w+)\s*\(} $body] {
    set before [string trimright [string range $body 0 [expr {[lindex $name 0] - 1}]]]
    if {[string index $before end] eq ")"} {
      # skip back over the parameter block to its "#("
      set depth 0
      for {set i [expr {[string length $before] - 1}]} {$i >= 0} {incr i -1} {
        set c [string index $before $i]
        if {$c eq ")"} { incr depth } elseif {$c eq "("} { incr depth -1; if {$depth == 0} break }
      }
      set before [string trimright [string range $before 0 [expr {$i - 1}]]]
      set before [string trimright [string trimright $before "#"]]
    }
    if {[regexp {(\w+)$} $before -> type]} {
      dict set out [string range $body {*}$name] $type
    }
  }
  return $out
}
set modules {}
foreach s $syn {
  if {![file exists $s]} continue
  set f [open $s r]; set text [read $f]; close $f
  regsub -all {\mendmodule\M} $text "\x01" text
  foreach chunk [split $text "\x01"] {
    if {[regexp {\mmodule\s+(\w+)} $chunk -> mname]} { dict set modules $mname [instances_of $chunk] }
  }
}
# IP modules (no source of their own) the board's sources instantiate
set instantiated {}
dict for {mname insts} $modules {
  dict for {inst type} $insts {
    if {![dict exists $modules $type] && [string match *_0 $type]} { lappend instantiated $type }
  }
}
set created {}

proc need_file {path what} { if {![file exists $path]} { fail "$what $path does not exist" } }
proc port_pattern_ok {pat} {
  global ports
  set base [regsub {\[.*\]$} $pat ""]
  foreach p $ports { if {[string match $base $p]} { return 1 } }
  return 0
}
# Vivado commands the flow may use; anything else is an error
foreach c {set_part current_project generate_target synth_ip synth_design opt_design place_design
           phys_opt_design route_design report_utilization report_clock_interaction
           write_checkpoint open_hw_manager connect_hw_server open_hw_target current_hw_device
           program_hw_devices refresh_hw_device close_hw_manager create_clock set_false_path
           set_input_delay set_output_delay set_max_delay report_drc} {
  proc $c {args} { return {} }
}
proc set_clock_groups {args} {
  fail "set_clock_groups $args: clock groups override every other exception, the IP cores' set_max_delay\
        on their asynchronous crossings included (UG903, Exceptions Priority); constrain each crossing instead"
}
proc current_design {args} { return design }
set locs {}
proc set_property {args} {
  global board locs ipconfig
  if {[lindex $args 0] eq "LOC"} { lappend locs [lindex $args 1] }
  if {[string match CONFIG.* [lindex $args 0]] && [string match ip:* [lindex $args 2]]} {
    set args [list -dict [list [lindex $args 0] [lindex $args 1]] [lindex $args 2]]
  }
  if {[lindex $args 0] eq "board_part"} {
    if {![dict exists $::board_interfaces [lindex $args 1]]} {
      fail "set_property board_part [lindex $args 1]: not a board-file version recorded in tests/fpga/board_files.tcl"
    }
  } elseif {[lindex $args 0] eq "-dict" && [string match ip:* [lindex $args 2]]} {
    foreach {k v} [lindex $args 1] {
      dict set ipconfig [string range [lindex $args 2] 3 end] [string map {CONFIG. ""} $k] $v
      set why [check_board_setting $board [string range [lindex $args 2] 3 end] $k $v]
      if {$why ne ""} { fail $why }
    }
  }
  return {}
}
proc get_property {prop obj} {
  global signoff
  if {$prop eq "SEVERITY"} { return Error }
  if {$prop eq "IP_DIR"} { return [file join ip [string range $obj 3 end]] }
  if {$prop eq "SLACK"} { return [lindex $signoff [expr {$obj eq "path:max" ? 0 : 1}]] }
  error "check_flow: get_property $prop not modelled"
}
proc get_timing_paths {args} {
  set i [lsearch -exact $args -delay_type]
  return path:[lindex $args [expr {$i + 1}]]
}
proc report_timing_summary {args} {
  global signoff
  if {[lsearch -exact $args -return_string] < 0} { return {} }
  return "| Design Timing Summary\n\n    WNS(ns)      TNS(ns)  TNS Failing Endpoints  TNS Total Endpoints      WHS(ns)\
     THS(ns)  THS Failing Endpoints  THS Total Endpoints     WPWS(ns)     TPWS(ns)  TPWS Failing Endpoints  TPWS Total Endpoints\n\
    -------      -------  ---------------------  -------------------      -------      -------  ---------------------\
  -------------------     --------     --------  ----------------------  --------------------\n\
      [lindex $signoff 0]        0.000                      0                 1000        [lindex $signoff 1]        0.000\
                      0                 1000        [lindex $signoff 2]        0.000                       0                   100\n"
}
proc report_route_status {args} {
  global signoff
  if {[lsearch -exact $args -return_string] < 0} { return {} }
  return "   # of routable nets......................... :        1000 :\n   # of nets with routing errors.............. :           [lindex $signoff 3] :\n"
}
proc get_drc_violations {args} {
  global signoff
  set out {}
  for {set i 0} {$i < [lindex $signoff 4]} {incr i} { lappend out drc$i }
  return $out
}
proc write_bitstream {args} { global bitstreams; incr bitstreams; return {} }
proc get_hw_devices {args} { return xcvu9p_0 }
# get_pins INST/INST/PIN (not -hierarchical): every instance on the path
# must exist where the path says, starting at the board top.
proc get_pins {args} {
  global modules top
  check_name_filter get_pins $args
  if {[lsearch -exact $args -hierarchical] >= 0 || [lsearch -exact $args -of_objects] >= 0} { return pin }
  foreach pat $args {
    if {[string match -* $pat] || [string first / $pat] < 0} continue
    set mod $top
    foreach inst [lrange [split $pat /] 0 end-1] {
      if {![dict exists $modules $mod]} { break }
      if {![dict exists $modules $mod $inst]} { fail "get_pins $pat: no instance $inst in $mod"; break }
      set mod [dict get $modules $mod $inst]
    }
  }
  return pin
}
# get_cells: the unplaced-transceiver query of build.tcl finds what
# CHECK_FLOW_UNPLACED names (default nothing); a NAME filter's instance
# names must exist in the board's sources
proc get_cells {args} {
  global env
  set f [lsearch -exact $args -filter]
  if {$f >= 0 && [string match *IS_LOC_FIXED* [lindex $args [expr {$f + 1}]]]} {
    return [expr {[info exists env(CHECK_FLOW_UNPLACED)] ? $env(CHECK_FLOW_UNPLACED) : ""}]
  }
  check_name_filter get_cells $args
  return cell
}
proc check_name_filter {cmd argl} {
  global modules
  set f [lsearch -exact $argl -filter]
  if {$f < 0 || ![regexp {NAME\s*=~\s*(\S+)} [lindex $argl [expr {$f + 1}]] -> pat]} return
  set insts {}
  dict for {m is} $modules { lappend insts {*}[dict keys $is] }
  foreach part [split $pat /] {
    if {[regexp {^\*?(u_\w+)$} $part -> inst] && [lsearch -exact $insts $inst] < 0} {
      fail "$cmd -filter {NAME =~ $pat}: no instance $inst in the board's sources: the constraint would match nothing"
    }
  }
}
proc get_clocks {args} { return clk }
proc get_ips {args} {
  global created
  if {[llength $args]} { return ip:[lindex $args end] }
  return $created
}
proc create_ip {args} {
  global created
  set name [lindex $args [expr {[lsearch -exact $args -module_name] + 1}]]
  set dir [file join [lindex $args [expr {[lsearch -exact $args -dir] + 1}]] $name]
  if {[file exists $dir] && [lsearch -exact $args -force] < 0} {
    error "create_ip $name: the IP already exists in $dir (Vivado stops here)"
  }
  file mkdir $dir
  if {[lsearch -exact $created $name] < 0} { lappend created $name }
}
proc read_verilog {args} { need_file [lindex $args end] "source" }
proc read_xdc {path} {
  need_file $path "constraint file"
  # XDC is Tcl: run it against the stubs to check its commands and ports
  uplevel #0 [list source $path]
}
proc get_ports {pat} {
  foreach p $pat {
    if {![port_pattern_ok $p]} { fail "get_ports $p: no such port in the board top" }
  }
  return $pat
}
proc file_mkdir_stub {args} {}

set argv [list --part $part --board $board --top $top --root $root --filelist $filelist \
              --syn $syn --xdc $xdc --ip $ip --defines "" --generics "BuildId=32'h0 Array=32" \
              --core-mhz [exec make -s -C [file dirname $top_sv] print-CORE_MHZ] --allow-violations $allow]
set cwd [pwd]
cd [file join $cwd [file tail [file rootname $top]]_check]
# twice in one directory, as a second make bitstream without make clean
foreach run {first second} {
  set created {}
  set before $bitstreams
  if {[catch {source [file join $root fpga/common/build.tcl]} msg]} { fail "build.tcl ($run run): $msg" }
  puts "check_flow: $top: $run run: bitstream [expr {$bitstreams > $before ? "written" : "not written"}]"
}
cd $cwd
# A PCIe endpoint configured Custom has no board interface to place it:
# our constraints must place its block and every lane.
set ipconfig [expr {[info exists ipconfig] ? $ipconfig : {}}]
dict for {ipn cfg} $ipconfig {
  if {[dict exists $cfg PCIE_BOARD_INTERFACE] && [dict get $cfg PCIE_BOARD_INTERFACE] eq "Custom"} {
    set lanes [regsub {^X} [dict get $cfg pl_link_cap_max_link_width] ""]
    set gts [lsort -unique [lsearch -all -inline -glob $locs GT*_CHANNEL_*]]
    if {![llength [lsearch -all -inline -glob $locs PCIE_*]]} { fail "$ipn is Custom but no constraint places its PCIe block (LOC PCIE_...)" }
    if {[llength $gts] != $lanes} { fail "$ipn is Custom x$lanes but the constraints place [llength $gts] transceivers: $gts" }
  }
}
foreach m $instantiated {
  if {[lsearch -exact $created $m] < 0} { fail "the board design instantiates IP $m but no IP script creates it" }
}
set argv [list --bit $top.bit]
if {[catch {source [file join $root fpga/common/program.tcl]} msg]} { fail "program.tcl: $msg" }
puts "check_flow: $top: [llength $ports] ports, modules [dict keys $modules], IP created: $created, [expr {$errors ? "FAILED" : "ok"}]"
exit [expr {$errors ? 1 : 0}]
