// SPDX-License-Identifier: GPL-2.0
/* e1k_xdp: ethtool_ops. */
#include <linux/ethtool.h>

#include "e1k.h"

static void e1k_get_drvinfo(struct net_device *netdev,
			    struct ethtool_drvinfo *info)
{
	struct e1k_adapter *a = netdev_priv(netdev);

	strscpy(info->driver, E1K_DRV_NAME, sizeof(info->driver));
	strscpy(info->version, E1K_DRV_VERSION, sizeof(info->version));
	strscpy(info->bus_info, pci_name(a->pdev), sizeof(info->bus_info));
}

static int e1k_get_link_ksettings(struct net_device *netdev,
				  struct ethtool_link_ksettings *cmd)
{
	struct e1k_adapter *a = netdev_priv(netdev);
	u32 speed = 0;
	bool fd = false;

	ethtool_link_ksettings_zero_link_mode(cmd, supported);
	ethtool_link_ksettings_add_link_mode(cmd, supported, 10baseT_Half);
	ethtool_link_ksettings_add_link_mode(cmd, supported, 10baseT_Full);
	ethtool_link_ksettings_add_link_mode(cmd, supported, 100baseT_Half);
	ethtool_link_ksettings_add_link_mode(cmd, supported, 100baseT_Full);
	ethtool_link_ksettings_add_link_mode(cmd, supported, 1000baseT_Full);
	ethtool_link_ksettings_add_link_mode(cmd, supported, Autoneg);
	ethtool_link_ksettings_add_link_mode(cmd, supported, TP);
	bitmap_copy(cmd->link_modes.advertising, cmd->link_modes.supported,
		    __ETHTOOL_LINK_MODE_MASK_NBITS);
	cmd->base.port = PORT_TP;
	cmd->base.phy_address = 1;
	cmd->base.autoneg = AUTONEG_ENABLE;
	if (netif_running(netdev) && e1k_hw_link(a, &speed, &fd)) {
		cmd->base.speed = speed;
		cmd->base.duplex = fd ? DUPLEX_FULL : DUPLEX_HALF;
	} else {
		cmd->base.speed = SPEED_UNKNOWN;
		cmd->base.duplex = DUPLEX_UNKNOWN;
	}
	return 0;
}

static u32 e1k_get_msglevel(struct net_device *netdev)
{
	return ((struct e1k_adapter *)netdev_priv(netdev))->msg_enable;
}

static void e1k_set_msglevel(struct net_device *netdev, u32 level)
{
	((struct e1k_adapter *)netdev_priv(netdev))->msg_enable = level;
}

/* Registers worth seeing when something goes wrong. */
static const u32 e1k_dump_regs[] = {
	E1K_CTRL, E1K_STATUS, E1K_RCTL, E1K_RDLEN, E1K_RDH, E1K_RDT, E1K_RDTR,
	E1K_RADV, E1K_RXCSUM, E1K_TCTL, E1K_TDBAL, E1K_TDBAH, E1K_TDLEN, E1K_TDH,
	E1K_TDT, E1K_TIDV, E1K_TADV, E1K_TIPG, E1K_ITR, E1K_IMS, E1K_VET,
	E1K_RAL0, E1K_RAH0,
};

static int e1k_get_regs_len(struct net_device *netdev)
{
	return sizeof(e1k_dump_regs);
}

static void e1k_get_regs(struct net_device *netdev, struct ethtool_regs *regs,
			 void *p)
{
	struct e1k_adapter *a = netdev_priv(netdev);
	u32 *out = p;
	size_t i;

	regs->version = a->device_id;
	for (i = 0; i < ARRAY_SIZE(e1k_dump_regs); i++)
		out[i] = e1k_rd(a, e1k_dump_regs[i]);
}

static void e1k_get_ringparam(struct net_device *netdev,
			      struct ethtool_ringparam *ring,
			      struct kernel_ethtool_ringparam *kring,
			      struct netlink_ext_ack *extack)
{
	struct e1k_adapter *a = netdev_priv(netdev);

