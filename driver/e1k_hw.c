// SPDX-License-Identifier: GPL-2.0
/* e1k_xdp: reset, EEPROM and MAC address, link, hardware counters. */
#include <linux/delay.h>
#include <linux/etherdevice.h>
#include <linux/ethtool.h>
#include <linux/mii.h>

#include "e1k.h"

int e1k_hw_reset(struct e1k_adapter *a)
{
	int i;

	/* Quiesce DMA and interrupts before the reset itself. */
	e1k_wr(a, E1K_IMC, ~0u);
	e1k_wr(a, E1K_RCTL, 0);
	e1k_wr(a, E1K_TCTL, E1K_TCTL_PSP);
	e1k_flush(a);
	usleep_range(10000, 20000);

	e1k_wr(a, E1K_CTRL, e1k_rd(a, E1K_CTRL) | E1K_CTRL_RST);
	/* The MAC clears RST when it is done (the manual allows 1 us; be
	 * patient with emulators).
	 */
	for (i = 0; i < 100; i++) {
		usleep_range(1000, 2000);
		if (!(e1k_rd(a, E1K_CTRL) & E1K_CTRL_RST))
			break;
	}
	if ((e1k_rd(a, E1K_CTRL) & E1K_CTRL_RST) || e1k_fault(a, E1K_FAULT_RESET))
		return -EIO;
	e1k_wr(a, E1K_IMC, ~0u);
	e1k_rd(a, E1K_ICR);
	return 0;
}

/*
 * STATUS.PCIX_MODE (8254x SDM 13.4.2): the part sits on a PCI-X bus. The
 * 82540EM is a conventional-PCI part and never reports it; nor do QEMU's
 * models of any of the three.
 */
bool e1k_hw_on_pcix(struct e1k_adapter *a)
{
	return e1k_rd(a, E1K_STATUS) & E1K_STATUS_PCIX_MODE;
}

/*
 * On PCI-X, mainline e1000_init_hw caps the Maximum Memory Read Byte Count
 * at 2048 for every part older than the 82545GM/82546GB (rev 3), which
 * covers all of ours: some BIOSes set more than these parts cope with.
 */
void e1k_hw_pcix_cap_mmrbc(struct e1k_adapter *a)
{
	if (pcix_get_mmrbc(a->pdev) > 2048)
		pcix_set_mmrbc(a->pdev, 2048);
}

/* Microwire EEPROM, bit-banged through EECD: every 8254x has it (EERD
 * arrived with later parts).
 */
static void e1k_ee_clock(struct e1k_adapter *a, u32 *eecd, bool raise)
{
	if (raise)
		*eecd |= E1K_EECD_SK;
	else
		*eecd &= ~E1K_EECD_SK;
	e1k_wr(a, E1K_EECD, *eecd);
	e1k_flush(a);
	udelay(1);
}

static void e1k_ee_shift_out(struct e1k_adapter *a, u32 *eecd, u16 data,
			     int bits)
{
	u32 mask = BIT(bits - 1);

	for (; mask; mask >>= 1) {
		if (data & mask)
			*eecd |= E1K_EECD_DI;
		else
			*eecd &= ~E1K_EECD_DI;
		e1k_wr(a, E1K_EECD, *eecd);
		e1k_flush(a);
		udelay(1);
		e1k_ee_clock(a, eecd, true);
		e1k_ee_clock(a, eecd, false);
	}
	*eecd &= ~E1K_EECD_DI;
	e1k_wr(a, E1K_EECD, *eecd);
}

static u16 e1k_ee_shift_in(struct e1k_adapter *a, u32 *eecd)
{
	u16 data = 0;
	int i;

	for (i = 0; i < 16; i++) {
		e1k_ee_clock(a, eecd, true);
		data <<= 1;
		if (e1k_rd(a, E1K_EECD) & E1K_EECD_DO)
			data |= 1;
		e1k_ee_clock(a, eecd, false);
	}
	return data;
}

/*
 * The EEPROM's pins are shared with the MAC's own reads of it. The 82540
 * and 82545 hand them to software on request (EECD.REQ, then EECD.GNT); the
 * 82544 has no such handshake and its pins are software's at any time
 * (mainline e1000_acquire_eeprom asks only after the 82544).
 */
static bool e1k_ee_has_grant(struct e1k_adapter *a)
{
	return a->mac != E1K_MAC_82544;
}

