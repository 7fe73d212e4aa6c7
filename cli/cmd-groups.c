// SPDX-License-Identifier: MIT
/* iommu-resv groups and iova: the system's IOMMU groups and their regions. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "map.h"
#include "names.h"

#define GROUP_COLUMNS (1u << COL_GROUP | 1u << COL_GTYPE | 1u << COL_DEVICES | \
		       1u << COL_DRIVER | 1u << COL_NAME | \
		       1u << COL_START | 1u << COL_LAST | 1u << COL_SIZE | \
		       1u << COL_TYPE | 1u << COL_PROT | 1u << COL_SOURCE)
#define IOVA_COLUMNS (1u << COL_GROUP | 1u << COL_GTYPE | 1u << COL_DEVICES | \
		      1u << COL_DRIVER | 1u << COL_NAME | \
		      1u << COL_START | 1u << COL_LAST | 1u << COL_SIZE)

static void usage_groups(FILE *f)
{
	fputs("Usage:\n"
	      " " PROG " groups [options] [GROUP|DEVICE...]\n"
	      "\n"
	      "List IOMMU groups, their devices (with the driver each is bound to and, when\n"
	      "pci.ids is installed, its name) and their reserved regions. A group is named\n"
	      "by its number or by a device in it (dddd:bb:dd.f or bb:dd.f).\n"
	      "\n"
	      "Options:\n"
	      "     --device <bdf>       the group of this device (repeatable; the same as\n"
	      "                          giving the device as an argument)\n"
	      "     --sysroot <dir>      read a snapshot of / instead of the live system\n"
	      "     --view <view>        kernel, resolved (default) or usable\n"
	      "     --aperture <S-L>     IOVA aperture of the usable view [as iova finds it]\n"
	      "                          (START-LAST: hex, decimal or sizes: 0-512G)\n"
	      "     --kernel-version <X.Y>  the kernel whose AMD aperture applies [the root's]\n"
	      "     --strict             usable view: exclude direct-relaxable regions too\n"
	      "     --format <fmt>       table (default) or sysfs: each group's regions in the\n"
	      "                          kernel's format, after a '# group N' line when more than\n"
	      "                          one group is shown; implies --view kernel\n"
	      "     --map <dest>         draw the groups' address space: FILE.svg, - (SVG on\n"
	      "                          standard output) or term (text)\n", f);
	usage_common_options(f);
}

static void usage_iova(FILE *f)
{
	fputs("Usage:\n"
	      " " PROG " iova [options] [GROUP|DEVICE...]\n"
	      "\n"
	      "The IOVA ranges a VMM can map for each group (VFIO type1 IOVA_RANGE, iommufd\n"
	      "IOMMU_IOAS_IOVA_RANGES): the aperture minus every non-relaxable region.\n"
	      "\n"
	      "Options:\n"
	      "     --device <bdf>       the group of this device (repeatable)\n"
	      "     --sysroot <dir>      read a snapshot of / instead of the live system\n"
	      "     --aperture <S-L>     the IOMMU's aperture [Intel: the unit's MGAW; AMD: by\n"
	      "                          kernel version; else 0-0xffffffffffff, 48 bits]\n"
	      "                          (START-LAST: hex, decimal or sizes: 0-512G)\n"
	      "     --kernel-version <X.Y>  the kernel whose AMD aperture applies [the root's]\n"
	      "     --strict             exclude direct-relaxable regions too\n"
	      "     --format <fmt>       table (default) or sysfs: \"0x%016llx 0x%016llx\" lines\n"
	      "     --map <dest>         draw the groups' address space: FILE.svg, - (SVG on\n"
	      "                          standard output) or term (text)\n", f);
	usage_common_options(f);
}

/* The group holding the device @name, or NULL. */
static const struct resv_group *group_of_device(const struct resv_system *sys, const char *name)
{
	for (size_t i = 0; i < resv_system_group_count(sys); i++) {
		const struct resv_group *g = resv_system_group(sys, i);

		for (size_t d = 0; d < g->ndevices; d++)
			if (strcmp(g->devices[d].name, name) == 0)
				return g;
	}
	return NULL;
}

/*
 * The groups named on the command line by number or by a member's BDF, each
 * once and in the order first named, or all. An argument that names no group
 * is reported and sets *missing.
 */
