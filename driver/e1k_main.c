// SPDX-License-Identifier: GPL-2.0
/*
 * e1k_xdp: an e1000 (Intel 8254x) driver whose receive path runs XDP
 * natively. PCI probe/remove, net_device_ops, NAPI, interrupts, the link
 * watchdog and the tx-timeout reset.
 */
#include <linux/if_vlan.h>
#include <linux/tcp.h>
#include <linux/module.h>
#include <linux/pci.h>

#include "e1k.h"

static const struct pci_device_id e1k_pci_tbl[] = {
	{ PCI_VDEVICE(INTEL, 0x100E), E1K_MAC_82540 },	/* QEMU "e1000" */
	{ PCI_VDEVICE(INTEL, 0x100F), E1K_MAC_82545 },	/* "e1000-82545em" */
	{ PCI_VDEVICE(INTEL, 0x100C), E1K_MAC_82544 },	/* "e1000-82544gc" */
	{ }
};
MODULE_DEVICE_TABLE(pci, e1k_pci_tbl);

static int debug = -1;
module_param(debug, int, 0);
MODULE_PARM_DESC(debug, "netif message level (0=none, ..., 16=all; -1=default)");

#define E1K_DEFAULT_MSG (NETIF_MSG_DRV | NETIF_MSG_PROBE | NETIF_MSG_LINK)

/* ------------------------------------------------------------ interrupts */

void e1k_irq_enable(struct e1k_adapter *a)
{
	e1k_wr_fast(a, E1K_IMS, E1K_INT_ENABLED);
}

void e1k_irq_disable(struct e1k_adapter *a)
{
	e1k_wr(a, E1K_IMC, ~0u);
	e1k_flush(a);
	synchronize_irq(a->pdev->irq);
}

static irqreturn_t e1k_intr(int irq, void *data)
{
	struct e1k_adapter *a = data;
	u32 icr = e1k_rd(a, E1K_ICR);	/* reading clears it */

	if (!icr)
		return IRQ_NONE;	/* shared line: not ours */
	/* Ours, and cleared by the read; a port going down wants no poll. */
	if (test_bit(E1K_STATE_DOWN, &a->state))
		return IRQ_HANDLED;
	if (icr & (E1K_INT_LSC | E1K_INT_RXSEQ))
		mod_delayed_work(system_wq, &a->watchdog, 0);
	if (napi_schedule_prep(&a->napi)) {
		/* Masked until the poll has done its work. */
		e1k_wr_fast(a, E1K_IMC, ~0u);
		__napi_schedule(&a->napi);
	}
	return IRQ_HANDLED;
}

static int e1k_poll(struct napi_struct *napi, int budget)
{
	struct e1k_adapter *a = container_of(napi, struct e1k_adapter, napi);
	struct xsk_buff_pool *xsk_pool = READ_ONCE(a->xsk_pool);
	bool tx_done, xdp_tx;
	int rx_done;

	tx_done = e1k_clean_tx_irq(a, budget);
	/* netpoll: transmit completions only, and NAPI stays scheduled. */
	if (unlikely(!budget))
		return 0;
	if (xsk_pool) {
		/* AF_XDP zero-copy (e1k_xsk.c): both directions. */
		rx_done = e1k_xsk_clean_rx_irq(a, xsk_pool, budget, &xdp_tx);
		tx_done = e1k_xsk_xmit(a, xsk_pool, budget) && tx_done;
	} else {
		rx_done = e1k_clean_rx_irq(a, budget, &xdp_tx);
	}
	if (xdp_tx) {
		/*
		 * Frames this poll bounced with XDP_TX may be done already
		 * (QEMU's model sends them during the tail write): reclaim
		 * them now instead of in a second interrupt per poll. TXDW
		 * is acked first (writing 1 clears an ICR bit), so a frame
		 * that completes after the ack raises it anew.
		 */
		e1k_wr_fast(a, E1K_ICR, E1K_INT_TXDW);
		tx_done = e1k_clean_tx_irq(a, budget) && tx_done;
	}
	if (!tx_done)
		return budget;
	if (rx_done < budget && napi_complete_done(napi, rx_done) &&
	    !test_bit(E1K_STATE_DOWN, &a->state))
		e1k_irq_enable(a);
	return min(rx_done, budget);
}

