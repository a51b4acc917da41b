// SPDX-License-Identifier: GPL-2.0
/*
 * alertable_sleep_torture - randomized race test of alertable_sleep
 *
 * insmod runs the whole test and returns when it is over: sleeper threads,
 * aborter threads and a hard-IRQ hrtimer pick random indices of one instance
 * and random operations (sleeps of 0, 1, 2, a few, many milliseconds or
 * forever; abort; abort_all; reset_for_reuse), while a lifecycle thread
 * creates short-lived instances, puts sleepers inside them and destroys them.
 * Every operation is entered in a ledger, and each result is checked against
 * the contract as soon as it is known. The module prints a KTAP document
 * (tests/as_test.h): its plan, a diagnostic line per violation as it is
 * found, one per counter at the end ("# stat NAME=VALUE"), then one result
 * per check: "ok N NAME # armed=M" (M: how many results the check could have
 * failed on), or "not ok N NAME" with the number of violations, or with
 * "never armed" when M is 0, since a check that could not have failed
 * proved nothing. insmod succeeds either way once the run is complete: an
 * error would make busybox's insmod retry with init_module() and run it all
 * again.
 *
 * The ledger of an index of the main instance:
 *
 *  begun     incremented (fully ordered) before each abort of the index, so
 *            abort number n is the one whose increment returned n;
 *  max_done  largest n whose alertable_sleep_abort() has returned, published
 *            by a fully ordered cmpxchg after the call;
 *  ring_b/d  abort n's ktime before/after its call, tagged with n;
 *  rseq      odd while a reset attempt runs; resets of an index are
 *            serialized by a ledger mutex, so rseq orders them;
 *  mark      begun as read after the last reset attempt returned;
 *  enter/exit  sleep calls started/returned on the index.
 *
 * Why each check is sound (no false positive), given that every state change
 * in alertable_sleep is a fully ordered RMW of the entry's state word:
 *
 * codes: each result is one the contract lists for that call, -ERESTARTSYS
 *  only once kthread_stop() was called (nothing signals these threads), 0
 *  never for an infinite sleep.
 *
 * sticky: a sleeper reads rseq (even: no reset running), mark, max_done = D
 *  and begun = b0 before its call, and rseq again after it. If rseq did not
 *  move and D > mark, then abort D began after the last reset attempt R had
 *  returned (R read begun < D after its reset, and both sides are fully
 *  ordered, so D's setting of ABORTED is ordered after R's RMW), it completed
 *  before the call (D was published after the abort returned), and no reset
 *  attempt started in between or during the call (rseq). Nothing else clears
 *  ABORTED, so the sleep must return -ECANCELED (or -EBUSY: when another
 *  thread also sleeps there the contract allows either).
 *
 * overlap: same rseq condition; abort n > b0 began after the sleeper read
 *  b0, so no reset before the call can have cleared it (such a reset would
 *  have published a mark >= n, read by the sleeper as b0 >= n). Its ABORTED
 *  is then seen by the claim, or, if set after the claim, by the release,
 *  unless it was set after the release. A sleep that returns 0 released after
 *  ktime reached call-time + msecs (the module rechecks ktime_get() before
 *  giving up), so if abort n had already returned before that instant by
 *  ktime, the sleep must not return 0. Times in the ring are rounded down to
 *  the microsecond, so the check adds one microsecond to them. This relies
 *  on ktime_get() agreeing across CPUs with the order of fully ordered
 *  atomics, as the x86 TSC does (a locked RMW completes before a later
 *  ordered TSC read).
 *
 * ebusy: a sleep (or reset) that returned -EBUSY must have overlapped another
 *  sleep call on the index: calls entered before it returned minus calls
 *  exited before it started must be positive.
 *
 * early_zero / overshoot: a sleep returning 0 lasted at least msecs by
 *  ktime; no finite sleep lasted more than msecs + slack_ms.
 *
 * wake: a sleep ended by an abort returned within slack_ms of that abort.
 *
 * hung: a monitor thread flags a sleeper still inside a call slack_ms after
 *  its timeout, or slack_ms after it first saw an abort (n > b0, rseq
 *  unchanged) that must have woken it; at the end, repeated abort_all must
 *  drain every sleeper within slack_ms.
 *
 * shutdown / destroy: a short-lived instance is destroyed only after its
 *  hrtimer is cancelled and its lifecycle thread (its only other aborter and
 *  resetter) is the caller, and only once each of its sleepers, which make
 *  exactly one call each, has either returned or is seen inside its sleep
 *  (reset_for_reuse() says -EBUSY). A sleeper seen inside after a reset that
 *  succeeded with every abort of it already done claimed a clean index that
 *  nothing aborts again, so it can only end by its timeout (0) or by destroy
 *  (-ESHUTDOWN); an infinite one must get -ESHUTDOWN. destroy must return
 *  within slack_ms even with sleepers of up to 30 s inside.
 *
 * hardirq: the HRTIMER_MODE_REL_HARD callback did run in hard IRQ.
 *
 * final_state / reconcile: at rest, after one more abort_all, every index
 *  says -ECANCELED, resets, sleeps 0 and 1 ms with 0; the ledger's counts
 *  add up (aborts begun = done, sleeps entered = exited, results = calls,
 *  creates = destroys, timer runs = timer aborts).
 *
 * fake_abort_pct is the negative control: that share of the thread aborts is
 * entered in the ledger but not made, so the checks above must fire.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/delay.h>
#include <linux/err.h>
#include <linux/hrtimer.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/prandom.h>
#include <linux/random.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/wait.h>

#include "alertable_sleep.h"
#include "as_test.h"

static unsigned int threads = 4;
module_param(threads, uint, 0444);
MODULE_PARM_DESC(threads, "Sleeper threads on the main instance (1..64, default 4)");

static unsigned int aborters = 2;
module_param(aborters, uint, 0444);
MODULE_PARM_DESC(aborters, "Aborter threads (1..64, default 2)");

static unsigned int indices = 8;
module_param(indices, uint, 0444);
MODULE_PARM_DESC(indices, "Event indices of the main instance (1..1024, default 8)");

static unsigned int duration = 30;
module_param(duration, uint, 0444);
MODULE_PARM_DESC(duration, "Seconds to run (1..3600, default 30)");

static unsigned int seed;
module_param(seed, uint, 0444);
MODULE_PARM_DESC(seed, "Random seed; 0 picks one and prints it");

static unsigned int churn_sleepers = 3;
module_param(churn_sleepers, uint, 0444);
MODULE_PARM_DESC(churn_sleepers, "Sleepers put in each short-lived instance (0 disables create/destroy, max 16, default 3)");

static unsigned int slack_ms = 10000;
module_param(slack_ms, uint, 0444);
MODULE_PARM_DESC(slack_ms, "Bound on wake-up and scheduling delays before a sleeper counts as hung (100..600000, default 10000)");

static unsigned int fake_abort_pct;
module_param(fake_abort_pct, uint, 0444);
MODULE_PARM_DESC(fake_abort_pct, "Negative control: percent of thread aborts only entered in the ledger (default 0)");

#define MAX_THREADS	64
#define MAX_INDICES	1024
#define MAX_CHURN	16
#define RING		64
#define TAG_SHIFT	40
#define TIME_MASK	((1ULL << TAG_SHIFT) - 1)
#define PRINT_LIMIT	5

/* Counters, printed as "stat NAME=VALUE". */
enum torture_stat {
	ST_SLEEPS,
	ST_SLEEP_OK,
	ST_SLEEP_CANCELED,
	ST_SLEEP_BUSY,
	ST_SLEEP_RESTART,
	ST_SLEEP_OTHER,
	ST_SLEEP_MS0,
	ST_SLEEP_MS1_2,
	ST_SLEEP_MS3_PLUS,
	ST_SLEEP_INFINITE,
	ST_CANCELED_BY_ABORT_DURING,
	ST_ABORTS,
	ST_ABORTS_FAKE,
	ST_ABORT_ALLS,
	ST_IRQ_FIRES,
	ST_IRQ_ABORTS,
	ST_IRQ_ABORT_ALLS,
	ST_RESETS,
	ST_RESET_OK,
	ST_RESET_BUSY,
	ST_CREATES,
	ST_CREATES_ENOMEM,
	ST_DESTROYS,
	ST_CHURN_SLEEPS,
	ST_CHURN_OK,
	ST_CHURN_CANCELED,
	ST_CHURN_BUSY,
	ST_CHURN_SHUTDOWN,
	ST_CHURN_INSIDE_AT_DESTROY,
	ST_CHURN_IRQ_ABORTS,
	ST_MAX_WAKE_US,
	ST_MAX_OVERSHOOT_US,
	ST_MAX_DESTROY_US,
	ST_MAX_SLEEPERS_INSIDE_DESTROY,
	ST_FINAL_DRAIN_ROUNDS,
	NR_STATS
};

