// SPDX-License-Identifier: GPL-2.0-only
/*
 * TAP output of selftest-ioctl: "ok N - ..." and "not ok N - ..." lines,
 * "# " diagnostics, and the plan "1..N" at the end, which the test
 * harness counts.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "common.h"

static unsigned int tap_n, tap_failed;

/* One test result: "ok N - what" or "not ok N - what". */
void __printf(2, 3)
tap(bool ok, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %u - ", ok ? "" : "not ", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	if (!ok)
		tap_failed++;
	/* Watchdog: a call that blocks by mistake fails instead of hanging. */
	arm_timeout(20);
}

/* Expect rc to be -want1 or -want2 (want2 0: only want1). */
bool tap_err(int rc, int want1, int want2, const char *name)
{
	bool ok = rc == -want1 || (want2 && rc == -want2);

	if (ok)
		tap(true, "%s: %s", name, errname(rc));
	else if (rc >= 0)
		tap(false, "%s: succeeded (%d), want %s%s%s", name, rc,
		    errname(want1), want2 ? " or " : "",
		    want2 ? errname(want2) : "");
	else
		tap(false, "%s: got %s, want %s%s%s", name, errname(rc),
		    errname(want1), want2 ? " or " : "",
		    want2 ? errname(want2) : "");
	return ok;
}

bool tap_rc(int rc, int want, const char *name)
{
	if (rc == want)
		tap(true, "%s", name);
	else if (rc < 0)
		tap(false, "%s: %s, want %d", name, errname(rc), want);
	else
		tap(false, "%s: returned %d, want %d", name, rc, want);
	return rc == want;
}

void __printf(1, 2) diag(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

/* TAP's way to give up when the tests that follow cannot run. */
noreturn void __printf(1, 2) bail(const char *fmt, ...)
{
	va_list ap;

	printf("Bail out! ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	exit(1);
}

/* The plan comes last: the tests are counted as they run. Exit status. */
int tap_done(void)
{
	printf("1..%u\n", tap_n);
	if (tap_failed)
		diag("%u of %u failed", tap_failed, tap_n);
	return tap_failed ? 1 : 0;
}
