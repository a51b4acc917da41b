// SPDX-License-Identifier: GPL-2.0
/*
 * alertable_sleep_demo - a sample driver that sleeps with alertable_sleep
 *
 * The module registers a platform device and a driver for it (a real driver
 * would be matched to its hardware by a bus instead). probe() starts
 * @workers kernel threads; each one does a round of work (here, a log line)
 * and then sleeps for @period_ms on its own event index. remove() aborts
 * those sleeps, so every worker wakes at once however much of its delay is
 * left, and reaps the threads with kthread_stop(). The instance is destroyed
 * by devm after remove() returns, when nothing can sleep on it or abort it
 * any more.
 *
 * For comparison, use_msleep=1 makes the workers sleep with
 * msleep_interruptible() instead, and use_msleep=1 uninterruptible=1 with
 * msleep(). kthread_stop() ends msleep_interruptible() early too (it sets
 * TIF_NOTIFY_SIGNAL, which signal_pending() reports), but nothing ends
 * msleep() early: unloading then waits for the rest of each period.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/device.h>
#include <linux/err.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/overflow.h>
#include <linux/platform_device.h>
#include <linux/sched.h>
#include <linux/slab.h>

#include "alertable_sleep.h"

#define DEMO_NAME		"alertable_sleep_demo"
#define DEMO_MAX_WORKERS	64U

static unsigned int workers = 4;
module_param(workers, uint, 0444);
MODULE_PARM_DESC(workers, "Worker threads (1..64, default 4)");

static unsigned int period_ms = 10000;
module_param(period_ms, uint, 0444);
MODULE_PARM_DESC(period_ms,
		 "Sleep between two rounds of work in ms (at least 1, default 10000)");

static bool use_default;
module_param(use_default, bool, 0444);
MODULE_PARM_DESC(use_default,
		 "Sleep on indices 0..workers-1 of alertable_sleep's module-wide instance instead of an own one");

static bool use_msleep;
module_param(use_msleep, bool, 0444);
MODULE_PARM_DESC(use_msleep,
		 "Sleep with msleep_interruptible() instead, for comparison");

static bool uninterruptible;
module_param(uninterruptible, bool, 0444);
MODULE_PARM_DESC(uninterruptible,
		 "With use_msleep, sleep with msleep(), which nothing ends early");

struct demo;

struct demo_worker {
	struct demo *demo;
	struct task_struct *task;
	unsigned int index;	/* the event index this worker sleeps on */
};

struct demo {
	struct device *dev;
	struct alertable_sleep *as;
	unsigned int nr_workers;
	bool stopping;		/* no worker starts another round */
	struct demo_worker worker[];
};

/*
 * A kthread must not return before kthread_stop() is called on it: its task
 * could be freed under kthread_stop(). A worker whose sleep was aborted
 * therefore waits here for remove() to reap it.
 */
static void demo_wait_for_stop(void)
{
	set_current_state(TASK_INTERRUPTIBLE);
	while (!kthread_should_stop()) {
		schedule();
		set_current_state(TASK_INTERRUPTIBLE);
	}
	__set_current_state(TASK_RUNNING);
}

static int demo_worker_fn(void *data)
{
	struct demo_worker *w = data;
	struct demo *demo = w->demo;
	unsigned long rounds = 0;
	int ret = 0;

	while (!kthread_should_stop() && !READ_ONCE(demo->stopping)) {
		/* A real driver would poll or service its hardware here. */
		dev_info(demo->dev, "worker %u: round %lu, now sleeping %u ms\n",
			 w->index, ++rounds, period_ms);

		if (use_msleep) {
			if (uninterruptible)
				msleep(period_ms);
			else
				msleep_interruptible(period_ms);
			continue;
		}
		/*
		 * 0: the period elapsed, do the next round. -ERESTARTSYS:
		 * kthread_stop() woke us, the loop condition ends it. Anything
		 * else ends the loop: -ECANCELED is remove() aborting us.
		 */
		ret = alertable_sleep_sleep(demo->as, w->index, period_ms);
		if (ret && ret != -ERESTARTSYS)
			break;
	}
	if (ret && ret != -ECANCELED && ret != -ERESTARTSYS)
		dev_err(demo->dev, "worker %u: cannot sleep on index %u: %pe\n",
			w->index, w->index, ERR_PTR(ret));

	demo_wait_for_stop();
	dev_info(demo->dev, "worker %u: stopped after %lu rounds\n",
		 w->index, rounds);
	return 0;
}

