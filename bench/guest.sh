#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The benchmark's guest side: scripts/bench.sh boots it with scripts/vm.sh
# (as /opt/run.sh, cwd /opt, busybox sh). Every figure goes to the console
# as a line scripts/bench.sh parses: the module prints
# "alertable_sleep_bench: RESULT {json}", this script "MEMINFO ...",
# "UNLOAD ...", "COALESCE_TRACE ...", "TIMERLAT ..." and "CYCLICTEST ...".
# The module's "tests" bit mask (read back from sysfs, so that its default
# lives in one place) also says which of this script's own parts run: 32
# abort_all with the tracepoints off and on, 16 memory, 64 the demo's
# unload, 128 coalescing (timer tracepoints), 256 the abort_all storm under
# timerlat and cyclictest. Parameters for the bench module come from the
# kernel command line as alertable_sleep_bench.NAME=VALUE (busybox insmod
# does not read it, so they are passed on here). scripts/bench.sh puts
# cyclictest and its libraries in rt/, when it could.
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
# tracefs: vm.sh's /init mounts it; older setups have it in debugfs.
tr=
for t in /sys/kernel/tracing /sys/kernel/debug/tracing; do
	if [ -f "$t/trace" ]; then
		tr=$t
		break
	fi
done

# abort_all() in hard IRQ (from process context where PREEMPT_RT refuses
# it: the module finds out) with the alertable_sleep tracepoints off and
# on, switched the way an administrator would; two rounds of both, against
# drift.
if [ $((tests & 32)) -ne 0 ]; then
	events=
	if [ -n "$tr" ] && [ -f "$tr/events/alertable_sleep/enable" ]; then
		events=$tr/events/alertable_sleep/enable
	fi
	if [ -z "$events" ]; then
		echo "bench: no events/alertable_sleep in tracefs: abort_all with tracing off only"
		echo off >$params/abort_all_run
	else
		echo 1 >"${events%/events/*}/tracing_on"
		for round in 1 2; do
			echo "bench: abort_all of 65536 indices, round $round"
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

# Coalescing: 64 sleepers of 2 s per method, their timer expiries read
# from the kernel's own tracepoints. Timer pointers are printed raw
# (nohash-ptr) so that report.py keeps only the timers on the sleepers'
# stacks, which the module names; only the sleeps' own timer functions
# are kept here, hrtimer_wakeup and process_timeout, and the tick's
# expiries in the same interrupt, which tell an interrupt of their own
# from one that the periodic tick made anyway.
if [ $((tests & 128)) -eq 0 ]; then
	:
elif [ -z "$tr" ] || [ ! -d "$tr/events/timer/hrtimer_expire_entry" ]; then
	echo "COALESCE skipped: no timer events in tracefs"
