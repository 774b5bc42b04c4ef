// SPDX-License-Identifier: GPL-2.0-only
/*
 * Argo ring arithmetic; see ringbuf.h.
 *
 * The ring is a byte array of len bytes (a multiple of 16). Xen writes each
 * message as a 16-byte header followed by the payload, starting on a 16-byte
 * slot; the payload may wrap past the end of the array, the header never
 * does because both it and the ring length are whole slots. rx == tx means
 * empty: Xen always leaves at least one slot free.
 */
#include <linux/align.h>
#include <linux/errno.h>
#include <linux/math.h>
#include <linux/minmax.h>
#include <linux/string.h>

#include "ringbuf.h"

/**
 * argo_rb_len_valid() - is @len a ring length Xen will register?
 * @len: length of the ring's data area in bytes, header excluded
 *
 * Return: true for a multiple of 16 between ARGO_RING_MIN_LEN and
 * ARGO_RING_MAX_LEN.
 */
bool argo_rb_len_valid(u32 len)
{
	return len >= ARGO_RING_MIN_LEN && len <= ARGO_RING_MAX_LEN &&
	       IS_ALIGNED(len, XEN_ARGO_MSG_SLOT_SIZE);
}

/**
 * argo_rb_npages() - number of 4 KiB pages that hold a ring
 * @len: valid ring length
 *
 * Xen insists on exactly this many frames at registration.
 *
 * Return: DIV_ROUND_UP(@len + ring header, 4096).
 */
unsigned int argo_rb_npages(u32 len)
{
	return DIV_ROUND_UP(len + ARGO_RING_HDR_SIZE, XEN_ARGO_PAGE_SIZE);
}

/**
 * argo_rb_max_payload() - largest payload a ring of @len bytes accepts
 * @len: valid ring length
 *
 * A message takes its header plus its payload rounded up to a slot, and one
 * slot must stay free.
 *
 * Return: @len - 32.
 */
u32 argo_rb_max_payload(u32 len)
{
	return len - ARGO_MSG_HDR_SIZE - XEN_ARGO_MSG_SLOT_SIZE;
}

/**
 * argo_rb_used() - bytes between the reader and the writer
 * @rx: reader offset, < @len
 * @tx: writer offset, < @len
 * @len: ring length
 *
 * Return: number of bytes of messages (with headers and padding) waiting.
 */
u32 argo_rb_used(u32 rx, u32 tx, u32 len)
{
	return tx >= rx ? tx - rx : len - rx + tx;
}

/**
 * argo_rb_advance() - reader offset after consuming one message
 * @rx: offset of the message's header
 * @msg_len: the header's len field (header included)
 * @len: ring length
 *
 * Return: the next slot after the message, wrapped into [0, @len).
 */
u32 argo_rb_advance(u32 rx, u32 msg_len, u32 len)
{
	u64 next = ALIGN((u64)rx + msg_len, XEN_ARGO_MSG_SLOT_SIZE);

	return next % len;
}

/**
 * argo_rb_sender_may_wait() - may a sender have found the ring full?
 * @rx: reader offset before a drain
 * @tx: writer offset, read after the drain's new reader offset was stored
 * @len: ring length
 * @max: largest payload the ring's senders send
 *
 * Xen refuses a payload of p bytes when the free space is no more than
 * p rounded up to a slot plus a header, and then waits for the reader's
 * notify before it tells the sender to try again. The writer only moves
 * towards the reader, so the free space seen from @rx with this @tx is at
 * most what any sender refused since the reader last stored @rx saw: if
 * even the largest payload would have fitted into it, nobody was refused.
 *
 * Return: false only if no sender can be waiting for space freed by the
 * drain (the reader need not notify).
 */
bool argo_rb_sender_may_wait(u32 rx, u32 tx, u32 len, u32 max)
{
	u64 room;

	/* A corrupt header: do what is always safe. */
	if (rx >= len || tx >= len)
		return true;
	room = len - argo_rb_used(rx, tx, len);

	return room <= ALIGN((u64)max, XEN_ARGO_MSG_SLOT_SIZE) +
		       ARGO_MSG_HDR_SIZE;
}

/**
 * argo_rb_peek() - validate and read the header of the next message
 * @ring: start of the ring's data area
 * @len: ring length
 * @rx: reader offset (ours)
 * @tx: writer offset (read from the shared header)
 * @hdr: where to copy the message header
 *
 * Both offsets are checked before use: a corrupted shared header must not
 * make us read outside the ring.
 *
 * Return: 0 with @hdr filled in; -ENOMSG when the ring is empty; -EPROTO
 * when an offset is out of range or misaligned; -EBADMSG when the header's
 * length is shorter than a header or longer than the bytes available.
 */
int argo_rb_peek(const void *ring, u32 len, u32 rx, u32 tx,
		 struct xen_argo_ring_message_header *hdr)
{
	u32 avail;

	if (rx >= len || tx >= len ||
	    !IS_ALIGNED(rx, XEN_ARGO_MSG_SLOT_SIZE) ||
	    !IS_ALIGNED(tx, XEN_ARGO_MSG_SLOT_SIZE))
		return -EPROTO;
	if (rx == tx)
		return -ENOMSG;

	avail = argo_rb_used(rx, tx, len);
	memcpy(hdr, ring + rx, sizeof(*hdr));
	if (hdr->len < ARGO_MSG_HDR_SIZE || hdr->len > avail)
		return -EBADMSG;
	return 0;
}

/**
 * argo_rb_segments() - locate payload bytes of a message in the ring
 * @len: ring length
 * @rx: offset of the message's header
 * @off: offset into the payload
 * @count: number of bytes wanted; the caller has checked that
 *	   @off + @count does not exceed the payload length
 * @seg: filled with up to two contiguous pieces
 *
 * Return: number of pieces used (0 when @count is 0).
 */
unsigned int argo_rb_segments(u32 len, u32 rx, u32 off, u32 count,
			      struct argo_rb_seg seg[2])
{
	u32 pos = (u32)(((u64)rx + ARGO_MSG_HDR_SIZE + off) % len);
	u32 first;

	if (!count)
		return 0;
	first = min(count, len - pos);
	seg[0].off = pos;
	seg[0].len = first;
	if (first == count)
		return 1;
	seg[1].off = 0;
	seg[1].len = count - first;
	return 2;
}

/**
 * argo_rb_copy() - copy payload bytes of a message out of the ring
 * @ring: start of the ring's data area
 * @len: ring length
 * @rx: offset of the message's header
 * @off: offset into the payload
 * @dst: destination buffer
 * @count: bytes to copy (bounds checked by the caller)
 */
void argo_rb_copy(const void *ring, u32 len, u32 rx, u32 off, void *dst,
		  u32 count)
{
	struct argo_rb_seg seg[2];
	unsigned int i, n;

	n = argo_rb_segments(len, rx, off, count, seg);
	for (i = 0; i < n; i++) {
		memcpy(dst, ring + seg[i].off, seg[i].len);
		dst += seg[i].len;
	}
}