/* ---------------------------------------------------------- up and down */

static void e1k_apply_features(struct e1k_adapter *a, netdev_features_t features);

/* Tell the netdev family which NAPI serves our one rx and tx queue. */
static void e1k_link_queues_napi(struct e1k_adapter *a, struct napi_struct *napi)
{
#ifdef E1K_HAVE_NETDEV_GENL_LINKS
	netif_queue_set_napi(a->netdev, 0, NETDEV_QUEUE_TYPE_RX, napi);
	netif_queue_set_napi(a->netdev, 0, NETDEV_QUEUE_TYPE_TX, napi);
#endif
}

/*
 * Start the port on the rings it has: open allocated them, a reset keeps
 * them, a resize hands in new ones. Nothing here can fail: rx buffers that
 * cannot be had now are refilled by the poll (the watchdog kicks it).
 */
void e1k_up(struct e1k_adapter *a)
{
	struct net_device *netdev = a->netdev;

	e1k_hw_init_link(a);
	e1k_hw_set_mac(a, netdev->dev_addr);
	e1k_wr(a, E1K_VET, ETH_P_8021Q);
	e1k_apply_features(a, netdev->features);
	e1k_configure_tx(a);
	e1k_configure_rx(a);
	e1k_hw_set_itr(a, a->itr_usecs);

	clear_bit(E1K_STATE_DOWN, &a->state);
	napi_enable(&a->napi);
	e1k_link_queues_napi(a, &a->napi);
	e1k_rd(a, E1K_ICR);
	e1k_irq_enable(a);
	netif_start_queue(netdev);
	/* The watchdog turns the carrier on once the link is up. */
	mod_delayed_work(system_wq, &a->watchdog, 0);
}

/*
 * Stop the port, in the order that leaves nobody touching what goes next:
 * the watchdog (it turns the carrier and the queue on), reception, NAPI
 * and the interrupt, then transmission (after NAPI, whose tx clean wakes
 * the queue; netif_tx_disable takes the tx lock, under which
 * ndo_xdp_xmit tests DOWN, so no redirect is on the ring after it), then
 * the MAC reset (no DMA after it), and only then the buffers. The rings
 * stay allocated. Returns the MAC reset's result; a second call does
 * nothing (a failed reset leaves the port down for `ip link set down`).
 */
int e1k_down(struct e1k_adapter *a)
{
	struct net_device *netdev = a->netdev;
	int err;

	if (test_and_set_bit(E1K_STATE_DOWN, &a->state))
		return 0;
	cancel_delayed_work_sync(&a->watchdog);
	netif_carrier_off(netdev);
	e1k_wr(a, E1K_RCTL, 0);
	e1k_flush(a);
	e1k_link_queues_napi(a, NULL);
	napi_disable(&a->napi);
	e1k_irq_disable(a);
	netif_tx_disable(netdev);

	e1k_hw_update_stats(a);
	a->link_speed = 0;
	/* Stops tx DMA, lets what is in flight drain, resets the MAC. */
	err = e1k_hw_reset(a);
	/* tx first: XDP_TX slots hold pages of the rx pool. */
	e1k_clean_tx_buffers(a);
	e1k_clean_rx_buffers(a);
	return err;
}

static int e1k_open(struct net_device *netdev)
{
	struct e1k_adapter *a = netdev_priv(netdev);
	int err;

	netif_carrier_off(netdev);
	err = e1k_setup_tx_ring(a);
	if (err)
		return err;
	err = e1k_setup_rx_ring(a);
	if (err)
		goto err_free_tx;
	/* From a known state, whatever the last close or a failed reset left. */
	err = e1k_hw_reset(a);
	if (err) {
		netdev_err(netdev, "the device does not come out of reset\n");
		goto err_free_rx;
	}
	err = request_irq(a->pdev->irq, e1k_intr, IRQF_SHARED, netdev->name, a);
	if (err) {
		netdev_err(netdev, "cannot get IRQ %d: %d\n", a->pdev->irq, err);
		goto err_free_rx;
	}
	e1k_up(a);
	return 0;

err_free_rx:
	e1k_free_rx_ring(a);
err_free_tx:
	e1k_free_tx_ring(a);
	return err;
}

