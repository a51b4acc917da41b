# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# host.sh: sourced (after scripts/lib.sh) by scripts/torture.sh,
# torture-short.sh and check-debug.sh. It builds the modules, boots the
# guest with tests/torture/guest.sh and counts the guest's KTAP document
# with kunit.py (scripts/ktap.sh), suite by suite: each judge_* function
# below adds one suite's test cases to T_PASS and T_FAIL. The host's own
# checks (the VM run, the debug kernel's console) are counted with t_ok and
# t_bad. Sourced, never run.

# shellcheck source=../../scripts/ktap.sh
. "$AS_ROOT/scripts/ktap.sh"

TORTURE_DIR=$AS_ROOT/tests/torture
T_PASS=0
T_FAIL=0
T_SKIP=0
T_PARSED=

t_ok() {
	T_PASS=$((T_PASS + 1))
	printf 'ok %s\n' "$*"
}

t_bad() {
	T_FAIL=$((T_FAIL + 1))
	printf 'not ok %s\n' "$*"
}

# t_expect DESCRIPTION COMMAND...: one check, passed when COMMAND succeeds.
t_expect() {
	local what=$1
	shift
	if "$@"; then t_ok "$what"; else t_bad "$what"; fi
}

# torture_vm NAME OUTDIR ENVFILE [vm.sh options...]: boot the guest with the
# modules built in OUTDIR/src; sets T_LOG and T_VMRC.
torture_vm() {
	local name=$1 out=$2 env=$3 src files
	shift 3
	src=$out/src
	files="$src/alertable_sleep.ko $src/tests/torture/alertable_sleep_torture.ko"
	files="$files $src/tests/torture/alertable_sleep_hostile.ko"
	files="$files $AS_ROOT/tests/ktap.sh"
	[ -f "$src/kunit/alertable_sleep_test.ko" ] &&
		files="$files $src/kunit/alertable_sleep_test.ko"
	[ -f "$out/load_once" ] && files="$files $out/load_once"
	cp "$env" "$out/torture.env"
	# shellcheck disable=SC2034 # read by the scripts that source this
	T_LOG=$AS_VM_DIR/$name/console.log
	set +e
	# The whole console goes to T_LOG; show vm.sh's lines, the guest's
	# progress and whatever went wrong, live.
	# shellcheck disable=SC2086 # the file list is word-split on purpose
	"$AS_ROOT/scripts/vm.sh" --name "$name" "$@" \
		"$TORTURE_DIR/guest.sh" "$out/torture.env" $files |
		grep --line-buffered -E "^==> |^G: |# violation |^not ok |$AS_KERNEL_REPORTS"
	T_VMRC=${PIPESTATUS[0]}
	set -e
}

# torture_parse LOG: parse the guest's KTAP document once per console log
# (LOG.ktap, LOG.json), showing kunit.py's report; a document the parser
# complained about fails once per complaint.
torture_parse() {
	[ "$T_PARSED" = "$1" ] && return 0
	T_PARSED=$1
	ktap_extract "$1" >"$1.ktap"
	if [ ! -s "$1.ktap" ]; then
		rm -f "$1.json"
		t_bad "the guest printed its KTAP document (see $1)"
		return 0
	fi
	ktap_parse "$1.ktap" "$1.json"
	if [ "$KTAP_ERRORS" -gt 0 ]; then
		T_FAIL=$((T_FAIL + KTAP_ERRORS))
		say "kunit.py found $KTAP_ERRORS errors in the guest's document ($1.ktap)"
	fi
}

# judge_suite LOG SUITE: add the test cases of suite SUITE of the guest's
# document to the counts; a suite that is not there fails once.
judge_suite() {
	torture_parse "$1"
	ktap_count "$1.json" "$2"
	say "$2: $KTAP_PASSED passed, $KTAP_FAILED failed, $KTAP_SKIPPED skipped"
	T_PASS=$((T_PASS + KTAP_PASSED))
	T_FAIL=$((T_FAIL + KTAP_FAILED))
	T_SKIP=$((T_SKIP + KTAP_SKIPPED))
}

# The torture module's checks, each of which must have been able to fail
# (armed > 0; the module says not ok otherwise); its counters are shown.
judge_torture() {
	judge_suite "$1" alertable_sleep_torture
	say "torture counters:"
	sed -n '/# Subtest: alertable_sleep_torture$/,/^ok\|^not ok/{s/^ *# \(start: \|stat \)/    \1/p}' \
		"$1.ktap"
}

judge_hostile() {
	judge_suite "$1" alertable_sleep_hostile
}

judge_negative() {
	judge_suite "$1" negative_control
}

judge_fault() {
	judge_suite "$1" alertable_sleep_hostile_enomem
	judge_suite "$1" fault
}

judge_kunit() {
	judge_suite "$1" kunit
}

# The VM run (a timeout, a panic, a kernel report on the console: vm.sh)
# and the guest's own suite.
judge_common() {
	local log=$1
	if [ "$T_VMRC" -eq 0 ]; then
		t_ok "VM run: guest finished, no kernel report on the console"
	else
		t_bad "VM run: vm.sh exited $T_VMRC (see $log)"
	fi
	judge_suite "$log" guest
}

