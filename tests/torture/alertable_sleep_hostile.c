// SPDX-License-Identifier: GPL-2.0
/*
 * alertable_sleep_hostile - hostile input and allocation failure
 *
 * insmod runs every case and prints a KTAP document (tests/as_test.h), one
 * group of results per kind of input, and succeeds either way (an error
 * would make busybox's insmod retry with init_module() and run everything
 * twice). Each case feeds an exported function what a careless or hostile
 * caller could (NULL, error pointers, indices and counts out of range,
 * sleeps of extreme length inside a destroy) and expects the documented
 * return code, nothing else, and that nothing else changed. The ordinary
 * contract (aborts, resets, -EBUSY, signals, timeouts) is the KUnit
 * suite's, kthread_stop() and the contexts of an abort the VM module's
 * (tests/alertable_sleep_vmtest.c).
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
#include <linux/slab.h>

#include "alertable_sleep.h"
#include "as_test.h"

static bool enomem;
module_param(enomem, bool, 0444);
MODULE_PARM_DESC(enomem, "Run the allocation failure cases instead (needs fault injection armed)");

static unsigned int leak_bytes;
module_param(leak_bytes, uint, 0444);
MODULE_PARM_DESC(leak_bytes, "Instead, leak that many bytes on purpose: kmemleak's positive control");

static unsigned int race_ms;
module_param(race_ms, uint, 0444);
MODULE_PARM_DESC(race_ms, "Instead, race on purpose for that long: KCSAN's positive control");

/* One result: @got must be @want. */
static void expect(const char *name, long got, long want)
{
	ktap_result(name, got == want, "got %ld, want %ld", got, want);
}

static long err_of(const void *p)
{
	return IS_ERR(p) ? PTR_ERR(p) : 0;
}

/* Every index of @as is idle and not aborted: sleep(0) says 0. */
static bool all_idle(struct alertable_sleep *as)
{
	unsigned int i;

	for (i = 0; i < alertable_sleep_event_count(as); i++)
		if (alertable_sleep_sleep(as, i, 0))
			return false;
	return alertable_sleep_event_count(as) > 0;
}

/* Undo what a wrong abort_all() did, so that it fails one check, not all. */
static void reset_all(struct alertable_sleep *as)
{
	unsigned int i;

	for (i = 0; i < alertable_sleep_event_count(as); i++)
		alertable_sleep_reset_for_reuse(as, i);
}

struct hsleeper {
	struct task_struct *task;
	struct alertable_sleep *as;
	unsigned int index;
	unsigned int msecs;
	int ret;
	struct completion done;
};

static int hsleeper_fn(void *arg)
{
	struct hsleeper *h = arg;

	h->ret = alertable_sleep_sleep(h->as, h->index, h->msecs);
	complete(&h->done);
	as_test_wait_for_stop();
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
		ktap_result("start a sleeper thread", false, "%pe", h->task);
		h->task = NULL;
		return false;
	}
	return true;
}

/*
 * NULL and error pointers: -EINVAL, or nothing at all for the calls that
 * return nothing, which must then leave every real instance alone: @as and
 * the module-wide one.
 */
static void bad_pointers(struct alertable_sleep *as)
{
	struct alertable_sleep *bad[] = { NULL, ERR_PTR(-EINVAL),
					  ERR_PTR(-ENOMEM) };
	static const char * const names[] = { "NULL", "ERR_PTR(-EINVAL)",
					      "ERR_PTR(-ENOMEM)" };
	struct alertable_sleep *def = alertable_sleep_default();
	unsigned int def_count = alertable_sleep_event_count(def);
	char name[64];
	int i;

	ktap_group_begin("bad_pointers");
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
		snprintf(name, sizeof(name), "abort_all(%s)", names[i]);
		expect(name, alertable_sleep_abort_all(bad[i]), -EINVAL);
		snprintf(name, sizeof(name),
			 "abort_all(%s) aborts no real instance", names[i]);
		ktap_result(name, all_idle(as) && all_idle(def),
			    "an index of a real instance is aborted or owned");
		reset_all(as);
		reset_all(def);
		alertable_sleep_destroy(bad[i]);
		snprintf(name, sizeof(name),
			 "destroy(%s) destroys no real instance", names[i]);
		ktap_result(name,
			    alertable_sleep_event_count(def) == def_count &&
			    all_idle(def) && all_idle(as),
			    "the module-wide instance has %u indices (had %u), or an index of a real one is not idle",
			    alertable_sleep_event_count(def), def_count);
	}
	ktap_group_end();
}

static void bad_indices(struct alertable_sleep *as)
{
	static const unsigned int idx[] = { 4, 5, 65535, 65536, UINT_MAX - 1,
					    UINT_MAX };
	char name[64];
	int i;

	ktap_group_begin("bad_indices");
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
	ktap_group_end();
}

static void bad_counts(struct device *dev)
{
	static const unsigned int bad[] = { 0, ALERTABLE_SLEEP_MAX_EVENTS + 1,
					    UINT_MAX };
	static const unsigned int good[] = { 1, ALERTABLE_SLEEP_MAX_EVENTS };
	struct alertable_sleep *as;
	char name[64];
	int i;

	ktap_group_begin("bad_counts");
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
		snprintf(name, sizeof(name), "event_count(create(%u))", good[i]);
		expect(name, alertable_sleep_event_count(as),
		       IS_ERR(as) ? 0 : good[i]);
		snprintf(name, sizeof(name), "sleep on the last index of %u",
			 good[i]);
		expect(name, alertable_sleep_sleep(as, good[i] - 1, 1),
		       IS_ERR(as) ? -EINVAL : 0);
		alertable_sleep_destroy(as);
	}
	as = devm_alertable_sleep_create(dev, 8);
	expect("devm_create(dev, 8)", err_of(as), 0);
	expect("sleep(devm instance, 7, 1)", alertable_sleep_sleep(as, 7, 1),
	       IS_ERR(as) ? -EINVAL : 0);
	ktap_group_end();
}

