#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# check-debug.sh: `make check-debug`, optional and slow. Builds an x86_64
# debug kernel from the Debian kernel source (x86_64_defconfig plus
# tests/debug.config: KCSAN, lockdep, DEBUG_ATOMIC_SLEEP, hung-task
# detection, debug objects, failslab, fail_page_alloc, kmemleak, KUnit) in
# $AS_CACHE/debug-kernel, builds the modules against it, and boots it in
# QEMU with 2 vCPUs to run the hostile-input cases, the short torture, the
# allocation-failure cases (create() and module load failing with -ENOMEM,
# then a kmemleak scan) and the KUnit suite, with positive controls for
# KCSAN and kmemleak. A KCSAN report on our modules' code, and any lockdep,
# atomic-sleep, hung-task, BUG, WARNING or leak report fails it (the data
# races of Linux 6.1 itself are listed, not counted: judge_debug_console in
# tests/torture/host.sh). Ends with "check-debug: N passed, N failed".
#
# The first build took 22 minutes here on 2 shared cores (later ones only
# rebuild what changed); the VM run about 3 minutes.
# Overridable: TORTURE_DURATION (default 20) TORTURE_SEED DEBUG_JOBS (2).
set -eu

. "$(dirname "$0")/lib.sh"
. "$AS_ROOT/tests/torture/host.sh"

t_start=$(date +%s)
# shellcheck disable=SC2086 # package lists are word-split on purpose
need_pkgs $AS_PKGS_KUNIT $AS_PKGS_VM
tree=$(kernel_tree)
kout=$AS_CACHE/debug-kernel
frag=$AS_ROOT/tests/debug.config
mkdir -p "$kout"

# Configure only when the fragment changed, so that a rebuild is incremental.
stamp=$(sha256sum "$frag" | cut -c1-16)
if [ ! -f "$kout/.config" ] || [ "$(cat "$kout/.fragment" 2>/dev/null)" != "$stamp" ]; then
	say "configuring the debug kernel: x86_64_defconfig + tests/debug.config"
	make -s -C "$tree" O="$kout" x86_64_defconfig
	"$tree/scripts/kconfig/merge_config.sh" -m -O "$kout" "$kout/.config" \
		"$frag" >/dev/null
	make -s -C "$tree" O="$kout" olddefconfig
	echo "$stamp" >"$kout/.fragment"
fi
for opt in KCSAN PROVE_LOCKING DEBUG_ATOMIC_SLEEP DETECT_HUNG_TASK \
	DEBUG_OBJECTS FAULT_INJECTION FAILSLAB FAIL_PAGE_ALLOC \
	FAULT_INJECTION_DEBUG_FS DEBUG_KMEMLEAK MODULES DEBUG_FS \
	SERIAL_8250_CONSOLE DEVTMPFS BLK_DEV_INITRD KUNIT; do
	grep -q "^CONFIG_$opt=y" "$kout/.config" ||
		die "CONFIG_$opt did not survive olddefconfig (compiler support?)"
done

say "building the debug kernel in $kout (make -j${DEBUG_JOBS:-2} bzImage modules, log: $kout/build.log)"
t0=$(date +%s)
if ! nice make -C "$tree" O="$kout" -j"${DEBUG_JOBS:-2}" bzImage modules \
	>"$kout/build.log" 2>&1; then
	tail -n 40 "$kout/build.log"
	die "the debug kernel build failed"
fi
say "debug kernel built in $(($(date +%s) - t0)) s"

# Built here, with this host's compiler, which built the debug kernel.
K_ROOT='' K_SUITE='' K_REL=debug K_KDIR=$kout K_IMAGE=$kout/arch/x86/boot/bzImage
out=$(build_dir build)
build_modules "$out"
# The KUnit suite as a module: kunit/Kbuild makes alertable_sleep_test.ko
# in an external build, with alertable_sleep's exports from the pass above.
if [ -f "$out/src/kunit/Kbuild" ]; then
	say "building the KUnit suite module against the debug kernel"
	make -s -C "$kout" M="$out/src/kunit" \
		KBUILD_EXTRA_SYMBOLS="$out/src/Module.symvers" modules ||
		die "the KUnit module build failed"
fi

# One finit_module() call per load, for the allocation failure sweep.
gcc -static -O2 -Wall -o "$out/load_once" "$AS_ROOT/tests/torture/load_once.c" ||
	die "cannot build tests/torture/load_once.c"

cat >"$out/debug.env" <<EOF
TORTURE_DURATION=${TORTURE_DURATION:-20}
TORTURE_SEED=${TORTURE_SEED:-0}
TORTURE_SLACK_MS=${TORTURE_SLACK_MS:-20000}
RUN_HOSTILE=1
RUN_NEGATIVE=0
RUN_FAULT=1
RUN_KUNIT=1
RUN_KCSAN_CONTROL=1
EOF

# loglevel=5: warnings and worse (every report the run must fail on) reach
# the console; the informational boot chatter, including kmemleak's banner,
# stays in dmesg, which log_buf_len makes big enough for the whole run.
# panic_on_warn=0 and kcsan.early_enable=0: see judge_debug_console in
# tests/torture/host.sh; the guest turns KCSAN on before it loads anything.
# --bootcon: a console that takes no lock, so that the kernel's own printk
# from hard IRQ does not switch lockdep off (scripts/vm.sh).
say "booting the debug kernel: hostile input, torture, allocation failures, KUnit"
t0=$(date +%s)
torture_vm check-debug "$out" "$out/debug.env" \
	--kernel "$kout/arch/x86/boot/bzImage" --smp 2 --mem 1024 \
	--timeout 1800 --bootcon \
	--append "loglevel=5 log_buf_len=8M panic_on_warn=0 kcsan.early_enable=0"
say "debug VM run took $(($(date +%s) - t0)) s (vm.sh exit $T_VMRC, judged below)"

judge_debug_console "$T_LOG"
judge_hostile "$T_LOG"
judge_torture "$T_LOG" G
judge_fault "$T_LOG"
if [ -f "$out/src/kunit/alertable_sleep_test.ko" ]; then
	judge_kunit "$T_LOG"
fi

say "check-debug took $(($(date +%s) - t_start)) s"
total check-debug "$T_PASS" "$T_FAIL"
[ "$T_FAIL" -eq 0 ]
