// SPDX-License-Identifier: GPL-2.0-only
/*
 * The Argo hypercall. Every call into Xen's Argo op in this domain goes
 * through this file, so it is the one place that knows the calling
 * convention and the quirks of the return value.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/errno.h>
#include <linux/kernel.h>
#include <xen/xen.h>
#include <asm/xen/hypercall.h>

#include "argo_private.h"

static int argo_op(unsigned int cmd, const void *arg1, const void *arg2,
		   unsigned long arg3, unsigned long arg4)
{
	long ret;

	atomic64_inc(&argo_stats.hypercalls);
	ret = xen_single_call(__HYPERVISOR_argo_op, cmd, (unsigned long)arg1,
			      (unsigned long)arg2, arg3, arg4);
	/*
	 * Xen 4.17 hands errors back zero-extended from 32 bits
	 * (-ECONNREFUSED arrives as 4294967185): every valid result fits in
	 * an int, so truncating recovers the sign.
	 */
	return (int)ret;
}

int argo_hc_register(const struct xen_argo_register_ring *reg,
		     const xen_argo_gfn_t *gfns, unsigned int npages,
		     unsigned int flags)
{
	atomic64_inc(&argo_stats.registers);
	return argo_op(XEN_ARGO_OP_register_ring, reg, gfns, npages, flags);
}

int argo_hc_unregister(u32 port, u16 partner)
{
	struct xen_argo_unregister_ring unreg = {
		.aport = port,
		.partner_id = partner,
	};

	atomic64_inc(&argo_stats.unregisters);
	return argo_op(XEN_ARGO_OP_unregister_ring, &unreg, NULL, 0, 0);
}

int argo_hc_sendv(const struct xen_argo_send_addr *addr,
		  const struct xen_argo_iov *iov, unsigned int niov, u32 type)
{
	atomic64_inc(&argo_stats.sendv);
	return argo_op(XEN_ARGO_OP_sendv, addr, iov, niov, type);
}

int argo_hc_notify(struct xen_argo_ring_data *data)
{
	atomic64_inc(&argo_stats.notify);
	return argo_op(XEN_ARGO_OP_notify, data, NULL, 0, 0);
}

/*
 * Unregistering a ring that does not exist tells the three cases apart
 * without side effects: only a live Argo looks the ring up and answers
 * -ENOENT.
 */
int argo_hc_probe(void)
{
	int ret = argo_hc_unregister(U32_MAX, XEN_ARGO_DOMID_ANY);

	switch (ret) {
	case -ENOENT:
		return 0;
	case -XEN_ERR_NO_HYPERCALL:
		pr_err("this Xen has no Argo: rebuild Xen with CONFIG_ARGO=y\n");
		return -ENODEV;
	case -EOPNOTSUPP:
		pr_err("Argo is not enabled: boot Xen with argo=1\n");
		return -ENODEV;
	case -EACCES:
	case -EPERM:
		pr_err("Argo is denied to this domain by the XSM policy (%d)\n",
		       ret);
		return -ENODEV;
	case -ENODEV:
		pr_err("Argo is not set up for this domain\n");
		return -ENODEV;
	case 0:
		/* A stale ring of ours went away: Argo is live all the same. */
		return 0;
	default:
		pr_err("Argo probe failed: %d\n", ret);
		return ret < 0 ? ret : -EIO;
	}
}
