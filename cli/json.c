// SPDX-License-Identifier: MIT
/*
 * A streaming JSON writer (util-linux include/jsonwrt.h in spirit): the
 * nested group -> devices/regions documents do not fit libsmartcols' flat or
 * "children" JSON, so the CLI writes JSON itself. Two-space indent.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/*
 * The diagnostics print_diags() wrote to stderr, kept so that every -J
 * document carries them too: its top-level object ends with
 * "diagnostics" (fleet tooling reads one stream).
 */
struct kept_diag {
	char *id, *where, *table, *message;
	enum resv_severity severity;
	uint64_t line;
	int64_t offset;
	long group;
};
static struct kept_diag *kept;
static size_t nkept, capkept;
static bool kept_lost;	/* out of memory: "diagnostics_complete": false */

void json_keep_diag(const struct resv_diag *g)
{
	struct kept_diag *k;

	if (nkept == capkept) {
		size_t cap = capkept ? 2 * capkept : 16;
		struct kept_diag *n = realloc(kept, cap * sizeof(*n));

		if (!n) {
			kept_lost = true;
			return;
		}
		kept = n;
		capkept = cap;
	}
	k = &kept[nkept];
	*k = (struct kept_diag){ .severity = g->severity, .line = g->line,
				 .offset = g->offset, .group = g->group };
	k->id = strdup(g->id ? g->id : "");
	k->where = strdup(g->where ? g->where : "");
	k->message = strdup(g->message ? g->message : "");
	k->table = g->table ? strdup(g->table) : NULL;
	if (!k->id || !k->where || !k->message || (g->table && !k->table)) {
		free(k->id);
		free(k->where);
		free(k->message);
		free(k->table);
		kept_lost = true;
		return;
	}
	nkept++;
}

/*
 * Output goes into the stream's buffer without its lock (the CLI writes
 * from one thread) and in runs, not a locked call per character: -J of a
 * 10^6-region file writes some 170 MB (issue 13).
 */
static void put(FILE *f, const char *s, size_t n)
{
	fwrite_unlocked(s, 1, n, f);
}

static void puts_(FILE *f, const char *s)
{
	put(f, s, strlen(s));
}

static void indent(struct json *j)
{
	static const char spaces[] = "\n                                                                ";
	size_t n = 2 * (size_t)(j->depth > 0 ? j->depth : 0), k = sizeof(spaces) - 2;

	put(j->f, spaces, 1 + (n < k ? n : k));
	for (n = n < k ? 0 : n - k; n; n -= n < k ? n : k)	/* deeper than 32 */
		put(j->f, spaces + 1, n < k ? n : k);
}

/* Before a value: a comma and newline unless it follows a key. */
static void before_value(struct json *j, bool after_key)
{
	if (after_key)
		return;
	if (!j->first)
		putc_unlocked(',', j->f);
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
	putc_unlocked(bracket, j->f);
	j->depth++;
	j->first = true;
}

static void write_kept_diags(struct json *j);

void json_close(struct json *j, char bracket)
{
	if (j->depth == 1 && bracket == '}')
		write_kept_diags(j);
	j->depth--;
	if (!j->first)
		indent(j);
	putc_unlocked(bracket, j->f);
	j->first = false;
	if (j->depth == 0)
		putc_unlocked('\n', j->f);
}

static const char hexdigits[] = "0123456789abcdef";

static void write_string(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s, *run = p;

	putc_unlocked('"', f);
	for (;; p++) {
		const char *esc;
		char u[6];

		/* Control bytes and non-ASCII (firmware strings are not UTF-8) escaped. */
		if (*p >= 0x20 && *p < 0x7f && *p != '"' && *p != '\\')
			continue;
		put(f, (const char *)run, (size_t)(p - run));
		run = p + 1;
		if (!*p)
			break;
		switch (*p) {
		case '"': esc = "\\\""; break;
		case '\\': esc = "\\\\"; break;
		case '\n': esc = "\\n"; break;
		case '\t': esc = "\\t"; break;
		case '\r': esc = "\\r"; break;
		default:
			memcpy(u, "\\u00", 4);
			u[4] = hexdigits[*p >> 4];
			u[5] = hexdigits[*p & 15];
			put(f, u, 6);
			continue;
		}
		puts_(f, esc);
	}
	putc_unlocked('"', f);
}

void json_key(struct json *j, const char *key)
{
	before_value(j, false);
	write_string(j->f, key);
	put(j->f, ": ", 2);
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
		put(j->f, "null", 4);
}

void json_hex(struct json *j, uint64_t v)
{
	char buf[20], *p = buf + sizeof(buf);

	value_start(j);
	*--p = '"';
	do {	/* by hand, as "0x%" PRIx64 would */
		*--p = hexdigits[v & 15];
		v >>= 4;
	} while (v);
	*--p = 'x';
	*--p = '0';
	*--p = '"';
	put(j->f, p, (size_t)(buf + sizeof(buf) - p));
}

void json_u64(struct json *j, uint64_t v)
{
	char buf[20], *p = buf + sizeof(buf);

	value_start(j);
	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	put(j->f, p, (size_t)(buf + sizeof(buf) - p));
}

void json_bool(struct json *j, bool v)
{
	value_start(j);
	puts_(j->f, v ? "true" : "false");
}

void json_raw(struct json *j, const char *text)
{
	value_start(j);
	puts_(j->f, text);
}

/*
 * "diagnostics": [{id, severity, table, offset, file, line, group, message}]:
 * a table's finding has table and offset, a file's has line; group when the
 * diagnostic is about one.
 */
static void write_kept_diags(struct json *j)
{
	json_key(j, "diagnostics");
	json_open(j, NULL, '[');
	for (size_t i = 0; i < nkept; i++) {
		const struct kept_diag *k = &kept[i];

		json_open(j, NULL, '{');
		json_key(j, "id");
		json_str(j, k->id);
		json_key(j, "severity");
		json_str(j, resv_severity_name(k->severity));
		json_key(j, "table");
		json_str(j, k->table);
		json_key(j, "offset");
		if (k->table)
			json_u64(j, (uint64_t)k->offset);
		else
			json_raw(j, "null");
		json_key(j, "file");
		json_str(j, *k->where ? k->where : NULL);
		json_key(j, "line");
		if (k->line)
			json_u64(j, k->line);
		else
			json_raw(j, "null");
		json_key(j, "group");
		if (k->group >= 0)
			json_u64(j, (uint64_t)k->group);
		else
			json_raw(j, "null");
		json_key(j, "message");
		json_str(j, k->message);
		json_close(j, '}');
	}
	json_close(j, ']');
	if (kept_lost) {
		json_key(j, "diagnostics_complete");
		json_bool(j, false);
	}
}
