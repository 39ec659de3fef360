// SPDX-License-Identifier: GPL-2.0
/*
 * e1k_xdp: a debugfs directory per port, e1k_xdp/<PCI address>/ (the PCI
 * name, unlike the interface name, never changes under us):
 *
 *   rings       both descriptor rings: indices, registers, every slot
 *   registers   the device's configuration and ring registers
 *   fail_*      fault injection in the style of netdevsim: writing N makes
 *               the next N attempts of that step fail as if the kernel or
 *               the device had refused (ring_alloc, page_refill, skb_build,
 *               reset, xdp_xmit_map: the head of an ndo_xdp_xmit frame,
 *               xdp_xmit_frag_map: one of its frags); reading says how
 *               many are left
 *   reset       writing 1 runs the reset a tx timeout would
 *
 * Nothing here writes to the device or the rings: a knob only makes our
 * own code take an error path it already has.
 */
#include <linux/debugfs.h>
#include <linux/rtnetlink.h>
#include <linux/seq_file.h>

#include "e1k.h"

static struct dentry *e1k_debugfs_root;

static const char * const e1k_tx_type_names[] = {
	[E1K_TX_NONE] = "-",
	[E1K_TX_SKB] = "skb",
	[E1K_TX_SKB_FRAG] = "frag",
	[E1K_TX_XDP_TX] = "xdp_tx",
	[E1K_TX_XDP_FRAME] = "xdp_frame",
	[E1K_TX_XDP_FRAME_FRAG] = "xdp_frame_frag",
	[E1K_TX_CTX] = "ctx",
};

static void e1k_dump_tx(struct seq_file *s, struct e1k_adapter *a)
{
	struct e1k_tx_ring *ring = &a->tx_ring;
	unsigned int i;

	seq_printf(s, "tx count %u next_to_use %u next_to_clean %u TDH %u TDT %u\n",
		   ring->count, ring->next_to_use, ring->next_to_clean,
		   e1k_rd(a, E1K_TDH), e1k_rd(a, E1K_TDT));
	if (!ring->desc)
		return;
	seq_puts(s, "slot type first eop dd len\n");
	for (i = 0; i < ring->count; i++) {
		struct e1k_tx_buffer *b = &ring->buf[i];
		u8 status = READ_ONCE(ring->desc[i].status);

		if (b->type == E1K_TX_NONE && !b->first && !status)
			continue;
		seq_printf(s, "%u %s %d %u %d %u\n", i,
			   e1k_tx_type_names[b->type], b->first, b->eop,
			   !!(status & E1K_TXD_STAT_DD), b->len);
	}
}

static void e1k_dump_rx(struct seq_file *s, struct e1k_adapter *a)
{
	struct e1k_rx_ring *ring = &a->rx_ring;
	unsigned int i;

	seq_printf(s, "rx count %u next_to_use %u next_to_clean %u RDH %u RDT %u discard %d\n",
		   ring->count, ring->next_to_use, ring->next_to_clean,
		   e1k_rd(a, E1K_RDH), e1k_rd(a, E1K_RDT), ring->discard);
	if (!ring->desc)
		return;
	seq_puts(s, "slot page dd eop len\n");
	for (i = 0; i < ring->count; i++) {
		struct e1k_rx_desc *d = &ring->desc[i];
		u8 status = READ_ONCE(d->status);

		seq_printf(s, "%u %d %d %d %u\n", i, !!ring->buf[i].page,
			   !!(status & E1K_RXD_STAT_DD),
			   !!(status & E1K_RXD_STAT_EOP), le16_to_cpu(d->length));
	}
}

