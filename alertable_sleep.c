// SPDX-License-Identifier: GPL-2.0
/*
 * alertable_sleep - interruptible long delays that any context can abort
 *
 * An entry (struct alertable_sleep_entry) is one atomic word: the task that
 * sleeps on it (its owner), or none, and two state bits. Every change of an
 * entry's state is a single fully ordered read-modify-write of that word,
 * so each race (an abort against the start or the timeout of a sleep, a
 * reset against a sleeper) is settled by the order of those operations on
 * one variable. An abort's RMW returns the owner it must wake, and the
 * wake-up uses the task, never the entry: once a sleeper has seen an abort
 * and returned, that abort is done with the entry, as a complete() is with
 * its completion. An entry is used alone, embedded in its user's object,
 * or as one index of an instance, which is an array of entries. No lock is
 * shared between entries.
 *
 * Lifetime: every call looks the instance up under rcu_read_lock(), and
 * fails with -ESHUTDOWN once destroy has set ->closing. Aborts and resets
 * finish inside that read-side section; a sleeper leaves it owning its index
 * (its task in the entry's word), and that ownership keeps the instance
 * alive until the sleeper releases the index. destroy sets ->closing, waits for a grace
 * period (every call that missed the flag is now done or owns an index),
 * wakes the owners, and frees once every index is released.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/bits.h>
#include <linux/build_bug.h>
#include <linux/cache.h>
#include <linux/debugfs.h>
#include <linux/device.h>
#include <linux/err.h>
#include <linux/export.h>
#include <linux/freezer.h>
#include <linux/hrtimer.h>
#include <linux/kernel.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/moduleparam.h>
#include <linux/nospec.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/deadline.h>
#include <linux/sched/rt.h>
#include <linux/sched/signal.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/wait_bit.h>

#include "alertable_sleep.h"

#define CREATE_TRACE_POINTS
#include "alertable_sleep_trace.h"

/*
 * The entry's word: the owner's task_struct pointer and two state bits.
 *
 * owner:    the thread that sleeps on the entry; set by the sleeper's claim,
 *           cleared by its release. At most one owner, the -EBUSY guard. A
 *           task_struct is aligned to at least L1_CACHE_BYTES (fork_init()
 *           and init_task), so its low bits are free for the state bits.
 * ABORTED:  sticky; set by abort, cleared only by a reset that finds no owner.
 * CLOSING:  set by destroy after its grace period; ends the sleep in
 *           progress, and tells its release to wake destroy.
 *
 * Why not an rcuwait or a wait queue beside the state: their wake-up reads
 * the entry after the RMW that published the abort, when the sleeper may
 * already have seen the abort and freed the entry. Here the RMW hands the
 * aborter the task it wakes. wake_up_process() takes raw locks only, which
 * keeps abort legal in hard IRQ and under a raw_spinlock_t on PREEMPT_RT.
 */
#define AS_ABORTED	BIT(0)
#define AS_CLOSING	BIT(1)
#define AS_BITS		(AS_ABORTED | AS_CLOSING)
static_assert(L1_CACHE_BYTES > AS_BITS);

static struct task_struct *entry_owner(unsigned long state)
{
	return (struct task_struct *)(state & ~AS_BITS);
}

#define AS_FLAGS_ALL	(ALERTABLE_SLEEP_FREEZABLE | ALERTABLE_SLEEP_KILLABLE | \
			 ALERTABLE_SLEEP_IDLE)

/* KILLABLE and IDLE are two different task states: never both. */
static bool flags_valid(unsigned int flags)
{
	return !(flags & ~AS_FLAGS_ALL) &&
	       (flags & (ALERTABLE_SLEEP_KILLABLE | ALERTABLE_SLEEP_IDLE)) !=
	       (ALERTABLE_SLEEP_KILLABLE | ALERTABLE_SLEEP_IDLE);
}

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
	bool closing;			/* set once by destroy */
	struct alertable_sleep_stats __percpu *stats;
	struct dentry *debugfs;
	/*
	 * Allocated on its own so that its size is exactly event_count
	 * entries: in the same allocation as the header, 65536 entries
	 * would ask kmalloc for 2 MiB plus a few bytes and get 4 MiB.
	 */
	struct alertable_sleep_entry *entries;
};

static void stat_inc(struct alertable_sleep *as, enum alertable_sleep_stat s)
{
	this_cpu_inc(as->stats->count[s]);
}

