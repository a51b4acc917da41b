// SPDX-License-Identifier: GPL-2.0
/*
 * alertable_sleep_freeze - the freezer, killable sleeps, sleep_until() and
 * aborts from hard IRQ, checked in a real kernel
 *
 * The guest script (tests/freeze/guest.sh) drives it through debugfs,
 * <debugfs>/alertable_sleep_freeze/:
 *
 *   ctl     one command a write, run before the write returns:
 *           "start freeze"         sleepers for a system freeze
 *           "end freeze ERRNO MS"  after `echo freeze > /sys/power/state`
 *                                  (pm_test=freezer), which failed with
 *                                  ERRNO (0: it succeeded) after MS ms
 *           "start control", "end control ERRNO MS": the same with a sleep
 *                                  that is not freezable, which must fail it
 *           "abandon"              end the sleepers of a "start", silently
 *                                  (a freeze held too short, run again)
 *           "run NAME"             a check that needs no freeze: killable,
 *                                  kthread_stop, flags, deadline, restart,
 *                                  hardirq
 *   usleep  a write of "K MS" (killable) or "I MS" (interruptible) sleeps
 *           that long in the writer, a user task, which the script then
 *           signals; "R" resets. A read says what the last sleep did:
 *           "state=idle|sleeping|done ret=N ms=N calls=N".
 *   hold_ms how long the last freeze held the system frozen, by the PM
 *           notifier's timestamps (-1: none seen since "start").
 *
 * Each command prints its results as KTAP subtests (as_test.h) of the one
 * document that the module starts when it loads, with a plan of
 * FRZ_NR_GROUPS: a command the script does not run is a missing result.
 *
 * Where a sleeper is frozen is watched from a kthread that is not
 * freezable, and so runs on while the freezer holds the system: it polls
 * each sleeper's task state every millisecond, and aborts from there (and
 * from a hard-IRQ hrtimer it arms) land while the sleeper is frozen. A PM
 * notifier timestamps the freeze (PM_SUSPEND_PREPARE) and its end
 * (PM_POST_SUSPEND, after the thaw), and starts the sleep whose deadline
 * must fall while it is frozen right before the freezer runs.
 *
 * What turns the checks red, tried on copies of alertable_sleep.c:
 * FREEZABLE ignored (no TASK_FREEZABLE, no try_to_freeze()): the freeze
 * fails and every freeze_* group but the control goes red, on 5.10 and
 * 6.1; a wake-up that finds no abort ends the sleep (one schedule(), no
 * loop): the freezable groups' spurious wake-up, the control and
 * kthread_stop go red, on 6.1 and 7.3. The rest would go red as follows:
 * KILLABLE ignored: killable_kthread_signals, kthread_stop and the
 * script's user-task checks; flags checked after the claim, or not at
 * all: sleep_until_flags; the deadline taken as relative
 * (HRTIMER_MODE_REL): sleep_until_deadline and sleep_until_restart; an
 * abort that takes a spinlock_t (a wait queue's) would show on
 * PREEMPT_RT only where abort_hard_contexts' rounds find that lock
 * contended in hard IRQ (scheduling while atomic, on the console): Debian's
 * kernels have no lockdep, whose wait-context checker sees it every time
 * (make check-debug). Those four were not tried here.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/completion.h>
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/err.h>
#include <linux/freezer.h>
#include <linux/fs.h>
#include <linux/hrtimer.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/random.h>
#include <linux/notifier.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/signal.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/suspend.h>
#include <linux/uaccess.h>

#include "alertable_sleep.h"
#include "as_test.h"

/* The top-level results: one group per check below. */
#define FRZ_NR_GROUPS	13

/* A sleep that only an abort is meant to end. */
#define FRZ_LONG_MS	60000U
/* The sleep whose deadline falls while it is frozen (held >= 3.5 s). */
#define FRZ_DEADLINE_MS	2000U
/* "At once", "promptly": far below any sleep asked for. */
#define FRZ_PROMPT_MS	1000

/* Indices of the instance; one per sleeper, so the checks never collide. */
enum {
	IDX_FREEZABLE,		/* freeze: sleep_freezable(60 s) */
	IDX_CONTROL,		/* control: sleep(60 s), not freezable */
	IDX_ABORT_KTHREAD,	/* freeze: aborted from a kthread while frozen */
	IDX_ABORT_HARD,		/* freeze: aborted from hard IRQ while frozen */
	IDX_DEADLINE,		/* freeze: sleep_freezable(2 s) */
	IDX_KILLABLE_FRZ,	/* freeze: FREEZABLE | KILLABLE */
	IDX_USER,		/* the usleep file's user task */
	IDX_RUN,		/* the "run" checks, one at a time */
	IDX_RUN2,
	FRZ_NR_INDICES = 32
};

static struct alertable_sleep *frz_as;
static struct dentry *frz_dir;
static DEFINE_MUTEX(frz_ctl_lock);	/* one command at a time */
static DEFINE_MUTEX(frz_pm_lock);	/* the PM notifier against "end" */
static DEFINE_RAW_SPINLOCK(frz_raw_lock);

/* ----------------------------------------------------------------------- */

/*
 * Whether @p is frozen. frozen() is not exported since 6.1, where the
 * state says it (commit f5d39b020809, "freezer,sched: Rewrite core freezer
 * logic"); before, PF_FROZEN does. Probe TASK_FROZEN, new in that commit.
 */
static bool frz_frozen(struct task_struct *p)
{
#ifdef TASK_FROZEN
	return READ_ONCE(p->__state) & TASK_FROZEN;
#else
	return READ_ONCE(p->flags) & PF_FROZEN;
#endif
}

enum frz_how {
	FRZ_SLEEP,		/* alertable_sleep_sleep(msecs) */
	FRZ_FREEZABLE,		/* alertable_sleep_sleep_freezable(msecs) */
	FRZ_UNTIL,		/* alertable_sleep_sleep_until(start + msecs) */
	FRZ_UNTIL_MAX,		/* alertable_sleep_sleep_until(KTIME_MAX) */
};

/* A kthread that sleeps once (or twice, see restart) and records it. */
struct frz_sleeper {
	struct alertable_sleep *as;	/* NULL: frz_as */
	unsigned int index;
	enum frz_how how;
	unsigned int msecs;
	unsigned int flags;	/* FRZ_UNTIL*: of sleep_until() */
	bool freezable;		/* the kthread calls set_freezable() */
	int allow;		/* a signal that the kthread takes, or 0 */
	bool restart;		/* after -ERESTARTSYS, again to the deadline */
	bool wait_go;		/* sleep only once go is completed */

	struct task_struct *task;
	struct completion go;
	struct completion done;
	ktime_t deadline;
	/* results */
	int ret, ret1;		/* ret1: the first sleep, with restart */
	ktime_t start, returned, returned1;
	bool stop_seen;		/* kthread_should_stop() when it returned */
	bool sig_seen;		/* a signal was pending when it returned */
	/* from the monitor */
	ktime_t first_frozen, last_frozen;
	unsigned int frozen_polls;
};