/* Ring memory comes and goes under RTNL (open, close, resize, reset). */
static int e1k_rings_show(struct seq_file *s, void *unused)
{
	struct e1k_adapter *a = s->private;

	rtnl_lock();
	seq_printf(s, "state %s carrier %s queue %s\n",
		   test_bit(E1K_STATE_DOWN, &a->state) ? "down" : "up",
		   netif_carrier_ok(a->netdev) ? "on" : "off",
		   netif_queue_stopped(a->netdev) ? "stopped" : "started");
	e1k_dump_tx(s, a);
	e1k_dump_rx(s, a);
	rtnl_unlock();
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(e1k_rings);

/* Registers that reading does not change (not ICR, not the counters). */
static const struct {
	const char *name;
	u32 reg;
} e1k_dump_regs[] = {
	{ "CTRL", E1K_CTRL }, { "STATUS", E1K_STATUS }, { "EECD", E1K_EECD },
	{ "IMS", E1K_IMS }, { "ITR", E1K_ITR }, { "RCTL", E1K_RCTL },
	{ "RDBAL", E1K_RDBAL }, { "RDBAH", E1K_RDBAH }, { "RDLEN", E1K_RDLEN },
	{ "RDH", E1K_RDH }, { "RDT", E1K_RDT }, { "RXCSUM", E1K_RXCSUM },
	{ "TCTL", E1K_TCTL }, { "TIPG", E1K_TIPG }, { "TDBAL", E1K_TDBAL },
	{ "TDBAH", E1K_TDBAH }, { "TDLEN", E1K_TDLEN }, { "TDH", E1K_TDH },
	{ "TDT", E1K_TDT }, { "VET", E1K_VET },
};

static int e1k_registers_show(struct seq_file *s, void *unused)
{
	struct e1k_adapter *a = s->private;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(e1k_dump_regs); i++)
		seq_printf(s, "%-7s 0x%08x\n", e1k_dump_regs[i].name,
			   e1k_rd(a, e1k_dump_regs[i].reg));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(e1k_registers);

static ssize_t e1k_reset_write(struct file *file, const char __user *ubuf,
			       size_t count, loff_t *ppos)
{
	struct e1k_adapter *a = file->private_data;
	bool go;
	int err;

	err = kstrtobool_from_user(ubuf, count, &go);
	if (err)
		return err;
	if (go)
		schedule_work(&a->reset_task);
	return count;
}

static const struct file_operations e1k_reset_fops = {
	.open = simple_open,
	.write = e1k_reset_write,
	.llseek = noop_llseek,
	.owner = THIS_MODULE,
};

static const char * const e1k_fault_names[E1K_FAULT_NUM] = {
	[E1K_FAULT_RING_ALLOC] = "fail_ring_alloc",
	[E1K_FAULT_PAGE_REFILL] = "fail_page_refill",
	[E1K_FAULT_SKB_BUILD] = "fail_skb_build",
	[E1K_FAULT_RESET] = "fail_reset",
	[E1K_FAULT_XDP_XMIT_MAP] = "fail_xdp_xmit_map",
	[E1K_FAULT_XDP_XMIT_FRAG_MAP] = "fail_xdp_xmit_frag_map",
};

void e1k_debugfs_add(struct e1k_adapter *a)
{
	struct dentry *dir;
	int i;

	dir = debugfs_create_dir(pci_name(a->pdev), e1k_debugfs_root);
	a->debugfs = dir;
	debugfs_create_file("rings", 0400, dir, a, &e1k_rings_fops);
	debugfs_create_file("registers", 0400, dir, a, &e1k_registers_fops);
	debugfs_create_file("reset", 0200, dir, a, &e1k_reset_fops);
	for (i = 0; i < E1K_FAULT_NUM; i++)
		debugfs_create_atomic_t(e1k_fault_names[i], 0600, dir,
					&a->fault[i]);
}

/* Before the adapter goes: waits for readers still inside a file. */
void e1k_debugfs_remove(struct e1k_adapter *a)
{
	debugfs_remove_recursive(a->debugfs);
	a->debugfs = NULL;
}

void e1k_debugfs_init(void)
{
	e1k_debugfs_root = debugfs_create_dir(E1K_DRV_NAME, NULL);
}

void e1k_debugfs_exit(void)
{
	debugfs_remove_recursive(e1k_debugfs_root);
}