/*
 * Find the entry of @index for one call. Must be called under
 * rcu_read_lock(), which keeps @as alive until the caller unlocks, or, for
 * a sleeper, until it releases the index it claimed before unlocking.
 */
static int entry_lookup(struct alertable_sleep *as, unsigned int index,
			struct alertable_sleep_entry **e)
{
	if (IS_ERR_OR_NULL(as))
		return -EINVAL;
	if (READ_ONCE(as->closing))
		return -ESHUTDOWN;
	if (index >= as->event_count)
		return -EINVAL;
	*e = &as->entries[array_index_nospec(index, as->event_count)];
	return 0;
}

static bool entry_woken(struct alertable_sleep_entry *e)
{
	return atomic_long_read(&e->state) & AS_BITS;
}

/*
 * Set @bit and wake the owner, if there is one. The RMW is fully ordered,
 * and so is the owner's set_current_state() before it tests entry_woken():
 * either the owner sees @bit, or this RMW sees the owner and wakes it. An
 * owner that found a bit already set was woken by whoever set it. An entry
 * with no owner needs no wake-up, which keeps abort on an idle index to
 * one atomic.
 *
 * The RMW is the last access to @e: the owner may see @bit, release the
 * entry and free it at once. The task is safe under rcu_read_lock(), taken
 * before the RMW while the task owned the entry: a task_struct is freed
 * only a grace period after the task is gone (put_task_struct_rcu_user(),
 * as rcuwait relies on). The owner may have returned and sleep elsewhere
 * by the time it is woken; that is a spurious wake-up, which every sleep
 * in the kernel tolerates.
 *
 * Return: true if the entry had an owner that this woke.
 */
static bool entry_signal(struct alertable_sleep_entry *e, unsigned long bit)
{
	struct task_struct *owner;
	unsigned long old;

	rcu_read_lock();
	old = atomic_long_fetch_or(bit, &e->state);
	owner = entry_owner(old);
	if (owner && !(old & AS_BITS))
		wake_up_process(owner);
	else
		owner = NULL;
	rcu_read_unlock();
	return owner;
}

/*
 * Take ownership of the entry for current, or say why not. CLOSING cannot
 * be set here: destroy sets it only after a grace period, and the caller
 * of an index is inside an RCU read-side section that saw ->closing clear.
 */
static int entry_claim(struct alertable_sleep_entry *e)
{
	long old = atomic_long_read(&e->state);

	do {
		if (old & AS_ABORTED)
			return -ECANCELED;
		if (entry_owner(old))
			return -EBUSY;
	} while (!atomic_long_try_cmpxchg(&e->state, &old,
					  old | (unsigned long)current));

	return 0;
}

/*
 * Give the entry back and return the state seen at that instant, so that an
 * abort landing after the wait timed out but before the release still turns
 * the result into -ECANCELED (and stays set for the next sleeper).
 *
 * With CLOSING set, destroy waits for the owner to clear and may free the
 * entry as soon as it sees it clear: wake_up_var() only hashes the address,
 * it does not dereference it. The fully ordered fetch_and() is the barrier
 * wake_up_var() asks for.
 */
static unsigned long entry_release(struct alertable_sleep_entry *e)
{
	unsigned long old = atomic_long_fetch_and(AS_BITS, &e->state);

	if (old & AS_CLOSING)
		wake_up_var(&e->state);
	return old;
}

/*
 * How much later than @deadline the timer of a sleep that starts at @now
 * may fire: an eighth of the delay, and at least the task's timer slack
 * (50 us by default), which is the rule of the timer wheel behind
 * schedule_timeout() (the granularity of a long timeout's level is about
 * an eighth of it) and of hrtimer sleeps (the slack). The soft expiry stays
 * at @deadline, so the sleep never ends early; within the slack, the
 * hrtimer code expires every timer whose soft expiry has passed in one
 * interrupt, so sleepers whose windows overlap wake together and an idle
 * CPU is woken once for them. Realtime and deadline tasks get none, as
 * hrtimer_nanosleep() gives them none.
 */
static u64 deadline_slack(ktime_t now, ktime_t deadline)
{
	if (rt_task(current) || dl_task(current))
		return 0;
	return max_t(u64, current->timer_slack_ns,
		     ktime_to_ns(ktime_sub(deadline, now)) >> 3);
}

