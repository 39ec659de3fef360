// SPDX-License-Identifier: GPL-2.0
/*
 * apply and show-config: the configuration (config.h has its syntax) and
 * the running state.
 *
 * apply makes each interface of the file run what its section says, in two
 * passes. The first does, for every interface, all that can fail without
 * changing what a frame meets: the file is read, the interfaces found,
 * the objects loaded and the filters' new rule sets planned against their
 * maps. A bad line, a missing interface or object, a program the kernel
 * refuses: the command stops there, and nothing has changed. The second
 * pass switches each interface: a filter's rules in one step (the banks of
 * bpf/e1k_xdp_maps.h), written before its program is attached, so that
 * frames meet the old program with its rules or the new one with the new
 * rules, never a filter without them; then the program, replaced in one
 * step by bpf_xdp_attach.
 */
#include "config.h"
#include "json.h"
#include "loader.h"
#include "rules.h"
#include "ruleset.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* What apply does to one interface. */
struct iface_plan {
	const struct config_iface *c;
	int ifindex;
	struct xdp_attached att;
	bool keep;			/* the attached program stays */
	bool opened;			/* pl holds an object */
	struct prog_load pl;
	char path[4096];
	bool is_filter;
	struct ruleset want;
	struct ruleset_fds fd;		/* the filter's maps */
	struct filter_switch *sw;
	const char *action;		/* what pass two did, for the report */
	bool bad_file;			/* pass one failed on what the file says */
};

static void apply_usage(FILE *f)
{
	fprintf(f,
		"usage: " PROG_NAME " apply [FILE|-] [--interface IFACE] [--check]\n"
		"\n"
		"Make the running state match the configuration FILE (default\n"
		CONFIG_DEFAULT_PATH "): for each interface it names, the XDP\n"
		"program, attached in native mode, and the filter's settings and rules.\n"
		"Interfaces the file does not name are left as they are. With\n"
		"--interface, only IFACE's section is applied (none: nothing to do).\n"
		"\n"
		"Everything that can fail is checked first, for every interface (the\n"
		"file line by line, the interfaces, the objects, whether the rules fit):\n"
		"a bad file changes nothing and names its line. Then each interface is\n"
		"switched, its rule set in one step and its program in one more, so\n"
		"that no frame meets a filter without its rules. A program or rule set\n"
		"already as configured stays (its counters too). --check does all the\n"
		"checking and changes nothing. See the CONFIGURATION section of\n"
		PROG_NAME "(8) for the file's syntax.\n");
}

static bool same_tag(uint32_t prog_id, int prog_fd)
{
	struct bpf_prog_info a = {}, b = {};
	uint32_t alen = sizeof(a), blen = sizeof(b);
	int fd = bpf_prog_get_fd_by_id(prog_id);
	bool same;

	if (fd < 0)
		return false;
	same = !bpf_obj_get_info_by_fd(fd, &a, &alen) && !bpf_obj_get_info_by_fd(prog_fd, &b, &blen) &&
	       !strcmp(a.name, b.name) && !memcmp(a.tag, b.tag, sizeof(a.tag));
	close(fd);
	return same;
}

/* Does the attached program stay? When it is the configured program
 * (same name, same instructions) in native mode and, for the filter, uses
 * the interface's own rule set: a rule set another interface shares would
 * change under it. */
static bool keeps_attached(struct iface_plan *p)
{
	char set[FILTER_SET_NAME_MAX + 1];

	if (p->att.mode != XDP_MODE_NATIVE || !same_tag(p->att.prog_id, bpf_program__fd(p->pl.prog)))
		return false;
	if (!p->is_filter)
		return true;
	return !filter_set_of_prog(p->att.prog_id, set, sizeof(set)) && p->pl.set &&
	       !strcmp(set, p->pl.set);
}

/* Pass one for an interface with a program: load it, decide whether the
 * attached one stays, plan the filter's switch. */
