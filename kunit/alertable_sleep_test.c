// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for alertable_sleep: a case, or a parameter of a case, for each
 * line of the contract written in alertable_sleep.c, as one CPU sees it.
 * (What needs two CPUs is for tests on an SMP machine.)
 *
 * Sleepers are kthreads. Before a case aborts, signals, stops or destroys, it
 * waits until the sleeper owns its index, which the API itself shows:
 * alertable_sleep_reset_for_reuse() is refused with -EBUSY only then. Time
 * is only checked against wide bounds ("an aborted 10 s sleep ended in under
 * 2 s") and against the never-early rule, which must hold exactly. Where an
 * order of events matters, the threads share one CPU at one SCHED_FIFO
 * priority, so that each runs until it blocks, whatever the preemption
 * model.
 *
 * Everything a case starts (instances, threads, timers, a device) is a KUnit
 * resource, undone when the case ends, even by a failed assertion, in the
 * reverse order of creation: threads are stopped before the instances they
 * sleep on are destroyed. If the contract broke so that a sleep never ended,
 * a watchdog ends it (the case's instance is aborted, a thread is signalled)
 * and the case fails instead of hanging the whole run.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <kunit/resource.h>
#include <kunit/test.h>
#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/device.h>
#include <linux/err.h>
#include <linux/hrtimer.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/limits.h>
#include <linux/module.h>
#include <linux/preempt.h>
#include <linux/random.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/smp.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/workqueue.h>

#include "../alertable_sleep.h"

/* Indices of the instance every case gets from .init. */
#define AS_TEST_EVENTS		32U
/* A sleep that nothing but an abort, a signal or destroy ends in time. */
#define AS_TEST_LONG_MS		10000U
/* How long ending a sleep (or starting a thread) may take, generously. */
#define AS_TEST_PROMPT_MS	2000
/* How long a sleep must go on to count as "not ended" by something. */
#define AS_TEST_QUIET_MS	200
/* When a watchdog gives up on a blocking call and ends the sleeps. */
#define AS_TEST_WATCHDOG_MS	5000
/* ... and on a whole case: far longer than any case runs. */
#define AS_TEST_CASE_MS		30000
/* The random stress case: its threads, indices, and how long it runs. */
#define AS_STRESS_SLEEPERS	4
#define AS_STRESS_ABORTERS	2
#define AS_STRESS_THREADS	(AS_STRESS_SLEEPERS + AS_STRESS_ABORTERS + 1)
#define AS_STRESS_INDICES	3U
#define AS_STRESS_MIN_MS	1000
#define AS_STRESS_MAX_MS	15000

/*
 * Ends a sleep that should have ended: aborts every index of @as and sends
 * @sig to @task, whichever are set, and remembers that it had to.
 */
struct as_guard {
	struct delayed_work work;
	struct alertable_sleep *as;
	struct task_struct *task;
	int sig;
	bool fired;
};

/* Which call a sleeper thread makes. */
enum as_kind {
	AS_SLEEP,		/* alertable_sleep_sleep() */
	AS_FREEZABLE,		/* alertable_sleep_sleep_freezable() */
	AS_KILLABLE,		/* alertable_sleep_sleep_until(), KILLABLE */
	AS_IDLE,		/* alertable_sleep_sleep_until(), IDLE */
	AS_ENTRY,		/* alertable_sleep_entry_sleep() on ->entry */
};

struct as_ctx;
struct as_race;

/* A kthread of a case, with what it saw. */
struct as_thread {
	struct kunit *test;
	struct as_ctx *ctx;
	struct task_struct *task;
	struct as_guard guard;
	struct alertable_sleep *as;
	unsigned int index;
	struct alertable_sleep_entry *entry;	/* of AS_ENTRY */
	struct as_race *race;	/* of as_race_aborter_fn() */
	unsigned int msecs;
	enum as_kind kind;
	int sig;		/* a signal to allow besides SIGUSR2, or 0 */
	ktime_t deadline;	/* of as_restart_fn() */
	struct as_thread *peer;	/* a thread this one checks on, or stops */
	struct as_thread **peers; /* ... or these */
	unsigned int npeers;
	unsigned int peers_done;
	int ret;		/* what alertable_sleep_sleep() returned */
	int probe_ret[4];	/* what the later calls returned */
	bool probed;		/* and the check held */
	ktime_t start;
	ktime_t end;
	struct completion started;
	struct completion done;
	bool stopped;
	int stop_ret;
};

struct as_ctx {
	struct kunit *test;
	struct alertable_sleep *as;
	struct as_guard guard;	/* of the case: aborts @as */

	/* A hard-IRQ hrtimer that aborts, and what its callback saw. */
	struct hrtimer timer;
	bool timer_ready;
	struct alertable_sleep *timer_as;
	bool timer_all;
	unsigned int timer_index;
	int timer_ret;
	bool timer_hardirq;
	bool timer_fired;
	struct alertable_sleep_entry *timer_entry;	/* ... or this */

	/* An entry embedded in the case's object, as a driver would. */
	struct alertable_sleep_entry entry;

	/* Outcomes counted by the stress threads. */
	atomic_t st_ok;
	atomic_t st_canceled;
	atomic_t st_busy;
	atomic_t st_restart;
	atomic_t st_bad;
	atomic_t st_early;
	atomic_t st_abort_bad;
	atomic_t st_irq_aborts;
	atomic_t st_reset_ok;
	atomic_t st_reset_busy;
	atomic_t st_reset_bad;
	int st_last_bad;
	unsigned int st_irq_next;
};

static DEFINE_SPINLOCK(as_test_lock);
static DEFINE_RAW_SPINLOCK(as_test_raw_lock);

static s64 as_ms_since(ktime_t start)
{
	return ktime_ms_delta(ktime_get(), start);
}

/* ---- watchdogs ---- */

static void as_guard_fn(struct work_struct *work)
{
	struct as_guard *g = container_of(to_delayed_work(work),
					  struct as_guard, work);

	WRITE_ONCE(g->fired, true);
	alertable_sleep_abort_all(g->as);
	if (g->task)
		send_sig(g->sig, g->task, 1);
}

static void as_guard_init(struct as_guard *g, struct alertable_sleep *as,
			  struct task_struct *task)
{
	INIT_DELAYED_WORK(&g->work, as_guard_fn);
	g->as = as;
	g->task = task;
	g->sig = SIGUSR2;
}

static void as_guard_arm(struct as_guard *g, unsigned int msecs)
{
	mod_delayed_work(system_long_wq, &g->work, msecs_to_jiffies(msecs));
}

/* Returns true if the guard ever had to step in. */
static bool as_guard_disarm(struct as_guard *g)
{
	cancel_delayed_work_sync(&g->work);
	return READ_ONCE(g->fired);
}

/* ---- resources of a case ---- */

static void as_destroy_action(void *as)
{
	alertable_sleep_destroy(as);
}

/* An instance that the case's end destroys, unless as_destroy_now() did. */
static struct alertable_sleep *as_create(struct kunit *test,
					 unsigned int event_count)
{
	struct alertable_sleep *as = alertable_sleep_create(event_count);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, as);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test,
							as_destroy_action, as),
			0);
	return as;
}

/* Destroy @as now, from any thread of the case, and not again at its end. */
static void as_destroy_now(struct kunit *test, struct alertable_sleep *as)
{
	kunit_release_action(test, as_destroy_action, as);
}

static int as_thread_stop(struct as_thread *t)
{
	if (!t->stopped) {
		t->stop_ret = kthread_stop(t->task);
		t->stopped = true;
	}
	return t->stop_ret;
}

/*
 * The end of a thread: kthread_stop() must end its sleep at once (the
 * contract); if it does not, the guard signals the thread after a while.
 */
static void as_thread_action(void *data)
{
	struct as_thread *t = data;

	as_guard_arm(&t->guard, AS_TEST_WATCHDOG_MS);
	as_thread_stop(t);
	KUNIT_EXPECT_FALSE_MSG(t->test, as_guard_disarm(&t->guard),
			       "thread on index %u: the watchdog had to signal it",
			       t->index);
	put_task_struct(t->task);
}

/*
 * Create a thread running @fn, not yet woken, bound to @cpu unless it is
 * negative. The task is pinned until the case ends, so it can be stopped,
 * signalled and inspected whether or not it has already returned.
 */
static struct as_thread *as_thread_new(struct kunit *test,
				       int (*fn)(void *),
				       struct alertable_sleep *as,
				       unsigned int index, unsigned int msecs,
				       int cpu)
{
	struct task_struct *task;
	struct as_thread *t;

	t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, t);
	t->test = test;
	t->ctx = test->priv;
	t->as = as;
	t->index = index;
	t->msecs = msecs;
	init_completion(&t->started);
	init_completion(&t->done);

	task = kthread_create(fn, t, "as_test/%u", index);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, task);
	get_task_struct(task);
	if (cpu >= 0)
		kthread_bind(task, cpu);
	t->task = task;
	as_guard_init(&t->guard, NULL, task);
	as_guard_arm(&t->guard, AS_TEST_CASE_MS);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, as_thread_action,
							t), 0);
	return t;
}

/*
 * A killable sleep ends on SIGKILL only, so that is the guard's signal; an
 * idle one on no signal, so its guard aborts the instance.
 */
static void as_thread_kind(struct as_thread *t, enum as_kind kind)
{
	t->kind = kind;
	t->guard.sig = kind == AS_KILLABLE ? SIGKILL : SIGUSR2;
	if (kind == AS_IDLE)
		t->guard.as = t->as;
}

static int as_do_sleep(struct as_thread *t)
{
	ktime_t deadline;

	switch (t->kind) {
	case AS_FREEZABLE:
		return alertable_sleep_sleep_freezable(t->as, t->index,
						       t->msecs);
	case AS_KILLABLE:
	case AS_IDLE:
		deadline = t->msecs == ALERTABLE_SLEEP_INFINITE ? KTIME_MAX :
			   ktime_add_ms(ktime_get(), t->msecs);
		return alertable_sleep_sleep_until(t->as, t->index, deadline,
						   t->kind == AS_IDLE ?
						   ALERTABLE_SLEEP_IDLE :
						   ALERTABLE_SLEEP_KILLABLE);
	case AS_ENTRY:
		return alertable_sleep_entry_sleep(t->entry, t->msecs);
	default:
		return alertable_sleep_sleep(t->as, t->index, t->msecs);
	}
}

/* A reset of what @t sleeps on, which -EBUSY refuses while it sleeps. */
static int as_thread_reset(struct as_thread *t)
{
	if (t->kind == AS_ENTRY)
		return alertable_sleep_entry_reset(t->entry);
	return alertable_sleep_reset_for_reuse(t->as, t->index);
}

/* Sleep once on t->index and record the outcome. */
static int as_sleeper_fn(void *data)
{
	struct as_thread *t = data;

	allow_signal(t->guard.sig);
	if (t->sig)
		allow_signal(t->sig);
	complete(&t->started);
	t->start = ktime_get();
	t->ret = as_do_sleep(t);
	t->end = ktime_get();
	complete(&t->done);
	return t->ret;
}

static struct as_thread *as_sleeper_on(struct kunit *test,
				       struct alertable_sleep *as,
				       unsigned int index, unsigned int msecs,
				       enum as_kind kind, int cpu)
{
	struct as_thread *t = as_thread_new(test, as_sleeper_fn, as, index,
					    msecs, cpu);

	as_thread_kind(t, kind);
	wake_up_process(t->task);
	return t;
}

static struct as_thread *as_sleeper(struct kunit *test,
				    struct alertable_sleep *as,
				    unsigned int index, unsigned int msecs)
{
	return as_sleeper_on(test, as, index, msecs, AS_SLEEP, -1);
}

/*
 * Wait until @t owns its index, inside alertable_sleep_sleep(): a reset is
 * refused with -EBUSY only then. Only for indices that are not aborted,
 * where an accepted reset changes nothing. (A probe that sleeps for 0 ms
 * would answer -EBUSY too, but it owns the index for an instant itself, in
 * which @t's own claim would be refused.)
 */
static bool as_wait_sleeping(struct as_thread *t)
{
	unsigned long end = jiffies + msecs_to_jiffies(AS_TEST_WATCHDOG_MS);

	if (!wait_for_completion_timeout(&t->started,
					 msecs_to_jiffies(AS_TEST_WATCHDOG_MS)))
		return false;
	while (as_thread_reset(t) != -EBUSY) {
		if (completion_done(&t->done) || time_after(jiffies, end))
			return false;
		usleep_range(200, 500);
	}
	return true;
}

