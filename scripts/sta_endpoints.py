#!/usr/bin/env python3
"""Every timing endpoint of a synthesized netlist, grouped by register
family: how many endpoints of each family arrive later than a target, and
the worst path of each. A proxy, as scripts/sta_paths.py: the cell delays of
Yosys's Xilinx cell library (Artix-7 -1 arcs, no routing).

Yosys's `sta` reports the single longest path and an arrival histogram of
all endpoints, without names. This redoes its computation in Python from the
same timing arcs (the $specify2/$specify3/$specrule cells Yosys makes of the
library's specify blocks, read the same way as Yosys's TimingInfo: the
largest of rise and fall, a path's end at an input with a setup time, its
start at a top-level input, the clock's, through its buffer and a
register's clock-to-output arc) and keeps, for every endpoint,
its arrival and its latest predecessor, so the endpoints above a target can
be counted per family and each family's worst path traced back to its start.
Its longest path equals the first line of scripts/sta_paths.py's list (the
same library, with sta_paths.py's two changes: no asynchronous clear/preset
arcs, MUXF9 with MUXF8's).

  scripts/sta_endpoints.py NETLIST.il [TARGET_PS [FAMILIES]]

NETLIST.il: written by scripts/synth_check.sh (SYNTH_OUT/<tag>.il).
TARGET_PS (default 2500): endpoints arriving later are counted.
FAMILIES (default 40): how many families to list, latest first.
Prints the histogram, then one line per family: its worst arrival, the
endpoints above the target, all its endpoints, and the worst path's start
register and logic depth (LUT, carry and mux cells).
"""
import collections
import json
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.realpath(__file__)))
import sta_paths  # noqa: E402  (the library with sta_paths.py's changes)


