# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# host.sh: sourced (after scripts/lib.sh) by scripts/torture.sh,
# torture-short.sh and check-debug.sh. It builds the modules, boots the
# guest with tests/torture/guest.sh and turns the tagged lines of the guest
# console into checks. Sourced, never run.

TORTURE_DIR=$AS_ROOT/tests/torture
T_PASS=0
T_FAIL=0

t_ok() {
	T_PASS=$((T_PASS + 1))
	printf 'ok   %s\n' "$*"
}

t_bad() {
	T_FAIL=$((T_FAIL + 1))
	printf 'FAIL %s\n' "$*"
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
	[ -f "$src/kunit/alertable_sleep_test.ko" ] &&
		files="$files $src/kunit/alertable_sleep_test.ko"
	[ -f "$out/load_once" ] && files="$files $out/load_once"
	cp "$env" "$out/torture.env"
	# shellcheck disable=SC2034 # read by the scripts that source this
	T_LOG=$AS_CACHE/vm/$name/console.log
	set +e
	# The whole console goes to T_LOG; show vm.sh's lines, the guest's
	# progress and whatever went wrong, live.
	# shellcheck disable=SC2086 # the file list is word-split on purpose
	"$AS_ROOT/scripts/vm.sh" --name "$name" "$@" \
		"$TORTURE_DIR/guest.sh" "$out/torture.env" $files |
		grep --line-buffered -E '^==> |^[GNFK]: .*(insmod rc|RESULT|violation [a-z_]+:|FAIL|load_fault|leakcheck)|(BUG|WARNING):|INFO: task|Kernel panic'
	T_VMRC=${PIPESTATUS[0]}
	set -e
}

