// SPDX-License-Identifier: GPL-2.0
/*
 * alertable_sleep_hostile - hostile input, signals and allocation failure
 *
 * insmod runs every case and prints one line each, "PASS name" or
 * "FAIL name: got X, want Y", then "RESULT PASS|FAIL passed=N failed=M".
 * insmod succeeds either way (an error would make busybox's insmod retry
 * with init_module() and run everything twice). Each case feeds an exported
 * function something a careless or hostile caller could (NULL, error
 * pointers, indices and counts out of range, extreme timeouts, a second
 * sleeper, a reset under a sleeper, signals, kthread_stop()) and expects the
 * documented return code, nothing else.
 *
 * With enomem=1 it instead makes every allocation of alertable_sleep_create()
 * and devm_alertable_sleep_create() fail, first all at once (make_it_fail,
 * for fault attributes armed with task-filter by the caller), then one at a
 * time (fail_nth, every allocation site in turn), and expects -ENOMEM each
 * time. That needs CONFIG_FAULT_INJECTION and failslab/fail_page_alloc
 * configured by the guest script; the leak check is the guest's kmemleak
 * scan.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/device.h>
#include <linux/err.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#include "alertable_sleep.h"

static bool enomem;
module_param(enomem, bool, 0444);
MODULE_PARM_DESC(enomem, "Run the allocation failure cases instead (needs fault injection armed)");

static unsigned int leak_bytes;
module_param(leak_bytes, uint, 0444);
MODULE_PARM_DESC(leak_bytes, "Instead, leak that many bytes on purpose: kmemleak's positive control");

static unsigned int race_ms;
module_param(race_ms, uint, 0444);
MODULE_PARM_DESC(race_ms, "Instead, race on purpose for that long: KCSAN's positive control");

/* Generous: a TCG guest on a busy host can stall for seconds. */
#define WAIT_MS		10000

static unsigned int passed, failed;
static DEFINE_SPINLOCK(hostile_lock);

static void expect(const char *name, long got, long want)
{
	if (got == want) {
		passed++;
		pr_info("PASS %s\n", name);
	} else {
		failed++;
		pr_err("FAIL %s: got %ld, want %ld\n", name, got, want);
	}
}

static void expect_true(const char *name, bool ok)
{
	expect(name, ok, true);
}

static long err_of(const void *p)
{
	return IS_ERR(p) ? PTR_ERR(p) : 0;
}

struct hsleeper {
	struct task_struct *task;
	struct alertable_sleep *as;
	unsigned int index;
	unsigned int msecs;
	int sig;
	bool presignal;
	bool again;
	unsigned int again_msecs;
	int ret;
	int ret2;
	s64 again_ns;
	struct completion done;
};

static int hsleeper_fn(void *arg)
{
	struct hsleeper *h = arg;

	if (h->sig)
		allow_signal(h->sig);
	if (h->presignal)
		send_sig(h->sig, current, 1);
	h->ret = alertable_sleep_sleep(h->as, h->index, h->msecs);
	flush_signals(current);
	if (h->again) {
		ktime_t t = ktime_get();

		h->ret2 = alertable_sleep_sleep(h->as, h->index, h->again_msecs);
		h->again_ns = ktime_to_ns(ktime_sub(ktime_get(), t));
	}
	complete(&h->done);
	while (!kthread_should_stop())
		schedule_timeout_interruptible(HZ / 10);
	return h->ret;
}

static bool hs_start(struct hsleeper *h, struct alertable_sleep *as,
		     unsigned int index, unsigned int msecs)
{
	h->as = as;
	h->index = index;
	h->msecs = msecs;
	init_completion(&h->done);
	h->task = kthread_run(hsleeper_fn, h, "as_hostile/%u", index);
	if (IS_ERR(h->task)) {
		expect("start a sleeper thread", PTR_ERR(h->task), 0);
		h->task = NULL;
		return false;
	}
	return true;
}

/* Wait until @h sleeps on its index: a reset is refused only then. */
static bool hs_inside(struct hsleeper *h)
{
	ktime_t end = ktime_add_ms(ktime_get(), WAIT_MS);

	do {
		if (alertable_sleep_reset_for_reuse(h->as, h->index) == -EBUSY)
			return true;
		usleep_range(500, 1000);
	} while (ktime_before(ktime_get(), end) && !completion_done(&h->done));
	return false;
}

