// SPDX-License-Identifier: MIT
/*
 * --guest @FILE: a guest layout as a JSON file (docs/json.md, "Guest layout
 * file"), read with json-c. Either a preset, as --guest VMM:SIZE says it,
 * or explicit ranges in the shape check -J prints them, so that a suggested
 * layout can be fed back. The file is untrusted: every error names the file
 * and where (line and column for the syntax, the key for the rest), and
 * nothing is guessed.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* json-c's typedef json_bool would clash with the CLI's json_bool(). */
#define json_bool json_c_bool
#include <json-c/json.h>
#undef json_bool

#include "cli.h"

/* A layout is a few lines; anything this large is not one. */
#define LAYOUT_FILE_MAX (1u << 20)
#define NAME_MAX_LEN 32

int guest_size_parse(const char *s, size_t len, uint64_t *out)
{
	char buf[32], *end;
	uint64_t v, mul = 1;

	if (!len || len >= sizeof(buf) || *s < '0' || *s > '9')
		return -EINVAL;
	memcpy(buf, s, len);
	buf[len] = '\0';
	errno = 0;
	v = strtoull(buf, &end, 0);
	if (errno)
		return -EINVAL;
	switch (*end) {
	case 'K': case 'k': mul = 1ull << 10; end++; break;
	case 'M': case 'm': mul = 1ull << 20; end++; break;
	case 'G': case 'g': mul = 1ull << 30; end++; break;
	case 'T': case 't': mul = 1ull << 40; end++; break;
	}
	if (*end || (v && v > UINT64_MAX / mul) || !v)
		return -EINVAL;
	*out = v * mul;
	return 0;
}

struct file {
	const char *name;	/* as the diagnostics call it */
};

/* "check: FILE: ..." on standard error. Return: -EINVAL. */
__attribute__((format(printf, 2, 3)))
static int bad(const struct file *f, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	warnx_("check: %s: %s", f->name, msg);
	return -EINVAL;
}

/*
 * @len bytes of @s for a message: quoted, at most 40 of them, anything but
 * printable ASCII as \xNN (the file may hold any byte).
 */
