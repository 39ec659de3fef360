// SPDX-License-Identifier: GPL-2.0
/*
 * e1k_xdp: AF_XDP zero-copy on the port's one queue. While a socket's
 * xsk_buff_pool is bound (XDP_SETUP_XSK_POOL), the NIC receives straight
 * into the socket's UMEM frames and sends the frames of its tx ring from
 * where they are; the page pool rests until the pool is unbound.
 *
 * Binding and unbinding quiesce the port without a reset (the link stays
 * up, the stack's transmit queue pauses): receive and NAPI stop, the tx
 * ring is drained, the rx ring gives its buffers back to the source it
 * had, and is filled anew from the other. The rx ring has one xdp_rxq_info
 * per memory model, both registered with the ring, so switching registers
 * nothing and cannot fail half-way.
 */
#include <linux/filter.h>

#include "e1k.h"

/* ------------------------------------------------------------- receive */

/* Post UMEM frames on the rx ring; false when the fill ring ran dry. */
bool e1k_xsk_alloc_rx_buffers(struct e1k_adapter *a, unsigned int count)
{
	struct e1k_rx_ring *ring = &a->rx_ring;
	unsigned int i = ring->next_to_use, start = i;
	bool filled = true;

	while (count--) {
		struct e1k_rx_buffer *b = &ring->buf[i];

		if (!b->xsk) {
			b->xsk = xsk_buff_alloc(a->xsk_pool);
			if (!b->xsk) {
				filled = false;
				break;
			}
		}
		/* The NIC writes the frame where the buffer's data begins. */
		ring->desc[i].addr = cpu_to_le64(xsk_buff_xdp_get_dma(b->xsk));
		ring->desc[i].status = 0;
		i = (i + 1) % ring->count;
	}
	if (i != start) {
		ring->next_to_use = i;
		/* Descriptors written before the device may fetch them. */
		wmb();
		e1k_wr_fast(a, E1K_RDT, i);
	}
	return filled;
}

/* Teardown and mode switches: every posted UMEM frame back to its pool. */
void e1k_xsk_clean_rx_buffers(struct e1k_adapter *a)
{
	struct e1k_rx_ring *ring = &a->rx_ring;
	unsigned int i;

	for (i = 0; i < ring->count; i++) {
		struct e1k_rx_buffer *b = &ring->buf[i];

		if (b->xsk)
			xsk_buff_free(b->xsk);
		b->xsk = NULL;
	}
}

/* XDP_PASS: the stack gets a copy (the UMEM frame belongs to the socket's
 * memory), metadata included.
 */
struct sk_buff *e1k_xsk_build_skb(struct e1k_adapter *a, struct xdp_buff *xdp)
{
	unsigned int metasize = xdp->data - xdp->data_meta;
	unsigned int len = xdp->data_end - xdp->data_meta;
	struct sk_buff *skb;

	if (e1k_fault(a, E1K_FAULT_SKB_BUILD))
		return NULL;
	skb = napi_alloc_skb(&a->napi, len);
	if (unlikely(!skb))
		return NULL;
	memcpy(__skb_put(skb, len), xdp->data_meta, len);
	if (metasize) {
		__skb_pull(skb, metasize);
		skb_metadata_set(skb, metasize);
	}
	return skb;
}

/*
 * The rx poll in zero-copy mode. One buffer per frame: the MTU is held to
 * what one takes (e1k_xsk_pool_enable, e1k_change_mtu), but the MAC does
 * not know our MTU (RCTL.LPE takes frames up to 16 KiB), so a frame that
 * spans descriptors is dropped whole, as for a program without frags.
 *
 * Without need_wakeup the socket never tells us its fill ring has frames
 * again: an rx ring left short keeps NAPI polling (returns the budget).
 * With it, the socket is asked to wake us instead.
 */