/*
 * Whether a kthread sleeper was told to stop or to park. kthread_stop()
 * sets TIF_NOTIFY_SIGNAL, which ends an interruptible wait, only since
 * Linux 6.1 (commit a7c01fa93aeb, "signal: break out of wait loops on
 * kthread_stop()"), kthread_park() on no kernel, and neither ends an idle
 * wait, which takes no signal. Both wake the thread, which checks here, so
 * that either ends the sleep at once on every kernel and parking does not
 * wait for the deadline. A killable wait ends on a fatal signal only, and
 * neither sends one.
 */
static bool kthread_told(unsigned int flags)
{
	return !(flags & ALERTABLE_SLEEP_KILLABLE) &&
	       (current->flags & PF_KTHREAD) &&
	       (kthread_should_stop() || kthread_should_park());
}

/*
 * Wait until @deadline by ktime_get() (KTIME_MAX: none), an abort, destroy,
 * or a signal; @flags as alertable_sleep_sleep_until(). @now is the clock
 * at the start, for the slack.
 *
 * The timeout is an hrtimer on CLOCK_MONOTONIC, the clock of ktime_get(),
 * which never fires before its soft expiry, @deadline, and fires at most
 * deadline_slack() later.
 *
 * Freezable: the freezer freezes a TASK_FREEZABLE sleeper where it sleeps
 * and wakes it when it thaws; the loop then sees an abort or a deadline
 * that fell meanwhile. A freezer without TASK_FREEZABLE (before 6.1)
 * wakes the interruptible sleeper instead, and try_to_freeze() below
 * freezes it; with TASK_FREEZABLE, try_to_freeze() finds nothing to do.
 *
 * Return: 0 when woken by an abort or destroy, -ETIME when the deadline
 * passed, -ERESTARTSYS when a signal, kthread_stop() or kthread_park()
 * ended the wait.
 */
static int entry_wait(struct alertable_sleep_entry *e, ktime_t now,
		      ktime_t deadline, unsigned int flags)
{
	unsigned int state = flags & ALERTABLE_SLEEP_KILLABLE ? TASK_KILLABLE :
			     flags & ALERTABLE_SLEEP_IDLE ? TASK_IDLE :
			     TASK_INTERRUPTIBLE;
	bool timed = deadline != KTIME_MAX;
	struct hrtimer_sleeper t;
	int ret = 0;

	if (flags & ALERTABLE_SLEEP_FREEZABLE)
		state |= TASK_FREEZABLE;
	if (timed) {
		hrtimer_setup_sleeper_on_stack(&t, CLOCK_MONOTONIC,
					       HRTIMER_MODE_ABS);
		hrtimer_set_expires_range_ns(&t.timer, deadline,
					     deadline_slack(now, deadline));
		hrtimer_sleeper_start_expires(&t, HRTIMER_MODE_ABS);
	}

	for (;;) {
		/*
		 * A full barrier, which pairs with entry_signal()'s RMW: the
		 * claim published current as the owner before this.
		 */
		set_current_state(state);
		if (entry_woken(e))
			break;
		if (signal_pending_state(state, current) || kthread_told(flags)) {
			ret = -ERESTARTSYS;
			break;
		}
		/* hrtimer_wakeup() clears t.task before it wakes us. */
		if (timed && !READ_ONCE(t.task)) {
			ret = -ETIME;
			break;
		}
		schedule();
		if (flags & ALERTABLE_SLEEP_FREEZABLE)
			try_to_freeze();
	}
	__set_current_state(TASK_RUNNING);

	if (timed) {
		hrtimer_cancel(&t.timer);
		destroy_hrtimer_on_stack(&t.timer);
	}
	return ret;
}

/* ms from now to @deadline, rounded up, for the trace; UINT_MAX: none. */
static unsigned int deadline_msecs(ktime_t deadline)
{
	s64 ns;

	if (deadline == KTIME_MAX)
		return UINT_MAX;
	ns = ktime_to_ns(ktime_sub(deadline, ktime_get()));
	return ns <= 0 ? 0 : min_t(u64, DIV_ROUND_UP_ULL(ns, NSEC_PER_MSEC),
				   UINT_MAX - 1);
}

/*
 * The wait of every sleep, on an entry the caller has claimed. A relative
 * sleep (@msecs, when @relative) takes its deadline from the clock read
 * after the claim, so that a sleep that does not wait (an aborted or busy
 * entry, a delay of 0) reads no clock; *@start is that reading, or 0.
 *
 * Return: as entry_wait(); -ETIME at once for a deadline already past.
 */