static const char *quote(char *buf, size_t n, const char *s, size_t len)
{
	size_t o = 0;

	buf[o++] = '"';
	for (size_t i = 0; i < len && o + 8 < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (i == 40) {
			memcpy(buf + o, "...", 3);
			o += 3;
			break;
		}
		if (c == '"' || c == '\\')
			o += (size_t)snprintf(buf + o, n - o, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			o += (size_t)snprintf(buf + o, n - o, "\\x%02x", c);
		else
			buf[o++] = (char)c;
	}
	buf[o++] = '"';
	buf[o] = '\0';
	return buf;
}

static const char *type_name(struct json_object *v)
{
	switch (json_object_get_type(v)) {
	case json_type_null: return "null";
	case json_type_boolean: return "a boolean";
	case json_type_double:
	case json_type_int: return "a number";
	case json_type_object: return "an object";
	case json_type_array: return "an array";
	case json_type_string: return "a string";
	}
	return "?";
}

/* 1-based line and column of byte @off. */
static void line_col(const char *buf, size_t off, size_t *line, size_t *col)
{
	*line = 1;
	*col = 1;
	for (size_t i = 0; i < off; i++) {
		if (buf[i] == '\n') {
			(*line)++;
			*col = 1;
		} else {
			(*col)++;
		}
	}
}

/*
 * The string value of @key (its path in messages is @where). Strings with
 * a NUL byte (JSON's \u0000) are refused: nothing here may contain one.
 */
static int string_of(const struct file *f, const char *where, struct json_object *v,
		     const char **s, size_t *len)
{
	if (!json_object_is_type(v, json_type_string))
		return bad(f, "%s: expected a string, found %s%s", where, type_name(v),
			   json_object_is_type(v, json_type_int) ?
				   " (addresses and sizes are \"0x...\" strings: JSON numbers lose "
				   "64-bit precision)" : "");
	*s = json_object_get_string(v);
	*len = (size_t)json_object_get_string_len(v);
	if (strlen(*s) != *len)
		return bad(f, "%s: a NUL character in the string", where);
	return 0;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* "0x" and 1 to 16 hex digits, as check -J writes addresses. */
static int address_of(const struct file *f, const char *where, struct json_object *v,
		      uint64_t *out)
{
	const char *s;
	size_t len;
	char q[200];
	bool ok;
	int rc = string_of(f, where, v, &s, &len);

	if (rc < 0)
		return rc;
	ok = len >= 3 && len <= 18 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
	*out = 0;
	for (size_t i = 2; ok && i < len; i++) {
		int d = hex_digit(s[i]);

		ok = d >= 0;
		*out = *out << 4 | (uint64_t)(d & 0xf);
	}
	if (!ok)
		return bad(f, "%s: bad address %s: expected \"0x\" and 1 to 16 hex digits", where,
			   quote(q, sizeof(q), s, len));
	return 0;
}

static int size_of(const struct file *f, const char *where, struct json_object *v,
		   uint64_t *out)
{
	const char *s;
	size_t len;
	char q[200];
	int rc = string_of(f, where, v, &s, &len);

	if (rc < 0)
		return rc;
	if (guest_size_parse(s, len, out) < 0)
		return bad(f, "%s: bad size %s: expected bytes (\"0x...\" or decimal) or a number "
			   "with K, M, G or T, more than 0, below 2^64", where,
			   quote(q, sizeof(q), s, len));
	return 0;
}

static bool name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '.' || c == '_' || c == '-';
}

/* ranges[i]: {"name", "kind", "start", "last"}, as check -J prints ranges. */
static int read_range(const struct file *f, struct json_object *r, size_t i,
		      struct resv_guest_layout *l)
{
	struct json_object *kind = NULL, *start = NULL, *last = NULL, *name = NULL;
	char where[64], q[200];
	const char *s, *label = NULL;
	size_t len;
	uint64_t a, b;
	enum resv_guest_kind k;
	int rc;

	snprintf(where, sizeof(where), "ranges[%zu]", i);
	if (!json_object_is_type(r, json_type_object))
		return bad(f, "%s: expected an object {\"kind\", \"start\", \"last\"}, found %s",
			   where, type_name(r));
	json_object_object_foreach(r, key, val) {
		if (strcmp(key, "kind") == 0)
			kind = val;
		else if (strcmp(key, "start") == 0)
			start = val;
		else if (strcmp(key, "last") == 0)
			last = val;
		else if (strcmp(key, "name") == 0)
			name = val;
		else
			return bad(f, "%s: unknown key %s (name, kind, start, last)", where,
				   quote(q, sizeof(q), key, strlen(key)));
	}
	if (!kind || !start || !last)
		return bad(f, "%s: \"%s\" is missing", where, !kind ? "kind" : !start ? "start" : "last");
	snprintf(where, sizeof(where), "ranges[%zu].kind", i);
	if ((rc = string_of(f, where, kind, &s, &len)) < 0)
		return rc;
	if (strcmp(s, "ram") == 0)
		k = RESV_GUEST_RAM;
	else if (strcmp(s, "mmio") == 0)
		k = RESV_GUEST_MMIO;
	else
		return bad(f, "%s: %s is not \"ram\" or \"mmio\"", where, quote(q, sizeof(q), s, len));
	snprintf(where, sizeof(where), "ranges[%zu].start", i);
	if ((rc = address_of(f, where, start, &a)) < 0)
		return rc;
	snprintf(where, sizeof(where), "ranges[%zu].last", i);
	if ((rc = address_of(f, where, last, &b)) < 0)
		return rc;
	if (a > b)
		return bad(f, "ranges[%zu]: start 0x%" PRIx64 " is above last 0x%" PRIx64
			   " (last is the range's last byte)", i, a, b);
	if (name) {
		snprintf(where, sizeof(where), "ranges[%zu].name", i);
		if ((rc = string_of(f, where, name, &label, &len)) < 0)
			return rc;
		for (size_t c = 0; c < len; c++)
			if (!name_char(label[c]))
				len = 0;
		if (!len || len > NAME_MAX_LEN)
			return bad(f, "%s: %s is not a name: 1 to %d of A-Z a-z 0-9 . _ -", where,
				   quote(q, sizeof(q), label, strlen(label)), NAME_MAX_LEN);
	}
	return resv_guest_layout_add(l, a, b, k, label) < 0 ? -ENOMEM : 0;
}

static int read_ranges(const struct file *f, struct json_object *v,
		       struct resv_guest_layout **out)
{
	struct resv_guest_layout *l;
	size_t n, x, y;
	int rc;

	if (!json_object_is_type(v, json_type_array))
		return bad(f, "ranges: expected an array of {\"kind\", \"start\", \"last\"}, found %s",
			   type_name(v));
	n = json_object_array_length(v);
	if (!n)
		return bad(f, "ranges: empty: a guest has some RAM");
	if (resv_guest_layout_new(&l) < 0)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		rc = read_range(f, json_object_array_get_idx(v, i), i, l);
		if (rc < 0)
			goto fail;
	}
	rc = resv_guest_layout_overlap(l, &x, &y);
	if (rc > 0)
		rc = bad(f, "ranges[%zu] 0x%" PRIx64 "-0x%" PRIx64 " and ranges[%zu] 0x%" PRIx64
			 "-0x%" PRIx64 " overlap", x, l->ranges[x].start, l->ranges[x].last, y,
			 l->ranges[y].start, l->ranges[y].last);
	if (rc < 0)
		goto fail;
	*out = l;
	return 0;
fail:
	resv_guest_layout_free(l);
	return rc;
}

