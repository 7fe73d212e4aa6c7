// SPDX-License-Identifier: MIT
/*
 * Guest-physical layouts of the VMMs people assign devices with, and the
 * check of such a layout against a group's reserved regions (SPEC §5). For
 * a VFIO guest without a vIOMMU, guest-physical address = IOVA: every byte
 * of guest RAM is DMA-mapped and must be usable IOVA.
 *
 * Each preset follows the VMM's own code, cited where its constants live.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define MiB (1ull << 20)
#define GiB (1ull << 30)

/* QEMU hw/i386/pc_q35.c pc_q35_init: RAM that does not fit below 0xb0000000
 * (leaving room for the PCI hole and the 256 MiB MMCONFIG) is split at
 * 2 GiB, so guest 1 GiB pages line up with host ones. */
#define Q35_LOWMEM_LIMIT	0xb0000000ull
#define Q35_LOWMEM_SPLIT	0x80000000ull
/* QEMU hw/pci-host/q35.c Q35_PCI_HOST_HOLE64_SIZE_DEFAULT (1ULL << 35). */
#define Q35_HOLE64_SIZE		(32 * GiB)
/* QEMU hw/i386/pc_piix.c pc_init1: the traditional 3.5 GiB split is the
 * default max-ram-below-4g; RAM that reaches it is split at 3 GiB instead
 * (gigabyte_align, every machine type since pc-1.7). */
#define PC_MAX_RAM_BELOW_4G	0xe0000000ull
#define PC_LOWMEM_SPLIT		0xc0000000ull
/* QEMU hw/pci-host/i440fx.c I440FX_PCI_HOST_HOLE64_SIZE_DEFAULT (1ULL << 31). */
#define PC_HOLE64_SIZE		(2 * GiB)
/* QEMU hw/i386/pc.c: AMD_HT_START 0xfd00000000, AMD_ABOVE_1TB_START =
 * AMD_HT_END + 1; pc_memory_init moves above-4G RAM there for AMD vCPUs
 * (enforce_amd_1tb_hole, machine types >= 7.1) when pc_max_used_gpa() --
 * the end of the 64-bit PCI hole, which starts at the end of above-4G RAM
 * rounded up to 1 GiB (pc_pci_hole64_start) -- reaches AMD_HT_START. */
#define AMD_HT_START		0xfd00000000ull
#define AMD_ABOVE_1TB_START	0x10000000000ull
/* QEMU hw/arm/virt.c base_memmap[VIRT_MEM]: RAM starts at 1 GiB. */
#define VIRT_RAM_BASE		(1 * GiB)
/*
 * cloud-hypervisor arch/src/x86_64/layout.rs: MEM_32BIT_RESERVED_START
 * 0xc000_0000, RAM_64BIT_START 0x1_0000_0000. x86_64/mod.rs
 * arch_memory_regions gives RAM [0, 3 GiB) and [4 GiB, inf), which
 * vmm/src/memory_manager.rs create_memory_regions_from_zones fills in order.
 * RAM is not kept out of the AMD HyperTransport hole (layout.rs defines
 * AMD_HYPER_TRANSPORT_HOLE_START, nothing uses it; PR #6094 closed unmerged),
 * so a large guest on an AMD host conflicts with it, as check reports.
 */
#define CHV_RESERVED_START	0xc0000000ull
/*
 * Firecracker src/vmm/src/arch/x86_64/layout.rs: MMIO32_MEM_START =
 * FIRST_ADDR_PAST_32BITS - MMIO32_MEM_SIZE (1 GiB), MMIO64_MEM_START 256 GiB,
 * MMIO64_MEM_SIZE 256 GiB; x86_64/mod.rs arch_memory_regions cuts RAM at both
 * gaps with arch/mod.rs arch_memory_regions_with_gap (RAM that ends exactly at
 * a gap stays in one piece). So since commit 7c623e89 ("arch: define 64-bit
 * capable MMIO memory regions", PR #5215, 2025); before it the only gap was
 * 768 MiB below 4 GiB (MEM_32BIT_GAP_SIZE). Firecracker aarch64 (not a
 * preset here) puts RAM at DRAM_MEM_START 2 GiB, with the same 64-bit gap.
 */
#define FC_MMIO32_START		(3 * GiB)
#define FC_MMIO64_START		(256 * GiB)
#define FC_MMIO64_END		(512 * GiB)
/* libxl_dm.c libxl__domain_device_construct_rdm rounds the new end of low
 * RAM down to 2 MiB so the guest keeps its superpages; we do the same. */
