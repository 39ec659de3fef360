/* SPDX-License-Identifier: GPL-2.0 */
/* e1k_xdp: the adapter, its rings and what the files share. */
#ifndef E1K_H
#define E1K_H

#include <linux/bpf.h>
#include <linux/etherdevice.h>
#include <linux/netdevice.h>
#include <linux/pci.h>
#include <linux/u64_stats_sync.h>
#include <linux/workqueue.h>
#include <net/xdp.h>
#include <net/xdp_sock_drv.h>

#include "e1k_compat.h"
#include "e1k_regs.h"

#define E1K_DRV_NAME	"e1k_xdp"

/*
 * The MAC generations we drive, as mainline e1000 tells them apart
 * (e1000_set_mac_type): errata and EEPROM access differ between them.
 */
enum e1k_mac_type {
	E1K_MAC_82540,		/* 0x100E 82540EM */
	E1K_MAC_82544,		/* 0x100C 82544GC copper */
	E1K_MAC_82545,		/* 0x100F 82545EM copper */
};

#define E1K_DEFAULT_RXD	256
#define E1K_DEFAULT_TXD	256
#define E1K_MIN_DESC	64
#define E1K_MAX_DESC	4096	/* the 8254x limit */
#define E1K_DESC_ALIGN	8	/* RDLEN/TDLEN: multiples of 128 bytes */

/* Receive buffers: one page each, the frame DMA'd after XDP's headroom,
 * RCTL's 2048-byte buffer size; skb_shared_info fits behind it. A frame
 * longer than one buffer spans several descriptors: the first page is the
 * head of its xdp_buff, the others are frags listed in the head's
 * skb_shared_info.
 */
#define E1K_RX_HEADROOM	XDP_PACKET_HEADROOM
#define E1K_RX_BUFSZ	2048
#define E1K_MAX_FRAME	(9000 + ETH_HLEN + VLAN_HLEN)	/* largest MTU 9000 */
/* A frame for a program without xdp.frags support must fit one buffer,
 * even double-tagged, with the FCS the NIC leaves in it (see
 * e1k_configure_rx): 2048 - 14 - 8 - 4. A literal, so that messages can
 * quote it.
 */
#define E1K_XDP_MAX_MTU	2022
#define E1K_RX_REFILL_BATCH 16	/* one RDT write per this many buffers */

/* Interrupt throttling: the ITR register counts 256 ns. */
#define E1K_DEFAULT_ITR_USECS 50

#define E1K_WATCHDOG_PERIOD	(2 * HZ)
#define E1K_TX_WAKE_THRESHOLD	(MAX_SKB_FRAGS + 8)

/* What a tx slot holds, so cleaning and teardown free it correctly. */
enum e1k_tx_type {
	E1K_TX_NONE = 0,
	E1K_TX_SKB,		/* from the stack: unmap, free the skb */
	E1K_TX_SKB_FRAG,	/* later pieces of an skb: unmap only */
	E1K_TX_XDP_TX,		/* our own rx page: back to the page pool */
	E1K_TX_XDP_FRAME,	/* from ndo_xdp_xmit: unmap, return the frame */
	E1K_TX_XDP_FRAME_FRAG,	/* its later buffers (frags): unmap only */
	E1K_TX_XSK_TX,		/* XDP_TX of a UMEM frame: back to the xsk pool */
	E1K_TX_XSK_XMIT,	/* from the AF_XDP socket's tx ring: completed */
	E1K_TX_CTX,		/* a context descriptor: nothing to free */
};

struct e1k_tx_buffer {
	enum e1k_tx_type type;
	union {
		struct sk_buff *skb;
		struct page *page;
		struct xdp_frame *xdpf;
		struct xdp_buff *xsk;
	};
	dma_addr_t dma;
	u32 len;
	/* On the first slot of a packet: the slot of its last descriptor,
	 * whose DD bit says the whole packet is done, and what BQL and the
	 * counters must account for it.
	 */
	u16 eop;
	u16 segs;
	u32 bytes;
	bool first;
};

/* A posted rx buffer: a page of the page pool, or (AF_XDP zero-copy) a
 * UMEM frame of the xsk pool, which knows its own DMA address.
 */
