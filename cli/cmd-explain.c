// SPDX-License-Identifier: MIT
/*
 * iommu-resv explain: one device's regions and where they come from, its
 * group, and whether VFIO can take it. Options, then one gathering of what
 * is known (struct explanation), then one text printer and one JSON printer.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "map.h"
#include "group-why.h"

#define EXPLAIN_COLUMNS (1u << COL_START | 1u << COL_LAST | 1u << COL_SIZE | \
			 1u << COL_TYPE | 1u << COL_PROT | 1u << COL_SOURCE | 1u << COL_DEVICE)

static void usage_explain(FILE *f)
{
	fputs("Usage:\n"
	      " " PROG " explain [options] DEVICE\n"
	      "\n"
	      "A PCI device's reserved regions with their provenance (table entry, scope, rule),\n"
	      "its group's regions, and whether VFIO can take the device (the kernel's\n"
	      "require_direct from v6.6, Intel's RMRR lock before it, MSI isolation).\n"
	      "DEVICE is dddd:bb:dd.f or bb:dd.f.\n"
	      "\n"
	      "Options:\n", f);
	usage_machine_options(f);
	fputs("     --kernel-version <X.Y>  the verdict for this kernel (default: the root's\n"
	      "                           kernel, else both rules)\n"
	      "     --map <dest>         draw the regions of each device of the group and the\n"
	      "                          group's: FILE.svg, - (SVG on standard output) or term\n", f);
	usage_common_options(f);
}

/* PCI base class names (PCI Code and ID Assignment 1.11 §1). */
static const char *class_name(uint32_t class)
{
	static const char *const base[] = {
		"unclassified device", "mass storage controller", "network controller",
		"display controller", "multimedia controller", "memory controller", "bridge",
		"communication controller", "system peripheral", "input device controller",
		"docking station", "processor", "serial bus controller", "wireless controller",
		"intelligent controller", "satellite communication controller",
		"encryption controller", "signal processing controller",
		"processing accelerator", "non-essential instrumentation",
	};

	switch (class >> 8) {
	case 0x0c03: return "USB controller";
	case 0x0601: return "ISA bridge";
	case 0x0604: return "PCI bridge";
	case 0x0600: return "host bridge";
	}
	return class >> 16 < ARRAY_LEN(base) ? base[class >> 16] : "device";
}

static void json_regions(struct json *j, const char *key, const struct resv_list *l)
{
	json_key(j, key);
	json_open(j, NULL, '[');
	for (size_t i = 0; i < resv_list_count(l); i++) {
		const struct resv_region *r = resv_list_region(l, i);

		json_open(j, NULL, '{');
		json_key(j, "start");
		json_hex(j, r->start);
		json_key(j, "last");
		json_hex(j, r->last);
		json_key(j, "type");
		json_str(j, resv_type_name(r->type));
		json_key(j, "prot");
		if (r->prot == RESV_PROT_UNKNOWN)	/* read from sysfs */
			json_raw(j, "null");
		else
			json_u64(j, r->prot);
		json_key(j, "sources");
		json_open(j, NULL, '[');
		for (size_t s = 0; s < r->nsources; s++) {
			json_source(j, resv_list_source(l, r->sources[s]));
		}
		json_close(j, ']');
		json_close(j, '}');
	}
	json_close(j, ']');
}

/* VFIO's interrupt condition on top of the regions' verdicts (the group's devices). */
static int msi_verdicts(const struct resv_machine *m, const struct resv_group *g,
			const char *name, unsigned int kernel, struct resv_verdict *now,
			struct resv_verdict *old)
{
	size_t n = g ? g->ndevices : 1;
	const char **names = calloc(n, sizeof(*names));

	if (!names)
		return -ENOMEM;
	for (size_t k = 0; k < n; k++)
		names[k] = g ? g->devices[k].name : name;
	resv_machine_msi_verdict(m, names, n, kernel, now);
	resv_machine_msi_verdict(m, names, n, 0x060500, old);
	free(names);
	return 0;
}

