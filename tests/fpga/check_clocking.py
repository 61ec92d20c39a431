#!/usr/bin/env python3
"""Clock-buffer and reset rules on a board top's elaborated netlist.

Reads the Yosys JSON of a board top (tests/fpga/elaborate.sh writes it: the
board's own RTL, Abacus and the IP as black boxes from tests/fpga/ip_stubs.tcl,
which tags each IP with its type) and checks what Vivado's placer or the
IP's product guide would reject, and what hangs a board:

Clocks (UG572 UltraScale clocking, UG472 7-series clocking, PG195 XDMA):
  - a BUFG_GT is driven only by a transceiver or an IBUFDS_GTE ODIV2 output
    ("Only GTs, ADCs, and DACs can drive BUFG_GTs"; ODIV2 is the GT-quad
    reference path to them);
  - no global buffer (BUFG*, BUFG_GT) is driven by another global buffer;
  - XDMA's reference inputs come straight from the reference clock's
    IBUFDS_GTE: UltraScale+ sys_clk from ODIV2 (the IP buffers it itself with
    a BUFG_GT) and sys_clk_gt from O; 7-series sys_clk from O;
  - a differential reference pad feeds exactly one buffer: one IBUFDS_GTE (or
    IBUFDS) per reference clock, or one IP input that buffers it itself.
Resets (PG059 "Resets": no partial reset, all interfaces reset together):
  - every AXI reset input of the interconnect, the clock converter, the
    memory controller and Abacus comes from a reset synchronizer clocked by
    that interface's own clock;
  - the synchronizers all take the same reset request: the same set of sources;
  - that request includes XDMA's axi_aresetn (PERST#, link down), and every
    board input (a reset button) that resets the AXI fabric also resets
    XDMA itself (its sys_rst_n), so that its masters are not left mid-transfer.
Usage: check_clocking.py NETLIST.json TOP FAMILY(xcup|xc7)
Exit 0 when every rule holds; the findings otherwise, one per line.
"""
import json
import sys

COMBINATIONAL = {"$and", "$or", "$not", "$logic_and", "$logic_or", "$logic_not", "$reduce_and",
                 "$reduce_or", "$reduce_bool", "$xor", "$xnor", "$mux", "$eq", "$ne", "$pos", "$buf"}
GLOBAL_BUFFERS = {"BUFG", "BUFGCE", "BUFGCE_DIV", "BUFGCTRL", "BUFG_GT", "BUFGMUX"}
INPUT_BUFFERS = {"IBUFDS", "IBUFDS_GTE2", "IBUFDS_GTE3", "IBUFDS_GTE4", "IBUFGDS"}
# IP clock inputs that buffer the pad themselves (IBUFDS inside the IP)
SELF_BUFFERED = {("clk_wiz", "clk_in1_p"), ("clk_wiz", "clk_in1_n"), ("ddr4", "c0_sys_clk_p"),
                 ("ddr4", "c0_sys_clk_n"), ("mig_7series", "sys_clk_p"), ("mig_7series", "sys_clk_n")}
# (IP type, port, family) -> (driver cell type, driver port) the product guide requires
REFCLK_RULES = {
    ("xdma", "sys_clk", "xcup"): ("IBUFDS_GTE4", "ODIV2",
                                  "XDMA buffers sys_clk with its own BUFG_GT (PG195: drive it from ODIV2)"),
    ("xdma", "sys_clk_gt", "xcup"): ("IBUFDS_GTE4", "O", "PG195: sys_clk_gt from the IBUFDS_GTE O output"),
    ("xdma", "sys_clk", "xc7"): ("IBUFDS_GTE2", "O", "PG195: 7-series sys_clk from the IBUFDS_GTE2 O output"),
}
# reset input -> the clock of its interface, per IP type (product guides:
# PG059, PG164, PG150, UG586) and for Abacus
RESET_CLOCKS = {
    "axi_interconnect": {"INTERCONNECT_ARESETN": "INTERCONNECT_ACLK"},
    "axi_clock_converter": {"s_axi_aresetn": "s_axi_aclk", "m_axi_aresetn": "m_axi_aclk"},
    "ddr4": {"c0_ddr4_aresetn": "c0_ddr4_ui_clk"},
    "mig_7series": {"aresetn": "ui_clk"},
    "abacus_top": {"rst_ni": "clk_i"},
}