static const char * const stat_names[NR_STATS] = {
	[ST_SLEEPS] = "sleeps",
	[ST_SLEEP_OK] = "sleep_ok",
	[ST_SLEEP_CANCELED] = "sleep_canceled",
	[ST_SLEEP_BUSY] = "sleep_busy",
	[ST_SLEEP_RESTART] = "sleep_restart",
	[ST_SLEEP_OTHER] = "sleep_other",
	[ST_SLEEP_MS0] = "sleep_ms0",
	[ST_SLEEP_MS1_2] = "sleep_ms1_2",
	[ST_SLEEP_MS3_PLUS] = "sleep_ms3_plus",
	[ST_SLEEP_INFINITE] = "sleep_infinite",
	[ST_CANCELED_BY_ABORT_DURING] = "canceled_by_abort_during",
	[ST_ABORTS] = "aborts",
	[ST_ABORTS_FAKE] = "aborts_fake",
	[ST_ABORT_ALLS] = "abort_alls",
	[ST_IRQ_FIRES] = "irq_fires",
	[ST_IRQ_ABORTS] = "irq_aborts",
	[ST_IRQ_ABORT_ALLS] = "irq_abort_alls",
	[ST_RESETS] = "resets",
	[ST_RESET_OK] = "reset_ok",
	[ST_RESET_BUSY] = "reset_busy",
	[ST_CREATES] = "creates",
	[ST_CREATES_ENOMEM] = "creates_enomem",
	[ST_DESTROYS] = "destroys",
	[ST_CHURN_SLEEPS] = "churn_sleeps",
	[ST_CHURN_OK] = "churn_ok",
	[ST_CHURN_CANCELED] = "churn_canceled",
	[ST_CHURN_BUSY] = "churn_busy",
	[ST_CHURN_SHUTDOWN] = "churn_shutdown",
	[ST_CHURN_INSIDE_AT_DESTROY] = "churn_inside_at_destroy",
	[ST_CHURN_IRQ_ABORTS] = "churn_irq_aborts",
	[ST_MAX_WAKE_US] = "max_wake_us",
	[ST_MAX_OVERSHOOT_US] = "max_overshoot_us",
	[ST_MAX_DESTROY_US] = "max_destroy_us",
	[ST_MAX_SLEEPERS_INSIDE_DESTROY] = "max_sleepers_inside_destroy",
	[ST_FINAL_DRAIN_ROUNDS] = "final_drain_rounds",
};

/* Invariants, printed as "check NAME PASS|FAIL violations=N armed=M". */
enum torture_check {
	CK_CODES,
	CK_EARLY_ZERO,
	CK_OVERSHOOT,
	CK_STICKY,
	CK_OVERLAP,
	CK_EBUSY,
	CK_WAKE,
	CK_HUNG,
	CK_SHUTDOWN,
	CK_DESTROY,
	CK_HARDIRQ,
	CK_FINAL_STATE,
	CK_RECONCILE,
	NR_CHECKS
};

static const char * const check_names[NR_CHECKS] = {
	[CK_CODES] = "codes",
	[CK_EARLY_ZERO] = "early_zero",
	[CK_OVERSHOOT] = "overshoot",
	[CK_STICKY] = "sticky",
	[CK_OVERLAP] = "overlap",
	[CK_EBUSY] = "ebusy",
	[CK_WAKE] = "wake",
	[CK_HUNG] = "hung",
	[CK_SHUTDOWN] = "shutdown",
	[CK_DESTROY] = "destroy",
	[CK_HARDIRQ] = "hardirq",
	[CK_FINAL_STATE] = "final_state",
	[CK_RECONCILE] = "reconcile",
};

struct index_ledger {
	atomic64_t begun;
	atomic64_t max_done;
	atomic64_t done;
	atomic64_t mark;
	atomic_t rseq;
	atomic_t enter;
	atomic_t exit;
	struct mutex reset_lock;	/* serializes the resets of the index */
	atomic64_t ring_b[RING];
	atomic64_t ring_d[RING];
};

/* What the monitor may read of a sleeper that is inside a call. */
struct call_rec {
	bool in_call;
	unsigned int index;
	unsigned int msecs;
	ktime_t t_call;
	s64 b0;
	int rs0;
	u64 gen;
};

struct sleeper_rec {
	spinlock_t lock;	/* the sleeper writes @d, the monitor reads it */
	struct call_rec d;
};

