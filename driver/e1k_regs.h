/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Registers and descriptor formats of the Intel 8254x family (82540EM,
 * 82544GC, 82545EM), from the PCI/PCI-X Family of Gigabit Ethernet
 * Controllers Software Developer's Manual. Only what e1k_xdp uses.
 */
#ifndef E1K_REGS_H
#define E1K_REGS_H

#include <linux/bits.h>
#include <linux/types.h>

/* General */
#define E1K_CTRL	0x00000
#define E1K_STATUS	0x00008
#define E1K_EECD	0x00010
#define E1K_CTRL_EXT	0x00018
#define E1K_MDIC	0x00020
#define E1K_FCAL	0x00028
#define E1K_FCAH	0x0002C
#define E1K_FCT		0x00030
#define E1K_VET		0x00038
#define E1K_FCTTV	0x00170

/* Interrupts */
#define E1K_ICR		0x000C0
#define E1K_ITR		0x000C4
#define E1K_ICS		0x000C8
#define E1K_IMS		0x000D0
#define E1K_IMC		0x000D8

/* Receive */
#define E1K_RCTL	0x00100
#define E1K_RDBAL	0x02800
#define E1K_RDBAH	0x02804
#define E1K_RDLEN	0x02808
#define E1K_RDH		0x02810
#define E1K_RDT		0x02818
#define E1K_RDTR	0x02820
#define E1K_RADV	0x0282C
#define E1K_RXCSUM	0x05000
#define E1K_MTA		0x05200	/* 128 x 32 bit */
#define E1K_MTA_WORDS	128
#define E1K_RAL0	0x05400
#define E1K_RAH0	0x05404
#define E1K_VFTA	0x05600	/* 128 x 32 bit */

/* Transmit */
#define E1K_TCTL	0x00400
#define E1K_TIPG	0x00410
#define E1K_TDBAL	0x03800
#define E1K_TDBAH	0x03804
#define E1K_TDLEN	0x03808
#define E1K_TDH		0x03810
#define E1K_TDT		0x03818
#define E1K_TIDV	0x03820
#define E1K_TADV	0x0382C

/* Statistics (clear on read) */
#define E1K_CRCERRS	0x04000
#define E1K_SYMERRS	0x04008
#define E1K_RXERRC	0x0400C
#define E1K_MPC		0x04010
#define E1K_SCC		0x04014
#define E1K_ECOL	0x04018
#define E1K_MCC		0x0401C
#define E1K_LATECOL	0x04020
#define E1K_COLC	0x04028
#define E1K_DC		0x04030
#define E1K_SEC		0x04038
#define E1K_RLEC	0x04040
#define E1K_XONRXC	0x04048
#define E1K_XONTXC	0x0404C
#define E1K_XOFFRXC	0x04050
#define E1K_XOFFTXC	0x04054
#define E1K_GPRC	0x04074
#define E1K_BPRC	0x04078
#define E1K_MPRC	0x0407C
#define E1K_GPTC	0x04080
#define E1K_GORCL	0x04088
#define E1K_GORCH	0x0408C
#define E1K_GOTCL	0x04090
#define E1K_GOTCH	0x04094
#define E1K_RNBC	0x040A0
#define E1K_RUC		0x040A4
#define E1K_RFC		0x040A8
#define E1K_ROC		0x040AC
#define E1K_RJC		0x040B0
#define E1K_TORL	0x040C0
#define E1K_TORH	0x040C4
#define E1K_TOTL	0x040C8
#define E1K_TOTH	0x040CC
#define E1K_TPR		0x040D0
#define E1K_TPT		0x040D4
#define E1K_MPTC	0x040F0
#define E1K_BPTC	0x040F4
#define E1K_TSCTC	0x040F8
#define E1K_TSCTFC	0x040FC

/* CTRL */
#define E1K_CTRL_FD		BIT(0)
#define E1K_CTRL_ASDE		BIT(5)
#define E1K_CTRL_SLU		BIT(6)
#define E1K_CTRL_RST		BIT(26)
#define E1K_CTRL_VME		BIT(30)

/* STATUS */
#define E1K_STATUS_FD		BIT(0)
#define E1K_STATUS_LU		BIT(1)
#define E1K_STATUS_SPEED_MASK	(BIT(6) | BIT(7))
#define E1K_STATUS_SPEED_10	0
#define E1K_STATUS_SPEED_100	BIT(6)
#define E1K_STATUS_PCIX_MODE	BIT(13)	/* on a PCI-X bus (82544, 82545) */

/* EECD: the Microwire EEPROM, bit-banged */
#define E1K_EECD_SK		BIT(0)
#define E1K_EECD_CS		BIT(1)
#define E1K_EECD_DI		BIT(2)
#define E1K_EECD_DO		BIT(3)
#define E1K_EECD_REQ		BIT(6)
#define E1K_EECD_GNT		BIT(7)
#define E1K_EECD_SIZE		BIT(9)	/* 82540/82545: 256-word part fitted */
#define E1K_EEPROM_READ_OPCODE	0x6	/* 3 bits: 110 */
#define E1K_EEPROM_WORDS	64	/* 0x00-0x3F: what the checksum covers */
#define E1K_EEPROM_SUM		0xBABA