struct e1k_rx_buffer {
	union {
		struct page *page;
		struct xdp_buff *xsk;
	};
	dma_addr_t dma;
};

struct e1k_tx_ring {
	struct e1k_tx_desc *desc;
	dma_addr_t dma;
	unsigned int size;	/* bytes of descriptors */
	unsigned int count;
	unsigned int next_to_use;
	unsigned int next_to_clean;
	struct e1k_tx_buffer *buf;
	/* The context descriptor's last setup, to skip repeating it. */
	u32 ctx_key;
};

struct e1k_rx_ring {
	struct e1k_rx_desc *desc;
	dma_addr_t dma;
	unsigned int size;
	unsigned int count;
	unsigned int next_to_use;
	unsigned int next_to_clean;
	struct e1k_rx_buffer *buf;
	struct page_pool *pool;
	struct xdp_rxq_info xdp_rxq;	/* page pool frames */
	struct xdp_rxq_info xsk_rxq;	/* UMEM frames (AF_XDP zero-copy) */
	/* A frame spanning descriptors while it is being put together (it
	 * may end in a later poll); .data is NULL between frames.
	 */
	struct xdp_buff xdp;
	/* Dropping the rest of a frame, up to its EOP descriptor. */
	bool discard;
};

/*
 * Counters, one scheme for all: each block has one writer at a time (the
 * NAPI poll, or whoever holds the tx queue lock), every write is inside
 * the block's u64_stats_update_begin/end (e1k_count), and every reader
 * (ethtool -S, ndo_get_stats64) takes a snapshot of the whole block with
 * u64_stats_fetch_begin/retry.
 */
struct e1k_napi_counters {	/* the NAPI poll (and open, with NAPI off) */
	u64 rx_packets;
	u64 rx_bytes;
	u64 rx_alloc_failed;	/* refills: pages the pool could not give */
	u64 rx_skb_failed;	/* frames dropped: no skb could be built */
	u64 rx_csum_good;
	u64 rx_csum_err;
	u64 rx_frame_errors;
	u64 rx_multi_desc_dropped; /* spanning frames, program without frags */
	u64 tx_packets;
	u64 tx_bytes;
	u64 tx_wake_queue;
	u64 xdp_pass;
	u64 xdp_drop;
	u64 xdp_tx;
	u64 xdp_tx_full;
	u64 xdp_redirect;
	u64 xdp_redirect_err;
	u64 xdp_aborted;
};

struct e1k_xmit_counters {	/* under the tx queue lock */
	u64 tx_dropped;
	u64 tx_busy;
	u64 tx_restart_queue;
	u64 tx_csum_offload;
	u64 tx_tso;
	u64 tx_dma_err;
	u64 tx_timeouts;	/* the stack's watchdog holds the lock */
	u64 xdp_xmit;		/* ndo_xdp_xmit: frames taken */
	u64 xdp_xmit_err;	/* and frames refused */
};

struct e1k_napi_stats {
	struct u64_stats_sync syncp;
	struct e1k_napi_counters c;
};

struct e1k_xmit_stats {
	struct u64_stats_sync syncp;
	struct e1k_xmit_counters c;
};

#define e1k_count(st, field, n) do {			\
	u64_stats_update_begin(&(st)->syncp);		\
	(st)->c.field += (n);				\
	u64_stats_update_end(&(st)->syncp);		\
} while (0)

struct e1k_hw_stats {
	u64 crcerrs, symerrs, rxerrc, mpc, scc, ecol, mcc, latecol, colc, dc;
	u64 sec, rlec, xonrxc, xontxc, xoffrxc, xofftxc, gprc, bprc, mprc;
	u64 gptc, gorc, gotc, rnbc, ruc, rfc, roc, rjc, tor, tot, tpr, tpt;
	u64 mptc, bptc, tsctc, tsctfc;
};

/*
 * The counters QEMU's model never clears on read (real parts clear every
 * statistics register): their last raw values, so that only the difference
 * is added up. Indexed by enum e1k_sticky_stat.
 */
