// SPDX-License-Identifier: GPL-2.0
/*
 * alertable_sleep_vmtest - what only a real SMP kernel shows about
 * alertable_sleep, checked by a separate module that links against its
 * exports
 *
 * The single-CPU contract (return codes, sticky aborts, resets, -EBUSY,
 * signals, timeouts, never early) is the KUnit suite's (kunit/). This
 * module checks what needs two CPUs, real interrupts or module loading:
 * the eventcount parameter as a client sees it; an abort from the other
 * CPU in each context the kernel-doc promises (a kthread, under a
 * spinlock_t and a raw_spinlock_t, hard IRQ by an hrtimer and by an
 * irq_work, softirq by an hrtimer and by a timer_list), PREEMPT_RT
 * included; a reset from hard IRQ; kthread_stop() of a sleeping kthread;
 * and that destroy waits for the sleepers it woke.
 *
 * Every check runs in module_init, which prints a KTAP document (see
 * as_test.h): one result per check, SKIP where the machine cannot run it.
 * tests/vm-test.sh nests it in the stage's document. Init returns 0 either
 * way, so that the module can be seen holding alertable_sleep.
 *
 * With observe=1 it runs no check: it puts one sleeper on each of the
 * first four indices of the module-wide instance and aborts them when it is
 * unloaded, for tests/vm-test.sh to watch in the tracepoints and debugfs.
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
#include <linux/interrupt.h>
#include <linux/irq_work.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/spinlock.h>
#include <linux/timer.h>

#include "alertable_sleep.h"
#include "as_test.h"

static unsigned int expect_events = 8;
module_param(expect_events, uint, 0444);
MODULE_PARM_DESC(expect_events,
		 "eventcount that alertable_sleep was loaded with (default 8)");

static bool observe;
module_param(observe, bool, 0444);
MODULE_PARM_DESC(observe,
		 "Run no check: sleep on indices 0..3 of the module-wide instance until unloaded, then abort them");

/* A sleep that the check expects to be cut short. */
#define LONG_MS		15000U
/* Much less than LONG_MS: "woken early", not "slept it out". */
#define WOKEN_MS	(LONG_MS / 10)

/* A kthread that sleeps once on an index and records what it got. */
struct sleeper {
	struct alertable_sleep *as;
	unsigned int index;
	unsigned int msecs;
	struct task_struct *task;
	struct completion done;
	int ret;
	int cpu;		/* where the sleep returned */
	ktime_t returned;
};

static int sleeper_fn(void *data)
{
	struct sleeper *s = data;

	s->ret = alertable_sleep_sleep(s->as, s->index, s->msecs);
	s->returned = ktime_get();
	s->cpu = raw_smp_processor_id();
	complete(&s->done);
	as_test_wait_for_stop();
	return s->ret;
}

/* Starts a sleeper on @index, bound to @cpu unless it is negative. */
static int sleeper_start(struct sleeper *s, struct alertable_sleep *as,
			 unsigned int index, unsigned int msecs, int cpu)
{
	s->as = as;
	s->index = index;
	s->msecs = msecs;
	s->ret = 1;
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
					   msecs_to_jiffies(AS_TEST_WAIT_MS));
}

/* The sleeps are finite or end on kthread_stop(), so this returns. */
static void sleeper_stop(struct sleeper *s)
{
	if (!IS_ERR_OR_NULL(s->task))
		kthread_stop(s->task);
	s->task = NULL;
}

/* --- the module parameter, as a client sees it ------------------------ */

static void check_default_instance(const char *name)
{
	struct alertable_sleep *as = alertable_sleep_default();
	unsigned int n = alertable_sleep_event_count(as);
	int last, beyond;

	last = alertable_sleep_sleep(as, expect_events - 1, 0);
	beyond = alertable_sleep_sleep(as, expect_events, 0);
	ktap_result(name, as && n == expect_events && !last &&
		    beyond == -EINVAL,
		    "default() has %u indices, want %u; sleep(0) on index %u gave %d, on %u gave %d",
		    n, expect_events, expect_events - 1, last, expect_events,
		    beyond);
}

