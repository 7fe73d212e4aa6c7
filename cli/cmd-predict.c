// SPDX-License-Identifier: MIT
/*
 * iommu-resv predict: regions from the firmware tables and the PCI topology
 * alone, against what the kernel shows.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define PREDICT_COLUMNS (1u << COL_GROUP | 1u << COL_GTYPE | 1u << COL_DEVICES | \
			 1u << COL_START | 1u << COL_LAST | 1u << COL_SIZE | \
			 1u << COL_TYPE | 1u << COL_PROT | 1u << COL_SOURCE)

static void usage_predict(FILE *f)
{
	fputs("Usage:\n"
	      " " PROG " predict [options] [GROUP...]\n"
	      "\n"
	      "Each IOMMU group's reserved regions predicted from the firmware tables and the\n"
	      "PCI topology alone. Groups come from sysfs when the system has them, otherwise\n"
	      "each device behind the IOMMU is its own group.\n"
	      "\n"
	      "Options:\n", f);
	usage_machine_options(f);
	fputs("     --compare            diff each prediction against the group's\n"
	      "                          reserved_regions; exit 0 only if all are identical\n"
	      "     --kernel-version <X.Y>  follow this kernel's rules (default: the root's\n"
	      "                          kernel, else the newest)\n"
	      "     --view <view>        kernel (default), resolved or usable\n"
	      "     --aperture <S-L>     IOVA aperture of the usable view [0-0xffffffffffff]\n"
	      "     --strict             usable view: exclude direct-relaxable regions too\n"
	      "     --format <fmt>       table (default) or sysfs\n"
	      "     --kernel-version <X.Y>  predict with this kernel's rules (default: the\n"
	      "                           root's kernel, else the newest)\n", f);
	usage_common_options(f);
}

/* A group to predict: the sysfs one (devices, id) or a single device. */
struct pgroup {
	struct resv_group g;		/* g.regions: the prediction, raw */
	const struct resv_group *actual;	/* sysfs, or NULL */
	struct resv_list *pred;
};

static void free_pgroups(struct pgroup *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		resv_list_free(v[i].pred);
	free(v);
}

/*
 * Predict group @pg from its devices. A device the topology lacks makes the
 * prediction incomplete. Return: 0 or -ENOMEM.
 */
static int predict_group(const struct resv_machine *m, const struct opts *o, struct pgroup *pg)
{
	unsigned int flags = o->no_floppy_wa ? RESV_PREDICT_NO_FLOPPY_WA : 0;
	int rc = resv_list_new(&pg->pred);

	if (rc < 0)
		return rc;
	pg->g.regions = pg->pred;
	pg->g.complete = true;
	for (size_t i = 0; i < pg->g.ndevices; i++) {
		const char *name = pg->g.devices[i].name;

		rc = resv_machine_predict(m, name, flags, pg->pred);
		if (rc == -ENOMEM)
			return rc;
		if (rc == -ENOENT) {
			warnx_("group %ld: %s is not in the PCI topology (no config space): its "
			       "regions are unknown", pg->g.id, name);
			pg->g.complete = false;
		} else if (rc == 1) {
			char why[512];

			/* The kernel gave it a group; the prediction gives it none. */
			if (resv_machine_no_group_reason(m, name, why, sizeof(why)) == 1)
				warnx_("group %ld: note: %s: predicted to get no group: %s", pg->g.id,
				       name, why);
			else
				warnx_("group %ld: note: %s: the firmware tables put it behind no IOMMU",
				       pg->g.id, name);
		} else if (rc == -EOPNOTSUPP || rc == -ENODATA) {
			warnx_("group %ld: %s: prediction for %s is not supported", pg->g.id, name,
			       resv_iommu_name(resv_machine_iommu(m)));
			pg->g.complete = false;
		}
	}
	return 0;
}

