#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# vm-test.sh: the checks that need a real kernel and module loading, run
# inside the QEMU machine that scripts/vm-test.sh boots (with scripts/vm.sh;
# busybox sh, cwd /opt, next to alertable_sleep.ko, alertable_sleep_vmtest.ko
# and alertable_sleep_demo.ko).
#
# Results are KTAP (Documentation/dev-tools/ktap.rst), one suite per kind of
# check: this script's own checks, and the document that
# alertable_sleep_vmtest.ko prints when it loads, nested as it is. Each check
# prints "ok NAME" or "not ok NAME: why" as it runs; at the end the kernel's
# console output is turned down and the whole document is printed between
# two marker lines, for the host to parse with kunit.py. Kernel reports on
# the console are the host's to judge (scripts/vm.sh), not this script's.
# The KTAP helpers are tests/ktap.sh, copied next to this script.
# It exits 0 once every check has run: the failures are in the document,
# and a non-zero exit is left to mean that the run itself broke.

. /opt/ktap.sh

loaded() { [ -d "/sys/module/$1" ]; }
lines() { dmesg | wc -l; }
# new_dmesg N: what the kernel logged after its first N lines.
new_dmesg() { dmesg | tail -n +"$(($1 + 1))"; }
unload_all() {
	for m in alertable_sleep_demo alertable_sleep_vmtest alertable_sleep; do
		loaded "$m" && rmmod "$m"
	done
	return 0
}

echo "vm-test: $(uname -r), $(nproc) CPUs"

# --- the eventcount parameter -------------------------------------------

suite eventcount_parameter
# Each bad value must fail insmod with EINVAL, say the valid range in the
# kernel log, and leave nothing loaded.
for v in 0 65537 -1 abc 4294967296 ""; do
	name="insmod eventcount=$v is refused"
	n=$(lines)
	out=$(insmod ./alertable_sleep.ko "eventcount=$v" 2>&1)
	rc=$?
	msg="eventcount=$v is invalid: the valid range is 1..65536"
	if [ "$rc" -eq 0 ]; then
		not_ok "$name" "insmod succeeded"
	elif ! echo "$out" | grep -q "Invalid argument"; then
		not_ok "$name" "insmod said: $out"
	elif ! new_dmesg "$n" | grep -qF -- "$msg"; then
		not_ok "$name" "no '$msg' in dmesg"
	elif loaded alertable_sleep || lsmod | grep -q '^alertable_sleep '; then
		not_ok "$name" "alertable_sleep is loaded"
	else
		ok "$name"
	fi
	unload_all
done

# Linux does not refuse a parameter a module does not have: it loads the
# module and logs "unknown parameter 'X' ignored". Check exactly that.
name="insmod with an unknown parameter: ignored with a warning"
n=$(lines)
if ! insmod ./alertable_sleep.ko no_such_param=1; then
	not_ok "$name" "insmod failed"
elif ! new_dmesg "$n" | grep -qF "unknown parameter 'no_such_param' ignored"; then
	not_ok "$name" "no warning in dmesg"
elif [ "$(cat /sys/module/alertable_sleep/parameters/eventcount)" != 8 ]; then
	not_ok "$name" "eventcount is not the default 8"
else
	ok "$name"
fi
unload_all

for v in "" 1 8 65536; do
	want=${v:-8}
	name="insmod eventcount=${v:-(default)} loads, reads back $want, 0444"
	p=/sys/module/alertable_sleep/parameters/eventcount
	if ! insmod ./alertable_sleep.ko ${v:+"eventcount=$v"}; then
		not_ok "$name" "insmod failed"
	elif [ "$(cat $p)" != "$want" ]; then
		not_ok "$name" "reads back $(cat $p)"
	elif [ "$(stat -c %a $p)" != 444 ]; then
		not_ok "$name" "mode $(stat -c %a $p)"
	elif (echo 5 >$p) 2>/dev/null; then
		not_ok "$name" "a write of 5 was accepted, reads $(cat $p)"
	elif [ "$(cat $p)" != "$want" ]; then
		not_ok "$name" "changed to $(cat $p) by a refused write"
	elif ! rmmod alertable_sleep || loaded alertable_sleep; then
		not_ok "$name" "rmmod failed"
	else
		ok "$name"
	fi
	unload_all
done
suite_end

# --- what needs SMP, from the test client's module_init -----------------------

insmod ./alertable_sleep.ko eventcount=8
n=$(lines)
if ! insmod ./alertable_sleep_vmtest.ko expect_events=8; then
	echo "insmod alertable_sleep_vmtest.ko failed"
fi
new_dmesg "$n" | sed -n 's/^\[[^]]*\] alertable_sleep_vmtest: //p' \
	>/tmp/vmtest.ktap
