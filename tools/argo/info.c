// SPDX-License-Identifier: GPL-2.0-only
/*
 * argo info: this domain's id, for scripts that must tell a peer where
 * to send.
 */
#include <stdio.h>
#include <string.h>

#include "common.h"

static void usage_info(void)
{
	puts("usage: argo info\n"
	     "Print this domain's id as ARGO_IOC_INFO reports it: 'domid N'.");
}

int cmd_info(int argc, char **argv)
{
	struct argo_info info;

	if (argc > 1) {
		if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
			usage_info();
			return 0;
		}
		usage_error("unexpected argument '%s'", argv[1]);
	}
	get_info(&info);
	printf("domid %u\n", info.domid);
	return 0;
}
