#!/usr/bin/env python3
"""The N longest register-to-register paths of a synthesized netlist, by
Yosys's `sta` (cell delays of the Xilinx cell library, no routing: a proxy).

Yosys's sta reports one path, the longest. This asks it N times: after each
report, the drivers of the path's last net (the whole vector it belongs to,
and its copies in the other lanes, rows or columns of a generate loop) are
cut, so the next run reports the longest path that does not end through
that net, i.e. the next family of paths. A start met a second time (the
same family again, through another lane's private end, e.g. each lane's own
carry chain behind one wide RAM word) is cut instead, with every path it
starts: a RAM's or DSP's cells (their siblings by name, any index) or a
register family's flip-flops or shift registers. A start so cut may still start a shorter path into
another end, which is then not listed: each line is the longest path of a
family not listed above it. Each line gives the arrival time,
the start register (the net its Q drives), and the end (the cell and pin the
path ends at, and the net into it).

  scripts/sta_paths.py NETLIST.il N OUT.txt
NETLIST.il: written by scripts/synth_check.sh after synth_xilinx, top module
renamed abacus_top.
"""
import os
import re
import shutil
import subprocess
import sys


def cell_library(out_dir):
    """Yosys's Xilinx cell library with timing arcs, minus the asynchronous
    clear and preset arcs (CLR->Q, PRE->Q): a reset is not a clocked path
    (Vivado times it separately, as recovery/removal from the reset
    synchroniser), and with them every path from a register with an
    asynchronous reset would start at the reset input, 764 ps after it,
    instead of at the clock, 399 ps after it."""
    yosys = shutil.which("yosys")
    if not yosys:
        sys.exit("sta_paths: yosys not found")
    src = os.path.join(os.path.dirname(os.path.realpath(yosys)), "..", "share", "yosys", "xilinx",
                       "cells_sim.v")
    if not os.path.exists(src):
        sys.exit(f"sta_paths: Yosys's Xilinx cell library not found at {src}")
    dst = os.path.join(out_dir, "sta_cells_sim.v")
    with open(src) as f:
        lines = [ln for ln in f if not re.search(r"\b(CLR|PRE)\s*=>", ln)]
    text = "".join(lines)
    # MUXF9 (UltraScale's F9 mux, from xcup's LUT9s) has no timing arcs in
    # the library, and sta ended a path at it, "(<unknown>)", short of its
    # register: it gets MUXF8's (7-series has no F9 mux to take them from)
    f8 = re.search(r"module MUXF8\b.*?(  specify.*?endspecify\n)", text, re.S)
    f9 = re.search(r"(module MUXF9\b[^;]*;\n(?:(?!endmodule).)*?)(endmodule)", text, re.S)
    if not f8 or not f9 or "specify" in f9.group(1):
        sys.exit(f"sta_paths: {src}: MUXF8's arcs or MUXF9 without arcs not found (a new Yosys?)")
    text = text[:f9.start(2)] + f8.group(1) + text[f9.start(2):]
    with open(dst, "w") as f:
        f.write(text)
    return dst