static const char *const msi_names[] = { NULL, "isolated", "not-isolated", "unknown" };

static void msi_text(const struct resv_verdict *vd)
{
	if (!vd->msi)
		return;
	printf("  %-10s MSIs %s: %s\n", "", msi_names[vd->msi], esc(vd->msi_reason));
	if (vd->msi_unsafe_allowed)
		printf("  %-10s %s\n", "", vd->msi_unsafe_allowed);
	if (vd->msi == RESV_MSI_UNKNOWN)
		printf("  %-10s if they are not isolated: NOT assignable unless "
		       "vfio_iommu_type1.allow_unsafe_interrupts=1 (VFIO refuses the group, EPERM)\n",
		       "");
}

static void verdict_text(const char *label, const struct resv_list *l,
			 const struct resv_verdict *vd)
{
	printf("  %-10s ", label);
	if (vd->assignable) {
		printf("assignable: no region blocks it%s\n",
		       vd->msi == RESV_MSI_UNKNOWN ? " (if its MSIs are isolated)" : "");
		msi_text(vd);
		return;
	}
	if (!vd->blocker) {
		printf("NOT assignable: %s\n", esc(vd->reason));
		msi_text(vd);
		return;
	}
	char buf[ORIGIN_MAX];
	const char *device, *origin = region_origin(l, vd->blocker, &device, buf, sizeof(buf));

	printf("NOT assignable: direct [0x%" PRIx64 "-0x%" PRIx64 "] from %s%s%s%s; %s\n",
	       vd->blocker->start, vd->blocker->last, esc(origin), device ? " (device " : "",
	       device ? esc(device) : "", device ? ")" : "", esc(vd->reason));
	msi_text(vd);
}

static void verdict_json(struct json *j, const char *kernel, const struct resv_list *l,
			 const struct resv_verdict *vd)
{
	json_open(j, NULL, '{');
	json_key(j, "kernel");
	json_str(j, kernel);
	json_key(j, "assignable");
	json_bool(j, vd->assignable);
	json_key(j, "reason");
	json_str(j, vd->reason);
	json_key(j, "blocker");
	if (vd->blocker)
		json_region_brief(j, l, vd->blocker);
	else
		json_raw(j, "null");
	json_key(j, "msi_isolation");
	json_str(j, msi_names[vd->msi]);
	json_key(j, "msi_reason");
	json_str(j, vd->msi_reason);
	json_key(j, "msi_unsafe_allowed");
	json_str(j, vd->msi_unsafe_allowed);
	json_close(j, '}');
}

/* The members explain -J starts with, from the tables or from sysfs alike. */
static void json_device_head(struct json *j, const struct resv_device *dev, enum resv_iommu iommu,
			     const char *iommu_source, bool behind, const char *off,
			     const char *no_group_reason)
{
	json_key(j, "device");
	json_str(j, dev->name);
	json_key(j, "class");
	json_u64(j, dev->class);
	json_key(j, "class_name");
	json_str(j, class_name(dev->class));
	json_key(j, "vendor");
	json_u64(j, dev->vendor);
	json_key(j, "device_id");
	json_u64(j, dev->device);
	json_key(j, "iommu");
	json_str(j, resv_iommu_name(iommu));
	json_key(j, "iommu_source");
	json_str(j, iommu_source);
	json_key(j, "behind_iommu");
	json_bool(j, behind);
	json_key(j, "iommu_off");
	json_str(j, off);
	json_key(j, "no_group_reason");
	json_str(j, no_group_reason);
}


/* A verdict for one kernel (or range of kernels), or "unknown" for it. */
struct verdict_row {
	char kernel[16];	/* "6.6+", "3.17-6.5", "6.1" */
	bool unknown;		/* sysfs alone, no driver: before v6.6 it depends on it */
	struct resv_verdict v;
};

