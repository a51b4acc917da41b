// SPDX-License-Identifier: GPL-2.0
/*
 * alertable_sleep - interruptible long delays that any context can abort
 *
 * An instance is an array of entries, one per event index. An entry is a wait
 * queue head and one atomic word of state bits. Every change of an entry's
 * state is a single fully ordered read-modify-write of that word, so each race
 * (an abort against the start or the timeout of a sleep, a reset against a
 * sleeper) is settled by the order of those operations on one variable. No
 * lock is shared between indices.
 *
 * Every call holds a reference on the instance (a percpu_ref, so that calls
 * on different indices share no cache line) for as long as it touches it.
 * destroy() kills the reference, which makes new calls fail with -ESHUTDOWN,
 * wakes the sleepers, and frees the instance only once the last call in
 * progress has dropped its reference: a sleeper, an abort from an IRQ
 * handler, a reset.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/bits.h>
#include <linux/completion.h>
#include <linux/debugfs.h>
#include <linux/device.h>
#include <linux/err.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/nospec.h>
#include <linux/overflow.h>
#include <linux/percpu.h>
#include <linux/percpu-refcount.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/wait.h>

#include "alertable_sleep.h"

#define CREATE_TRACE_POINTS
#include "alertable_sleep_trace.h"

/*
 * Entry state bits.
 *
 * SLEEPING: a thread owns the index; set by the sleeper's claim, cleared by
 *           its release. At most one owner, which is the -EBUSY guard.
 * ABORTED:  sticky; set by abort, cleared only by a reset that finds no owner.
 * CLOSING:  set once by destroy; refuses sleepers that got their reference
 *           before destroy killed it, and ends the sleeps in progress.
 */
#define AS_SLEEPING	BIT(0)
#define AS_ABORTED	BIT(1)
#define AS_CLOSING	BIT(2)

struct alertable_sleep_entry {
	wait_queue_head_t wq;
	atomic_t state;
};

/*
 * Counters shown in debugfs. Per CPU, so that indices never share a cache
 * line on the hot paths; this_cpu_inc() is safe from hard IRQ too.
 */
enum alertable_sleep_stat {
	AS_STAT_SLEEPS,		/* sleeps that claimed their index */
	AS_STAT_TIMEOUTS,	/* ... and whose delay ran out */
	AS_STAT_ABORTS,		/* aborts of a valid index */
	AS_STAT_BUSY,		/* sleeps refused with -EBUSY */
	AS_STAT_NR
};

struct alertable_sleep_stats {
	unsigned long count[AS_STAT_NR];
};

struct alertable_sleep {
	unsigned int event_count;
	unsigned int id;		/* in debugfs and traces; 0: default */
	struct percpu_ref users;	/* one per call in progress */
	struct completion released;	/* the last user has gone */
	struct alertable_sleep_stats __percpu *stats;
	struct dentry *debugfs;
	struct alertable_sleep_entry entries[];
};

static void stat_inc(struct alertable_sleep *as, enum alertable_sleep_stat s)
{
	this_cpu_inc(as->stats->count[s]);
}

/*
 * Take a reference for one call on @index. On success the caller owns a
 * reference and must drop it with alertable_sleep_put().
 */
static int alertable_sleep_get(struct alertable_sleep *as, unsigned int index,
			       struct alertable_sleep_entry **e)
{
	if (IS_ERR_OR_NULL(as))
		return -EINVAL;
	if (!percpu_ref_tryget_live(&as->users))
		return -ESHUTDOWN;
	if (index >= as->event_count) {
		percpu_ref_put(&as->users);
		return -EINVAL;
	}
	*e = &as->entries[array_index_nospec(index, as->event_count)];
	return 0;
}

/* After this, @as may be freed by a concurrent destroy. */
static void alertable_sleep_put(struct alertable_sleep *as)
{
	percpu_ref_put(&as->users);
}

static bool entry_woken(struct alertable_sleep_entry *e)
{
	return atomic_read(&e->state) & (AS_ABORTED | AS_CLOSING);
}

