// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio-argo: a virtio transport over Xen Argo.
 *
 * Finds back-ends in ACPI (a Device with _HID "XARG0001", or PRP0001 with
 * compatible "xen,virtio-argo"), in the Device Tree (the same compatible)
 * or in the "backends" module parameter, and creates one bus for each.
 * Every firmware entry names one back-end by the properties
 * "xen,backend-domid", "xen,backend-port" and, optionally,
 * "xen,ring-size". See Documentation/virtio/virtio-argo.rst.
 */
#include <linux/acpi.h>
#include <linux/kernel.h>
#include <linux/mod_devicetable.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/property.h>
#include <xen/xen.h>
#include "virtio_argo_priv.h"

#define VA_MAX_PARAM_BACKENDS	8

struct workqueue_struct *va_wq;

unsigned int va_timeout_ms = 10000;
module_param_named(timeout_ms, va_timeout_ms, uint, 0644);
MODULE_PARM_DESC(timeout_ms, "How long to wait for a control response (ms, default 10000)");

unsigned int va_reset_timeout_ms = 30000;
module_param_named(reset_timeout_ms, va_reset_timeout_ms, uint, 0644);
MODULE_PARM_DESC(reset_timeout_ms, "How long to wait for a device reset (ms, default 30000)");

/*
 * Short enough that a guest waiting for answers notices a back-end restart
 * within seconds; a PING is one small message, and only an idle
 * connection sends it.
 */
unsigned int va_keepalive_ms = 5000;
module_param_named(keepalive_ms, va_keepalive_ms, uint, 0644);
MODULE_PARM_DESC(keepalive_ms, "PING the back-end after this long without traffic (ms, 0: never; default 5000)");

unsigned int va_resume_ms = 60000;
module_param_named(resume_ms, va_resume_ms, uint, 0644);
MODULE_PARM_DESC(resume_ms, "How long devices wait for a lost back-end to come back before they are removed (ms, 0: forever; default 60000)");

unsigned int va_poll_ms = 5000;
module_param_named(poll_ms, va_poll_ms, uint, 0644);
MODULE_PARM_DESC(poll_ms, "Longest a notifier with interrupts off waits for its read-only chains (ms, default 5000)");

unsigned int va_queue_size = 256;
module_param_named(queue_size, va_queue_size, uint, 0444);
MODULE_PARM_DESC(queue_size, "Largest virtqueue size (power of two, default 256)");

/*
 * 256 pages: room for four of the back-end's 256 KiB messages, so that it
 * can write the next one while we copy the last one out. With 16 pages a
 * 128 KiB read took three messages and three VIRQs, each waiting for the
 * previous to be drained (Documentation/performance.rst).
 */
static unsigned int va_ring_size = 1048512;
module_param_named(ring_size, va_ring_size, uint, 0444);
MODULE_PARM_DESC(ring_size, "Bytes of each receive ring unless firmware says (default 1048512, 256 pages)");

static char *va_backends;
module_param_named(backends, va_backends, charp, 0444);
MODULE_PARM_DESC(backends, "Back-ends without firmware tables: DOMID:PORT[:RING_SIZE][,...]");

static struct va_bus *va_param_buses[VA_MAX_PARAM_BACKENDS];

/* The one place a back-end description from outside is checked. */
static int va_check_backend(struct device *dev, u32 domid, u32 port,
			    u32 ring)
{
	if (domid >= DOMID_FIRST_RESERVED) {
		dev_err(dev, "back-end domid %u is not a domain\n", domid);
		return -EINVAL;
	}
	if (!argo_ring_len_valid(ring) ||
	    argo_ring_max_payload_for_len(ring) < VIRTIO_ARGO_MIN_MSG) {
		dev_err(dev, "ring size %u is not a valid Argo ring of at least %u bytes of payload\n",
			ring, VIRTIO_ARGO_MIN_MSG);
		return -EINVAL;
	}
	return 0;
}

static int va_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	u32 domid, port, ring = va_ring_size;
	struct va_bus *bus;
	int ret;

	ret = device_property_read_u32(dev, "xen,backend-domid", &domid);
	if (!ret)
		ret = device_property_read_u32(dev, "xen,backend-port", &port);
	if (ret) {
		dev_err(dev, "firmware entry lacks xen,backend-domid or xen,backend-port: %d\n",
			ret);
		return ret;
	}
	if (device_property_present(dev, "xen,ring-size")) {
		ret = device_property_read_u32(dev, "xen,ring-size", &ring);
		if (ret) {
			dev_err(dev, "bad xen,ring-size: %d\n", ret);
			return ret;
		}
	}
	ret = va_check_backend(dev, domid, port, ring);
	if (ret)
		return ret;
	bus = va_bus_create(dev, domid, port, ring);
	if (IS_ERR(bus))
		return PTR_ERR(bus);
	platform_set_drvdata(pdev, bus);
	return 0;
}