/* Wait for the sleep to return; if it never does, abort it to get out. */
static bool hs_done(struct hsleeper *h)
{
	bool ok = wait_for_completion_timeout(&h->done,
					      msecs_to_jiffies(WAIT_MS));

	if (!ok) {
		alertable_sleep_abort(h->as, h->index);
		wait_for_completion(&h->done);
	}
	kthread_stop(h->task);
	return ok;
}

static void bad_pointers(void)
{
	struct alertable_sleep *bad[] = { NULL, ERR_PTR(-EINVAL),
					  ERR_PTR(-ENOMEM) };
	static const char * const names[] = { "NULL", "ERR_PTR(-EINVAL)",
					      "ERR_PTR(-ENOMEM)" };
	char name[64];
	int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		snprintf(name, sizeof(name), "sleep(%s, 0, 0)", names[i]);
		expect(name, alertable_sleep_sleep(bad[i], 0, 0), -EINVAL);
		snprintf(name, sizeof(name), "sleep(%s, 0, 10)", names[i]);
		expect(name, alertable_sleep_sleep(bad[i], 0, 10), -EINVAL);
		snprintf(name, sizeof(name), "sleep(%s, 0, forever)", names[i]);
		expect(name, alertable_sleep_sleep(bad[i], 0,
						   ALERTABLE_SLEEP_INFINITE),
		       -EINVAL);
		snprintf(name, sizeof(name), "abort(%s, 0)", names[i]);
		expect(name, alertable_sleep_abort(bad[i], 0), -EINVAL);
		snprintf(name, sizeof(name), "reset_for_reuse(%s, 0)", names[i]);
		expect(name, alertable_sleep_reset_for_reuse(bad[i], 0),
		       -EINVAL);
		snprintf(name, sizeof(name), "event_count(%s)", names[i]);
		expect(name, alertable_sleep_event_count(bad[i]), 0);
		alertable_sleep_abort_all(bad[i]);
		snprintf(name, sizeof(name), "abort_all(%s) returns", names[i]);
		expect_true(name, true);
		alertable_sleep_destroy(bad[i]);
		snprintf(name, sizeof(name), "destroy(%s) returns", names[i]);
		expect_true(name, true);
	}
}

static void bad_indices(struct alertable_sleep *as)
{
	static const unsigned int idx[] = { 4, 5, 65535, 65536, UINT_MAX - 1,
					    UINT_MAX };
	char name[64];
	int i;

	expect("event_count(4-event instance)", alertable_sleep_event_count(as),
	       4);
	for (i = 0; i < ARRAY_SIZE(idx); i++) {
		snprintf(name, sizeof(name), "sleep(as, %u, 10)", idx[i]);
		expect(name, alertable_sleep_sleep(as, idx[i], 10), -EINVAL);
		snprintf(name, sizeof(name), "sleep(as, %u, forever)", idx[i]);
		expect(name, alertable_sleep_sleep(as, idx[i],
						   ALERTABLE_SLEEP_INFINITE),
		       -EINVAL);
		snprintf(name, sizeof(name), "abort(as, %u)", idx[i]);
		expect(name, alertable_sleep_abort(as, idx[i]), -EINVAL);
		snprintf(name, sizeof(name), "reset_for_reuse(as, %u)", idx[i]);
		expect(name, alertable_sleep_reset_for_reuse(as, idx[i]),
		       -EINVAL);
	}
	/* None of that may have touched a valid index. */
	for (i = 0; i < 4; i++) {
		snprintf(name, sizeof(name), "index %d untouched by bad ones", i);
		expect(name, alertable_sleep_sleep(as, i, 0), 0);
	}
}

static void bad_counts(struct device *dev)
{
	static const unsigned int bad[] = { 0, ALERTABLE_SLEEP_MAX_EVENTS + 1,
					    UINT_MAX };
	static const unsigned int good[] = { 1, ALERTABLE_SLEEP_MAX_EVENTS };
	struct alertable_sleep *as;
	char name[64];
	int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		snprintf(name, sizeof(name), "create(%u)", bad[i]);
		expect(name, err_of(alertable_sleep_create(bad[i])), -EINVAL);
		snprintf(name, sizeof(name), "devm_create(dev, %u)", bad[i]);
		expect(name, err_of(devm_alertable_sleep_create(dev, bad[i])),
		       -EINVAL);
	}
	for (i = 0; i < ARRAY_SIZE(good); i++) {
		as = alertable_sleep_create(good[i]);
		snprintf(name, sizeof(name), "create(%u)", good[i]);
		expect(name, err_of(as), 0);
		if (IS_ERR(as))
			continue;
		snprintf(name, sizeof(name), "event_count(create(%u))", good[i]);
		expect(name, alertable_sleep_event_count(as), good[i]);
		snprintf(name, sizeof(name), "sleep on the last index of %u",
			 good[i]);
		expect(name, alertable_sleep_sleep(as, good[i] - 1, 1), 0);
		alertable_sleep_destroy(as);
	}
	as = devm_alertable_sleep_create(dev, 8);
	expect("devm_create(dev, 8)", err_of(as), 0);
	if (!IS_ERR(as))
		expect("sleep(devm instance, 7, 1)",
		       alertable_sleep_sleep(as, 7, 1), 0);
}