struct worker {
	struct task_struct *task;
	struct rnd_state rnd;
	unsigned int id;
	s64 *ns;		/* abort numbers of one abort_all */
	struct sleeper_rec rec;
	/* monitor-private */
	u64 seen_gen;
	ktime_t seen_at;
	u64 flagged_gen;
};

struct churn_sleeper {
	struct task_struct *task;
	wait_queue_head_t wq;
	unsigned int assigned;	/* generation of the current assignment */
	unsigned int done;	/* generation whose sleep has returned */
	struct alertable_sleep *as;
	unsigned int index;
	unsigned int msecs;
	int ret;
	ktime_t t_call;
	ktime_t t_ret;
};

static struct {
	struct alertable_sleep *as;
	struct index_ledger *ix;
	ktime_t t0;
	bool stopping;
	atomic_t running;
	wait_queue_head_t drain_wq;
	struct worker sleepers[MAX_THREADS];
	struct worker aborters[MAX_THREADS];
	struct worker monitor;
	struct worker lifecycle;

	struct hrtimer timer;
	struct rnd_state timer_rnd;
	s64 *timer_ns;
	bool timer_stop;

	struct churn_sleeper churn[MAX_CHURN];
	wait_queue_head_t churn_wq;
	struct alertable_sleep *churn_as;
	unsigned int churn_n;
	struct hrtimer churn_timer;
	struct rnd_state churn_rnd;
	bool churn_timer_stop;
	bool churn_broken;

	atomic64_t stats[NR_STATS];
	atomic64_t violations[NR_CHECKS];
	atomic64_t armed[NR_CHECKS];
} T;

static u32 rnd(struct rnd_state *s, u32 n)
{
	return n ? prandom_u32_state(s) % n : 0;
}

static void stat_inc(enum torture_stat s)
{
	atomic64_inc(&T.stats[s]);
}

static void stat_max(enum torture_stat s, s64 v)
{
	s64 old = atomic64_read(&T.stats[s]);

	while (old < v && !atomic64_try_cmpxchg(&T.stats[s], &old, v))
		;
}

static void armed(enum torture_check c)
{
	atomic64_inc(&T.armed[c]);
}

static __printf(2, 3) void violation(enum torture_check c, const char *fmt, ...)
{
	struct va_format vaf;
	va_list args;

	if (atomic64_inc_return(&T.violations[c]) > PRINT_LIMIT)
		return;
	va_start(args, fmt);
	vaf.fmt = fmt;
	vaf.va = &args;
	pr_err("# violation %s: %pV\n", check_names[c], &vaf);
	va_end(args);
}

static bool stopping(void)
{
	return READ_ONCE(T.stopping);
}

static s64 us_since_t0(ktime_t t)
{
	return div_s64(ktime_to_ns(ktime_sub(t, T.t0)), NSEC_PER_USEC);
}

static u64 ring_pack(s64 n, ktime_t t)
{
	return ((u64)n << TAG_SHIFT) | ((u64)us_since_t0(t) & TIME_MASK);
}

/* Time (us since t0) that abort n stored in @ring, if still there. */
static bool ring_get(atomic64_t *ring, s64 n, s64 *us)
{
	u64 v = atomic64_read(&ring[n % RING]);

	if ((v >> TAG_SHIFT) != ((u64)n & ((1ULL << (64 - TAG_SHIFT)) - 1)))
		return false;
	*us = v & TIME_MASK;
	return true;
}

static void max64(atomic64_t *v, s64 n)
{
	s64 old = atomic64_read(v);

	while (old < n && !atomic64_try_cmpxchg(v, &old, n))
		;
}

/* The ledger side of an abort; also called from hard-IRQ context. */
static s64 abort_begin(unsigned int j)
{
	struct index_ledger *ix = &T.ix[j];
	s64 n = atomic64_inc_return(&ix->begun);

	atomic64_set(&ix->ring_b[n % RING], ring_pack(n, ktime_get()));
	return n;
}

static void abort_end(unsigned int j, s64 n)
{
	struct index_ledger *ix = &T.ix[j];

	atomic64_set(&ix->ring_d[n % RING], ring_pack(n, ktime_get()));
	atomic64_inc(&ix->done);
	max64(&ix->max_done, n);
}

static void do_abort(unsigned int j, bool fake)
{
	s64 n = abort_begin(j);
	int ret = 0;

	if (fake)
		stat_inc(ST_ABORTS_FAKE);
	else
		ret = alertable_sleep_abort(T.as, j);
	abort_end(j, n);
	armed(CK_CODES);
	if (ret)
		violation(CK_CODES, "abort(%u) returned %d", j, ret);
}

static void do_abort_all(s64 *ns)
{
	unsigned int j;
	int ret;

	for (j = 0; j < indices; j++)
		ns[j] = abort_begin(j);
	ret = alertable_sleep_abort_all(T.as);
	for (j = 0; j < indices; j++)
		abort_end(j, ns[j]);
	armed(CK_CODES);
	if (ret)
		violation(CK_CODES, "abort_all() returned %d", ret);
}

/*
 * PREEMPT_RT refuses abort_all() in hard IRQ (-EPERM, nothing aborted),
 * which vm-test checks; there the hard-IRQ timers abort one index.
 */
static bool hardirq_abort_all_ok(void)
{
	return !IS_ENABLED(CONFIG_PREEMPT_RT);
}

static void do_reset(unsigned int j)
{
	struct index_ledger *ix = &T.ix[j];
	int ret, en, ex;

	mutex_lock(&ix->reset_lock);
	atomic_inc(&ix->rseq);
	/* Odd rseq is visible before the reset can touch the state. */
	smp_mb__after_atomic();
	ex = atomic_read(&ix->exit);
	ret = alertable_sleep_reset_for_reuse(T.as, j);
	/* The reset is done before mark reads begun (sticky check). */
	smp_mb();
	en = atomic_read(&ix->enter);
	atomic64_set(&ix->mark, atomic64_read(&ix->begun));
	/* Pairs with the acquire of rseq in do_sleep(): mark first. */
	smp_mb__before_atomic();
	atomic_inc(&ix->rseq);
	mutex_unlock(&ix->reset_lock);

	stat_inc(ST_RESETS);
	armed(CK_CODES);
	if (ret == 0) {
		stat_inc(ST_RESET_OK);
	} else if (ret == -EBUSY) {
		stat_inc(ST_RESET_BUSY);
		armed(CK_EBUSY);
		if (en - ex <= 0)
			violation(CK_EBUSY,
				  "reset(%u) said -EBUSY with no sleep call on it",
				  j);
	} else {
		violation(CK_CODES, "reset(%u) returned %d", j, ret);
	}
}