static int e1k_stop(struct net_device *netdev)
{
	struct e1k_adapter *a = netdev_priv(netdev);

	e1k_down(a);
	free_irq(a->pdev->irq, a);
	e1k_free_tx_ring(a);
	e1k_free_rx_ring(a);
	return 0;
}

/* ------------------------------------------------------ watchdog, reset */

static void e1k_watchdog(struct work_struct *work)
{
	struct e1k_adapter *a = container_of(to_delayed_work(work),
					     struct e1k_adapter, watchdog);
	struct net_device *netdev = a->netdev;
	bool fd, up;
	u32 speed;

	if (test_bit(E1K_STATE_DOWN, &a->state))
		return;
	up = e1k_hw_link(a, &speed, &fd);
	if (up && !netif_carrier_ok(netdev)) {
		a->link_speed = speed;
		a->link_full_duplex = fd;
		netif_info(a, link, netdev, "link up, %u Mb/s, %s duplex\n",
			   speed, fd ? "full" : "half");
		netif_carrier_on(netdev);
		netif_wake_queue(netdev);
	} else if (!up && netif_carrier_ok(netdev)) {
		a->link_speed = 0;
		netif_info(a, link, netdev, "link down\n");
		netif_carrier_off(netdev);
	}
	e1k_hw_update_stats(a);
	/*
	 * An rx ring the poll could not refill (no pages at the time) gets no
	 * receive interrupt to refill it later: raise one (mainline e1000
	 * does the same from its watchdog).
	 */
	if (e1k_rx_refill_due(a))
		e1k_wr(a, E1K_ICS, E1K_INT_RXT0);
	schedule_delayed_work(&a->watchdog, E1K_WATCHDOG_PERIOD);
}

/*
 * Reset after a tx timeout (or debugfs' reset): the rings and the page pool
 * stay, only their buffers are cleaned and posted anew. When the MAC does
 * not come out of reset the port stays down, and `ip link set down`, a
 * later `up` (which tries the reset again) and rmmod handle it.
 */
static void e1k_reset_task(struct work_struct *work)
{
	struct e1k_adapter *a = container_of(work, struct e1k_adapter, reset_task);
	int err;

	rtnl_lock();
	if (netif_running(a->netdev) && !test_bit(E1K_STATE_DOWN, &a->state)) {
		netdev_warn(a->netdev, "resetting the device\n");
		err = e1k_down(a);
		if (err)
			netdev_err(a->netdev, "reset failed (%d): the port stays down until it is brought down and up\n",
				   err);
		else
			e1k_up(a);
	}
	rtnl_unlock();
}

static void e1k_tx_timeout(struct net_device *netdev, unsigned int txqueue)
{
	struct e1k_adapter *a = netdev_priv(netdev);

	e1k_count(&a->xmit_stats, tx_timeouts, 1);
	netdev_warn(netdev, "tx timeout: TDH %u TDT %u, next to clean %u\n",
		    e1k_rd(a, E1K_TDH), e1k_rd(a, E1K_TDT), a->tx_ring.next_to_clean);
	schedule_work(&a->reset_task);
}

/* -------------------------------------------------------------- ndo ops */

/*
 * Filters from the netdev's flags and address lists into MTA and RCTL.
 * Only what changed is written: the rx mode is set often (every multicast
 * join), and on QEMU each RCTL write also holds reception back for a
 * while (its flush-queue timer).
 */
