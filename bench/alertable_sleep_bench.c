// SPDX-License-Identifier: GPL-2.0
/*
 * alertable_sleep_bench - alertable_sleep against the kernel's bare primitives
 *
 * Loading this module runs the measurements chosen by the "tests" bit mask
 * from module_init and prints every figure as one console line
 *
 *	alertable_sleep_bench: RESULT {"test":"...",...}
 *
 * that scripts/bench.sh turns into a table. Time is ktime_get_ns(). The
 * module asserts nothing about speed. A primitive that returns something
 * other than what a measurement expects is counted in "errors", because the
 * figure then measures something else and must not be read as a result.
 *
 * Writing N to the mem_hold parameter creates an instance of N entries that
 * stays alive until 0 is written or the module unloads, so that the guest
 * script can read /proc/meminfo around it. bench/guest.sh also drives the
 * parts that need tracefs or a tool of its own around them through
 * parameters: abort_all_run, coalesce_run and storm.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/ctype.h>
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/err.h>
#include <linux/hardirq.h>
#include <linux/hrtimer.h>
#include <linux/irqflags.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/random.h>
#include <linux/rcupdate.h>
#include <linux/rcuwait.h>
#include <linux/sched.h>
#include <linux/sched/task_stack.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <linux/utsname.h>
#include <linux/vmalloc.h>
#include <linux/vmstat.h>
#include <linux/wait.h>

#include "alertable_sleep.h"

#define BENCH_LATENCY	BIT(0)
#define BENCH_FANOUT	BIT(1)
#define BENCH_FASTPATH	BIT(2)
#define BENCH_TIMING	BIT(3)
#define BENCH_MEMORY	BIT(4)
/*
 * Run by bench/guest.sh through the abort_all_run parameter, once with the
 * tracepoints off and once on, which it switches in tracefs between runs;
 * module_init does not run it.
 */
#define BENCH_ABORT_ALL	BIT(5)
/* Only bench/guest.sh reads this one: the demo driver's unload times. */
#define BENCH_UNLOAD	BIT(6)
/*
 * Run by bench/guest.sh through the coalesce_run parameter, with the
 * timer tracepoints on: 64 sleepers of 2 s, for each sleep method.
 */
#define BENCH_COALESCE	BIT(7)
/*
 * Run by bench/guest.sh through the storm parameter, around a latency
 * tool (timerlat, cyclictest): abort_all() of 65,536 indices in a loop.
 */
#define BENCH_STORM	BIT(8)

static unsigned int tests = BENCH_LATENCY | BENCH_FANOUT | BENCH_FASTPATH |
			    BENCH_TIMING | BENCH_MEMORY | BENCH_ABORT_ALL |
			    BENCH_UNLOAD | BENCH_COALESCE | BENCH_STORM;
module_param(tests, uint, 0444);
MODULE_PARM_DESC(tests,
		 "Bit mask: 1 latency, 2 fan-out, 4 fast path, 8 timing, 16 memory, 32 abort_all in hard IRQ (from a kthread where PREEMPT_RT refuses hard IRQ), 64 demo unload, 128 coalescing, 256 abort_all storm against other tasks' latency (default 511)");

static unsigned int lat_rounds = 10000;
module_param(lat_rounds, uint, 0444);
MODULE_PARM_DESC(lat_rounds,
		 "Abort-to-return round trips per run (default 10000)");

static unsigned int lat_warmup = 1000;
module_param(lat_warmup, uint, 0444);
MODULE_PARM_DESC(lat_warmup,
		 "Unreported round trips per variant before the runs (default 1000)");

static unsigned int lat_settle_us = 100;
module_param(lat_settle_us, uint, 0444);
MODULE_PARM_DESC(lat_settle_us,
		 "Wait after the sleeper is inside its sleep call, before the abort (default 100)");

static unsigned int lat_blocks = 10;
module_param(lat_blocks, uint, 0444);
MODULE_PARM_DESC(lat_blocks,
		 "Blocks the round trips of each run are spread over (default 10)");

static unsigned int fan_reps = 31;
module_param(fan_reps, uint, 0444);
MODULE_PARM_DESC(fan_reps,
		 "Fan-out repetitions per size and variant (default 31)");

static unsigned int fast_calls = 1000000;
module_param(fast_calls, uint, 0444);
MODULE_PARM_DESC(fast_calls,
		 "Fast-path calls per operation, in batches of 10000 (default 1000000)");

static unsigned int timing_sleeps = 100;
module_param(timing_sleeps, uint, 0444);
MODULE_PARM_DESC(timing_sleeps,
		 "Sleeps per duration and variant, random tick phase (default 100)");

static unsigned int timing_long_sleeps = 5;
module_param(timing_long_sleeps, uint, 0444);
MODULE_PARM_DESC(timing_long_sleeps,
		 "Sleeps of 300, 1000 and 3000 ms per variant (default 5)");

static unsigned int timing_b2b_sleeps = 30;
module_param(timing_b2b_sleeps, uint, 0444);
MODULE_PARM_DESC(timing_b2b_sleeps,
		 "Sleeps per duration and variant, back to back (default 30)");

static bool timing_parallel = true;
module_param(timing_parallel, bool, 0444);
MODULE_PARM_DESC(timing_parallel,
		 "Run the timing variants in parallel threads (default Y)");

static unsigned int mem_entries = ALERTABLE_SLEEP_MAX_EVENTS;
module_param(mem_entries, uint, 0444);
MODULE_PARM_DESC(mem_entries,
		 "Entries of the instance the memory test creates (default 65536)");

static unsigned int mem_reps = 5;
module_param(mem_reps, uint, 0444);
MODULE_PARM_DESC(mem_reps,
		 "Creations the memory test measures (default 5)");

static unsigned int abort_all_reps = 15;
module_param(abort_all_reps, uint, 0444);
MODULE_PARM_DESC(abort_all_reps,
		 "abort_all() calls timed per sleeper count and run (default 15)");

#define AA_MAX_SLEEPERS	64

static unsigned int abort_all_sleepers = 16;
module_param(abort_all_sleepers, uint, 0444);
MODULE_PARM_DESC(abort_all_sleepers,
		 "Sleepers of the abort_all series that has any, at most 64; the other has none (default 16)");

#define CO_MAX_SLEEPERS	64

static unsigned int coalesce_sleepers = CO_MAX_SLEEPERS;
module_param(coalesce_sleepers, uint, 0444);
MODULE_PARM_DESC(coalesce_sleepers,
		 "Sleepers of 2 s in the coalescing test, at most 64 (default 64)");

static unsigned int coalesce_spread_us = 2000;
module_param(coalesce_spread_us, uint, 0444);
MODULE_PARM_DESC(coalesce_spread_us,
		 "Time between the starts of two sleepers of the coalescing test (default 2000)");

static unsigned int storm_secs = 10;
module_param(storm_secs, uint, 0444);
MODULE_PARM_DESC(storm_secs,
		 "Seconds bench/guest.sh runs each latency tool, with and without the abort_all storm (default 10)");

static unsigned int storm_sleepers = 16;
module_param(storm_sleepers, uint, 0444);
MODULE_PARM_DESC(storm_sleepers,
		 "Sleepers on the instance of the abort_all storm, at most 64 (default 16)");

static unsigned int storm_period_us = 10000;
module_param(storm_period_us, uint, 0444);
MODULE_PARM_DESC(storm_period_us,
		 "Period of the HARD hrtimer that calls abort_all() in the hardirq storm (default 10000)");

/* ---- helpers ---------------------------------------------------------- */

static int cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a;
	u64 y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

static int cmp_s64(const void *a, const void *b)
{
	s64 x = *(const s64 *)a;
	s64 y = *(const s64 *)b;

	return x < y ? -1 : x > y;
}

struct summary {
	u64 min, p50, p99, max;
};

/* Index of the nearest-rank @p-th percentile of @n sorted values. */
static unsigned int rank(unsigned int n, unsigned int p)
{
	return max_t(u64, DIV_ROUND_UP_ULL((u64)n * p, 100), 1) - 1;
}

/* Sorts @v in place and summarises it. */
static struct summary summarise(u64 *v, unsigned int n)
{
	struct summary s = {};

	if (!n)
		return s;
	sort(v, n, sizeof(*v), cmp_u64, NULL);
	s.min = v[0];
	s.p50 = v[rank(n, 50)];
	s.p99 = v[rank(n, 99)];
	s.max = v[n - 1];
	return s;
}

/*
 * Wait for @c in slices: the guest makes the hung-task detector fatal after
 * 30 s, and some phases keep module_init waiting longer than that.
 */
static void bench_wait(struct completion *c)
{
	while (!wait_for_completion_timeout(c, HZ))
		;
}

/*
 * Knowing that a sleeper is inside its sleep, without the scheduler's view
 * of the task (its state, on_rq and on_cpu are internals, and named
 * differently from kernel to kernel):
 *
 * - alertable_sleep says so itself: while a thread sleeps on an index,
 *   alertable_sleep_reset_for_reuse() of that index answers -EBUSY. On an
 *   index that is not aborted and has no sleeper it answers 0 and changes
 *   nothing, so polling it cannot disturb the sleeper. (A probe with
 *   alertable_sleep_sleep(as, i, 0) would answer -EBUSY too, but it owns
 *   the index for an instant when nobody sleeps there, and a sleeper that
 *   arrives in that instant would itself get -EBUSY.)
 * - the bare primitives have nothing to ask, so their sleeper sets a flag
 *   just before it calls the primitive, and the primitive is entered next.
 *
 * Either way the sleeper is then at the door of its wait, a few hundred
 * instructions before schedule() (a few microseconds under TCG), and a
 * settle delay that is far longer lets it block and its CPU go idle before
 * the wake-up: the wake-up then measures the whole path, not a race with a
 * sleeper still on its way into schedule().
 */
static bool as_index_has_sleeper(struct alertable_sleep *as,
				 unsigned int index)
{
	return alertable_sleep_reset_for_reuse(as, index) == -EBUSY;
}

/* One step of a busy wait for the thread on the other CPU. */
static void spin_step(void)
{
	cpu_relax();
	cond_resched();
}

#define SETTLE_LIMIT_NS	(2 * NSEC_PER_SEC)