/* --- an abort (or a reset) from the other CPU, in a given context ----- */

enum remote_ctx {
	CTX_KTHREAD,		/* process context */
	CTX_SPINLOCK,		/* under spin_lock_irqsave() */
	CTX_RAW_SPINLOCK,	/* under raw_spin_lock_irqsave() */
	CTX_HARD_HRTIMER,	/* hard IRQ, PREEMPT_RT too */
	CTX_IRQ_WORK,		/* hard IRQ (IPI); its thread on PREEMPT_RT */
	CTX_SOFT_HRTIMER,	/* softirq */
	CTX_TIMER_LIST,		/* softirq */
};

enum remote_op {
	OP_ABORT,
	OP_ABORT_ALL,
	OP_RESET,		/* of the sleeper's index, and of an idle one */
};

/*
 * The sleeper sleeps on index 0 on CPU 0; a kthread bound to CPU 1 waits
 * until it is inside and then does @op in context @ctx, on CPU 1.
 */
struct remote {
	enum remote_ctx ctx;
	enum remote_op op;
	struct alertable_sleep *as;
	struct hrtimer hrt;
	struct timer_list tl;
	struct irq_work iw;
	struct completion done;
	bool saw_sleeper;
	/* what the context saw */
	bool fired;
	bool hardirq;
	bool softirq;
	bool irqs_off;
	int cpu;
	ktime_t when;		/* just before the call */
	int ret;		/* of the sleeper's index */
	int ret_idle;		/* OP_RESET: of the aborted, idle index 1 */
};

static DEFINE_SPINLOCK(vmtest_lock);
static DEFINE_RAW_SPINLOCK(vmtest_raw_lock);

static void remote_run(struct remote *r)
{
	r->hardirq = in_hardirq();
	r->softirq = in_serving_softirq();
	r->irqs_off = irqs_disabled();
	r->cpu = raw_smp_processor_id();
	r->when = ktime_get();
	switch (r->op) {
	case OP_ABORT:
		r->ret = alertable_sleep_abort(r->as, 0);
		break;
	case OP_ABORT_ALL:
		alertable_sleep_abort_all(r->as);
		r->ret = 0;
		break;
	case OP_RESET:
		r->ret = alertable_sleep_reset_for_reuse(r->as, 0);
		r->ret_idle = alertable_sleep_reset_for_reuse(r->as, 1);
		break;
	}
	/* Release: the results are written before fired. */
	smp_store_release(&r->fired, true);
}

static enum hrtimer_restart remote_hrtimer_fn(struct hrtimer *t)
{
	remote_run(container_of(t, struct remote, hrt));
	return HRTIMER_NORESTART;
}

static void remote_timer_fn(struct timer_list *t)
{
	remote_run(container_of(t, struct remote, tl));
}

static void remote_irq_work_fn(struct irq_work *w)
{
	remote_run(container_of(w, struct remote, iw));
}

