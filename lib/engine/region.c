// SPDX-License-Identifier: MIT
/*
 * Region lists and the views built from them: kernel (iommu.c
 * iommu_insert_resv_region, v5.4+), resolved (the 2019 relaxable-truncation
 * rule) and overlay (QEMU util/reserved-region.c). Every view is a sort plus
 * linear passes: O(n log n), where the kernel's list walk is O(n^2).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static const char *const type_names[RESV_TYPE_COUNT] = {
	[RESV_TYPE_DIRECT] = "direct",
	[RESV_TYPE_DIRECT_RELAXABLE] = "direct-relaxable",
	[RESV_TYPE_RESERVED] = "reserved",
	[RESV_TYPE_MSI] = "msi",
	[RESV_TYPE_SW_MSI] = "sw-msi",
};

RESV_EXPORT const char *resv_type_name(enum resv_type type)
{
	if ((unsigned int)type >= RESV_TYPE_COUNT)
		return NULL;
	return type_names[type];
}

RESV_EXPORT const char *resv_type_sysfs_name(enum resv_type type)
{
	/* iommu.c iommu_group_resv_type_string: SW_MSI prints as "msi". */
	if (type == RESV_TYPE_SW_MSI)
		return "msi";
	return resv_type_name(type);
}

RESV_EXPORT int resv_type_parse(const char *name, size_t len,
				enum resv_type *out)
{
	for (unsigned int t = 0; t < RESV_TYPE_COUNT; t++) {
		if (strlen(type_names[t]) == len &&
		    memcmp(type_names[t], name, len) == 0) {
			*out = (enum resv_type)t;
			return 0;
		}
	}
	return -EINVAL;
}

RESV_EXPORT bool resv_type_is_relaxable(enum resv_type type)
{
	return type == RESV_TYPE_DIRECT_RELAXABLE;
}

/* ------------------------------------------------------------------------ */
/* Source pool                                                               */

struct pool_chunk {
	struct pool_chunk *prev;
	size_t size, used;
	char data[];
};

#define POOL_CHUNK_MAX	(4 * 1024 * 1024)

/* Source @id lives in block k at offset o, where id + 16 = (16 << k) + o. */
static struct resv_source *pool_slot(const struct source_pool *p, size_t id)
{
	uint64_t x = (uint64_t)id + 16;
	int k = 63 - __builtin_clzll(x) - 4;

	return &p->block[k][x - ((uint64_t)16 << k)];
}

static void pool_put(struct source_pool *p)
{
	if (!p || --p->refs > 0)
		return;
	while (p->chunk) {
		struct pool_chunk *c = p->chunk;

		p->chunk = c->prev;
		free(c);
	}
	for (int k = 0; k < POOL_BLOCKS; k++)
		free(p->block[k]);
	free(p);
}

/* Forget the sources from @n on, and the strings stored after @mark. */
static void pool_truncate(struct source_pool *p, size_t n, const struct list_mark *mark)
{
	if (n >= p->count)
		return;
	while (p->chunk && p->chunk != mark->chunk) {
		struct pool_chunk *c = p->chunk;

		p->chunk = c->prev;
		free(c);
	}
	if (p->chunk)
		p->chunk->used = mark->chunk_used;
	p->count = n;
	p->last_origin = NULL;
	p->last_device = NULL;
}

/* A copy of @s (with its NUL) from the newest chunk or a new one. */
static const char *pool_strdup(struct source_pool *p, const char *s)
{
	struct pool_chunk *c = p->chunk;
	size_t size = strlen(s) + 1;

	if (!c || c->size - c->used < size) {
		/* The first chunk holds just this string and each next one is
		 * twice as large, up to 4 MiB: a small list wastes nothing, a
		 * list of millions of sources makes a few dozen mallocs. */
		size_t want = !c ? 0 : c->size < POOL_CHUNK_MAX ? c->size * 2 : POOL_CHUNK_MAX;

		if (want < size)
			want = size;
		if (want > SIZE_MAX - sizeof(*c))
			return NULL;
		c = malloc(sizeof(*c) + want);
		if (!c)
			return NULL;
		c->prev = p->chunk;
		c->size = want;
		c->used = 0;
		p->chunk = c;
	}
	memcpy(c->data + c->used, s, size);
	c->used += size;
	return c->data + c->used - size;
}

/* Room for source p->count: its block, allocated when first reached. */
static int pool_room(struct source_pool *p)
{
	uint64_t x = (uint64_t)p->count + 16;
	int k = 63 - __builtin_clzll(x) - 4;

	if (p->count >= UINT32_MAX)
		return -ENOMEM;
	if (!p->block[k]) {
		p->block[k] = malloc(sizeof(struct resv_source) << (4 + k));
		if (!p->block[k])
			return -ENOMEM;
	}
	return 0;
}

/* Add a source; *id receives its id. Strings are copied, or shared with
 * the source before when they are equal. */
static int pool_add(struct source_pool *p, const char *origin,
		    const char *device, uint64_t line, uint32_t *id)
{
	struct resv_source *s;

	if (!origin)
		origin = "";
	if (pool_room(p) < 0)
		return -ENOMEM;
	s = pool_slot(p, p->count);
	if (!p->last_origin || strcmp(p->last_origin, origin) != 0) {
		const char *o = pool_strdup(p, origin);

		if (!o)
			return -ENOMEM;
		p->last_origin = o;
	}
	if (device && (!p->last_device || strcmp(p->last_device, device) != 0)) {
		const char *d = pool_strdup(p, device);

		if (!d)
			return -ENOMEM;
		p->last_device = d;
	}
	s->origin = p->last_origin;
	s->device = device ? p->last_device : NULL;
	s->line = line;
	*id = (uint32_t)p->count++;
	return 0;
}

/* ------------------------------------------------------------------------ */
/* Lists                                                                     */

