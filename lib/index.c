// SPDX-License-Identifier: MIT
/*
 * "Which region first meets [a, b]?" in O(log n). Regions sorted by
 * (start, type, position) with the running maximum of their last address:
 * the first region whose running maximum reaches a is the only candidate,
 * because every earlier one ends before a. It meets [a, b] iff it starts at
 * or before b. One binary search, over one array.
 */
#include <errno.h>
#include <stdlib.h>

#include "internal.h"

struct resv_index {
	size_t n;
	uint64_t *max_last;	/* running maximum of last */
	uint64_t *start;
	size_t *pos;		/* position in the indexed list */
};

RESV_EXPORT void resv_index_free(struct resv_index *index)
{
	if (!index)
		return;
	free(index->max_last);
	free(index->start);
	free(index->pos);
	free(index);
}

static bool in_class(const struct resv_region *r, enum resv_class class)
{
	if (r->zero_length)
		return false;
	return class == RESV_CLASS_ANY || !resv_type_is_relaxable(r->type);
}

RESV_EXPORT int resv_index_new(struct resv_index **out,
			       const struct resv_list *list,
			       enum resv_class class)
{
	struct resv_index *ix;
	struct sort_item *order = NULL;
	size_t n = 0, cap = list->count ? list->count : 1;
	bool sorted = true;

	if (class != RESV_CLASS_ANY && class != RESV_CLASS_NON_RELAXABLE)
		return -EINVAL;
	if (list->count > UINT32_MAX)
		return -ENOMEM;
	ix = calloc(1, sizeof(*ix));
	if (!ix)
		return -ENOMEM;
	ix->max_last = malloc(cap * sizeof(*ix->max_last));
	ix->start = malloc(cap * sizeof(*ix->start));
	ix->pos = malloc(cap * sizeof(*ix->pos));
	order = malloc(cap * sizeof(*order));
	if (!ix->max_last || !ix->start || !ix->pos || !order) {
		free(order);
		resv_index_free(ix);
		return -ENOMEM;
	}
	for (size_t i = 0; i < list->count; i++) {
		const struct resv_region *r = &list->regions[i];

		if (!in_class(r, class))
			continue;
		order[n].start = r->start;
		order[n].key = (uint64_t)r->type << 32 | i;
		if (n && (order[n].start < order[n - 1].start ||
			  (order[n].start == order[n - 1].start &&
			   order[n].key < order[n - 1].key)))
			sorted = false;
		n++;
	}
	if (!sorted)
		sort_items(order, n);
	for (size_t k = 0; k < n; k++) {
		size_t i = (uint32_t)order[k].key;
		uint64_t last = list->regions[i].last;

		ix->start[k] = order[k].start;
		ix->pos[k] = i;
		ix->max_last[k] = k && ix->max_last[k - 1] > last ?
					  ix->max_last[k - 1] : last;
	}
	free(order);
	ix->n = n;
	*out = ix;
	return 0;
}

RESV_EXPORT int resv_index_first(const struct resv_index *index, uint64_t a,
				 uint64_t b, size_t *pos)
{
	const uint64_t *m = index->max_last;
	size_t lo = 0, n = index->n;

	if (a > b)
		return -EINVAL;
	/* Branch-free lower bound: the first k with max_last[k] >= a. */
	while (n > 1) {
		size_t half = n / 2;

		__builtin_prefetch(&m[lo + half / 2]);
		__builtin_prefetch(&m[lo + half + half / 2]);
		lo = m[lo + half] < a ? lo + half : lo;
		n -= half;
	}
	if (n == 1 && m[lo] < a)
		lo++;
	if (lo >= index->n || index->start[lo] > b)
		return -ENOENT;
	*pos = index->pos[lo];
	return 0;
}