enum e1k_sticky_stat {
	E1K_STICKY_CRCERRS, E1K_STICKY_SYMERRS, E1K_STICKY_RXERRC,
	E1K_STICKY_MPC, E1K_STICKY_SCC, E1K_STICKY_ECOL, E1K_STICKY_MCC,
	E1K_STICKY_LATECOL, E1K_STICKY_COLC, E1K_STICKY_DC, E1K_STICKY_SEC,
	E1K_STICKY_RLEC, E1K_STICKY_XONRXC, E1K_STICKY_XONTXC,
	E1K_STICKY_XOFFRXC, E1K_STICKY_XOFFTXC, E1K_STICKY_RNBC,
	E1K_STICKY_RFC, E1K_STICKY_RJC, E1K_STICKY_TSCTFC,
	E1K_STICKY_NUM
};

/* Fault injection (debugfs fail_*): each counts the attempts still to fail. */
enum e1k_fault {
	E1K_FAULT_RING_ALLOC,
	E1K_FAULT_PAGE_REFILL,
	E1K_FAULT_SKB_BUILD,
	E1K_FAULT_RESET,
	E1K_FAULT_XDP_XMIT_MAP,		/* an ndo_xdp_xmit frame's head */
	E1K_FAULT_XDP_XMIT_FRAG_MAP,	/* and each of its frags */
	E1K_FAULT_NUM
};

struct e1k_adapter {
	struct net_device *netdev;
	struct pci_dev *pdev;
	u8 __iomem *hw_addr;
	u16 device_id;
	enum e1k_mac_type mac;
	u8 ee_addr_bits;	/* Microwire address width: 6 or 8 */

	struct napi_struct napi;
	struct e1k_tx_ring tx_ring;
	struct e1k_rx_ring rx_ring;
	unsigned int tx_ring_count;	/* what the next open allocates */
	unsigned int rx_ring_count;

	struct bpf_prog __rcu *xdp_prog;
	/*
	 * AF_XDP zero-copy on queue 0 (e1k_xsk.c): set while a socket's
	 * pool is bound. The rx ring is then filled from its UMEM and the
	 * socket's tx ring feeds ours. Changed only under RTNL with NAPI
	 * off and both rings emptied of the other mode's buffers.
	 */
	struct xsk_buff_pool *xsk_pool;
	struct e1k_napi_stats napi_stats;
	struct e1k_xmit_stats xmit_stats;

	u32 rctl;
	/* What the MTA holds; valid (with rctl) once rx_mode_synced. */
	u32 mta_shadow[E1K_MTA_WORDS];
	bool rx_mode_synced;
	u32 itr_usecs;
	u32 msg_enable;

	/* Register writes in the data path (tail bumps, interrupt mask),
	 * counted so the benchmark can report writes per packet: per CPU,
	 * since they come from NAPI, the xmit path and the interrupt.
	 */
	u64 __percpu *reg_writes;

	struct e1k_hw_stats hw_stats;
	spinlock_t stats_lock;		/* hw_stats, hw_stats_last */
	/* Emulated by QEMU: some counters do not clear on read. */
	bool hw_stats_sticky;
	u32 hw_stats_last[E1K_STICKY_NUM];

	struct delayed_work watchdog;
	struct work_struct reset_task;
	u32 link_speed;			/* Mb/s, 0 = no link */
	bool link_full_duplex;

	unsigned long state;

	struct dentry *debugfs;
	atomic_t fault[E1K_FAULT_NUM];
};

enum e1k_state_bits {
	E1K_STATE_DOWN,
};

/* Register access. */
static inline u32 e1k_rd(struct e1k_adapter *a, u32 reg)
{
	return readl(a->hw_addr + reg);
}

static inline void e1k_wr(struct e1k_adapter *a, u32 reg, u32 val)
{
	writel(val, a->hw_addr + reg);
}

/* A write on the per-packet path: also counted. */
static inline void e1k_wr_fast(struct e1k_adapter *a, u32 reg, u32 val)
{
	this_cpu_inc(*a->reg_writes);
	writel(val, a->hw_addr + reg);
}

/* Should this attempt fail (a debugfs fail_* knob is armed)? One read of
 * a counter nobody writes in normal operation: cheap on the data path.
 */
static inline bool e1k_fault(struct e1k_adapter *a, enum e1k_fault f)
{
#ifdef CONFIG_DEBUG_FS
	if (unlikely(atomic_read(&a->fault[f])))
		return atomic_add_unless(&a->fault[f], -1, 0);
#endif
	return false;
}

