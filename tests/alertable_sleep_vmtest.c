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
 * that destroy waits for the sleepers it woke; and that an abort is done
 * with an entry once the sleep it ended has returned (a kprobe holds the
 * abort, a hardware watchpoint sees any later access).
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
#include <linux/hw_breakpoint.h>
#include <linux/interrupt.h>
#include <linux/irq_work.h>
#include <linux/jiffies.h>
#include <linux/kprobes.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/perf_event.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/spinlock.h>
#include <linux/string.h>
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
		r->ret = alertable_sleep_abort_all(r->as);
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

/*
 * Whether @c is abort_all() where PREEMPT_RT refuses it: in hard IRQ, where
 * nothing could preempt its scan and its wake-ups.
 */
static bool context_refused(const struct context_case *c)
{
	return IS_ENABLED(CONFIG_PREEMPT_RT) && c->op == OP_ABORT_ALL &&
	       c->ctx == CTX_HARD_HRTIMER;
}

static void check_context(const struct context_case *c)
{
	struct task_struct *t = NULL;
	struct alertable_sleep *as;
	struct remote *r;
	struct sleeper s = { };
	bool fired, woke, others = true, inside_after = false, refused;
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
	refused = context_refused(c);
	if (refused) {
		/* Refused, it changed nothing: the sleeper sleeps on. */
		inside_after = alertable_sleep_reset_for_reuse(as, 0) == -EBUSY;
		for (i = 1; i < 4; i++)
			others &= alertable_sleep_reset_for_reuse(as, i) == 0 &&
				  alertable_sleep_sleep(as, i, 0) == 0;
		alertable_sleep_abort(as, 0);
	}
	woke = sleeper_wait(&s);
	if (woke)
		late = ktime_ms_delta(s.returned, r->when);
	if (c->op == OP_ABORT_ALL && !refused)
		for (i = 1; i < 4; i++)
			others &= alertable_sleep_sleep(as, i, 0) == -ECANCELED;

	if (refused)
		ktap_result(c->name,
			    r->saw_sleeper && fired && remote_context_ok(r) &&
			    r->cpu == 1 && r->ret == -EPERM && inside_after &&
			    others && woke && s.ret == -ECANCELED,
			    "PREEMPT_RT: saw sleeper %d; fired %d on CPU %d (hardirq %d), gave %d (want -EPERM); sleeper inside after %d; other indices untouched %d; sleeper %d",
			    r->saw_sleeper, fired, r->cpu, r->hardirq, r->ret,
			    inside_after, others, s.ret);
	else if (c->op == OP_RESET)
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

/* --- an abort is done with the entry once the sleep has returned ------- */

/*
 * The lifetime rule of struct alertable_sleep_entry (alertable_sleep.h):
 * once a sleep has returned -ECANCELED, the abort it saw no longer touches
 * the entry, even if that abort has not returned yet, so the sleeper may
 * free the entry, or leave the stack frame that holds it, at once.
 *
 * The abort is caught in the act. A kprobe on every wake-up an abort may
 * call after it has published the abort (rcuwait_wake_up() of the core
 * before the entry became one word, wake_up_process(), try_to_wake_up())
 * holds the aborter on CPU 0 in its pre-handler, the first time one is
 * called in the abort for the sleeper (its task, or a pointer into the
 * entry), until the sleeper on CPU 1 has returned: the sleeper's own
 * timer ends its sleep LT_SLEEP_MS after it began, and it finds the abort.
 * From then on until the abort has returned, a hardware watchpoint (read
 * or write) on each word of the entry counts the accesses, which must be
 * none. Then the aborter reads the entry on purpose, which must hit, to
 * show that the watchpoints were live on its CPU, and the entry's bytes
 * must still be what the sleeper left.
 *
 * The entry is on the sleeper's stack in every other round, as users have
 * it, and kmalloc()ed in the others. In the first half of the rounds the
 * sleeper leaves the bytes as the sleep left them; in the second it fills
 * them with 0x6b, as slab poisons freed memory. Poisoned rounds run only
 * if the first half found nothing: an abort that read a poisoned task
 * pointer would crash, and scripts/vm.sh boots with oops=panic, so the
 * run would end before this report.
 *
 * A round in which the abort was not held after its state change (the
 * sleep returned before the abort, or the sleeper did not return within
 * LT_HOLD_MS) shows nothing and is run again, up to LT_ATTEMPTS rounds.
 *
 * x86 only: an x86 data watchpoint traps after the access, and the
 * handler just counts it; arm64's traps before it and is stepped over
 * only for perf's own handler, so one with a handler of its own would trap
 * again at once.
 */
#define LT_ROUNDS	12
#define LT_ATTEMPTS	(3 * LT_ROUNDS)
#define LT_SLEEP_MS	100U
#define LT_ABORT_US	10000	/* the abort, after the sleep began */
#define LT_HOLD_MS	2000U
#define LT_POISON	0x6b
#define LT_WORDS	DIV_ROUND_UP(sizeof(struct alertable_sleep_entry), \
				     sizeof(long))
