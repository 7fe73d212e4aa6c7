// SPDX-License-Identifier: MIT
/*
 * MADT parsing (ACPI 6.5 §5.2.12; offsets as ACPICA actbl2.h): the GIC
 * distributor's version (byte 20 of entry type 12), GIC ITS IDs (u32 at 4
 * of type 15), GICv2m MSI frames (type 13), I/O APIC IDs (byte 2 of type
 * 1). Everything else is skipped by its length.
 */
#include <stdlib.h>
#include <string.h>

#include "madt.h"

#define MADT_FIXED 8		/* local interrupt controller address, flags */
#define MADT_MAX_ENTRIES 65536	/* an entry is >= 2 bytes of a <= 4 GiB table */

void madt_free(struct madt *madt)
{
	if (!madt)
		return;
	free(madt->its_ids);
	free(madt->ioapic_ids);
	free(madt);
}

bool madt_has_its(const struct madt *madt, uint32_t its_id)
{
	for (size_t i = 0; madt && i < madt->nits; i++)
		if (madt->its_ids[i] == its_id)
			return true;
	return false;
}

static int grow(void **arr, size_t n, size_t size)
{
	void *p = realloc(*arr, (n + 1) * size);

	if (!p)
		return -ENOMEM;
	*arr = p;
	return 0;
}

int madt_parse(struct madt **out, const void *buf, size_t len, struct resv_diags *diags,
	       const char *where)
{
	struct madt *madt = calloc(1, sizeof(*madt));
	struct cursor body;
	int rc;

	*out = NULL;
	if (!madt)
		return -ENOMEM;
	rc = acpi_header_parse(buf, len, &madt->header, &body, diags, where);
	if (rc == 0 && strcmp(madt->header.signature, "APIC") != 0)
		rc = -EBADMSG;
	if (rc < 0)
		goto fail;
	if (cur_skip(&body, MADT_FIXED) < 0) {
		rc = diags_add(diags, "MADT_BAD_ENTRY", RESV_SEV_ERROR, where, cur_pos(&body), -1,
			       "MADT ends at 0x%zx, before its 8 fixed bytes", cur_pos(&body));
		if (rc < 0)
			goto fail;
		*out = madt;
		return 0;
	}
	for (size_t k = 0; cur_left(&body) && k < MADT_MAX_ENTRIES; k++) {
		size_t at = cur_pos(&body);
		uint64_t type = 0, length = 0, v;
		struct cursor e;

		if (cur_peek(&body, 0, 1, &type) < 0 || cur_peek(&body, 1, 1, &length) < 0 ||
		    length < 2 || cur_sub(&body, length, &e) < 0) {
			rc = diags_add(diags, "MADT_BAD_ENTRY", RESV_SEV_ERROR, where, at, -1,
				       "MADT entry at 0x%zx: length %s; the walk stops here", at,
				       cur_left(&body) < 2 ? "field cut off" :
				       length < 2 ? "below 2" : "past the end of the table");
			if (rc < 0)
				goto fail;
			break;
		}
		switch (type) {
		case MADT_IO_APIC:
			if (cur_peek(&e, 2, 1, &v) < 0)
				break;
			rc = grow((void **)&madt->ioapic_ids, madt->nioapics, 1);
			if (rc < 0)
				goto fail;
			madt->ioapic_ids[madt->nioapics++] = (uint8_t)v;
			break;
		case MADT_GIC_DISTRIBUTOR:
			if (cur_peek(&e, 20, 1, &v) == 0)
				madt->gic_version = (uint8_t)v;
			break;
		case MADT_GIC_MSI_FRAME:
			madt->nmsi_frames++;
			break;
		case MADT_GIC_ITS:
			if (cur_peek(&e, 4, 4, &v) < 0)
				break;
			rc = grow((void **)&madt->its_ids, madt->nits, sizeof(uint32_t));
			if (rc < 0)
				goto fail;
			madt->its_ids[madt->nits++] = (uint32_t)v;
			break;
		}
	}
	*out = madt;
	return 0;
fail:
	madt_free(madt);
	return rc < 0 ? rc : -EBADMSG;
}
