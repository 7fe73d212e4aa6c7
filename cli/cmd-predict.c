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
	      "                          (START-LAST: hex, decimal or sizes: 0-512G)\n"
	      "     --strict             usable view: exclude direct-relaxable regions too\n"
	      "     --format <fmt>       table (default) or sysfs\n", f);
	usage_common_options(f);
}

/* A group to predict: the sysfs one (devices, id), a predicted one, or a single device. */
struct pgroup {
	struct resv_group g;		/* g.regions: the prediction, raw */
	const struct resv_group *actual;	/* sysfs, or NULL */
	struct resv_list *pred;
	const char *name;		/* a predicted group: its lowest BDF (g.id < 0) */
	struct resv_device *owned;	/* g.devices when built here */
};

static void free_pgroups(struct pgroup *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++) {
		resv_list_free(v[i].pred);
		free(v[i].owned);
	}
	free(v);
}

static int cmp_device_name(const void *key, const void *elem)
{
	return strcmp(key, ((const struct resv_device *)elem)->name);
}

/* The machine's device @name (its devices are sorted by name), or NULL. */
static const struct resv_device *machine_device(const struct resv_machine *m, const char *name)
{
	size_t n = resv_machine_device_count(m);

	return n ? bsearch(name, resv_machine_device(m, 0), n, sizeof(struct resv_device),
			   cmp_device_name) : NULL;
}

/*
 * Predict group @pg from its devices. A device the topology lacks makes the
 * prediction incomplete. Return: 0 or -ENOMEM.
 */
static int predict_group(const struct resv_machine *m, const struct opts *o, struct pgroup *pg)
{
	unsigned int flags = o->no_floppy_wa ? RESV_PREDICT_NO_FLOPPY_WA : 0;
	int rc = resv_list_new(&pg->pred);
	char label[48];

	if (pg->name)	/* a predicted group: its lowest BDF */
		snprintf(label, sizeof(label), "group %s", pg->name);
	else
		snprintf(label, sizeof(label), "group %ld", pg->g.id);

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
			warnx_("%s: %s is not in the PCI topology (no config space): its "
			       "regions are unknown", label, name);
			pg->g.complete = false;
		} else if (rc == 1) {
			char why[512];

			/* The kernel gave it a group; the prediction gives it none. */
			if (resv_machine_no_group_reason(m, name, why, sizeof(why)) == 1)
				warnx_("%s: note: %s: predicted to get no group: %s", label, name,
				       why);
			else
				warnx_("%s: note: %s: the firmware tables put it behind no IOMMU",
				       label, name);
		} else if (rc == -EOPNOTSUPP || rc == -ENODATA) {
			warnx_("%s: %s: prediction for %s is not supported", label, name,
			       resv_iommu_name(resv_machine_iommu(m)));
			pg->g.complete = false;
		}
	}
	return 0;
}

/* The groups pci_device_group() would form, each with its members' regions. */
static int predicted_pgroups(const struct resv_machine *m, const struct opts *o,
			     const struct resv_group_prediction *p, struct pgroup *v, size_t *n)
{
	const char *const *undecided;
	size_t nundecided = resv_group_prediction_undecided(p, &undecided);
	bool exact = resv_group_prediction_exact(p);

	fprintf(stderr, PROG ": note: no IOMMU groups in %s/sys/kernel/iommu_groups: groups are "
		"predicted from config space (the kernel's pci_device_group() replayed) and named "
		"by their lowest BDF", o->sysroot ? o->sysroot : "");
	if (!exact) {
		fprintf(stderr, "; the input does not show every port's ACS, so the finest possible "
			"groups are shown (the coarsest: JSON groups_coarsest); decided by");
		for (size_t i = 0; i < nundecided; i++)
			fprintf(stderr, " %s", undecided[i]);
	}
	fputc('\n', stderr);
	for (size_t k = 0; k < resv_group_prediction_count(p, RESV_BOUND_FINEST); k++) {
		const struct resv_pgroup *g = resv_group_prediction_group(p, RESV_BOUND_FINEST, k);
		struct pgroup *pg = &v[*n];
		struct resv_device *devs = calloc(g->n ? g->n : 1, sizeof(*devs));

		if (!devs)
			return -ENOMEM;
		for (size_t i = 0; i < g->n; i++) {
			const struct resv_device *d = machine_device(m, g->devices[i]);

			devs[i] = d ? *d : (struct resv_device){ .name = g->devices[i] };
		}
		/* no number (printed "-", JSON null); distinct, so the table starts a new group */
		*pg = (struct pgroup){ .g = { .id = -2 - (long)k, .ndevices = g->n, .devices = devs },
				       .name = g->name, .owned = devs };
		*n += 1;
		if (predict_group(m, o, pg) < 0)
			return -ENOMEM;
	}
	return 0;
}