#define LT_MAX_WORDS	4	/* debug registers of an x86 CPU */
static_assert(LT_WORDS <= LT_MAX_WORDS);

enum lt_phase {
	LT_QUIET,	/* the sleep has not returned: accesses are expected */
	LT_ARMED,	/* it returned -ECANCELED: any access is a failure */
	LT_CONTROL,	/* the aborter reads the entry on purpose */
	LT_DONE,
};

struct lt_round {
	bool on_stack;
	bool poison;
	bool run;			/* set before go: both threads may start */
	struct alertable_sleep_entry *heap;	/* kmalloc()ed, or NULL */
	struct alertable_sleep_entry *e;	/* set by the sleeper */
	struct task_struct *sleeper;
	struct task_struct *aborter;
	struct completion ready;	/* e is set */
	struct completion go;
	struct completion slept;	/* the sleep has returned, or not run */
	struct completion aborted;	/* the abort has returned, or not run */
	struct completion leave;	/* the sleeper may leave its frame */
	/* the sleeper's */
	int ret;
	ktime_t began;
	ktime_t returned;
	bool sleep_returned;		/* release: ret, returned, left */
	u8 left[sizeof(struct alertable_sleep_entry)];
	/* the aborter's */
	bool saw_owner;
	bool probe_armed;		/* inside alertable_sleep_entry_abort() */
	/* the kprobe's, in the aborter */
	bool held;
	bool hold_gave_up;
	const char *held_in;
	ktime_t held_at;
	/* the watchpoints' */
	int phase;
	atomic_t hits;
	atomic_t control_hits;
	unsigned long first_ip;
	int first_cpu;
	bool first_by_aborter;
};

/* The round in progress, for the handlers; NULL between rounds. */
static struct lt_round *lt_cur;
/* A word that a first watchpoint shows the machine has them. */
static unsigned long lt_probe_word;
static atomic_t lt_probe_word_hits;

static struct kprobe lt_kprobes[] = {
	{ .symbol_name = "rcuwait_wake_up" },
	{ .symbol_name = "wake_up_process" },
	{ .symbol_name = "try_to_wake_up" },
};

/* Whether the sleep has returned; its results may be read once it has. */
static bool lt_sleep_returned(struct lt_round *r)
{
	/* Acquire: pairs with the sleeper's release of its results. */
	return smp_load_acquire(&r->sleep_returned);
}

/*
 * Whether a probed call wakes the sleeper: its first argument is the
 * sleeper's task (wake_up_process(), try_to_wake_up()) or points into the
 * entry (rcuwait_wake_up()). An interrupt on CPU 0 that wakes another task
 * while the aborter is current is let through.
 */
static bool lt_wakes_sleeper(const struct lt_round *r, struct pt_regs *regs)
{
	unsigned long arg = regs_get_kernel_argument(regs, 0);
	unsigned long e = (unsigned long)r->e;

	return arg == (unsigned long)r->sleeper ||
	       (arg >= e && arg < e + sizeof(*r->e));
}

/*
 * In every caller of the probed wake-ups; acts only in the aborter, inside
 * alertable_sleep_entry_abort(), on the first wake-up of the sleeper.
 * Preemption is off here (and interrupts, for an int3 kprobe): the wait is
 * bounded.
 */