/*
 * Everything explain shows about a device, gathered before anything is
 * printed: from the firmware tables (tables) or from sysfs alone.
 */
struct explanation {
	bool tables;
	struct resv_machine *m;		/* tables */
	struct resv_system *sys;
	const struct resv_device *dev;
	const struct resv_group *g;	/* its sysfs group, or NULL */
	enum resv_iommu iommu;
	const char *iommu_source;	/* "tables", "sysfs" or NULL */
	bool behind;			/* tables: the firmware puts it behind an IOMMU */
	const char *off;		/* tables: resv_machine_iommu_off() */
	bool is_refused;
	char refused[512];		/* tables: resv_machine_no_group_reason() */
	const char *rule;		/* tables: resv_machine_relax_rule() */
	struct resv_list *mine;		/* tables: the device's own regions */
	struct resv_list *grp;		/* tables: its group's, raw */
	struct resv_list *kview;	/* tables: the group's kernel view */
	const struct resv_list *group_regions;	/* kview, or sysfs reserved_regions */
	struct verdict_row verdicts[2];
	size_t nverdicts;
	struct agroup ag;		/* tables: for the assumptions */
	struct group_why why;		/* tables: why the devices share a group */
	struct resv_vfio_viability via;	/* with a sysfs group: the drivers bound in it */
	unsigned int kernel;		/* the verdicts' kernel (0: the newest) */
	char cmdline[4096];		/* the kernel command line the answer was for */
	char hint[512];			/* a vendor's way out of the refusal, or "" */
};

static void explanation_free(struct explanation *e)
{
	why_free(&e->why);
	resv_list_free(e->kview);
	resv_list_free(e->grp);
	resv_list_free(e->mine);
	resv_system_free(e->sys);
	resv_machine_free(e->m);
}

/* The sysfs group holding @name (and its entry in *@dev), or NULL. */
static const struct resv_group *find_group(const struct resv_system *sys, const char *name,
					   const struct resv_device **dev)
{
	for (size_t i = 0; i < resv_system_group_count(sys); i++) {
		const struct resv_group *c = resv_system_group(sys, i);

		for (size_t k = 0; k < c->ndevices; k++)
			if (strcmp(c->devices[k].name, name) == 0) {
				if (dev)
					*dev = &c->devices[k];
				return c;
			}
	}
	return NULL;
}

/*
 * From the firmware tables: the device's own regions with their provenance,
 * the group's, the relaxability rule, the verdicts.
 * Return: EXIT_OK with @e filled, or an exit status after saying why.
 */
