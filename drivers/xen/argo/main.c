// SPDX-License-Identifier: GPL-2.0-only
/*
 * xen-argo.ko: Linux driver for Xen's Argo hypervisor-mediated messaging.
 *
 * Argo moves bytes between domains through the hypervisor: no page is
 * shared or granted, and Xen's access control (XSM/Flask) is consulted on
 * every send. This module owns the Argo hypercall and VIRQ_ARGO in this
 * domain and offers them to other modules (include/xen/argo.h) and to user
 * space (/dev/argo, include/uapi/linux/argo.h).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <xen/xen.h>
#include <xen/xen-ops.h>
#include <xen/xenbus.h>

#include "argo_private.h"
#include "ringbuf.h"

#define ARGO_DEFAULT_RING_LEN	(64 * 1024 - 64)	/* 16 pages exactly */

struct argo_global_stats argo_stats;

unsigned int argo_default_ring_len = ARGO_DEFAULT_RING_LEN;
module_param_named(default_ring_len, argo_default_ring_len, uint, 0444);
MODULE_PARM_DESC(default_ring_len,
		 "Ring length in bytes for /dev/argo binds that give none (multiple of 16, 48 to 16777152; default 65472)");

unsigned int argo_max_user_rings = 64;
module_param_named(max_user_rings, argo_max_user_rings, uint, 0644);
MODULE_PARM_DESC(max_user_rings,
		 "Most rings /dev/argo users may hold at once; Xen allows 128 per domain (default 64)");

/**
 * argo_domid() - this domain's id
 *
 * Linux does not export xen_domid to modules. dom0 is 0; any other domain
 * reads its id from xenstore when asked (never at load: xenstore may not be
 * running yet in a dom0 and would block; and not cached: migration changes
 * it). Senders do not need it: Xen fills in the source domain of every
 * message. Process context, may sleep.
 *
 * Return: the domid, or XEN_ARGO_DOMID_ANY if xenstore does not say.
 */
u16 argo_domid(void)
{
	unsigned int domid;

	if (xen_initial_domain())
		return 0;
	if (xenbus_scanf(XBT_NIL, "domid", "", "%u", &domid) != 1 ||
	    domid >= XEN_ARGO_DOMID_ANY)
		return XEN_ARGO_DOMID_ANY;
	return domid;
}
EXPORT_SYMBOL_GPL(argo_domid);

/* Xen drops every ring of a domain that is saved, restored or migrated. */
static int argo_resume(struct notifier_block *nb, unsigned long action,
		       void *data)
{
	argo_rings_resume();
	/* Senders waiting on the old host's signals: let them retry. */
	argo_space_kick();
	return NOTIFY_OK;
}

static struct notifier_block argo_resume_nb = {
	.notifier_call = argo_resume,
};

static int __init argo_init(void)
{
	int ret;

	if (!xen_domain())
		return -ENODEV;

	if (!argo_rb_len_valid(argo_default_ring_len)) {
		pr_err("default_ring_len=%u invalid: need a multiple of %u in [%u, %u]\n",
		       argo_default_ring_len, XEN_ARGO_MSG_SLOT_SIZE,
		       ARGO_RING_MIN_LEN, ARGO_RING_MAX_LEN);
		return -EINVAL;
	}

	ret = argo_hc_probe();
	if (ret)
		return ret;

	ret = argo_virq_init();
	if (ret)
		return ret;

	ret = argo_dev_init();
	if (ret) {
		pr_err("cannot register /dev/argo: %d\n", ret);
		goto err_virq;
	}
	argo_debugfs_init();
	xen_resume_notifier_register(&argo_resume_nb);
	pr_info("Argo is live; /dev/argo ready\n");
	return 0;

err_virq:
	argo_virq_exit();
	return ret;
}

static void __exit argo_exit(void)
{
	xen_resume_notifier_unregister(&argo_resume_nb);
	argo_debugfs_exit();
	argo_dev_exit();
	argo_send_exit();
	argo_virq_exit();
	/* Users hold module references, so every ring must be closed. */
	WARN(argo_rings_count(), "rings still open at unload\n");
}

module_init(argo_init);
module_exit(argo_exit);

MODULE_DESCRIPTION("Xen Argo hypervisor-mediated inter-domain messaging");
MODULE_LICENSE("GPL");
