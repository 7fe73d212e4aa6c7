/* SPDX-License-Identifier: MIT */
/* Building trees of struct resv_value (the decoded tables); internal. */
#ifndef RESV_VALUE_H
#define RESV_VALUE_H

#include "internal.h"

#define VB_MAX_DEPTH 8

/*
 * A builder: members and elements are appended to the innermost open object
 * or array. Errors are sticky (the first -ENOMEM or nesting error is kept and
 * later calls do nothing), so describers need no error handling of their
 * own; vb_finish() reports it. Keys must be string literals; string values
 * are copied.
 */
struct vb_frame {
	const char *key;
	enum resv_value_kind kind;
	struct resv_value *items;
	size_t n, cap;
};

struct vbuild {
	struct vb_frame stack[VB_MAX_DEPTH];
	int depth;
	int err;
};

void vb_init(struct vbuild *b);	/* opens the root object */
void vb_uint(struct vbuild *b, const char *key, uint64_t v);
void vb_addr(struct vbuild *b, const char *key, uint64_t v);
void vb_bool(struct vbuild *b, const char *key, bool v);
void vb_str(struct vbuild *b, const char *key, const char *s);	/* NULL: nothing */
void vb_begin(struct vbuild *b, const char *key, enum resv_value_kind kind);
void vb_end(struct vbuild *b);
/* Close the root object into *@out. Return: 0 or the first error. */
int vb_finish(struct vbuild *b, struct resv_value **out);

void value_free(struct resv_value *v);

#endif
