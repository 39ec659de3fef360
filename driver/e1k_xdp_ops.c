// SPDX-License-Identifier: GPL-2.0
/*
 * e1k_xdp: native XDP. The program runs in the NAPI rx poll on the page the
 * NIC wrote; XDP_TX frames share the single tx ring with the stack (under
 * the tx queue lock); ndo_xdp_xmit makes the port a redirect target.
 *
 * Attaching, detaching or swapping a program is a pointer exchange: the rx
 * buffers are XDP-shaped whatever is attached, so nothing is rebuilt and
 * no frame is lost.
 */
#include <linux/bpf_trace.h>
#include <linux/filter.h>

#include "e1k.h"

/* Queue one buffer on the tx ring; the caller holds the tx queue lock and
 * bumps the tail later. Returns false when the ring is full.
 */
static bool e1k_xdp_queue(struct e1k_adapter *a, dma_addr_t dma, u32 len,
			  enum e1k_tx_type type, void *owner)
{
	struct e1k_tx_ring *ring = &a->tx_ring;
	unsigned int i = ring->next_to_use;
	struct e1k_tx_buffer *b = &ring->buf[i];
	struct e1k_tx_desc *d = &ring->desc[i];

	/* Keep room for one full skb so the stack is not starved. */
	if (e1k_desc_unused(i, ring->next_to_clean, ring->count) <= E1K_TX_WAKE_THRESHOLD)
		return false;
	b->type = type;
	if (type == E1K_TX_XDP_TX)
		b->page = owner;
	else
		b->xdpf = owner;
	b->dma = dma;
	b->len = len;
	b->eop = i;
	b->segs = 1;
	b->bytes = len;
	d->addr = cpu_to_le64(dma);
	d->cmd_and_length = cpu_to_le32(E1K_TXD_CMD_DEXT | E1K_TXD_DTYP_D |
					E1K_TXD_CMD_IFCS | E1K_TXD_CMD_EOP |
					E1K_TXD_CMD_RS | len);
	d->status = 0;
	d->popts = 0;
	d->special = 0;
	smp_wmb();	/* the slot before the cleaner may look at it */
	WRITE_ONCE(b->first, true);
	ring->next_to_use = (i + 1) % ring->count;
	return true;
}

/* XDP_TX: send the rx page itself back out. */
static bool e1k_xdp_tx(struct e1k_adapter *a, struct xdp_buff *xdp,
		       struct page *page)
{
	struct netdev_queue *txq = netdev_get_tx_queue(a->netdev, 0);
	u32 len = xdp->data_end - xdp->data;
	dma_addr_t dma;
	bool queued;

	dma = page_pool_get_dma_addr(page) + (xdp->data - xdp->data_hard_start);
	dma_sync_single_for_device(&a->pdev->dev, dma, len, DMA_BIDIRECTIONAL);

	__netif_tx_lock(txq, smp_processor_id());
	queued = e1k_xdp_queue(a, dma, len, E1K_TX_XDP_TX, page);
	if (queued)
		/* XDP traffic on the ring is progress: no false tx timeout. */
		txq_trans_cond_update(txq);
	__netif_tx_unlock(txq);
	return queued;
}

unsigned int e1k_run_xdp(struct e1k_adapter *a, struct bpf_prog *prog,
			 struct xdp_buff *xdp, struct page *page)
{
	struct e1k_napi_stats *st = &a->napi_stats;
	u32 act = bpf_prog_run_xdp(prog, xdp);

	switch (act) {
	case XDP_PASS:
		e1k_count(st, xdp_pass, 1);
		return E1K_XDP_PASS;
	case XDP_TX:
		if (likely(e1k_xdp_tx(a, xdp, page))) {
			e1k_count(st, xdp_tx, 1);
			return E1K_XDP_TX;
		}
		e1k_count(st, xdp_tx_full, 1);
		trace_xdp_exception(a->netdev, prog, act);
		break;
	case XDP_REDIRECT:
		if (likely(!xdp_do_redirect(a->netdev, xdp, prog))) {
			e1k_count(st, xdp_redirect, 1);
			return E1K_XDP_REDIR;
		}
		e1k_count(st, xdp_redirect_err, 1);
		trace_xdp_exception(a->netdev, prog, act);
		break;
	default:
		bpf_warn_invalid_xdp_action(a->netdev, prog, act);
		fallthrough;
	case XDP_ABORTED:
		trace_xdp_exception(a->netdev, prog, act);
		e1k_count(st, xdp_aborted, 1);
		break;
	case XDP_DROP:
		e1k_count(st, xdp_drop, 1);
		break;
	}
	/* Dropped, aborted or failed: the page goes straight back. */
	page_pool_recycle_direct(a->rx_ring.pool, page);
	return E1K_XDP_CONSUMED;
}