/*
 * The groups to predict: sysfs groups (all or those named); else the
 * predicted groups (*@gp); else each device alone.
 */
static int select_pgroups(const struct resv_machine *m, const struct opts *o,
			  const struct resv_system *sys, struct pgroup **out, size_t *n,
			  struct resv_group_prediction **gp)
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
	{
		int rc = resv_machine_predict_groups(m, gp);

		if (rc == -ENOMEM)
			return rc;
		if (rc == 0)
			return predicted_pgroups(m, o, *gp, v, n);
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

/* ------------------------------------------------------------------------ */
/* Membership: which devices share a group                                   */

/* "membership": where the groups came from and how sure they are. */
static void json_membership(struct json *j, const char *source,
			    const struct resv_group_prediction *p)
{
	const char *const *undecided = NULL;
	size_t n = p ? resv_group_prediction_undecided(p, &undecided) : 0;

	json_key(j, "membership");
	json_open(j, NULL, '{');
	json_key(j, "source");
	json_str(j, source);
	json_key(j, "exact");
	json_bool(j, p ? resv_group_prediction_exact(p) : true);
	json_key(j, "undecided");
	json_open(j, NULL, '[');
	for (size_t i = 0; i < n; i++)
		json_str(j, undecided[i]);
	json_close(j, ']');
}

/* "groups_coarsest": the other bound, when the prediction is not exact. */
static int json_coarsest(struct json *j, const struct resv_machine *m,
			 const struct resv_group_prediction *p)
{
	if (!p || resv_group_prediction_exact(p))
		return 0;
	json_key(j, "groups_coarsest");
	json_open(j, NULL, '[');
	for (size_t k = 0; k < resv_group_prediction_count(p, RESV_BOUND_COARSEST); k++) {
		const struct resv_pgroup *g = resv_group_prediction_group(p, RESV_BOUND_COARSEST, k);
		struct resv_device *devs = calloc(g->n ? g->n : 1, sizeof(*devs));

		if (!devs)
			return -ENOMEM;
		for (size_t i = 0; i < g->n; i++) {
			const struct resv_device *d = machine_device(m, g->devices[i]);

			devs[i] = d ? *d : (struct resv_device){ .name = g->devices[i] };
		}
		json_open(j, NULL, '{');
		json_key(j, "name");
		json_str(j, g->name);
		json_key(j, "group");
		json_raw(j, "null");
		json_key(j, "devices");
		json_devices(j, devs, g->n);
		json_close(j, '}');
		free(devs);
	}
	json_close(j, ']');
	return 0;
}

static long sysfs_group_of(const struct resv_system *sys, const char *device)
{
	for (size_t s = 0; s < resv_system_group_count(sys); s++) {
		const struct resv_group *g = resv_system_group(sys, s);

		for (size_t d = 0; d < g->ndevices; d++)
			if (strcmp(g->devices[d].name, device) == 0)
				return g->id;
	}
	return -1;
}

/* Is each sysfs group inside one predicted group of bound @b, and back? */
static bool sysfs_within(const struct resv_system *sys, const struct resv_group_prediction *p,
			 enum resv_bound b, bool predicted_finer)
{
	if (predicted_finer) {
		for (size_t i = 0; i < resv_group_prediction_count(p, b); i++) {
			const struct resv_pgroup *pg = resv_group_prediction_group(p, b, i);
			long id = sysfs_group_of(sys, pg->devices[0]);

			for (size_t k = 0; k < pg->n; k++)
				if (id < 0 || sysfs_group_of(sys, pg->devices[k]) != id)
					return false;
		}
		return true;
	}
	for (size_t i = 0; i < resv_system_group_count(sys); i++) {
		const struct resv_group *g = resv_system_group(sys, i);
		const struct resv_pgroup *first = NULL;

		for (size_t k = 0; k < g->ndevices; k++) {
			const struct resv_pgroup *h;

			if (!g->devices[k].pci)
				continue;
			h = resv_group_prediction_find(p, b, g->devices[k].name);
			if (!h || (first && h != first))
				return false;
			first = h;
		}
	}
	return true;
}

static void print_pgroup_set(const struct resv_pgroup *g)
{
	printf(" {");
	for (size_t k = 0; k < g->n; k++)
		printf("%s%s", k ? " " : "", esc(g->devices[k]));
	printf("}");
}

/*
 * --compare: the sysfs groups' members against the prediction's (the finest
 * bound; when that is not exact, lying between the bounds also agrees).
 * Text on stdout, or the "membership" object of @j. Return: true if agreeing.
 */
static bool compare_membership(const struct resv_system *sys,
			       const struct resv_group_prediction *p, struct json *j)
{
	bool exact = resv_group_prediction_exact(p), equal = true, within;
	size_t ndiff = 0;

	if (j) {
		json_membership(j, "sysfs", p);
		json_key(j, "differences");
		json_open(j, NULL, '[');
	}
	for (size_t i = 0; i < resv_system_group_count(sys); i++) {
		const struct resv_group *g = resv_system_group(sys, i);
		const struct resv_pgroup *first = NULL, *seen[64];
		size_t npci = 0, nseen = 0;
		bool same = true;

		for (size_t k = 0; k < g->ndevices; k++) {
			const struct resv_pgroup *h;
			bool known = false;

			if (!g->devices[k].pci)
				continue;
			npci++;
			h = resv_group_prediction_find(p, RESV_BOUND_FINEST, g->devices[k].name);
			same = same && h && (!first || h == first);
			first = first ? first : h;
			for (size_t s2 = 0; s2 < nseen; s2++)
				known = known || seen[s2] == h;
			if (h && !known && nseen < ARRAY_LEN(seen))
				seen[nseen++] = h;
		}
		if (same && (!first || first->n == npci))
			continue;
		equal = false;
		ndiff++;
		if (j) {
			json_open(j, NULL, '{');
			json_key(j, "sysfs_group");
			json_u64(j, (uint64_t)g->id);
			json_key(j, "devices");
			json_open(j, NULL, '[');
			for (size_t k = 0; k < g->ndevices; k++)
				json_str(j, g->devices[k].name);
			json_close(j, ']');
			json_key(j, "predicted");
			json_open(j, NULL, '[');
			for (size_t s2 = 0; s2 < nseen; s2++) {
				json_open(j, NULL, '[');
				for (size_t k = 0; k < seen[s2]->n; k++)
					json_str(j, seen[s2]->devices[k]);
				json_close(j, ']');
			}
			json_close(j, ']');
			json_close(j, '}');
		} else {
			printf("membership: sysfs group %ld {", g->id);
			for (size_t k = 0; k < g->ndevices; k++)
				printf("%s%s", k ? " " : "", esc(g->devices[k].name));
			printf("}; predicted");
			for (size_t s2 = 0; s2 < nseen; s2++)
				print_pgroup_set(seen[s2]);
			if (!nseen)
				printf(" no group");
			printf("\n");
		}
	}
	/* predicted members the kernel gave no group */
	for (size_t i = 0; i < resv_group_prediction_count(p, RESV_BOUND_FINEST); i++) {
		const struct resv_pgroup *pg = resv_group_prediction_group(p, RESV_BOUND_FINEST, i);

		for (size_t k = 0; k < pg->n; k++) {
			if (sysfs_group_of(sys, pg->devices[k]) >= 0)
				continue;
			equal = false;
			ndiff++;
			if (j) {
				json_open(j, NULL, '{');
				json_key(j, "sysfs_group");
				json_raw(j, "null");
				json_key(j, "devices");
				json_open(j, NULL, '[');
				json_str(j, pg->devices[k]);
				json_close(j, ']');
				json_key(j, "predicted");
				json_open(j, NULL, '[');
				json_open(j, NULL, '[');
				for (size_t d = 0; d < pg->n; d++)
					json_str(j, pg->devices[d]);
				json_close(j, ']');
				json_close(j, ']');
				json_close(j, '}');
			} else {
				printf("membership: %s is in no sysfs group; predicted",
				       esc(pg->devices[k]));
				print_pgroup_set(pg);
				printf("\n");
			}
		}
	}
	within = !equal && !exact && sysfs_within(sys, p, RESV_BOUND_FINEST, true) &&
		 sysfs_within(sys, p, RESV_BOUND_COARSEST, false);
	if (j) {
		json_close(j, ']');
		json_key(j, "identical");
		json_bool(j, equal);
		json_key(j, "within_bounds");
		json_bool(j, equal || within);
		json_close(j, '}');
	} else if (equal) {
		printf("membership: identical (%zu groups)\n", resv_system_group_count(sys));
	} else if (within) {
		printf("membership: the kernel's groups lie between the predicted bounds (the "
		       "input does not show every port's ACS)\n");
	} else {
		printf("membership: %zu difference%s\n", ndiff, ndiff == 1 ? "" : "s");
	}
	return equal || within;
}

/* --compare: byte-exact, group by group. Return: exit status. */
static struct agroup agroup_of(const struct pgroup *pg)
{
	return (struct agroup){ pg->g.id, pg->g.ndevices, pg->g.devices };
}

static int compare(struct resv_machine *m, const struct opts *o, const struct resv_system *sys,
		   struct pgroup *v, size_t n, const struct resv_group_prediction *gp)
{
	bool members_agree = true;
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
		if (gp)
			members_agree = compare_membership(sys, gp, &j);
		rc = ag ? report_assumptions(m, o, ag, n, &j) : -ENOMEM;
		json_close(&j, '}');
	} else {
		printf("%zu of %zu groups identical\n", same, n);
		if (gp)
			members_agree = compare_membership(sys, gp, NULL);
		rc = ag ? report_assumptions(m, o, ag, n, NULL) : -ENOMEM;
	}
	free(ag);
	if (rc < 0) {
		warnx_("out of memory");
		return EXIT_FAIL;
	}
	return same == n && members_agree ? EXIT_OK : EXIT_FAIL;
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
	const struct resv_group_prediction *gp;	/* the groups were predicted */
};