static bool as_wait_done(struct as_thread *t)
{
	return wait_for_completion_timeout(&t->done,
					   msecs_to_jiffies(AS_TEST_PROMPT_MS));
}

/* True if @t still owns its index (only for indices that are not aborted). */
static bool as_still_sleeping(struct as_thread *t)
{
	return !completion_done(&t->done) && as_thread_reset(t) == -EBUSY;
}

static void as_timer_cancel_action(void *timer)
{
	hrtimer_cancel(timer);
}

/* The case's hard-IRQ hrtimer, cancelled when the case ends. */
static void as_timer_setup(struct kunit *test,
			   enum hrtimer_restart (*fn)(struct hrtimer *))
{
	struct as_ctx *ctx = test->priv;

	KUNIT_ASSERT_FALSE(test, ctx->timer_ready);
	hrtimer_setup(&ctx->timer, fn, CLOCK_MONOTONIC, HRTIMER_MODE_REL_HARD);
	ctx->timer_ready = true;
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test,
							as_timer_cancel_action,
							&ctx->timer), 0);
}

static void as_device_action(void *dev)
{
	root_device_unregister(dev);
}

/*
 * A device for the devm cases, unregistered when the case ends unless the
 * case did. Not root_device_register(): with THIS_MODULE as owner it links
 * the device to the module's sysfs directory, which does not exist yet when
 * KUnit runs a module's suites (at MODULE_STATE_COMING), and fails with
 * -ENOENT.
 */
static struct device *as_root_device(struct kunit *test)
{
	struct device *dev;

	dev = __root_device_register("alertable_sleep_kunit", NULL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, dev);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, as_device_action,
							dev), 0);
	return dev;
}

static void as_case_guard_action(void *data)
{
	struct as_ctx *ctx = data;

	KUNIT_EXPECT_FALSE_MSG(ctx->test, as_guard_disarm(&ctx->guard),
			       "the watchdog had to abort the case's instance");
}

static int as_test_init(struct kunit *test)
{
	struct as_ctx *ctx;

	ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	if (!ctx)
		return -ENOMEM;
	ctx->test = test;
	test->priv = ctx;

	ctx->as = alertable_sleep_create(AS_TEST_EVENTS);
	if (IS_ERR(ctx->as))
		return PTR_ERR(ctx->as);
	if (kunit_add_action_or_reset(test, as_destroy_action, ctx->as))
		return -ENOMEM;
	as_guard_init(&ctx->guard, ctx->as, NULL);
	as_guard_arm(&ctx->guard, AS_TEST_CASE_MS);
	return kunit_add_action_or_reset(test, as_case_guard_action, ctx);
}

/* ---- suite alertable_sleep: return codes, abort, reset, busy ---- */

enum as_bad_kind {
	AS_BAD_NULL,
	AS_BAD_ERR_PTR,
	AS_BAD_INDEX_COUNT,
	AS_BAD_INDEX_MAX,
};

struct as_bad_param {
	const char *desc;
	enum as_bad_kind kind;
};

static const struct as_bad_param as_bad_params[] = {
	{ "NULL instance", AS_BAD_NULL },
	{ "ERR_PTR instance", AS_BAD_ERR_PTR },
	{ "index == event_count", AS_BAD_INDEX_COUNT },
	{ "index UINT_MAX", AS_BAD_INDEX_MAX },
};