static int e1k_ee_acquire(struct e1k_adapter *a, u32 *eecd)
{
	int i;

	*eecd = e1k_rd(a, E1K_EECD);
	if (e1k_ee_has_grant(a)) {
		e1k_wr(a, E1K_EECD, *eecd | E1K_EECD_REQ);
		for (i = 0; i < 1000; i++) {
			*eecd = e1k_rd(a, E1K_EECD);
			if (*eecd & E1K_EECD_GNT)
				break;
			udelay(5);
		}
		if (!(*eecd & E1K_EECD_GNT)) {
			e1k_wr(a, E1K_EECD, *eecd & ~E1K_EECD_REQ);
			return -ETIMEDOUT;
		}
	}
	/* Select the part, clock and data low. */
	*eecd &= ~(E1K_EECD_DI | E1K_EECD_SK);
	*eecd |= E1K_EECD_CS;
	e1k_wr(a, E1K_EECD, *eecd);
	return 0;
}

/* Deselect, then one clock with CS low, as mainline e1000_release_eeprom
 * ends a Microwire access; then drop the request.
 */
static void e1k_ee_release(struct e1k_adapter *a, u32 eecd)
{
	eecd &= ~(E1K_EECD_CS | E1K_EECD_DI);
	e1k_wr(a, E1K_EECD, eecd);
	e1k_ee_clock(a, &eecd, true);
	e1k_ee_clock(a, &eecd, false);
	if (e1k_ee_has_grant(a)) {
		eecd &= ~E1K_EECD_REQ;
		e1k_wr(a, E1K_EECD, eecd);
	}
	e1k_flush(a);
}

/*
 * Microwire parts come with 64 words (6 address bits) or 256 (8 bits); an
 * address of the wrong width reads the wrong words. The 82544 takes 64-word
 * parts only; the 82540 and 82545 report a 256-word part in EECD.EE_SIZE
 * (8254x SDM 13.4.3), as mainline e1000_init_eeprom_params reads it. QEMU's
 * model has 64 words, decodes 6 address bits and leaves EE_SIZE clear.
 */
static unsigned int e1k_ee_addr_bits(struct e1k_adapter *a)
{
	if (a->mac != E1K_MAC_82544 && (e1k_rd(a, E1K_EECD) & E1K_EECD_SIZE))
		return 8;
	return 6;
}

static int e1k_ee_read_word(struct e1k_adapter *a, u16 offset, u16 *word)
{
	u32 eecd;
	int err;

	err = e1k_ee_acquire(a, &eecd);
	if (err)
		return err;
	e1k_ee_shift_out(a, &eecd, E1K_EEPROM_READ_OPCODE, 3);
	e1k_ee_shift_out(a, &eecd, offset, a->ee_addr_bits);
	*word = e1k_ee_shift_in(a, &eecd);
	e1k_ee_release(a, eecd);
	return 0;
}

/*
 * The MAC address from EEPROM words 0-2, after checking that words 0x00 to
 * 0x3F sum to 0xBABA: the checksum covers those whatever the part's size
 * (mainline e1000_validate_eeprom_checksum). Returns -EINVAL on a bad
 * checksum or address (the caller then uses a random one), another error
 * when the EEPROM cannot be read.
 */
int e1k_read_mac(struct e1k_adapter *a, u8 *mac)
{
	u16 words[E1K_EEPROM_WORDS], sum = 0;
	int i, err;

	a->ee_addr_bits = e1k_ee_addr_bits(a);
	for (i = 0; i < E1K_EEPROM_WORDS; i++) {
		err = e1k_ee_read_word(a, i, &words[i]);
		if (err)
			return err;
		sum += words[i];
	}
	for (i = 0; i < 3; i++) {
		mac[2 * i] = words[i] & 0xff;
		mac[2 * i + 1] = words[i] >> 8;
	}
	if (sum != E1K_EEPROM_SUM) {
		/* Before register_netdev: the PCI device names it. */
		dev_warn(&a->pdev->dev, "EEPROM checksum 0x%04x, expected 0x%04x\n",
			 sum, E1K_EEPROM_SUM);
		return -EINVAL;
	}
	if (!is_valid_ether_addr(mac))
		return -EINVAL;
	return 0;
}

void e1k_hw_set_mac(struct e1k_adapter *a, const u8 *mac)
{
	u32 ral = mac[0] | (mac[1] << 8) | (mac[2] << 16) | ((u32)mac[3] << 24);
	u32 rah = mac[4] | (mac[5] << 8) | E1K_RAH_AV;

	e1k_wr(a, E1K_RAL0, ral);
	e1k_wr(a, E1K_RAH0, rah);
	e1k_flush(a);
}