/* Earliest begin time of the aborts (b0, b1] that are still in the ring. */
static bool first_abort_in(struct index_ledger *ix, s64 b0, s64 b1,
			   s64 *begin_us, s64 *done_us)
{
	bool found = false;
	s64 n, b, d;

	for (n = b0 + 1; n <= b1 && n <= b0 + RING; n++) {
		if (!ring_get(ix->ring_b, n, &b) || !ring_get(ix->ring_d, n, &d))
			continue;
		if (!found || d < *done_us)
			*done_us = d;
		if (!found || b < *begin_us)
			*begin_us = b;
		found = true;
	}
	return found;
}

static unsigned int pick_msecs(struct rnd_state *r)
{
	u32 p = rnd(r, 100);

	if (p < 10)
		return 0;
	if (p < 40)
		return 1 + rnd(r, 2);
	if (p < 75)
		return 3 + rnd(r, 18);
	if (p < 95)
		return 20 + rnd(r, 181);
	return ALERTABLE_SLEEP_INFINITE;
}

static void rec_publish(struct worker *w, bool in, unsigned int j,
			unsigned int msecs, ktime_t t, s64 b0, int rs0)
{
	spin_lock(&w->rec.lock);
	w->rec.d.in_call = in;
	if (in) {
		w->rec.d.index = j;
		w->rec.d.msecs = msecs;
		w->rec.d.t_call = t;
		w->rec.d.b0 = b0;
		w->rec.d.rs0 = rs0;
		w->rec.d.gen++;
	}
	spin_unlock(&w->rec.lock);
}

static int do_sleep(struct worker *w, unsigned int j, unsigned int msecs)
{
	struct index_ledger *ix = &T.ix[j];
	bool finite = msecs != ALERTABLE_SLEEP_INFINITE;
	bool quiet, stop, must_cancel = false;
	s64 mark, d0, b0, b1, elapsed_us, ab_us = 0, ad_us = 0;
	int rs0, rs1, ex, en, ret;
	ktime_t t_call, t_ret;

	rs0 = atomic_read_acquire(&ix->rseq);
	mark = atomic64_read(&ix->mark);
	d0 = atomic64_read(&ix->max_done);
	b0 = atomic64_read(&ix->begun);
	atomic_inc(&ix->enter);
	/* The ledger reads above come before the claim in the sleep. */
	smp_mb__after_atomic();
	ex = atomic_read(&ix->exit);
	t_call = ktime_get();
	rec_publish(w, true, j, msecs, t_call, b0, rs0);

	ret = alertable_sleep_sleep(T.as, j, msecs);

	t_ret = ktime_get();
	rec_publish(w, false, 0, 0, 0, 0, 0);
	/* The release in the sleep comes before these reads. */
	smp_mb();
	en = atomic_read(&ix->enter);
	b1 = atomic64_read(&ix->begun);
	rs1 = atomic_read(&ix->rseq);
	/* Our exit is counted only after the release (ebusy check). */
	smp_mb__before_atomic();
	atomic_inc(&ix->exit);
	stop = kthread_should_stop() || stopping();
	elapsed_us = ktime_us_delta(t_ret, t_call);

	stat_inc(ST_SLEEPS);
	if (!msecs)
		stat_inc(ST_SLEEP_MS0);
	else if (msecs <= 2)
		stat_inc(ST_SLEEP_MS1_2);
	else if (finite)
		stat_inc(ST_SLEEP_MS3_PLUS);
	else
		stat_inc(ST_SLEEP_INFINITE);

	armed(CK_CODES);
	switch (ret) {
	case 0:
		stat_inc(ST_SLEEP_OK);
		if (!finite)
			violation(CK_CODES, "sleep(%u, forever) returned 0", j);
		break;
	case -ECANCELED:
		stat_inc(ST_SLEEP_CANCELED);
		break;
	case -EBUSY:
		stat_inc(ST_SLEEP_BUSY);
		armed(CK_EBUSY);
		if (en - 1 - ex <= 0)
			violation(CK_EBUSY,
				  "sleep(%u) said -EBUSY with no other sleep call on it",
				  j);
		break;
	case -ERESTARTSYS:
		stat_inc(ST_SLEEP_RESTART);
		/* Only kthread_stop() interrupts these threads. */
		if (!kthread_should_stop())
			violation(CK_CODES,
				  "sleep(%u, %u) returned -ERESTARTSYS with no signal or stop",
				  j, msecs);
		break;
	default:
		stat_inc(ST_SLEEP_OTHER);
		violation(CK_CODES, "sleep(%u, %u) returned %d", j, msecs, ret);
	}

	if (ret == 0 && msecs && finite) {
		armed(CK_EARLY_ZERO);
		if (ktime_to_ns(ktime_sub(t_ret, t_call)) <
		    (s64)msecs * NSEC_PER_MSEC)
			violation(CK_EARLY_ZERO,
				  "sleep(%u, %u) returned 0 after %lld us",
				  j, msecs, elapsed_us);
		stat_max(ST_MAX_OVERSHOOT_US, elapsed_us - msecs * 1000LL);
	}
	if (finite && !stop) {
		armed(CK_OVERSHOOT);
		if (elapsed_us > (msecs + (s64)slack_ms) * 1000)
			violation(CK_OVERSHOOT,
				  "sleep(%u, %u) returned %d after %lld us",
				  j, msecs, ret, elapsed_us);
	}

	quiet = !(rs0 & 1) && rs0 == rs1;
	if (!quiet)
		return ret;
	if (d0 > mark) {
		armed(CK_STICKY);
		must_cancel = true;
		if (ret != -ECANCELED && ret != -EBUSY &&
		    !(ret == -ERESTARTSYS && stop))
			violation(CK_STICKY,
				  "sleep(%u, %u) returned %d after abort #%lld (no reset since #%lld)",
				  j, msecs, ret, d0, mark);
	}
	if (!first_abort_in(ix, b0, b1, &ab_us, &ad_us))
		return ret;
	if (msecs && (!finite || (ad_us + 1) * NSEC_PER_USEC <=
		      ktime_to_ns(ktime_sub(t_call, T.t0)) +
		      (s64)msecs * NSEC_PER_MSEC)) {
		must_cancel = true;
		armed(CK_OVERLAP);
		if (ret != -ECANCELED && ret != -EBUSY &&
		    !(ret == -ERESTARTSYS && stop))
			violation(CK_OVERLAP,
				  "sleep(%u, %u) returned %d after %lld us though an abort begun after its call returned at +%lld us",
				  j, msecs, ret, elapsed_us,
				  ad_us - us_since_t0(t_call));
	}
	if (ret == -ECANCELED && must_cancel) {
		s64 lat = us_since_t0(t_ret) - max(ab_us, us_since_t0(t_call));

		stat_inc(ST_CANCELED_BY_ABORT_DURING);
		stat_max(ST_MAX_WAKE_US, lat);
		armed(CK_WAKE);
		if (lat > slack_ms * 1000LL)
			violation(CK_WAKE,
				  "sleep(%u) woke %lld us after its abort",
				  j, lat);
	}
	return ret;
}

