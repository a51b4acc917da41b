/* SPDX-License-Identifier: GPL-2.0 */
/*
 * compat.h - the newest kernel's API on older kernels
 *
 * alertable_sleep, its samples and its tests are written against the
 * newest kernel's API. This header, force-included into every object of
 * the out-of-tree build (see the top-level Kbuild), supplies what an older
 * kernel lacks, in the way of the backports project: one block per kernel
 * change, naming the release and the commit that made it. Where a
 * distribution or a stable release could have backported an API, the
 * block tests a COMPAT_HAVE_* probe of compat/Kbuild.include, not a version.
 * An in-tree copy drops this file and needs nothing else removed.
 *
 * Supported: Linux 5.10 and later.
 */
#ifndef _ALERTABLE_SLEEP_COMPAT_H
#define _ALERTABLE_SLEEP_COMPAT_H

#include <linux/version.h>

/*
 * The one version test: the supported range, so that an older kernel
 * fails with one line instead of a page of compiler errors.
 */
#if KERNEL_VERSION(5, 10, 0) > LINUX_VERSION_CODE
#error "alertable_sleep supports Linux 5.10 and later"
#endif

#include <linux/hardirq.h>
#include <linux/hrtimer.h>
#include <linux/kthread.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/timer.h>

/*
 * 5.11, commit 7c9623a6 ("preempt: Introduce in_hardirq() and friends"):
 * in_hardirq() replaces in_irq(). A macro, so probe it directly.
 */
#ifndef in_hardirq
#define in_hardirq()	in_irq()
#endif

/*
 * 5.17, commit cead18552660 ("exit: Rename complete_and_exit to
 * kthread_complete_and_exit").
 */
#ifndef COMPAT_HAVE_KTHREAD_COMPLETE_AND_EXIT
#define kthread_complete_and_exit(comp, code)	complete_and_exit(comp, code)
#endif

/*
 * 6.2, commit 8032bf1233a7 ("treewide: use get_random_u32_below() instead
 * of deprecated function"); backported to some stable releases with the
 * rest of random.c, hence the probe.
 */
#ifndef COMPAT_HAVE_GET_RANDOM_U32_BELOW
static inline u32 get_random_u32_below(u32 ceil)
{
	return prandom_u32_max(ceil);
}
#endif

/*
 * 6.2, commit 9b13df3fb64e ("timers: Rename del_timer_sync() to
 * timer_delete_sync()"); in stable 6.1.84 too.
 */
#ifndef COMPAT_HAVE_TIMER_DELETE_SYNC
#define timer_delete_sync(t)	del_timer_sync(t)
#endif

/*
 * 6.13, commit 908a1d775422 ("hrtimer: Introduce hrtimer_setup() to
 * replace hrtimer_init()"); 7.3 has no hrtimer_init() any more.
 */
#ifndef COMPAT_HAVE_HRTIMER_SETUP
static inline void hrtimer_setup(struct hrtimer *timer,
				 enum hrtimer_restart (*function)(struct hrtimer *),
				 clockid_t clock_id, enum hrtimer_mode mode)
{
	hrtimer_init(timer, clock_id, mode);
	timer->function = function;
}
#endif

/*
 * 6.13, commit 44ae7a8a6a2c ("hrtimer: Introduce
 * hrtimer_setup_on_stack()").
 */
#ifndef COMPAT_HAVE_HRTIMER_SETUP_ON_STACK
static inline void hrtimer_setup_on_stack(struct hrtimer *timer,
					  enum hrtimer_restart (*function)(struct hrtimer *),
					  clockid_t clock_id,
					  enum hrtimer_mode mode)
{
	hrtimer_init_on_stack(timer, clock_id, mode);
	timer->function = function;
}
#endif

/*
 * 7.0: kmalloc_obj() and its family allocate by type, with the size and
 * the overflow check derived from it. Macros: probe them directly.
 */
#ifndef kzalloc_obj
#define kzalloc_obj(P, gfp)		kzalloc(sizeof(P), gfp)
#endif
#ifndef kvzalloc_objs
#define kvzalloc_objs(P, count, gfp)	kvcalloc(count, sizeof(P), gfp)
#endif

/*
 * 6.13, commit f3bef7aaa6c8 ("hrtimer: Introduce
 * hrtimer_setup_sleeper_on_stack()"); 7.3 has no
 * hrtimer_init_sleeper_on_stack() any more.
 */
#ifndef COMPAT_HAVE_HRTIMER_SETUP_SLEEPER_ON_STACK
static inline void hrtimer_setup_sleeper_on_stack(struct hrtimer_sleeper *sl,
						  clockid_t clock_id,
						  enum hrtimer_mode mode)
{
	hrtimer_init_sleeper_on_stack(sl, clock_id, mode);
}
#endif

/*
 * 6.1, commit f5d39b020809 ("freezer,sched: Rewrite core freezer logic"):
 * a sleep that the freezer may freeze in place says so with TASK_FREEZABLE
 * in its state. Before, the freezer woke interruptible sleepers instead
 * (a kthread's with wake_up_state(), a user task's with a fake signal), and
 * a freezable sleep froze itself with try_to_freeze() when woken, which is
 * what alertable_sleep's loop does on every kernel. A macro: probe it.
 */
#ifndef TASK_FREEZABLE
#define TASK_FREEZABLE	0
#endif

/*
 * 6.5, commit b9dce8a1ed3e ("kunit: Add kunit_add_action() to defer a call
 * until test exit"). Older KUnit has managed resources, which can carry
 * the same deferred call.
 */
#if IS_ENABLED(CONFIG_KUNIT) && !defined(COMPAT_HAVE_KUNIT_ADD_ACTION)
#include <kunit/resource.h>

typedef void (kunit_action_t)(void *);

static void compat_kunit_action_free(struct kunit_resource *res)
{
	((kunit_action_t *)res->data)(res->allocation);
}

/* Like 6.5's: on failure, runs @action at once and returns -ENOMEM. */
static inline int kunit_add_action_or_reset(struct kunit *test,
					    kunit_action_t *action, void *ctx)
{
	struct kunit_resource *res = kzalloc(sizeof(*res), GFP_KERNEL);

	if (!res) {
		action(ctx);
		return -ENOMEM;
	}
	res->data = action;
	res->allocation = ctx;
	res->should_kfree = true;
	__kunit_add_resource(test, NULL, compat_kunit_action_free, res, ctx);
	return 0;
}
#endif

/*
 * This header comes before a file's own "#define pr_fmt(fmt) ...", and the
 * headers above gave pr_fmt its default: drop it, so that the file's own
 * definition is not a redefinition. pr_*() expand pr_fmt where they are
 * used, so they see the file's.
 */
#undef pr_fmt

#endif /* _ALERTABLE_SLEEP_COMPAT_H */