/*
 * The primitive alertable_sleep waits on, bare, measured as an extra and
 * not as a baseline: an index has one sleeper at most, so it needs no
 * queue, only the sleeper's task pointer (struct rcuwait, 8 bytes), and
 * waking it is one wake_up_process() under rcu_read_lock(), from any
 * context. alertable_sleep adds its state word and an hrtimer timeout.
 */
static bool rcuwait_sleep(struct rcuwait *w, bool *flag, long timeout)
{
	bool woken;

	prepare_to_rcuwait(w);
	for (;;) {
		/* Its barrier pairs with the one in rcuwait_wake_up(). */
		set_current_state(TASK_INTERRUPTIBLE);
		woken = READ_ONCE(*flag);
		if (woken || signal_pending(current) || !timeout)
			break;
		timeout = schedule_timeout(timeout);
	}
	finish_rcuwait(w);
	return woken;
}

static void rcuwait_signal(struct rcuwait *w, bool *flag)
{
	WRITE_ONCE(*flag, true);
	rcuwait_wake_up(w);
}

/* ---- 1. abort-to-return latency --------------------------------------- */

/*
 * LAT_WAITQ_HR is the waitqueue baseline with the hrtimer timeout that
 * alertable_sleep uses: it tells the cost of the timer apart from the cost
 * of alertable_sleep itself.
 */
enum lat_kind {
	LAT_COMPLETION, LAT_WAITQ, LAT_ALERTABLE, LAT_RCUWAIT, LAT_WAITQ_HR
};

static const char * const lat_names[] = {
	[LAT_COMPLETION] = "completion",
	[LAT_WAITQ] = "waitqueue_flag",
	[LAT_ALERTABLE] = "alertable_sleep",
	[LAT_RCUWAIT] = "rcuwait_flag",
	[LAT_WAITQ_HR] = "waitqueue_flag_hrtimeout",
};

/* Long enough never to end a round by itself: every round is aborted. */
#define LAT_SLEEP_MS	10000
#define LAT_SLEEPER_CPU	1
#define LAT_ABORTER_CPU	0

struct lat_ctx {
	enum lat_kind kind;
	unsigned int rounds;
	struct alertable_sleep *as;
	struct completion comp;
	wait_queue_head_t wq;
	struct rcuwait rw;
	bool flag;
	atomic_t armed;		/* round the sleeper is about to sleep in */
	atomic_t returned;	/* round the sleeper has returned from */
	u64 t_abort;		/* ktime_get_ns() just before the abort */
	u64 *ns;		/* abort-to-return time of each round */
	unsigned int errors;	/* written by the sleeper only */
	/*
	 * Rounds whose sleeper was not seen inside its sleep call within
	 * SETTLE_LIMIT_NS; written by the aborter only.
	 */
	unsigned int unsettled;
	struct completion sleeper_exited;
	struct completion aborter_exited;
};

static bool lat_sleep(struct lat_ctx *c)
{
	long timeout = msecs_to_jiffies(LAT_SLEEP_MS);

	switch (c->kind) {
	case LAT_COMPLETION:
		return wait_for_completion_interruptible_timeout(&c->comp,
								 timeout) > 0;
	case LAT_WAITQ:
		return wait_event_interruptible_timeout(c->wq,
							READ_ONCE(c->flag),
							timeout) > 0;
	case LAT_ALERTABLE:
		return alertable_sleep_sleep(c->as, 0, LAT_SLEEP_MS) ==
		       -ECANCELED;
	case LAT_RCUWAIT:
		return rcuwait_sleep(&c->rw, &c->flag, timeout);
	case LAT_WAITQ_HR:
		return !wait_event_interruptible_hrtimeout(c->wq,
							   READ_ONCE(c->flag),
							   ms_to_ktime(LAT_SLEEP_MS));
	}
	return false;
}

/* Make the next round block again; runs after the sleep has returned. */
static bool lat_rearm(struct lat_ctx *c)
{
	switch (c->kind) {
	case LAT_COMPLETION:
		reinit_completion(&c->comp);
		return true;
	case LAT_WAITQ:
	case LAT_WAITQ_HR:
	case LAT_RCUWAIT:
		WRITE_ONCE(c->flag, false);
		return true;
	case LAT_ALERTABLE:
		return !alertable_sleep_reset_for_reuse(c->as, 0);
	}
	return false;
}

static void lat_abort(struct lat_ctx *c)
{
	switch (c->kind) {
	case LAT_COMPLETION:
		complete_all(&c->comp);
		break;
	case LAT_WAITQ:
	case LAT_WAITQ_HR:
		WRITE_ONCE(c->flag, true);
		wake_up_all(&c->wq);
		break;
	case LAT_ALERTABLE:
		alertable_sleep_abort(c->as, 0);
		break;
	case LAT_RCUWAIT:
		rcuwait_signal(&c->rw, &c->flag);
		break;
	}
}

static int lat_sleeper_fn(void *arg)
{
	struct lat_ctx *c = arg;
	unsigned int r;

	for (r = 1; r <= c->rounds; r++) {
		bool ok;

		/* The flag the aborter waits for: the sleep call is next. */
		atomic_set_release(&c->armed, r);
		ok = lat_sleep(c);
		/* The wake-up orders the aborter's t_abort before this. */
		c->ns[r - 1] = ktime_get_ns() - READ_ONCE(c->t_abort);
		if (!ok || !lat_rearm(c))
			c->errors++;
		atomic_set_release(&c->returned, r);
	}
	kthread_complete_and_exit(&c->sleeper_exited, 0);
}

/*
 * Wait until the sleeper of the current round is inside its sleep call:
 * for the bare primitives ->armed, which the caller has seen, says that it
 * is about to call the primitive; alertable_sleep also answers -EBUSY once
 * the sleeper owns the index. False if that took too long.
 */
static bool lat_wait_inside(struct lat_ctx *c)
{
	u64 limit = ktime_get_ns() + SETTLE_LIMIT_NS;

	if (c->kind != LAT_ALERTABLE)
		return true;
	while (!as_index_has_sleeper(c->as, 0)) {
		if (ktime_get_ns() > limit)
			return false;
		spin_step();
	}
	return true;
}

static int lat_aborter_fn(void *arg)
{
	struct lat_ctx *c = arg;
	unsigned int r;

	for (r = 1; r <= c->rounds; r++) {
		while (atomic_read_acquire(&c->armed) != r)
			spin_step();
		if (!lat_wait_inside(c))
			c->unsettled++;
		/*
		 * Let the sleeper block and its CPU finish entering idle: a
		 * wake-up that lands while it is still on its way there is
		 * much cheaper, and which primitives win that race would
		 * decide the p50.
		 *
		 * Before the bench ran on 5.10 the aborter read the
		 * sleeper's task state until it was off its CPU, then waited
		 * this long. It now starts the delay when the sleeper enters
		 * its sleep call (see as_index_has_sleeper()), for every
		 * variant alike. What is measured, t_abort to the sleeper's
		 * return, is the same, and in the usual round so is the
		 * sleeper's state at t_abort: under TCG it blocks some
		 * 0.5 us after entering (p50; p99 20-80 us). In the rare
		 * round where the host holds its vCPU up for longer than the
		 * delay, the abort lands before it blocks, and the round
		 * measures the rest of the host's delay instead of a
		 * wake-up; the old wait would have measured a wake-up there.
		 */
		udelay(lat_settle_us);
		WRITE_ONCE(c->t_abort, ktime_get_ns());
		lat_abort(c);
		while (atomic_read_acquire(&c->returned) != r)
			spin_step();
	}
	kthread_complete_and_exit(&c->aborter_exited, 0);
}

/* One run of @rounds round trips of @kind; the times go to @ns. */
static int lat_run(struct lat_ctx *c, enum lat_kind kind, u64 *ns)
{
	struct task_struct *s, *a;

	c->kind = kind;
	c->ns = ns;
	c->errors = 0;
	c->unsettled = 0;
	atomic_set(&c->armed, 0);
	atomic_set(&c->returned, 0);
	init_completion(&c->sleeper_exited);
	init_completion(&c->aborter_exited);
	reinit_completion(&c->comp);
	WRITE_ONCE(c->flag, false);
	if (alertable_sleep_reset_for_reuse(c->as, 0))
		return -EBUSY;

	s = kthread_create(lat_sleeper_fn, c, "asb_lat_sleep");
	if (IS_ERR(s))
		return PTR_ERR(s);
	a = kthread_create(lat_aborter_fn, c, "asb_lat_abort");
	if (IS_ERR(a)) {
		/* Never woken, so its function never runs. */
		kthread_stop(s);
		return PTR_ERR(a);
	}
	kthread_bind(s, LAT_SLEEPER_CPU);
	kthread_bind(a, LAT_ABORTER_CPU);
	wake_up_process(s);
	wake_up_process(a);
	bench_wait(&c->sleeper_exited);
	bench_wait(&c->aborter_exited);
	return 0;
}

static void lat_report(enum lat_kind kind, const char *run, u64 *ns,
		       unsigned int n, unsigned int blocks, unsigned int errors,
		       unsigned int unsettled)
{
	struct summary s = summarise(ns, n);

	pr_info("RESULT {\"test\":\"abort_latency\",\"variant\":\"%s\",\"run\":\"%s\",\"n\":%u,\"blocks\":%u,\"min_ns\":%llu,\"p50_ns\":%llu,\"p99_ns\":%llu,\"max_ns\":%llu,\"errors\":%u,\"unsettled\":%u,\"sleeper_cpu\":%d,\"aborter_cpu\":%d}\n",
		lat_names[kind], run, n, blocks, s.min, s.p50, s.p99, s.max,
		errors, unsettled, LAT_SLEEPER_CPU, LAT_ABORTER_CPU);
}

