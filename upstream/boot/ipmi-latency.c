// SPDX-License-Identifier: GPL-2.0
/*
 * make upstream-boot, in the guest: the latency of IPMI requests through
 * /dev/ipmi0, which kipmid serves on an interface without an interrupt.
 *
 *   ipmi-latency spaced N    N Get Device ID requests, each after a
 *                            random pause of up to 200 ms (kipmid idle)
 *   ipmi-latency burst N     N requests back to back: each is sent as
 *                            soon as the previous answer is read, while
 *                            kipmid may still be on its way to sleep
 *
 * When all are done (the serial console is slow under TCG) it prints,
 * for spaced requests, one line per request, "UPSTREAM_BOOT
 * ipmi_spaced_us=T", the time from the send to the answer in
 * microseconds; for a burst, the time of all N requests,
 * "UPSTREAM_BOOT ipmi_burst_total_us=T"; for both, how many requests took
 * two ticks or more, "UPSTREAM_BOOT ipmi_<mode>_slow=K", the mark of a
 * request that waited for si_timer. The guest's clock is the tick (the
 * upstream-boot kernels keep time with it): steps of 4 ms, which a burst's
 * total averages out.
 * Built statically by scripts/upstream-boot.sh.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/ipmi.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

static long long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

/* One Get Device ID (NetFn App, command 1) to the BMC; 0 or -1. */
static int request(int fd, long msgid)
{
	struct ipmi_system_interface_addr bmc = {
		.addr_type = IPMI_SYSTEM_INTERFACE_ADDR_TYPE,
		.channel = IPMI_BMC_CHANNEL,
	};
	struct ipmi_req req = {
		.addr = (unsigned char *)&bmc,
		.addr_len = sizeof(bmc),
		.msgid = msgid,
		.msg = { .netfn = IPMI_NETFN_APP_REQUEST, .cmd = 1 },
	};
	unsigned char data[IPMI_MAX_MSG_LENGTH];
	struct ipmi_addr from;
	struct ipmi_recv recv = {
		.addr = (unsigned char *)&from,
		.addr_len = sizeof(from),
		.msg = { .data = data, .data_len = sizeof(data) },
	};
	struct pollfd p = { .fd = fd, .events = POLLIN };

	if (ioctl(fd, IPMICTL_SEND_COMMAND, &req) < 0) {
		perror("IPMICTL_SEND_COMMAND");
		return -1;
	}
	if (poll(&p, 1, 10000) != 1) {
		fprintf(stderr, "no answer in 10 s\n");
		return -1;
	}
	if (ioctl(fd, IPMICTL_RECEIVE_MSG_TRUNC, &recv) < 0) {
		perror("IPMICTL_RECEIVE_MSG_TRUNC");
		return -1;
	}
	if (recv.msgid != msgid || recv.msg.data_len < 1 || data[0] != 0) {
		fprintf(stderr, "unexpected answer (id %ld, completion code %d)\n",
			recv.msgid, recv.msg.data_len ? data[0] : -1);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static long long us[5000];
	int fd, n, i, burst, slow = 0;
	long long t0, start;

	if (argc != 3 || (strcmp(argv[1], "spaced") && strcmp(argv[1], "burst"))) {
		fprintf(stderr, "usage: %s spaced|burst N\n", argv[0]);
		return 2;
	}
	burst = !strcmp(argv[1], "burst");
	n = atoi(argv[2]);
	if (n < 1 || n > 5000) {
		fprintf(stderr, "N: 1 to 5000\n");
		return 2;
	}
	fd = open("/dev/ipmi0", O_RDWR);
	if (fd < 0) {
		perror("/dev/ipmi0");
		return 1;
	}
	srandom(getpid());
	start = now_us();
	for (i = 0; i < n; i++) {
		if (!burst)
			usleep(random() % 200000);
		t0 = now_us();
		if (request(fd, i))
			return 1;
		us[i] = now_us() - t0;
	}
	if (burst)
		printf("UPSTREAM_BOOT ipmi_burst_total_us=%lld\n", now_us() - start);
	for (i = 0; i < n; i++) {
		if (!burst)
			printf("UPSTREAM_BOOT ipmi_spaced_us=%lld\n", us[i]);
		slow += us[i] >= 8000;
	}
	printf("UPSTREAM_BOOT ipmi_%s_slow=%d\n", argv[1], slow);
	return 0;
}