static int remote_fn(void *data)
{
	struct remote *r = data;
	unsigned long flags;
	ktime_t end;

	r->saw_sleeper = as_test_wait_sleeping(r->as, 0, NULL);
	switch (r->ctx) {
	case CTX_KTHREAD:
		remote_run(r);
		break;
	case CTX_SPINLOCK:
		spin_lock_irqsave(&vmtest_lock, flags);
		remote_run(r);
		spin_unlock_irqrestore(&vmtest_lock, flags);
		break;
	case CTX_RAW_SPINLOCK:
		raw_spin_lock_irqsave(&vmtest_raw_lock, flags);
		remote_run(r);
		raw_spin_unlock_irqrestore(&vmtest_raw_lock, flags);
		break;
	case CTX_HARD_HRTIMER:
		hrtimer_start(&r->hrt, ms_to_ktime(1),
			      HRTIMER_MODE_REL_PINNED_HARD);
		break;
	case CTX_SOFT_HRTIMER:
		hrtimer_start(&r->hrt, ms_to_ktime(1),
			      HRTIMER_MODE_REL_PINNED_SOFT);
		break;
	case CTX_TIMER_LIST:
		r->tl.expires = jiffies + 1;
		add_timer_on(&r->tl, 1);
		break;
	case CTX_IRQ_WORK:
		irq_work_queue(&r->iw);	/* a self-IPI of CPU 1 */
		break;
	}
	end = ktime_add_ms(ktime_get(), AS_TEST_WAIT_MS);
	/*
	 * The timer or the IPI fires on this CPU, once this thread sleeps.
	 * Acquire: pairs with remote_run()'s release.
	 */
	while (!smp_load_acquire(&r->fired) && ktime_before(ktime_get(), end))
		usleep_range(200, 500);
	complete(&r->done);
	as_test_wait_for_stop();
	return 0;
}

struct context_case {
	const char *name;
	enum remote_ctx ctx;
	enum remote_op op;
};

static bool two_cpus(const char *name)
{
	if (cpu_online(0) && cpu_online(1))
		return true;
	ktap_skip(name, "needs CPUs 0 and 1 online, %u online",
		  num_online_cpus());
	return false;
}

/* Whether @r ran in the context that @ctx stands for. */
static bool remote_context_ok(const struct remote *r)
{
	switch (r->ctx) {
	case CTX_KTHREAD:
		return !r->hardirq && !r->softirq && !r->irqs_off;
	case CTX_SPINLOCK:
		/* spin_lock_irqsave() leaves IRQs on with PREEMPT_RT. */
		return !r->hardirq &&
			(r->irqs_off || IS_ENABLED(CONFIG_PREEMPT_RT));
	case CTX_RAW_SPINLOCK:
		return !r->hardirq && r->irqs_off;
	case CTX_HARD_HRTIMER:
		return r->hardirq;
	case CTX_IRQ_WORK:
		/* Not IRQ_WORK_HARD_IRQ: its own thread with PREEMPT_RT. */
		return r->hardirq == !IS_ENABLED(CONFIG_PREEMPT_RT);
	case CTX_SOFT_HRTIMER:
	case CTX_TIMER_LIST:
		return !r->hardirq && r->softirq;
	}
	return false;
}

