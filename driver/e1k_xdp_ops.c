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

/*
 * Queueing an XDP frame on the tx ring, one descriptor per buffer (head,
 * then each frag), under the tx queue lock; the caller bumps the tail
 * later. Room first, then e1k_xdp_put per buffer, then e1k_xdp_publish.
 * Only the last descriptor has EOP and RS: its DD says the frame is sent.
 */
static unsigned int e1k_xdp_nr_bufs(struct skb_shared_info *sinfo)
{
	return 1 + (sinfo ? sinfo->nr_frags : 0);
}

/* Room for @n descriptors, keeping a full skb's worth for the stack. */
bool e1k_xdp_room(struct e1k_tx_ring *ring, unsigned int n)
{
	return e1k_desc_unused(ring->next_to_use, ring->next_to_clean,
			       ring->count) >= E1K_TX_WAKE_THRESHOLD + n;
}

/* Buffer @k of @n, in the slot k places after next_to_use; @owner is
 * what cleaning releases (see enum e1k_tx_type), or NULL.
 */
void e1k_xdp_put(struct e1k_tx_ring *ring, unsigned int k, unsigned int n,
		 enum e1k_tx_type type, void *owner, dma_addr_t dma, u32 len)
{
	unsigned int i = (ring->next_to_use + k) % ring->count;
	struct e1k_tx_buffer *b = &ring->buf[i];
	struct e1k_tx_desc *d = &ring->desc[i];
	u32 cmd = E1K_TXD_CMD_DEXT | E1K_TXD_DTYP_D | E1K_TXD_CMD_IFCS;

	if (k == n - 1)
		cmd |= E1K_TXD_CMD_EOP | E1K_TXD_CMD_RS;
	b->type = type;
	switch (type) {
	case E1K_TX_XDP_TX:
		b->page = owner;
		break;
	case E1K_TX_XSK_TX:
		b->xsk = owner;
		break;
	default:
		b->xdpf = owner;
		break;
	}
	b->dma = dma;
	b->len = len;
	d->addr = cpu_to_le64(dma);
	d->cmd_and_length = cpu_to_le32(cmd | len);
	d->status = 0;
	d->popts = 0;
	d->special = 0;
}

/* The @n buffers put are one frame of @bytes: the cleaner may take it. */
void e1k_xdp_publish(struct e1k_tx_ring *ring, unsigned int n, u32 bytes)
{
	unsigned int first = ring->next_to_use;
	struct e1k_tx_buffer *b = &ring->buf[first];

	b->eop = (first + n - 1) % ring->count;
	b->segs = 1;
	b->bytes = bytes;
	smp_wmb();	/* the slots before the cleaner may look at them */
	WRITE_ONCE(b->first, true);
	ring->next_to_use = (b->eop + 1) % ring->count;
}

/* XDP_TX: send the rx pages themselves (head and frags) back out. */
static bool e1k_xdp_tx(struct e1k_adapter *a, struct xdp_buff *xdp)
{
	struct netdev_queue *txq = netdev_get_tx_queue(a->netdev, 0);
	struct skb_shared_info *sinfo = NULL;
	struct e1k_tx_ring *ring = &a->tx_ring;
	struct device *dev = &a->pdev->dev;
	struct page *page = virt_to_page(xdp->data_hard_start);
	u32 len = xdp->data_end - xdp->data;
	unsigned int k, n;
	dma_addr_t dma;

	if (unlikely(xdp_buff_has_frags(xdp)))
		sinfo = xdp_get_shared_info_from_buff(xdp);
	n = e1k_xdp_nr_bufs(sinfo);

	__netif_tx_lock(txq, smp_processor_id());
	if (unlikely(!e1k_xdp_room(ring, n))) {
		__netif_tx_unlock(txq);
		return false;
	}
	dma = page_pool_get_dma_addr(page) + (xdp->data - xdp->data_hard_start);
	dma_sync_single_for_device(dev, dma, len, DMA_BIDIRECTIONAL);
	e1k_xdp_put(ring, 0, n, E1K_TX_XDP_TX, page, dma, len);
	for (k = 1; k < n; k++) {
		skb_frag_t *frag = &sinfo->frags[k - 1];

		page = skb_frag_page(frag);
		dma = page_pool_get_dma_addr(page) + skb_frag_off(frag);
		dma_sync_single_for_device(dev, dma, skb_frag_size(frag),
					   DMA_BIDIRECTIONAL);
		e1k_xdp_put(ring, k, n, E1K_TX_XDP_TX, page, dma,
			    skb_frag_size(frag));
	}
	e1k_xdp_publish(ring, n, xdp_get_buff_len(xdp));
	/* XDP traffic on the ring is progress: no false tx timeout. */
	txq_trans_cond_update(txq);
	__netif_tx_unlock(txq);
	return true;
}

/*
 * Run the program on a received frame and act on its verdict. @zc: the
 * frame is a UMEM buffer of an AF_XDP pool (e1k_xsk.c), which XDP_TX sends
 * as it is and a drop returns to the pool.
 */
unsigned int e1k_run_xdp(struct e1k_adapter *a, struct bpf_prog *prog,
			 struct xdp_buff *xdp, bool zc)
{
	struct e1k_napi_stats *st = &a->napi_stats;
	u32 act = bpf_prog_run_xdp(prog, xdp);