static void timeouts(struct alertable_sleep *as)
{
	ktime_t t;
	int ret;

	t = ktime_get();
	ret = alertable_sleep_sleep(as, 0, 0);
	expect("sleep(as, 0, 0)", ret, 0);
	expect_true("sleep(as, 0, 0) returns at once",
		    ktime_ms_delta(ktime_get(), t) < 1000);
	t = ktime_get();
	ret = alertable_sleep_sleep(as, 0, 1);
	expect("sleep(as, 0, 1)", ret, 0);
	expect_true("sleep(as, 0, 1) lasts 1 ms by ktime",
		    ktime_to_ns(ktime_sub(ktime_get(), t)) >= NSEC_PER_MSEC);
}

/* A sleep of @msecs on index 1 that only an abort can end in time. */
static void long_sleep_aborted(struct alertable_sleep *as, unsigned int msecs,
			       const char *what)
{
	struct hsleeper h = {};
	char name[96];

	if (!hs_start(&h, as, 1, msecs))
		return;
	snprintf(name, sizeof(name), "sleep(as, 1, %s) is inside", what);
	expect_true(name, hs_inside(&h));
	snprintf(name, sizeof(name), "reset_for_reuse while sleep(%s)", what);
	expect(name, alertable_sleep_reset_for_reuse(as, 1), -EBUSY);
	snprintf(name, sizeof(name), "second sleeper sleep(as, 1, 0) beside %s",
		 what);
	expect(name, alertable_sleep_sleep(as, 1, 0), -EBUSY);
	snprintf(name, sizeof(name), "second sleeper sleep(as, 1, 10) beside %s",
		 what);
	expect(name, alertable_sleep_sleep(as, 1, 10), -EBUSY);
	snprintf(name, sizeof(name), "first sleeper undisturbed by them (%s)",
		 what);
	expect(name, alertable_sleep_reset_for_reuse(as, 1), -EBUSY);
	snprintf(name, sizeof(name), "abort(as, 1) of sleep(%s)", what);
	expect(name, alertable_sleep_abort(as, 1), 0);
	snprintf(name, sizeof(name), "sleep(%s) ends when aborted", what);
	expect_true(name, hs_done(&h));
	snprintf(name, sizeof(name), "sleep(as, 1, %s) aborted", what);
	expect(name, h.ret, -ECANCELED);
	snprintf(name, sizeof(name), "abort sticky after sleep(%s)", what);
	expect(name, alertable_sleep_sleep(as, 1, 0), -ECANCELED);
	expect("reset_for_reuse(as, 1)",
	       alertable_sleep_reset_for_reuse(as, 1), 0);
	snprintf(name, sizeof(name), "index 1 usable after sleep(%s)", what);
	expect(name, alertable_sleep_sleep(as, 1, 1), 0);
}

