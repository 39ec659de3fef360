// SPDX-License-Identifier: GPL-2.0
/*
 * e1k-no-xdp-stats.so: an LD_PRELOAD library under which
 * getsockopt(SOL_XDP, XDP_STATISTICS) fails with EOPNOTSUPP, as on a
 * kernel that will not give an AF_XDP socket's statistics; every other
 * getsockopt goes through (libxdp's own setup included). For the test
 * that e1k-xsk then says it does not know, not zero.
 */
#include <dlfcn.h>
#include <errno.h>
#include <linux/if_xdp.h>
#include <sys/socket.h>

int getsockopt(int fd, int level, int name, void *val, socklen_t *len)
{
	static int (*real)(int, int, int, void *, socklen_t *);

	if (level == SOL_XDP && name == XDP_STATISTICS) {
		errno = EOPNOTSUPP;
		return -1;
	}
	if (!real)
		*(void **)&real = dlsym(RTLD_NEXT, "getsockopt");
	if (!real) {
		errno = ENOSYS;
		return -1;
	}
	return real(fd, level, name, val, len);
}