static int entry_sleep(struct alertable_sleep_entry *e, ktime_t deadline,
		       bool relative, unsigned int msecs, unsigned int flags,
		       ktime_t *start)
{
	*start = 0;
	if (relative && !msecs)
		return -ETIME;

	*start = ktime_get();
	if (relative)
		deadline = msecs == ALERTABLE_SLEEP_INFINITE ? KTIME_MAX :
			   ktime_add_ms(*start, msecs);
	if (!ktime_before(*start, deadline))
		return -ETIME;
	return entry_wait(e, *start, deadline, flags);
}

/*
 * The result of a sleep from @state, which entry_release() returned, and
 * @wait, which entry_sleep() did. entry_wait() returns 0 only when it saw
 * ABORTED or CLOSING, and both stay set until the release, so 0 here is a
 * sleep that ran its whole delay and was not aborted.
 */
static int entry_result(unsigned long state, int wait)
{
	if (state & AS_CLOSING)
		return -ESHUTDOWN;
	if (state & AS_ABORTED)
		return -ECANCELED;
	return wait == -ETIME ? 0 : wait;
}

/* The sleep of an instance's index: an entry's, and the instance's books. */
static int as_sleep(struct alertable_sleep *as, unsigned int index,
		    ktime_t deadline, bool relative, unsigned int msecs,
		    unsigned int flags)
{
	struct alertable_sleep_entry *e;
	ktime_t start = 0;
	unsigned int id;
	int ret, wait;

	might_sleep();

	if (!flags_valid(flags))
		return -EINVAL;

	rcu_read_lock();
	ret = entry_lookup(as, index, &e);
	if (ret) {
		rcu_read_unlock();
		return ret;
	}
	id = as->id;
	if (trace_alertable_sleep_begin_enabled())
		trace_alertable_sleep_begin(id, index, relative ? msecs :
					    deadline_msecs(deadline), flags);
	ret = entry_claim(e);
	if (ret == -EBUSY)
		stat_inc(as, AS_STAT_BUSY);
	else if (!ret)
		stat_inc(as, AS_STAT_SLEEPS);
	rcu_read_unlock();
	if (ret)
		goto out;

	/* Owning the index keeps @as alive: destroy waits for the release. */
	wait = entry_sleep(e, deadline, relative, msecs, flags, &start);
	if (wait == -ETIME)
		stat_inc(as, AS_STAT_TIMEOUTS);
	/* @e and @as may be freed once the index is released. */
	ret = entry_result(entry_release(e), wait);
out:
	/* Read the clock only when someone is tracing. */
	if (trace_alertable_sleep_end_enabled()) {
		s64 us = start ? ktime_us_delta(ktime_get(), start) : 0;

		trace_alertable_sleep_end(id, index, ret, us);
	}
	return ret;
}

/* Clear ABORTED unless the entry has an owner, which has yet to see it. */
static int entry_reset(struct alertable_sleep_entry *e)
{
	long old = atomic_long_read(&e->state);

	do {
		if (entry_owner(old))
			return -EBUSY;
		if (!(old & AS_ABORTED))
			return 0;
	} while (!atomic_long_try_cmpxchg(&e->state, &old, old & ~AS_ABORTED));

	return 0;
}

/**
 * alertable_sleep_entry_sleep_until() - sleep on an entry until a deadline
 * @e: the entry
 * @deadline: when to wake, by ktime_get(); %KTIME_MAX: no timeout
 * @flags: 0, or %ALERTABLE_SLEEP_FREEZABLE with at most one of
 *	%ALERTABLE_SLEEP_KILLABLE and %ALERTABLE_SLEEP_IDLE
 *
 * alertable_sleep_sleep_until() on an entry of the caller's own rather than
 * on an index of an instance: the same sleep, flags and results, except
 * that an entry has no destroy and so no -ESHUTDOWN.
 *
 * Context: Process context; may sleep.
 * Return: 0 when the whole delay elapsed; -ECANCELED when @e was aborted
 * before or during the sleep and not reset since; -ERESTARTSYS when a
 * signal, kthread_stop() or kthread_park() ended it, as for
 * alertable_sleep_sleep_until(); -EBUSY, not disturbing it, when another
 * thread sleeps on @e; -EINVAL, changing nothing, when @e is NULL or
 * @flags has an unknown bit or both KILLABLE and IDLE.
 */
