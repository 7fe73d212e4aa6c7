// SPDX-License-Identifier: MIT
/*
 * IOMMU groups as the kernel forms them for PCI functions: every x86, Arm
 * and virtio IOMMU driver sends a PCI device to pci_device_group()
 * (drivers/iommu/iommu.c), called once per device in probe order when the
 * driver registers (bus_iommu_probe -> bus_for_each_dev), and the answer
 * depends on the groups of the devices probed before. It is replayed here
 * literally, over the functions read from config space.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "group.h"
#include "internal.h"

#define NONE (-1)

bool groups_replay_only;

/* What the replay knows about one function, fixed for every run. */
struct gdev {
	int32_t parent;		/* the bridge whose secondary bus it sits on, or NONE */
	uint32_t bus_first, bus_end;	/* its bus's functions: [bus_first, bus_end) */
	int8_t type;		/* PCIe type as the kernel corrects it */
	int8_t acs;		/* pci_acs_enabled(REQ_ACS_FLAGS): 1, 0, -1 unknown */
	bool bus_aliases;	/* some function on its bus has a DMA alias devfn */
	bool xlate_root, pcie_bridge_alias;
	bool bridge_no_alias;	/* PCI_DEV_FLAGS_PCI_BRIDGE_NO_ALIAS (v7.0) */
	bool ivrs_alias;	/* its alias devfns come (also) from an IVRS alias entry */
	bool emitted;
	int32_t alias;		/* index into masks, or NONE */
	int32_t child;		/* the first function on its secondary bus, or NONE */
	uint16_t missing, ctrl;
	const char *acs_quirk, *acs_why, *alias_quirk;
};

struct engine {
	const struct group_input *in;
	const struct pci_topology *t;
	size_t n;
	struct gdev *g;
	uint32_t (*masks)[8];	/* dma_alias_mask of the functions that have one */
	size_t nmasks;
	uint32_t *order;	/* probe order */
	/* per run */
	int32_t *group;		/* group id per function, or NONE */
	int8_t *path_ok;	/* pci_acs_path_enabled(dev, NULL, REQ_ACS_FLAGS), -1 not yet */
	int bound;		/* RESV_BOUND_FINEST: unknown ACS isolates */
	/* arm-smmu stream map entries taken so far: (smmu, sid) -> group, owner */
	struct sme { const void *smmu; uint32_t sid; int32_t group, owner; } *smes;
	size_t nsmes;
	int32_t flip;		/* a function whose unknown ACS is taken the other way */
};

/* One join, as recorded while replaying (strings built later). */
struct join {
	int32_t dev, with, via;
	enum resv_join why;
	const char *quirk;
	uint16_t rid;		/* DMA alias: the requester ID */
	uint32_t sid;		/* stream ID: the one shared */
};

struct bound {
	size_t ngroups;
	struct resv_pgroup *groups;
	const char **members;
	struct resv_group_link *links;
	int32_t *group_of;	/* per function: index into groups, NONE without a group */
};

struct resv_group_prediction {
	size_t n;
	char (*names)[13];	/* a copy of every function's name, sorted */
	struct bound b[2];
	bool exact;
	size_t nundecided;
	const char **undecided;
	char **details;
	size_t ndetails, details_cap;
};

/*
 * A third reference besides the two bounds, only for naming the deciding
 * functions: unknown bridges isolate, unknown functions that are no bridge
 * do not (so a multifunction endpoint below an unknown port is judged as if
 * the port isolated).
 */
#define BOUND_MIXED 2

static bool is_bridge(const struct pci_dev *d)
{
	return d->bridge && d->secondary > d->bus;
}

/* What @i's unknown ACS is taken as in the current run. */
static int8_t unknown_as(const struct engine *e, int32_t i)
{
	if (e->bound == RESV_BOUND_FINEST)
		return 1;
	if (e->bound == RESV_BOUND_COARSEST)
		return 0;
	return is_bridge(&e->t->devs[i]);
}

static int8_t acs_of(const struct engine *e, int32_t i)
{
	int8_t v = e->g[i].acs;

	if (i == e->flip)
		return !unknown_as(e, i);
	return v >= 0 ? v : unknown_as(e, i);
}

/* pci_acs_path_enabled(start, NULL, REQ_ACS_FLAGS): the device and every bridge above it. */
static bool path_ok(struct engine *e, int32_t i)
{
	int32_t chain[257];
	int n = 0;
	bool ok;

	while (i != NONE && e->path_ok[i] < 0 && n < 256) {
		chain[n++] = i;
		i = e->g[i].parent;
	}
	ok = i == NONE ? true : e->path_ok[i] > 0;
	while (n-- > 0) {
		ok = ok && acs_of(e, chain[n]);
		e->path_ok[chain[n]] = ok;
	}
	return ok;
}

/* The first function on the path up from @i that does not isolate. */
static int32_t path_breaker(const struct engine *e, int32_t i)
{
	for (int step = 0; i != NONE && step < 256; step++, i = e->g[i].parent)
		if (!acs_of(e, i))
			return i;
	return NONE;
}

static bool has_alias(const struct engine *e, int32_t a, int32_t b)
{
	int32_t m = e->g[a].alias;
	uint8_t devfn = (uint8_t)(e->t->devs[b].dev << 3 | e->t->devs[b].fn);

	return m != NONE && (e->masks[m][devfn >> 5] >> (devfn & 31) & 1);
}

static bool test_and_set(uint32_t *devfns, const struct pci_dev *d)
{
	unsigned int devfn = (unsigned int)(d->dev << 3 | d->fn);
	bool was = devfns[devfn >> 5] >> (devfn & 31) & 1;

	devfns[devfn >> 5] |= 1u << (devfn & 31);
	return was;
}