RESV_EXPORT int resv_list_new(struct resv_list **out)
{
	struct resv_list *l = calloc(1, sizeof(*l));

	if (!l)
		return -ENOMEM;
	l->pool = calloc(1, sizeof(*l->pool));
	if (!l->pool) {
		free(l);
		return -ENOMEM;
	}
	l->pool->refs = 1;
	*out = l;
	return 0;
}

int list_new_sharing(struct resv_list **out, const struct resv_list *like)
{
	struct resv_list *l = calloc(1, sizeof(*l));

	if (!l)
		return -ENOMEM;
	l->pool = like->pool;
	l->pool->refs++;
	*out = l;
	return 0;
}

RESV_EXPORT void resv_list_free(struct resv_list *list)
{
	if (!list)
		return;
	pool_put(list->pool);
	free(list->regions);
	free(list->contrib);
	free(list);
}

struct list_mark list_mark(const struct resv_list *l)
{
	const struct pool_chunk *c = l->pool->chunk;

	return (struct list_mark){ l->count, l->ncontrib, l->pool->count,
				   l->pool->chunk, c ? c->used : 0 };
}

void list_rollback(struct resv_list *l, const struct list_mark *mark)
{
	pool_truncate(l->pool, mark->nsources, mark);
	l->count = mark->count;
	l->ncontrib = mark->ncontrib;
}

/* Make room for @nregions more regions and @ncontrib more source ids. */
int list_reserve(struct resv_list *l, size_t nregions, size_t ncontrib)
{
	if (nregions > SIZE_MAX / sizeof(struct resv_region) - l->count ||
	    ncontrib > SIZE_MAX / sizeof(uint32_t) - l->ncontrib)
		return -ENOMEM;
	if (l->count + nregions > l->cap) {
		size_t cap = l->cap ? l->cap : 8;

		while (cap < l->count + nregions)
			cap = cap > SIZE_MAX / 2 / sizeof(struct resv_region) ?
				      l->count + nregions : cap * 2;
		struct resv_region *r = realloc(l->regions, cap * sizeof(*r));

		if (!r)
			return -ENOMEM;
		l->regions = r;
		l->cap = cap;
	}
	if (l->ncontrib + ncontrib > l->contrib_cap) {
		size_t cap = l->contrib_cap ? l->contrib_cap : 8;

		while (cap < l->ncontrib + ncontrib)
			cap = cap > SIZE_MAX / 2 / sizeof(uint32_t) ?
				      l->ncontrib + ncontrib : cap * 2;
		/* Not realloc(): the regions' pointers into the old array are
		 * moved along while it is still there to measure them against. */
		uint32_t *c = malloc(cap * sizeof(*c));

		if (!c)
			return -ENOMEM;
		if (l->ncontrib)
			memcpy(c, l->contrib, l->ncontrib * sizeof(*c));
		for (size_t i = 0; i < l->count; i++)
			l->regions[i].sources = l->contrib ?
				c + (l->regions[i].sources - l->contrib) : c;
		free(l->contrib);
		l->contrib = c;
		l->contrib_cap = cap;
	}
	return 0;
}

/* Callers have reserved the room. */
void list_push_region(struct resv_list *l, uint64_t start, uint64_t last,
		      enum resv_type type, uint32_t prot, bool zero_length)
{
	struct resv_region *r = &l->regions[l->count];

	r->start = start;
	r->last = last;
	r->type = type;
	r->prot = prot;
	r->zero_length = zero_length;
	r->nsources = 0;
	r->sources = l->contrib + l->ncontrib;
	l->count++;
}

void list_push_source(struct resv_list *l, uint32_t id)
{
	l->contrib[l->ncontrib++] = id;
	l->regions[l->count - 1].nsources++;
}

int list_add_source(struct resv_list *l, uint64_t start, uint64_t last,
		    enum resv_type type, uint32_t prot, bool zero_length,
		    const char *origin, const char *device, uint64_t line)
{
	uint32_t id;
	int rc;

	if ((unsigned int)type >= RESV_TYPE_COUNT ||
	    (prot >= 2 * RESV_PROT_PRIV && prot != RESV_PROT_UNKNOWN))
		return -EINVAL;
	rc = list_reserve(l, 1, 1);
	if (rc < 0)
		return rc;
	rc = pool_add(l->pool, origin, device, line, &id);
	if (rc < 0)
		return rc;
	list_push_region(l, start, last, type, prot, zero_length);
	list_push_source(l, id);
	return 0;
}

/*
 * As list_add_source(), with the origin and device of the last source
 * added to @l's pool (which must have one) and another line: the next line
 * of the same file costs no string work.
 */
int list_add_again(struct resv_list *l, uint64_t start, uint64_t last,
		   enum resv_type type, uint32_t prot, bool zero_length, uint64_t line)
{
	struct source_pool *p = l->pool;
	struct resv_source *s;
	int rc;

	rc = list_reserve(l, 1, 1);
	if (rc < 0)
		return rc;
	rc = pool_room(p);
	if (rc < 0)
		return rc;
	s = pool_slot(p, p->count);
	*s = *pool_slot(p, p->count - 1);
	s->line = line;
	list_push_region(l, start, last, type, prot, zero_length);
	list_push_source(l, (uint32_t)p->count++);
	return 0;
}

RESV_EXPORT int resv_list_add(struct resv_list *list, uint64_t start,
			      uint64_t last, enum resv_type type, uint32_t prot,
			      const char *origin, const char *device)
{
	if (start > last)
		return -EINVAL;
	return list_add_source(list, start, last, type, prot, false, origin, device, 0);
}

RESV_EXPORT int resv_list_add_from(struct resv_list *list, uint64_t start,
				   uint64_t last, enum resv_type type, uint32_t prot,
				   const struct resv_source *src)
{
	if (start > last || !src)
		return -EINVAL;
	return list_add_source(list, start, last, type, prot, false, src->origin,
			       src->device, src->line);
}