static int bench_latency(void)
{
	/*
	 * Baselines first and last in every block, so that their two runs
	 * show the noise; the rounds are spread over blocks so that a change
	 * of the host's load during the boot hits every variant alike.
	 */
	static const enum lat_kind order[] = {
		LAT_COMPLETION, LAT_WAITQ, LAT_ALERTABLE, LAT_RCUWAIT,
		LAT_WAITQ_HR, LAT_WAITQ, LAT_COMPLETION,
	};
	unsigned int errors[ARRAY_SIZE(lat_names)][2] = {};
	unsigned int unsettled[ARRAY_SIZE(lat_names)][2] = {};
	unsigned int runs[ARRAY_SIZE(lat_names)] = {};
	unsigned int blocks = clamp(lat_blocks, 1U, lat_rounds);
	unsigned int per = lat_rounds / blocks, n = per * blocks;
	u64 *ns[ARRAY_SIZE(lat_names)] = {};
	unsigned int b, i, k;
	struct lat_ctx *c;
	int ret = -ENOMEM;

	if (!cpu_online(LAT_SLEEPER_CPU) || !cpu_online(LAT_ABORTER_CPU)) {
		pr_err("abort latency needs CPUs %d and %d online\n",
		       LAT_ABORTER_CPU, LAT_SLEEPER_CPU);
		return -ENODEV;
	}

	c = kzalloc_obj(*c, GFP_KERNEL);
	if (!c)
		return -ENOMEM;
	for (k = 0; k < ARRAY_SIZE(lat_names); k++) {
		ns[k] = vmalloc(array_size(2 * sizeof(u64), n));
		if (!ns[k])
			goto out;
	}
	c->as = alertable_sleep_create(1);
	if (IS_ERR(c->as)) {
		ret = PTR_ERR(c->as);
		goto out;
	}
	init_completion(&c->comp);
	init_waitqueue_head(&c->wq);
	rcuwait_init(&c->rw);

	/*
	 * Unreported rounds of every variant first: the first seconds after
	 * boot are noisier, and QEMU translates each code path on first use.
	 */
	c->rounds = min(lat_warmup, n);
	for (k = 0; k < ARRAY_SIZE(lat_names) && c->rounds; k++) {
		ret = lat_run(c, k, ns[k]);
		if (ret)
			goto out_destroy;
	}

	c->rounds = per;
	for (b = 0; b < blocks; b++) {
		memset(runs, 0, sizeof(runs));
		for (i = 0; i < ARRAY_SIZE(order); i++) {
			k = order[i];
			ret = lat_run(c, k, ns[k] + (size_t)runs[k] * n +
					    (size_t)b * per);
			if (ret)
				goto out_destroy;
			errors[k][runs[k]] += c->errors;
			unsettled[k][runs[k]] += c->unsettled;
			runs[k]++;
		}
	}

	for (k = 0; k < ARRAY_SIZE(lat_names); k++) {
		lat_report(k, "1", ns[k], n, blocks, errors[k][0],
			   unsettled[k][0]);
		if (runs[k] < 2)
			continue;
		lat_report(k, "2", ns[k] + n, n, blocks, errors[k][1],
			   unsettled[k][1]);
		lat_report(k, "pooled", ns[k], 2 * n, blocks,
			   errors[k][0] + errors[k][1],
			   unsettled[k][0] + unsettled[k][1]);
	}
	ret = 0;
out_destroy:
	alertable_sleep_destroy(c->as);
out:
	for (k = 0; k < ARRAY_SIZE(lat_names); k++)
		vfree(ns[k]);
	kfree(c);
	return ret;
}

/* ---- 2. fan-out --------------------------------------------------------- */

enum fan_kind { FAN_COMPLETION, FAN_WAITQ, FAN_ALERTABLE, FAN_RCUWAIT,
		FAN_NR };

static const char * const fan_names[] = {
	[FAN_COMPLETION] = "completion",
	[FAN_WAITQ] = "waitqueue_flag",
	[FAN_ALERTABLE] = "alertable_sleep",
	[FAN_RCUWAIT] = "rcuwait_flag",
};

static const unsigned int fan_sizes[] = { 16, 256, 1024 };

#define FAN_MAX		1024
#define FAN_SLEEP_MS	30000
/*
 * From the moment every worker is at the door of its wait to the wake-up:
 * long enough for the last of them to block and the CPUs to go idle (see
 * as_index_has_sleeper()).
 */
#define FAN_SETTLE_US	1000

struct fan_ctx;

struct fan_worker {
	struct fan_ctx *f;
	unsigned int id;
	struct task_struct *task;
};

struct fan_ctx {
	wait_queue_head_t gate;
	unsigned int gen;	/* bumped to start a round */
	unsigned int n;		/* workers 0..n-1 take part in it */
	enum fan_kind kind;
	struct alertable_sleep *as;
	struct completion comps[FAN_MAX];
	wait_queue_head_t wqs[FAN_MAX];
	struct rcuwait rws[FAN_MAX];
	bool flags[FAN_MAX];
	atomic_t ready;		/* workers about to call their wait */
	atomic_t remaining;
	atomic_t errors;
	u64 t_last;		/* when the last sleeper returned */
	struct completion all_done;
	struct fan_worker workers[FAN_MAX];
	unsigned int nr_workers;
};

static bool fan_sleep(struct fan_ctx *f, unsigned int id)
{
	long timeout = msecs_to_jiffies(FAN_SLEEP_MS);

	switch (f->kind) {
	case FAN_COMPLETION:
		return wait_for_completion_interruptible_timeout(&f->comps[id],
								 timeout) > 0;
	case FAN_WAITQ:
		return wait_event_interruptible_timeout(f->wqs[id],
							READ_ONCE(f->flags[id]),
							timeout) > 0;
	case FAN_ALERTABLE:
		return alertable_sleep_sleep(f->as, id, FAN_SLEEP_MS) ==
		       -ECANCELED;
	case FAN_RCUWAIT:
		return rcuwait_sleep(&f->rws[id], &f->flags[id], timeout);
	case FAN_NR:
		break;
	}
	return false;
}

static int fan_worker_fn(void *arg)
{
	struct fan_worker *w = arg;
	struct fan_ctx *f = w->f;
	unsigned int gen = 0;

	for (;;) {
		u64 t;

		wait_event_interruptible(f->gate,
					 READ_ONCE(f->gen) != gen ||
					 kthread_should_stop());
		if (kthread_should_stop())
			break;
		/* Pairs with the release in fan_round(): n, kind and as. */
		gen = smp_load_acquire(&f->gen);
		/*
		 * The flag fan_round() waits for: this worker calls its wait
		 * next, the sleep or, sitting this round out, the gate's.
		 */
		atomic_inc(&f->ready);
		if (w->id >= f->n)
			continue;
		if (!fan_sleep(f, w->id))
			atomic_inc(&f->errors);
		t = ktime_get_ns();
		if (atomic_dec_and_test(&f->remaining)) {
			WRITE_ONCE(f->t_last, t);
			complete(&f->all_done);
		}
	}
	return 0;
}

/*
 * Every worker, the idle ones too, is about to call its wait, and for
 * alertable_sleep each of the n sleepers owns its index.
 */
static bool fan_all_inside(struct fan_ctx *f)
{
	unsigned int i;

	if (atomic_read(&f->ready) != f->nr_workers)
		return false;
	if (f->kind != FAN_ALERTABLE)
		return true;
	for (i = 0; i < f->n; i++)
		if (!as_index_has_sleeper(f->as, i))
			return false;
	return true;
}

/* One fan-out: wake @n sleepers at once; returns abort-to-last-return ns. */
static u64 fan_round(struct fan_ctx *f, enum fan_kind kind, unsigned int n,
		     u64 *call_ns)
{
	u64 t0, t1, limit;
	unsigned int i;

	for (i = 0; i < n; i++) {
		reinit_completion(&f->comps[i]);
		WRITE_ONCE(f->flags[i], false);
		if (alertable_sleep_reset_for_reuse(f->as, i))
			atomic_inc(&f->errors);
	}
	f->kind = kind;
	f->n = n;
	atomic_set(&f->ready, 0);
	atomic_set(&f->remaining, n);
	reinit_completion(&f->all_done);
	/* Publishes the above to workers that see the new generation. */
	smp_store_release(&f->gen, f->gen + 1);
	wake_up_all(&f->gate);

	/*
	 * Every worker, the idle ones too, must be off the CPUs. Until the
	 * port to 5.10 this loop watched each worker's task state until all
	 * were blocked, and the wake-up followed within 100-200 us. It now
	 * waits until each is at the door of its wait, then FAN_SETTLE_US:
	 * at t0 the sleepers are blocked and the CPUs idle as before, so
	 * what is measured, t0 to the last return, is the same.
	 */
	limit = ktime_get_ns() + 10ULL * NSEC_PER_SEC;
	while (!fan_all_inside(f)) {
		if (ktime_get_ns() > limit) {
			atomic_inc(&f->errors);
			break;
		}
		usleep_range(100, 200);
	}
	usleep_range(FAN_SETTLE_US, FAN_SETTLE_US + 100);

	t0 = ktime_get_ns();
	switch (kind) {
	case FAN_COMPLETION:
		for (i = 0; i < n; i++)
			complete_all(&f->comps[i]);
		break;
	case FAN_WAITQ:
		for (i = 0; i < n; i++) {
			WRITE_ONCE(f->flags[i], true);
			wake_up_all(&f->wqs[i]);
		}
		break;
	case FAN_RCUWAIT:
		for (i = 0; i < n; i++)
			rcuwait_signal(&f->rws[i], &f->flags[i]);
		break;
	default:
		alertable_sleep_abort_all(f->as);
		break;
	}
	t1 = ktime_get_ns();
	bench_wait(&f->all_done);
	*call_ns = t1 - t0;
	return READ_ONCE(f->t_last) - t0;
}

static int bench_fanout(void)
{
	unsigned int reps = max(fan_reps, 1U), s, r, k, i;
	u64 *total, *call;
	struct fan_ctx *f;
	int ret = -ENOMEM;

	f = vzalloc(sizeof(*f));
	total = kcalloc(FAN_NR * reps, sizeof(*total), GFP_KERNEL);
	call = kcalloc(FAN_NR * reps, sizeof(*call), GFP_KERNEL);
	if (!f || !total || !call)
		goto out;

	init_waitqueue_head(&f->gate);
	init_completion(&f->all_done);
	for (i = 0; i < FAN_MAX; i++) {
		init_completion(&f->comps[i]);
		init_waitqueue_head(&f->wqs[i]);
		rcuwait_init(&f->rws[i]);
	}
	for (i = 0; i < FAN_MAX; i++) {
		struct fan_worker *w = &f->workers[i];

		w->f = f;
		w->id = i;
		w->task = kthread_run(fan_worker_fn, w, "asb_fan/%u", i);
		if (IS_ERR(w->task)) {
			ret = PTR_ERR(w->task);
			goto out_stop;
		}
		f->nr_workers++;
	}

	for (s = 0; s < ARRAY_SIZE(fan_sizes); s++) {
		unsigned int n = fan_sizes[s];

		f->as = alertable_sleep_create(n);
		if (IS_ERR(f->as)) {
			ret = PTR_ERR(f->as);
			goto out_stop;
		}
		atomic_set(&f->errors, 0);
		/* Rotate which variant goes first, against drift. */
		for (r = 0; r < reps; r++) {
			for (i = 0; i < FAN_NR; i++) {
				k = (r + i) % FAN_NR;
				total[k * reps + r] =
					fan_round(f, k, n, &call[k * reps + r]);
			}
		}
		alertable_sleep_destroy(f->as);

		for (k = 0; k < FAN_NR; k++) {
			struct summary t = summarise(total + k * reps, reps);
			struct summary c = summarise(call + k * reps, reps);

			pr_info("RESULT {\"test\":\"fanout\",\"variant\":\"%s\",\"threads\":%u,\"reps\":%u,\"min_ns\":%llu,\"p50_ns\":%llu,\"max_ns\":%llu,\"call_p50_ns\":%llu,\"errors\":%d}\n",
				fan_names[k], n, reps, t.min, t.p50, t.max,
				c.p50, atomic_read(&f->errors));
		}
	}
	ret = 0;
out_stop:
	for (i = 0; i < f->nr_workers; i++)
		kthread_stop(f->workers[i].task);
out:
	kfree(call);
	kfree(total);
	vfree(f);
	return ret;
}