/*
 * Set @bit and wake the owner, if there is one. The RMW is fully ordered:
 * a sleeper that claims the index after it sees @bit in its claim, and one
 * that claimed before it is on the wait queue, or will test entry_woken()
 * after taking the queue lock that wake_up_all() takes too. An entry with no
 * owner needs no wake-up, which keeps abort on an idle index to one atomic.
 */
static bool entry_signal(struct alertable_sleep_entry *e, int bit)
{
	if (!(atomic_fetch_or(bit, &e->state) & AS_SLEEPING))
		return false;
	wake_up_all(&e->wq);
	return true;
}

/* Take ownership of the index, or say why not. */
static int entry_claim(struct alertable_sleep_entry *e)
{
	int old = atomic_read(&e->state);

	do {
		if (old & AS_CLOSING)
			return -ESHUTDOWN;
		if (old & AS_ABORTED)
			return -ECANCELED;
		if (old & AS_SLEEPING)
			return -EBUSY;
	} while (!atomic_try_cmpxchg(&e->state, &old, old | AS_SLEEPING));

	return 0;
}

/*
 * Give the index back and return the state seen at that instant, so that an
 * abort landing after the wait timed out but before the release still turns
 * the result into -ECANCELED (and stays set for the next sleeper).
 */
static int entry_release(struct alertable_sleep_entry *e)
{
	return atomic_fetch_andnot(AS_SLEEPING, &e->state);
}

/* Jiffies to wait for @ns, rounded up and kept below MAX_SCHEDULE_TIMEOUT. */
static long ns_to_timeout(s64 ns)
{
	u64 j = div_u64(ns + TICK_NSEC - 1, TICK_NSEC);

	return min_t(u64, j, MAX_SCHEDULE_TIMEOUT - 1);
}

/*
 * Wait until @msecs after @start by ktime_get(), an abort, destroy, or a
 * signal.
 *
 * A timeout of n jiffies ends at the n-th tick, which can be up to one jiffy
 * less than n jiffies after now. Rather than add a jiffy to every sleep, wait
 * again for what is left: the sleep never ends early and overshoots by less
 * than one jiffy plus scheduling latency.
 *
 * Return: 0 when woken by an abort or destroy, -ETIMEDOUT when the delay ran
 * out, -ERESTARTSYS when a signal (or kthread_stop(), which sets
 * TIF_NOTIFY_SIGNAL) ended the wait.
 */
static int entry_wait(struct alertable_sleep_entry *e, ktime_t start,
		      unsigned int msecs)
{
	ktime_t deadline = ktime_add_ms(start, msecs);

	if (msecs == ALERTABLE_SLEEP_INFINITE)
		return wait_event_interruptible(e->wq, entry_woken(e));

	for (;;) {
		s64 left = ktime_to_ns(ktime_sub(deadline, ktime_get()));
		long ret;

		if (left <= 0)
			return -ETIMEDOUT;
		ret = wait_event_interruptible_timeout(e->wq, entry_woken(e),
						       ns_to_timeout(left));
		if (ret < 0)
			return ret;
		if (ret > 0)
			return 0;
	}
}

/**
 * alertable_sleep_sleep() - sleep on an index until timeout, abort or signal
 * @as: the instance
 * @index: the event index, below alertable_sleep_event_count()
 * @msecs: how long to sleep; 0 returns at once, %ALERTABLE_SLEEP_INFINITE
 *	waits with no timeout
 *
 * Sleeps interruptibly until @msecs have passed by ktime_get(), the index is
 * aborted, the instance is destroyed, or a signal arrives. kthread_stop() on a
 * sleeping kthread ends the sleep at once. Only one thread may sleep on an
 * index at a time.
 *
 * Context: Process context; may sleep.
 * Return:
 * * %0 - the whole delay elapsed and the index was not aborted
 * * %-ECANCELED - the index was aborted before or during the sleep, and not
 *   reset since
 * * %-ERESTARTSYS - a signal, or kthread_stop(), ended the sleep
 * * %-EBUSY - another thread is sleeping on @index; it is not disturbed
 * * %-ESHUTDOWN - the instance is being destroyed; do not call again
 * * %-EINVAL - @as is NULL or an error pointer, or @index is out of range
 */