static void check_context(const struct context_case *c)
{
	struct task_struct *t = NULL;
	struct alertable_sleep *as;
	struct remote *r;
	struct sleeper s = { };
	bool fired, woke, others = true, inside_after = false;
	unsigned int i;
	int after = 1;
	s64 late = -1;

	if (!two_cpus(c->name))
		return;
	r = kzalloc_obj(*r, GFP_KERNEL);
	as = alertable_sleep_create(4);
	if (!r || IS_ERR(as)) {
		ktap_result(c->name, false, "cannot allocate: create gave %pe",
			    as);
		goto out_destroy;
	}
	r->ctx = c->ctx;
	r->op = c->op;
	r->as = as;
	r->ret = 1;
	r->ret_idle = 1;
	init_completion(&r->done);
	hrtimer_setup(&r->hrt, remote_hrtimer_fn, CLOCK_MONOTONIC,
		      c->ctx == CTX_SOFT_HRTIMER ? HRTIMER_MODE_REL_PINNED_SOFT :
		      HRTIMER_MODE_REL_PINNED_HARD);
	timer_setup(&r->tl, remote_timer_fn, TIMER_PINNED);
	init_irq_work(&r->iw, remote_irq_work_fn);
	/* A reset must find index 1 aborted and idle. */
	if (c->op == OP_RESET)
		alertable_sleep_abort(as, 1);

	if (sleeper_start(&s, as, 0, LONG_MS, 0)) {
		ktap_result(c->name, false, "cannot start the sleeper");
		goto out_destroy;
	}
	t = kthread_create(remote_fn, r, "as_vmtest_ctx");
	if (IS_ERR(t)) {
		ktap_result(c->name, false, "cannot start the aborter: %pe", t);
		t = NULL;
		goto out_stop;
	}
	kthread_bind(t, 1);
	wake_up_process(t);
	wait_for_completion(&r->done);
	/* Acquire: pairs with remote_run()'s release. */
	fired = smp_load_acquire(&r->fired);

	if (c->op == OP_RESET) {
		/* Refused under the sleeper, which must sleep on. */
		inside_after = alertable_sleep_reset_for_reuse(as, 0) == -EBUSY;
		after = alertable_sleep_sleep(as, 1, 0);
		alertable_sleep_abort(as, 0);
	}
	woke = sleeper_wait(&s);
	if (woke)
		late = ktime_ms_delta(s.returned, r->when);
	if (c->op == OP_ABORT_ALL)
		for (i = 1; i < 4; i++)
			others &= alertable_sleep_sleep(as, i, 0) == -ECANCELED;

	if (c->op == OP_RESET)
		ktap_result(c->name,
			    r->saw_sleeper && fired &&
			    remote_context_ok(r) && r->cpu == 1 &&
			    r->ret == -EBUSY && !r->ret_idle && inside_after &&
			    !after && woke && s.ret == -ECANCELED,
			    "saw sleeper %d; fired %d on CPU %d (hardirq %d softirq %d irqs off %d); reset under the sleeper %d, of the idle index %d; sleeper inside after %d, idle index sleeps %d; sleeper %d",
			    r->saw_sleeper, fired, r->cpu, r->hardirq,
			    r->softirq, r->irqs_off, r->ret, r->ret_idle,
			    inside_after, after, s.ret);
	else
		ktap_result(c->name,
			    r->saw_sleeper && fired &&
			    remote_context_ok(r) && r->cpu == 1 && !r->ret &&
			    woke && s.ret == -ECANCELED && s.cpu == 0 &&
			    late < WOKEN_MS && others,
			    "saw sleeper %d; fired %d on CPU %d (hardirq %d softirq %d irqs off %d), gave %d; sleeper on CPU %d returned %d after %lld ms; other indices aborted %d",
			    r->saw_sleeper, fired, r->cpu, r->hardirq,
			    r->softirq, r->irqs_off, r->ret, s.cpu, s.ret,
			    late, others);

	kthread_stop(t);
out_stop:
	alertable_sleep_abort(as, 0);
	sleeper_stop(&s);
	hrtimer_cancel(&r->hrt);
	timer_delete_sync(&r->tl);
	irq_work_sync(&r->iw);
out_destroy:
	alertable_sleep_destroy(as);
	kfree(r);
}

/* --- kthread_stop() of a sleeping kthread ------------------------------- */

/*
 * kthread_stop() ends the sleep at once, on every kernel: before 6.1 it
 * sets no TIF_NOTIFY_SIGNAL, and only the module's own test of
 * kthread_should_stop() ends the wait. A finite sleep, so that a kernel
 * where it does not still returns, and says so, in LONG_MS.
 */
static void check_kthread_stop(const char *name)
{
	struct alertable_sleep *as = alertable_sleep_create(1);
	struct sleeper s = { };
	ktime_t start;
	int ret, after;
	bool seen;
	s64 took;

	if (IS_ERR(as)) {
		ktap_result(name, false, "create: %pe", as);
		return;
	}
	if (sleeper_start(&s, as, 0, LONG_MS, -1)) {
		ktap_result(name, false, "cannot start the sleeper");
		alertable_sleep_destroy(as);
		return;
	}
	seen = as_test_wait_sleeping(as, 0, &s.done);
	start = ktime_get();
	ret = kthread_stop(s.task);
	took = ktime_ms_delta(ktime_get(), start);
	s.task = NULL;
	/* Neither aborted nor left owned. */
	after = alertable_sleep_sleep(as, 0, 1);
	ktap_result(name,
		    seen && ret == -ERESTARTSYS && took < WOKEN_MS && !after,
		    "seen %d, kthread_stop() gave %d after %lld ms, then sleep(1 ms) %d",
		    seen, ret, took, after);
	alertable_sleep_destroy(as);
}