	ring->rx_max_pending = E1K_MAX_DESC;
	ring->tx_max_pending = E1K_MAX_DESC;
	ring->rx_pending = a->rx_ring_count;
	ring->tx_pending = a->tx_ring_count;
}

static int e1k_set_ringparam(struct net_device *netdev,
			     struct ethtool_ringparam *ring,
			     struct kernel_ethtool_ringparam *kring,
			     struct netlink_ext_ack *extack)
{
	struct e1k_adapter *a = netdev_priv(netdev);
	unsigned int old_rx = a->rx_ring_count, old_tx = a->tx_ring_count;
	struct e1k_tx_ring *ntx = NULL;
	struct e1k_rx_ring *nrx = NULL;
	unsigned int rx, tx;
	int err;

	if (ring->rx_mini_pending || ring->rx_jumbo_pending)
		return -EINVAL;
	if (ring->rx_pending < E1K_MIN_DESC || ring->tx_pending < E1K_MIN_DESC) {
		NL_SET_ERR_MSG_MOD(extack, "rings need at least 64 descriptors");
		return -EINVAL;
	}
	/* Ring lengths are multiples of 128 bytes: 8 descriptors. */
	rx = ALIGN(ring->rx_pending, E1K_DESC_ALIGN);
	tx = ALIGN(ring->tx_pending, E1K_DESC_ALIGN);
	if (rx == old_rx && tx == old_tx)
		return 0;
	if (!netif_running(netdev)) {
		a->rx_ring_count = rx;
		a->tx_ring_count = tx;
		return 0;
	}

	/*
	 * Quiesce, allocate the new rings, swap, restart. The allocation is
	 * made with NAPI off: the rx page pool is tied to the NAPI instance
	 * (it recycles straight into the pool's cache from our poll), and a
	 * pool whose NAPI runs must not be destroyed, which a failed
	 * allocation does. On failure the old rings, kept until the new
	 * ones are complete, come back up: nothing has changed.
	 */
	ntx = kzalloc(sizeof(*ntx), GFP_KERNEL);
	nrx = kzalloc(sizeof(*nrx), GFP_KERNEL);
	if (!ntx || !nrx) {
		err = -ENOMEM;
		goto out_free;
	}
	err = e1k_down(a);
	if (err) {
		/* As after a failed reset: down until brought down and up. */
		netdev_err(netdev,
			   "the device did not come out of reset for the ring resize: %d\n",
			   err);
		NL_SET_ERR_MSG_MOD(extack,
				   "the device did not come out of reset; the port stays down");
		goto out_free;
	}
	a->tx_ring_count = tx;	/* sizes the rx page pool too */
	err = e1k_alloc_tx_ring(a, ntx, tx);
	if (err)
		goto out_restore;
	err = e1k_alloc_rx_ring(a, nrx, rx);
	if (err)
		goto out_release_tx;
	a->rx_ring_count = rx;
	e1k_free_tx_ring(a);
	e1k_free_rx_ring(a);
	e1k_take_tx_ring(&a->tx_ring, ntx);
	e1k_take_rx_ring(&a->rx_ring, nrx);
	e1k_up(a);
	goto out_free;

out_release_tx:
	e1k_release_tx_ring(a, ntx);
out_restore:
	a->tx_ring_count = old_tx;
	NL_SET_ERR_MSG_MOD(extack, "cannot allocate rings of that size; the old rings stay");
	e1k_up(a);
out_free:
	kfree(ntx);
	kfree(nrx);
	return err;
}

static int e1k_get_coalesce(struct net_device *netdev, struct ethtool_coalesce *ec,
			    struct kernel_ethtool_coalesce *kec,
			    struct netlink_ext_ack *extack)
{
	struct e1k_adapter *a = netdev_priv(netdev);

	ec->rx_coalesce_usecs = a->itr_usecs;
	return 0;
}

static int e1k_set_coalesce(struct net_device *netdev, struct ethtool_coalesce *ec,
			    struct kernel_ethtool_coalesce *kec,
			    struct netlink_ext_ack *extack)
{
	struct e1k_adapter *a = netdev_priv(netdev);

