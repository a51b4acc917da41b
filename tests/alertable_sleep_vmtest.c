// SPDX-License-Identifier: GPL-2.0
/*
 * alertable_sleep_vmtest - the alertable_sleep contract, checked on a real
 * SMP kernel by a separate module that links against the exports
 *
 * All checks run in module_init and each reports one line,
 * "alertable_sleep_vmtest: ok NAME" or "alertable_sleep_vmtest: FAIL NAME:
 * why", then a line "alertable_sleep_vmtest: done: P passed, F failed".
 * tests/vm-test.sh, run inside the VM, reads those lines. Init returns 0
 * either way, so that the module can be seen holding alertable_sleep.
 *
 * Checks assert behaviour only. Where a bound on time is needed to tell
 * "woken" from "slept it out", it is a tenth or less of the sleep asked for.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/err.h>
#include <linux/hrtimer.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/preempt.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/smp.h>

#include "alertable_sleep.h"

static unsigned int expect_events = 8;
module_param(expect_events, uint, 0444);
MODULE_PARM_DESC(expect_events,
		 "eventcount that alertable_sleep was loaded with (default 8)");

/* A sleep that the check expects to be cut short. */
#define LONG_MS		15000U
/* Much less than LONG_MS: "woken early", not "slept it out". */
#define WOKEN_MS	(LONG_MS / 10)
/* How long to wait for a thread to get somewhere before giving up. */
#define WAIT_MS		10000U

static unsigned int passed, failed;

static __printf(3, 4) bool check(const char *name, bool ok,
				 const char *fmt, ...)
{
	struct va_format vaf;
	va_list args;

	if (ok) {
		passed++;
		pr_info("ok %s\n", name);
		return true;
	}
	va_start(args, fmt);
	vaf.fmt = fmt;
	vaf.va = &args;
	failed++;
	pr_err("FAIL %s: %pV\n", name, &vaf);
	va_end(args);
	return false;
}

static s64 ms_since(ktime_t start)
{
	return ktime_ms_delta(ktime_get(), start);
}

/* Wait as a kthread must before it returns: until kthread_stop(). */
static void wait_for_stop(void)
{
	set_current_state(TASK_INTERRUPTIBLE);
	while (!kthread_should_stop()) {
		schedule();
		set_current_state(TASK_INTERRUPTIBLE);
	}
	__set_current_state(TASK_RUNNING);
}

/*
 * True once a thread sleeps on @index: reset_for_reuse() is refused only
 * then. Only used on indices that are not aborted, where a successful
 * reset changes nothing.
 */
static bool wait_sleeping(struct alertable_sleep *as, unsigned int index)
{
	unsigned long end = jiffies + msecs_to_jiffies(WAIT_MS);

	while (alertable_sleep_reset_for_reuse(as, index) != -EBUSY) {
		if (time_after(jiffies, end))
			return false;
		usleep_range(200, 500);
	}
	return true;
}

/* A kthread that sleeps once on an index and records what it got. */
struct sleeper {
	struct alertable_sleep *as;
	unsigned int index;
	unsigned int msecs;
	bool allow_sig;		/* take SIGUSR1, then sleep again */
	struct task_struct *task;
	struct completion done;
	int ret;
	int ret_again;		/* the sleep after the signal */
	int cpu;		/* where the sleep returned */
	ktime_t returned;
	s64 slept_ms;
};

static int sleeper_fn(void *data)
{
	struct sleeper *s = data;
	ktime_t start;

	if (s->allow_sig)
		allow_signal(SIGUSR1);
	start = ktime_get();
	s->ret = alertable_sleep_sleep(s->as, s->index, s->msecs);
	s->returned = ktime_get();
	s->cpu = raw_smp_processor_id();
	s->slept_ms = ktime_ms_delta(s->returned, start);
	if (s->allow_sig) {
		/* The signal must not have left the index unusable. */
		flush_signals(current);
		s->ret_again = alertable_sleep_sleep(s->as, s->index, 20);
	}
	complete(&s->done);
	wait_for_stop();
	return s->ret;
}