static void as_bad_desc(const struct as_bad_param *p, char *desc)
{
	strscpy(desc, p->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(as_bad, as_bad_params, as_bad_desc);

/* -EINVAL for each way of naming no index, and no index touched. */
static void invalid_args(struct kunit *test)
{
	const struct as_bad_param *p = test->param_value;
	struct as_ctx *ctx = test->priv;
	struct alertable_sleep *as = ctx->as;
	unsigned int index = 0, i;
	ktime_t start;

	switch (p->kind) {
	case AS_BAD_NULL:
		as = NULL;
		break;
	case AS_BAD_ERR_PTR:
		as = ERR_PTR(-ENOMEM);
		break;
	case AS_BAD_INDEX_COUNT:
		index = AS_TEST_EVENTS;
		break;
	case AS_BAD_INDEX_MAX:
		index = UINT_MAX;
		break;
	}

	start = ktime_get();
	KUNIT_EXPECT_EQ(test, alertable_sleep_sleep(as, index, AS_TEST_LONG_MS),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, alertable_sleep_sleep(as, index,
						    ALERTABLE_SLEEP_INFINITE),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, alertable_sleep_sleep(as, index, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, alertable_sleep_sleep_freezable(as, index,
							      AS_TEST_LONG_MS),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, alertable_sleep_sleep_until(as, index, KTIME_MAX,
							  ALERTABLE_SLEEP_KILLABLE),
			-EINVAL);
	KUNIT_EXPECT_LT(test, as_ms_since(start), AS_TEST_PROMPT_MS);
	KUNIT_EXPECT_EQ(test, alertable_sleep_abort(as, index), -EINVAL);
	KUNIT_EXPECT_EQ(test, alertable_sleep_reset_for_reuse(as, index),
			-EINVAL);

	/* A refused abort must not have landed on a real index. */
	for (i = 0; i < AS_TEST_EVENTS; i++)
		KUNIT_EXPECT_EQ_MSG(test, alertable_sleep_sleep(ctx->as, i, 0), 0,
				    "index %u", i);
}

/*
 * NULL and error pointers: count 0, and abort_all() and destroy() ignore
 * them: they neither crash (KASAN would report a dereference) nor touch a
 * real instance.
 */
static void null_instance(struct kunit *test)
{
	struct as_ctx *ctx = test->priv;

	KUNIT_EXPECT_EQ(test, alertable_sleep_event_count(NULL), 0U);
	KUNIT_EXPECT_EQ(test, alertable_sleep_event_count(ERR_PTR(-EINVAL)),
			0U);
	KUNIT_EXPECT_EQ(test, alertable_sleep_event_count(ERR_PTR(-ENOMEM)),
			0U);
	KUNIT_EXPECT_EQ(test, alertable_sleep_abort_all(NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, alertable_sleep_abort_all(ERR_PTR(-ENOMEM)),
			-EINVAL);
	alertable_sleep_destroy(NULL);
	alertable_sleep_destroy(ERR_PTR(-EINVAL));
	KUNIT_EXPECT_EQ(test, alertable_sleep_sleep(ctx->as, 0, 0), 0);
}

static void sleep_zero(struct kunit *test)
{
	struct as_ctx *ctx = test->priv;
	ktime_t start = ktime_get();

	KUNIT_EXPECT_EQ(test, alertable_sleep_sleep(ctx->as, 0, 0), 0);
	KUNIT_EXPECT_EQ(test, alertable_sleep_sleep(ctx->as, 0, 0), 0);
	KUNIT_EXPECT_EQ(test, alertable_sleep_sleep_freezable(ctx->as, 0, 0), 0);
	KUNIT_EXPECT_LT(test, as_ms_since(start), AS_TEST_PROMPT_MS);
	/* Even a zero-length sleep reports the abort. */
	KUNIT_EXPECT_EQ(test, alertable_sleep_abort(ctx->as, 0), 0);
	KUNIT_EXPECT_EQ(test, alertable_sleep_sleep(ctx->as, 0, 0), -ECANCELED);
}

static void sleep_times_out(struct kunit *test)
{
	struct as_ctx *ctx = test->priv;
	ktime_t start = ktime_get();

	KUNIT_EXPECT_EQ(test, alertable_sleep_sleep(ctx->as, 1, 100), 0);
	KUNIT_EXPECT_GE(test, as_ms_since(start), 100);
	KUNIT_EXPECT_LT(test, as_ms_since(start), 100 + AS_TEST_PROMPT_MS);
	/* A timeout leaves the index free and not aborted. */
	KUNIT_EXPECT_EQ(test, alertable_sleep_sleep(ctx->as, 1, 0), 0);
	KUNIT_EXPECT_EQ(test, alertable_sleep_reset_for_reuse(ctx->as, 1), 0);
}

/*
 * 0 only once the whole delay elapsed by ktime_get(): many short sleeps, on
 * and around jiffy boundaries and at random, none may return early; the
 * same for a deadline, against the deadline itself.
 */
static void never_early(struct kunit *test)
{
	static const unsigned int fixed[] = { 1, 2, 9, 10, 11, 19, 20 };
	struct as_ctx *ctx = test->priv;
	unsigned int i, msecs;

	for (i = 0; i < 60; i++) {
		ktime_t start, deadline = 0;
		s64 ns;
		int ret;

		msecs = i < ARRAY_SIZE(fixed) ? fixed[i] :
			1 + get_random_u32_below(20);
		start = ktime_get();
		switch (i % 3) {
		case 0:
			ret = alertable_sleep_sleep(ctx->as, 2, msecs);
			break;
		case 1:
			ret = alertable_sleep_sleep_freezable(ctx->as, 2, msecs);
			break;
		default:
			deadline = ktime_add_us(start,
						get_random_u32_below(20000));
			ret = alertable_sleep_sleep_until(ctx->as, 2, deadline,
							  ALERTABLE_SLEEP_KILLABLE);
			break;
		}
		ns = ktime_to_ns(ktime_sub(ktime_get(), start));
		KUNIT_EXPECT_EQ_MSG(test, ret, 0, "sleep %u", i);
		if (deadline)
			KUNIT_EXPECT_FALSE_MSG(test, ktime_before(ktime_get(),
								  deadline),
					       "sleep %u returned before its deadline",
					       i);
		else
			KUNIT_EXPECT_GE_MSG(test, ns, (s64)msecs * NSEC_PER_MSEC,
					    "sleep %u of %u ms returned early",
					    i, msecs);
	}
}

/*
 * A deadline already past (or now) returns 0 at once, as a sleep of 0 ms
 * does: without owning the index afterwards, and reporting an abort.
 */
static void sleep_until_past_deadline(struct kunit *test)
{
	struct as_ctx *ctx = test->priv;
	ktime_t start = ktime_get();

	KUNIT_EXPECT_EQ(test, alertable_sleep_sleep_until(ctx->as, 3, 0, 0), 0);
	KUNIT_EXPECT_EQ(test, alertable_sleep_sleep_until(ctx->as, 3,
							  ktime_sub_ms(start, 1),
							  ALERTABLE_SLEEP_KILLABLE |
							  ALERTABLE_SLEEP_FREEZABLE),
			0);
	KUNIT_EXPECT_EQ(test, alertable_sleep_sleep_until(ctx->as, 3, start, 0),
			0);
	KUNIT_EXPECT_LT(test, as_ms_since(start), AS_TEST_PROMPT_MS);
	KUNIT_EXPECT_EQ(test, alertable_sleep_reset_for_reuse(ctx->as, 3), 0);
	KUNIT_EXPECT_EQ(test, alertable_sleep_abort(ctx->as, 3), 0);
	KUNIT_EXPECT_EQ(test, alertable_sleep_sleep_until(ctx->as, 3, 0, 0),
			-ECANCELED);
	KUNIT_EXPECT_EQ(test, alertable_sleep_sleep_until(ctx->as, 3, KTIME_MAX,
							  0),
			-ECANCELED);
}

/*
 * An unknown flag, or KILLABLE with IDLE (two task states): -EINVAL at
 * once, before anything else is looked at, and nothing changed: the index
 * is not claimed, an abort stays.
 */
static void sleep_until_bad_flags(struct kunit *test)
{
	static const unsigned int bad[] = {
		BIT(3), BIT(31), UINT_MAX,
		ALERTABLE_SLEEP_KILLABLE | ALERTABLE_SLEEP_IDLE,
		ALERTABLE_SLEEP_KILLABLE | ALERTABLE_SLEEP_IDLE |
		ALERTABLE_SLEEP_FREEZABLE,
	};
	struct as_ctx *ctx = test->priv;
	ktime_t start = ktime_get();
	ktime_t later = ktime_add_ms(start, AS_TEST_LONG_MS);
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		KUNIT_EXPECT_EQ_MSG(test,
				    alertable_sleep_sleep_until(ctx->as, 4,
								KTIME_MAX,
								bad[i]),
				    -EINVAL, "flags %#x", bad[i]);
		KUNIT_EXPECT_EQ_MSG(test,
				    alertable_sleep_sleep_until(ctx->as, 4, later,
								bad[i]),
				    -EINVAL, "flags %#x", bad[i]);
	}
	KUNIT_EXPECT_LT(test, as_ms_since(start), AS_TEST_PROMPT_MS);
	KUNIT_EXPECT_EQ(test, alertable_sleep_reset_for_reuse(ctx->as, 4), 0);
	KUNIT_EXPECT_EQ(test, alertable_sleep_sleep(ctx->as, 4, 0), 0);

	KUNIT_EXPECT_EQ(test, alertable_sleep_abort(ctx->as, 4), 0);
	KUNIT_EXPECT_EQ(test, alertable_sleep_sleep_until(ctx->as, 4, KTIME_MAX,
							  BIT(3)),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, alertable_sleep_sleep(ctx->as, 4, 0), -ECANCELED);
}

struct as_msecs_param {
	const char *desc;
	unsigned int msecs;
	enum as_kind kind;
};

static const struct as_msecs_param as_abort_first_params[] = {
	{ "0 ms", 0 },
	{ "1 ms", 1 },
	{ "10 s", AS_TEST_LONG_MS },
	{ "UINT_MAX-1 ms", UINT_MAX - 1 },
	{ "INFINITE", ALERTABLE_SLEEP_INFINITE },
	{ "freezable, 10 s", AS_TEST_LONG_MS, AS_FREEZABLE },
	{ "killable, INFINITE", ALERTABLE_SLEEP_INFINITE, AS_KILLABLE },
	{ "idle, INFINITE", ALERTABLE_SLEEP_INFINITE, AS_IDLE },
};

static void as_msecs_desc(const struct as_msecs_param *p, char *desc)
{
	strscpy(desc, p->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(as_abort_first, as_abort_first_params, as_msecs_desc);

/* An abort before the sleep: -ECANCELED at once, whatever @msecs. */
static void abort_before_sleep(struct kunit *test)
{
	const struct as_msecs_param *p = test->param_value;
	struct as_ctx *ctx = test->priv;
	struct as_thread t = {
		.as = ctx->as, .index = 5, .msecs = p->msecs, .kind = p->kind,
	};
	ktime_t start;

	KUNIT_EXPECT_EQ(test, alertable_sleep_abort(ctx->as, 5), 0);
	start = ktime_get();
	KUNIT_EXPECT_EQ(test, as_do_sleep(&t), -ECANCELED);
	KUNIT_EXPECT_LT(test, as_ms_since(start), AS_TEST_PROMPT_MS);
	/* Other indices are not affected. */
	KUNIT_EXPECT_EQ(test, alertable_sleep_sleep(ctx->as, 6, 0), 0);
}

/*
 * Sticky and idempotent, and callable with a spinlock or a raw spinlock
 * held and IRQs off (lockdep checks the lock nesting).
 */
static void abort_is_sticky(struct kunit *test)
{
	static const unsigned int msecs[] = {
		0, 1, 50, AS_TEST_LONG_MS, UINT_MAX - 1,
		ALERTABLE_SLEEP_INFINITE,
	};
	struct as_ctx *ctx = test->priv;
	unsigned long flags;
	ktime_t start;
	unsigned int i;
	int ret, ret2;

	spin_lock_irqsave(&as_test_lock, flags);
	ret = alertable_sleep_abort(ctx->as, 7);
	spin_unlock_irqrestore(&as_test_lock, flags);
	KUNIT_EXPECT_EQ(test, ret, 0);

	start = ktime_get();
	for (i = 0; i < ARRAY_SIZE(msecs); i++)
		KUNIT_EXPECT_EQ_MSG(test, alertable_sleep_sleep(ctx->as, 7,
								msecs[i]),
				    -ECANCELED, "sleep of %u ms", msecs[i]);
	raw_spin_lock_irqsave(&as_test_raw_lock, flags);
	ret = alertable_sleep_abort(ctx->as, 7);
	ret2 = alertable_sleep_abort(ctx->as, 7);
	raw_spin_unlock_irqrestore(&as_test_raw_lock, flags);
	KUNIT_EXPECT_EQ(test, ret, 0);
	KUNIT_EXPECT_EQ(test, ret2, 0);
	KUNIT_EXPECT_EQ(test, alertable_sleep_sleep(ctx->as, 7, 0), -ECANCELED);
	KUNIT_EXPECT_LT(test, as_ms_since(start), AS_TEST_PROMPT_MS);

	/* One reset undoes any number of aborts. */
	raw_spin_lock_irqsave(&as_test_raw_lock, flags);
	ret = alertable_sleep_reset_for_reuse(ctx->as, 7);
	raw_spin_unlock_irqrestore(&as_test_raw_lock, flags);
	KUNIT_EXPECT_EQ(test, ret, 0);
	KUNIT_EXPECT_EQ(test, alertable_sleep_sleep(ctx->as, 7, 1), 0);
}

static const struct as_msecs_param as_abort_wakes_params[] = {
	{ "10 s", AS_TEST_LONG_MS },
	{ "UINT_MAX/2 ms", UINT_MAX / 2 },
	{ "UINT_MAX-1 ms", UINT_MAX - 1 },
	{ "INFINITE", ALERTABLE_SLEEP_INFINITE },
	{ "freezable, 10 s", AS_TEST_LONG_MS, AS_FREEZABLE },
	{ "freezable, INFINITE", ALERTABLE_SLEEP_INFINITE, AS_FREEZABLE },
	{ "killable, 10 s", AS_TEST_LONG_MS, AS_KILLABLE },
	{ "killable, INFINITE", ALERTABLE_SLEEP_INFINITE, AS_KILLABLE },
};

KUNIT_ARRAY_PARAM(as_abort_wakes, as_abort_wakes_params, as_msecs_desc);

/*
 * A long sleep lasts (no overflow of huge values into a short timeout) until
 * an abort, which ends it at once with -ECANCELED, and stays.
 */
static void abort_wakes_sleeper(struct kunit *test)
{
	const struct as_msecs_param *p = test->param_value;
	struct as_ctx *ctx = test->priv;
	struct as_thread *t;
	ktime_t start;

	t = as_sleeper_on(test, ctx->as, 8, p->msecs, p->kind, -1);
	KUNIT_ASSERT_TRUE_MSG(test, as_wait_sleeping(t),
			      "not asleep, returned %d", t->ret);
	msleep(AS_TEST_QUIET_MS);
	KUNIT_EXPECT_TRUE_MSG(test, as_still_sleeping(t),
			      "ended by itself within %d ms with %d",
			      AS_TEST_QUIET_MS, t->ret);

	start = ktime_get();
	KUNIT_EXPECT_EQ(test, alertable_sleep_abort(ctx->as, 8), 0);
	KUNIT_ASSERT_TRUE(test, as_wait_done(t));
	KUNIT_EXPECT_EQ(test, t->ret, -ECANCELED);
	KUNIT_EXPECT_LT(test, ktime_ms_delta(t->end, start), AS_TEST_PROMPT_MS);
	KUNIT_EXPECT_EQ(test, alertable_sleep_sleep(ctx->as, 8, 0), -ECANCELED);
}

static void reset_clears_abort(struct kunit *test)
{
	struct as_ctx *ctx = test->priv;
	ktime_t start;

	/* Resetting an index that was never aborted changes nothing. */
	KUNIT_EXPECT_EQ(test, alertable_sleep_reset_for_reuse(ctx->as, 9), 0);
	KUNIT_EXPECT_EQ(test, alertable_sleep_sleep(ctx->as, 9, 0), 0);

	KUNIT_EXPECT_EQ(test, alertable_sleep_abort(ctx->as, 9), 0);
	KUNIT_EXPECT_EQ(test, alertable_sleep_sleep(ctx->as, 9, 0), -ECANCELED);
	KUNIT_EXPECT_EQ(test, alertable_sleep_sleep(ctx->as, 10, 0), 0);
	KUNIT_EXPECT_EQ(test, alertable_sleep_reset_for_reuse(ctx->as, 9), 0);
	start = ktime_get();
	KUNIT_EXPECT_EQ(test, alertable_sleep_sleep(ctx->as, 9, 20), 0);
	KUNIT_EXPECT_GE(test, as_ms_since(start), 20);
	/* Aborted again after a reset, it is sticky again. */
	KUNIT_EXPECT_EQ(test, alertable_sleep_abort(ctx->as, 9), 0);
	KUNIT_EXPECT_EQ(test, alertable_sleep_sleep(ctx->as, 9, 20), -ECANCELED);
}

struct as_abort_reset {
	struct alertable_sleep *as;
	unsigned int index;
	int abort_ret;
	int reset_ret;
};

/* Run on the sleeper's CPU with IRQs off: the sleeper cannot run between. */
static void as_abort_then_reset(void *data)
{
	struct as_abort_reset *ar = data;

	ar->abort_ret = alertable_sleep_abort(ar->as, ar->index);
	ar->reset_ret = alertable_sleep_reset_for_reuse(ar->as, ar->index);
}

/*
 * reset_for_reuse() is refused with -EBUSY while a thread sleeps, and then
 * changes nothing: the sleeper is not disturbed, and an abort that lands
 * just before the refused reset still reaches it and stays set.
 */
static void reset_refused_while_sleeping(struct kunit *test)
{
	struct as_ctx *ctx = test->priv;
	int cpu = cpumask_first(cpu_online_mask);
	struct as_abort_reset ar = { .as = ctx->as, .index = 11 };
	struct as_thread *t;

	t = as_sleeper_on(test, ctx->as, 11, AS_TEST_LONG_MS, AS_SLEEP, cpu);
	KUNIT_ASSERT_TRUE_MSG(test, as_wait_sleeping(t),
			      "not asleep, returned %d", t->ret);

	KUNIT_EXPECT_EQ(test, alertable_sleep_reset_for_reuse(ctx->as, 11),
			-EBUSY);
	msleep(AS_TEST_QUIET_MS);
	KUNIT_EXPECT_TRUE_MSG(test, as_still_sleeping(t),
			      "a refused reset ended the sleep with %d",
			      t->ret);

	KUNIT_ASSERT_EQ(test, smp_call_function_single(cpu, as_abort_then_reset,
						       &ar, 1), 0);
	KUNIT_EXPECT_EQ(test, ar.abort_ret, 0);
	KUNIT_EXPECT_EQ(test, ar.reset_ret, -EBUSY);
	KUNIT_ASSERT_TRUE(test, as_wait_done(t));
	KUNIT_EXPECT_EQ(test, t->ret, -ECANCELED);
	KUNIT_EXPECT_EQ(test, alertable_sleep_sleep(ctx->as, 11, 0), -ECANCELED);
	/* With the sleeper gone, the reset is accepted. */
	KUNIT_EXPECT_EQ(test, alertable_sleep_reset_for_reuse(ctx->as, 11), 0);
	KUNIT_EXPECT_EQ(test, alertable_sleep_sleep(ctx->as, 11, 1), 0);
}

/*
 * On the sleeper's CPU, at its priority: abort the index that it sleeps on,
 * then ask again before it can run. An aborted index answers -ECANCELED,
 * not -EBUSY, even with its sleeper still there; a reset is still refused.
 */
static int as_abort_then_probe_fn(void *data)
{
	struct as_thread *t = data;

	complete(&t->started);
	t->probe_ret[0] = alertable_sleep_abort(t->as, t->index);
	t->probe_ret[1] = alertable_sleep_sleep(t->as, t->index,
						AS_TEST_LONG_MS);
	t->probe_ret[2] = alertable_sleep_reset_for_reuse(t->as, t->index);
	t->probed = !completion_done(&t->peer->done);
	complete(&t->done);
	return 0;
}

/*
 * A second sleeper on an index gets -EBUSY at once, and the first sleeper is
 * not disturbed: it keeps the index and goes on sleeping. Its sleep is long
 * and ends by an abort, so a slow host cannot make it end before the
 * refusals are done.
 */
static void second_sleeper_busy(struct kunit *test)
{
	struct as_ctx *ctx = test->priv;
	int cpu = cpumask_first(cpu_online_mask);
	struct as_thread *first, *second, *prober;
	ktime_t start;

	first = as_thread_new(test, as_sleeper_fn, ctx->as, 12, AS_TEST_LONG_MS,
			      cpu);
	sched_set_fifo_low(first->task);
	wake_up_process(first->task);
	KUNIT_ASSERT_TRUE_MSG(test, as_wait_sleeping(first),
			      "not asleep, returned %d", first->ret);

	start = ktime_get();
	KUNIT_EXPECT_EQ(test, alertable_sleep_sleep(ctx->as, 12,
						    AS_TEST_LONG_MS), -EBUSY);
	KUNIT_EXPECT_EQ(test, alertable_sleep_sleep(ctx->as, 12,
						    ALERTABLE_SLEEP_INFINITE),
			-EBUSY);
	KUNIT_EXPECT_EQ(test, alertable_sleep_sleep(ctx->as, 12, 0), -EBUSY);
	KUNIT_EXPECT_EQ(test, alertable_sleep_sleep_freezable(ctx->as, 12, 0),
			-EBUSY);
	KUNIT_EXPECT_EQ(test, alertable_sleep_sleep_until(ctx->as, 12, KTIME_MAX,
							  ALERTABLE_SLEEP_KILLABLE),
			-EBUSY);
	KUNIT_EXPECT_LT(test, as_ms_since(start), AS_TEST_PROMPT_MS);

	second = as_sleeper(test, ctx->as, 12, AS_TEST_LONG_MS);
	KUNIT_ASSERT_TRUE(test, as_wait_done(second));
	KUNIT_EXPECT_EQ(test, second->ret, -EBUSY);
	/* Other indices are free. */
	KUNIT_EXPECT_EQ(test, alertable_sleep_sleep(ctx->as, 13, 1), 0);

	/* The refusals left the index to the first sleeper, still asleep. */
	msleep(AS_TEST_QUIET_MS);
	KUNIT_EXPECT_TRUE_MSG(test, as_still_sleeping(first),
			      "the first sleeper ended early with %d",
			      first->ret);

	prober = as_thread_new(test, as_abort_then_probe_fn, ctx->as, 12, 0,
			       cpu);
	prober->peer = first;
	sched_set_fifo_low(prober->task);
	wake_up_process(prober->task);
	KUNIT_ASSERT_TRUE(test, as_wait_done(prober));
	KUNIT_ASSERT_TRUE_MSG(test, prober->probed,
			      "the first sleeper ran before the probes");
	KUNIT_EXPECT_EQ(test, prober->probe_ret[0], 0);
	KUNIT_EXPECT_EQ(test, prober->probe_ret[1], -ECANCELED);
	KUNIT_EXPECT_EQ(test, prober->probe_ret[2], -EBUSY);
	KUNIT_ASSERT_TRUE(test, as_wait_done(first));
	KUNIT_EXPECT_EQ(test, first->ret, -ECANCELED);
}

static struct kunit_case alertable_sleep_cases[] = {
	KUNIT_CASE_PARAM(invalid_args, as_bad_gen_params),
	KUNIT_CASE(null_instance),
	KUNIT_CASE(sleep_zero),
	KUNIT_CASE(sleep_times_out),
	KUNIT_CASE(never_early),
	KUNIT_CASE(sleep_until_past_deadline),
	KUNIT_CASE(sleep_until_bad_flags),
	KUNIT_CASE_PARAM(abort_before_sleep, as_abort_first_gen_params),
	KUNIT_CASE(abort_is_sticky),
	KUNIT_CASE_PARAM(abort_wakes_sleeper, as_abort_wakes_gen_params),
	KUNIT_CASE(reset_clears_abort),
	KUNIT_CASE(reset_refused_while_sleeping),
	KUNIT_CASE(second_sleeper_busy),
	{}
};

static struct kunit_suite alertable_sleep_suite = {
	.name = "alertable_sleep",
	.init = as_test_init,
	.test_cases = alertable_sleep_cases,
};

/* ---- suite alertable_sleep_contexts: IRQs, signals, kthreads ---- */

static enum hrtimer_restart as_timer_abort_fn(struct hrtimer *timer)
{
	struct as_ctx *ctx = container_of(timer, struct as_ctx, timer);

	ctx->timer_hardirq = in_hardirq();
	if (ctx->timer_entry) {
		/* Under a raw spinlock too, which the contract allows. */
		raw_spin_lock(&as_test_raw_lock);
		alertable_sleep_entry_abort(ctx->timer_entry);
		raw_spin_unlock(&as_test_raw_lock);
		ctx->timer_ret = 0;
	} else if (ctx->timer_all) {
		ctx->timer_ret = alertable_sleep_abort_all(ctx->timer_as);
	} else {
		ctx->timer_ret = alertable_sleep_abort(ctx->timer_as,
						       ctx->timer_index);
	}
	WRITE_ONCE(ctx->timer_fired, true);
	return HRTIMER_NORESTART;
}

struct as_irq_param {
	const char *desc;
	bool all;
	unsigned int msecs;
};

static const struct as_irq_param as_irq_params[] = {
	{ "abort, 10 s sleep", false, AS_TEST_LONG_MS },
	{ "abort, INFINITE sleep", false, ALERTABLE_SLEEP_INFINITE },
	{ "abort_all, 10 s sleep", true, AS_TEST_LONG_MS },
	{ "abort_all, INFINITE sleep", true, ALERTABLE_SLEEP_INFINITE },
};

static void as_irq_desc(const struct as_irq_param *p, char *desc)
{
	strscpy(desc, p->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(as_irq, as_irq_params, as_irq_desc);

/* An abort from a hard-IRQ hrtimer callback ends the sleep. */
static void abort_from_hardirq(struct kunit *test)
{
	const struct as_irq_param *p = test->param_value;
	struct as_ctx *ctx = test->priv;
	ktime_t start;
	int ret;

	if (p->all && IS_ENABLED(CONFIG_PREEMPT_RT))
		kunit_skip(test, "abort_all() refuses hard IRQ on PREEMPT_RT");
	as_timer_setup(test, as_timer_abort_fn);
	ctx->timer_as = ctx->as;
	ctx->timer_all = p->all;
	ctx->timer_index = 14;
	hrtimer_start(&ctx->timer, ms_to_ktime(100), HRTIMER_MODE_REL_HARD);
	start = ktime_get();
	ret = alertable_sleep_sleep(ctx->as, 14, p->msecs);
	hrtimer_cancel(&ctx->timer);

	KUNIT_EXPECT_EQ(test, ret, -ECANCELED);
	KUNIT_EXPECT_LT(test, as_ms_since(start), AS_TEST_PROMPT_MS);
	KUNIT_EXPECT_TRUE(test, READ_ONCE(ctx->timer_fired));
	KUNIT_EXPECT_TRUE_MSG(test, ctx->timer_hardirq,
			      "the callback did not run in hard-IRQ context");
	KUNIT_EXPECT_EQ(test, ctx->timer_ret, 0);
	KUNIT_EXPECT_EQ(test, alertable_sleep_sleep(ctx->as, 14, 0),
			-ECANCELED);
	KUNIT_EXPECT_EQ(test, alertable_sleep_sleep(ctx->as, 15, 0),
			p->all ? -ECANCELED : 0);
}

/*
 * abort_all() ends 16 sleepers on 16 indices and marks every index; from
 * under a raw spinlock with IRQs off, as the contract allows, but on
 * PREEMPT_RT, which refuses it there (and then it is called preemptible).
 */
static void abort_all_many_sleepers(struct kunit *test)
{
	struct as_ctx *ctx = test->priv;
	struct as_thread *t[16];
	unsigned long flags;
	unsigned int i;
	ktime_t start;
	int ret;

	for (i = 0; i < ARRAY_SIZE(t); i++)
		t[i] = as_sleeper_on(test, ctx->as, i,
				     i % 2 ? AS_TEST_LONG_MS :
				     ALERTABLE_SLEEP_INFINITE,
				     i % 4 == 1 ? AS_KILLABLE : AS_SLEEP, -1);
	for (i = 0; i < ARRAY_SIZE(t); i++)
		KUNIT_ASSERT_TRUE_MSG(test, as_wait_sleeping(t[i]),
				      "sleeper %u not asleep, returned %d",
				      i, t[i]->ret);

	start = ktime_get();
	raw_spin_lock_irqsave(&as_test_raw_lock, flags);
	ret = alertable_sleep_abort_all(ctx->as);
	raw_spin_unlock_irqrestore(&as_test_raw_lock, flags);
	if (IS_ENABLED(CONFIG_PREEMPT_RT)) {
		KUNIT_EXPECT_EQ(test, ret, -EPERM);
		ret = alertable_sleep_abort_all(ctx->as);
	}
	KUNIT_EXPECT_EQ(test, ret, 0);

	for (i = 0; i < ARRAY_SIZE(t); i++) {
		KUNIT_ASSERT_TRUE_MSG(test, as_wait_done(t[i]),
				      "sleeper %u still asleep", i);
		KUNIT_EXPECT_EQ_MSG(test, t[i]->ret, -ECANCELED, "sleeper %u",
				    i);
		KUNIT_EXPECT_LT_MSG(test, ktime_ms_delta(t[i]->end, start),
				    AS_TEST_PROMPT_MS, "sleeper %u", i);
	}
	for (i = 0; i < AS_TEST_EVENTS; i++)
		KUNIT_EXPECT_EQ_MSG(test, alertable_sleep_sleep(ctx->as, i, 0),
				    -ECANCELED, "index %u", i);
}

struct as_sig_param {
	const char *desc;
	int sig;
	unsigned int msecs;
	enum as_kind kind;
};

static const struct as_sig_param as_sig_params[] = {
	{ "SIGUSR1, 10 s sleep", SIGUSR1, AS_TEST_LONG_MS },
	{ "SIGUSR1, INFINITE sleep", SIGUSR1, ALERTABLE_SLEEP_INFINITE },
	{ "SIGKILL, 10 s sleep", SIGKILL, AS_TEST_LONG_MS },
	{ "SIGKILL, INFINITE sleep", SIGKILL, ALERTABLE_SLEEP_INFINITE },
	{ "SIGUSR1, freezable", SIGUSR1, AS_TEST_LONG_MS, AS_FREEZABLE },
	{ "SIGKILL, killable 10 s", SIGKILL, AS_TEST_LONG_MS, AS_KILLABLE },
	{ "SIGKILL, killable INFINITE", SIGKILL, ALERTABLE_SLEEP_INFINITE,
	  AS_KILLABLE },
};

static void as_sig_desc(const struct as_sig_param *p, char *desc)
{
	strscpy(desc, p->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(as_sig, as_sig_params, as_sig_desc);

/* A signal ends the sleep with -ERESTARTSYS; the index stays usable. */
static void signal_ends_sleep(struct kunit *test)
{
	const struct as_sig_param *p = test->param_value;
	struct as_ctx *ctx = test->priv;
	struct as_thread *t;
	ktime_t start;

	t = as_thread_new(test, as_sleeper_fn, ctx->as, 16, p->msecs, -1);
	t->sig = p->sig;
	as_thread_kind(t, p->kind);
	wake_up_process(t->task);
	KUNIT_ASSERT_TRUE_MSG(test, as_wait_sleeping(t),
			      "not asleep, returned %d", t->ret);

	start = ktime_get();
	KUNIT_EXPECT_EQ(test, send_sig(p->sig, t->task, 1), 0);
	KUNIT_ASSERT_TRUE(test, as_wait_done(t));
	KUNIT_EXPECT_EQ(test, t->ret, -ERESTARTSYS);
	KUNIT_EXPECT_LT(test, ktime_ms_delta(t->end, start), AS_TEST_PROMPT_MS);

	/* Neither aborted nor left owned. */
	KUNIT_EXPECT_EQ(test, alertable_sleep_reset_for_reuse(ctx->as, 16), 0);
	start = ktime_get();
	KUNIT_EXPECT_EQ(test, alertable_sleep_sleep(ctx->as, 16, 10), 0);
	KUNIT_EXPECT_GE(test, as_ms_since(start), 10);
}

/* Stop @t->peer; kthread_stop() returns what its thread returned. */
static int as_stopper_fn(void *data)
{
	struct as_thread *t = data;

	complete(&t->started);
	t->ret = as_thread_stop(t->peer);
	complete(&t->done);
	return 0;
}

/*
 * A killable sleep ends on a fatal signal only: neither an ordinary signal
 * nor kthread_stop() (which sends none) ends it, and an abort still does.
 */
static void killable_ignores_signal_and_stop(struct kunit *test)
{
	struct as_ctx *ctx = test->priv;
	struct as_thread *t, *stopper;
	ktime_t start;

	t = as_thread_new(test, as_sleeper_fn, ctx->as, 17, AS_TEST_LONG_MS, -1);
	t->sig = SIGUSR1;
	as_thread_kind(t, AS_KILLABLE);
	wake_up_process(t->task);
	KUNIT_ASSERT_TRUE_MSG(test, as_wait_sleeping(t),
			      "not asleep, returned %d", t->ret);

	KUNIT_EXPECT_EQ(test, send_sig(SIGUSR1, t->task, 1), 0);
	msleep(AS_TEST_QUIET_MS);
	KUNIT_EXPECT_TRUE_MSG(test, as_still_sleeping(t),
			      "SIGUSR1 ended the killable sleep with %d",
			      t->ret);

	stopper = as_thread_new(test, as_stopper_fn, ctx->as, 17, 0, -1);
	stopper->peer = t;
	wake_up_process(stopper->task);
	KUNIT_ASSERT_TRUE(test,
			  wait_for_completion_timeout(&stopper->started,
						      msecs_to_jiffies(AS_TEST_WATCHDOG_MS)));
	msleep(AS_TEST_QUIET_MS);
	KUNIT_EXPECT_TRUE_MSG(test, as_still_sleeping(t),
			      "kthread_stop() ended the killable sleep with %d",
			      t->ret);
	KUNIT_EXPECT_FALSE(test, completion_done(&stopper->done));

	start = ktime_get();
	KUNIT_EXPECT_EQ(test, alertable_sleep_abort(ctx->as, 17), 0);
	KUNIT_ASSERT_TRUE(test, as_wait_done(t));
	KUNIT_EXPECT_EQ(test, t->ret, -ECANCELED);
	KUNIT_EXPECT_LT(test, ktime_ms_delta(t->end, start), AS_TEST_PROMPT_MS);
	KUNIT_ASSERT_TRUE(test, as_wait_done(stopper));
	KUNIT_EXPECT_EQ(test, stopper->ret, -ECANCELED);
}

/*
 * Sleep to a deadline, be interrupted by a signal, then sleep again to the
 * same deadline: the second sleep lasts only what was left.
 */
static int as_restart_fn(void *data)
{
	struct as_thread *t = data;

	allow_signal(SIGUSR1);
	allow_signal(SIGUSR2);
	complete(&t->started);
	t->ret = alertable_sleep_sleep_until(t->as, t->index, t->deadline, 0);
	t->start = ktime_get();
	flush_signals(current);
	t->probe_ret[0] = alertable_sleep_sleep_until(t->as, t->index,
						      t->deadline, 0);
	t->end = ktime_get();
	complete(&t->done);
	return 0;
}

#define AS_TEST_RESTART_MS	1000
static void sleep_until_restart(struct kunit *test)
{
	struct as_ctx *ctx = test->priv;
	unsigned long timeout;
	struct as_thread *t;

	t = as_thread_new(test, as_restart_fn, ctx->as, 18, 0, -1);
	t->deadline = ktime_add_ms(ktime_get(), AS_TEST_RESTART_MS);
	wake_up_process(t->task);
	KUNIT_ASSERT_TRUE_MSG(test, as_wait_sleeping(t),
			      "not asleep, returned %d", t->ret);
	KUNIT_EXPECT_EQ(test, send_sig(SIGUSR1, t->task, 1), 0);
	timeout = msecs_to_jiffies(AS_TEST_RESTART_MS + AS_TEST_PROMPT_MS);
	KUNIT_ASSERT_TRUE(test, wait_for_completion_timeout(&t->done, timeout));
	if (t->ret == 0 && !ktime_before(t->start, t->deadline))
		kunit_skip(test, "the host stalled past the %d ms deadline before the signal",
			   AS_TEST_RESTART_MS);
	KUNIT_EXPECT_EQ(test, t->ret, -ERESTARTSYS);
	KUNIT_EXPECT_TRUE_MSG(test, ktime_before(t->start, t->deadline),
			      "interrupted %lld ms after the deadline",
			      ktime_ms_delta(t->start, t->deadline));
	KUNIT_EXPECT_EQ(test, t->probe_ret[0], 0);
	KUNIT_EXPECT_FALSE_MSG(test, ktime_before(t->end, t->deadline),
			       "returned %lld us before the deadline",
			       ktime_us_delta(t->deadline, t->end));
	KUNIT_EXPECT_LT(test, ktime_ms_delta(t->end, t->deadline),
			AS_TEST_PROMPT_MS);
}

static int as_sleep_thrice_fn(void *data)
{
	struct as_thread *t = data;

	allow_signal(SIGUSR2);
	allow_signal(SIGUSR1);
	complete(&t->started);
	t->start = ktime_get();
	t->ret = alertable_sleep_sleep(t->as, t->index, t->msecs);
	t->probe_ret[0] = alertable_sleep_sleep(t->as, t->index, t->msecs);
	t->probe_ret[1] = alertable_sleep_sleep(t->as, t->index + 1, t->msecs);
	t->end = ktime_get();
	complete(&t->done);
	return t->ret;
}

/*
 * Abort the peer's index, then signal the peer. Bound to the peer's CPU at
 * a real-time priority, this thread does both before the woken peer runs
 * there. (Not from an IPI: send_sig() takes the siglock, a spinlock_t,
 * which hard IRQ must not take; lockdep's wait-context check says so.)
 */
static int as_abort_and_signal_fn(void *data)
{
	struct as_thread *t = data;
	struct as_thread *peer = t->peer;

	complete(&t->started);
	peer->probe_ret[2] = alertable_sleep_abort(peer->as, peer->index);
	peer->probe_ret[3] = send_sig(SIGUSR1, peer->task, 1);
	complete(&t->done);
	return 0;
}

/*
 * An abort and a signal at once: -ECANCELED wins. The abort stays, so the
 * next sleep on the index is -ECANCELED too; on another index the signal,
 * still pending, ends the next sleep at once with -ERESTARTSYS.
 */
static void abort_and_signal_together(struct kunit *test)
{
	struct as_ctx *ctx = test->priv;
	int cpu = cpumask_first(cpu_online_mask);
	struct as_thread *t, *both;

	t = as_thread_new(test, as_sleep_thrice_fn, ctx->as, 19,
			  AS_TEST_LONG_MS, cpu);
	wake_up_process(t->task);
	KUNIT_ASSERT_TRUE_MSG(test, as_wait_sleeping(t),
			      "not asleep, returned %d", t->ret);

	both = as_thread_new(test, as_abort_and_signal_fn, ctx->as, 19, 0, cpu);
	both->peer = t;
	sched_set_fifo(both->task);
	wake_up_process(both->task);
	KUNIT_ASSERT_TRUE(test, as_wait_done(both));
	KUNIT_EXPECT_EQ(test, t->probe_ret[2], 0);
	KUNIT_EXPECT_EQ(test, t->probe_ret[3], 0);
	KUNIT_ASSERT_TRUE(test, as_wait_done(t));
	KUNIT_EXPECT_EQ(test, t->ret, -ECANCELED);
	KUNIT_EXPECT_EQ(test, t->probe_ret[0], -ECANCELED);
	KUNIT_EXPECT_EQ(test, t->probe_ret[1], -ERESTARTSYS);
	KUNIT_EXPECT_LT(test, ktime_ms_delta(t->end, t->start),
			AS_TEST_PROMPT_MS);
	/* The interrupted sleep left its index free and not aborted. */
	KUNIT_EXPECT_EQ(test, alertable_sleep_sleep(ctx->as, 20, 1), 0);
}

static const struct as_msecs_param as_stop_params[] = {
	{ "10 s", AS_TEST_LONG_MS },
	{ "INFINITE", ALERTABLE_SLEEP_INFINITE },
	{ "freezable, INFINITE", ALERTABLE_SLEEP_INFINITE, AS_FREEZABLE },
	{ "idle, INFINITE", ALERTABLE_SLEEP_INFINITE, AS_IDLE },
};

KUNIT_ARRAY_PARAM(as_stop, as_stop_params, as_msecs_desc);

/* kthread_stop() on a sleeping kthread returns promptly: -ERESTARTSYS. */
static void kthread_stop_ends_sleep(struct kunit *test)
{
	const struct as_msecs_param *p = test->param_value;
	struct as_ctx *ctx = test->priv;
	struct as_thread *t;
	ktime_t start;
	s64 ms;
	int ret;

	t = as_sleeper_on(test, ctx->as, 21, p->msecs, p->kind, -1);
	KUNIT_ASSERT_TRUE_MSG(test, as_wait_sleeping(t),
			      "not asleep, returned %d", t->ret);

	as_guard_arm(&t->guard, AS_TEST_WATCHDOG_MS);
	start = ktime_get();
	ret = as_thread_stop(t);
	ms = as_ms_since(start);
	KUNIT_EXPECT_FALSE_MSG(test, as_guard_disarm(&t->guard),
			       "kthread_stop() did not end the sleep");

	KUNIT_EXPECT_EQ(test, ret, -ERESTARTSYS);
	KUNIT_EXPECT_TRUE(test, completion_done(&t->done));
	KUNIT_EXPECT_EQ(test, t->ret, -ERESTARTSYS);
	KUNIT_EXPECT_LT(test, ms, AS_TEST_PROMPT_MS);
	KUNIT_EXPECT_EQ(test, alertable_sleep_sleep(ctx->as, 21, 10), 0);
}

/*
 * An idle sleep (TASK_IDLE, for kthreads that take no signals): no signal
 * ends it, not even SIGKILL, and it does not count in the load average;
 * an abort ends it at once.
 */
static void idle_ignores_signals(struct kunit *test)
{
	struct as_ctx *ctx = test->priv;
	struct as_thread *t;
	unsigned int state;
	ktime_t start;

	t = as_thread_new(test, as_sleeper_fn, ctx->as, 22, AS_TEST_LONG_MS, -1);
	t->sig = SIGUSR1;
	as_thread_kind(t, AS_IDLE);
	wake_up_process(t->task);
	KUNIT_ASSERT_TRUE_MSG(test, as_wait_sleeping(t),
			      "not asleep, returned %d", t->ret);

	KUNIT_EXPECT_EQ(test, send_sig(SIGUSR1, t->task, 1), 0);
	KUNIT_EXPECT_EQ(test, send_sig(SIGKILL, t->task, 1), 0);
	msleep(AS_TEST_QUIET_MS);
	KUNIT_EXPECT_TRUE_MSG(test, as_still_sleeping(t),
			      "a signal ended the idle sleep with %d", t->ret);
	/* TASK_NOLOAD is what keeps the load average from counting it. */
	state = READ_ONCE(t->task->__state);
	KUNIT_EXPECT_EQ_MSG(test, state & TASK_IDLE, TASK_IDLE,
			    "task state %#x", state);

	start = ktime_get();
	KUNIT_EXPECT_EQ(test, alertable_sleep_abort(ctx->as, 22), 0);
	KUNIT_ASSERT_TRUE(test, as_wait_done(t));
	KUNIT_EXPECT_EQ(test, t->ret, -ECANCELED);
	KUNIT_EXPECT_LT(test, ktime_ms_delta(t->end, start), AS_TEST_PROMPT_MS);
}

/*
 * A kthread loop that sleeps once, parks when told to, and then waits to
 * be stopped; probed: whether it was told to park when its sleep ended.
 */
static int as_parkable_fn(void *data)
{
	struct as_thread *t = data;

	allow_signal(t->guard.sig);
	complete(&t->started);
	t->ret = as_do_sleep(t);
	t->end = ktime_get();
	t->probed = kthread_should_park();
	complete(&t->done);
	while (!kthread_should_stop()) {
		if (kthread_should_park()) {
			kthread_parkme();
			continue;
		}
		set_current_state(TASK_INTERRUPTIBLE);
		if (!kthread_should_stop() && !kthread_should_park())
			schedule();
		__set_current_state(TASK_RUNNING);
	}
	return 0;
}

/*
 * kthread_park() of a sleeping kthread ends its sleep at once, as
 * kthread_stop() does (-ERESTARTSYS), so that parking does not wait for
 * the deadline; the index is left free and not aborted. The sleeps are
 * kthread_stop_ends_sleep()'s.
 */
static void kthread_park_ends_sleep(struct kunit *test)
{
	const struct as_msecs_param *p = test->param_value;
	struct as_ctx *ctx = test->priv;
	struct as_thread *t;
	ktime_t start;
	int ret;

	t = as_thread_new(test, as_parkable_fn, ctx->as, 23, p->msecs, -1);
	as_thread_kind(t, p->kind);
	wake_up_process(t->task);
	KUNIT_ASSERT_TRUE_MSG(test, as_wait_sleeping(t),
			      "not asleep, returned %d", t->ret);

	as_guard_arm(&t->guard, AS_TEST_WATCHDOG_MS);
	start = ktime_get();
	ret = kthread_park(t->task);
	KUNIT_EXPECT_FALSE_MSG(test, as_guard_disarm(&t->guard),
			       "kthread_park() did not end the sleep");
	KUNIT_EXPECT_EQ(test, ret, 0);
	KUNIT_EXPECT_LT(test, as_ms_since(start), AS_TEST_PROMPT_MS);
	KUNIT_ASSERT_TRUE(test, completion_done(&t->done));
	KUNIT_EXPECT_EQ(test, t->ret, -ERESTARTSYS);
	KUNIT_EXPECT_TRUE(test, t->probed);
	kthread_unpark(t->task);
	KUNIT_EXPECT_EQ(test, alertable_sleep_reset_for_reuse(ctx->as, 23), 0);
	KUNIT_EXPECT_EQ(test, alertable_sleep_sleep(ctx->as, 23, 1), 0);
}

/* One round of abort_races_deadline: an entry of its own, and a verdict. */
struct as_race {
	struct alertable_sleep_entry *e;
	unsigned int delay_us;		/* of the abort, after the sleep began */
	atomic_t phase;			/* 1: sleeping, 2: aborted */
	int ret;
};

static int as_race_aborter_fn(void *data)
{
	struct as_thread *t = data;
	struct as_race *r = t->race;

	complete(&t->started);
	while (atomic_read(&r->phase) < 1 && !kthread_should_stop())
		cpu_relax();
	udelay(r->delay_us);
	alertable_sleep_entry_abort(r->e);
	atomic_set(&r->phase, 2);
	complete(&t->done);
	while (!kthread_should_stop())
		schedule_timeout_interruptible(1);
	return 0;
}

#define AS_RACE_ROUNDS		200
#define AS_RACE_SLEEP_MS	2

/*
 * On two CPUs: an abort lands around the deadline of a sleep, at random,
 * and the sleeper frees the entry as soon as its sleep returned -ECANCELED,
 * as a caller may: the abort was done with the entry by then (KASAN, on in
 * .kunitconfig, reports any later access). A sleep that timed out first
 * waits for the abort before freeing, which is the caller's part.
 */
static void abort_races_deadline(struct kunit *test)
{
	struct as_ctx *ctx = test->priv;
	unsigned int round, canceled = 0, timed_out = 0;
	int here, there;

	if (num_online_cpus() < 2)
		kunit_skip(test, "needs two CPUs");
	here = raw_smp_processor_id();
	there = cpumask_any_but(cpu_online_mask, here);

	for (round = 0; round < AS_RACE_ROUNDS; round++) {
		struct as_race *r = kzalloc_obj(*r, GFP_KERNEL);
		struct as_thread *a;

		KUNIT_ASSERT_NOT_NULL(test, r);
		r->e = kzalloc_obj(*r->e, GFP_KERNEL);
		if (!r->e)
			kfree(r);
		KUNIT_ASSERT_NOT_NULL(test, r->e);
		alertable_sleep_entry_init(r->e);
		r->delay_us = AS_RACE_SLEEP_MS * 1000 - 500 +
			      get_random_u32_below(1000);

		a = as_thread_new(test, as_race_aborter_fn, ctx->as, 24, 0,
				  there);
		a->race = r;
		wake_up_process(a->task);
		wait_for_completion(&a->started);

		atomic_set(&r->phase, 1);
		r->ret = alertable_sleep_entry_sleep(r->e, AS_RACE_SLEEP_MS);
		if (r->ret == -ECANCELED) {
			kfree(r->e);
			canceled++;
		} else {
			if (r->ret == 0)
				timed_out++;
			wait_for_completion(&a->done);
			kfree(r->e);
		}
		KUNIT_EXPECT_TRUE_MSG(test, r->ret == 0 || r->ret == -ECANCELED,
				      "round %u: %d", round, r->ret);
		/* An abort past its RMW may still be waking us: let it end. */
		as_thread_stop(a);
		kfree(r);
	}
	kunit_info(test, "%u rounds: %u aborted, %u timed out first\n",
		   AS_RACE_ROUNDS, canceled, timed_out);
	KUNIT_EXPECT_EQ(test, canceled + timed_out, AS_RACE_ROUNDS);
}

/* Stress: sleepers, aborters, a resetter and an IRQ aborter, at random. */

static void as_stress_count(struct as_ctx *ctx, int ret, unsigned int msecs,
			    ktime_t start)
{
	switch (ret) {
	case 0:
		atomic_inc(&ctx->st_ok);
		if (msecs == ALERTABLE_SLEEP_INFINITE ||
		    ktime_before(ktime_get(), ktime_add_ms(start, msecs)))
			atomic_inc(&ctx->st_early);
		break;
	case -ECANCELED:
		atomic_inc(&ctx->st_canceled);
		break;
	case -EBUSY:
		atomic_inc(&ctx->st_busy);
		break;
	case -ERESTARTSYS:
		/* Only kthread_stop() (or the watchdog) signals these. */
		atomic_inc(&ctx->st_restart);
		if (!kthread_should_stop())
			atomic_inc(&ctx->st_bad);
		break;
	default:
		WRITE_ONCE(ctx->st_last_bad, ret);
		atomic_inc(&ctx->st_bad);
		break;
	}
}

static void as_stress_reset(struct as_ctx *ctx, unsigned int index)
{
	switch (alertable_sleep_reset_for_reuse(ctx->as, index)) {
	case 0:
		atomic_inc(&ctx->st_reset_ok);
		break;
	case -EBUSY:
		atomic_inc(&ctx->st_reset_busy);
		break;
	default:
		atomic_inc(&ctx->st_reset_bad);
		break;
	}
}

static int as_stress_sleeper_fn(void *data)
{
	struct as_thread *t = data;
	struct as_ctx *ctx = t->ctx;

	allow_signal(SIGUSR2);
	complete(&t->started);
	while (!kthread_should_stop()) {
		unsigned int index = get_random_u32_below(AS_STRESS_INDICES);
		unsigned int msecs = get_random_u32_below(21);
		ktime_t start;
		int ret;

		/* Now and then wait for an abort only. */
		if (!get_random_u32_below(8))
			msecs = ALERTABLE_SLEEP_INFINITE;
		start = ktime_get();
		ret = alertable_sleep_sleep(ctx->as, index, msecs);
		as_stress_count(ctx, ret, msecs, start);
		/* As a driver would, now and then clear the abort it saw. */
		if (ret == -ECANCELED && get_random_u32_below(2))
			as_stress_reset(ctx, index);
		/* Refusals return at once: let the others run. */
		if (ret)
			usleep_range(50, 500);
		cond_resched();
	}
	complete(&t->done);
	return 0;
}

static int as_stress_aborter_fn(void *data)
{
	struct as_thread *t = data;
	struct as_ctx *ctx = t->ctx;

	allow_signal(SIGUSR2);
	complete(&t->started);
	while (!kthread_should_stop()) {
		unsigned int index = get_random_u32_below(AS_STRESS_INDICES);

		if (!get_random_u32_below(16))
			alertable_sleep_abort_all(ctx->as);
		else if (alertable_sleep_abort(ctx->as, index))
			atomic_inc(&ctx->st_abort_bad);
		usleep_range(10000, 30000);
	}
	complete(&t->done);
	return 0;
}

static int as_stress_resetter_fn(void *data)
{
	struct as_thread *t = data;
	struct as_ctx *ctx = t->ctx;

	allow_signal(SIGUSR2);
	complete(&t->started);
	while (!kthread_should_stop()) {
		as_stress_reset(ctx, get_random_u32_below(AS_STRESS_INDICES));
		usleep_range(200, 2000);
	}
	complete(&t->done);
	return 0;
}

static enum hrtimer_restart as_timer_stress_fn(struct hrtimer *timer)
{
	struct as_ctx *ctx = container_of(timer, struct as_ctx, timer);
	unsigned int index = ctx->st_irq_next++ % AS_STRESS_INDICES;

	if (alertable_sleep_abort(ctx->as, index))
		atomic_inc(&ctx->st_abort_bad);
	atomic_inc(&ctx->st_irq_aborts);
	hrtimer_forward_now(timer, ms_to_ktime(10 + 5 * index));
	return HRTIMER_RESTART;
}

/* Has every outcome that the stress must produce happened? */
static bool as_stress_saw_all(struct as_ctx *ctx)
{
	return atomic_read(&ctx->st_ok) && atomic_read(&ctx->st_canceled) &&
	       atomic_read(&ctx->st_busy) && atomic_read(&ctx->st_reset_ok) &&
	       atomic_read(&ctx->st_reset_busy) &&
	       atomic_read(&ctx->st_irq_aborts);
}

/*
 * Every return is a documented code, no 0 comes early, every thread stops
 * promptly, and no index is left owned. It runs until each outcome has
 * happened (at least AS_STRESS_MIN_MS, and a slow host gets up to
 * AS_STRESS_MAX_MS), or the stress did not stress anything.
 */
static void random_stress(struct kunit *test)
{
	struct as_ctx *ctx = test->priv;
	struct as_thread *t[AS_STRESS_THREADS];
	unsigned int i, n = 0;
	ktime_t start;
	bool stuck = false;
	s64 ms;

	as_timer_setup(test, as_timer_stress_fn);
	for (i = 0; i < AS_STRESS_SLEEPERS; i++)
		t[n++] = as_thread_new(test, as_stress_sleeper_fn, ctx->as, i,
				       0, -1);
	for (i = 0; i < AS_STRESS_ABORTERS; i++)
		t[n++] = as_thread_new(test, as_stress_aborter_fn, ctx->as, i,
				       0, -1);
	t[n++] = as_thread_new(test, as_stress_resetter_fn, ctx->as, 0, 0, -1);

	start = ktime_get();
	hrtimer_start(&ctx->timer, ms_to_ktime(1), HRTIMER_MODE_REL_HARD);
	for (i = 0; i < n; i++)
		wake_up_process(t[i]->task);
	msleep(AS_STRESS_MIN_MS);
	while (!as_stress_saw_all(ctx) &&
	       as_ms_since(start) < AS_STRESS_MAX_MS)
		msleep(50);
	ms = as_ms_since(start);

	hrtimer_cancel(&ctx->timer);
	start = ktime_get();
	for (i = 0; i < n; i++) {
		as_guard_arm(&t[i]->guard, AS_TEST_WATCHDOG_MS);
		as_thread_stop(t[i]);
		stuck |= as_guard_disarm(&t[i]->guard);
	}
	KUNIT_EXPECT_FALSE_MSG(test, stuck, "a stress thread did not stop");
	KUNIT_EXPECT_LT(test, as_ms_since(start), AS_TEST_PROMPT_MS);

	kunit_info(test,
		   "%lld ms: sleeps: %d ok, %d canceled, %d busy, %d stopped; resets: %d ok, %d busy; IRQ aborts: %d\n",
		   ms, atomic_read(&ctx->st_ok), atomic_read(&ctx->st_canceled),
		   atomic_read(&ctx->st_busy), atomic_read(&ctx->st_restart),
		   atomic_read(&ctx->st_reset_ok),
		   atomic_read(&ctx->st_reset_busy),
		   atomic_read(&ctx->st_irq_aborts));
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&ctx->st_bad), 0,
			    "undocumented return, last %d",
			    READ_ONCE(ctx->st_last_bad));
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->st_early), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->st_abort_bad), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->st_reset_bad), 0);
	KUNIT_EXPECT_GT(test, atomic_read(&ctx->st_ok), 0);
	KUNIT_EXPECT_GT(test, atomic_read(&ctx->st_canceled), 0);
	KUNIT_EXPECT_GT(test, atomic_read(&ctx->st_busy), 0);
	KUNIT_EXPECT_GT(test, atomic_read(&ctx->st_reset_ok), 0);
	KUNIT_EXPECT_GT(test, atomic_read(&ctx->st_reset_busy), 0);
	KUNIT_EXPECT_GT(test, atomic_read(&ctx->st_irq_aborts), 0);

	for (i = 0; i < AS_STRESS_INDICES; i++) {
		KUNIT_EXPECT_EQ_MSG(test,
				    alertable_sleep_reset_for_reuse(ctx->as, i),
				    0, "index %u left owned", i);
		KUNIT_EXPECT_EQ_MSG(test, alertable_sleep_sleep(ctx->as, i, 1),
				    0, "index %u", i);
	}
}

static struct kunit_case alertable_sleep_contexts_cases[] = {
	KUNIT_CASE_PARAM(abort_from_hardirq, as_irq_gen_params),
	KUNIT_CASE(abort_all_many_sleepers),
	KUNIT_CASE_PARAM(signal_ends_sleep, as_sig_gen_params),
	KUNIT_CASE(killable_ignores_signal_and_stop),
	KUNIT_CASE(sleep_until_restart),
	KUNIT_CASE_PARAM(kthread_stop_ends_sleep, as_stop_gen_params),
	KUNIT_CASE(idle_ignores_signals),
	KUNIT_CASE_PARAM(kthread_park_ends_sleep, as_stop_gen_params),
	KUNIT_CASE(abort_and_signal_together),
	KUNIT_CASE(abort_races_deadline),
	KUNIT_CASE(random_stress),
	{}
};

static struct kunit_suite alertable_sleep_contexts_suite = {
	.name = "alertable_sleep_contexts",
	.init = as_test_init,
	.test_cases = alertable_sleep_contexts_cases,
};

/* ---- suite alertable_sleep_lifetime: create, destroy, devm ---- */

struct as_create_param {
	unsigned int count;
	int err;
};

static const struct as_create_param as_create_params[] = {
	{ 0, -EINVAL },
	{ 1, 0 },
	{ 8, 0 },
	{ ALERTABLE_SLEEP_MAX_EVENTS, 0 },
	{ ALERTABLE_SLEEP_MAX_EVENTS + 1, -EINVAL },
	{ UINT_MAX, -EINVAL },
};

static void as_create_desc(const struct as_create_param *p, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "event_count %u", p->count);
}

KUNIT_ARRAY_PARAM(as_create, as_create_params, as_create_desc);

static void create_bounds(struct kunit *test)
{
	const struct as_create_param *p = test->param_value;
	struct alertable_sleep *as;
	unsigned int last;

	as = alertable_sleep_create(p->count);
	KUNIT_EXPECT_NOT_NULL(test, as);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(as), p->err);
	if (IS_ERR_OR_NULL(as))
		return;
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test,
							as_destroy_action, as),
			0);

	KUNIT_EXPECT_EQ(test, alertable_sleep_event_count(as), p->count);
	last = p->count - 1;
	KUNIT_EXPECT_EQ(test, alertable_sleep_sleep(as, last, 0), 0);
	KUNIT_EXPECT_EQ(test, alertable_sleep_abort(as, last), 0);
	KUNIT_EXPECT_EQ(test, alertable_sleep_sleep(as, last, 0), -ECANCELED);
	if (last)
		KUNIT_EXPECT_EQ(test, alertable_sleep_sleep(as, 0, 0), 0);
	KUNIT_EXPECT_EQ(test, alertable_sleep_abort(as, p->count), -EINVAL);
	KUNIT_EXPECT_EQ(test, alertable_sleep_sleep(as, p->count, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, alertable_sleep_reset_for_reuse(as, p->count),
			-EINVAL);
}

