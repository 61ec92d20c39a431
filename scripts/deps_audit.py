#!/usr/bin/env python3
"""Is scripts/install-deps.sh's package list enough for a bare Debian 12?

A development machine has many packages the list does not name, so a build
that uses one of them passes here and fails on a fresh system. This script
looks at what the build and the tests really use and maps it, through dpkg's
own database, to the packages that ship it. A package is "provided" when it
is in the list, in Debian's base system (scripts/debian12-minbase.txt: what
debootstrap --variant=minbase installs, recorded from a fresh chroot), or
pulled in by those through Depends/Pre-Depends (install-deps installs with
--no-install-recommends).

  deps_audit.py check BUILD_DIR [--drop PKG]...
      Headers the compiler opened (the build's .d dependency files), libraries
      the linker was given (link.txt), the programs and package configs CMake
      used (CMakeCache.txt): each must come from a provided package.
  deps_audit.py path DIR [--drop PKG]...
      Fill DIR with links to the commands that provided packages install, and
      nothing else. The tests that run scripts and commands use DIR as their
      PATH, so a command from an undeclared package fails as on a bare system.

--drop PKG removes PKG from the list first, to show the check fails without it.
Exit status: 0 when everything is provided, 1 otherwise, 2 on a usage error or
a system without dpkg (then configure with -DABACUS_DEPS_AUDIT=OFF).
"""
import argparse
import glob
import os
import re
import shlex
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DPKG_STATUS = "/var/lib/dpkg/status"
DPKG_INFO = "/var/lib/dpkg/info"
BIN_DIRS = ["/usr/bin", "/usr/sbin", "/bin", "/sbin"]


def die(msg, code=2):
    print(f"deps_audit: {msg}", file=sys.stderr)
    sys.exit(code)


def declared_packages():
    out = subprocess.run([os.path.join(ROOT, "scripts", "install-deps.sh"), "--list"],
                         check=True, capture_output=True, text=True).stdout
    return [p for p in out.split() if p]


def read_status():
    """Installed packages: name -> {depends, provides}."""
    pkgs = {}
    with open(DPKG_STATUS, encoding="utf-8", errors="replace") as f:
        stanzas = f.read().split("\n\n")
    for st in stanzas:
        fields = {}
        key = None
        for line in st.splitlines():
            if line.startswith((" ", "\t")) and key:
                fields[key] += " " + line.strip()
            elif ":" in line:
                key, _, val = line.partition(":")
                fields[key] = val.strip()
        if "Package" not in fields or not fields.get("Status", "").endswith(" installed"):
            continue
        deps = ", ".join(x for x in (fields.get("Pre-Depends", ""), fields.get("Depends", "")) if x)
        groups = []
        for grp in deps.split(","):
            alts = [re.sub(r"[\s(:].*", "", a.strip()) for a in grp.split("|")]
            alts = [a for a in alts if a]
            if alts:
                groups.append(alts)
        provides = [re.sub(r"[\s(:].*", "", p.strip()) for p in fields.get("Provides", "").split(",")]
        pkgs[fields["Package"]] = {"depends": groups, "provides": [p for p in provides if p]}
    return pkgs


def base_packages():
    with open(os.path.join(ROOT, "scripts", "debian12-minbase.txt"), encoding="utf-8") as f:
        return [line.strip() for line in f if line.strip() and not line.startswith("#")]


def closure(roots, pkgs):
    """Packages apt would install for roots on top of the base system."""
    providers = {}
    for name, p in pkgs.items():
        for v in p["provides"]:
            providers.setdefault(v, []).append(name)

    def resolve(alts):
        # apt keeps an alternative that is already installed, else takes the first.
        for a in alts:
            if a in pkgs:
                return [a]
            if a in providers:
                return providers[a][:1]
        return [alts[0]]

    seen = set()
    todo = list(roots) + base_packages()
    while todo:
        n = todo.pop()
        if n in seen:
            continue
        seen.add(n)
        for alts in pkgs.get(n, {}).get("depends", []):
            todo.extend(resolve(alts))
    return seen


_realdir = {}


