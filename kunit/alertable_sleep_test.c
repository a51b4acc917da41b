// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for alertable_sleep: a case, or a parameter of a case, for each
 * line of the contract written in alertable_sleep.c.
 *
 * Sleepers are kthreads. Before a case aborts, signals, stops or destroys, it
 * waits until the sleeper is really inside alertable_sleep_sleep() (claimed
 * and TASK_INTERRUPTIBLE), so that results never depend on who ran first.
 * Time is only checked against wide bounds ("an aborted 10 s sleep ended in
 * under 2 s") and against the never-early rule, which must hold exactly.
 *
 * Everything a case starts (threads, timers, instances, a device) is recorded
 * in its context and undone by .exit, so a failed assertion leaks and hangs
 * nothing. If the contract broke so that a sleep never ended, a watchdog
 * (armed for the whole case, and tighter around kthread_stop() and destroy)
 * aborts the case's instance and signals its threads, so that the case
 * fails instead of hanging the whole run.
 */
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
#include <linux/list.h>
#include <linux/module.h>
#include <linux/mutex.h>
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
/* When the watchdog gives up on a blocking call and signals the sleepers. */
#define AS_TEST_WATCHDOG_MS	5000
/* ... and on a whole case: far longer than any case runs. */
#define AS_TEST_CASE_MS		30000
/* Instances a case may create besides the one from .init. */
#define AS_TEST_OWNED		2
/* Threads and indices of the random stress case, and how long it runs. */
#define AS_STRESS_SLEEPERS	4
#define AS_STRESS_ABORTERS	2
#define AS_STRESS_INDICES	3U
#define AS_STRESS_MS		2000

struct as_ctx;

/* A kthread of a case, with what it saw. */
struct as_thread {
	struct list_head node;
	struct as_ctx *ctx;
	struct task_struct *task;
	struct alertable_sleep *as;
	unsigned int index;
	unsigned int msecs;
	int sig;		/* a signal to allow besides SIGUSR2, or 0 */
	struct as_thread *peer;	/* a sleeper this thread checks on */
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
	struct alertable_sleep *owned[AS_TEST_OWNED];
	struct device *dev;
	struct alertable_sleep *dev_as;	/* devm instance of @dev, if alive */

	struct mutex lock;	/* guards threads against the watchdog */
	struct list_head threads;
	struct delayed_work watchdog;
	bool watchdog_fired;

	/* A hard-IRQ hrtimer that aborts, and what its callback saw. */
	struct hrtimer timer;
	struct alertable_sleep *timer_as;
	bool timer_all;
	unsigned int timer_index;
	int timer_ret;
	bool timer_hardirq;
	bool timer_fired;

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

static s64 as_ms_since(ktime_t start)
{
	return ktime_ms_delta(ktime_get(), start);
}

/*
 * The watchdog: end every sleep of the case. It aborts only the instance
 * from .init, which lives until .exit; one that the case destroys could be
 * gone by the time the watchdog fires, so its sleepers get a signal only.
 */
static void as_watchdog_fn(struct work_struct *work)
{
	struct as_ctx *ctx = container_of(to_delayed_work(work),
					  struct as_ctx, watchdog);
	struct as_thread *t;

	WRITE_ONCE(ctx->watchdog_fired, true);
	alertable_sleep_abort_all(ctx->as);
	mutex_lock(&ctx->lock);
	list_for_each_entry(t, &ctx->threads, node)
		if (!completion_done(&t->done))
			send_sig(SIGUSR2, t->task, 1);
	mutex_unlock(&ctx->lock);
}

static void as_watchdog_arm(struct as_ctx *ctx, unsigned int msecs)
{
	mod_delayed_work(system_wq, &ctx->watchdog, msecs_to_jiffies(msecs));
}

/* Returns true if the watchdog had to step in since it was armed. */
static bool as_watchdog_disarm(struct as_ctx *ctx)
{
	cancel_delayed_work_sync(&ctx->watchdog);
	return READ_ONCE(ctx->watchdog_fired);
}

/* Sleep once on t->index and record the outcome. */
static int as_sleeper_fn(void *data)
{
	struct as_thread *t = data;

	allow_signal(SIGUSR2);
	if (t->sig)
		allow_signal(t->sig);
	complete(&t->started);
	t->start = ktime_get();
	t->ret = alertable_sleep_sleep(t->as, t->index, t->msecs);
	t->end = ktime_get();
	complete(&t->done);
	return t->ret;
}

/*
 * Create a thread running @fn, not yet woken, bound to @cpu unless it is
 * negative. The task is pinned until .exit, so it can be stopped, signalled
 * and inspected whether or not it has already returned.
 */
static struct as_thread *as_thread_new(struct kunit *test,
				       int (*fn)(void *),
				       struct alertable_sleep *as,
				       unsigned int index, unsigned int msecs,
				       int cpu)
{
	struct as_ctx *ctx = test->priv;
	struct task_struct *task;
	struct as_thread *t;

	t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, t);
	t->ctx = ctx;
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

	mutex_lock(&ctx->lock);
	list_add_tail(&t->node, &ctx->threads);
	mutex_unlock(&ctx->lock);
	return t;
}

static struct as_thread *as_sleeper(struct kunit *test,
				    struct alertable_sleep *as,
				    unsigned int index, unsigned int msecs)
{
	struct as_thread *t = as_thread_new(test, as_sleeper_fn, as, index,
					    msecs, -1);

	wake_up_process(t->task);
	return t;
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
 * Wait until @t sleeps inside alertable_sleep_sleep(): past its claim of the
 * index and blocked interruptibly. Nothing else in these threads blocks
 * interruptibly after @started, so the task state tells.
 */
static bool as_wait_sleeping(struct as_thread *t)
{
	unsigned long end = jiffies + msecs_to_jiffies(AS_TEST_WATCHDOG_MS);

	if (!wait_for_completion_timeout(&t->started,
					 msecs_to_jiffies(AS_TEST_PROMPT_MS)))
		return false;
	while (READ_ONCE(t->task->__state) != TASK_INTERRUPTIBLE) {
		if (completion_done(&t->done) || time_after(jiffies, end))
			return false;
		usleep_range(500, 1000);
	}
	return !completion_done(&t->done);
}

static bool as_wait_done(struct as_thread *t)
{
	return wait_for_completion_timeout(&t->done,
					   msecs_to_jiffies(AS_TEST_PROMPT_MS));
}

/* Create an instance that .exit destroys if the case does not. */
static struct alertable_sleep *as_create_owned(struct kunit *test,
					       unsigned int event_count)
{
	struct as_ctx *ctx = test->priv;
	struct alertable_sleep *as;
	int i;

	as = alertable_sleep_create(event_count);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, as);
	for (i = 0; i < AS_TEST_OWNED; i++) {
		if (!ctx->owned[i]) {
			ctx->owned[i] = as;
			return as;
		}
	}
	alertable_sleep_destroy(as);
	KUNIT_FAIL(test, "more than %d instances in one case", AS_TEST_OWNED);
	return NULL;
}

/* The case takes over @as (to destroy it itself): .exit must not. */
static void as_disown(struct kunit *test, struct alertable_sleep *as)
{
	struct as_ctx *ctx = test->priv;
	int i;

	for (i = 0; i < AS_TEST_OWNED; i++)
		if (ctx->owned[i] == as)
			ctx->owned[i] = NULL;
}

static int as_test_init(struct kunit *test)
{
	struct as_ctx *ctx;

	ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	if (!ctx)
		return -ENOMEM;
	ctx->test = test;
	mutex_init(&ctx->lock);
	INIT_LIST_HEAD(&ctx->threads);
	INIT_DELAYED_WORK(&ctx->watchdog, as_watchdog_fn);
	hrtimer_init(&ctx->timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_HARD);
	test->priv = ctx;

	ctx->as = alertable_sleep_create(AS_TEST_EVENTS);
	if (IS_ERR(ctx->as))
		return PTR_ERR(ctx->as);
	as_watchdog_arm(ctx, AS_TEST_CASE_MS);
	return 0;
}

/*
 * Runs even when an assertion ended the case: stop the aborters, wake and
 * stop every thread, then free what is left. abort_all() and destroy()
 * ignore the NULL and error pointers that a failed init may have left.
 */
static void as_test_exit(struct kunit *test)
{
	struct as_ctx *ctx = test->priv;
	struct as_thread *t;
	int i;

	if (!ctx)
		return;

	cancel_delayed_work_sync(&ctx->watchdog);
	hrtimer_cancel(&ctx->timer);
	alertable_sleep_abort_all(ctx->as);
	for (i = 0; i < AS_TEST_OWNED; i++)
		alertable_sleep_abort_all(ctx->owned[i]);
	alertable_sleep_abort_all(ctx->dev_as);

	as_watchdog_arm(ctx, AS_TEST_WATCHDOG_MS);
	list_for_each_entry(t, &ctx->threads, node)
		as_thread_stop(t);
	KUNIT_EXPECT_FALSE_MSG(test, as_watchdog_disarm(ctx),
			       "the watchdog had to end a sleep");
	list_for_each_entry(t, &ctx->threads, node)
		put_task_struct(t->task);

	if (ctx->dev)
		root_device_unregister(ctx->dev);
	for (i = 0; i < AS_TEST_OWNED; i++)
		alertable_sleep_destroy(ctx->owned[i]);
	alertable_sleep_destroy(ctx->as);
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
	KUNIT_EXPECT_LT(test, as_ms_since(start), AS_TEST_PROMPT_MS);
	KUNIT_EXPECT_EQ(test, alertable_sleep_abort(as, index), -EINVAL);
	KUNIT_EXPECT_EQ(test, alertable_sleep_reset_for_reuse(as, index),
			-EINVAL);

	/* A refused abort must not have landed on a real index. */
	for (i = 0; i < AS_TEST_EVENTS; i++)
		KUNIT_EXPECT_EQ_MSG(test, alertable_sleep_sleep(ctx->as, i, 0), 0,
				    "index %u", i);
}

/* NULL and error pointers: count 0, abort_all() and destroy() ignore them. */
static void null_instance(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, alertable_sleep_event_count(NULL), 0U);
	KUNIT_EXPECT_EQ(test, alertable_sleep_event_count(ERR_PTR(-EINVAL)),
			0U);
	KUNIT_EXPECT_EQ(test, alertable_sleep_event_count(ERR_PTR(-ENOMEM)),
			0U);
	/* Reaching the end without an oops or KASAN report is the check. */
	alertable_sleep_abort_all(NULL);
	alertable_sleep_abort_all(ERR_PTR(-ENOMEM));
	alertable_sleep_destroy(NULL);
	alertable_sleep_destroy(ERR_PTR(-EINVAL));
}

