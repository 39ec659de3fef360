// SPDX-License-Identifier: GPL-2.0
/*
 * e1k_xdp: the descriptor rings. Receive buffers are whole pages from a
 * page_pool with the frame at XDP_PACKET_HEADROOM, so the same buffer serves
 * the stack (an skb built around the page) and XDP (an xdp_buff over it).
 * Transmit slots record what they hold so each is released correctly.
 */
#include <linux/if_vlan.h>
#include <linux/ip.h>
#include <linux/tcp.h>
#include <net/checksum.h>
#include <net/ip6_checksum.h>

#include "e1k.h"

/* ---------------------------------------------------------------- setup */

static unsigned int e1k_ring_bytes(unsigned int count, size_t desc_size)
{
	return ALIGN(count * desc_size, 4096);
}

/* Descriptor memory and slot array of a tx ring of @count descriptors. */
int e1k_alloc_tx_ring(struct e1k_adapter *a, struct e1k_tx_ring *ring,
		      unsigned int count)
{
	struct device *dev = &a->pdev->dev;

	if (e1k_fault(a, E1K_FAULT_RING_ALLOC))
		return -ENOMEM;
	ring->count = count;
	ring->buf = kvcalloc(ring->count, sizeof(*ring->buf), GFP_KERNEL);
	if (!ring->buf)
		return -ENOMEM;
	ring->size = e1k_ring_bytes(ring->count, sizeof(struct e1k_tx_desc));
	ring->desc = dma_alloc_coherent(dev, ring->size, &ring->dma, GFP_KERNEL);
	if (!ring->desc) {
		kvfree(ring->buf);
		ring->buf = NULL;
		return -ENOMEM;
	}
	ring->next_to_use = 0;
	ring->next_to_clean = 0;
	ring->ctx_key = 0;
	return 0;
}

int e1k_setup_tx_ring(struct e1k_adapter *a)
{
	return e1k_alloc_tx_ring(a, &a->tx_ring, a->tx_ring_count);
}

void e1k_release_tx_ring(struct e1k_adapter *a, struct e1k_tx_ring *ring)
{
	if (ring->desc)
		dma_free_coherent(&a->pdev->dev, ring->size, ring->desc, ring->dma);
	ring->desc = NULL;
	kvfree(ring->buf);
	ring->buf = NULL;
}

static struct page_pool *e1k_create_page_pool(struct e1k_adapter *a,
					      unsigned int count)
{
	struct page_pool_params pp = {
		.flags = PP_FLAG_DMA_MAP | PP_FLAG_DMA_SYNC_DEV,
		.order = 0,
		/* Ring plus what XDP_TX holds on the tx ring. */
		.pool_size = count + a->tx_ring_count,
		.nid = dev_to_node(&a->pdev->dev),
		.dev = &a->pdev->dev,
		/* XDP_TX sends the rx page itself, so the device reads it too:
		 * mapped both ways from the start, so attaching a program
		 * never remaps the ring.
		 */
		.dma_dir = DMA_BIDIRECTIONAL,
		.offset = E1K_RX_HEADROOM,
		.max_len = E1K_RX_BUFSZ,
	};

#ifdef E1K_HAVE_NETDEV_GENL_LINKS
	/* Only destroyed with the NAPI off (see e1k_set_ringparam). */
	pp.netdev = a->netdev;
	pp.napi = &a->napi;
#endif
	return page_pool_create(&pp);
}

/* Descriptors, slots, page pool and XDP rxq of an rx ring of @count. */
int e1k_alloc_rx_ring(struct e1k_adapter *a, struct e1k_rx_ring *ring,
		      unsigned int count)
{
	struct device *dev = &a->pdev->dev;
	int err;

	if (e1k_fault(a, E1K_FAULT_RING_ALLOC))
		return -ENOMEM;
	ring->count = count;
	ring->buf = kvcalloc(ring->count, sizeof(*ring->buf), GFP_KERNEL);
	if (!ring->buf)
		return -ENOMEM;
	ring->size = e1k_ring_bytes(ring->count, sizeof(struct e1k_rx_desc));
	ring->desc = dma_alloc_coherent(dev, ring->size, &ring->dma, GFP_KERNEL);
	if (!ring->desc) {
		err = -ENOMEM;
		goto err_buf;
	}
	ring->pool = e1k_create_page_pool(a, ring->count);
	if (IS_ERR(ring->pool)) {
		err = PTR_ERR(ring->pool);
		ring->pool = NULL;
		goto err_desc;
	}
	/* frag_size: a frag's page is all its own (no skb_shared_info
	 * behind it), so bpf_xdp_adjust_tail may grow the last frag to the
	 * page's end.
	 */
	err = __xdp_rxq_info_reg(&ring->xdp_rxq, a->netdev, 0, a->napi.napi_id,
				 PAGE_SIZE);
	if (err)
		goto err_pool;
	err = xdp_rxq_info_reg_mem_model(&ring->xdp_rxq, MEM_TYPE_PAGE_POOL,
					 ring->pool);
	if (err)
		goto err_rxq;
	/* The UMEM's frames arrive on this one (e1k_xsk.c): registered
	 * now, so binding a socket registers nothing.
	 */
	err = xdp_rxq_info_reg(&ring->xsk_rxq, a->netdev, 0, a->napi.napi_id);
	if (err)
		goto err_rxq;
	err = xdp_rxq_info_reg_mem_model(&ring->xsk_rxq, MEM_TYPE_XSK_BUFF_POOL,
					 NULL);
	if (err)
		goto err_xsk_rxq;
	ring->next_to_use = 0;
	ring->next_to_clean = 0;
	ring->xdp.data = NULL;
	ring->discard = false;
	return 0;

err_xsk_rxq:
	xdp_rxq_info_unreg(&ring->xsk_rxq);
err_rxq:
	xdp_rxq_info_unreg(&ring->xdp_rxq);
err_pool:
	page_pool_destroy(ring->pool);
	ring->pool = NULL;
err_desc:
	dma_free_coherent(dev, ring->size, ring->desc, ring->dma);
	ring->desc = NULL;
err_buf:
	kvfree(ring->buf);
	ring->buf = NULL;
	return err;
}

