// SPDX-License-Identifier: GPL-2.0
/* attach, detach and status: putting programs on interfaces and showing them. */
#include "config.h"
#include "json.h"
#include "loader.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void attach_usage(FILE *f)
{
	fprintf(f,
		"usage: " PROG_NAME " attach IFACE PROG [--mode native|skb] [--force]\n"
		"                      [--prog-name NAME] [--section SEC] [--rules NAME]\n"
		"\n"
		"Load PROG and attach it to IFACE's XDP hook. PROG is a bundled program\n"
		"(filter, icmp-echo, drop, pass, tx) or the path of an object file with\n"
		"a SEC(\"xdp\") or SEC(\"xdp.frags\") program (the bundled ones are loaded\n"
		"as xdp.frags programs: they run at any MTU). Its pinned maps go under\n"
		PIN_ROOT ", where `ip link set ... xdp obj` puts them too.\n"
		"The program stays attached after the loader exits.\n"
		"\n"
		"  --mode native  run in the driver (default); fails if the driver has\n"
		"                 no native XDP: never a silent fallback to skb mode\n"
		"  --mode skb     generic XDP, for any driver\n"
		"  --force        replace a program already attached\n"
		"  --prog-name N  the program named N, in an object with several\n"
		"  --section S    the program in ELF section S (e.g. xdp/filter)\n"
		"  --rules NAME   the filter's rule set (default: IFACE's own); name one\n"
		"                 to share it between interfaces\n"
		"\n"
		"The ICMP echo reflector answers only for the addresses listed for IFACE:\n"
		"attach lists IFACE's own (see `" PROG_NAME " echo`), detach removes them.\n"
		"The filter's maps go under " PIN_ROOT "/e1k-filter/NAME/: each\n"
		"interface has its own rules unless --rules names a shared set.\n");
}

/* Which of @obj's maps already have a pin (bit i: the i-th map), so that a
 * failed attach removes only the pins it made. */
static uint64_t pins_present(struct bpf_object *obj)
{
	struct bpf_map *map;
	uint64_t present = 0;
	int i = 0;

	bpf_object__for_each_map(map, obj) {
		const char *pin = bpf_map__pin_path(map);

		if (i < 64 && pin && !access(pin, F_OK))
			present |= 1ull << i;
		i++;
	}
	return present;
}

static void unpin_new_maps(struct bpf_object *obj, uint64_t present)
{
	struct bpf_map *map;
	int i = 0;

	bpf_object__for_each_map(map, obj) {
		if (i >= 64 || !(present & (1ull << i)))
			bpf_map__unpin(map, NULL);
		i++;
	}
}

/* The XDP program of @obj to attach: the one named @name and/or in
 * section @sec when given, else the only one. NULL with the reason printed. */
static struct bpf_program *xdp_program_of(const char *cmd, struct bpf_object *obj,
					  const char *path, const char *name, const char *sec)
{
	struct bpf_program *prog, *found = NULL;
	int n = 0;

	bpf_object__for_each_program(prog, obj) {
		if (bpf_program__type(prog) != BPF_PROG_TYPE_XDP)
			continue;
		if (name && strcmp(bpf_program__name(prog), name))
			continue;
		if (sec && strcmp(bpf_program__section_name(prog), sec))
			continue;
		found = found ? found : prog;
		n++;
	}
	if (n == 1)
		return found;
	if (n == 0)
		err_msg(cmd, "'%s' has no XDP program%s%s%s%s%s", path,
			name || sec ? " matching" : " (SEC(\"xdp\"))", name ? " --prog-name " : "",
			name ? name : "", sec ? " --section " : "", sec ? sec : "");
	else
		err_msg(cmd, "'%s' has %d XDP programs%s: choose one with --prog-name or --section",
			path, n, name || sec ? " matching" : "");
	return NULL;
}

void explain_attach_error(const char *cmd, const char *ifname, int err, bool native, bool force,
			  enum xdp_attach_mode have)
{
	enum xdp_attach_mode want = native ? XDP_MODE_NATIVE : XDP_MODE_SKB;