static void destroy_idle(struct kunit *test)
{
	struct alertable_sleep *as = as_create(test, 4);
	ktime_t start;

	KUNIT_EXPECT_EQ(test, alertable_sleep_sleep(as, 0, 1), 0);
	KUNIT_EXPECT_EQ(test, alertable_sleep_abort(as, 1), 0);
	start = ktime_get();
	as_destroy_now(test, as);
	KUNIT_EXPECT_LT(test, as_ms_since(start), AS_TEST_PROMPT_MS);
}

/* destroy() ends every sleeper, of every kind, with -ESHUTDOWN. */
static void destroy_ends_sleepers(struct kunit *test)
{
	struct alertable_sleep *as = as_create(test, 8);
	struct as_thread *t[8];
	unsigned int i;
	bool stuck = false;
	ktime_t start;
	s64 ms;

	for (i = 0; i < ARRAY_SIZE(t); i++)
		t[i] = as_sleeper_on(test, as, i, i % 2 ? AS_TEST_LONG_MS :
				     ALERTABLE_SLEEP_INFINITE,
				     (enum as_kind)(i % 3), -1);
	for (i = 0; i < ARRAY_SIZE(t); i++) {
		KUNIT_ASSERT_TRUE_MSG(test, as_wait_sleeping(t[i]),
				      "sleeper %u not asleep, returned %d",
				      i, t[i]->ret);
		as_guard_arm(&t[i]->guard, AS_TEST_WATCHDOG_MS);
	}

	start = ktime_get();
	as_destroy_now(test, as);
	ms = as_ms_since(start);
	for (i = 0; i < ARRAY_SIZE(t); i++)
		stuck |= as_guard_disarm(&t[i]->guard);
	KUNIT_EXPECT_FALSE_MSG(test, stuck, "destroy did not end the sleeps");
	KUNIT_EXPECT_LT(test, ms, AS_TEST_PROMPT_MS);
	for (i = 0; i < ARRAY_SIZE(t); i++) {
		KUNIT_ASSERT_TRUE(test, as_wait_done(t[i]));
		KUNIT_EXPECT_EQ_MSG(test, t[i]->ret, -ESHUTDOWN, "sleeper %u",
				    i);
	}
}