/*
 * One Multicast Table Array register (8254x SDM 13.5.1). The 82544 has an
 * erratum: a write to an odd MTA register can land in the even one below it
 * too. Mainline works around it the same way for the MTA (e1000_mta_set in
 * older kernels) and the VFTA (e1000_write_vfta): read the even neighbour
 * first, write the odd one, then put the neighbour back.
 */
void e1k_hw_write_mta(struct e1k_adapter *a, unsigned int index, u32 value)
{
	u32 reg = E1K_MTA + 4 * index, prev;

	if (a->mac != E1K_MAC_82544 || !(index & 1)) {
		e1k_wr(a, reg, value);
		return;
	}
	prev = e1k_rd(a, reg - 4);
	e1k_wr(a, reg, value);
	e1k_flush(a);
	e1k_wr(a, reg - 4, prev);
	e1k_flush(a);
}

/* Copper, autonegotiated: let the MAC follow the PHY (ASDE) and force the
 * link up on the MAC side (SLU); no flow control.
 */
void e1k_hw_init_link(struct e1k_adapter *a)
{
	u32 ctrl = e1k_rd(a, E1K_CTRL);

	ctrl |= E1K_CTRL_SLU | E1K_CTRL_ASDE;
	e1k_wr(a, E1K_CTRL, ctrl);
	e1k_wr(a, E1K_FCAL, 0);
	e1k_wr(a, E1K_FCAH, 0);
	e1k_wr(a, E1K_FCT, 0);
	e1k_wr(a, E1K_FCTTV, 0);
	e1k_flush(a);
}

bool e1k_hw_link(struct e1k_adapter *a, u32 *speed, bool *full_duplex)
{
	u32 status = e1k_rd(a, E1K_STATUS);

	if (!(status & E1K_STATUS_LU)) {
		*speed = 0;
		*full_duplex = false;
		return false;
	}
	switch (status & E1K_STATUS_SPEED_MASK) {
	case E1K_STATUS_SPEED_10:
		*speed = SPEED_10;
		break;
	case E1K_STATUS_SPEED_100:
		*speed = SPEED_100;
		break;
	default:
		*speed = SPEED_1000;
		break;
	}
	*full_duplex = status & E1K_STATUS_FD;
	return true;
}

/*
 * One MDIO transaction on the internal PHY. MDIO clocks at about 2.5 MHz:
 * 64 bits take some 26 us; allow a millisecond. Callers hold the RTNL, so
 * transactions never overlap.
 */
static int e1k_mdic(struct e1k_adapter *a, u32 op, u32 reg, u16 *val)
{
	u32 mdic = op | (reg << E1K_MDIC_REG_SHIFT) |
		   (E1K_PHY_ADDR << E1K_MDIC_PHY_SHIFT) | *val;
	int i;

	e1k_wr(a, E1K_MDIC, mdic);
	for (i = 0; i < 200; i++) {
		udelay(5);
		mdic = e1k_rd(a, E1K_MDIC);
		if (mdic & E1K_MDIC_READY)
			break;
	}
	if (!(mdic & E1K_MDIC_READY))
		return -ETIMEDOUT;
	if (mdic & E1K_MDIC_ERROR)
		return -EIO;
	*val = mdic & E1K_MDIC_DATA_MASK;
	return 0;
}

int e1k_phy_read(struct e1k_adapter *a, u32 reg, u16 *val)
{
	*val = 0;
	return e1k_mdic(a, E1K_MDIC_OP_READ, reg, val);
}

int e1k_phy_write(struct e1k_adapter *a, u32 reg, u16 val)
{
	return e1k_mdic(a, E1K_MDIC_OP_WRITE, reg, &val);
}

/*
 * Restart autonegotiation on the PHY. The link drops and comes back; the
 * link-change interrupt brings the watchdog, which reports both.
 */
int e1k_phy_restart_aneg(struct e1k_adapter *a)
{
	u16 bmcr;
	int err;

	err = e1k_phy_read(a, MII_BMCR, &bmcr);
	if (err)
		return err;
	if (!(bmcr & BMCR_ANENABLE))
		return -EINVAL;
	return e1k_phy_write(a, MII_BMCR, bmcr | BMCR_ANRESTART);
}

void e1k_hw_set_itr(struct e1k_adapter *a, u32 usecs)
{
	/* ITR is the minimum gap between interrupts in 256 ns units;
	 * 0 turns throttling off.
	 */
	e1k_wr(a, E1K_ITR, usecs ? DIV_ROUND_UP(usecs * 1000, 256) : 0);
}