void e1k_write_rx_mode(struct e1k_adapter *a)
{
	struct net_device *netdev = a->netdev;
	struct netdev_hw_addr *ha;
	u32 mta[E1K_MTA_WORDS] = { 0 };
	u32 rctl = a->rctl & ~(E1K_RCTL_UPE | E1K_RCTL_MPE);
	int i;

	if (netdev->flags & IFF_PROMISC)
		rctl |= E1K_RCTL_UPE | E1K_RCTL_MPE;
	else if (netdev->flags & IFF_ALLMULTI)
		rctl |= E1K_RCTL_MPE;

	/* Multicast table: 4096 bits indexed by bits 47:36 of the address
	 * (MO = 0).
	 */
	netdev_for_each_mc_addr(ha, netdev) {
		u16 hash = ((ha->addr[4] >> 4) | ((u16)ha->addr[5] << 4)) & 0xfff;

		mta[hash >> 5] |= BIT(hash & 0x1f);
	}
	/* Secondary unicast addresses: no spare filter slots; listen to all. */
	if (!netdev_uc_empty(netdev))
		rctl |= E1K_RCTL_UPE;
	for (i = 0; i < E1K_MTA_WORDS; i++) {
		if (a->rx_mode_synced && a->mta_shadow[i] == mta[i])
			continue;
		e1k_hw_write_mta(a, i, mta[i]);
		a->mta_shadow[i] = mta[i];
	}
	if (!a->rx_mode_synced || rctl != a->rctl) {
		a->rctl = rctl;
		e1k_wr(a, E1K_RCTL, rctl);
	}
	a->rx_mode_synced = true;
}

static void e1k_set_rx_mode(struct net_device *netdev)
{
	struct e1k_adapter *a = netdev_priv(netdev);

	/* A closed device keeps its receiver off; open applies the mode. */
	if (!test_bit(E1K_STATE_DOWN, &a->state))
		e1k_write_rx_mode(a);
}

static int e1k_set_mac(struct net_device *netdev, void *p)
{
	struct e1k_adapter *a = netdev_priv(netdev);
	struct sockaddr *addr = p;

	if (!is_valid_ether_addr(addr->sa_data))
		return -EADDRNOTAVAIL;
	eth_hw_addr_set(netdev, addr->sa_data);
	e1k_hw_set_mac(a, netdev->dev_addr);
	return 0;
}

static int e1k_change_mtu(struct net_device *netdev, int new_mtu)
{
	struct e1k_adapter *a = netdev_priv(netdev);
	struct bpf_prog *prog = rtnl_dereference(a->xdp_prog);

	if (prog && !e1k_xdp_mtu_ok(prog, new_mtu)) {
		netdev_err(netdev, "MTU %d too large while an XDP program without frags support is attached (at most %d)\n",
			   new_mtu, E1K_XDP_MAX_MTU);
		return -EINVAL;
	}
	if (a->xsk_pool && new_mtu > E1K_XDP_MAX_MTU) {
		netdev_err(netdev, "MTU %d too large while an AF_XDP zero-copy socket is bound (at most %d: a frame must fit one UMEM frame)\n",
			   new_mtu, E1K_XDP_MAX_MTU);
		return -EINVAL;
	}
	WRITE_ONCE(netdev->mtu, new_mtu);
	if (netif_running(netdev)) {
		u32 rctl;

		/*
		 * Only RCTL.LPE depends on it: buffers stay as they are. The
		 * address lock orders this against e1k_set_rx_mode, the
		 * other writer of RCTL.
		 */
		netif_addr_lock_bh(netdev);
		rctl = a->rctl & ~E1K_RCTL_LPE;
		if (new_mtu > ETH_DATA_LEN)
			rctl |= E1K_RCTL_LPE;
		if (rctl != a->rctl) {
			a->rctl = rctl;
			e1k_wr(a, E1K_RCTL, rctl);
		}
		netif_addr_unlock_bh(netdev);
	}
	return 0;
}

void e1k_read_napi_counters(struct e1k_adapter *a, struct e1k_napi_counters *c)
{
	unsigned int start;

	do {
		start = u64_stats_fetch_begin(&a->napi_stats.syncp);
		*c = a->napi_stats.c;
	} while (u64_stats_fetch_retry(&a->napi_stats.syncp, start));
}