#define CUT_ALIGN		(2 * MiB)

static const char *const vmm_names[RESV_GUEST_VMM_COUNT] = {
	[RESV_GUEST_Q35] = "q35",
	[RESV_GUEST_PC] = "pc",
	[RESV_GUEST_VIRT] = "virt",
	[RESV_GUEST_CLOUD_HYPERVISOR] = "cloud-hypervisor",
	[RESV_GUEST_FIRECRACKER] = "firecracker",
};

RESV_EXPORT const char *resv_guest_vmm_name(enum resv_guest_vmm vmm)
{
	if ((unsigned int)vmm >= RESV_GUEST_VMM_COUNT)
		return NULL;
	return vmm_names[vmm];
}

RESV_EXPORT int resv_guest_vmm_parse(const char *name, size_t len,
				     enum resv_guest_vmm *out)
{
	for (unsigned int v = 0; v < RESV_GUEST_VMM_COUNT; v++) {
		if (strlen(vmm_names[v]) == len && memcmp(vmm_names[v], name, len) == 0) {
			*out = (enum resv_guest_vmm)v;
			return 0;
		}
	}
	return -EINVAL;
}

RESV_EXPORT int resv_guest_layout_new(struct resv_guest_layout **out)
{
	struct resv_guest_layout *l = calloc(1, sizeof(*l));

	if (!l)
		return -ENOMEM;
	*out = l;
	return 0;
}

RESV_EXPORT void resv_guest_layout_free(struct resv_guest_layout *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->count; i++)
		free((void *)(uintptr_t)l->ranges[i].name);
	free(l->ranges);
	free(l);
}

RESV_EXPORT int resv_guest_layout_add(struct resv_guest_layout *l, uint64_t start,
				      uint64_t last, enum resv_guest_kind kind,
				      const char *name)
{
	struct resv_guest_range *v;
	char *copy;

	if (start > last || (kind != RESV_GUEST_RAM && kind != RESV_GUEST_MMIO))
		return -EINVAL;
	copy = strdup(name ? name : kind == RESV_GUEST_RAM ? "ram" : "mmio");
	if (!copy)
		return -ENOMEM;
	v = realloc(l->ranges, (l->count + 1) * sizeof(*v));
	if (!v) {
		free(copy);
		return -ENOMEM;
	}
	l->ranges = v;
	v[l->count++] = (struct resv_guest_range){ start, last, kind, copy };
	return 0;
}

struct span {
	uint64_t start, last;
	size_t index;
};