/* {"vmm", "ram_size", "max_ram_below_4g", "amd"}: --guest VMM:SIZE,... */
static int read_preset(const struct file *f, struct json_object *vmm, struct json_object *size,
		       struct json_object *below, struct json_object *amd,
		       struct resv_guest_config *cfg, bool *amd_set)
{
	const char *s;
	size_t len;
	char q[200];
	int rc;

	if (!vmm || !size)
		return bad(f, "a preset needs \"vmm\" and \"ram_size\"; \"%s\" is missing",
			   vmm ? "ram_size" : "vmm");
	if ((rc = string_of(f, "vmm", vmm, &s, &len)) < 0)
		return rc;
	if (resv_guest_vmm_parse(s, len, &cfg->vmm) < 0)
		return bad(f, "vmm: unknown %s (q35, pc, virt, cloud-hypervisor, firecracker)",
			   quote(q, sizeof(q), s, len));
	if ((rc = size_of(f, "ram_size", size, &cfg->ram_size)) < 0)
		return rc;
	if ((below || amd) && cfg->vmm != RESV_GUEST_Q35 && cfg->vmm != RESV_GUEST_PC)
		return bad(f, "\"%s\" applies to q35 and pc only", below ? "max_ram_below_4g" : "amd");
	if (below && (rc = size_of(f, "max_ram_below_4g", below, &cfg->max_ram_below_4g)) < 0)
		return rc;
	if (amd) {
		if (!json_object_is_type(amd, json_type_boolean))
			return bad(f, "amd: expected true or false, found %s", type_name(amd));
		cfg->amd = json_object_get_boolean(amd);
		*amd_set = true;
	}
	return 0;
}

/* The file's text as one JSON value, whitespace around it. */
static int parse_text(const struct file *f, const char *buf, size_t len,
		      struct json_object **out)
{
	struct json_tokener *tok;
	struct json_object *obj;
	enum json_tokener_error err;
	size_t end, line, col;
	char q[16];
	const char *nul = memchr(buf, '\0', len);