/*
 * Abort every sleep first, so that all the workers wake and wind down in
 * parallel, then reap them one by one. Both must be done before the
 * instance is destroyed: a worker that is between two sleeps when destroy
 * runs would make its next call on freed memory. @stopping is for the msleep
 * variants, which nothing wakes: it keeps the workers still asleep from
 * starting another round while kthread_stop() waits for the first ones.
 */
static void demo_stop_workers(struct demo *demo, unsigned int count)
{
	unsigned int i;

	WRITE_ONCE(demo->stopping, true);
	for (i = 0; i < count; i++)
		alertable_sleep_abort(demo->as, demo->worker[i].index);
	for (i = 0; i < count; i++)
		kthread_stop(demo->worker[i].task);
}

static int demo_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	struct demo *demo;
	unsigned int i;
	int ret;

	demo = devm_kzalloc(dev, struct_size(demo, worker, workers), GFP_KERNEL);
	if (!demo)
		return -ENOMEM;
	demo->dev = dev;
	demo->nr_workers = workers;

	if (use_default) {
		demo->as = alertable_sleep_default();
		if (alertable_sleep_event_count(demo->as) < workers)
			return dev_err_probe(dev, -EINVAL,
					     "the default instance has %u indices, %u workers need more\n",
					     alertable_sleep_event_count(demo->as),
					     workers);
		/*
		 * An abort is sticky: the last user of these indices (our own
		 * previous remove(), say) may have left them aborted. -EBUSY
		 * means another thread is sleeping on one right now.
		 */
		for (i = 0; i < workers; i++) {
			ret = alertable_sleep_reset_for_reuse(demo->as, i);
			if (ret)
				return dev_err_probe(dev, ret,
						     "index %u of the default instance is in use\n",
						     i);
		}
	} else {
		/* devm destroys it after demo_remove() has run. */
		demo->as = devm_alertable_sleep_create(dev, workers);
		if (IS_ERR(demo->as))
			return PTR_ERR(demo->as);
	}

	for (i = 0; i < workers; i++) {
		struct demo_worker *w = &demo->worker[i];

		w->demo = demo;
		w->index = i;
		w->task = kthread_run(demo_worker_fn, w, "as_demo/%u", i);
		if (IS_ERR(w->task)) {
			ret = PTR_ERR(w->task);
			demo_stop_workers(demo, i);
			return dev_err_probe(dev, ret, "cannot start worker %u\n",
					     i);
		}
	}

	platform_set_drvdata(pdev, demo);
	dev_info(dev, "%u workers started, sleeping %u ms with %s\n", workers,
		 period_ms, !use_msleep ? "alertable_sleep" :
		 uninterruptible ? "msleep()" : "msleep_interruptible()");
	return 0;
}

/* The void remove_new() of 6.1 is what later kernels call remove(). */
static void demo_remove(struct platform_device *pdev)
{
	struct demo *demo = platform_get_drvdata(pdev);
	ktime_t start = ktime_get();

	demo_stop_workers(demo, demo->nr_workers);
	dev_info(&pdev->dev, "remove: %u workers stopped in %lld us\n",
		 demo->nr_workers, ktime_us_delta(ktime_get(), start));
}

static struct platform_driver demo_driver = {
	.probe = demo_probe,
	.remove_new = demo_remove,
	.driver = {
		.name = DEMO_NAME,
	},
};

static struct platform_device *demo_pdev;

static int __init demo_init(void)
{
	int ret;

	/* Checked here, so that bad values fail insmod, not just probe(). */
	if (!workers || workers > DEMO_MAX_WORKERS || !period_ms) {
		pr_err("workers must be 1..%u and period_ms at least 1\n",
		       DEMO_MAX_WORKERS);
		return -EINVAL;
	}

	ret = platform_driver_register(&demo_driver);
	if (ret)
		return ret;

	/* Stands in for the device a bus would find; probe() runs now. */
	demo_pdev = platform_device_register_simple(DEMO_NAME,
						    PLATFORM_DEVID_NONE,
						    NULL, 0);
	if (IS_ERR(demo_pdev)) {
		platform_driver_unregister(&demo_driver);
		return PTR_ERR(demo_pdev);
	}
	return 0;
}
module_init(demo_init);

static void __exit demo_exit(void)
{
	/* Unbinding runs demo_remove(), then devm destroys the instance. */
	platform_device_unregister(demo_pdev);
	platform_driver_unregister(&demo_driver);
}
module_exit(demo_exit);

MODULE_DESCRIPTION("Sample driver whose worker threads sleep with alertable_sleep");
MODULE_AUTHOR("The alertable_sleep developers");
MODULE_LICENSE("GPL");
