// SPDX-License-Identifier: MIT
/*
 * ACPI system description table headers (ACPI 6.5 §5.2.6) and the one
 * subtable walker DMAR, IVRS and IORT share. Firmware is untrusted: every
 * length is checked before it is used.
 */
#include <stdio.h>
#include <string.h>

#include "acpi.h"

static void copy_name(char *dst, const uint8_t *src, size_t n)
{
	memcpy(dst, src, n);
	dst[n] = '\0';
}

void acpi_signature_text(const void *sig, char out[ACPI_SIGNATURE_TEXT])
{
	for (size_t k = 0; k < 4; k++) {
		uint8_t c = ((const uint8_t *)sig)[k];

		if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')
			*out++ = (char)c;
		else
			out += sprintf(out, "\\x%02x", c);
	}
	*out = '\0';
}

int acpi_header_parse(const void *buf, size_t len, struct acpi_header *h,
		      struct cursor *body, struct resv_diags *diags, const char *where)
{
	struct cursor c = cursor_make(buf, len, 0);
	const uint8_t *p;
	size_t bound;
	uint8_t sum = 0;
	int rc;

	memset(h, 0, sizeof(*h));
	if (len < ACPI_HEADER_LEN) {
		rc = diags_add(diags, "ACPI_HEADER_TRUNCATED", RESV_SEV_ERROR, where, 0, -1,
			       "%zu bytes, fewer than the 36 of an ACPI table header", len);
		return rc < 0 ? rc : -EBADMSG;
	}
	/* 36 bytes are there: the reads below cannot fail. */
	cur_bytes(&c, 4, &p);
	copy_name(h->signature, p, 4);
	cur_u32(&c, &h->length);
	cur_u8(&c, &h->revision);
	cur_u8(&c, &h->checksum);
	cur_bytes(&c, 6, &p);
	copy_name(h->oem_id, p, 6);
	cur_bytes(&c, 8, &p);
	copy_name(h->oem_table_id, p, 8);
	cur_u32(&c, &h->oem_revision);
	cur_bytes(&c, 4, &p);
	copy_name(h->creator_id, p, 4);
	cur_u32(&c, &h->creator_revision);

	if (h->length < ACPI_HEADER_LEN) {
		rc = diags_add(diags, "ACPI_BAD_LENGTH", RESV_SEV_ERROR, where, 4, -1,
			       "header length %u is below the header's own 36 bytes", h->length);
		return rc < 0 ? rc : -EBADMSG;
	}
	bound = h->length;
	if (h->length > len) {
		bound = len;
		rc = diags_add(diags, "ACPI_TABLE_TRUNCATED", RESV_SEV_ERROR, where, 4, -1,
			       "header length %u but only %zu bytes present; reading those",
			       h->length, len);
		if (rc < 0)
			return rc;
	} else if (h->length < len) {
		rc = diags_add(diags, "ACPI_TRAILING_BYTES", RESV_SEV_WARNING, where, h->length, -1,
			       "%zu bytes after the table's length %u are ignored",
			       len - h->length, h->length);
		if (rc < 0)
			return rc;
	}
	/* The bytes of the whole table sum to zero (§5.2.6); a bad sum is kept. */
	for (size_t i = 0; i < bound; i++)
		sum = (uint8_t)(sum + ((const uint8_t *)buf)[i]);
	h->checksum_valid = sum == 0 && bound == h->length;
	if (sum != 0 && bound == h->length) {
		rc = diags_add(diags, "ACPI_BAD_CHECKSUM", RESV_SEV_WARNING, where, 9, -1,
			       "checksum 0x%02x makes the bytes sum to 0x%02x, not 0",
			       h->checksum, sum);
		if (rc < 0)
			return rc;
	}
	*body = cursor_make((const uint8_t *)buf + ACPI_HEADER_LEN, bound - ACPI_HEADER_LEN,
			    ACPI_HEADER_LEN);
	return 0;
}

int acpi_walk_subtables(struct cursor *c, const struct subtable_layout *layout,
			subtable_fn fn, void *ctx, struct resv_diags *diags,
			const char *where)
{
	int count = 0, rc;

	while (cur_left(c) > 0) {
		struct cursor entry;
		size_t at = cur_pos(c);
		uint64_t type = 0, length = 0;

		if (cur_left(c) < layout->header_len) {
			rc = diags_add(diags, "ACPI_SUBTABLE_TRUNCATED", RESV_SEV_ERROR, where, at, -1,
				       "%s subtable at offset 0x%zx: %zu bytes left, its header needs %u",
				       layout->table, at, cur_left(c), layout->header_len);
			return rc < 0 ? rc : count;
		}
		/* The header fits (header_len covers type and length): these cannot fail. */
		cur_peek(c, 0, layout->type_size, &type);
		cur_peek(c, layout->length_off, 2, &length);
		if (length < layout->header_len) {
			rc = diags_add(diags, "ACPI_SUBTABLE_BAD_LENGTH", RESV_SEV_ERROR, where, at, -1,
				       "%s subtable type %u at offset 0x%zx: length %u is below its %u-byte header; walk stopped",
				       layout->table, (unsigned int)type, at, (unsigned int)length,
				       layout->header_len);
			return rc < 0 ? rc : count;
		}
		if (cur_sub(c, length, &entry) < 0) {
			rc = diags_add(diags, "ACPI_SUBTABLE_PAST_END", RESV_SEV_ERROR, where, at, -1,
				       "%s subtable type %u at offset 0x%zx: length %u runs %zu bytes past the table's end; walk stopped",
				       layout->table, (unsigned int)type, at, (unsigned int)length,
				       (size_t)length - cur_left(c));
			return rc < 0 ? rc : count;
		}
		count++;
		rc = fn(ctx, (unsigned int)type, &entry);
		if (rc < 0)
			return rc;
	}
	return count;
}
