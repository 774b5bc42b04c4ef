// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio-argo: the DMA mapping of the virtqueues.
 *
 * Under Xen the virtio core always maps buffers through the DMA API
 * (vring_use_dma_api()), and the ops a device would get by default hand
 * out machine addresses and bounce buffers (swiotlb-xen on PV) or grant
 * references (grant-dma-ops) -- the latter would give the back-end the
 * page. Nothing here is ever seen by a device: the "device" is this
 * transport, reading descriptors in the guest's own memory. So the
 * virtqueues get a DMA device of ours whose mapping is the identity on
 * (pseudo-)physical addresses, which the transport turns back into kernel
 * pointers. Nothing is granted, mapped for, or bounced to another domain.
 */
#include <linux/dma-map-ops.h>
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/scatterlist.h>
#include "virtio_argo_priv.h"

static void *va_dma_alloc(struct device *dev, size_t size,
			  dma_addr_t *handle, gfp_t gfp, unsigned long attrs)
{
	void *p = alloc_pages_exact(size, gfp | __GFP_ZERO);

	if (!p)
		return NULL;
	*handle = virt_to_phys(p);
	return p;
}

static void va_dma_free(struct device *dev, size_t size, void *vaddr,
			dma_addr_t handle, unsigned long attrs)
{
	free_pages_exact(vaddr, size);
}

static dma_addr_t va_dma_map_page(struct device *dev, struct page *page,
				  unsigned long offset, size_t size,
				  enum dma_data_direction dir,
				  unsigned long attrs)
{
	return page_to_phys(page) + offset;
}

static void va_dma_unmap_page(struct device *dev, dma_addr_t handle,
			      size_t size, enum dma_data_direction dir,
			      unsigned long attrs)
{
}

static int va_dma_map_sg(struct device *dev, struct scatterlist *sgl,
			 int nents, enum dma_data_direction dir,
			 unsigned long attrs)
{
	struct scatterlist *sg;
	int i;

	for_each_sg(sgl, sg, nents, i) {
		sg->dma_address = sg_phys(sg);
		sg_dma_len(sg) = sg->length;
	}
	return nents;
}

static void va_dma_unmap_sg(struct device *dev, struct scatterlist *sgl,
			    int nents, enum dma_data_direction dir,
			    unsigned long attrs)
{
}

static int va_dma_supported(struct device *dev, u64 mask)
{
	return 1;
}

const struct dma_map_ops va_dma_ops = {
	.alloc = va_dma_alloc,
	.free = va_dma_free,
	.map_page = va_dma_map_page,
	.unmap_page = va_dma_unmap_page,
	.map_sg = va_dma_map_sg,
	.unmap_sg = va_dma_unmap_sg,
	.dma_supported = va_dma_supported,
};

/**
 * va_dma_to_virt() - the kernel address of a buffer a descriptor names
 * @addr: the descriptor's address, as mapped by &va_dma_ops
 * @len: the descriptor's length, non-zero
 *
 * The descriptors come from our own kernel, but a bug there must not make
 * us copy from or to memory that is not RAM: every page of the range must
 * be a valid page frame in the direct map.
 *
 * Return: the address, or NULL if the range is not RAM we can reach.
 */
void *va_dma_to_virt(dma_addr_t addr, u32 len)
{
	phys_addr_t first = addr, last = addr + len - 1;
	unsigned long pfn;

	if (!len || last < first)
		return NULL;
	for (pfn = PHYS_PFN(first); pfn <= PHYS_PFN(last); pfn++)
		if (!pfn_valid(pfn) || PageHighMem(pfn_to_page(pfn)))
			return NULL;
	return phys_to_virt(first);
}