static int cmp_span(const void *a, const void *b)
{
	const struct span *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

RESV_EXPORT int resv_guest_layout_overlap(const struct resv_guest_layout *l, size_t *first,
					  size_t *second)
{
	struct span *v, reach;
	int found = 0;

	if (l->count < 2)
		return 0;
	v = malloc(l->count * sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < l->count; i++)
		v[i] = (struct span){ l->ranges[i].start, l->ranges[i].last, i };
	qsort(v, l->count, sizeof(*v), cmp_span);
	/*
	 * In start order, the first range that starts at or before the
	 * furthest end seen so far overlaps the range with that end, and no
	 * overlap starts lower.
	 */
	reach = v[0];
	for (size_t i = 1; i < l->count && !found; i++) {
		if (v[i].start <= reach.last) {
			*first = reach.index < v[i].index ? reach.index : v[i].index;
			*second = reach.index < v[i].index ? v[i].index : reach.index;
			found = 1;
		} else {
			reach = v[i];	/* it ends past reach, as it starts past it */
		}
	}
	free(v);
	return found;
}

/* Round @v up to @align (a power of two); false when that overflows. */
static bool align_up(uint64_t v, uint64_t align, uint64_t *out)
{
	if (v > UINT64_MAX - (align - 1))
		return false;
	*out = (v + align - 1) & ~(align - 1);
	return true;
}

/* [start, start + size - 1], size > 0; -EINVAL when it wraps. */
static int add_sized(struct resv_guest_layout *l, uint64_t start, uint64_t size,
		     enum resv_guest_kind kind, const char *name)
{
	if (size - 1 > UINT64_MAX - start)
		return -EINVAL;
	return resv_guest_layout_add(l, start, start + size - 1, kind, name);
}

/* QEMU x86: the split, then above-4G RAM and the 64-bit PCI hole. */
static int qemu_x86(struct resv_guest_layout *l, const struct resv_guest_config *c)
{
	uint64_t ram = c->ram_size, lowmem, below, above, hole64, start = 4 * GiB, end;
	int rc;

	if (c->max_ram_below_4g > 4 * GiB)
		return -EINVAL;	/* pc.c pc_machine_set_max_ram_below_4g refuses it */
	if (c->vmm == RESV_GUEST_Q35) {
		lowmem = ram >= Q35_LOWMEM_LIMIT ? Q35_LOWMEM_SPLIT : Q35_LOWMEM_LIMIT;
		/* "basically doing min(qemu limit, user limit)" */
		if (c->max_ram_below_4g && lowmem > c->max_ram_below_4g)
			lowmem = c->max_ram_below_4g;
		hole64 = Q35_HOLE64_SIZE;
	} else {
		lowmem = c->max_ram_below_4g ? c->max_ram_below_4g : PC_MAX_RAM_BELOW_4G;
		if (ram >= lowmem && lowmem > PC_LOWMEM_SPLIT)
			lowmem = PC_LOWMEM_SPLIT;
		hole64 = PC_HOLE64_SIZE;
	}
	below = ram >= lowmem ? lowmem : ram;
	above = ram - below;
	if (above > UINT64_MAX - AMD_ABOVE_1TB_START - 2 * GiB - hole64)
		return -EINVAL;
	if (c->amd) {
		align_up(start + above, GiB, &end);
		if (end + hole64 - 1 >= AMD_HT_START) {
			start = AMD_ABOVE_1TB_START;
			l->amd_relocated = true;
		}
	}
	if (below && (rc = add_sized(l, 0, below, RESV_GUEST_RAM, "ram-below-4g")) < 0)
		return rc;
	if (above && (rc = add_sized(l, start, above, RESV_GUEST_RAM, "ram-above-4g")) < 0)
		return rc;
	align_up(start + above, GiB, &end);
	return add_sized(l, end, hole64, RESV_GUEST_MMIO, "pci-hole64");
}

/* A hole in guest-physical space that RAM skips: [start, end). */
struct gap {
	uint64_t start, end;
	const char *next;	/* the name of the RAM range past it */
};

/*
 * @ram bytes of RAM from 0, cut at each gap in turn: RAM that reaches a gap
 * resumes at its end, RAM that ends at or before it stops there.
 */
static int fill_around(struct resv_guest_layout *l, uint64_t ram, const struct gap *gaps,
		       size_t ngaps)
{
	uint64_t pos = 0;
	const char *name = "ram-below-4g";
	int rc;

	for (size_t i = 0; i < ngaps && ram > gaps[i].start - pos; i++) {
		rc = add_sized(l, pos, gaps[i].start - pos, RESV_GUEST_RAM, name);
		if (rc < 0)
			return rc;
		ram -= gaps[i].start - pos;
		pos = gaps[i].end;
		name = gaps[i].next;
	}
	return add_sized(l, pos, ram, RESV_GUEST_RAM, name);
}

static const struct gap chv_gaps[] = {
	{ CHV_RESERVED_START, 4 * GiB, "ram-above-4g" },
};

static const struct gap fc_gaps[] = {
	{ FC_MMIO32_START, 4 * GiB, "ram-above-4g" },
	{ FC_MMIO64_START, FC_MMIO64_END, "ram-above-512g" },
};

RESV_EXPORT int resv_guest_layout_preset(struct resv_guest_layout **out,
					 const struct resv_guest_config *c)
{
	struct resv_guest_layout *l;
	int rc = -EINVAL;

	if (!c->ram_size || (unsigned int)c->vmm >= RESV_GUEST_VMM_COUNT)
		return -EINVAL;
	if (resv_guest_layout_new(&l) < 0)
		return -ENOMEM;
	switch (c->vmm) {
	case RESV_GUEST_Q35:
	case RESV_GUEST_PC:
		rc = qemu_x86(l, c);
		break;
	case RESV_GUEST_VIRT:
		rc = add_sized(l, VIRT_RAM_BASE, c->ram_size, RESV_GUEST_RAM, "ram");
		break;
	case RESV_GUEST_CLOUD_HYPERVISOR:
		rc = fill_around(l, c->ram_size, chv_gaps, ARRAY_SIZE(chv_gaps));
		break;
	case RESV_GUEST_FIRECRACKER:
		rc = fill_around(l, c->ram_size, fc_gaps, ARRAY_SIZE(fc_gaps));
		break;
	}
	if (rc < 0) {
		resv_guest_layout_free(l);
		return rc;
	}
	*out = l;
	return 0;
}

/* ------------------------------------------------------------------------ */
/* The check                                                                 */

RESV_EXPORT void resv_conflicts_free(struct resv_conflicts *c)
{
	if (!c)
		return;
	free(c->items);
	free(c);
}

static int push(struct resv_conflicts *c, size_t *cap, struct resv_conflict item)
{
	if (c->count == *cap) {
		size_t n = *cap ? *cap * 2 : 8;
		struct resv_conflict *v = realloc(c->items, n * sizeof(*v));

		if (!v)
			return -ENOMEM;
		c->items = v;
		*cap = n;
	}
	c->items[c->count++] = item;
	return 0;
}

/*
 * The policy for @r: the policy of a device it comes from, strict winning
 * when two disagree; else @global. Xen libxl_dm.c
 * libxl__domain_device_construct_rdm: a device's rdm_policy overrides the
 * global one for that device's RDMs.
 */
static bool region_strict(const struct resv_list *list, const struct resv_region *r,
			  bool global, const struct resv_device_policy *p, size_t np)
{
	bool matched = false, strict = false;

	for (size_t s = 0; s < r->nsources; s++) {
		const struct resv_source *src = resv_list_source(list, r->sources[s]);

		if (!src || !src->device)
			continue;
		for (size_t i = 0; i < np; i++) {
			if (p[i].device && strcmp(p[i].device, src->device) == 0) {
				matched = true;
				strict |= p[i].strict;
			}
		}
	}
	return matched ? strict : global;
}

static int cmp_conflict(const void *a, const void *b)
{
	const struct resv_conflict *x = a, *y = b;

	if (x->range != y->range)
		return x->range < y->range ? -1 : 1;
	if (x->overlap.start != y->overlap.start)
		return x->overlap.start < y->overlap.start ? -1 : 1;
	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	return x->region < y->region ? -1 : x->region > y->region;
}

RESV_EXPORT int resv_guest_check(struct resv_conflicts **out,
				 const struct resv_guest_layout *layout,
				 const struct resv_list *regions, struct resv_range ap,
				 unsigned int flags, const struct resv_device_policy *policies,
				 size_t npolicies)
{
	struct resv_conflicts *c;
	size_t cap = 0, nreg = regions ? resv_list_count(regions) : 0;
	bool global = flags & RESV_CHECK_STRICT;

	if ((flags & ~RESV_CHECK_STRICT) || ap.start > ap.last)
		return -EINVAL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	for (size_t i = 0; i < layout->count; i++) {
		const struct resv_guest_range *g = &layout->ranges[i];
		bool ram = g->kind == RESV_GUEST_RAM;
		struct resv_conflict item = { .range = i };

		for (size_t k = 0; k < nreg; k++) {
			const struct resv_region *r = resv_list_region(regions, k);

			if (r->zero_length || r->last < g->start || r->start > g->last)
				continue;
			item.kind = RESV_CONFLICT_REGION;
			item.region = k;
			item.overlap.start = r->start > g->start ? r->start : g->start;
			item.overlap.last = r->last < g->last ? r->last : g->last;
			if (!ram)
				item.severity = RESV_SEV_WARNING;
			else if (!resv_type_is_relaxable(r->type))
				item.severity = RESV_SEV_ERROR;
			else
				item.severity = region_strict(regions, r, global, policies,
							      npolicies) ? RESV_SEV_ERROR :
									   RESV_SEV_WARNING;
			if (push(c, &cap, item) < 0)
				goto nomem;
		}
		item.kind = RESV_CONFLICT_APERTURE;
		item.region = 0;
		item.severity = ram ? RESV_SEV_ERROR : RESV_SEV_WARNING;
		if (g->start < ap.start) {
			item.overlap.start = g->start;
			item.overlap.last = g->last < ap.start ? g->last : ap.start - 1;
			if (push(c, &cap, item) < 0)
				goto nomem;
		}
		if (g->last > ap.last) {
			item.overlap.start = g->start > ap.last ? g->start : ap.last + 1;
			item.overlap.last = g->last;
			if (push(c, &cap, item) < 0)
				goto nomem;
		}
	}
	if (c->count)
		qsort(c->items, c->count, sizeof(*c->items), cmp_conflict);
	*out = c;
	return 0;
nomem:
	resv_conflicts_free(c);
	return -ENOMEM;
}

/* ------------------------------------------------------------------------ */
/* Suggestions                                                               */

struct check_args {
	const struct resv_list *regions;
	struct resv_range ap;
	unsigned int flags;
	const struct resv_device_policy *policies;
	size_t npolicies;
};

/*
 * The error-level conflict with the lowest guest address, if any (*found).
 * Return: 0 or a negative errno.
 */
static int first_error(const struct resv_guest_layout *l, const struct check_args *a,
		       bool *found, struct resv_conflict *err)
{
	struct resv_conflicts *c;
	int rc = resv_guest_check(&c, l, a->regions, a->ap, a->flags, a->policies,
				  a->npolicies);

	if (rc < 0)
		return rc;
	*found = false;
	for (size_t i = 0; i < c->count; i++) {
		const struct resv_conflict *x = &c->items[i];

		if (x->severity != RESV_SEV_ERROR)
			continue;
		if (!*found || x->overlap.start < err->overlap.start) {
			*err = *x;
			*found = true;
		}
	}
	resv_conflicts_free(c);
	return 0;
}

/*
 * The preset @c and its lowest error. With one, *@l is the layout (the
 * caller frees it); without one, or on error, *@l is NULL.
 * Return: 0 or a negative errno.
 */
static int preset_first_error(const struct resv_guest_config *c, const struct check_args *a,
			      struct resv_guest_layout **l, bool *found,
			      struct resv_conflict *err)
{
	int rc = resv_guest_layout_preset(l, c);

	if (rc < 0) {
		*l = NULL;
		return rc;
	}
	rc = first_error(*l, a, found, err);
	if (rc < 0 || !*found) {
		resv_guest_layout_free(*l);
		*l = NULL;
	}
	return rc;
}

RESV_EXPORT int resv_guest_fit_ram(uint64_t *size, const struct resv_guest_config *cfg,
				   const struct resv_list *regions, struct resv_range ap,
				   unsigned int flags,
				   const struct resv_device_policy *policies, size_t npolicies)
{
	const struct check_args a = { regions, ap, flags, policies, npolicies };
	struct resv_guest_config c = *cfg;

	c.ram_size &= ~(MiB - 1);
	/*
	 * Presets fill their RAM ranges in order. RAM before the lowest error
	 * survives any smaller size of the same shape; when the shape changes
	 * (q35 stops splitting below 2816 MiB) the loop checks again. The size
	 * shrinks every round, so this ends.
	 */
	while (c.ram_size) {
		struct resv_guest_layout *l;
		struct resv_conflict err;
		bool found;
		uint64_t before = 0;
		int rc = preset_first_error(&c, &a, &l, &found, &err);

		if (rc < 0)
			return rc;
		if (!found) {
			*size = c.ram_size;
			return 0;
		}
		if (l->ranges[err.range].kind != RESV_GUEST_RAM) {
			resv_guest_layout_free(l);
			return -ENOSPC;
		}
		for (size_t i = 0; i < err.range; i++)
			if (l->ranges[i].kind == RESV_GUEST_RAM)
				before += l->ranges[i].last - l->ranges[i].start + 1;
		before += err.overlap.start - l->ranges[err.range].start;
		resv_guest_layout_free(l);
		c.ram_size = before & ~(MiB - 1);
	}
	return -ENOSPC;
}

RESV_EXPORT int resv_guest_suggest(struct resv_guest_config *out,
				   const struct resv_guest_config *cfg,
				   const struct resv_list *regions, struct resv_range ap,
				   unsigned int flags,
				   const struct resv_device_policy *policies, size_t npolicies)
{
	const struct check_args a = { regions, ap, flags, policies, npolicies };
	struct resv_guest_config c = *cfg;

	if (c.vmm != RESV_GUEST_Q35 && c.vmm != RESV_GUEST_PC)
		return (unsigned int)c.vmm < RESV_GUEST_VMM_COUNT ? -EOPNOTSUPP : -EINVAL;
	for (;;) {
		struct resv_guest_layout *l;
		struct resv_conflict err;
		bool found, low;
		int rc = preset_first_error(&c, &a, &l, &found, &err);

		if (rc < 0)
			return rc;
		if (!found) {
			*out = c;
			return 0;
		}
		low = l->ranges[err.range].start < 4 * GiB;
		resv_guest_layout_free(l);
		if (low && err.kind == RESV_CONFLICT_REGION) {
			/* Each round lowers the split below the last error: it ends. */
			uint64_t below = err.overlap.start & ~(CUT_ALIGN - 1);

			if (!below)
				return -ENOSPC;
			c.max_ram_below_4g = below;
		} else if (!c.amd && err.overlap.start >= AMD_HT_START &&
			   err.overlap.start < AMD_ABOVE_1TB_START) {
			c.amd = true;
		} else {
			return -ENOSPC;
		}
	}
}

static int copy_range(struct resv_guest_layout *l, const struct resv_guest_range *g,
		      uint64_t start, uint64_t last)
{
	return resv_guest_layout_add(l, start, last, g->kind, g->name);
}

RESV_EXPORT int resv_guest_relocate(struct resv_guest_layout **out,
				    const struct resv_guest_layout *in,
				    const struct resv_list *regions, struct resv_range ap,
				    unsigned int flags,
				    const struct resv_device_policy *policies, size_t npolicies)
{
	const struct check_args a = { regions, ap, flags, policies, npolicies };
	struct resv_conflicts *c = NULL;
	struct resv_guest_layout *l = NULL, *probe = NULL;
	uint64_t moved = 0, base = 4 * GiB;
	int rc;

	rc = resv_guest_check(&c, in, regions, ap, flags, policies, npolicies);
	if (rc < 0)
		return rc;
	rc = resv_guest_layout_new(&l);
	if (rc < 0)
		goto out;
	for (size_t i = 0; i < in->count; i++) {
		const struct resv_guest_range *g = &in->ranges[i];
		uint64_t pos = g->start;	/* the first byte not yet kept or cut */
		bool done = false;

		if (g->last != UINT64_MAX && g->last + 1 > base)
			base = g->last + 1;
		for (size_t k = 0; k < c->count && !done; k++) {
			const struct resv_conflict *x = &c->items[k];
			uint64_t cs, cl;

			if (x->range != i || x->severity != RESV_SEV_ERROR ||
			    g->kind != RESV_GUEST_RAM)
				continue;
			if (x->kind == RESV_CONFLICT_REGION) {
				const struct resv_region *r = resv_list_region(regions, x->region);

				if (r->last != UINT64_MAX && r->last + 1 > base)
					base = r->last + 1;
			}
			/* Cut outward to CUT_ALIGN, within the range. */
			cs = x->overlap.start & ~(CUT_ALIGN - 1);
			if (cs < pos)
				cs = pos;
			if (!align_up(x->overlap.last + 1, CUT_ALIGN, &cl) || cl == 0 ||
			    cl - 1 >= g->last) {
				cl = g->last;
				done = true;
			} else {
				cl--;
			}
			if (cl < cs)
				continue;
			if (cs > pos && (rc = copy_range(l, g, pos, cs - 1)) < 0)
				goto out;
			moved += cl - cs + 1;
			pos = cl + 1;
		}
		if (!done && (rc = copy_range(l, g, pos, g->last)) < 0)
			goto out;
	}
	while (moved) {
		struct resv_conflict err;
		bool found;

		if (!align_up(base, GiB, &base) || moved - 1 > ap.last ||
		    base > ap.last - (moved - 1)) {
			rc = -ENOSPC;
			goto out;
		}
		resv_guest_layout_free(probe);
		probe = NULL;
		if ((rc = resv_guest_layout_new(&probe)) < 0 ||
		    (rc = add_sized(probe, base, moved, RESV_GUEST_RAM, "ram-relocated")) < 0 ||
		    (rc = first_error(probe, &a, &found, &err)) < 0)
			goto out;
		if (!found) {
			rc = add_sized(l, base, moved, RESV_GUEST_RAM, "ram-relocated");
			goto out;
		}
		const struct resv_region *r = err.kind == RESV_CONFLICT_REGION ?
						      resv_list_region(regions, err.region) : NULL;

		if (!r || r->last == UINT64_MAX) {
			rc = -ENOSPC;
			goto out;
		}
		base = r->last + 1;
	}
out:
	resv_guest_layout_free(probe);
	resv_conflicts_free(c);
	if (rc < 0) {
		resv_guest_layout_free(l);
		return rc;
	}
	*out = l;
	return 0;
}