	/* ITR holds 16 bits of 256 ns: about 16.7 ms at most. */
	if (ec->rx_coalesce_usecs > 16000) {
		NL_SET_ERR_MSG_MOD(extack, "rx-usecs at most 16000");
		return -EINVAL;
	}
	a->itr_usecs = ec->rx_coalesce_usecs;
	if (netif_running(netdev))
		e1k_hw_set_itr(a, a->itr_usecs);
	return 0;
}

/* ethtool -S: our counters, the hardware's, the register writes. */
enum e1k_stat_src { E1K_SRC_NAPI, E1K_SRC_XMIT, E1K_SRC_HW, E1K_SRC_REG_WRITES };

struct e1k_stat {
	char name[ETH_GSTRING_LEN];
	enum e1k_stat_src src;
	size_t offset;
};

#define E1K_NAPI(f) { #f, E1K_SRC_NAPI, offsetof(struct e1k_napi_counters, f) }
#define E1K_XMIT(f) { #f, E1K_SRC_XMIT, offsetof(struct e1k_xmit_counters, f) }
#define E1K_HW(n, f) { n, E1K_SRC_HW, offsetof(struct e1k_hw_stats, f) }

static const struct e1k_stat e1k_stats[] = {
	E1K_NAPI(rx_packets),
	E1K_NAPI(rx_bytes),
	E1K_NAPI(tx_packets),
	E1K_NAPI(tx_bytes),
	E1K_NAPI(rx_alloc_failed),
	E1K_NAPI(rx_skb_failed),
	E1K_NAPI(rx_csum_good),
	E1K_NAPI(rx_csum_err),
	E1K_NAPI(rx_frame_errors),
	E1K_NAPI(rx_multi_desc_dropped),
	E1K_NAPI(tx_wake_queue),
	E1K_XMIT(tx_restart_queue),
	E1K_XMIT(tx_busy),
	E1K_XMIT(tx_dropped),
	E1K_XMIT(tx_csum_offload),
	E1K_XMIT(tx_tso),
	E1K_XMIT(tx_dma_err),
	E1K_XMIT(tx_timeouts),
	E1K_NAPI(xdp_pass),
	E1K_NAPI(xdp_drop),
	E1K_NAPI(xdp_tx),
	E1K_NAPI(xdp_tx_full),
	E1K_NAPI(xdp_redirect),
	E1K_NAPI(xdp_redirect_err),
	E1K_NAPI(xdp_aborted),
	E1K_XMIT(xdp_xmit),
	E1K_XMIT(xdp_xmit_err),
	E1K_HW("hw_rx_good_packets", gprc),
	E1K_HW("hw_rx_good_bytes", gorc),
	E1K_HW("hw_rx_broadcast", bprc),
	E1K_HW("hw_rx_multicast", mprc),
	E1K_HW("hw_rx_missed", mpc),
	E1K_HW("hw_rx_no_buffer", rnbc),
	E1K_HW("hw_rx_crc_errors", crcerrs),
	E1K_HW("hw_rx_errors", rxerrc),
	E1K_HW("hw_rx_undersize", ruc),
	E1K_HW("hw_rx_oversize", roc),
	E1K_HW("hw_rx_fragments", rfc),
	E1K_HW("hw_rx_jabber", rjc),
	E1K_HW("hw_rx_total_packets", tpr),
	E1K_HW("hw_rx_total_bytes", tor),
	E1K_HW("hw_tx_good_packets", gptc),
	E1K_HW("hw_tx_good_bytes", gotc),
	E1K_HW("hw_tx_total_packets", tpt),
	E1K_HW("hw_tx_total_bytes", tot),
	E1K_HW("hw_tx_broadcast", bptc),
	E1K_HW("hw_tx_multicast", mptc),
	E1K_HW("hw_tx_tso", tsctc),
	E1K_HW("hw_tx_tso_failed", tsctfc),
	E1K_HW("hw_collisions", colc),
	E1K_HW("hw_late_collisions", latecol),
	E1K_HW("hw_excess_collisions", ecol),
	E1K_HW("hw_deferred", dc),
	E1K_HW("hw_rx_length_errors", rlec),
	E1K_HW("hw_symbol_errors", symerrs),
	E1K_HW("hw_sequence_errors", sec),
	E1K_HW("hw_xon_rx", xonrxc),
	E1K_HW("hw_xon_tx", xontxc),
	E1K_HW("hw_xoff_rx", xoffrxc),
	E1K_HW("hw_xoff_tx", xofftxc),
	/* Data-path register writes: tail bumps and interrupt masking. */
	{ "reg_writes", E1K_SRC_REG_WRITES, 0 },
};