/* ---- 3. fast paths ------------------------------------------------------ */

enum fast_op {
	FAST_SLEEP_ABORTED,	/* sleep on an aborted index */
	FAST_SLEEP_ZERO,	/* alertable_sleep_sleep(..., 0) */
	FAST_ABORT_IDLE,	/* alertable_sleep_abort() with no sleeper */
	FAST_COMPLETION_DONE,	/* completion_done() on a completed one */
	FAST_WAIT_DONE,		/* waiting on a completed completion */
	FAST_COMPLETE_ALL,	/* complete_all() with no waiter */
	FAST_NR
};

static const char * const fast_names[] = {
	[FAST_SLEEP_ABORTED] = "sleep_aborted",
	[FAST_SLEEP_ZERO] = "sleep_zero",
	[FAST_ABORT_IDLE] = "abort_idle",
	[FAST_COMPLETION_DONE] = "completion_done",
	[FAST_WAIT_DONE] = "wait_for_completion_done",
	[FAST_COMPLETE_ALL] = "complete_all_idle",
};

#define FAST_BATCH	10000

struct fast_ctx {
	struct alertable_sleep *as;	/* index 0 aborted, 1 and 2 idle */
	struct completion done;		/* completed for good */
	struct completion idle;		/* nobody ever waits on it */
};

static long wait_done(struct completion *done)
{
	return wait_for_completion_interruptible_timeout(done, HZ);
}

/* ns for FAST_BATCH calls of @op; a wrong return counts in @errors. */
static u64 fast_batch(struct fast_ctx *f, enum fast_op op,
		      unsigned int *errors)
{
	unsigned int i, bad = 0;
	u64 t0 = ktime_get_ns();

	switch (op) {
	case FAST_SLEEP_ABORTED:
		for (i = 0; i < FAST_BATCH; i++)
			bad += alertable_sleep_sleep(f->as, 0, 1000) !=
			       -ECANCELED;
		break;
	case FAST_SLEEP_ZERO:
		for (i = 0; i < FAST_BATCH; i++)
			bad += alertable_sleep_sleep(f->as, 1, 0) != 0;
		break;
	case FAST_ABORT_IDLE:
		for (i = 0; i < FAST_BATCH; i++)
			bad += alertable_sleep_abort(f->as, 2) != 0;
		break;
	case FAST_COMPLETION_DONE:
		for (i = 0; i < FAST_BATCH; i++)
			bad += !completion_done(&f->done);
		break;
	case FAST_WAIT_DONE:
		for (i = 0; i < FAST_BATCH; i++)
			bad += wait_done(&f->done) <= 0;
		break;
	case FAST_COMPLETE_ALL:
		for (i = 0; i < FAST_BATCH; i++)
			complete_all(&f->idle);
		break;
	case FAST_NR:
		break;
	}
	*errors += bad;
	return ktime_get_ns() - t0;
}

static int bench_fastpath(void)
{
	unsigned int batches = max(fast_calls / FAST_BATCH, 1U);
	unsigned int errors[FAST_NR] = {};
	u64 *ps[FAST_NR] = {};
	struct fast_ctx *f;
	unsigned int b, op;
	int ret = -ENOMEM;

	f = kzalloc_obj(*f, GFP_KERNEL);
	if (!f)
		return -ENOMEM;
	for (op = 0; op < FAST_NR; op++) {
		ps[op] = kvcalloc(batches, sizeof(u64), GFP_KERNEL);
		if (!ps[op])
			goto out;
	}
	f->as = alertable_sleep_create(3);
	if (IS_ERR(f->as)) {
		ret = PTR_ERR(f->as);
		goto out;
	}
	alertable_sleep_abort(f->as, 0);
	init_completion(&f->done);
	complete_all(&f->done);
	init_completion(&f->idle);

	/* Interleave the operations batch by batch, against drift. */
	for (b = 0; b < batches; b++) {
		for (op = 0; op < FAST_NR; op++) {
			u64 ns = fast_batch(f, op, &errors[op]);

			ps[op][b] = div_u64(ns * 1000, FAST_BATCH);
		}
		cond_resched();
	}
	alertable_sleep_destroy(f->as);

	for (op = 0; op < FAST_NR; op++) {
		u64 sum = 0;
		struct summary s;

		for (b = 0; b < batches; b++)
			sum += ps[op][b];
		s = summarise(ps[op], batches);
		pr_info("RESULT {\"test\":\"fastpath\",\"op\":\"%s\",\"calls\":%llu,\"batch\":%u,\"batches\":%u,\"p50_ps\":%llu,\"p99_ps\":%llu,\"mean_ps\":%llu,\"errors\":%u}\n",
			fast_names[op], (u64)batches * FAST_BATCH, FAST_BATCH,
			batches, s.p50, s.p99, div_u64(sum, batches),
			errors[op]);
	}
	ret = 0;
out:
	for (op = 0; op < FAST_NR; op++)
		kvfree(ps[op]);
	kfree(f);
	return ret;
}

/* ---- 4. timing accuracy ------------------------------------------------- */

enum tim_kind { TIM_ALERTABLE, TIM_MSLEEP, TIM_SCHED_TIMEOUT, TIM_HRTIMEOUT,
		TIM_NR };

static const char * const tim_names[] = {
	[TIM_ALERTABLE] = "alertable_sleep",
	[TIM_MSLEEP] = "msleep_interruptible",
	[TIM_SCHED_TIMEOUT] = "schedule_timeout_interruptible",
	[TIM_HRTIMEOUT] = "wait_event_interruptible_hrtimeout",
};

static const unsigned int tim_short_ms[] = { 1, 4, 10, 20, 100 };

/*
 * Past 63 jiffies (252 ms at HZ=250) a timeout lands in a coarser level of
 * the timer wheel (8 jiffies per slot, then 64 from 2.048 s on), which
 * rounds it up by up to that much: shown with a few long sleeps.
 */
static const unsigned int tim_long_ms[] = { 300, 1000, 3000 };

/* One series: every variant sleeps n times for each of the durations. */
struct tim_plan {
	const char *phase;
	const unsigned int *ms;
	unsigned int nr_ms;
	unsigned int n;
	bool random_phase;
};

struct tim_ctx {
	enum tim_kind kind;
	const struct tim_plan *plan;
	struct alertable_sleep *as;	/* this thread sleeps on index kind */
	wait_queue_head_t wq;
	bool never;
	u64 *elapsed;			/* [plan->nr_ms][plan->n] */
	unsigned int errors;
	struct completion exited;
};

static bool tim_sleep(struct tim_ctx *t, unsigned int ms)
{
	switch (t->kind) {
	case TIM_ALERTABLE:
		return alertable_sleep_sleep(t->as, t->kind, ms) == 0;
	case TIM_MSLEEP:
		return msleep_interruptible(ms) == 0;
	case TIM_SCHED_TIMEOUT:
		return schedule_timeout_interruptible(msecs_to_jiffies(ms)) ==
		       0;
	case TIM_HRTIMEOUT:
		return wait_event_interruptible_hrtimeout(t->wq,
				READ_ONCE(t->never), ms_to_ktime(ms)) == -ETIME;
	case TIM_NR:
		break;
	}
	return false;
}

static int tim_fn(void *arg)
{
	struct tim_ctx *t = arg;
	const struct tim_plan *p = t->plan;
	unsigned int d, i;

	for (d = 0; d < p->nr_ms; d++) {
		for (i = 0; i < p->n; i++) {
			u64 t0;
			bool ok;

			/*
			 * A driver's sleep starts at any point of a tick; a
			 * loop's starts right after the tick that woke it.
			 */
			if (p->random_phase || !i) {
				u32 us = get_random_u32_below(TICK_NSEC /
							      NSEC_PER_USEC);

				usleep_range(us, us + 10);
			}
			t0 = ktime_get_ns();
			ok = tim_sleep(t, p->ms[d]);
			t->elapsed[d * p->n + i] = ktime_get_ns() - t0;
			if (!ok)
				t->errors++;
		}
	}
	kthread_complete_and_exit(&t->exited, 0);
}

static void tim_report(struct tim_ctx *t)
{
	const struct tim_plan *p = t->plan;
	unsigned int d, i;

	for (d = 0; d < p->nr_ms; d++) {
		u64 *v = t->elapsed + d * p->n;
		s64 req = (s64)p->ms[d] * NSEC_PER_MSEC;
		unsigned int early = 0;
		struct summary s;

		for (i = 0; i < p->n; i++)
			early += v[i] < req;
		s = summarise(v, p->n);
		pr_info("RESULT {\"test\":\"timing\",\"variant\":\"%s\",\"phase\":\"%s\",\"ms\":%u,\"n\":%u,\"min_over_ns\":%lld,\"p50_over_ns\":%lld,\"p99_over_ns\":%lld,\"max_over_ns\":%lld,\"early\":%u,\"errors\":%u}\n",
			tim_names[t->kind], p->phase, p->ms[d], p->n,
			(s64)s.min - req, (s64)s.p50 - req, (s64)s.p99 - req,
			(s64)s.max - req, early, t->errors);
	}
}