/* --- destroy waits for the sleepers it woke -------------------------- */

/*
 * destroy() must not return while a sleeper it woke is still inside its
 * sleep. To hold a woken sleeper inside, it is bound to CPU 0 and a
 * SCHED_FIFO thread keeps CPU 0 busy while destroy() runs on CPU 1: the
 * sleeper is woken but cannot run.
 *
 * The CPU must not be held across destroy()'s grace period: the spinner
 * would hold it up on PREEMPT_RT (whose RCU threads share its priority),
 * and with preemption off, as this check once had, in every kernel, which
 * makes the check pass whether or not destroy() waits for its sleepers.
 * destroy() wakes the indices in order, after its grace period, so the
 * spinner itself sleeps on index 0 until then, and the held sleeper on the
 * last of DESTROY_EVENTS indices: woken first, and of a higher priority,
 * the spinner runs before the held sleeper, which destroy() wakes only
 * after going through the idle indices between the two, and holds CPU 0
 * from then on. destroy() can then return only after the held sleeper
 * leaves, which it cannot until the spinner stops, SETTLE_MS later.
 *
 * A run that observed nothing (the held sleeper ran before the spinner
 * held the CPU) is run again, up to DESTROY_RUNS times; a run in which
 * destroy() returned while the held sleeper was inside fails at once.
 */
#define DESTROY_EVENTS	ALERTABLE_SLEEP_MAX_EVENTS
#define SETTLE_MS	150
#define DESTROY_RUNS	3

struct destroy_run {
	struct alertable_sleep *as;
	struct sleeper held;		/* the last index, on CPU 0 */
	struct task_struct *spinner;	/* sleeps on index 0, on CPU 0 */
	int spinner_ret;
	bool destroyed;			/* destroy() has returned */
	ktime_t destroy_begin;
	ktime_t destroy_end;
	ktime_t let_go;			/* when the spinner let CPU 0 go */
	struct completion destroyer_done;
	struct completion spinner_done;
	/* what the spinner saw */
	bool saw_held_returned;
	bool saw_destroyed;
};

static int destroyer_fn(void *data)
{
	struct destroy_run *d = data;

	d->destroy_begin = ktime_get();
	alertable_sleep_destroy(d->as);
	d->destroy_end = ktime_get();
	/* Release: pairs with the spinner's acquire, the times first. */
	smp_store_release(&d->destroyed, true);
	complete(&d->destroyer_done);
	as_test_wait_for_stop();
	return 0;
}

static int spinner_fn(void *data)
{
	struct destroy_run *d = data;
	ktime_t end;

	/* CPU 0 is free meanwhile: the grace period needs nothing of it. */
	d->spinner_ret = alertable_sleep_sleep(d->as, 0,
					       ALERTABLE_SLEEP_INFINITE);
	/* Held, preemptible: only a real-time task may run here now. */
	end = ktime_add_ms(ktime_get(), SETTLE_MS);
	while (ktime_before(ktime_get(), end)) {
		cpu_relax();
		cond_resched();
	}
	d->saw_held_returned = completion_done(&d->held.done);
	/* Acquire: pairs with the destroyer's release. */
	d->saw_destroyed = smp_load_acquire(&d->destroyed);
	d->let_go = ktime_get();
	complete(&d->spinner_done);
	as_test_wait_for_stop();
	return 0;
}

enum destroy_verdict { DESTROY_WAITED, DESTROY_EARLY, DESTROY_UNSEEN };