int e1k_setup_rx_ring(struct e1k_adapter *a)
{
	return e1k_alloc_rx_ring(a, &a->rx_ring, a->rx_ring_count);
}

void e1k_release_rx_ring(struct e1k_adapter *a, struct e1k_rx_ring *ring)
{
	if (xdp_rxq_info_is_reg(&ring->xsk_rxq))
		xdp_rxq_info_unreg(&ring->xsk_rxq);
	if (xdp_rxq_info_is_reg(&ring->xdp_rxq))
		xdp_rxq_info_unreg(&ring->xdp_rxq);
	/* After the rxq: unregistering the memory model drops its pool ref. */
	if (ring->pool)
		page_pool_destroy(ring->pool);
	ring->pool = NULL;
	if (ring->desc)
		dma_free_coherent(&a->pdev->dev, ring->size, ring->desc, ring->dma);
	ring->desc = NULL;
	kvfree(ring->buf);
	ring->buf = NULL;
}

void e1k_free_tx_ring(struct e1k_adapter *a)
{
	e1k_release_tx_ring(a, &a->tx_ring);
}

void e1k_free_rx_ring(struct e1k_adapter *a)
{
	e1k_release_rx_ring(a, &a->rx_ring);
}

/*
 * Ring resize: the adapter's rings take over the resources of rings
 * allocated beforehand (so a failed allocation leaves the old rings in
 * place). The adapter's were stopped by e1k_down and freed; @src never
 * started.
 */
void e1k_take_tx_ring(struct e1k_tx_ring *dst, struct e1k_tx_ring *src)
{
	dst->desc = src->desc;
	dst->dma = src->dma;
	dst->size = src->size;
	dst->count = src->count;
	dst->buf = src->buf;
	dst->next_to_use = 0;
	dst->next_to_clean = 0;
	dst->ctx_key = 0;
	src->desc = NULL;
	src->buf = NULL;
}

void e1k_take_rx_ring(struct e1k_rx_ring *dst, struct e1k_rx_ring *src)
{
	dst->desc = src->desc;
	dst->dma = src->dma;
	dst->size = src->size;
	dst->count = src->count;
	dst->buf = src->buf;
	dst->pool = src->pool;
	/* Held by value: the pool knows its memory model by id only. */
	dst->xdp_rxq = src->xdp_rxq;
	dst->xsk_rxq = src->xsk_rxq;
	dst->next_to_use = 0;
	dst->next_to_clean = 0;
	dst->xdp.data = NULL;
	dst->discard = false;
	src->desc = NULL;
	src->buf = NULL;
	src->pool = NULL;
	memset(&src->xdp_rxq, 0, sizeof(src->xdp_rxq));
	memset(&src->xsk_rxq, 0, sizeof(src->xsk_rxq));
}

void e1k_configure_tx(struct e1k_adapter *a)
{
	struct e1k_tx_ring *ring = &a->tx_ring;

	e1k_wr(a, E1K_TDBAL, lower_32_bits(ring->dma));
	e1k_wr(a, E1K_TDBAH, upper_32_bits(ring->dma));
	e1k_wr(a, E1K_TDLEN, ring->count * sizeof(struct e1k_tx_desc));
	e1k_wr(a, E1K_TDH, 0);
	e1k_wr(a, E1K_TDT, 0);
	e1k_wr(a, E1K_TIDV, 0);
	e1k_wr(a, E1K_TADV, 0);
	e1k_wr(a, E1K_TIPG, E1K_TIPG_COPPER);
	e1k_wr(a, E1K_TCTL, E1K_TCTL_EN | E1K_TCTL_PSP | E1K_TCTL_RTLC |
	       (E1K_COLLISION_THRESHOLD << E1K_TCTL_CT_SHIFT) |
	       (E1K_FDX_COLLISION_DIST << E1K_TCTL_COLD_SHIFT));
	ring->ctx_key = 0;
}

void e1k_configure_rx(struct e1k_adapter *a)
{
	struct e1k_rx_ring *ring = &a->rx_ring;
	struct net_device *netdev = a->netdev;

	e1k_wr(a, E1K_RCTL, 0);
	e1k_wr(a, E1K_RDBAL, lower_32_bits(ring->dma));
	e1k_wr(a, E1K_RDBAH, upper_32_bits(ring->dma));
	e1k_wr(a, E1K_RDLEN, ring->count * sizeof(struct e1k_rx_desc));
	e1k_wr(a, E1K_RDH, 0);
	e1k_wr(a, E1K_RDT, 0);
	/* Interrupts are paced by ITR alone. */
	e1k_wr(a, E1K_RDTR, 0);
	e1k_wr(a, E1K_RADV, 0);

	/*
	 * 2048-byte buffers, broadcast accepted; long frames (spanning
	 * descriptors) only when the MTU needs them. The FCS stays in the
	 * buffer and in the descriptor's length, and the rx clean drops it:
	 * all three parts could strip it (RCTL.SECRC, 8254x SDM 13.4.22), but
	 * mainline e1000 leaves SECRC clear on every 8254x and trims in
	 * software (e1000_clean_rx_irq, e1000_clean_jumbo_rx_irq), hardware
	 * stripping having been turned off there for the manageability
	 * firmware that shares the port. QEMU's model honours SECRC either way.
	 */
	a->rctl = E1K_RCTL_EN | E1K_RCTL_BAM | E1K_RCTL_SZ_2048;
	if (netdev->mtu > ETH_DATA_LEN)
		a->rctl |= E1K_RCTL_LPE;
	a->rx_mode_synced = false;	/* whole MTA and RCTL written */
	e1k_write_rx_mode(a);	/* adds UPE/MPE and writes RCTL */
	/* The UMEM's frames name the rxq they arrive on (a resize moves
	 * it); before the first is taken from the pool.
	 */
	if (a->xsk_pool)
		xsk_pool_set_rxq_info(a->xsk_pool, &ring->xsk_rxq);
	e1k_alloc_rx_buffers(a, e1k_desc_unused(ring->next_to_use,
						ring->next_to_clean, ring->count));
}