def norm(path):
    """The path with its directory resolved (usrmerge: /lib -> /usr/lib), the name kept."""
    d, b = os.path.split(path)
    if d not in _realdir:
        _realdir[d] = os.path.realpath(d)
    return os.path.join(_realdir[d], b)


def read_owners():
    owners = {}
    for lst in glob.glob(os.path.join(DPKG_INFO, "*.list")):
        pkg = os.path.basename(lst)[:-5].split(":")[0]
        with open(lst, encoding="utf-8", errors="replace") as f:
            for line in f:
                p = line.rstrip("\n")
                if p and p != "/.":
                    owners.setdefault(norm(p), set()).add(pkg)
    return owners


def chain(path):
    """The path and every symlink step after it (alternatives, .so -> .so.N)."""
    out = []
    cur = os.path.abspath(path)
    for _ in range(40):
        cur = norm(cur)
        out.append(cur)
        if not os.path.islink(cur):
            break
        cur = os.path.join(os.path.dirname(cur), os.readlink(cur))
    return out


def missing_for(path, owners, provided):
    """Packages that ship a step of path's chain, none of them provided; None: no package ships it."""
    need = []
    owned = False
    for p in chain(path):
        o = owners.get(p)
        if not o:
            continue
        owned = True
        if not (o & provided):
            need.append(sorted(o))
    return need if owned else None


def inside(path, dirs):
    path = os.path.realpath(path)
    return any(path == d or path.startswith(d + os.sep) for d in dirs)


def depfile_paths(text):
    body = text.replace("\\\n", " ")
    out = []
    for line in body.splitlines():
        if ":" not in line:
            continue
        _, _, deps = line.partition(": ")
        for tok in re.split(r"(?<!\\)\s+", deps):
            tok = tok.replace("\\ ", " ")
            if tok.startswith("/"):
                out.append(tok)
    return out


def used_files(build):
    """(path, why) pairs: what the build opened outside the source and build trees."""
    build = os.path.realpath(build)
    local = [os.path.realpath(ROOT), build]
    uses = {}

    def add(p, why):
        if p and os.path.isabs(p) and os.path.exists(p) and not inside(p, local):
            uses.setdefault(os.path.normpath(p), why)

    # Other builds nested in this one (make fuzz's clang build, make
    # coverage's) have their own CMakeCache.txt and their own packages
    # (scripts/install-deps.sh fuzz|coverage): not this build's.
    def nested(d):
        return d != build and os.path.exists(os.path.join(d, "CMakeCache.txt"))

    ndep = 0
    links = []
    for dirpath, dirs, files in os.walk(build):
        dirs[:] = [d for d in dirs if not nested(os.path.join(dirpath, d))]
        links += [os.path.join(dirpath, "link.txt")] if "link.txt" in files else []
        for fn in files:
            if fn.endswith(".o.d"):
                ndep += 1
                with open(os.path.join(dirpath, fn), encoding="utf-8", errors="replace") as f:
                    for p in depfile_paths(f.read()):
                        add(p, f"header of {os.path.relpath(os.path.join(dirpath, fn), build)}")
    nlink = 0
    for lt in links:
        nlink += 1
        with open(lt, encoding="utf-8") as f:
            toks = shlex.split(f.read())
        if not toks:
            continue
        cxx = toks[0]
        add(cxx if os.path.isabs(cxx) else None, f"link command of {os.path.relpath(lt, build)}")
        where = os.path.relpath(lt, build)
        for t in toks[1:]:
            if t.startswith("-l") and len(t) > 2:
                for ext in (".so", ".a"):
                    r = subprocess.run([cxx, f"-print-file-name=lib{t[2:]}{ext}"],
                                       capture_output=True, text=True).stdout.strip()
                    if os.path.isabs(r):
                        add(r, f"library {t} in {where}")
                        break
                else:
                    print(f"deps_audit: {where}: {t} found by neither .so nor .a")
            elif t.startswith("/") and re.search(r"\.(a|so)(\.\d+)*$", t):
                add(t, f"library in {where}")
    cache = os.path.join(build, "CMakeCache.txt")
    if not os.path.exists(cache) or ndep == 0 or nlink == 0:
        die(f"{build}: no CMakeCache.txt, dependency files or link commands: build first", 1)
    with open(cache, encoding="utf-8") as f:
        for line in f:
            m = re.match(r"([A-Za-z0-9_.+-]+):(FILEPATH|PATH|INTERNAL)=(.*)$", line.strip())
            if not m:
                continue
            name, typ, val = m.groups()
            if typ == "FILEPATH" or name in ("CMAKE_COMMAND", "CMAKE_CTEST_COMMAND"):
                add(val, f"CMake {name}")
            elif typ == "PATH" and name.endswith("_DIR") and os.path.isdir(val):
                for cfg in glob.glob(os.path.join(val, "*[Cc]onfig.cmake")):
                    if not cfg.endswith("Version.cmake"):
                        add(cfg, f"CMake package {name}")
    return uses, ndep, nlink