static int gather_tables(struct explanation *e, const struct opts *o, const char *name)
{
	unsigned int flags = o->no_floppy_wa ? RESV_PREDICT_NO_FLOPPY_WA : 0;
	int rc, status;

	e->tables = true;
	status = load_machine(o, &e->m);
	if (status)
		return status;
	print_diags(resv_machine_diags(e->m));
	for (size_t i = 0; i < resv_machine_device_count(e->m) && !e->dev; i++)
		if (strcmp(resv_machine_device(e->m, i)->name, name) == 0)
			e->dev = resv_machine_device(e->m, i);
	if (!e->dev) {
		warnx_("explain: no PCI device %s in the topology", name);
		return EXIT_FAIL;
	}
	if (resv_system_load(&e->sys, o->sysroot) < 0 || resv_list_new(&e->mine) < 0 ||
	    resv_list_new(&e->grp) < 0)
		return -ENOMEM;
	rc = resv_machine_predict(e->m, name, flags, e->mine);
	if (rc == -ENOMEM)
		return rc;
	if (rc < 0) {
		warnx_("explain: prediction for %s is not supported",
		       resv_iommu_name(resv_machine_iommu(e->m)));
		return EXIT_FAIL;
	}
	e->behind = rc == 0;
	e->is_refused = !e->behind && resv_machine_no_group_reason(e->m, name, e->refused,
								    sizeof(e->refused)) == 1;
	/* The group: sysfs says who shares it; without sysfs the device alone. */
	e->g = find_group(e->sys, name, NULL);
	for (size_t k = 0; e->g && k < e->g->ndevices; k++)
		if (resv_machine_predict(e->m, e->g->devices[k].name, flags, e->grp) == -ENOMEM)
			return -ENOMEM;
	if (!e->g && resv_list_append(e->grp, e->mine) < 0)
		return -ENOMEM;
	if (resv_list_kernel_view(&e->kview, e->grp, NULL) < 0)
		return -ENOMEM;
	e->group_regions = e->kview;
	e->iommu = resv_machine_iommu(e->m);
	e->iommu_source = "tables";
	e->rule = resv_machine_relax_rule(e->m, name);
	e->off = resv_machine_iommu_off(e->m);

	struct verdict_row *now = &e->verdicts[0], *old = &e->verdicts[1];

	resv_assign_verdict(e->kview, e->iommu, o->kernel, &now->v);
	resv_assign_verdict(e->kview, e->iommu, 0x060500, &old->v);
	if (e->behind && msi_verdicts(e->m, e->g, name, o->kernel, &now->v, &old->v) < 0)
		return -ENOMEM;
	if (!e->behind)
		now->v = old->v = (struct resv_verdict){
			.reason = e->off ? "the kernel's IOMMU driver does not start on these "
					   "tables, so the device has no IOMMU group, and VFIO "
					   "needs one" :
				  e->is_refused ? e->refused :
				  "the firmware puts the device behind no IOMMU, so it has no IOMMU "
				  "group, and VFIO needs one",
		};
	if (o->kernel == 0) {
		snprintf(now->kernel, sizeof(now->kernel), "6.6+");
		snprintf(old->kernel, sizeof(old->kernel), "3.17-6.5");
		e->nverdicts = 2;
	} else {
		snprintf(now->kernel, sizeof(now->kernel), "%u.%u", o->kernel >> 16,
			 o->kernel >> 8 & 0xff);
		e->nverdicts = 1;
	}
	e->ag = (struct agroup){ e->g ? e->g->id : -1, e->g ? e->g->ndevices : 1,
				 e->g ? e->g->devices : e->dev };
	if (why_gather(&e->why, e->m, name, e->g) < 0)
		return -ENOMEM;
	return EXIT_OK;
}

/*
 * From sysfs alone (no tables: a user without root): the group, its regions
 * as the kernel printed them, the verdict for the driver sysfs shows and
 * the kernel.
 */
static int gather_sysfs(struct explanation *e, const struct opts *o, const char *name)
{
	int status = load_system(o, &e->sys);

	if (status)
		return status;
	e->g = find_group(e->sys, name, &e->dev);
	if (!e->g) {
		warnx_("explain: %s is in no IOMMU group, and there are no firmware tables to "
		       "explain from (%s)", name, "readable by root only; --table, --sysroot");
		return EXIT_NO_IOMMU;
	}
	if (!e->g->regions) {
		warnx_("explain: group %ld has no readable reserved_regions", e->g->id);
		return EXIT_FAIL;
	}
	e->iommu = e->g->iommu;
	e->iommu_source = e->g->iommu ? "sysfs" : NULL;
	e->behind = true;
	e->group_regions = e->g->regions;

	/* From v6.6 the rule is the core's, whatever the driver. */
	enum resv_iommu as = e->iommu ? e->iommu : RESV_IOMMU_ARM;
	unsigned int kernel = o->kernel;
	struct verdict_row *r = &e->verdicts[0];

	if (kernel == 0) {
		snprintf(r->kernel, sizeof(r->kernel), "6.6+");
		resv_assign_verdict(e->group_regions, as, 0, &r->v);
		e->nverdicts = 1;
		if (!e->iommu)
			return EXIT_OK;
		r++;
		kernel = 0x060500;
		snprintf(r->kernel, sizeof(r->kernel), "3.17-6.5");
	} else {
		snprintf(r->kernel, sizeof(r->kernel), "%u.%u", kernel >> 16, kernel >> 8 & 0xff);
	}
	e->nverdicts++;
	if (!e->iommu && kernel < 0x060600)
		r->unknown = true;
	else
		resv_assign_verdict(e->group_regions, as, kernel, &r->v);
	return EXIT_OK;
}