static int lt_kprobe_pre(struct kprobe *p, struct pt_regs *regs)
{
	/* Acquire: pairs with the controller's release of the round. */
	struct lt_round *r = smp_load_acquire(&lt_cur);
	ktime_t end;

	if (!r || current != r->aborter || !READ_ONCE(r->probe_armed) ||
	    r->held || !lt_wakes_sleeper(r, regs))
		return 0;
	r->held = true;
	r->held_in = p->symbol_name;
	r->held_at = ktime_get();
	end = ktime_add_ms(r->held_at, LT_HOLD_MS);
	while (!lt_sleep_returned(r)) {
		if (!ktime_before(ktime_get(), end)) {
			r->hold_gave_up = true;
			return 0;
		}
		cpu_relax();
	}
	/*
	 * -ECANCELED: the abort's state change came before the sleep's end,
	 * and so before this hold. (A wake-up held before it would have let
	 * the sleep run out and return 0.)
	 */
	if (r->ret == -ECANCELED)
		WRITE_ONCE(r->phase, LT_ARMED);
	return 0;
}

/* On any access to a watched word, on any CPU, after the access. */
static void lt_watch_hit(struct perf_event *bp, struct perf_sample_data *data,
			 struct pt_regs *regs)
{
	struct lt_round *r;

	if (bp->attr.bp_addr == (unsigned long)&lt_probe_word) {
		atomic_inc(&lt_probe_word_hits);
		return;
	}
	/* Acquire: pairs with the controller's release of the round. */
	r = smp_load_acquire(&lt_cur);
	if (!r)
		return;
	switch (READ_ONCE(r->phase)) {
	case LT_ARMED:
		if (atomic_inc_return(&r->hits) == 1) {
			r->first_ip = instruction_pointer(regs);
			r->first_cpu = raw_smp_processor_id();
			r->first_by_aborter = current == r->aborter;
		}
		break;
	case LT_CONTROL:
		if (current == r->aborter)
			atomic_inc(&r->control_hits);
		break;
	}
}

static struct perf_event * __percpu *lt_watch(unsigned long addr)
{
	struct perf_event_attr attr;

	hw_breakpoint_init(&attr);
	attr.bp_addr = addr;
	attr.bp_len = sizeof(long) == 8 ? HW_BREAKPOINT_LEN_8 :
		      HW_BREAKPOINT_LEN_4;
	attr.bp_type = HW_BREAKPOINT_RW;
	return register_wide_hw_breakpoint(&attr, lt_watch_hit, NULL);
}

/*
 * lt_watch()'s error: 0, or a negative errno. IS_ERR() of a __percpu
 * pointer does not build where __percpu is a named address space (x86 from
 * 6.12), so read it as an integer, as the kernel's IS_ERR_PCPU() does.
 */
static long lt_watch_err(struct perf_event * __percpu *wp)
{
	unsigned long v = (__force unsigned long)wp;

	if (!v)
		return -ENODEV;
	return IS_ERR_VALUE(v) ? (long)v : 0;
}

static int lt_sleeper_fn(void *data)
{
	struct lt_round *r = data;
	struct alertable_sleep_entry stacked;
	struct alertable_sleep_entry *e = r->on_stack ? &stacked : r->heap;

	alertable_sleep_entry_init(e);
	r->e = e;
	complete(&r->ready);
	if (wait_for_completion_timeout(&r->go,
					msecs_to_jiffies(AS_TEST_WAIT_MS)) &&
	    READ_ONCE(r->run)) {
		r->began = ktime_get();
		r->ret = alertable_sleep_entry_sleep(e, LT_SLEEP_MS);
		r->returned = ktime_get();
		/*
		 * What an owner may do at once with an entry whose abort it
		 * saw: reuse the memory. (A sleep that ran out saw none: the
		 * abort may still come, and the entry must stay valid.)
		 */
		if (r->poison && r->ret == -ECANCELED)
			memset(e, LT_POISON, sizeof(*e));
		memcpy(r->left, e, sizeof(*e));
		/* Release: pairs with lt_sleep_returned(). */
		smp_store_release(&r->sleep_returned, true);
	}
	complete(&r->slept);
	/* The frame keeps the entry until the checks are done. */
	wait_for_completion_timeout(&r->leave,
				    msecs_to_jiffies(4 * AS_TEST_WAIT_MS));
	as_test_wait_for_stop();
	return 0;
}

