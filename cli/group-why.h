/* SPDX-License-Identifier: MIT */
/*
 * explain's "why these devices share a group": the group predicted from
 * config space (pci_device_group replayed), why each member joined, the
 * bridges up to the root with their ACS, and what would split the group.
 */
#ifndef RESV_GROUP_WHY_H
#define RESV_GROUP_WHY_H

#include "cli.h"

#define WHY_MAX_PATH 32
#define WHY_MAX_SPLITS 8

/* A pcie_acs_override= value, and the device's group under it. */
struct why_split {
	char option[64];	/* "id:1b36:000c", "downstream", "multifunction" */
	char *members;		/* the group's members, space-separated (malloc) */
	bool splits;		/* fewer members than now */
};

struct group_why {
	struct resv_group_prediction *pred;	/* NULL: no prediction (said in *reason) */
	const char *reason;		/* why there is none, static */
	const struct resv_pgroup *pg;	/* the finest bound's group of the device */
	const struct resv_pgroup *coarse;	/* the coarsest bound's, when it differs */
	int matches_sysfs;		/* 1, 0; -1 without a sysfs group */
	const char *path[WHY_MAX_PATH];	/* bridges above the device, nearest first */
	size_t npath;
	struct resv_acs acs[WHY_MAX_PATH];
	int acs_ok[WHY_MAX_PATH];	/* resv_machine_pci_acs() == 0 */
	struct why_split splits[WHY_MAX_SPLITS];
	size_t nsplits;
};

/*
 * Fill @w for @device of @m, whose sysfs group is @g (or NULL). The machine's
 * command line is changed while the splits are tried, then restored.
 * Return: 0 (also when no prediction can be made) or -ENOMEM.
 */
int why_gather(struct group_why *w, struct resv_machine *m, const char *device,
	       const struct resv_group *g);
void why_free(struct group_why *w);
void why_text(const struct group_why *w, const struct resv_machine *m, const char *device);
void why_json(struct json *j, const struct group_why *w, const struct resv_machine *m);

#endif