def main():
    path, top, family = sys.argv[1:4]
    with open(path, encoding="utf-8") as f:
        design = json.load(f)
    mods = design["modules"]
    m = mods[top]
    iptype = {name: mod.get("attributes", {}).get("abacus_ip_type", "") for name, mod in mods.items()}
    cells = m["cells"]
    driver = {}   # bit -> (cell name or None for a top port, port name)
    loads = {}    # bit -> [(cell, port)]
    for pname, p in m["ports"].items():
        if p["direction"] in ("input", "inout"):
            for b in p["bits"]:
                driver[b] = (None, pname)
    for cname, c in cells.items():
        dirs = c.get("port_directions", {})
        for port, bits in c["connections"].items():
            for b in bits:
                if isinstance(b, str):
                    continue
                if dirs.get(port) == "output":
                    driver[b] = (cname, port)
                else:
                    loads.setdefault(b, []).append((cname, port))

    def ctype(cname):
        return cells[cname]["type"]

    def kind(cname):
        t = ctype(cname)
        return iptype.get(t) or t

    def describe(d):
        if d is None:
            return "nothing"
        cname, port = d
        if cname is None:
            return f"top port {port}"
        return f"{cname} ({kind(cname)}).{port}"

    def drv(cname, port):
        bits = cells[cname]["connections"].get(port, [])
        if not bits or isinstance(bits[0], str):
            return None
        return driver.get(bits[0])

    findings = []
    # ---- clocks -------------------------------------------------------------------------
    for cname in cells:
        t = ctype(cname)
        if t == "BUFG_GT":
            d = drv(cname, "I")
            src = ctype(d[0]) if d is not None and d[0] is not None else ""
            ok = ((src in ("IBUFDS_GTE3", "IBUFDS_GTE4") and d[1] == "ODIV2")
                  or (src.startswith("GT") and ("CHANNEL" in src or "COMMON" in src)))
            if not ok:
                findings.append(f"{cname} (BUFG_GT).I is driven by {describe(d)}: only transceivers and "
                                f"IBUFDS_GTE ODIV2 may drive a BUFG_GT (UG572); it would not place")
        if t in GLOBAL_BUFFERS:
            d = drv(cname, "I") or drv(cname, "I0")
            if d is not None and d[0] is not None and ctype(d[0]) in GLOBAL_BUFFERS:
                findings.append(f"{cname} ({t}) is driven by global buffer {describe(d)}: cascaded global buffers")
        for (ip, port, fam), (want_type, want_port, why) in REFCLK_RULES.items():
            if fam == family and kind(cname) == ip and port in cells[cname]["connections"]:
                d = drv(cname, port)
                if d is None or d[0] is None or ctype(d[0]) != want_type or d[1] != want_port:
                    findings.append(f"{cname} ({ip}).{port} is driven by {describe(d)}, not directly by "
                                    f"{want_type}.{want_port}: {why}")
    for pname, p in m["ports"].items():
        if p["direction"] != "input":
            continue
        for b in p["bits"]:
            ls = loads.get(b, [])
            bufs = [(c, pt) for c, pt in ls if ctype(c) in INPUT_BUFFERS and pt in ("I", "IB")]
            selfb = [(c, pt) for c, pt in ls if (kind(c), pt) in SELF_BUFFERED]
            if (bufs or selfb) and len(ls) != 1:
                findings.append(f"top port {pname} is a differential reference pad with {len(ls)} loads "
                                f"({', '.join(f'{c}.{pt}' for c, pt in ls)}): one input buffer per reference clock")

    # ---- resets -------------------------------------------------------------------------
    def cone(bits):
        leaves, todo, seen = set(), [b for b in bits if not isinstance(b, str)], set()
        while todo:
            b = todo.pop()
            if b in seen:
                continue
            seen.add(b)
            d = driver.get(b)
            if d is None:
                leaves.add(f"undriven bit {b}")
            elif d[0] is None:
                leaves.add(f"port {d[1]}")
            elif ctype(d[0]) in COMBINATIONAL:
                c = cells[d[0]]
                for port, pbits in c["connections"].items():
                    if c["port_directions"].get(port) == "input":
                        todo.extend(x for x in pbits if not isinstance(x, str))
            else:
                leaves.add(f"{d[0]}.{d[1]}")
        return frozenset(leaves)

    sinks = {}
    for cname, c in cells.items():
        k = "abacus_top" if ctype(cname).endswith("abacus_top") else kind(cname)
        for port, clk in RESET_CLOCKS.get(k, {}).items():
            if port not in c["connections"]:
                findings.append(f"{cname} ({k}) has no {port}: the IP stub and the rule table disagree")
                continue
            bits = c["connections"][port]
            name = f"{cname} ({k}).{port}"
            d = driver.get(bits[0]) if bits and not isinstance(bits[0], str) else None
            if d is None or d[0] is None or not ctype(d[0]).endswith("abacus_reset_sync") or d[1] != "rst_no":
                findings.append(f"{name} is driven by {describe(d)}, not by a reset synchronizer in its clock domain")
                sinks[name] = cone(bits)
                continue
            sync = cells[d[0]]["connections"]
            want = c["connections"].get(clk, [None])[0]
            if sync["clk_i"][0] != want:
                findings.append(f"{name}: its synchronizer {d[0]} is clocked by {describe(driver.get(sync['clk_i'][0]))}, "
                                f"but the interface runs on {clk} ({describe(driver.get(want))})")
            sinks[f"{name} via {d[0]}"] = cone(sync["arst_ni"])
    if not sinks:
        findings.append("no AXI reset inputs found: the netlist has no interconnect, converter or memory controller")
    groups = {}
    for s, leaves in sinks.items():
        groups.setdefault(leaves, []).append(s)
    if len(groups) > 1:
        lines = [f"  {{{', '.join(sorted(l)) or 'constant'}}}: {', '.join(sorted(s))}" for l, s in groups.items()]
        findings.append("AXI interfaces are reset from different requests (PG059: no partial reset; every interface "
                        "resets together):\n" + "\n".join(lines))
    xdmas = [c for c in cells if kind(c) == "xdma"]
    for leaves, ss in groups.items():
        if xdmas and not ({f"{c}.axi_aresetn" for c in xdmas} & leaves):
            findings.append(f"reset request {{{', '.join(sorted(leaves))}}} does not include XDMA's axi_aresetn: "
                            f"a PERST# or link-down leaves {', '.join(sorted(ss))} out of reset")
        for x in xdmas:
            xdma_rst = cone(cells[x]["connections"].get("sys_rst_n", []))
            for leaf in sorted(l for l in leaves if l.startswith("port ") and l not in xdma_rst):
                findings.append(f"board input {leaf[5:]} resets the AXI fabric but not {x}'s sys_rst_n: XDMA's masters "
                                f"would be left mid-transfer against a reset interconnect")

    for f in findings:
        print(f"check_clocking: {top}: {f}")
    print(f"check_clocking: {top}: {len(sinks)} AXI reset inputs, {len(findings)} findings")
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