int alertable_sleep_sleep(struct alertable_sleep *as, unsigned int index,
			  unsigned int msecs)
{
	struct alertable_sleep_entry *e;
	ktime_t start = 0;
	int ret, state, wait = -ETIMEDOUT;
	unsigned int id;

	might_sleep();

	ret = alertable_sleep_get(as, index, &e);
	if (ret)
		return ret;

	id = as->id;
	trace_alertable_sleep_begin(id, index, msecs);
	ret = entry_claim(e);
	if (ret) {
		if (ret == -EBUSY)
			stat_inc(as, AS_STAT_BUSY);
		goto out_put;
	}
	stat_inc(as, AS_STAT_SLEEPS);

	if (msecs) {
		start = ktime_get();
		wait = entry_wait(e, start, msecs);
	}
	if (wait == -ETIMEDOUT)
		stat_inc(as, AS_STAT_TIMEOUTS);

	state = entry_release(e);
	if (state & AS_CLOSING)
		ret = -ESHUTDOWN;
	else if (state & AS_ABORTED)
		ret = -ECANCELED;
	else if (wait == -ERESTARTSYS)
		ret = -ERESTARTSYS;

out_put:
	alertable_sleep_put(as);

	/* Read the clock only when someone is tracing. */
	if (trace_alertable_sleep_end_enabled()) {
		s64 us = start ? ktime_us_delta(ktime_get(), start) : 0;

		trace_alertable_sleep_end(id, index, ret, us);
	}
	return ret;
}
EXPORT_SYMBOL_GPL(alertable_sleep_sleep);

/**
 * alertable_sleep_abort() - abort the sleep on an index, now and until reset
 * @as: the instance
 * @index: the event index
 *
 * Marks @index aborted and wakes its sleeper, if any. The mark is sticky:
 * every later alertable_sleep_sleep() on @index returns -ECANCELED at once
 * until alertable_sleep_reset_for_reuse(). Aborting twice is harmless.
 *
 * Context: Any context, including hard IRQ and with spinlocks held, but not
 * NMI (the wake-up takes the wait queue's spinlock_t, which PREEMPT_RT also
 * forbids in hard IRQ and under a raw_spinlock_t).
 * Return: 0; -ESHUTDOWN, doing nothing, if @as is being destroyed (which
 * ends every sleep anyway); -EINVAL if @as is NULL or an error pointer or
 * @index is out of range.
 */
int alertable_sleep_abort(struct alertable_sleep *as, unsigned int index)
{
	struct alertable_sleep_entry *e;
	int ret;

	ret = alertable_sleep_get(as, index, &e);
	if (ret)
		return ret;
	stat_inc(as, AS_STAT_ABORTS);
	trace_alertable_sleep_abort(as->id, index, entry_signal(e, AS_ABORTED));
	alertable_sleep_put(as);
	return 0;
}
EXPORT_SYMBOL_GPL(alertable_sleep_abort);

/**
 * alertable_sleep_abort_all() - abort every index of an instance
 * @as: the instance; NULL and error pointers are ignored
 *
 * Does alertable_sleep_abort() on each index, in O(event_count). Does
 * nothing if @as is being destroyed.
 *
 * Context: Any context, as alertable_sleep_abort().
 */
void alertable_sleep_abort_all(struct alertable_sleep *as)
{
	unsigned int i;

	if (IS_ERR_OR_NULL(as) || !percpu_ref_tryget_live(&as->users))
		return;
	for (i = 0; i < as->event_count; i++) {
		stat_inc(as, AS_STAT_ABORTS);
		trace_alertable_sleep_abort(as->id, i,
					    entry_signal(&as->entries[i],
							 AS_ABORTED));
	}
	alertable_sleep_put(as);
}
EXPORT_SYMBOL_GPL(alertable_sleep_abort_all);

