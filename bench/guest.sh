#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The benchmark's guest side: scripts/bench.sh boots it with scripts/vm.sh
# (as /opt/run.sh, cwd /opt, busybox sh). Every figure goes to the console
# as a line scripts/bench.sh parses: the module prints
# "alertable_sleep_bench: RESULT {json}", this script "MEMINFO ..." and
# "UNLOAD ...". Parameters for the bench module come from the kernel
# command line as alertable_sleep_bench.NAME=VALUE (busybox insmod does not
# read it, so they are passed on here).
set -eu

# Nanoseconds since boot; busybox date has no %N.
now_ns() {
	head -n 3 /proc/timer_list | sed -n 's/^now at \([0-9]*\) nsecs$/\1/p'
}

# One line of the /proc/meminfo fields in kB, with shell builtins only, so
# that no process starts (and allocates) between two readings.
meminfo() {
	printf 'MEMINFO rep=%s phase=%s' "$1" "$2"
	while read -r key value _; do
		case $key in
		MemFree:|Slab:|SUnreclaim:|VmallocUsed:|Percpu:)
			printf ' %s%s' "$key" "$value" ;;
		esac
	done </proc/meminfo
	printf '\n'
}

args=$(tr ' ' '\n' </proc/cmdline | sed -n 's/^alertable_sleep_bench\.//p' |
	tr '\n' ' ')

echo "bench: insmod alertable_sleep.ko"
insmod alertable_sleep.ko
echo "bench: insmod alertable_sleep_bench.ko $args (runs the measurements)"
# shellcheck disable=SC2086 # one word per parameter
insmod alertable_sleep_bench.ko $args

# Memory of a held instance, read the way an administrator would.
param=/sys/module/alertable_sleep_bench/parameters/mem_hold
entries=65536
for rep in 1 2 3; do
	meminfo "$rep" before
	echo "$entries" >"$param"
	meminfo "$rep" held
	echo 0 >"$param"
	meminfo "$rep" after
done
echo "MEMINFO entries=$entries"
rmmod alertable_sleep_bench

# Unload time of the demo driver: 4 workers 2 s into their 10 s sleeps.
if [ -f alertable_sleep_demo.ko ]; then
	for mode in alertable_sleep msleep_interruptible msleep; do
		case $mode in
		alertable_sleep) extra= ;;
		msleep_interruptible) extra=use_msleep=1 ;;
		msleep) extra="use_msleep=1 uninterruptible=1" ;;
		esac
		# shellcheck disable=SC2086 # one word per parameter
		insmod alertable_sleep_demo.ko workers=4 period_ms=10000 $extra
		sleep 2
		t0=$(now_ns)
		rmmod alertable_sleep_demo
		t1=$(now_ns)
		echo "UNLOAD variant=$mode workers=4 period_ms=10000 t0_ns=$t0 t1_ns=$t1"
	done
else
	echo "UNLOAD skipped: alertable_sleep_demo.ko is not there"
fi

rmmod alertable_sleep
echo "BENCH_GUEST_DONE"
