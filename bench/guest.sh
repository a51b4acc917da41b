#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The benchmark's guest side: scripts/bench.sh boots it with scripts/vm.sh
# (as /opt/run.sh, cwd /opt, busybox sh). Every figure goes to the console
# as a line scripts/bench.sh parses: the module prints
# "alertable_sleep_bench: RESULT {json}", this script "MEMINFO ..." and
# "UNLOAD ...". The module's "tests" bit mask (read back from sysfs, so
# that its default lives in one place) also says which of this script's
# own parts run: 32 abort_all with the tracepoints off and on, 16 memory,
# 64 the demo's unload. Parameters for the bench module come from the kernel
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
params=/sys/module/alertable_sleep_bench/parameters
tests=$(cat $params/tests)

# abort_all() in hard IRQ with the alertable_sleep tracepoints off and on,
# switched the way an administrator would; two rounds of both, against
# drift. vm.sh's /init mounts tracefs; older setups have it in debugfs.
if [ $((tests & 32)) -ne 0 ]; then
	events=
	for t in /sys/kernel/tracing /sys/kernel/debug/tracing; do
		if [ -f "$t/events/alertable_sleep/enable" ]; then
			events=$t/events/alertable_sleep/enable
			break
		fi
	done
	if [ -z "$events" ]; then
		echo "bench: no events/alertable_sleep in tracefs: abort_all with tracing off only"
		echo off >$params/abort_all_run
	else
		echo 1 >"${events%/events/*}/tracing_on"
		for round in 1 2; do
			echo "bench: abort_all in hard IRQ, round $round"
			echo 0 >"$events"
			echo off >$params/abort_all_run
			echo 1 >"$events"
			# "1": every event of the system is on, none is not.
			[ "$(cat "$events")" = 1 ]
			echo on >$params/abort_all_run
		done
		echo 0 >"$events"
	fi
fi

# Memory of a held instance, read the way an administrator would.
if [ $((tests & 16)) -ne 0 ]; then
	entries=65536
	for rep in 1 2 3; do
		meminfo "$rep" before
		echo "$entries" >$params/mem_hold
		meminfo "$rep" held
		echo 0 >$params/mem_hold
		meminfo "$rep" after
	done
	echo "MEMINFO entries=$entries"
fi
rmmod alertable_sleep_bench

# Unload time of the demo driver: 4 workers 2 s into their 10 s sleeps.
if [ $((tests & 64)) -eq 0 ]; then
	echo "UNLOAD skipped: not asked for (tests=$tests)"
elif [ -f alertable_sleep_demo.ko ]; then
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