/**
 * alertable_sleep_reset_for_reuse() - clear an abort so the index can sleep
 * @as: the instance
 * @index: the event index
 *
 * Clears the sticky abort of @index. Refused while a thread sleeps on @index,
 * so that a reset never swallows an abort its sleeper has not yet seen.
 *
 * Context: Any context, as alertable_sleep_abort().
 * Return: 0 on success; -EBUSY, changing nothing, if a thread is sleeping on
 * @index; -ESHUTDOWN if @as is being destroyed; -EINVAL if @as is NULL or an
 * error pointer or @index is out of range.
 */
int alertable_sleep_reset_for_reuse(struct alertable_sleep *as,
				    unsigned int index)
{
	struct alertable_sleep_entry *e;
	int old, ret;

	ret = alertable_sleep_get(as, index, &e);
	if (ret)
		return ret;

	old = atomic_read(&e->state);
	do {
		if (old & AS_SLEEPING) {
			ret = -EBUSY;
			break;
		}
		if (!(old & AS_ABORTED))
			break;
	} while (!atomic_try_cmpxchg(&e->state, &old, old & ~AS_ABORTED));

	trace_alertable_sleep_reset(as->id, index, ret);
	alertable_sleep_put(as);
	return ret;
}
EXPORT_SYMBOL_GPL(alertable_sleep_reset_for_reuse);

/**
 * alertable_sleep_event_count() - number of event indices of an instance
 * @as: the instance
 *
 * Context: Any context.
 * Return: the event_count given at creation, or 0 if @as is NULL or an error
 * pointer.
 */
unsigned int alertable_sleep_event_count(const struct alertable_sleep *as)
{
	return IS_ERR_OR_NULL(as) ? 0 : as->event_count;
}
EXPORT_SYMBOL_GPL(alertable_sleep_event_count);

/*
 * debugfs: <debugfs>/alertable_sleep/<instance>/state, root-only, lists the
 * counters and then one line per index. The module-wide instance is named
 * "default", the others by their id, "1", "2", ... in order of creation,
 * which the tracepoints print too. (A hashed address prints as
 * "(____ptrval____)" for every instance created before the hashing key is
 * ready, early in boot.) Absent when debugfs is not built in: the calls
 * below are stubs then.
 */
static struct dentry *alertable_sleep_debugfs_root;
static atomic_t alertable_sleep_ids = ATOMIC_INIT(0);

static void *state_start(struct seq_file *m, loff_t *pos)
{
	struct alertable_sleep *as = m->private;

	if (!*pos)
		return SEQ_START_TOKEN;
	return *pos <= as->event_count ? &as->entries[*pos - 1] : NULL;
}

static void *state_next(struct seq_file *m, void *v, loff_t *pos)
{
	++*pos;
	return state_start(m, pos);
}

static void state_stop(struct seq_file *m, void *v)
{
}

static void state_show_header(struct seq_file *m, struct alertable_sleep *as)
{
	static const char * const names[AS_STAT_NR] = {
		[AS_STAT_SLEEPS] = "sleeps",
		[AS_STAT_TIMEOUTS] = "timeouts",
		[AS_STAT_ABORTS] = "aborts",
		[AS_STAT_BUSY] = "busy",
	};
	int cpu, i;

	seq_printf(m, "event_count %u\n", as->event_count);
	for (i = 0; i < AS_STAT_NR; i++) {
		unsigned long sum = 0;

		for_each_possible_cpu(cpu)
			sum += READ_ONCE(per_cpu_ptr(as->stats, cpu)->count[i]);
		seq_printf(m, "%s %lu\n", names[i], sum);
	}
	seq_puts(m, "index state\n");
}

static int state_show(struct seq_file *m, void *v)
{
	struct alertable_sleep *as = m->private;
	struct alertable_sleep_entry *e = v;
	int state;

	if (v == SEQ_START_TOKEN) {
		state_show_header(m, as);
		return 0;
	}
	state = atomic_read(&e->state);
	seq_printf(m, "%td", e - as->entries);
	if (!state)
		seq_puts(m, " idle");
	if (state & AS_SLEEPING)
		seq_puts(m, " sleeping");
	if (state & AS_ABORTED)
		seq_puts(m, " aborted");
	seq_putc(m, '\n');
	return 0;
}