/* Destroy t->as, then count the sleepers (t->peers) that had returned. */
static int as_destroyer_fn(void *data)
{
	struct as_thread *t = data;
	unsigned int i;

	complete(&t->started);
	as_destroy_now(t->test, t->as);
	t->end = ktime_get();
	for (i = 0; i < t->npeers; i++)
		t->peers_done += completion_done(&t->peers[i]->done);
	complete(&t->done);
	return 0;
}

#define AS_ORDER_SLEEPERS	4
/*
 * destroy() returns only after each of its sleepers has left. The
 * destroyer and the sleepers share one CPU at one SCHED_FIFO priority, so
 * each runs until it blocks: the sleepers that destroy wakes run to their
 * return before the destroyer runs again, and only if destroy waited for
 * them. A destroy that did not wait would return before any of them.
 */
static void destroy_waits_for_sleepers(struct kunit *test)
{
	int cpu = cpumask_first(cpu_online_mask);
	struct alertable_sleep *as = as_create(test, AS_ORDER_SLEEPERS);
	struct as_thread **t, *destroyer;
	unsigned int i;

	t = kunit_kcalloc(test, AS_ORDER_SLEEPERS, sizeof(*t), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, t);
	for (i = 0; i < AS_ORDER_SLEEPERS; i++) {
		t[i] = as_thread_new(test, as_sleeper_fn, as, i,
				     i % 2 ? AS_TEST_LONG_MS :
				     ALERTABLE_SLEEP_INFINITE, cpu);
		sched_set_fifo_low(t[i]->task);
		wake_up_process(t[i]->task);
	}
	for (i = 0; i < AS_ORDER_SLEEPERS; i++) {
		KUNIT_ASSERT_TRUE_MSG(test, as_wait_sleeping(t[i]),
				      "sleeper %u not asleep, returned %d",
				      i, t[i]->ret);
		as_guard_arm(&t[i]->guard, AS_TEST_WATCHDOG_MS);
	}

	destroyer = as_thread_new(test, as_destroyer_fn, as, 0, 0, cpu);
	destroyer->peers = t;
	destroyer->npeers = AS_ORDER_SLEEPERS;
	sched_set_fifo_low(destroyer->task);
	wake_up_process(destroyer->task);
	KUNIT_ASSERT_TRUE(test, as_wait_done(destroyer));
	for (i = 0; i < AS_ORDER_SLEEPERS; i++) {
		KUNIT_EXPECT_FALSE_MSG(test, as_guard_disarm(&t[i]->guard),
				       "destroy did not end sleeper %u", i);
		KUNIT_ASSERT_TRUE(test, as_wait_done(t[i]));
		KUNIT_EXPECT_EQ_MSG(test, t[i]->ret, -ESHUTDOWN, "sleeper %u",
				    i);
	}
	KUNIT_EXPECT_EQ_MSG(test, destroyer->peers_done, AS_ORDER_SLEEPERS,
			    "destroy returned before %u of its %u sleepers",
			    AS_ORDER_SLEEPERS - destroyer->peers_done,
			    AS_ORDER_SLEEPERS);
}