static void sleep_zero(struct kunit *test)
{
	struct as_ctx *ctx = test->priv;
	ktime_t start = ktime_get();

	KUNIT_EXPECT_EQ(test, alertable_sleep_sleep(ctx->as, 0, 0), 0);
	KUNIT_EXPECT_EQ(test, alertable_sleep_sleep(ctx->as, 0, 0), 0);
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
}

/*
 * 0 only once the whole delay elapsed by ktime_get(): many short sleeps, on
 * and around jiffy boundaries and at random, none may return early.
 */
static void never_early(struct kunit *test)
{
	static const unsigned int fixed[] = { 1, 2, 9, 10, 11, 19, 20 };
	struct as_ctx *ctx = test->priv;
	unsigned int i, msecs;

	for (i = 0; i < 50; i++) {
		ktime_t start;
		s64 ns;
		int ret;

		msecs = i < ARRAY_SIZE(fixed) ? fixed[i] :
			1 + get_random_u32_below(20);
		start = ktime_get();
		ret = alertable_sleep_sleep(ctx->as, 2, msecs);
		ns = ktime_to_ns(ktime_sub(ktime_get(), start));
		KUNIT_EXPECT_EQ_MSG(test, ret, 0, "sleep %u of %u ms", i,
				    msecs);
		KUNIT_EXPECT_GE_MSG(test, ns, (s64)msecs * NSEC_PER_MSEC,
				    "sleep %u of %u ms returned %d early",
				    i, msecs, ret);
	}
}

