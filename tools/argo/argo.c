// SPDX-License-Identifier: GPL-2.0-only
/*
 * argo: exercise and measure /dev/argo, the character device of xen-argo.ko.
 *
 *   argo info                      print this domain's id
 *   argo recv --port P ...         bind a ring, receive and check messages
 *   argo send --to D:P ...         send messages (sequence-numbered stream)
 *   argo sink --port P             the receiving end of "argo bench"
 *   argo bench --to D:P ...        end-to-end throughput table
 *   argo selftest-ioctl            negative tests of the interface (TAP)
 *
 * This file picks the command and reports errors in its name.
 *
 * Exit status: 0 success, 1 failure, 2 usage error.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"

/* The command running, to prefix its error messages. */
const char *cmd_name = "argo";

static const struct {
	int err;
	const char *name;
} errnames[] = {
	{ EPERM, "EPERM" },
	{ ENOENT, "ENOENT" },
	{ ESRCH, "ESRCH" },
	{ EINTR, "EINTR" },
	{ EIO, "EIO" },
	{ E2BIG, "E2BIG" },
	{ EBADF, "EBADF" },
	{ EAGAIN, "EAGAIN" },
	{ ENOMEM, "ENOMEM" },
	{ EACCES, "EACCES" },
	{ EFAULT, "EFAULT" },
	{ EBUSY, "EBUSY" },
	{ EEXIST, "EEXIST" },
	{ ENODEV, "ENODEV" },
	{ EINVAL, "EINVAL" },
	{ ENOTTY, "ENOTTY" },
	{ ENOSPC, "ENOSPC" },
	{ ERANGE, "ERANGE" },
	{ EMSGSIZE, "EMSGSIZE" },
	{ EDESTADDRREQ, "EDESTADDRREQ" },
	{ EOPNOTSUPP, "EOPNOTSUPP" },
	{ EADDRINUSE, "EADDRINUSE" },
	{ ENOTCONN, "ENOTCONN" },
	{ EISCONN, "EISCONN" },
	{ ETIMEDOUT, "ETIMEDOUT" },
	{ ECONNREFUSED, "ECONNREFUSED" },
	{ ENXIO, "ENXIO" },
	{ EOVERFLOW, "EOVERFLOW" },
};

/* Name of an errno value, or of a negative one as returned by the do_*(). */
const char *errname(int err)
{
	static char other[32];
	unsigned int i;

	if (err < 0)
		err = -err;
	if (!err)
		return "success";
	for (i = 0; i < ARRAY_SIZE(errnames); i++)
		if (errnames[i].err == err)
			return errnames[i].name;
	snprintf(other, sizeof(other), "errno %d", err);
	return other;
}

noreturn void __printf(1, 2)
usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", cmd_name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n(try 'argo %s -h')\n", cmd_name);
	exit(2);
}

noreturn void __printf(1, 2)
fail(const char *fmt, ...)
{
	va_list ap;

	/* What the command printed so far comes before its last words. */
	fflush(stdout);
	fprintf(stderr, "%s: ", cmd_name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

void *xmalloc(size_t size)
{
	void *p = malloc(size);

	if (!p)
		fail("out of memory");
	return p;
}

static void print_usage(FILE *f)
{
	fputs("usage: argo COMMAND [options]   (argo COMMAND -h for more)\n"
	      "  info                  print this domain's id\n"
	      "  recv --port P         receive (and check) messages\n"
	      "  send --to D:P         send a sequence-numbered stream\n"
	      "  sink --port P         receiving end of bench\n"
	      "  bench --to D:P        end-to-end throughput table\n"
	      "  selftest-ioctl        negative tests of /dev/argo (TAP)\n",
	      f);
}

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
} commands[] = {
	{ "info", cmd_info },
	{ "recv", cmd_recv },
	{ "send", cmd_send },
	{ "sink", cmd_sink },
	{ "bench", cmd_bench },
	{ "selftest-ioctl", cmd_selftest },
};

int main(int argc, char **argv)
{
	unsigned int i;

	/* Line by line, so that a test reading a pipe sees each at once. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	setup_alarm();
	if (argc < 2) {
		print_usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		print_usage(stdout);
		return 0;
	}
	for (i = 0; i < ARRAY_SIZE(commands); i++) {
		if (!strcmp(argv[1], commands[i].name)) {
			cmd_name = commands[i].name;
			return commands[i].fn(argc - 1, argv + 1);
		}
	}
	fprintf(stderr, "argo: unknown command '%s'\n", argv[1]);
	print_usage(stderr);
	return 2;
}