void e1k_read_xmit_counters(struct e1k_adapter *a, struct e1k_xmit_counters *c)
{
	unsigned int start;

	do {
		start = u64_stats_fetch_begin(&a->xmit_stats.syncp);
		*c = a->xmit_stats.c;
	} while (u64_stats_fetch_retry(&a->xmit_stats.syncp, start));
}

u64 e1k_read_reg_writes(struct e1k_adapter *a)
{
	u64 sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += *per_cpu_ptr(a->reg_writes, cpu);
	return sum;
}

/* Frames the MAC received in error: rtnl's rx_errors, part of qstats'
 * hw_drops.
 */
static u64 e1k_hw_rx_errors(const struct e1k_hw_stats *hw)
{
	return hw->rxerrc + hw->crcerrs + hw->ruc + hw->roc + hw->rlec;
}

static void e1k_get_stats64(struct net_device *netdev,
			    struct rtnl_link_stats64 *stats)
{
	struct e1k_adapter *a = netdev_priv(netdev);
	struct e1k_hw_stats *hw = &a->hw_stats;
	struct e1k_napi_counters n;
	struct e1k_xmit_counters x;

	e1k_read_napi_counters(a, &n);
	e1k_read_xmit_counters(a, &x);
	stats->rx_packets = n.rx_packets;
	stats->rx_bytes = n.rx_bytes;
	stats->tx_packets = n.tx_packets;
	stats->tx_bytes = n.tx_bytes;
	/* Frames the driver dropped (not pages it could not refill). */
	stats->rx_dropped = n.rx_skb_failed + n.rx_multi_desc_dropped;
	stats->tx_dropped = x.tx_dropped;

	stats->rx_errors = e1k_hw_rx_errors(hw);
	stats->rx_crc_errors = hw->crcerrs;
	stats->rx_length_errors = hw->ruc + hw->roc + hw->rlec;
	stats->rx_missed_errors = hw->mpc;
	stats->rx_over_errors = hw->rnbc;
	stats->multicast = hw->mprc;
	stats->collisions = hw->colc;
}

#ifdef E1K_HAVE_QSTATS
/*
 * Per-queue statistics (the netdev family's qstats-get). The one rx and
 * one tx queue hold every count since the port was created, the same
 * counters get_stats64 and ethtool -S report, so the device's total is
 * theirs alone and the base adds zero (which also says these totals are
 * complete). hw_drops: what the MAC dropped (errors, no room).
 */
static void e1k_get_queue_stats_rx(struct net_device *netdev, int idx,
				   struct netdev_queue_stats_rx *rx)
{
	struct e1k_adapter *a = netdev_priv(netdev);
	struct e1k_hw_stats *hw = &a->hw_stats;
	struct e1k_napi_counters n;

	e1k_read_napi_counters(a, &n);
	rx->packets = n.rx_packets;
	rx->bytes = n.rx_bytes;
	rx->alloc_fail = n.rx_alloc_failed;
	rx->csum_unnecessary = n.rx_csum_good;
	rx->csum_bad = n.rx_csum_err;
	/* Missed frames (MPC) are get_stats64's rx_missed_errors. */
	rx->hw_drops = e1k_hw_rx_errors(hw) + hw->mpc;
	rx->hw_drop_overruns = hw->mpc;
}

static void e1k_get_queue_stats_tx(struct net_device *netdev, int idx,
				   struct netdev_queue_stats_tx *tx)
{
	struct e1k_adapter *a = netdev_priv(netdev);
	struct e1k_napi_counters n;

	e1k_read_napi_counters(a, &n);
	tx->packets = n.tx_packets;
	tx->bytes = n.tx_bytes;
	tx->wake = n.tx_wake_queue;
}

static void e1k_get_base_stats(struct net_device *netdev,
			       struct netdev_queue_stats_rx *rx,
			       struct netdev_queue_stats_tx *tx)
{
	rx->packets = 0;
	rx->bytes = 0;
	rx->alloc_fail = 0;
	rx->csum_unnecessary = 0;
	rx->csum_bad = 0;
	rx->hw_drops = 0;
	rx->hw_drop_overruns = 0;
	tx->packets = 0;
	tx->bytes = 0;
	tx->wake = 0;
}

