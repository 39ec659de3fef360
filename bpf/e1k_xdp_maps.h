/* SPDX-License-Identifier: GPL-2.0 */
/*
 * e1k_xdp_maps.h: the contract between the XDP programs in bpf/ and the
 * user-space side (loader/, tests/unit/). Plain C with only <linux/types.h>,
 * so it compiles both for the BPF target and as C11 in user space. Changing a
 * layout here changes the maps: see "Pinning" for what that means for pins
 * left over from an older build.
 *
 * ---------------------------------------------------------------------------
 * Pinning and names
 * ---------------------------------------------------------------------------
 * Every map below is declared with LIBBPF_PIN_BY_NAME. `ip link set dev X xdp
 * obj F.o sec xdp` (iproute2 6.1 + libbpf 1.1) pins them as
 * E1K_PIN_ROOT/<map name>; the loader opens objects with
 * bpf_object_open_opts.pin_root_path = E1K_PIN_ROOT so both end up with the
 * same pins. (libbpf's own default root is /sys/fs/bpf, which would NOT be
 * shared with `ip`.)
 *
 * Map names are unique per program (e1k_<prog>_<what>) and at most 15
 * characters, so the kernel's copy of the name (BPF_OBJ_NAME_LEN = 16) is the
 * full name: the loader can find a map both by pin path and by name through
 * the attached program's map ids. Consequences of pin-by-name, by design:
 *  - different programs never share a map (xdp_drop on eth0 and the filter
 *    on eth1 have separate counters);
 *  - the SAME program attached to two interfaces through the same pin root
 *    shares all its maps: one rule set, one config, merged counters. The
 *    reflector's config is keyed by ifindex for that reason (below). A user
 *    who needs separate filter rule sets per interface must load with
 *    different pin roots (the loader can; `ip` cannot).
 *  - a pin is reused only if type, key size, value size, max_entries and
 *    flags all match; otherwise loading fails with "parameter mismatch".
 *    After changing a layout here, remove the old pins
 *    (rm E1K_PIN_ROOT/e1k_*) before attaching the new objects.
 *
 * ---------------------------------------------------------------------------
 * Statistics (every program)
 * ---------------------------------------------------------------------------
 * BPF_MAP_TYPE_PERCPU_ARRAY, key __u32 = the XDP action the program returned
 * (XDP_ABORTED .. XDP_REDIRECT), value struct e1k_stats, E1K_STATS_ENTRIES
 * entries. bytes counts the frame as received (data_end - data before any
 * change). Sum the per-CPU values in user space. The stats map of a program is
 * the one whose name ends in E1K_STATS_SUFFIX.
 */
#ifndef E1K_XDP_MAPS_H
#define E1K_XDP_MAPS_H

#include <linux/types.h>

#define E1K_PIN_ROOT "/sys/fs/bpf/tc/globals"
#define E1K_STATS_SUFFIX "_stats"

struct e1k_stats {
	__u64 packets;
	__u64 bytes;
};

/* XDP_ABORTED(0) .. XDP_REDIRECT(4): one slot per action. */
#define E1K_STATS_ENTRIES 5

/* Program (function) names, as bpftool and bpf_prog_info show them. */
#define E1K_PROG_FILTER "e1k_filter"
#define E1K_PROG_ICMP_ECHO "e1k_icmp_echo"
#define E1K_PROG_DROP "e1k_drop"
#define E1K_PROG_PASS "e1k_pass"
#define E1K_PROG_TX "e1k_tx"

/* Stats maps, one per program. */
#define E1K_MAP_FILTER_STATS "e1k_filt_stats"
#define E1K_MAP_ECHO_STATS "e1k_echo_stats"
#define E1K_MAP_DROP_STATS "e1k_drop_stats"
#define E1K_MAP_PASS_STATS "e1k_pass_stats"
#define E1K_MAP_TX_STATS "e1k_tx_stats"