struct as_msecs_param {
	const char *desc;
	unsigned int msecs;
};

static const struct as_msecs_param as_abort_first_params[] = {
	{ "0 ms", 0 },
	{ "1 ms", 1 },
	{ "10 s", AS_TEST_LONG_MS },
	{ "UINT_MAX-1 ms", UINT_MAX - 1 },
	{ "INFINITE", ALERTABLE_SLEEP_INFINITE },
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
	ktime_t start;

	KUNIT_EXPECT_EQ(test, alertable_sleep_abort(ctx->as, 3), 0);
	start = ktime_get();
	KUNIT_EXPECT_EQ(test, alertable_sleep_sleep(ctx->as, 3, p->msecs),
			-ECANCELED);
	KUNIT_EXPECT_LT(test, as_ms_since(start), AS_TEST_PROMPT_MS);
	/* Other indices are not affected. */
	KUNIT_EXPECT_EQ(test, alertable_sleep_sleep(ctx->as, 4, 0), 0);
}

/* Sticky and idempotent, and callable with a spinlock held, IRQs off. */
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
	int ret;

	spin_lock_irqsave(&as_test_lock, flags);
	ret = alertable_sleep_abort(ctx->as, 5);
	spin_unlock_irqrestore(&as_test_lock, flags);
	KUNIT_EXPECT_EQ(test, ret, 0);

	start = ktime_get();
	for (i = 0; i < ARRAY_SIZE(msecs); i++)
		KUNIT_EXPECT_EQ_MSG(test, alertable_sleep_sleep(ctx->as, 5,
								msecs[i]),
				    -ECANCELED, "sleep of %u ms", msecs[i]);
	KUNIT_EXPECT_EQ(test, alertable_sleep_abort(ctx->as, 5), 0);
	KUNIT_EXPECT_EQ(test, alertable_sleep_abort(ctx->as, 5), 0);
	KUNIT_EXPECT_EQ(test, alertable_sleep_sleep(ctx->as, 5, 0), -ECANCELED);
	KUNIT_EXPECT_LT(test, as_ms_since(start), AS_TEST_PROMPT_MS);

	/* One reset undoes any number of aborts. */
	KUNIT_EXPECT_EQ(test, alertable_sleep_reset_for_reuse(ctx->as, 5), 0);
	KUNIT_EXPECT_EQ(test, alertable_sleep_sleep(ctx->as, 5, 1), 0);
}

static const struct as_msecs_param as_abort_wakes_params[] = {
	{ "10 s", AS_TEST_LONG_MS },
	{ "UINT_MAX/2 ms", UINT_MAX / 2 },
	{ "UINT_MAX-1 ms", UINT_MAX - 1 },
	{ "INFINITE", ALERTABLE_SLEEP_INFINITE },
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

	t = as_sleeper(test, ctx->as, 6, p->msecs);
	KUNIT_ASSERT_TRUE_MSG(test, as_wait_sleeping(t),
			      "not asleep, returned %d", t->ret);
	msleep(200);
	KUNIT_EXPECT_FALSE_MSG(test, completion_done(&t->done),
			       "ended by itself within 200 ms with %d", t->ret);

	start = ktime_get();
	KUNIT_EXPECT_EQ(test, alertable_sleep_abort(ctx->as, 6), 0);
	KUNIT_ASSERT_TRUE(test, as_wait_done(t));
	KUNIT_EXPECT_EQ(test, t->ret, -ECANCELED);
	KUNIT_EXPECT_LT(test, ktime_ms_delta(t->end, start), AS_TEST_PROMPT_MS);
	KUNIT_EXPECT_EQ(test, alertable_sleep_sleep(ctx->as, 6, 0), -ECANCELED);
}