static int32_t function_group(struct engine *e, int32_t pdev, uint32_t *devfns, struct join *j,
			      int depth);

/*
 * iommu.c get_pci_alias_group(): the group of @pdev, or of a function on
 * its bus that it aliases or that aliases it (pci_devs_are_dma_aliases),
 * recursively; @devfns marks what was seen (at most 256, so the recursion
 * is bounded).
 */
static int32_t alias_group(struct engine *e, int32_t pdev, uint32_t *devfns, struct join *j,
			   int depth)
{
	const struct gdev *g = &e->g[pdev];

	if (test_and_set(devfns, &e->t->devs[pdev]))
		return NONE;
	if (e->group[pdev] != NONE) {
		j->with = pdev;
		return e->group[pdev];
	}
	if (!g->bus_aliases || depth > 256)
		return NONE;
	for (uint32_t tmp = g->bus_first; tmp < g->bus_end; tmp++) {
		int32_t grp;
		bool ours;

		if ((int32_t)tmp == pdev)
			continue;
		ours = has_alias(e, pdev, (int32_t)tmp);
		if (!ours && !has_alias(e, (int32_t)tmp, pdev))
			continue;
		grp = alias_group(e, (int32_t)tmp, devfns, j, depth + 1);
		if (grp == NONE)
			grp = function_group(e, (int32_t)tmp, devfns, j, depth + 1);
		if (grp != NONE) {
			if (depth == 0) {
				const struct gdev *src = ours ? g : &e->g[tmp];

				j->why = src->ivrs_alias && !src->alias_quirk ? RESV_JOIN_IVRS_ALIAS :
					 RESV_JOIN_ALIAS_QUIRK;
				j->quirk = src->alias_quirk;
				j->via = (int32_t)tmp;
			}
			return grp;
		}
	}
	return NONE;
}

/*
 * iommu.c get_pci_function_alias_group(): a multifunction device without
 * ACS shares the group of another function of its slot that lacks ACS too.
 */
static int32_t function_group(struct engine *e, int32_t pdev, uint32_t *devfns, struct join *j,
			      int depth)
{
	const struct pci_dev *d = &e->t->devs[pdev];
	const struct gdev *g = &e->g[pdev];

	if (!d->multifunction || acs_of(e, pdev))
		return NONE;
	for (uint32_t tmp = g->bus_first; tmp < g->bus_end; tmp++) {
		int32_t grp;

		if ((int32_t)tmp == pdev || e->t->devs[tmp].dev != d->dev || acs_of(e, (int32_t)tmp))
			continue;
		grp = alias_group(e, (int32_t)tmp, devfns, j, depth + 1);
		if (grp != NONE) {
			if (depth == 0) {
				j->why = RESV_JOIN_FUNCTION;
				j->via = (int32_t)tmp;
				j->quirk = NULL;
			}
			return grp;
		}
	}
	return NONE;
}

static uint16_t rid_of(const struct pci_dev *d)
{
	return (uint16_t)(d->bus << 8 | d->dev << 3 | d->fn);
}

/*
 * iommu.c pci_device_group() for function @i: the DMA aliases first
 * (pci_for_each_dma_alias, drivers/pci/search.c), then up to the first
 * bridge from which the path to the root is ACS-isolated, then aliases on
 * the same bus, then the non-isolated functions of the same slot.
 * Return: its group (new when @ngroups grows); *@j says why when it joined.
 */
static int32_t device_group(struct engine *e, int32_t i, int32_t *ngroups, struct join *j)
{
	const struct pci_topology *t = e->t;
	uint32_t devfns[8] = { 0 };
	int32_t pdev = i, grp;

	*j = (struct join){ .dev = i, .with = NONE, .via = NONE };
	/* pci_for_each_dma_alias: own ID and quirk devfns carry @i itself, which
	 * has no group yet; then each bridge up to the root bus. */
	for (int32_t b = e->g[i].parent, step = 0; b != NONE && step < 256;
	     b = e->g[b].parent, step++) {
		const struct pci_dev *br = &t->devs[b];
		const struct gdev *gb = &e->g[b];
		uint16_t rid;

		if (gb->xlate_root)
			break;	/* PCI_DEV_FLAGS_BRIDGE_XLATE_ROOT */
		switch (gb->type) {
		case PCI_EXP_TYPE_ROOT_PORT:
		case PCI_EXP_TYPE_UPSTREAM:
		case PCI_EXP_TYPE_DOWNSTREAM:
		case PCI_TYPE_UNKNOWN:	/* 64 bytes: taken as a port; its ACS is unknown */
			continue;
		case PCI_EXP_TYPE_PCI_BRIDGE:
			if (gb->bridge_no_alias)
				continue;	/* PCI_DEV_FLAGS_PCI_BRIDGE_NO_ALIAS (v7.0) */
			rid = (uint16_t)(br->secondary << 8);
			break;
		case PCI_EXP_TYPE_PCIE_BRIDGE:
			rid = rid_of(br);
			break;
		case PCI_TYPE_CONVENTIONAL:
			rid = gb->pcie_bridge_alias ? (uint16_t)(br->secondary << 8) : rid_of(br);
			break;
		default:
			continue;	/* another PCIe type: pci_for_each_dma_alias adds nothing */
		}
		pdev = b;	/* get_pci_alias_or_group: data->pdev */
		if (e->group[b] != NONE) {
			*j = (struct join){ .dev = i, .with = b, .via = b, .why = RESV_JOIN_DMA_ALIAS,
					    .rid = rid };
			return e->group[b];
		}
		j->rid = rid;
		j->via = b;
	}
	/* Up from the alias to where ACS isolates the path to the root. */
	for (int32_t b = e->g[pdev].parent, step = 0; b != NONE && step < 256;
	     b = e->g[b].parent, step++) {
		if (path_ok(e, b))
			break;
		pdev = b;
		if (e->group[b] != NONE) {
			*j = (struct join){ .dev = i, .with = b, .via = path_breaker(e, b),
					    .why = RESV_JOIN_ACS_PATH };
			return e->group[b];
		}
	}
	*j = (struct join){ .dev = i, .with = NONE, .via = NONE };
	grp = alias_group(e, pdev, devfns, j, 0);
	if (grp == NONE)
		grp = function_group(e, pdev, devfns, j, 0);
	if (grp != NONE)
		return grp;
	return (*ngroups)++;
}

