// SPDX-License-Identifier: GPL-2.0-only
/*
 * The command line. Bad configuration is refused here, before anything
 * is bound, with a message that names the option.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdnoreturn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"

struct vab_options opt = {
	.port = VAB_DEFAULT_PORT,
	.ring_len = VAB_DEFAULT_RING,
	.max_chain = VAB_DEFAULT_CHAIN,
	.max_conns = VAB_DEFAULT_CONNS,
};

static const struct vab_dev_ops *const models[] = {
	&vab_rng_ops,
	&vab_console_ops,
	&vab_net_ops,
	&vab_blk_ops,
};

static const char usage_text[] =
"Usage: virtio-argo-backend [OPTIONS] --device TYPE[,ARG]...\n"
"\n"
"Serve virtio devices to Xen guests over Argo (virtio-argo protocol 1,\n"
"Documentation/virtio/virtio-argo.rst). Every front-end connection,\n"
"keyed by (guest domid, port), gets its own instance of every device, in\n"
"the order given; device numbers start at 0.\n"
"\n"
"Options:\n"
"  -c, --config FILE read options from FILE first: one per line, KEY =\n"
"                    VALUE or a flag (KEY: the long option without --);\n"
"                    the command line replaces its numbers and adds\n"
"                    to its --domid and --device lists\n"
"  --check-config    check the options, print them as a configuration\n"
"                    file would give them, and exit\n"
"  --port N          Argo port to listen on (default 30000)\n"
"  --ring-len N      ring bytes: a multiple of 16, 4128 .. 16777152\n"
"                    (default 1048512, 256 pages; max_msg = N - 32)\n"
"  --domid D         serve domain D through a ring of its own (repeat\n"
"                    for more); a domain that does not exist yet is\n"
"                    retried every second\n"
"  --any             one wildcard ring for every domain (the default\n"
"                    without --domid; needs Xen's argo=1,mac-permissive=1);\n"
"                    with --domid, the listed domains are the only ones\n"
"                    served and others get HELLO ERROR DENIED\n"
"  --device TYPE[,ARG]  add a device:\n"
"                    rng               virtio-rng, entropy from getrandom(2)\n"
"                    console[,pty]     virtio-console on a new pty (path\n"
"                                      logged)\n"
"                    console,pty=LINK  also symlink LINK to the pty\n"
"                    console,socket=PATH  on a unix socket (one client)\n"
"                    In LINK and PATH, %d is the guest's domid, %p its port.\n"
"                    net,tap=NAME[,mac=M][,offload=on|off][,bridge=BR]\n"
"                                      virtio-net on tap NAME (%d: the\n"
"                                      guest's domid), created if missing\n"
"                    blk,FILE[,ro][,serial=STR][,threads=N]\n"
"                                      virtio-blk on a raw image or block\n"
"                                      device (%d: the guest's domid); ro:\n"
"                                      read-only; serial: the ID (20 bytes);\n"
"                                      threads: I/O workers (0: in the\n"
"                                      loop; default 4, 0 on tmpfs)\n"
"  --max-chain N     largest out_len/in_len of a chain (65536 .. 16777216,\n"
"                    default 1048576)\n"
"  --max-conns N     connections at most (default 256)\n"
"  --hostile MODE    misbehave on purpose, for front-end tests: garble,\n"
"                    oversize, duplicate, reorder, unsolicited, slow (see\n"
"                    the documentation)\n"
"  -v, --verbose     more log lines (twice: every frame)\n"
"  -h, --help        this text\n"
"\n"
"Logs go to stderr; lines about a connection start with domid:port.\n"
"SIGINT or SIGTERM: GOODBYE to every front-end, then exit.\n";

/* "FILE:LINE" while a --config file is applied, for the messages. */
static const char *where;
static bool check_only;		/* --check-config */

static noreturn void __printf(1, 2) bad(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "virtio-argo-backend: ");
	if (where)
		fprintf(stderr, "%s: ", where);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n(see virtio-argo-backend --help)\n");
	exit(2);
}

static unsigned long long number(const char *s, unsigned long long min,
				 unsigned long long max, const char *what)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s || *end || *s == '-' || v < min || v > max) {
		char range[64];

		snprintf(range, sizeof(range), "%llu .. %llu", min, max);
		bad("%s %s: expected an integer in %s", what, s, range);
	}
	return v;
}

static void add_device(char *spec)
{
	char *arg = strchr(spec, ',');
	const char *why;
	unsigned int i;

	if (arg)
		*arg++ = 0;
	if (opt.ndevs >= VAB_MAX_DEVICES)
		bad("--device %s: too many devices", spec);
	for (i = 0; i < ARRAY_SIZE(models); i++) {
		if (strcmp(spec, models[i]->name))
			continue;
		why = models[i]->check_arg ? models[i]->check_arg(arg) :
		      arg ? "takes no argument" : NULL;
		if (why)
			bad("--device %s: %s", spec, why);
		opt.devs[opt.ndevs].ops = models[i];
		opt.devs[opt.ndevs].arg = arg;
		opt.ndevs++;
		return;
	}
	bad("--device %s: unknown type (known: rng, console, net, blk)", spec);
}