int e1k_xsk_clean_rx_irq(struct e1k_adapter *a, struct xsk_buff_pool *pool,
			 int budget, bool *xdp_tx)
{
	struct e1k_rx_ring *ring = &a->rx_ring;
	unsigned int ntc = ring->next_to_clean, unused;
	struct e1k_rx_poll poll = {};
	struct bpf_prog *prog;
	bool filled = true;

	/* NAPI runs with BH off: an RCU read side for the program. */
	prog = rcu_dereference_bh(a->xdp_prog);

	while (poll.done < budget) {
		struct e1k_rx_desc *desc = &ring->desc[ntc];
		struct e1k_rx_buffer *b = &ring->buf[ntc];
		u8 status = READ_ONCE(desc->status), errors;
		struct xdp_buff *xdp;
		unsigned int len;

		if (!(status & E1K_RXD_STAT_DD))
			break;
		dma_rmb();	/* the rest of the descriptor after DD */
		len = le16_to_cpu(desc->length);
		errors = desc->errors;
		desc->status = 0;	/* see e1k_clean_rx_irq */
		if (unlikely(!b->xsk))
			break;
		xdp = b->xsk;
		b->xsk = NULL;
		ntc = (ntc + 1) % ring->count;

		if (unlikely(ring->discard)) {
			xsk_buff_free(xdp);
			ring->discard = !(status & E1K_RXD_STAT_EOP);
			continue;
		}
		/* The FCS ends the frame (see e1k_configure_rx). */
		if (unlikely((errors & E1K_RXD_ERR_FRAME) || len > E1K_RX_BUFSZ ||
			     ((status & E1K_RXD_STAT_EOP) && len <= ETH_FCS_LEN))) {
			e1k_count(&a->napi_stats, rx_frame_errors, 1);
			xsk_buff_free(xdp);
			ring->discard = !(status & E1K_RXD_STAT_EOP);
			continue;
		}
		if (unlikely(!(status & E1K_RXD_STAT_EOP))) {
			e1k_count(&a->napi_stats, rx_multi_desc_dropped, 1);
			xsk_buff_free(xdp);
			ring->discard = true;
			continue;
		}
		xsk_buff_set_size(xdp, len - ETH_FCS_LEN);
		e1k_xsk_sync_for_cpu(xdp, pool);
		e1k_rx_frame_zc(a, prog, &poll, xdp, status, errors,
				le16_to_cpu(desc->special));
	}
	ring->next_to_clean = ntc;
	e1k_rx_poll_done(a, &poll, xdp_tx);

	unused = e1k_rx_refill_due(a);
	if (unused)
		filled = e1k_xsk_alloc_rx_buffers(a, unused);
	if (xsk_uses_need_wakeup(pool)) {
		if (filled)
			xsk_clear_rx_need_wakeup(pool);
		else
			xsk_set_rx_need_wakeup(pool);
		return poll.done;
	}
	return filled ? poll.done : budget;
}

/* ------------------------------------------------------------ transmit */

/* The UMEM frame's DMA address at xdp->data (the program may have moved
 * it either way from where the NIC wrote it).
 */
static dma_addr_t e1k_xsk_data_dma(struct xdp_buff *xdp)
{
	return xsk_buff_xdp_get_dma(xdp) +
	       (xdp->data - (xdp->data_hard_start + XDP_PACKET_HEADROOM));
}

/* XDP_TX in zero-copy mode: the UMEM frame itself goes out; cleaning the
 * slot gives it back to the pool.
 */
bool e1k_xsk_tx(struct e1k_adapter *a, struct xdp_buff *xdp)
{
	struct netdev_queue *txq = netdev_get_tx_queue(a->netdev, 0);
	struct e1k_tx_ring *ring = &a->tx_ring;
	u32 len = xdp->data_end - xdp->data;
	dma_addr_t dma = e1k_xsk_data_dma(xdp);

	__netif_tx_lock(txq, smp_processor_id());
	if (unlikely(!e1k_xdp_room(ring, 1))) {
		__netif_tx_unlock(txq);
		return false;
	}
	xsk_buff_raw_dma_sync_for_device(a->xsk_pool, dma, len);
	e1k_xdp_put(ring, 0, 1, E1K_TX_XSK_TX, xdp, dma, len);
	e1k_xdp_publish(ring, 1, len);
	txq_trans_cond_update(txq);
	__netif_tx_unlock(txq);
	return true;
}

/*
 * Frames from the socket's tx ring, at most @budget per poll and never
 * into the room kept for the stack (E1K_TX_WAKE_THRESHOLD), so neither
 * starves the other; one tail write for them all. Cleaning the slots
 * completes them to the socket. True when the socket had no more than
 * this poll took.
 */
bool e1k_xsk_xmit(struct e1k_adapter *a, struct xsk_buff_pool *pool,
		  unsigned int budget)
{
	struct netdev_queue *txq = netdev_get_tx_queue(a->netdev, 0);
	struct e1k_tx_ring *ring = &a->tx_ring;
	struct xdp_desc *descs = pool->tx_descs;
	unsigned int room, n = 0, i;

	__netif_tx_lock(txq, smp_processor_id());
	/* Without a link the frames would sit in the ring and time out. */
	if (unlikely(!netif_carrier_ok(a->netdev)))
		goto out;
	room = e1k_desc_unused(ring->next_to_use, ring->next_to_clean,
			       ring->count);
	if (room <= E1K_TX_WAKE_THRESHOLD)
		goto out;	/* the next tx completion polls again */
	n = xsk_tx_peek_release_desc_batch(pool, min(room - E1K_TX_WAKE_THRESHOLD,
						     budget));
	for (i = 0; i < n; i++) {
		dma_addr_t dma = xsk_buff_raw_get_dma(pool, descs[i].addr);

		xsk_buff_raw_dma_sync_for_device(pool, dma, descs[i].len);
		e1k_xdp_put(ring, 0, 1, E1K_TX_XSK_XMIT, NULL, dma,
			    descs[i].len);
		e1k_xdp_publish(ring, 1, descs[i].len);
	}
	if (n) {
		e1k_tx_bump_tail(a);
		txq_trans_cond_update(txq);
	}
out:
	__netif_tx_unlock(txq);
	if (xsk_uses_need_wakeup(pool))
		xsk_set_tx_need_wakeup(pool);
	return n < budget;
}