/*
 * Wait for kthread_stop(), and freeze meanwhile if the thread is freezable,
 * so that a sleeper whose sleep is over does not hold up a later freeze.
 */
static void frz_wait_for_stop(void)
{
	while (!kthread_should_stop()) {
		try_to_freeze();
		schedule_timeout_interruptible(msecs_to_jiffies(20));
	}
}

static struct alertable_sleep *frz_inst(const struct frz_sleeper *s)
{
	return s->as ? s->as : frz_as;
}

static int frz_sleep_once(struct frz_sleeper *s)
{
	struct alertable_sleep *as = frz_inst(s);

	switch (s->how) {
	case FRZ_SLEEP:
		return alertable_sleep_sleep(as, s->index, s->msecs);
	case FRZ_FREEZABLE:
		return alertable_sleep_sleep_freezable(as, s->index, s->msecs);
	case FRZ_UNTIL:
	case FRZ_UNTIL_MAX:
		return alertable_sleep_sleep_until(as, s->index, s->deadline,
						   s->flags);
	}
	return -EINVAL;
}

static int frz_sleeper_fn(void *data)
{
	struct frz_sleeper *s = data;

	if (s->freezable)
		set_freezable();
	if (s->allow)
		allow_signal(s->allow);
	if (s->wait_go)
		wait_for_completion(&s->go);
	s->start = ktime_get();
	s->deadline = s->how == FRZ_UNTIL_MAX ? KTIME_MAX :
		ktime_add_ms(s->start, s->msecs);
	s->ret = frz_sleep_once(s);
	s->returned = ktime_get();
	if (s->restart && s->ret == -ERESTARTSYS) {
		/* The caller keeps its deadline and calls again. */
		s->ret1 = s->ret;
		s->returned1 = s->returned;
		flush_signals(current);
		s->ret = frz_sleep_once(s);
		s->returned = ktime_get();
	}
	s->stop_seen = kthread_should_stop();
	s->sig_seen = signal_pending(current);
	flush_signals(current);
	complete(&s->done);
	frz_wait_for_stop();
	return 0;
}

/* Start @s (its fields set) on its index, which is reset first. */
static int frz_start(struct frz_sleeper *s)
{
	alertable_sleep_reset_for_reuse(frz_inst(s), s->index);
	s->ret = 1;
	s->ret1 = 1;
	s->start = 0;
	s->returned = 0;
	s->returned1 = 0;
	s->first_frozen = 0;
	s->last_frozen = 0;
	s->frozen_polls = 0;
	init_completion(&s->go);
	init_completion(&s->done);
	s->task = kthread_run(frz_sleeper_fn, s, "as_frz/%u", s->index);
	if (IS_ERR(s->task)) {
		int err = PTR_ERR(s->task);

		s->task = NULL;
		return err;
	}
	return 0;
}

/* True once @s sleeps on its index (not aborted: see as_test.h). */
static bool frz_sleeping(struct frz_sleeper *s)
{
	return s->task &&
		as_test_wait_sleeping(frz_inst(s), s->index, &s->done);
}

/* True if @s is inside its sleep now. */
static bool frz_still_sleeping(struct frz_sleeper *s)
{
	return s->task && !completion_done(&s->done) &&
		alertable_sleep_reset_for_reuse(frz_inst(s), s->index) == -EBUSY;
}

/* Wait for @s to return; it stays done for the next look. */
static bool frz_wait_done(struct frz_sleeper *s, unsigned int ms)
{
	if (!s->task ||
	    !wait_for_completion_timeout(&s->done, msecs_to_jiffies(ms)))
		return false;
	complete(&s->done);
	return true;
}

/* End @s whatever it does: start it, abort it, stop it, reset its index. */
static void frz_finish(struct frz_sleeper *s)
{
	if (!s->task)
		return;
	complete(&s->go);
	alertable_sleep_abort(frz_inst(s), s->index);
	if (!frz_wait_done(s, AS_TEST_WAIT_MS))
		ktap_diag("the sleeper on index %u does not return", s->index);
	kthread_stop(s->task);
	s->task = NULL;
	alertable_sleep_reset_for_reuse(frz_inst(s), s->index);
}

static s64 frz_ms(ktime_t later, ktime_t earlier)
{
	return ktime_ms_delta(later, earlier);
}

/* --- an abort from hard IRQ ------------------------------------------- */

struct frz_hard {
	struct hrtimer t;
	unsigned int index;
	bool all;			/* abort_all() instead */
	struct alertable_sleep *as;	/* NULL: frz_as */
	bool raw_lock;			/* under frz_raw_lock, too */
	struct task_struct *watch;	/* see whether it is frozen */
	/* what the callback saw */
	bool fired, hardirq, irqs_off, frozen_before, frozen_after, busy;
	int ret;
	ktime_t when;
};

static void frz_hard_abort(struct frz_hard *h, struct alertable_sleep *as)
{
	if (h->all)
		h->ret = alertable_sleep_abort_all(as);
	else
		h->ret = alertable_sleep_abort(as, h->index);
}

static enum hrtimer_restart frz_hard_fn(struct hrtimer *t)
{
	struct frz_hard *h = container_of(t, struct frz_hard, t);
	struct alertable_sleep *as = h->as ? h->as : frz_as;
	unsigned long flags = 0;

	h->hardirq = in_hardirq();
	h->irqs_off = irqs_disabled();
	if (h->watch)
		h->frozen_before = frz_frozen(h->watch);
	/* A reset is refused only under a sleeper; it changes nothing else. */
	h->busy = alertable_sleep_reset_for_reuse(as, h->index) == -EBUSY;
	h->when = ktime_get();
	/* One lock statement each way, so that sparse can pair them. */
	if (h->raw_lock) {
		raw_spin_lock_irqsave(&frz_raw_lock, flags);
		frz_hard_abort(h, as);
		raw_spin_unlock_irqrestore(&frz_raw_lock, flags);
	} else {
		frz_hard_abort(h, as);
	}
	if (h->watch)
		h->frozen_after = frz_frozen(h->watch);
	/* Read after hrtimer_cancel(), which waits for this callback. */
	h->fired = true;
	return HRTIMER_NORESTART;
}

static void frz_hard_init(struct frz_hard *h, unsigned int index)
{
	memset(h, 0, sizeof(*h));
	h->index = index;
	hrtimer_setup(&h->t, frz_hard_fn, CLOCK_MONOTONIC,
		      HRTIMER_MODE_REL_HARD);
}

static void frz_hard_start_us(struct frz_hard *h, u64 us)
{
	h->fired = false;
	hrtimer_start(&h->t, ns_to_ktime(us * NSEC_PER_USEC),
		      HRTIMER_MODE_REL_HARD);
}

/* --- the freeze cycle -------------------------------------------------- */

static struct frz_sleeper frz_k_freezable = {
	.index = IDX_FREEZABLE, .how = FRZ_FREEZABLE, .msecs = FRZ_LONG_MS,
	.freezable = true,
};