static enum vab_hostile hostile_mode(const char *s)
{
	enum vab_hostile h;

	for (h = HOSTILE_GARBLE; h <= HOSTILE_SLOW; h++)
		if (!strcmp(s, hostile_name(h)))
			return h;
	bad("--hostile %s: unknown mode (garble, oversize, duplicate, reorder, unsolicited, slow)",
	    s);
}

static const struct option lopts[] = {
	{ "config", required_argument, NULL, 'c' },
	{ "port", required_argument, NULL, 'p' },
	{ "ring-len", required_argument, NULL, 'r' },
	{ "domid", required_argument, NULL, 'd' },
	{ "any", no_argument, NULL, 'a' },
	{ "device", required_argument, NULL, 'D' },
	{ "max-chain", required_argument, NULL, 'm' },
	{ "max-conns", required_argument, NULL, 'n' },
	{ "hostile", required_argument, NULL, 'H' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ "check-config", no_argument, NULL, 'K' },
	{ NULL, 0, NULL, 0 },
};

/* One option, from the command line or a configuration file. */
static void set_option(int c, char *arg)
{
	unsigned int i;
	u16 d;

	switch (c) {
	case 'p':
		opt.port = number(arg, 0, 0xffffffffULL, "--port");
		break;
	case 'r':
		/* max_msg must reach VIRTIO_ARGO_MIN_MSG. */
		opt.ring_len = number(arg, VIRTIO_ARGO_MIN_MSG + 32,
				      ARGO_RING_LEN_MAX, "--ring-len");
		if (opt.ring_len % 16)
			bad("--ring-len %s: not a multiple of 16", arg);
		break;
	case 'd':
		d = number(arg, 0, 0x7fef, "--domid");
		if (opt.ndomids >= VAB_MAX_DOMIDS)
			bad("--domid %s: at most 64 domains", arg);
		for (i = 0; i < opt.ndomids; i++)
			if (opt.domids[i] == d)
				bad("--domid %s: given twice", arg);
		opt.domids[opt.ndomids++] = d;
		break;
	case 'a':
		opt.any = true;
		break;
	case 'D':
		add_device(arg);
		break;
	case 'm':
		opt.max_chain = number(arg, VIRTIO_ARGO_MIN_CHAIN,
				       VIRTIO_ARGO_MAX_CHAIN, "--max-chain");
		break;
	case 'n':
		opt.max_conns = number(arg, 1, 65536, "--max-conns");
		break;
	case 'H':
		opt.hostile = hostile_mode(arg);
		break;
	case 'v':
		opt.verbose++;
		break;
	case 'h':
		fputs(usage_text, stdout);
		exit(0);
	case 'c':
		break;		/* read before the others */
	case 'K':
		check_only = true;
		break;
	default:
		bad("bad option");
	}
}

/* KEY [= VALUE] from line @at of a configuration file (config.c). */
void option_set(const char *at, const char *key, char *value)
{
	const struct option *o;

	where = at;
	for (o = lopts; o->name; o++)
		if (!strcmp(key, o->name))
			break;
	if (!o->name)
		bad("unknown key '%s' (a key is a long option without --)",
		    key);
	if (o->val == 'c' || o->val == 'h' || o->val == 'K')
		bad("'%s' is not allowed in a configuration file", key);
	if (o->has_arg == required_argument && !value)
		bad("'%s' needs a value: %s = ...", key, key);
	if (o->has_arg == no_argument && value)
		bad("'%s' is a flag and takes no value: write '%s' alone",
		    key, key);
	set_option(o->val, value);
	where = NULL;
}

void parse_options(int argc, char **argv)
{
	const char *config = NULL;
	int c;

	/*
	 * The file first, whatever its place among the arguments, so that
	 * the command line overrides it. Errors wait for the second pass.
	 */
	opterr = 0;
	while ((c = getopt_long(argc, argv, "vhc:", lopts, NULL)) != -1) {
		if (c == 'h')
			set_option(c, NULL);
		if (c != 'c')
			continue;
		if (config)
			bad("--config %s: only one configuration file", optarg);
		config = optarg;
	}
	if (config)
		config_read(config);
	opterr = 1;
	optind = 0;		/* rescan from the start (glibc and musl) */
	while ((c = getopt_long(argc, argv, "vhc:", lopts, NULL)) != -1)
		set_option(c, optarg);
	if (optind < argc)
		bad("unexpected argument '%s'", argv[optind]);
	if (!opt.ndevs)
		bad("no devices: give at least one --device (device = ... in a --config file)");
	if (check_only) {
		config_print();
		exit(0);
	}
}