static int sleeper_start(struct sleeper *s, struct alertable_sleep *as,
			 unsigned int index, unsigned int msecs, int cpu)
{
	s->as = as;
	s->index = index;
	s->msecs = msecs;
	s->ret = 1;
	s->ret_again = 1;
	init_completion(&s->done);
	s->task = kthread_create(sleeper_fn, s, "as_vmtest/%u", index);
	if (IS_ERR(s->task))
		return PTR_ERR(s->task);
	if (cpu >= 0)
		kthread_bind(s->task, cpu);
	wake_up_process(s->task);
	return 0;
}

static bool sleeper_wait(struct sleeper *s)
{
	return wait_for_completion_timeout(&s->done,
					   msecs_to_jiffies(WAIT_MS)) != 0;
}

/* The sleeps are finite or end on kthread_stop(), so this returns. */
static void sleeper_stop(struct sleeper *s)
{
	if (!IS_ERR_OR_NULL(s->task))
		kthread_stop(s->task);
	s->task = NULL;
}

/* Reports only a failure: the check that asks reports its own success. */
static bool two_cpus(const char *name)
{
	if (cpu_online(0) && cpu_online(1))
		return true;
	return check(name, false, "needs CPUs 0 and 1 online, %u online",
		     num_online_cpus());
}

static void check_create_range(void)
{
	static const unsigned int bad[] = { 0, ALERTABLE_SLEEP_MAX_EVENTS + 1,
					    UINT_MAX };
	static const unsigned int good[] = { 1, ALERTABLE_SLEEP_MAX_EVENTS };
	struct alertable_sleep *as = NULL;
	unsigned int i, n = 0;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		as = alertable_sleep_create(bad[i]);
		if (PTR_ERR_OR_ZERO(as) != -EINVAL)
			break;
	}
	alertable_sleep_destroy(i < ARRAY_SIZE(bad) ? as : NULL);
	check("create_rejects_0_and_above_65536", i == ARRAY_SIZE(bad),
	      "create(%u) gave %pe, want -EINVAL", bad[min_t(unsigned int, i,
	      ARRAY_SIZE(bad) - 1)], as);

	for (i = 0; i < ARRAY_SIZE(good); i++) {
		as = alertable_sleep_create(good[i]);
		n = alertable_sleep_event_count(as);
		alertable_sleep_destroy(as);
		if (IS_ERR_OR_NULL(as) || n != good[i])
			break;
	}
	check("create_accepts_1_and_65536", i == ARRAY_SIZE(good),
	      "create(%u) gave %pe with %u indices",
	      good[min_t(unsigned int, i, ARRAY_SIZE(good) - 1)], as, n);
}

static void check_default_instance(void)
{
	struct alertable_sleep *as = alertable_sleep_default();
	unsigned int last = expect_events - 1;
	int ret1, ret2, ret3;

	if (!check("default_instance_sized_by_eventcount",
		   !IS_ERR_OR_NULL(as) &&
		   alertable_sleep_event_count(as) == expect_events,
		   "default() is %p with %u indices, want %u", as,
		   alertable_sleep_event_count(as), expect_events))
		return;

	ret1 = alertable_sleep_abort(as, last);
	ret2 = alertable_sleep_sleep(as, last, LONG_MS);
	ret3 = alertable_sleep_reset_for_reuse(as, last);
	check("default_instance_usable",
	      !ret1 && ret2 == -ECANCELED && !ret3 &&
	      !alertable_sleep_sleep(as, last, 1),
	      "abort %d, sleep after abort %d, reset %d", ret1, ret2, ret3);
}