/* ndo_xsk_wakeup: the socket has frames to send or to be filled. The poll
 * does both; scheduling it from here costs no interrupt (an MMIO write,
 * dear on an emulated NIC).
 */
int e1k_xsk_wakeup(struct net_device *netdev, u32 queue_id, u32 flags)
{
	struct e1k_adapter *a = netdev_priv(netdev);

	if (test_bit(E1K_STATE_DOWN, &a->state) || !netif_carrier_ok(netdev))
		return -ENETDOWN;
	if (queue_id || !READ_ONCE(a->xsk_pool))
		return -ENXIO;
	if (!napi_if_scheduled_mark_missed(&a->napi)) {
		local_bh_disable();
		napi_schedule(&a->napi);
		local_bh_enable();
	}
	return 0;
}

/* ------------------------------------------------------ bind and unbind */

/*
 * Reclaim everything on the tx ring before the memory it points at
 * changes hands: the frames are sent (as a poll would clean them, so they
 * are counted), unless the NIC does not send them within ~20 ms (no link):
 * then transmission stops and they are dropped.
 */
static void e1k_xsk_drain_tx(struct e1k_adapter *a)
{
	struct e1k_tx_ring *ring = &a->tx_ring;
	int tries;

	for (tries = 0; tries < 100; tries++) {
		/* NAPI is off: this is the ring's only cleaner. */
		local_bh_disable();
		e1k_clean_tx_irq(a, NAPI_POLL_WEIGHT);
		local_bh_enable();
		if (ring->next_to_clean == ring->next_to_use)
			return;
		usleep_range(100, 200);
	}
	netdev_warn(a->netdev, "tx ring not drained for the AF_XDP switch: %u descriptors dropped\n",
		    (ring->next_to_use - ring->next_to_clean) % ring->count);
	e1k_wr(a, E1K_TCTL, E1K_TCTL_PSP);
	e1k_flush(a);
	usleep_range(10000, 20000);	/* as e1k_hw_reset lets DMA end */
	e1k_clean_tx_buffers(a);
	e1k_configure_tx(a);
}

/*
 * With reception stopped, what the NIC had already written to the ring
 * still goes where it was going, by the poll and in the mode it came in,
 * before its buffers change hands: freed with the ring, it was lost
 * uncounted (a few in 1,500 frames across five binds). Each look
 * at the ring is taken with NAPI ours (disabled), so no poll moves it
 * meanwhile; a poll that stops at its budget gets another round, up to a
 * ring's worth. The polls post no buffers (E1K_STATE_DOWN, see
 * e1k_rx_refill_due). Leaves NAPI disabled.
 */
static void e1k_xsk_drain_rx(struct e1k_adapter *a)
{
	unsigned int rounds = a->rx_ring.count / NAPI_POLL_WEIGHT + 1;

	napi_disable(&a->napi);
	while (rounds-- && e1k_rx_frame_ready(&a->rx_ring)) {
		napi_enable(&a->napi);
		local_bh_disable();
		napi_schedule(&a->napi);
		local_bh_enable();	/* the poll runs here, or in NAPI's thread */
		napi_disable(&a->napi);
	}
}

/*
 * Stop the data path, not the port: the carrier stays, the stack's
 * transmit queue pauses (its packets wait in the qdisc), the ring's last
 * frames are delivered, and frames that come while RCTL.EN is clear wait
 * in QEMU's model (a real part drops them, as in any reset): a bind
 * pauses the stack's traffic, it does not drop it. In e1k_down's order:
 * DOWN first (the interrupt, the watchdog and ndo_xdp_xmit back off; a
 * poll no longer re-enables the interrupt or refills the ring), the
 * watchdog, reception, NAPI (after the ring's last frames) and the
 * interrupt, transmission.
 */