/* ------------------------------------------------------------- transmit */

/*
 * What a cleaning run gives back at its end, in one call each: frames
 * from ndo_xdp_xmit, after every slot of theirs is unmapped (frags
 * included: returning the frame frees their pages), and the AF_XDP
 * socket's sent frames, to its completion ring.
 */
struct e1k_tx_reclaim {
	struct xdp_frame_bulk bq;
	u32 xsk_frames;
};

static void e1k_tx_reclaim_init(struct e1k_tx_reclaim *r)
	__acquires(RCU)
{
	xdp_frame_bulk_init(&r->bq);
	r->xsk_frames = 0;
	rcu_read_lock();	/* the bulk return's memory model lookup */
}

static void e1k_tx_reclaim_done(struct e1k_adapter *a, struct e1k_tx_reclaim *r)
	__releases(RCU)
{
	xdp_flush_frame_bulk(&r->bq);
	rcu_read_unlock();
	/* Such slots exist only while the pool is bound (e1k_xsk.c). */
	if (r->xsk_frames)
		xsk_tx_completed(a->xsk_pool, r->xsk_frames);
}

/* Release what a tx slot holds. */
static void e1k_unmap_tx_buffer(struct e1k_adapter *a, struct e1k_tx_buffer *b,
				bool in_napi, int budget,
				struct e1k_tx_reclaim *r)
{
	struct device *dev = &a->pdev->dev;

	switch (b->type) {
	case E1K_TX_SKB:
		dma_unmap_single(dev, b->dma, b->len, DMA_TO_DEVICE);
		napi_consume_skb(b->skb, in_napi ? budget : 0);
		break;
	case E1K_TX_SKB_FRAG:
		dma_unmap_page(dev, b->dma, b->len, DMA_TO_DEVICE);
		break;
	case E1K_TX_XDP_TX:
		/* Our own rx page: its DMA mapping belongs to the pool. */
		page_pool_put_full_page(a->rx_ring.pool, b->page, in_napi);
		break;
	case E1K_TX_XDP_FRAME:
		/*
		 * Another device's frame (ndo_xdp_xmit): never into its pool's
		 * lockless cache, which only that device's NAPI may touch
		 * (the bulk return does not use it).
		 */
		dma_unmap_single(dev, b->dma, b->len, DMA_TO_DEVICE);
		xdp_return_frame_bulk(b->xdpf, &r->bq);
		break;
	case E1K_TX_XDP_FRAME_FRAG:
		dma_unmap_single(dev, b->dma, b->len, DMA_TO_DEVICE);
		break;
	case E1K_TX_XSK_TX:
		/* A UMEM frame: mapped by its pool, for as long as it lives. */
		xsk_buff_free(b->xsk);
		break;
	case E1K_TX_XSK_XMIT:
		r->xsk_frames++;
		break;
	case E1K_TX_NONE:
	case E1K_TX_CTX:
		break;
	}
	b->type = E1K_TX_NONE;
	b->skb = NULL;
}

/* Teardown: release every slot, done or not. The rx page pool must still
 * exist (XDP_TX slots hold its pages).
 */
void e1k_clean_tx_buffers(struct e1k_adapter *a)
{
	struct e1k_tx_ring *ring = &a->tx_ring;
	struct e1k_tx_reclaim r;
	unsigned int i;

	if (!ring->buf)
		return;
	e1k_tx_reclaim_init(&r);
	for (i = 0; i < ring->count; i++) {
		e1k_unmap_tx_buffer(a, &ring->buf[i], false, 0, &r);
		ring->buf[i].first = false;
	}
	e1k_tx_reclaim_done(a, &r);
	memset(ring->desc, 0, ring->size);
	ring->next_to_use = 0;
	ring->next_to_clean = 0;
	netdev_reset_queue(a->netdev);
}

/*
 * Reclaim finished packets. Returns true when all work was done. A budget
 * of 0 is netpoll, maybe with interrupts off: it frees skbs only and
 * leaves XDP slots (page_pool, xdp_frame returns) to the next real poll.
 */
bool e1k_clean_tx_irq(struct e1k_adapter *a, int budget)
{
	struct e1k_tx_ring *ring = &a->tx_ring;
	struct net_device *netdev = a->netdev;
	unsigned int ntc = ring->next_to_clean;
	unsigned int pkts = 0, bytes = 0, bql_pkts = 0, bql_bytes = 0;
	struct e1k_tx_reclaim r;
	int done = 0;

	e1k_tx_reclaim_init(&r);
	while (done < ring->count) {
		struct e1k_tx_buffer *first = &ring->buf[ntc];
		unsigned int eop, i;

		if (!READ_ONCE(first->first))
			break;
		smp_rmb();	/* first before eop */
		eop = first->eop;
		if (!(READ_ONCE(ring->desc[eop].status) & E1K_TXD_STAT_DD))
			break;
		if (!budget && first->type != E1K_TX_SKB &&
		    first->type != E1K_TX_CTX)
			break;
		dma_rmb();

		pkts += first->segs;
		bytes += first->bytes;
		if (first->type == E1K_TX_SKB || first->type == E1K_TX_CTX) {
			/* Stack packets only: BQL never saw XDP frames. */
			bql_pkts++;
			bql_bytes += first->bytes;
		}
		for (i = ntc;; i = (i + 1) % ring->count) {
			struct e1k_tx_buffer *b = &ring->buf[i];

			e1k_unmap_tx_buffer(a, b, true, budget, &r);
			b->first = false;
			ring->desc[i].status = 0;
			done++;
			if (i == eop)
				break;
		}
		ntc = (eop + 1) % ring->count;
	}
	e1k_tx_reclaim_done(a, &r);
	ring->next_to_clean = ntc;

	if (pkts) {
		u64_stats_update_begin(&a->napi_stats.syncp);
		a->napi_stats.c.tx_packets += pkts;
		a->napi_stats.c.tx_bytes += bytes;
		u64_stats_update_end(&a->napi_stats.syncp);
	}
	netdev_completed_queue(netdev, bql_pkts, bql_bytes);

	/* Wake the stack once there is room for a full skb again. */
	if (unlikely(done && netif_carrier_ok(netdev) &&
		     e1k_desc_unused(ring->next_to_use, ntc, ring->count) >=
		     E1K_TX_WAKE_THRESHOLD)) {
		smp_mb();	/* against the stop in e1k_maybe_stop_tx */
		if (netif_queue_stopped(netdev) &&
		    !test_bit(E1K_STATE_DOWN, &a->state)) {
			netif_wake_queue(netdev);
			e1k_count(&a->napi_stats, tx_wake_queue, 1);
		}
	}
	return done < ring->count;
}

