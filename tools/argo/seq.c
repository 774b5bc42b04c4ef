// SPDX-License-Identifier: GPL-2.0-only
/*
 * The sequence-numbered payload that "send" produces and "recv --seq"
 * checks.
 *
 * Every message starts with a little-endian u64 sequence number and a u32
 * payload length, followed by bytes derived from the sequence number and
 * the offset (shorter messages carry a prefix of that). Any byte of any
 * message can be recomputed, so the receiver reports the first message
 * that is missing, duplicated, reordered or corrupt, and where.
 */
#include <stdarg.h>
#include <stdio.h>

#include "common.h"

#define SEQ_HDR_LEN		12	/* u64 sequence number, u32 length */

static u64 get_le(const u8 *p, unsigned int bytes)
{
	u64 v = 0;
	unsigned int i;

	for (i = 0; i < bytes; i++)
		v |= (u64)p[i] << (8 * i);
	return v;
}

/*
 * 167 is odd, so consecutive messages differ in every byte; off >> 8
 * breaks the 256-byte period of off * 7, so a block at the wrong offset
 * shows too.
 */
static u8 pattern_byte(u64 seq, u32 off)
{
	return (u8)(seq * 167 + off * 7 + (off >> 8) + 0x5a);
}

/* Byte off of the payload of message seq when it is len bytes long. */
static u8 seq_byte(u64 seq, u32 len, u32 off)
{
	if (off < 8)
		return seq >> (8 * off);
	if (off < SEQ_HDR_LEN)
		return len >> (8 * (off - 8));
	return pattern_byte(seq, off);
}

void seq_fill(u8 *buf, u32 len, u64 seq)
{
	u32 i;

	for (i = 0; i < len && i < SEQ_HDR_LEN; i++)
		buf[i] = seq_byte(seq, len, i);
	for (; i < len; i++)
		buf[i] = pattern_byte(seq, i);
}

/* Offset of the first byte that differs from seq_fill(), or -1. */
long seq_check(const u8 *buf, u32 len, u64 seq)
{
	u32 i;

	for (i = 0; i < len && i < SEQ_HDR_LEN; i++)
		if (buf[i] != seq_byte(seq, len, i))
			return i;
	for (; i < len; i++)
		if (buf[i] != pattern_byte(seq, i))
			return i;
	return -1;
}

/* Count every error, print the first ten: one loss can cause thousands. */
static void __printf(3, 4)
seq_error(struct seq_state *st, unsigned long idx, const char *fmt, ...)
{
	va_list ap;

	st->errors++;
	if (st->printed >= 10)
		return;
	if (++st->printed == 10)
		fprintf(stderr, "recv: (further errors not shown)\n");
	fprintf(stderr, "recv: error in message #%lu: ", idx);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* Check message #idx (counting from 0) of a --seq stream. */
void seq_verify(struct seq_state *st, unsigned long idx, const u8 *buf,
		u32 len)
{
	u64 seq = st->next;
	long off;

	/* Shorter messages have no room for the header: assume in order. */
	if (len >= SEQ_HDR_LEN) {
		u32 hlen = get_le(buf + 8, 4);

		seq = get_le(buf, 8);
		if (hlen != len) {
			seq_error(st, idx,
				  "length %u, but its header says %u (seq %llu)",
				  len, hlen, (unsigned long long)seq);
			st->next = seq + 1;
			return;
		}
		if (seq > st->next) {
			seq_error(st, idx,
				  "missing seq %llu..%llu (got %llu)",
				  (unsigned long long)st->next,
				  (unsigned long long)seq - 1,
				  (unsigned long long)seq);
		} else if (seq + 1 == st->next) {
			seq_error(st, idx, "duplicate of seq %llu",
				  (unsigned long long)seq);
		} else if (seq < st->next) {
			seq_error(st, idx,
				  "reordered: seq %llu after seq %llu",
				  (unsigned long long)seq,
				  (unsigned long long)st->next - 1);
		}
	}
	off = seq_check(buf, len, seq);
	if (off >= 0)
		seq_error(st, idx,
			  "seq %llu len %u corrupt at byte %ld: 0x%02x, want 0x%02x",
			  (unsigned long long)seq, len, off, buf[off],
			  seq_byte(seq, len, off));
	if (seq >= st->next)
		st->next = seq + 1;
}
