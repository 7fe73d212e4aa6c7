// SPDX-License-Identifier: MIT
/*
 * Per-address truths: what each view must contain at one address, read
 * straight off the definitions (SPEC.md §3.2-3.4, QEMU util/range.c
 * range_inverse_array(), util/reserved-region.c resv_region_list_insert()).
 * Linear scans only.
 */
#include "model.h"

bool naive_covers(const struct model_region *r, uint64_t addr)
{
	return !r->zero_length && r->start <= addr && addr <= r->last;
}

bool naive_type_covers(const struct model_region *in, size_t n, int type,
		       uint64_t addr)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (in[i].type == type && naive_covers(&in[i], addr))
			return true;
	return false;
}

bool naive_nonrelaxable_covers(const struct model_region *in, size_t n,
			       uint64_t addr)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (in[i].type != MODEL_TYPE_RELAXABLE &&
		    naive_covers(&in[i], addr))
			return true;
	return false;
}

/*
 * SPEC §3.2: every type as in the kernel view, except that a relaxable
 * address also covered by any non-relaxable region is not relaxable.
 */
bool naive_resolved_covers(const struct model_region *in, size_t n, int type,
			   uint64_t addr)
{
	if (!naive_type_covers(in, n, type, addr))
		return false;
	if (type != MODEL_TYPE_RELAXABLE)
		return true;
	return !naive_nonrelaxable_covers(in, n, addr);
}

/* SPEC §3.3, VFIO type1 vfio_iommu_resv_exclude(). */
bool naive_usable(const struct model_region *in, size_t n, uint64_t ap_start,
		  uint64_t ap_last, bool strict, uint64_t addr)
{
	size_t i;

	if (addr < ap_start || addr > ap_last)
		return false;
	for (i = 0; i < n; i++) {
		if (!strict && in[i].type == MODEL_TYPE_RELAXABLE)
			continue;
		/* VFIO's end = start + length - 1 wraps for length 0 at 0. */
		if (in[i].zero_length && in[i].start == 0)
			return false;
		if (naive_covers(&in[i], addr))
			return false;
	}
	return true;
}

bool naive_complement(const uint64_t *starts, const uint64_t *lasts, size_t n,
		      uint64_t low, uint64_t high, uint64_t addr)
{
	size_t i;

	if (addr < low || addr > high)
		return false;
	for (i = 0; i < n; i++)
		if (starts[i] <= addr && addr <= lasts[i])
			return false;
	return true;
}

/* resv_region_list_insert(): the latest region covering an address owns it. */
long naive_overlay_owner(const struct model_region *in, size_t n,
			 uint64_t addr)
{
	size_t i = n;

	while (i--)
		if (naive_covers(&in[i], addr))
			return (long)i;
	return -1;
}

long naive_index_first(const struct model_region *v, size_t n,
		       bool non_relaxable, uint64_t a, uint64_t b)
{
	long best = -1;
	size_t i;

	for (i = 0; i < n; i++) {
		const struct model_region *r = &v[i];

		if (r->zero_length || r->last < a || r->start > b)
			continue;
		if (non_relaxable && r->type == MODEL_TYPE_RELAXABLE)
			continue;
		/* strict < keeps the lowest position on a (start, type) tie */
		if (best < 0 || r->start < v[best].start ||
		    (r->start == v[best].start && r->type < v[best].type))
			best = (long)i;
	}
	return best;
}

size_t naive_samples(uint64_t *out)
{
	size_t n = 0;
	uint64_t a;

	for (a = 0; a <= NAIVE_WINDOW + 2; a++)
		out[n++] = a;
	for (a = UINT64_MAX - NAIVE_WINDOW - 2; ; a++) {
		out[n++] = a;
		if (a == UINT64_MAX)
			break;
	}
	return n;
}

bool naive_endpoint_ok(uint64_t x)
{
	return x <= NAIVE_WINDOW || x >= UINT64_MAX - NAIVE_WINDOW;
}
