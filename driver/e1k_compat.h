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

/*
 * The netdev netlink family (6.8): a page pool tied to its port and NAPI
 * (page_pool_params .netdev and .napi: listed by page-pool-get, recycling
 * straight into the pool's cache from that NAPI), and each queue's NAPI
 * (netif_queue_set_napi: queue-get shows it).
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 8, 0)
#define E1K_HAVE_NETDEV_GENL_LINKS 1
#endif

/* Per-queue statistics through the netdev family, qstats-get (6.10). */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 10, 0)
#include <net/netdev_queues.h>
#define E1K_HAVE_QSTATS 1
#endif

/* xdp_features (6.3): what `ip link` and the core may ask of us. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 3, 0)
#define E1K_HAVE_XDP_FEATURES 1
#endif

/* xsk_buff_dma_sync_for_cpu lost its pool argument in 6.10. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 10, 0)
#define e1k_xsk_sync_for_cpu(xdp, pool) xsk_buff_dma_sync_for_cpu(xdp)
#else
#define e1k_xsk_sync_for_cpu(xdp, pool) xsk_buff_dma_sync_for_cpu(xdp, pool)
#endif

#endif