/*
 * What can be done about the answer: the kernel command line it was for
 * (--kernel-cmdline, else the root's proc/cmdline) and, for an RMRR lock, a
 * platform vendor's documented way out. Return: EXIT_OK or -ENOMEM.
 */
static int explain_hints(struct explanation *e, const struct opts *o)
{
	struct resv_machine *m = NULL;

	if (o->kernel_cmdline) {
		snprintf(e->cmdline, sizeof(e->cmdline), "%s", o->kernel_cmdline);
	} else if (e->m) {
		snprintf(e->cmdline, sizeof(e->cmdline), "%s", resv_machine_cmdline(e->m));
	} else {
		if (resv_machine_new(&m) < 0 ||
		    resv_machine_load(m, o->sysroot, RESV_LOAD_CMDLINE) == -ENOMEM) {
			resv_machine_free(m);
			return -ENOMEM;
		}
		snprintf(e->cmdline, sizeof(e->cmdline), "%s", resv_machine_cmdline(m));
		resv_machine_free(m);
	}
	if (e->tables && e->nverdicts && !e->verdicts[0].v.assignable)
		hpe_rmrr_hint(e->m, e->iommu, e->verdicts[0].v.blocker, e->group_regions, e->hint,
			      sizeof(e->hint));
	return EXIT_OK;
}

/* Return: EXIT_OK or -ENOMEM. */
static int explain_json(const struct explanation *e, const struct opts *o)
{
	struct json j;
	int rc = 0;

	json_open(&j, stdout, '{');
	json_device_head(&j, e->dev, e->iommu, e->iommu_source, e->behind, e->off,
			 e->is_refused ? e->refused : NULL);
	json_key(&j, "relaxable_rule");
	json_str(&j, e->rule);
	if (e->tables) {
		json_regions(&j, "regions", e->mine);
	} else {
		json_key(&j, "regions");
		json_raw(&j, "null");
	}
	json_key(&j, "group");
	if (e->g)
		json_u64(&j, (uint64_t)e->g->id);
	else
		json_raw(&j, "null");
	json_key(&j, "group_devices");
	json_open(&j, NULL, '[');
	for (size_t k = 0; e->g && k < e->g->ndevices; k++)
		json_str(&j, e->g->devices[k].name);
	json_close(&j, ']');
	json_regions(&j, "group_regions", e->group_regions);
	if (e->tables) {
		why_json(&j, &e->why, e->m);
	} else {
		json_key(&j, "group_prediction");
		json_raw(&j, "null");
	}
	json_key(&j, "verdicts");
	json_open(&j, NULL, '[');
	for (size_t i = 0; i < e->nverdicts; i++)
		if (!e->verdicts[i].unknown)
			verdict_json(&j, e->verdicts[i].kernel, e->group_regions,
				     &e->verdicts[i].v);
	json_close(&j, ']');
	if (e->g) {
		json_viability(&j, e->g, &e->via, o->kernel);
	} else {
		json_key(&j, "vfio_viable");
		json_raw(&j, "null");
		json_key(&j, "viability");
		json_raw(&j, "null");
	}
	json_key(&j, "hints");
	json_open(&j, NULL, '[');
	if (e->hint[0])
		json_str(&j, e->hint);
	json_close(&j, ']');
	json_cmdline_facts(&j, e->cmdline);
	json_key(&j, "without_tables");
	json_str(&j, e->tables ? NULL : WITHOUT_TABLES);
	if (e->tables)
		rc = report_assumptions(e->m, o, &e->ag, 1, &j);
	json_close(&j, '}');
	return rc < 0 ? -ENOMEM : EXIT_OK;
}