nest alertable_sleep_vmtest /tmp/vmtest.ktap "insmod failed, or no results"


# --- alertable_sleep cannot go while a client holds it ---------------------

suite module_refcount
for m in alertable_sleep_vmtest alertable_sleep_demo; do
	dep=$(modinfo "./$m.ko" | sed -n 's/^depends: *//p')
	if [ "$dep" = alertable_sleep ]; then
		ok "$m.ko depends on alertable_sleep"
	else
		not_ok "$m.ko depends on alertable_sleep" "modinfo depends: '$dep'"
	fi
done

refused() {
	name="rmmod alertable_sleep refused while $1 is loaded"
	if ! loaded "$1"; then
		not_ok "$name" "$1 is not loaded"
	elif [ ! -e "/sys/module/alertable_sleep/holders/$1" ]; then
		not_ok "$name" "$1 is not among the holders"
	elif rmmod alertable_sleep 2>/dev/null; then
		not_ok "$name" "rmmod succeeded"
	elif ! loaded alertable_sleep; then
		not_ok "$name" "alertable_sleep is gone"
	else
		ok "$name"
	fi
}
refused alertable_sleep_vmtest
rmmod alertable_sleep_vmtest

insmod ./alertable_sleep_demo.ko
refused alertable_sleep_demo
name="rmmod alertable_sleep once its clients are gone"
if rmmod alertable_sleep_demo && rmmod alertable_sleep &&
	! loaded alertable_sleep; then
	ok "$name"
else
	not_ok "$name" "still loaded"
fi
unload_all
suite_end

# --- tracepoints and debugfs ------------------------------------------------

# alertable_sleep_vmtest observe=1 puts a sleeper on each of indices 0..3
# of the module-wide instance (debugfs "default", trace "instance=0") and
# aborts them when it is unloaded. The trace must show a sleep begin, an
# abort that woke a sleeper and the -ECANCELED (-125) end; the state file
# must show the sleepers, then the sticky aborts, which outlive the client.
suite observability
tracing=/sys/kernel/tracing
state=/sys/kernel/debug/alertable_sleep/default/state
insmod ./alertable_sleep.ko eventcount=4
echo 1 >"$tracing/events/alertable_sleep/enable"
: >"$tracing/trace"
insmod ./alertable_sleep_vmtest.ko observe=1
sleep 1
during=$(cat "$state" 2>&1)
rmmod alertable_sleep_vmtest
after=$(cat "$state" 2>&1)
echo 0 >"$tracing/events/alertable_sleep/enable"
trace=$(grep 'alertable_sleep_' "$tracing/trace")
echo "--- trace excerpt"
echo "$trace" | grep 'index=0 ' | head -n 4
echo "--- $state while the client sleeps"
echo "$during"
echo "--- after rmmod alertable_sleep_vmtest"
echo "$after"
echo "---"

name="tracepoints show a sleep, the abort that woke it, and its -ECANCELED end"
if ! echo "$trace" | grep -q 'alertable_sleep_begin: instance=0 index=0 '; then
	not_ok "$name" "no alertable_sleep_begin for index 0"
elif ! echo "$trace" | grep -q 'alertable_sleep_abort: instance=0 index=0 result=1'; then
	not_ok "$name" "no alertable_sleep_abort that woke index 0"
elif ! echo "$trace" | grep -q 'alertable_sleep_end: instance=0 index=0 result=-125 '; then
	not_ok "$name" "no alertable_sleep_end with -ECANCELED for index 0"
else
	ok "$name"
fi

name="debugfs state lists the sleepers, then the sticky aborts"
if [ "$(stat -c %a "$state" 2>/dev/null)" != 400 ]; then
	not_ok "$name" "$state is not mode 0400"
elif [ "$(echo "$during" | grep -cE '^[0-3] sleeping$')" != 4 ]; then
	not_ok "$name" "4 sleeping indices expected while the client sleeps"
elif ! echo "$during" | grep -qE '^sleeps ([4-9]|[1-9][0-9]+)$'; then
	not_ok "$name" "the sleeps counter is below 4"
elif [ "$(echo "$after" | grep -cE '^[0-3] aborted$')" != 4 ]; then
	not_ok "$name" "4 aborted indices expected after rmmod"
elif ! echo "$after" | grep -qE '^aborts 4$'; then
	not_ok "$name" "the aborts counter is not 4"
else
	ok "$name"
fi
unload_all

name="debugfs directory goes with the module"
if [ -e /sys/kernel/debug/alertable_sleep ]; then
	not_ok "$name" "/sys/kernel/debug/alertable_sleep is still there"
else
	ok "$name"
fi
suite_end

ktap_print
exit 0