static struct frz_sleeper frz_k_control = {
	.index = IDX_CONTROL, .how = FRZ_SLEEP, .msecs = FRZ_LONG_MS,
	.freezable = true,
};

static struct frz_sleeper frz_k_abort_kthread = {
	.index = IDX_ABORT_KTHREAD, .how = FRZ_FREEZABLE, .msecs = FRZ_LONG_MS,
	.freezable = true,
};

static struct frz_sleeper frz_k_abort_hard = {
	.index = IDX_ABORT_HARD, .how = FRZ_FREEZABLE, .msecs = FRZ_LONG_MS,
	.freezable = true,
};

static struct frz_sleeper frz_k_deadline = {
	.index = IDX_DEADLINE, .how = FRZ_FREEZABLE, .msecs = FRZ_DEADLINE_MS,
	.freezable = true, .wait_go = true,
};

static struct frz_sleeper frz_k_killable = {
	.index = IDX_KILLABLE_FRZ, .how = FRZ_UNTIL, .msecs = FRZ_LONG_MS,
	.flags = ALERTABLE_SLEEP_FREEZABLE | ALERTABLE_SLEEP_KILLABLE,
	.freezable = true,
};

/*
 * A freezable killable sleep is frozen from 6.1 on; before, the freezer
 * wakes only interruptible sleepers, and the kernel-doc says it is not.
 */
#ifdef TASK_FROZEN
#define FRZ_KILLABLE_FREEZES	true
#else
#define FRZ_KILLABLE_FREEZES	false
#endif

/* What the cycle's helpers saw; written by them, read at "end". */
static struct {
	bool started;			/* "start" ran: the timer is set up */
	struct frz_sleeper *watch[6];	/* the monitor's, NULL-terminated */
	struct task_struct *monitor;
	struct task_struct *aborter;
	struct frz_hard hard;		/* aborts frz_k_abort_hard */
	bool armed;			/* the PM notifier takes part */
	bool deadline_started;
	unsigned int n_prepare, n_post;
	ktime_t t_prepare, t_post;
	/* the kthread's abort of frz_k_abort_kthread */
	bool k_done, k_frozen_before, k_frozen_after;
	ktime_t k_when;
	bool hard_armed;
} cyc;

static int frz_monitor_fn(void *unused)
{
	unsigned int i;

	while (!kthread_should_stop()) {
		ktime_t now = ktime_get();

		for (i = 0; cyc.watch[i]; i++) {
			struct frz_sleeper *s = cyc.watch[i];

			if (!s->task || !frz_frozen(s->task))
				continue;
			if (!s->first_frozen)
				s->first_frozen = now;
			s->last_frozen = now;
			s->frozen_polls++;
		}
		usleep_range(500, 1000);
	}
	return 0;
}

/* Wait, as the aborter, until @s is frozen; false if stopped first. */
static bool frz_wait_frozen(struct frz_sleeper *s)
{
	while (!kthread_should_stop()) {
		if (s->task && frz_frozen(s->task))
			return true;
		usleep_range(500, 1000);
	}
	return false;
}

/* Not freezable: it runs while the freezer holds the system. */
static int frz_aborter_fn(void *unused)
{
	struct frz_sleeper *k = &frz_k_abort_kthread;

	if (frz_wait_frozen(k)) {
		/* Well inside the freeze, which holds for seconds. */
		msleep(200);
		cyc.k_frozen_before = frz_frozen(k->task);
		cyc.k_when = ktime_get();
		alertable_sleep_abort(frz_as, k->index);
		cyc.k_frozen_after = frz_frozen(k->task);
		cyc.k_done = true;
	}
	if (frz_wait_frozen(&frz_k_abort_hard)) {
		frz_hard_start_us(&cyc.hard, 100 * USEC_PER_MSEC);
		cyc.hard_armed = true;
	}
	while (!kthread_should_stop())
		schedule_timeout_interruptible(msecs_to_jiffies(20));
	return 0;
}

static int frz_pm_notify(struct notifier_block *nb, unsigned long action,
			 void *data)
{
	mutex_lock(&frz_pm_lock);
	if (!cyc.armed)
		goto out;
	switch (action) {
	case PM_SUSPEND_PREPARE:
		cyc.t_prepare = ktime_get();
		cyc.n_prepare++;
		/*
		 * The freezer runs right after this: start the 2 s sleep now
		 * and return once it sleeps, so that its deadline falls in
		 * the 5 s that pm_test holds the frozen system.
		 */
		if (frz_k_deadline.task && !cyc.deadline_started) {
			complete(&frz_k_deadline.go);
			cyc.deadline_started = frz_sleeping(&frz_k_deadline);
		}
		break;
	case PM_POST_SUSPEND:
		cyc.t_post = ktime_get();
		cyc.n_post++;
		break;
	}
out:
	mutex_unlock(&frz_pm_lock);
	return NOTIFY_OK;
}

static struct notifier_block frz_pm_nb = {
	.notifier_call = frz_pm_notify,
};

/* Disarm the notifier and stop the monitor, the aborter and the timer. */
static void frz_cycle_stop_helpers(void)
{
	mutex_lock(&frz_pm_lock);
	cyc.armed = false;
	mutex_unlock(&frz_pm_lock);
	if (!cyc.started)
		return;
	if (cyc.aborter)
		kthread_stop(cyc.aborter);
	cyc.aborter = NULL;
	hrtimer_cancel(&cyc.hard.t);
	if (cyc.monitor)
		kthread_stop(cyc.monitor);
	cyc.monitor = NULL;
}

/* Start the sleepers of @list (NULL-terminated) and the monitor. */
static int frz_cycle_start(struct frz_sleeper **list, bool aborter)
{
	unsigned int i;
	int ret = 0;

	frz_cycle_stop_helpers();	/* a "start" without its "end" */
	memset(&cyc, 0, sizeof(cyc));
	frz_hard_init(&cyc.hard, IDX_ABORT_HARD);
	cyc.started = true;
	for (i = 0; list[i]; i++) {
		cyc.watch[i] = list[i];
		ret = frz_start(list[i]);
		if (ret)
			return ret;
	}
	for (i = 0; list[i]; i++)
		if (!list[i]->wait_go && !frz_sleeping(list[i]))
			return -ETIMEDOUT;
	cyc.monitor = kthread_run(frz_monitor_fn, NULL, "as_frz_mon");
	if (IS_ERR(cyc.monitor)) {
		ret = PTR_ERR(cyc.monitor);
		cyc.monitor = NULL;
		return ret;
	}
	if (aborter) {
		cyc.hard.watch = frz_k_abort_hard.task;
		cyc.aborter = kthread_run(frz_aborter_fn, NULL, "as_frz_abt");
		if (IS_ERR(cyc.aborter)) {
			ret = PTR_ERR(cyc.aborter);
			cyc.aborter = NULL;
			return ret;
		}
	}
	mutex_lock(&frz_pm_lock);
	cyc.armed = true;
	mutex_unlock(&frz_pm_lock);
	return 0;
}