static void e1k_xsk_quiesce(struct e1k_adapter *a)
{
	set_bit(E1K_STATE_DOWN, &a->state);
	cancel_delayed_work_sync(&a->watchdog);
	e1k_wr(a, E1K_RCTL, 0);
	e1k_flush(a);
	e1k_xsk_drain_rx(a);
	e1k_irq_disable(a);
	netif_tx_disable(a->netdev);
	e1k_xsk_drain_tx(a);
	e1k_clean_rx_buffers(a);
}

/* And start it again, the rx ring filled from what a->xsk_pool says. */
static void e1k_xsk_resume(struct e1k_adapter *a)
{
	struct net_device *netdev = a->netdev;

	e1k_configure_rx(a);
	clear_bit(E1K_STATE_DOWN, &a->state);
	napi_enable(&a->napi);
	e1k_rd(a, E1K_ICR);
	e1k_irq_enable(a);
	if (netif_carrier_ok(netdev))
		netif_wake_queue(netdev);
	mod_delayed_work(system_wq, &a->watchdog, 0);
	/* The socket may have frames to send already. */
	local_bh_disable();
	napi_schedule(&a->napi);
	local_bh_enable();
}

/* Change what fills the rx ring. A port that is down (closed, or after a
 * failed reset) holds no buffers: the next open or up picks the mode.
 */
static void e1k_xsk_switch(struct e1k_adapter *a, struct xsk_buff_pool *pool)
{
	bool live = netif_running(a->netdev) &&
		    !test_bit(E1K_STATE_DOWN, &a->state);

	if (live)
		e1k_xsk_quiesce(a);
	WRITE_ONCE(a->xsk_pool, pool);
	if (live)
		e1k_xsk_resume(a);
}

/*
 * The checks the core leaves to us. XDP_SETUP_XSK_POOL carries no extack:
 * the reason goes to the kernel log, the errno to bind(2) (which, unless
 * the socket asked for XDP_ZEROCOPY, falls back to copy mode).
 */
static int e1k_xsk_pool_check(struct e1k_adapter *a, struct xsk_buff_pool *pool,
			      u16 queue_id)
{
	struct net_device *netdev = a->netdev;
	u32 frame = xsk_pool_get_rx_frame_size(pool);

	if (queue_id) {
		netdev_err(netdev, "AF_XDP zero-copy: no queue %u (the port has one: 0)\n",
			   queue_id);
		return -EINVAL;
	}
	if (a->xsk_pool) {
		netdev_err(netdev, "AF_XDP zero-copy: queue 0 has a socket already\n");
		return -EBUSY;
	}
	/* RCTL's buffer size is 2048 for every frame (see e1k_configure_rx). */
	if (frame < E1K_RX_BUFSZ) {
		netdev_err(netdev, "AF_XDP zero-copy: UMEM frames of %u bytes after the headroom; the NIC needs %u (4096-byte chunks)\n",
			   frame, E1K_RX_BUFSZ);
		return -EINVAL;
	}
	if (netdev->mtu > E1K_XDP_MAX_MTU) {
		netdev_err(netdev, "AF_XDP zero-copy: MTU %u too large, a frame must fit one UMEM frame (MTU at most %u)\n",
			   netdev->mtu, E1K_XDP_MAX_MTU);
		return -EINVAL;
	}
	return 0;
}

static int e1k_xsk_pool_enable(struct e1k_adapter *a, struct xsk_buff_pool *pool,
			       u16 queue_id)
{
	int err;

	err = e1k_xsk_pool_check(a, pool, queue_id);
	if (err)
		return err;
	err = xsk_pool_dma_map(pool, &a->pdev->dev, 0);
	if (err) {
		netdev_err(a->netdev, "AF_XDP zero-copy: cannot map the UMEM for DMA: %d\n",
			   err);
		return err;
	}
	e1k_xsk_switch(a, pool);
	/* Who owns the queue is an operator's question: said, as the link is. */
	netdev_info(a->netdev, "AF_XDP zero-copy socket bound to queue 0\n");
	return 0;
}

/* The core's unbind (socket closed, device unregistered) cannot fail:
 * it warns if we do.
 */
static int e1k_xsk_pool_disable(struct e1k_adapter *a, u16 queue_id)
{
	struct xsk_buff_pool *pool = a->xsk_pool;

	if (queue_id || !pool)
		return -EINVAL;
	e1k_xsk_switch(a, NULL);
	xsk_pool_dma_unmap(pool, 0);
	netdev_info(a->netdev, "AF_XDP zero-copy socket unbound from queue 0\n");
	return 0;
}

int e1k_xsk_pool_setup(struct e1k_adapter *a, struct xsk_buff_pool *pool,
		       u16 queue_id)
{
	return pool ? e1k_xsk_pool_enable(a, pool, queue_id) :
		      e1k_xsk_pool_disable(a, queue_id);
}