static void check_einval(void)
{
	struct alertable_sleep *bad_ptr = ERR_PTR(-ENOMEM);
	struct alertable_sleep *as = alertable_sleep_create(4);
	int r[10];

	if (IS_ERR(as)) {
		check("bad_instance_or_index_einval", false, "create: %pe", as);
		return;
	}
	r[0] = alertable_sleep_sleep(NULL, 0, 1);
	r[1] = alertable_sleep_sleep(bad_ptr, 0, 1);
	r[2] = alertable_sleep_sleep(as, 4, 1);
	r[3] = alertable_sleep_sleep(as, UINT_MAX, 1);
	r[4] = alertable_sleep_abort(NULL, 0);
	r[5] = alertable_sleep_abort(bad_ptr, 0);
	r[6] = alertable_sleep_abort(as, 4);
	r[7] = alertable_sleep_reset_for_reuse(NULL, 0);
	r[8] = alertable_sleep_reset_for_reuse(bad_ptr, 0);
	r[9] = alertable_sleep_reset_for_reuse(as, 4);
	/* These return nothing: they must just ignore what they are given. */
	alertable_sleep_abort_all(NULL);
	alertable_sleep_abort_all(bad_ptr);
	alertable_sleep_destroy(NULL);
	alertable_sleep_destroy(bad_ptr);

	check("bad_instance_or_index_einval",
	      r[0] == -EINVAL && r[1] == -EINVAL && r[2] == -EINVAL &&
	      r[3] == -EINVAL && r[4] == -EINVAL && r[5] == -EINVAL &&
	      r[6] == -EINVAL && r[7] == -EINVAL && r[8] == -EINVAL &&
	      r[9] == -EINVAL && !alertable_sleep_event_count(NULL) &&
	      !alertable_sleep_event_count(bad_ptr),
	      "sleep %d %d %d %d, abort %d %d %d, reset %d %d %d",
	      r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9]);
	/* The bad index must not have touched the good ones. */
	check("bad_index_leaves_others_alone",
	      !alertable_sleep_sleep(as, 3, 0),
	      "index 3 is not idle after abort(4)");
	alertable_sleep_destroy(as);
}

static void check_timeouts(struct alertable_sleep *as)
{
	static const unsigned int ms[] = { 1, 1, 2, 3, 5, 10, 17, 33, 100,
					   250 };
	ktime_t start;
	unsigned int i;
	s64 took;
	int ret;

	start = ktime_get();
	ret = alertable_sleep_sleep(as, 0, 0);
	took = ms_since(start);
	check("zero_msecs_returns_at_once", !ret && took < WOKEN_MS,
	      "sleep(0) gave %d after %lld ms", ret, took);

	for (i = 0; i < ARRAY_SIZE(ms); i++) {
		start = ktime_get();
		ret = alertable_sleep_sleep(as, 1, ms[i]);
		took = ktime_us_delta(ktime_get(), start);
		if (ret || took < ms[i] * USEC_PER_MSEC)
			break;
	}
	/* 0 only once the whole delay has passed by ktime_get(). */
	check("timeout_returns_0_not_early", i == ARRAY_SIZE(ms),
	      "sleep(%u ms) gave %d after %lld us",
	      ms[min_t(unsigned int, i, ARRAY_SIZE(ms) - 1)], ret, took);
}

/* A kthread on CPU 1 that aborts an index once a thread sleeps on it. */
struct aborter {
	struct alertable_sleep *as;
	unsigned int index;
	bool saw_sleeper;
	int ret;
	int cpu;
	ktime_t when;
	struct completion done;
};

static int aborter_fn(void *data)
{
	struct aborter *a = data;

	a->saw_sleeper = wait_sleeping(a->as, a->index);
	a->cpu = raw_smp_processor_id();
	a->when = ktime_get();
	a->ret = alertable_sleep_abort(a->as, a->index);
	complete(&a->done);
	wait_for_stop();
	return 0;
}