static int frz_start_freeze(void)
{
	static struct frz_sleeper *list[] = {
		&frz_k_freezable, &frz_k_abort_kthread, &frz_k_abort_hard,
		&frz_k_deadline, NULL, NULL,
	};

	if (FRZ_KILLABLE_FREEZES)
		list[4] = &frz_k_killable;
	return frz_cycle_start(list, true);
}

static int frz_start_control(void)
{
	static struct frz_sleeper *list[] = { &frz_k_control, NULL };

	return frz_cycle_start(list, false);
}

/*
 * A sleeper that the freeze must not end: frozen soon after the freeze
 * began, still sleeping after the thaw, and then ended by an abort.
 *
 * Whether the thaw wakes the sleeper depends on the kernel: 5.10 and 6.1
 * wake it (5.10 from the refrigerator, 6.1 from TASK_FROZEN), 6.7 and
 * later put its saved sleeping state back without a wake-up (commit
 * 8f0eed4a78a8, "freezer,sched: Use saved_state to reduce some spurious
 * wakeups"). So a spurious wake-up is also made on purpose after the
 * thaw: neither may end the sleep, on any kernel.
 */
static void frz_check_survives(struct frz_sleeper *s, const char *what)
{
	bool sleeping = frz_still_sleeping(s), still = false;
	ktime_t abort_at;
	bool back;

	ktap_result("sleeping before the freeze", s->task && s->start,
		    "%s, started %d", what, s->task && s->start);
	ktap_result("frozen within 2 s of the freeze's start",
		    s->first_frozen &&
		    frz_ms(s->first_frozen, cyc.t_prepare) < 2000,
		    "first seen frozen %lld ms after PM_SUSPEND_PREPARE (polls %u)",
		    s->first_frozen ? frz_ms(s->first_frozen, cyc.t_prepare) :
		    -1LL, s->frozen_polls);
	ktap_result("still sleeping after the thaw", sleeping,
		    "inside %d, returned %d after %lld ms", sleeping, s->ret,
		    completion_done(&s->done) ?
		    frz_ms(s->returned, s->start) : -1LL);
	if (sleeping) {
		wake_up_process(s->task);
		msleep(100);
		still = frz_still_sleeping(s);
	}
	ktap_result("a spurious wake-up after the thaw does not end it either",
		    still, "inside 100 ms after wake_up_process() %d, returned %d",
		    still, s->ret);
	abort_at = ktime_get();
	alertable_sleep_abort(frz_as, s->index);
	back = frz_wait_done(s, AS_TEST_WAIT_MS);
	ktap_result("then an abort ends it: -ECANCELED at once",
		    still && back && s->ret == -ECANCELED &&
		    frz_ms(s->returned, abort_at) < FRZ_PROMPT_MS,
		    "returned %d, %lld ms after the abort", s->ret,
		    back ? frz_ms(s->returned, abort_at) : -1LL);
}

/*
 * A sleeper aborted at @when while frozen: the abort must take effect at the
 * thaw, not before. The freeze holds for seconds after the abort, so the
 * sleeper must have stayed frozen a second past it.
 */
static void frz_check_abort_frozen(struct frz_sleeper *s, bool done,
				   bool before, bool after, ktime_t when)
{
	bool back = frz_wait_done(s, AS_TEST_WAIT_MS);

	ktap_result("the abort landed while the sleeper was frozen",
		    done && before && after,
		    "abort made %d; frozen before it %d, right after it %d",
		    done, before, after);
	ktap_result("still frozen 1 s after the abort",
		    done && s->last_frozen &&
		    frz_ms(s->last_frozen, when) >= 1000,
		    "last seen frozen %lld ms after the abort",
		    done ? frz_ms(s->last_frozen, when) : -1LL);
	ktap_result("returned -ECANCELED at the thaw, promptly",
		    done && back && s->ret == -ECANCELED &&
		    frz_ms(s->returned, when) >= 1000 &&
		    frz_ms(s->returned, s->last_frozen) < FRZ_PROMPT_MS,
		    "returned %d, %lld ms after the abort, %lld ms after it was last seen frozen",
		    back ? s->ret : 1, back ? frz_ms(s->returned, when) : -1LL,
		    back ? frz_ms(s->returned, s->last_frozen) : -1LL);
}

static void frz_end_freeze(int err, unsigned int ms)
{
	struct frz_sleeper *d = &frz_k_deadline;
	ktime_t due;
	bool back;

	/* The thaw is over: let the sleepers that it ends return. */
	frz_wait_done(&frz_k_abort_kthread, AS_TEST_WAIT_MS);
	frz_wait_done(&frz_k_abort_hard, AS_TEST_WAIT_MS);
	back = frz_wait_done(d, AS_TEST_WAIT_MS);
	frz_cycle_stop_helpers();

	ktap_group_begin("freeze_write");
	ktap_result("echo freeze > /sys/power/state (pm_test=freezer) returns 0",
		    !err, "errno %d after %u ms", err, ms);
	ktap_result("the PM notifiers saw one freeze and its end",
		    cyc.n_prepare == 1 && cyc.n_post == 1 &&
		    ktime_after(cyc.t_post, cyc.t_prepare),
		    "PM_SUSPEND_PREPARE %u, PM_POST_SUSPEND %u, %lld ms apart",
		    cyc.n_prepare, cyc.n_post,
		    frz_ms(cyc.t_post, cyc.t_prepare));
	ktap_group_end();

	ktap_group_begin("freeze_freezable_sleep");
	frz_check_survives(&frz_k_freezable, "sleep_freezable(60 s)");
	ktap_group_end();

	ktap_group_begin("freeze_abort_from_kthread");
	frz_check_abort_frozen(&frz_k_abort_kthread, cyc.k_done,
			       cyc.k_frozen_before, cyc.k_frozen_after,
			       cyc.k_when);
	ktap_group_end();

	ktap_group_begin("freeze_abort_from_hard_hrtimer");
	ktap_result("the callback ran in hard IRQ, IRQs off",
		    cyc.hard_armed && cyc.hard.fired && cyc.hard.hardirq &&
		    cyc.hard.irqs_off,
		    "armed %d, fired %d, in_hardirq %d, irqs_disabled %d",
		    cyc.hard_armed, cyc.hard.fired, cyc.hard.hardirq,
		    cyc.hard.irqs_off);
	frz_check_abort_frozen(&frz_k_abort_hard, cyc.hard.fired,
			       cyc.hard.frozen_before, cyc.hard.frozen_after,
			       cyc.hard.when);
	ktap_group_end();

	ktap_group_begin("freeze_deadline_while_frozen");
	due = ktime_add_ms(d->start, FRZ_DEADLINE_MS);
	ktap_result("sleep_freezable(2 s) started right before the freeze",
		    cyc.deadline_started, "sleeping when the freezer ran %d",
		    cyc.deadline_started);
	ktap_result("frozen before its deadline, still frozen after it",
		    d->first_frozen && ktime_before(d->first_frozen, due) &&
		    ktime_after(d->last_frozen, due),
		    "seen frozen from %lld to %lld ms after its start",
		    d->first_frozen ? frz_ms(d->first_frozen, d->start) : -1LL,
		    d->last_frozen ? frz_ms(d->last_frozen, d->start) : -1LL);
	ktap_result("returned 0", back && d->ret == 0, "returned %d",
		    back ? d->ret : 1);
	ktap_result("never early: returned >= 2000 ms after its start",
		    back && !ktime_before(d->returned, due),
		    "returned after %lld ms",
		    back ? frz_ms(d->returned, d->start) : -1LL);
	ktap_result("returned at the thaw, promptly",
		    back && d->last_frozen &&
		    frz_ms(d->returned, d->last_frozen) < FRZ_PROMPT_MS,
		    "returned %lld ms after it was last seen frozen",
		    back ? frz_ms(d->returned, d->last_frozen) : -1LL);
	ktap_group_end();

	ktap_group_begin("freeze_killable_freezable");
	if (FRZ_KILLABLE_FREEZES)
		frz_check_survives(&frz_k_killable,
				   "sleep_until(+60 s, FREEZABLE | KILLABLE)");
	else
		ktap_skip("frozen and survives the freeze",
			  "before Linux 6.1 a killable sleep is not frozen (kernel-doc)");
	ktap_group_end();

	frz_finish(&frz_k_freezable);
	frz_finish(&frz_k_abort_kthread);
	frz_finish(&frz_k_abort_hard);
	frz_finish(d);
	frz_finish(&frz_k_killable);
}