static int tim_start(struct tim_ctx *t)
{
	struct task_struct *p;

	p = kthread_run(tim_fn, t, "asb_tim/%u", t->kind);
	return PTR_ERR_OR_ZERO(p);
}

/* Runs @plan for every variant, in parallel threads unless told not to. */
static int bench_timing_plan(struct alertable_sleep *as,
			     const struct tim_plan *plan)
{
	struct tim_ctx *t;
	unsigned int k, started = 0;
	int ret = 0;

	t = kcalloc(TIM_NR, sizeof(*t), GFP_KERNEL);
	if (!t)
		return -ENOMEM;
	for (k = 0; k < TIM_NR; k++) {
		t[k].kind = k;
		t[k].plan = plan;
		t[k].as = as;
		init_waitqueue_head(&t[k].wq);
		init_completion(&t[k].exited);
		t[k].elapsed = kvcalloc(array_size(plan->nr_ms, plan->n),
					sizeof(u64), GFP_KERNEL);
		if (!t[k].elapsed) {
			ret = -ENOMEM;
			goto out;
		}
	}

	for (k = 0; k < TIM_NR; k++) {
		ret = tim_start(&t[k]);
		if (ret)
			break;
		started++;
		if (!timing_parallel)
			bench_wait(&t[k].exited);
	}
	for (k = 0; k < started; k++) {
		bench_wait(&t[k].exited);
		if (!ret)
			tim_report(&t[k]);
	}
out:
	for (k = 0; k < TIM_NR; k++)
		kvfree(t[k].elapsed);
	kfree(t);
	return ret;
}

static int bench_timing(void)
{
	const struct tim_plan plans[] = {
		{ "random", tim_short_ms, ARRAY_SIZE(tim_short_ms),
		  timing_sleeps, true },
		{ "random", tim_long_ms, ARRAY_SIZE(tim_long_ms),
		  timing_long_sleeps, true },
		{ "back_to_back", tim_short_ms, ARRAY_SIZE(tim_short_ms),
		  timing_b2b_sleeps, false },
	};
	struct alertable_sleep *as = alertable_sleep_create(TIM_NR);
	unsigned int i;
	int ret = 0;

	if (IS_ERR(as))
		return PTR_ERR(as);
	for (i = 0; i < ARRAY_SIZE(plans) && !ret; i++)
		if (plans[i].n)
			ret = bench_timing_plan(as, &plans[i]);
	alertable_sleep_destroy(as);
	return ret;
}

/* ---- 5. memory ---------------------------------------------------------- */

/*
 * The entry before commit 55516c5 ("the entry is one word, owner and
 * state"): an rcuwait and a state word, 16 bytes on 64-bit. A copy, to
 * allocate the array of 65,536 such entries as the instance did then.
 */
struct entry_before_55516c5 {
	struct rcuwait wait;
	atomic_t state;
};

/*
 * What the allocator gave for a kvmalloc() of @bytes at @p: the slab
 * object or kmalloc pages behind it (ksize()), or the pages of a vmalloc
 * area.
 */
static size_t kv_alloc_size(const void *p, size_t bytes)
{
	return is_vmalloc_addr(p) ? PAGE_ALIGN(bytes) : ksize(p);
}

/*
 * The entries array of an instance of @count entries of @size bytes, as
 * alertable_sleep_create() allocates it (kvzalloc_objs(), one allocation
 * beside the header): what the allocator gave, in bytes, or 0.
 */
static size_t entries_alloc(size_t size, unsigned int count, bool *vmalloced)
{
	void *p = kvcalloc(count, size, GFP_KERNEL);
	size_t got;

	if (!p)
		return 0;
	got = kv_alloc_size(p, array_size(count, size));
	*vmalloced = is_vmalloc_addr(p);
	kvfree(p);
	return got;
}

static int bench_memory(void)
{
	unsigned int reps = max(mem_reps, 1U), r;
	size_t alloc_bytes = 0, arr_new, arr_old;
	bool vmalloced = false, arr_vm_new = false, arr_vm_old = false;
	s64 *free_d, *slab_d;
	int ret = 0;

	free_d = kcalloc(2 * reps, sizeof(s64), GFP_KERNEL);
	if (!free_d)
		return -ENOMEM;
	slab_d = free_d + reps;

	for (r = 0; r < reps; r++) {
		unsigned long free0, free1, slab0, slab1;
		struct alertable_sleep *as;

		free0 = global_zone_page_state(NR_FREE_PAGES);
		slab0 = global_node_page_state_pages(NR_SLAB_UNRECLAIMABLE_B);
		as = alertable_sleep_create(mem_entries);
		free1 = global_zone_page_state(NR_FREE_PAGES);
		slab1 = global_node_page_state_pages(NR_SLAB_UNRECLAIMABLE_B);
		if (IS_ERR(as)) {
			ret = PTR_ERR(as);
			goto out;
		}
		/* The instance starts at the start of its allocation. */
		vmalloced = is_vmalloc_addr(as);
		alloc_bytes = vmalloced ? 0 : ksize(as);
		alertable_sleep_destroy(as);
		free_d[r] = ((s64)free0 - (s64)free1) * PAGE_SIZE;
		slab_d[r] = ((s64)slab1 - (s64)slab0) * PAGE_SIZE;
	}
	sort(free_d, reps, sizeof(s64), cmp_s64, NULL);
	sort(slab_d, reps, sizeof(s64), cmp_s64, NULL);

	arr_new = entries_alloc(sizeof(struct alertable_sleep_entry),
				mem_entries, &arr_vm_new);
	arr_old = entries_alloc(sizeof(struct entry_before_55516c5),
				mem_entries, &arr_vm_old);

	pr_info("RESULT {\"test\":\"memory\",\"source\":\"kernel\",\"entries\":%u,\"reps\":%u,\"free_delta_bytes\":%lld,\"free_delta_min\":%lld,\"free_delta_max\":%lld,\"slab_delta_bytes\":%lld,\"alloc_bytes\":%zu,\"vmalloc\":%d,\"sizeof_entry\":%zu,\"sizeof_entry_old\":%zu,\"entries_alloc_bytes\":%zu,\"entries_vmalloc\":%d,\"entries_alloc_old_bytes\":%zu,\"entries_old_vmalloc\":%d,\"page_size\":%lu}\n",
		mem_entries, reps, free_d[rank(reps, 50)], free_d[0],
		free_d[reps - 1], slab_d[rank(reps, 50)], alloc_bytes,
		vmalloced, sizeof(struct alertable_sleep_entry),
		sizeof(struct entry_before_55516c5), arr_new, arr_vm_new,
		arr_old, arr_vm_old, PAGE_SIZE);
	if (!arr_new || !arr_old)
		ret = -ENOMEM;
out:
	kfree(free_d);
	return ret;
}

/* mem_hold: an instance that lives between two writes of the parameter. */
static DEFINE_MUTEX(held_lock);
static struct alertable_sleep *held;
static unsigned int mem_hold;

static int mem_hold_set(const char *val, const struct kernel_param *kp)
{
	struct alertable_sleep *as = NULL;
	unsigned int n;
	int ret;

	ret = kstrtouint(val, 0, &n);
	if (ret)
		return ret;
	if (n > ALERTABLE_SLEEP_MAX_EVENTS)
		return -EINVAL;

	mutex_lock(&held_lock);
	alertable_sleep_destroy(held);
	held = NULL;
	*(unsigned int *)kp->arg = 0;
	if (n) {
		as = alertable_sleep_create(n);
		if (IS_ERR(as)) {
			ret = PTR_ERR(as);
		} else {
			held = as;
			*(unsigned int *)kp->arg = n;
		}
	}
	mutex_unlock(&held_lock);
	return ret;
}

static const struct kernel_param_ops mem_hold_ops = {
	.set = mem_hold_set,
	.get = param_get_uint,
};

module_param_cb(mem_hold, &mem_hold_ops, &mem_hold, 0644);
MODULE_PARM_DESC(mem_hold,
		 "Write N to hold an instance of N entries, 0 to free it");

/* ---- 6. abort_all() in hard IRQ ------------------------------------------ */

/*
 * alertable_sleep_abort_all() on an instance of ALERTABLE_SLEEP_MAX_EVENTS
 * indices, called from a HARD hrtimer callback: hard IRQ with interrupts
 * off, the context in which its O(event_count) loop delays everything
 * else on that CPU. Timed inside the callback, so the figure is the call
 * alone, not the interrupt's entry or the wake-ups' effects on other CPUs.
 * With no sleeper it is the loop's cost; with sleepers, spread over the
 * instance, it adds their wake-ups and, with tracing on, their trace
 * events.
 *
 * PREEMPT_RT refuses the call where nothing can preempt it: from the HARD
 * hrtimer it returns -EPERM and does nothing. A run finds that out with
 * one call first, says so ("hardirq_ret"), and then times the call from
 * where PREEMPT_RT allows it, the process context of the parameter's
 * writer ("context":"process"), rather than time a refusal.
 *
 * bench/guest.sh runs it through the abort_all_run parameter, writing
 * "off" or "on" after it has switched events/alertable_sleep/ in tracefs:
 * the run states how tracing was, it cannot see it.
 */
#define AA_SLEEP_MS	30000
#define AA_DELAY_NS	(100 * NSEC_PER_USEC)

/* One abort_all() from a HARD hrtimer callback, and what it saw. */
struct hardirq_call {
	struct hrtimer timer;
	struct alertable_sleep *as;
	struct completion fired;
	u64 ns;			/* the call, timed inside the callback */
	int ret;		/* what abort_all() returned */
	bool hardirq;		/* the callback ran in hard IRQ, irqs off */
};

static enum hrtimer_restart hardirq_call_fire(struct hrtimer *t)
{
	struct hardirq_call *h = container_of(t, struct hardirq_call, timer);
	u64 t0;

	/* The context the figure claims, checked rather than assumed. */
	h->hardirq = in_hardirq() && irqs_disabled();
	t0 = ktime_get_ns();
	h->ret = alertable_sleep_abort_all(h->as);
	h->ns = ktime_get_ns() - t0;
	complete(&h->fired);
	return HRTIMER_NORESTART;
}

static void hardirq_call_init(struct hardirq_call *h,
			      struct alertable_sleep *as)
{
	h->as = as;
	init_completion(&h->fired);
	hrtimer_setup(&h->timer, hardirq_call_fire, CLOCK_MONOTONIC,
		      HRTIMER_MODE_REL_HARD);
}