static int sleeper_fn(void *arg)
{
	struct worker *w = arg;

	while (!kthread_should_stop() && !stopping()) {
		unsigned int j = rnd(&w->rnd, indices);
		u32 op = rnd(&w->rnd, 100);

		/*
		 * Resetting before some sleeps and after half the sticky
		 * -ECANCELED keeps the indices from staying aborted, so that
		 * sleeps also run to their timeout and race aborts.
		 */
		if (op < 15) {
			do_reset(j);
		} else {
			if (op < 40)
				do_reset(j);
			if (do_sleep(w, j, pick_msecs(&w->rnd)) == -ECANCELED &&
			    rnd(&w->rnd, 2))
				do_reset(j);
		}
		cond_resched();
	}
	if (atomic_dec_and_test(&T.running))
		wake_up(&T.drain_wq);
	as_test_wait_for_stop();
	return 0;
}

static int aborter_fn(void *arg)
{
	struct worker *w = arg;

	while (!kthread_should_stop() && !stopping()) {
		unsigned int j = rnd(&w->rnd, indices);
		u32 op = rnd(&w->rnd, 100);

		if (op < 55) {
			stat_inc(ST_ABORTS);
			do_abort(j, rnd(&w->rnd, 100) < fake_abort_pct);
		} else if (op < 58) {
			stat_inc(ST_ABORT_ALLS);
			do_abort_all(w->ns);
		} else {
			do_reset(j);
		}
		switch (rnd(&w->rnd, 4)) {
		case 0:
			cond_resched();
			break;
		case 1:
			udelay(rnd(&w->rnd, 200));
			break;
		default:
			usleep_range(200, 300 + rnd(&w->rnd, 4000));
		}
	}
	as_test_wait_for_stop();
	return 0;
}

static enum hrtimer_restart timer_fn(struct hrtimer *t)
{
	unsigned int j = rnd(&T.timer_rnd, indices);

	stat_inc(ST_IRQ_FIRES);
	armed(CK_HARDIRQ);
	if (!in_hardirq())
		violation(CK_HARDIRQ,
			  "the HRTIMER_MODE_REL_HARD callback ran outside hard IRQ");
	if (rnd(&T.timer_rnd, 20) || !hardirq_abort_all_ok()) {
		s64 n = abort_begin(j);
		int ret = alertable_sleep_abort(T.as, j);

		abort_end(j, n);
		stat_inc(ST_IRQ_ABORTS);
		armed(CK_CODES);
		if (ret)
			violation(CK_CODES, "abort(%u) in hard IRQ returned %d",
				  j, ret);
	} else {
		do_abort_all(T.timer_ns);
		stat_inc(ST_IRQ_ABORT_ALLS);
	}
	if (READ_ONCE(T.timer_stop))
		return HRTIMER_NORESTART;
	hrtimer_forward_now(t, ns_to_ktime(500 * NSEC_PER_USEC +
					   rnd(&T.timer_rnd, 4 * NSEC_PER_MSEC)));
	return HRTIMER_RESTART;
}

/* --- short-lived instances ------------------------------------------- */

static unsigned int churn_assignment(struct churn_sleeper *cs)
{
	/* Acquire: pairs with the release in churn_cycle(). */
	return smp_load_acquire(&cs->assigned);
}

static int churn_fn(void *arg)
{
	struct churn_sleeper *cs = arg;
	unsigned int seen = 0;

	for (;;) {
		struct alertable_sleep *as;
		unsigned int gen;

		wait_event_interruptible(cs->wq,
					 churn_assignment(cs) != seen ||
					 kthread_should_stop());
		if (kthread_should_stop())
			break;
		gen = churn_assignment(cs);
		if (gen == seen)
			continue;
		seen = gen;
		as = cs->as;
		cs->t_call = ktime_get();
		cs->ret = alertable_sleep_sleep(as, cs->index, cs->msecs);
		cs->t_ret = ktime_get();
		/*
		 * Never touch @as again: destroy may free it from here on.
		 * Release: the results are written before done.
		 */
		smp_store_release(&cs->done, gen);
		wake_up(&T.churn_wq);
	}
	return 0;
}

static enum hrtimer_restart churn_timer_fn(struct hrtimer *t)
{
	struct alertable_sleep *as = T.churn_as;

	if (rnd(&T.churn_rnd, 10) || !hardirq_abort_all_ok())
		alertable_sleep_abort(as, rnd(&T.churn_rnd, T.churn_n));
	else
		alertable_sleep_abort_all(as);
	stat_inc(ST_CHURN_IRQ_ABORTS);
	if (READ_ONCE(T.churn_timer_stop))
		return HRTIMER_NORESTART;
	hrtimer_forward_now(t, ns_to_ktime(300 * NSEC_PER_USEC +
					   rnd(&T.churn_rnd, 3 * NSEC_PER_MSEC)));
	return HRTIMER_RESTART;
}

static unsigned int churn_msecs(struct rnd_state *r)
{
	u32 p = rnd(r, 100);

	if (p < 40)
		return ALERTABLE_SLEEP_INFINITE;
	if (p < 50)
		return 0;
	if (p < 75)
		return 1 + rnd(r, 3);
	return 1000 + rnd(r, 29001);
}

static bool all_churn_done(unsigned int m, unsigned int gen)
{
	unsigned int k;

	for (k = 0; k < m; k++) {
		/* Acquire: pairs with the release in churn_fn(). */
		if (smp_load_acquire(&T.churn[k].done) != gen)
			return false;
	}
	return true;
}