/*
 * arm-smmu.c arm_smmu_device_group() (SMMUv1/v2; the same in v5.10 to
 * v7.x): a master whose stream map entries already hold a group joins it
 * (the last entry's decides; two different groups fail the probe: no
 * group), else pci_device_group(); then its entries remember the group.
 * Stream IDs are matched exactly (ACPI gives no SMR mask).
 */
static int32_t smmu_device_group(struct engine *e, int32_t i, int32_t *ngroups, struct join *j)
{
	const struct group_streams *st = &e->in->streams[i];
	int32_t grp = NONE, owner = NONE;
	uint32_t sid_of = 0;

	for (uint8_t k = 0; k < st->n && k < 8; k++) {
		int32_t g = NONE, o = NONE;

		for (size_t s = 0; s < e->nsmes; s++)
			if (e->smes[s].smmu == st->smmu && e->smes[s].sid == st->sid[k]) {
				g = e->smes[s].group;
				o = e->smes[s].owner;
			}
		if (grp != NONE && g != NONE && grp != g)
			return NONE;	/* -EINVAL: the probe fails */
		grp = g;
		owner = o;
		if (g != NONE)
			sid_of = st->sid[k];
	}
	if (grp != NONE) {
		*j = (struct join){ .dev = i, .with = owner, .via = NONE, .why = RESV_JOIN_STREAM_ID,
				    .sid = sid_of };
		return grp;
	}
	grp = device_group(e, i, ngroups, j);
	for (uint8_t k = 0; k < st->n && k < 8; k++) {
		bool have = false;

		for (size_t s = 0; s < e->nsmes && !have; s++)
			if (e->smes[s].smmu == st->smmu && e->smes[s].sid == st->sid[k]) {
				e->smes[s].group = grp;
				have = true;
			}
		if (!have && e->nsmes < e->n * 8)
			e->smes[e->nsmes++] = (struct sme){ st->smmu, st->sid[k], grp, i };
	}
	return grp;
}

/* One run over every function in probe order; @joins (may be NULL) gets one entry per function. */
static void replay(struct engine *e, int bound, int32_t flip, struct join *joins)
{
	int32_t ngroups = 0;

	e->bound = bound;
	e->flip = flip;
	e->nsmes = 0;
	for (size_t i = 0; i < e->n; i++) {
		e->group[i] = NONE;
		e->path_ok[i] = -1;
	}
	for (size_t k = 0; k < e->n; k++) {
		int32_t i = (int32_t)e->order[k];
		struct join j;

		if (!e->in->behind[i])
			continue;
		if (e->in->streams && e->in->streams[i].smmu)
			e->group[i] = smmu_device_group(e, i, &ngroups, &j);
		else
			e->group[i] = device_group(e, i, &ngroups, &j);
		if (e->group[i] == NONE)
			j = (struct join){ .dev = i, .with = NONE, .via = NONE };
		if (joins)
			joins[i] = j;
	}
}

/* Group ids renamed to the first function (in topology order) of each: comparable across runs. */
static void canonical(const struct engine *e, int32_t *out, int32_t *first)
{
	for (size_t i = 0; i < e->n; i++)
		first[i] = NONE;
	for (size_t i = 0; i < e->n; i++) {
		int32_t g = e->group[i];

		if (g == NONE) {
			out[i] = NONE;
			continue;
		}
		if (first[g] == NONE)
			first[g] = (int32_t)i;
		out[i] = first[g];
	}
}

/* ---------------------------------------------------------------------- */
/* Setting up                                                               */