static void va_remove(struct platform_device *pdev)
{
	va_bus_destroy(platform_get_drvdata(pdev));
}

static const struct of_device_id va_of_match[] = {
	{ .compatible = "xen,virtio-argo" },
	{}
};
MODULE_DEVICE_TABLE(of, va_of_match);

#ifdef CONFIG_ACPI
static const struct acpi_device_id va_acpi_match[] = {
	{ "XARG0001", 0 },
	{}
};
MODULE_DEVICE_TABLE(acpi, va_acpi_match);
#endif

static struct platform_driver va_driver = {
	.probe = va_probe,
	.remove = va_remove,
	.driver = {
		.name = "virtio-argo",
		.of_match_table = va_of_match,
		.acpi_match_table = ACPI_PTR(va_acpi_match),
	},
};

/* One DOMID:PORT[:RING] item of the module parameter. */
static int va_parse_backend(char *item, u32 *domid, u32 *port, u32 *ring)
{
	char *f[3] = {};
	int i, n = 0;

	while (item && n < 3)
		f[n++] = strsep(&item, ":");
	if (item || n < 2)
		return -EINVAL;
	if (kstrtou32(f[0], 0, domid) || kstrtou32(f[1], 0, port))
		return -EINVAL;
	*ring = va_ring_size;
	if (n == 3 && kstrtou32(f[2], 0, ring))
		return -EINVAL;
	for (i = 0; i < n; i++)
		if (!*f[i])
			return -EINVAL;
	return 0;
}

static void va_param_destroy(void)
{
	int i;

	for (i = VA_MAX_PARAM_BACKENDS - 1; i >= 0; i--) {
		if (va_param_buses[i])
			va_bus_destroy(va_param_buses[i]);
		va_param_buses[i] = NULL;
	}
}

static int va_param_create(void)
{
	char *list, *cur, *item;
	int n = 0, ret = 0;

	if (!va_backends || !*va_backends)
		return 0;
	list = kstrdup(va_backends, GFP_KERNEL);
	if (!list)
		return -ENOMEM;
	cur = list;
	while ((item = strsep(&cur, ",")) != NULL) {
		u32 domid, port, ring;
		struct va_bus *bus;

		if (n == VA_MAX_PARAM_BACKENDS) {
			pr_err("virtio_argo: more than %d back-ends in backends=\n",
			       VA_MAX_PARAM_BACKENDS);
			ret = -E2BIG;
			break;
		}
		if (va_parse_backend(item, &domid, &port, &ring)) {
			pr_err("virtio_argo: backends=: item %d is not DOMID:PORT[:RING_SIZE]\n",
			       n + 1);
			ret = -EINVAL;
			break;
		}
		if (domid >= DOMID_FIRST_RESERVED ||
		    !argo_ring_len_valid(ring) ||
		    argo_ring_max_payload_for_len(ring) <
		    VIRTIO_ARGO_MIN_MSG) {
			pr_err("virtio_argo: backends=: item %d: bad domid %u or ring size %u\n",
			       n + 1, domid, ring);
			ret = -EINVAL;
			break;
		}
		bus = va_bus_create(NULL, domid, port, ring);
		if (IS_ERR(bus)) {
			ret = PTR_ERR(bus);
			break;
		}
		va_param_buses[n++] = bus;
	}
	kfree(list);
	if (ret)
		va_param_destroy();
	return ret;
}

static int __init va_init(void)
{
	int ret;

	if (!xen_domain())
		return -ENODEV;
	if (!va_queue_size || va_queue_size > VIRTIO_ARGO_MAX_VQ_SIZE) {
		pr_err("virtio_argo: queue_size %u is not 1 .. %u\n",
		       va_queue_size, VIRTIO_ARGO_MAX_VQ_SIZE);
		return -EINVAL;
	}
	va_wq = alloc_workqueue("virtio_argo", WQ_HIGHPRI | WQ_MEM_RECLAIM, 0);
	if (!va_wq)
		return -ENOMEM;
	va_debugfs_init();
	ret = va_param_create();
	if (ret)
		goto err_wq;
	ret = platform_driver_register(&va_driver);
	if (ret)
		goto err_param;
	return 0;

err_param:
	va_param_destroy();
err_wq:
	va_debugfs_exit();
	destroy_workqueue(va_wq);
	return ret;
}

static void __exit va_exit(void)
{
	platform_driver_unregister(&va_driver);
	va_param_destroy();
	va_debugfs_exit();
	destroy_workqueue(va_wq);
}

module_init(va_init);
module_exit(va_exit);

MODULE_DESCRIPTION("virtio transport over Xen Argo");
MODULE_AUTHOR("The virtio-argo authors");
MODULE_LICENSE("GPL");