static void churn_judge(struct churn_sleeper *cs, bool inside, bool clean,
			ktime_t t_destroyed)
{
	bool finite = cs->msecs != ALERTABLE_SLEEP_INFINITE;
	s64 elapsed_ns = ktime_to_ns(ktime_sub(cs->t_ret, cs->t_call));
	int ret = cs->ret;

	stat_inc(ST_CHURN_SLEEPS);
	armed(CK_CODES);
	switch (ret) {
	case 0:
		stat_inc(ST_CHURN_OK);
		if (!finite)
			violation(CK_CODES,
				  "short-lived sleep(forever) returned 0");
		if (cs->msecs) {
			armed(CK_EARLY_ZERO);
			if (elapsed_ns < (s64)cs->msecs * NSEC_PER_MSEC)
				violation(CK_EARLY_ZERO,
					  "short-lived sleep(%u) returned 0 after %lld ns",
					  cs->msecs, elapsed_ns);
		}
		break;
	case -ECANCELED:
		stat_inc(ST_CHURN_CANCELED);
		break;
	case -EBUSY:
		stat_inc(ST_CHURN_BUSY);
		break;
	case -ESHUTDOWN:
		stat_inc(ST_CHURN_SHUTDOWN);
		break;
	default:
		violation(CK_CODES, "short-lived sleep(%u) returned %d",
			  cs->msecs, ret);
	}
	if (!inside || !clean)
		return;
	stat_inc(ST_CHURN_INSIDE_AT_DESTROY);
	armed(CK_SHUTDOWN);
	if (finite ? ret != 0 && ret != -ESHUTDOWN : ret != -ESHUTDOWN)
		violation(CK_SHUTDOWN,
			  "sleep(%u) inside a clean index at destroy returned %d",
			  cs->msecs, ret);
	/* Its timeout was still ahead when destroy returned: only destroy. */
	if (finite && ktime_before(t_destroyed,
				   ktime_add_ms(cs->t_call, cs->msecs)) &&
	    ret != -ESHUTDOWN)
		violation(CK_SHUTDOWN,
			  "sleep(%u) whose timeout was ahead returned %d across destroy",
			  cs->msecs, ret);
}

static void churn_cycle(struct worker *w)
{
	static unsigned int gen;
	bool inside[MAX_CHURN], clean[MAX_CHURN];
	struct rnd_state *r = &w->rnd;
	unsigned int n, m, k, base, nin = 0;
	struct alertable_sleep *as;
	ktime_t t_d0, t_d1, end;
	u32 p = rnd(r, 128);

	n = p == 0 ? ALERTABLE_SLEEP_MAX_EVENTS : p < 4 ? 4096 : 1 + rnd(r, 8);
	as = alertable_sleep_create(n);
	armed(CK_CODES);
	if (IS_ERR(as)) {
		if (PTR_ERR(as) == -ENOMEM)
			stat_inc(ST_CREATES_ENOMEM);
		else
			violation(CK_CODES, "create(%u) returned %pe", n, as);
		return;
	}
	stat_inc(ST_CREATES);
	if (alertable_sleep_event_count(as) != n)
		violation(CK_CODES, "event_count() is %u, created with %u",
			  alertable_sleep_event_count(as), n);

	gen++;
	m = min(n, churn_sleepers);
	base = rnd(r, n);
	for (k = 0; k < m; k++) {
		struct churn_sleeper *cs = &T.churn[k];

		cs->as = as;
		cs->index = (base + k) % n;
		cs->msecs = churn_msecs(r);
		/* Release: pairs with the acquire in churn_assignment(). */
		smp_store_release(&cs->assigned, gen);
		wake_up(&cs->wq);
	}

	/* Abort from a hard-IRQ timer and from here while they sleep. */
	T.churn_as = as;
	T.churn_n = n;
	WRITE_ONCE(T.churn_timer_stop, false);
	hrtimer_start(&T.churn_timer, ns_to_ktime(500 * NSEC_PER_USEC),
		      HRTIMER_MODE_REL_HARD);
	end = ktime_add_ms(ktime_get(), rnd(r, 20));
	while (ktime_before(ktime_get(), end)) {
		unsigned int j = rnd(r, n);
		int ret;

		switch (rnd(r, 5)) {
		case 0:
			ret = alertable_sleep_abort(as, j);
			break;
		case 1:
			ret = alertable_sleep_abort_all(as);
			break;
		case 2:
			ret = alertable_sleep_reset_for_reuse(as, j);
			ret = ret == -EBUSY ? 0 : ret;
			break;
		case 3:
			ret = alertable_sleep_abort(as, n) == -EINVAL ? 0 : -1;
			break;
		default:
			ret = alertable_sleep_sleep(as, j, 0);
			if (ret == -ECANCELED || ret == -EBUSY)
				ret = 0;
		}
		armed(CK_CODES);
		if (ret)
			violation(CK_CODES,
				  "operation on a short-lived instance returned %d",
				  ret);
		usleep_range(100, 500);
	}
	/* The documented rule: stop every aborter before destroy. */
	WRITE_ONCE(T.churn_timer_stop, true);
	hrtimer_cancel(&T.churn_timer);

	for (k = 0; k < m; k++) {
		struct churn_sleeper *cs = &T.churn[k];

		inside[k] = false;
		clean[k] = false;
		end = ktime_add_ms(ktime_get(), slack_ms);
		/* Acquire: pairs with the release in churn_fn(). */
		while (smp_load_acquire(&cs->done) != gen) {
			int ret = alertable_sleep_reset_for_reuse(as, cs->index);

			if (ret == -EBUSY) {
				inside[k] = true;
				nin++;
				break;
			}
			if (ret)
				violation(CK_CODES,
					  "reset of a short-lived instance returned %d",
					  ret);
			clean[k] = true;
			if (ktime_after(ktime_get(), end)) {
				violation(CK_HUNG,
					  "short-lived sleeper %u neither returned nor entered in %u ms",
					  k, slack_ms);
				break;
			}
			usleep_range(20, 100);
		}
	}

	t_d0 = ktime_get();
	alertable_sleep_destroy(as);
	t_d1 = ktime_get();
	stat_inc(ST_DESTROYS);
	stat_max(ST_MAX_DESTROY_US, ktime_us_delta(t_d1, t_d0));
	stat_max(ST_MAX_SLEEPERS_INSIDE_DESTROY, nin);
	armed(CK_DESTROY);
	if (ktime_us_delta(t_d1, t_d0) > slack_ms * 1000LL)
		violation(CK_DESTROY,
			  "destroy(%u events, %u sleepers inside) took %lld us",
			  n, nin, ktime_us_delta(t_d1, t_d0));
	if (!wait_event_timeout(T.churn_wq, all_churn_done(m, gen),
				msecs_to_jiffies(slack_ms))) {
		violation(CK_DESTROY,
			  "a sleeper of a destroyed instance did not return in %u ms",
			  slack_ms);
		/* That sleeper may still be running: stop cycling. */
		T.churn_broken = true;
		return;
	}
	for (k = 0; k < m; k++)
		churn_judge(&T.churn[k], inside[k], clean[k], t_d1);
}

static int lifecycle_fn(void *arg)
{
	struct worker *w = arg;

	while (!stopping() && !T.churn_broken)
		churn_cycle(w);
	as_test_wait_for_stop();
	return 0;
}

/* --- monitor ---------------------------------------------------------- */