static void check_abort_other_cpu(struct alertable_sleep *as)
{
	const char *name = "abort_from_other_cpu_kthread";
	struct task_struct *t;
	struct aborter a = { .as = as, .index = 0, .ret = 1 };
	struct sleeper s;
	s64 late;

	if (!two_cpus(name))
		return;
	init_completion(&a.done);
	if (sleeper_start(&s, as, 0, ALERTABLE_SLEEP_INFINITE, 0)) {
		check(name, false, "cannot start the sleeper");
		return;
	}
	t = kthread_create(aborter_fn, &a, "as_vmtest_abort");
	if (IS_ERR(t)) {
		check(name, false, "cannot start the aborter: %pe", t);
		alertable_sleep_abort(as, 0);
		sleeper_stop(&s);
		return;
	}
	kthread_bind(t, 1);
	wake_up_process(t);

	if (!sleeper_wait(&s)) {
		check(name, false, "the sleeper did not return in %u ms",
		      WAIT_MS);
	} else {
		wait_for_completion(&a.done);
		late = ktime_ms_delta(s.returned, a.when);
		check(name,
		      a.saw_sleeper && !a.ret && s.ret == -ECANCELED &&
		      s.cpu == 0 && a.cpu == 1 && late < WOKEN_MS,
		      "saw sleeper %d, abort %d on CPU %d, sleep %d on CPU %d %lld ms after",
		      a.saw_sleeper, a.ret, a.cpu, s.ret, s.cpu, late);
	}
	kthread_stop(t);
	sleeper_stop(&s);
}

/* Runs after check_abort_other_cpu(), which left index 0 aborted. */
static void check_sticky_and_reset(struct alertable_sleep *as)
{
	ktime_t start = ktime_get();
	int ret1, ret2, ret3, ret4;
	s64 took;

	ret1 = alertable_sleep_sleep(as, 0, LONG_MS);
	took = ms_since(start);
	ret2 = alertable_sleep_abort(as, 0);	/* twice is harmless */
	ret3 = alertable_sleep_sleep(as, 0, 0);
	ret4 = alertable_sleep_sleep(as, 0, 1);
	check("abort_is_sticky_and_idempotent",
	      ret1 == -ECANCELED && took < WOKEN_MS && !ret2 &&
	      ret3 == -ECANCELED && ret4 == -ECANCELED,
	      "sleeps after abort: %d (%lld ms), %d, %d; second abort %d",
	      ret1, took, ret3, ret4, ret2);

	ret1 = alertable_sleep_reset_for_reuse(as, 0);
	ret2 = alertable_sleep_reset_for_reuse(as, 0);	/* not aborted */
	start = ktime_get();
	ret3 = alertable_sleep_sleep(as, 0, 10);
	took = ktime_us_delta(ktime_get(), start);
	check("reset_makes_index_sleep_again",
	      !ret1 && !ret2 && !ret3 && took >= 10 * USEC_PER_MSEC,
	      "reset %d, again %d, then sleep(10 ms) %d after %lld us",
	      ret1, ret2, ret3, took);
}

static void check_reset_busy(struct alertable_sleep *as)
{
	const char *name = "reset_refused_while_sleeping";
	bool seen;
	int ret1, ret2, ret3, after;
	struct sleeper s;

	if (sleeper_start(&s, as, 2, LONG_MS, -1)) {
		check(name, false, "cannot start the sleeper");
		return;
	}
	seen = wait_sleeping(as, 2);
	ret1 = alertable_sleep_reset_for_reuse(as, 2);
	ret2 = alertable_sleep_abort(as, 2);
	/* Refused while the sleeper holds the index: the abort stays. */
	ret3 = alertable_sleep_reset_for_reuse(as, 2);
	if (!sleeper_wait(&s)) {
		check(name, false, "the sleeper did not return after abort");
	} else {
		/*
		 * The second reset either was refused (the sleeper still held
		 * the index) and changed nothing, or came after the sleeper
		 * left; the sleeper sees the abort in both cases.
		 */
		after = alertable_sleep_sleep(as, 2, 0);
		check(name,
		      seen && ret1 == -EBUSY && !ret2 && s.ret == -ECANCELED &&
		      ((ret3 == -EBUSY && after == -ECANCELED) ||
		       (!ret3 && !after)),
		      "seen %d, reset %d, abort %d, sleeper %d, reset %d then sleep %d",
		      seen, ret1, ret2, s.ret, ret3, after);
	}
	sleeper_stop(&s);
	alertable_sleep_reset_for_reuse(as, 2);
}

