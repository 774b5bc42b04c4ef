// SPDX-License-Identifier: GPL-2.0-only
/*
 * Command-line arguments: numbers, domains, destinations and size lists.
 * A bad argument is a usage error (exit status 2), so that a test script
 * can tell its own mistakes from a failure of the driver.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"

/* The commands take options only: a word left over is a mistake. */
void no_operands(int argc, char **argv)
{
	if (optind < argc)
		usage_error("unexpected argument '%s'", argv[optind]);
}

unsigned long long parse_num(const char *s, unsigned long long max,
			     const char *what)
{
	unsigned long long v;
	char *end;

	errno = 0;
	/* strtoull() would take "-1" as the largest value. */
	if (!s || !*s || *s == '-')
		usage_error("%s: expected a number, got '%s'", what,
			    s ? s : "");
	v = strtoull(s, &end, 0);
	if (errno || *end || v > max)
		usage_error("%s: '%s' is not a number in 0..%llu", what, s,
			    max);
	return v;
}

/* Ports, ring lengths and message types: any 32-bit value. */
u32 parse_u32(const char *s, const char *what)
{
	return parse_num(s, 0xffffffffULL, what);
}

/* A domain: a number, "any" (when allowed) or "self". */
u16 parse_domid(const char *s, bool allow_any, const char *what)
{
	if (allow_any && !strcmp(s, "any"))
		return ARGO_DOMID_ANY;
	if (!strcmp(s, "self"))
		return self_domid();
	return parse_num(s, 0x7fef, what);
}

/* "D:P": destination domain and port. */
void parse_dest(const char *s, u16 *domid, u32 *port)
{
	char *copy = strdup(s);
	char *colon = copy ? strrchr(copy, ':') : NULL;

	if (!colon)
		usage_error("--to: expected DOMID:PORT, got '%s'", s);
	*colon = '\0';
	*domid = parse_domid(copy, false, "--to domain");
	*port = parse_u32(colon + 1, "--to port");
	free(copy);
}

/* "a,b,c" into sizes[], returns the count. */
unsigned int parse_sizes(const char *s, u32 *sizes, unsigned int max)
{
	char *copy = strdup(s);
	char *tok, *save = NULL;
	unsigned int n = 0;

	if (!copy)
		fail("out of memory");
	for (tok = strtok_r(copy, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (n == max)
			usage_error("--sizes: more than %u sizes", max);
		sizes[n++] = parse_num(tok, ARGO_RING_LEN_MAX, "--sizes");
	}
	free(copy);
	if (!n)
		usage_error("--sizes: empty list");
	return n;
}

/* The largest of sizes[n], for the buffer that holds any of them. */
u32 sizes_max(const u32 *sizes, unsigned int n)
{
	u32 max = 0;
	unsigned int i;

	for (i = 0; i < n; i++)
		if (sizes[i] > max)
			max = sizes[i];
	return max;
}