RESV_EXPORT int resv_list_add_length(struct resv_list *list, uint64_t start,
				     uint64_t length, enum resv_type type,
				     uint32_t prot, const char *origin,
				     const char *device)
{
	if (length == 0)	/* the kernel's end = start + 0 - 1 */
		return list_add_source(list, start, start - 1, type, prot, true,
				       origin, device, 0);
	if (length - 1 > UINT64_MAX - start)
		return -EOVERFLOW;
	return list_add_source(list, start, start + (length - 1), type, prot, false,
			       origin, device, 0);
}

RESV_EXPORT int resv_list_append(struct resv_list *dst,
				 const struct resv_list *src)
{
	struct list_mark mark = list_mark(dst);
	size_t pool_count = dst->pool->count;
	bool same_pool = dst->pool == src->pool;
	int rc;

	if (dst == src)
		return -EINVAL;
	rc = list_reserve(dst, src->count, src->ncontrib);
	if (rc < 0)
		return rc;
	/*
	 * Sources of another pool are copied, and ids remapped: src's source
	 * k becomes pool_count + k.
	 */
	if (!same_pool) {
		for (size_t k = 0; k < src->pool->count; k++) {
			const struct resv_source *s = pool_slot(src->pool, k);
			uint32_t id;

			rc = pool_add(dst->pool, s->origin, s->device, s->line, &id);
			if (rc < 0)
				goto undo;
		}
	}
	for (size_t i = 0; i < src->count; i++) {
		const struct resv_region *r = &src->regions[i];

		list_push_region(dst, r->start, r->last, r->type, r->prot,
				 r->zero_length);
		for (size_t k = 0; k < r->nsources; k++)
			list_push_source(dst, same_pool ? r->sources[k] :
					 (uint32_t)(pool_count + r->sources[k]));
	}
	return 0;
undo:
	list_rollback(dst, &mark);
	return rc;
}

RESV_EXPORT size_t resv_list_count(const struct resv_list *list)
{
	return list->count;
}

RESV_EXPORT const struct resv_region *resv_list_region(
	const struct resv_list *list, size_t i)
{
	return i < list->count ? &list->regions[i] : NULL;
}

RESV_EXPORT const struct resv_source *resv_list_source(
	const struct resv_list *list, uint32_t id)
{
	return id < list->pool->count ? pool_slot(list->pool, id) : NULL;
}

/* ------------------------------------------------------------------------ */
/* Kernel view                                                               */

/*
 * Sort key of the kernel's list (iommu_insert_resv_region): start, then type,
 * then the later-inserted region first. Packed as type << 32 | ~index, which
 * needs fewer than 2^32 regions.
 */
static inline uint64_t kernel_key(enum resv_type type, size_t index)
{
	return (uint64_t)type << 32 | (uint32_t)~(uint32_t)index;
}

static inline size_t key_index(uint64_t key)
{
	return (uint32_t)~(uint32_t)key;
}

static inline enum resv_type key_type(uint64_t key)
{
	return (enum resv_type)(key >> 32);
}

/*
 * Stable LSD radix sort of @v by start, @bits at a time, between @v and
 * @tmp; the digits all items share are skipped (one pass counts every
 * digit position). @count has room for (64 / @bits rounded up) << @bits
 * zeroed counters. Return: the array that holds the result.
 */
static struct sort_item *radix_pass(struct sort_item *v, struct sort_item *tmp, size_t n,
				    int bits, size_t *count)
{
	int ndig = (64 + bits - 1) / bits;
	uint64_t mask = ((uint64_t)1 << bits) - 1;

	for (size_t i = 0; i < n; i++)
		for (int d = 0; d < ndig; d++)
			count[(size_t)d << bits | (v[i].start >> (d * bits) & mask)]++;
	for (int d = 0; d < ndig; d++) {
		size_t *c = count + ((size_t)d << bits), pos = 0;
		struct sort_item *t;

		if (c[v[0].start >> (d * bits) & mask] == n)
			continue;	/* every item has this digit */
		for (size_t k = 0; k <= mask; k++) {
			size_t x = c[k];

			c[k] = pos;
			pos += x;
		}
		for (size_t i = 0; i < n; i++)
			tmp[c[v[i].start >> (d * bits) & mask]++] = v[i];
		t = v;
		v = tmp;
		tmp = t;
	}
	return v;
}

/*
 * A byte a digit for short arrays (the counters fit on the stack); eleven
 * bits for long ones, where a pass saved (five instead of six for 40-bit
 * addresses, six instead of eight for any) outweighs 96 KiB of counters.
 * Return: as radix_pass(), or NULL when those counters cannot be had.
 */
static struct sort_item *radix_sort(struct sort_item *v, struct sort_item *tmp, size_t n)
{
	size_t small[8 << 8] = { 0 }, *big;
	struct sort_item *out;

	if (n < 65536)
		return radix_pass(v, tmp, n, 8, small);
	big = calloc((size_t)6 << 11, sizeof(*big));
	if (!big)
		return NULL;
	out = radix_pass(v, tmp, n, 11, big);
	free(big);
	return out;
}

/*
 * @in's regions (without zero-length ones if @skip_zero) in kernel order:
 * (start, type, later-added first). Bucketed by type, later-added first,
 * then a stable radix sort by start keeps that order for equal starts.
 */