/*
 * What a statistics register counted since the last look. Real 8254x parts
 * clear these on read; QEMU's model keeps some of them running, and those
 * are read as a difference from the last raw value.
 */
static u32 e1k_stat_rd(struct e1k_adapter *a, u32 reg, enum e1k_sticky_stat i)
{
	u32 val = e1k_rd(a, reg), delta;

	if (!a->hw_stats_sticky)
		return val;
	delta = val - a->hw_stats_last[i];
	a->hw_stats_last[i] = val;
	return delta;
}

/* The counters clear on read: accumulate them (watchdog and ethtool). */
void e1k_hw_update_stats(struct e1k_adapter *a)
{
	struct e1k_hw_stats *s = &a->hw_stats;
	unsigned long flags;

	if (pci_channel_offline(a->pdev))
		return;
	spin_lock_irqsave(&a->stats_lock, flags);
	s->crcerrs += e1k_stat_rd(a, E1K_CRCERRS, E1K_STICKY_CRCERRS);
	s->symerrs += e1k_stat_rd(a, E1K_SYMERRS, E1K_STICKY_SYMERRS);
	s->rxerrc += e1k_stat_rd(a, E1K_RXERRC, E1K_STICKY_RXERRC);
	s->mpc += e1k_stat_rd(a, E1K_MPC, E1K_STICKY_MPC);
	s->scc += e1k_stat_rd(a, E1K_SCC, E1K_STICKY_SCC);
	s->ecol += e1k_stat_rd(a, E1K_ECOL, E1K_STICKY_ECOL);
	s->mcc += e1k_stat_rd(a, E1K_MCC, E1K_STICKY_MCC);
	s->latecol += e1k_stat_rd(a, E1K_LATECOL, E1K_STICKY_LATECOL);
	s->colc += e1k_stat_rd(a, E1K_COLC, E1K_STICKY_COLC);
	s->dc += e1k_stat_rd(a, E1K_DC, E1K_STICKY_DC);
	s->sec += e1k_stat_rd(a, E1K_SEC, E1K_STICKY_SEC);
	s->rlec += e1k_stat_rd(a, E1K_RLEC, E1K_STICKY_RLEC);
	s->xonrxc += e1k_stat_rd(a, E1K_XONRXC, E1K_STICKY_XONRXC);
	s->xontxc += e1k_stat_rd(a, E1K_XONTXC, E1K_STICKY_XONTXC);
	s->xoffrxc += e1k_stat_rd(a, E1K_XOFFRXC, E1K_STICKY_XOFFRXC);
	s->xofftxc += e1k_stat_rd(a, E1K_XOFFTXC, E1K_STICKY_XOFFTXC);
	s->gprc += e1k_rd(a, E1K_GPRC);
	s->bprc += e1k_rd(a, E1K_BPRC);
	s->mprc += e1k_rd(a, E1K_MPRC);
	s->gptc += e1k_rd(a, E1K_GPTC);
	/* 64-bit pairs: the low half first; reading the high half clears
	 * both.
	 */
	s->gorc += e1k_rd(a, E1K_GORCL);
	s->gorc += (u64)e1k_rd(a, E1K_GORCH) << 32;
	s->gotc += e1k_rd(a, E1K_GOTCL);
	s->gotc += (u64)e1k_rd(a, E1K_GOTCH) << 32;
	s->rnbc += e1k_stat_rd(a, E1K_RNBC, E1K_STICKY_RNBC);
	s->ruc += e1k_rd(a, E1K_RUC);
	s->rfc += e1k_stat_rd(a, E1K_RFC, E1K_STICKY_RFC);
	s->roc += e1k_rd(a, E1K_ROC);
	s->rjc += e1k_stat_rd(a, E1K_RJC, E1K_STICKY_RJC);
	s->tor += e1k_rd(a, E1K_TORL);
	s->tor += (u64)e1k_rd(a, E1K_TORH) << 32;
	s->tot += e1k_rd(a, E1K_TOTL);
	s->tot += (u64)e1k_rd(a, E1K_TOTH) << 32;
	s->tpr += e1k_rd(a, E1K_TPR);
	s->tpt += e1k_rd(a, E1K_TPT);
	s->mptc += e1k_rd(a, E1K_MPTC);
	s->bptc += e1k_rd(a, E1K_BPTC);
	s->tsctc += e1k_rd(a, E1K_TSCTC);
	s->tsctfc += e1k_stat_rd(a, E1K_TSCTFC, E1K_STICKY_TSCTFC);
	spin_unlock_irqrestore(&a->stats_lock, flags);
}