static void reset_clears_abort(struct kunit *test)
{
	struct as_ctx *ctx = test->priv;
	ktime_t start;

	/* Resetting an index that was never aborted changes nothing. */
	KUNIT_EXPECT_EQ(test, alertable_sleep_reset_for_reuse(ctx->as, 7), 0);
	KUNIT_EXPECT_EQ(test, alertable_sleep_sleep(ctx->as, 7, 0), 0);

	KUNIT_EXPECT_EQ(test, alertable_sleep_abort(ctx->as, 7), 0);
	KUNIT_EXPECT_EQ(test, alertable_sleep_sleep(ctx->as, 7, 0), -ECANCELED);
	KUNIT_EXPECT_EQ(test, alertable_sleep_sleep(ctx->as, 8, 0), 0);
	KUNIT_EXPECT_EQ(test, alertable_sleep_reset_for_reuse(ctx->as, 7), 0);
	start = ktime_get();
	KUNIT_EXPECT_EQ(test, alertable_sleep_sleep(ctx->as, 7, 20), 0);
	KUNIT_EXPECT_GE(test, as_ms_since(start), 20);
	/* Aborted again after a reset, it is sticky again. */
	KUNIT_EXPECT_EQ(test, alertable_sleep_abort(ctx->as, 7), 0);
	KUNIT_EXPECT_EQ(test, alertable_sleep_sleep(ctx->as, 7, 20), -ECANCELED);
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
	struct as_abort_reset ar = { .as = ctx->as, .index = 9 };
	struct as_thread *t;

	t = as_thread_new(test, as_sleeper_fn, ctx->as, 9, AS_TEST_LONG_MS,
			  cpu);
	wake_up_process(t->task);
	KUNIT_ASSERT_TRUE_MSG(test, as_wait_sleeping(t),
			      "not asleep, returned %d", t->ret);

	KUNIT_EXPECT_EQ(test, alertable_sleep_reset_for_reuse(ctx->as, 9),
			-EBUSY);
	msleep(50);
	KUNIT_EXPECT_FALSE_MSG(test, completion_done(&t->done),
			       "a refused reset ended the sleep with %d",
			       t->ret);

	KUNIT_ASSERT_EQ(test, smp_call_function_single(cpu, as_abort_then_reset,
						       &ar, 1), 0);
	KUNIT_EXPECT_EQ(test, ar.abort_ret, 0);
	KUNIT_EXPECT_EQ(test, ar.reset_ret, -EBUSY);
	KUNIT_ASSERT_TRUE(test, as_wait_done(t));
	KUNIT_EXPECT_EQ(test, t->ret, -ECANCELED);
	KUNIT_EXPECT_EQ(test, alertable_sleep_sleep(ctx->as, 9, 0), -ECANCELED);
	/* With the sleeper gone, the reset is accepted. */
	KUNIT_EXPECT_EQ(test, alertable_sleep_reset_for_reuse(ctx->as, 9), 0);
	KUNIT_EXPECT_EQ(test, alertable_sleep_sleep(ctx->as, 9, 1), 0);
}

/*
 * A second sleeper on an index gets -EBUSY at once, and the first sleeper is
 * not disturbed: it keeps the index, sleeps its whole delay and returns 0.
 * Its delay only has to outlast the refusals, even on a slow debug kernel.
 */
#define AS_TEST_FIRST_MS	2000
static void second_sleeper_busy(struct kunit *test)
{
	struct as_ctx *ctx = test->priv;
	struct as_thread *first, *second;
	unsigned long timeout;
	ktime_t start;

	first = as_sleeper(test, ctx->as, 10, AS_TEST_FIRST_MS);
	KUNIT_ASSERT_TRUE_MSG(test, as_wait_sleeping(first),
			      "not asleep, returned %d", first->ret);

	start = ktime_get();
	KUNIT_EXPECT_EQ(test, alertable_sleep_sleep(ctx->as, 10,
						    AS_TEST_LONG_MS), -EBUSY);
	KUNIT_EXPECT_EQ(test, alertable_sleep_sleep(ctx->as, 10,
						    ALERTABLE_SLEEP_INFINITE),
			-EBUSY);
	KUNIT_EXPECT_EQ(test, alertable_sleep_sleep(ctx->as, 10, 0), -EBUSY);
	KUNIT_EXPECT_LT(test, as_ms_since(start), AS_TEST_PROMPT_MS);

	second = as_sleeper(test, ctx->as, 10, AS_TEST_LONG_MS);
	KUNIT_ASSERT_TRUE(test, as_wait_done(second));
	KUNIT_EXPECT_EQ(test, second->ret, -EBUSY);
	/* Other indices are free. */
	KUNIT_EXPECT_EQ(test, alertable_sleep_sleep(ctx->as, 11, 1), 0);

	/* The refusals left the index to the first sleeper. */
	KUNIT_EXPECT_EQ(test, alertable_sleep_reset_for_reuse(ctx->as, 10),
			-EBUSY);
	KUNIT_EXPECT_FALSE_MSG(test, completion_done(&first->done),
			       "the first sleeper ended early with %d",
			       first->ret);
	timeout = msecs_to_jiffies(AS_TEST_FIRST_MS + AS_TEST_PROMPT_MS);
	KUNIT_ASSERT_TRUE(test,
			  wait_for_completion_timeout(&first->done, timeout));
	KUNIT_EXPECT_EQ(test, first->ret, 0);
	KUNIT_EXPECT_GE(test, ktime_ms_delta(first->end, first->start),
			AS_TEST_FIRST_MS);
}