/* The groups to predict: sysfs groups (all or those named), or one a device. */
static int select_pgroups(const struct resv_machine *m, const struct opts *o,
			  const struct resv_system *sys, struct pgroup **out, size_t *n)
{
	size_t ngroups = resv_system_group_count(sys), count = 0;
	size_t cap = ngroups ? ngroups : resv_machine_device_count(m);
	struct pgroup *v = calloc(cap ? cap : 1, sizeof(*v));

	*out = v;
	*n = 0;
	if (!v)
		return -ENOMEM;
	if (ngroups) {
		for (size_t i = 0; i < ngroups; i++) {
			const struct resv_group *g = resv_system_group(sys, i);
			bool wanted = o->nargs == 0;

			for (int a = 0; a < o->nargs && !wanted; a++)
				wanted = strtol(o->args[a], NULL, 10) == g->id;
			if (!wanted)
				continue;
			v[count] = (struct pgroup){ .g = *g, .actual = g };
			*n = ++count;
			if (predict_group(m, o, &v[count - 1]) < 0)
				return -ENOMEM;
		}
		return 0;
	}
	fprintf(stderr, PROG ": note: no IOMMU groups in %s/sys/kernel/iommu_groups: each device "
		"behind the IOMMU is shown as its own group, numbered in PCI order (the kernel "
		"puts devices without ACS isolation, or behind a PCIe-to-PCI bridge, together)\n",
		o->sysroot ? o->sysroot : "");
	for (size_t i = 0; i < resv_machine_device_count(m); i++) {
		const struct resv_device *d = resv_machine_device(m, i);
		struct pgroup *pg = &v[count];
		int rc;

		*pg = (struct pgroup){ .g = { .id = (long)count, .ndevices = 1, .devices = d } };
		if (resv_list_new(&pg->pred) < 0)
			return -ENOMEM;
		rc = resv_machine_predict(m, d->name,
					  o->no_floppy_wa ? RESV_PREDICT_NO_FLOPPY_WA : 0, pg->pred);
		if (rc == -ENOMEM) {
			resv_list_free(pg->pred);
			return rc;
		}
		if (rc != 0) {	/* behind no IOMMU, refused, or not supported */
			char why[512];

			if (rc == 1 && resv_machine_no_group_reason(m, d->name, why, sizeof(why)) == 1)
				warnx_("note: %s gets no group: %s", d->name, why);
			resv_list_free(pg->pred);
			continue;
		}
		pg->g.regions = pg->pred;
		pg->g.complete = true;
		*n = ++count;
	}
	return 0;
}

/* Lines of a text, NUL-terminated in place. */
static size_t split_lines(char *text, char ***out)
{
	size_t n = 0;
	char **v;

	for (char *p = text; *p; p++)
		n += *p == '\n';
	v = calloc(n + 1, sizeof(*v));
	if (!v)
		return SIZE_MAX;
	n = 0;
	for (char *p = text; *p;) {
		char *nl = strchr(p, '\n');

		v[n++] = p;
		if (!nl)
			break;
		*nl = '\0';
		p = nl + 1;
	}
	*out = v;
	return n;
}

/*
 * A line diff (longest common subsequence; reserved_regions files are a few
 * lines): "-" only in sysfs, "+" only predicted, " " both.
 */
static int print_diff(char **a, size_t na, char **b, size_t nb)
{
	size_t *lcs = calloc((na + 1) * (nb + 1), sizeof(*lcs));

	if (!lcs)
		return -ENOMEM;
#define L(i, k) lcs[(i) * (nb + 1) + (k)]
	for (size_t i = na; i-- > 0;)
		for (size_t k = nb; k-- > 0;)
			L(i, k) = strcmp(a[i], b[k]) == 0 ? L(i + 1, k + 1) + 1 :
				  L(i + 1, k) > L(i, k + 1) ? L(i + 1, k) : L(i, k + 1);
	size_t i = 0, k = 0;

	while (i < na || k < nb) {
		if (i < na && k < nb && strcmp(a[i], b[k]) == 0) {
			printf("   %s\n", esc(a[i]));
			i++, k++;
		} else if (k < nb && (i == na || L(i, k + 1) >= L(i + 1, k))) {
			printf(" + %s\n", esc(b[k++]));
		} else {
			printf(" - %s\n", esc(a[i++]));
		}
	}
#undef L
	free(lcs);
	return 0;
}

static void json_lines(struct json *j, const char *key, char **v, size_t n)
{
	json_key(j, key);
	json_open(j, NULL, '[');
	for (size_t i = 0; i < n; i++)
		json_str(j, v[i]);
	json_close(j, ']');
}