static int lt_aborter_fn(void *data)
{
	struct lt_round *r = data;
	unsigned int i;
	ktime_t end;

	if (!wait_for_completion_timeout(&r->go,
					 msecs_to_jiffies(AS_TEST_WAIT_MS)) ||
	    !READ_ONCE(r->run))
		goto out;
	/*
	 * Only the API shows that the sleeper owns the entry: a reset is
	 * refused with -EBUSY then, and changes nothing on an entry that is
	 * not aborted. Then abort well inside the sleep, the sleeper asleep.
	 */
	end = ktime_add_ms(ktime_get(), AS_TEST_WAIT_MS);
	while (!(r->saw_owner = alertable_sleep_entry_reset(r->e) == -EBUSY) &&
	       !lt_sleep_returned(r) &&
	       ktime_before(ktime_get(), end))
		usleep_range(100, 200);
	usleep_range(LT_ABORT_US, LT_ABORT_US + 1000);

	WRITE_ONCE(r->probe_armed, true);
	alertable_sleep_entry_abort(r->e);
	WRITE_ONCE(r->probe_armed, false);

	if (READ_ONCE(r->phase) == LT_ARMED) {
		WRITE_ONCE(r->phase, LT_CONTROL);
		for (i = 0; i < LT_WORDS; i++)
			(void)READ_ONCE(((unsigned long *)r->e)[i]);
		WRITE_ONCE(r->phase, LT_DONE);
	}
out:
	complete(&r->aborted);
	as_test_wait_for_stop();
	return 0;
}

enum lt_verdict { LT_CLEAN, LT_TOUCHED, LT_UNSEEN, LT_BROKEN };

/* The verdict of a round that ran to its end; says what it saw in @why. */
static enum lt_verdict lt_judge(struct lt_round *r, char *why, size_t len)
{
	int hits = atomic_read(&r->hits);
	int control = atomic_read(&r->control_hits);
	bool changed = memcmp(r->e, r->left, sizeof(*r->e));

	if (!r->held) {
		snprintf(why, len,
			 "the abort called no probed wake-up (sleeper seen %d; the sleep returned %d after %lld ms)",
			 r->saw_owner, r->ret,
			 ktime_ms_delta(r->returned, r->began));
		return LT_UNSEEN;
	}
	if (r->hold_gave_up) {
		snprintf(why, len,
			 "the abort was held in %s, but the sleep had not returned %u ms later",
			 r->held_in, LT_HOLD_MS);
		return LT_UNSEEN;
	}
	if (r->ret != -ECANCELED) {
		snprintf(why, len,
			 "the abort was held in %s before it took effect: the sleep returned %d",
			 r->held_in, r->ret);
		return LT_UNSEEN;
	}
	if (hits || changed) {
		snprintf(why, len,
			 "the abort, held in %s for %lld ms until the sleep returned -ECANCELED, read or wrote the entry %d time%s after that, first just before %pS on CPU %d (%s); the entry's bytes were %s",
			 r->held_in, ktime_ms_delta(r->returned, r->held_at),
			 hits, hits == 1 ? "" : "s", (void *)r->first_ip,
			 r->first_cpu,
			 r->first_by_aborter ? "the aborter" :
			 "not the aborter", changed ? "CHANGED" : "unchanged");
		return LT_TOUCHED;
	}
	if (control < LT_WORDS) {
		snprintf(why, len,
			 "the watchpoints saw %d of the aborter's %zu reads after the abort: not live on its CPU",
			 control, LT_WORDS);
		return LT_BROKEN;
	}
	return LT_CLEAN;
}

/* One round; says what it saw in @why. */
static enum lt_verdict lt_round_run(struct lt_round *r, char *why, size_t len)
{
	struct perf_event * __percpu *wp[LT_MAX_WORDS] = { };
	struct task_struct *st, *at = NULL;
	enum lt_verdict v = LT_BROKEN;
	const unsigned long wait = msecs_to_jiffies(AS_TEST_WAIT_MS);
	bool done = false;
	unsigned int i;