int alertable_sleep_entry_sleep_until(struct alertable_sleep_entry *e,
				      ktime_t deadline, unsigned int flags)
{
	ktime_t start;
	int ret, wait;

	might_sleep();

	if (!e || !flags_valid(flags))
		return -EINVAL;
	ret = entry_claim(e);
	if (ret)
		return ret;
	wait = entry_sleep(e, deadline, false, 0, flags, &start);
	return entry_result(entry_release(e), wait);
}
EXPORT_SYMBOL_GPL(alertable_sleep_entry_sleep_until);

/**
 * alertable_sleep_entry_sleep() - sleep on an entry for some milliseconds
 * @e: the entry
 * @msecs: how long to sleep; 0 returns at once, %ALERTABLE_SLEEP_INFINITE
 *	waits with no timeout
 *
 * alertable_sleep_sleep() on an entry of the caller's own: sleeps
 * interruptibly until @msecs have passed, @e is aborted, or a signal or
 * kthread_stop() ends the sleep.
 *
 * Context: Process context; may sleep.
 * Return: as alertable_sleep_entry_sleep_until().
 */
int alertable_sleep_entry_sleep(struct alertable_sleep_entry *e,
				unsigned int msecs)
{
	ktime_t start;
	int ret, wait;

	might_sleep();

	if (!e)
		return -EINVAL;
	ret = entry_claim(e);
	if (ret)
		return ret;
	wait = entry_sleep(e, 0, true, msecs, 0, &start);
	return entry_result(entry_release(e), wait);
}
EXPORT_SYMBOL_GPL(alertable_sleep_entry_sleep);

/**
 * alertable_sleep_entry_abort() - abort the sleep on an entry, until reset
 * @e: the entry; NULL is ignored
 *
 * Marks @e aborted and wakes its sleeper, if any. The mark is sticky: every
 * later sleep on @e returns -ECANCELED at once until
 * alertable_sleep_entry_reset(). Aborting twice is harmless.
 *
 * Context: Any context but NMI, as alertable_sleep_abort().
 */
void alertable_sleep_entry_abort(struct alertable_sleep_entry *e)
{
	if (e)
		entry_signal(e, AS_ABORTED);
}
EXPORT_SYMBOL_GPL(alertable_sleep_entry_abort);

/**
 * alertable_sleep_entry_reset() - clear an abort so the entry can sleep
 * @e: the entry
 *
 * Clears the sticky abort of @e. Refused while a thread sleeps on @e, so
 * that a reset never swallows an abort its sleeper has not yet seen.
 *
 * Context: Any context but NMI, as alertable_sleep_reset_for_reuse().
 * Return: 0 on success; -EBUSY, changing nothing, if a thread is sleeping
 * on @e; -EINVAL if @e is NULL.
 */
int alertable_sleep_entry_reset(struct alertable_sleep_entry *e)
{
	return e ? entry_reset(e) : -EINVAL;
}
EXPORT_SYMBOL_GPL(alertable_sleep_entry_reset);