static const struct netdev_stat_ops e1k_stat_ops = {
	.get_queue_stats_rx	= e1k_get_queue_stats_rx,
	.get_queue_stats_tx	= e1k_get_queue_stats_tx,
	.get_base_stats		= e1k_get_base_stats,
};
#endif

/* Rx VLAN stripping (CTRL.VME) and rx checksums (RXCSUM) are switches on
 * the device; tx VLAN insertion and checksums are per descriptor.
 */
static void e1k_apply_features(struct e1k_adapter *a, netdev_features_t features)
{
	u32 ctrl = e1k_rd(a, E1K_CTRL);

	if (features & NETIF_F_HW_VLAN_CTAG_RX)
		ctrl |= E1K_CTRL_VME;
	else
		ctrl &= ~E1K_CTRL_VME;
	e1k_wr(a, E1K_CTRL, ctrl);
	e1k_wr(a, E1K_RXCSUM, (features & NETIF_F_RXCSUM) ?
	       (E1K_RXCSUM_IPOFL | E1K_RXCSUM_TUOFL) : 0);
}

/*
 * The context descriptor holds header offsets and the TSO header length in
 * 8 bits: a packet whose headers reach further is segmented or checksummed
 * by the stack instead.
 */
static netdev_features_t e1k_features_check(struct sk_buff *skb,
					    struct net_device *netdev,
					    netdev_features_t features)
{
	if (skb_is_gso(skb) &&
	    skb_transport_offset(skb) + tcp_hdrlen(skb) > 255)
		features &= ~NETIF_F_GSO_MASK;
	if (skb->ip_summed == CHECKSUM_PARTIAL &&
	    skb_checksum_start_offset(skb) + skb->csum_offset > 255)
		features &= ~(NETIF_F_CSUM_MASK | NETIF_F_GSO_MASK);
	return features;
}

/*
 * CTRL.VME switches tag stripping and tag insertion together: with it off
 * the VLE bit of a tx descriptor is ignored and the tag would be lost. So
 * tx insertion is only on while rx stripping is.
 */
static netdev_features_t e1k_fix_features(struct net_device *netdev,
					  netdev_features_t features)
{
	if (!(features & NETIF_F_HW_VLAN_CTAG_RX))
		features &= ~NETIF_F_HW_VLAN_CTAG_TX;
	return features;
}

static int e1k_set_features(struct net_device *netdev, netdev_features_t features)
{
	e1k_apply_features(netdev_priv(netdev), features);
	return 0;
}

static const struct net_device_ops e1k_netdev_ops = {
	.ndo_open		= e1k_open,
	.ndo_stop		= e1k_stop,
	.ndo_start_xmit		= e1k_xmit_frame,
	.ndo_get_stats64	= e1k_get_stats64,
	.ndo_set_rx_mode	= e1k_set_rx_mode,
	.ndo_set_mac_address	= e1k_set_mac,
	.ndo_change_mtu		= e1k_change_mtu,
	.ndo_tx_timeout		= e1k_tx_timeout,
	.ndo_validate_addr	= eth_validate_addr,
	.ndo_fix_features	= e1k_fix_features,
	.ndo_set_features	= e1k_set_features,
	.ndo_features_check	= e1k_features_check,
	.ndo_bpf		= e1k_bpf,
	.ndo_xdp_xmit		= e1k_xdp_xmit,
	.ndo_xsk_wakeup		= e1k_xsk_wakeup,
};

/* --------------------------------------------------------- probe/remove */

/*
 * 64-bit DMA only where the part is known good with it: on a PCI-X bus, as
 * mainline e1000_probe chooses (pci_using_dac), since some conventional-PCI
 * adapters hang on transmit when handed addresses above 4 GiB. 32-bit
 * everywhere else, which includes every 82540EM and QEMU's models.
 */
