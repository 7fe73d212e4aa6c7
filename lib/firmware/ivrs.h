/* SPDX-License-Identifier: MIT */
/*
 * The I/O Virtualization Reporting Structure (AMD IOMMU spec 48882 rev
 * 3.x §5.2; ACPICA actbl2.h ACPI_IVRS_*), validated once into this model.
 * Internal until the public table API is settled (issue 3).
 */
#ifndef RESV_IVRS_H
#define RESV_IVRS_H

#include "acpi.h"

enum {
	IVRS_IVHD_10 = 0x10, IVRS_IVHD_11 = 0x11, IVRS_IVHD_40 = 0x40,
	IVRS_IVMD_ALL = 0x20, IVRS_IVMD_ONE = 0x21, IVRS_IVMD_RANGE = 0x22,
};

/* IVMD flags (§5.2.2.3). */
#define IVMD_UNITY	(1u << 0)
#define IVMD_IR		(1u << 1)
#define IVMD_IW		(1u << 2)
#define IVMD_EXCL	(1u << 3)

/* Device entry kinds (§5.2.2.2). */
enum {
	IVHD_DEV_PAD = 0x00, IVHD_DEV_ALL = 0x01, IVHD_DEV_SELECT = 0x02,
	IVHD_DEV_RANGE_START = 0x03, IVHD_DEV_RANGE_END = 0x04,
	IVHD_DEV_ALIAS_SELECT = 0x42, IVHD_DEV_ALIAS_RANGE = 0x43,
	IVHD_DEV_EXT_SELECT = 0x46, IVHD_DEV_EXT_RANGE = 0x47,
	IVHD_DEV_SPECIAL = 0x48, IVHD_DEV_ACPI_HID = 0xf0,
};

struct ivrs_device_entry {
	size_t offset;
	uint8_t type;
	uint16_t devid;
	uint8_t data;		/* DTE setting */
	uint16_t source_devid;	/* alias: the alias; special: the source */
	uint32_t ext_data;	/* extended entries */
	uint8_t handle;		/* special: IOAPIC id / HPET number */
	uint8_t variety;	/* special: 1 IOAPIC, 2 HPET */
	char hid[9], cid[9];	/* ACPI HID entries, raw bytes */
	uint8_t uid_format;
	uint8_t uid_length;
	uint8_t *uid;		/* uid_length bytes */
};

struct ivrs_block {
	uint8_t type;
	uint8_t flags;
	uint16_t length;
	size_t offset;
	unsigned int index;	/* 0-based among blocks of its kind (IVHD / IVMD) */
	uint16_t devid;		/* IVHD: the IOMMU; IVMD 0x21/0x22: first device */
	/* IVHD */
	uint16_t capability_offset;
	uint64_t base;
	uint16_t segment;
	uint16_t iommu_info;
	uint32_t attributes;	/* 0x10: feature reporting; 0x11/0x40: attributes */
	uint64_t efr;		/* 0x11/0x40: EFR register image */
	uint64_t efr2;		/* 0x11/0x40: EFR2 image (reserved before rev 3.07) */
	size_t nentries;
	struct ivrs_device_entry *entries;
	/* IVMD */
	uint16_t aux;		/* 0x22: last device of the range */
	uint16_t ivmd_segment;	/* PCI segment (offset 8, reserved before IVRS rev 2) */
	uint64_t start;
	uint64_t mem_length;
};

/* Every subtable header walked, known type or not (amd/init.c walks them all). */
struct ivrs_head {
	size_t offset;
	uint8_t type;
	uint16_t length;
	uint16_t devid;		/* bytes 4-5; 0 when the subtable is shorter */
};

struct ivrs {
	struct acpi_header header;
	uint32_t ivinfo;
	size_t nblocks;
	struct ivrs_block *blocks;	/* in table order */
	size_t nheads;
	struct ivrs_head *heads;	/* in table order */
};

/*
 * Parse and check an IVRS table. Unknown block types are skipped by their
 * length; device entries are walked by the kernel's length rule
 * (amd/init.c ivhd_entry_length: types below 0x80 are 4 << (type >> 6)
 * bytes, ACPI HID entries 22 + UID length). Defects become diagnostics
 * (ids IVRS_*). Return: 0; -EBADMSG (no header, not "IVRS"); -ENOMEM.
 */
int ivrs_parse(struct ivrs **out, const void *buf, size_t len,
	       struct resv_diags *diags, const char *where);
void ivrs_free(struct ivrs *ivrs);

#endif