/* A list of regions as a table, or "  (none)". Return: 0, -EINVAL (bad -o), -ENOMEM. */
static int print_regions(const struct opts *o, const struct resv_list *l, bool none_line,
			 const enum column *defaults, size_t ndefaults)
{
	struct table *t = NULL;
	int rc = table_new(&t, o, "regions", defaults, ndefaults, EXPLAIN_COLUMNS);

	if (rc < 0)
		return rc;
	for (size_t i = 0; i < resv_list_count(l) && rc == 0; i++)
		rc = table_add_region(t, NULL, l, resv_list_region(l, i));
	if (rc == 0)
		rc = table_print(t);
	table_free(t);
	if (rc == 0 && none_line && !resv_list_count(l))
		printf("  (none)\n");
	return rc;
}

/* Return: EXIT_OK, EXIT_FAIL (a bad -o list, said), or -ENOMEM. */
static int explain_text(const struct explanation *e, const struct opts *o)
{
	static const enum column tables_defaults[] = { COL_START, COL_LAST, COL_SIZE, COL_TYPE,
						       COL_PROT, COL_SOURCE };
	static const enum column sysfs_defaults[] = { COL_START, COL_LAST, COL_SIZE, COL_TYPE,
						      COL_SOURCE };
	const struct resv_device *dev = e->dev;
	const struct resv_group *g = e->g;
	int rc;

	printf("%s  %s [%06" PRIx32 "]  %04" PRIx16 ":%04" PRIx16 "\n", esc(dev->name),
	       class_name(dev->class), dev->class, dev->vendor, dev->device);
	if (e->tables) {
		printf("  IOMMU      %s: %s%s\n", resv_iommu_name(e->iommu),
		       e->off ? e->off : e->behind ? "the firmware puts the device behind it" :
		       e->is_refused ? "the firmware puts the device behind it, but the driver "
				       "refuses it: " :
		       "the firmware puts the device behind no IOMMU: no regions, no assignment",
		       !e->off && e->is_refused ? e->refused : "");
		printf("  Rule       %s\n", e->rule);
	} else if (e->iommu) {
		printf("  IOMMU      %s (sysfs: %s)\n", resv_iommu_name(e->iommu),
		       esc(g->iommu_unit));
	} else {
		printf("  IOMMU      unknown (no iommu link in sysfs)\n");
	}
	if (g) {
		printf("  Group      %ld:", g->id);
		for (size_t k = 0; k < g->ndevices; k++)
			printf(" %s", esc(g->devices[k].name));
		printf(" (sysfs)\n");
	} else {
		printf("  Group      unknown (no sysfs groups): the device alone is assumed\n");
	}
	if (e->tables) {
		printf("\nThe device's regions, from the firmware:\n");
		rc = print_regions(o, e->mine, true, tables_defaults, ARRAY_LEN(tables_defaults));
		if (rc == 0 && g && g->ndevices > 1) {
			printf("\nThe group's regions (kernel view of all %zu devices):\n",
			       g->ndevices);
			rc = print_regions(o, e->kview, false, tables_defaults,
					   ARRAY_LEN(tables_defaults));
		}
	} else {
		printf("\nThe group's regions (its reserved_regions):\n");
		rc = print_regions(o, g->regions, true, sysfs_defaults, ARRAY_LEN(sysfs_defaults));
	}
	if (rc == -EINVAL)
		return EXIT_FAIL;
	if (rc < 0)
		return rc;
	if (e->tables)
		why_text(&e->why, e->m, dev->name);
	printf("\nVerdict (VFIO takes the whole group):\n");
	for (size_t i = 0; i < e->nverdicts; i++) {
		const struct verdict_row *r = &e->verdicts[i];
		char label[20];

		snprintf(label, sizeof(label), "v%s", r->kernel);
		if (r->unknown)
			printf("  %-10s unknown: before v6.6 the verdict depends on the IOMMU "
			       "driver, which sysfs does not show\n", label);
		else
			verdict_text(label, e->group_regions, &r->v);
	}
	if (g && bindings_known(g))
		text_viability(g, &e->via, o->kernel, "  ");
	if (e->hint[0])
		printf("  %-10s %s\n", "hint", e->hint);
	text_cmdline_facts(e->cmdline);
	if (e->tables)
		return report_assumptions(e->m, o, &e->ag, 1, NULL) < 0 ? -ENOMEM : EXIT_OK;
	if (o->kernel && o->kernel < 0x050300 && g->iommu == RESV_IOMMU_INTEL)
		printf("  (before v5.3 sysfs prints every RMRR as direct, the relaxable ones of "
		       "USB and graphics devices too)\n");
	printf("\nNote: %s\n", WITHOUT_TABLES);
	return EXIT_OK;
}