	switch (-err) {
	case EEXIST:
	case EBUSY:
		if (force && have != XDP_MODE_NONE && have != want)
			err_msg(cmd, "%s has a program in %s mode, and the kernel runs one mode at a time: detach it first to attach in %s mode",
				ifname, xdp_mode_name(have), xdp_mode_name(want));
		else
			err_msg(cmd, "%s already has an XDP program (use --force to replace it, or detach it first)",
				ifname);
		break;
	case EOPNOTSUPP:
		err_msg(cmd, "%s: the driver does not support %s XDP%s", ifname,
			native ? "native" : "this mode of",
			native ? " (use --mode skb for generic XDP)" : "");
		break;
	case ERANGE:
	case EINVAL:
		err_msg(cmd, "%s refused the program: %s (is the MTU too large for XDP, or another mode attached?)",
			ifname, strerror(-err));
		break;
	default:
		err_msg(cmd, "%s: %s", ifname, strerror(-err));
	}
}

/*
 * The reflector answers only for the addresses listed for the interface:
 * list IFACE's own before the program can see a frame. Returns how many
 * addresses were listed for IFACE before (a failed attach removes what it
 * listed only when that was none: a reflector already there keeps its
 * list, now brought up to date), or a negative errno with the reason
 * printed.
 */
int echo_prepare(const char *cmd, struct bpf_object *obj, const char *ifname, int ifindex,
		 struct echo_maps *m)
{
	int before;

	m->a4 = bpf_object__find_map_fd_by_name(obj, E1K_MAP_ECHO_ADDR4);
	m->a6 = bpf_object__find_map_fd_by_name(obj, E1K_MAP_ECHO_ADDR6);
	if (m->a4 < 0 || m->a6 < 0) {
		err_msg(cmd, "the object's program is named " E1K_PROG_ICMP_ECHO
			" but it lacks the reflector's address maps");
		return -ENOENT;
	}
	before = echo_listed_count(cmd, m, ifname, ifindex);
	if (before < 0)
		return before;
	return echo_sync(cmd, m, ifname, ifindex) < 0 ? -EIO : before;
}

/* What `attach` was asked for. */
struct attach_req {
	const char *ifname, *progarg, *prog_name, *section, *rules_set;
	bool force, native;
	int ifindex;
	char path[4096];
};

/* The words of `attach`: -1 to go on, else the exit code. */
static int attach_parse(int argc, char **argv, struct attach_req *r)
{
	memset(r, 0, sizeof(*r));
	r->native = true;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];

		if (is_help(a)) {
			attach_usage(stdout);
			return EXIT_OK;
		} else if (!strcmp(a, "--force")) {
			r->force = true;
		} else if (!strcmp(a, "--prog-name") || !strcmp(a, "--section") ||
			   !strcmp(a, "--rules") || !strcmp(a, "--mode")) {
			if (i + 1 >= argc || !argv[i + 1][0]) {
				err_msg("attach", "%s needs a value", a);
				return EXIT_USAGE;
			}
			i++;
			if (!strcmp(a, "--prog-name"))
				r->prog_name = argv[i];
			else if (!strcmp(a, "--section"))
				r->section = argv[i];
			else if (!strcmp(a, "--rules"))
				r->rules_set = argv[i];
			else if (!strcmp(argv[i], "native") || !strcmp(argv[i], "drv"))
				r->native = true;
			else if (!strcmp(argv[i], "skb") || !strcmp(argv[i], "generic"))
				r->native = false;
			else {
				err_msg("attach", "unknown mode '%s' (native or skb)", argv[i]);
				return EXIT_USAGE;
			}
		} else if (a[0] == '-') {
			err_msg("attach", "unknown option '%s'", a);
			return EXIT_USAGE;
		} else if (!r->ifname) {
			r->ifname = a;
		} else if (!r->progarg) {
			r->progarg = a;
		} else {
			err_msg("attach", "unexpected argument '%s'", a);
			return EXIT_USAGE;
		}
	}
	if (!r->ifname || !r->progarg) {
		attach_usage(stderr);
		return EXIT_USAGE;
	}
	if (r->rules_set && !filter_set_name_ok(r->rules_set)) {
		err_msg("attach", "bad rule set name '%s' (1 to %d of A-Z a-z 0-9 _ - .)",
			r->rules_set, FILTER_SET_NAME_MAX);
		return EXIT_USAGE;
	}
	return -1;
}