	/* JSON text has no NUL byte, and json-c would stop at one. */
	if (nul) {
		line_col(buf, (size_t)(nul - buf), &line, &col);
		return bad(f, "%zu:%zu: a NUL byte", line, col);
	}
	tok = json_tokener_new_ex(JSON_TOKENER_DEFAULT_DEPTH);
	if (!tok)
		return -ENOMEM;
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	/* The terminating NUL tells json-c the input ends here. */
	obj = json_tokener_parse_ex(tok, buf, (int)len + 1);
	err = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	if (end > len)
		end = len;
	line_col(buf, end, &line, &col);
	if (!obj || err != json_tokener_success) {
		json_object_put(obj);
		if (strspn(buf, " \t\r\n") == len)
			return bad(f, "empty: expected a JSON object");
		if (end == len)
			return bad(f, "%zu:%zu: JSON syntax: %s at the end", line, col,
				   json_tokener_error_desc(err));
		return bad(f, "%zu:%zu: JSON syntax: %s at %s", line, col,
			   json_tokener_error_desc(err), quote(q, sizeof(q), buf + end, 1));
	}
	*out = obj;
	return 0;
}

int guest_file_read(const char *path, struct resv_guest_config *cfg, bool *preset,
		    bool *amd_set, struct resv_guest_layout **layout)
{
	const char *name = strcmp(path, "-") == 0 ? "<stdin>" : path;
	char *raw;
	size_t len;
	int rc = read_file(path, &raw, &len);

	if (rc == -ENOMEM)
		return rc;
	if (rc < 0) {
		warnx_("check: cannot read guest layout %s: %s", name, strerror(-rc));
		return -EINVAL;
	}
	rc = guest_file_parse(name, raw, len, cfg, preset, amd_set, layout);
	free(raw);
	return rc;
}

int guest_file_parse(const char *name, const char *text, size_t len,
		     struct resv_guest_config *cfg, bool *preset, bool *amd_set,
		     struct resv_guest_layout **layout)
{
	const struct file f = { name };
	struct json_object *root = NULL, *vmm = NULL, *size = NULL, *below = NULL, *amd = NULL,
			   *ranges = NULL;
	char *buf, q[200];
	int rc;

	if (len > LAYOUT_FILE_MAX)
		return bad(&f, "%zu bytes: a layout file is at most %u", len, LAYOUT_FILE_MAX);
	/* json-c reads a C string; a NUL inside is found by parse_text(). */
	buf = malloc(len + 1);
	if (!buf)
		return -ENOMEM;
	memcpy(buf, text, len);
	buf[len] = '\0';
	rc = parse_text(&f, buf, len, &root);
	free(buf);
	if (rc < 0)
		return rc;
	if (!json_object_is_type(root, json_type_object)) {
		rc = bad(&f, "expected an object ({\"vmm\", \"ram_size\"} or {\"ranges\"}), found %s",
			 type_name(root));
		goto out;
	}
	/* json-c keeps the last of repeated keys, as RFC 8259 lets it. */
	json_object_object_foreach(root, key, val) {
		if (strcmp(key, "vmm") == 0)
			vmm = val;
		else if (strcmp(key, "ram_size") == 0)
			size = val;
		else if (strcmp(key, "max_ram_below_4g") == 0)
			below = val;
		else if (strcmp(key, "amd") == 0)
			amd = val;
		else if (strcmp(key, "ranges") == 0)
			ranges = val;
		else {
			rc = bad(&f, "unknown key %s (vmm, ram_size, max_ram_below_4g, amd; or ranges)",
				 quote(q, sizeof(q), key, strlen(key)));
			goto out;
		}
	}
	if (ranges && (vmm || size || below || amd)) {
		rc = bad(&f, "\"ranges\" and \"%s\" exclude each other: a preset or explicit ranges",
			 vmm ? "vmm" : size ? "ram_size" : below ? "max_ram_below_4g" : "amd");
	} else if (ranges) {
		*preset = false;
		rc = read_ranges(&f, ranges, layout);
	} else if (vmm || size || below || amd) {
		*preset = true;
		rc = read_preset(&f, vmm, size, below, amd, cfg, amd_set);
	} else {
		rc = bad(&f, "empty object: expected {\"vmm\", \"ram_size\"} or {\"ranges\"}");
	}
out:
	json_object_put(root);
	return rc;
}