/*
 * explain: options, then one gathering (from the tables when they can be
 * read, else from sysfs), then the text or the JSON.
 */
int cmd_explain(int argc, char **argv)
{
	struct explanation e = { 0 };
	struct resv_machine *probe = NULL;
	struct opts o;
	char name[13];
	const char *why;
	bool tables;
	int rc;

	rc = parse_options(&o, argc, argv, "explain",
			   "Jornb,sysroot,table,lspci,no-floppy-wa,kernel-version,list-columns,assume,page-size,kernel-cmdline,"
			   "map", usage_explain);
	if (rc)
		return rc < 0 ? EXIT_OK : rc;
	if (o.list_columns) {
		list_columns(stdout, EXPLAIN_COLUMNS);
		return EXIT_OK;
	}
	default_kernel(&o);
	if (o.nargs != 1) {
		warnx_("explain: give one device, e.g. 0000:00:14.0");
		errtryhelp("explain");
		return EXIT_FAIL;
	}
	if (!parse_bdf(o.args[0], strlen(o.args[0]), name, &why)) {
		warnx_("explain: bad device '%s': %s", o.args[0], why);
		errtryhelp("explain");
		return EXIT_FAIL;
	}
	/* Without --table, are the root's tables readable? */
	tables = o.ntables > 0;
	if (!tables) {
		if (resv_machine_new(&probe) < 0) {
			warnx_("out of memory");
			return EXIT_FAIL;
		}
		rc = resv_machine_load(probe, o.sysroot, RESV_LOAD_TABLES);
		tables = rc == -ENOMEM || resv_machine_table_count(probe) > 0;
		resv_machine_free(probe);
	}
	rc = tables ? gather_tables(&e, &o, name) : gather_sysfs(&e, &o, name);
	/* VFIO also needs the group's drivers to let go of it (check says the same). */
	if (rc == EXIT_OK && e.g)
		resv_vfio_group_viable(e.g->devices, e.g->ndevices, o.kernel, &e.via);
	if (rc == EXIT_OK)
		rc = explain_hints(&e, &o);
	/* The map: from the tables each device's lane and the group's; from sysfs the group's. */
	if (rc == EXIT_OK && o.map) {
		rc = e.tables ? map_explain(&o, e.m, e.g, name, e.kview, &e.verdicts[0].v) :
				map_explain(&o, NULL, e.g, name, e.g->regions, NULL);
		rc = rc == -ENOMEM ? rc : rc < 0 ? EXIT_FAIL : EXIT_OK;
	}
	if (rc == EXIT_OK && !map_to_stdout(o.map))
		rc = o.json ? explain_json(&e, &o) : explain_text(&e, &o);
	if (rc < 0) {
		warnx_("out of memory");
		rc = EXIT_FAIL;
	}
	explanation_free(&e);
	return rc;
}
