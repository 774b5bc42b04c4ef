// SPDX-License-Identifier: GPL-2.0-only
/*
 * Counters for diagnosis and benchmarks, under
 * /sys/kernel/debug/xen-argo/: "stats" for the domain, "rings" one line
 * per open ring.
 */
#include <linux/debugfs.h>
#include <linux/rculist.h>
#include <linux/seq_file.h>

#include "argo_private.h"

static struct dentry *argo_debugfs_dir;

#define ARGO_STAT(s, f) \
	seq_printf(s, "%-14s %lld\n", #f, (long long)atomic64_read(&argo_stats.f))

static int argo_stats_show(struct seq_file *s, void *unused)
{
	ARGO_STAT(s, virqs);
	ARGO_STAT(s, hypercalls);
	ARGO_STAT(s, sendv);
	ARGO_STAT(s, sendv_eagain);
	ARGO_STAT(s, notify);
	ARGO_STAT(s, registers);
	ARGO_STAT(s, unregisters);
	seq_printf(s, "%-14s %d\n", "rings", argo_rings_count());
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(argo_stats);

#define ARGO_RSTAT(r, f) ((long long)atomic64_read(&(r)->stats.f))

static int argo_rings_show(struct seq_file *s, void *unused)
{
	struct argo_ring *ring;

	seq_puts(s, "port       partner len      rx_msgs rx_bytes rx_bad tx_msgs tx_bytes tx_eagain tx_errors dispatches notify_skipped name\n");
	rcu_read_lock();
	list_for_each_entry_rcu(ring, &argo_rings, node)
		seq_printf(s, "%#-10x %-7u %-8u %lld %lld %lld %lld %lld %lld %lld %lld %lld %s\n",
			   ring->port, READ_ONCE(ring->partner), ring->len,
			   ARGO_RSTAT(ring, rx_msgs), ARGO_RSTAT(ring, rx_bytes),
			   ARGO_RSTAT(ring, rx_bad), ARGO_RSTAT(ring, tx_msgs),
			   ARGO_RSTAT(ring, tx_bytes),
			   ARGO_RSTAT(ring, tx_eagain),
			   ARGO_RSTAT(ring, tx_errors),
			   ARGO_RSTAT(ring, dispatches),
			   ARGO_RSTAT(ring, notify_skipped), ring->name);
	rcu_read_unlock();
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(argo_rings);

void argo_debugfs_init(void)
{
	argo_debugfs_dir = debugfs_create_dir("xen-argo", NULL);
	debugfs_create_file("stats", 0400, argo_debugfs_dir, NULL,
			    &argo_stats_fops);
	debugfs_create_file("rings", 0400, argo_debugfs_dir, NULL,
			    &argo_rings_fops);
}

void argo_debugfs_exit(void)
{
	debugfs_remove_recursive(argo_debugfs_dir);
}