/* Where the maps of @prog's object go: the filter's in its rule set
 * (pl->set), every other program's by name in the pin root. */
static int prog_load_pins(const char *cmd, const struct prog_spec *spec, struct prog_load *pl)
{
	if (strcmp(bpf_program__name(pl->prog), E1K_PROG_FILTER)) {
		if (!spec->rules_set)
			return 0;
		err_msg(cmd, "--rules is for the filter, not %s", bpf_program__name(pl->prog));
		return -EINVAL;
	}
	pl->set = spec->rules_set ? spec->rules_set : spec->ifname;
	if (!filter_set_name_ok(pl->set)) {
		err_msg(cmd, "'%s' cannot name a rule set: give one with --rules NAME", pl->set);
		pl->set = NULL;
		return -EINVAL;
	}
	return filter_set_pin(pl->obj, pl->set);
}

int prog_load_open(const char *cmd, const struct prog_spec *spec, struct prog_load *pl)
{
	LIBBPF_OPTS(bpf_object_open_opts, open_opts, .pin_root_path = PIN_ROOT);
	int err;

	memset(pl, 0, sizeof(*pl));
	pl->obj = bpf_object__open_file(spec->path, &open_opts);
	if (!pl->obj) {
		err_msg(cmd, "'%s' is not a loadable BPF object: %s", spec->path, bpf_strerror(errno));
		return -EINVAL;
	}
	pl->prog = xdp_program_of(cmd, pl->obj, spec->path, spec->prog_name, spec->section);
	err = pl->prog ? prog_load_pins(cmd, spec, pl) : -ENOENT;
	if (err)
		return err;
	/* Pins are made by the load: the ones that were there before are
	 * another program's, and stay whatever happens. */
	pl->pinned_before = pins_present(pl->obj);
	pl->loaded = true;
	/* Only the XDP program is ours to load. */
	for (struct bpf_program *p = bpf_object__next_program(pl->obj, NULL); p;
	     p = bpf_object__next_program(pl->obj, p))
		bpf_program__set_autoload(p, p == pl->prog);
	/* The bundled programs read only headers, which lie in a frame's
	 * first buffer: loaded as multi-buffer (xdp.frags) programs they run
	 * at any MTU, where a driver gives a long frame as several buffers
	 * (e1k_xdp over 2022). Another object's program is loaded as its
	 * section says. */
	if (bundled_name_of_prog(bpf_program__name(pl->prog)))
		bpf_program__set_flags(pl->prog,
				       bpf_program__flags(pl->prog) | BPF_F_XDP_HAS_FRAGS);
	err = bpf_object__load(pl->obj);
	if (err)
		err_msg(cmd, "loading '%s' failed: %s", spec->path, bpf_strerror(err));
	return err;
}

void prog_load_close(struct prog_load *pl, bool failed)
{
	/* A failed command changes nothing: no pins of its own left behind
	 * (maps another program shares keep theirs). */
	if (failed && pl->loaded)
		unpin_new_maps(pl->obj, pl->pinned_before);
	if (failed && pl->set)
		filter_set_drop_empty(pl->set);
	bpf_object__close(pl->obj);
	pl->obj = NULL;
}

static void say_attached(const struct attach_req *r, const struct bpf_program *prog)
{
	const char *mode = r->native ? "native" : "skb";
	struct json j;

	if (!g_opts.json) {
		printf("attached %s (%s) to %s in %s mode\n", r->progarg, bpf_program__name(prog),
		       r->ifname, mode);
		return;
	}
	json_change_begin(&j, r->ifname, "attached");
	json_key(&j, "program");
	json_str(&j, bpf_program__name(prog));
	json_key(&j, "object");
	json_str(&j, r->path);
	json_key(&j, "mode");
	json_str(&j, mode);
	json_change_end(&j);
}

/* Open, load and attach; @had: the mode of the program already there. A
 * failure leaves no pin, address or set of its own behind. */