static int prepare_program(const char *file, struct iface_plan *p)
{
	const struct config_iface *c = p->c;
	const struct prog_spec spec = { c->ifname, p->path, c->prog_name[0] ? c->prog_name : NULL,
					c->section[0] ? c->section : NULL, NULL };
	int err;

	if (p->att.mode != XDP_MODE_NONE && p->att.mode != XDP_MODE_NATIVE) {
		err_msg("apply", "%s runs program %u in %s mode; a configuration attaches in native mode, and the kernel runs one mode at a time: detach it first",
			c->ifname, p->att.prog_id, xdp_mode_name(p->att.mode));
		return -EBUSY;
	}
	if (prog_object_path("apply", c->program, p->path, sizeof(p->path)))
		return -ENOENT;
	p->opened = true;
	err = prog_load_open("apply", &spec, &p->pl);
	if (err)
		return err;
	p->is_filter = !strcmp(bpf_program__name(p->pl.prog), E1K_PROG_FILTER);
	if (c->rules_line && !p->is_filter) {
		err_msg("apply", "%s:%d: filter rules for %s, whose program (%s in %s) is not the filter",
			file, c->rules_line, c->ifname, bpf_program__name(p->pl.prog), p->path);
		p->bad_file = true;
		return -EINVAL;
	}
	p->keep = keeps_attached(p);
	if (!p->is_filter)
		return 0;
	/* The maps of the object's rule set: the attached program's too when
	 * it stays (the same pins). */
	err = filter_fds_of_object("apply", p->pl.obj, &p->fd);
	if (err)
		return err;
	p->want = c->rules;
	return filter_switch_plan("apply", &p->fd, &p->want, true, &p->sw);
}

static int prepare(const char *file, struct iface_plan *p)
{
	int err;

	p->ifindex = iface_index("apply", p->c->ifname);
	if (p->ifindex < 0)
		return p->ifindex;
	err = xdp_attached_query(p->ifindex, &p->att);
	if (err) {
		err_msg("apply", "%s: cannot query XDP: %s", p->c->ifname, strerror(-err));
		return err;
	}
	return p->c->detach ? 0 : prepare_program(file, p);
}

/* Attach the loaded program in place of the one there (if any): one step,
 * and only if the one there is still the one pass one saw. */
static int replace_program(struct iface_plan *p)
{
	LIBBPF_OPTS(bpf_xdp_attach_opts, opts);
	struct prog_owned owned = { .echo = { -1, -1 } };
	__u32 flags = XDP_FLAGS_DRV_MODE;
	int old_fd = -1, err;

	if (p->att.mode == XDP_MODE_NONE) {
		flags |= XDP_FLAGS_UPDATE_IF_NOEXIST;
	} else {
		old_fd = bpf_prog_get_fd_by_id(p->att.prog_id);
		if (old_fd < 0) {
			err_msg("apply", "%s: program %u: %s", p->c->ifname, p->att.prog_id,
				strerror(errno));
			return -errno;
		}
		flags |= XDP_FLAGS_REPLACE;
		opts.old_prog_fd = old_fd;
		prog_owned_find("apply", p->att.prog_id, &owned);
	}
	err = bpf_xdp_attach(p->ifindex, bpf_program__fd(p->pl.prog), flags, &opts);
	if (err) {
		explain_attach_error("apply", p->c->ifname, err, true, true, p->att.mode);
		goto out;
	}
	/* What only the old program used goes with it, as on detach; not
	 * what the new one uses as well (the same rule set, the reflector's
	 * addresses it has just listed). */
	if (!strcmp(owned.set, p->pl.set ? p->pl.set : ""))
		owned.set[0] = '\0';
	if (!strcmp(bpf_program__name(p->pl.prog), E1K_PROG_ICMP_ECHO))
		prog_owned_close(&owned);
	prog_owned_release("apply", p->c->ifname, p->ifindex, &owned);
out:
	prog_owned_close(&owned);
	if (old_fd >= 0)
		close(old_fd);
	return err;
}

