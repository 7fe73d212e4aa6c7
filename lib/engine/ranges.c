// SPDX-License-Identifier: MIT
/*
 * Range arithmetic: the usable IOVA view (VFIO type1 vfio_iommu_resv_exclude,
 * iommufd IOMMU_IOAS_IOVA_RANGES) and QEMU's range_inverse_array().
 */
#include <errno.h>
#include <stdlib.h>

#include "internal.h"

RESV_EXPORT void resv_range_list_free(struct resv_range_list *list)
{
	if (!list)
		return;
	free(list->ranges);
	free(list);
}

size_t ranges_normalize(struct resv_range *v, size_t n)
{
	size_t m = 0;

	/* struct resv_range and struct sort_item are both two u64s in order. */
	_Static_assert(sizeof(struct resv_range) == sizeof(struct sort_item),
		       "range and sort item layouts differ");
	sort_items((struct sort_item *)v, n);
	for (size_t i = 0; i < n; i++) {
		if (m && touches_or_overlaps(v[m - 1].last, v[i].start)) {
			if (v[i].last > v[m - 1].last)
				v[m - 1].last = v[i].last;
		} else {
			v[m++] = v[i];
		}
	}
	return m;
}

int ranges_complement_sorted(struct resv_range_list **out,
			     const struct resv_range *v, size_t n,
			     uint64_t low, uint64_t high)
{
	struct resv_range_list *l = calloc(1, sizeof(*l));
	uint64_t pos = low;
	bool done = false;

	if (!l)
		return -ENOMEM;
	/* n disjoint, non-touching ranges leave at most n + 1 holes. */
	l->ranges = malloc((n + 1) * sizeof(*l->ranges));
	if (!l->ranges) {
		free(l);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n && !done; i++) {
		if (v[i].last < pos)
			continue;
		if (v[i].start > high)
			break;
		if (v[i].start > pos)
			l->ranges[l->count++] = (struct resv_range){ pos, v[i].start - 1 };
		if (v[i].last >= high)
			done = true;
		else
			pos = v[i].last + 1;
	}
	if (!done)
		l->ranges[l->count++] = (struct resv_range){ pos, high };
	*out = l;
	return 0;
}

RESV_EXPORT int resv_ranges_complement(struct resv_range_list **out,
				       const struct resv_range *in, size_t n,
				       uint64_t low, uint64_t high)
{
	struct resv_range *v;
	int rc;

	if (low > high)
		return -EINVAL;
	for (size_t i = 0; i < n; i++)
		if (in[i].start > in[i].last)
			return -EINVAL;
	if (n > SIZE_MAX / sizeof(*v) - 1)
		return -ENOMEM;
	v = malloc((n ? n : 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		v[i] = in[i];
	n = ranges_normalize(v, n);
	rc = ranges_complement_sorted(out, v, n, low, high);
	free(v);
	return rc;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/*
 * VFIO type1's vfio_iommu_resv_exclude() takes a region's end as start +
 * length - 1, so a zero-length region at S is [S, S - 1]: it removes nothing,
 * but a usable node [a, b] with a < S <= b is still cut in two, [a, S - 1]
 * and [S, b] (seen on Linux 5.10 and 6.1 with a zero-length IVMD). At S = 0
 * the end wraps to 2^64 - 1 and everything goes. Exclusions commute, so the
 * cuts can be made after the complement: split each range at every S strictly
 * inside it. @cuts is sorted.
 */
static int split_at(struct resv_range_list *l, const uint64_t *cuts, size_t ncuts)
{
	struct resv_range *v;
	size_t n = 0, k = 0;

	if (!ncuts)
		return 0;
	if (l->count > SIZE_MAX / sizeof(*v) - ncuts)
		return -ENOMEM;
	v = malloc((l->count + ncuts) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < l->count; i++) {
		struct resv_range r = l->ranges[i];

		while (k < ncuts && cuts[k] <= r.start)
			k++;
		for (; k < ncuts && cuts[k] <= r.last; k++) {
			if (cuts[k] == r.start)
				continue;	/* a repeated cut */
			v[n++] = (struct resv_range){ r.start, cuts[k] - 1 };
			r.start = cuts[k];
		}
		v[n++] = r;
	}
	free(l->ranges);
	l->ranges = v;
	l->count = n;
	return 0;
}

RESV_EXPORT int resv_list_usable(struct resv_range_list **out,
				 const struct resv_list *in,
				 struct resv_range aperture, unsigned int flags)
{
	struct resv_range *v;
	struct resv_range_list *l;
	uint64_t *cuts;
	size_t n = 0, ncuts = 0;
	int rc;

	if (aperture.start > aperture.last || (flags & ~RESV_USABLE_STRICT))
		return -EINVAL;
	v = malloc((in->count ? in->count : 1) * sizeof(*v));
	cuts = malloc((in->count ? in->count : 1) * sizeof(*cuts));
	if (!v || !cuts) {
		free(v);
		free(cuts);
		return -ENOMEM;
	}
	for (size_t i = 0; i < in->count; i++) {
		const struct resv_region *r = &in->regions[i];

		if (resv_type_is_relaxable(r->type) && !(flags & RESV_USABLE_STRICT))
			continue;
		if (r->zero_length && r->start == 0)
			v[n++] = (struct resv_range){ 0, UINT64_MAX };
		else if (r->zero_length)
			cuts[ncuts++] = r->start;
		else
			v[n++] = (struct resv_range){ r->start, r->last };
	}
	n = ranges_normalize(v, n);
	rc = ranges_complement_sorted(&l, v, n, aperture.start, aperture.last);
	free(v);
	if (rc == 0) {
		qsort(cuts, ncuts, sizeof(*cuts), cmp_u64);
		rc = split_at(l, cuts, ncuts);
		if (rc < 0)
			resv_range_list_free(l);
		else
			*out = l;
	}
	free(cuts);
	return rc;
}