/* Once per NAPI poll: flush redirects, and one tail write for all XDP_TX. */
void e1k_xdp_finish(struct e1k_adapter *a, unsigned int status)
{
	if (status & E1K_XDP_REDIR)
		xdp_do_flush();
	if (status & E1K_XDP_TX) {
		struct netdev_queue *txq = netdev_get_tx_queue(a->netdev, 0);

		__netif_tx_lock(txq, smp_processor_id());
		e1k_tx_bump_tail(a);
		__netif_tx_unlock(txq);
	}
}

int e1k_xdp_xmit(struct net_device *netdev, int n, struct xdp_frame **frames,
		 u32 flags)
{
	struct e1k_adapter *a = netdev_priv(netdev);
	struct netdev_queue *txq = netdev_get_tx_queue(netdev, 0);
	struct device *dev = &a->pdev->dev;
	int i, sent = 0;

	if (unlikely(flags & ~XDP_XMIT_FLAGS_MASK))
		return -EINVAL;

	/*
	 * DOWN is tested under the tx lock: e1k_down sets it before
	 * netif_tx_disable takes this lock, and frees nothing before that,
	 * so a caller that finds it clear here has the rings until unlock.
	 */
	__netif_tx_lock(txq, smp_processor_id());
	if (unlikely(test_bit(E1K_STATE_DOWN, &a->state) || !netif_carrier_ok(netdev))) {
		__netif_tx_unlock(txq);
		return -ENETDOWN;
	}
	for (i = 0; i < n; i++) {
		struct xdp_frame *xdpf = frames[i];
		dma_addr_t dma;

		if (e1k_fault(a, E1K_FAULT_XDP_XMIT_MAP))
			break;
		/* Another device's memory: map it for ours. */
		dma = dma_map_single(dev, xdpf->data, xdpf->len, DMA_TO_DEVICE);
		if (dma_mapping_error(dev, dma))
			break;
		if (!e1k_xdp_queue(a, dma, xdpf->len, E1K_TX_XDP_FRAME, xdpf)) {
			dma_unmap_single(dev, dma, xdpf->len, DMA_TO_DEVICE);
			break;
		}
		sent++;
	}
	if (sent && (flags & XDP_XMIT_FLUSH))
		e1k_tx_bump_tail(a);
	if (sent)
		txq_trans_cond_update(txq);
	u64_stats_update_begin(&a->xmit_stats.syncp);
	a->xmit_stats.c.xdp_xmit += sent;
	a->xmit_stats.c.xdp_xmit_err += n - sent;
	u64_stats_update_end(&a->xmit_stats.syncp);
	__netif_tx_unlock(txq);
	/* The core frees the frames we did not take. */
	return sent;
}

static int e1k_xdp_setup(struct e1k_adapter *a, struct bpf_prog *prog,
			 struct netlink_ext_ack *extack)
{
	struct net_device *netdev = a->netdev;
	struct bpf_prog *old;

	static_assert(E1K_RX_BUFSZ - ETH_HLEN - 2 * VLAN_HLEN - ETH_FCS_LEN ==
		      E1K_XDP_MAX_MTU);

	if (prog && netdev->mtu > E1K_XDP_MAX_MTU) {
		NL_SET_ERR_MSG_MOD(extack, "MTU too large for XDP: at most "
				   __stringify(E1K_XDP_MAX_MTU)
				   " (a frame must fit one 2048-byte buffer)");
		return -EINVAL;
	}
	/* The poll reads the pointer once per run; a program it is still
	 * running is freed only after an RCU grace period.
	 */
	old = rcu_replace_pointer(a->xdp_prog, prog, lockdep_rtnl_is_held());
	if (old)
		bpf_prog_put(old);
	if (!!old != !!prog)
		netdev_dbg(netdev, "XDP program %s\n", prog ? "attached" : "detached");
	return 0;
}

int e1k_bpf(struct net_device *netdev, struct netdev_bpf *bpf)
{
	struct e1k_adapter *a = netdev_priv(netdev);

	switch (bpf->command) {
	case XDP_SETUP_PROG:
		return e1k_xdp_setup(a, bpf->prog, bpf->extack);
	default:
		return -EINVAL;
	}
}

void e1k_set_xdp_features(struct net_device *netdev)
{
#ifdef E1K_HAVE_XDP_FEATURES
	netdev->xdp_features = NETDEV_XDP_ACT_BASIC | NETDEV_XDP_ACT_REDIRECT |
			       NETDEV_XDP_ACT_NDO_XMIT;
#endif
}