static int attach_object(const struct attach_req *r, enum xdp_attach_mode had)
{
	const struct prog_spec spec = { r->ifname, r->path, r->prog_name, r->section,
					r->rules_set };
	struct echo_maps echo = { -1, -1 };
	struct prog_load pl;
	int err, echo_before = -1;
	__u32 flags;

	err = prog_load_open("attach", &spec, &pl);
	if (err)
		goto out;
	if (!strcmp(bpf_program__name(pl.prog), E1K_PROG_ICMP_ECHO)) {
		echo_before = echo_prepare("attach", pl.obj, r->ifname, r->ifindex, &echo);
		if (echo_before < 0) {
			err = echo_before;
			goto out;
		}
	}
	flags = r->native ? XDP_FLAGS_DRV_MODE : XDP_FLAGS_SKB_MODE;
	if (!r->force)
		flags |= XDP_FLAGS_UPDATE_IF_NOEXIST;
	err = bpf_xdp_attach(r->ifindex, bpf_program__fd(pl.prog), flags, NULL);
	if (err) {
		explain_attach_error("attach", r->ifname, err, r->native, r->force, had);
		if (echo_before == 0)
			echo_forget("attach", &echo, r->ifname, r->ifindex);
		goto out;
	}
	say_attached(r, pl.prog);
out:
	prog_load_close(&pl, err != 0);
	return err;
}

int cmd_attach(int argc, char **argv)
{
	struct attach_req r;
	struct xdp_attached att;
	int rc = attach_parse(argc, argv, &r), lock, err;

	if (rc >= 0)
		return rc;
	if (require_caps("attach"))
		return EXIT_FAIL;
	r.ifindex = iface_index("attach", r.ifname);
	if (r.ifindex < 0)
		return EXIT_FAIL;
	if (prog_object_path("attach", r.progarg, r.path, sizeof(r.path)))
		return EXIT_FAIL;
	/* Creates the pin root too. Held until the end: pins, map contents
	 * and the hook change for one command at a time. */
	lock = pin_root_lock("attach", true);
	if (lock < 0)
		return EXIT_FAIL;
	/* Refused before anything is loaded or listed: a failed attach
	 * changes nothing. */
	if (xdp_attached_query(r.ifindex, &att))
		att.mode = XDP_MODE_NONE;
	if (att.mode != XDP_MODE_NONE &&
	    (!r.force || att.mode != (r.native ? XDP_MODE_NATIVE : XDP_MODE_SKB))) {
		explain_attach_error("attach", r.ifname, -EEXIST, r.native, r.force, att.mode);
		err = -EEXIST;
	} else {
		err = attach_object(&r, att.mode);
	}
	close(lock);
	return err ? EXIT_FAIL : EXIT_OK;
}

void prog_owned_find(const char *cmd, uint32_t prog_id, struct prog_owned *o)
{
	o->echo = (struct echo_maps){ -1, -1 };
	o->set[0] = '\0';
	/* The reflector's maps, found through the program while it is still
	 * attached. One of another layout is left alone (and said so). */
	if (attached_prog_named(prog_id, E1K_PROG_ICMP_ECHO)) {
		o->echo.a4 = attached_map_fd(cmd, prog_id, &layout_echo_addr4, false);
		o->echo.a6 = attached_map_fd(cmd, prog_id, &layout_echo_addr6, false);
	}
	if (filter_set_of_prog(prog_id, o->set, sizeof(o->set)))
		o->set[0] = '\0';
}

void prog_owned_release(const char *cmd, const char *ifname, int ifindex,
			const struct prog_owned *o)
{
	if (o->echo.a4 >= 0 && o->echo.a6 >= 0)
		echo_forget(cmd, &o->echo, ifname, ifindex);
	/* The rules go with the last filter using them: a set left behind
	 * would come back, policy deny and all, on the next attach. */
	if (o->set[0] && !filter_set_in_use(o->set, ifindex)) {
		int rm = filter_set_remove(o->set);

		if (rm)	/* done all the same: say what is left */
			err_msg(cmd, "removing rule set %s: %s", o->set, strerror(-rm));
		else if (!g_opts.json)
			printf("removed rule set %s (its rules and counters)\n", o->set);
	}
}