static int e1k_set_dma_mask(struct e1k_adapter *a)
{
	struct device *dev = &a->pdev->dev;

	if (e1k_hw_on_pcix(a)) {
		e1k_hw_pcix_cap_mmrbc(a);
		if (!dma_set_mask_and_coherent(dev, DMA_BIT_MASK(64)))
			return 0;
	}
	return dma_set_mask_and_coherent(dev, DMA_BIT_MASK(32));
}

static bool e1k_dma_64(struct e1k_adapter *a)
{
	return dma_get_mask(&a->pdev->dev) > DMA_BIT_MASK(32);
}

static void e1k_init_netdev(struct net_device *netdev)
{
	struct e1k_adapter *a = netdev_priv(netdev);

	netdev->netdev_ops = &e1k_netdev_ops;
#ifdef E1K_HAVE_QSTATS
	netdev->stat_ops = &e1k_stat_ops;
#endif
	e1k_set_ethtool_ops(netdev);
	netdev->watchdog_timeo = 5 * HZ;
	netdev->min_mtu = ETH_MIN_MTU;
	netdev->max_mtu = 9000;
	netdev->hw_features = NETIF_F_SG | NETIF_F_HW_CSUM | NETIF_F_TSO |
			      NETIF_F_RXCSUM | NETIF_F_HW_VLAN_CTAG_RX |
			      NETIF_F_HW_VLAN_CTAG_TX;
	netdev->features = netdev->hw_features;
	netdev->vlan_features = NETIF_F_SG | NETIF_F_HW_CSUM | NETIF_F_TSO;
	/* Buffers above 4 GiB only when the mask reaches them (no bounce). */
	if (e1k_dma_64(a)) {
		netdev->features |= NETIF_F_HIGHDMA;
		netdev->vlan_features |= NETIF_F_HIGHDMA;
	}
	netdev->priv_flags |= IFF_UNICAST_FLT;
	e1k_set_xdp_features(netdev);
}

static int e1k_probe(struct pci_dev *pdev, const struct pci_device_id *ent)
{
	struct net_device *netdev;
	struct e1k_adapter *a;
	u8 mac[ETH_ALEN];
	int err;

	err = pci_enable_device_mem(pdev);
	if (err)
		return err;
	err = pci_request_selected_regions(pdev, pci_select_bars(pdev, IORESOURCE_MEM),
					   E1K_DRV_NAME);
	if (err)
		goto err_disable;
	pci_set_master(pdev);

	netdev = alloc_etherdev(sizeof(*a));
	if (!netdev) {
		err = -ENOMEM;
		goto err_alloc;
	}
	SET_NETDEV_DEV(netdev, &pdev->dev);
	pci_set_drvdata(pdev, netdev);
	a = netdev_priv(netdev);
	a->netdev = netdev;
	a->pdev = pdev;
	a->device_id = pdev->device;
	a->mac = ent->driver_data;
	a->msg_enable = netif_msg_init(debug, E1K_DEFAULT_MSG);
	a->tx_ring_count = E1K_DEFAULT_TXD;
	a->rx_ring_count = E1K_DEFAULT_RXD;
	a->itr_usecs = E1K_DEFAULT_ITR_USECS;
	spin_lock_init(&a->stats_lock);
	u64_stats_init(&a->napi_stats.syncp);
	u64_stats_init(&a->xmit_stats.syncp);
	set_bit(E1K_STATE_DOWN, &a->state);
	INIT_DELAYED_WORK(&a->watchdog, e1k_watchdog);
	INIT_WORK(&a->reset_task, e1k_reset_task);

	a->reg_writes = alloc_percpu(u64);
	if (!a->reg_writes) {
		err = -ENOMEM;
		goto err_percpu;
	}
	a->hw_addr = pci_ioremap_bar(pdev, 0);
	if (!a->hw_addr) {
		err = -EIO;
		goto err_ioremap;
	}
	err = e1k_hw_reset(a);
	if (err) {
		dev_err(&pdev->dev, "reset failed\n");
		goto err_hw;
	}
	err = e1k_set_dma_mask(a);
	if (err) {
		dev_err(&pdev->dev, "no usable DMA configuration\n");
		goto err_hw;
	}
	/*
	 * QEMU's model (its PCI subsystem vendor) keeps some counters running
	 * across reads and resets: start from what they hold now, so only
	 * what happens from here on is counted.
	 */
	a->hw_stats_sticky = pdev->subsystem_vendor == PCI_SUBVENDOR_ID_REDHAT_QUMRANET;
	e1k_hw_update_stats(a);
	memset(&a->hw_stats, 0, sizeof(a->hw_stats));
	err = e1k_read_mac(a, mac);
	if (err == -EINVAL) {
		dev_warn(&pdev->dev, "invalid EEPROM MAC address or checksum: using a random address\n");
		eth_hw_addr_random(netdev);
	} else if (err) {
		dev_err(&pdev->dev, "cannot read the EEPROM: %d\n", err);
		goto err_hw;
	} else {
		eth_hw_addr_set(netdev, mac);
	}

	e1k_init_netdev(netdev);
	netif_napi_add(netdev, &a->napi, e1k_poll);
	netif_carrier_off(netdev);
	err = register_netdev(netdev);
	if (err)
		goto err_register;
	e1k_debugfs_add(a);
	netif_info(a, probe, netdev,
		   "Intel 8254x (%04x) %pM, %u-word EEPROM, %s, %u-bit DMA, native XDP\n",
		   pdev->device, netdev->dev_addr, 1u << a->ee_addr_bits,
		   e1k_hw_on_pcix(a) ? "PCI-X" : "PCI", e1k_dma_64(a) ? 64 : 32);
	return 0;

err_register:
	netif_napi_del(&a->napi);
err_hw:
	iounmap(a->hw_addr);
err_ioremap:
	free_percpu(a->reg_writes);
err_percpu:
	free_netdev(netdev);
err_alloc:
	pci_release_selected_regions(pdev, pci_select_bars(pdev, IORESOURCE_MEM));
err_disable:
	pci_disable_device(pdev);
	return err;
}

