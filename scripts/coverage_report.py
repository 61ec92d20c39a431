#!/usr/bin/env python3
"""Per-module coverage table from a merged Verilator coverage file.

    scripts/coverage_report.py MERGED.dat [--root DIR] [--uncovered N] [--min-line P --min-toggle P]

Verilator writes one point per instance; a module's point (same file, line,
column, comment, kind) counts as covered when any instance of the module
hit it, so the table is by module, as the issue's sign-off asks. Kinds:
line (v_line and v_branch pages: blocks and both arms of every if/case)
and toggle (v_toggle: each bit of each signal changed at least once;
Verilator counts changes in either direction). Points outside rtl/ (test
benches) are left out. Prints a markdown table, then up to N uncovered line
points per module with file:line and Verilator's comment, so each can be
explained. --min-line/--min-toggle make the exit status 1 when the rtl/
totals fall short.

--explained FILE gives the reason for each point known to stay uncovered,
one per line, `FILE:LINE COMMENT REASON`, where REASON is text or the name
of a `= NAME TEXT` line. Then every uncovered point is listed with its
reason (or "unexplained"), and entries for points now covered are listed
as stale; --strict makes either of those an exit status 1.
"""
import argparse
import collections
import os
import sys


def parse(path):
    """Yields (fields, count) for every point of a coverage .dat file."""
    with open(path, encoding="latin-1") as f:
        for line in f:
            if not line.startswith("C '"):
                continue
            q = line.rfind("' ")
            key, count = line[3:q], int(line[q + 2:])
            fields = {}
            for item in key.split("\x01"):
                if "\x02" in item:
                    k, v = item.split("\x02", 1)
                    fields[k] = v
            yield fields, count


def read_explained(path):
    """{(file, line, comment): reason} from an explanation file."""
    tags, out = {}, {}
    with open(path, encoding="utf-8") as f:
        for n, raw in enumerate(f, 1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            if line.startswith("= "):
                name, _, text = line[2:].partition(" ")
                tags[name] = text.strip()
                continue
            parts = line.split(None, 2)
            if len(parts) < 3 or ":" not in parts[0]:
                raise SystemExit(f"{path}:{n}: expected FILE:LINE COMMENT REASON, got: {line}")
            fname, _, lno = parts[0].rpartition(":")
            out[(fname, lno, parts[1])] = parts[2]
    return {k: tags.get(v, v) for k, v in out.items()}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dat")
    ap.add_argument("--root", default=".")
    ap.add_argument("--uncovered", type=int, default=12)
    ap.add_argument("--min-line", type=float, default=None)
    ap.add_argument("--min-toggle", type=float, default=None)
    ap.add_argument("--explained", default=None)
    ap.add_argument("--strict", action="store_true")
    args = ap.parse_args()
    explained = read_explained(args.explained) if args.explained else None
    rtl = os.path.join(os.path.abspath(args.root), "rtl") + os.sep

    # (module, kind) -> {point: covered}
    points = collections.defaultdict(dict)
    where = {}
    files = {}
    for fields, count in parse(args.dat):
        fname = os.path.abspath(os.path.join(args.root, fields.get("f", "")))
        if not fname.startswith(rtl):
            continue
        page = fields.get("page", "")
        kind_page, _, module = page.partition("/")
        # Verilator names each parameterization (abacus_delay__W20_D1): one module
        module = module.split("__")[0]
        if kind_page in ("v_line", "v_branch"):
            kind = "line"
        elif kind_page == "v_toggle":
            kind = "toggle"
        else:
            kind = "user"
        pt = (fields.get("f"), fields.get("l"), fields.get("n"), fields.get("o"), kind_page)
        d = points[(module, kind)]
        d[pt] = d.get(pt, False) or count > 0
        where[pt] = (os.path.relpath(fname, args.root), fields.get("l", "?"), fields.get("o", ""))
        files[module] = os.path.relpath(fname, args.root)

    modules = sorted({m for m, _ in points})
    tot = collections.Counter()
    print("| module | file | line points | line % | toggle bits | toggle % |")
    print("|---|---|---:|---:|---:|---:|")

    def pct(c, n):
        return 100.0 * c / n if n else 100.0

    for m in modules:
        row = [m, files.get(m, "")]
        for kind in ("line", "toggle"):
            d = points.get((m, kind), {})
            c, n = sum(d.values()), len(d)
            tot[kind + "_c"] += c
            tot[kind + "_n"] += n
            row += [f"{c}/{n}", f"{pct(c, n):.1f}"]
        print("| " + " | ".join(row) + " |")
    lp, tp = pct(tot["line_c"], tot["line_n"]), pct(tot["toggle_c"], tot["toggle_n"])
    print(f"| **rtl/ total** | | {tot['line_c']}/{tot['line_n']} | **{lp:.1f}** | "
          f"{tot['toggle_c']}/{tot['toggle_n']} | **{tp:.1f}** |")
    user = {pt: c for (m, k), d in points.items() if k == "user" for pt, c in d.items()}
    if user:
        print(f"\nuser cover points: {sum(user.values())}/{len(user)} hit")
        for pt, c in sorted(user.items(), key=lambda x: where[x[0]]):
            if not c:
                f, l, o = where[pt]
                print(f"  never hit: {f}:{l} {o}")

    unexplained, stale = [], []
    if explained is not None:
        miss = sorted({where[pt] for (m, k), d in points.items() if k == "line" for pt, c in d.items() if not c},
                      key=lambda w: (w[0], int(w[1]) if w[1].isdigit() else 0, w[2]))
        print(f"\nUncovered line points ({len(miss)}), each with its reason ({args.explained}):")
        for w in miss:
            reason = explained.get(w)
            if reason is None:
                unexplained.append(w)
            print(f"- {w[0]}:{w[1]} ({w[2]}): {reason or '**unexplained**'}")
        stale = sorted(set(explained) - set(miss))
        for w in stale:
            print(f"- stale explanation, the point is covered or gone: {w[0]}:{w[1]} ({w[2]})")
    elif args.uncovered:
        print("\nUncovered line points (file:line, Verilator's comment):")
        for m in modules:
            miss = sorted((where[pt] for pt, c in points.get((m, "line"), {}).items() if not c),
                          key=lambda w: (w[0], int(w[1]) if w[1].isdigit() else 0))
            if not miss:
                continue
            shown = ", ".join(f"{f}:{l} ({o})" for f, l, o in miss[:args.uncovered])
            more = f" and {len(miss) - args.uncovered} more" if len(miss) > args.uncovered else ""
            print(f"- {m}: {shown}{more}")

    bad = []
    if args.min_line is not None and lp < args.min_line:
        bad.append(f"line {lp:.1f}% < {args.min_line}%")
    if args.min_toggle is not None and tp < args.min_toggle:
        bad.append(f"toggle {tp:.1f}% < {args.min_toggle}%")
    if args.strict and unexplained:
        bad.append(f"{len(unexplained)} uncovered line points unexplained")
    if args.strict and stale:
        bad.append(f"{len(stale)} stale explanations")
    if bad:
        print("coverage: below target: " + ", ".join(bad), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