/* Drop a freeze whose hold was too short, for the script to run it again. */
static void frz_abandon(void)
{
	frz_cycle_stop_helpers();
	frz_finish(&frz_k_freezable);
	frz_finish(&frz_k_control);
	frz_finish(&frz_k_abort_kthread);
	frz_finish(&frz_k_abort_hard);
	frz_finish(&frz_k_deadline);
	frz_finish(&frz_k_killable);
}

static void frz_end_control(int err, unsigned int ms)
{
	struct frz_sleeper *s = &frz_k_control;
	bool sleeping;
	ktime_t abort_at;
	bool back;

	frz_cycle_stop_helpers();
	sleeping = frz_still_sleeping(s);

	ktap_group_begin("freeze_control_not_freezable");
	ktap_result("a set_freezable() kthread in sleep(60 s) makes the freeze fail: EBUSY",
		    err == EBUSY, "the write gave errno %d after %u ms", err, ms);
	ktap_result("it was never frozen", s->task && !s->frozen_polls,
		    "seen frozen %u times", s->frozen_polls);
	ktap_result("still sleeping after the failed freeze", sleeping,
		    "inside %d, returned %d", sleeping, s->ret);
	abort_at = ktime_get();
	alertable_sleep_abort(frz_as, s->index);
	back = frz_wait_done(s, AS_TEST_WAIT_MS);
	ktap_result("then an abort ends it: -ECANCELED",
		    sleeping && back && s->ret == -ECANCELED &&
		    frz_ms(s->returned, abort_at) < FRZ_PROMPT_MS,
		    "returned %d", s->ret);
	ktap_group_end();
	frz_finish(s);
}

/* --- killable sleeps and kthread_stop() ------------------------------- */

static void frz_run_killable(void)
{
	struct frz_sleeper k = {
		.index = IDX_RUN, .how = FRZ_UNTIL, .msecs = 10000,
		.flags = ALERTABLE_SLEEP_KILLABLE, .allow = SIGUSR1,
	};
	struct frz_sleeper i = {
		.index = IDX_RUN2, .how = FRZ_UNTIL, .msecs = 10000,
		.flags = 0, .allow = SIGUSR1,
	};
	bool in, sleeping = false, back;
	ktime_t sent;

	ktap_group_begin("killable_kthread_signals");
	in = !frz_start(&k) && frz_sleeping(&k);
	if (in) {
		send_sig(SIGUSR1, k.task, 1);
		msleep(500);
		sleeping = frz_still_sleeping(&k);
	}
	ktap_result("SIGUSR1 (allow_signal()) does not end a KILLABLE sleep",
		    in && sleeping, "in %d, inside 500 ms after the signal %d; returned %d",
		    in, sleeping, k.ret);
	alertable_sleep_abort(frz_as, k.index);
	back = frz_wait_done(&k, AS_TEST_WAIT_MS);
	ktap_result("an abort then ends it, -ECANCELED, the signal still pending",
		    sleeping && back && k.ret == -ECANCELED && k.sig_seen,
		    "returned %d, signal pending %d", k.ret, k.sig_seen);
	frz_finish(&k);

	in = !frz_start(&i) && frz_sleeping(&i);
	sent = ktime_get();
	if (in)
		send_sig(SIGUSR1, i.task, 1);
	back = frz_wait_done(&i, AS_TEST_WAIT_MS);
	ktap_result("control: SIGUSR1 ends the same sleep without KILLABLE: -ERESTARTSYS",
		    in && back && i.ret == -ERESTARTSYS &&
		    frz_ms(i.returned, sent) < FRZ_PROMPT_MS,
		    "in %d; returned %d %lld ms after the signal", in, i.ret,
		    back ? frz_ms(i.returned, sent) : -1LL);
	frz_finish(&i);
	ktap_group_end();
}

static void frz_run_kthread_stop(void)
{
	struct frz_sleeper k = {
		.index = IDX_RUN, .how = FRZ_UNTIL, .msecs = 1500,
		.flags = ALERTABLE_SLEEP_KILLABLE,
	};
	struct frz_sleeper i = {
		.index = IDX_RUN2, .how = FRZ_SLEEP, .msecs = 20000,
	};
	ktime_t stop_at, stopped;
	bool in;

	ktap_group_begin("kthread_stop");
	/* kthread_stop() returns once the thread has returned: at 1.5 s. */
	in = !frz_start(&k) && frz_sleeping(&k);
	msleep(300);
	stop_at = ktime_get();
	if (in) {
		kthread_stop(k.task);
		k.task = NULL;
	}
	stopped = ktime_get();
	ktap_result("kthread_stop() does not end a KILLABLE sleep: 0 at its 1.5 s deadline",
		    in && completion_done(&k.done) && k.ret == 0 &&
		    k.stop_seen && frz_ms(k.returned, k.start) >= 1500,
		    "in %d; returned %d after %lld ms (stop asked at %lld ms, should_stop %d)",
		    in, k.ret, frz_ms(k.returned, k.start),
		    frz_ms(stop_at, k.start), k.stop_seen);
	frz_finish(&k);
	alertable_sleep_reset_for_reuse(frz_as, k.index);

	in = !frz_start(&i) && frz_sleeping(&i);
	msleep(300);
	stop_at = ktime_get();
	if (in) {
		kthread_stop(i.task);
		i.task = NULL;
	}
	stopped = ktime_get();
	ktap_result("kthread_stop() ends a sleep without KILLABLE at once: -ERESTARTSYS",
		    in && completion_done(&i.done) && i.ret == -ERESTARTSYS &&
		    frz_ms(stopped, stop_at) < FRZ_PROMPT_MS,
		    "in %d; returned %d, kthread_stop() took %lld ms", in, i.ret,
		    frz_ms(stopped, stop_at));
	frz_finish(&i);
	ktap_group_end();
}

