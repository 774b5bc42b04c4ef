// SPDX-License-Identifier: GPL-2.0-only
/*
 * --config FILE: the same options as the command line, one per line, so
 * that a back-end started by systemd (virtio-argo-backend@.service) is
 * described by a file in /etc/virtio-argo/:
 *
 *	# guest1: a disk and a console
 *	port = 30000
 *	domid = 5
 *	device = blk,/srv/guest1.img
 *	device = console,pty=/run/virtio-argo/guest1/console
 *	verbose
 *
 * A key is a long option without its "--"; a flag (any, verbose) stands
 * alone. Comments are whole lines whose first non-blank character is '#':
 * a '#' later on a line is part of the value (a path may hold one).
 * Parsing is strict: anything else is an error that names FILE:LINE, and
 * the back-end exits before binding anything. The values themselves are
 * checked by options.c exactly as on the command line.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdnoreturn.h>
#include <string.h>

#include "backend.h"

#define CONFIG_LINE_MAX	4096	/* longer lines are refused, not split */
#define CONFIG_KEY_MAX	32

static noreturn void __printf(2, 3) cfg_bad(const char *where,
					    const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "virtio-argo-backend: %s: ", where);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	exit(2);
}

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = 0;
	return s;
}

/* One line, without its newline: apply it, or refuse it naming @where. */
static void config_line(const char *where, char *line, size_t len)
{
	char *key, *value = NULL, *eq;
	size_t i, klen;

	/* A file written on Windows: CRLF line ends. */
	if (len && line[len - 1] == '\r')
		line[--len] = 0;
	for (i = 0; i < len; i++) {
		unsigned char ch = line[i];

		/* A NUL would cut the value short without anyone noticing. */
		if ((ch < 0x20 && ch != '\t') || ch == 0x7f)
			cfg_bad(where, "control character 0x%02x in the line",
				ch);
	}
	key = trim(line);
	if (!*key || *key == '#')
		return;
	eq = strchr(key, '=');
	if (eq) {
		*eq = 0;
		value = trim(eq + 1);
		if (!*value)
			cfg_bad(where, "'%s': no value after '='", trim(key));
	}
	key = trim(key);
	klen = strlen(key);
	if (!klen)
		cfg_bad(where, "no key before '=' (expected KEY = VALUE)");
	for (i = 0; i < klen; i++)
		if (!islower((unsigned char)key[i]) && key[i] != '-')
			cfg_bad(where,
				"'%s' is not a key (expected KEY = VALUE or a flag; KEY as the long option without --)",
				key);
	if (klen > CONFIG_KEY_MAX)
		cfg_bad(where, "unknown key '%.32s...'", key);
	/* options.c keeps the value: devices point into it. */
	if (value) {
		value = strdup(value);
		if (!value)
			cfg_bad(where, "out of memory");
	}
	option_set(where, key, value);
}

void config_read(const char *path)
{
	char where[CONFIG_LINE_MAX];
	unsigned int lineno = 0;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	FILE *f;

	f = fopen(path, "re");
	if (!f)
		cfg_bad(path, "cannot open: %s", strerror(errno));
	while ((n = getline(&line, &cap, f)) != -1) {
		snprintf(where, sizeof(where), "%s:%u", path, ++lineno);
		if (n && line[n - 1] == '\n')
			line[--n] = 0;
		if (n >= CONFIG_LINE_MAX)
			cfg_bad(where, "line longer than %d bytes",
				CONFIG_LINE_MAX - 1);
		config_line(where, line, n);
	}
	if (ferror(f))
		cfg_bad(path, "read error: %s", strerror(errno));
	free(line);
	fclose(f);
}

/*
 * --check-config: the options in effect, as a configuration file that
 * gives them, so that what the file and the command line added up to can
 * be seen (and kept) before anything runs.
 */
void config_print(void)
{
	unsigned int i;

	printf("port = %u\n", opt.port);
	printf("ring-len = %u\n", opt.ring_len);
	printf("max-chain = %u\n", opt.max_chain);
	printf("max-conns = %u\n", opt.max_conns);
	for (i = 0; i < opt.ndomids; i++)
		printf("domid = %u\n", opt.domids[i]);
	if (opt.any)
		printf("any\n");
	for (i = 0; i < opt.ndevs; i++)
		printf("device = %s%s%s\n", opt.devs[i].ops->name,
		       opt.devs[i].arg ? "," : "",
		       opt.devs[i].arg ? opt.devs[i].arg : "");
	if (opt.hostile)
		printf("hostile = %s\n", hostile_name(opt.hostile));
	for (i = 0; i < (unsigned int)opt.verbose; i++)
		printf("verbose\n");
}