static int select_groups(const struct opts *o, const struct resv_system *sys,
			 const struct resv_group ***out, size_t *n, bool *missing)
{
	size_t count = o->nargs ? (size_t)o->nargs : resv_system_group_count(sys), kept = 0;
	const struct resv_group **v = calloc(count ? count : 1, sizeof(*v));

	if (!v)
		return -ENOMEM;
	*missing = false;
	for (size_t i = 0; i < count; i++) {
		const struct resv_group *g;
		const char *arg = o->nargs ? o->args[i] : NULL, *why = NULL;
		char name[13];

		if (!o->nargs) {
			v[kept++] = resv_system_group(sys, i);
			continue;
		}
		if (*arg && strspn(arg, "0123456789") == strlen(arg)) {
			char *end;
			long id = strtol(arg, &end, 10);

			g = resv_system_find_group(sys, id);
			if (!g)
				warnx_("no IOMMU group %s", arg);
		} else if (parse_bdf(arg, strlen(arg), name, &why)) {
			g = group_of_device(sys, name);
			if (!g)
				warnx_("%s is in no IOMMU group", name);
		} else {
			g = NULL;
			warnx_("'%s' is neither a group number nor a PCI address: %s", arg, why);
		}
		if (!g) {
			*missing = true;
			continue;
		}
		bool seen = false;

		for (size_t k = 0; k < kept && !seen; k++)
			seen = v[k] == g;
		if (!seen)
			v[kept++] = g;
	}
	*out = v;
	*n = kept;
	return 0;
}

struct aperture {
	struct resv_range range;
	const char *source;	/* NULL when assumed or given */
};

static void json_aperture(struct json *j, const void *arg)
{
	const struct aperture *a = arg;

	json_key(j, "aperture");
	json_open(j, NULL, '{');
	json_key(j, "start");
	json_hex(j, a->range.start);
	json_key(j, "last");
	json_hex(j, a->range.last);
	json_key(j, "source");
	json_str(j, a->source);
	json_close(j, '}');
}

/*
 * --device BDF is a device argument: @argv into @out with each "--device
 * BDF" replaced by BDF in its place (a valid BDF never starts with '-').
 * Return: the new argc, or -1 after saying what is wrong.
 */
static int take_devices(int argc, char **argv, char **out, const char *cmd)
{
	int n = 0;

	for (int i = 0; i < argc; i++) {
		char *val, name[13];
		const char *why;

		if (i > 0 && strcmp(argv[i], "--") == 0) {
			while (i < argc)
				out[n++] = argv[i++];
			break;
		}
		if (i > 0 && strcmp(argv[i], "--device") == 0) {
			if (i + 1 == argc) {
				warnx_("%s: option --device requires an argument", cmd);
				return -1;
			}
			val = argv[++i];
		} else if (i > 0 && strncmp(argv[i], "--device=", 9) == 0) {
			val = argv[i] + 9;
		} else {
			out[n++] = argv[i];
			continue;
		}
		if (!parse_bdf(val, strlen(val), name, &why)) {
			warnx_("%s: bad --device '%s': %s", cmd, val, why);
			return -1;
		}
		out[n++] = val;
	}
	return n;
}

