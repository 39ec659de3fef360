// SPDX-License-Identifier: GPL-2.0
/*
 * Reading the loader's files: rule sets and the configuration (config.h
 * has their syntax). Pure C: parsing never touches a map, so a file with a
 * bad line is refused before anything changes.
 */
#include "config.h"
#include "rules.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const struct {
	const char *name, *file, *prog;
} bundled[] = {
	{ "filter", "xdp_filter.bpf.o", E1K_PROG_FILTER },
	{ "icmp-echo", "xdp_icmp_echo.bpf.o", E1K_PROG_ICMP_ECHO },
	{ "drop", "xdp_drop.bpf.o", E1K_PROG_DROP },
	{ "pass", "xdp_pass.bpf.o", E1K_PROG_PASS },
	{ "tx", "xdp_tx.bpf.o", E1K_PROG_TX },
};

#define NBUNDLED (sizeof(bundled) / sizeof(bundled[0]))

const char *bundled_object_file(const char *name)
{
	for (size_t i = 0; i < NBUNDLED; i++)
		if (!strcmp(name, bundled[i].name))
			return bundled[i].file;
	return NULL;
}

const char *bundled_prog_name(const char *name)
{
	for (size_t i = 0; i < NBUNDLED; i++)
		if (!strcmp(name, bundled[i].name))
			return bundled[i].prog;
	return NULL;
}

const char *bundled_name_of_prog(const char *prog_name)
{
	for (size_t i = 0; i < NBUNDLED; i++)
		if (!strcmp(prog_name, bundled[i].prog))
			return bundled[i].name;
	return NULL;
}

int ruleset_add_words(struct ruleset *set, int argc, char **argv, char *err, size_t errlen)
{
	struct parsed_rule p;

	if (rule_parse(argc, argv, &p, err, errlen))
		return -1;
	if (p.kind == RULE_POLICY) {
		set->policy = p.setting;
	} else if (p.kind == RULE_UNCLASSIFIED) {
		set->unclass = p.setting;
	} else if (ruleset_find(set, &p.rule) >= 0) {
		snprintf(err, errlen, "the same rule twice");
		return -1;
	} else if (set->n == E1K_FILTER_MAX_RULES) {
		snprintf(err, errlen, "more than %d rules, the most the filter holds",
			 E1K_FILTER_MAX_RULES);
		return -1;
	} else {
		set->r[set->n] = p.rule;
		set->r[set->n].id = RULESET_NEW_ID;
		set->n++;
	}
	return 0;
}

void ruleset_file_print(FILE *f, const struct ruleset *set, const char *indent)
{
	char text[256];

	fprintf(f, "%spolicy %s\n", indent, policy_name(set->policy));
	fprintf(f, "%sunclassified %s\n", indent, unclass_name(set->unclass));
	for (unsigned int i = 0; i < set->n; i++) {
		rule_format(&set->r[i], text, sizeof(text));
		fprintf(f, "%s%s\n", indent, text);
	}
}

/* A file read line by line, for the "PATH:LINE: reason" of an error. */
struct reader {
	const char *path;
	FILE *f;
	int lineno;
	char line[CONFIG_LINE_MAX + 2];
	char *words[64];
	int nwords;
	char *err;
	size_t errlen;
};