def run_sta(netlist, cuts, log, cells):
    # the cell library's blackboxes in the netlist carry no parameters or
    # timing: dropped, then read again with their timing arcs (-specify)
    # (opt_clean first: a net's public name, not a private alias of it, is
    # then the wire the cells' ports connect to, so cuts by name take)
    script = [f"read_rtlil {netlist}", "delete =A:blackbox", "cd abacus_top", "opt_clean"]
    for kind, what in cuts:
        if kind == "nets":  # by the wire's own name, then by its driver's
            for w in what:
                script += [f"connect -nomap -unset {w}", f"connect -unset {w}"]
        elif kind == "ends":  # the registers, RAMs and DSPs the nets feed
            # (a selection pattern: no leading backslash; brackets are
            # pattern syntax there, so each matches any one character)
            pats = [re.sub(r"[\[\]]", "?", w[1:] if w.startswith("\\") else w) for w in what]
            sel = " ".join(f"w:{p}" for p in pats) + " %u" * (len(what) - 1)
            script.append(f"delete {sel} %co1 t:FD* t:RAM* t:SRL* t:DSP* %u %u %u %i")
        elif kind == "starts":  # the cells of a RAM or DSP family (name patterns)
            script.append("delete " + " ".join(what))
        elif kind == "startregs":  # the flip-flops or shift registers whose Q drives a wire family (a name pattern)
            script.append(f"delete w:{what[0]} %x1:+[Q] t:FD* t:SRL* %u %i")
        elif kind == "driver":  # the cell driving the path's last net
            script.append(f"delete {what}")
        else:  # one endpoint pin, tied off
            cell, pin = what
            script.append(f"connect -nomap -port {cell} {pin} 1'b0")
    # logic left driving nothing by a cut goes, so no path ends in mid-air
    script += ["opt_clean", "cd ..", f"read_verilog -lib -specify {cells}", "sta"]
    # (from a file: a family of many copies, e.g. the array's 1024 DSP
    # cascades, makes a script longer than one command-line argument may be)
    with open(log + ".ys", "w") as f:
        f.write("\n".join(script) + "\n")
    res = subprocess.run(["yosys", "-q", "-l", log, "-s", log + ".ys"],
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if res.returncode != 0:
        sys.exit(f"sta_paths: yosys failed (see {log}): {res.stderr.strip()[:400]}")
    with open(log) as f:
        return f.read()


def parse(text):
    """Returns (arrival_ps, start_net, end_cell_pin, end_net, driver_cell,
    public_nets, shape, (start_cell, start_type)) or None."""
    # (a path into an unused output, e.g. a carry chain's last carry, ends at
    # "(<unknown>)" followed by a warning line: dropped, the net is the end)
    text = re.sub(r"\n\s+(\d+) \(<unknown>\)\nWarning: Critical-path does not terminate[^\n]*",
                  r"\n    \1 <unknown> (dangling.out)", text)
    m = re.search(r"Latest arrival time in .* is (\d+):\n((?:\s+\d+ .*\n\s+.*\n)+)", text)
    if not m:
        return None
    lines = m.group(2).rstrip("\n").split("\n")
    steps = []  # (arrival, cell, pin, input net)
    for i in range(0, len(lines) - 1, 2):
        cm = re.match(r"\s*(\d+) (\S+) \((\S+)\)", lines[i])
        if not cm:
            break
        steps.append((int(cm.group(1)), cm.group(2), cm.group(3), lines[i + 1].strip()))
    if not steps:
        return None
    end = steps[0]
    start_net, start_cell = "?", None
    for i, s in enumerate(steps):
        # the launching register: a flip-flop's or a RAM's clock-to-output
        if re.match(r"(FD\w*|RAM\w*|SRL\w*|DSP\w*)\.(C|CLK\w*|WCLK)->", s[2]) and i > 0:
            start_net, start_cell = steps[i - 1][3], (s[1], s[2].split(".")[0])
            break
    if start_net == "?":  # from a top-level input (its IBUF), not a register
        for i, st in enumerate(steps):
            if st[2].startswith("IBUF"):
                start_net = "input " + st[3].replace("(<primary input>)", "").strip()
                break
    driver = steps[1][1] if len(steps) > 1 else None
    # the public nets along the path, from its end back to its start register
    public = [st[3] for st in steps[:i] if st[3].startswith("\\")] if start_net != "?" else []
    shape = (int(m.group(1)), tuple(st[2] for st in steps))  # replicated logic: same shape
    return (int(m.group(1)), start_net, f"{end[1]} ({end[2]})", end[3], driver, public, shape,
            start_cell)


def vector(net):
    """The whole wire of a net bit: '\\a.b [5]' -> '\\a.b'."""
    return re.sub(r" \[\d+\]$", "", net)


def family(name):
    """A wire's name with generate indices wildcarded: lanes, rows, columns."""
    return re.sub(r"\[\d+\]", "[*]", name)


def start_cut(path):
    """The cut that removes a path's start family: a RAM's or DSP's cells
    (a public name with its indices wildcarded, so every sibling of a wide
    RAM or every lane's DSP goes; a private name alone), or the flip-flops
    and shift registers driving a public Q net (with their copies in other
    lanes, rows or columns). None for a start that has neither."""
    scell, stype = path[7] or (None, "")
    if scell and stype.startswith(("RAM", "DSP")):
        if scell.startswith("$"):
            return ("starts", (scell,))
        pat = re.sub(r"\[\d+\]", "?*?", scell)
        pat = re.sub(r"\.\d+(?=\.|$)", ".*", pat)
        return ("starts", (pat,))
    net = vector(path[1])
    if net.startswith("\\"):  # (brackets are pattern syntax: each index any one character and more)
        return ("startregs", (re.sub(r"\[\d+\]", "?*?", net[1:]),))
    return None


def wires_of(netlist):
    names = []
    with open(netlist) as f:
        for line in f:
            m = re.match(r"\s*wire\b.* (\S+)$", line)
            if m:
                names.append(m.group(1))
    return names


def write_rows(out, rows, copies_of):
    with open(out, "w") as f:
        f.write("rank  path(ps)  start register (its Q net)  ->  end (cell, pin, net)  [copies found]\n")
        for i, (ps, start, end_cell, end_net, _, _, shape, _) in enumerate(rows, 1):
            more = f"  [x{copies_of[shape]}]" if copies_of[shape] > 1 else ""
            f.write(f"{i:>4}  {ps:>8}  {start}  ->  {end_net}  at {end_cell}{more}\n")


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    netlist, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    by_family = {}
    for w in wires_of(netlist):
        by_family.setdefault(family(w), []).append(w)
    cuts, rows, copies_of = [], [], {}
    starts_seen = {}  # start families met so far, and how often
    cells = cell_library(os.path.dirname(os.path.abspath(out)))
    for _ in range(8 * n + 10):  # (copies in other lanes and cuts that did not take use steps too)
        if len(rows) == n:
            break
        path = parse(run_sta(netlist, cuts, out + ".log", cells))
        if os.environ.get("STA_PATHS_DEBUG"):
            sys.stderr.write(f"sta_paths: {path[:4] if path else None}\n")
        if path is None:
            break
        # cut the whole vector of the path's last net; where that does not
        # take (some private nets), delete the cell driving it; failing that,
        # tie off the endpoint pin
        m = re.match(r"(\S+) \((\w+)\.(\w+)\)", path[2])
        # a public net is cut with every copy of it in other lanes/rows/columns,
        # so replicated logic shows once; a private one ($...) alone
        # (where the end net is private, the public net nearest the end is cut
        # instead, the start register's Q at the latest)
        net = vector(path[3])
        if not net.startswith("\\") and path[5]:
            net = vector(path[5][0])
        copies = by_family.get(family(net), [net]) if net.startswith("\\") else [net]
        tries = [("ends", tuple(copies)), ("nets", tuple(copies))]
        if path[4]:
            tries.append(("driver", path[4]))
        start = start_cut(path)
        if start:
            starts_seen[start] = starts_seen.get(start, 0) + 1
            if starts_seen[start] > 1:  # met again: the start goes, with every path it starts
                tries.insert(0, start)
        if m:
            tries.append(("pin", (m.group(1), m.group(3))))
        fresh = [t for t in tries if t not in cuts]
        if not fresh:
            break
        if len(fresh) == len(tries):  # a new path, not a repeat after a cut that did not take
            if path[6] in copies_of:  # a copy of a listed path in another lane/row/column
                copies_of[path[6]] += 1
            elif path[2] not in [r[2] for r in rows]:  # (a second path into a listed endpoint is not listed)
                rows.append(path)
                copies_of[path[6]] = 1
                write_rows(out, rows, copies_of)  # (a long run can be stopped with what it has found)
        if os.environ.get("STA_PATHS_DEBUG"):
            sys.stderr.write(f"sta_paths: cut {fresh[0][0]} {str(fresh[0][1])[:150]}\n")
        cuts.append(fresh[0])
    write_rows(out, rows, copies_of)
    sys.stdout.write(open(out).read())


if __name__ == "__main__":
    main()
