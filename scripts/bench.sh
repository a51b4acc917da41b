#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench: measure alertable_sleep against bare completions, wait queues,
# msleep and hrtimer waits in one QEMU boot of Debian's kernel, print one
# table and keep the raw numbers as JSON.
#
#   [KERNEL=<series>] scripts/bench.sh [NAME=VALUE...]
#
# KERNEL is one of the kernels of scripts/kernel.sh (5.10, 6.1, 6.1-rt,
# 6.12, newest, newest-rt; default 6.1).
# Each NAME=VALUE is a parameter of alertable_sleep_bench.ko (modinfo lists
# them), e.g. `scripts/bench.sh lat_rounds=1000 timing_sleeps=20` for a
# quick run, `scripts/bench.sh tests=32` for abort_all() in hard IRQ alone
# (tracing off and on, under a minute), `tests=1` for the latency rows,
# `tests=128` for the coalescing of 64 sleeps of 2 s, `tests=256` for the
# abort_all() storm under timerlat and cyclictest (cyclictest is Debian's
# rt-tests, installed in the kernel's chroot and copied into the guest).
# AS_QEMU_ICOUNT=SPEC runs the guest with QEMU's -icount SPEC (vm.sh).
# Exit status 0 if the run completed; the figures never fail it
# (a benchmark measures, it does not judge speed).
set -eu -o pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

append=
tests=
for p in "$@"; do
	case $p in
	tests=*) tests=${p#tests=} ;;&
	[a-z]*=*) append="${append:+$append }alertable_sleep_bench.$p" ;;
	*) die "usage: $0 [NAME=VALUE...] (parameters of the bench module)" ;;
	esac
done

# stage_cyclictest DIR: cyclictest from Debian's rt-tests, installed in the
# chroot of the kernel's release, and the libraries it links, with their
# dynamic loader as DIR/ld.so (the initramfs has no /lib): the latency
# tool for kernels without the timerlat tracer. Fails, saying why, if it
# cannot.
stage_cyclictest() {
	local dir=$1 path
	rm -rf "$dir"
	[ -n "${K_SUITE:-}" ] || { say "no chroot for $K_REL: no cyclictest"; return 1; }
	(need_chroot_pkgs "$K_SUITE" rt-tests) ||
		{ say "cannot install rt-tests in the $K_SUITE chroot: no cyclictest"; return 1; }
	mkdir -p "$dir"
	cp "$K_ROOT/usr/bin/cyclictest" "$dir/cyclictest"
	# "libnuma.so.1 => /lib/x86_64-linux-gnu/libnuma.so.1 (0x...)" and
	# "/lib64/ld-linux-x86-64.so.2 (0x...)"
	for path in $(in_chroot "$K_SUITE" ldd /usr/bin/cyclictest |
		sed -n 's/^.*=> \(\/[^ ]*\) .*$/\1/p'); do
		cp -L "$K_ROOT$path" "$dir/"
	done
	path=$(in_chroot "$K_SUITE" ldd /usr/bin/cyclictest |
		sed -n 's/^[[:space:]]*\(\/[^ ]*ld-linux[^ ]*\) .*$/\1/p')
	[ -n "$path" ] || { say "no dynamic loader in ldd's output: no cyclictest"; return 1; }
	cp -L "$K_ROOT$path" "$dir/ld.so"
}

# shellcheck disable=SC2086 # a list of package names
need_pkgs $AS_PKGS_VM python3
kernel_ensure "${KERNEL:-6.1}"

build=$(build_dir bench)
build_modules "$build"
src=$build/src
files=("$src/alertable_sleep.ko" "$src/bench/alertable_sleep_bench.ko")
if [ -f "$src/samples/alertable_sleep_demo.ko" ]; then
	files+=("$src/samples/alertable_sleep_demo.ko")
else
	say "samples/alertable_sleep_demo.ko was not built: no unload figures"
fi
# Only for the storm's latency part (tests bit 256, in the default).
if [ -z "$tests" ] || [ $((tests & 256)) -ne 0 ]; then
	if stage_cyclictest "$build/rt"; then
		files+=("$build/rt")
	fi
fi

out=$AS_CACHE/bench
mkdir -p "$out"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
json=$out/bench-$stamp.json
md=$out/bench-$stamp.md
# 2.5-3 minutes in the VM on an idle host; 10 on one with a load of 10
# (593 s seen for newest-rt): the cap is for a hung guest only.
vmargs=(--name bench --smp 2 --mem 512 --timeout 900)
[ -z "$append" ] || vmargs+=(--append "$append")

# QEMU's vCPUs are host threads: whatever else the host runs shows up as
# noise in the figures, so the table says how busy the host was.
load0=$(cut -d' ' -f1-3 /proc/loadavg)
say "one boot runs every measurement (about 3 minutes on TCG, idle host)"
vmrc=0
"$AS_ROOT/scripts/vm.sh" "${vmargs[@]}" "$AS_ROOT/bench/guest.sh" \
	"${files[@]}" || vmrc=$?
load1=$(cut -d' ' -f1-3 /proc/loadavg)
host="$(nproc) CPUs, load average $load0 before the boot, $load1 after"
qver=$(qemu-system-x86_64 --version | sed -n '1s/^QEMU emulator version \([^ ]*\).*/\1/p')
machine="QEMU $qver, TCG (no KVM), 2 vCPUs, 512 MB"
[ -z "${AS_QEMU_ICOUNT:-}" ] || machine="$machine, -icount $AS_QEMU_ICOUNT"

log=$AS_VM_DIR/bench/console.log
[ -f "$log" ] || die "no console log at $log"
rc=0
python3 "$AS_ROOT/bench/report.py" --vm-rc "$vmrc" --host "$host" \
	--machine "$machine" --markdown "$md" "$log" "$json" || rc=$?
ln -sfn "$(basename "$json")" "$out/latest.json"
say "raw numbers: $json (also $out/latest.json)"
say "the table as markdown, with date and machine: $md"
say "console log: $log"
[ "$rc" -eq 0 ] || die "the benchmark run did not complete"
say "bench: the run completed"