# judge_debug_console LOG: the verdict on a debug-kernel run. vm.sh fails on
# any line naming KCSAN or kmemleak, which a KCSAN/kmemleak kernel prints at
# every boot, and Linux 6.1 itself has data races that KCSAN reports (such as
# tick_irq_enter / tick_nohz_idle_got_tick). So the debug run boots with
# panic_on_warn=0 and is judged here: a KCSAN report whose racing accesses
# are in one of our modules, or any other kernel report, fails it; KCSAN
# reports of races between kernel functions are listed and not counted.
judge_debug_console() {
	local log=$1 blocks ours kernel other
	blocks=$(mktemp)
	# One line per KCSAN report: OURS|KERNEL <title>.
	# A report is ours when the top frame of one of its two accesses (the
	# line after "read to 0x... by task N") is in one of our modules; a
	# race between two kernel functions that merely run on behalf of our
	# threads (say hrtimer_wakeup / schedule_hrtimeout_range_clock under
	# usleep_range()) is the kernel's. (mawk has no {n} intervals.)
	# The race that alertable_sleep_hostile makes on purpose between the
	# kcsan_control markers is the positive control: CONTROL.
	awk '
		/^G: kcsan_control begin/ { ctl = 1 }
		/^G: kcsan_control end/ { ctl = 0 }
		/BUG: KCSAN:/ { inb = 1; ours = 0; top = 0; title = $0; sub(/^.*BUG: /, "", title); next }
		inb && / to 0x[0-9a-f]+ of [0-9]+ bytes by / { top = 1; next }
		inb && top { if (/\[alertable_sleep/) ours = 1; top = 0 }
		inb && /====================/ {
			kind = ours ? "OURS " : "KERNEL "
			if (ctl && ours && title ~ /hostile_race_(reader|writer)/)
				kind = "CONTROL "
			print kind title; inb = 0
		}
	' "$log" >"$blocks"
	t_expect "KCSAN reports the data race made on purpose (positive control)" \
		grep -q '^CONTROL' "$blocks"
	ours=$(grep -c '^OURS' "$blocks" || true)
	kernel=$(grep -c '^KERNEL' "$blocks" || true)
	# Other reports: outside the KCSAN blocks, the boot banner aside, and
	# but for one known kernel WARN while module loads fail on purpose:
	# Linux 6.1 has WARN_ON_ONCE(ret) on -ENOMEM in event_define_fields()
	# (kernel/trace/trace_events.c), hit when the module's tracepoints
	# are registered with allocations failing.
	# The one list of kernel reports (lib.sh), and kmemleak's own lines.
	# Known too: kmemleak's line about the leak made on purpose (between
	# the kmemleak_control markers); and Linux 6.1's own wait-context
	# report for a printk from hard IRQ that writes to the 8250 console
	# (its spinlock_t port lock; later kernels annotate that path). It
	# switches lockdep off, which the debug_locks check below catches.
	other=$(awk -v reports="$AS_KERNEL_REPORTS|unreferenced object 0x" '
		/BUG: KCSAN:/ { inb = 1; next }
		inb { if (/====================/) inb = 0; next }
		/^G: kmemleak_control begin/ { inleak = 1 }
		/^G: kmemleak_control end/ { inleak = 0 }
		inleak && /kmemleak: [0-9]+ new suspected/ { print "KNOWN " $0; next }
		/Invalid wait context/ { pend = $0; pn = NR; next }
		pend && NR - pn <= 6 && /at: serial8250_console_write/ {
			print "KNOWN " pend " (printk in hard IRQ to the 8250 console)"
			pend = ""; next
		}
		pend && NR - pn > 6 { print pend; pend = "" }
		/^G: load_fault begin/ { inload = 1 }
		/^G: load_fault end/ { inload = 0 }
		/kcsan: non-strict mode configured/ { next }
		inload && /WARNING: CPU: .* at kernel\/trace\/trace_events\.c:[0-9]+ event_define_fields/ {
			print "KNOWN " $0; next
		}
		$0 ~ reports { print }
		END { if (pend) print pend }
	' "$log")
	if printf '%s\n' "$other" | grep -q '^KNOWN '; then
		say "known reports of the kernel itself, not counted:"
		printf '%s\n' "$other" | sed -n 's/^KNOWN /    /p'
		other=$(printf '%s\n' "$other" | grep -v '^KNOWN ' || true)
	fi
	if [ "$kernel" -gt 0 ]; then
		say "KCSAN reports inside the kernel itself, not counted:"
		sed -n 's/^KERNEL /    /p' "$blocks" | sort | uniq -c
	fi
	t_expect "KCSAN was watching (debugfs switch on)" grep -q '^G: kcsan on' "$log"
	if [ "$ours" -eq 0 ]; then
		t_ok "no KCSAN report involving alertable_sleep or its tests"
	else
		t_bad "KCSAN reports involving alertable_sleep or its tests: $ours"
		sed -n 's/^OURS /    /p' "$blocks"
	fi
	if [ -z "$other" ]; then
		t_ok "no other kernel report (lockdep, atomic sleep, hung task, BUG, WARNING, leak)"
	else
		t_bad "kernel reports on the console:"
		printf '%s\n' "$other" | head -n 20 | sed 's/^/    /'
	fi
	t_expect "lockdep was still on at the end of the run (debug_locks 1)" \
		grep -q '^G: debug_locks 1' "$log"
	t_expect "the guest script ran to its end" \
		grep -q '^ALERTABLE_SLEEP_VM_EXIT rc=0' "$log"
	judge_suite "$log" guest
	rm -f "$blocks"
}
