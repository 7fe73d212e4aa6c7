/* SPDX-License-Identifier: MIT */
/* Internal to the library: never installed, never exported. */
#ifndef RESV_INTERNAL_H
#define RESV_INTERNAL_H

#include <stdarg.h>

#include "iommu-resv.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define RESV_EXPORT __attribute__((visibility("default")))

/*
 * Sources are shared between a list and the views built from it, so a view
 * costs no string copies. Pointers handed out by resv_list_source() stay
 * valid while the pool grows: sources live in blocks that never move, block
 * k holding 16 << k of them (a small pool wastes little, a pool of millions
 * makes a few dozen mallocs), and their strings in chunks that never move.
 */
struct pool_chunk;

#define POOL_BLOCKS	29	/* 16 * (2^29 - 1) sources > UINT32_MAX ids */

struct source_pool {
	unsigned int refs;
	size_t count;
	struct resv_source *block[POOL_BLOCKS];
	struct pool_chunk *chunk;	/* newest first */
	/* The strings stored last: a source with the same origin (every line
	 * of a file) or device shares them instead of a copy. */
	const char *last_origin, *last_device;
};

/*
 * regions[i].sources points into contrib; list_reserve() moves the pointers
 * along when contrib moves.
 */
struct resv_list {
	struct resv_region *regions;
	size_t count, cap;
	uint32_t *contrib;
	size_t ncontrib, contrib_cap;
	struct source_pool *pool;
};

/* machine.c: class, vendor, device of function @name as its sysfs uevent said. */
struct resv_machine;
bool machine_sysfs_identity(const struct resv_machine *m, const char *name, uint32_t val[3]);

/* region.c */
int list_new_sharing(struct resv_list **out, const struct resv_list *like);
int list_reserve(struct resv_list *l, size_t nregions, size_t ncontrib);
/* Append a region whose sources follow through list_push_source(). */
void list_push_region(struct resv_list *l, uint64_t start, uint64_t last,
		      enum resv_type type, uint32_t prot, bool zero_length);
void list_push_source(struct resv_list *l, uint32_t id);
/* Append a region with one source (origin and device copied, or shared). */
int list_add_source(struct resv_list *l, uint64_t start, uint64_t last,
		    enum resv_type type, uint32_t prot, bool zero_length,
		    const char *origin, const char *device, uint64_t line);
int list_add_again(struct resv_list *l, uint64_t start, uint64_t last,
		   enum resv_type type, uint32_t prot, bool zero_length, uint64_t line);
/*
 * A list's length and its pool's, so that a call failing half-way can give
 * back what it appended (list_rollback); the capacity it grew is kept.
 */
struct list_mark {
	size_t count, ncontrib, nsources;
	struct pool_chunk *chunk;	/* the pool's newest string chunk */
	size_t chunk_used;
};
struct list_mark list_mark(const struct resv_list *l);
void list_rollback(struct resv_list *l, const struct list_mark *mark);

/*
 * sort.c: sort by (start, key) ascending. The views pack their tie-breaks
 * into key; see region.c.
 */
struct sort_item {
	uint64_t start;
	uint64_t key;
};
void sort_items(struct sort_item *v, size_t n);

/*
 * The two ways region.c builds the kernel view (resv_list_kernel_view picks):
 * the exact replay of the kernel's insertions, for any list, and a radix
 * sort with one merging pass per type, for lists where insertion order
 * cannot matter (no region ends at UINT64_MAX, none is zero-length; the
 * quirks are then 0). The property test holds them equal.
 */
int list_kernel_view_replay(struct resv_list **out, const struct resv_list *in,
			    unsigned int *quirks);
int list_kernel_view_sorted(struct resv_list **out, const struct resv_list *in);

/* rankset.c: a set of ranks [0, n) with ordered neighbours. */
#define RANKSET_MAX_LEVELS 7	/* 64^6 > 2^32 ranks */
#define RANKSET_NONE SIZE_MAX
struct rankset {
	unsigned int nlevels;
	uint64_t *bits[RANKSET_MAX_LEVELS];
	size_t nwords[RANKSET_MAX_LEVELS];
};
int rankset_init(struct rankset *s, size_t n);
void rankset_free(struct rankset *s);
void rankset_insert(struct rankset *s, size_t i);
void rankset_erase(struct rankset *s, size_t i);
/* Smallest element >= i / largest element <= i, or RANKSET_NONE. */
size_t rankset_next(const struct rankset *s, size_t i);
size_t rankset_prev(const struct rankset *s, size_t i);

/* ranges.c: sort, then merge overlapping or touching ranges, in place. */
size_t ranges_normalize(struct resv_range *v, size_t n);
/* [low, high] minus the normalized ranges v[0..n). */
int ranges_complement_sorted(struct resv_range_list **out,
			     const struct resv_range *v, size_t n,
			     uint64_t low, uint64_t high);

/* diag.c */
int diags_add(struct resv_diags *d, const char *id, enum resv_severity sev,
	      const char *where, uint64_t line, long group,
	      const char *fmt, ...) __attribute__((format(printf, 7, 8)));

void diags_set_group(struct resv_diags *d, size_t first, long group);
/* Drop the diagnostics from @n on: what a failed call had added. */
void diags_truncate(struct resv_diags *d, size_t n);
/*
 * The table parsers give a finding's byte offset as its line; once a table
 * is parsed its findings from @first on are moved to table @signature (a
 * string that outlives @d) and offset.
 */
void diags_mark_table(struct resv_diags *d, size_t first, const char *signature);

/* free() for memory the public structs expose as const. */
static inline void *unconst(const void *p)
{
	return (void *)(uintptr_t)p;
}

/* Overflow-safe "b follows a with no gap": b.start <= a.last + 1. */
static inline bool touches_or_overlaps(uint64_t a_last, uint64_t b_start)
{
	return a_last == UINT64_MAX || b_start <= a_last + 1;
}

#endif