static void e1k_tx_write_desc(struct e1k_tx_ring *ring, unsigned int i,
			      dma_addr_t dma, u32 cmd_len, u8 popts, u16 vlan)
{
	struct e1k_tx_desc *d = &ring->desc[i];

	d->addr = cpu_to_le64(dma);
	d->cmd_and_length = cpu_to_le32(cmd_len);
	d->status = 0;
	d->popts = popts;
	d->special = cpu_to_le16(vlan);
}

/* Checksum offload: a context descriptor naming where the checksum starts
 * and where it goes; repeated only when it changes.
 */
static int e1k_tx_csum(struct e1k_tx_ring *ring, struct sk_buff *skb, u8 *popts)
{
	struct e1k_tx_ctx_desc *ctx;
	unsigned int css, cso;
	u32 key;

	if (skb->ip_summed != CHECKSUM_PARTIAL)
		return 0;
	css = skb_checksum_start_offset(skb);
	cso = css + skb->csum_offset;
	/* Beyond the descriptor's 8-bit fields: checksum in software. */
	if (css > 255 || cso > 255)
		return skb_checksum_help(skb) ? -EINVAL : 0;
	*popts = E1K_TXD_POPTS_TXSM;
	key = BIT(31) | css | (cso << 8);
	if (ring->ctx_key == key)
		return 0;
	ctx = (struct e1k_tx_ctx_desc *)&ring->desc[ring->next_to_use];
	memset(ctx, 0, sizeof(*ctx));
	ctx->tucss = css;
	ctx->tucso = cso;
	ctx->tucse = 0;
	ctx->cmd_and_length = cpu_to_le32(E1K_TXD_CMD_DEXT);
	ring->ctx_key = key;
	return 1;
}

/* TSO (IPv4/TCP): headers prepared as the hardware wants them (lengths
 * and IP checksum zero, TCP checksum seeded with the pseudo-header).
 */
static int e1k_tso(struct e1k_tx_ring *ring, struct sk_buff *skb, u8 *popts,
		   u32 *hdr_len)
{
	struct e1k_tx_ctx_desc *ctx;
	struct iphdr *iph;
	unsigned int ipcss, tucss;
	int err;

	if (!skb_is_gso(skb))
		return 0;
	if (!(skb_shinfo(skb)->gso_type & SKB_GSO_TCPV4))
		return -EINVAL;
	err = skb_cow_head(skb, 0);
	if (err < 0)
		return err;
	iph = ip_hdr(skb);
	iph->tot_len = 0;
	iph->check = 0;
	tcp_hdr(skb)->check = ~csum_tcpudp_magic(iph->saddr, iph->daddr, 0,
						 IPPROTO_TCP, 0);
	ipcss = skb_network_offset(skb);
	tucss = skb_transport_offset(skb);
	*hdr_len = tucss + tcp_hdrlen(skb);

	ctx = (struct e1k_tx_ctx_desc *)&ring->desc[ring->next_to_use];
	memset(ctx, 0, sizeof(*ctx));
	ctx->ipcss = ipcss;
	ctx->ipcso = ipcss + offsetof(struct iphdr, check);
	ctx->ipcse = cpu_to_le16(tucss - 1);
	ctx->tucss = tucss;
	ctx->tucso = tucss + offsetof(struct tcphdr, check);
	ctx->tucse = 0;
	ctx->cmd_and_length = cpu_to_le32(E1K_TXD_CMD_DEXT | E1K_TXD_CMD_TSE |
					  E1K_TXD_CMD_IP | E1K_TXD_CMD_TCP |
					  (skb->len - *hdr_len));
	ctx->hdr_len = *hdr_len;
	ctx->mss = cpu_to_le16(skb_shinfo(skb)->gso_size);
	ring->ctx_key = 0;	/* the next checksum context must be rewritten */
	*popts = E1K_TXD_POPTS_IXSM | E1K_TXD_POPTS_TXSM;
	return 1;
}

static unsigned int e1k_descs_for(unsigned int len)
{
	return DIV_ROUND_UP(len, E1K_TXD_MAX_LEN);
}

static int e1k_maybe_stop_tx(struct e1k_adapter *a, unsigned int needed)
{
	struct e1k_tx_ring *ring = &a->tx_ring;

	if (likely(e1k_desc_unused(ring->next_to_use, ring->next_to_clean,
				   ring->count) >= needed))
		return 0;
	netif_stop_queue(a->netdev);
	smp_mb();	/* cleaning may have made room meanwhile */
	if (e1k_desc_unused(ring->next_to_use, ring->next_to_clean,
			    ring->count) < needed)
		return -EBUSY;
	netif_start_queue(a->netdev);
	e1k_count(&a->xmit_stats, tx_restart_queue, 1);
	return 0;
}

/* Map a buffer into as many descriptors as its length needs. */
static int e1k_tx_map(struct e1k_adapter *a, unsigned int *i, dma_addr_t dma,
		      unsigned int len, u32 cmd, u8 popts, u16 vlan,
		      enum e1k_tx_type type, unsigned int *last)
{
	struct e1k_tx_ring *ring = &a->tx_ring;
	bool owner = true;

