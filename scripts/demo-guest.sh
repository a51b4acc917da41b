#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# demo-guest.sh: the part of `make demo` that runs inside the QEMU machine
# (busybox sh, cwd /opt, next to alertable_sleep.ko and
# alertable_sleep_demo.ko). scripts/demo.sh boots it and prints the table.
#
# Loads the module and the sample driver three times, with the workers
# sleeping in alertable_sleep_sleep(), msleep_interruptible() and msleep(),
# and times `rmmod alertable_sleep_demo` each time. The figures go out as
# "DEMO_RESULT" lines between two markers, with the kernel's console turned
# down so that no kernel message lands inside them.
set -eu

# demo.sh passes these in demo.conf; the defaults are for a run by hand.
PERIOD_MS=10000
SETTLE_S=2
# shellcheck disable=SC1091 # written by demo.sh
[ ! -f ./demo.conf ] || . ./demo.conf

# Wall clock in microseconds: busybox's date has no %N, its adjtimex does.
now_us() {
	adjtimex | awk '/time.tv_sec/ { s = $2 } /time.tv_usec/ { u = $2 }
		END { printf "%d%06d\n", s, u }'
}

step() { echo; echo "demo: $*"; }

results=/tmp/demo.results
: >"$results"

step "insmod alertable_sleep.ko eventcount=4"
insmod ./alertable_sleep.ko eventcount=4
step "modinfo alertable_sleep.ko"
modinfo ./alertable_sleep.ko
step "cat /sys/module/alertable_sleep/parameters/eventcount"
cat /sys/module/alertable_sleep/parameters/eventcount

# Once untimed, so that no timed run pays for the first load of the code.
step "insmod alertable_sleep_demo.ko, then rmmod: a warm-up, not timed"
insmod ./alertable_sleep_demo.ko period_ms="$PERIOD_MS"
rmmod alertable_sleep_demo

for mode in alertable msleep_interruptible msleep; do
	case $mode in
	alertable) args= ;;
	msleep_interruptible) args=use_msleep=1 ;;
	msleep) args="use_msleep=1 uninterruptible=1" ;;
	esac
	step "insmod alertable_sleep_demo.ko period_ms=$PERIOD_MS${args:+ $args}"
	# shellcheck disable=SC2086 # $args is a list of parameters
	insmod ./alertable_sleep_demo.ko period_ms=$PERIOD_MS $args
	step "the workers sleep; in $SETTLE_S s: rmmod alertable_sleep_demo"
	sleep "$SETTLE_S"
	n=$(dmesg | wc -l)
	t0=$(now_us)
	rmmod alertable_sleep_demo
	t1=$(now_us)
	removed=$(dmesg | tail -n +"$((n + 1))" | grep 'remove: ' | tail -n 1)
	remove_us=$(echo "$removed" | sed -n 's/.* stopped in \([0-9]*\) us.*/\1/p')
	echo "demo: rmmod took $(((t1 - t0) / 1000)) ms"
	echo "DEMO_RESULT mode=$mode rmmod_us=$((t1 - t0)) remove_us=${remove_us:-?}" >>"$results"
	echo "DEMO_DMESG $removed" >>"$results"
done

step "rmmod alertable_sleep"
rmmod alertable_sleep

dmesg -n 1
echo "ALERTABLE_SLEEP_DEMO_BEGIN"
cat "$results"
echo "ALERTABLE_SLEEP_DEMO_END"