static int sorted_items(struct sort_item **out, size_t *count, const struct resv_list *in,
			bool skip_zero)
{
	size_t pos[RESV_TYPE_COUNT + 1] = { 0 }, n = 0;
	struct sort_item *v, *tmp, *sorted;

	if (in->count > UINT32_MAX)
		return -ENOMEM;
	v = malloc((in->count ? in->count : 1) * sizeof(*v));
	tmp = malloc((in->count ? in->count : 1) * sizeof(*tmp));
	if (!v || !tmp) {
		free(v);
		free(tmp);
		return -ENOMEM;
	}
	for (size_t i = 0; i < in->count; i++)
		if (!(skip_zero && in->regions[i].zero_length))
			pos[in->regions[i].type + 1]++;
	for (int t = 0; t < RESV_TYPE_COUNT; t++)
		pos[t + 1] += pos[t];
	n = pos[RESV_TYPE_COUNT];
	for (size_t i = in->count; i-- > 0;) {
		const struct resv_region *r = &in->regions[i];

		if (!(skip_zero && r->zero_length))
			v[pos[r->type]++] = (struct sort_item){ r->start, kernel_key(r->type, i) };
	}
	sorted = n ? radix_sort(v, tmp, n) : v;
	if (!sorted) {
		free(v);
		free(tmp);
		return -ENOMEM;
	}
	free(sorted == v ? tmp : v);
	*out = sorted;
	*count = n;
	return 0;
}

/*
 * Give each output region its contributors' sources: @owner[i] is the output
 * that input region i went to. One pass over the input, in input order, so
 * a merged region lists its sources in the order they were added.
 */
static int emit_sources(struct resv_list *out, const struct resv_list *in,
			const uint32_t *owner)
{
	size_t nout = out->count;
	size_t *next = calloc(nout + 1, sizeof(*next));

	if (!next)
		return -ENOMEM;
	for (size_t i = 0; i < in->count; i++)
		next[owner[i] + 1] += in->regions[i].nsources;
	for (size_t o = 0; o < nout; o++) {
		next[o + 1] += next[o];
		out->regions[o].sources = out->contrib + next[o];
		out->regions[o].nsources = next[o + 1] - next[o];
	}
	out->ncontrib = next[nout];
	for (size_t i = 0; i < in->count; i++) {
		const struct resv_region *r = &in->regions[i];

		memcpy(out->contrib + next[owner[i]], r->sources,
		       r->nsources * sizeof(uint32_t));
		next[owner[i]] += r->nsources;
	}
	free(next);
	return 0;
}

/* Union-find root with path halving. */
static uint32_t find_head(uint32_t *parent, uint32_t r)
{
	while (parent[r] != r) {
		parent[r] = parent[parent[r]];
		r = parent[r];
	}
	return r;
}

/*
 * The kernel's algorithm, replayed exactly but in O(n log n). Each region
 * gets its final rank in (start, type, later-added first) order up front.
 * Then, in insertion order, the kernel's merge pass is reproduced by its
 * only possible effects: the list of a type is always a fixed point of the
 * pass (no two neighbours mergeable), so inserting X can only merge X into
 * its predecessor P of the same type, and then let the region holding X
 * absorb following regions while they touch it. "Touch" is the kernel's
 * u64 test X.start <= T.last + 1, which wraps when T ends at UINT64_MAX;
 * that is why replaying in insertion order matters there. A rank set per
 * type finds neighbours; union-find remembers which region each input
 * ended up in.
 */
int list_kernel_view_replay(struct resv_list **out, const struct resv_list *in,
			    unsigned int *quirks)
{
	struct resv_list *view = NULL;
	struct sort_item *items = NULL;
	struct rankset set[RESV_TYPE_COUNT] = { 0 };
	uint32_t *rank = NULL, *parent = NULL, *owner = NULL;
	uint64_t *last = NULL;
	bool *zero = NULL;
	size_t n = in->count, cap = n ? n : 1;
	unsigned int q = 0;
	int rc;

	rc = sorted_items(&items, &n, in, false);
	if (rc < 0)
		return rc;
	rc = -ENOMEM;
	rank = malloc(cap * sizeof(*rank));
	parent = malloc(cap * sizeof(*parent));
	owner = malloc(cap * sizeof(*owner));
	last = malloc(cap * sizeof(*last));
	zero = malloc(cap * sizeof(*zero));
	if (!rank || !parent || !owner || !last || !zero)
		goto out;
	for (int t = 0; t < RESV_TYPE_COUNT; t++)
		if (rankset_init(&set[t], n) < 0)
			goto out;
	for (size_t r = 0; r < n; r++)
		rank[key_index(items[r].key)] = (uint32_t)r;

	for (size_t i = 0; i < n; i++) {
		const struct resv_region *x = &in->regions[i];
		struct rankset *s = &set[x->type];
		uint32_t r = rank[i];
		size_t p = r ? rankset_prev(s, r - 1) : RANKSET_NONE;
		size_t head;

		if (p != RANKSET_NONE && !(x->start > last[p] + 1)) {
			head = p;	/* X merges into its predecessor */
			parent[r] = (uint32_t)p;
			if (x->last > last[p])
				last[p] = x->last;
		} else {
			head = r;
			parent[r] = r;
			last[r] = x->last;
			zero[r] = x->zero_length;
			rankset_insert(s, r);
		}
		for (size_t nx = rankset_next(s, r + 1); nx != RANKSET_NONE;
		     nx = rankset_next(s, nx + 1)) {
			if (items[nx].start > last[head] + 1)
				break;
			if (last[nx] > last[head])
				last[head] = last[nx];
			parent[nx] = (uint32_t)head;
			rankset_erase(s, nx);
		}
		/* The kernel's length stays 0 until the end grows past start - 1. */
		zero[head] = zero[head] && last[head] == items[head].start - 1;
	}

	rc = list_new_sharing(&view, in);
	if (rc < 0)
		goto out;
	rc = list_reserve(view, n, in->ncontrib);
	if (rc < 0)
		goto out;
	/* The survivors in rank order are the kernel's list; parent[] now maps
	 * each rank to its output position. */
	uint64_t wrap_seen = 0;	/* per type: a region ending at UINT64_MAX came */

	for (size_t r = 0; r < n; r++) {
		const struct resv_region *h;
		enum resv_type t;

		if (parent[r] != r)
			continue;
		h = &in->regions[key_index(items[r].key)];
		t = h->type;
		if (wrap_seen & (1u << t))
			q |= RESV_QUIRK_TOP_WRAP;	/* kept apart by the wrap */
		if (last[r] == UINT64_MAX)
			wrap_seen |= 1u << t;
		if (zero[r])
			q |= RESV_QUIRK_ZERO_LENGTH;
		list_push_region(view, h->start, last[r], t, h->prot, zero[r]);
		owner[r] = (uint32_t)(view->count - 1);
	}
	/* rank[] becomes, per input region, the output region it ended in. */
	for (size_t i = 0; i < n; i++)
		rank[i] = owner[find_head(parent, rank[i])];
	rc = emit_sources(view, in, rank);
out:
	for (int t = 0; t < RESV_TYPE_COUNT; t++)
		rankset_free(&set[t]);
	free(items);
	free(rank);
	free(parent);
	free(owner);
	free(last);
	free(zero);
	if (rc < 0) {
		resv_list_free(view);
		return rc;
	}
	if (quirks)
		*quirks = q;
	*out = view;
	return 0;
}