static inline void e1k_flush(struct e1k_adapter *a)
{
	e1k_rd(a, E1K_STATUS);
}

/* The NIC has written a frame to the ring that no poll has taken yet. */
static inline bool e1k_rx_frame_ready(const struct e1k_rx_ring *ring)
{
	return READ_ONCE(ring->desc[ring->next_to_clean].status) & E1K_RXD_STAT_DD;
}

static inline unsigned int e1k_desc_unused(unsigned int ntu, unsigned int ntc,
					   unsigned int count)
{
	return ((ntc > ntu) ? 0 : count) + ntc - ntu - 1;
}

/*
 * How many rx buffers a poll should post now: none below a batch (one RDT
 * write for many buffers), and none while the queue is being stopped
 * (E1K_STATE_DOWN), its buffers about to be freed. There an RDT write with
 * the receiver off would also make QEMU's model deliver the frames it holds
 * for the port (set_rdt flushes its queue) to a receiver that drops them
 * uncounted (e1000_receive_iov): a bind would lose what it should pause.
 */
static inline unsigned int e1k_rx_refill_due(struct e1k_adapter *a)
{
	const struct e1k_rx_ring *ring = &a->rx_ring;
	unsigned int unused = e1k_desc_unused(ring->next_to_use,
					      ring->next_to_clean, ring->count);

	if (unused < E1K_RX_REFILL_BATCH || test_bit(E1K_STATE_DOWN, &a->state))
		return 0;
	return unused;
}

/* e1k_hw.c */
int e1k_hw_reset(struct e1k_adapter *a);
bool e1k_hw_on_pcix(struct e1k_adapter *a);
void e1k_hw_pcix_cap_mmrbc(struct e1k_adapter *a);
int e1k_read_mac(struct e1k_adapter *a, u8 *mac);
void e1k_hw_init_link(struct e1k_adapter *a);
bool e1k_hw_link(struct e1k_adapter *a, u32 *speed, bool *full_duplex);
void e1k_hw_set_mac(struct e1k_adapter *a, const u8 *mac);
void e1k_hw_write_mta(struct e1k_adapter *a, unsigned int index, u32 value);
void e1k_hw_update_stats(struct e1k_adapter *a);
void e1k_hw_set_itr(struct e1k_adapter *a, u32 usecs);
int e1k_phy_read(struct e1k_adapter *a, u32 reg, u16 *val);
int e1k_phy_write(struct e1k_adapter *a, u32 reg, u16 val);
int e1k_phy_restart_aneg(struct e1k_adapter *a);

/* What one rx poll did, for the counters and the flushes at its end. */
struct e1k_rx_poll {
	int done;		/* frames received */
	unsigned int bytes;
	unsigned int xdp_status;	/* E1K_XDP_* verdicts seen */
};

/* e1k_ring.c */
void e1k_rx_frame_zc(struct e1k_adapter *a, struct bpf_prog *prog,
		     struct e1k_rx_poll *poll, struct xdp_buff *xdp,
		     u8 status, u8 errors, u16 tci);
void e1k_rx_poll_done(struct e1k_adapter *a, struct e1k_rx_poll *poll,
		      bool *xdp_tx);
void e1k_xdp_restore_vlan(struct xdp_buff *xdp, u16 tci);
void e1k_rx_put_frame(struct e1k_rx_ring *ring, struct xdp_buff *xdp,
		      bool in_napi);
int e1k_setup_tx_ring(struct e1k_adapter *a);
int e1k_setup_rx_ring(struct e1k_adapter *a);
void e1k_free_tx_ring(struct e1k_adapter *a);
void e1k_free_rx_ring(struct e1k_adapter *a);
int e1k_alloc_tx_ring(struct e1k_adapter *a, struct e1k_tx_ring *ring,
		      unsigned int count);
int e1k_alloc_rx_ring(struct e1k_adapter *a, struct e1k_rx_ring *ring,
		      unsigned int count);
