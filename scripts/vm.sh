#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# vm.sh: boot Debian's kernel in QEMU with a busybox initramfs, run one
# script in it, and turn the guest console into an exit status.
#
#   scripts/vm.sh [--smp N] [--mem MB] [--timeout SECS] [--append ARGS]
#                 [--kernel BZIMAGE] [--name NAME] [--icount SPEC]
#                 [--bootcon] GUEST_SCRIPT [FILE...]
#
# --bootcon writes the kernel's messages through the early serial console
# (earlycon, kept: no lock at all) instead of the 8250 driver's console,
# whose port lock is a spinlock_t: on a lockdep kernel with
# PROVE_RAW_LOCK_NESTING before 6.12, a printk in hard IRQ that writes to
# it is a wait-context report of the kernel's own, which switches lockdep
# off for the rest of the run. The guest script then writes to /dev/ttyS0.
#
# --icount SPEC (or $AS_QEMU_ICOUNT) adds QEMU's `-icount SPEC`, e.g.
# shift=auto or shift=4,sleep=off: the guest's clocks follow the count of
# instructions it executed instead of the host's time. QEMU then runs
# every vCPU in one host thread (no MTTCG).
#
# The kernel is --kernel, or else $K_IMAGE, the one that kernel_ensure
# (scripts/kernel.sh) chose for the caller: $KERNEL, 6.1 by default. Its
# architecture is $K_ARCH (amd64 if unset): amd64 boots in
# qemu-system-x86_64, i386 in qemu-system-i386 (an Intel CPU: with the
# default AMD one a 32-bit SMP kernel warns, fatal with panic_on_warn),
# arm64 in qemu-system-aarch64's "virt" machine (console ttyAMA0, no NIC:
# QEMU would look for its iPXE ROM). The guest's busybox is $K_BUSYBOX,
# that architecture's busybox-static, or this host's.
#
# GUEST_SCRIPT runs as /opt/run.sh (with `sh`, cwd /opt); every FILE is
# copied into /opt. The console is shown live and kept in
# $AS_VM_DIR/NAME/console.log. Exit status: the guest script's, from the
# marker line "ALERTABLE_SLEEP_VM_EXIT rc=N" that /init prints; 124 if the
# boot outlived --timeout; 1 if there is no marker (a panic, an oops) or if
# the console shows a kernel report (BUG, WARNING, hung task, ...).
#
# A boot fault is retried once. /init prints "ALERTABLE_SLEEP_VM_GUEST_START"
# just before it runs the guest script, which loads our modules: a run that
# failed with no such line before its first kernel report, or none at all,
# died in the kernel's own boot (seen: "Oops: int3" in sched_clock_cpu()
# 1.5 s into a 7.3-rt boot, kernel text patching under QEMU 7.2's TCG),
# and is booted once more, saying so; its console is kept as
# console.boot-fault.log. A second boot fault, or any failure after the
# line, is a failure. Each boot and each retry is one line of
# $AS_BOOT_LOG ($AS_VM_DIR/boots.log by default), which `make check` and
# `make matrix` count. AS_VM_FAKE_FAULT tests this: "early" makes /init
# die before the line on the first boot, "early-twice" on both, "late"
# after it, once our module is loaded.
set -eu

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

usage() {
	sed -n '7,10s/^# *//p' "$0" >&2
	exit 2
}

smp=2 mem=512 timeout=300 append='' kernel='' name='' bootcon=''
icount=${AS_QEMU_ICOUNT:-}
while [ $# -gt 0 ]; do
	case $1 in
	--smp) smp=$2; shift 2 ;;
	--mem) mem=$2; shift 2 ;;
	--timeout) timeout=$2; shift 2 ;;
	--append) append=$2; shift 2 ;;
	--kernel) kernel=$2; shift 2 ;;
	--name) name=$2; shift 2 ;;
	--icount) icount=$2; shift 2 ;;
	--bootcon) bootcon=1; shift ;;
	--) shift; break ;;
	-*) usage ;;
	*) break ;;
	esac
done
[ $# -ge 1 ] || usage
guest=$1
shift
[ -f "$guest" ] || die "no guest script $guest"
for f in "$@"; do
	[ -e "$f" ] || die "no such file to copy into the guest: $f"
done
[ -n "$name" ] || name=$(basename "$guest" .sh)

# shellcheck disable=SC2086 # a list of packages
need_pkgs $AS_PKGS_VM
# The image of the kernel that the caller's kernel_ensure chose.
[ -n "$kernel" ] || kernel=${K_IMAGE:-}
[ -n "$kernel" ] || die "no kernel: pass --kernel or run kernel_ensure first"
[ -r "$kernel" ] || die "cannot read the kernel image $kernel"
arch=${K_ARCH:-amd64}
fake=${AS_VM_FAKE_FAULT:-}
case $fake in
'' | early | early-twice | late) ;;
*) die "AS_VM_FAKE_FAULT=$fake: early, early-twice or late" ;;
esac
case $arch in
amd64) qemu=(qemu-system-x86_64) console=ttyS0 ;;
i386)
	# shellcheck disable=SC2054 # -cpu takes one comma-separated argument
	qemu=(qemu-system-i386 -cpu max,vendor=GenuineIntel) console=ttyS0 ;;
