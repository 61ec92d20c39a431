# Runs the Vivado flow's Tcl (build.tcl, program.tcl, the IP scripts and
# every XDC) under tclsh with Vivado's commands stubbed, and checks what the
# flow names: files exist, each IP the board top instantiates is created by
# an IP script, each get_ports pattern matches a port of the board top, and
# no command outside Vivado's known set is used (a typo fails).
# Usage: tclsh check_flow.tcl BOARD_TOP_SV PART BOARD TOP ROOT FILELIST SYN XDC IP
lassign $argv top_sv part board top root filelist syn xdc ip
set errors 0
proc fail {msg} { global errors; puts "check_flow: FAIL: $msg"; incr errors }

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
           phys_opt_design route_design report_utilization report_timing_summary report_clock_interaction
           write_checkpoint write_bitstream open_hw_manager connect_hw_server open_hw_target current_hw_device
           program_hw_devices refresh_hw_device close_hw_manager create_clock set_false_path set_clock_groups
           set_input_delay set_output_delay} {
  proc $c {args} { return {} }
}
proc current_design {args} { return design }
proc set_property {args} { return {} }
proc get_property {args} { return 0.1 }
proc get_timing_paths {args} { return path }
proc get_hw_devices {args} { return xcvu9p_0 }
# get_pins INST/INST/PIN (not -hierarchical): every instance on the path
# must exist where the path says, starting at the board top.
proc get_pins {args} {
  global modules top
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
proc get_cells {args} { return cell }
proc get_clocks {args} { return clk }
proc get_ips {args} { global created; return $created }
proc create_ip {args} {
  global created
  set i [lsearch -exact $args -module_name]
  lappend created [lindex $args [expr {$i + 1}]]
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
              --syn $syn --xdc $xdc --ip $ip --defines "" --generics "BuildId=32'h0 Array=32" --core-mhz [exec make -s -C [file dirname $top_sv] print-CORE_MHZ]]
set cwd [pwd]
cd [file join $cwd [file tail [file rootname $top]]_check]
if {[catch {source [file join $root fpga/common/build.tcl]} msg]} { fail "build.tcl: $msg" }
cd $cwd
foreach m $instantiated {
  if {[lsearch -exact $created $m] < 0} { fail "the board design instantiates IP $m but no IP script creates it" }
}
set argv [list --bit $top.bit]
if {[catch {source [file join $root fpga/common/program.tcl]} msg]} { fail "program.tcl: $msg" }
puts "check_flow: $top: [llength $ports] ports, modules [dict keys $modules], IP created: $created, [expr {$errors ? "FAILED" : "ok"}]"
exit [expr {$errors ? 1 : 0}]
