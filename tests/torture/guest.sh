#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# guest.sh: runs inside the QEMU guest as /opt/run.sh (scripts/vm.sh), for
# scripts/torture.sh, torture-short.sh and check-debug.sh. What to run comes
# from /opt/torture.env. Everything the host judges is printed on lines that
# start with a tag: "G:" the torture and hostile modules' kernel log and this
# script's own results, "N:" the negative-control run, "F:" the allocation
# failure cases, "K:" KUnit. The host decides pass or fail (see host.sh);
# this script exits non-zero only if it cannot start.
#
# The words the console scan treats as kernel reports (see scripts/vm.sh) are
# never echoed by this script itself, and the modules' lines are read from
# dmesg: the VM boots with loglevel=5, so only warnings and worse reach the
# console directly.

set -u
. /opt/torture.env
dbg=/sys/kernel/debug

: "${TORTURE_DURATION:=20}" "${TORTURE_THREADS:=4}" "${TORTURE_ABORTERS:=2}"
: "${TORTURE_INDICES:=8}" "${TORTURE_SEED:=0}" "${TORTURE_SLACK_MS:=10000}"
: "${RUN_HOSTILE:=1}" "${RUN_NEGATIVE:=0}" "${RUN_FAULT:=0}" "${RUN_KUNIT:=0}"
: "${RUN_KCSAN_CONTROL:=0}"
: "${NEGATIVE_DURATION:=4}"

# show TAG: print (and clear) the modules' lines of the kernel log.
show() {
	dmesg -c | sed -n 's/^\[[^]]*\] *//; /^alertable_sleep/p' |
		sed "s/^/$1: /"
}

dmesg -c >/dev/null
# A KCSAN kernel is booted with kcsan.early_enable=0, so that the boot's own
# races are not watched: watch from here on.
if [ -w "$dbg/kcsan" ]; then
	echo on >"$dbg/kcsan" && echo "G: kcsan on"
fi
insmod /opt/alertable_sleep.ko || { echo "G: cannot load alertable_sleep.ko"; exit 1; }
echo "G: loaded alertable_sleep.ko on $(nproc) CPUs, kernel $(uname -r)"

if [ "$RUN_KCSAN_CONTROL" = 1 ] && [ -w "$dbg/kcsan" ]; then
	# KCSAN's positive control: a data race on purpose must be reported.
	echo "G: kcsan_control begin"
	insmod /opt/alertable_sleep_hostile.ko race_ms=3000 &&
		rmmod alertable_sleep_hostile
	dmesg -c >/dev/null
	echo "G: kcsan_control end"
fi

if [ "$RUN_HOSTILE" = 1 ]; then
	insmod /opt/alertable_sleep_hostile.ko
	r=$?
	show G
	echo "G: hostile insmod rc=$r"
	[ $r -eq 0 ] && rmmod alertable_sleep_hostile
fi

insmod /opt/alertable_sleep_torture.ko duration="$TORTURE_DURATION" \
	threads="$TORTURE_THREADS" aborters="$TORTURE_ABORTERS" \
	indices="$TORTURE_INDICES" seed="$TORTURE_SEED" \
	slack_ms="$TORTURE_SLACK_MS"
r=$?
show G
echo "G: torture insmod rc=$r"
[ $r -eq 0 ] && rmmod alertable_sleep_torture

if [ "$RUN_NEGATIVE" = 1 ]; then
	# The checks must fire when a share of the aborts is only pretended.
	insmod /opt/alertable_sleep_torture.ko duration="$NEGATIVE_DURATION" \
		threads=2 aborters=2 indices=4 churn_sleepers=0 \
		fake_abort_pct=100 slack_ms=2000
	r=$?
	show N
	echo "N: torture insmod rc=$r"
	[ $r -eq 0 ] && rmmod alertable_sleep_torture
fi

# fault_attr NAME VALUE: set one attribute of failslab and fail_page_alloc.
fault_attr() {
	echo "$2" >"$dbg/failslab/$1" && echo "$2" >"$dbg/fail_page_alloc/$1"
}

leak_scan() {
	# Objects younger than 5 s are never reported.
	sleep 6
	echo scan >"$dbg/kmemleak"
	echo scan >"$dbg/kmemleak"
}