/**
 * alertable_sleep_sleep_until() - sleep on an index until a deadline
 * @as: the instance
 * @index: the event index, below alertable_sleep_event_count()
 * @deadline: when to wake, by ktime_get(); %KTIME_MAX: no timeout; a
 *	deadline already past returns at once, as a sleep of 0 ms
 * @flags: 0, or %ALERTABLE_SLEEP_FREEZABLE with at most one of
 *	%ALERTABLE_SLEEP_KILLABLE and %ALERTABLE_SLEEP_IDLE
 *
 * Sleeps until @deadline has passed by ktime_get(), the index is aborted,
 * the instance is destroyed, or a signal arrives: never returns 0 before
 * @deadline. Only one thread may sleep on an index at a time. A caller
 * that keeps its deadline can call again after -ERESTARTSYS (a signal, a
 * SIGSTOP) and sleep only what is left.
 *
 * Timer slack: the sleep ends at most an eighth of its delay (counted from
 * the call), or the task's timer slack if that is more, after @deadline,
 * so that the timers of sleepers whose deadlines are close expire in one
 * interrupt; a realtime or deadline task gets no slack. A poll of seconds
 * may thus end up to an eighth later, as schedule_timeout() rounds a long
 * timeout; it never ends before @deadline.
 *
 * %ALERTABLE_SLEEP_FREEZABLE: the freezer may freeze the thread while it
 * sleeps, so that system suspend does not wait for it (a kthread must
 * also have called set_freezable()). Freezing neither ends the sleep nor
 * changes its result; an abort or the deadline that falls while the thread
 * is frozen takes effect when it thaws. On kernels before 6.1 a freezable
 * sleep of a user task, rather than a kthread, ends with -ERESTARTSYS when
 * it is frozen, as other interruptible sleeps do there, and a freezable
 * killable sleep is not frozen.
 *
 * %ALERTABLE_SLEEP_KILLABLE: only a fatal signal ends the sleep
 * (-ERESTARTSYS); ordinary signals and SIGSTOP do not. kthread_stop() sends
 * no fatal signal, so it does not end a killable sleep either: a kthread
 * that sleeps killable must be aborted before it is stopped. A killable
 * sleeper counts in the load average, as uninterruptible ones do.
 *
 * %ALERTABLE_SLEEP_IDLE: the sleep of schedule_timeout_idle(), for a
 * kthread that takes no signals: no signal ends it, it does not count in
 * the load average, and kthread_stop() and kthread_park() end it at once
 * (-ERESTARTSYS). Before 6.1 a freezable idle sleep is not frozen.
 *
 * Without %ALERTABLE_SLEEP_KILLABLE or %ALERTABLE_SLEEP_IDLE the sleep is
 * interruptible: any signal, and kthread_stop() or kthread_park() of a
 * sleeping kthread, end it at once.
 *
 * Context: Process context; may sleep.
 * Return: as alertable_sleep_sleep(), and -EINVAL, changing nothing, for
 * an unknown bit in @flags or both %ALERTABLE_SLEEP_KILLABLE and
 * %ALERTABLE_SLEEP_IDLE.
 */
int alertable_sleep_sleep_until(struct alertable_sleep *as, unsigned int index,
				ktime_t deadline, unsigned int flags)
{
	return as_sleep(as, index, deadline, false, 0, flags);
}
EXPORT_SYMBOL_GPL(alertable_sleep_sleep_until);

/**
 * alertable_sleep_sleep() - sleep on an index until timeout, abort or signal
 * @as: the instance
 * @index: the event index, below alertable_sleep_event_count()
 * @msecs: how long to sleep; 0 returns at once, %ALERTABLE_SLEEP_INFINITE
 *	waits with no timeout
 *
 * Sleeps interruptibly until @msecs have passed by ktime_get(), the index is
 * aborted, the instance is destroyed, or a signal arrives. kthread_stop() or
 * kthread_park() of a sleeping kthread ends the sleep at once. Only one
 * thread may sleep on an index at a time. The sleep ends at most an eighth
 * of @msecs late (see alertable_sleep_sleep_until()), never early.
 *
 * Context: Process context; may sleep.
 * Return:
 * * %0 - the whole delay elapsed and the index was not aborted
 * * %-ECANCELED - the index was aborted before or during the sleep, and not
 *   reset since
 * * %-ERESTARTSYS - a signal, kthread_stop() or kthread_park() ended the
 *   sleep
 * * %-EBUSY - another thread is sleeping on @index; it is not disturbed.
 *   An aborted index answers -ECANCELED first, sleeper or not
 * * %-ESHUTDOWN - the instance is being destroyed; do not call again
 * * %-EINVAL - @as is NULL or an error pointer, or @index is out of range
 */
int alertable_sleep_sleep(struct alertable_sleep *as, unsigned int index,
			  unsigned int msecs)
{
	return as_sleep(as, index, 0, true, msecs, 0);
}
EXPORT_SYMBOL_GPL(alertable_sleep_sleep);

/**
 * alertable_sleep_sleep_freezable() - a sleep that system suspend can freeze
 * @as: the instance
 * @index: the event index, below alertable_sleep_event_count()
 * @msecs: how long to sleep, as alertable_sleep_sleep()
 *
 * alertable_sleep_sleep_until() of now plus @msecs with
 * %ALERTABLE_SLEEP_FREEZABLE: the sleep of a freezable kthread's loop.
 *
 * Context: Process context; may sleep.
 * Return: as alertable_sleep_sleep().
 */