/* One run; says what it saw in @why. */
static enum destroy_verdict destroy_run_once(struct destroy_run *d,
					     char *why, size_t len)
{
	const unsigned int last = DESTROY_EVENTS - 1;
	struct task_struct *dt;
	bool seen_spinner, seen_held, done;
	enum destroy_verdict v;

	d->as = alertable_sleep_create(DESTROY_EVENTS);
	if (IS_ERR(d->as)) {
		snprintf(why, len, "create: %pe", d->as);
		return DESTROY_UNSEEN;
	}
	init_completion(&d->destroyer_done);
	init_completion(&d->spinner_done);
	d->spinner_ret = 1;
	d->spinner = kthread_create(spinner_fn, d, "as_vmtest_spin");
	if (IS_ERR(d->spinner)) {
		snprintf(why, len, "cannot start the spinner");
		d->spinner = NULL;
		alertable_sleep_destroy(d->as);
		return DESTROY_UNSEEN;
	}
	kthread_bind(d->spinner, 0);
	sched_set_fifo_low(d->spinner);
	wake_up_process(d->spinner);
	if (sleeper_start(&d->held, d->as, last, ALERTABLE_SLEEP_INFINITE, 0)) {
		snprintf(why, len, "cannot start the sleeper");
		goto undo;
	}
	seen_spinner = as_test_wait_sleeping(d->as, 0, &d->spinner_done);
	seen_held = as_test_wait_sleeping(d->as, last, &d->held.done);

	dt = kthread_create(destroyer_fn, d, "as_vmtest_destroy");
	if (IS_ERR(dt)) {
		snprintf(why, len, "cannot start the destroyer");
		goto undo;
	}
	kthread_bind(dt, 1);
	wake_up_process(dt);

	done = wait_for_completion_timeout(&d->spinner_done,
					   msecs_to_jiffies(AS_TEST_WAIT_MS)) &&
	       wait_for_completion_timeout(&d->destroyer_done,
					   msecs_to_jiffies(AS_TEST_WAIT_MS)) &&
	       sleeper_wait(&d->held);
	if (!done) {
		/* @as may be freed by now or not: leave it alone. */
		snprintf(why, len,
			 "destroy, the spinner or the sleeper did not return in %u ms",
			 AS_TEST_WAIT_MS);
		v = DESTROY_EARLY;
	} else {
		snprintf(why, len,
			 "sleepers seen inside %d %d; %u ms after the spinner's sleep returned %d, the held sleeper had %s and destroy had %s; the held sleep returned %d; destroy took %lld ms and returned at %+lld ms from the release of CPU 0",
			 seen_spinner, seen_held, SETTLE_MS, d->spinner_ret,
			 d->saw_held_returned ? "returned (nothing seen)" :
			 "not returned",
			 d->saw_destroyed ? "RETURNED" : "not returned",
			 d->held.ret,
			 ktime_ms_delta(d->destroy_end, d->destroy_begin),
			 ktime_ms_delta(d->destroy_end, d->let_go));
		if (!seen_spinner || !seen_held || d->saw_held_returned)
			v = DESTROY_UNSEEN;
		else if (d->saw_destroyed || d->spinner_ret != -ESHUTDOWN ||
			 d->held.ret != -ESHUTDOWN)
			v = DESTROY_EARLY;
		else
			v = DESTROY_WAITED;
	}
	kthread_stop(d->spinner);
	kthread_stop(dt);
	sleeper_stop(&d->held);
	return v;

undo:
	alertable_sleep_abort_all(d->as);
	kthread_stop(d->spinner);
	sleeper_stop(&d->held);
	alertable_sleep_destroy(d->as);
	return DESTROY_UNSEEN;
}