/* --- sleep_until(): flags, deadlines, restart ------------------------- */

static void frz_run_flags(void)
{
	static const unsigned int bad[] = {
		BIT(3), BIT(31), ~0U,
		ALERTABLE_SLEEP_FREEZABLE | ALERTABLE_SLEEP_KILLABLE | BIT(5),
		/* two task states at once */
		ALERTABLE_SLEEP_KILLABLE | ALERTABLE_SLEEP_IDLE,
	};
	static const unsigned int good[] = {
		0, ALERTABLE_SLEEP_FREEZABLE, ALERTABLE_SLEEP_KILLABLE,
		ALERTABLE_SLEEP_FREEZABLE | ALERTABLE_SLEEP_KILLABLE,
		ALERTABLE_SLEEP_IDLE,
		ALERTABLE_SLEEP_FREEZABLE | ALERTABLE_SLEEP_IDLE,
	};
	unsigned int i, idx = IDX_RUN;
	char name[96];
	ktime_t t0;
	int r, reset, after;
	s64 took;

	ktap_group_begin("sleep_until_flags");
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		alertable_sleep_reset_for_reuse(frz_as, idx);
		t0 = ktime_get();
		r = alertable_sleep_sleep_until(frz_as, idx,
						ktime_add_ms(t0, 200), bad[i]);
		took = frz_ms(ktime_get(), t0);
		/* Not left claimed (-EBUSY), not aborted (-ECANCELED). */
		reset = alertable_sleep_reset_for_reuse(frz_as, idx);
		after = alertable_sleep_sleep(frz_as, idx, 0);
		snprintf(name, sizeof(name),
			 "flags %#x: -EINVAL at once, the index unchanged",
			 bad[i]);
		ktap_result(name, r == -EINVAL && took < 100 && !reset && !after,
			    "returned %d after %lld ms; then reset %d, sleep(0) %d",
			    r, took, reset, after);
	}

	alertable_sleep_abort(frz_as, idx);
	t0 = ktime_get();
	r = alertable_sleep_sleep_until(frz_as, idx, ktime_add_ms(t0, 200),
					BIT(3));
	after = alertable_sleep_sleep(frz_as, idx, 0);
	ktap_result("unknown flags on an aborted index: -EINVAL, still aborted",
		    r == -EINVAL && after == -ECANCELED,
		    "returned %d; then sleep(0) %d", r, after);
	alertable_sleep_reset_for_reuse(frz_as, idx);

	for (i = 0; i < ARRAY_SIZE(good); i++) {
		ktime_t due = ktime_add_ms(ktime_get(), 20);

		r = alertable_sleep_sleep_until(frz_as, idx, due, good[i]);
		t0 = ktime_get();
		snprintf(name, sizeof(name), "flags %#x: accepted, 0 at the deadline",
			 good[i]);
		ktap_result(name, r == 0 && !ktime_before(t0, due),
			    "returned %d, %lld us after the deadline", r,
			    ktime_us_delta(t0, due));
	}
	ktap_group_end();
}

static void frz_run_deadline(void)
{
	static const unsigned int ms[] = { 1, 10, 100, 300 };
	static const unsigned int flags[] = {
		0, ALERTABLE_SLEEP_FREEZABLE | ALERTABLE_SLEEP_KILLABLE,
	};
	struct frz_sleeper k = {
		.index = IDX_RUN2, .how = FRZ_UNTIL_MAX,
	};
	unsigned int i, f, idx = IDX_RUN;
	struct frz_hard h;
	bool early = false, in, back;
	char why[160] = "8 sleeps, each 0 at or after its deadline";
	ktime_t t0, due, now;
	int r, r0, rf;
	s64 took;

	ktap_group_begin("sleep_until_deadline");
	alertable_sleep_reset_for_reuse(frz_as, idx);
	t0 = ktime_get();
	r = alertable_sleep_sleep_until(frz_as, idx, ktime_sub_ms(t0, 1000), 0);
	r0 = alertable_sleep_sleep_until(frz_as, idx, 0, 0);
	rf = alertable_sleep_sleep_until(frz_as, idx, ktime_get(),
					 ALERTABLE_SLEEP_FREEZABLE |
					 ALERTABLE_SLEEP_KILLABLE);
	took = frz_ms(ktime_get(), t0);
	ktap_result("a past deadline returns 0 at once",
		    !r && !r0 && !rf && took < 100,
		    "now-1s %d, 0 %d, now (FREEZABLE|KILLABLE) %d, in %lld ms",
		    r, r0, rf, took);

	alertable_sleep_abort(frz_as, idx);
	r = alertable_sleep_sleep_until(frz_as, idx, ktime_sub_ms(t0, 1000), 0);
	ktap_result("a past deadline on an aborted index: -ECANCELED",
		    r == -ECANCELED, "returned %d", r);
	alertable_sleep_reset_for_reuse(frz_as, idx);

	for (f = 0; f < ARRAY_SIZE(flags); f++)
		for (i = 0; i < ARRAY_SIZE(ms); i++) {
			due = ktime_add_ms(ktime_get(), ms[i]);
			r = alertable_sleep_sleep_until(frz_as, idx, due,
							flags[f]);
			now = ktime_get();
			if (r || ktime_before(now, due)) {
				early = true;
				snprintf(why, sizeof(why),
					 "+%u ms, flags %#x: returned %d, %lld us after the deadline",
					 ms[i], flags[f], r,
					 ktime_us_delta(now, due));
			}
		}
	ktap_result("never early: 0 at or after deadlines of 1 to 300 ms",
		    !early, "%s", why);

	/* KTIME_MAX: no timeout, an abort from hard IRQ ends it. */
	frz_hard_init(&h, k.index);
	in = !frz_start(&k) && frz_sleeping(&k);
	if (in)
		frz_hard_start_us(&h, 200 * USEC_PER_MSEC);
	back = frz_wait_done(&k, AS_TEST_WAIT_MS);
	hrtimer_cancel(&h.t);
	ktap_result("KTIME_MAX sleeps until an abort: -ECANCELED",
		    in && back && h.fired && k.ret == -ECANCELED &&
		    frz_ms(k.returned, h.when) < FRZ_PROMPT_MS,
		    "in %d; returned %d, %lld ms after the abort", in, k.ret,
		    back ? frz_ms(k.returned, h.when) : -1LL);
	frz_finish(&k);
	ktap_group_end();
}

