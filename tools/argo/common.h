/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the files of the argo tool share: each command lives in its own
 * file (bench and its sink together), and what more than one file needs
 * is declared here.
 */
#ifndef TOOLS_ARGO_COMMON_H
#define TOOLS_ARGO_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdnoreturn.h>

#include <linux/argo.h>

typedef __u8 u8;
typedef __u16 u16;
typedef __u32 u32;
typedef __u64 u64;

#define ARGO_DEV		"/dev/argo"
#define DEFAULT_SRC_RING	4032	/* one page with the ring header */

#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
/* __printf(a, b) comes from the Makefile, as in the kernel's compiler.h. */

/* argo.c: reporting errors, in the name of the running command */
extern const char *cmd_name;
const char *errname(int err);
noreturn void __printf(1, 2) usage_error(const char *fmt, ...);
noreturn void __printf(1, 2) fail(const char *fmt, ...);
void *xmalloc(size_t size);

/* The commands: info.c, recv.c, send.c, bench.c, selftest.c */
int cmd_info(int argc, char **argv);
int cmd_recv(int argc, char **argv);
int cmd_send(int argc, char **argv);
int cmd_bench(int argc, char **argv);
int cmd_sink(int argc, char **argv);
int cmd_selftest(int argc, char **argv);

/* dev.c: the ioctls; the do_*() return the result or a negative errno */
void setup_alarm(void);
void arm_timeout(unsigned int seconds);
int argo_try_open(int flags);
int argo_open(int flags);
int xioctl(int fd, unsigned long req, void *arg);
int do_bind(int fd, u32 port, u16 partner, u32 ring_len, u32 *max_payload);
int do_sendv(int fd, u16 domid, u32 port, u32 type,
	     const struct argo_iov *iov, u32 niov);
int do_send(int fd, u16 domid, u32 port, u32 type, const void *buf,
	    size_t len);
int do_recv(int fd, void *buf, u32 len, u32 flags, struct argo_recv *r);
int do_info(int fd, struct argo_info *info);
void get_info(struct argo_info *info);
u16 self_domid(void);
void set_nonblock(int fd, bool on);
u32 bind_receiver(int fd, u32 port, u16 partner, u32 ring_len);
void bind_source(int fd, u32 port, u16 partner, u32 ring_len);
u32 default_src_port(void);

/* How recv and send wait for their ring; see io_retry() in dev.c. */
struct io_wait {
	bool nonblock;		/* O_NONBLOCK and poll(), not a blocking call */
	unsigned int timeout;	/* seconds, 0: wait forever */
	unsigned long eagain;	/* calls that returned EAGAIN */
	unsigned long wakeups;	/* polls that found the descriptor ready */
};

int recv_wait(struct io_wait *w, int fd, void *buf, u32 len,
	      struct argo_recv *r);
int sendv_wait(struct io_wait *w, int fd, u16 domid, u32 port, u32 type,
	       const struct argo_iov *iov, u32 niov);

/* parse.c: command-line arguments; bad ones are usage errors */
void no_operands(int argc, char **argv);
unsigned long long parse_num(const char *s, unsigned long long max,
			     const char *what);
u32 parse_u32(const char *s, const char *what);
u16 parse_domid(const char *s, bool allow_any, const char *what);
void parse_dest(const char *s, u16 *domid, u32 *port);
unsigned int parse_sizes(const char *s, u32 *sizes, unsigned int max);
u32 sizes_max(const u32 *sizes, unsigned int n);

/* tap.c: the TAP lines of selftest-ioctl */
void __printf(2, 3) tap(bool ok, const char *fmt, ...);
bool tap_err(int rc, int want1, int want2, const char *name);
bool tap_rc(int rc, int want, const char *name);
void __printf(1, 2) diag(const char *fmt, ...);
noreturn void __printf(1, 2) bail(const char *fmt, ...);
int tap_done(void);

/* seq.c: the sequence-numbered payload of send and recv --seq */
struct seq_state {
	u64 next;		/* sequence number expected next */
	unsigned long errors;
	unsigned long printed;
};

void seq_fill(u8 *buf, u32 len, u64 seq);
long seq_check(const u8 *buf, u32 len, u64 seq);
void seq_verify(struct seq_state *st, unsigned long idx, const u8 *buf,
		u32 len);

#endif /* TOOLS_ARGO_COMMON_H */