/* Call abort_all() once in hard IRQ, AA_DELAY_NS from now; wait for it. */
static void hardirq_call_run(struct hardirq_call *h)
{
	reinit_completion(&h->fired);
	h->hardirq = false;
	h->ret = -EINPROGRESS;
	hrtimer_start(&h->timer, ns_to_ktime(AA_DELAY_NS),
		      HRTIMER_MODE_REL_HARD);
	bench_wait(&h->fired);
}

struct aa_ctx;

struct aa_sleeper {
	struct aa_ctx *c;
	unsigned int index;
};

struct aa_ctx {
	struct alertable_sleep *as;
	struct hardirq_call h;
	bool in_process;		/* hard IRQ refused: call from here */
	struct completion exited;	/* once per sleeper thread */
	atomic_t errors;
	struct aa_sleeper sleepers[AA_MAX_SLEEPERS];
};

static int aa_sleeper_fn(void *arg)
{
	struct aa_sleeper *s = arg;
	struct aa_ctx *c = s->c;

	if (alertable_sleep_sleep(c->as, s->index, AA_SLEEP_MS) != -ECANCELED)
		atomic_inc(&c->errors);
	/* Leaves no instruction of this module to run after the complete. */
	kthread_complete_and_exit(&c->exited, 0);
}

/* Reset every index from process context, as a driver would; untimed. */
static void aa_reset_all(struct aa_ctx *c)
{
	unsigned int count = alertable_sleep_event_count(c->as), i;

	for (i = 0; i < count; i++) {
		if (alertable_sleep_reset_for_reuse(c->as, i))
			atomic_inc(&c->errors);
		if (!(i % 1024))
			cond_resched();
	}
}

/* One timed abort_all() with @n sleepers; its duration or 0 on failure. */
static u64 aa_round(struct aa_ctx *c, unsigned int n)
{
	unsigned int count = alertable_sleep_event_count(c->as);
	unsigned int i, started = 0;
	u64 limit, ns;
	int ret;

	reinit_completion(&c->exited);
	for (i = 0; i < n; i++) {
		struct aa_sleeper *s = &c->sleepers[i];
		struct task_struct *p;

		s->c = c;
		s->index = i * (count / n);
		p = kthread_run(aa_sleeper_fn, s, "asb_aa/%u", i);
		if (IS_ERR(p)) {
			atomic_inc(&c->errors);
			break;
		}
		started++;
	}
	/*
	 * Every sleeper blocked (see as_index_has_sleeper()) and its CPU
	 * idle, so that the wake-ups are whole ones. A failure still makes
	 * the call: the abort is what ends the sleepers that did start.
	 */
	limit = ktime_get_ns() + 10ULL * NSEC_PER_SEC;
	for (i = 0; i < started; i++) {
		while (!as_index_has_sleeper(c->as, c->sleepers[i].index)) {
			if (ktime_get_ns() > limit) {
				atomic_inc(&c->errors);
				break;
			}
			usleep_range(100, 200);
		}
	}
	usleep_range(1000, 1100);

	if (c->in_process) {
		u64 t0 = ktime_get_ns();

		ret = alertable_sleep_abort_all(c->as);
		ns = ktime_get_ns() - t0;
	} else {
		hardirq_call_run(&c->h);
		ret = c->h.ret;
		ns = c->h.ns;
		if (!c->h.hardirq)
			atomic_inc(&c->errors);
	}
	if (ret)
		atomic_inc(&c->errors);
	for (i = 0; i < started; i++)
		bench_wait(&c->exited);
	/* The last index is aborted too, whether or not anyone slept there. */
	if (alertable_sleep_sleep(c->as, count - 1, 0) != -ECANCELED)
		atomic_inc(&c->errors);

	aa_reset_all(c);
	return ns;
}

static int bench_abort_all(const char *tracing)
{
	static unsigned int run;
	unsigned int reps = max(abort_all_reps, 1U);
	unsigned int sizes[] = { 0, clamp(abort_all_sleepers, 1U,
					  (unsigned int)AA_MAX_SLEEPERS) };
	struct aa_ctx *c;
	int hardirq_ret;
	u64 *ns;
	unsigned int s, r;
	int ret = -ENOMEM;

	c = kzalloc_obj(*c, GFP_KERNEL);
	ns = kcalloc(ARRAY_SIZE(sizes) * reps, sizeof(*ns), GFP_KERNEL);
	if (!c || !ns)
		goto out;
	c->as = alertable_sleep_create(ALERTABLE_SLEEP_MAX_EVENTS);
	if (IS_ERR(c->as)) {
		ret = PTR_ERR(c->as);
		goto out;
	}
	hardirq_call_init(&c->h, c->as);
	init_completion(&c->exited);
	atomic_set(&c->errors, 0);
	run++;

	/*
	 * May it run in hard IRQ here? One untimed call says: 0, or -EPERM
	 * on PREEMPT_RT, where every call then comes from process context.
	 */
	hardirq_call_run(&c->h);
	hardirq_ret = c->h.ret;
	c->in_process = hardirq_ret == -EPERM;
	if (hardirq_ret && !c->in_process)
		atomic_inc(&c->errors);
	aa_reset_all(c);

	/* One call per size in turn, so that drift hits both alike. */
	for (r = 0; r < reps; r++)
		for (s = 0; s < ARRAY_SIZE(sizes); s++)
			ns[s * reps + r] = aa_round(c, sizes[s]);
	hrtimer_cancel(&c->h.timer);
	alertable_sleep_destroy(c->as);

	for (s = 0; s < ARRAY_SIZE(sizes); s++) {
		struct summary m = summarise(ns + s * reps, reps);

		pr_info("RESULT {\"test\":\"abort_all\",\"tracing\":\"%s\",\"run\":%u,\"entries\":%u,\"sleepers\":%u,\"reps\":%u,\"context\":\"%s\",\"hardirq_ret\":%d,\"preempt_rt\":%d,\"min_ns\":%llu,\"p50_ns\":%llu,\"max_ns\":%llu,\"errors\":%d}\n",
			tracing, run, ALERTABLE_SLEEP_MAX_EVENTS, sizes[s],
			reps, c->in_process ? "process" : "hardirq",
			hardirq_ret, IS_ENABLED(CONFIG_PREEMPT_RT), m.min,
			m.p50, m.max, atomic_read(&c->errors));
	}
	ret = 0;
out:
	kfree(ns);
	kfree(c);
	return ret;
}

/*
 * abort_all_run: "off" or "on", how the writer left the tracepoints. Writes
 * are serialised by the module's kernel_param_lock.
 */
static int abort_all_run_set(const char *val, const struct kernel_param *kp)
{
	const char *tracing;
	int ret;

	if (sysfs_streq(val, "off"))
		tracing = "off";
	else if (sysfs_streq(val, "on"))
		tracing = "on";
	else
		return -EINVAL;

	ret = bench_abort_all(tracing);
	pr_info("RESULT {\"test\":\"phase\",\"name\":\"abort_all_%s\",\"ret\":%d}\n",
		tracing, ret);
	return ret;
}

static const struct kernel_param_ops abort_all_run_ops = {
	.set = abort_all_run_set,
};

module_param_cb(abort_all_run, &abort_all_run_ops, NULL, 0200);
MODULE_PARM_DESC(abort_all_run,
		 "Write off or on, the state of the alertable_sleep tracepoints, to time abort_all() in hard IRQ (from process context where PREEMPT_RT refuses it)");

/* ---- 7. coalescing of long sleeps -------------------------------------- */

/*
 * 64 kthreads sleep 2 s each, started one every coalesce_spread_us (2 ms:
 * over 126 ms), for each sleep method in turn, one method per write of
 * the coalesce_run parameter:
 *
 * - alertable_sleep: alertable_sleep_sleep(as, i, 2000), whose hrtimer
 *   may fire up to an eighth of the delay (250 ms) after the deadline;
 * - hrtimer_slack: schedule_hrtimeout_range() of 2 s with the task's own
 *   timer slack (50 us), the precise rule alertable_sleep had before;
 * - msleep_interruptible: msleep_interruptible(2000), a timer of the
 *   timer wheel, whose level for 2 s has slots of 8 jiffies (32 ms).
 *
 * The module times each sleep (overshoot: return - start - 2 s). The
 * timer expiries are counted by bench/guest.sh and bench/report.py from
 * the kernel's tracepoints timer:hrtimer_expire_entry and
 * timer:timer_expire_entry, whose timer pointer is printed raw (tracefs's
 * nohash-ptr): every timer of these sleeps is on its sleeper's stack,
 * which the sleeper lines name, so the expiries are told apart from every
 * other timer of the system without guessing.
 */
#define CO_SLEEP_MS	2000

enum co_kind { CO_ALERTABLE, CO_HRTIMER, CO_MSLEEP, CO_NR };

static const char * const co_names[] = {
	[CO_ALERTABLE] = "alertable_sleep",
	[CO_HRTIMER] = "hrtimer_slack",
	[CO_MSLEEP] = "msleep_interruptible",
};

struct co_ctx;

struct co_sleeper {
	struct co_ctx *c;
	unsigned int i;
	struct completion go;
	u64 t0, t1;
	unsigned long stack;	/* the sleeper's stack, its timer's home */
	u64 slack_ns;		/* its timer_slack_ns */
	int ret;
};

struct co_ctx {
	enum co_kind kind;
	struct alertable_sleep *as;
	struct completion returned;	/* once per sleep that returned */
	struct completion release;	/* all returned: the threads may go */
	struct completion exited;	/* once per sleeper thread */
	struct co_sleeper s[CO_MAX_SLEEPERS];
};

/* One sleep of CO_SLEEP_MS by @c's method: 0 when it ran its course. */
static int co_sleep(struct co_ctx *c, unsigned int i)
{
	ktime_t kt = ms_to_ktime(CO_SLEEP_MS);

	switch (c->kind) {
	case CO_ALERTABLE:
		return alertable_sleep_sleep(c->as, i, CO_SLEEP_MS);
	case CO_HRTIMER:
		set_current_state(TASK_INTERRUPTIBLE);
		return schedule_hrtimeout_range(&kt, current->timer_slack_ns,
						HRTIMER_MODE_REL);
	case CO_MSLEEP:
		return msleep_interruptible(CO_SLEEP_MS) ? -EINTR : 0;
	case CO_NR:
		break;
	}
	return -EINVAL;
}