/*
 * ---------------------------------------------------------------------------
 * ICMP echo reflector (xdp_icmp_echo.bpf.o)
 * ---------------------------------------------------------------------------
 * Answers ICMPv4 echo requests (type 8 code 0) and ICMPv6 echo requests
 * (type 128 code 0) with XDP_TX: MACs and IP addresses swapped, type set to
 * reply, checksum updated incrementally (RFC 1624), TTL / hop limit reset.
 * VLAN / QinQ tags are kept as they are.
 *
 * It answers only for addresses this host owns, and only valid requests:
 *   - the destination address is one of the receiving interface's, listed in
 *     E1K_MAP_ECHO_ADDR4/6 under its ifindex. With no address listed (the
 *     program attached by plain `ip` and nothing configured) it answers
 *     nothing and the stack answers as it always does;
 *   - the source address is unicast (not 0/8, 127/8, multicast, class E,
 *     limited broadcast; not ::, ::1, multicast, IPv4-mapped), not one of
 *     the interface's own addresses (a spoofed reply to ourselves), and not
 *     the directed broadcast of the destination's subnet (from the listed
 *     prefix length);
 *   - source and destination MAC: as configured below (never a group
 *     source MAC);
 *   - the IPv4 header checksum and the ICMP / ICMPv6 checksum (with its
 *     pseudo-header) are correct, over an ICMP message of at most
 *     E1K_ECHO_MAX_MSG bytes.
 * Everything else gets XDP_PASS, so the kernel answers or drops it as it
 * would: fragments, IPv4 with options and IPv6 with extension headers
 * (record-route, source routes...), non-zero code, requests to another
 * host's address or to a broadcast or multicast one, truncated or
 * inconsistent headers, bad checksums, larger messages.
 *
 * Config: E1K_MAP_ECHO_CFG, BPF_MAP_TYPE_HASH, key __u32 ifindex (the
 * receiving interface; 0 = any interface), value struct e1k_echo_cfg. The
 * program uses the entry of the receiving ifindex, else entry 0, else the
 * defaults (all zero): answer requests whose destination MAC is unicast,
 * i.e. addressed to this interface unless it is promiscuous.
 */
#define E1K_MAP_ECHO_CFG "e1k_echo_cfg"
#define E1K_MAP_ECHO_ADDR4 "e1k_echo_addr4"
#define E1K_MAP_ECHO_ADDR6 "e1k_echo_addr6"
#define E1K_ECHO_CFG_ENTRIES 64
#define E1K_ECHO_ADDR_ENTRIES 256
/* The longest ICMP message whose checksum the reflector checks (bytes); a
 * longer request goes to the stack, and so does one that reaches past the
 * head of a multi-buffer frame (the reflector reads the head only). Covers
 * every frame that fits one of e1k_xdp's rx buffers (MTU 2022). */
#define E1K_ECHO_MAX_MSG 2048

/* e1k_echo_cfg.flags */
#define E1K_ECHO_F_MAC (1u << 0)     /* answer only frames to .mac */
#define E1K_ECHO_F_NO_IPV4 (1u << 3) /* never answer IPv4 (XDP_PASS) */
#define E1K_ECHO_F_NO_IPV6 (1u << 4) /* never answer IPv6 (XDP_PASS) */
#define E1K_ECHO_F_ALL 0x19u

#define E1K_ECHO_DEFAULT_TTL 64

struct e1k_echo_cfg {
	__u32 flags; /* E1K_ECHO_F_* */
	__u8 mac[6]; /* with E1K_ECHO_F_MAC: the interface's MAC */
	__u8 ttl;    /* TTL / hop limit of replies; 0 = E1K_ECHO_DEFAULT_TTL */
	__u8 pad;    /* zero */
};

/* E1K_MAP_ECHO_ADDR4: BPF_MAP_TYPE_HASH, key struct e1k_echo_key4 (the
 * receiving interface's ifindex, and an address of it in network byte
 * order), value __u32: the prefix length of its subnet (1-32; 32 when it has
 * none). E1K_MAP_ECHO_ADDR6: the same with struct e1k_echo_key6 (1-128).
 * An address of a VLAN device on the interface is listed under the
 * interface's ifindex: its tagged requests arrive there. */
struct e1k_echo_key4 {
	__u32 ifindex;
	__u8 addr[4];
};
struct e1k_echo_key6 {
	__u32 ifindex;
	__u8 addr[16];
};