/* Pass two for an interface: its rules, then its program. */
static int switch_iface(struct iface_plan *p)
{
	struct echo_maps echo;
	int echo_before = -1, err;

	if (p->c->detach) {
		if (p->att.mode == XDP_MODE_NONE) {
			p->action = "unchanged";
			return 0;
		}
		p->action = "detached";
		return detach_iface("apply", p->c->ifname, p->ifindex, false);
	}
	if (p->sw) {
		err = filter_switch_write("apply", &p->fd, p->sw);
		if (err)
			return err;
	}
	/* The reflector answers for the interface's addresses of now. */
	if (!strcmp(bpf_program__name(p->pl.prog), E1K_PROG_ICMP_ECHO)) {
		echo_before = echo_prepare("apply", p->pl.obj, p->c->ifname, p->ifindex, &echo);
		if (echo_before < 0)
			return echo_before;
	}
	if (p->keep) {
		p->action = "kept";
		return 0;
	}
	/* Only once it is attached do its pins stay on a failure (plan_free). */
	err = replace_program(p);
	if (!err)
		p->action = "attached";
	else if (echo_before == 0)
		/* A reflector that did not get attached answers for nothing:
		 * the addresses listed for it go, as attach's do (the maps
		 * may be pinned for another interface's reflector and stay). */
		echo_forget("apply", &echo, p->c->ifname, p->ifindex);
	return err;
}

static void say_applied(const struct iface_plan *p)
{
	struct xdp_attached now;
	struct json j;

	if (xdp_attached_query(p->ifindex, &now))
		now.mode = XDP_MODE_NONE;
	if (!g_opts.json) {
		if (p->c->detach) {
			if (!strcmp(p->action, "unchanged"))
				printf("%s: no program, as configured\n", p->c->ifname);
			return;	/* detach_iface said what it did */
		}
		printf("%s: %s %s (%s, id %u, native mode)", p->c->ifname, p->c->program,
		       p->action, bpf_program__name(p->pl.prog), now.prog_id);
		if (p->is_filter)
			printf(", %u rule%s, policy %s, unclassified %s", p->want.n, p->want.n == 1 ? "" : "s",
			       policy_name(p->want.policy), unclass_name(p->want.unclass));
		printf("\n");
		return;
	}
	if (p->c->detach && strcmp(p->action, "unchanged"))
		return;
	json_change_begin(&j, p->c->ifname, p->action);
	json_key(&j, "program");
	json_str(&j, p->c->detach ? "none" : p->c->program);
	if (!p->c->detach) {
		json_key(&j, "id");
		json_u64(&j, now.prog_id);
	}
	if (p->is_filter) {
		json_key(&j, "rules");
		json_u64(&j, p->want.n);
		json_key(&j, "policy");
		json_str(&j, policy_name(p->want.policy));
		json_key(&j, "unclassified");
		json_str(&j, unclass_name(p->want.unclass));
	}
	json_change_end(&j);
}

static void plan_free(struct iface_plan *p, bool failed)
{
	filter_switch_free(p->sw);
	p->sw = NULL;
	if (p->is_filter)
		filter_fds_close(&p->fd);
	/* A program attached in pass two is the interface's now; its pins
	 * stay. Everything else pass one loaded is dropped, and its new pins
	 * with it when the command failed. */
	if (p->opened)
		prog_load_close(&p->pl, failed && !(p->action && !strcmp(p->action, "attached")));
	p->opened = false;
}

/* The words of `apply`: -1 to go on, else the exit code. */
static int apply_parse(int argc, char **argv, const char **file, const char **only,
		       bool *check)
{
	*file = CONFIG_DEFAULT_PATH;
	*only = NULL;
	*check = false;
	for (int i = 0, files = 0; i < argc; i++) {
		if (is_help(argv[i])) {
			apply_usage(stdout);
			return EXIT_OK;
		} else if (!strcmp(argv[i], "--interface")) {
			if (i + 1 >= argc || !argv[i + 1][0]) {
				err_msg("apply", "--interface needs an interface");
				return EXIT_USAGE;
			}
			*only = argv[++i];
		} else if (!strcmp(argv[i], "--check")) {
			*check = true;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			err_msg("apply", "unknown option '%s'", argv[i]);
			return EXIT_USAGE;
		} else if (files++) {
			err_msg("apply", "one configuration file at a time ('%s' and '%s')", *file,
				argv[i]);
			return EXIT_USAGE;
		} else {
			*file = argv[i];
		}
	}
	return -1;
}

