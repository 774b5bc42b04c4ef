// SPDX-License-Identifier: GPL-2.0-only
/*
 * Messages to stderr. Every line about a connection starts with the
 * front-end's domid:port, so that the log of a back-end serving many
 * guests can be filtered per guest. -v adds debug lines, -vv one line per
 * frame.
 */
#include <stdarg.h>
#include <stdio.h>

#include "backend.h"

static void vlog(const char *prefix, const char *fmt, va_list ap)
{
	/* One fprintf per line keeps lines whole even with other writers. */
	char line[512];

	vsnprintf(line, sizeof(line), fmt, ap);
	fprintf(stderr, "virtio-argo-backend: %s%s\n", prefix, line);
}

void __printf(1, 2) vab_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog("error: ", fmt, ap);
	va_end(ap);
}

void __printf(1, 2) vab_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog("", fmt, ap);
	va_end(ap);
}

void __printf(1, 2) vab_dbg(const char *fmt, ...)
{
	va_list ap;

	if (opt.verbose < 1)
		return;
	va_start(ap, fmt);
	vlog("", fmt, ap);
	va_end(ap);
}

static void conn_vlog(struct vab_conn *c, const char *fmt, va_list ap)
{
	char prefix[40];

	snprintf(prefix, sizeof(prefix), "%s: ", c->name);
	vlog(prefix, fmt, ap);
}

void __printf(2, 3) conn_info(struct vab_conn *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	conn_vlog(c, fmt, ap);
	va_end(ap);
}

void __printf(2, 3) conn_dbg(struct vab_conn *c, const char *fmt, ...)
{
	va_list ap;

	if (opt.verbose < 1)
		return;
	va_start(ap, fmt);
	conn_vlog(c, fmt, ap);
	va_end(ap);
}

void __printf(2, 3) conn_trace(struct vab_conn *c, const char *fmt, ...)
{
	va_list ap;

	if (opt.verbose < 2)
		return;
	va_start(ap, fmt);
	conn_vlog(c, fmt, ap);
	va_end(ap);
}

static void dev_vlog(struct vab_dev *dev, const char *fmt, va_list ap)
{
	char prefix[64];

	snprintf(prefix, sizeof(prefix), "%s: dev %u %s: ", dev->conn->name,
		 dev->num, dev->ops->name);
	vlog(prefix, fmt, ap);
}

void __printf(2, 3) dev_info(struct vab_dev *dev, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	dev_vlog(dev, fmt, ap);
	va_end(ap);
}

void __printf(2, 3) dev_dbg(struct vab_dev *dev, const char *fmt, ...)
{
	va_list ap;

	if (opt.verbose < 1)
		return;
	va_start(ap, fmt);
	dev_vlog(dev, fmt, ap);
	va_end(ap);
}
