#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# guest.sh: runs inside the QEMU guest as /opt/run.sh (scripts/vm.sh), for
# scripts/torture.sh and check-debug.sh. What to run comes from
# /opt/torture.env. The results are one KTAP document (tests/ktap.sh, copied
# beside this script), printed at the end between two marker lines, of
# these suites:
#   guest                          alertable_sleep.ko loads and unloads
#   alertable_sleep_hostile        the module's own document, nested
#   alertable_sleep_torture        the module's own document, nested
#   negative_control               the torture's checks fire on faked aborts
#   alertable_sleep_hostile_enomem the module's document with enomem=1
#   fault                          module load under fault injection, leaks
#   kunit                          the KUnit suites' own KTAP, nested
# The host counts it with kunit.py (tests/torture/host.sh). This script
# exits non-zero only if it cannot start.
#
# A few lines tagged "G:" mark spans of the console for the host's
# debug-kernel judgement (KCSAN's positive control, the fault sweep). The
# words the console scan treats as kernel reports (scripts/vm.sh) are never
# echoed by this script itself; the modules' lines are read from dmesg:
# the VM boots with loglevel=5, so only warnings and worse reach the console
# directly.

set -u
. /opt/torture.env
. /opt/ktap.sh
dbg=/sys/kernel/debug

: "${TORTURE_DURATION:=20}" "${TORTURE_THREADS:=4}" "${TORTURE_ABORTERS:=2}"
: "${TORTURE_INDICES:=8}" "${TORTURE_SEED:=0}" "${TORTURE_SLACK_MS:=10000}"
: "${RUN_HOSTILE:=1}" "${RUN_NEGATIVE:=0}" "${RUN_FAULT:=0}" "${RUN_KUNIT:=0}"
: "${RUN_KCSAN_CONTROL:=0}"
: "${NEGATIVE_DURATION:=4}"

# run_module NAME FILE ARGS...: insmod FILE, nest the KTAP document that
# the module printed as suite NAME, and unload it.
run_module() {
	_suite=$1 _ko=$2
	shift 2
	dmesg -c >/dev/null
	insmod "$_ko" "$@"
	_rc=$?
	_mod=$(basename "$_ko" .ko)
	module_ktap "$_mod" >"/tmp/$_suite.ktap"
	nest "$_suite" "/tmp/$_suite.ktap" "insmod $_mod $* exited $_rc"
	[ $_rc -eq 0 ] && rmmod "$_mod"
}

dmesg -c >/dev/null
# A KCSAN kernel is booted with kcsan.early_enable=0, so that the boot's own
# races are not watched: watch from here on.
if [ -w "$dbg/kcsan" ]; then
	echo on >"$dbg/kcsan" && echo "G: kcsan on"
fi
insmod /opt/alertable_sleep.ko
loaded_rc=$?
[ $loaded_rc -eq 0 ] || { echo "G: cannot load alertable_sleep.ko"; exit 1; }
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
	run_module alertable_sleep_hostile /opt/alertable_sleep_hostile.ko
fi

run_module alertable_sleep_torture /opt/alertable_sleep_torture.ko \
	duration="$TORTURE_DURATION" threads="$TORTURE_THREADS" \
	aborters="$TORTURE_ABORTERS" indices="$TORTURE_INDICES" \
	seed="$TORTURE_SEED" slack_ms="$TORTURE_SLACK_MS"

if [ "$RUN_NEGATIVE" = 1 ]; then
	# The checks must fire when every abort of the aborter threads is
	# only pretended (entered in the ledger, not made).
	suite negative_control
	dmesg -c >/dev/null
	insmod /opt/alertable_sleep_torture.ko duration="$NEGATIVE_DURATION" \
		threads=2 aborters=2 indices=4 churn_sleepers=0 \
		fake_abort_pct=100 slack_ms=2000
	r=$?
	module_ktap alertable_sleep_torture >/tmp/negative.ktap
	[ $r -eq 0 ] && rmmod alertable_sleep_torture
	sed -n 's/^\(not ok .*\)/\1/p; s/^# \(violation .*\)/\1/p' \
		/tmp/negative.ktap | head -n 20 | while read -r l; do diag "$l"; done
	check "the torture module ran with faked aborts" "insmod exited $r" \
		[ $r -eq 0 ]
	check "the sticky-abort check fires" "no 'not ok N sticky'" \
		grep -q '^not ok [0-9]* sticky$' /tmp/negative.ktap
	check "the overlap check fires" "no 'not ok N overlap'" \
		grep -q '^not ok [0-9]* overlap$' /tmp/negative.ktap
	suite_end
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