static void aborts(struct alertable_sleep *as)
{
	unsigned long flags;
	char name[64];
	ktime_t t;
	int i, a, b, c;

	expect("abort(as, 0) on an idle index", alertable_sleep_abort(as, 0), 0);
	expect("abort(as, 0) again", alertable_sleep_abort(as, 0), 0);
	t = ktime_get();
	expect("sleep(as, 0, 5000) after abort",
	       alertable_sleep_sleep(as, 0, 5000), -ECANCELED);
	expect_true("sleep after abort returns at once",
		    ktime_ms_delta(ktime_get(), t) < 5000);
	expect("sleep(as, 0, forever) after abort",
	       alertable_sleep_sleep(as, 0, ALERTABLE_SLEEP_INFINITE),
	       -ECANCELED);
	expect("reset_for_reuse(as, 0)", alertable_sleep_reset_for_reuse(as, 0),
	       0);
	expect("reset_for_reuse(as, 0) again",
	       alertable_sleep_reset_for_reuse(as, 0), 0);
	expect("sleep(as, 0, 1) after reset", alertable_sleep_sleep(as, 0, 1),
	       0);

	alertable_sleep_abort_all(as);
	for (i = 0; i < 4; i++) {
		snprintf(name, sizeof(name), "sleep(as, %d, 0) after abort_all",
			 i);
		expect(name, alertable_sleep_sleep(as, i, 0), -ECANCELED);
		expect("reset_for_reuse after abort_all",
		       alertable_sleep_reset_for_reuse(as, i), 0);
	}

	/* "Any context": with a spinlock held and interrupts off. */
	spin_lock_irqsave(&hostile_lock, flags);
	a = alertable_sleep_abort(as, 3);
	alertable_sleep_abort_all(as);
	b = alertable_sleep_reset_for_reuse(as, 3);
	c = alertable_sleep_abort(as, 3);
	spin_unlock_irqrestore(&hostile_lock, flags);
	expect("abort under a spinlock, IRQs off", a, 0);
	expect("reset_for_reuse under a spinlock, IRQs off", b, 0);
	expect("abort again under a spinlock, IRQs off", c, 0);
	expect("sleep(as, 3, 0) after those", alertable_sleep_sleep(as, 3, 0),
	       -ECANCELED);
	for (i = 0; i < 4; i++)
		alertable_sleep_reset_for_reuse(as, i);
}

static void one_signal(struct alertable_sleep *as, int sig, unsigned int msecs,
		       const char *what)
{
	struct hsleeper h = { .sig = sig, .again = true, .again_msecs = 5 };
	char name[96];

	if (!hs_start(&h, as, 0, msecs))
		return;
	snprintf(name, sizeof(name), "%s: sleeper is inside", what);
	expect_true(name, hs_inside(&h));
	send_sig(sig, h.task, 1);
	snprintf(name, sizeof(name), "%s: sleep ends", what);
	expect_true(name, hs_done(&h));
	snprintf(name, sizeof(name), "%s: sleep returns -ERESTARTSYS", what);
	expect(name, h.ret, -ERESTARTSYS);
	snprintf(name, sizeof(name), "%s: a later sleep(5) times out with 0",
		 what);
	expect(name, h.ret2, 0);
	snprintf(name, sizeof(name), "%s: that sleep lasted 5 ms", what);
	expect_true(name, h.again_ns >= 5 * NSEC_PER_MSEC);
	snprintf(name, sizeof(name), "%s: index not aborted", what);
	expect(name, alertable_sleep_sleep(as, 0, 0), 0);
}

static void signals(struct alertable_sleep *as)
{
	struct hsleeper h = { .sig = SIGUSR1, .presignal = true, .again = true,
			      .again_msecs = 5 };
	int ret;

	one_signal(as, SIGUSR1, ALERTABLE_SLEEP_INFINITE, "SIGUSR1 to sleep(forever)");
	one_signal(as, SIGKILL, ALERTABLE_SLEEP_INFINITE, "SIGKILL to sleep(forever)");
	one_signal(as, SIGUSR1, 600000, "SIGUSR1 to sleep(600000)");
	one_signal(as, SIGKILL, 600000, "SIGKILL to sleep(600000)");

	/* A signal already pending: no wait at all. */
	if (hs_start(&h, as, 2, 600000)) {
		expect_true("pending signal: sleep(600000) ends", hs_done(&h));
		expect("pending signal: sleep(600000)", h.ret, -ERESTARTSYS);
		expect("pending signal: later sleep(5)", h.ret2, 0);
	}

	/* kthread_stop() ends the sleep of a kthread at once. */
	memset(&h, 0, sizeof(h));
	if (hs_start(&h, as, 3, ALERTABLE_SLEEP_INFINITE)) {
		expect_true("kthread_stop: sleeper is inside", hs_inside(&h));
		ret = kthread_stop(h.task);
		expect("kthread_stop: sleep(forever) returns -ERESTARTSYS",
		       ret, -ERESTARTSYS);
		expect("kthread_stop: index usable after",
		       alertable_sleep_sleep(as, 3, 1), 0);
	}
}