static const struct seq_operations state_sops = {
	.start = state_start,
	.next = state_next,
	.stop = state_stop,
	.show = state_show,
};

DEFINE_SEQ_ATTRIBUTE(state);

static void alertable_sleep_released(struct percpu_ref *ref)
{
	struct alertable_sleep *as = container_of(ref, struct alertable_sleep,
						  users);

	complete(&as->released);
}

static struct alertable_sleep *alertable_sleep_create_named(const char *name,
							    unsigned int event_count)
{
	struct alertable_sleep *as;
	char id_name[16];
	unsigned int i;

	if (!event_count || event_count > ALERTABLE_SLEEP_MAX_EVENTS)
		return ERR_PTR(-EINVAL);

	as = kvzalloc(struct_size(as, entries, event_count), GFP_KERNEL);
	if (!as)
		return ERR_PTR(-ENOMEM);

	as->stats = alloc_percpu(struct alertable_sleep_stats);
	if (!as->stats)
		goto err_free_as;
	if (percpu_ref_init(&as->users, alertable_sleep_released, 0,
			    GFP_KERNEL))
		goto err_free_stats;
	init_completion(&as->released);

	as->event_count = event_count;
	for (i = 0; i < event_count; i++) {
		init_waitqueue_head(&as->entries[i].wq);
		atomic_set(&as->entries[i].state, 0);
	}

	if (!name) {
		as->id = atomic_inc_return(&alertable_sleep_ids);
		snprintf(id_name, sizeof(id_name), "%u", as->id);
		name = id_name;
	}
	/* debugfs is best effort: its failure must not fail the caller. */
	as->debugfs = debugfs_create_dir(name, alertable_sleep_debugfs_root);
	debugfs_create_file("state", 0400, as->debugfs, as, &state_fops);
	return as;

err_free_stats:
	free_percpu(as->stats);
err_free_as:
	kvfree(as);
	return ERR_PTR(-ENOMEM);
}

/**
 * alertable_sleep_create() - create an instance with @event_count indices
 * @event_count: number of indices, 1 to %ALERTABLE_SLEEP_MAX_EVENTS
 *
 * Every index starts idle and not aborted. Free the instance with
 * alertable_sleep_destroy().
 *
 * Context: Process context; may sleep.
 * Return: the instance, ERR_PTR(-EINVAL) if @event_count is out of range, or
 * ERR_PTR(-ENOMEM).
 */
struct alertable_sleep *alertable_sleep_create(unsigned int event_count)
{
	return alertable_sleep_create_named(NULL, event_count);
}
EXPORT_SYMBOL_GPL(alertable_sleep_create);

/**
 * alertable_sleep_destroy() - end every sleep on an instance and free it
 * @as: the instance; NULL and error pointers are ignored
 *
 * Makes every new call on @as fail with -ESHUTDOWN, ends every sleep in
 * progress (it returns -ESHUTDOWN), waits until every call in progress on
 * @as has returned (sleepers, aborts from IRQ handlers, resets), then frees
 * @as. The caller must make sure that nothing calls into @as once this has
 * returned: a thread that sleeps in a loop owns nothing between two sleeps,
 * so stop it (kthread_stop() ends its sleep at once), cancel the timers and
 * free the IRQs that use @as before calling this.
 *
 * Context: Process context; may sleep.
 */
void alertable_sleep_destroy(struct alertable_sleep *as)
{
	unsigned int i;

	might_sleep();

	if (IS_ERR_OR_NULL(as))
		return;

	/* Waits for open readers of the state file, which read @as. */
	debugfs_remove(as->debugfs);

	/*
	 * New calls fail from here on. A call that got its reference just
	 * before may still claim an index: CLOSING refuses it if set first,
	 * else the wake-up below ends its sleep.
	 */
	percpu_ref_kill(&as->users);
	for (i = 0; i < as->event_count; i++)
		entry_signal(&as->entries[i], AS_CLOSING);

	wait_for_completion(&as->released);

	percpu_ref_exit(&as->users);
	free_percpu(as->stats);
	kvfree(as);
}
EXPORT_SYMBOL_GPL(alertable_sleep_destroy);