	switch (act) {
	case XDP_PASS:
		e1k_count(st, xdp_pass, 1);
		return E1K_XDP_PASS;
	case XDP_TX:
		if (likely(zc ? e1k_xsk_tx(a, xdp) : e1k_xdp_tx(a, xdp))) {
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
	/* Dropped, aborted or failed: the buffers go straight back. */
	if (zc)
		xsk_buff_free(xdp);
	else
		e1k_rx_put_frame(&a->rx_ring, xdp, true);
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

/* Map one buffer of another device's frame for ours (@fault: its knob). */
static dma_addr_t e1k_xdp_map(struct e1k_adapter *a, void *data, u32 len,
			      enum e1k_fault fault)
{
	if (e1k_fault(a, fault))
		return DMA_MAPPING_ERROR;
	return dma_map_single(&a->pdev->dev, data, len, DMA_TO_DEVICE);
}

/* Undo the mappings of buffers 0 .. @k-1 of a frame not published. */
static void e1k_xdp_unmap_put(struct e1k_adapter *a, unsigned int k)
{
	struct e1k_tx_ring *ring = &a->tx_ring;

	while (k--) {
		struct e1k_tx_buffer *b = &ring->buf[(ring->next_to_use + k) %
						     ring->count];

		dma_unmap_single(&a->pdev->dev, b->dma, b->len, DMA_TO_DEVICE);
		b->type = E1K_TX_NONE;
		b->xdpf = NULL;
	}
}

/*
 * One frame from ndo_xdp_xmit, head and frags. The head's slot holds the
 * frame (cleaning returns it, frags and all); the frags' slots only their
 * mappings. Under the tx queue lock.
 */
static bool e1k_xdp_xmit_frame(struct e1k_adapter *a, struct xdp_frame *xdpf)
{
	struct skb_shared_info *sinfo = NULL;
	struct e1k_tx_ring *ring = &a->tx_ring;
	struct device *dev = &a->pdev->dev;
	unsigned int k, n;
	dma_addr_t dma;

	if (unlikely(xdp_frame_has_frags(xdpf)))
		sinfo = xdp_get_shared_info_from_frame(xdpf);
	n = e1k_xdp_nr_bufs(sinfo);
	if (!e1k_xdp_room(ring, n))
		return false;
	dma = e1k_xdp_map(a, xdpf->data, xdpf->len, E1K_FAULT_XDP_XMIT_MAP);
	if (dma_mapping_error(dev, dma))
		return false;
	e1k_xdp_put(ring, 0, n, E1K_TX_XDP_FRAME, xdpf, dma, xdpf->len);
	for (k = 1; k < n; k++) {
		skb_frag_t *frag = &sinfo->frags[k - 1];

		dma = e1k_xdp_map(a, skb_frag_address(frag), skb_frag_size(frag),
				  E1K_FAULT_XDP_XMIT_FRAG_MAP);
		if (dma_mapping_error(dev, dma)) {
			e1k_xdp_unmap_put(a, k);
			return false;
		}
		e1k_xdp_put(ring, k, n, E1K_TX_XDP_FRAME_FRAG, NULL, dma,
			    skb_frag_size(frag));
	}
	e1k_xdp_publish(ring, n, xdp_get_frame_len(xdpf));
	return true;
}

int e1k_xdp_xmit(struct net_device *netdev, int n, struct xdp_frame **frames,
		 u32 flags)
{
	struct e1k_adapter *a = netdev_priv(netdev);
	struct netdev_queue *txq = netdev_get_tx_queue(netdev, 0);
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
		if (!e1k_xdp_xmit_frame(a, frames[i]))
			break;
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

/*
 * A program that declares xdp.frags (SEC("xdp.frags")) takes frames that
 * span descriptors as multi-buffer xdp_buffs; any other sees one buffer,
 * so the MTU must keep every frame within one.
 */
bool e1k_xdp_mtu_ok(const struct bpf_prog *prog, unsigned int mtu)
{
	return mtu <= E1K_XDP_MAX_MTU || prog->aux->xdp_has_frags;
}

static int e1k_xdp_setup(struct e1k_adapter *a, struct bpf_prog *prog,
			 struct netlink_ext_ack *extack)
{
	struct net_device *netdev = a->netdev;
	struct bpf_prog *old;

	static_assert(E1K_RX_BUFSZ - ETH_HLEN - 2 * VLAN_HLEN - ETH_FCS_LEN ==
		      E1K_XDP_MAX_MTU);

	if (prog && !e1k_xdp_mtu_ok(prog, netdev->mtu)) {
		NL_SET_ERR_MSG_MOD(extack, "MTU too large for XDP without frags: at most "
				   __stringify(E1K_XDP_MAX_MTU)
				   " (a frame must fit one 2048-byte buffer); a program with xdp.frags support may run at any MTU");
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
	case XDP_SETUP_XSK_POOL:
		return e1k_xsk_pool_setup(a, bpf->xsk.pool, bpf->xsk.queue_id);
	default:
		return -EINVAL;
	}
}

void e1k_set_xdp_features(struct net_device *netdev)
{
#ifdef E1K_HAVE_XDP_FEATURES
	netdev->xdp_features = NETDEV_XDP_ACT_BASIC | NETDEV_XDP_ACT_REDIRECT |
			       NETDEV_XDP_ACT_NDO_XMIT | NETDEV_XDP_ACT_RX_SG |
			       NETDEV_XDP_ACT_NDO_XMIT_SG |
			       NETDEV_XDP_ACT_XSK_ZEROCOPY;
#endif
}
