// SPDX-License-Identifier: MIT
/*
 * Assumptions (resv_machine_assume): what the kernel learns at run time and
 * no table holds. Never silent: each one a prediction rests on is shown with
 * its value, why, and what every other value would change; --compare names
 * one as the cause of a difference that the other value removes.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* "KEY=VALUE" of --assume, onto @m. Return: 0, or EXIT_FAIL after saying why. */
int apply_assumptions(struct resv_machine *m, const struct opts *o)
{
	for (int i = 0; i < o->nassume; i++) {
		const char *a = o->assume[i], *eq = strchr(a, '=');
		char key[64];

		if (eq && (size_t)(eq - a) < sizeof(key)) {
			memcpy(key, a, (size_t)(eq - a));
			key[eq - a] = '\0';
			if (resv_machine_assume(m, key, eq + 1) == 0 && eq[1])
				continue;
		}
		warnx_("bad --assume '%s': expected KEY=VALUE, one of:", a);
		for (const char *const *k = resv_assumption_keys(); *k; k++) {
			const char *const *v = resv_assumption_values(*k);
			char line[256];
			size_t n = (size_t)snprintf(line, sizeof(line), "  %s=", *k);

			for (; *v && n < sizeof(line); v++)
				n += (size_t)snprintf(line + n, sizeof(line) - n, "%s%s", *v,
						      v[1] ? "|" : "");
			fprintf(stderr, "%s\n", line);
		}
		return EXIT_FAIL;
	}
	return 0;
}

/* The kernel's reserved_regions text of @g's devices, under @m's assumptions. */
int predict_group_text(const struct resv_machine *m, const struct opts *o,
		       const struct agroup *g, char **text, size_t *len)
{
	struct resv_list *l = NULL, *kview = NULL;
	int rc = resv_list_new(&l);

	for (size_t i = 0; rc >= 0 && i < g->ndevices; i++) {
		rc = resv_machine_predict(m, g->devices[i].name,
					  o->no_floppy_wa ? RESV_PREDICT_NO_FLOPPY_WA : 0, l);
		rc = rc == -ENOMEM ? rc : 0;
	}
	if (rc >= 0)
		rc = resv_list_kernel_view(&kview, l, NULL);
	if (rc >= 0)
		rc = resv_format_sysfs(kview, text, len);
	resv_list_free(kview);
	resv_list_free(l);
	return rc;
}

/* Does an assumption matter for a device of @g? */
static int group_matters(const struct resv_machine *m, const char *key, const struct agroup *g)
{
	for (size_t i = 0; i < g->ndevices; i++) {
		int rc = resv_machine_assumption_matters(m, g->devices[i].name, key);

		if (rc != 0 && rc != -ENOENT)
			return rc;
	}
	return 0;
}

/* Lines of @a missing from @b, each "prefix line" to @f or as JSON strings. */
static void line_diff(const char *a, const char *b, const char *prefix, FILE *f,
		      struct json *j)
{
	for (const char *p = a; *p;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		bool found = false;

		for (const char *q = b; *q && !found;) {
			const char *qnl = strchr(q, '\n');
			size_t qn = qnl ? (size_t)(qnl - q) : strlen(q);

			found = qn == n && memcmp(p, q, n) == 0;
			q += qn + (qnl != NULL);
		}
		if (!found) {
			char *line = strndup(p, n);

			if (line && j)
				json_str(j, line);
			else if (line)
				fprintf(f, "%s%s\n", prefix, esc(line));
			free(line);
		}
		p += n + (nl != NULL);
	}
}

static void group_label(char *buf, size_t size, const struct agroup *g)
{
	size_t n = g->id >= 0 ? (size_t)snprintf(buf, size, "group %ld (", g->id) :
				(size_t)snprintf(buf, size, "the device's group (");

	for (size_t i = 0; i < g->ndevices && n < size; i++)
		n += (size_t)snprintf(buf + n, size - n, "%s%s", i ? " " : "",
				      esc(g->devices[i].name));
	if (n < size)
		snprintf(buf + n, size - n, ")");
}