	while (len) {
		unsigned int chunk = min_t(unsigned int, len, E1K_TXD_MAX_LEN);
		struct e1k_tx_buffer *b = &ring->buf[*i];

		/* The first chunk's slot owns the mapping. */
		b->type = owner ? type : E1K_TX_NONE;
		b->dma = dma;
		b->len = len;
		e1k_tx_write_desc(ring, *i, dma, cmd | chunk, popts, vlan);
		*last = *i;
		*i = (*i + 1) % ring->count;
		dma += chunk;
		len -= chunk;
		owner = false;
	}
	return 0;
}

netdev_tx_t e1k_xmit_frame(struct sk_buff *skb, struct net_device *netdev)
{
	struct e1k_adapter *a = netdev_priv(netdev);
	struct e1k_tx_ring *ring = &a->tx_ring;
	struct device *dev = &a->pdev->dev;
	unsigned int first = ring->next_to_use, i, last = 0, f, needed;
	u32 cmd = E1K_TXD_CMD_DEXT | E1K_TXD_DTYP_D | E1K_TXD_CMD_IFCS;
	u32 hdr_len = 0, bytes;
	u16 vlan = 0, segs = 1;
	u8 popts = 0;
	dma_addr_t dma;
	int ctx;

	/* Short frames padded in memory: the MAC's own padding (PSP) does not
	 * cover the checksum-offload case.
	 */
	if (skb_put_padto(skb, ETH_ZLEN)) {
		/* Freed by skb_put_padto. */
		e1k_count(&a->xmit_stats, tx_dropped, 1);
		if (!netdev_xmit_more())
			e1k_tx_bump_tail(a);
		return NETDEV_TX_OK;
	}

	needed = 1 + e1k_descs_for(skb_headlen(skb)) + 2;
	for (f = 0; f < skb_shinfo(skb)->nr_frags; f++)
		needed += e1k_descs_for(skb_frag_size(&skb_shinfo(skb)->frags[f]));
	if (e1k_maybe_stop_tx(a, needed)) {
		e1k_count(&a->xmit_stats, tx_busy, 1);
		/* Packets queued with xmit_more wait for a tail write that
		 * no later call would make while the queue is stopped.
		 */
		e1k_tx_bump_tail(a);
		return NETDEV_TX_BUSY;
	}

	ctx = e1k_tso(ring, skb, &popts, &hdr_len);
	if (ctx == 0)
		ctx = e1k_tx_csum(ring, skb, &popts);
	if (ctx < 0)
		goto drop;
	if (skb_is_gso(skb)) {
		cmd |= E1K_TXD_CMD_TSE;
		segs = skb_shinfo(skb)->gso_segs;
		e1k_count(&a->xmit_stats, tx_tso, 1);
	} else if (popts) {
		e1k_count(&a->xmit_stats, tx_csum_offload, 1);
	}
	if (skb_vlan_tag_present(skb)) {
		cmd |= E1K_TXD_CMD_VLE;
		vlan = skb_vlan_tag_get(skb);
	}
	bytes = skb->len + (segs - 1) * hdr_len;

	i = first;
	if (ctx) {
		ring->buf[i].type = E1K_TX_CTX;
		i = (i + 1) % ring->count;
	}

	dma = dma_map_single(dev, skb->data, skb_headlen(skb), DMA_TO_DEVICE);
	if (dma_mapping_error(dev, dma))
		goto dma_error;
	e1k_tx_map(a, &i, dma, skb_headlen(skb), cmd, popts, vlan, E1K_TX_SKB, &last);
	ring->buf[(ctx ? (first + 1) % ring->count : first)].skb = skb;

	for (f = 0; f < skb_shinfo(skb)->nr_frags; f++) {
		skb_frag_t *frag = &skb_shinfo(skb)->frags[f];

		dma = skb_frag_dma_map(dev, frag, 0, skb_frag_size(frag), DMA_TO_DEVICE);
		if (dma_mapping_error(dev, dma))
			goto dma_error;
		e1k_tx_map(a, &i, dma, skb_frag_size(frag), cmd, popts, vlan,
			   E1K_TX_SKB_FRAG, &last);
	}

	ring->desc[last].cmd_and_length |= cpu_to_le32(E1K_TXD_CMD_EOP | E1K_TXD_CMD_RS);
	ring->buf[first].eop = last;
	ring->buf[first].segs = segs;
	ring->buf[first].bytes = bytes;
	if (ctx)
		ring->buf[first].skb = NULL;
	/* Descriptors and bookkeeping before the hardware or the cleaner can
	 * see the packet.
	 */
	wmb();
	WRITE_ONCE(ring->buf[first].first, true);
	ring->next_to_use = i;
	skb_tx_timestamp(skb);

	e1k_maybe_stop_tx(a, E1K_TX_WAKE_THRESHOLD);
	/* One tail write per batch: the stack says when more is coming. */
	if (__netdev_tx_sent_queue(netdev_get_tx_queue(netdev, 0), bytes,
				   netdev_xmit_more()))
		e1k_wr_fast(a, E1K_TDT, i);
	return NETDEV_TX_OK;

dma_error:
	e1k_count(&a->xmit_stats, tx_dma_err, 1);
	/* Unwind the slots mapped so far (the skb is freed below). */
	for (f = first; f != i; f = (f + 1) % ring->count) {
		struct e1k_tx_buffer *b = &ring->buf[f];

		if (b->type == E1K_TX_SKB)
			dma_unmap_single(dev, b->dma, b->len, DMA_TO_DEVICE);
		else if (b->type == E1K_TX_SKB_FRAG)
			dma_unmap_page(dev, b->dma, b->len, DMA_TO_DEVICE);
		b->type = E1K_TX_NONE;
		b->skb = NULL;
	}
	ring->ctx_key = 0;
drop:
	dev_kfree_skb_any(skb);
	e1k_count(&a->xmit_stats, tx_dropped, 1);
	/* Earlier packets of this batch still need their tail write. */
	if (!netdev_xmit_more())
		e1k_tx_bump_tail(a);
	return NETDEV_TX_OK;
}

