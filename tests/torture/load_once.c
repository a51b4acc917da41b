// SPDX-License-Identifier: GPL-2.0
/*
 * load_once - load a kernel module with one finit_module() call, optionally
 * with the Nth fault-injection point of that call failing.
 *
 *   load_once FILE NTH [PARAMS]
 *
 * NTH 0 injects nothing. Prints "rc=ERRNO left=N": the errno of the call
 * (0 if the module loaded) and how many of the NTH points were left unused,
 * so NTH minus left is the number of fault points the call went through.
 * busybox's insmod cannot do this: when finit_module() fails it loads the
 * module again with init_module(), which hides the first failure.
 *
 * Built static on the host by tests/torture/host.sh, run in the guest.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/*
 * The file is opened before it is armed: opening allocates, and those
 * points must not count. Writing and reading it allocate nothing.
 */
static int fail_nth_fd = -1;

static int set_fail_nth(unsigned long n)
{
	char buf[32];
	int len;

	len = snprintf(buf, sizeof(buf), "%lu", n);
	return write(fail_nth_fd, buf, len) == len ? 0 : -1;
}

static long get_fail_nth(void)
{
	char buf[32] = "";

	if (pread(fail_nth_fd, buf, sizeof(buf) - 1, 0) < 0)
		return -1;
	return strtol(buf, NULL, 10);
}

int main(int argc, char **argv)
{
	unsigned long nth;
	long left;
	int fd, err;

	if (argc < 3) {
		fprintf(stderr, "usage: load_once FILE NTH [PARAMS]\n");
		return 2;
	}
	nth = strtoul(argv[2], NULL, 0);
	fd = open(argv[1], O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		perror(argv[1]);
		return 2;
	}
	fail_nth_fd = open("/proc/self/fail-nth", O_RDWR);
	if (nth && (fail_nth_fd < 0 || set_fail_nth(nth))) {
		perror("/proc/self/fail-nth");
		return 2;
	}
	err = syscall(SYS_finit_module, fd, argc > 3 ? argv[3] : "", 0) ?
		errno : 0;
	left = nth ? get_fail_nth() : 0;
	if (nth)
		set_fail_nth(0);
	printf("rc=%d left=%ld (%s)\n", err, left, err ? strerror(err) : "loaded");
	return err ? 1 : 0;
}