void prog_owned_close(struct prog_owned *o)
{
	if (o->echo.a4 >= 0)
		close(o->echo.a4);
	if (o->echo.a6 >= 0)
		close(o->echo.a6);
	o->echo = (struct echo_maps){ -1, -1 };
}

int detach_iface(const char *cmd, const char *ifname, int ifindex, bool keep_maps)
{
	struct prog_owned owned = { .echo = { -1, -1 } };
	struct xdp_attached att;
	__u32 flags;
	int err;

	err = xdp_attached_query(ifindex, &att);
	if (err) {
		err_msg(cmd, "%s: cannot query XDP: %s", ifname, strerror(-err));
		return err;
	}
	if (att.mode == XDP_MODE_NONE) {
		err_msg(cmd, "%s has no XDP program attached", ifname);
		return -ENOENT;
	}
	if (!keep_maps)
		prog_owned_find(cmd, att.prog_id, &owned);
	flags = att.mode == XDP_MODE_NATIVE ? XDP_FLAGS_DRV_MODE :
		att.mode == XDP_MODE_SKB ? XDP_FLAGS_SKB_MODE : XDP_FLAGS_HW_MODE;
	err = bpf_xdp_detach(ifindex, flags, NULL);
	if (err) {
		err_msg(cmd, "%s: %s", ifname, strerror(-err));
		goto out;
	}
	if (!g_opts.json) {
		printf("detached program %u from %s (%s mode)\n", att.prog_id, ifname,
		       xdp_mode_name(att.mode));
	} else {
		struct json j;

		json_change_begin(&j, ifname, "detached");
		json_key(&j, "id");
		json_u64(&j, att.prog_id);
		json_key(&j, "mode");
		json_str(&j, xdp_mode_name(att.mode));
		json_change_end(&j);
	}
	prog_owned_release(cmd, ifname, ifindex, &owned);
out:
	prog_owned_close(&owned);
	return err;
}

int cmd_detach(int argc, char **argv)
{
	const char *ifname = NULL;
	int ifindex, err, lock;
	bool keep = false;

	for (int i = 0; i < argc; i++) {
		if (is_help(argv[i])) {
			printf("usage: " PROG_NAME " detach IFACE [--keep-maps]\n\n"
			       "Detach the XDP program from IFACE, whatever its mode and\n"
			       "whoever attached it. What the loader's attach made for\n"
			       "IFACE goes too, unless --keep-maps: the filter's rule set\n"
			       "(when no other interface uses it), the ICMP echo\n"
			       "reflector's addresses. Maps pinned by `ip` stay.\n");
			return EXIT_OK;
		} else if (!strcmp(argv[i], "--keep-maps")) {
			keep = true;
			continue;
		} else if (argv[i][0] == '-' || ifname) {
			err_msg("detach", "unexpected argument '%s'", argv[i]);
			return EXIT_USAGE;
		}
		ifname = argv[i];
	}
	if (!ifname) {
		err_msg("detach", "usage: " PROG_NAME " detach IFACE");
		return EXIT_USAGE;
	}
	if (require_caps("detach"))
		return EXIT_FAIL;
	ifindex = iface_index("detach", ifname);
	if (ifindex < 0)
		return EXIT_FAIL;
	lock = pin_root_lock("detach", true);
	if (lock < 0)
		return EXIT_FAIL;
	err = detach_iface("detach", ifname, ifindex, keep);
	close(lock);
	return err ? EXIT_FAIL : EXIT_OK;
}

/* Whether the kernel counts programs' runs and run time
 * (sysctl kernel.bpf_stats_enabled): off by default, as it costs a little
 * on every run. */
static bool bpf_stats_enabled(void)
{
	FILE *f = fopen("/proc/sys/kernel/bpf_stats_enabled", "r");
	int on = 0;

	if (f) {
		if (fscanf(f, "%d", &on) != 1)
			on = 0;
		fclose(f);
	}
	return on == 1;
}