/*
 * ---------------------------------------------------------------------------
 * Filter (xdp_filter.bpf.o)
 * ---------------------------------------------------------------------------
 * Maps:
 *   E1K_MAP_FILTER_CFG    ARRAY, 1 entry (key 0), struct e1k_filter_cfg
 *   E1K_MAP_FILTER_RULES  ARRAY, E1K_FILTER_RULE_ENTRIES entries, struct
 *                         e1k_filter_rule: two banks of E1K_FILTER_MAX_RULES
 *                         slots, key = bank * E1K_FILTER_MAX_RULES + slot
 *   E1K_MAP_FILTER_HITS   PERCPU_ARRAY, E1K_FILTER_HIT_ENTRIES entries,
 *                         struct e1k_stats: [id] = frames decided by the rule
 *                         whose .id that is, [E1K_FILTER_HIT_DEFAULT] =
 *                         frames decided by the default policy,
 *                         [E1K_FILTER_HIT_UNCLASS] = frames that could not be
 *                         fully classified (whatever then decided them)
 *   E1K_MAP_FILTER_SRC4/DST4  LPM_TRIE, key struct e1k_lpm4_key,
 *   E1K_MAP_FILTER_SRC6/DST6  LPM_TRIE, key struct e1k_lpm6_key,
 *                         value struct e1k_lpm_val, E1K_FILTER_LPM_ENTRIES,
 *                         map_flags BPF_F_NO_PREALLOC
 *
 * Two banks. The rule set a frame meets is bank cfg.bank (0 or 1): its
 * rules, its policies (cfg.default_policy[bank], cfg.unclass_policy[bank])
 * and its bits in the tries (e1k_lpm_val.rules[bank]). The other bank is
 * where the next rule set is built, invisible to frames; one write of
 * cfg.bank then switches every frame to it at once (see "Updating rules").
 *
 * Rule semantics. A frame is evaluated against the active rules of the
 * active bank in slot order, 0 first: the first rule that matches decides
 * (E1K_ACTION_PASS -> XDP_PASS, E1K_ACTION_DROP -> XDP_DROP, anything else
 * -> XDP_DROP) and the hit counter of its .id counts the frame. No match:
 * the default policy decides (unset = pass). So the slot number IS the
 * priority. A rule keeps its .id (and so its counter) when other rules are
 * inserted before it or removed.
 *
 * A rule matches when every constraint named in its flags matches; a rule
 * with no constraint matches every frame. Constraints:
 *   E1K_MATCH_ETHERTYPE  .ethertype (host order) occurs in the frame's
 *                        EtherType chain: the outer EtherType, the
 *                        EtherType after each VLAN tag, i.e. 0x8100/0x88a8 for
 *                        tagged frames and the L3 type (0x0800, 0x86dd,
 *                        0x0806, ...). So "ethertype 0x86dd" also matches
 *                        IPv6 inside VLAN/QinQ, "ethertype 0x88a8" all QinQ.
 *   E1K_MATCH_SRC/DST    the IP source/destination address lies in
 *                        .src/.dst / .src_len/.dst_len of family .family
 *                        (E1K_FAMILY_IPV4 or _IPV6; required with either
 *                        flag; src and dst must be the same family). Never
 *                        matches a frame of the other family or a non-IP one.
 *   E1K_MATCH_PROTO      the upper-layer protocol (IPv4 protocol, or the IPv6
 *                        next header after the extension headers) == .proto
 *   E1K_MATCH_SPORT/DPORT a TCP or UDP frame whose port is in
 *                        [.sport_min, .sport_max] / [.dport_min, .dport_max]
 *                        (host order; one port: min == max). Frames without
 *                        TCP/UDP ports never match.
 *   E1K_MATCH_ICMP_TYPE  an ICMP (IPv4 proto 1) or ICMPv6 (IPv6 next header
 *   E1K_MATCH_ICMP_CODE  58) message with this .icmp_type / .icmp_code.
 *                        Combine with E1K_MATCH_PROTO (1 or 58) to pick one.
 * Headers are parsed through up to E1K_VLAN_MAX VLAN tags (0x8100, 0x88a8,
 * 0x9100), IPv4 options, and up to E1K_IPV6_MAX_EXT IPv6 extension headers
 * (and IPv4/IPv6 AH), so none of those can hide a frame from a rule.
 * Tunnels are not decapsulated: rules see the outer headers.
 *
 * Unclassifiable frames: truncated headers (anywhere in the chain, including
 * an IP datagram longer than the frame or an L4 header shorter than TCP 20 /
 * UDP 8 / ICMP 8 bytes), more than E1K_VLAN_MAX tags, IPv4 with a bad
 * version/IHL/total length, non-first fragments (no L4 header), IPv6 with a
 * deeper extension header chain than E1K_IPV6_MAX_EXT or headers beyond
 * E1K_PARSE_MAX_OFF bytes. They are evaluated against the rules like every
 * frame, and a rule whose every constraint the frame shows and meets
 * matches it for certain and decides, whatever the setting below (a denied
 * source address behind too many extension headers is still denied). A rule
 * with a constraint on a field the frame does not show (and no constraint
 * it fails) MAY match; cfg.unclass_policy resolves that uncertainty:
 *   E1K_UNCLASS_RULES (default, 0 = unset, or any unknown value): fail
 *     closed. A drop rule that may match drops; a pass rule that may match
 *     is passed over (it never lets a frame through on a field it cannot
 *     see). No rule decided: the default policy. With no drop rules,
 *     unclassifiable frames follow the default policy (so the filter with no
 *     rules breaks nothing, fragments included).
 *   E1K_UNCLASS_DROP: as RULES, but when no rule decided: XDP_DROP.
 *   E1K_UNCLASS_PASS: the reverse: a pass rule that may match passes, a
 *     drop rule that may match is passed over; no rule decided: XDP_PASS.
 *   A frame the setting decided (no rule did) counts in no rule's hits.
 * A frame whose every header is present is never "unclassifiable" because of
 * what it carries: ARP, unknown EtherTypes, unknown IP protocols, ESP,
 * IPv6 "no next header" are classified (ports/ICMP constraints simply do not
 * match them).
 *
 * Prefix encoding (LPM tries). The tries do not hold rules; they map a
 * prefix to the set of a bank's rule slots whose src (or dst) prefix
 * CONTAINS it, a bit per slot (bit i of rules[bank] = slot i). For a frame,
 * the program looks up its source address in the source trie of its family;
 * the longest match's bitmask is then exactly the set of rules whose source
 * prefix contains the address (every stored prefix containing the address
 * contains the longest one). So for each distinct prefix P used by an
 * active rule of either bank, the trie holds, per bank, the OR of the bits
 * of that bank's rules whose prefix contains P (P itself included); the
 * entries of both banks are one set, so that creating or removing an entry
 * for one bank never changes what the other bank's frames match.
 * bpf/e1k_filter_rules.h computes it (e1k_trie_plan2()). Keys: prefixlen
 * in bits, address in network byte order, host bits zero.
 *
 * Updating rules (a frame sees the old rule set or the new one, whole):
 *   1. write the new set into the inactive bank b' (slots 0..n-1 active, the
 *      rest zero), each rule with an .id: the .id it has in the active bank
 *      if it is kept, else one no active rule uses, whose counters are
 *      zeroed first;
 *   2. bring the tries to the plan of both banks (active bank b: unchanged
 *      bits): delete the entries the plan no longer has, then update every
 *      entry of the plan;
 *   3. write cfg with the policies of b' (the bytes of b unchanged), then
 *      write cfg.bank = b'. Each write changes bytes only the active bank
 *      does not read, except the last, which switches banks in one byte.
 * The loader's ruleset.c plans exactly these writes (and a host test checks
 * that a frame evaluated after any of them meets the old or the new set).
 * Sizing: at most one distinct prefix per rule and trie in each bank, hence
 * E1K_FILTER_LPM_ENTRIES; ids: a kept rule keeps its id and a new one needs
 * one the active bank does not use, hence E1K_FILTER_MAX_IDS.
 */
