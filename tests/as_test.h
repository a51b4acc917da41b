/* SPDX-License-Identifier: GPL-2.0 */
/*
 * as_test.h - what the in-VM test modules share (tests/ and tests/torture/)
 *
 * KTAP output (Documentation/dev-tools/ktap.rst), the kernel's test result
 * format, which the host counts with the kernel's own parser
 * (tools/testing/kunit/kunit.py parse, see scripts/ktap.sh). Each line is
 * one printk with the module's pr_fmt prefix, so that the guest can pick a
 * module's document out of the kernel log; after the prefix the lines are
 * KTAP, and kunit.py also reads them as they are in the log (it strips what
 * stands before "KTAP version 1" from every line).
 *
 * A document is "KTAP version 1", a plan "1..N" when N is known, then one
 * result line per test: "ok N name", "not ok N name" (after a diagnostic
 * line "# name: why"), or "ok N name # SKIP why". A group of results is
 * a nested test, indented, with a "# Subtest: name" header and no plan; its
 * own result line, at the outer level, ends it.
 *
 * Also the few waits that the modules' helper threads share.
 */
#ifndef _AS_TEST_H
#define _AS_TEST_H

#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/kernel.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/printk.h>
#include <linux/sched.h>

#include "alertable_sleep.h"

struct ktap_level {
	unsigned int n;			/* results so far at this level */
	unsigned int failed;
	unsigned int skipped;
};

/* One document per module load: the modules report from one thread. */
static struct {
	struct ktap_level top;
	struct ktap_level group;
	const char *group_name;		/* non-NULL inside a group */
	unsigned int passed, failed, skipped;	/* every leaf result */
} ktap;

/* Starts the document; @plan 0: the number of tests is not known. */
static inline void ktap_begin(unsigned int plan)
{
	memset(&ktap, 0, sizeof(ktap));
	pr_info("KTAP version 1\n");
	if (plan)
		pr_info("1..%u\n", plan);
}

static inline const char *ktap_indent(void)
{
	return ktap.group_name ? "    " : "";
}

static inline struct ktap_level *ktap_cur(void)
{
	return ktap.group_name ? &ktap.group : &ktap.top;
}

/* A diagnostic line, "# ...", at the current level. */
static inline __printf(1, 2) void ktap_diag(const char *fmt, ...)
{
	struct va_format vaf;
	va_list args;

	va_start(args, fmt);
	vaf.fmt = fmt;
	vaf.va = &args;
	pr_info("%s# %pV\n", ktap_indent(), &vaf);
	va_end(args);
}

/*
 * One result. @why (printf-like, may be NULL) says what was seen when @ok
 * is false; when @ok is true it is printed after the name as diagnostic
 * data ("ok 3 name # what was measured"). Returns @ok.
 */
static inline __printf(3, 4) bool ktap_result(const char *name, bool ok,
					      const char *why, ...)
{
	struct ktap_level *l = ktap_cur();
	struct va_format vaf;
	va_list args;

	l->n++;
	vaf.fmt = why ? why : "";
	va_start(args, why);
	vaf.va = &args;
	if (ok) {
		ktap.passed++;
		if (why)
			pr_info("%sok %u %s # %pV\n", ktap_indent(), l->n, name,
				&vaf);
		else
			pr_info("%sok %u %s\n", ktap_indent(), l->n, name);
	} else {
		ktap.failed++;
		l->failed++;
		pr_err("%s# %s: %pV\n", ktap_indent(), name, &vaf);
		pr_err("%snot ok %u %s\n", ktap_indent(), l->n, name);
	}
	va_end(args);
	return ok;
}

/* A test that could not run here, and why: counted, not passed. */
static inline __printf(2, 3) void ktap_skip(const char *name,
					    const char *why, ...)
{
	struct ktap_level *l = ktap_cur();
	struct va_format vaf;
	va_list args;

	l->n++;
	l->skipped++;
	ktap.skipped++;
	va_start(args, why);
	vaf.fmt = why;
	vaf.va = &args;
	pr_info("%sok %u %s # SKIP %pV\n", ktap_indent(), l->n, name, &vaf);
	va_end(args);
}

/* A group of results: a nested test named @name, with no plan. */
static inline void ktap_group_begin(const char *name)
{
	memset(&ktap.group, 0, sizeof(ktap.group));
	ktap.group_name = name;
	pr_info("    KTAP version 1\n");
	pr_info("    # Subtest: %s\n", name);
}

/* Ends the group with its result line: not ok if one of its tests failed. */
static inline void ktap_group_end(void)
{
	const char *name = ktap.group_name;
	struct ktap_level g = ktap.group;

	ktap.group_name = NULL;
	ktap.top.n++;
	if (!g.n) {
		ktap.top.failed++;
		ktap.failed++;
		pr_err("# %s: no test ran\n", name);
		pr_err("not ok %u %s\n", ktap.top.n, name);
	} else if (g.failed) {
		ktap.top.failed++;
		pr_err("not ok %u %s\n", ktap.top.n, name);
	} else if (g.skipped == g.n) {
		ktap.top.skipped++;
		pr_info("ok %u %s # SKIP\n", ktap.top.n, name);
	} else {
		pr_info("ok %u %s\n", ktap.top.n, name);
	}
}

/* The closing diagnostic line, as KUnit prints one per suite. */
static inline void ktap_end(void)
{
	pr_info("# totals: pass:%u fail:%u skip:%u\n", ktap.passed,
		ktap.failed, ktap.skipped);
}

/* How long a helper waits for a thread to get somewhere before giving up. */
#define AS_TEST_WAIT_MS		10000U

/*
 * Wait as a kthread must before it returns: until kthread_stop(). (Its
 * task could be freed under kthread_stop() if it returned first.)
 */
static inline void as_test_wait_for_stop(void)
{
	set_current_state(TASK_INTERRUPTIBLE);
	while (!kthread_should_stop()) {
		schedule();
		set_current_state(TASK_INTERRUPTIBLE);
	}
	__set_current_state(TASK_RUNNING);
}

/*
 * True once a thread sleeps on @index, which only the API shows:
 * reset_for_reuse() is refused with -EBUSY only then. Used on indices that
 * are not aborted, where a reset that succeeds changes nothing. Gives up
 * after AS_TEST_WAIT_MS, or once @done (may be NULL) says the sleep is over.
 */
static inline bool as_test_wait_sleeping(struct alertable_sleep *as,
					 unsigned int index,
					 struct completion *done)
{
	ktime_t end = ktime_add_ms(ktime_get(), AS_TEST_WAIT_MS);

	do {
		if (alertable_sleep_reset_for_reuse(as, index) == -EBUSY)
			return true;
		usleep_range(200, 500);
	} while (ktime_before(ktime_get(), end) &&
		 !(done && completion_done(done)));
	return false;
}

#endif /* _AS_TEST_H */