/*
 * Insertion order matters to the kernel's list only through the wrap of
 * last + 1 (a region ending at UINT64_MAX) and through zero-length regions
 * (docs/design.md). Without them the list of each type is the union of
 * its regions, merged while next.start <= last + 1, in (start, type)
 * order, and its head (the region that keeps its prot) is the first in
 * (start, later-added first) order.
 */
static bool order_free(const struct resv_list *in)
{
	for (size_t i = 0; i < in->count; i++)
		if (in->regions[i].zero_length || in->regions[i].last == UINT64_MAX)
			return false;
	return true;
}

/* What the passes after a sort need of a region, beside its start and last. */
struct item_ref {
	const uint32_t *sources;
	uint32_t index;		/* the region's in its list */
	uint32_t nsources;
};

/*
 * @in's regions (without zero-length ones if @skip_zero) in the kernel's
 * order within each type: type, then start, then later-added first. Type
 * t's are (*out)[first[t] .. first[t + 1]); in each, start is the region's
 * start and key its last, and (*refs)[k] tells the region item k stands
 * for. The sort reads the regions once in order, and once more in sorted
 * order, a few regions ahead (they are scattered in memory), so that the
 * passes after it read arrays front to back.
 */
static int typed_items(struct sort_item **out, struct item_ref **refs, const struct resv_list *in,
		       bool skip_zero, size_t first[RESV_TYPE_COUNT + 1])
{
	size_t n, fill[RESV_TYPE_COUNT];
	struct sort_item *v, *tmp;
	struct item_ref *ref;

	if (in->count > UINT32_MAX || in->ncontrib > UINT32_MAX)
		return -ENOMEM;
	for (int t = 0; t <= RESV_TYPE_COUNT; t++)
		first[t] = 0;
	for (size_t i = 0; i < in->count; i++)
		if (!(skip_zero && in->regions[i].zero_length))
			first[in->regions[i].type + 1]++;
	for (int t = 0; t < RESV_TYPE_COUNT; t++) {
		first[t + 1] += first[t];
		fill[t] = first[t];
	}
	n = first[RESV_TYPE_COUNT];
	/* The sort's second array becomes the references after it: as large
	 * (checked below), and its pages already touched. */
	_Static_assert(sizeof(*ref) == sizeof(*tmp), "item_ref fits where sort_item was");
	v = malloc((n ? n : 1) * sizeof(*v));
	tmp = malloc((n ? n : 1) * sizeof(*tmp));
	if (!v || !tmp) {
		free(v);
		free(tmp);
		return -ENOMEM;
	}
	/* Bucket by type, later-added first: the stable sort keeps that for ties. */
	for (size_t i = in->count; i-- > 0;) {
		const struct resv_region *r = &in->regions[i];

		if (!(skip_zero && r->zero_length))
			v[fill[r->type]++] = (struct sort_item){ r->start, i };
	}
	for (int t = 0; t < RESV_TYPE_COUNT; t++) {
		size_t m = first[t + 1] - first[t];
		struct sort_item *sorted = m ? radix_sort(v + first[t], tmp + first[t], m) :
					       v + first[t];

		if (!sorted) {
			free(v);
			free(tmp);
			return -ENOMEM;
		}
		if (sorted != v + first[t])
			memcpy(v + first[t], sorted, m * sizeof(*v));
	}
	ref = (struct item_ref *)(void *)tmp;
	for (size_t k = 0; k < n; k++) {
		const struct resv_region *r = &in->regions[v[k].key];

		if (k + 16 < n)
			__builtin_prefetch(&in->regions[v[k + 16].key]);
		ref[k] = (struct item_ref){ r->sources, (uint32_t)v[k].key,
					    (uint32_t)r->nsources };
		v[k].key = r->last;
	}
	*out = v;
	*refs = ref;
	return 0;
}

/* One run of merged regions of one type. */
struct kv_run {
	uint64_t start, last;
	uint32_t prot;		/* of its first region, which the kernel keeps */
	uint32_t out;		/* its position in the view */
};

