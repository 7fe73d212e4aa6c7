// SPDX-License-Identifier: MIT
/*
 * A streaming JSON writer (util-linux include/jsonwrt.h in spirit): the
 * nested group -> devices/regions documents do not fit libsmartcols' flat or
 * "children" JSON, so the CLI writes JSON itself. Two-space indent.
 */
#include <inttypes.h>

#include "cli.h"

static void indent(struct json *j)
{
	fputc('\n', j->f);
	for (int i = 0; i < j->depth; i++)
		fputs("  ", j->f);
}

/* Before a value: a comma and newline unless it follows a key. */
static void before_value(struct json *j, bool after_key)
{
	if (after_key)
		return;
	if (!j->first)
		fputc(',', j->f);
	if (j->depth > 0)
		indent(j);
	j->first = false;
}

static bool pending_key;

void json_open(struct json *j, FILE *f, char bracket)
{
	if (f) {
		j->f = f;
		j->depth = 0;
		j->first = true;
	}
	before_value(j, pending_key);
	pending_key = false;
	fputc(bracket, j->f);
	j->depth++;
	j->first = true;
}

void json_close(struct json *j, char bracket)
{
	j->depth--;
	if (!j->first)
		indent(j);
	fputc(bracket, j->f);
	j->first = false;
	if (j->depth == 0)
		fputc('\n', j->f);
}

static void write_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"': fputs("\\\"", f); break;
		case '\\': fputs("\\\\", f); break;
		case '\n': fputs("\\n", f); break;
		case '\t': fputs("\\t", f); break;
		case '\r': fputs("\\r", f); break;
		default:
			/* Control bytes and non-ASCII (firmware strings are not UTF-8). */
			if (*p < 0x20 || *p >= 0x7f)
				fprintf(f, "\\u%04x", *p);
			else
				fputc(*p, f);
		}
	}
	fputc('"', f);
}

void json_key(struct json *j, const char *key)
{
	before_value(j, false);
	write_string(j->f, key);
	fputs(": ", j->f);
	pending_key = true;
}

static void value_start(struct json *j)
{
	before_value(j, pending_key);
	pending_key = false;
}

void json_str(struct json *j, const char *s)
{
	value_start(j);
	if (s)
		write_string(j->f, s);
	else
		fputs("null", j->f);
}

void json_hex(struct json *j, uint64_t v)
{
	value_start(j);
	fprintf(j->f, "\"0x%" PRIx64 "\"", v);
}

void json_u64(struct json *j, uint64_t v)
{
	value_start(j);
	fprintf(j->f, "%" PRIu64, v);
}

void json_bool(struct json *j, bool v)
{
	value_start(j);
	fputs(v ? "true" : "false", j->f);
}

void json_raw(struct json *j, const char *text)
{
	value_start(j);
	fputs(text, j->f);
}