else
	echo nohash-ptr >"$tr/trace_options" 2>/dev/null ||
		echo "COALESCE note: no nohash-ptr trace option, pointers hashed"
	echo 0 >"$tr/tracing_on"
	echo 1 >"$tr/events/timer/hrtimer_expire_entry/enable"
	echo 1 >"$tr/events/timer/timer_expire_entry/enable"
	for method in alertable_sleep hrtimer_slack msleep_interruptible; do
		echo "bench: coalescing, 64 sleeps of 2 s by $method"
		: >"$tr/trace"
		echo 1 >"$tr/tracing_on"
		echo "$method" >$params/coalesce_run
		echo 0 >"$tr/tracing_on"
		# The sleeps' expiries, and the tick's (tick_sched_timer) that
		# ran in the same interrupt: same CPU, same now.
		awk -v method="$method" '
			/_expire_entry: .*function=(hrtimer_wakeup|process_timeout) / {
				if (NR == FNR) {
					cpu = $0; sub(/^[^[]*\[/, "", cpu)
					sub(/\].*/, "", cpu)
					now = $0; sub(/.* now=/, "", now)
					sub(/ .*/, "", now)
					seen[cpu " " now] = 1
				} else {
					print "COALESCE_TRACE method=" method " " $0
				}
				next
			}
			NR != FNR && /_expire_entry: .*function=tick_sched_timer / {
				cpu = $0; sub(/^[^[]*\[/, "", cpu); sub(/\].*/, "", cpu)
				now = $0; sub(/.* now=/, "", now); sub(/ .*/, "", now)
				if ((cpu " " now) in seen)
					print "COALESCE_TRACE method=" method " " $0
			}' "$tr/trace" "$tr/trace"
	done
	echo 0 >"$tr/events/timer/hrtimer_expire_entry/enable"
	echo 0 >"$tr/events/timer/timer_expire_entry/enable"
	: >"$tr/trace"
	echo hash-ptr >"$tr/trace_options" 2>/dev/null || true
fi

# The worst wake-up latency of other tasks, with an abort_all() storm on
# 65,536 indices and without, by the kernel's timerlat tracer (IRQ and
# thread latency) where the kernel has it, and by cyclictest (threads of
# SCHED_FIFO 95, one per CPU) where scripts/bench.sh could copy it in.
run_timerlat() {
	echo 0 >"$tr/tracing_on"
	echo nop >"$tr/current_tracer"
	echo $((secs * 128 + 512)) >"$tr/buffer_size_kb"
	: >"$tr/trace"
	echo 1000 >"$tr/osnoise/timerlat_period_us"
	echo 0 >"$tr/tracing_max_latency"
	echo timerlat >"$tr/current_tracer"
	echo 1 >"$tr/tracing_on"
	sleep "$secs"
	echo 0 >"$tr/tracing_on"
}

# After the storm has stopped: the worst of the samples in the buffer.
report_timerlat() {
	# Samples the ring buffer dropped (overwrote), over every CPU.
	lost=0
	for f in "$tr"/per_cpu/cpu*/stats; do
		n=$(sed -n 's/^overrun: //p' "$f")
		lost=$((lost + ${n:-0}))
	done
	awk -v storm="$1" -v lost="$lost" \
		-v max_us="$(cat "$tr/tracing_max_latency")" '
		/ context +(irq|thread) timer_latency / {
			for (i = 1; i <= NF; i++)
				if ($i == "context") {
					c = $(i + 1); v = $(i + 3) + 0; n[c]++
					sum[c] += v
					if (v > m[c]) m[c] = v
				}
		}
		END {
			printf "TIMERLAT storm=%s irq_max_ns=%d irq_avg_ns=%d irq_n=%d thread_max_ns=%d thread_avg_ns=%d thread_n=%d tracing_max_latency_us=%s lost=%d\n", storm, m["irq"], n["irq"] ? sum["irq"] / n["irq"] : 0, n["irq"], m["thread"], n["thread"] ? sum["thread"] / n["thread"] : 0, n["thread"], max_us, lost
		}' "$tr/trace"
	echo nop >"$tr/current_tracer"
	: >"$tr/trace"
}

run_cyclictest() {
	# cyclictest keeps its statistics in POSIX shared memory.
	if [ ! -d /dev/shm ]; then
		mkdir -p /dev/shm
		mount -t tmpfs tmpfs /dev/shm
	fi
	# The dynamic loader of the copied libc runs it: the initramfs has
	# no /lib.
	rt/ld.so --library-path rt rt/cyclictest -q -m -S -p 95 -i 1000 \
		-D "$secs" 2>&1 | sed "s/^/CYCLICTEST storm=$1 /" || true
}

report_cyclictest() {
	:
}

if [ $((tests & 256)) -ne 0 ]; then
	secs=$(cat $params/storm_secs)
	# PREEMPT_RT refuses abort_all() in hard IRQ (the module shows it):
	# its storm runs in a kthread there. "busy" is the control: a kthread
	# that keeps a CPU busy with busy waits and calls nothing, for what a
	# busy vCPU alone costs under TCG on a shared host.
	if uname -v | grep -q PREEMPT_RT; then
		storms="none busy kthread"
	else
		storms="none busy hardirq kthread"
	fi
	tools=
	if [ -n "$tr" ] && grep -qw timerlat "$tr/available_tracers"; then
		tools=timerlat
	else
		echo "TIMERLAT skipped: the kernel has no timerlat tracer"
	fi
	if [ -x rt/cyclictest ]; then
		tools="$tools cyclictest"
	else
		echo "CYCLICTEST skipped: scripts/bench.sh did not copy it in"
	fi
	for tool in $tools; do
		for storm in $storms; do
			echo "bench: $tool for $secs s, abort_all storm: $storm"
			[ "$storm" = none ] || echo "$storm" >$params/storm
			"run_$tool" "$storm"
			[ "$storm" = none ] || echo "stop $tool" >$params/storm
			"report_$tool" "$storm"
		done
	done
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