int alertable_sleep_sleep_freezable(struct alertable_sleep *as,
				    unsigned int index, unsigned int msecs)
{
	return as_sleep(as, index, 0, true, msecs, ALERTABLE_SLEEP_FREEZABLE);
}
EXPORT_SYMBOL_GPL(alertable_sleep_sleep_freezable);

/**
 * alertable_sleep_abort() - abort the sleep on an index, now and until reset
 * @as: the instance
 * @index: the event index
 *
 * Marks @index aborted and wakes its sleeper, if any. The mark is sticky:
 * every later alertable_sleep_sleep() on @index returns -ECANCELED at once
 * until alertable_sleep_reset_for_reuse(). Aborting twice is harmless.
 *
 * Context: Any context but NMI, PREEMPT_RT included: hard IRQ (also
 * HRTIMER_MODE_HARD timers and IRQF_NO_THREAD handlers there), with
 * spinlocks or raw spinlocks held. The wake-up is wake_up_process(), which
 * takes only raw locks.
 * Return: 0; -ESHUTDOWN, doing nothing, if @as is being destroyed (which
 * ends every sleep anyway); -EINVAL if @as is NULL or an error pointer or
 * @index is out of range.
 */
int alertable_sleep_abort(struct alertable_sleep *as, unsigned int index)
{
	struct alertable_sleep_entry *e;
	bool woken;
	int ret;

	rcu_read_lock();
	ret = entry_lookup(as, index, &e);
	if (!ret) {
		stat_inc(as, AS_STAT_ABORTS);
		woken = entry_signal(e, AS_ABORTED);
		trace_alertable_sleep_abort(as->id, index, woken);
	}
	rcu_read_unlock();
	return ret;
}
EXPORT_SYMBOL_GPL(alertable_sleep_abort);

/**
 * alertable_sleep_abort_all() - abort every index of an instance
 * @as: the instance
 *
 * Does alertable_sleep_abort() on each index: O(event_count), and one
 * wake-up per sleeper. Traced as one alertable_sleep_abort event per
 * sleeper it woke, so that tracing costs in proportion to the sleepers.
 *
 * Context: Any context but NMI, except on PREEMPT_RT, where it must be
 * preemptible (process context, a threaded IRQ handler, a timer_list or
 * soft hrtimer callback, under a spinlock_t) and refuses to run where
 * nothing can preempt it (hard IRQ, a raw spinlock held, interrupts or
 * preemption off): there the cost of the scan and of waking every sleeper
 * would add to every other task's latency, which is why complete_all()
 * is not allowed in hard IRQ on PREEMPT_RT either. Elsewhere a call in
 * hard IRQ runs with interrupts off for the whole scan; make bench
 * measures it (a few milliseconds for 65536 indices under QEMU TCG).
 * Return: 0; -EPERM, doing nothing, on PREEMPT_RT where it must not run;
 * -ESHUTDOWN, doing nothing, if @as is being destroyed (which ends every
 * sleep anyway); -EINVAL if @as is NULL or an error pointer.
 */