static void monitor_one(struct worker *w, ktime_t now)
{
	struct call_rec r;

	spin_lock(&w->rec.lock);
	r = w->rec.d;
	spin_unlock(&w->rec.lock);
	if (!r.in_call)
		return;
	armed(CK_HUNG);
	if (w->flagged_gen == r.gen)
		return;
	if (r.msecs != ALERTABLE_SLEEP_INFINITE &&
	    ktime_ms_delta(now, r.t_call) > (s64)r.msecs + slack_ms) {
		w->flagged_gen = r.gen;
		violation(CK_HUNG,
			  "sleeper %u inside sleep(%u, %u) for %lld ms",
			  w->id, r.index, r.msecs,
			  ktime_ms_delta(now, r.t_call));
		return;
	}
	if (atomic64_read(&T.ix[r.index].max_done) > r.b0 && !(r.rs0 & 1) &&
	    atomic_read(&T.ix[r.index].rseq) == r.rs0) {
		if (w->seen_gen != r.gen) {
			w->seen_gen = r.gen;
			w->seen_at = now;
		} else if (ktime_ms_delta(now, w->seen_at) > slack_ms) {
			w->flagged_gen = r.gen;
			violation(CK_HUNG,
				  "sleeper %u inside sleep(%u, %u) %lld ms after an abort of its index",
				  w->id, r.index, r.msecs,
				  ktime_ms_delta(now, w->seen_at));
		}
	}
}

static int monitor_fn(void *arg)
{
	unsigned int i;

	while (!kthread_should_stop()) {
		ktime_t now = ktime_get();

		for (i = 0; i < threads; i++)
			monitor_one(&T.sleepers[i], now);
		schedule_timeout_interruptible(msecs_to_jiffies(50));
	}
	return 0;
}

/* --- setup, run, report ---------------------------------------------- */

static struct task_struct *torture_thread(int (*fn)(void *), void *arg,
					  const char *what, unsigned int id)
{
	struct task_struct *t = kthread_run(fn, arg, "as_torture_%s/%u",
					    what, id);

	if (IS_ERR(t))
		pr_err("cannot start thread %s/%u: %pe\n", what, id, t);
	return t;
}

static void stop(struct task_struct **t)
{
	if (!IS_ERR_OR_NULL(*t))
		kthread_stop(*t);
	*t = NULL;
}

static void worker_init(struct worker *w, unsigned int id, u64 s)
{
	w->id = id;
	spin_lock_init(&w->rec.lock);
	prandom_seed_state(&w->rnd, s);
}

static void final_checks(void)
{
	s64 sum = 0;
	unsigned int j;
	int i;

	/* At rest, the ledger alone says which indices must be aborted. */
	for (j = 0; j < indices; j++) {
		struct index_ledger *ix = &T.ix[j];

		if (atomic64_read(&ix->max_done) <= atomic64_read(&ix->mark))
			continue;
		armed(CK_STICKY);
		i = alertable_sleep_sleep(T.as, j, 0);
		if (i != -ECANCELED)
			violation(CK_STICKY,
				  "index %u at rest, aborted by #%lld after the last reset (#%lld): sleep(0) returned %d",
				  j, atomic64_read(&ix->max_done),
				  atomic64_read(&ix->mark), i);
	}
	do_abort_all(T.timer_ns);
	for (j = 0; j < indices; j++) {
		struct index_ledger *ix = &T.ix[j];
		ktime_t t;
		int a, b, c, d;

		armed(CK_FINAL_STATE);
		armed(CK_RECONCILE);
		if (atomic64_read(&ix->begun) != atomic64_read(&ix->done) ||
		    atomic_read(&ix->enter) != atomic_read(&ix->exit) ||
		    atomic_read(&ix->rseq) & 1)
			violation(CK_RECONCILE,
				  "index %u: aborts begun %lld done %lld, sleeps entered %d exited %d, rseq %d",
				  j, atomic64_read(&ix->begun),
				  atomic64_read(&ix->done),
				  atomic_read(&ix->enter),
				  atomic_read(&ix->exit),
				  atomic_read(&ix->rseq));
		/* Everything has stopped: the abort_all above is still set. */
		a = alertable_sleep_sleep(T.as, j, 0);
		b = alertable_sleep_reset_for_reuse(T.as, j);
		c = alertable_sleep_sleep(T.as, j, 0);
		t = ktime_get();
		d = alertable_sleep_sleep(T.as, j, 1);
		if (a != -ECANCELED || b || c || d ||
		    ktime_to_ns(ktime_sub(ktime_get(), t)) < NSEC_PER_MSEC)
			violation(CK_FINAL_STATE,
				  "index %u at rest: sleep %d, reset %d, sleep(0) %d, sleep(1) %d",
				  j, a, b, c, d);
		a = alertable_sleep_abort(T.as, j);
		b = alertable_sleep_sleep(T.as, j, ALERTABLE_SLEEP_INFINITE);
		c = alertable_sleep_reset_for_reuse(T.as, j);
		if (a || b != -ECANCELED || c)
			violation(CK_FINAL_STATE,
				  "index %u at rest: abort %d, sleep(forever) %d, reset %d",
				  j, a, b, c);
	}
	for (i = ST_SLEEP_OK; i <= ST_SLEEP_OTHER; i++)
		sum += atomic64_read(&T.stats[i]);
	if (sum != atomic64_read(&T.stats[ST_SLEEPS]))
		violation(CK_RECONCILE, "%lld sleeps but %lld results",
			  atomic64_read(&T.stats[ST_SLEEPS]), sum);
	if (atomic64_read(&T.stats[ST_CREATES]) !=
	    atomic64_read(&T.stats[ST_DESTROYS]))
		violation(CK_RECONCILE, "%lld creates, %lld destroys",
			  atomic64_read(&T.stats[ST_CREATES]),
			  atomic64_read(&T.stats[ST_DESTROYS]));
	if (atomic64_read(&T.stats[ST_IRQ_FIRES]) !=
	    atomic64_read(&T.stats[ST_IRQ_ABORTS]) +
	    atomic64_read(&T.stats[ST_IRQ_ABORT_ALLS]))
		violation(CK_RECONCILE, "%lld timer runs, %lld aborts",
			  atomic64_read(&T.stats[ST_IRQ_FIRES]),
			  atomic64_read(&T.stats[ST_IRQ_ABORTS]) +
			  atomic64_read(&T.stats[ST_IRQ_ABORT_ALLS]));
}