static int co_sleeper_fn(void *arg)
{
	struct co_sleeper *s = arg;
	struct co_ctx *c = s->c;

	s->stack = (unsigned long)task_stack_page(current);
	s->slack_ns = current->timer_slack_ns;
	wait_for_completion(&s->go);
	s->t0 = ktime_get_ns();
	s->ret = co_sleep(c, s->i);
	s->t1 = ktime_get_ns();
	/*
	 * Exit only once every sleep has returned: an exiting thread queues
	 * RCU callbacks (its task_struct is freed after a grace period),
	 * and a CPU with callbacks queued keeps its periodic tick unless
	 * its callbacks are offloaded (rcu_nocbs=, not set here), which
	 * changes how the timers still pending on it expire (see
	 * bench_coalesce()).
	 */
	complete(&c->returned);
	wait_for_completion(&c->release);
	kthread_complete_and_exit(&c->exited, 0);
}

static int bench_coalesce(enum co_kind kind)
{
	unsigned int n = clamp(coalesce_sleepers, 1U,
			       (unsigned int)CO_MAX_SLEEPERS);
	unsigned int i, started = 0, errors = 0, early = 0;
	u64 over[CO_MAX_SLEEPERS], first = U64_MAX, last = 0, end = 0;
	unsigned long j0, j1;
	struct summary sum;
	struct co_ctx *c;
	ktime_t next;
	int ret = 0;

	c = kzalloc_obj(*c, GFP_KERNEL);
	if (!c)
		return -ENOMEM;
	c->kind = kind;
	init_completion(&c->returned);
	init_completion(&c->release);
	init_completion(&c->exited);
	c->as = alertable_sleep_create(n);
	if (IS_ERR(c->as)) {
		ret = PTR_ERR(c->as);
		goto out;
	}
	for (i = 0; i < n; i++) {
		struct co_sleeper *s = &c->s[i];
		struct task_struct *p;

		s->c = c;
		s->i = i;
		init_completion(&s->go);
		p = kthread_run(co_sleeper_fn, s, "asb_co/%u", i);
		if (IS_ERR(p)) {
			ret = PTR_ERR(p);
			break;
		}
		started++;
	}

	/*
	 * Run the RCU callbacks still queued (by the threads that earlier
	 * phases ended, among others) first: a CPU with callbacks keeps its
	 * periodic tick unless they are offloaded, and the tick's hrtimer,
	 * re-armed one jiffy ahead each time, stays in front of every hard
	 * timer whose slack has begun, so hrtimer expires such a timer only
	 * on the last tick before its hard expiry, one by one, as on any
	 * busy CPU. (On PREEMPT_RT these sleepers' timers are soft ones, in
	 * a queue of their own.) The trace shows which expiries ran with
	 * the tick.
	 */
	rcu_barrier();

	/*
	 * Start them one every coalesce_spread_us, on a schedule of absolute
	 * times, so that a late wake-up here (a busy host) does not push the
	 * later starts back. The waits here are hrtimer sleeps too, but on
	 * this thread's stack, which no sleeper line names: they are not
	 * counted.
	 */
	j0 = jiffies;
	next = ktime_get();
	for (i = 0; i < started; i++) {
		complete(&c->s[i].go);
		if (i + 1 == started || !coalesce_spread_us)
			continue;
		next = ktime_add_us(next, coalesce_spread_us);
		set_current_state(TASK_UNINTERRUPTIBLE);
		schedule_hrtimeout_range(&next, 0, HRTIMER_MODE_ABS);
	}
	/* Well under the hung-task timeout: no timer of our own meanwhile. */
	for (i = 0; i < started; i++)
		wait_for_completion(&c->returned);
	j1 = jiffies;
	complete_all(&c->release);
	for (i = 0; i < started; i++)
		wait_for_completion(&c->exited);

	for (i = 0; i < started; i++) {
		struct co_sleeper *s = &c->s[i];
		u64 el = s->t1 - s->t0;

		if (s->ret)
			errors++;
		if (el < (u64)CO_SLEEP_MS * NSEC_PER_MSEC)
			early++;
		over[i] = el;
		first = min(first, s->t0);
		last = max(last, s->t0);
		end = max(end, s->t1);
		pr_info("RESULT {\"test\":\"coalesce_sleeper\",\"method\":\"%s\",\"i\":%u,\"stack\":\"%lx\",\"t0_ns\":%llu,\"t1_ns\":%llu,\"ret\":%d}\n",
			co_names[kind], i, s->stack, s->t0, s->t1, s->ret);
	}
	sum = summarise(over, started);
	pr_info("RESULT {\"test\":\"coalesce\",\"method\":\"%s\",\"sleepers\":%u,\"ms\":%u,\"spread_us\":%u,\"start_span_ns\":%llu,\"first_start_ns\":%llu,\"last_end_ns\":%llu,\"jiffies0\":%lu,\"jiffies1\":%lu,\"stack_size\":%lu,\"timer_slack_ns\":%llu,\"over_min_ns\":%lld,\"over_p50_ns\":%lld,\"over_max_ns\":%lld,\"early\":%u,\"errors\":%u}\n",
		co_names[kind], started, CO_SLEEP_MS, coalesce_spread_us,
		started ? last - first : 0, started ? first : 0, end, j0, j1,
		THREAD_SIZE, started ? c->s[0].slack_ns : 0,
		(s64)sum.min - (s64)CO_SLEEP_MS * NSEC_PER_MSEC,
		(s64)sum.p50 - (s64)CO_SLEEP_MS * NSEC_PER_MSEC,
		(s64)sum.max - (s64)CO_SLEEP_MS * NSEC_PER_MSEC, early,
		errors + n - started);
	alertable_sleep_destroy(c->as);
out:
	kfree(c);
	return ret;
}

/* coalesce_run: the method to run, by its name in co_names[]. */
static int coalesce_run_set(const char *val, const struct kernel_param *kp)
{
	int k, ret;

	for (k = 0; k < CO_NR; k++)
		if (sysfs_streq(val, co_names[k]))
			break;
	if (k == CO_NR)
		return -EINVAL;
	ret = bench_coalesce(k);
	pr_info("RESULT {\"test\":\"phase\",\"name\":\"coalesce_%s\",\"ret\":%d}\n",
		co_names[k], ret);
	return ret;
}

static const struct kernel_param_ops coalesce_run_ops = {
	.set = coalesce_run_set,
};

module_param_cb(coalesce_run, &coalesce_run_ops, NULL, 0200);
MODULE_PARM_DESC(coalesce_run,
		 "Write alertable_sleep, hrtimer_slack or msleep_interruptible: 64 sleeps of 2 s by that method, spread over coalesce_spread_us each");

/* ---- 8. abort_all() storm against other tasks' latency ------------------ */

/*
 * abort_all() of an instance of ALERTABLE_SLEEP_MAX_EVENTS indices in a
 * loop while storm_sleepers kthreads sleep on indices spread over it (each
 * resets its index and sleeps again when woken), for bench/guest.sh to
 * measure the worst wake-up latency of other tasks with the kernel's own
 * tools (timerlat, cyclictest) with the storm and without. Writing
 * "hardirq" or "kthread" to the storm parameter starts it, "stop" ends it
 * and prints the result:
 *
 * - hardirq: a HARD hrtimer calls abort_all() every storm_period_us, with
 *   interrupts off for the whole scan (non-RT kernels; PREEMPT_RT refuses
 *   it, and every call returns -EPERM, counted as refused);
 * - kthread: a SCHED_OTHER kthread calls abort_all() in a loop, the
 *   context PREEMPT_RT allows (preemptible: on a non-RT kernel with
 *   voluntary preemption the scan is not preempted);
 * - busy: the control, a SCHED_OTHER kthread that keeps its CPU busy
 *   and calls nothing, with a preemption point at every step (so that it
 *   delays nobody on a non-RT kernel either): under QEMU TCG on a shared
 *   host a vCPU that never idles is itself served later, and this tells
 *   that apart from what the storm does.
 *
 * Every start first makes one call from a HARD hrtimer and reports what
 * it returned: -EPERM on PREEMPT_RT, 0 elsewhere.
 */
#define STORM_SAMPLES	4096
#define STORM_SLEEP_MS	30000

struct storm_ctx;

struct storm_sleeper {
	struct storm_ctx *c;
	unsigned int index;
	struct task_struct *task;
};

enum storm_kind { STORM_HARDIRQ, STORM_KTHREAD, STORM_BUSY, STORM_NR };

static const char * const storm_names[] = {
	[STORM_HARDIRQ] = "hardirq",
	[STORM_KTHREAD] = "kthread",
	[STORM_BUSY] = "busy",
};

struct storm_ctx {
	struct alertable_sleep *as;
	enum storm_kind kind;		/* the storm's context */
	struct hrtimer timer;
	struct task_struct *thread;
	struct hardirq_call probe;
	atomic_t stop;
	u64 t_start;
	/* Written by the storm's context only, read once it has stopped. */
	u64 calls, refused, failed, max_ns, sum_ns;
	u64 ns[STORM_SAMPLES];		/* the last STORM_SAMPLES calls */
	atomic_t wakes;			/* sleeps the storm ended */
	atomic_t errors;
	unsigned int nr_sleepers;
	struct storm_sleeper sleepers[AA_MAX_SLEEPERS];
};

static DEFINE_MUTEX(storm_lock);
static struct storm_ctx *storm;

static void storm_call(struct storm_ctx *c)
{
	u64 t0 = ktime_get_ns(), ns;
	int ret = alertable_sleep_abort_all(c->as);

	ns = ktime_get_ns() - t0;
	if (ret == -EPERM) {
		c->refused++;
		return;
	}
	if (ret)
		c->failed++;
	c->ns[c->calls % STORM_SAMPLES] = ns;
	c->calls++;
	c->sum_ns += ns;
	c->max_ns = max(c->max_ns, ns);
}

static enum hrtimer_restart storm_fire(struct hrtimer *t)
{
	struct storm_ctx *c = container_of(t, struct storm_ctx, timer);

	storm_call(c);
	if (atomic_read(&c->stop))
		return HRTIMER_NORESTART;
	hrtimer_forward_now(t, ns_to_ktime((u64)storm_period_us *
					   NSEC_PER_USEC));
	return HRTIMER_RESTART;
}