static int report_json(struct json *j, void *arg)
{
	struct report *r = arg;

	json_membership(j, r->gp ? "predicted" : "sysfs", r->gp);
	json_close(j, '}');
	if (json_coarsest(j, r->m, r->gp) < 0)
		return -ENOMEM;
	return report_assumptions(r->m, r->o, r->v, r->n, j);
}

/* A predicted group's JSON object gets its name. */
static void json_group_name(struct json *j, const void *arg)
{
	json_key(j, "name");
	json_str(j, arg);
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
	struct resv_group_prediction *gp = NULL;
	struct report rep;
	struct opts o;
	size_t n = 0;
	bool failed = false;
	int rc, status = EXIT_FAIL;

	rc = parse_options(&o, argc, argv, "predict",
			   "Jornb,sysroot,table,lspci,no-floppy-wa,compare,view,aperture,strict,"
			   "format,list-columns,assume,kernel-version,page-size,kernel-cmdline", usage_predict);
	if (rc)
		return rc < 0 ? EXIT_OK : rc;
	if (o.list_columns) {
		list_columns(stdout, PREDICT_COLUMNS);
		return EXIT_OK;
	}
	if (!o.view_set)
		o.view = VIEW_KERNEL;
	default_kernel(&o);
	/* Each function's uevent with its config: the groups' loader then
	 * walks to no device again (resv_system_load_known). */
	status = load_machine_with(&o, &m, RESV_LOAD_PCI_IDENTITY);
	if (status)
		return status;
	status = EXIT_FAIL;
	/*
	 * The machine read the config spaces: no header type. The groups'
	 * iommu links (JSON) and reserved_regions are read only where shown
	 * (issue 13: a link and a file a device and a group less).
	 */
	rc = resv_system_load_known(&sys, o.sysroot, o.compare || o.json ||
				    resv_machine_iommu_off(m) ?
				    RESV_SYSTEM_IOMMU | RESV_SYSTEM_REGIONS | RESV_SYSTEM_TYPE :
				    columns_include(o.columns, COL_GTYPE) ? RESV_SYSTEM_TYPE : 0, m);
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
	if (select_pgroups(m, &o, sys, &v, &n, &gp) < 0)
		goto nomem;
	if (o.compare && resv_machine_predict_groups(m, &gp) == -ENOMEM)
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
		status = compare(m, &o, sys, v, n, gp);
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
		else if (o.format == FORMAT_SYSFS && n > 1 && v[i].name)
			printf("# group %s\n", esc(v[i].name));
		else if (o.format == FORMAT_SYSFS && n > 1)
			printf("# device %s\n", esc(v[i].g.devices[0].name));
		if (t)
			table_begin_group(t, &v[i].g, v[i].name ? json_group_name : NULL, v[i].name);
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
	rep = (struct report){ m, &o, ag, n, gp };
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
	resv_group_prediction_free(gp);
	resv_system_free(sys);
	resv_machine_free(m);
	return status;
}

int cmd_predict(int argc, char **argv)
{
	return run_predict(argc, argv);
}
