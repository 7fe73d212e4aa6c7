// SPDX-License-Identifier: MIT
/*
 * The kernel's reserved-region list, literally: drivers/iommu/iommu.c
 * iommu_insert_resv_region() as of v5.4 (commit 4dbd258ff63e, with the
 * use-after-free fix 4c80ba392bf6), written from its description in
 * reference/kernel-semantics.md §2.1. A doubly linked list with a sentinel,
 * regions stored as (start, length) like struct iommu_resv_region, every
 * "end" computed as start + length - 1 in u64 arithmetic, so the wrap at
 * UINT64_MAX and zero-length regions behave exactly as in the kernel.
 *
 * Deliberately slow (O(n) per insertion); the benchmark times it as "the
 * kernel's algorithm".
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"

struct knode {
	struct knode *prev, *next;
	uint64_t start;
	uint64_t length;	/* 0 for zero-length, and for [0, UINT64_MAX] */
	int type;
	uint32_t prot;
	bool zero_length;	/* our flag: the kernel cannot tell the two */
	size_t nids, cap;
	uint32_t *ids;
};

static void klist_init(struct knode *head)
{
	head->prev = head;
	head->next = head;
}

static void klist_del(struct knode *n)
{
	n->prev->next = n->next;
	n->next->prev = n->prev;
}

/* list_add_tail(new, pos): insert @n just before @pos. */
static void klist_add_before(struct knode *n, struct knode *pos)
{
	n->prev = pos->prev;
	n->next = pos;
	pos->prev->next = n;
	pos->prev = n;
}

static uint64_t knode_end(const struct knode *n)
{
	return n->start + n->length - 1;
}

static void knode_free(struct knode *n)
{
	free(n->ids);
	free(n);
}

static void klist_free(struct knode *head)
{
	struct knode *n = head->next, *next;

	while (n != head) {
		next = n->next;
		knode_free(n);
		n = next;
	}
	klist_init(head);
}

/* Contributors stay in the order they were added, i.e. ascending input. */
static int ids_merge(struct knode *t, const struct knode *x)
{
	size_t n = t->nids + x->nids, i = 0, j = 0, k = 0;
	uint32_t *v;

	v = malloc(n * sizeof(*v));
	if (!v)
		return -ENOMEM;
	while (i < t->nids && j < x->nids)
		v[k++] = t->ids[i] < x->ids[j] ? t->ids[i++] : x->ids[j++];
	while (i < t->nids)
		v[k++] = t->ids[i++];
	while (j < x->nids)
		v[k++] = x->ids[j++];
	free(t->ids);
	t->ids = v;
	t->nids = n;
	t->cap = n;
	return 0;
}

/*
 * One call of iommu_insert_resv_region(): copy, sorted insertion, then the
 * merge pass over the inserted type through a "stack" list.
 */
static int kernel_insert(struct knode *head, const struct model_region *r,
			 bool track_ids, unsigned int *quirks)
{
	struct knode *nr, *iter, *next, *top;
	struct knode stack;

	nr = calloc(1, sizeof(*nr));
	if (!nr)
		return -ENOMEM;
	nr->start = r->start;
	/* length as the producer gave it: last = start + length - 1 */
	nr->length = r->zero_length ? 0 : r->last - r->start + 1;
	nr->type = r->type;
	nr->prot = r->prot;
	nr->zero_length = r->zero_length;
	if (track_ids) {
		nr->ids = malloc(sizeof(*nr->ids));
		if (!nr->ids) {
			free(nr);
			return -ENOMEM;
		}
		nr->ids[0] = r->id;
		nr->nids = 1;
		nr->cap = 1;
	}

	/* Sorted insertion: before the first E that nr sorts at or before. */
	for (iter = head->next; iter != head; iter = iter->next) {
		if (nr->start < iter->start ||
		    (nr->start == iter->start && nr->type <= iter->type))
			break;
	}
	klist_add_before(nr, iter);

	/* Merge pass: only elements of the inserted type can change. */
	klist_init(&stack);
	for (iter = head->next; iter != head; iter = next) {
		uint64_t iter_end = knode_end(iter), top_end, end;

		next = iter->next;
		klist_del(iter);
		if (iter->type != r->type) {
			klist_add_before(iter, &stack);
			continue;
		}
		/* The most recent stack element of the same type. */
		for (top = stack.prev; top != &stack; top = top->prev)
			if (top->type == iter->type)
				break;
		if (top == &stack) {
			klist_add_before(iter, &stack);
			continue;
		}
		top_end = knode_end(top);
		if (iter->start > top_end + 1) {
			/*
			 * Kept apart. With exact arithmetic top_end + 1 is
			 * 2^64 when top_end is all ones, and nothing is above
			 * it: the wrap is the only reason.
			 */
			if (top_end == UINT64_MAX)
				*quirks |= MODEL_QUIRK_TOP_WRAP;
			klist_add_before(iter, &stack);
			continue;
		}
		end = top_end > iter_end ? top_end : iter_end;
		if (track_ids && ids_merge(top, iter)) {
			/* Put it back where it was; the caller frees all. */
			klist_add_before(iter, next);
			while (stack.prev != &stack) {
				struct knode *s = stack.prev;

				klist_del(s);
				klist_add_before(s, head->next);
			}
			return -ENOMEM;
		}
		/* top->length = max(top_end, iter_end) - top->start + 1 */
		top->length = end - top->start + 1;
		if (end != top_end)
			top->zero_length = false;
		knode_free(iter);
	}
	/* list_splice(&stack, regions): the stack becomes the list. */
	if (stack.next != &stack) {
		head->next = stack.next;
		head->prev = stack.prev;
		stack.next->prev = head;
		stack.prev->next = head;
	}
	return 0;
}

void model_list_free(struct model_list *l)
{
	size_t i;

	if (!l || !l->v)
		return;
	for (i = 0; i < l->count; i++)
		free(l->v[i].ids);
	free(l->v);
	l->v = NULL;
	l->count = 0;
}

int kernel_list_view(struct model_list *out, const struct model_region *in,
		     size_t n, bool track_ids, unsigned int *quirks)
{
	struct knode head, *it;
	unsigned int q = 0;
	size_t i, count = 0;
	int ret;

	out->count = 0;
	out->v = NULL;
	klist_init(&head);
	for (i = 0; i < n; i++) {
		ret = kernel_insert(&head, &in[i], track_ids, &q);
		if (ret) {
			klist_free(&head);
			return ret;
		}
	}
	for (it = head.next; it != &head; it = it->next)
		count++;
	out->v = calloc(count ? count : 1, sizeof(*out->v));
	if (!out->v) {
		klist_free(&head);
		return -ENOMEM;
	}
	for (it = head.next; it != &head; it = it->next) {
		struct model_out *o = &out->v[out->count++];

		o->start = it->start;
		o->last = knode_end(it);
		o->type = it->type;
		o->prot = it->prot;
		o->zero_length = it->zero_length;
		o->nids = it->nids;
		o->ids = it->ids;
		it->ids = NULL;
		if (o->zero_length)
			q |= MODEL_QUIRK_ZERO_LENGTH;
	}
	klist_free(&head);
	if (quirks)
		*quirks = q;
	return 0;
}