/*
 * Sleeps of extreme lengths, one on each index but an aborted one, inside
 * a destroy: each must end with -ESHUTDOWN.
 */
static void destroy_with_sleepers(void)
{
	static const unsigned int ms[] = { ALERTABLE_SLEEP_INFINITE, 600000,
					   ALERTABLE_SLEEP_INFINITE - 1 };
	static const char * const what[] = { "forever", "600000 ms",
					     "UINT_MAX-1 ms" };
	struct alertable_sleep *as = alertable_sleep_create(4);
	struct hsleeper h[ARRAY_SIZE(ms)] = {};
	char name[64];
	bool returned;
	int i;

	ktap_group_begin("destroy_with_sleepers");
	expect("create(4) for destroy", err_of(as), 0);
	if (IS_ERR(as)) {
		ktap_group_end();
		return;
	}
	alertable_sleep_abort(as, 3);
	for (i = 0; i < ARRAY_SIZE(ms); i++) {
		if (!hs_start(&h[i], as, i, ms[i]))
			continue;
		snprintf(name, sizeof(name), "sleep(%s) is inside", what[i]);
		ktap_result(name, as_test_wait_sleeping(as, i, &h[i].done),
			    "not inside after %u ms, returned %d",
			    AS_TEST_WAIT_MS, h[i].ret);
	}
	alertable_sleep_destroy(as);
	for (i = 0; i < ARRAY_SIZE(ms); i++) {
		if (!h[i].task)
			continue;
		/* @as is gone: if this hangs, only the hung-task report helps. */
		returned = wait_for_completion_timeout(&h[i].done,
						       msecs_to_jiffies(AS_TEST_WAIT_MS));
		if (!returned)
			wait_for_completion(&h[i].done);
		snprintf(name, sizeof(name),
			 "destroy ends sleep(%s) with -ESHUTDOWN", what[i]);
		ktap_result(name, returned && h[i].ret == -ESHUTDOWN,
			    "returned %d, %s", h[i].ret,
			    returned ? "at once" : "only after the wait gave up");
		kthread_stop(h[i].task);
	}
	ktap_group_end();
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
	ktap_diag("fail_nth %s(%u): sites=%u%s enomem=%u recovered=%u",
		  devm ? "devm_create" : "create", count, done ? sites : nth - 1,
		  done ? "" : "+", failures, recovered);
	snprintf(name, sizeof(name), "%s(%u) fails with -ENOMEM at each of %u sites",
		 devm ? "devm_create" : "create", count, failures);
	expect(name, wrong, 0);
	snprintf(name, sizeof(name), "%s(%u) fault sweep made failures",
		 devm ? "devm_create" : "create", count);
	ktap_result(name, failures > 0, "no create failed in %u tries",
		    nth - 1);
	if (max_sites < 100000)
		return;
	snprintf(name, sizeof(name), "%s(%u) fault sweep reached success",
		 devm ? "devm_create" : "create", count);
	ktap_result(name, done, "still failing after %u sites", nth - 1);
}

static void enomem_tests(struct device *dev)
{
	struct alertable_sleep *as;
	int i;

	ktap_group_begin("enomem_all");
	enomem_all(dev);
	ktap_group_end();
	ktap_group_begin("enomem_nth");
	/*
	 * A full sweep of the largest count would allocate its megabytes
	 * once per vmalloc page; its first sites are enough.
	 */
	for (i = 0; i < ARRAY_SIZE(enomem_counts); i++) {
		unsigned int max = enomem_counts[i] > 1024 ? 64 : 100000;

		enomem_nth(dev, false, enomem_counts[i], max);
		enomem_nth(dev, true, enomem_counts[i], max);
	}
	ktap_group_end();
	ktap_group_begin("after_enomem");
	as = alertable_sleep_create(8);
	expect("create(8) after the failures", err_of(as), 0);
	expect("sleep(1) after the failures", alertable_sleep_sleep(as, 0, 1),
	       IS_ERR(as) ? -EINVAL : 0);
	alertable_sleep_destroy(as);
	ktap_group_end();
}

#define ENOMEM_GROUPS	3
#else
static void enomem_tests(struct device *dev)
{
	ktap_skip("enomem", "the kernel has no CONFIG_FAULT_INJECTION");
}

#define ENOMEM_GROUPS	1
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
	ktap_result("race threads ran", !IS_ERR(w) && !IS_ERR(r),
		    "writer %pe, reader %pe", w, r);
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
		ktap_begin(1);
		leak_on_purpose();
	} else if (race_ms) {
		ktap_begin(1);
		race_on_purpose();
	} else if (enomem) {
		ktap_begin(ENOMEM_GROUPS);
		enomem_tests(dev);
	} else {
		ktap_begin(4);
		as = alertable_sleep_create(4);
		if (IS_ERR(as))
			ktap_diag("create(4) gave %pe: the cases on it fail", as);
		bad_pointers(as);
		bad_indices(as);
		alertable_sleep_destroy(as);
		bad_counts(dev);
		destroy_with_sleepers();
	}
	/* Releases the devm instances. */
	root_device_unregister(dev);
	ktap_end();
	return 0;
}
module_init(hostile_init);

static void __exit hostile_exit(void)
{
}
module_exit(hostile_exit);

MODULE_DESCRIPTION("Hostile input and allocation failure tests of alertable_sleep");
MODULE_AUTHOR("The alertable_sleep developers");
MODULE_LICENSE("GPL");