static void frz_run_restart(void)
{
	struct frz_sleeper k = {
		.index = IDX_RUN, .how = FRZ_UNTIL, .msecs = 2000,
		.allow = SIGUSR1, .restart = true,
	};
	bool in, back;
	s64 first, total;

	ktap_group_begin("sleep_until_restart");
	in = !frz_start(&k) && frz_sleeping(&k);
	if (in) {
		/* At about half the deadline. */
		msleep(1000 - min_t(s64, 1000, frz_ms(ktime_get(), k.start)));
		send_sig(SIGUSR1, k.task, 1);
	}
	back = frz_wait_done(&k, AS_TEST_WAIT_MS);
	first = frz_ms(k.returned1, k.start);
	total = frz_ms(k.returned, k.start);
	ktap_result("a signal at ~1 s ends the 2 s sleep: -ERESTARTSYS",
		    in && back && k.ret1 == -ERESTARTSYS && first >= 900 &&
		    first < 2000, "in %d; first call returned %d after %lld ms",
		    in, k.ret1, first);
	ktap_result("called again with the same deadline: 0 at that deadline, not 1.5x",
		    back && k.ret1 == -ERESTARTSYS && k.ret == 0 &&
		    total >= 2000 && total < 2500,
		    "second call returned %d, %lld ms after the first began",
		    k.ret, total);
	frz_finish(&k);
	ktap_group_end();
}

/* --- aborts from hard IRQ and under a raw spinlock (PREEMPT_RT) ------- */

#define FRZ_STRESS_ROUNDS	400

static void frz_run_hardirq(void)
{
	struct frz_sleeper k = {
		.index = IDX_RUN, .how = FRZ_SLEEP, .msecs = 20000,
	};
	struct frz_sleeper k2 = {
		.index = IDX_RUN2, .how = FRZ_SLEEP, .msecs = 20000,
	};
	struct alertable_sleep *as64;
	unsigned long flags;
	unsigned int round, busy = 0, bad = 0, ctx_bad = 0;
	int first_bad = 0;
	struct frz_hard h;
	bool in, in2, back, back2, irqs_off;
	ktime_t when;

	ktap_group_begin("abort_hard_contexts");

	/* 1. From a HRTIMER_MODE_REL_HARD callback. */
	frz_hard_init(&h, k.index);
	in = !frz_start(&k) && frz_sleeping(&k);
	if (in)
		frz_hard_start_us(&h, 50 * USEC_PER_MSEC);
	back = frz_wait_done(&k, AS_TEST_WAIT_MS);
	hrtimer_cancel(&h.t);
	ktap_result("abort from a HRTIMER_MODE_REL_HARD callback: -ECANCELED at once",
		    in && back && h.fired && h.hardirq && h.irqs_off &&
		    h.busy && k.ret == -ECANCELED &&
		    frz_ms(k.returned, h.when) < FRZ_PROMPT_MS,
		    "in %d; fired %d, in_hardirq %d, irqs_disabled %d, saw the sleeper %d; returned %d",
		    in, h.fired, h.hardirq, h.irqs_off, h.busy, k.ret);
	frz_finish(&k);

	/* 2. From process context under raw_spin_lock_irqsave(). */
	in = !frz_start(&k) && frz_sleeping(&k);
	raw_spin_lock_irqsave(&frz_raw_lock, flags);
	irqs_off = irqs_disabled();
	when = ktime_get();
	alertable_sleep_abort(frz_as, k.index);
	raw_spin_unlock_irqrestore(&frz_raw_lock, flags);
	back = frz_wait_done(&k, AS_TEST_WAIT_MS);
	ktap_result("abort under raw_spin_lock_irqsave(): -ECANCELED at once",
		    in && back && irqs_off && k.ret == -ECANCELED &&
		    frz_ms(k.returned, when) < FRZ_PROMPT_MS,
		    "in %d; irqs_disabled %d; returned %d", in, irqs_off,
		    k.ret);
	frz_finish(&k);

	/* 3. Under a raw spinlock inside the hard-IRQ callback. */
	frz_hard_init(&h, k.index);
	h.raw_lock = true;
	in = !frz_start(&k) && frz_sleeping(&k);
	if (in)
		frz_hard_start_us(&h, 50 * USEC_PER_MSEC);
	back = frz_wait_done(&k, AS_TEST_WAIT_MS);
	hrtimer_cancel(&h.t);
	ktap_result("abort under a raw spinlock in a hard-IRQ callback: -ECANCELED",
		    in && back && h.fired && h.hardirq && k.ret == -ECANCELED,
		    "in %d; fired %d, in_hardirq %d; returned %d", in, h.fired,
		    h.hardirq, k.ret);
	frz_finish(&k);

	/*
	 * 4. abort_all() of a 64-index instance from hard IRQ: two sleepers.
	 * PREEMPT_RT refuses it there; vm-test checks the refusal.
	 */
	as64 = NULL;
	if (!IS_ENABLED(CONFIG_PREEMPT_RT))
		as64 = alertable_sleep_create(64);
	if (!as64) {
		ktap_skip("abort_all() from a HARD callback wakes every sleeper",
			  "PREEMPT_RT refuses abort_all() in hard IRQ");
	} else if (IS_ERR(as64)) {
		ktap_result("abort_all() from a HARD callback wakes every sleeper",
			    false, "create(64) gave %pe", as64);
	} else {
		k.as = as64;
		k2.as = as64;
		frz_hard_init(&h, 0);
		h.all = true;
		h.as = as64;
		in = !frz_start(&k) && frz_sleeping(&k);
		in2 = !frz_start(&k2) && frz_sleeping(&k2);
		if (in && in2)
			frz_hard_start_us(&h, 50 * USEC_PER_MSEC);
		back = frz_wait_done(&k, AS_TEST_WAIT_MS);
		back2 = frz_wait_done(&k2, AS_TEST_WAIT_MS);
		hrtimer_cancel(&h.t);
		ktap_result("abort_all() from a HARD callback wakes every sleeper",
			    in && in2 && back && back2 && h.fired && h.hardirq &&
			    !h.ret &&
			    k.ret == -ECANCELED && k2.ret == -ECANCELED &&
			    alertable_sleep_sleep(as64, 63, 0) == -ECANCELED,
			    "in %d %d; fired %d, in_hardirq %d; returned %d, %d",
			    in, in2, h.fired, h.hardirq, k.ret, k2.ret);
		frz_finish(&k);
		frz_finish(&k2);
		k.as = NULL;
		alertable_sleep_destroy(as64);
	}

	/*
	 * 5. Rounds of a sleep in this thread against a hard-IRQ abort on
	 * the same CPU, 0 to 500 us after it is armed: the abort lands before
	 * the claim, inside it, or on the sleeper, and interrupts the sleep
	 * path wherever it is. Each round must end in -ECANCELED.
	 */
	frz_hard_init(&h, k.index);
	for (round = 0; round < FRZ_STRESS_ROUNDS; round++) {
		int r;

		alertable_sleep_reset_for_reuse(frz_as, k.index);
		frz_hard_start_us(&h, get_random_u32_below(500));
		r = alertable_sleep_sleep(frz_as, k.index, 10000);
		hrtimer_cancel(&h.t);
		if (r != -ECANCELED && !bad++)
			first_bad = r;
		if (!h.hardirq || !h.irqs_off)
			ctx_bad++;
		busy += h.busy;
		if (fatal_signal_pending(current))
			break;
	}
	alertable_sleep_reset_for_reuse(frz_as, k.index);
	ktap_result("400 sleeps against a hard-IRQ abort 0-500 us later: all -ECANCELED",
		    round == FRZ_STRESS_ROUNDS && !bad && !ctx_bad && busy,
		    "%u rounds, %u not -ECANCELED (first %d), %u not in hard IRQ; the abort found the sleeper in %u",
		    round, bad, first_bad, ctx_bad, busy);
	ktap_group_end();
}