static void destroy_with_sleepers(void)
{
	static const unsigned int ms[] = { ALERTABLE_SLEEP_INFINITE, 600000,
					   ALERTABLE_SLEEP_INFINITE - 1 };
	struct alertable_sleep *as = alertable_sleep_create(4);
	struct hsleeper h[ARRAY_SIZE(ms)] = {};
	int i;

	expect("create(4) for destroy", err_of(as), 0);
	if (IS_ERR(as))
		return;
	alertable_sleep_abort(as, 3);
	for (i = 0; i < ARRAY_SIZE(ms); i++)
		if (hs_start(&h[i], as, i, ms[i]))
			expect_true("destroy: sleeper is inside",
				    hs_inside(&h[i]));
	alertable_sleep_destroy(as);
	expect_true("destroy with sleepers inside returns", true);
	for (i = 0; i < ARRAY_SIZE(ms); i++) {
		if (!h[i].task)
			continue;
		/* @as is gone: if this times out, only the hung-task report helps. */
		if (!wait_for_completion_timeout(&h[i].done,
						 msecs_to_jiffies(WAIT_MS))) {
			expect_true("destroy: sleeper returns", false);
			wait_for_completion(&h[i].done);
		}
		expect("destroy: sleep returns -ESHUTDOWN", h[i].ret,
		       -ESHUTDOWN);
		kthread_stop(h[i].task);
	}
}

#ifdef CONFIG_FAULT_INJECTION
static const unsigned int enomem_counts[] = { 1, 8, 1024,
					      ALERTABLE_SLEEP_MAX_EVENTS };

/* Each allocation fails (failslab/fail_page_alloc with task-filter). */
static void enomem_all(struct device *dev)
{
	struct alertable_sleep *as;
	char name[64];
	int i;

	for (i = 0; i < ARRAY_SIZE(enomem_counts); i++) {
		current->make_it_fail = 1;
		as = alertable_sleep_create(enomem_counts[i]);
		current->make_it_fail = 0;
		snprintf(name, sizeof(name), "create(%u), allocations failing",
			 enomem_counts[i]);
		expect(name, err_of(as), -ENOMEM);
		if (!IS_ERR(as))
			alertable_sleep_destroy(as);

		current->make_it_fail = 1;
		as = devm_alertable_sleep_create(dev, enomem_counts[i]);
		current->make_it_fail = 0;
		snprintf(name, sizeof(name),
			 "devm_create(dev, %u), allocations failing",
			 enomem_counts[i]);
		expect(name, err_of(as), -ENOMEM);
	}
}

/*
 * Fail the 1st, then the 2nd, ... fault-injection point of one create, until
 * a create passes all of them: every failure must be a clean -ENOMEM. A
 * create that succeeds although an allocation failed (kvzalloc falling back
 * to vmalloc) is fine too.
 */
static void enomem_nth(struct device *dev, bool devm, unsigned int count,
		       unsigned int max_sites)
{
	unsigned int nth, sites = 0, failures = 0, recovered = 0, wrong = 0;
	struct alertable_sleep *as;
	char name[80];
	void *group;
	bool done = false;

	for (nth = 1; nth <= max_sites && !done; nth++) {
		unsigned int left;

		group = devres_open_group(dev, NULL, GFP_KERNEL);
		if (!group)
			break;
		current->fail_nth = nth;
		as = devm ? devm_alertable_sleep_create(dev, count) :
			    alertable_sleep_create(count);
		left = current->fail_nth;
		current->fail_nth = 0;
		if (IS_ERR(as)) {
			failures++;
			if (PTR_ERR(as) != -ENOMEM || left) {
				if (!wrong++)
					pr_err("fail_nth=%u: %pe with %u faults unused\n",
					       nth, as, left);
			}
		} else {
			if (left) {
				done = true;
				sites = nth - 1;
			} else {
				recovered++;
			}
			if (!devm)
				alertable_sleep_destroy(as);
		}
		devres_release_group(dev, group);
		cond_resched();
	}
	pr_info("stat fail_nth %s(%u): sites=%u%s enomem=%u recovered=%u\n",
		devm ? "devm_create" : "create", count, done ? sites : nth - 1,
		done ? "" : "+", failures, recovered);
	snprintf(name, sizeof(name), "%s(%u) fails with -ENOMEM at each of %u sites",
		 devm ? "devm_create" : "create", count, failures);
	expect(name, wrong, 0);
	snprintf(name, sizeof(name), "%s(%u) fault sweep made failures",
		 devm ? "devm_create" : "create", count);
	expect_true(name, failures > 0);
	if (max_sites < 100000)
		return;
	snprintf(name, sizeof(name), "%s(%u) fault sweep reached success",
		 devm ? "devm_create" : "create", count);
	expect_true(name, done);
}