static void report(void)
{
	unsigned int j;
	int i;

	for (i = 0; i < NR_STATS; i++)
		ktap_diag("stat %s=%lld", stat_names[i],
			  atomic64_read(&T.stats[i]));
	for (j = 0; j < indices && j < 16; j++)
		ktap_diag("stat index%u aborts=%lld sleeps=%d resets=%d", j,
			  atomic64_read(&T.ix[j].begun),
			  atomic_read(&T.ix[j].enter),
			  atomic_read(&T.ix[j].rseq) / 2);
	for (i = 0; i < NR_CHECKS; i++) {
		s64 v = atomic64_read(&T.violations[i]);
		s64 a = atomic64_read(&T.armed[i]);

		if (a && !v)
			ktap_result(check_names[i], true, "armed=%lld", a);
		else if (v)
			ktap_result(check_names[i], false,
				    "%lld violations in %lld results checked",
				    v, a);
		else
			ktap_result(check_names[i], false,
				    "never armed: it cannot have failed");
	}
	ktap_end();
}

static void drain_sleepers(void)
{
	unsigned long end = jiffies + msecs_to_jiffies(slack_ms);

	/*
	 * A sleeper that was already past its stop test may still reset an
	 * index and sleep forever on it, so abort everything until they are
	 * all out; each round is entered in the ledger like any abort_all.
	 */
	do {
		stat_inc(ST_FINAL_DRAIN_ROUNDS);
		do_abort_all(T.timer_ns);
		if (wait_event_timeout(T.drain_wq, !atomic_read(&T.running),
				       msecs_to_jiffies(100)))
			break;
	} while (time_before(jiffies, end));
	armed(CK_HUNG);
	if (atomic_read(&T.running))
		violation(CK_HUNG,
			  "%d sleepers still inside after %u ms of abort_all",
			  atomic_read(&T.running), slack_ms);
}

static int __init torture_init(void)
{
	unsigned long end;
	unsigned int i, j;
	int ret = -ENOMEM;

	if (!threads || threads > MAX_THREADS || !aborters ||
	    aborters > MAX_THREADS || !indices || indices > MAX_INDICES ||
	    !duration || duration > 3600 || churn_sleepers > MAX_CHURN ||
	    slack_ms < 100 || slack_ms > 600000 || fake_abort_pct > 100) {
		pr_err("a parameter is out of range, see modinfo\n");
		return -EINVAL;
	}
	if (!seed)
		seed = get_random_u32() ?: 1;
	ktap_begin(NR_CHECKS);
	ktap_diag("start: threads=%u aborters=%u indices=%u duration=%u seed=%u",
		  threads, aborters, indices, duration, seed);
	ktap_diag("start: churn_sleepers=%u slack_ms=%u fake_abort_pct=%u",
		  churn_sleepers, slack_ms, fake_abort_pct);

	T.ix = kcalloc(indices, sizeof(*T.ix), GFP_KERNEL);
	T.timer_ns = kcalloc(indices, sizeof(s64), GFP_KERNEL);
	if (!T.ix || !T.timer_ns)
		goto out_free;
	for (j = 0; j < indices; j++)
		mutex_init(&T.ix[j].reset_lock);
	for (i = 0; i < aborters; i++) {
		T.aborters[i].ns = kcalloc(indices, sizeof(s64), GFP_KERNEL);
		if (!T.aborters[i].ns)
			goto out_free;
	}
	T.as = alertable_sleep_create(indices);
	if (IS_ERR(T.as)) {
		ret = PTR_ERR(T.as);
		goto out_free;
	}

	T.t0 = ktime_get();
	init_waitqueue_head(&T.drain_wq);
	init_waitqueue_head(&T.churn_wq);
	prandom_seed_state(&T.timer_rnd, seed ^ 0x7e1e7);
	prandom_seed_state(&T.churn_rnd, seed ^ 0xc4);
	hrtimer_setup(&T.timer, timer_fn, CLOCK_MONOTONIC,
		      HRTIMER_MODE_REL_HARD);
	hrtimer_setup(&T.churn_timer, churn_timer_fn, CLOCK_MONOTONIC,
		      HRTIMER_MODE_REL_HARD);

	/* Everything the threads share is set up before the first starts. */
	worker_init(&T.monitor, 0, seed);
	worker_init(&T.lifecycle, 0, (u64)seed << 8 | 0xff);
	for (i = 0; i < threads; i++)
		worker_init(&T.sleepers[i], i, (u64)seed << 8 | i);
	for (i = 0; i < aborters; i++)
		worker_init(&T.aborters[i], i, (u64)seed << 8 | (0x80 + i));
	for (i = 0; i < churn_sleepers; i++)
		init_waitqueue_head(&T.churn[i].wq);
	atomic_set(&T.running, threads);

	for (i = 0; i < threads; i++) {
		T.sleepers[i].task = torture_thread(sleeper_fn, &T.sleepers[i],
						    "sleep", i);
		if (IS_ERR(T.sleepers[i].task))
			atomic_dec(&T.running);
	}
	for (i = 0; i < aborters; i++)
		T.aborters[i].task = torture_thread(aborter_fn, &T.aborters[i],
						    "abort", i);
	for (i = 0; i < churn_sleepers; i++) {
		T.churn[i].task = torture_thread(churn_fn, &T.churn[i], "churn", i);
		if (IS_ERR(T.churn[i].task))
			T.churn_broken = true;
	}
	if (churn_sleepers && !T.churn_broken)
		T.lifecycle.task = torture_thread(lifecycle_fn, &T.lifecycle,
						  "lifecycle", 0);
	T.monitor.task = torture_thread(monitor_fn, &T.monitor, "monitor", 0);
	hrtimer_start(&T.timer, ns_to_ktime(NSEC_PER_MSEC),
		      HRTIMER_MODE_REL_HARD);

	end = jiffies + duration * HZ;
	while (time_before(jiffies, end) && !signal_pending(current))
		schedule_timeout_interruptible(min_t(long, end - jiffies, HZ));

	WRITE_ONCE(T.stopping, true);
	stop(&T.lifecycle.task);
	for (i = 0; i < churn_sleepers; i++)
		stop(&T.churn[i].task);
	WRITE_ONCE(T.timer_stop, true);
	hrtimer_cancel(&T.timer);
	for (i = 0; i < aborters; i++)
		stop(&T.aborters[i].task);
	drain_sleepers();
	for (i = 0; i < threads; i++)
		stop(&T.sleepers[i].task);
	stop(&T.monitor.task);

	final_checks();
	report();
	alertable_sleep_destroy(T.as);
	ret = 0;
out_free:
	for (i = 0; i < aborters; i++)
		kfree(T.aborters[i].ns);
	kfree(T.timer_ns);
	kfree(T.ix);
	return ret;
}
module_init(torture_init);

static void __exit torture_exit(void)
{
}
module_exit(torture_exit);

MODULE_DESCRIPTION("Randomized race and invariant test of alertable_sleep");
MODULE_AUTHOR("The alertable_sleep developers");
MODULE_LICENSE("GPL");