arm64)
	need_pkgs qemu-system-arm
	qemu=(qemu-system-aarch64 -M virt -cpu max -nic none) console=ttyAMA0 ;;
*) die "no QEMU machine for the architecture $arch" ;;
esac
[ -z "$bootcon" ] || [ "$console" = ttyS0 ] ||
	die "--bootcon is for x86 guests (its earlycon is the 8250 at 0x3f8)"

vmdir=$AS_VM_DIR
rundir=$vmdir/$name
log=$rundir/console.log
mkdir -p "$rundir"
rm -f "$log"	# callers parse it: never leave them the last run's

# /init of the guest. Started with no open file descriptors (the initramfs
# has no /dev/console), so it mounts devtmpfs and takes the console first.
# The hung-task detector is made short and fatal so that a stuck
# uninterruptible wait (destroy waiting forever) ends the run as a panic.
read -r -d '' init_script <<'EOF' || true
#!/bin/sh
# The applets' links are made here: the busybox may not run on the host.
/bin/busybox --install -s /bin
mount -t devtmpfs devtmpfs /dev
mount -t proc proc /proc
# With vm.sh --bootcon there is no /dev/console: write to the port.
con=/dev/console
grep -q keep_bootcon /proc/cmdline && con=/dev/ttyS0
exec <$con >$con 2>&1
mount -t sysfs sysfs /sys
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
export PATH=/bin HOME=/root
# busybox modinfo wants a modules.dep for the running kernel.
mkdir -p "/lib/modules/$(uname -r)" /root /tmp
: >"/lib/modules/$(uname -r)/modules.dep"
echo 30 >/proc/sys/kernel/hung_task_timeout_secs
echo 1 >/proc/sys/kernel/hung_task_panic
cd /opt
# vm.sh's AS_VM_FAKE_FAULT: a boot fault before the line below, or a
# fault after it, once our module is loaded.
grep -q 'alertable_sleep.fake_fault=early' /proc/cmdline && exit 1
# The line that tells a boot fault from a failure of ours: nothing of
# ours is loaded before it.
echo ALERTABLE_SLEEP_VM_GUEST_START
if grep -q 'alertable_sleep.fake_fault=late' /proc/cmdline; then
	insmod /opt/alertable_sleep.ko
	exit 1
fi
sh /opt/run.sh
echo "ALERTABLE_SLEEP_VM_EXIT rc=$?"
poweroff -f
EOF

# The base archive (busybox and /init) depends only on these inputs, so it
# is built once and reused; each run packs only its own /opt and appends
# it: the kernel unpacks concatenated newc archives in order. busybox's
# modinfo prints depends:, so no other module tools are needed.
# Bump layout when the packing below changes.
layout=2
busybox=${K_BUSYBOX:-$(command -v busybox)}
key=$({ echo "$layout"; printf '%s\n' "$init_script"
	stat -L -c '%n %s %Y' "$busybox"; } | sha256sum | cut -c1-16)
base=$vmdir/base-$key.cpio
if [ ! -f "$base" ]; then
	say "packing the base initramfs $base"
	stage=$(mktemp -d "$vmdir/base.XXXXXX")
	mkdir -p "$stage"/{bin,dev,proc,sys,tmp,opt,root}
	cp "$busybox" "$stage/bin/busybox"
	ln -s busybox "$stage/bin/sh"
	printf '%s\n' "$init_script" >"$stage/init"
	chmod 755 "$stage/init"
	(cd "$stage" && find . -print0 | LC_ALL=C sort -z |
		cpio --null -o -H newc -R 0:0 --quiet) >"$stage.cpio"
	mv "$stage.cpio" "$base"	# atomic: concurrent runs may race here
	rm -rf "$stage"
fi

rm -rf "$rundir/opt"
mkdir -p "$rundir/opt"
cp "$guest" "$rundir/opt/run.sh"
for f in "$@"; do
	cp -a "$f" "$rundir/opt/"
done
(cd "$rundir" && find opt -print0 | LC_ALL=C sort -z |
	cpio --null -o -H newc -R 0:0 --quiet) >"$rundir/opt.cpio"
cat "$base" "$rundir/opt.cpio" >"$rundir/initramfs.cpio"