/*
 * What made group @id's side incomplete when both texts print the same: the
 * findings about its files (lines not read, devices not known), so that a
 * group said to differ always shows why.
 */
static void print_unread(const struct resv_system *sys, long id, bool predicted_incomplete)
{
	const struct resv_diags *d = resv_system_diags(sys);

	if (predicted_incomplete)
		printf(" ? the prediction is incomplete: a device of the group is not in the PCI "
		       "topology (see the warnings above)\n");
	for (size_t i = 0; i < resv_diags_count(d); i++) {
		const struct resv_diag *g = resv_diags_get(d, i);

		if (g->group == id && g->severity >= RESV_SEV_WARNING)
			printf(" ! %s:%" PRIu64 ": %s: %s\n", esc(g->where ? g->where : ""), g->line,
			       g->id, esc(g->message));
	}
}

/* --compare: byte-exact, group by group. Return: exit status. */
static struct agroup agroup_of(const struct pgroup *pg)
{
	return (struct agroup){ pg->g.id, pg->g.ndevices, pg->g.devices };
}

static int compare(struct resv_machine *m, const struct opts *o, const struct resv_system *sys,
		   struct pgroup *v, size_t n)
{
	size_t same = 0;
	struct json j;

	if (o->json) {
		json_open(&j, stdout, '{');
		json_key(&j, "groups");
		json_open(&j, NULL, '[');
	}
	for (size_t i = 0; i < n; i++) {
		struct pgroup *pg = &v[i];
		struct resv_list *kview = NULL;
		char *want = NULL, *got = NULL, **wl = NULL, **gl = NULL;
		size_t wlen, glen, nw, ng;
		struct cause cause = { 0 };
		bool identical;

		if (resv_list_kernel_view(&kview, pg->pred, NULL) < 0 ||
		    resv_format_sysfs(kview, &got, &glen) < 0 ||
		    resv_format_sysfs(pg->actual->regions ? pg->actual->regions : kview, &want,
				      &wlen) < 0)
			goto nomem;
		if (!pg->actual->regions)
			want[0] = '\0', wlen = 0;
		identical = pg->g.complete && pg->actual->complete && pg->actual->regions &&
			    glen == wlen && memcmp(got, want, glen) == 0;
		same += identical;
		if (!identical && pg->g.complete && pg->actual->complete && pg->actual->regions) {
			struct agroup ag = agroup_of(pg);

			if (assumption_cause(m, o, &ag, want, wlen, &cause) < 0)
				goto nomem;
		}
		nw = split_lines(want, &wl);
		ng = split_lines(got, &gl);
		if (nw == SIZE_MAX || ng == SIZE_MAX)
			goto nomem;
		if (o->json) {
			json_open(&j, NULL, '{');
			json_key(&j, "group");
			json_u64(&j, (uint64_t)pg->g.id);
			json_key(&j, "identical");
			json_bool(&j, identical);
			json_key(&j, "complete");
			json_bool(&j, pg->g.complete && pg->actual->complete);
			json_lines(&j, "predicted", gl, ng);
			json_lines(&j, "actual", wl, nw);
			if (cause.key) {
				json_key(&j, "cause");
				json_open(&j, NULL, '{');
				json_key(&j, "assumption");
				json_str(&j, cause.key);
				json_key(&j, "value");
				json_str(&j, cause.value);
				json_key(&j, "identical_under");
				json_str(&j, cause.alternative);
				json_close(&j, '}');
			}
			json_close(&j, '}');
		} else {
			printf("group %ld: %s\n", pg->g.id, identical ? "identical" :
			       !pg->actual->regions ? "differs (reserved_regions unreadable)" :
			       !pg->g.complete ? "differs (prediction incomplete)" : "differs");
			if (!identical && print_diff(wl, nw, gl, ng) < 0)
				goto nomem;
			if (!identical && glen == wlen && memcmp(got, want, glen) == 0)
				print_unread(sys, pg->g.id, !pg->g.complete);
			if (cause.key)
				printf("  cause: the assumption %s=%s; with %s=%s the prediction equals "
				       "reserved_regions (--assume %s=%s)\n", cause.key, cause.value,
				       cause.key, cause.alternative, cause.key, cause.alternative);
		}
		free(wl);
		free(gl);
		free(want);
		free(got);
		resv_list_free(kview);
		continue;
nomem:
		free(wl);
		free(gl);
		free(want);
		free(got);
		resv_list_free(kview);
		warnx_("out of memory");
		return EXIT_FAIL;
	}
	struct agroup *ag = calloc(n ? n : 1, sizeof(*ag));
	int rc;

