// SPDX-License-Identifier: GPL-2.0
/*
 * e1k-xdp-loader: attach XDP programs, show them, read their counters and
 * manage the filter's rules. `e1k-xdp-loader help` lists the commands.
 */
#include "loader.h"
#include "version.h"

#include <stdio.h>
#include <string.h>

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
} commands[] = {
	{ "attach", cmd_attach, "attach IFACE PROG [--mode native|skb] [--force]" },
	{ "detach", cmd_detach, "detach IFACE" },
	{ "status", cmd_status, "status [IFACE]" },
	{ "stats", cmd_stats, "stats IFACE [--interval S] [--count N] [--per-cpu]" },
	{ "filter", cmd_filter,
	  "filter add|insert|replace|del|list|flush|save|load IFACE [SLOT] [RULE|FILE]" },
	{ "echo", cmd_echo, "echo list|sync|add|del IFACE [ADDR[/LEN]]" },
	{ "apply", cmd_apply, "apply [FILE|-] [--interface IFACE] [--check]" },
	{ "show-config", cmd_show_config, "show-config [IFACE]" },
};

static void usage(FILE *f)
{
	fprintf(f, "usage: " PROG_NAME " [--json] [--verbose] COMMAND ARGS...\n"
		   "       " PROG_NAME " --version\n\n"
		   "commands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %s\n", commands[i].summary);
	fprintf(f, "\n'" PROG_NAME " COMMAND --help' tells more of each; PROG is a\n"
		   "bundled program (filter, icmp-echo, drop, pass, tx) or an object file.\n"
		   "--json prints machine-readable output where a command prints data.\n");
}

int main(int argc, char **argv)
{
	char *rest[256];
	int nrest = 0;

	/* Global options may stand anywhere; the rest keeps its order. */
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json") || !strcmp(argv[i], "-j"))
			g_opts.json = true;
		else if (!strcmp(argv[i], "--verbose") || !strcmp(argv[i], "-v"))
			g_opts.verbose = true;
		else if (!strcmp(argv[i], "--version") || !strcmp(argv[i], "-V")) {
			printf(PROG_NAME " " E1K_VERSION "\n");
			return EXIT_OK;
		}
		else if (nrest < (int)(sizeof(rest) / sizeof(rest[0])))
			rest[nrest++] = argv[i];
		else {
			fprintf(stderr, PROG_NAME ": too many arguments\n");
			return EXIT_USAGE;
		}
	}
	if (nrest == 0) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (is_help(rest[0])) {
		usage(stdout);
		return EXIT_OK;
	}
	set_libbpf_logging();
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(rest[0], commands[i].name))
			return commands[i].run(nrest - 1, rest + 1);
	fprintf(stderr, PROG_NAME ": unknown command '%s' (try '" PROG_NAME " --help')\n",
		rest[0]);
	return EXIT_USAGE;
}