static void check_destroy(const char *name)
{
	enum destroy_verdict v = DESTROY_UNSEEN;
	struct destroy_run *d;
	char why[400] = "";
	unsigned int run;

	if (!two_cpus(name))
		return;
	d = kzalloc_obj(*d, GFP_KERNEL);
	if (!d) {
		ktap_result(name, false, "cannot allocate");
		return;
	}
	for (run = 1; run <= DESTROY_RUNS && v == DESTROY_UNSEEN; run++) {
		memset(d, 0, sizeof(*d));
		v = destroy_run_once(d, why, sizeof(why));
		if (v == DESTROY_UNSEEN)
			ktap_diag("%s: run %u saw nothing: %s", name, run, why);
	}
	ktap_result(name, v == DESTROY_WAITED, "%s", why);
	kfree(d);
}

/* --- observe=1: sleepers on the module-wide instance ------------------- */

#define OBSERVERS	4
static struct sleeper observers[OBSERVERS];

static void observe_stop(void)
{
	struct alertable_sleep *as = alertable_sleep_default();
	unsigned int i;

	for (i = 0; i < OBSERVERS; i++) {
		if (!observers[i].task)
			continue;
		alertable_sleep_abort(as, i);
		sleeper_wait(&observers[i]);
		sleeper_stop(&observers[i]);
	}
}

static int observe_start(void)
{
	struct alertable_sleep *as = alertable_sleep_default();
	unsigned int i;
	int ret;

	if (alertable_sleep_event_count(as) < OBSERVERS) {
		pr_err("observe=1 needs eventcount=%u or more\n", OBSERVERS);
		return -EINVAL;
	}
	for (i = 0; i < OBSERVERS; i++) {
		ret = sleeper_start(&observers[i], as, i,
				    ALERTABLE_SLEEP_INFINITE, -1);
		if (ret) {
			observers[i].task = NULL;
			observe_stop();
			return ret;
		}
	}
	return 0;
}

/* --- the document ------------------------------------------------------ */

static const struct context_case context_cases[] = {
	{ "abort_from_kthread_on_other_cpu", CTX_KTHREAD, OP_ABORT },
	{ "abort_under_spinlock_irqsave", CTX_SPINLOCK, OP_ABORT },
	{ "abort_under_raw_spinlock_irqsave", CTX_RAW_SPINLOCK, OP_ABORT },
	{ "abort_from_hardirq_hrtimer", CTX_HARD_HRTIMER, OP_ABORT },
	{ "abort_all_from_hardirq_hrtimer", CTX_HARD_HRTIMER, OP_ABORT_ALL },
	{ "abort_from_irq_work", CTX_IRQ_WORK, OP_ABORT },
	{ "abort_from_softirq_hrtimer", CTX_SOFT_HRTIMER, OP_ABORT },
	{ "abort_all_from_timer_list", CTX_TIMER_LIST, OP_ABORT_ALL },
	{ "reset_from_hardirq_hrtimer", CTX_HARD_HRTIMER, OP_RESET },
};

static int __init vmtest_init(void)
{
	unsigned int i;

	if (observe)
		return observe_start();

	ktap_begin(3 + ARRAY_SIZE(context_cases));
	ktap_diag("%u CPUs online, HZ=%d, PREEMPT_RT %s", num_online_cpus(),
		  HZ, IS_ENABLED(CONFIG_PREEMPT_RT) ? "yes" : "no");
	check_default_instance("default_instance_sized_by_eventcount");
	for (i = 0; i < ARRAY_SIZE(context_cases); i++)
		check_context(&context_cases[i]);
	check_kthread_stop("kthread_stop_ends_sleep_at_once");
	check_destroy("destroy_waits_for_the_sleepers_it_woke");
	ktap_end();
	return 0;
}
module_init(vmtest_init);

static void __exit vmtest_exit(void)
{
	if (observe)
		observe_stop();
}
module_exit(vmtest_exit);

MODULE_DESCRIPTION("alertable_sleep checks that need an SMP kernel, for a QEMU machine");
MODULE_AUTHOR("The alertable_sleep developers");
MODULE_LICENSE("GPL");