static int e1k_get_sset_count(struct net_device *netdev, int sset)
{
	return sset == ETH_SS_STATS ? ARRAY_SIZE(e1k_stats) : -EOPNOTSUPP;
}

static void e1k_get_strings(struct net_device *netdev, u32 sset, u8 *data)
{
	size_t i;

	if (sset != ETH_SS_STATS)
		return;
	for (i = 0; i < ARRAY_SIZE(e1k_stats); i++)
		memcpy(data + i * ETH_GSTRING_LEN, e1k_stats[i].name, ETH_GSTRING_LEN);
}

static u64 e1k_stat_at(const void *base, size_t offset)
{
	return *(const u64 *)((const u8 *)base + offset);
}

static void e1k_get_ethtool_stats(struct net_device *netdev,
				  struct ethtool_stats *stats, u64 *data)
{
	struct e1k_adapter *a = netdev_priv(netdev);
	struct e1k_napi_counters n;
	struct e1k_xmit_counters x;
	struct e1k_hw_stats hw;
	unsigned long flags;
	size_t i;

	if (netif_running(netdev))
		e1k_hw_update_stats(a);
	e1k_read_napi_counters(a, &n);
	e1k_read_xmit_counters(a, &x);
	spin_lock_irqsave(&a->stats_lock, flags);
	hw = a->hw_stats;
	spin_unlock_irqrestore(&a->stats_lock, flags);
	for (i = 0; i < ARRAY_SIZE(e1k_stats); i++) {
		const struct e1k_stat *st = &e1k_stats[i];

		switch (st->src) {
		case E1K_SRC_NAPI:
			data[i] = e1k_stat_at(&n, st->offset);
			break;
		case E1K_SRC_XMIT:
			data[i] = e1k_stat_at(&x, st->offset);
			break;
		case E1K_SRC_HW:
			data[i] = e1k_stat_at(&hw, st->offset);
			break;
		case E1K_SRC_REG_WRITES:
			data[i] = e1k_read_reg_writes(a);
			break;
		}
	}
}

static int e1k_nway_reset(struct net_device *netdev)
{
	struct e1k_adapter *a = netdev_priv(netdev);

	if (!netif_running(netdev))
		return -EAGAIN;
	return e1k_phy_restart_aneg(a);
}

static const struct ethtool_ops e1k_ethtool_ops = {
	.supported_coalesce_params = ETHTOOL_COALESCE_RX_USECS,
	.get_drvinfo		= e1k_get_drvinfo,
	.get_link_ksettings	= e1k_get_link_ksettings,
	.get_link		= ethtool_op_get_link,
	.nway_reset		= e1k_nway_reset,
	.get_msglevel		= e1k_get_msglevel,
	.set_msglevel		= e1k_set_msglevel,
	.get_regs_len		= e1k_get_regs_len,
	.get_regs		= e1k_get_regs,
	.get_ringparam		= e1k_get_ringparam,
	.set_ringparam		= e1k_set_ringparam,
	.get_coalesce		= e1k_get_coalesce,
	.set_coalesce		= e1k_set_coalesce,
	.get_sset_count		= e1k_get_sset_count,
	.get_strings		= e1k_get_strings,
	.get_ethtool_stats	= e1k_get_ethtool_stats,
	.get_ts_info		= ethtool_op_get_ts_info,
};

void e1k_set_ethtool_ops(struct net_device *netdev)
{
	netdev->ethtool_ops = &e1k_ethtool_ops;
}
