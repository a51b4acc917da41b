// SPDX-License-Identifier: GPL-2.0
#include <kunit/test.h>
#include "../alertable_sleep.h"

static void alertable_sleep_placeholder(struct kunit *test)
{
	KUNIT_EXPECT_NOT_NULL(test, alertable_sleep_default());
}

static struct kunit_case alertable_sleep_cases[] = {
	KUNIT_CASE(alertable_sleep_placeholder),
	{}
};

static struct kunit_suite alertable_sleep_suite = {
	.name = "alertable_sleep",
	.test_cases = alertable_sleep_cases,
};
kunit_test_suite(alertable_sleep_suite);
MODULE_LICENSE("GPL");
