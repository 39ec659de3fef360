/* SPDX-License-Identifier: GPL-2.0 */
/* e1k-xdp-loader: shared declarations of the commands and their helpers. */
#ifndef E1K_LOADER_H
#define E1K_LOADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PROG_NAME "e1k-xdp-loader"
#include "../bpf/e1k_xdp_maps.h"
#include "layout.h"

/* Where iproute2 pins LIBBPF_PIN_BY_NAME maps; we use the same root so the
 * maps are shared whoever attached the program. */
#define PIN_ROOT E1K_PIN_ROOT

/* Exit codes: 0 success, 1 the operation failed, 2 bad usage. */
enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };

struct global_opts {
	bool json;
	bool verbose;
};
extern struct global_opts g_opts;

/* Print "e1k-xdp-loader: CMD: message" to stderr. */
void err_msg(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Commands: argc/argv start at the command's own first argument. */
int cmd_attach(int argc, char **argv);
int cmd_detach(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_filter(int argc, char **argv);
int cmd_echo(int argc, char **argv);
int cmd_apply(int argc, char **argv);
int cmd_show_config(int argc, char **argv);

/* The reflector's address maps (echo.c). echo_sync lists @ifname's current
 * addresses (and those of the devices stacked on it) under @ifindex and
 * removes the ones it no longer has; echo_forget removes every address
 * listed under @ifindex. Both return how many addresses they handled, or a
 * negative errno with the reason printed. */
struct echo_maps {
	int a4, a6;
};
int echo_sync(const char *cmd, const struct echo_maps *m, const char *ifname, int ifindex);
int echo_forget(const char *cmd, const struct echo_maps *m, const char *ifname, int ifindex);
int echo_listed_count(const char *cmd, const struct echo_maps *m, const char *ifname,
		      int ifindex);

/* With --json, what a changing command did is one object: json_change_begin
 * opens {"interface": IFACE, "change": CHANGE, the caller adds its own
 * fields, json_change_end closes it (util.c). */
struct json;
void json_change_begin(struct json *j, const char *ifname, const char *change);
void json_change_end(struct json *j);

/* Helpers (util.c). */
bool is_help(const char *arg);
/* The words of a command that takes at most one interface name: --help
 * prints USAGE and gives EXIT_OK, anything else than one name gives
 * EXIT_USAGE with a message; -1 to go on, *ifname set or NULL. */
int parse_optional_iface(const char *cmd, int argc, char **argv, const char *usage,
			 const char **ifname);
/* 0 when the process may run the command (CAP_SYS_ADMIN and CAP_NET_ADMIN
 * in its effective set); else -EPERM with the missing ones named. */
int require_caps(const char *cmd);
int iface_index(const char *cmd, const char *ifname);
int prog_object_path(const char *cmd, const char *prog, char *path, size_t len);
void set_libbpf_logging(void);
/* strerror() that also knows libbpf's own error codes (4000 and up). */
const char *bpf_strerror(int err);

/* Every command that changes the filter's rules or what is pinned holds an
 * exclusive flock on PIN_ROOT (as xdp-tools locks its bpffs directory), and
 * a reading command a shared one, so two commands never interleave their
 * map updates. Waits up to 2 minutes (commands queue up behind each
 * other: 60 at once on a slow guest take that long); returns the lock's fd
 * (closing it unlocks) or a negative errno with the reason printed. */
int pin_root_lock(const char *cmd, bool exclusive);

/* Filter rule sets (filter_sets.c): the loader pins the maps of a filter it
 * attaches under PIN_ROOT/e1k-filter/NAME/ (NAME: the interface's by
 * default, or one several interfaces share); `ip` pins in PIN_ROOT itself. */
#define FILTER_SET_NAME_MAX 32
bool filter_set_name_ok(const char *name);
struct bpf_object;
/* Point every map of @obj at set @set's directory (made if need be). */
int filter_set_pin(struct bpf_object *obj, const char *set);
/* The set whose pins program @prog_id uses: 0, or -ENOENT (not a set's). */
int filter_set_of_prog(uint32_t prog_id, char *set, size_t len);
/* Is set @set's rule map used by a program on any interface but
 * @except_ifindex? */
bool filter_set_in_use(const char *set, int except_ifindex);
/* Unpin every map of set @set and remove its directory. */
int filter_set_remove(const char *set);
/* Remove set @set's directory if it holds nothing. */
void filter_set_drop_empty(const char *set);

/* The filter's maps (filter.c): those of the attached program @prog_id, or
 * of a loaded object (before it is attached), each checked to have the
 * layout this loader was built for. 0, or a negative errno with the reason
 * printed; filter_fds_close closes them. */
struct ruleset_fds;
int filter_fds_of_prog(const char *cmd, const char *ifname, uint32_t prog_id,
		       struct ruleset_fds *fd);
int filter_fds_of_object(const char *cmd, struct bpf_object *obj, struct ruleset_fds *fd);
void filter_fds_close(struct ruleset_fds *fd);

/* Switching a filter to rule set @want in one step (filter.c): the plan is
 * made from the maps' contents, refusing what the filter cannot hold,
 * before anything is written; writing it then changes what frames meet at
 * its last write only. @keep_counters: rules the active set holds too keep
 * their counts. 0, or a negative errno with the reason printed. */
struct ruleset;
struct filter_switch;
/* The rule set frames meet now. */
int filter_read_active(const char *cmd, const struct ruleset_fds *fd, struct ruleset *out);
int filter_switch_plan(const char *cmd, const struct ruleset_fds *fd, struct ruleset *want,
		       bool keep_counters, struct filter_switch **out);
int filter_switch_write(const char *cmd, const struct ruleset_fds *fd, struct filter_switch *sw);
void filter_switch_free(struct filter_switch *sw);

/* Loading a program to attach (attach.c), in steps a caller can put its
 * own work between: prog_load_open opens @spec->path, picks its XDP
 * program (the one named @prog_name and/or in @section when given, else
 * the only one), puts the filter's maps in rule set @rules_set (NULL: the
 * interface's own) and the others' in the pin root, and loads it, pinning
 * what was not pinned yet. 0, or a negative errno with the reason printed.
 * prog_load_close (after a failed open too) closes the object; @failed
 * also removes the pins it made and the set directory it left empty, so
 * that a failed command changes nothing. */
struct bpf_program;
struct prog_spec {
	const char *ifname, *path, *prog_name, *section, *rules_set;
};
struct prog_load {
	struct bpf_object *obj;
	struct bpf_program *prog;
	const char *set;		/* the filter's rule set, or NULL */
	uint64_t pinned_before;		/* bit i: the i-th map had a pin */
	bool loaded;
};
int prog_load_open(const char *cmd, const struct prog_spec *spec, struct prog_load *pl);
void prog_load_close(struct prog_load *pl, bool failed);

/* The reflector's addresses for a newly loaded icmp-echo object: IFACE's
 * own, listed before the program can see a frame (attach.c). Returns how
 * many were listed before (0: a failed attach forgets them again), or a
 * negative errno with the reason printed. */
int echo_prepare(const char *cmd, struct bpf_object *obj, const char *ifname, int ifindex,
		 struct echo_maps *m);

/* What the loader's attach made for an attached program, which goes when
 * the program does (attach.c): the reflector's address maps (to forget
 * the interface's addresses), the filter's rule set (removed when no other
 * interface uses it). prog_owned_find looks them up while the program is
 * attached; prog_owned_release, after it is gone, removes them;
 * prog_owned_close closes the descriptors. */
struct prog_owned {
	struct echo_maps echo;
	char set[FILTER_SET_NAME_MAX + 1];	/* "" when none */
};
void prog_owned_find(const char *cmd, uint32_t prog_id, struct prog_owned *o);
void prog_owned_release(const char *cmd, const char *ifname, int ifindex,
			const struct prog_owned *o);
void prog_owned_close(struct prog_owned *o);

/* Detach @ifname's program, whatever its mode, and (unless @keep_maps)
 * what the loader's attach made for it: the reflector's addresses, the
 * rule set no other interface uses. 0, or a negative errno (-ENOENT: no
 * program) with the reason printed (attach.c). */
int detach_iface(const char *cmd, const char *ifname, int ifindex, bool keep_maps);

/* What the e1k_xdp driver did with the XDP verdicts (ethtool.c): frames
 * queued by XDP_TX, dropped by it on a full tx ring, redirects that failed.
 * 0 with .ours set for a port of our driver; -EOPNOTSUPP for another. */
struct driver_xdp {
	bool ours;
	uint64_t xdp_tx, xdp_tx_full, xdp_redirect_err;
};
int driver_xdp_counters(const char *ifname, struct driver_xdp *out);

/* What is attached to an interface (util.c). */
enum xdp_attach_mode { XDP_MODE_NONE, XDP_MODE_NATIVE, XDP_MODE_SKB, XDP_MODE_HW };
struct xdp_attached {
	enum xdp_attach_mode mode;
	uint32_t prog_id;
};
int xdp_attached_query(int ifindex, struct xdp_attached *out);
const char *xdp_mode_name(enum xdp_attach_mode mode);
/* Does program @prog_id use the map of id @map_id? */
bool prog_uses_map_id(uint32_t prog_id, uint32_t map_id);
/* Is program @prog_id's name @name (as bpf_prog_info holds it)? */
bool attached_prog_named(uint32_t prog_id, const char *name);

/* Find a map of the attached program by @want's name (or, with @suffix, by
 * the end of its name): the pin under PIN_ROOT when it belongs to that
 * program, else through the program's own map ids; then check it has
 * @want's layout. Returns a map fd (caller closes), -ENOENT when there is no
 * such map (nothing printed), -EPROTO when its layout is another (the
 * reason printed), or another negative errno (printed). */
int attached_map_fd(const char *cmd, uint32_t prog_id, const struct map_layout *want,
		    bool suffix);
/* 0 when map @fd has @want's layout; else -EPROTO (or the errno of reading
 * it) with the reason printed. */
int map_fd_check_layout(const char *cmd, int fd, const struct map_layout *want);

/* What a refused bpf_xdp_attach() means, said to the operator; @have: the
 * mode of the program already on @ifname (XDP_MODE_NONE if none). */
void explain_attach_error(const char *cmd, const char *ifname, int err, bool native, bool force,
			  enum xdp_attach_mode have);

#endif