	for (size_t i = 0; ag && i < n; i++)
		ag[i] = agroup_of(&v[i]);
	if (o->json) {
		json_close(&j, ']');
		rc = ag ? report_assumptions(m, o, ag, n, &j) : -ENOMEM;
		json_close(&j, '}');
	} else {
		printf("%zu of %zu groups identical\n", same, n);
		rc = ag ? report_assumptions(m, o, ag, n, NULL) : -ENOMEM;
	}
	free(ag);
	if (rc < 0) {
		warnx_("out of memory");
		return EXIT_FAIL;
	}
	return same == n ? EXIT_OK : EXIT_FAIL;
}

/*
 * The kernel's driver would not start on these tables: it makes no IOMMU
 * group. Plain predict says so and exits as for "no IOMMU" (32); --compare
 * is identical when sysfs has no group either, and otherwise shows every
 * sysfs group as one the kernel should not have made.
 */
static int predict_off(const struct opts *o, const struct resv_machine *m,
		       const struct resv_system *sys)
{
	const char *off = resv_machine_iommu_off(m);
	size_t n = resv_system_group_count(sys);
	struct json j;

	if (!o->compare) {
		warnx_("%s: the kernel makes no IOMMU group", off);
		return EXIT_NO_IOMMU;
	}
	if (o->json) {
		json_open(&j, stdout, '{');
		json_key(&j, "iommu_off");
		json_str(&j, off);
		json_key(&j, "groups");
		json_open(&j, NULL, '[');
	} else {
		printf("no IOMMU group predicted: %s\n", off);
	}
	for (size_t i = 0; i < resv_system_group_count(sys); i++) {
		const struct resv_group *g = resv_system_group(sys, i);
		char *text = NULL, **lines = NULL;
		size_t len = 0, nl = 0;
		bool wanted = o->nargs == 0;

		for (int a = 0; a < o->nargs && !wanted; a++)
			wanted = strtol(o->args[a], NULL, 10) == g->id;
		if (!wanted) {
			n--;
			continue;
		}
		if (g->regions && resv_format_sysfs(g->regions, &text, &len) < 0)
			goto nomem;
		if (text) {
			nl = split_lines(text, &lines);
			if (nl == SIZE_MAX) {
				free(text);
				goto nomem;
			}
		}
		if (o->json) {
			json_open(&j, NULL, '{');
			json_key(&j, "group");
			json_u64(&j, (uint64_t)g->id);
			json_key(&j, "identical");
			json_bool(&j, false);
			json_key(&j, "complete");
			json_bool(&j, g->complete);
			json_lines(&j, "predicted", NULL, 0);
			json_lines(&j, "actual", lines, nl);
			json_close(&j, '}');
		} else {
			printf("group %ld: differs (the kernel should have made no group)\n", g->id);
			for (size_t k = 0; k < nl; k++)
				printf(" - %s\n", esc(lines[k]));
		}
		free(lines);
		free(text);
	}
	if (o->json) {
		json_close(&j, ']');
		json_close(&j, '}');
	} else if (n) {
		printf("0 of %zu groups identical\n", n);
	} else {
		printf("none under %s/sys/kernel/iommu_groups either: identical\n",
		       o->sysroot ? o->sysroot : "");
	}
	return n ? EXIT_FAIL : EXIT_OK;
nomem:
	warnx_("out of memory");
	return EXIT_FAIL;
}

struct report {
	struct resv_machine *m;
	const struct opts *o;
	const struct agroup *v;
	size_t n;
};

static int report_json(struct json *j, void *arg)
{
	struct report *r = arg;

	return report_assumptions(r->m, r->o, r->v, r->n, j);
}