/* One interface's line (or JSON object) of `status`. */
static void status_one(struct json *j, const char *ifname, int ifindex)
{
	struct xdp_attached att;
	struct bpf_prog_info info = {};
	uint32_t len = sizeof(info), ids[64];
	bool stats = bpf_stats_enabled();
	int pfd = -1;

	if (xdp_attached_query(ifindex, &att))
		att.mode = XDP_MODE_NONE;
	if (att.mode != XDP_MODE_NONE) {
		pfd = bpf_prog_get_fd_by_id(att.prog_id);
		info.nr_map_ids = 64;
		info.map_ids = (uint64_t)(uintptr_t)ids;
		if (pfd < 0 || bpf_obj_get_info_by_fd(pfd, &info, &len))
			info.nr_map_ids = 0;
	}
	if (j) {
		json_obj_begin(j);
		json_key(j, "interface");
		json_str(j, ifname);
		json_key(j, "mode");
		json_str(j, xdp_mode_name(att.mode));
	} else if (att.mode == XDP_MODE_NONE) {
		printf("%-12s no XDP program\n", ifname);
	} else {
		printf("%-12s %-6s id %-5u %-16s tag %02x%02x%02x%02x%02x%02x%02x%02x maps:",
		       ifname, xdp_mode_name(att.mode), att.prog_id, info.name,
		       info.tag[0], info.tag[1], info.tag[2], info.tag[3], info.tag[4],
		       info.tag[5], info.tag[6], info.tag[7]);
	}
	if (att.mode != XDP_MODE_NONE && j) {
		json_key(j, "id");
		json_u64(j, att.prog_id);
		json_key(j, "name");
		json_str(j, info.name);
		if (stats) {
			json_key(j, "run_cnt");
			json_u64(j, info.run_cnt);
			json_key(j, "run_time_ns");
			json_u64(j, info.run_time_ns);
		}
		json_key(j, "maps");
		json_arr_begin(j);
	}
	for (uint32_t i = 0; att.mode != XDP_MODE_NONE && i < info.nr_map_ids && i < 64; i++) {
		struct bpf_map_info minfo = {};
		uint32_t mlen = sizeof(minfo);
		int mfd = bpf_map_get_fd_by_id(ids[i]);

		if (mfd < 0)
			continue;
		if (!bpf_obj_get_info_by_fd(mfd, &minfo, &mlen) && minfo.name[0] &&
		    !strchr(minfo.name, '.')) {	/* skip .rodata/.bss */
			if (j) {
				json_obj_begin(j);
				json_key(j, "name");
				json_str(j, minfo.name);
				json_key(j, "id");
				json_u64(j, minfo.id);
				json_obj_end(j);
			} else {
				printf(" %s(%u)", minfo.name, minfo.id);
			}
		}
		close(mfd);
	}
	if (att.mode != XDP_MODE_NONE) {
		if (j)
			json_arr_end(j);
		else if (stats)
			printf("\n%-12s runs %llu, %.0f ns each on average\n", "",
			       (unsigned long long)info.run_cnt,
			       info.run_cnt ? (double)info.run_time_ns / (double)info.run_cnt : 0.0);
		else
			printf("\n");
	}
	if (j)
		json_obj_end(j);
	if (pfd >= 0)
		close(pfd);
}

int cmd_status(int argc, char **argv)
{
	const char *ifname;
	struct json j, *jp = NULL;
	int rc = parse_optional_iface("status", argc, argv,
				      "usage: " PROG_NAME " status [IFACE] [--json]\n\n"
				      "Show the XDP program of IFACE (or of every interface): mode,\n"
				      "program id, name, tag and maps.\n", &ifname);

	if (rc >= 0)
		return rc;
	if (require_caps("status"))
		return EXIT_FAIL;
	if (g_opts.json) {
		json_init(&j, stdout);
		jp = &j;
	}
	if (ifname) {
		int idx = iface_index("status", ifname);

		if (idx < 0)
			return EXIT_FAIL;
		status_one(jp, ifname, idx);
	} else {
		struct if_nameindex *all = if_nameindex(), *p;

		if (!all) {
			err_msg("status", "cannot list interfaces: %s", strerror(errno));
			return EXIT_FAIL;
		}
		if (jp)
			json_arr_begin(jp);
		for (p = all; p->if_index; p++)
			status_one(jp, p->if_name, (int)p->if_index);
		if (jp)
			json_arr_end(jp);
		if_freenameindex(all);
	}
	if (jp)
		json_finish(jp);
	return EXIT_OK;
}