if [ "$RUN_FAULT" = 1 ] && { [ ! -d "$dbg/failslab" ] || [ ! -w "$dbg/kmemleak" ]; }; then
	suite fault
	not_ok "fault injection and kmemleak are configured" \
		"no $dbg/failslab or $dbg/kmemleak"
	suite_end
elif [ "$RUN_FAULT" = 1 ]; then
	suite fault
	ok "fault injection and kmemleak are configured"
	# The leak scan's positive control: a leak on purpose must be found,
	# by its allocating function (read while it is loaded). kmemleak's
	# own console line about it is expected (judge_debug_console).
	echo "G: kmemleak_control begin"
	insmod /opt/alertable_sleep_hostile.ko leak_bytes=1237
	leak_scan
	n=$(grep -c 'leak_on_purpose' "$dbg/kmemleak")
	check "the leak scan finds a leak made on purpose (positive control)" \
		"found $n" [ "$n" -gt 0 ]
	rmmod alertable_sleep_hostile
	dmesg -c >/dev/null
	# Start from a clean leak list: what the boot (and the control)
	# left is not counted.
	leak_scan
	echo clear >"$dbg/kmemleak"
	echo "G: kmemleak_control end"
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

	# A suite of its own, printed before this one ends.
	run_module alertable_sleep_hostile_enomem \
		/opt/alertable_sleep_hostile.ko enomem=1
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
		diag "load_fault sites=$sites params=$params"
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
				diag "load failed otherwise at $k: $o" ;;
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
	diag "load_fault enomem=$enomem loaded=$loaded other=$other init_enomem=$init"
	check "module load with an allocation failing: -ENOMEM at some fault points" \
		"enomem=$enomem" [ "$enomem" -gt 0 ]
	check "module load never failed with another error than -ENOMEM" \
		"other=$other" [ "$other" -eq 0 ]
	check "module load succeeded at some fault points (failures it recovers from)" \
		"loaded=$loaded" [ "$loaded" -gt 0 ]
	check "the module's init failed cleanly with -ENOMEM at least once" \
		"init_enomem=$init" [ "$init" -gt 0 ]
	check "the module loads again afterwards" "insmod failed" \
		insmod /opt/alertable_sleep.ko

	leak_scan
	n=$(grep -c '^unreferenced object' "$dbg/kmemleak")
	sed -n '1,60p' "$dbg/kmemleak" | while read -r l; do diag "leak: $l"; done
	check "leak scan after the failures: no unreferenced object" \
		"$n unreferenced objects" [ "$n" -eq 0 ]
	suite_end
fi

if [ "$RUN_KUNIT" = 1 ] && [ -f /opt/alertable_sleep_test.ko ]; then
	# KUnit prints KTAP itself, with no module prefix: its suites, each
	# closed by a result line, nested here in one suite.
	dmesg -c >/dev/null
	insmod /opt/alertable_sleep_test.ko
	r=$?
	dmesg | sed -n 's/^\[[^]]*\] //; /^ *\(KTAP version\|1\.\.\|\(not \)\{0,1\}ok \|# \)/p' \
		>/tmp/kunit.ktap
	nest kunit /tmp/kunit.ktap "insmod alertable_sleep_test.ko exited $r"
	rmmod alertable_sleep_test 2>/dev/null
fi

suite guest
ok "alertable_sleep.ko loads"
# A lockdep kernel switches lockdep off at its first report: whether it
# was still on at the end says whether this run was checked by it.
if [ -r /proc/lockdep_stats ]; then
	echo "G: debug_locks $(awk '/debug_locks/ { print $2 }' /proc/lockdep_stats)"
fi
lsmod | grep -q '^alertable_sleep ' && rmmod alertable_sleep
r=$?
echo "G: rmmod alertable_sleep rc=$r"
check "alertable_sleep.ko unloads at the end" "rmmod exited $r" [ $r -eq 0 ]
suite_end

ktap_print
exit 0