int list_kernel_view_sorted(struct resv_list **out, const struct resv_list *in)
{
	size_t first[RESV_TYPE_COUNT + 1];
	size_t nruns[RESV_TYPE_COUNT] = { 0 }, cur[RESV_TYPE_COUNT] = { 0 };
	struct sort_item *v = NULL;
	struct item_ref *ref = NULL;
	uint32_t *run_of = NULL;
	struct kv_run *runs = NULL;
	struct resv_list *view = NULL;
	int rc;

	rc = typed_items(&v, &ref, in, false, first);
	if (rc < 0)
		return rc;
	rc = -ENOMEM;
	runs = malloc((in->count ? in->count : 1) * sizeof(*runs));
	run_of = malloc((in->count ? in->count : 1) * sizeof(*run_of));
	if (!runs || !run_of)
		goto out;
	/* Per type, one merging pass (a type's runs are stored from first[t]:
	 * they never outnumber its regions). */
	for (int t = 0; t < RESV_TYPE_COUNT; t++) {
		struct kv_run *r = runs + first[t];
		size_t k = 0;

		for (size_t i = first[t]; i < first[t + 1]; i++) {
			/* last < UINT64_MAX here: last + 1 does not wrap. */
			if (k && v[i].start <= r[k - 1].last + 1) {
				if (v[i].key > r[k - 1].last)
					r[k - 1].last = v[i].key;
			} else {
				r[k++] = (struct kv_run){ v[i].start, v[i].key,
							  in->regions[ref[i].index].prot, 0 };
			}
			run_of[ref[i].index] = (uint32_t)(first[t] + k - 1);
		}
		nruns[t] = k;
	}
	rc = list_new_sharing(&view, in);
	if (rc < 0)
		goto out;
	rc = list_reserve(view, in->count, in->ncontrib);
	if (rc < 0)
		goto out;
	/* The types' runs merged by (start, type): the kernel's list. */
	for (;;) {
		struct kv_run *r;
		int best = -1;

		for (int t = 0; t < RESV_TYPE_COUNT; t++)
			if (cur[t] < nruns[t] &&
			    (best < 0 || runs[first[t] + cur[t]].start <
					 runs[first[best] + cur[best]].start))
				best = t;
		if (best < 0)
			break;
		r = &runs[first[best] + cur[best]++];
		list_push_region(view, r->start, r->last, (enum resv_type)best, r->prot, false);
		r->out = (uint32_t)(view->count - 1);
	}
	/* run_of[] becomes, per input region, the output region it ended in. */
	for (size_t i = 0; i < in->count; i++)
		run_of[i] = runs[run_of[i]].out;
	rc = emit_sources(view, in, run_of);
out:
	free(v);
	free(ref);
	free(runs);
	free(run_of);
	if (rc < 0) {
		resv_list_free(view);
		return rc;
	}
	*out = view;
	return 0;
}

RESV_EXPORT int resv_list_kernel_view(struct resv_list **out,
				      const struct resv_list *in,
				      unsigned int *quirks)
{
	int rc;

	if (!order_free(in))
		return list_kernel_view_replay(out, in, quirks);
	rc = list_kernel_view_sorted(out, in);
	if (rc == 0 && quirks)
		*quirks = 0;
	return rc;
}

/* ------------------------------------------------------------------------ */
/* Resolved view                                                             */

struct run {
	uint64_t start, last;
	enum resv_type type;
	uint32_t prot;
	size_t first, end;	/* its items: items[first..end) */
};

/*
 * Merge each type's items (typed_items(): by type, then start; key is the
 * last) into maximal runs (overlapping or touching, no wrap quirk). Type
 * t's runs are (*runs_out)[rfirst[t] .. rfirst[t + 1]).
 */
static int build_runs(struct run **runs_out, size_t rfirst[RESV_TYPE_COUNT + 1],
		      const struct sort_item *items, const struct item_ref *ref,
		      const struct resv_list *in, const size_t first[RESV_TYPE_COUNT + 1])
{
	size_t n = first[RESV_TYPE_COUNT], nruns = 0;
	struct run *runs = malloc((n ? n : 1) * sizeof(*runs));

	if (!runs)
		return -ENOMEM;
	for (int t = 0; t < RESV_TYPE_COUNT; t++) {
		rfirst[t] = nruns;
		for (size_t k = first[t]; k < first[t + 1]; k++) {
			struct run *r = nruns > rfirst[t] ? &runs[nruns - 1] : NULL;

			if (r && touches_or_overlaps(r->last, items[k].start)) {
				if (items[k].key > r->last)
					r->last = items[k].key;
				r->end = k + 1;
				continue;
			}
			runs[nruns++] = (struct run){
				.start = items[k].start, .last = items[k].key,
				.type = (enum resv_type)t, .prot = in->regions[ref[k].index].prot,
				.first = k, .end = k + 1,
			};
		}
	}
	rfirst[RESV_TYPE_COUNT] = nruns;
	*runs_out = runs;
	return 0;
}

/*
 * The union of the runs of every non-relaxable type: each type's runs are
 * sorted and disjoint, so a merge by start, coalescing what touches.
 */
static size_t hard_union(struct resv_range *hole, const struct run *runs,
			 const size_t rfirst[RESV_TYPE_COUNT + 1])
{
	size_t cur[RESV_TYPE_COUNT], nhole = 0;

	for (int t = 0; t < RESV_TYPE_COUNT; t++)
		cur[t] = resv_type_is_relaxable((enum resv_type)t) ? rfirst[t + 1] : rfirst[t];
	for (;;) {
		const struct run *x;
		int best = -1;

		for (int t = 0; t < RESV_TYPE_COUNT; t++)
			if (cur[t] < rfirst[t + 1] &&
			    (best < 0 || runs[cur[t]].start < runs[cur[best]].start))
				best = t;
		if (best < 0)
			return nhole;
		x = &runs[cur[best]++];
		if (nhole && touches_or_overlaps(hole[nhole - 1].last, x->start)) {
			if (x->last > hole[nhole - 1].last)
				hole[nhole - 1].last = x->last;
		} else {
			hole[nhole++] = (struct resv_range){ x->start, x->last };
		}
	}
}

/* A region of the resolved view before it is laid out. */
struct piece {
	uint64_t start, last;
	enum resv_type type;
	uint32_t prot;
	size_t src_first, src_end;	/* into the piece-source array */
};

struct piece_buf {
	struct piece *v;
	size_t n, cap;
	uint32_t *src;		/* contributors: positions in an item_ref array */
	size_t nsrc, src_cap;
};