/* XDP_TX and ndo_xdp_xmit queue without touching the tail; this pushes
 * everything queued so far in one register write. Under the tx lock.
 */
void e1k_tx_bump_tail(struct e1k_adapter *a)
{
	/* Descriptors in memory before the device is told to fetch them. */
	wmb();
	e1k_wr_fast(a, E1K_TDT, a->tx_ring.next_to_use);
}

/* -------------------------------------------------------------- receive */

void e1k_alloc_rx_buffers(struct e1k_adapter *a, unsigned int count)
{
	struct e1k_rx_ring *ring = &a->rx_ring;
	unsigned int i = ring->next_to_use, start = i;

	if (a->xsk_pool) {
		e1k_xsk_alloc_rx_buffers(a, count);
		return;
	}

	while (count--) {
		struct e1k_rx_buffer *b = &ring->buf[i];

		if (!b->page) {
			b->page = e1k_fault(a, E1K_FAULT_PAGE_REFILL) ? NULL :
				  page_pool_dev_alloc_pages(ring->pool);
			if (unlikely(!b->page)) {
				e1k_count(&a->napi_stats, rx_alloc_failed, 1);
				break;
			}
			b->dma = page_pool_get_dma_addr(b->page) + E1K_RX_HEADROOM;
		}
		ring->desc[i].addr = cpu_to_le64(b->dma);
		ring->desc[i].status = 0;
		i = (i + 1) % ring->count;
	}
	if (i == start)
		return;
	ring->next_to_use = i;
	/* Descriptors written before the device may fetch them. */
	wmb();
	e1k_wr_fast(a, E1K_RDT, i);
}

/*
 * Return every page of a frame (head and frags) to the pool. In the NAPI
 * poll, straight into its lockless cache.
 */
void e1k_rx_put_frame(struct e1k_rx_ring *ring, struct xdp_buff *xdp,
		      bool in_napi)
{
	if (unlikely(xdp_buff_has_frags(xdp))) {
		struct skb_shared_info *sinfo = xdp_get_shared_info_from_buff(xdp);
		unsigned int i;

		for (i = 0; i < sinfo->nr_frags; i++)
			page_pool_put_full_page(ring->pool,
						skb_frag_page(&sinfo->frags[i]),
						in_napi);
	}
	page_pool_put_full_page(ring->pool, virt_to_page(xdp->data_hard_start),
				in_napi);
	xdp->data = NULL;
}

void e1k_clean_rx_buffers(struct e1k_adapter *a)
{
	struct e1k_rx_ring *ring = &a->rx_ring;
	unsigned int i;

	if (!ring->buf)
		return;
	if (a->xsk_pool) {
		e1k_xsk_clean_rx_buffers(a);
		goto reset;
	}
	if (ring->xdp.data)
		e1k_rx_put_frame(ring, &ring->xdp, false);
	for (i = 0; i < ring->count; i++) {
		struct e1k_rx_buffer *b = &ring->buf[i];

		if (b->page)
			page_pool_put_full_page(ring->pool, b->page, false);
		b->page = NULL;
	}
reset:
	memset(ring->desc, 0, ring->size);
	ring->next_to_use = 0;
	ring->next_to_clean = 0;
	ring->discard = false;
}

static void e1k_rx_checksum(struct e1k_adapter *a, u8 status, u8 errors,
			    struct sk_buff *skb)
{
	skb_checksum_none_assert(skb);
	if (!(a->netdev->features & NETIF_F_RXCSUM) || (status & E1K_RXD_STAT_IXSM))
		return;
	if (errors & (E1K_RXD_ERR_TCPE | E1K_RXD_ERR_IPE)) {
		/* Let the stack check and count it. */
		e1k_count(&a->napi_stats, rx_csum_err, 1);
		return;
	}
	if (status & E1K_RXD_STAT_TCPCS) {
		skb->ip_summed = CHECKSUM_UNNECESSARY;
		e1k_count(&a->napi_stats, rx_csum_good, 1);
	}
}

/* An skb around the frame's pages, frags included: no copy. */
static struct sk_buff *e1k_build_skb(struct e1k_adapter *a, struct xdp_buff *xdp)
{
	unsigned int metasize = xdp->data - xdp->data_meta;
	struct skb_shared_info *sinfo = xdp_get_shared_info_from_buff(xdp);
	unsigned int nr_frags = 0, frags_size = 0;
	struct sk_buff *skb;

	if (e1k_fault(a, E1K_FAULT_SKB_BUILD))
		return NULL;
	/* Read first: building the skb clears the head of its shared info,
	 * which is the xdp_buff's (the frag list behind it stays).
	 */
	if (unlikely(xdp_buff_has_frags(xdp))) {
		nr_frags = sinfo->nr_frags;
		frags_size = sinfo->xdp_frags_size;
	}
	skb = napi_build_skb(xdp->data_hard_start, xdp->frame_sz);
	if (unlikely(!skb))
		return NULL;
	/* Whatever the program did to the head, tail or metadata. */
	skb_reserve(skb, xdp->data - xdp->data_hard_start);
	__skb_put(skb, xdp->data_end - xdp->data);
	if (metasize)
		skb_metadata_set(skb, metasize);
	if (unlikely(nr_frags))
		xdp_update_skb_shared_info(skb, nr_frags, frags_size,
					   nr_frags * xdp->frame_sz,
					   xdp_buff_is_frag_pfmemalloc(xdp));
	/* Head and frags go back to the pool when the skb is freed. */
	skb_mark_for_recycle(skb);
	return skb;
}

/*
 * With rx tag stripping on (CTRL.VME) the NIC moves an 802.1Q tag from the
 * frame into the descriptor (8254x manual 3.2.3, "special" field). A program
 * must see the frame as it was on the wire, and what it transmits must be
 * what the wire gets: put the tag back in front of the ethertype, in the
 * headroom. The stack untags a PASSed frame in software.
 */