static void e1k_remove(struct pci_dev *pdev)
{
	struct net_device *netdev = pci_get_drvdata(pdev);
	struct e1k_adapter *a = netdev_priv(netdev);
	struct bpf_prog *prog;

	e1k_debugfs_remove(a);
	unregister_netdev(netdev);	/* closes it: e1k_down ran */
	cancel_work_sync(&a->reset_task);
	cancel_delayed_work_sync(&a->watchdog);
	prog = rcu_dereference_protected(a->xdp_prog, true);
	if (prog)
		bpf_prog_put(prog);
	netif_napi_del(&a->napi);
	e1k_hw_reset(a);
	iounmap(a->hw_addr);
	free_percpu(a->reg_writes);
	free_netdev(netdev);
	pci_release_selected_regions(pdev, pci_select_bars(pdev, IORESOURCE_MEM));
	pci_disable_device(pdev);
}

static void e1k_shutdown(struct pci_dev *pdev)
{
	struct net_device *netdev = pci_get_drvdata(pdev);

	rtnl_lock();
	netif_device_detach(netdev);
	if (netif_running(netdev))
		dev_close(netdev);
	rtnl_unlock();
	pci_disable_device(pdev);
}

static struct pci_driver e1k_driver = {
	.name		= E1K_DRV_NAME,
	.id_table	= e1k_pci_tbl,
	.probe		= e1k_probe,
	.remove		= e1k_remove,
	.shutdown	= e1k_shutdown,
};

static int __init e1k_init_module(void)
{
	int err;

	e1k_debugfs_init();
	err = pci_register_driver(&e1k_driver);
	if (err)
		e1k_debugfs_exit();
	return err;
}
module_init(e1k_init_module);

static void __exit e1k_exit_module(void)
{
	pci_unregister_driver(&e1k_driver);
	e1k_debugfs_exit();
}
module_exit(e1k_exit_module);

MODULE_DESCRIPTION("Intel 8254x (e1000) driver with native XDP");
MODULE_LICENSE("GPL");
MODULE_VERSION(E1K_DRV_VERSION);