static int grow(void **v, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return 0;
	size_t cap2 = *cap ? *cap : 16;

	while (cap2 < need)
		cap2 *= 2;
	void *p = realloc(*v, cap2 * size);

	if (!p)
		return -ENOMEM;
	*v = p;
	*cap = cap2;
	return 0;
}

static int piece_add(struct piece_buf *b, uint64_t start, uint64_t last,
		     enum resv_type type, uint32_t prot)
{
	if (grow((void **)&b->v, &b->cap, b->n + 1, sizeof(*b->v)) < 0)
		return -ENOMEM;
	b->v[b->n++] = (struct piece){ start, last, type, prot, b->nsrc, b->nsrc };
	return 0;
}

static int piece_add_src(struct piece_buf *b, uint32_t idx)
{
	if (grow((void **)&b->src, &b->src_cap, b->nsrc + 1, sizeof(*b->src)) < 0)
		return -ENOMEM;
	b->src[b->nsrc++] = idx;
	b->v[b->n - 1].src_end = b->nsrc;
	return 0;
}

/*
 * Cut one relaxable run by the union of non-relaxable regions (@hole,
 * sorted, disjoint; *@h is a cursor that only moves forward) and give each
 * piece the run's items that overlap it. Items are in start order, so an
 * "active" set sweep costs the number of (piece, item) pairs emitted.
 */
static int cut_relaxable(struct piece_buf *b, const struct run *run,
			 const struct sort_item *items,
			 const struct resv_range *hole, size_t nhole, size_t *h,
			 uint32_t *active)
{
	size_t nactive = 0, next = run->first;
	uint64_t pos = run->start;
	bool done = false;

	while (*h < nhole && hole[*h].last < run->start)
		(*h)++;
	for (size_t k = *h; !done; k++) {
		uint64_t pstart = pos, plast;

		if (k < nhole && hole[k].start <= run->last) {
			done = hole[k].last >= run->last;
			if (hole[k].start > pos) {
				plast = hole[k].start - 1;
			} else {
				if (!done)
					pos = hole[k].last + 1;
				continue;
			}
			if (!done)
				pos = hole[k].last + 1;
		} else {
			plast = run->last;
			done = true;
		}

		if (piece_add(b, pstart, plast, run->type, run->prot) < 0)
			return -ENOMEM;
		while (next < run->end && items[next].start <= plast)
			active[nactive++] = (uint32_t)next++;
		size_t keep = 0;

		for (size_t a = 0; a < nactive; a++) {
			if (items[active[a]].key < pstart)
				continue;	/* ends before this piece: gone */
			active[keep++] = active[a];
			if (piece_add_src(b, active[a]) < 0)
				return -ENOMEM;
		}
		nactive = keep;
	}
	return 0;
}

/*
 * A piece's contributors into input order (their regions' indices): an
 * insertion sort for the usual few, sort_items() of (index, position)
 * pairs for many. @tmp has room for @n pairs.
 */
