#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# demo-guest.sh: the part of `make demo` that runs inside the QEMU machine
# (busybox sh, cwd /opt, next to alertable_sleep.ko and
# alertable_sleep_demo.ko). scripts/demo.sh boots it and prints the tables.
#
# Loads the sample driver once with a probe() that must fail, then three
# times with the workers sleeping in alertable_sleep_sleep(),
# msleep_interruptible() and msleep(). Each time it fires the driver's
# "poll now" interrupt twice and counts the rounds of work that the workers
# start within POLL_WINDOW_MS, then times `rmmod alertable_sleep_demo`. The
# figures go out as "DEMO_*" lines between two markers, with the kernel's
# console turned down so that no kernel message lands inside them.
set -eu

# demo.sh passes these in demo.conf; the defaults are for a run by hand.
PERIOD_MS=10000
SETTLE_S=2
POLL_WINDOW_MS=1000
WORKERS=4
# shellcheck disable=SC1091 # written by demo.sh
[ ! -f ./demo.conf ] || . ./demo.conf

dev=/sys/bus/platform/devices/alertable_sleep_demo

# Wall clock in microseconds: busybox's date has no %N, its adjtimex does.
now_us() {
	adjtimex | awk '/time.tv_sec/ { s = $2 } /time.tv_usec/ { u = $2 }
		END { printf "%d%06d\n", s, u }'
}

step() { echo; echo "demo: $*"; }

# new_dmesg N: the kernel log after its first N lines.
new_dmesg() { dmesg | tail -n +"$(($1 + 1))"; }

results=/tmp/demo.results
: >"$results"

step "insmod alertable_sleep.ko eventcount=$WORKERS"
insmod ./alertable_sleep.ko eventcount="$WORKERS"
step "modinfo alertable_sleep.ko"
modinfo ./alertable_sleep.ko
step "cat /sys/module/alertable_sleep/parameters/eventcount"
cat /sys/module/alertable_sleep/parameters/eventcount

# probe() fails: the module-wide instance has WORKERS indices, one short.
# platform_create_bundle() makes insmod fail with probe()'s error. busybox's
# insmod tries finit_module(), then init_module(): probe() fails twice.
step "insmod alertable_sleep_demo.ko use_default=1 workers=$((WORKERS + 1)): probe() must fail, and insmod with it"
n=$(dmesg | wc -l)
if insmod ./alertable_sleep_demo.ko use_default=1 workers=$((WORKERS + 1)); then
	insmod_rc=0
else
	insmod_rc=$?
fi
loaded=no
[ ! -d /sys/module/alertable_sleep_demo ] || loaded=yes
why=$(new_dmesg "$n" | grep 'alertable_sleep_demo' | head -n 1)
echo "demo: insmod exited $insmod_rc; module loaded: $loaded"
echo "DEMO_PROBE_FAIL insmod_rc=$insmod_rc loaded=$loaded" >>"$results"
echo "DEMO_PROBE_DMESG $why" >>"$results"
[ "$loaded" = no ] || rmmod alertable_sleep_demo

# Once untimed, so that no timed run pays for the first load of the code.
step "insmod alertable_sleep_demo.ko, then rmmod: a warm-up, not timed"
insmod ./alertable_sleep_demo.ko period_ms="$PERIOD_MS" workers="$WORKERS"
rmmod alertable_sleep_demo

for mode in alertable msleep_interruptible msleep; do
	case $mode in
	alertable) args= ;;
	msleep_interruptible) args=use_msleep=1 ;;
	msleep) args="use_msleep=1 uninterruptible=1" ;;
	esac
	step "insmod alertable_sleep_demo.ko workers=$WORKERS period_ms=$PERIOD_MS${args:+ $args}"
	# shellcheck disable=SC2086 # $args is a list of parameters
	insmod ./alertable_sleep_demo.ko workers="$WORKERS" \
		period_ms="$PERIOD_MS" $args
	sleep "$SETTLE_S"
	line="DEMO_RESULT mode=$mode"
	for poll in 1 2; do
		step "poll now #$poll: echo 1 >$dev/poll_now, then count the rounds for $POLL_WINDOW_MS ms"
		n=$(dmesg | wc -l)
		r0=$(cat "$dev/rounds")
		echo 1 >"$dev/poll_now"
		usleep $((POLL_WINDOW_MS * 1000))
		r1=$(cat "$dev/rounds")
		# The slowest worker: its round began this long after the interrupt.
		lat=$(new_dmesg "$n" |
			sed -n 's/.* \([0-9]*\) us after the poll-now interrupt.*/\1/p' |
			sort -n | tail -n 1)
		echo "demo: rounds $r0 -> $r1, slowest ${lat:--} us"
		line="$line poll${poll}_rounds=$((r1 - r0)) poll${poll}_us=${lat:-}"
	done
	step "rmmod alertable_sleep_demo"
	n=$(dmesg | wc -l)
	t0=$(now_us)
	rmmod alertable_sleep_demo
	t1=$(now_us)
	stopped=$(new_dmesg "$n" | grep 'unbind: ' | tail -n 1)
	stop_us=$(echo "$stopped" | sed -n 's/.* stopped in \([0-9]*\) us.*/\1/p')
	echo "demo: rmmod took $(((t1 - t0) / 1000)) ms"
	echo "$line rmmod_us=$((t1 - t0)) stop_us=${stop_us:-}" >>"$results"
	echo "DEMO_DMESG $stopped" >>"$results"
done

step "rmmod alertable_sleep"
rmmod alertable_sleep

dmesg -n 1
echo "ALERTABLE_SLEEP_DEMO_BEGIN"
cat "$results"
echo "ALERTABLE_SLEEP_DEMO_END"