def yosys_json(script, out):
    res = subprocess.run(["yosys", "-q", "-p", script + f"; write_json {out}"],
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if res.returncode != 0:
        sys.exit(f"sta_endpoints: yosys failed: {res.stderr.strip()[:400]}")
    with open(out) as f:
        return json.load(f)


def val(p):
    """A parameter as Yosys's as_int() reads it: a bit string, x or z as 0."""
    if isinstance(p, int):
        return p
    return int(re.sub(r"[^01]", "0", p), 2) if re.fullmatch(r"[01xz]+", p) else int(p)


def timing_of(lib):
    """Per cell type: comb {(in_pin, i): [(out_pin, j, ps)]} and required
    {(in_pin, i): setup ps}."""
    types = {}
    for name, mod in lib["modules"].items():
        pin_of = {}
        for pname, p in mod["ports"].items():
            for i, b in enumerate(p["bits"]):
                pin_of[b] = (pname, i)
        comb, required = collections.defaultdict(dict), {}
        for c in mod.get("cells", {}).values():
            t, prm, con = c["type"], c["parameters"], c["connections"]
            if t not in ("$specify2", "$specify3", "$specrule"):
                continue
            if t == "$specrule":
                if prm["TYPE"] not in ("$setup", "$setuphold"):
                    continue
                d = max(val(prm["T_LIMIT_MAX"]), val(prm.get("T_LIMIT2_MAX", 0)))
                for b in con["SRC"]:
                    if b in pin_of:
                        required[pin_of[b]] = max(required.get(pin_of[b], 0), d)
                continue
            if con.get("EN") == ["0"]:
                continue
            d = max(val(prm["T_RISE_MAX"]), val(prm["T_FALL_MAX"]))
            # an edge-sensitive arc (clock to output) is an arc from the
            # clock pin, as in Yosys's sta: a path starts at the clock input
            # port, through its buffer, then the register's clock-to-output
            src = [pin_of.get(b) for b in con["SRC"]]
            dst = [pin_of.get(b) for b in con["DST"]]
            pairs = ([(s, x) for s in src for x in dst] if val(prm["FULL"])
                     else list(zip(src, dst)))
            for s, x in pairs:
                if s and x:
                    comb[s][x] = max(comb[s].get(x, 0), d)
        if comb or required:
            types[name] = ({k: list(v.items()) for k, v in comb.items()}, required)
    return types


def family(name):
    return re.sub(r"\[\d+\]", "[*]", name)


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    netlist = sys.argv[1]
    target = int(sys.argv[2]) if len(sys.argv) > 2 else 2500
    nfam = int(sys.argv[3]) if len(sys.argv) > 3 else 40
    with tempfile.TemporaryDirectory(prefix="sta_endpoints.") as tmp:
        cells_v = sta_paths.cell_library(tmp)
        types = timing_of(yosys_json(f"read_verilog -lib -specify {cells_v}; proc",
                                     os.path.join(tmp, "lib.json")))
        top = yosys_json(f"read_rtlil {netlist}; delete =A:blackbox; cd abacus_top; opt_clean; "
                         "cd ..", os.path.join(tmp, "net.json"))["modules"]["abacus_top"]

    # a name per bit: its shortest public net name
    name_of = {}
    for n, w in top["netnames"].items():
        public = not w["hide_name"]
        for i, b in enumerate(w["bits"]):
            if not isinstance(b, int):
                continue
            label = n if len(w["bits"]) == 1 else f"{n}[{i}]"
            old = name_of.get(b)
            if old is None or (public and (not old[0] or len(label) < len(old[1]))):
                name_of[b] = (public, label)

    fanout = collections.defaultdict(list)  # bit -> [(bit, ps, cell)]
    nfanin = collections.Counter()
    ends = collections.defaultdict(list)  # bit -> [(setup ps, cell, pin)]
    for cname, c in top["cells"].items():
        t = types.get(c["type"])
        if t is None:
            continue
        comb, required = t
        bit_of = {}  # (pin, index) -> the net bit connected there
        for pin, bits in c["connections"].items():
            for i, b in enumerate(bits):
                if not isinstance(b, int):
                    continue
                if (pin, i) in required:
                    ends[b].append((required[(pin, i)], cname, c["type"], pin))
                bit_of[(pin, i)] = b
        for pi, b in bit_of.items():  # each arc from an input pin to an output pin
            for po, d in comb.get(pi, ()):
                ob = bit_of.get(po)
                if ob is not None:
                    fanout[b].append((ob, d, cname, c["type"]))
                    nfanin[ob] += 1

    # Kahn's order from every bit with no timed fan-in
    arr = {}  # a path starts at a top-level input (the clock's among them)
    for p in top["ports"].values():
        if p["direction"] == "input":
            for b in p["bits"]:
                if isinstance(b, int):
                    arr[b] = 0
    pred = {}
    queue = collections.deque(b for b in set(fanout) | set(ends) if nfanin[b] == 0)
    while queue:
        b = queue.popleft()
        a = arr.get(b)
        for ob, d, cname, ctype in fanout.get(b, ()):
            if a is not None and a + d > arr.get(ob, -1):
                arr[ob] = a + d
                pred[ob] = (b, cname, ctype)
            nfanin[ob] -= 1
            if nfanin[ob] == 0:
                queue.append(ob)

    def register(cname, ctype):
        """An endpoint's family name: a flip-flop's Q net, else the cell."""
        c = top["cells"][cname]
        if ctype.startswith("FD"):
            q = c["connections"].get("Q", [None])[0]
            if isinstance(q, int) and q in name_of and name_of[q][0]:
                return name_of[q][1]
        if cname.startswith("$"):  # a register Yosys named: where it was written
            src = c.get("attributes", {}).get("src", "")
            return f"{ctype} at " + re.sub(r"\.\d+-\d+\.\d+", "", src.split("|")[0]) if src else cname
        return cname

    def trace(b):
        """The start register of b's latest path (the net its clock-to-output
        arc drives) and the LUT, carry and mux cells on the way."""
        depth, cur = 0, b
        while cur in pred:
            prev, cname, ctype = pred[cur]
            if ctype.startswith(("FD", "RAM", "SRL", "DSP")):
                break
            if ctype.startswith(("LUT", "CARRY", "MUXF")):
                depth += 1
            cur = prev
        return (name_of.get(cur, (False, f"bit {cur}"))[1], depth)

    fams = {}
    allarr = []
    for b, es in ends.items():
        if b not in arr:
            continue
        for setup, cname, ctype, pin in es:
            t = arr[b] + setup
            allarr.append(t)
            key = family(register(cname, ctype)) + ("" if pin == "D" else f" ({pin})")
            f = fams.setdefault(key, [0, 0, -1, None])
            f[1] += 1
            if t > target:
                f[0] += 1
            if t > f[2]:
                f[2], f[3] = t, b
    allarr.sort()
    print(f"sta_endpoints: {len(allarr)} endpoints, longest {allarr[-1] if allarr else 0} ps "
          f"(cell delays only, no routing: a proxy)")
    for lo, hi in ((2000, 2250), (2250, 2500), (2500, 2650), (2650, 2800), (2800, 3000),
                   (3000, 10 ** 9)):
        n = sum(1 for t in allarr if lo < t <= hi)
        print(f"  {lo:>5} < t <= {hi if hi < 10 ** 9 else 'inf':>5}: {n}")
    print(f"  above {target} ps: {sum(1 for t in allarr if t > target)} endpoints in "
          f"{sum(1 for f in fams.values() if f[0])} families")
    show = os.environ.get("STA_ENDPOINTS_SHOW")  # a family's name part: print its worst path
    if show:
        for key, (over, total, worst, b) in fams.items():
            if show in key:
                print(f"worst path into {key}: {worst} ps")
                cur = b
                while cur in pred:
                    prev, cname, ctype = pred[cur]
                    print(f"  {arr[cur]:>6}  {ctype:<8} {name_of.get(cur, (0, cur))[1]}  ({cname[:70]})")
                    cur = prev
                print(f"  {arr.get(cur, 0):>6}  {name_of.get(cur, (0, cur))[1]}")

    def rows(order):
        for key, (over, total, worst, b) in sorted(fams.items(), key=order)[:nfam]:
            if over == 0 and order is not latest:
                break
            s, depth = trace(b)
            print(f"{worst:>6} {over:>6} {total:>6}  {key}  <-  {s} ({depth})")

    def latest(kv):
        return -kv[1][2]
    print(f"latest first:\n{'worst':>6} {'>tgt':>6} {'all':>6}  family  <-  "
          "worst path's start (LUT/carry/mux cells)")
    rows(latest)
    print(f"most endpoints above {target} ps first:")
    rows(lambda kv: (-kv[1][0], -kv[1][2]))


if __name__ == "__main__":
    main()