/*
 * A sleeper woken by destroy that, before destroy can return, calls again:
 * sleeps on its own index and on one never used, aborts and resets, and has
 * a hard-IRQ hrtimer abort. Each must get -ESHUTDOWN and do nothing. @peer
 * is a sleeper that destroy still waits for, on the same CPU and of lower
 * priority, so it cannot return (and let destroy free) while this runs.
 */
static int as_probe_fn(void *data)
{
	struct as_thread *t = data;
	struct as_ctx *ctx = t->ctx;
	unsigned int other = t->index + 1;
	unsigned int i;

	allow_signal(SIGUSR2);
	complete(&t->started);
	t->ret = alertable_sleep_sleep(t->as, t->index, t->msecs);
	t->probed = !completion_done(&t->peer->done);
	if (t->probed) {
		t->probe_ret[0] = alertable_sleep_sleep(t->as, t->index, 0);
		t->probe_ret[1] = alertable_sleep_sleep(t->as, other,
							AS_TEST_LONG_MS);
		t->probe_ret[2] = alertable_sleep_abort(t->as, other);
		t->probe_ret[3] = alertable_sleep_reset_for_reuse(t->as, other);
		alertable_sleep_abort_all(t->as);

		ctx->timer_as = t->as;
		ctx->timer_all = false;
		ctx->timer_index = other;
		hrtimer_start(&ctx->timer, ms_to_ktime(2),
			      HRTIMER_MODE_REL_HARD);
		/*
		 * Spin, not sleep: @peer must not run before the IRQ. Until
		 * it fired, however late a loaded host delivers it.
		 */
		for (i = 0; i < AS_TEST_PROMPT_MS &&
		     !READ_ONCE(ctx->timer_fired); i++)
			mdelay(1);
		hrtimer_cancel(&ctx->timer);
		/* Still true, or the IRQ ran after destroy could return. */
		t->probed = !completion_done(&t->peer->done);
	}
	complete(&t->done);
	return 0;
}

