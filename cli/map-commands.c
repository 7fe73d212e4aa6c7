// SPDX-License-Identifier: MIT
/*
 * What each command puts in its map: groups and iova a lane per group, check
 * the guest layouts, the groups as judged and the conflicts, explain a lane
 * per device of the group and the group's.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "map.h"

int map_begin(struct map **out, const struct opts *o, const char *title)
{
	int rc;

	*out = NULL;
	rc = map_new(out, title);
	if (rc == 0)
		rc = o->sysroot ? map_note(*out, "Read from the snapshot %s.", o->sysroot) :
				  map_note(*out, "Read from this system.");
	if (rc < 0) {
		map_free(*out);
		*out = NULL;
	}
	return rc;
}

int map_add_group(struct map *m, const struct opts *o, const struct resv_group *g,
		  size_t *lane)
{
	struct resv_range ap = o->aperture;
	const char *src = o->aperture_set ? "--aperture" : NULL;
	char name[32], *sub, *title;
	int rc;

	if (!g->regions)
		return 0;
	if (!o->aperture_set && !resv_group_aperture(g, o->kernel, &ap, &src))
		src = "assumed: 48 bits, the IOMMU's width is not in sysfs (--aperture)";
	if (map_group_sub(g, &sub, &title) < 0)
		return -ENOMEM;
	snprintf(name, sizeof(name), "group %ld", g->id);
	rc = map_add_regions(m, MAP_LANE_GROUP, name, sub, title, g->regions, &ap, src, o->strict,
			     NULL, lane);
	free(sub);
	free(title);
	return rc;
}

/*
 * check: the guest layout leftmost, the suggested one beside it (the VMM's
 * own knobs when they are enough, else explicit ranges), then the groups.
 */
int map_check_begin(struct map **out, const struct opts *o, const char *spec,
		    const struct resv_guest_layout *layout,
		    const struct resv_guest_config *knobs,
		    const struct resv_guest_layout *relocated, size_t errors, size_t warnings)
{
	struct resv_guest_layout *kl = NULL;
	char *title = NULL;
	int rc = -ENOMEM;

	if (asprintf(&title, "iommu-resv check --guest %s: %zu error%s, %zu warning%s", spec,
		     errors, errors == 1 ? "" : "s", warnings, warnings == 1 ? "" : "s") < 0)
		return -ENOMEM;
	rc = map_begin(out, o, title);
	free(title);
	if (rc < 0)
		return rc;
	rc = map_add_guest(*out, "guest", layout->amd_relocated ? "RAM >4G at 1 TiB (AMD)" :
			   "current", layout, NULL);
	if (rc == 0 && knobs) {
		char sub[64], sz[32];

		rc = resv_guest_layout_preset(&kl, knobs);
		if (rc == -EINVAL) {
			rc = 0;		/* not drawable: the text says it */
		} else if (rc == 0) {
			if (knobs->max_ram_below_4g) {
				print_size(sz, sizeof(sz), 0, knobs->max_ram_below_4g - 1);
				snprintf(sub, sizeof(sub), "RAM below 4G: %s", sz);
			} else {
				snprintf(sub, sizeof(sub), "%s", knobs->amd ? "AMD vCPU (1 TiB rule)" :
					 "QEMU knobs");
			}
			rc = map_add_guest(*out, "suggested", sub, kl, NULL);
		}
	} else if (rc == 0 && relocated) {
		rc = map_add_guest(*out, "suggested", "explicit ranges", relocated, NULL);
	}
	if (rc == 0 && (*out)->nlanes == 2)
		rc = map_set_status(*out, 1, "no errors", false);
	resv_guest_layout_free(kl);
	if (rc == 0 && (knobs || relocated))
		rc = map_note(*out, "\"suggested\": a layout without error-level conflicts, as the "
			      "text output's Suggestions give it.");
	if (rc < 0) {
		map_free(*out);
		*out = NULL;
	}
	return rc;
}

