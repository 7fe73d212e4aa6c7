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
 * Output goes through a buffer of our own, handed to the stream 64 KiB at
 * a time (and when a document ends): -J of a 10^6-region file writes some
 * 170 MB in pieces of a few bytes, and a stdio call per piece was a fifth
 * of the time (issue 13). Every JSON document goes to stdout; the buffer
 * follows whichever stream it was last given.
 */
static char out_buf[65536];
static size_t out_len;
static FILE *out_file;

static void out_flush(void)
{
	if (out_len && out_file)
		fwrite_unlocked(out_buf, 1, out_len, out_file);
	out_len = 0;
}

static void put_slow(FILE *f, const char *s, size_t n)
{
	if (f != out_file) {
		/* What a document cut short by an error wrote still goes out. */
		if (!out_file)
			atexit(out_flush);
		out_flush();
		out_file = f;
	}
	while (n) {
		size_t k = sizeof(out_buf) - out_len < n ? sizeof(out_buf) - out_len : n;

		memcpy(out_buf + out_len, s, k);
		out_len += k;
		s += k;
		n -= k;
		if (out_len == sizeof(out_buf))
			out_flush();
	}
}

static inline void put(FILE *f, const char *s, size_t n)
{
	if (__builtin_expect(f == out_file && n <= sizeof(out_buf) - out_len, 1)) {
		memcpy(out_buf + out_len, s, n);
		out_len += n;
		return;
	}
	put_slow(f, s, n);
}

static void putc_(char c, FILE *f)
{
	put(f, &c, 1);
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
		putc_(',', j->f);
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
	putc_(bracket, j->f);
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
	putc_(bracket, j->f);
	j->first = false;
	if (j->depth == 0) {
		putc_('\n', j->f);
		out_flush();
	}
}

static const char hexdigits[] = "0123456789abcdef";

/* The characters of a JSON string, escaped, without its quotes. */
static void write_chars(FILE *f, const char *s)
{
	/* Control bytes and non-ASCII (firmware strings are not UTF-8) escaped. */
	static const bool plain[256] = {
		/* 0x20..0x7e but '"' (0x22) and '\\' (0x5c) */
		[0x20 ... 0x21] = true, [0x23 ... 0x5b] = true, [0x5d ... 0x7e] = true,
	};
	const unsigned char *p = (const unsigned char *)s, *run = p;

	for (;; p++) {
		const char *esc;
		char u[6];

		if (plain[*p])
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
}

static void write_string(FILE *f, const char *s)
{
	putc_('"', f);
	write_chars(f, s);
	putc_('"', f);
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

void json_str_line(struct json *j, const char *s, uint64_t line)
{
	char buf[24], *p = buf + sizeof(buf);

	if (!line || !s) {
		json_str(j, s);
		return;
	}
	value_start(j);
	putc_('"', j->f);
	write_chars(j->f, s);
	*--p = '"';
	do {	/* ":%" PRIu64 by hand */
		*--p = (char)('0' + line % 10);
		line /= 10;
	} while (line);
	*--p = ':';
	put(j->f, p, (size_t)(buf + sizeof(buf) - p));
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
