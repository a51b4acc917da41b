#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# vm-test.sh (make vm-test): build alertable_sleep.ko and its test client
# against a Debian kernel ($KERNEL, 6.1 by default), boot that kernel in QEMU
# on 2 vCPUs and run tests/vm-test.sh in it: insmod parameter checks, what
# needs SMP from a client module (aborts from every context on the other
# CPU, kthread_stop(), destroy, an abort held by a kprobe after its state
# change while a watchpoint guards the entry its sleeper has left), module
# refcounting, tracepoints, debugfs.
#
# The guest prints its results as one KTAP document; kunit.py parse counts
# them (scripts/ktap.sh) and prints its report. One more check is the
# host's: the VM run itself (timeout, panic, a kernel report on the
# console, see scripts/vm.sh). Ends with "vm-test: N passed, N failed";
# exits non-zero if a check failed.
set -eu

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=ktap.sh
. "$AS_ROOT/scripts/ktap.sh"

# shellcheck disable=SC2086 # a list of packages
need_pkgs $AS_PKGS_VM
kernel_ensure "${KERNEL:-6.1}"
out=$(build_dir vm)
# kbuild's "Skipping BTF generation" notes are noise here; errors are not.
mkdir -p "$out"
if ! build_modules "$out" 2>"$out/build.err"; then
	cat "$out/build.err" >&2
	total vm-test 0 1
	exit 1
fi
grep -v 'Skipping BTF generation' "$out/build.err" >&2 || true
src=$out/src

# The whole console goes to its log; show vm.sh's own lines only.
log=$AS_VM_DIR/vm-test/console.log
set +e
"$AS_ROOT/scripts/vm.sh" --name vm-test --smp 2 --timeout 240 \
	"$AS_ROOT/tests/vm-test.sh" "$src/alertable_sleep.ko" \
	"$src/tests/alertable_sleep_vmtest.ko" \
	"$src/samples/alertable_sleep_demo.ko" "$AS_ROOT/tests/ktap.sh" |
	grep --line-buffered '^==> '
vmrc=${PIPESTATUS[0]}
set -e

ktap_vm_total vm-test "$log" "$vmrc"