static int storm_thread_fn(void *arg)
{
	struct storm_ctx *c = arg;

	while (!kthread_should_stop()) {
		if (c->kind == STORM_BUSY) {
			u64 end = ktime_get_ns() + NSEC_PER_MSEC;
			unsigned int i = 0;

			/*
			 * Preemptible at every step, on every kernel; the clock
			 * read seldom, as the storm reads it (under QEMU an HPET
			 * read is an exit to the emulator, which serialises it).
			 */
			while (++i % 1024 || ktime_get_ns() < end) {
				cpu_relax();
				cond_resched();
			}
			c->calls++;
		} else {
			storm_call(c);
		}
		cond_resched();
	}
	return 0;
}

/* Sleep, and sleep again when the storm wakes us; only kthread_stop() ends it. */
static int storm_sleeper_fn(void *arg)
{
	struct storm_sleeper *s = arg;
	struct storm_ctx *c = s->c;

	while (!kthread_should_stop()) {
		int ret = alertable_sleep_sleep(c->as, s->index,
						STORM_SLEEP_MS);

		if (ret == -ECANCELED) {
			atomic_inc(&c->wakes);
			/* -EBUSY cannot be: this thread is the only sleeper. */
			if (alertable_sleep_reset_for_reuse(c->as, s->index))
				atomic_inc(&c->errors);
		} else if (ret && ret != -ERESTARTSYS) {
			atomic_inc(&c->errors);
			usleep_range(1000, 2000);
		}
	}
	return 0;
}

static void storm_free(struct storm_ctx *c)
{
	unsigned int i;

	for (i = 0; i < c->nr_sleepers; i++)
		kthread_stop(c->sleepers[i].task);
	hrtimer_cancel(&c->probe.timer);
	alertable_sleep_destroy(c->as);
	vfree(c);
}

static int storm_start(enum storm_kind kind)
{
	unsigned int n = min_t(unsigned int, storm_sleepers, AA_MAX_SLEEPERS);
	struct storm_ctx *c;
	unsigned int i;
	int ret;

	c = vzalloc(sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->kind = kind;
	c->as = alertable_sleep_create(ALERTABLE_SLEEP_MAX_EVENTS);
	if (IS_ERR(c->as)) {
		ret = PTR_ERR(c->as);
		vfree(c);
		return ret;
	}
	hardirq_call_init(&c->probe, c->as);
	for (i = 0; i < n; i++) {
		struct storm_sleeper *s = &c->sleepers[i];

		s->c = c;
		s->index = i * (ALERTABLE_SLEEP_MAX_EVENTS / n);
		s->task = kthread_run(storm_sleeper_fn, s, "asb_storm/%u", i);
		if (IS_ERR(s->task)) {
			ret = PTR_ERR(s->task);
			storm_free(c);
			return ret;
		}
		c->nr_sleepers++;
	}
	/* The call from hard IRQ: 0, or -EPERM on PREEMPT_RT. */
	hardirq_call_run(&c->probe);

	c->t_start = ktime_get_ns();
	if (kind == STORM_HARDIRQ) {
		hrtimer_setup(&c->timer, storm_fire, CLOCK_MONOTONIC,
			      HRTIMER_MODE_REL_HARD);
		hrtimer_start(&c->timer, ns_to_ktime(AA_DELAY_NS),
			      HRTIMER_MODE_REL_HARD);
	} else {
		c->thread = kthread_run(storm_thread_fn, c, "asb_storm");
		if (IS_ERR(c->thread)) {
			ret = PTR_ERR(c->thread);
			storm_free(c);
			return ret;
		}
	}
	storm = c;
	return 0;
}

static int storm_stop(const char *label)
{
	struct storm_ctx *c = storm;
	u64 ms, n;
	struct summary sum;

	if (!c)
		return -EINVAL;
	storm = NULL;
	atomic_set(&c->stop, 1);
	if (c->kind == STORM_HARDIRQ)
		hrtimer_cancel(&c->timer);
	else
		kthread_stop(c->thread);
	ms = div_u64(ktime_get_ns() - c->t_start, NSEC_PER_MSEC);
	n = min_t(u64, c->calls, STORM_SAMPLES);
	sum = summarise(c->ns, n);
	pr_info("RESULT {\"test\":\"storm\",\"label\":\"%s\",\"context\":\"%s\",\"preempt_rt\":%d,\"entries\":%u,\"sleepers\":%u,\"period_us\":%u,\"ms\":%llu,\"calls\":%llu,\"refused\":%llu,\"failed\":%llu,\"call_p50_ns\":%llu,\"call_max_ns\":%llu,\"call_mean_ns\":%llu,\"wakes\":%d,\"probe_hardirq_ret\":%d,\"probe_in_hardirq\":%d,\"errors\":%d}\n",
		label, storm_names[c->kind],
		IS_ENABLED(CONFIG_PREEMPT_RT), ALERTABLE_SLEEP_MAX_EVENTS,
		c->nr_sleepers, c->kind == STORM_HARDIRQ ? storm_period_us : 0,
		ms, c->calls,
		c->refused, c->failed, sum.p50, c->max_ns,
		c->calls ? div64_u64(c->sum_ns, c->calls) : 0,
		atomic_read(&c->wakes), c->probe.ret, c->probe.hardirq,
		atomic_read(&c->errors) + (int)c->failed +
		(c->probe.hardirq ? 0 : 1));
	storm_free(c);
	return 0;
}

/*
 * storm: "hardirq", "kthread" or "busy" starts one; "stop", or "stop LABEL"
 * (up to 31 of [a-z0-9_-], to tell the result apart), ends it.
 */
static int storm_set(const char *val, const struct kernel_param *kp)
{
	char label[32] = "";
	unsigned int i;
	int ret;

	if (!strncmp(val, "stop", 4) && (!val[4] || isspace(val[4]))) {
		const char *l = skip_spaces(val + 4);

		for (i = 0; i < sizeof(label) - 1 && l[i]; i++) {
			if (isspace(l[i]))
				break;
			if (!isalnum(l[i]) && l[i] != '_' && l[i] != '-')
				return -EINVAL;
			label[i] = l[i];
		}
		label[i] = '\0';
		val = "stop";
	}

	for (i = 0; i < STORM_NR; i++)
		if (sysfs_streq(val, storm_names[i]))
			break;

	mutex_lock(&storm_lock);
	if (sysfs_streq(val, "stop"))
		ret = storm_stop(label);
	else if (i == STORM_NR)
		ret = -EINVAL;
	else if (storm)
		ret = -EBUSY;
	else
		ret = storm_start(i);
	mutex_unlock(&storm_lock);
	return ret;
}

static const struct kernel_param_ops storm_ops = {
	.set = storm_set,
};

module_param_cb(storm, &storm_ops, NULL, 0200);
MODULE_PARM_DESC(storm,
		 "Write hardirq or kthread to start abort_all() of 65536 indices in a loop (busy: a preemptible busy loop, the control), stop [LABEL] to end it and print the result");

/* ---- module ------------------------------------------------------------- */

static int __init alertable_sleep_bench_init(void)
{
	static const struct {
		unsigned int bit;
		const char *name;
		int (*run)(void);
	} benches[] = {
		{ BENCH_LATENCY, "abort_latency", bench_latency },
		{ BENCH_FANOUT, "fanout", bench_fanout },
		{ BENCH_FASTPATH, "fastpath", bench_fastpath },
		{ BENCH_TIMING, "timing", bench_timing },
		{ BENCH_MEMORY, "memory", bench_memory },
	};
	u64 start = ktime_get_ns();
	unsigned int i;

	if (!lat_rounds) {
		pr_err("lat_rounds must be at least 1\n");
		return -EINVAL;
	}

	pr_info("RESULT {\"test\":\"config\",\"release\":\"%s\",\"hz\":%d,\"cpus\":%u,\"tick_nsec\":%lu,\"timer_slack_ns\":%llu,\"tests\":%u,\"lat_rounds\":%u,\"lat_warmup\":%u,\"lat_blocks\":%u,\"lat_settle_us\":%u,\"fan_reps\":%u,\"fast_calls\":%u,\"timing_sleeps\":%u,\"timing_long_sleeps\":%u,\"timing_b2b_sleeps\":%u,\"timing_parallel\":%d,\"mem_entries\":%u,\"abort_all_reps\":%u,\"abort_all_sleepers\":%u,\"coalesce_sleepers\":%u,\"coalesce_spread_us\":%u,\"storm_secs\":%u,\"storm_sleepers\":%u,\"storm_period_us\":%u,\"preempt_rt\":%d}\n",
		init_utsname()->release, HZ, num_online_cpus(), TICK_NSEC,
		current->timer_slack_ns, tests, lat_rounds, lat_warmup,
		lat_blocks, lat_settle_us, fan_reps, fast_calls, timing_sleeps,
		timing_long_sleeps, timing_b2b_sleeps, timing_parallel,
		mem_entries, abort_all_reps, abort_all_sleepers,
		coalesce_sleepers, coalesce_spread_us, storm_secs,
		storm_sleepers, storm_period_us, IS_ENABLED(CONFIG_PREEMPT_RT));

	for (i = 0; i < ARRAY_SIZE(benches); i++) {
		u64 t0 = ktime_get_ns();
		int ret;

		if (!(tests & benches[i].bit))
			continue;
		ret = benches[i].run();
		pr_info("RESULT {\"test\":\"phase\",\"name\":\"%s\",\"ret\":%d,\"ms\":%llu}\n",
			benches[i].name, ret,
			div_u64(ktime_get_ns() - t0, NSEC_PER_MSEC));
		if (ret)
			pr_err("%s failed: %pe\n", benches[i].name,
			       ERR_PTR(ret));
	}

	pr_info("RESULT {\"test\":\"done\",\"ms\":%llu}\n",
		div_u64(ktime_get_ns() - start, NSEC_PER_MSEC));
	return 0;
}
module_init(alertable_sleep_bench_init);

static void __exit alertable_sleep_bench_exit(void)
{
	mutex_lock(&storm_lock);
	if (storm)
		storm_stop("unload");
	mutex_unlock(&storm_lock);
	mutex_lock(&held_lock);
	alertable_sleep_destroy(held);
	held = NULL;
	mutex_unlock(&held_lock);
}
module_exit(alertable_sleep_bench_exit);

MODULE_DESCRIPTION("Benchmark of alertable_sleep against completions and wait queues");
MODULE_AUTHOR("The alertable_sleep developers");
MODULE_LICENSE("GPL");
