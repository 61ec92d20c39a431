#!/usr/bin/env bash
# The dependency audit can fail: with a needed package left out of
# scripts/install-deps.sh's list, it must name that package and what uses it.
#   test_deps_audit.sh BUILD_DIR
set -u
build=$1
audit=$(cd "$(dirname "$0")/../.." && pwd)/scripts/deps_audit.py
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok: $1"; }
bad() { failed=$((failed + 1)); echo "FAIL: $1"; cat "$tmp/out"; }

# Headers: libcli11-dev brings CLI/CLI.hpp, which the abacus CLI includes.
# (Not zlib1g-dev any more: libprotobuf-dev, also in the list, depends on
# it, so dropping it alone leaves it pulled in.)
python3 "$audit" check "$build" --drop libcli11-dev >"$tmp/out" 2>&1; rc=$?
if [ $rc -eq 1 ] && grep -q "MISSING package libcli11-dev" "$tmp/out" && grep -q "/usr/include/CLI/CLI.hpp" "$tmp/out"; then
  ok "check without libcli11-dev names libcli11-dev and CLI/CLI.hpp"
else bad "check without libcli11-dev: exit $rc"; fi

# Libraries and package configs: libgtest-dev brings libgtest.a and GTestConfig.cmake.
python3 "$audit" check "$build" --drop libgtest-dev >"$tmp/out" 2>&1; rc=$?
if [ $rc -eq 1 ] && grep -q "MISSING package libgtest-dev" "$tmp/out" && grep -q "libgtest" "$tmp/out"; then
  ok "check without libgtest-dev names libgtest-dev"
else bad "check without libgtest-dev: exit $rc"; fi

# Commands: without tcl, tclsh is not on the declared PATH (the flow check
# then fails with 'tclsh: command not found', as on a bare system).
python3 "$audit" path "$tmp/bin" --drop tcl >"$tmp/out" 2>&1; rc=$?
if [ $rc -eq 0 ] && [ ! -e "$tmp/bin/tclsh" ] && [ -e "$tmp/bin/bash" ] && [ -e "$tmp/bin/make" ]; then
  ok "path without tcl leaves tclsh out, keeps bash and make"
else bad "path without tcl: exit $rc, tclsh $( [ -e "$tmp/bin/tclsh" ] && echo present || echo absent)"; fi

# A name that is not in the list is a usage error, not a silent pass.
python3 "$audit" check "$build" --drop no-such-package >"$tmp/out" 2>&1; rc=$?
if [ $rc -eq 2 ] && grep -q "not in scripts/install-deps.sh's list" "$tmp/out"; then
  ok "--drop of an undeclared package is refused"
else bad "--drop no-such-package: exit $rc"; fi

echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
