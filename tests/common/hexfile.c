// SPDX-License-Identifier: MIT
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "corpus.h"
#include "hexfile.h"

struct growing {
	uint8_t *bytes;
	size_t len, cap;
};

static int put(struct growing *g, const void *p, size_t n)
{
	if (g->len + n > g->cap) {
		size_t cap = (g->len + n) * 2 + 64;
		uint8_t *v = realloc(g->bytes, cap);

		if (!v)
			return -1;
		g->bytes = v;
		g->cap = cap;
	}
	memcpy(g->bytes + g->len, p, n);
	g->len += n;
	return 0;
}

void acpi_fix_checksum(uint8_t *buf, size_t len)
{
	uint8_t sum = 0;

	if (len < 36)
		return;
	buf[9] = 0;
	for (size_t i = 0; i < len; i++)
		sum = (uint8_t)(sum + buf[i]);
	buf[9] = (uint8_t)-sum;
}

/* The field name of a comment: up to ";", trimmed. */
static void comment_name(const char *c, char *name, size_t size)
{
	size_t n;

	while (*c == ' ' || *c == '\t')
		c++;
	n = strcspn(c, ";\n");
	while (n && isspace((unsigned char)c[n - 1]))
		n--;
	if (n >= size)
		n = size - 1;
	memcpy(name, c, n);
	name[n] = '\0';
}

/* One line's tokens into @g; the field they make into @f. Return 0 or -1. */
static int parse_line(char *s, struct growing *g, struct fixture_field *f)
{
	size_t ntok = 0;

	for (;;) {
		uint8_t le[8];
		unsigned long long v;
		char *end;
		size_t width, have, n;

		while (*s == ' ' || *s == '\t')
			s++;
		if (*s == '\0' || *s == '\n' || *s == '#')
			break;
		ntok++;
		if (*s == '"') {
			char *q = strchr(s + 1, '"');

			if (!q || put(g, s + 1, (size_t)(q - s - 1)) < 0)
				return -1;
			have = strlen(f->string);
			n = (size_t)(q - s - 1);
			if (n > sizeof(f->string) - 1 - have)
				n = sizeof(f->string) - 1 - have;
			memcpy(f->string + have, s + 1, n);
			f->string[have + n] = '\0';
			f->is_string = true;
			s = q + 1;
			continue;
		}
		if (strncmp(s, "le16:", 5) == 0)
			width = 2;
		else if (strncmp(s, "le32:", 5) == 0)
			width = 4;
		else if (strncmp(s, "le64:", 5) == 0)
			width = 8;
		else
			width = 1;
		if (width > 1)
			s += 5;
		v = strtoull(s, &end, 16);
		if (end == s || (width == 1 && end - s != 2) ||
		    (width > 1 && (size_t)(end - s) != 2 * width))
			return -1;
		s = end;
		for (size_t i = 0; i < width; i++)
			le[i] = (uint8_t)(v >> (8 * i));
		if (put(g, le, width) < 0)
			return -1;
		f->value = width == 1 ? f->value << 8 | v : v;
	}
	if (ntok && *s == '#')
		comment_name(s + 1, f->name, sizeof(f->name));
	return 0;
}

uint8_t *hexfile_load(const char *path, size_t *len, struct fixture_field **fields,
		      size_t *nfields)
{
	struct growing g = { 0 };
	struct fixture_field *fv = NULL;
	size_t nf = 0, tlen;
	unsigned int lineno = 0;
	char *text = slurp(path, &tlen);

	if (!text) {
		fprintf(stderr, "%s: cannot read\n", path);
		return NULL;
	}
	for (char *p = text; *p;) {
		char *eol = strchr(p, '\n');
		struct fixture_field f = { .line = ++lineno };

		if (eol)
			*eol = '\0';
		if (parse_line(p, &g, &f) < 0) {
			fprintf(stderr, "%s:%u: not a byte, leNN: value or string\n", path, lineno);
			goto fail;
		}
		if (f.name[0]) {
			struct fixture_field *v = realloc(fv, (nf + 1) * sizeof(*v));

			if (!v)
				goto fail;
			fv = v;
			fv[nf++] = f;
		}
		p = eol ? eol + 1 : p + strlen(p);
	}
	free(text);
	acpi_fix_checksum(g.bytes, g.len);
	*len = g.len;
	*fields = fv;
	*nfields = nf;
	return g.bytes;
fail:
	free(text);
	free(fv);
	free(g.bytes);
	return NULL;
}
