// SPDX-License-Identifier: MIT
/* Trees of values: how the decoded tables reach a caller (and JSON). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "value.h"

static void clear(struct resv_value *v)
{
	if (v->kind == RESV_VALUE_STRING)
		free(unconst(v->s));
	if (v->kind == RESV_VALUE_OBJECT || v->kind == RESV_VALUE_ARRAY) {
		for (size_t i = 0; i < v->n; i++)
			clear(unconst(&v->items[i]));
		free(unconst(v->items));
	}
}

void value_free(struct resv_value *v)
{
	if (!v)
		return;
	clear(v);
	free(v);
}

RESV_EXPORT const struct resv_value *resv_value_get(const struct resv_value *v, const char *key)
{
	if (!v || v->kind != RESV_VALUE_OBJECT)
		return NULL;
	for (size_t i = 0; i < v->n; i++)
		if (strcmp(v->items[i].key, key) == 0)
			return &v->items[i];
	return NULL;
}

void vb_init(struct vbuild *b)
{
	memset(b, 0, sizeof(*b));
	b->stack[0].kind = RESV_VALUE_OBJECT;
	b->depth = 1;
}

static void push(struct vbuild *b, struct resv_value v)
{
	struct vb_frame *f = &b->stack[b->depth - 1];

	if (b->err) {
		clear(&v);
		return;
	}
	if (f->n == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 4;
		struct resv_value *items = realloc(f->items, cap * sizeof(*items));

		if (!items) {
			clear(&v);
			b->err = -ENOMEM;
			return;
		}
		f->items = items;
		f->cap = cap;
	}
	v.key = f->kind == RESV_VALUE_OBJECT ? v.key : NULL;
	f->items[f->n++] = v;
}

void vb_uint(struct vbuild *b, const char *key, uint64_t v)
{
	push(b, (struct resv_value){ .key = key, .kind = RESV_VALUE_UINT, .u = v });
}

void vb_addr(struct vbuild *b, const char *key, uint64_t v)
{
	push(b, (struct resv_value){ .key = key, .kind = RESV_VALUE_ADDR, .u = v });
}

void vb_bool(struct vbuild *b, const char *key, bool v)
{
	push(b, (struct resv_value){ .key = key, .kind = RESV_VALUE_BOOL, .u = v });
}

void vb_str(struct vbuild *b, const char *key, const char *s)
{
	char *copy;

	if (!s || b->err)
		return;
	copy = strdup(s);
	if (!copy) {
		b->err = -ENOMEM;
		return;
	}
	push(b, (struct resv_value){ .key = key, .kind = RESV_VALUE_STRING, .s = copy });
}

void vb_begin(struct vbuild *b, const char *key, enum resv_value_kind kind)
{
	if (b->err)
		return;
	if (b->depth == VB_MAX_DEPTH) {
		b->err = -E2BIG;
		return;
	}
	b->stack[b->depth++] = (struct vb_frame){ .key = key, .kind = kind };
}

void vb_end(struct vbuild *b)
{
	struct vb_frame f;

	if (b->depth <= 1) {
		b->err = b->err ? b->err : -EINVAL;
		return;
	}
	f = b->stack[--b->depth];
	push(b, (struct resv_value){ .key = f.key, .kind = f.kind, .n = f.n, .items = f.items });
}

int vb_finish(struct vbuild *b, struct resv_value **out)
{
	struct resv_value *root = NULL;

	while (b->depth > 1)
		vb_end(b);
	if (!b->err) {
		root = malloc(sizeof(*root));
		if (!root)
			b->err = -ENOMEM;
	}
	if (b->err) {
		struct resv_value all = { .kind = RESV_VALUE_OBJECT, .n = b->stack[0].n,
					  .items = b->stack[0].items };

		clear(&all);
		*out = NULL;
		return b->err;
	}
	*root = (struct resv_value){ .kind = RESV_VALUE_OBJECT, .n = b->stack[0].n,
				     .items = b->stack[0].items };
	*out = root;
	return 0;
}