static int cmp_key(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

/*
 * Probe order: the order the kernel added the devices (device_add in
 * pci_bus_add_devices, drivers/pci/bus.c): every function of a bus, then
 * each child bus in the order of the bridges leading to it, recursively;
 * root buses by segment and number. bus_for_each_dev walks that list.
 */
static int probe_order(struct engine *e, const uint32_t *child_key, const uint32_t *child_dev,
		       size_t nchild)
{
	uint32_t *stack = malloc((e->n + 1) * sizeof(*stack));
	size_t sp = 0, k = 0;

	if (!stack)
		return -ENOMEM;
	for (size_t r = 0; r < e->n; r = e->g[r].bus_end) {
		if (e->g[r].parent != NONE)
			continue;
		stack[sp++] = (uint32_t)r;
		while (sp) {
			uint32_t first = stack[--sp];

			if (e->g[first].emitted)
				continue;
			for (uint32_t i = first; i < e->g[first].bus_end; i++) {
				e->g[i].emitted = true;
				e->order[k++] = i;
			}
			/* children of this bus, pushed so that the first pops first */
			for (uint32_t i = e->g[first].bus_end; i-- > first;) {
				const struct pci_dev *d = &e->t->devs[i];
				uint32_t key = (uint32_t)d->segment << 8 | d->secondary;
				uint32_t *hit;

				if (!d->bridge || d->secondary <= d->bus || !nchild)
					continue;
				hit = bsearch(&key, child_key, nchild, sizeof(*child_key), cmp_key);
				if (!hit || child_dev[hit - child_key] == UINT32_MAX)
					continue;
				/* the bus's first function, found by its first parent claim */
				if (e->g[child_dev[hit - child_key]].parent != (int32_t)i)
					continue;
				if (sp < e->n)
					stack[sp++] = child_dev[hit - child_key];
			}
		}
	}
	for (uint32_t i = 0; i < e->n; i++)	/* anything unreachable, in order */
		if (!e->g[i].emitted)
			e->order[k++] = i;
	free(stack);
	return 0;
}

/* amd/init.c init_iommu_from_acpi: the alias table the IVHDs of the type in use build. */
static uint16_t ivrs_alias_of(const struct ivrs *ivrs, uint8_t type, uint16_t segment,
			      uint16_t devid)
{
	uint16_t alias = devid;

	for (size_t bi = 0; bi < ivrs->nblocks; bi++) {
		const struct ivrs_block *b = &ivrs->blocks[bi];
		uint16_t start = 0, to = 0;
		bool range_alias = false;

		if (b->type != type || b->segment != segment)
			continue;
		for (size_t k = 0; k < b->nentries; k++) {
			const struct ivrs_device_entry *d = &b->entries[k];

			switch (d->type) {
			case IVHD_DEV_ALIAS_SELECT:
				if (d->devid == devid)
					alias = d->source_devid;
				break;
			case IVHD_DEV_ALIAS_RANGE:
				start = d->devid;
				to = d->source_devid;
				range_alias = true;
				break;
			case IVHD_DEV_RANGE_START:
			case IVHD_DEV_EXT_RANGE:
				start = d->devid;
				range_alias = false;
				break;
			case IVHD_DEV_RANGE_END:
				if (range_alias && devid >= start && devid <= d->devid)
					alias = to;
				break;
			default:
				break;
			}
		}
	}
	return alias;
}

static void engine_free(struct engine *e)
{
	free(e->g);
	free(e->masks);
	free(e->order);
	free(e->group);
	free(e->path_ok);
	free(e->smes);
}

/*
 * What the command line changes for ACS: pci=disable_acs_redir= and
 * config_acs= into @cl, and pcie_acs_override= as a quirk row in @ctx
 * (kept in @ov), where the kernel that carries the patch puts it.
 */
static void read_cmdline(const struct group_input *in, struct acs_cmdline *cl,
			 struct acs_override *ov, struct quirk_ctx *ctx)
{
	size_t nwarn = 0;

	acs_cmdline_parse(in->cmdline, cl);
	if (in->cmdline && acs_override_from_cmdline(in->cmdline, ov, NULL, 0, &nwarn)) {
		ov->place = acs_override_place_of(in->release && *in->release ? in->release : "");
		ctx->override = ov;
	}
}

static int engine_init(struct engine *e, const struct group_input *in)
{
	const struct pci_topology *t = in->topo;
	struct acs_cmdline *cl = malloc(sizeof(*cl));
	struct acs_override ov;
	struct quirk_ctx ctx = { .kernel = in->kernel, .ivrs = in->ivrs != NULL, .topo = t,
				 .no_acs_enable = !in->acs_requested };
	uint32_t *child_key = NULL, *child_dev = NULL;
	size_t nchild = 0;
	int rc = -ENOMEM;

	*e = (struct engine){ .in = in, .t = t, .n = t->n, .flip = NONE };
	if (!cl)
		return -ENOMEM;
	read_cmdline(in, cl, &ov, &ctx);
	e->g = calloc(e->n ? e->n : 1, sizeof(*e->g));
	e->order = malloc((e->n ? e->n : 1) * sizeof(*e->order));
	e->group = malloc((e->n ? e->n : 1) * sizeof(*e->group));
	e->path_ok = malloc(e->n ? e->n : 1);
	child_key = malloc((e->n ? e->n : 1) * sizeof(*child_key));
	child_dev = malloc((e->n ? e->n : 1) * sizeof(*child_dev));
	if (in->streams) {
		e->smes = malloc((e->n ? e->n : 1) * 8 * sizeof(*e->smes));
		if (!e->smes)
			goto out;
	}
	if (!e->g || !e->order || !e->group || !e->path_ok || !child_key || !child_dev)
		goto out;
	/* Bridges that lead down, by (segment, secondary): the first claim wins. */
	for (size_t i = 0; i < e->n; i++) {
		const struct pci_dev *d = &t->devs[i];

		if (d->bridge && d->secondary > d->bus)
			child_key[nchild++] = (uint32_t)d->segment << 8 | d->secondary;
	}
	qsort(child_key, nchild, sizeof(*child_key), cmp_key);
	{
		size_t w = 0;

		for (size_t i = 0; i < nchild; i++)
			if (!w || child_key[w - 1] != child_key[i])
				child_key[w++] = child_key[i];
		nchild = w;
	}
	for (size_t i = 0; i < nchild; i++)
		child_dev[i] = UINT32_MAX;
	/* Buses: contiguous in the sorted topology. */
	for (size_t i = 0; i < e->n;) {
		size_t end = i + 1;

		while (end < e->n && t->devs[end].segment == t->devs[i].segment &&
		       t->devs[end].bus == t->devs[i].bus)
			end++;
		for (size_t k = i; k < end; k++) {
			e->g[k].bus_first = (uint32_t)i;
			e->g[k].bus_end = (uint32_t)end;
			e->g[k].parent = NONE;
		}
		if (nchild) {
			uint32_t key = (uint32_t)t->devs[i].segment << 8 | t->devs[i].bus;
			uint32_t *hit = bsearch(&key, child_key, nchild, sizeof(*child_key), cmp_key);

			if (hit)
				child_dev[hit - child_key] = (uint32_t)i;
		}
		i = end;
	}
	for (size_t i = 0; i < e->n; i++)
		e->g[i].child = NONE;
	/* Each bus's parent bridge (pci_bus_bridge's choice: the first in order). */
	for (size_t i = 0; i < e->n; i++) {
		const struct pci_dev *d = &t->devs[i];
		uint32_t key = (uint32_t)d->segment << 8 | d->secondary;
		uint32_t *hit;

		if (!d->bridge || d->secondary <= d->bus || !nchild)
			continue;
		hit = bsearch(&key, child_key, nchild, sizeof(*child_key), cmp_key);
		if (hit && child_dev[hit - child_key] != UINT32_MAX) {
			uint32_t first = child_dev[hit - child_key];

			if (e->g[first].parent != NONE)
				continue;
			for (uint32_t k = first; k < e->g[first].bus_end; k++)
				e->g[k].parent = (int32_t)i;
			e->g[i].child = (int32_t)first;
		}
	}
	/* ACS, types and aliases. */
	for (size_t i = 0; i < e->n; i++) {
		const struct pci_dev *d = &t->devs[i];
		struct gdev *g = &e->g[i];
		struct dma_alias_quirk q = { 0 };
		struct acs_verdict v;
		uint16_t ctrl = d->acs_ctrl;
		uint32_t mask[8] = { 0 };
		bool any = false;

		struct pci_dev copy = *d;	/* the quirks' enable steps write into it */
		struct acs_replay r;

		g->type = acs_pcie_type(d, g->parent == NONE ? NULL : &t->devs[g->parent]);
		acs_replay(t, &copy, cl, &ctx, in->acs_requested, &r);
		ctrl = r.ctrl;
		g->ctrl = ctrl;
		v = acs_enabled(&copy, g->type, ctrl, REQ_ACS_FLAGS, &ctx);
		g->acs = v.enabled;
		g->missing = v.missing;
		g->acs_quirk = v.quirk;
		g->acs_why = v.why;
		g->alias = NONE;
		if (dma_alias_quirks(d, &ctx, &q)) {
			g->xlate_root = q.xlate_root;
			g->pcie_bridge_alias = q.pcie_bridge_alias;
			g->bridge_no_alias = q.bridge_no_alias;
			for (int w = 0; w < 8; w++) {
				mask[w] = q.devfn_mask[w];
				any = any || mask[w];
			}
			for (uint8_t k = 0; k < q.ndevfn && k < 8; k++) {
				mask[q.devfn[k] >> 5] |= 1u << (q.devfn[k] & 31);
				any = true;
			}
			if (any)
				g->alias_quirk = q.quirk;
		}
		if (in->ivrs) {
			/* amd/iommu.c setup_aliases: only an alias on the device's own bus */
			uint16_t id = rid_of(d);
			uint16_t a = ivrs_alias_of(in->ivrs, in->ivhd_type, d->segment, id);

			if (a != id && a >> 8 == d->bus) {
				mask[(a & 0xff) >> 5] |= 1u << (a & 31);
				g->ivrs_alias = true;
				any = true;
			}
		}
		if (any) {
			if ((e->nmasks & (e->nmasks - 1)) == 0) {
				void *v2 = realloc(e->masks, (e->nmasks ? e->nmasks * 2 : 1) *
							     sizeof(*e->masks));

				if (!v2)
					goto out;
				e->masks = v2;
			}
			memcpy(e->masks[e->nmasks], mask, sizeof(mask));
			g->alias = (int32_t)e->nmasks++;
			for (uint32_t k = g->bus_first; k < g->bus_end; k++)
				e->g[k].bus_aliases = true;
		}
	}
	rc = probe_order(e, child_key, child_dev, nchild);
out:
	free(cl);
	free(child_key);
	free(child_dev);
	if (rc < 0)
		engine_free(e);
	return rc;
}

/* ---------------------------------------------------------------------- */
/* The result                                                               */

static void bound_free(struct bound *b)
{
	free(b->groups);
	free(unconst(b->members));
	free(b->links);
	free(b->group_of);
}

RESV_EXPORT void resv_group_prediction_free(struct resv_group_prediction *p)
{
	if (!p)
		return;
	for (int k = 0; k < 2; k++)
		bound_free(&p->b[k]);
	for (size_t i = 0; i < p->ndetails; i++)
		free(p->details[i]);
	free(p->details);
	free(unconst(p->undecided));
	free(p->names);
	free(p);
}

static char *detail_text(const struct engine *e, const struct join *j)
{
	const struct pci_topology *t = e->t;
	const char *with = t->devs[j->with].name;
	char bits[64], buf[512];
	const struct gdev *v;

	switch (j->why) {
	case RESV_JOIN_DMA_ALIAS:
		snprintf(buf, sizeof(buf),
			 "its DMA reaches the IOMMU as %02x:%02x.%u, the requester ID of bridge %s "
			 "(%s), which is in that group (pci_for_each_dma_alias)",
			 j->rid >> 8, j->rid >> 3 & 0x1f, j->rid & 7, t->devs[j->via].name,
			 e->g[j->via].type == PCI_EXP_TYPE_PCI_BRIDGE ? "a PCIe-to-PCI bridge" :
			 e->g[j->via].type == PCI_EXP_TYPE_PCIE_BRIDGE ? "a PCI-to-PCIe bridge" :
			 "a conventional PCI bridge");
		break;
	case RESV_JOIN_ACS_PATH:
		if (j->via == NONE) {
			snprintf(buf, sizeof(buf), "it is below %s, and the path from there to the "
				 "root is not ACS-isolated", with);
			break;
		}
		v = &e->g[j->via];
		if (v->acs < 0)
			snprintf(buf, sizeof(buf), "%s above it is taken as not isolating: %s "
				 "(pci_acs_path_enabled)", t->devs[j->via].name, v->acs_why);
		else if (v->missing && !v->acs_quirk && t->devs[j->via].acs == 1)
			snprintf(buf, sizeof(buf), "%s above it lacks ACS %s (Control 0x%04x, "
				 "Capability 0x%04x), so nothing below it is isolated from %s "
				 "(pci_acs_path_enabled)", t->devs[j->via].name,
				 acs_bits_text(v->missing, bits, sizeof(bits)), v->ctrl,
				 t->devs[j->via].acs_cap, with);
		else
			snprintf(buf, sizeof(buf), "%s above it does not isolate: %s%s%s "
				 "(pci_acs_path_enabled)", t->devs[j->via].name, v->acs_why,
				 v->acs_quirk ? ", quirk " : "", v->acs_quirk ? v->acs_quirk : "");
		break;
	case RESV_JOIN_ALIAS_QUIRK:
	case RESV_JOIN_IVRS_ALIAS:
		snprintf(buf, sizeof(buf), "%s and %s are DMA aliases of each other on one bus "
			 "(%s; get_pci_alias_group)", t->devs[j->dev].name,
			 t->devs[j->via == NONE ? j->with : j->via].name,
			 j->why == RESV_JOIN_IVRS_ALIAS ? "an IVRS alias entry, amd/iommu.c setup_aliases" :
			 j->quirk ? j->quirk : "a DMA alias quirk");
		break;
	case RESV_JOIN_FUNCTION:
		v = &e->g[j->dev];
		if (v->missing && t->devs[j->dev].acs == 1)
			snprintf(buf, sizeof(buf), "a function of the same multifunction slot as %s, "
				 "neither isolated by ACS: it lacks ACS %s "
				 "(get_pci_function_alias_group)",
				 t->devs[j->via == NONE ? j->with : j->via].name,
				 acs_bits_text(v->missing, bits, sizeof(bits)));
		else
			snprintf(buf, sizeof(buf), "a function of the same multifunction slot as %s, "
				 "neither isolated by ACS: %s (get_pci_function_alias_group)",
				 t->devs[j->via == NONE ? j->with : j->via].name, v->acs_why);
		break;
	default:
		snprintf(buf, sizeof(buf), "its stream ID 0x%x is also %s's, whose group the "
			 "SMMU's stream map entry holds (arm-smmu.c arm_smmu_device_group)", j->sid,
			 with);
		break;
	}
	return strdup(buf);
}

/* Fill @b from the last replay (e->group) and its @joins. */
static int bound_build(struct resv_group_prediction *p, struct bound *b, const struct engine *e,
		       const struct join *joins)
{
	int32_t *canon = malloc((e->n ? e->n : 1) * sizeof(*canon));
	int32_t *first = malloc((e->n ? e->n : 1) * sizeof(*first));
	size_t nmembers = 0, nlinks = 0;
	int rc = -ENOMEM;

	b->group_of = malloc((e->n ? e->n : 1) * sizeof(*b->group_of));
	if (!canon || !first || !b->group_of)
		goto out;
	canonical(e, canon, first);
	/* groups sorted by their first function = their lowest BDF */
	for (size_t i = 0; i < e->n; i++) {
		b->group_of[i] = NONE;
		if (canon[i] == NONE)
			continue;
		nmembers++;
		if (canon[i] == (int32_t)i)
			b->ngroups++;
	}
	b->groups = calloc(b->ngroups ? b->ngroups : 1, sizeof(*b->groups));
	b->members = calloc(nmembers ? nmembers : 1, sizeof(*b->members));
	b->links = calloc(nmembers ? nmembers : 1, sizeof(*b->links));
	if (!b->groups || !b->members || !b->links)
		goto out;
	{
		size_t g = 0;

		for (size_t i = 0; i < e->n; i++)
			if (canon[i] == (int32_t)i)
				first[i] = (int32_t)g++;
		/* count members per group */
		for (size_t i = 0; i < e->n; i++)
			if (canon[i] != NONE)
				b->groups[first[canon[i]]].n++;
		size_t at = 0;

		for (size_t k = 0; k < b->ngroups; k++) {
			b->groups[k].devices = b->members + at;
			at += b->groups[k].n;
			b->groups[k].n = 0;
		}
		for (size_t i = 0; i < e->n; i++) {
			struct resv_pgroup *pg;

			if (canon[i] == NONE)
				continue;
			pg = &b->groups[first[canon[i]]];
			b->group_of[i] = first[canon[i]];
			((const char **)unconst(pg->devices))[pg->n++] = p->names[i];
			if (pg->n == 1)
				pg->name = p->names[i];
		}
	}
	/* links in the group's order: each joiner, by its function order */
	for (size_t k = 0; k < b->ngroups; k++) {
		b->groups[k].links = b->links + nlinks;
		nlinks += b->groups[k].n - 1;
	}
	for (size_t i = 0; i < e->n; i++) {
		const struct join *j = &joins[i];
		struct resv_pgroup *pg;
		struct resv_group_link *l;
		char *text, **v;

		if (b->group_of[i] == NONE || j->with == NONE)
			continue;
		pg = &b->groups[b->group_of[i]];
		if (pg->nlinks >= pg->n - 1)
			continue;	/* cannot happen: one joiner per member beyond the first */
		text = detail_text(e, j);
		if (!text)
			goto out;
		if (p->ndetails == p->details_cap) {	/* doubling: a big host has thousands */
			size_t cap = p->details_cap ? p->details_cap * 2 : 64;

			v = realloc(p->details, cap * sizeof(*v));
			if (!v) {
				free(text);
				goto out;
			}
			p->details = v;
			p->details_cap = cap;
		}
		p->details[p->ndetails++] = text;
		l = (struct resv_group_link *)unconst(&pg->links[pg->nlinks++]);
		*l = (struct resv_group_link){
			.device = p->names[i], .with = p->names[j->with], .why = j->why,
			.via = j->via != NONE ? p->names[j->via] : NULL,
			.quirk = j->quirk, .detail = text,
		};
		if (j->why == RESV_JOIN_ACS_PATH && j->via != NONE && e->g[j->via].acs_quirk)
			l->quirk = e->g[j->via].acs_quirk;
	}
	rc = 0;
out:
	free(canon);
	free(first);
	return rc;
}

/* A reference run: canonical groups, ACS paths, mark_split. */
struct ref {
	int bound;
	int32_t *canon;
	int8_t *ok;
	uint8_t *split;
};

/*
 * Does taking @u's unknown ACS the other way change reference run @r,
 * judged from @r alone? Only when @u gets a group itself and no DMA alias
 * on its bus is involved:
 * - a single-function bridge whose secondary bus's functions all get a
 *   group: where it isolates (finest, mixed), everything below would join
 *   it, which changes something when the path above isolates and something
 *   below is not in its group; where it does not (coarsest), the functions
 *   on its secondary bus would stop below it, which they do when the path
 *   above isolates;
 * - a function that is no bridge: where it isolates, it would join a
 *   function of its slot that lacks ACS and sits in another group; where it
 *   does not, it would leave the slot's functions without ACS it is grouped
 *   with, when the path above isolates.
 * Return: 1, 0, or -1 when only replaying can tell.
 */
static int quick_verdict(struct engine *e, int32_t u, const struct ref *r)
{
	const struct pci_dev *d = &e->t->devs[u];
	const struct gdev *g = &e->g[u];
	bool above = g->parent == NONE || r->ok[g->parent];
	bool isolates;

	if (!e->in->behind[u] || g->bus_aliases)
		return -1;
	e->bound = r->bound;
	e->flip = NONE;
	isolates = unknown_as(e, u);
	if (is_bridge(d)) {
		if (d->multifunction || g->child == NONE)
			return -1;
		for (uint32_t k = (uint32_t)g->child; k < e->g[g->child].bus_end; k++)
			if (!e->in->behind[k] || e->g[k].bus_aliases)
				return -1;
		return isolates ? r->ok[u] && r->split[u] : above;
	}
	for (uint32_t k = g->bus_first; k < g->bus_end; k++) {
		if ((int32_t)k == u || e->t->devs[k].dev != d->dev || !e->in->behind[k] ||
		    acs_of(e, (int32_t)k))
			continue;
		if (isolates && r->canon[k] != r->canon[u])
			return 1;
		if (!isolates && above && r->canon[k] == r->canon[u])
			return 1;
	}
	return 0;
}

/* path_ok for every function in the current run, into @ok. */
static void all_path_ok(struct engine *e, int8_t *ok)
{
	for (size_t i = 0; i < e->n; i++)
		ok[i] = path_ok(e, (int32_t)i);
}

/* split[a]: some function below bridge @a is not in @a's group (@canon of the run). */
static void mark_split(const struct engine *e, const int32_t *canon, uint8_t *split)
{
	memset(split, 0, e->n);
	for (size_t d = 0; d < e->n; d++) {
		if (canon[d] == NONE)
			continue;
		for (int32_t a = e->g[d].parent, step = 0; a != NONE && step < 256;
		     a = e->g[a].parent, step++)
			if (canon[a] != canon[d])
				split[a] = 1;
	}
}

static bool may_matter(const struct engine *e, int32_t i)
{
	const struct pci_dev *d = &e->t->devs[i];

	if (e->g[i].acs >= 0)
		return false;
	return d->multifunction || (d->bridge && d->secondary > d->bus);
}

int groups_predict(const struct group_input *in, struct resv_group_prediction **out)
{
	struct resv_group_prediction *p = calloc(1, sizeof(*p));
	struct join *joins = NULL;
	int32_t *fine = NULL, *coarse = NULL, *cur = NULL, *first = NULL;
	struct engine e;
	int rc;

	*out = NULL;
	if (!p)
		return -ENOMEM;
	rc = engine_init(&e, in);
	if (rc < 0) {
		free(p);
		return rc;
	}
	rc = -ENOMEM;
	p->n = e.n;
	p->names = malloc((e.n ? e.n : 1) * sizeof(*p->names));
	joins = malloc((e.n ? e.n : 1) * sizeof(*joins));
	fine = malloc((e.n ? e.n : 1) * sizeof(*fine));
	coarse = malloc((e.n ? e.n : 1) * sizeof(*coarse));
	cur = malloc((e.n ? e.n : 1) * sizeof(*cur));
	first = malloc((e.n ? e.n : 1) * sizeof(*first));
	if (!p->names || !joins || !fine || !coarse || !cur || !first)
		goto out;
	for (size_t i = 0; i < e.n; i++)
		memcpy(p->names[i], in->topo->devs[i].name, sizeof(p->names[i]));
	replay(&e, RESV_BOUND_FINEST, NONE, joins);
	canonical(&e, fine, first);
	if (bound_build(p, &p->b[RESV_BOUND_FINEST], &e, joins) < 0)
		goto out;
	replay(&e, RESV_BOUND_COARSEST, NONE, joins);
	canonical(&e, coarse, first);
	if (bound_build(p, &p->b[RESV_BOUND_COARSEST], &e, joins) < 0)
		goto out;
	p->exact = memcmp(fine, coarse, e.n * sizeof(*fine)) == 0;
	if (!p->exact) {
		/*
		 * Which unknowns change the answer on their own, from either bound
		 * or from the mixed reference?
		 */
		struct ref refs[3] = {
			{ .bound = RESV_BOUND_FINEST, .canon = fine },
			{ .bound = RESV_BOUND_COARSEST, .canon = coarse },
			{ .bound = BOUND_MIXED },
		};
		bool ok = true;

		p->undecided = calloc(e.n ? e.n : 1, sizeof(*p->undecided));
		refs[2].canon = malloc((e.n ? e.n : 1) * sizeof(*refs[2].canon));
		for (int r = 0; r < 3; r++) {
			refs[r].ok = malloc(e.n ? e.n : 1);
			refs[r].split = malloc(e.n ? e.n : 1);
			ok = ok && refs[r].ok && refs[r].split;
		}
		ok = ok && p->undecided && refs[2].canon;
		for (int r = 0; r < 3 && ok; r++) {
			replay(&e, refs[r].bound, NONE, NULL);
			if (r == 2)
				canonical(&e, refs[2].canon, first);
			all_path_ok(&e, refs[r].ok);
			mark_split(&e, refs[r].canon, refs[r].split);
		}
		for (size_t i = 0; i < e.n && ok; i++) {
			int32_t u = (int32_t)i;
			bool differs = false;

			if (!may_matter(&e, u))
				continue;
			for (int r = 0; r < 3 && !differs; r++) {
				int q = groups_replay_only ? -1 : quick_verdict(&e, u, &refs[r]);

				if (q >= 0) {
					differs = q;
					continue;
				}
				replay(&e, refs[r].bound, u, NULL);
				canonical(&e, cur, first);
				differs = memcmp(refs[r].canon, cur, e.n * sizeof(*cur)) != 0;
			}
			if (differs)
				p->undecided[p->nundecided++] = p->names[i];
		}
		free(refs[2].canon);
		for (int r = 0; r < 3; r++) {
			free(refs[r].ok);
			free(refs[r].split);
		}
		if (!ok)
			goto out;
	}
	rc = 0;
out:
	engine_free(&e);
	free(joins);
	free(fine);
	free(coarse);
	free(cur);
	free(first);
	if (rc < 0) {
		resv_group_prediction_free(p);
		return rc;
	}
	*out = p;
	return 0;
}

int groups_device_acs(const struct group_input *in, const struct pci_dev *d, struct resv_acs *out)
{
	struct acs_cmdline *cl = malloc(sizeof(*cl));
	struct acs_override ov;
	struct quirk_ctx ctx = { .kernel = in->kernel, .ivrs = in->ivrs != NULL, .topo = in->topo,
				 .no_acs_enable = !in->acs_requested };
	struct acs_verdict v;
	uint16_t ctrl = d->acs_ctrl;

	if (!cl)
		return -ENOMEM;
	read_cmdline(in, cl, &ov, &ctx);
	struct pci_dev copy = *d;	/* the quirks' enable steps write into it */
	struct acs_replay r;

	acs_replay(in->topo, &copy, cl, &ctx, in->acs_requested, &r);
	ctrl = r.ctrl;
	free(cl);
	v = acs_enabled(&copy, acs_pcie_type(d, acs_upstream_bridge(in->topo, d)), ctrl,
			REQ_ACS_FLAGS, &ctx);
	*out = (struct resv_acs){ .present = d->acs, .cap = d->acs_cap, .ctrl_read = d->acs_ctrl,
				  .ctrl = ctrl, .isolated = v.enabled, .quirk = v.quirk,
				  .reason = v.why };
	return 0;
}

/* ---------------------------------------------------------------------- */
/* Queries                                                                  */

RESV_EXPORT bool resv_group_prediction_exact(const struct resv_group_prediction *p)
{
	return p->exact;
}

RESV_EXPORT size_t resv_group_prediction_count(const struct resv_group_prediction *p,
					       enum resv_bound b)
{
	return b <= RESV_BOUND_COARSEST ? p->b[b].ngroups : 0;
}

RESV_EXPORT const struct resv_pgroup *resv_group_prediction_group(const struct resv_group_prediction *p,
								  enum resv_bound b, size_t i)
{
	if (b > RESV_BOUND_COARSEST || i >= p->b[b].ngroups)
		return NULL;
	return &p->b[b].groups[i];
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(a, b);
}

RESV_EXPORT const struct resv_pgroup *resv_group_prediction_find(const struct resv_group_prediction *p,
								 enum resv_bound b, const char *device)
{
	const char (*hit)[13];
	int32_t g;

	if (b > RESV_BOUND_COARSEST || !device || !p->n)
		return NULL;
	hit = bsearch(device, p->names, p->n, sizeof(*p->names), cmp_name);
	if (!hit)
		return NULL;
	g = p->b[b].group_of[hit - p->names];
	return g == NONE ? NULL : &p->b[b].groups[g];
}

RESV_EXPORT size_t resv_group_prediction_undecided(const struct resv_group_prediction *p,
						   const char *const **devices)
{
	if (devices)
		*devices = p->undecided;
	return p->nundecided;
}
