/* SPDX-License-Identifier: MIT */
/* Test helpers for the shared firmware corpus (../shared/corpus). */
#ifndef RESV_TEST_CORPUS_H
#define RESV_TEST_CORPUS_H

#include <stddef.h>

#define CORPUS SRCDIR "/../shared/corpus"

/* A whole file, NUL-terminated; NULL when it cannot be read. free() it. */
char *slurp(const char *path, size_t *len);

/* The value of @field on an iasl line "[...]   Field Name : value", or NULL. */
const char *iasl_value(const char *line, const char *field);

/*
 * Call @fn for every machine directory CORPUS/<source>/<machine>.
 * Return: the number of directories, 0 when the corpus is absent.
 */
size_t corpus_foreach(void (*fn)(const char *dir, void *ctx), void *ctx);

#endif