cmdline="console=$console panic=-1 oops=panic panic_on_warn=1"
# console=ttynull names no console of these kernels: none but the kept
# boot console, not even the VGA text console, takes kernel messages.
[ -z "$bootcon" ] ||
	cmdline="earlycon=uart8250,io,0x3f8,115200 keep_bootcon console=ttynull panic=-1 oops=panic panic_on_warn=1"
cmdline="$cmdline${append:+ $append}"
# Under -icount the second vCPU's delay-loop calibration fails and falls
# back to a loop that took 390 s of a 6.1 boot; the boot CPU computes
# lpj=3999972 from the 1 GHz TSC that -icount presents, so give that.
[ -z "$icount" ] || cmdline="$cmdline lpj=4000000"
# TCG always: /dev/kvm can exist where KVM cannot run a guest (this
# workplace's machines), and the tests must not depend on it.
qopts=()
[ -z "$icount" ] || qopts+=(-icount "$icount")
boots=${AS_BOOT_LOG:-$vmdir/boots.log}

# boot N: boot the machine (the Nth time in this run), the console live and
# in $log; sets qrc, QEMU's exit status.
boot() {
	local extra=
	case $fake in
	early) [ "$1" -gt 1 ] || extra=" alertable_sleep.fake_fault=early" ;;
	early-twice) extra=" alertable_sleep.fake_fault=early" ;;
	late) [ "$1" -gt 1 ] || extra=" alertable_sleep.fake_fault=late" ;;
	esac
	[ -z "$extra" ] || say "vm.sh: AS_VM_FAKE_FAULT=$fake:$extra"
	echo "$(date +%s) boot $name $arch ${K_REL:-$(basename "$kernel")}" >>"$boots"
	say "booting $kernel ($arch, $smp vCPUs, $mem MB${icount:+, -icount $icount}) to run $guest; console log: $log"
	t0=$(date +%s)
	set +e
	# The serial console ends its lines with CR LF; the log keeps plain
	# lines.
	timeout -k 10 "$timeout" "${qemu[@]}" -nographic -no-reboot \
		-accel tcg "${qopts[@]}" -smp "$smp" -m "$mem" -kernel "$kernel" \
		-initrd "$rundir/initramfs.cpio" -append "$cmdline$extra" \
		</dev/null 2>&1 |
		sed -u 's/\r//g' | tee "$log"
	qrc=${PIPESTATUS[0]}
	set -e
	say "the VM ran for $(($(date +%s) - t0)) s (log: $log)"
}

# verdict: judge $log and $qrc; sets rc (the exit status of this script)
# and why (a failure's one-line reason).
verdict() {
	local hit
	why='' rc=''
	if [ "$qrc" -eq 124 ] || [ "$qrc" -eq 137 ]; then
		why="the boot timed out after $timeout s"
		rc=124
	elif hit=$(kernel_reports "$log"); then
		why="the console shows a kernel report:"$'\n'"$hit"
		rc=1
	else
		rc=$(sed -n 's/^.*ALERTABLE_SLEEP_VM_EXIT rc=\([0-9]*\).*$/\1/p' \
			"$log" | tail -n1)
		if [ -z "$rc" ]; then
			why="no exit marker on the console (qemu exited $qrc)"
			rc=1
		fi
	fi
}

# boot_fault: succeed if the run failed before the guest script began:
# no start line, or a kernel report before it.
boot_fault() {
	local start report
	start=$(grep -n -m1 'ALERTABLE_SLEEP_VM_GUEST_START' "$log" | cut -d: -f1)
	[ -n "$start" ] || return 0
	report=$(grep -n -m1 -E -- "$AS_KERNEL_REPORTS" "$log" | cut -d: -f1)
	[ -n "$report" ] && [ "$report" -lt "$start" ]
}

# fault_line: what the faulted boot showed first, on one line.
fault_line() {
	local hit
	hit=$(grep -m1 -E -- "$AS_KERNEL_REPORTS" "$log" || true)
	printf '%s' "${hit:-${why%%$'\n'*}}"
}

boot 1
verdict
if [ -n "$why" ] && boot_fault; then
	say "vm.sh: boot fault, before the guest script started (none of our modules loaded): $(fault_line)"
	say "vm.sh: retrying this boot once (the faulted console: $rundir/console.boot-fault.log)"
	cp "$log" "$rundir/console.boot-fault.log"
	echo "$(date +%s) retry $name $arch ${K_REL:-$(basename "$kernel")}" >>"$boots"
	boot 2
	verdict
	if [ -n "$why" ] && boot_fault; then
		say "vm.sh: a boot fault again, after the retry: a failure: $(fault_line)"
	fi
elif [ -n "$why" ]; then
	say "vm.sh: the run failed after the guest script started: not a boot fault, not retried"
fi
if [ -n "$why" ]; then
	say "vm.sh: $why"
	exit "$rc"
fi
say "vm.sh: the guest script exited $rc"
exit "$rc"