void e1k_xdp_restore_vlan(struct xdp_buff *xdp, u16 tci)
{
	u8 *data = (u8 *)xdp->data - VLAN_HLEN;

	memmove(data, xdp->data, 2 * ETH_ALEN);
	put_unaligned_be16(ETH_P_8021Q, data + 2 * ETH_ALEN);
	put_unaligned_be16(tci, data + 2 * ETH_ALEN + 2);
	xdp->data = data;
	xdp->data_meta = data;
}

/*
 * One more buffer of the frame being put together: the head of a new
 * frame, or a frag of the one in progress. False when the frame would
 * have more frags than an skb can hold: longer than any frame the MAC
 * takes (16 KiB with RCTL.LPE), so a device that lost EOP.
 */
static bool e1k_rx_add_buffer(struct e1k_rx_ring *ring, struct page *page,
			      unsigned int len)
{
	struct xdp_buff *xdp = &ring->xdp;
	struct skb_shared_info *sinfo;

	if (!xdp->data) {
		xdp_init_buff(xdp, PAGE_SIZE, &ring->xdp_rxq);
		xdp_prepare_buff(xdp, page_address(page), E1K_RX_HEADROOM, len,
				 true);
		return true;
	}
	sinfo = xdp_get_shared_info_from_buff(xdp);
	if (!xdp_buff_has_frags(xdp)) {
		sinfo->nr_frags = 0;
		sinfo->xdp_frags_size = 0;
		xdp_buff_set_frags_flag(xdp);
	} else if (unlikely(sinfo->nr_frags >= MAX_SKB_FRAGS)) {
		return false;
	}
	__skb_fill_page_desc_noacc(sinfo, sinfo->nr_frags++, page,
				   E1K_RX_HEADROOM, len);
	sinfo->xdp_frags_size += len;
	if (page_is_pfmemalloc(page))
		xdp_buff_set_frag_pfmemalloc(xdp);
	return true;
}

/*
 * Take @n bytes off the frame's end: the part of the FCS that was in the
 * buffer before the last one. Buffers before the last are full (2048
 * bytes), so a shorter one is the device's fault: false, a frame error.
 */
static bool e1k_rx_trim_tail(struct xdp_buff *xdp, unsigned int n)
{
	struct skb_shared_info *sinfo;
	skb_frag_t *last;

	if (!xdp_buff_has_frags(xdp)) {
		if (xdp->data_end - xdp->data <= n)
			return false;
		xdp->data_end -= n;
		return true;
	}
	sinfo = xdp_get_shared_info_from_buff(xdp);
	last = &sinfo->frags[sinfo->nr_frags - 1];
	if (skb_frag_size(last) <= n)
		return false;
	skb_frag_size_sub(last, n);
	sinfo->xdp_frags_size -= n;
	return true;
}

/* Give a frame's buffers back: to the page pool, or (@zc) to the UMEM. */
static __always_inline void e1k_rx_put(struct e1k_rx_ring *ring,
				       struct xdp_buff *xdp, bool zc)
{
	if (zc)
		xsk_buff_free(xdp);
	else
		e1k_rx_put_frame(ring, xdp, true);
}

/*
 * A whole frame: run the program, if any, then build the skb for the
 * stack. @status, @errors and @tci are those of its EOP descriptor, which
 * hold the frame's. @zc: @xdp is a UMEM frame of an AF_XDP pool (one
 * buffer, never frags), which the stack gets a copy of; otherwise it is
 * the ring's page-pool frame, which the skb is built around. Inlined into
 * both callers, so the page-pool path carries no test of @zc.
 */
static __always_inline void e1k_rx_frame_any(struct e1k_adapter *a,
					     struct bpf_prog *prog,
					     struct e1k_rx_poll *poll,
					     struct xdp_buff *xdp, u8 status,
					     u8 errors, u16 tci, bool zc)
{
	struct e1k_rx_ring *ring = &a->rx_ring;
	struct sk_buff *skb;

	if (prog) {
		unsigned int verdict, len;
		void *data;

		if (unlikely(!zc && xdp_buff_has_frags(xdp) &&
			     !prog->aux->xdp_has_frags)) {
			/* It sees one buffer: a frame spanning several is
			 * not for it (possible below E1K_XDP_MAX_MTU too:
			 * the MAC does not know our MTU).
			 */
			e1k_count(&a->napi_stats, rx_multi_desc_dropped, 1);
			e1k_rx_put_frame(ring, xdp, true);
			return;
		}
		if (status & E1K_RXD_STAT_VP) {
			e1k_xdp_restore_vlan(xdp, tci);
			status &= ~E1K_RXD_STAT_VP;
		}
		data = xdp->data;
		len = xdp_get_buff_len(xdp);
		verdict = e1k_run_xdp(a, prog, xdp, zc);
		if (verdict != E1K_XDP_PASS) {
			/* The frame now belongs to the tx ring, to another
			 * device or socket, or is back in its pool.
			 */
			if (!zc)
				xdp->data = NULL;
			poll->xdp_status |= verdict;
			poll->bytes += len;
			poll->done++;
			return;
		}
		/* The device checked the frame it received; once the
		 * program moved its start or end the stack checks.
		 */
		if (xdp->data != data || xdp_get_buff_len(xdp) != len)
			status |= E1K_RXD_STAT_IXSM;
	}
	skb = zc ? e1k_xsk_build_skb(a, xdp) : e1k_build_skb(a, xdp);
	if (unlikely(!skb)) {
		e1k_count(&a->napi_stats, rx_skb_failed, 1);
		e1k_rx_put(ring, xdp, zc);
		return;
	}
	if (zc)
		xsk_buff_free(xdp);	/* copied */
	else
		xdp->data = NULL;	/* the skb's now */
	e1k_rx_checksum(a, status, errors, skb);
	if (status & E1K_RXD_STAT_VP)
		__vlan_hwaccel_put_tag(skb, htons(ETH_P_8021Q), tci & VLAN_VID_MASK);
	skb->protocol = eth_type_trans(skb, a->netdev);
	poll->bytes += skb->len + ETH_HLEN;
	napi_gro_receive(&a->napi, skb);
	poll->done++;
}

