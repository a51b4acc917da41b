#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# freeze-test.sh: build alertable_sleep.ko and tests/freeze's module
# against a Debian kernel ($KERNEL, 6.1 by default: 5.10, 6.1, 6.1-rt,
# 6.12, newest, newest-rt), boot it in QEMU on 2 vCPUs and run
# tests/freeze/guest.sh in it: system freezes with pm_test=freezer (a
# freezable sleep freezes, an abort and a deadline that fall while it is
# frozen take effect at the thaw, and the control, a plain sleep, makes the
# freeze fail), killable sleeps against SIGUSR1, SIGSTOP, SIGKILL and
# kthread_stop(), sleep_until()'s flags, deadlines and restart, and aborts
# from hard IRQ and under a raw spinlock, which matter on PREEMPT_RT.
#
# The guest prints one KTAP document; kunit.py parse counts it
# (scripts/ktap.sh). One more check is the host's: the VM run itself
# (timeout, panic, a kernel report on the console, see scripts/vm.sh).
# Ends with "freeze-test: N passed, N failed"; exits non-zero if a check
# failed.
#
# The other client folders (samples/, tests/, bench/, ...) are built in the
# same pass; if one of them does not build for this kernel, the modules are
# built again with tests/freeze/ as the only client, and that is said.
set -eu

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=ktap.sh
. "$AS_ROOT/scripts/ktap.sh"

# build_freeze_only OUTDIR: build_modules with tests/freeze/ the only
# client: the staged copy loses the other client folders' Kbuild files.
build_freeze_only() {
	local out=$1 d run=(in_chroot "$K_SUITE")
	[ -n "$K_SUITE" ] || run=()
	stage_sources "$out"
	for d in samples tests tests/torture bench; do
		rm -f "$out/src/$d/Kbuild"
	done
	# shellcheck disable=SC2086 # K_MAKE: none, or CROSS_COMPILE=...
	"${run[@]}" make -s -C "$K_KDIR" M="${out#"$K_ROOT"}/src" \
		${K_MAKE:-} ALERTABLE_SLEEP_CLIENTS=1 modules >"$out/build.log" 2>&1
}

# shellcheck disable=SC2086 # a list of packages
need_pkgs $AS_PKGS_VM
kernel_ensure "${KERNEL:-6.1}"
t0=$(date +%s)
out=$(build_dir freeze)
mkdir -p "$out"
if ! (build_modules "$out") >"$out/build.err" 2>&1; then
	say "the one-pass build failed for $K_REL; the first errors:"
	grep -E 'error|Error' "$out/build.log" | head -n 5
	say "building alertable_sleep.ko with tests/freeze/ only"
	if ! build_freeze_only "$out"; then
		grep -v '^Skipping BTF generation' "$out/build.log" >&2
		total freeze-test 0 1
		exit 1
	fi
fi
grep -v -e 'Skipping BTF generation' -e '^==> building' "$out/build.err" >&2 || true
src=$out/src

# The whole console goes to its log; show vm.sh's own lines, the guest's
# progress and whatever went wrong, live.
log=$AS_VM_DIR/freeze-test/console.log
set +e
"$AS_ROOT/scripts/vm.sh" --name freeze-test --smp 2 --timeout 300 \
	"$AS_ROOT/tests/freeze/guest.sh" "$src/alertable_sleep.ko" \
	"$src/tests/freeze/alertable_sleep_freeze.ko" "$AS_ROOT/tests/ktap.sh" |
	grep --line-buffered -E "^==> |^freeze-test: |^not ok |$AS_KERNEL_REPORTS"
vmrc=${PIPESTATUS[0]}
set -e

say "$K_REL: $(($(date +%s) - t0)) s, build and VM"
ktap_vm_total freeze-test "$log" "$vmrc"