static void check_second_sleeper(struct alertable_sleep *as)
{
	const char *name = "second_sleeper_ebusy";
	ktime_t start;
	bool seen;
	int ret;
	s64 took;
	struct sleeper s;

	if (sleeper_start(&s, as, 3, LONG_MS, -1)) {
		check(name, false, "cannot start the sleeper");
		return;
	}
	seen = wait_sleeping(as, 3);
	start = ktime_get();
	ret = alertable_sleep_sleep(as, 3, LONG_MS);
	took = ms_since(start);
	/* The first sleeper must not have been disturbed. */
	check(name,
	      seen && ret == -EBUSY && took < WOKEN_MS &&
	      !completion_done(&s.done) &&
	      alertable_sleep_reset_for_reuse(as, 3) == -EBUSY,
	      "seen %d, second sleep %d after %lld ms, first returned %d",
	      seen, ret, took, completion_done(&s.done));
	alertable_sleep_abort(as, 3);
	if (!sleeper_wait(&s))
		check(name, false, "the first sleeper did not return");
	sleeper_stop(&s);
	alertable_sleep_reset_for_reuse(as, 3);
}

struct irq_abort {
	struct hrtimer timer;
	struct alertable_sleep *as;
	unsigned int index;	/* UINT_MAX: abort_all */
	bool fired;
	bool hardirq;
	int ret;
};

static enum hrtimer_restart irq_abort_fn(struct hrtimer *timer)
{
	struct irq_abort *ia = container_of(timer, struct irq_abort, timer);

	ia->hardirq = in_hardirq();
	if (ia->index == UINT_MAX) {
		alertable_sleep_abort_all(ia->as);
		ia->ret = 0;
	} else {
		ia->ret = alertable_sleep_abort(ia->as, ia->index);
	}
	WRITE_ONCE(ia->fired, true);
	return HRTIMER_NORESTART;
}

static void irq_abort_start(struct irq_abort *ia, struct alertable_sleep *as,
			    unsigned int index, unsigned int ms)
{
	ia->as = as;
	ia->index = index;
	ia->fired = false;
	ia->hardirq = false;
	ia->ret = 1;
	hrtimer_init_on_stack(&ia->timer, CLOCK_MONOTONIC,
			      HRTIMER_MODE_REL_HARD);
	ia->timer.function = irq_abort_fn;
	hrtimer_start(&ia->timer, ms_to_ktime(ms), HRTIMER_MODE_REL_HARD);
}

static void irq_abort_stop(struct irq_abort *ia)
{
	hrtimer_cancel(&ia->timer);
	destroy_hrtimer_on_stack(&ia->timer);
}

static void check_abort_hardirq(struct alertable_sleep *as)
{
	struct irq_abort ia;
	ktime_t start;
	s64 took;
	int ret;

	start = ktime_get();
	irq_abort_start(&ia, as, 1, 50);
	ret = alertable_sleep_sleep(as, 1, LONG_MS);
	took = ms_since(start);
	irq_abort_stop(&ia);
	check("abort_from_hardirq_hrtimer",
	      READ_ONCE(ia.fired) && ia.hardirq && !ia.ret &&
	      ret == -ECANCELED && took >= 50 && took < WOKEN_MS,
	      "timer fired %d in hard IRQ %d, abort %d; sleep %d after %lld ms",
	      ia.fired, ia.hardirq, ia.ret, ret, took);
	alertable_sleep_reset_for_reuse(as, 1);
}

static void check_abort_all_hardirq(struct alertable_sleep *as)
{
	const char *name = "abort_all_from_hardirq_wakes_every_index";
	struct irq_abort ia;
	struct sleeper s;
	unsigned int i;
	bool seen;
	int ret;

	if (sleeper_start(&s, as, 2, LONG_MS, -1)) {
		check(name, false, "cannot start the sleeper");
		return;
	}
	seen = wait_sleeping(as, 2);
	irq_abort_start(&ia, as, UINT_MAX, 50);
	ret = alertable_sleep_sleep(as, 1, LONG_MS);
	irq_abort_stop(&ia);
	if (!sleeper_wait(&s)) {
		check(name, false, "the other sleeper did not return");
	} else {
		check(name,
		      seen && READ_ONCE(ia.fired) && ia.hardirq &&
		      ret == -ECANCELED && s.ret == -ECANCELED &&
		      s.slept_ms < WOKEN_MS &&
		      alertable_sleep_sleep(as, 0, 0) == -ECANCELED &&
		      alertable_sleep_sleep(as, 3, 0) == -ECANCELED,
		      "seen %d, fired %d hardirq %d, sleeps %d and %d (%lld ms)",
		      seen, ia.fired, ia.hardirq, ret, s.ret, s.slept_ms);
	}
	sleeper_stop(&s);
	for (i = 0; i < alertable_sleep_event_count(as); i++)
		alertable_sleep_reset_for_reuse(as, i);
}