/* MDIC: the internal PHY's registers (IEEE 802.3 clause 22) */
#define E1K_MDIC_DATA_MASK	GENMASK(15, 0)
#define E1K_MDIC_REG_SHIFT	16
#define E1K_MDIC_PHY_SHIFT	21
#define E1K_MDIC_OP_WRITE	BIT(26)
#define E1K_MDIC_OP_READ	BIT(27)
#define E1K_MDIC_READY		BIT(28)
#define E1K_MDIC_ERROR		BIT(30)
#define E1K_PHY_ADDR		1	/* where the internal PHY answers */

/* Interrupt causes (ICR, IMS, IMC) */
#define E1K_INT_TXDW		BIT(0)
#define E1K_INT_LSC		BIT(2)
#define E1K_INT_RXSEQ		BIT(3)
#define E1K_INT_RXDMT0		BIT(4)
#define E1K_INT_RXO		BIT(6)
#define E1K_INT_RXT0		BIT(7)
#define E1K_INT_ENABLED	(E1K_INT_TXDW | E1K_INT_LSC | E1K_INT_RXSEQ | \
			 E1K_INT_RXDMT0 | E1K_INT_RXO | E1K_INT_RXT0)

/* RCTL */
#define E1K_RCTL_EN		BIT(1)
#define E1K_RCTL_SBP		BIT(2)
#define E1K_RCTL_UPE		BIT(3)
#define E1K_RCTL_MPE		BIT(4)
#define E1K_RCTL_LPE		BIT(5)
#define E1K_RCTL_BAM		BIT(15)
#define E1K_RCTL_SZ_2048	0	/* BSIZE 00, BSEX 0 */
#define E1K_RCTL_SECRC		BIT(26)	/* left clear: e1k_configure_rx */

/* RXCSUM */
#define E1K_RXCSUM_IPOFL	BIT(8)
#define E1K_RXCSUM_TUOFL	BIT(9)

/* RAH */
#define E1K_RAH_AV		BIT(31)

/* TCTL and TIPG */
#define E1K_TCTL_EN		BIT(1)
#define E1K_TCTL_PSP		BIT(3)
#define E1K_TCTL_CT_SHIFT	4
#define E1K_TCTL_COLD_SHIFT	12
#define E1K_TCTL_RTLC		BIT(24)
#define E1K_COLLISION_THRESHOLD	0x0F
#define E1K_FDX_COLLISION_DIST	0x40
#define E1K_TIPG_COPPER		(8 | (8 << 10) | (6 << 20))

/* Receive descriptor (legacy) */
struct e1k_rx_desc {
	__le64 addr;
	__le16 length;
	__le16 csum;
	u8 status;
	u8 errors;
	__le16 special;
};

#define E1K_RXD_STAT_DD		BIT(0)
#define E1K_RXD_STAT_EOP	BIT(1)
#define E1K_RXD_STAT_IXSM	BIT(2)	/* ignore checksum indication */
#define E1K_RXD_STAT_VP		BIT(3)
#define E1K_RXD_STAT_TCPCS	BIT(5)	/* TCP/UDP checksum computed */
#define E1K_RXD_STAT_IPCS	BIT(6)	/* IPv4 header checksum computed */
#define E1K_RXD_ERR_CE		BIT(0)
#define E1K_RXD_ERR_SE		BIT(1)
#define E1K_RXD_ERR_SEQ		BIT(2)
#define E1K_RXD_ERR_CXE		BIT(4)
#define E1K_RXD_ERR_TCPE	BIT(5)
#define E1K_RXD_ERR_IPE		BIT(6)
#define E1K_RXD_ERR_RXE		BIT(7)
#define E1K_RXD_ERR_FRAME	(E1K_RXD_ERR_CE | E1K_RXD_ERR_SE | \
				 E1K_RXD_ERR_SEQ | E1K_RXD_ERR_CXE | \
				 E1K_RXD_ERR_RXE)

/* Transmit descriptors: context (checksum/TSO setup) and data */
struct e1k_tx_ctx_desc {
	u8 ipcss;
	u8 ipcso;
	__le16 ipcse;
	u8 tucss;
	u8 tucso;
	__le16 tucse;
	__le32 cmd_and_length;
	u8 status;
	u8 hdr_len;
	__le16 mss;
};

struct e1k_tx_desc {
	__le64 addr;
	__le32 cmd_and_length;
	u8 status;
	u8 popts;
	__le16 special;
};

#define E1K_TXD_DTYP_D		BIT(20)	/* data descriptor */
#define E1K_TXD_CMD_EOP		BIT(24)
#define E1K_TXD_CMD_IFCS	BIT(25)
#define E1K_TXD_CMD_TSE		BIT(26)
#define E1K_TXD_CMD_RS		BIT(27)
#define E1K_TXD_CMD_DEXT	BIT(29)
#define E1K_TXD_CMD_VLE		BIT(30)
#define E1K_TXD_CMD_IP		BIT(25)	/* context: IPv4 (vs IPv6) */
#define E1K_TXD_CMD_TCP		BIT(24)	/* context: TCP (vs UDP) */
#define E1K_TXD_POPTS_IXSM	BIT(0)
#define E1K_TXD_POPTS_TXSM	BIT(1)
#define E1K_TXD_STAT_DD		BIT(0)
#define E1K_TXD_MAX_LEN		16288	/* below the 16 KiB field, as e1000 does */

#endif