static int as_destroy_fn(void *data)
{
	struct as_thread *t = data;

	complete(&t->started);
	as_destroy_now(t->test, t->as);
	complete(&t->done);
	return 0;
}

/*
 * Calls that start while destroy() is in progress get -ESHUTDOWN. The
 * destroyer, a probe and a sleeper share one CPU; the destroyer has the
 * highest priority and the sleeper the lowest, so the probe runs after
 * destroy has started waiting and before the sleeper lets it finish.
 */
static void destroy_refuses_new_calls(struct kunit *test)
{
	struct as_ctx *ctx = test->priv;
	int cpu = cpumask_first(cpu_online_mask);
	struct as_thread *sleeper, *probe, *destroyer;
	struct alertable_sleep *as = as_create(test, 4);
	bool stuck;

	as_timer_setup(test, as_timer_abort_fn);
	sleeper = as_thread_new(test, as_sleeper_fn, as, 0,
				ALERTABLE_SLEEP_INFINITE, cpu);
	wake_up_process(sleeper->task);
	KUNIT_ASSERT_TRUE(test, as_wait_sleeping(sleeper));

	probe = as_thread_new(test, as_probe_fn, as, 1,
			      ALERTABLE_SLEEP_INFINITE, cpu);
	probe->peer = sleeper;
	sched_set_fifo_low(probe->task);
	wake_up_process(probe->task);
	KUNIT_ASSERT_TRUE(test, as_wait_sleeping(probe));

	destroyer = as_thread_new(test, as_destroy_fn, as, 0, 0, cpu);
	sched_set_fifo(destroyer->task);
	as_guard_arm(&sleeper->guard, AS_TEST_WATCHDOG_MS);
	as_guard_arm(&probe->guard, AS_TEST_WATCHDOG_MS);
	wake_up_process(destroyer->task);

	KUNIT_ASSERT_TRUE(test, as_wait_done(destroyer));
	stuck = as_guard_disarm(&sleeper->guard);
	stuck |= as_guard_disarm(&probe->guard);
	KUNIT_EXPECT_FALSE_MSG(test, stuck, "destroy did not end the sleeps");
	KUNIT_ASSERT_TRUE(test, as_wait_done(probe));
	KUNIT_ASSERT_TRUE(test, as_wait_done(sleeper));
	KUNIT_EXPECT_EQ(test, probe->ret, -ESHUTDOWN);
	KUNIT_EXPECT_EQ(test, sleeper->ret, -ESHUTDOWN);
	KUNIT_ASSERT_TRUE_MSG(test, probe->probed,
			      "destroy returned before its last sleeper");
	KUNIT_EXPECT_EQ(test, probe->probe_ret[0], -ESHUTDOWN);
	KUNIT_EXPECT_EQ(test, probe->probe_ret[1], -ESHUTDOWN);
	KUNIT_EXPECT_EQ(test, probe->probe_ret[2], -ESHUTDOWN);
	KUNIT_EXPECT_EQ(test, probe->probe_ret[3], -ESHUTDOWN);
	KUNIT_EXPECT_TRUE_MSG(test, READ_ONCE(ctx->timer_fired),
			      "the hrtimer did not fire within %d ms",
			      AS_TEST_PROMPT_MS);
	KUNIT_EXPECT_TRUE(test, ctx->timer_hardirq);
	KUNIT_EXPECT_EQ(test, ctx->timer_ret, -ESHUTDOWN);
}