static void enomem_tests(struct device *dev)
{
	struct alertable_sleep *as;
	int i;

	enomem_all(dev);
	/*
	 * A full sweep of the largest count would allocate its megabytes
	 * once per vmalloc page; its first sites are enough.
	 */
	for (i = 0; i < ARRAY_SIZE(enomem_counts); i++) {
		unsigned int max = enomem_counts[i] > 1024 ? 64 : 100000;

		enomem_nth(dev, false, enomem_counts[i], max);
		enomem_nth(dev, true, enomem_counts[i], max);
	}
	as = alertable_sleep_create(8);
	expect("create(8) after the failures", err_of(as), 0);
	if (!IS_ERR(as)) {
		expect("sleep(1) after the failures",
		       alertable_sleep_sleep(as, 0, 1), 0);
		alertable_sleep_destroy(as);
	}
}
#else
static void enomem_tests(struct device *dev)
{
	pr_info("SKIP enomem: the kernel has no CONFIG_FAULT_INJECTION\n");
}
#endif

/*
 * The positive control of the debug kernel's KCSAN run: two threads with
 * plain, unannotated accesses to one variable, which KCSAN must report as
 * a data race in hostile_race_writer / hostile_race_reader.
 */
static unsigned long hostile_racy;

static int hostile_race_writer(void *arg)
{
	while (!kthread_should_stop()) {
		hostile_racy++;
		cond_resched();
	}
	return 0;
}

static int hostile_race_reader(void *arg)
{
	unsigned long sum = 0;

	while (!kthread_should_stop()) {
		sum += hostile_racy;
		cond_resched();
	}
	return sum & 1;
}

static void race_on_purpose(void)
{
	struct task_struct *w, *r;

	w = kthread_run(hostile_race_writer, NULL, "as_race_w");
	r = kthread_run(hostile_race_reader, NULL, "as_race_r");
	if (!IS_ERR(w) && !IS_ERR(r))
		msleep(race_ms);
	if (!IS_ERR(w))
		kthread_stop(w);
	if (!IS_ERR(r))
		kthread_stop(r);
	expect_true("race threads ran", !IS_ERR(w) && !IS_ERR(r));
}

/*
 * kmemleak's positive control: objects nothing points to any more. Several,
 * because a stale copy of the last pointers may survive in a stack that
 * kmemleak scans.
 */
static void *hostile_leak;

static noinline void leak_on_purpose(void)
{
	int i, n = 0;

	for (i = 0; i < 16; i++) {
		WRITE_ONCE(hostile_leak, kmalloc(leak_bytes, GFP_KERNEL));
		n += !!READ_ONCE(hostile_leak);
	}
	WRITE_ONCE(hostile_leak, NULL);
	expect("leaks allocated", n, 16);
}

static int __init hostile_init(void)
{
	struct alertable_sleep *as;
	struct device *dev;

	dev = root_device_register("alertable_sleep_hostile");
	if (IS_ERR(dev))
		return PTR_ERR(dev);

	if (leak_bytes) {
		leak_on_purpose();
	} else if (race_ms) {
		race_on_purpose();
	} else if (enomem) {
		enomem_tests(dev);
	} else {
		bad_pointers();
		bad_counts(dev);
		as = alertable_sleep_create(4);
		expect("create(4)", err_of(as), 0);
		if (!IS_ERR(as)) {
			bad_indices(as);
			timeouts(as);
			long_sleep_aborted(as, ALERTABLE_SLEEP_INFINITE - 1,
					   "UINT_MAX-1");
			long_sleep_aborted(as, ALERTABLE_SLEEP_INFINITE,
					   "UINT_MAX");
			aborts(as);
			signals(as);
			alertable_sleep_destroy(as);
		}
		destroy_with_sleepers();
	}
	/* Releases the devm instances. */
	root_device_unregister(dev);

	pr_info("RESULT %s passed=%u failed=%u\n", failed ? "FAIL" : "PASS",
		passed, failed);
	return 0;
}
module_init(hostile_init);

static void __exit hostile_exit(void)
{
}
module_exit(hostile_exit);

MODULE_DESCRIPTION("Hostile input, signal and allocation failure tests of alertable_sleep");
MODULE_AUTHOR("The alertable_sleep developers");
MODULE_LICENSE("GPL");