/* --- debugfs ----------------------------------------------------------- */

static ssize_t frz_ctl_write(struct file *file, const char __user *ubuf,
			     size_t len, loff_t *ppos)
{
	char buf[64], what[16], arg[16];
	unsigned int ms = 0;
	int err = 0, n, ret = 0;

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	n = sscanf(buf, "%15s %15s %d %u", what, arg, &err, &ms);
	if (n < 2)
		return -EINVAL;

	mutex_lock(&frz_ctl_lock);
	if (!strcmp(what, "start")) {
		if (!strcmp(arg, "freeze"))
			ret = frz_start_freeze();
		else if (!strcmp(arg, "control"))
			ret = frz_start_control();
		else
			ret = -EINVAL;
		if (ret)
			ktap_diag("start %s: %d", arg, ret);
	} else if (!strcmp(what, "abandon")) {
		frz_abandon();
	} else if (!strcmp(what, "end") && n == 4) {
		if (!strcmp(arg, "freeze"))
			frz_end_freeze(err, ms);
		else if (!strcmp(arg, "control"))
			frz_end_control(err, ms);
		else
			ret = -EINVAL;
	} else if (!strcmp(what, "run")) {
		if (!strcmp(arg, "killable"))
			frz_run_killable();
		else if (!strcmp(arg, "kthread_stop"))
			frz_run_kthread_stop();
		else if (!strcmp(arg, "flags"))
			frz_run_flags();
		else if (!strcmp(arg, "deadline"))
			frz_run_deadline();
		else if (!strcmp(arg, "restart"))
			frz_run_restart();
		else if (!strcmp(arg, "hardirq"))
			frz_run_hardirq();
		else
			ret = -EINVAL;
	} else {
		ret = -EINVAL;
	}
	mutex_unlock(&frz_ctl_lock);
	return ret ? ret : len;
}

/* How long the last freeze held, PM_SUSPEND_PREPARE to PM_POST_SUSPEND. */
static ssize_t frz_hold_read(struct file *file, char __user *ubuf,
			     size_t len, loff_t *ppos)
{
	char buf[32];
	s64 ms = -1;
	int n;

	mutex_lock(&frz_pm_lock);
	if (cyc.n_prepare && cyc.n_post)
		ms = frz_ms(cyc.t_post, cyc.t_prepare);
	mutex_unlock(&frz_pm_lock);
	n = scnprintf(buf, sizeof(buf), "%lld\n", ms);
	return simple_read_from_buffer(ubuf, len, ppos, buf, n);
}

static const struct file_operations frz_hold_fops = {
	.owner = THIS_MODULE,
	.read = frz_hold_read,
	.llseek = default_llseek,
};

static const struct file_operations frz_ctl_fops = {
	.owner = THIS_MODULE,
	.write = frz_ctl_write,
	.llseek = noop_llseek,
};

/* The user task's sleep, for the script to signal. */
static struct {
	int state;		/* 0 idle, 1 sleeping, 2 done */
	int ret;
	s64 ms;
	unsigned int calls;
} frz_user;

static ssize_t frz_usleep_write(struct file *file, const char __user *ubuf,
				size_t len, loff_t *ppos)
{
	char buf[32], kind;
	unsigned int ms;
	ktime_t t0;
	int ret;

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	if (buf[0] == 'R') {
		WRITE_ONCE(frz_user.state, 0);
		frz_user.calls = 0;
		alertable_sleep_reset_for_reuse(frz_as, IDX_USER);
		return len;
	}
	if (sscanf(buf, "%c %u", &kind, &ms) != 2 || (kind != 'K' && kind != 'I'))
		return -EINVAL;
	frz_user.calls++;
	WRITE_ONCE(frz_user.state, 1);
	t0 = ktime_get();
	ret = alertable_sleep_sleep_until(frz_as, IDX_USER,
					  ktime_add_ms(t0, ms),
					  kind == 'K' ? ALERTABLE_SLEEP_KILLABLE : 0);
	frz_user.ms = frz_ms(ktime_get(), t0);
	frz_user.ret = ret;
	/* The results before "done": pairs with the read's acquire. */
	smp_store_release(&frz_user.state, 2);
	/* Never restarted: the script reads what the one call did. */
	return len;
}

static ssize_t frz_usleep_read(struct file *file, char __user *ubuf,
			       size_t len, loff_t *ppos)
{
	static const char * const names[] = { "idle", "sleeping", "done" };
	/* "done" after the results: pairs with the write's release. */
	int state = smp_load_acquire(&frz_user.state);
	char buf[96];
	int n;

	n = scnprintf(buf, sizeof(buf), "state=%s ret=%d ms=%lld calls=%u\n",
		      names[state], state == 2 ? frz_user.ret : 0,
		      state == 2 ? frz_user.ms : 0LL, frz_user.calls);
	return simple_read_from_buffer(ubuf, len, ppos, buf, n);
}

static const struct file_operations frz_usleep_fops = {
	.owner = THIS_MODULE,
	.write = frz_usleep_write,
	.read = frz_usleep_read,
	.llseek = default_llseek,
};

static int __init frz_init(void)
{
	int ret;

	frz_as = alertable_sleep_create(FRZ_NR_INDICES);
	if (IS_ERR(frz_as))
		return PTR_ERR(frz_as);
	ret = register_pm_notifier(&frz_pm_nb);
	if (ret) {
		alertable_sleep_destroy(frz_as);
		return ret;
	}
	frz_dir = debugfs_create_dir(KBUILD_MODNAME, NULL);
	debugfs_create_file("ctl", 0200, frz_dir, NULL, &frz_ctl_fops);
	debugfs_create_file("usleep", 0600, frz_dir, NULL, &frz_usleep_fops);
	debugfs_create_file("hold_ms", 0400, frz_dir, NULL, &frz_hold_fops);
	ktap_begin(FRZ_NR_GROUPS);
	return 0;
}
module_init(frz_init);

static void __exit frz_exit(void)
{
	/* A user task asleep in the usleep file keeps debugfs_remove() waiting. */
	alertable_sleep_abort(frz_as, IDX_USER);
	debugfs_remove(frz_dir);
	/* A "start" without its "end". */
	frz_abandon();
	unregister_pm_notifier(&frz_pm_nb);
	ktap_end();
	alertable_sleep_destroy(frz_as);
}
module_exit(frz_exit);

MODULE_DESCRIPTION("alertable_sleep: the freezer, killable sleeps, sleep_until(), aborts from hard IRQ");
MODULE_LICENSE("GPL");