static void sort_sources(uint32_t *v, size_t n, const struct item_ref *ref,
			 struct sort_item *tmp)
{
	if (n > 16) {
		for (size_t i = 0; i < n; i++)
			tmp[i] = (struct sort_item){ ref[v[i]].index, v[i] };
		sort_items(tmp, n);
		for (size_t i = 0; i < n; i++)
			v[i] = (uint32_t)tmp[i].key;
		return;
	}
	for (size_t i = 1; i < n; i++) {
		uint32_t x = v[i];
		size_t j = i;

		for (; j > 0 && ref[v[j - 1]].index > ref[x].index; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
}

/*
 * Build the list from pieces, sorted by (start, type); each piece lists its
 * contributors' sources in input order, as the kernel view does. The pieces
 * come as sequences b->v[pfirst[t] .. pfirst[t + 1]), each in start order
 * and disjoint (the resolved view's: one a type, so equal starts go by
 * type): the list is their merge.
 */
static int pieces_to_list(struct resv_list **out, const struct resv_list *in,
			  const struct piece_buf *b, const size_t pfirst[RESV_TYPE_COUNT + 1],
			  const struct item_ref *ref)
{
	struct resv_list *view = NULL;
	size_t cur[RESV_TYPE_COUNT], nsrc = 0, most = 0;
	struct sort_item *tmp;
	int rc;

	for (size_t i = 0; i < b->nsrc; i++)
		nsrc += ref[b->src[i]].nsources;
	for (size_t i = 0; i < b->n; i++)
		if (b->v[i].src_end - b->v[i].src_first > most)
			most = b->v[i].src_end - b->v[i].src_first;
	tmp = malloc((most ? most : 1) * sizeof(*tmp));
	if (!tmp)
		return -ENOMEM;
	rc = list_new_sharing(&view, in);
	if (rc == 0)
		rc = list_reserve(view, b->n, nsrc);
	if (rc < 0) {
		resv_list_free(view);
		free(tmp);
		return rc;
	}
	for (int t = 0; t < RESV_TYPE_COUNT; t++)
		cur[t] = pfirst[t];
	for (;;) {
		const struct piece *p;
		int best = -1;

		for (int t = 0; t < RESV_TYPE_COUNT; t++)
			if (cur[t] < pfirst[t + 1] &&
			    (best < 0 || b->v[cur[t]].start < b->v[cur[best]].start))
				best = t;
		if (best < 0)
			break;
		p = &b->v[cur[best]++];
		sort_sources(b->src + p->src_first, p->src_end - p->src_first, ref, tmp);
		list_push_region(view, p->start, p->last, p->type, p->prot, false);
		for (size_t s = p->src_first; s < p->src_end; s++) {
			const struct item_ref *r = &ref[b->src[s]];

			for (size_t k = 0; k < r->nsources; k++)
				list_push_source(view, r->sources[k]);
		}
	}
	free(tmp);
	*out = view;
	return 0;
}

RESV_EXPORT int resv_list_resolved_view(struct resv_list **out,
					const struct resv_list *in)
{
	struct sort_item *items = NULL;
	struct item_ref *ref = NULL;
	uint32_t *active = NULL;
	struct run *runs = NULL;
	struct resv_range *hole = NULL;
	struct piece_buf b = { 0 };
	size_t first[RESV_TYPE_COUNT + 1], rfirst[RESV_TYPE_COUNT + 1];
	size_t pfirst[RESV_TYPE_COUNT + 1], n, nhole, h = 0;
	int rc;

	rc = typed_items(&items, &ref, in, true, first);
	if (rc < 0)
		return rc;
	n = first[RESV_TYPE_COUNT];
	rc = build_runs(&runs, rfirst, items, ref, in, first);
	if (rc < 0)
		goto out;
	rc = -ENOMEM;
	hole = malloc((rfirst[RESV_TYPE_COUNT] ? rfirst[RESV_TYPE_COUNT] : 1) * sizeof(*hole));
	active = malloc((n ? n : 1) * sizeof(*active));
	if (!hole || !active)
		goto out;
	nhole = hard_union(hole, runs, rfirst);

	for (int t = 0; t < RESV_TYPE_COUNT; t++) {
		pfirst[t] = b.n;
		for (size_t r = rfirst[t]; r < rfirst[t + 1]; r++) {
			const struct run *run = &runs[r];

			if (resv_type_is_relaxable(run->type)) {
				rc = cut_relaxable(&b, run, items, hole, nhole, &h, active);
				if (rc < 0)
					goto out;
				continue;
			}
			rc = piece_add(&b, run->start, run->last, run->type, run->prot);
			for (size_t k = run->first; rc == 0 && k < run->end; k++)
				rc = piece_add_src(&b, (uint32_t)k);
			if (rc < 0)
				goto out;
		}
	}
	pfirst[RESV_TYPE_COUNT] = b.n;
	rc = pieces_to_list(out, in, &b, pfirst, ref);
out:
	free(items);
	free(ref);
	free(runs);
	free(hole);
	free(active);
	free(b.v);
	free(b.src);
	return rc;
}

/* ------------------------------------------------------------------------ */
/* Overlay                                                                   */

/*
 * QEMU's insertion makes every address belong to the latest-inserted region
 * that covers it, and a region's surviving addresses form its pieces. So:
 * sweep the addresses in order with a max-heap of the covering regions by
 * insertion index (dropping those that ended), and cut a piece wherever the
 * winner changes or a gap opens.
 */
struct heap {
	uint32_t *v;
	size_t n;
};

static void heap_push(struct heap *h, uint32_t x)
{
	size_t i = h->n++;

	while (i > 0 && h->v[(i - 1) / 2] < x) {
		h->v[i] = h->v[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	h->v[i] = x;
}

static void heap_pop(struct heap *h)
{
	uint32_t x = h->v[--h->n];
	size_t i = 0;

	for (;;) {
		size_t c = 2 * i + 1;

		if (c >= h->n)
			break;
		if (c + 1 < h->n && h->v[c + 1] > h->v[c])
			c++;
		if (h->v[c] <= x)
			break;
		h->v[i] = h->v[c];
		i = c;
	}
	if (h->n)
		h->v[i] = x;
}

RESV_EXPORT int resv_list_overlay(struct resv_list **out,
				  const struct resv_list *in)
{
	struct sort_item *items = NULL;
	struct item_ref *ref = NULL;
	struct heap heap = { 0 };
	struct piece_buf b = { 0 };
	size_t n = 0, next = 0;
	uint32_t last_winner = 0;
	int rc;

	if (in->ncontrib > UINT32_MAX)
		return -ENOMEM;
	rc = sorted_items(&items, &n, in, true);
	if (rc < 0)
		return rc;
	rc = -ENOMEM;
	heap.v = malloc((n ? n : 1) * sizeof(*heap.v));
	/* The pieces name their winners by region index: ref[i] is region i. */
	ref = malloc((in->count ? in->count : 1) * sizeof(*ref));
	if (!heap.v || !ref)
		goto out;
	for (size_t i = 0; i < in->count; i++)
		ref[i] = (struct item_ref){ in->regions[i].sources, (uint32_t)i,
					    (uint32_t)in->regions[i].nsources };

	uint64_t pos = n ? items[0].start : 0;

	while (next < n || heap.n) {
		while (next < n && items[next].start <= pos)
			heap_push(&heap, (uint32_t)key_index(items[next++].key));
		while (heap.n && in->regions[heap.v[0]].last < pos)
			heap_pop(&heap);
		if (!heap.n) {
			if (next == n)
				break;
			pos = items[next].start;
			continue;
		}

		uint32_t w = heap.v[0];
		const struct resv_region *r = &in->regions[w];
		uint64_t end = r->last;

		if (next < n && items[next].start - 1 < end)
			end = items[next].start - 1;
		struct piece *prev = b.n ? &b.v[b.n - 1] : NULL;

		if (prev && last_winner == w && prev->last + 1 == pos) {
			prev->last = end;
		} else {
			rc = piece_add(&b, pos, end, r->type, r->prot);
			if (rc == 0)
				rc = piece_add_src(&b, w);
			if (rc < 0)
				goto out;
			last_winner = w;
		}
		if (end == UINT64_MAX)
			break;
		pos = end + 1;
	}
	/* Pieces are already in address order and disjoint: one sequence. */
	size_t one[RESV_TYPE_COUNT + 1] = { 0 };

	for (int t = 1; t <= RESV_TYPE_COUNT; t++)
		one[t] = b.n;
	rc = pieces_to_list(out, in, &b, one, ref);
out:
	free(items);
	free(ref);
	free(heap.v);
	free(b.v);
	free(b.src);
	return rc;
}
