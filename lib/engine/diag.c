// SPDX-License-Identifier: MIT
/* Diagnostics: findings about the input, with stable ids (fwts style). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

struct resv_diags {
	struct resv_diag *v;
	size_t n, cap;
};

RESV_EXPORT int resv_diags_new(struct resv_diags **out)
{
	struct resv_diags *d = calloc(1, sizeof(*d));

	if (!d)
		return -ENOMEM;
	*out = d;
	return 0;
}

RESV_EXPORT void resv_diags_free(struct resv_diags *diags)
{
	if (!diags)
		return;
	/* where and message share one allocation, made by diags_add(). */
	for (size_t i = 0; i < diags->n; i++)
		free(unconst(diags->v[i].where));
	free(diags->v);
	free(diags);
}

RESV_EXPORT size_t resv_diags_count(const struct resv_diags *diags)
{
	return diags ? diags->n : 0;
}

RESV_EXPORT const struct resv_diag *resv_diags_get(
	const struct resv_diags *diags, size_t i)
{
	return diags && i < diags->n ? &diags->v[i] : NULL;
}

RESV_EXPORT const char *resv_severity_name(enum resv_severity severity)
{
	static const char *const names[] = { "info", "warning", "error" };

	return (unsigned int)severity < ARRAY_SIZE(names) ? names[severity] : "unknown";
}

RESV_EXPORT int resv_diags_max_severity(const struct resv_diags *diags)
{
	int max = -1;

	for (size_t i = 0; diags && i < diags->n; i++)
		if ((int)diags->v[i].severity > max)
			max = (int)diags->v[i].severity;
	return max;
}

int diags_add(struct resv_diags *d, const char *id, enum resv_severity sev,
	      const char *where, uint64_t line, long group,
	      const char *fmt, ...)
{
	va_list ap;
	char msg[512];
	char *text;
	size_t wlen, mlen;

	if (!d)
		return 0;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!where)
		where = "";
	/* Both may hold bytes from files (names, paths): printable only. */
	wlen = resv_escape(NULL, 0, where) + 1;
	mlen = resv_escape(NULL, 0, msg) + 1;
	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 8;
		struct resv_diag *v = realloc(d->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		d->v = v;
		d->cap = cap;
	}
	text = malloc(wlen + mlen);
	if (!text)
		return -ENOMEM;
	resv_escape(text, wlen, where);
	resv_escape(text + wlen, mlen, msg);
	d->v[d->n++] = (struct resv_diag){
		.id = id, .severity = sev, .where = text, .line = line,
		.group = group, .message = text + wlen, .table = NULL, .offset = -1,
	};
	return 0;
}

void diags_set_group(struct resv_diags *d, size_t first, long group)
{
	for (size_t i = first; d && i < d->n; i++)
		d->v[i].group = group;
}

void diags_truncate(struct resv_diags *d, size_t n)
{
	while (d && d->n > n)
		free(unconst(d->v[--d->n].where));
}

void diags_mark_table(struct resv_diags *d, size_t first, const char *signature)
{
	for (size_t i = first; d && i < d->n; i++) {
		d->v[i].table = signature;
		d->v[i].offset = (int64_t)d->v[i].line;
		d->v[i].line = 0;
	}
}