int map_check_group(struct map *m, const struct resv_group *g, const struct resv_list *kview,
		    const struct resv_list *resolved, const struct resv_range *aperture,
		    const char *aperture_source, bool strict, const char *refused,
		    const struct resv_region *blocker, bool usable_empty,
		    const struct resv_conflicts *conflicts, const struct resv_guest_layout *layout)
{
	char name[32], *sub, *title, status[64];
	size_t lane, nerr = 0, nwarn = 0;
	int rc;

	if (map_group_sub(g, &sub, &title) < 0)
		return -ENOMEM;
	snprintf(name, sizeof(name), "group %ld", g->id);
	rc = map_add_regions(m, MAP_LANE_GROUP, name, sub, title, kview, aperture,
			     aperture_source, strict, refused ? blocker : NULL, &lane);
	free(sub);
	free(title);
	for (size_t k = 0; rc == 0 && k < conflicts->count; k++) {
		const struct resv_conflict *x = &conflicts->items[k];
		const struct resv_guest_range *gr = &layout->ranges[x->range];
		char *t = NULL;

		if (x->severity == RESV_SEV_ERROR)
			nerr++;
		else
			nwarn++;
		if (x->kind == RESV_CONFLICT_APERTURE) {
			if (asprintf(&t, "guest %s 0x%" PRIx64 "-0x%" PRIx64 " is above the IOVA "
				     "aperture of group %ld", gr->name, x->overlap.start,
				     x->overlap.last, g->id) < 0)
				t = NULL;
		} else {
			const struct resv_region *r = resv_list_region(resolved, x->region);
			char buf[ORIGIN_MAX];
			const char *dev, *origin = region_origin(resolved, r, &dev, buf, sizeof(buf));

			if (asprintf(&t, "guest %s 0x%" PRIx64 "-0x%" PRIx64 " overlaps %s 0x%"
				     PRIx64 "-0x%" PRIx64 " of group %ld from %s%s%s",
				     gr->name, x->overlap.start,
				     x->overlap.last, resv_type_name(r->type), r->start, r->last,
				     g->id, origin, dev ? " device " : "", dev ? dev : "") < 0)
				t = NULL;
		}
		char label[64];

		snprintf(label, sizeof(label), "group %ld: %s", g->id,
			 x->kind == RESV_CONFLICT_APERTURE ? "above aperture" :
			 resv_type_name(resv_list_region(resolved, x->region)->type));
		rc = t ? map_add_conflict(m, 0, lane, x->overlap, x->severity, label, t) : -ENOMEM;
		free(t);
	}
	if (rc < 0)
		return rc;
	if (refused)
		snprintf(status, sizeof(status), "NOT assignable");
	else if (usable_empty)
		snprintf(status, sizeof(status), "no usable IOVA");
	else if (nerr && nwarn)
		snprintf(status, sizeof(status), "%zu error%s, %zu warning%s", nerr,
			 nerr == 1 ? "" : "s", nwarn, nwarn == 1 ? "" : "s");
	else if (nerr || nwarn)
		snprintf(status, sizeof(status), "%zu %s%s", nerr + nwarn, nerr ? "error" : "warning",
			 nerr + nwarn == 1 ? "" : "s");
	else
		snprintf(status, sizeof(status), "ok");
	rc = map_set_status(m, lane, status, refused || usable_empty || nerr);
	if (rc == 0 && refused && blocker)
		rc = map_note(m, "group %ld is NOT assignable: %s 0x%" PRIx64 "-0x%" PRIx64 ": %s",
			      g->id, resv_type_name(blocker->type), blocker->start, blocker->last,
			      refused);
	else if (rc == 0 && refused)
		rc = map_note(m, "group %ld is NOT assignable: %s", g->id, refused);
	if (rc == 0 && usable_empty)
		rc = map_note(m, "group %ld: no usable IOVA, the regions cover the whole aperture",
			      g->id);
	return rc;
}

/*
 * explain: a lane for each device of the group, its own regions (from the
 * firmware; @m NULL: sysfs alone, no such lanes), then the group's.
 */
int map_explain(const struct opts *o, const struct resv_machine *m, const struct resv_group *g,
		const char *name, const struct resv_list *kview, const struct resv_verdict *now)
{
	struct map *map = NULL;
	char *title = NULL;
	struct resv_verdict v;
	int rc;

	if (asprintf(&title, "iommu-resv explain %s: its regions%s", name,
		     g ? ", its group's, the verdict" : "") < 0)
		return -ENOMEM;
	rc = map_begin(&map, o, title);
	free(title);
	if (rc < 0)
		return rc;
	if (!m)
		rc = map_note(map, "Without the firmware tables: the group's reserved_regions only, "
			      "no per-device regions.");
	size_t n = g ? g->ndevices : 1;

	for (size_t k = 0; m && rc == 0 && k < n; k++) {
		const char *dev = g ? g->devices[k].name : name;
		struct resv_list *own = NULL, *kv = NULL;
		char title2[96];

		if (resv_list_new(&own) < 0) {
			rc = -ENOMEM;
			break;
		}
		rc = resv_machine_predict(m, dev, o->no_floppy_wa ? RESV_PREDICT_NO_FLOPPY_WA : 0,
					  own);
		/* A sysfs device the topology lacks: an empty lane, as predict shows it. */
		if (rc != -ENOMEM)
			rc = resv_list_kernel_view(&kv, own, NULL);
		snprintf(title2, sizeof(title2), "device %s: its own regions, from the firmware",
			 esc(dev));
		if (rc >= 0)
			rc = map_add_regions(map, MAP_LANE_DEVICE, dev + (strncmp(dev, "0000:", 5) ?
					     0 : 5), strcmp(dev, name) == 0 ? "(this device)" :
					     "same group", title2, kv, NULL, NULL, false, NULL, NULL);
		resv_list_free(kv);
		resv_list_free(own);
	}
	if (rc >= 0) {
		struct resv_range ap;
		const char *src = NULL;
		bool have_ap = g && resv_group_aperture(g, o->kernel, &ap, &src);
		char *sub = NULL, *gt = NULL, gname[32];
		size_t lane;

		if (!now) {	/* sysfs: the driver sysfs shows; v6.6+ rules when unknown */
			resv_assign_verdict(kview, g && g->iommu ? g->iommu : RESV_IOMMU_ARM,
					    o->kernel, &v);
			now = &v;
		}
		if (g) {
			rc = map_group_sub(g, &sub, &gt);
			snprintf(gname, sizeof(gname), "group %ld", g->id);
		} else {
			snprintf(gname, sizeof(gname), "its group");
		}
		if (rc >= 0)
			rc = map_add_regions(map, MAP_LANE_GROUP, gname, sub ? sub : "unknown (no sysfs)",
					     gt ? gt : "the device alone: no sysfs groups", kview,
					     have_ap ? &ap : NULL, src, false,
					     now->assignable ? NULL : now->blocker, &lane);
		free(sub);
		free(gt);
		if (rc >= 0)
			rc = map_set_status(map, lane, now->assignable ? "assignable" : "NOT assignable",
					    !now->assignable);
		if (rc >= 0 && !now->assignable)
			rc = map_note(map, "NOT assignable%s: %s", o->kernel ? "" : " (v6.6+)",
				      now->reason);
	}
	if (rc >= 0)
		rc = map_write(map, o->map);
	map_free(map);
	return rc < 0 ? rc : 0;
}
