// SPDX-License-Identifier: MIT
/*
 * "Which region first meets [a, b]?" in O(log n). Take the regions in
 * (start, type, position) order: the first whose last reaches a is the only
 * candidate, because every earlier one ends before a, and it meets [a, b]
 * iff it starts at or before b. That region always ends later than every
 * region before it (a "record"), so only records are indexed: their lasts
 * ascend, and overlapping lists shrink to a fraction. The lasts are searched
 * as a static B-tree: level 0 is the records, each level above holds the
 * last (largest) value of each block of the level below. A query scans one block per level, top
 * down; the upper levels stay in cache, and the bottom block keeps the
 * maxima, starts and positions of its 16 entries side by side, so a query
 * reads one small piece of memory that is not in cache.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "internal.h"

#define BLOCK 16
#define MAX_LEVELS 16	/* 16^16 = 2^64 entries */

/* 16 entries of level 0. */
struct index_block {
	uint64_t last[BLOCK];		/* ascending */
	uint64_t start[BLOCK];
	uint32_t pos[BLOCK];		/* position in the indexed list */
};

struct resv_index {
	size_t n;
	unsigned int nlevels;
	struct index_block *leaf;	/* level 0 */
	size_t leaf_bytes;
	uint64_t *level[MAX_LEVELS];	/* level[l], l >= 1: block maxima */
	size_t size[MAX_LEVELS];
};

RESV_EXPORT void resv_index_free(struct resv_index *index)
{
	if (!index)
		return;
	for (unsigned int l = 1; l < MAX_LEVELS; l++)
		free(index->level[l]);
	free(index->leaf);
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
	/* Large leaves on huge pages where the system has them: fewer TLB misses. */
	ix->leaf_bytes = (cap + BLOCK - 1) / BLOCK * sizeof(*ix->leaf);
	if (ix->leaf_bytes >= (2u << 20)) {
		ix->leaf_bytes = (ix->leaf_bytes + (2u << 20) - 1) & ~(size_t)((2u << 20) - 1);
		ix->leaf = aligned_alloc(2u << 20, ix->leaf_bytes);
		if (ix->leaf)
			madvise(ix->leaf, ix->leaf_bytes, MADV_HUGEPAGE);
	} else {
		ix->leaf = malloc(ix->leaf_bytes);
	}
	order = malloc(cap * sizeof(*order));
	if (!ix->leaf || !order) {
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
	size_t records = 0;

	for (size_t k = 0; k < n; k++) {
		size_t i = (uint32_t)order[k].key;
		uint64_t last = list->regions[i].last;
		struct index_block *blk = &ix->leaf[records / BLOCK];

		if (records && last <= ix->leaf[(records - 1) / BLOCK].last[(records - 1) % BLOCK])
			continue;	/* never the first to reach any a */
		blk->last[records % BLOCK] = last;
		blk->start[records % BLOCK] = order[k].start;
		blk->pos[records % BLOCK] = (uint32_t)i;
		records++;
	}
	free(order);
	n = records;
	ix->n = n;
	ix->size[0] = n;
	ix->nlevels = 1;
	while (ix->size[ix->nlevels - 1] > BLOCK) {
		unsigned int l = ix->nlevels;
		size_t nb = (ix->size[l - 1] + BLOCK - 1) / BLOCK;

		ix->level[l] = malloc(nb * sizeof(*ix->level[l]));
		if (!ix->level[l]) {
			resv_index_free(ix);
			return -ENOMEM;
		}
		for (size_t b = 0; b < nb; b++) {
			size_t end = (b + 1) * BLOCK < ix->size[l - 1] ? (b + 1) * BLOCK :
									  ix->size[l - 1];

			ix->level[l][b] = l == 1 ? ix->leaf[b].last[(end - 1) % BLOCK] :
						   ix->level[l - 1][end - 1];
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
	 * At each level, count the values below a in the block [lo, hi): values
	 * ascend within a level, so that is the offset of the first value >= a,
	 * and its block below is the next range. A block's maximum is its last
	 * value, so below the top the count never runs off the block.
	 */
	hi = index->size[index->nlevels - 1];
	for (unsigned int l = index->nlevels; l-- > 1;) {
		const uint64_t *v = index->level[l];
		size_t below = 0;

		for (size_t i = lo; i < hi; i++)
			below += v[i] < a;
		k = lo + below;
		if (k == hi)
			return -ENOENT;	/* only possible at the top */
		lo = k * BLOCK;
		hi = lo + BLOCK < index->size[l - 1] ? lo + BLOCK : index->size[l - 1];
	}
	if (lo == hi)
		return -ENOENT;	/* an empty index */

	const struct index_block *blk = &index->leaf[lo / BLOCK];
	size_t below = 0;

	for (size_t i = 0; i < hi - lo; i++)
		below += blk->last[i] < a;
	if (below == hi - lo || blk->start[below] > b)
		return -ENOENT;
	*pos = blk->pos[below];
	return 0;
}