static int fail(struct reader *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int fail(struct reader *r, const char *fmt, ...)
{
	char why[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	snprintf(r->err, r->errlen, "%s:%d: %s", r->path, r->lineno, why);
	return -1;
}

static int reader_open(struct reader *r, const char *path, char *err, size_t errlen)
{
	memset(r, 0, sizeof(*r));
	r->path = path;
	r->err = err;
	r->errlen = errlen;
	r->f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	if (!r->f) {
		snprintf(err, errlen, "cannot read '%s': %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* The next line with words: 1, 0 at the end of the file, -1 on an error.
 * A line too long, a NUL byte or too many words is an error, never a
 * line cut in two. */
static int reader_next(struct reader *r)
{
	for (;;) {
		char *save = NULL, *hash;
		size_t len;

		if (!fgets(r->line, sizeof(r->line), r->f)) {
			if (ferror(r->f)) {
				snprintf(r->err, r->errlen, "reading '%s': %s", r->path, strerror(errno));
				return -1;
			}
			return 0;
		}
		r->lineno++;
		len = strlen(r->line);
		if (len > CONFIG_LINE_MAX || (len && r->line[len - 1] != '\n' && !feof(r->f)))
			return fail(r, "line longer than %d characters", CONFIG_LINE_MAX);
		hash = strchr(r->line, '#');
		if (hash)
			*hash = '\0';
		r->nwords = 0;
		for (char *w = strtok_r(r->line, " \t\r\n", &save); w;
		     w = strtok_r(NULL, " \t\r\n", &save)) {
			if (r->nwords == (int)(sizeof(r->words) / sizeof(r->words[0])))
				return fail(r, "more than %zu words",
					    sizeof(r->words) / sizeof(r->words[0]));
			r->words[r->nwords++] = w;
		}
		if (r->nwords)
			return 1;
	}
}

static void reader_close(struct reader *r)
{
	if (r->f && r->f != stdin)
		fclose(r->f);
}

int ruleset_file_read(const char *path, struct ruleset *out, char *err, size_t errlen)
{
	struct reader r;
	char why[256];
	int more, rc = 0;

	ruleset_init(out);
	if (reader_open(&r, path, err, errlen))
		return -1;
	while (!rc && (more = reader_next(&r)) != 0) {
		if (more < 0)
			rc = -1;
		else if (ruleset_add_words(out, r.nwords, r.words, why, sizeof(why)))
			rc = fail(&r, "%s", why);
	}
	reader_close(&r);
	return rc;
}

/* An interface name the kernel could have: 1 to 15 characters, none of
 * them blank, '/' or ':' (dev_valid_name()). */
static bool ifname_ok(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n > CONFIG_IFNAME_MAX || !strcmp(name, ".") || !strcmp(name, ".."))
		return false;
	return !strpbrk(name, "/:");
}

const struct config_iface *config_find(const struct config *cfg, const char *ifname)
{
	for (unsigned int i = 0; i < cfg->n; i++)
		if (!strcmp(cfg->iface[i].ifname, ifname))
			return &cfg->iface[i];
	return NULL;
}

static int copy_word(struct reader *r, char *dst, size_t size, const char *what, const char *w)
{
	if (strlen(w) >= size)
		return fail(r, "%s '%s' is longer than %zu characters", what, w, size - 1);
	snprintf(dst, size, "%s", w);
	return 0;
}

/* program NAME|FILE [prog-name N] [section S] | program none */
static int read_program(struct reader *r, struct config_iface *ifc)
{
	const char *prog;
	int i;

	if (ifc->program_line)
		return fail(r, "a second program for %s (the first on line %d)", ifc->ifname,
			    ifc->program_line);
	if (r->nwords < 2)
		return fail(r, "program needs a name (filter, icmp-echo, drop, pass, tx), an object file or none");
	ifc->program_line = r->lineno;
	prog = r->words[1];
	if (!strcmp(prog, "none")) {
		if (r->nwords > 2)
			return fail(r, "program none takes nothing after it");
		ifc->detach = true;
		return 0;
	}
	if (!strchr(prog, '/') && !bundled_object_file(prog))
		return fail(r, "unknown program '%s' (filter, icmp-echo, drop, pass, tx, none, or the path of an object file)",
			    prog);
	if (copy_word(r, ifc->program, sizeof(ifc->program), "the object file", prog))
		return -1;
	for (i = 2; i < r->nwords; i += 2) {
		const char *key = r->words[i];

		if (i + 1 >= r->nwords)
			return fail(r, "%s needs a value", key);
		if (!strcmp(key, "prog-name")) {
			if (copy_word(r, ifc->prog_name, sizeof(ifc->prog_name), key, r->words[i + 1]))
				return -1;
		} else if (!strcmp(key, "section")) {
			if (copy_word(r, ifc->section, sizeof(ifc->section), key, r->words[i + 1]))
				return -1;
		} else {
			return fail(r, "unknown program option '%s' (prog-name, section)", key);
		}
	}
	return 0;
}

static int read_interface(struct reader *r, struct config *cfg)
{
	const struct config_iface *before;
	struct config_iface *ifc;

	if (r->nwords != 2)
		return fail(r, "interface takes one name: interface IFACE");
	if (!ifname_ok(r->words[1]))
		return fail(r, "'%s' is not an interface name (1 to %d characters, no '/' or ':')",
			    r->words[1], CONFIG_IFNAME_MAX);
	before = config_find(cfg, r->words[1]);
	if (before)
		return fail(r, "a second section for %s (the first on line %d)", r->words[1],
			    before->line);
	if (cfg->n == CONFIG_MAX_INTERFACES)
		return fail(r, "more than %d interfaces", CONFIG_MAX_INTERFACES);
	ifc = &cfg->iface[cfg->n++];
	memset(ifc, 0, sizeof(*ifc));
	snprintf(ifc->ifname, sizeof(ifc->ifname), "%s", r->words[1]);
	ifc->line = r->lineno;
	ruleset_init(&ifc->rules);
	return 0;
}

/* What a finished section must hold: a program, and filter lines only
 * for a program that can be the filter. */
static int check_section(struct reader *r, const struct config_iface *ifc)
{
	const char *prog;

	if (!ifc->program_line) {
		r->lineno = ifc->line;
		return fail(r, "interface %s has no program line (program NAME|FILE|none)",
			    ifc->ifname);
	}
	if (!ifc->rules_line)
		return 0;
	prog = ifc->detach ? "none" : ifc->program;
	if (ifc->detach || (!strchr(prog, '/') && strcmp(prog, "filter"))) {
		r->lineno = ifc->rules_line;
		return fail(r, "filter rules and settings for %s, whose program is %s, not the filter",
			    ifc->ifname, prog);
	}
	return 0;
}

int config_read(const char *path, struct config *out, char *err, size_t errlen)
{
	struct config_iface *ifc = NULL;
	struct reader r;
	char why[256];
	int more, rc = 0;

	memset(out, 0, sizeof(*out));
	if (reader_open(&r, path, err, errlen))
		return -1;
	while (!rc && (more = reader_next(&r)) != 0) {
		const char *kw = r.words[0];

		if (more < 0) {
			rc = -1;
		} else if (!strcmp(kw, "interface")) {
			if (ifc)
				rc = check_section(&r, ifc);
			if (!rc) {
				rc = read_interface(&r, out);
				ifc = rc ? NULL : &out->iface[out->n - 1];
			}
		} else if (!ifc) {
			rc = fail(&r, "'%s' before the first interface line", kw);
		} else if (!strcmp(kw, "program")) {
			rc = read_program(&r, ifc);
		} else if (!rule_first_word(kw)) {
			rc = fail(&r, "unknown statement '%s' (interface, program, policy, unclassified, allow, deny)",
				  kw);
		} else if (ruleset_add_words(&ifc->rules, r.nwords, r.words, why, sizeof(why))) {
			rc = fail(&r, "%s", why);
		} else if (!ifc->rules_line) {
			ifc->rules_line = r.lineno;
		}
	}
	if (!rc && ifc)
		rc = check_section(&r, ifc);
	reader_close(&r);
	return rc;
}