def cmd_check(args, owners, provided):
    uses, ndep, nlink = used_files(args.build)
    need = {}
    unowned = []
    for path, why in sorted(uses.items()):
        m = missing_for(path, owners, provided)
        if m is None:
            unowned.append((path, why))
        for alts in m or []:
            need.setdefault(" | ".join(alts), []).append((path, why))
    print(f"deps_audit: {len(uses)} system files used by the build "
          f"({ndep} dependency files, {nlink} link commands, CMakeCache.txt)")
    for pkg, what in sorted(need.items()):
        print(f"deps_audit: MISSING package {pkg}: not in scripts/install-deps.sh, "
              f"not in the base system, not pulled in by either; the build uses")
        for path, why in what[:5]:
            print(f"    {path}  ({why})")
        if len(what) > 5:
            print(f"    ... and {len(what) - 5} more")
    for path, why in unowned:
        print(f"deps_audit: UNOWNED {path} ({why}): no Debian package ships it, so a fresh system has none")
    ok = not need and not unowned
    print("1 passed, 0 failed" if ok else "0 passed, 1 failed")
    return 0 if ok else 1


def cmd_path(args, owners, provided):
    os.makedirs(args.dir, exist_ok=True)
    for old in os.listdir(args.dir):
        os.unlink(os.path.join(args.dir, old))
    kept = skipped = 0
    for d in BIN_DIRS:
        if not os.path.isdir(d):
            continue
        for name in sorted(os.listdir(d)):
            src = os.path.join(d, name)
            dst = os.path.join(args.dir, name)
            if os.path.lexists(dst) or not (os.path.isfile(src) and os.access(src, os.X_OK)):
                continue
            m = missing_for(src, owners, provided)
            if m == []:
                os.symlink(src, dst)
                kept += 1
            else:
                skipped += 1
    print(f"deps_audit: {args.dir}: {kept} commands from declared and base packages "
          f"({skipped} others on this machine left out)")
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("check", help="headers, libraries and programs the build used")
    c.add_argument("build")
    p = sub.add_parser("path", help="a PATH directory of declared commands only")
    p.add_argument("dir")
    for s in (c, p):
        s.add_argument("--drop", action="append", default=[], metavar="PKG",
                       help="leave PKG out of the list (shows the check can fail)")
    args = ap.parse_args()
    if not os.path.exists(DPKG_STATUS):
        die(f"{DPKG_STATUS} not found: this audit needs a Debian system; "
            "configure with -DABACUS_DEPS_AUDIT=OFF when packages are managed otherwise")
    declared = declared_packages()
    for d in args.drop:
        if d not in declared:
            die(f"--drop {d}: not in scripts/install-deps.sh's list ({' '.join(declared)})")
    roots = [d for d in declared if d not in args.drop]
    pkgs = read_status()
    absent = [r for r in roots if r not in pkgs]
    if absent:
        die(f"declared but not installed here: {' '.join(absent)} (run scripts/install-deps.sh)", 1)
    provided = closure(roots, pkgs)
    owners = read_owners()
    return cmd_check(args, owners, provided) if args.cmd == "check" else cmd_path(args, owners, provided)


if __name__ == "__main__":
    sys.exit(main())