#define E1K_MAP_FILTER_CFG "e1k_filt_cfg"
#define E1K_MAP_FILTER_RULES "e1k_filt_rules"
#define E1K_MAP_FILTER_HITS "e1k_filt_hits"
#define E1K_MAP_FILTER_SRC4 "e1k_filt_src4"
#define E1K_MAP_FILTER_DST4 "e1k_filt_dst4"
#define E1K_MAP_FILTER_SRC6 "e1k_filt_src6"
#define E1K_MAP_FILTER_DST6 "e1k_filt_dst6"

/* One bit per slot in a bank's word of struct e1k_lpm_val: 64 slots. */
#define E1K_FILTER_MAX_RULES 64
#define E1K_FILTER_BANKS 2
#define E1K_FILTER_RULE_ENTRIES (E1K_FILTER_BANKS * E1K_FILTER_MAX_RULES)
#define E1K_FILTER_MAX_IDS (E1K_FILTER_BANKS * E1K_FILTER_MAX_RULES)
#define E1K_FILTER_HIT_DEFAULT E1K_FILTER_MAX_IDS
#define E1K_FILTER_HIT_UNCLASS (E1K_FILTER_MAX_IDS + 1)
#define E1K_FILTER_HIT_ENTRIES (E1K_FILTER_MAX_IDS + 2)
#define E1K_FILTER_LPM_ENTRIES (E1K_FILTER_BANKS * E1K_FILTER_MAX_RULES)