/* The sections to apply: all, or @only's. */
static unsigned int select_sections(const struct config *cfg, const char *only,
				    struct iface_plan *plans)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < cfg->n; i++) {
		if (only && strcmp(cfg->iface[i].ifname, only))
			continue;
		memset(&plans[n], 0, sizeof(plans[n]));
		memset(&plans[n].fd, -1, sizeof(plans[n].fd));
		plans[n++].c = &cfg->iface[i];
	}
	return n;
}

/* Both passes; the command's exit code. Only a file that says something
 * impossible is a usage error; whatever the kernel refuses (an object, the
 * attach itself, with its own errno, EINVAL included) is a failure. */
static int run_apply(const char *file, struct iface_plan *plans, unsigned int n, bool check)
{
	unsigned int i, done = 0;
	int err = 0, rc = EXIT_FAIL;

	for (i = 0; i < n && !err; i++)
		err = prepare(file, &plans[i]);
	if (err) {
		err_msg("apply", "nothing changed");
		if (plans[i - 1].bad_file)
			rc = EXIT_USAGE;
		goto out;
	}
	if (check) {
		if (!g_opts.json)
			printf("%s: %u interface%s can be applied\n", file, n, n == 1 ? "" : "s");
		err = -ECANCELED;	/* drop what pass one made */
		rc = EXIT_OK;
		goto out;
	}
	for (i = 0; i < n && !err; i++) {
		err = switch_iface(&plans[i]);
		if (!err) {
			say_applied(&plans[i]);
			done++;
		}
	}
	if (err) {
		char before[CONFIG_MAX_INTERFACES * (CONFIG_IFNAME_MAX + 2)] = "";

		for (unsigned int k = 0; k < done; k++)
			snprintf(before + strlen(before), sizeof(before) - strlen(before), " %s",
				 plans[k].c->ifname);
		err_msg("apply", "%s was not switched (it runs what it ran before); switched before it:%s",
			plans[i - 1].c->ifname, done ? before : " none");
	} else {
		rc = EXIT_OK;
	}
out:
	for (i = 0; i < n; i++)
		plan_free(&plans[i], err != 0);
	return rc;
}

int cmd_apply(int argc, char **argv)
{
	struct iface_plan *plans = NULL;
	const char *file, *only;
	struct config *cfg;
	char why[600];
	bool check;
	int rc = apply_parse(argc, argv, &file, &only, &check), lock;
	unsigned int n;

	if (rc >= 0)
		return rc;
	cfg = calloc(1, sizeof(*cfg));
	plans = calloc(CONFIG_MAX_INTERFACES, sizeof(*plans));
	if (!cfg || !plans) {
		err_msg("apply", "out of memory");
		rc = EXIT_FAIL;
		goto out;
	}
	/* The whole file first: a bad line changes nothing. */
	if (config_read(file, cfg, why, sizeof(why))) {
		err_msg("apply", "%s; nothing changed", why);
		rc = EXIT_USAGE;
		goto out;
	}
	n = select_sections(cfg, only, plans);
	if (n == 0) {
		if (!g_opts.json)
			printf("%s names %s: nothing to do\n", file,
			       only ? "no such interface" : "no interface");
		rc = EXIT_OK;
		goto out;
	}
	rc = EXIT_FAIL;
	if (require_caps("apply"))
		goto out;
	/* One command at a time changes pins and rules: held to the end. */
	lock = pin_root_lock("apply", true);
	if (lock < 0)
		goto out;
	rc = run_apply(file, plans, n, check);
	close(lock);
out:
	free(plans);
	free(cfg);
	return rc;
}

