/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kunit.h - the newest KUnit API on older kernels, for kunit/ only
 *
 * Force-included into the KUnit suite by kunit/Kbuild, as compat.h is into
 * everything; it needs KUnit's own headers, which only the suite has. It
 * includes kernel headers, so it ends by dropping the default pr_fmt that
 * they define: the suite defines its own after it.
 */
#ifndef _ALERTABLE_SLEEP_COMPAT_KUNIT_H
#define _ALERTABLE_SLEEP_COMPAT_KUNIT_H

/*
 * 6.5, commit b9dce8a1ed3e ("kunit: Add kunit_add_action() to defer a call
 * until test exit"), which added kunit_release_action() too. Older KUnit
 * has managed resources, which can carry the same deferred call: the
 * resource's free() makes it, and the resource is matched by the call.
 */
#ifndef COMPAT_HAVE_KUNIT_ADD_ACTION
#include <kunit/resource.h>

typedef void (kunit_action_t)(void *);

/* @res first: KUnit kfree()s it, and so all of it, after free() ran. */
struct compat_kunit_action {
	struct kunit_resource res;
	kunit_action_t *action;
	void *ctx;
};

static inline void compat_kunit_action_free(struct kunit_resource *res)
{
	struct compat_kunit_action *a =
		container_of(res, struct compat_kunit_action, res);

	a->action(a->ctx);
}

/* Like 6.5's: on failure, runs @action at once and returns -ENOMEM. */
static inline int kunit_add_action_or_reset(struct kunit *test,
					    kunit_action_t *action, void *ctx)
{
	struct compat_kunit_action *a = kzalloc(sizeof(*a), GFP_KERNEL);

	if (!a) {
		action(ctx);
		return -ENOMEM;
	}
	a->action = action;
	a->ctx = ctx;
	a->res.should_kfree = true;
	return __kunit_add_resource(test, NULL, compat_kunit_action_free,
				    &a->res, NULL);
}

static inline bool compat_kunit_action_match(struct kunit *test,
					     struct kunit_resource *res,
					     void *match)
{
	struct compat_kunit_action *a, *m = match;

	if (res->free != compat_kunit_action_free)
		return false;
	a = container_of(res, struct compat_kunit_action, res);
	return a->action == m->action && a->ctx == m->ctx;
}

/* Like 6.5's: makes the deferred call now, and not at test exit. */
static inline void kunit_release_action(struct kunit *test,
					kunit_action_t *action, void *ctx)
{
	struct compat_kunit_action m = { .action = action, .ctx = ctx };

	kunit_destroy_resource(test, compat_kunit_action_match, &m);
}
#endif

#undef pr_fmt

#endif /* _ALERTABLE_SLEEP_COMPAT_KUNIT_H */