int report_assumptions(struct resv_machine *m, const struct opts *o, const struct agroup *v,
		       size_t n, struct json *j)
{
	bool opened = false;
	int rc = 0;

	for (const char *const *k = resv_assumption_keys(); *k && rc >= 0; k++) {
		const char *why, *value = resv_machine_assumption(m, *k, &why);
		char *value_copy = strdup(value);
		char **base = calloc(n ? n : 1, sizeof(*base));
		bool *matters = calloc(n ? n : 1, sizeof(*matters));
		bool any = false;

		if (!value_copy || !base || !matters) {
			rc = -ENOMEM;
			goto next;
		}
		for (size_t i = 0; i < n && rc >= 0; i++) {
			size_t len;

			rc = group_matters(m, *k, &v[i]);
			matters[i] = rc > 0;
			any |= rc > 0;
			if (rc > 0)
				rc = predict_group_text(m, o, &v[i], &base[i], &len);
		}
		if (rc < 0 || !any)
			goto next;
		if (j) {
			if (!opened) {
				json_key(j, "assumptions");
				json_open(j, NULL, '[');
				opened = true;
			}
			json_open(j, NULL, '{');
			json_key(j, "key");
			json_str(j, *k);
			json_key(j, "value");
			json_str(j, value_copy);
			json_key(j, "given");
			json_bool(j, strcmp(why, "given") == 0);
			json_key(j, "why");
			json_str(j, why);
			json_key(j, "otherwise");
			json_open(j, NULL, '[');
		} else {
			fprintf(stderr, PROG ": note: assumed %s=%s (%s; --assume %s=VALUE to "
				"change it) [ASSUMPTION]\n", *k, value_copy, why, *k);
		}
		for (const char *const *alt = resv_assumption_values(*k); *alt && rc >= 0; alt++) {
			bool changed = false;

			if (strcmp(*alt, value_copy) == 0)
				continue;
			resv_machine_assume(m, *k, *alt);
			if (j) {
				json_open(j, NULL, '{');
				json_key(j, "value");
				json_str(j, *alt);
				json_key(j, "groups");
				json_open(j, NULL, '[');
			}
			for (size_t i = 0; i < n && rc >= 0; i++) {
				char *text = NULL, label[256];
				size_t len;

				if (!matters[i])
					continue;
				rc = predict_group_text(m, o, &v[i], &text, &len);
				if (rc < 0 || strcmp(text, base[i]) == 0) {
					free(text);
					continue;
				}
				changed = true;
				if (j) {
					json_open(j, NULL, '{');
					json_key(j, "group");
					if (v[i].id >= 0)
						json_u64(j, (uint64_t)v[i].id);
					else
						json_raw(j, "null");
					json_key(j, "devices");
					json_open(j, NULL, '[');
					for (size_t d = 0; d < v[i].ndevices; d++)
						json_str(j, v[i].devices[d].name);
					json_close(j, ']');
					json_key(j, "lost");
					json_open(j, NULL, '[');
					line_diff(base[i], text, NULL, NULL, j);
					json_close(j, ']');
					json_key(j, "gained");
					json_open(j, NULL, '[');
					line_diff(text, base[i], NULL, NULL, j);
					json_close(j, ']');
					json_close(j, '}');
				} else {
					group_label(label, sizeof(label), &v[i]);
					fprintf(stderr, PROG ": note: under %s=%s, %s would be:\n", *k,
						*alt, label);
					line_diff(base[i], text, "    - ", stderr, NULL);
					line_diff(text, base[i], "    + ", stderr, NULL);
				}
				free(text);
			}
			if (j) {
				json_close(j, ']');
				json_close(j, '}');
			} else if (!changed) {
				fprintf(stderr, PROG ": note: under %s=%s nothing shown changes\n", *k,
					*alt);
			}
		}
		resv_machine_assume(m, *k, strcmp(why, "given") == 0 ? value_copy : "");
		if (j) {
			json_close(j, ']');
			json_close(j, '}');
		}
next:
		for (size_t i = 0; base && i < n; i++)
			free(base[i]);
		free(base);
		free(matters);
		free(value_copy);
	}
	if (opened)
		json_close(j, ']');
	return rc < 0 ? rc : 0;
}

int assumption_cause(struct resv_machine *m, const struct opts *o, const struct agroup *g,
		     const char *want, size_t wlen, struct cause *out)
{
	int rc = 0;

	*out = (struct cause){ 0 };
	for (const char *const *k = resv_assumption_keys(); *k && rc >= 0 && !out->key; k++) {
		const char *why, *value = resv_machine_assumption(m, *k, &why);
		bool given = strcmp(why, "given") == 0;

		rc = group_matters(m, *k, g);
		if (rc <= 0)
			continue;
		for (const char *const *alt = resv_assumption_values(*k); *alt && !out->key; alt++) {
			char *text = NULL;
			size_t len;

			if (strcmp(*alt, value) == 0)
				continue;
			resv_machine_assume(m, *k, *alt);
			rc = predict_group_text(m, o, g, &text, &len);
			if (rc >= 0 && len == wlen && memcmp(text, want, len) == 0)
				*out = (struct cause){ *k, value, *alt };
			free(text);
			/* value is static in the library: restoring cannot lose it. */
			resv_machine_assume(m, *k, given ? value : "");
			if (rc < 0)
				break;
		}
	}
	return rc < 0 ? rc : out->key != NULL;
}