static void devm_alertable_sleep_release(void *as)
{
	alertable_sleep_destroy(as);
}

/**
 * devm_alertable_sleep_create() - alertable_sleep_create() tied to a device
 * @dev: the device whose driver owns the instance
 * @event_count: number of indices, 1 to %ALERTABLE_SLEEP_MAX_EVENTS
 *
 * Like alertable_sleep_create(), but the instance is destroyed by
 * alertable_sleep_destroy() when @dev's driver detaches.
 *
 * Context: Process context; may sleep.
 * Return: the instance, ERR_PTR(-EINVAL) if @event_count is out of range, or
 * ERR_PTR(-ENOMEM).
 */
struct alertable_sleep *devm_alertable_sleep_create(struct device *dev,
						    unsigned int event_count)
{
	struct alertable_sleep *as;
	int ret;

	as = alertable_sleep_create(event_count);
	if (IS_ERR(as))
		return as;

	ret = devm_add_action_or_reset(dev, devm_alertable_sleep_release, as);
	if (ret)
		return ERR_PTR(ret);
	return as;
}
EXPORT_SYMBOL_GPL(devm_alertable_sleep_create);

/* The module-wide instance, sized by the eventcount parameter. */
static struct alertable_sleep *alertable_sleep_default_instance;
static unsigned int eventcount = 8;

/*
 * param_set_uint() would accept 0 and report overflow as -ERANGE; every bad
 * value must fail insmod with -EINVAL and say what is accepted.
 */
static int eventcount_set(const char *val, const struct kernel_param *kp)
{
	unsigned int n;

	if (kstrtouint(val, 0, &n) || !n || n > ALERTABLE_SLEEP_MAX_EVENTS) {
		pr_err("eventcount=%s is invalid: the valid range is 1..%u\n",
		       val, ALERTABLE_SLEEP_MAX_EVENTS);
		return -EINVAL;
	}
	*(unsigned int *)kp->arg = n;
	return 0;
}

static const struct kernel_param_ops eventcount_ops = {
	.set = eventcount_set,
	.get = param_get_uint,
};

module_param_cb(eventcount, &eventcount_ops, &eventcount, 0444);
MODULE_PARM_DESC(eventcount,
		 "Event indices of the module-wide instance (1..65536, default 8)");

/**
 * alertable_sleep_default() - the module-wide instance
 *
 * The instance is created when the module loads, with the number of indices
 * given by its eventcount parameter, and destroyed when it unloads. A module
 * that calls this depends on alertable_sleep, so it stays valid while the
 * caller is loaded. Do not destroy it.
 *
 * Context: Any context.
 * Return: the module-wide instance.
 */
struct alertable_sleep *alertable_sleep_default(void)
{
	return alertable_sleep_default_instance;
}
EXPORT_SYMBOL_GPL(alertable_sleep_default);

static int __init alertable_sleep_init(void)
{
	struct alertable_sleep *as;

	alertable_sleep_debugfs_root = debugfs_create_dir(KBUILD_MODNAME, NULL);

	as = alertable_sleep_create_named("default", eventcount);
	if (IS_ERR(as)) {
		pr_err("cannot create the default instance of %u events: %pe\n",
		       eventcount, as);
		debugfs_remove(alertable_sleep_debugfs_root);
		return PTR_ERR(as);
	}
	alertable_sleep_default_instance = as;
	return 0;
}
module_init(alertable_sleep_init);

static void __exit alertable_sleep_exit(void)
{
	alertable_sleep_destroy(alertable_sleep_default_instance);
	debugfs_remove(alertable_sleep_debugfs_root);
}
module_exit(alertable_sleep_exit);

MODULE_DESCRIPTION("Interruptible long delays that any context can abort");
MODULE_AUTHOR("The alertable_sleep developers");
MODULE_LICENSE("GPL");
MODULE_VERSION("0.1.0");
