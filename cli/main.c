// SPDX-License-Identifier: MIT
/* iommu-resv: IOMMU reserved memory regions, kernel-exact. */
#include <string.h>

#include "cli.h"

static const struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *help;
} commands[] = {
	{ "regions", cmd_regions, "compute a view of a region list (a calculator)" },
	{ "groups", cmd_groups, "IOMMU groups, their devices and reserved regions" },
	{ "iova", cmd_iova, "usable IOVA ranges of each group" },
	{ "tables", cmd_tables, "decode and lint the DMAR, IVRS, IORT and VIOT tables" },
	{ "predict", cmd_predict, "each group's regions predicted from the firmware" },
	{ "explain", cmd_explain, "a device's regions, where they come from, can it be assigned" },
	{ "check", cmd_check, "does a guest memory layout fit the groups of the devices to assign" },
	{ "snapshot", cmd_snapshot, "copy what the commands read into a directory, for --sysroot" },
};

static void usage(FILE *f)
{
	fputs("Usage:\n"
	      " " PROG " <command> [options]\n"
	      "\n"
	      "IOMMU reserved memory regions: what the kernel reports, what is really\n"
	      "relaxable, and what IOVA space is usable.\n"
	      "\n"
	      "Commands:\n", f);
	for (size_t i = 0; i < ARRAY_LEN(commands); i++)
		fprintf(f, " %-10s %s\n", commands[i].name, commands[i].help);
	fputs("\n"
	      "Options:\n"
	      " -h, --help     display this help\n"
	      " -V, --version  display version\n"
	      "\n"
	      "Run '" PROG " <command> --help' for a command's options. See iommu-resv(8).\n", f);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return EXIT_FAIL;
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		usage(stdout);
		return EXIT_OK;
	}
	if (strcmp(argv[1], "-V") == 0 || strcmp(argv[1], "--version") == 0) {
		printf(PROG " %s\n", resv_version());
		return EXIT_OK;
	}
	for (size_t i = 0; i < ARRAY_LEN(commands); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].run(argc - 1, argv + 1);
	warnx_("unknown command '%s'", argv[1]);
	fprintf(stderr, "Try '" PROG " --help' for more information.\n");
	return EXIT_FAIL;
}