/* show-config: one interface's section, from what runs on it. */
static int show_iface(struct json *j, const char *ifname, int ifindex, bool asked)
{
	struct xdp_attached att;
	struct bpf_prog_info info = {};
	uint32_t len = sizeof(info);
	struct ruleset_fds fd;
	struct ruleset *set = NULL;
	const char *name;
	int pfd, err = 0;

	if (xdp_attached_query(ifindex, &att))
		att.mode = XDP_MODE_NONE;
	if (att.mode == XDP_MODE_NONE) {
		if (!asked)
			return 0;
		if (j) {
			json_obj_begin(j);
			json_key(j, "interface");
			json_str(j, ifname);
			json_key(j, "program");
			json_str(j, "none");
			json_obj_end(j);
		} else {
			printf("interface %s\n\tprogram none\n", ifname);
		}
		return 0;
	}
	pfd = bpf_prog_get_fd_by_id(att.prog_id);
	if (pfd < 0 || bpf_obj_get_info_by_fd(pfd, &info, &len)) {
		err_msg("show-config", "%s: program %u: %s", ifname, att.prog_id, strerror(errno));
		if (pfd >= 0)
			close(pfd);
		return -errno;
	}
	close(pfd);
	name = bundled_name_of_prog(info.name);
	if (!name || att.mode != XDP_MODE_NATIVE) {
		/* Nothing a configuration could say: told, commented out. */
		if (!j)
			printf("# interface %s: program %s (id %u, %s mode) %s\n", ifname, info.name,
			       att.prog_id, xdp_mode_name(att.mode),
			       !name ? "is not a bundled one: its object file is not known" :
				       "runs in a mode a configuration cannot give");
		else {
			json_obj_begin(j);
			json_key(j, "interface");
			json_str(j, ifname);
			json_key(j, "program_name");
			json_str(j, info.name);
			json_key(j, "mode");
			json_str(j, xdp_mode_name(att.mode));
			json_obj_end(j);
		}
		return 0;
	}
	if (!strcmp(info.name, E1K_PROG_FILTER)) {
		set = calloc(1, sizeof(*set));
		err = set ? filter_fds_of_prog("show-config", ifname, att.prog_id, &fd) : -ENOMEM;
		if (!err) {
			err = filter_read_active("show-config", &fd, set);
			filter_fds_close(&fd);
		}
		if (err)
			goto out;
	}
	if (j) {
		json_obj_begin(j);
		json_key(j, "interface");
		json_str(j, ifname);
		json_key(j, "program");
		json_str(j, name);
		if (set) {
			char text[256];

			json_key(j, "policy");
			json_str(j, policy_name(set->policy));
			json_key(j, "unclassified");
			json_str(j, unclass_name(set->unclass));
			json_key(j, "rules");
			json_arr_begin(j);
			for (unsigned int i = 0; i < set->n; i++) {
				rule_format(&set->r[i], text, sizeof(text));
				json_str(j, text);
			}
			json_arr_end(j);
		}
		json_obj_end(j);
	} else {
		printf("interface %s\n\tprogram %s\n", ifname, name);
		if (set)
			ruleset_file_print(stdout, set, "\t");
	}
out:
	free(set);
	return err;
}

int cmd_show_config(int argc, char **argv)
{
	const char *ifname;
	struct json j, *jp = NULL;
	int err = 0, lock;

	err = parse_optional_iface("show-config", argc, argv,
				   "usage: " PROG_NAME " show-config [IFACE] [--json]\n\n"
				   "Print the running state as a configuration that `apply` reads:\n"
				   "each interface with an XDP program (or IFACE only), the program\n"
				   "and, for the filter, its settings and rules. A program that no\n"
				   "configuration can name (not a bundled one, or not in native\n"
				   "mode) is shown in a comment.\n", &ifname);
	if (err >= 0)
		return err;
	err = 0;
	if (require_caps("show-config"))
		return EXIT_FAIL;
	lock = pin_root_lock("show-config", false);
	if (lock < 0)
		return EXIT_FAIL;
	if (g_opts.json) {
		json_init(&j, stdout);
		jp = &j;
		json_arr_begin(jp);
	} else {
		printf("# e1k-xdp configuration: the running state (" PROG_NAME " show-config)\n");
	}
	if (ifname) {
		int idx = iface_index("show-config", ifname);

		err = idx < 0 ? idx : show_iface(jp, ifname, idx, true);
	} else {
		struct if_nameindex *all = if_nameindex(), *p;

		if (!all) {
			err_msg("show-config", "cannot list interfaces: %s", strerror(errno));
			err = -errno;
		}
		for (p = all; p && p->if_index && !err; p++)
			err = show_iface(jp, p->if_name, (int)p->if_index, false);
		if (all)
			if_freenameindex(all);
	}
	if (jp) {
		json_arr_end(jp);
		json_finish(jp);
	}
	close(lock);
	return err ? EXIT_FAIL : EXIT_OK;
}
