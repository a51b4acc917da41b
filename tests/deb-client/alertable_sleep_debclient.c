// SPDX-License-Identifier: GPL-2.0
/*
 * alertable_sleep_debclient - a client of the packaged alertable_sleep
 *
 * Built by make deb-check against the header and the symbols that the
 * alertable-sleep-dkms package installs, and loaded in QEMU after the
 * module that DKMS built. Its init checks that an abort that comes first
 * ends the next sleep at once, and that a short sleep runs its course;
 * insmod fails if not.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/err.h>
#include <linux/errno.h>
#include <linux/module.h>

#include "alertable_sleep.h"

static int __init debclient_init(void)
{
	struct alertable_sleep *as;
	int aborted, slept;

	as = alertable_sleep_create(2);
	if (IS_ERR(as))
		return PTR_ERR(as);

	alertable_sleep_abort(as, 0);
	aborted = alertable_sleep_sleep(as, 0, 10000);
	slept = alertable_sleep_sleep(as, 1, 1);
	alertable_sleep_destroy(as);

	if (aborted != -ECANCELED || slept != 0) {
		pr_err("sleep after abort returned %d, 1 ms sleep %d\n",
		       aborted, slept);
		return -EINVAL;
	}
	pr_info("ok: abort then sleep %d, 1 ms sleep %d, default instance has %u indices\n",
		aborted, slept,
		alertable_sleep_event_count(alertable_sleep_default()));
	return 0;
}
module_init(debclient_init);

static void __exit debclient_exit(void)
{
}
module_exit(debclient_exit);

MODULE_DESCRIPTION("A client of the packaged alertable_sleep module");
MODULE_AUTHOR("The alertable_sleep developers");
MODULE_LICENSE("GPL");
