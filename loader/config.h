/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The files the loader reads, pure C with no BPF calls, so they are unit
 * tested on their own (tests/unit/loader_config_test.c):
 *
 *  - a rule set: what `filter save` prints and `filter load` reads, the
 *    settings and rules of one filter, each line as `filter add` takes it;
 *  - the configuration that `apply` makes the running state match
 *    (/etc/e1k-xdp/e1k-xdp.conf), which `show-config` prints:
 *
 *      interface IFACE                     starts IFACE's section
 *          program NAME|FILE [prog-name N] [section S]
 *                                          its XDP program (native mode)
 *          program none                    no program on IFACE
 *          policy allow|deny               the filter's settings and
 *          unclassified rules|allow|deny   rules, as `filter add` takes
 *          allow|deny MATCH...             them, in priority order
 *
 * In both, a line holds one statement; words are separated by blanks; a #
 * starts a comment that runs to the end of the line. Nothing is half read:
 * the first bad line fails the whole file, with "FILE:LINE: reason".
 */
#ifndef E1K_CONFIG_H
#define E1K_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "ruleset.h"

#define CONFIG_DEFAULT_PATH "/etc/e1k-xdp/e1k-xdp.conf"
#define CONFIG_MAX_INTERFACES 64
#define CONFIG_LINE_MAX 1024
#define CONFIG_IFNAME_MAX 15	/* IFNAMSIZ - 1 */
#define CONFIG_NAME_MAX 127	/* --prog-name, --section */

/* What one interface is to run. */
struct config_iface {
	char ifname[CONFIG_IFNAME_MAX + 1];
	int line;			/* its "interface" line */
	int program_line;		/* its "program" line */
	bool detach;			/* program none */
	char program[4096];		/* a bundled name or an object file */
	char prog_name[CONFIG_NAME_MAX + 1];	/* "" when not given */
	char section[CONFIG_NAME_MAX + 1];
	int rules_line;			/* its first filter line, 0 if none */
	struct ruleset rules;		/* every id RULESET_NEW_ID */
};

struct config {
	unsigned int n;
	struct config_iface iface[CONFIG_MAX_INTERFACES];
};

/* The bundled programs (filter, icmp-echo, drop, pass, tx), which the
 * command line and a configuration name without a path: the object file of
 * @name and the name of its XDP program once loaded; NULL when @name is
 * none of them. */
const char *bundled_object_file(const char *name);
const char *bundled_prog_name(const char *name);
/* The bundled name of a loaded XDP program's name; NULL when none. */
const char *bundled_name_of_prog(const char *prog_name);

/* Add one line's words, as `filter add` takes them, to @set: a setting
 * replaces the one before, a rule goes after the others with no counter
 * yet (RULESET_NEW_ID). 0, or -1 with the reason in @err (a bad rule, the
 * same rule twice, more rules than the filter holds). */
int ruleset_add_words(struct ruleset *set, int argc, char **argv, char *err, size_t errlen);

/* Read a rule set file (@path "-": standard input). 0, or -1 with
 * "PATH:LINE: reason" (or why it cannot be read) in @err. */
int ruleset_file_read(const char *path, struct ruleset *out, char *err, size_t errlen);

/* Print @set as a rule set file, each line after @indent. */
void ruleset_file_print(FILE *f, const struct ruleset *set, const char *indent);

/* Read a configuration (@path "-": standard input). 0, or -1 with
 * "PATH:LINE: reason" in @err. */
int config_read(const char *path, struct config *out, char *err, size_t errlen);

/* The section of @ifname, or NULL. */
const struct config_iface *config_find(const struct config *cfg, const char *ifname);

#endif
