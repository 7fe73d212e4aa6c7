/* SPDX-License-Identifier: MIT */
/* Test helpers for the shared firmware corpus (../shared/corpus). */
#ifndef RESV_TEST_CORPUS_H
#define RESV_TEST_CORPUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <iommu-resv.h>

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

/* A parser under test: parse and free; return the parser's result. */
typedef int (*table_parse_fn)(const void *buf, size_t len, struct resv_diags *diags,
			      const char *where);

/*
 * Parse @buf cut at every length from 0 to @len: each must parse (0) or be
 * refused (-EBADMSG), and every cut short of the whole must be diagnosed.
 * Return: the number of parses.
 */
size_t damage_cuts(table_parse_fn parse, const uint8_t *buf, size_t len, const char *path);

/*
 * Set the 16-bit length field at @at to each of @bad in turn: each copy must
 * still parse and give an error diagnostic. Return: the number of parses.
 */
size_t damage_length(table_parse_fn parse, const uint8_t *buf, size_t len, const char *path,
		     size_t at, const uint16_t bad[4]);

/*
 * damage_cuts(), then damage_length() with lengths 0, 1, 3 (below the
 * header) and 0xffff on each back-to-back subtable from offset @first, its
 * 16-bit length at +2 (DMAR, IVRS). Return: the number of parses.
 */
size_t damage_subtables(table_parse_fn parse, const uint8_t *buf, size_t len, const char *path,
			size_t first);

/*
 * Table @sig of corpus directory @dir (@dir/SIG.dat) in *@buf, *@len, and
 * iasl's disassembly beside it (@dir/SIG.dsl) in *@dsl; @path gets the
 * table's path. A table without its .dsl fails the test. free() both.
 * Return: false when the directory has no such table.
 */
bool corpus_table(const char *dir, const char *sig, char *path, size_t path_size, char **buf,
		  size_t *len, char **dsl);

/* Little-endian stores, for tables built by hand. */
void put16(uint8_t *p, uint16_t v);
void put32(uint8_t *p, uint32_t v);
void put64(uint8_t *p, uint64_t v);

#endif