	init_completion(&r->ready);
	init_completion(&r->go);
	init_completion(&r->slept);
	init_completion(&r->aborted);
	init_completion(&r->leave);
	r->ret = 1;
	if (!r->on_stack) {
		r->heap = kzalloc_obj(*r->heap, GFP_KERNEL);
		if (!r->heap) {
			snprintf(why, len, "cannot allocate the entry");
			return LT_BROKEN;
		}
	}
	st = kthread_create(lt_sleeper_fn, r, "as_vmtest_lt/s");
	if (IS_ERR(st)) {
		snprintf(why, len, "cannot start the sleeper: %pe", st);
		kfree(r->heap);
		return LT_BROKEN;
	}
	kthread_bind(st, 1);
	r->sleeper = st;
	at = kthread_create(lt_aborter_fn, r, "as_vmtest_lt/a");
	if (IS_ERR(at)) {
		snprintf(why, len, "cannot start the aborter: %pe", at);
		at = NULL;
	} else {
		kthread_bind(at, 0);
		r->aborter = at;
	}
	wake_up_process(st);
	if (!at || !wait_for_completion_timeout(&r->ready, wait)) {
		if (at)
			snprintf(why, len, "the sleeper did not start");
		goto out_go;
	}

	for (i = 0; i < LT_WORDS; i++) {
		wp[i] = lt_watch((unsigned long)r->e + i * sizeof(long));
		if (lt_watch_err(wp[i])) {
			snprintf(why, len, "cannot watch word %u of the entry: %pe",
				 i, ERR_PTR(lt_watch_err(wp[i])));
			wp[i] = NULL;
			goto out_unwatch;
		}
	}
	/* Release: the round is set up before the handlers look at it. */
	smp_store_release(&lt_cur, r);
	WRITE_ONCE(r->run, true);
	complete_all(&r->go);
	wake_up_process(at);
	done = wait_for_completion_timeout(&r->aborted,
					   wait + msecs_to_jiffies(LT_HOLD_MS)) &&
	       wait_for_completion_timeout(&r->slept, wait);
	WRITE_ONCE(r->phase, LT_DONE);
	if (done)
		v = lt_judge(r, why, len);
	else
		snprintf(why, len, "the abort or the sleep did not return in %u ms",
			 AS_TEST_WAIT_MS);

out_unwatch:
	for (i = 0; i < LT_WORDS; i++)
		if (wp[i])
			unregister_wide_hw_breakpoint(wp[i]);
	WRITE_ONCE(lt_cur, NULL);
	/* The kprobe's handler runs with preemption off: it is done after. */
	synchronize_rcu();
out_go:
	complete_all(&r->go);
	complete(&r->leave);
	if (at)
		kthread_stop(at);
	kthread_stop(st);
	kfree(r->heap);
	r->heap = NULL;
	return v;
}

/* Whether the machine's watchpoints fire: they need not under emulation. */
static int lt_watch_works(void)
{
	struct perf_event * __percpu *wp = lt_watch((unsigned long)&lt_probe_word);

	if (lt_watch_err(wp))
		return lt_watch_err(wp);
	atomic_set(&lt_probe_word_hits, 0);
	(void)READ_ONCE(lt_probe_word);
	WRITE_ONCE(lt_probe_word, 1);
	unregister_wide_hw_breakpoint(wp);
	return atomic_read(&lt_probe_word_hits) == 2 ? 0 : -ENOENT;
}