/* A device going away destroys its devm instance, ending its sleepers. */
static void devm_unregister(struct kunit *test)
{
	struct alertable_sleep *as;
	struct as_thread *t;
	struct device *dev;
	ktime_t start;
	bool stuck;
	s64 ms;

	dev = as_root_device(test);

	KUNIT_EXPECT_EQ(test, PTR_ERR(devm_alertable_sleep_create(dev, 0)),
			-EINVAL);
	as = devm_alertable_sleep_create(dev, ALERTABLE_SLEEP_MAX_EVENTS + 1);
	KUNIT_EXPECT_EQ(test, PTR_ERR(as), -EINVAL);
	as = devm_alertable_sleep_create(dev, 4);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, as);
	KUNIT_EXPECT_EQ(test, alertable_sleep_event_count(as), 4U);

	t = as_sleeper(test, as, 2, ALERTABLE_SLEEP_INFINITE);
	KUNIT_ASSERT_TRUE_MSG(test, as_wait_sleeping(t),
			      "not asleep, returned %d", t->ret);

	as_guard_arm(&t->guard, AS_TEST_WATCHDOG_MS);
	start = ktime_get();
	kunit_release_action(test, as_device_action, dev);
	ms = as_ms_since(start);
	stuck = as_guard_disarm(&t->guard);
	KUNIT_EXPECT_FALSE_MSG(test, stuck, "unregister did not end the sleep");
	KUNIT_EXPECT_LT(test, ms, AS_TEST_PROMPT_MS);
	KUNIT_ASSERT_TRUE(test, as_wait_done(t));
	KUNIT_EXPECT_EQ(test, t->ret, -ESHUTDOWN);
}

/*
 * Releasing a devres group (a failed probe, a driver's partial teardown)
 * destroys the instance once; the device going away later must not again
 * (KASAN would report the second destroy).
 */
static void devm_group_release(struct kunit *test)
{
	struct alertable_sleep *as;
	struct as_thread *t;
	struct device *dev;
	void *group;
	bool stuck;

	dev = as_root_device(test);

	group = devres_open_group(dev, NULL, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, group);
	as = devm_alertable_sleep_create(dev, 4);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, as);
	devres_close_group(dev, group);

	t = as_sleeper(test, as, 3, AS_TEST_LONG_MS);
	KUNIT_ASSERT_TRUE_MSG(test, as_wait_sleeping(t),
			      "not asleep, returned %d", t->ret);

	as_guard_arm(&t->guard, AS_TEST_WATCHDOG_MS);
	KUNIT_EXPECT_EQ(test, devres_release_group(dev, group), 1);
	stuck = as_guard_disarm(&t->guard);
	KUNIT_EXPECT_FALSE_MSG(test, stuck, "the release did not end the sleep");
	KUNIT_ASSERT_TRUE(test, as_wait_done(t));
	KUNIT_EXPECT_EQ(test, t->ret, -ESHUTDOWN);

	kunit_release_action(test, as_device_action, dev);
}

static struct kunit_case alertable_sleep_lifetime_cases[] = {
	KUNIT_CASE_PARAM(create_bounds, as_create_gen_params),
	KUNIT_CASE(destroy_idle),
	KUNIT_CASE(destroy_ends_sleepers),
	KUNIT_CASE(destroy_waits_for_sleepers),
	KUNIT_CASE(destroy_refuses_new_calls),
	KUNIT_CASE(devm_unregister),
	KUNIT_CASE(devm_group_release),
	{}
};

static struct kunit_suite alertable_sleep_lifetime_suite = {
	.name = "alertable_sleep_lifetime",
	.init = as_test_init,
	.test_cases = alertable_sleep_lifetime_cases,
};

/* ---- suite alertable_sleep_entry: the embeddable form ---- */

/*
 * The contract of an entry as one thread sees it: results, flags, sticky
 * abort, reset, NULL; the same as an index's, without -ESHUTDOWN.
 */
static void entry_contract(struct kunit *test)
{
	struct alertable_sleep_entry e;
	ktime_t start;

	alertable_sleep_entry_init(&e);
	KUNIT_EXPECT_EQ(test, alertable_sleep_entry_sleep(&e, 0), 0);
	KUNIT_EXPECT_EQ(test, alertable_sleep_entry_sleep_until(&e, 0, 0), 0);
	KUNIT_EXPECT_EQ(test, alertable_sleep_entry_sleep_until(&e, 0, BIT(7)),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, alertable_sleep_entry_reset(&e), 0);

	alertable_sleep_entry_abort(&e);
	alertable_sleep_entry_abort(&e);
	start = ktime_get();
	KUNIT_EXPECT_EQ(test, alertable_sleep_entry_sleep(&e, AS_TEST_LONG_MS),
			-ECANCELED);
	KUNIT_EXPECT_EQ(test,
			alertable_sleep_entry_sleep_until(&e, KTIME_MAX,
							  ALERTABLE_SLEEP_KILLABLE),
			-ECANCELED);
	KUNIT_EXPECT_LT(test, as_ms_since(start), AS_TEST_PROMPT_MS);
	/* An unknown flag changes nothing, not even on an aborted entry. */
	KUNIT_EXPECT_EQ(test, alertable_sleep_entry_sleep_until(&e, 0, BIT(7)),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, alertable_sleep_entry_reset(&e), 0);
	KUNIT_EXPECT_EQ(test, alertable_sleep_entry_sleep(&e, 0), 0);

	alertable_sleep_entry_abort(NULL);
	KUNIT_EXPECT_EQ(test, alertable_sleep_entry_reset(NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, alertable_sleep_entry_sleep(NULL, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, alertable_sleep_entry_sleep_until(NULL, 0, 0),
			-EINVAL);
}

/* Defined at file scope, as a driver's static entry would be. */
static DEFINE_ALERTABLE_SLEEP_ENTRY(as_test_defined_entry);

/*
 * The static initializer leaves an entry as alertable_sleep_entry_init()
 * does, idle and not aborted, over memory that held anything before; an
 * initializer is judged by the fields it sets, so they are read here too.
 */
static void entry_initializer(struct kunit *test)
{
	struct alertable_sleep_entry e;
	ktime_t start;

	memset(&e, 0xa5, sizeof(e));
	e = (struct alertable_sleep_entry)ALERTABLE_SLEEP_ENTRY_INIT;
	KUNIT_EXPECT_EQ(test, atomic_long_read(&e.state), 0);
	start = ktime_get();
	KUNIT_EXPECT_EQ(test, alertable_sleep_entry_sleep(&e, 20), 0);
	KUNIT_EXPECT_GE(test, ktime_us_delta(ktime_get(), start), 20000);
	alertable_sleep_entry_abort(&e);
	KUNIT_EXPECT_EQ(test, alertable_sleep_entry_sleep(&e, AS_TEST_LONG_MS),
			-ECANCELED);

	/* Never slept on: idle, and an abort before the first sleep holds. */
	KUNIT_EXPECT_EQ(test, alertable_sleep_entry_sleep(&as_test_defined_entry,
							  0), 0);
	alertable_sleep_entry_abort(&as_test_defined_entry);
	KUNIT_EXPECT_EQ(test,
			alertable_sleep_entry_sleep(&as_test_defined_entry,
						    AS_TEST_LONG_MS),
			-ECANCELED);
	KUNIT_EXPECT_EQ(test, alertable_sleep_entry_reset(&as_test_defined_entry),
			0);
}

/* An entry's timed sleeps run to their end and never return early. */
static void entry_never_early(struct kunit *test)
{
	struct alertable_sleep_entry e;
	ktime_t start, deadline;

	alertable_sleep_entry_init(&e);
	start = ktime_get();
	KUNIT_EXPECT_EQ(test, alertable_sleep_entry_sleep(&e, 20), 0);
	KUNIT_EXPECT_GE(test, ktime_us_delta(ktime_get(), start), 20000);

	deadline = ktime_add_ms(ktime_get(), 30);
	KUNIT_EXPECT_EQ(test,
			alertable_sleep_entry_sleep_until(&e, deadline,
							  ALERTABLE_SLEEP_FREEZABLE),
			0);
	KUNIT_EXPECT_FALSE(test, ktime_before(ktime_get(), deadline));
}

/*
 * While a thread sleeps on an entry, a second sleeper and a reset are
 * refused; an abort under a raw spinlock with IRQs off ends the sleep, and
 * a reset then re-arms the entry.
 */
static void entry_busy_then_abort(struct kunit *test)
{
	struct as_ctx *ctx = test->priv;
	unsigned long flags;
	struct as_thread *t;

	alertable_sleep_entry_init(&ctx->entry);
	t = as_thread_new(test, as_sleeper_fn, NULL, 0, AS_TEST_LONG_MS, -1);
	t->entry = &ctx->entry;
	as_thread_kind(t, AS_ENTRY);
	wake_up_process(t->task);
	KUNIT_ASSERT_TRUE_MSG(test, as_wait_sleeping(t),
			      "not asleep, returned %d", t->ret);

	KUNIT_EXPECT_EQ(test, alertable_sleep_entry_sleep(&ctx->entry, 0),
			-EBUSY);
	KUNIT_EXPECT_TRUE(test, as_still_sleeping(t));

	raw_spin_lock_irqsave(&as_test_raw_lock, flags);
	alertable_sleep_entry_abort(&ctx->entry);
	raw_spin_unlock_irqrestore(&as_test_raw_lock, flags);
	KUNIT_ASSERT_TRUE(test, as_wait_done(t));
	KUNIT_EXPECT_EQ(test, t->ret, -ECANCELED);

	KUNIT_EXPECT_EQ(test, alertable_sleep_entry_reset(&ctx->entry), 0);
	KUNIT_EXPECT_EQ(test, alertable_sleep_entry_sleep(&ctx->entry, 0), 0);
}

/* An abort from a hard-IRQ hrtimer, under a raw spinlock, ends the sleep. */
static void entry_abort_from_hardirq(struct kunit *test)
{
	struct as_ctx *ctx = test->priv;
	ktime_t start;
	int ret;

	alertable_sleep_entry_init(&ctx->entry);
	as_timer_setup(test, as_timer_abort_fn);
	ctx->timer_entry = &ctx->entry;
	hrtimer_start(&ctx->timer, ms_to_ktime(100), HRTIMER_MODE_REL_HARD);
	start = ktime_get();
	ret = alertable_sleep_entry_sleep(&ctx->entry,
					  ALERTABLE_SLEEP_INFINITE);
	hrtimer_cancel(&ctx->timer);

	KUNIT_EXPECT_EQ(test, ret, -ECANCELED);
	KUNIT_EXPECT_LT(test, as_ms_since(start), AS_TEST_PROMPT_MS);
	KUNIT_EXPECT_TRUE(test, READ_ONCE(ctx->timer_fired));
	KUNIT_EXPECT_TRUE_MSG(test, ctx->timer_hardirq,
			      "the callback did not run in hard-IRQ context");
}

static struct kunit_case alertable_sleep_entry_cases[] = {
	KUNIT_CASE(entry_contract),
	KUNIT_CASE(entry_initializer),
	KUNIT_CASE(entry_never_early),
	KUNIT_CASE(entry_busy_then_abort),
	KUNIT_CASE(entry_abort_from_hardirq),
	{}
};

static struct kunit_suite alertable_sleep_entry_suite = {
	.name = "alertable_sleep_entry",
	.init = as_test_init,
	.test_cases = alertable_sleep_entry_cases,
};

kunit_test_suites(&alertable_sleep_suite, &alertable_sleep_contexts_suite,
		  &alertable_sleep_lifetime_suite, &alertable_sleep_entry_suite);

MODULE_DESCRIPTION("KUnit tests for alertable_sleep");
MODULE_LICENSE("GPL");