/* Parser bounds (also documented above). */
#define E1K_VLAN_MAX 2
#define E1K_IPV6_MAX_EXT 8
#define E1K_PARSE_MAX_OFF 1024

/* e1k_filter_cfg.default_policy and e1k_filter_rule.action */
#define E1K_ACTION_UNSET 0 /* policy: the default (pass); rule: invalid -> drop */
#define E1K_ACTION_PASS 1
#define E1K_ACTION_DROP 2

/* e1k_filter_cfg.unclass_policy */
#define E1K_UNCLASS_UNSET 0 /* = E1K_UNCLASS_RULES */
#define E1K_UNCLASS_PASS 1
#define E1K_UNCLASS_DROP 2
#define E1K_UNCLASS_RULES 3

/* Out-of-range values fail closed: a default_policy other than UNSET/PASS
 * drops, an unclass_policy other than PASS/DROP means RULES; a bank other
 * than 0 or 1 means bank 1. */
struct e1k_filter_cfg {
	__u8 bank;                                /* the active bank */
	__u8 default_policy[E1K_FILTER_BANKS];    /* E1K_ACTION_*; UNSET = pass */
	__u8 unclass_policy[E1K_FILTER_BANKS];    /* E1K_UNCLASS_*; UNSET = rules */
	__u8 pad[3];                              /* zero */
};

/* e1k_filter_rule.flags */
#define E1K_RULE_ACTIVE (1u << 0)
#define E1K_MATCH_ETHERTYPE (1u << 1)
#define E1K_MATCH_SRC (1u << 2)
#define E1K_MATCH_DST (1u << 3)
#define E1K_MATCH_PROTO (1u << 4)
#define E1K_MATCH_SPORT (1u << 5)
#define E1K_MATCH_DPORT (1u << 6)
#define E1K_MATCH_ICMP_TYPE (1u << 7)
#define E1K_MATCH_ICMP_CODE (1u << 8)
#define E1K_RULE_FLAGS_ALL 0x1ffu

/* e1k_filter_rule.family */
#define E1K_FAMILY_NONE 0
#define E1K_FAMILY_IPV4 4
#define E1K_FAMILY_IPV6 6

struct e1k_filter_rule {
	__u32 flags;     /* E1K_RULE_ACTIVE | E1K_MATCH_* */
	__u8 action;     /* E1K_ACTION_PASS or E1K_ACTION_DROP */
	__u8 family;     /* E1K_FAMILY_* of src/dst; NONE without prefixes */
	__u8 src_len;    /* prefix lengths in bits: <= 32 (IPv4), <= 128 */
	__u8 dst_len;
	__u8 proto;      /* IPPROTO_* */
	__u8 icmp_type;
	__u8 icmp_code;
	__u8 pad;        /* zero */
	__u16 ethertype; /* host byte order */
	__u16 sport_min; /* host byte order, inclusive */
	__u16 sport_max;
	__u16 dport_min;
	__u16 dport_max;
	__u16 id;        /* its hit counter: < E1K_FILTER_MAX_IDS */
	__u8 src[16];    /* network byte order; IPv4 in src[0..3], rest zero */
	__u8 dst[16];
};

/* Trie keys: prefixlen first, as BPF_MAP_TYPE_LPM_TRIE requires. */
struct e1k_lpm4_key {
	__u32 prefixlen;
	__u8 addr[4];
};
struct e1k_lpm6_key {
	__u32 prefixlen;
	__u8 addr[16];
};
struct e1k_lpm_val {
	/* bit i of rules[b]: the rule in slot i of bank b contains this prefix */
	__u64 rules[E1K_FILTER_BANKS];
};

#endif /* E1K_XDP_MAPS_H */