static void check_signal(struct alertable_sleep *as)
{
	const char *name = "signal_gives_erestartsys_index_usable_after";
	ktime_t sent;
	bool seen;
	s64 late;
	struct sleeper s = { .allow_sig = true };

	if (sleeper_start(&s, as, 0, LONG_MS, -1)) {
		check(name, false, "cannot start the sleeper");
		return;
	}
	seen = wait_sleeping(as, 0);
	sent = ktime_get();
	send_sig(SIGUSR1, s.task, 1);
	if (!sleeper_wait(&s)) {
		check(name, false, "the sleeper did not return");
	} else {
		late = ktime_ms_delta(s.returned, sent);
		check(name,
		      seen && s.ret == -ERESTARTSYS && late < WOKEN_MS &&
		      !s.ret_again,
		      "seen %d, sleep %d %lld ms after the signal; sleep after it %d",
		      seen, s.ret, late, s.ret_again);
	}
	sleeper_stop(&s);
}

static void check_kthread_stop(struct alertable_sleep *as)
{
	const char *name = "kthread_stop_ends_sleep_erestartsys";
	ktime_t start;
	bool seen;
	int ret;
	s64 took;
	struct sleeper s;

	if (sleeper_start(&s, as, 0, LONG_MS, -1)) {
		check(name, false, "cannot start the sleeper");
		return;
	}
	seen = wait_sleeping(as, 0);
	start = ktime_get();
	ret = kthread_stop(s.task);
	took = ms_since(start);
	s.task = NULL;
	check(name,
	      seen && ret == -ERESTARTSYS && took < WOKEN_MS &&
	      !alertable_sleep_sleep(as, 0, 1),
	      "seen %d, kthread_stop() gave %d after %lld ms", seen, ret,
	      took);
}

/*
 * destroy() must wait until every sleeper has left. To see it wait, one
 * sleeper is bound to CPU 0 and CPU 0 is kept busy with preemption off
 * while destroy() runs on CPU 1: that sleeper is woken but cannot run, so
 * destroy() must still be waiting when CPU 0 is let go.
 */
struct destroyer {
	struct alertable_sleep *as;
	bool entered;
	bool done;
	struct completion finished;
	bool *blocking;
};

static int destroyer_fn(void *data)
{
	struct destroyer *d = data;
	unsigned long end = jiffies + msecs_to_jiffies(WAIT_MS);

	while (!READ_ONCE(*d->blocking) && time_before(jiffies, end))
		usleep_range(100, 200);
	WRITE_ONCE(d->entered, true);
	alertable_sleep_destroy(d->as);
	WRITE_ONCE(d->done, true);
	complete(&d->finished);
	wait_for_stop();
	return 0;
}

struct blocker {
	struct destroyer *d;
	bool blocking;
	bool saw_entered;
	bool saw_done;
	struct completion finished;
};

static int blocker_fn(void *data)
{
	struct blocker *b = data;
	unsigned int i;

	preempt_disable();
	WRITE_ONCE(b->blocking, true);
	for (i = 0; i < 3000 && !READ_ONCE(b->d->entered); i++)
		mdelay(1);
	/* Long enough for destroy() on CPU 1 to wake every sleeper. */
	mdelay(200);
	b->saw_entered = READ_ONCE(b->d->entered);
	b->saw_done = READ_ONCE(b->d->done);
	preempt_enable();
	complete(&b->finished);
	wait_for_stop();
	return 0;
}