void e1k_release_tx_ring(struct e1k_adapter *a, struct e1k_tx_ring *ring);
void e1k_release_rx_ring(struct e1k_adapter *a, struct e1k_rx_ring *ring);
void e1k_take_tx_ring(struct e1k_tx_ring *dst, struct e1k_tx_ring *src);
void e1k_take_rx_ring(struct e1k_rx_ring *dst, struct e1k_rx_ring *src);
void e1k_configure_tx(struct e1k_adapter *a);
void e1k_configure_rx(struct e1k_adapter *a);
void e1k_clean_tx_buffers(struct e1k_adapter *a);
void e1k_clean_rx_buffers(struct e1k_adapter *a);
void e1k_alloc_rx_buffers(struct e1k_adapter *a, unsigned int count);
bool e1k_clean_tx_irq(struct e1k_adapter *a, int budget);
int e1k_clean_rx_irq(struct e1k_adapter *a, int budget, bool *xdp_tx);
netdev_tx_t e1k_xmit_frame(struct sk_buff *skb, struct net_device *netdev);
void e1k_tx_bump_tail(struct e1k_adapter *a);

/* e1k_xdp_ops.c */
#define E1K_XDP_PASS		0
#define E1K_XDP_CONSUMED	BIT(0)
#define E1K_XDP_TX		BIT(1)
#define E1K_XDP_REDIR		BIT(2)
int e1k_bpf(struct net_device *netdev, struct netdev_bpf *bpf);
bool e1k_xdp_mtu_ok(const struct bpf_prog *prog, unsigned int mtu);
unsigned int e1k_run_xdp(struct e1k_adapter *a, struct bpf_prog *prog,
			 struct xdp_buff *xdp, bool zc);
bool e1k_xdp_room(struct e1k_tx_ring *ring, unsigned int n);
void e1k_xdp_put(struct e1k_tx_ring *ring, unsigned int k, unsigned int n,
		 enum e1k_tx_type type, void *owner, dma_addr_t dma, u32 len);
void e1k_xdp_publish(struct e1k_tx_ring *ring, unsigned int n, u32 bytes);
void e1k_xdp_finish(struct e1k_adapter *a, unsigned int status);
int e1k_xdp_xmit(struct net_device *netdev, int n, struct xdp_frame **frames,
		 u32 flags);
void e1k_set_xdp_features(struct net_device *netdev);

/* e1k_xsk.c */
int e1k_xsk_pool_setup(struct e1k_adapter *a, struct xsk_buff_pool *pool,
		       u16 queue_id);
int e1k_xsk_wakeup(struct net_device *netdev, u32 queue_id, u32 flags);
bool e1k_xsk_alloc_rx_buffers(struct e1k_adapter *a, unsigned int count);
void e1k_xsk_clean_rx_buffers(struct e1k_adapter *a);
int e1k_xsk_clean_rx_irq(struct e1k_adapter *a, struct xsk_buff_pool *pool,
			 int budget, bool *xdp_tx);
bool e1k_xsk_xmit(struct e1k_adapter *a, struct xsk_buff_pool *pool,
		  unsigned int budget);
bool e1k_xsk_tx(struct e1k_adapter *a, struct xdp_buff *xdp);
struct sk_buff *e1k_xsk_build_skb(struct e1k_adapter *a, struct xdp_buff *xdp);

/* e1k_main.c */
void e1k_up(struct e1k_adapter *a);
int e1k_down(struct e1k_adapter *a);
void e1k_write_rx_mode(struct e1k_adapter *a);
void e1k_irq_enable(struct e1k_adapter *a);
void e1k_irq_disable(struct e1k_adapter *a);

void e1k_read_napi_counters(struct e1k_adapter *a, struct e1k_napi_counters *c);
void e1k_read_xmit_counters(struct e1k_adapter *a, struct e1k_xmit_counters *c);
u64 e1k_read_reg_writes(struct e1k_adapter *a);

/* e1k_debugfs.c */
#ifdef CONFIG_DEBUG_FS
void e1k_debugfs_init(void);
void e1k_debugfs_exit(void);
void e1k_debugfs_add(struct e1k_adapter *a);
void e1k_debugfs_remove(struct e1k_adapter *a);
#else
static inline void e1k_debugfs_init(void) {}
static inline void e1k_debugfs_exit(void) {}
static inline void e1k_debugfs_add(struct e1k_adapter *a) {}
static inline void e1k_debugfs_remove(struct e1k_adapter *a) {}
#endif

/* e1k_ethtool.c */
void e1k_set_ethtool_ops(struct net_device *netdev);

#endif
