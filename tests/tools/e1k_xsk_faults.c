// SPDX-License-Identifier: GPL-2.0
/*
 * e1k-xsk-faults.so: an LD_PRELOAD library for the host test of e1k-xsk
 * (tests/xsk-tool-test.sh), which makes one of the kernel's answers fail
 * as the tool must survive it. E1K_XSK_FAULT names which:
 *
 *   no-stats  getsockopt(SOL_XDP, XDP_STATISTICS) fails with EOPNOTSUPP,
 *             as on a kernel that will not give the socket's statistics
 *             (the tool must then say it does not know, not zero)
 *   no-kick   sendto(2) with no data (the tool's kick: in copy mode the
 *             only thing that sends a tx ring's frames) does nothing, so
 *             the frames never complete, as on a port that lost them
 *
 * Every other call goes through (libxdp's own setup included).
 */
#include <dlfcn.h>
#include <errno.h>
#include <linux/if_xdp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

static int fault_is(const char *name)
{
	const char *f = getenv("E1K_XSK_FAULT");

	return f && !strcmp(f, name);
}

/* The next definition of @name, or NULL (errno ENOSYS). */
static void *real_fn(const char *name)
{
	void *fn = dlsym(RTLD_NEXT, name);

	if (!fn)
		errno = ENOSYS;
	return fn;
}

int getsockopt(int fd, int level, int name, void *val, socklen_t *len)
{
	static int (*real)(int, int, int, void *, socklen_t *);

	if (level == SOL_XDP && name == XDP_STATISTICS && fault_is("no-stats")) {
		errno = EOPNOTSUPP;
		return -1;
	}
	if (!real)
		*(void **)&real = real_fn("getsockopt");
	return real ? real(fd, level, name, val, len) : -1;
}

ssize_t sendto(int fd, const void *buf, size_t len, int flags,
	       const struct sockaddr *to, socklen_t tolen)
{
	static ssize_t (*real)(int, const void *, size_t, int,
			       const struct sockaddr *, socklen_t);

	if (!buf && !len && fault_is("no-kick"))
		return 0;
	if (!real)
		*(void **)&real = real_fn("sendto");
	return real ? real(fd, buf, len, flags, to, tolen) : -1;
}