static int run_predict(int argc, char **argv)
{
	static const enum column defaults[] = { COL_GROUP, COL_DEVICES, COL_START, COL_LAST,
						COL_TYPE, COL_SOURCE };
	struct resv_machine *m = NULL;
	struct resv_system *sys = NULL;
	struct pgroup *v = NULL;
	struct table *t = NULL;
	struct agroup *ag = NULL;
	struct report rep;
	struct opts o;
	size_t n = 0;
	bool failed = false;
	int rc, status = EXIT_FAIL;

	rc = parse_options(&o, argc, argv, "predict",
			   "Jornb,sysroot,table,lspci,no-floppy-wa,compare,view,aperture,strict,"
			   "format,list-columns,assume,kernel-version,page-size", usage_predict);
	if (rc)
		return rc < 0 ? EXIT_OK : rc;
	if (o.list_columns) {
		list_columns(stdout, PREDICT_COLUMNS);
		return EXIT_OK;
	}
	if (!o.view_set)
		o.view = VIEW_KERNEL;
	default_kernel(&o);
	status = load_machine(&o, &m);
	if (status)
		return status;
	status = EXIT_FAIL;
	rc = resv_system_load(&sys, o.sysroot);
	if (rc < 0)
		goto nomem;
	print_diags(resv_machine_diags(m));
	if (resv_machine_iommu_off(m)) {
		status = predict_off(&o, m, sys);
		goto out;
	}
	if (o.compare && resv_system_group_count(sys) == 0) {
		warnx_("--compare: no IOMMU groups under %s/sys/kernel/iommu_groups to compare with",
		       o.sysroot ? o.sysroot : "");
		goto out;
	}
	if (select_pgroups(m, &o, sys, &v, &n) < 0)
		goto nomem;
	for (int a = 0; a < o.nargs && resv_system_group_count(sys); a++) {
		char *end;
		long id = strtol(o.args[a], &end, 10);

		if (!*o.args[a] || *end || !resv_system_find_group(sys, id)) {
			warnx_("no IOMMU group '%s'", o.args[a]);
			failed = true;
		}
	}
	if (o.compare) {
		status = compare(m, &o, sys, v, n);
		goto out;
	}
	if (o.format == FORMAT_TABLE) {
		rc = table_new(&t, &o, "groups", defaults, ARRAY_LEN(defaults), PREDICT_COLUMNS);
		if (rc == -EINVAL)
			goto out;
		if (rc < 0)
			goto nomem;
		table_nest(t, o.view == VIEW_USABLE ? "ranges" : "regions");
	}
	for (size_t i = 0; i < n; i++) {
		struct resv_list *view = NULL;
		struct resv_range_list *usable = NULL;
		char where[64];

		failed |= !v[i].g.complete;
		snprintf(where, sizeof(where), "group %ld", v[i].g.id);
		if (build_view(&o, v[i].pred, &view, &usable, where) < 0)
			goto nomem;
		if (o.format == FORMAT_SYSFS && n > 1 && v[i].actual)
			printf("# group %ld\n", v[i].g.id);
		else if (o.format == FORMAT_SYSFS && n > 1)
			printf("# device %s\n", esc(v[i].g.devices[0].name));
		if (t)
			table_begin_group(t, &v[i].g, NULL, NULL);
		rc = output_view(&o, t, &v[i].g, view, usable);
		if (t)
			table_end_group(t);
		resv_list_free(view);
		resv_range_list_free(usable);
		if (rc < 0)
			goto nomem;
	}
	ag = calloc(n ? n : 1, sizeof(*ag));
	if (!ag)
		goto nomem;
	for (size_t i = 0; i < n; i++)
		ag[i] = agroup_of(&v[i]);
	rep = (struct report){ m, &o, ag, n };
	if (t && table_print_with(t, report_json, &rep) < 0)
		goto nomem;
	if (!o.json && report_assumptions(m, &o, ag, n, NULL) < 0)
		goto nomem;
	status = failed ? EXIT_FAIL : EXIT_OK;
	goto out;
nomem:
	warnx_("out of memory");
out:
	free(ag);
	table_free(t);
	free_pgroups(v, n);
	resv_system_free(sys);
	resv_machine_free(m);
	return status;
}

int cmd_predict(int argc, char **argv)
{
	return run_predict(argc, argv);
}