static void e1k_rx_frame(struct e1k_adapter *a, struct bpf_prog *prog,
			 struct e1k_rx_poll *poll, u8 status, u8 errors, u16 tci)
{
	e1k_rx_frame_any(a, prog, poll, &a->rx_ring.xdp, status, errors, tci,
			 false);
}

void e1k_rx_frame_zc(struct e1k_adapter *a, struct bpf_prog *prog,
		     struct e1k_rx_poll *poll, struct xdp_buff *xdp,
		     u8 status, u8 errors, u16 tci)
{
	e1k_rx_frame_any(a, prog, poll, xdp, status, errors, tci, true);
}

/* The end of an rx poll: flushes for the XDP verdicts, then the counters. */
void e1k_rx_poll_done(struct e1k_adapter *a, struct e1k_rx_poll *poll,
		      bool *xdp_tx)
{
	if (poll->xdp_status)
		e1k_xdp_finish(a, poll->xdp_status);
	*xdp_tx = poll->xdp_status & E1K_XDP_TX;

	u64_stats_update_begin(&a->napi_stats.syncp);
	a->napi_stats.c.rx_packets += poll->done;
	a->napi_stats.c.rx_bytes += poll->bytes;
	u64_stats_update_end(&a->napi_stats.syncp);
}

/* A bad descriptor: its page, and the frame it belonged to, are dropped. */
static void e1k_rx_frame_error(struct e1k_adapter *a, struct page *page,
			       u8 status)
{
	struct e1k_rx_ring *ring = &a->rx_ring;

	e1k_count(&a->napi_stats, rx_frame_errors, 1);
	page_pool_recycle_direct(ring->pool, page);
	if (ring->xdp.data)
		e1k_rx_put_frame(ring, &ring->xdp, true);
	/* The rest of the frame, if any, up to its EOP. */
	ring->discard = !(status & E1K_RXD_STAT_EOP);
}

/* Receive up to budget frames; *xdp_tx says whether XDP_TX sent any. */
int e1k_clean_rx_irq(struct e1k_adapter *a, int budget, bool *xdp_tx)
{
	struct e1k_rx_ring *ring = &a->rx_ring;
	struct device *dev = &a->pdev->dev;
	unsigned int ntc = ring->next_to_clean, refill;
	struct e1k_rx_poll poll = {};
	struct bpf_prog *prog;

	/* NAPI runs with BH off: an RCU read side for the program. */
	prog = rcu_dereference_bh(a->xdp_prog);

	while (poll.done < budget) {
		struct e1k_rx_desc *desc = &ring->desc[ntc];
		struct e1k_rx_buffer *b = &ring->buf[ntc];
		u8 status = READ_ONCE(desc->status), errors;
		unsigned int len, fcs_before = 0;
		struct page *page;

		if (!(status & E1K_RXD_STAT_DD))
			break;
		dma_rmb();	/* the rest of the descriptor after DD */
		len = le16_to_cpu(desc->length);
		errors = desc->errors;
		/*
		 * Consumed: clear DD now. Refill happens in batches, so this
		 * slot may stay unposted (and pageless) for a while; a stale
		 * DD would let a long poll (jumbo frames, small rings) wrap
		 * into it.
		 */
		desc->status = 0;
		if (unlikely(!b->page))
			break;
		page = b->page;
		b->page = NULL;
		ntc = (ntc + 1) % ring->count;

		/* A length past the buffer is the device's fault: never
		 * trusted, the frame is dropped as an error.
		 */
		if (unlikely((errors & E1K_RXD_ERR_FRAME) || !len ||
			     len > E1K_RX_BUFSZ)) {
			e1k_rx_frame_error(a, page, status);
			continue;
		}
		if (unlikely(ring->discard)) {
			page_pool_recycle_direct(ring->pool, page);
			if (status & E1K_RXD_STAT_EOP)
				ring->discard = false;
			continue;
		}
		dma_sync_single_range_for_cpu(dev, page_pool_get_dma_addr(page),
					      E1K_RX_HEADROOM, len,
					      page_pool_get_dma_dir(ring->pool));
		/*
		 * The FCS (see e1k_configure_rx) ends the frame and is not
		 * for XDP or the stack. With several buffers it may straddle
		 * the last two: what of it the last one lacks comes off the
		 * one before (fcs_before), and a last buffer of FCS only
		 * goes back to the pool. A runt cannot get here (the MAC
		 * drops frames under 64 bytes, RCTL.SBP being clear).
		 */
		if (status & E1K_RXD_STAT_EOP) {
			unsigned int fcs_here = min_t(unsigned int, len, ETH_FCS_LEN);

			fcs_before = ETH_FCS_LEN - fcs_here;
			len -= fcs_here;
		}
		if (!len && ring->xdp.data) {
			page_pool_recycle_direct(ring->pool, page);
		} else if (unlikely(!len || !e1k_rx_add_buffer(ring, page, len))) {
			e1k_rx_frame_error(a, page, status);
			continue;
		}
		if (!(status & E1K_RXD_STAT_EOP))
			continue;
		if (unlikely(fcs_before && !e1k_rx_trim_tail(&ring->xdp, fcs_before))) {
			e1k_count(&a->napi_stats, rx_frame_errors, 1);
			e1k_rx_put_frame(ring, &ring->xdp, true);
			continue;
		}
		e1k_rx_frame(a, prog, &poll, status, errors,
			     le16_to_cpu(desc->special));
	}
	ring->next_to_clean = ntc;
	e1k_rx_poll_done(a, &poll, xdp_tx);

	refill = e1k_rx_refill_due(a);
	if (refill)
		e1k_alloc_rx_buffers(a, refill);
	return poll.done;
}
