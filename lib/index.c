// SPDX-License-Identifier: MIT
/*
 * "Which region first meets [a, b]?" in O(log n). Regions sorted by
 * (start, type, position) with the running maximum of their last address:
 * the first region whose running maximum reaches a is the only candidate,
 * because every earlier one ends before a; it meets [a, b] iff it starts at
 * or before b. The running maxima are searched as a static B-tree: level 0 is
 * the maxima themselves, each level above holds the last (largest) value of
 * each block of the level below. A query scans one block per level, top
 * down; the upper levels stay in cache.
 */
#include <errno.h>
#include <stdlib.h>

#include "internal.h"

#define BLOCK 16
#define MAX_LEVELS 16	/* 16^16 = 2^64 entries */

struct index_entry {
	uint64_t start;
	size_t pos;		/* position in the indexed list */
};

struct resv_index {
	size_t n;
	unsigned int nlevels;
	uint64_t *level[MAX_LEVELS];	/* level[0]: running maximum of last */
	size_t size[MAX_LEVELS];
	struct index_entry *entry;
};

RESV_EXPORT void resv_index_free(struct resv_index *index)
{
	if (!index)
		return;
	for (unsigned int l = 0; l < MAX_LEVELS; l++)
		free(index->level[l]);
	free(index->entry);
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
	ix->level[0] = malloc(cap * sizeof(*ix->level[0]));
	ix->entry = malloc(cap * sizeof(*ix->entry));
	order = malloc(cap * sizeof(*order));
	if (!ix->level[0] || !ix->entry || !order) {
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

		ix->entry[k] = (struct index_entry){ order[k].start, i };
		ix->level[0][k] = k && ix->level[0][k - 1] > last ? ix->level[0][k - 1] : last;
	}
	free(order);
	ix->n = n;
	ix->size[0] = n;
	ix->nlevels = 1;
	while (ix->size[ix->nlevels - 1] > BLOCK) {
		unsigned int l = ix->nlevels;
		const uint64_t *below = ix->level[l - 1];
		size_t nb = (ix->size[l - 1] + BLOCK - 1) / BLOCK;

		ix->level[l] = malloc(nb * sizeof(*ix->level[l]));
		if (!ix->level[l]) {
			resv_index_free(ix);
			return -ENOMEM;
		}
		for (size_t b = 0; b < nb; b++) {
			size_t end = (b + 1) * BLOCK < ix->size[l - 1] ? (b + 1) * BLOCK :
									  ix->size[l - 1];

			ix->level[l][b] = below[end - 1];
		}
		ix->size[l] = nb;
		ix->nlevels++;
	}
	*out = ix;
	return 0;
}

RESV_EXPORT int resv_index_first(const struct resv_index *index, uint64_t a,
				 uint64_t b, size_t *pos)
{
	size_t lo = 0, hi, k = 0;

	if (a > b)
		return -EINVAL;
	/*
	 * At each level, scan the block [lo, hi) for the first value >= a; its
	 * block below is the next range. Values ascend within a level, and a
	 * block's maximum is its last value, so the scan below always finds one.
	 */
	hi = index->size[index->nlevels - 1];
	for (unsigned int l = index->nlevels; l-- > 0;) {
		const uint64_t *v = index->level[l];

		size_t below = 0;

		/* Branch-free: values ascend, so the count below a is the offset. */
		for (size_t i = lo; i < hi; i++)
			below += v[i] < a;
		k = lo + below;
		if (k == hi)
			return -ENOENT;	/* only possible at the top */
		if (l > 0) {
			lo = k * BLOCK;
			hi = lo + BLOCK < index->size[l - 1] ? lo + BLOCK : index->size[l - 1];
		}
	}
	if (index->entry[k].start > b)
		return -ENOENT;
	*pos = index->entry[k].pos;
	return 0;
}