# Every check the torture module reports must pass and must have been able
# to fail at least once (armed > 0), or the run proved nothing.
judge_torture() {
	local log=$1 tag=$2 name status viol armed n=0
	while read -r name status viol armed; do
		n=$((n + 1))
		viol=${viol#violations=}
		armed=${armed#armed=}
		if [ "$status" = PASS ] && [ "$armed" -gt 0 ]; then
			t_ok "torture check $name ($armed results checked)"
		elif [ "$status" = PASS ]; then
			t_bad "torture check $name was never armed: it cannot have failed"
		else
			t_bad "torture check $name: $viol violations"
		fi
	done < <(sed -n "s/^$tag: alertable_sleep_torture: check //p" "$log")
	t_expect "torture reported its checks, once" [ "$n" -eq 13 ]
	t_expect "torture RESULT PASS" \
		grep -q "^$tag: alertable_sleep_torture: RESULT PASS" "$log"
	t_expect "torture insmod returned 0" grep -q "^$tag: torture insmod rc=0" "$log"
	say "torture counters:"
	sed -n "s/^$tag: alertable_sleep_torture: \(start: \|stat \)/    \1/p" "$log"
}

judge_hostile() {
	local log=$1 p f
	p=$(grep -c '^G: alertable_sleep_hostile: PASS ' "$log" || true)
	f=$(grep -c '^G: alertable_sleep_hostile: FAIL ' "$log" || true)
	say "hostile cases: $p passed, $f failed"
	grep '^G: alertable_sleep_hostile: FAIL ' "$log" | sed 's/^G: /    /' || true
	t_expect "hostile input and signal cases ran" [ "$p" -gt 50 ]
	t_expect "hostile input and signal cases all passed ($p)" [ "$f" -eq 0 ]
	t_expect "hostile RESULT PASS" \
		grep -q '^G: alertable_sleep_hostile: RESULT PASS' "$log"
}

judge_negative() {
	local log=$1
	sed -n 's/^N: alertable_sleep_torture: \(check .*FAIL.*\)/    negative control: \1/p' "$log"
	t_expect "negative control (faked aborts): torture reports RESULT FAIL" \
		grep -q '^N: alertable_sleep_torture: RESULT FAIL' "$log"
	t_expect "negative control: the sticky-abort check fires" \
		grep -q '^N: alertable_sleep_torture: check sticky FAIL' "$log"
	t_expect "negative control: the overlap check fires" \
		grep -q '^N: alertable_sleep_torture: check overlap FAIL' "$log"
	t_expect "negative control: it ran once" \
		[ "$(grep -c '^N: alertable_sleep_torture: RESULT' "$log")" -eq 1 ]
}

# field LOG KEY: the value of KEY=VALUE on the guest's load_fault line.
field() {
	local v
	v=$(sed -n "s/^G: load_fault .*\<$2=\([0-9]*\).*/\1/p" "$1" | tail -n1)
	echo "${v:--1}"
}

judge_fault() {
	local log=$1 p f leaks
	t_expect "fault injection is configured in the guest" \
		grep -q '^G: fault setup=ok' "$log"
	p=$(grep -c '^F: alertable_sleep_hostile: PASS ' "$log" || true)
	f=$(grep -c '^F: alertable_sleep_hostile: FAIL ' "$log" || true)
	grep '^F: alertable_sleep_hostile: \(stat\|FAIL\) ' "$log" |
		sed 's/^F: /    /' || true
	t_expect "create()/devm_create() with allocations failing: -ENOMEM each time ($p cases)" \
		[ "$f" -eq 0 -a "$p" -gt 0 ]
	t_expect "allocation failure cases: RESULT PASS" \
		grep -q '^F: alertable_sleep_hostile: RESULT PASS' "$log"
	grep '^G: load_fault ' "$log" | sed 's/^G: /    /' || true
	t_expect "module load with an allocation failing: -ENOMEM at some fault points" \
		[ "$(field "$log" enomem)" -gt 0 ]
	t_expect "module load never failed with another error than -ENOMEM" \
		[ "$(field "$log" other)" -eq 0 ]
	t_expect "module load succeeded at some fault points (failures it recovers from)" \
		[ "$(field "$log" loaded)" -gt 0 ]
	t_expect "the module's init failed cleanly with -ENOMEM at least once" \
		[ "$(field "$log" init_enomem)" -gt 0 ]
	t_expect "the module loads again afterwards" \
		grep -q '^G: load_fault reload=ok' "$log"
	t_expect "the leak scan finds a leak made on purpose (positive control)" \
		grep -q '^G: leak_control found=[1-9]' "$log"
	leaks=$(sed -n 's/^G: leakcheck unreferenced=//p' "$log")
	t_expect "leak scan after the failures: no unreferenced object (${leaks:-none})" \
		[ "${leaks:-x}" = 0 ]
}

judge_kunit() {
	local log=$1
	t_expect "KUnit module loaded" grep -q '^K: kunit insmod rc=0' "$log"
	t_expect "KUnit suite passed" grep -Eq '^K: *ok [0-9]+ alertable_sleep' "$log"
	t_expect "no KUnit case failed" \
		bash -c "! grep -Eq '^K: *not ok ' '$log'"
}

judge_common() {
	local log=$1
	if [ "$T_VMRC" -eq 0 ]; then
		t_ok "VM run: guest finished, no kernel report on the console"
	else
		t_bad "VM run: vm.sh exited $T_VMRC (see $log)"
	fi
	t_expect "guest loaded alertable_sleep.ko" grep -q '^G: loaded alertable_sleep.ko' "$log"
	t_expect "guest unloaded alertable_sleep.ko" \
		grep -q '^G: rmmod alertable_sleep rc=0' "$log"
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
	other=$(awk '
		/BUG: KCSAN:/ { inb = 1; next }
		inb { if (/====================/) inb = 0; next }
		/^G: load_fault begin/ { inload = 1 }
		/^G: load_fault end/ { inload = 0 }
		/kcsan: non-strict mode configured/ { next }
		inload && /WARNING: CPU: .* at kernel\/trace\/trace_events\.c:[0-9]+ event_define_fields/ {
			print "KNOWN " $0; next
		}
		/BUG:|WARNING:|Oops|INFO: task .* blocked|sleeping function called from invalid context|possible circular locking|KASAN|UBSAN|Kernel panic|unreferenced object|new suspected memory leak/ { print }
	' "$log")
	if printf '%s\n' "$other" | grep -q '^KNOWN '; then
		say "known kernel WARN under injected -ENOMEM, not counted:"
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
	t_expect "the guest script ran to its end" \
		grep -q '^ALERTABLE_SLEEP_VM_EXIT rc=0' "$log"
	t_expect "guest loaded alertable_sleep.ko" grep -q '^G: loaded alertable_sleep.ko' "$log"
	t_expect "guest unloaded alertable_sleep.ko" \
		grep -q '^G: rmmod alertable_sleep rc=0' "$log"
	rm -f "$blocks"
}
