/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The differences between the kernels we build for (Debian 12's 6.1 and
 * 6.12), all in one place.
 */
#ifndef E1K_COMPAT_H
#define E1K_COMPAT_H

#include <linux/version.h>
#include <linux/netdevice.h>

/* page_pool's header was split in 6.6. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 6, 0)
#include <net/page_pool/helpers.h>
#else
#include <net/page_pool.h>
#endif

/* xdp_features (6.3): what `ip link` and the core may ask of us. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 3, 0)
#define E1K_HAVE_XDP_FEATURES 1
#endif

#endif