static void check_lifetime(const char *name)
{
	unsigned int i, round = 0, attempt, probes = 0, stacked = 0;
	unsigned int by_deadline = 0, again = 0;
	s64 hold, hold_min = S64_MAX, hold_max = 0, min_ms, max_ms;
	s32 min_rem, max_rem;
	enum lt_verdict v = LT_CLEAN;
	const char *held_in = NULL;
	struct lt_round *r = NULL;
	char why[400] = "";
	char set[80] = "";
	int ret = 0;

	if (!two_cpus(name))
		return;
	if (!IS_ENABLED(CONFIG_X86)) {
		ktap_skip(name,
			  "x86 only: elsewhere a kernel watchpoint with its own handler traps again at once");
		return;
	}
	for (i = 0; i < ARRAY_SIZE(lt_kprobes); i++) {
		struct kprobe *p = &lt_kprobes[i];
		const char *sym = p->symbol_name;
		int err;

		memset(p, 0, sizeof(*p));
		p->symbol_name = sym;
		p->pre_handler = lt_kprobe_pre;
		err = register_kprobe(p);
		if (err) {
			ret = err;
			p->symbol_name = NULL;
			continue;
		}
		probes++;
		snprintf(set + strlen(set), sizeof(set) - strlen(set), "%s%s",
			 probes > 1 ? ", " : "", sym);
	}
	if (!probes) {
		ktap_skip(name, "no kprobe on a wake-up: %pe", ERR_PTR(ret));
		goto out;
	}
	ret = lt_watch_works();
	if (ret) {
		ktap_skip(name, "no working hardware watchpoint here: %pe",
			  ERR_PTR(ret));
		goto out;
	}
	r = kzalloc_obj(*r, GFP_KERNEL);
	if (!r) {
		ktap_result(name, false, "cannot allocate");
		goto out;
	}

	for (attempt = 1; attempt <= LT_ATTEMPTS && round < LT_ROUNDS; attempt++) {
		memset(r, 0, sizeof(*r));
		r->on_stack = !(round % 2);
		r->poison = round >= LT_ROUNDS / 2;
		v = lt_round_run(r, why, sizeof(why));
		if (v == LT_UNSEEN) {
			again++;
			ktap_diag("%s: attempt %u showed nothing: %s", name,
				  attempt, why);
			continue;
		}
		if (v != LT_CLEAN)
			break;
		round++;
		stacked += r->on_stack;
		hold = max_t(s64, ktime_us_delta(r->returned, r->held_at), 0);
		hold_min = min(hold_min, hold);
		hold_max = max(hold_max, hold);
		by_deadline += ktime_ms_delta(r->returned, r->began) >=
			       LT_SLEEP_MS;
		if (!held_in)
			held_in = r->held_in;
		else if (strcmp(held_in, r->held_in))
			held_in = "several wake-ups";
	}

	/* div_s64_rem(): a 32-bit kernel has no 64-bit division. */
	min_ms = div_s64_rem(hold_min, 1000, &min_rem);
	max_ms = div_s64_rem(hold_max, 1000, &max_rem);
	if (v == LT_TOUCHED || v == LT_BROKEN)
		ktap_result(name, false, "round %u (the entry %s, %s): %s",
			    round + 1, r->on_stack ? "on the sleeper's stack" :
			    "kmalloc()ed", r->poison ? "poisoned" : "bytes kept",
			    why);
	else if (round < LT_ROUNDS)
		ktap_result(name, false,
			    "only %u of %u rounds held the abort after its state change until the sleep returned, in %u attempts; the last: %s",
			    round, LT_ROUNDS, LT_ATTEMPTS, why);
	else
		ktap_result(name, true,
			    "%u rounds (%u with the entry on the sleeper's stack, %u kmalloc()ed; %u poisoned with 0x%x), %u run again: each abort held in %s (probed: %s) after its state change for %lld.%03d-%lld.%03d ms, until the %u ms sleep on CPU 1 returned -ECANCELED (by its timer in %u); then no read or write of the entry's %zu bytes until the abort returned (a read-write watchpoint, live: it hit the aborter's own read after), bytes unchanged",
			    round, stacked, round - stacked, LT_ROUNDS / 2,
			    LT_POISON, again, held_in, set, min_ms, min_rem,
			    max_ms, max_rem, LT_SLEEP_MS, by_deadline,
			    sizeof(struct alertable_sleep_entry));
	kfree(r);
out:
	for (i = 0; i < ARRAY_SIZE(lt_kprobes); i++)
		if (lt_kprobes[i].symbol_name)
			unregister_kprobe(&lt_kprobes[i]);
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

	ktap_begin(4 + ARRAY_SIZE(context_cases));
	ktap_diag("%u CPUs online, HZ=%d, PREEMPT_RT %s", num_online_cpus(),
		  HZ, IS_ENABLED(CONFIG_PREEMPT_RT) ? "yes" : "no");
	check_default_instance("default_instance_sized_by_eventcount");
	for (i = 0; i < ARRAY_SIZE(context_cases); i++)
		check_context(&context_cases[i]);
	check_kthread_stop("kthread_stop_ends_sleep_at_once");
	check_destroy("destroy_waits_for_the_sleepers_it_woke");
	check_lifetime("abort_is_done_with_the_entry_once_the_sleep_returned");
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