int alertable_sleep_abort_all(struct alertable_sleep *as)
{
	unsigned int i;

	if (IS_ERR_OR_NULL(as))
		return -EINVAL;
	if (IS_ENABLED(CONFIG_PREEMPT_RT) && !preemptible()) {
		pr_warn_once("abort_all() from a context that cannot be preempted, refused on PREEMPT_RT (%pS)\n",
			     (void *)_RET_IP_);
		return -EPERM;
	}

	rcu_read_lock();
	if (READ_ONCE(as->closing)) {
		rcu_read_unlock();
		return -ESHUTDOWN;
	}
	for (i = 0; i < as->event_count; i++) {
		stat_inc(as, AS_STAT_ABORTS);
		if (entry_signal(&as->entries[i], AS_ABORTED))
			trace_alertable_sleep_abort(as->id, i, true);
	}
	rcu_read_unlock();
	return 0;
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
 * Context: Any context but NMI, PREEMPT_RT included: atomic operations on
 * the index only, no lock and no wake-up.
 * Return: 0 on success; -EBUSY, changing nothing, if a thread is sleeping on
 * @index; -ESHUTDOWN if @as is being destroyed; -EINVAL if @as is NULL or an
 * error pointer or @index is out of range.
 */
int alertable_sleep_reset_for_reuse(struct alertable_sleep *as,
				    unsigned int index)
{
	struct alertable_sleep_entry *e;
	int ret;

	rcu_read_lock();
	ret = entry_lookup(as, index, &e);
	if (ret)
		goto out_unlock;

	ret = entry_reset(e);
	trace_alertable_sleep_reset(as->id, index, ret);
out_unlock:
	rcu_read_unlock();
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
static DEFINE_MUTEX(alertable_sleep_debugfs_lock);
static atomic_t alertable_sleep_ids = ATOMIC_INIT(0);

/*
 * The folder of all instances, made by the first one to be created, so
 * that the facility needs no initcall when it is built in.
 */
static struct dentry *debugfs_root(void)
{
	mutex_lock(&alertable_sleep_debugfs_lock);
	if (!alertable_sleep_debugfs_root)
		alertable_sleep_debugfs_root =
			debugfs_create_dir(KBUILD_MODNAME, NULL);
	mutex_unlock(&alertable_sleep_debugfs_lock);
	return alertable_sleep_debugfs_root;
}

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
	unsigned long state;

	if (v == SEQ_START_TOKEN) {
		state_show_header(m, as);
		return 0;
	}
	state = atomic_long_read(&e->state);
	seq_printf(m, "%td", e - as->entries);
	if (!state)
		seq_puts(m, " idle");
	if (entry_owner(state))
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

static struct alertable_sleep *alertable_sleep_create_named(const char *name,
							    unsigned int event_count)
{
	struct alertable_sleep *as;
	char id_name[16];
	unsigned int i;

	if (!event_count || event_count > ALERTABLE_SLEEP_MAX_EVENTS)
		return ERR_PTR(-EINVAL);

	as = kzalloc_obj(*as, GFP_KERNEL);
	if (!as)
		return ERR_PTR(-ENOMEM);
	as->entries = kvzalloc_objs(*as->entries, event_count, GFP_KERNEL);
	if (!as->entries)
		goto err_free_as;
	as->stats = alloc_percpu(struct alertable_sleep_stats);
	if (!as->stats)
		goto err_free_entries;

	as->event_count = event_count;
	for (i = 0; i < event_count; i++)
		alertable_sleep_entry_init(&as->entries[i]);

	if (!name) {
		as->id = atomic_inc_return(&alertable_sleep_ids);
		snprintf(id_name, sizeof(id_name), "%u", as->id);
		name = id_name;
	}
	/* debugfs is best effort: its failure must not fail the caller. */
	as->debugfs = debugfs_create_dir(name, debugfs_root());
	debugfs_create_file("state", 0400, as->debugfs, as, &state_fops);
	return as;

err_free_entries:
	kvfree(as->entries);
err_free_as:
	kfree(as);
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
 * Makes every new call on @as fail with -ESHUTDOWN, waits until every call
 * in progress on @as has returned (aborts from IRQ handlers, resets) or is
 * a sleep, ends every sleep (it returns -ESHUTDOWN), waits until each has
 * returned, then frees @as. The caller must make sure that nothing calls
 * into @as once this has returned: a thread that sleeps in a loop owns
 * nothing between two sleeps, so stop it (kthread_stop() ends its sleep at
 * once), cancel the timers and free the IRQs that use @as before calling
 * this.
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
	 * After the grace period, every call that saw ->closing clear has
	 * left its read-side section: aborts and resets are done, and a
	 * sleeper owns its index. No index can be claimed any more.
	 */
	WRITE_ONCE(as->closing, true);
	synchronize_rcu();

	for (i = 0; i < as->event_count; i++)
		entry_signal(&as->entries[i], AS_CLOSING);

	/*
	 * The owners were woken; entry_release() wakes us as they leave. The
	 * acquire pairs with the fully ordered fetch_and() of the release:
	 * once the owner reads clear, its last access to the entry happened
	 * before, and the entry may be freed.
	 */
	for (i = 0; i < as->event_count; i++) {
		struct alertable_sleep_entry *e = &as->entries[i];

		wait_var_event(&e->state,
			       !entry_owner(atomic_long_read_acquire(&e->state)));
	}

	free_percpu(as->stats);
	kvfree(as->entries);
	kfree(as);
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

/* OUT-OF-TREE ONLY: scripts/upstream.sh drops this part in-tree. */

/*
 * The module-wide instance, sized by the eventcount parameter, and the
 * module's init and exit. Built into a kernel, the facility has no
 * module-wide instance and needs no initcall.
 */
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
MODULE_VERSION("0.2.0");
/* END OUT-OF-TREE ONLY */