if [ "$RUN_FAULT" = 1 ]; then
	if [ ! -d "$dbg/failslab" ] || [ ! -w "$dbg/kmemleak" ]; then
		echo "G: fault setup=missing"
	else
		echo "G: fault setup=ok"
		# The leak scan's positive control: a leak on purpose must be
		# found, by its allocating function (read while it is loaded).
		insmod /opt/alertable_sleep_hostile.ko leak_bytes=1237
		leak_scan
		n=$(grep -c 'leak_on_purpose' "$dbg/kmemleak")
		echo "G: leak_control found=$n"
		rmmod alertable_sleep_hostile
		dmesg -c >/dev/null
		# Start from a clean leak list: what the boot (and the control)
		# left is not counted.
		leak_scan
		echo clear >"$dbg/kmemleak"
		# Fail every allocation of the tasks with make-it-fail set (and
		# the Nth of those with fail-nth set), GFP_KERNEL too, quietly.
		fault_attr task-filter Y
		fault_attr ignore-gfp-wait N
		fault_attr verbose 0
		fault_attr times -1
		fault_attr interval 1
		fault_attr space 0
		fault_attr probability 100
		echo 0 >"$dbg/fail_page_alloc/min-order"
		echo N >"$dbg/fail_page_alloc/ignore-gfp-highmem"

		insmod /opt/alertable_sleep_hostile.ko enomem=1
		r=$?
		show F
		echo "F: enomem insmod rc=$r"
		[ $r -eq 0 ] && rmmod alertable_sleep_hostile
		# From here on only fail-nth fails anything.
		fault_attr probability 0

		# Loading the module with the Nth fault-injection point of the
		# finit_module() call failing (load_once, one call: busybox's
		# insmod would retry with init_module()). First count the
		# points of a load, then fail every 16th of them, and each of
		# the last 300, where the module's own init allocates (after
		# it come the load's own sysfs, uevent and cleanup points:
		# 100 was too few to reach init once its allocations moved).
		rmmod alertable_sleep
		echo "G: load_fault begin"
		enomem=0 loaded=0 other=0 init=0
		for params in "" "eventcount=65536"; do
			o=$(/opt/load_once /opt/alertable_sleep.ko 1000000 "$params")
			rmmod alertable_sleep
			left=$(echo "$o" | sed -n 's/.*left=\([0-9]*\).*/\1/p')
			sites=$((1000000 - ${left:-1000000}))
			echo "G: load_fault sites=$sites params=$params"
			k=1
			while [ "$k" -le "$sites" ]; do
				o=$(/opt/load_once /opt/alertable_sleep.ko "$k" "$params")
				case $o in
				rc=0\ *)
					loaded=$((loaded + 1))
					rmmod alertable_sleep ;;
				rc=12\ *)
					enomem=$((enomem + 1)) ;;
				*)
					other=$((other + 1))
					echo "G: load failed otherwise at $k: $o" ;;
				esac
				if [ "$k" -ge $((sites - 300)) ]; then
					k=$((k + 1))
				else
					k=$((k + 16))
				fi
			done
			dmesg -c >/tmp/dmesg
			init=$((init + $(grep -c 'cannot create the default instance of [0-9]* events: -ENOMEM' /tmp/dmesg)))
		done
		echo "G: load_fault end"
		echo "G: load_fault enomem=$enomem loaded=$loaded other=$other init_enomem=$init"
		if insmod /opt/alertable_sleep.ko; then
			echo "G: load_fault reload=ok"
		else
			echo "G: load_fault reload=failed"
		fi

		leak_scan
		n=$(grep -c '^unreferenced object' "$dbg/kmemleak")
		echo "G: leakcheck unreferenced=$n"
		sed -n '1,60s/^/G: leak: /p' "$dbg/kmemleak"
	fi
fi

if [ "$RUN_KUNIT" = 1 ] && [ -f /opt/alertable_sleep_test.ko ]; then
	insmod /opt/alertable_sleep_test.ko
	echo "K: kunit insmod rc=$?"
	dmesg -c | sed -n 's/^\[[^]]*\] *//; /^ *\(not \)\{0,1\}ok \|# \|KTAP\|TAP/p' |
		sed 's/^/K: /'
	rmmod alertable_sleep_test 2>/dev/null
fi

lsmod | grep -q '^alertable_sleep ' && rmmod alertable_sleep
echo "G: rmmod alertable_sleep rc=$?"
echo "G: done"
exit 0