static struct kunit_case alertable_sleep_cases[] = {
	KUNIT_CASE_PARAM(invalid_args, as_bad_gen_params),
	KUNIT_CASE(null_instance),
	KUNIT_CASE(sleep_zero),
	KUNIT_CASE(sleep_times_out),
	KUNIT_CASE(never_early),
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
	.exit = as_test_exit,
	.test_cases = alertable_sleep_cases,
};

/* ---- suite alertable_sleep_contexts: IRQs, signals, kthreads ---- */

static enum hrtimer_restart as_timer_abort_fn(struct hrtimer *timer)
{
	struct as_ctx *ctx = container_of(timer, struct as_ctx, timer);

	ctx->timer_hardirq = in_hardirq();
	if (ctx->timer_all) {
		alertable_sleep_abort_all(ctx->timer_as);
		ctx->timer_ret = 0;
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

	ctx->timer.function = as_timer_abort_fn;
	ctx->timer_as = ctx->as;
	ctx->timer_all = p->all;
	ctx->timer_index = 12;
	hrtimer_start(&ctx->timer, ms_to_ktime(100), HRTIMER_MODE_REL_HARD);
	start = ktime_get();
	ret = alertable_sleep_sleep(ctx->as, 12, p->msecs);
	hrtimer_cancel(&ctx->timer);

	KUNIT_EXPECT_EQ(test, ret, -ECANCELED);
	KUNIT_EXPECT_LT(test, as_ms_since(start), AS_TEST_PROMPT_MS);
	KUNIT_EXPECT_TRUE(test, READ_ONCE(ctx->timer_fired));
	KUNIT_EXPECT_TRUE_MSG(test, ctx->timer_hardirq,
			      "the callback did not run in hard-IRQ context");
	KUNIT_EXPECT_EQ(test, ctx->timer_ret, 0);
	KUNIT_EXPECT_EQ(test, alertable_sleep_sleep(ctx->as, 12, 0),
			-ECANCELED);
	KUNIT_EXPECT_EQ(test, alertable_sleep_sleep(ctx->as, 13, 0),
			p->all ? -ECANCELED : 0);
}

/* abort_all() ends 16 sleepers on 16 indices and marks every index. */
static void abort_all_many_sleepers(struct kunit *test)
{
	struct as_ctx *ctx = test->priv;
	struct as_thread *t[16];
	unsigned long flags;
	unsigned int i;
	ktime_t start;

	for (i = 0; i < ARRAY_SIZE(t); i++)
		t[i] = as_sleeper(test, ctx->as, i, i % 2 ? AS_TEST_LONG_MS :
				  ALERTABLE_SLEEP_INFINITE);
	for (i = 0; i < ARRAY_SIZE(t); i++) {
		KUNIT_ASSERT_TRUE_MSG(test, as_wait_sleeping(t[i]),
				      "sleeper %u not asleep, returned %d",
				      i, t[i]->ret);
		KUNIT_EXPECT_EQ(test,
				alertable_sleep_reset_for_reuse(ctx->as, i),
				-EBUSY);
	}

	start = ktime_get();
	spin_lock_irqsave(&as_test_lock, flags);
	alertable_sleep_abort_all(ctx->as);
	spin_unlock_irqrestore(&as_test_lock, flags);

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
};

static const struct as_sig_param as_sig_params[] = {
	{ "SIGUSR1, 10 s sleep", SIGUSR1, AS_TEST_LONG_MS },
	{ "SIGUSR1, INFINITE sleep", SIGUSR1, ALERTABLE_SLEEP_INFINITE },
	{ "SIGKILL, 10 s sleep", SIGKILL, AS_TEST_LONG_MS },
	{ "SIGKILL, INFINITE sleep", SIGKILL, ALERTABLE_SLEEP_INFINITE },
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

	t = as_thread_new(test, as_sleeper_fn, ctx->as, 14, p->msecs, -1);
	t->sig = p->sig;
	wake_up_process(t->task);
	KUNIT_ASSERT_TRUE_MSG(test, as_wait_sleeping(t),
			      "not asleep, returned %d", t->ret);

	start = ktime_get();
	KUNIT_EXPECT_EQ(test, send_sig(p->sig, t->task, 1), 0);
	KUNIT_ASSERT_TRUE(test, as_wait_done(t));
	KUNIT_EXPECT_EQ(test, t->ret, -ERESTARTSYS);
	KUNIT_EXPECT_LT(test, ktime_ms_delta(t->end, start), AS_TEST_PROMPT_MS);

	/* Neither aborted nor left owned. */
	KUNIT_EXPECT_EQ(test, alertable_sleep_reset_for_reuse(ctx->as, 14), 0);
	start = ktime_get();
	KUNIT_EXPECT_EQ(test, alertable_sleep_sleep(ctx->as, 14, 10), 0);
	KUNIT_EXPECT_GE(test, as_ms_since(start), 10);
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

/* Run on the sleeper's CPU with IRQs off: both land before it runs. */
static void as_abort_and_signal(void *data)
{
	struct as_thread *t = data;

	t->probe_ret[2] = alertable_sleep_abort(t->as, t->index);
	t->probe_ret[3] = send_sig(SIGUSR1, t->task, 1);
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
	struct as_thread *t;

	t = as_thread_new(test, as_sleep_thrice_fn, ctx->as, 17,
			  AS_TEST_LONG_MS, cpu);
	wake_up_process(t->task);
	KUNIT_ASSERT_TRUE_MSG(test, as_wait_sleeping(t),
			      "not asleep, returned %d", t->ret);

	KUNIT_ASSERT_EQ(test, smp_call_function_single(cpu, as_abort_and_signal,
						       t, 1), 0);
	KUNIT_EXPECT_EQ(test, t->probe_ret[2], 0);
	KUNIT_EXPECT_EQ(test, t->probe_ret[3], 0);
	KUNIT_ASSERT_TRUE(test, as_wait_done(t));
	KUNIT_EXPECT_EQ(test, t->ret, -ECANCELED);
	KUNIT_EXPECT_EQ(test, t->probe_ret[0], -ECANCELED);
	KUNIT_EXPECT_EQ(test, t->probe_ret[1], -ERESTARTSYS);
	KUNIT_EXPECT_LT(test, ktime_ms_delta(t->end, t->start),
			AS_TEST_PROMPT_MS);
	/* The interrupted sleep left its index free and not aborted. */
	KUNIT_EXPECT_EQ(test, alertable_sleep_sleep(ctx->as, 18, 1), 0);
}

static const struct as_msecs_param as_stop_params[] = {
	{ "10 s", AS_TEST_LONG_MS },
	{ "INFINITE", ALERTABLE_SLEEP_INFINITE },
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

	t = as_sleeper(test, ctx->as, 15, p->msecs);
	KUNIT_ASSERT_TRUE_MSG(test, as_wait_sleeping(t),
			      "not asleep, returned %d", t->ret);

	as_watchdog_arm(ctx, AS_TEST_WATCHDOG_MS);
	start = ktime_get();
	ret = as_thread_stop(t);
	ms = as_ms_since(start);
	KUNIT_EXPECT_FALSE_MSG(test, as_watchdog_disarm(ctx),
			       "kthread_stop() did not end the sleep");

	KUNIT_EXPECT_EQ(test, ret, -ERESTARTSYS);
	KUNIT_EXPECT_TRUE(test, completion_done(&t->done));
	KUNIT_EXPECT_EQ(test, t->ret, -ERESTARTSYS);
	KUNIT_EXPECT_LT(test, ms, AS_TEST_PROMPT_MS);
	KUNIT_EXPECT_EQ(test, alertable_sleep_sleep(ctx->as, 15, 10), 0);
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

/*
 * Every return is a documented code, no 0 comes early, every thread stops
 * promptly, and no index is left owned. The counts must show that each
 * outcome happened, or the stress did not stress anything.
 */
static void random_stress(struct kunit *test)
{
	struct as_ctx *ctx = test->priv;
	struct as_thread *t;
	unsigned int i;
	ktime_t start;
	s64 ms;

	ctx->timer.function = as_timer_stress_fn;
	hrtimer_start(&ctx->timer, ms_to_ktime(1), HRTIMER_MODE_REL_HARD);
	for (i = 0; i < AS_STRESS_SLEEPERS; i++)
		wake_up_process(as_thread_new(test, as_stress_sleeper_fn,
					      ctx->as, i, 0, -1)->task);
	for (i = 0; i < AS_STRESS_ABORTERS; i++)
		wake_up_process(as_thread_new(test, as_stress_aborter_fn,
					      ctx->as, i, 0, -1)->task);
	wake_up_process(as_thread_new(test, as_stress_resetter_fn, ctx->as,
				      0, 0, -1)->task);

	msleep(AS_STRESS_MS);

	as_watchdog_arm(ctx, AS_TEST_WATCHDOG_MS);
	start = ktime_get();
	hrtimer_cancel(&ctx->timer);
	list_for_each_entry(t, &ctx->threads, node)
		as_thread_stop(t);
	ms = as_ms_since(start);
	KUNIT_EXPECT_FALSE_MSG(test, as_watchdog_disarm(ctx),
			       "a stress thread did not stop");
	KUNIT_EXPECT_LT(test, ms, AS_TEST_PROMPT_MS);

	kunit_info(test,
		   "sleeps: %d ok, %d canceled, %d busy, %d stopped; resets: %d ok, %d busy; IRQ aborts: %d\n",
		   atomic_read(&ctx->st_ok), atomic_read(&ctx->st_canceled),
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
	KUNIT_CASE_PARAM(kthread_stop_ends_sleep, as_stop_gen_params),
	KUNIT_CASE(abort_and_signal_together),
	KUNIT_CASE(random_stress),
	{}
};

static struct kunit_suite alertable_sleep_contexts_suite = {
	.name = "alertable_sleep_contexts",
	.init = as_test_init,
	.exit = as_test_exit,
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
	struct as_ctx *ctx = test->priv;
	struct alertable_sleep *as;
	unsigned int last;

	as = alertable_sleep_create(p->count);
	KUNIT_EXPECT_NOT_NULL(test, as);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(as), p->err);
	if (IS_ERR_OR_NULL(as))
		return;
	ctx->owned[0] = as;

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

/* The module-wide instance exists, with the default eventcount of 8. */
static void default_instance(struct kunit *test)
{
	struct alertable_sleep *as = alertable_sleep_default();

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, as);
	KUNIT_EXPECT_PTR_EQ(test, alertable_sleep_default(), as);
	KUNIT_EXPECT_EQ(test, alertable_sleep_event_count(as), 8U);
	KUNIT_EXPECT_EQ(test, alertable_sleep_sleep(as, 7, 0), 0);
	KUNIT_EXPECT_EQ(test, alertable_sleep_sleep(as, 8, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, alertable_sleep_abort(as, 8), -EINVAL);
}

static void destroy_idle(struct kunit *test)
{
	struct alertable_sleep *as = as_create_owned(test, 4);
	ktime_t start;

	KUNIT_EXPECT_EQ(test, alertable_sleep_sleep(as, 0, 1), 0);
	KUNIT_EXPECT_EQ(test, alertable_sleep_abort(as, 1), 0);
	as_disown(test, as);
	start = ktime_get();
	alertable_sleep_destroy(as);
	KUNIT_EXPECT_LT(test, as_ms_since(start), AS_TEST_PROMPT_MS);
}

/*
 * Whether destroy() returning can be seen to follow its sleepers' return:
 * on one CPU without preemption a woken sleeper runs to its return before
 * the destroyer, which it woke, can run again. Elsewhere the window between
 * a sleeper's release of the index and its return is real and allowed; the
 * memory checkers catch a destroy that frees too early.
 */
static bool as_return_order_visible(void)
{
	return !IS_ENABLED(CONFIG_SMP) && !IS_ENABLED(CONFIG_PREEMPTION);
}

/* destroy() ends every sleeper with -ESHUTDOWN and waits for them. */
static void destroy_ends_sleepers(struct kunit *test)
{
	struct as_ctx *ctx = test->priv;
	struct alertable_sleep *as = as_create_owned(test, 8);
	struct as_thread *t[8];
	unsigned int i;
	bool stuck;
	ktime_t start;
	s64 ms;

	for (i = 0; i < ARRAY_SIZE(t); i++)
		t[i] = as_sleeper(test, as, i, i % 2 ? AS_TEST_LONG_MS :
				  ALERTABLE_SLEEP_INFINITE);
	for (i = 0; i < ARRAY_SIZE(t); i++)
		KUNIT_ASSERT_TRUE_MSG(test, as_wait_sleeping(t[i]),
				      "sleeper %u not asleep, returned %d",
				      i, t[i]->ret);

	as_disown(test, as);
	as_watchdog_arm(ctx, AS_TEST_WATCHDOG_MS);
	start = ktime_get();
	alertable_sleep_destroy(as);
	ms = as_ms_since(start);
	if (as_return_order_visible())
		for (i = 0; i < ARRAY_SIZE(t); i++)
			KUNIT_EXPECT_TRUE_MSG(test,
					      completion_done(&t[i]->done),
					      "destroy returned before sleeper %u",
					      i);
	stuck = as_watchdog_disarm(ctx);
	KUNIT_EXPECT_FALSE_MSG(test, stuck, "destroy did not end the sleeps");
	KUNIT_EXPECT_LT(test, ms, AS_TEST_PROMPT_MS);
	for (i = 0; i < ARRAY_SIZE(t); i++) {
		KUNIT_ASSERT_TRUE(test, as_wait_done(t[i]));
		KUNIT_EXPECT_EQ_MSG(test, t[i]->ret, -ESHUTDOWN, "sleeper %u",
				    i);
	}
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

		ctx->timer.function = as_timer_abort_fn;
		ctx->timer_as = t->as;
		ctx->timer_all = false;
		ctx->timer_index = other;
		hrtimer_start(&ctx->timer, ms_to_ktime(2),
			      HRTIMER_MODE_REL_HARD);
		/* Spin, not sleep: @peer must not run before the IRQ. */
		mdelay(30);
		hrtimer_cancel(&ctx->timer);
		/* Still true, or the IRQ ran after destroy could return. */
		t->probed = !completion_done(&t->peer->done);
	}
	complete(&t->done);
	return 0;
}

static int as_destroyer_fn(void *data)
{
	struct as_thread *t = data;

	complete(&t->started);
	alertable_sleep_destroy(t->as);
	t->end = ktime_get();
	t->probed = completion_done(&t->peer->done);
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
	struct alertable_sleep *as = as_create_owned(test, 4);
	bool stuck;

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

	destroyer = as_thread_new(test, as_destroyer_fn, as, 0, 0, cpu);
	destroyer->peer = sleeper;
	sched_set_fifo(destroyer->task);
	as_disown(test, as);
	as_watchdog_arm(ctx, AS_TEST_WATCHDOG_MS);
	wake_up_process(destroyer->task);

	KUNIT_ASSERT_TRUE(test, as_wait_done(destroyer));
	stuck = as_watchdog_disarm(ctx);
	KUNIT_EXPECT_FALSE_MSG(test, stuck, "destroy did not end the sleeps");
	KUNIT_ASSERT_TRUE(test, as_wait_done(probe));
	KUNIT_ASSERT_TRUE(test, as_wait_done(sleeper));
	if (as_return_order_visible())
		KUNIT_EXPECT_TRUE_MSG(test, destroyer->probed,
				      "destroy returned before the sleeper");
	KUNIT_EXPECT_EQ(test, probe->ret, -ESHUTDOWN);
	KUNIT_EXPECT_EQ(test, sleeper->ret, -ESHUTDOWN);
	KUNIT_ASSERT_TRUE_MSG(test, probe->probed,
			      "destroy returned before its last sleeper");
	KUNIT_EXPECT_EQ(test, probe->probe_ret[0], -ESHUTDOWN);
	KUNIT_EXPECT_EQ(test, probe->probe_ret[1], -ESHUTDOWN);
	KUNIT_EXPECT_EQ(test, probe->probe_ret[2], -ESHUTDOWN);
	KUNIT_EXPECT_EQ(test, probe->probe_ret[3], -ESHUTDOWN);
	KUNIT_EXPECT_TRUE_MSG(test, READ_ONCE(ctx->timer_fired),
			      "the hrtimer did not fire within 30 ms");
	KUNIT_EXPECT_TRUE(test, ctx->timer_hardirq);
	KUNIT_EXPECT_EQ(test, ctx->timer_ret, -ESHUTDOWN);
}

/*
 * A device for the devm cases, unregistered by .exit if the case does not.
 * Not root_device_register(): with THIS_MODULE as owner it links the device
 * to the module's sysfs directory, which does not exist yet when KUnit runs
 * a module's suites (at MODULE_STATE_COMING), and fails with -ENOENT.
 */
static struct device *as_root_device(struct kunit *test)
{
	struct as_ctx *ctx = test->priv;
	struct device *dev;

	dev = __root_device_register("alertable_sleep_kunit", NULL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, dev);
	ctx->dev = dev;
	return dev;
}

/* A device going away destroys its devm instance, ending its sleepers. */
static void devm_unregister(struct kunit *test)
{
	struct as_ctx *ctx = test->priv;
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
	ctx->dev_as = as;

	t = as_sleeper(test, as, 2, ALERTABLE_SLEEP_INFINITE);
	KUNIT_ASSERT_TRUE_MSG(test, as_wait_sleeping(t),
			      "not asleep, returned %d", t->ret);

	as_watchdog_arm(ctx, AS_TEST_WATCHDOG_MS);
	start = ktime_get();
	ctx->dev = NULL;
	ctx->dev_as = NULL;
	root_device_unregister(dev);
	ms = as_ms_since(start);
	if (as_return_order_visible())
		KUNIT_EXPECT_TRUE_MSG(test, completion_done(&t->done),
				      "unregister returned before the sleeper");
	stuck = as_watchdog_disarm(ctx);
	KUNIT_EXPECT_FALSE_MSG(test, stuck, "unregister did not end the sleep");
	KUNIT_EXPECT_LT(test, ms, AS_TEST_PROMPT_MS);
	KUNIT_ASSERT_TRUE(test, as_wait_done(t));
	KUNIT_EXPECT_EQ(test, t->ret, -ESHUTDOWN);
}

/*
 * Releasing a devres group (a failed probe, a driver's partial teardown)
 * destroys the instance once; the device going away later must not again.
 */
static void devm_group_release(struct kunit *test)
{
	struct as_ctx *ctx = test->priv;
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
	ctx->dev_as = as;

	t = as_sleeper(test, as, 3, AS_TEST_LONG_MS);
	KUNIT_ASSERT_TRUE_MSG(test, as_wait_sleeping(t),
			      "not asleep, returned %d", t->ret);

	as_watchdog_arm(ctx, AS_TEST_WATCHDOG_MS);
	ctx->dev_as = NULL;
	KUNIT_EXPECT_EQ(test, devres_release_group(dev, group), 1);
	stuck = as_watchdog_disarm(ctx);
	KUNIT_EXPECT_FALSE_MSG(test, stuck, "the release did not end the sleep");
	KUNIT_ASSERT_TRUE(test, as_wait_done(t));
	KUNIT_EXPECT_EQ(test, t->ret, -ESHUTDOWN);

	ctx->dev = NULL;
	root_device_unregister(dev);
}

static struct kunit_case alertable_sleep_lifetime_cases[] = {
	KUNIT_CASE_PARAM(create_bounds, as_create_gen_params),
	KUNIT_CASE(default_instance),
	KUNIT_CASE(destroy_idle),
	KUNIT_CASE(destroy_ends_sleepers),
	KUNIT_CASE(destroy_refuses_new_calls),
	KUNIT_CASE(devm_unregister),
	KUNIT_CASE(devm_group_release),
	{}
};

static struct kunit_suite alertable_sleep_lifetime_suite = {
	.name = "alertable_sleep_lifetime",
	.init = as_test_init,
	.exit = as_test_exit,
	.test_cases = alertable_sleep_lifetime_cases,
};

kunit_test_suites(&alertable_sleep_suite, &alertable_sleep_contexts_suite,
		  &alertable_sleep_lifetime_suite);

MODULE_DESCRIPTION("KUnit tests for alertable_sleep");
MODULE_LICENSE("GPL");