static int run_groups(int argc, char **argv, const char *cmd)
{
	static const enum column iova_defaults[] = { COL_GROUP, COL_START, COL_LAST,
						     COL_SIZE };
	enum column group_defaults[8];
	size_t ngroup_defaults = 0;
	bool iova = strcmp(cmd, "iova") == 0;
	struct resv_system *sys = NULL;
	const struct resv_group **groups = NULL;
	struct table *t = NULL;
	struct map *map = NULL;
	struct opts o;
	size_t n = 0;
	bool missing = false, failed = false, guessed = false;
	int rc, status;

	rc = parse_options(&o, argc, argv, cmd, iova ?
			   "Jornb,sysroot,aperture,strict,format,list-columns,kernel-version,map" :
			   "Jornb,sysroot,view,aperture,strict,format,list-columns,kernel-version,map",
			   iova ? usage_iova : usage_groups);
	if (rc)
		return rc < 0 ? EXIT_OK : rc;
	if (o.list_columns) {
		list_columns(stdout, iova ? IOVA_COLUMNS : GROUP_COLUMNS);
		return EXIT_OK;
	}
	if (iova)
		o.view = VIEW_USABLE;
	default_kernel(&o);	/* the AMD aperture changed with the kernel */
	/* Nothing here shows a header type: no config space read (issue 13). */
	status = load_system_what(&o, &sys, RESV_SYSTEM_IOMMU | RESV_SYSTEM_REGIONS |
					    RESV_SYSTEM_TYPE);
	if (status)
		return status;
	status = EXIT_FAIL;
	if (select_groups(&o, sys, &groups, &n, &missing) < 0)
		goto nomem;
	if (o.map && map_begin(&map, &o, iova ? "iommu-resv iova: the usable IOVA of each group" :
			       "iommu-resv groups: the reserved regions of each group") < 0)
		goto nomem;
	if (o.format == FORMAT_TABLE) {
		bool u = o.view == VIEW_USABLE;

		/* DRIVER when the root records bindings, NAME when pci.ids is there. */
		bool drivers = false;

		for (size_t i = 0; i < resv_system_group_count(sys); i++) {
			const struct resv_group *g = resv_system_group(sys, i);

			for (size_t d = 0; d < g->ndevices; d++)
				drivers |= g->devices[d].driver_known;
		}
		group_defaults[ngroup_defaults++] = COL_GROUP;
		group_defaults[ngroup_defaults++] = COL_DEVICES;
		if (drivers)
			group_defaults[ngroup_defaults++] = COL_DRIVER;
		if (!o.json && pci_names_available())
			group_defaults[ngroup_defaults++] = COL_NAME;
		group_defaults[ngroup_defaults++] = COL_START;
		group_defaults[ngroup_defaults++] = COL_LAST;
		group_defaults[ngroup_defaults++] = COL_SIZE;
		group_defaults[ngroup_defaults++] = COL_TYPE;
		rc = table_new(&t, &o, "groups", u ? iova_defaults : group_defaults,
			       u ? ARRAY_LEN(iova_defaults) : ngroup_defaults,
			       u ? IOVA_COLUMNS : GROUP_COLUMNS);
		if (rc == -EINVAL)
			goto out;
		if (rc < 0)
			goto nomem;
		table_nest(t, u ? "ranges" : "regions");
	}
	for (size_t i = 0; i < n; i++) {
		const struct resv_group *g = groups[i];
		struct resv_list *view = NULL;
		struct resv_range_list *usable = NULL;
		char where[64];

		if (!g)
			continue;
		if (!g->complete)
			failed = true;
		if (!g->regions)
			continue;	/* reported by the loader */
		snprintf(where, sizeof(where), "group %ld", g->id);
		struct opts go = o;
		struct aperture ap = { o.aperture, o.aperture_set ? "--aperture" : "assumed" };

		if (o.view == VIEW_USABLE && !o.aperture_set) {
			if (resv_group_aperture(g, o.kernel, &go.aperture, &ap.source)) {
				ap.range = go.aperture;
			} else if (!guessed) {
				fprintf(stderr, PROG ": note: the IOMMU address width of group %ld is not "
					"in sysfs (Intel VT-d shows it, AMD-Vi's follows from the "
					"kernel version); assuming a 48-bit aperture "
					"[0x0-0xffffffffffff] here and for any other such group "
					"(use --aperture)\n", g->id);
				guessed = true;
			}
		}
		if ((map && map_add_group(map, &o, g, NULL) < 0) ||
		    build_view(&go, g->regions, &view, &usable, where) < 0)
			goto nomem;
		/* Headers when more than one group is asked for, so that a script
		 * gets the same shape whether or not an argument named nothing. */
		if (o.format == FORMAT_SYSFS && (o.nargs ? o.nargs > 1 : n > 1))
			printf("# group %ld\n", g->id);
		if (t)
			table_begin_group(t, g, o.view == VIEW_USABLE ? json_aperture : NULL,
					  &ap);
		rc = output_view(&go, t, g, view, usable);
		if (t)
			table_end_group(t);
		if (usable && usable->count == 0)
			warnx_("group %ld: no usable IOVA space in the aperture: VFIO would refuse the attach",
			       g->id);
		resv_list_free(view);
		resv_range_list_free(usable);
		if (rc < 0)
			goto nomem;
	}
	if (t && !map_to_stdout(o.map) && table_print(t) < 0)
		goto nomem;
	if (map && map_write(map, o.map) < 0)
		failed = true;
	status = missing || failed ? EXIT_FAIL : EXIT_OK;
	goto out;
nomem:
	warnx_("out of memory");
out:
	map_free(map);
	table_free(t);
	free(groups);
	resv_system_free(sys);
	return status;
}

static int run(int argc, char **argv, const char *cmd)
{
	char **args = calloc((size_t)argc + 1, sizeof(*args));
	int n, status;

	if (!args) {
		warnx_("out of memory");
		return EXIT_FAIL;
	}
	n = take_devices(argc, argv, args, cmd);
	if (n < 0) {
		errtryhelp(cmd);
		status = EXIT_FAIL;
	} else {
		status = run_groups(n, args, cmd);
	}
	free(args);
	return status;
}

int cmd_groups(int argc, char **argv)
{
	return run(argc, argv, "groups");
}

int cmd_iova(int argc, char **argv)
{
	return run(argc, argv, "iova");
}
