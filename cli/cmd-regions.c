// SPDX-License-Identifier: MIT
/* iommu-resv regions: the region calculator. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define REGION_COLUMNS (1u << COL_START | 1u << COL_LAST | 1u << COL_SIZE | \
			1u << COL_TYPE | 1u << COL_PROT | 1u << COL_SOURCE | \
			1u << COL_DEVICE)

static void usage(FILE *f)
{
	fputs("Usage:\n"
	      " " PROG " regions [options] [FILE|-]\n"
	      "\n"
	      "Compute a view of a list of regions: one region a line, START LAST TYPE,\n"
	      "numbers in hex (0x) or decimal, TYPE one of direct, direct-relaxable,\n"
	      "reserved, msi, sw-msi; '#' comments. A reserved_regions file is valid input.\n"
	      "Reads standard input without FILE or with '-'.\n"
	      "\n"
	      "Options:\n"
	      "     --view <view>        kernel, resolved (default) or usable\n"
	      "     --aperture <S-L>     IOVA aperture of the usable view [0-0xffffffffffff]\n"
	      "                          (START-LAST: hex, decimal or sizes: 0-512G)\n"
	      "     --strict             usable view: exclude direct-relaxable regions too\n"
	      "     --format <fmt>       table (default) or sysfs (the kernel's line format;\n"
	      "                          implies --view kernel unless --view is given)\n", f);
	usage_common_options(f);
}

/* Print ranges in the kernel's style: "0x%016llx 0x%016llx\n". */
static void print_ranges_sysfs(const struct resv_range_list *u)
{
	for (size_t i = 0; i < u->count; i++)
		printf("0x%016" PRIx64 " 0x%016" PRIx64 "\n", u->ranges[i].start,
		       u->ranges[i].last);
}

int output_view(const struct opts *o, struct table *t, const struct resv_group *g,
		const struct resv_list *view, const struct resv_range_list *usable)
{
	int rc = 0;

	if (o->format == FORMAT_SYSFS) {
		if (usable) {
			print_ranges_sysfs(usable);
		} else {
			char *text;
			size_t len;

			rc = resv_format_sysfs(view, &text, &len);
			if (rc == 0) {
				fwrite(text, 1, len, stdout);
				free(text);
			}
		}
		return rc;
	}
	if (usable) {
		for (size_t i = 0; rc == 0 && i < usable->count; i++)
			rc = table_add_range(t, g, &usable->ranges[i]);
		if (rc == 0 && usable->count == 0)
			rc = table_add_empty(t, g);
		return rc;
	}
	for (size_t i = 0; rc == 0 && i < resv_list_count(view); i++)
		rc = table_add_region(t, g, view, resv_list_region(view, i));
	if (rc == 0 && resv_list_count(view) == 0)
		rc = table_add_empty(t, g);
	return rc;
}

int cmd_regions(int argc, char **argv)
{
	static const enum column defaults[] = { COL_START, COL_LAST, COL_SIZE, COL_TYPE,
						COL_SOURCE };
	static const enum column usable_defaults[] = { COL_START, COL_LAST, COL_SIZE };
	struct opts o;
	struct resv_list *in = NULL, *view = NULL;
	struct resv_range_list *usable = NULL;
	struct resv_diags *diags = NULL;
	struct table *t = NULL;
	const char *path = "-", *where;
	struct input input = { 0 };
	int bad, rc, status = EXIT_FAIL;

	rc = parse_options(&o, argc, argv, "regions",
			   "Jornb,view,aperture,strict,format,list-columns", usage);
	if (rc)
		return rc < 0 ? EXIT_OK : rc;
	if (o.list_columns) {
		list_columns(stdout, REGION_COLUMNS);
		return EXIT_OK;
	}
	if (o.nargs > 1) {
		warnx_("regions: one input file at most");
		errtryhelp("regions");
		return EXIT_FAIL;
	}
	if (o.nargs == 1)
		path = o.args[0];
	where = strcmp(path, "-") == 0 ? "<stdin>" : path;
	rc = input_open(path, &input);
	if (rc < 0) {
		warnx_("%s: %s", where, strerror(-rc));
		return EXIT_FAIL;
	}
	if (resv_list_new(&in) < 0 || resv_diags_new(&diags) < 0)
		goto nomem;
	bad = resv_parse_regions(in, input.buf, input.len, where, diags);
	if (bad < 0)
		goto nomem;
	print_diags(diags);
	rc = build_view(&o, in, &view, &usable, where);
	if (rc < 0)
		goto nomem;
	if (o.format == FORMAT_TABLE) {
		bool u = o.view == VIEW_USABLE;

		rc = table_new(&t, &o, u ? "ranges" : "regions", u ? usable_defaults : defaults,
			       u ? ARRAY_LEN(usable_defaults) : ARRAY_LEN(defaults),
			       u ? (1u << COL_START | 1u << COL_LAST | 1u << COL_SIZE) :
				   REGION_COLUMNS);
		if (rc == -EINVAL)
			goto out;
		if (rc < 0)
			goto nomem;
	}
	if (output_view(&o, t, NULL, view, usable) < 0 || (t && table_print(t) < 0))
		goto nomem;
	if (usable && usable->count == 0)
		warnx_("%s: no usable IOVA space in the aperture: VFIO would refuse the attach",
		       where);
	status = bad ? EXIT_FAIL : EXIT_OK;
	goto out;
nomem:
	warnx_("out of memory");
out:
	table_free(t);
	resv_list_free(view);
	resv_range_list_free(usable);
	resv_list_free(in);
	resv_diags_free(diags);
	input_close(&input);
	return status;
}