static void check_destroy(void)
{
	const char *name = "destroy_ends_sleepers_eshutdown";
	struct task_struct *dt = NULL, *bt = NULL;
	struct sleeper s0 = { }, s1 = { };
	struct destroyer d = { };
	struct blocker b = { .d = &d };
	struct alertable_sleep *as;
	bool seen0, seen1;

	if (!two_cpus(name))
		return;
	as = alertable_sleep_create(2);
	if (IS_ERR(as)) {
		check(name, false, "create: %pe", as);
		return;
	}
	d.as = as;
	d.blocking = &b.blocking;
	init_completion(&d.finished);
	init_completion(&b.finished);

	if (sleeper_start(&s0, as, 0, ALERTABLE_SLEEP_INFINITE, 0) ||
	    sleeper_start(&s1, as, 1, LONG_MS, -1)) {
		check(name, false, "cannot start the sleepers");
		goto undo;
	}
	seen0 = wait_sleeping(as, 0);
	seen1 = wait_sleeping(as, 1);

	dt = kthread_create(destroyer_fn, &d, "as_vmtest_destroy");
	if (!IS_ERR(dt))
		bt = kthread_create(blocker_fn, &b, "as_vmtest_block");
	if (IS_ERR(dt) || IS_ERR(bt)) {
		check(name, false, "cannot start the helper threads");
		goto undo;
	}
	kthread_bind(dt, 1);
	kthread_bind(bt, 0);
	wake_up_process(dt);
	wake_up_process(bt);

	if (!wait_for_completion_timeout(&d.finished,
					 msecs_to_jiffies(2 * WAIT_MS)) ||
	    !sleeper_wait(&s0) || !sleeper_wait(&s1)) {
		check(name, false, "destroy or a sleeper did not return");
	} else {
		wait_for_completion(&b.finished);
		check(name,
		      seen0 && seen1 && s0.ret == -ESHUTDOWN &&
		      s1.ret == -ESHUTDOWN && s1.slept_ms < WOKEN_MS,
		      "seen %d %d, sleepers %d and %d (%lld ms)", seen0, seen1,
		      s0.ret, s1.ret, s1.slept_ms);
		check("destroy_waits_for_sleepers_to_leave",
		      b.saw_entered && !b.saw_done,
		      "destroy %s while a woken sleeper could not run",
		      !b.saw_entered ? "had not started" : "had returned");
	}
	kthread_stop(bt);
	kthread_stop(dt);
	sleeper_stop(&s0);
	sleeper_stop(&s1);
	return;

undo:
	/* A kthread that never ran does not run its function on stop. */
	if (!IS_ERR_OR_NULL(bt))
		kthread_stop(bt);
	if (!IS_ERR_OR_NULL(dt))
		kthread_stop(dt);
	alertable_sleep_abort_all(as);
	sleeper_stop(&s0);
	sleeper_stop(&s1);
	alertable_sleep_destroy(as);
}

static int __init vmtest_init(void)
{
	struct alertable_sleep *as;

	pr_info("start: %u CPUs online, HZ=%d\n", num_online_cpus(), HZ);
	check_create_range();
	check_default_instance();
	check_einval();

	as = alertable_sleep_create(4);
	if (!check("create_4", !IS_ERR(as), "create(4): %pe", as))
		goto out;
	check_timeouts(as);
	check_abort_other_cpu(as);
	check_sticky_and_reset(as);
	check_reset_busy(as);
	check_second_sleeper(as);
	check_abort_hardirq(as);
	check_abort_all_hardirq(as);
	check_signal(as);
	check_kthread_stop(as);
	alertable_sleep_destroy(as);

	check_destroy();
out:
	pr_info("done: %u passed, %u failed\n", passed, failed);
	return 0;
}
module_init(vmtest_init);

static void __exit vmtest_exit(void)
{
}
module_exit(vmtest_exit);

MODULE_DESCRIPTION("alertable_sleep contract checks for a QEMU machine");
MODULE_AUTHOR("The alertable_sleep developers");
MODULE_LICENSE("GPL");
