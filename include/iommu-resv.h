/* SPDX-License-Identifier: MIT */
/*
 * iommu-resv.h - IOMMU reserved memory regions: model, views, sysfs.
 *
 * Conventions, stated once for the whole API:
 *
 * - Ranges are closed: [start, last], both uint64_t. last == UINT64_MAX is
 *   legal and needs no special case. Lengths are converted once, at the edge.
 * - Fallible functions return int: >= 0 on success, a negative errno on
 *   failure. Each function lists the errors it returns.
 * - int resv_x_new(struct resv_x **out, ...): the caller owns *out and frees
 *   it with resv_x_free(), which accepts NULL. Pointers returned by getters
 *   are borrowed: valid until the object they came from is freed.
 * - On failure, outputs are left untouched and inputs are never modified. A
 *   call that adds to a list, diagnostics or a machine and fails leaves it as
 *   it was (tests/unit/test_alloc.c fails every allocation of every call).
 * - The library never prints and never exits.
 */
#ifndef IOMMU_RESV_H
#define IOMMU_RESV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* -------------------------------------------------------------------------- */
/* Types and protection bits                                                   */

/*
 * Region types, in the order of the kernel's enum iommu_resv_type since v5.3
 * (include/linux/iommu.h). The numeric value is the kernel's tie-break key
 * when two regions start at the same address.
 */
enum resv_type {
	RESV_TYPE_DIRECT = 0,		/* must stay identity-mapped */
	RESV_TYPE_DIRECT_RELAXABLE = 1,	/* identity-mapped, may be relaxed */
	RESV_TYPE_RESERVED = 2,		/* never map */
	RESV_TYPE_MSI = 3,		/* hardware MSI window */
	RESV_TYPE_SW_MSI = 4,		/* software-managed MSI window */
};
#define RESV_TYPE_COUNT 5

/* prot bits: the kernel's IOMMU_READ .. IOMMU_PRIV (include/linux/iommu.h). */
#define RESV_PROT_READ		(1u << 0)
#define RESV_PROT_WRITE		(1u << 1)
#define RESV_PROT_CACHE		(1u << 2)
#define RESV_PROT_NOEXEC	(1u << 3)
#define RESV_PROT_MMIO		(1u << 4)
#define RESV_PROT_PRIV		(1u << 5)
/*
 * Not known: a region read from reserved_regions text, which does not print
 * prot (iommu.c iommu_group_show_resv_regions). Alone, never with the bits
 * above; printers show it as unknown, not as "no access".
 */
#define RESV_PROT_UNKNOWN	(1u << 31)

/**
 * resv_type_name() - our name of a type: "direct", "direct-relaxable",
 * "reserved", "msi", "sw-msi". Return: a static string, or NULL when @type
 * is out of range.
 */
const char *resv_type_name(enum resv_type type);

/**
 * resv_type_sysfs_name() - the name the kernel prints in reserved_regions
 * (iommu.c iommu_group_resv_type_string): as resv_type_name(), except that
 * RESV_TYPE_SW_MSI prints "msi". Return: a static string, or NULL.
 */
const char *resv_type_sysfs_name(enum resv_type type);

/**
 * resv_type_parse() - a type from its name (the five names of
 * resv_type_name(); not NUL-terminated: @len bytes of @name).
 * Return: 0, or -EINVAL for an unknown name.
 */
int resv_type_parse(const char *name, size_t len, enum resv_type *out);

/** resv_type_is_relaxable() - true only for RESV_TYPE_DIRECT_RELAXABLE. */
bool resv_type_is_relaxable(enum resv_type type);

/* -------------------------------------------------------------------------- */
/* Ranges                                                                      */

struct resv_range {
	uint64_t start;
	uint64_t last;	/* inclusive */
};

/* A sorted list of disjoint ranges, owned by the library. */
struct resv_range_list {
	size_t count;
	struct resv_range *ranges;
};

/** resv_range_list_free() - free a range list; NULL is allowed. */
void resv_range_list_free(struct resv_range_list *list);

/**
 * resv_ranges_complement() - the complement of @n ranges within [low, high],
 * as QEMU's range_inverse_array() (util/range.c) computes it: the input may be
 * unsorted and overlapping; the output is sorted, disjoint, and touching
 * input ranges leave no hole between them.
 * Return: 0; -EINVAL if low > high or an input range has start > last;
 * -ENOMEM.
 */
int resv_ranges_complement(struct resv_range_list **out,
			   const struct resv_range *in, size_t n,
			   uint64_t low, uint64_t high);

/* -------------------------------------------------------------------------- */
/* Region lists                                                                */

/*
 * Provenance: where a region came from ("DMAR RMRR #2 @0x68",
 * "/sys/kernel/iommu_groups/7/reserved_regions", "<stdin>") and which
 * device it applies to (a PCI name like "0000:00:02.0", or NULL). A region
 * read from a file also has the line it was on, kept as a number so that
 * reading millions of lines formats none: it is shown as "origin:line".
 */
struct resv_source {
	const char *origin;
	const char *device;	/* may be NULL */
	uint64_t line;		/* 1-based line in origin, or 0 (not from a file) */
};

struct resv_region {
	uint64_t start;
	uint64_t last;		/* inclusive; see zero_length */
	enum resv_type type;
	uint32_t prot;		/* RESV_PROT_* */
	/*
	 * A zero-length region (resv_list_add_length() with length 0). The
	 * kernel keeps such regions and prints last = start - 1 (wrapping at
	 * 0); the kernel view reproduces that, the other views drop them.
	 */
	bool zero_length;
	size_t nsources;	/* contributors; >= 1 */
	const uint32_t *sources;	/* ids for resv_list_source() */
};

struct resv_list;

/** resv_list_new() - an empty region list. Return: 0 or -ENOMEM. */
int resv_list_new(struct resv_list **out);

/** resv_list_free() - free a list; NULL is allowed. */
void resv_list_free(struct resv_list *list);

/**
 * resv_list_add() - append a region [start, last]. @origin and @device are
 * copied (either may be NULL; a NULL origin is stored as "").
 * Return: 0; -EINVAL if start > last, @type is out of range or @prot has
 * bits beyond RESV_PROT_PRIV (other than RESV_PROT_UNKNOWN alone); -ENOMEM.
 */
int resv_list_add(struct resv_list *list, uint64_t start, uint64_t last,
		  enum resv_type type, uint32_t prot,
		  const char *origin, const char *device);

/**
 * resv_list_add_from() - append a region [start, last] whose provenance is
 * @src (its strings copied, its line kept): a region carried from one list
 * to another. Return: as resv_list_add(); -EINVAL if @src is NULL.
 */
int resv_list_add_from(struct resv_list *list, uint64_t start, uint64_t last,
		       enum resv_type type, uint32_t prot,
		       const struct resv_source *src);

/**
 * resv_list_add_length() - append a region given as (start, length), the
 * way firmware tables and the kernel describe regions. length == 0 makes a
 * zero-length region (see struct resv_region).
 * Return: 0; -EOVERFLOW if start + length - 1 wraps past UINT64_MAX;
 * -EINVAL as resv_list_add(); -ENOMEM.
 */
int resv_list_add_length(struct resv_list *list, uint64_t start,
			 uint64_t length, enum resv_type type, uint32_t prot,
			 const char *origin, const char *device);

/**
 * resv_list_append() - append every region of @src to @dst, keeping their
 * provenance: how a group's list is the union of its devices' lists.
 * Return: 0; -ENOMEM (then @dst is unchanged).
 */
int resv_list_append(struct resv_list *dst, const struct resv_list *src);

/** resv_list_count() - number of regions. */
size_t resv_list_count(const struct resv_list *list);

/** resv_list_region() - region @i (< count), borrowed; NULL if out of range. */
const struct resv_region *resv_list_region(const struct resv_list *list,
					   size_t i);

/** resv_list_source() - source @id of a region of @list; NULL if unknown. */
const struct resv_source *resv_list_source(const struct resv_list *list,
					   uint32_t id);

/* -------------------------------------------------------------------------- */
/* Views                                                                       */

/* Kernel behaviours the kernel view reproduced; see resv_list_kernel_view(). */
enum resv_kernel_quirk {
	/*
	 * A region ending at UINT64_MAX kept a later same-type region apart,
	 * because the kernel's "last + 1" wraps to 0 (iommu.c
	 * iommu_insert_resv_region); the output has overlapping same-type lines.
	 */
	RESV_QUIRK_TOP_WRAP = 1u << 0,
	/* A zero-length region printed as last = start - 1. */
	RESV_QUIRK_ZERO_LENGTH = 1u << 1,
};

/**
 * resv_list_kernel_view() - what /sys/kernel/iommu_groups/N/reserved_regions
 * shows for a group whose devices report the regions of @in, in order: the
 * result of the kernel's iommu_insert_resv_region() (v5.4+) applied to each
 * region in turn. Sorted by (start, type); regions of one type that overlap or
 * touch are merged, keeping the prot of the first in sort order (on an exact
 * (start, type) tie, the later-added region sorts first); regions of
 * different types are never merged. Merged regions keep every contributor's
 * sources, in the order the contributors were added. O(n log n). @quirks (may be NULL) receives the RESV_QUIRK_* the
 * output reproduces.
 * Return: 0 or -ENOMEM.
 */
int resv_list_kernel_view(struct resv_list **out, const struct resv_list *in,
			  unsigned int *quirks);

/**
 * resv_list_resolved_view() - the kernel view made canonical, with the rule
 * of the 2019 DIRECT_RELAXABLE thread applied: every part of a
 * direct-relaxable region that overlaps any non-relaxable region is removed
 * (the region is dropped, truncated or split). Same-type regions that overlap
 * or touch are always merged (no wrap quirk); zero-length regions are
 * dropped. A truncated piece keeps the sources of the relaxable regions it
 * overlaps. O(n log n).
 * Return: 0 or -ENOMEM.
 */
int resv_list_resolved_view(struct resv_list **out, const struct resv_list *in);

/* Flags of resv_list_usable(). */
#define RESV_USABLE_STRICT (1u << 0)	/* also exclude direct-relaxable */

/**
 * resv_list_usable() - IOVA space a VMM may map: @aperture minus the union of
 * every non-relaxable region (VFIO type1 vfio_iommu_resv_exclude, iommufd
 * iopt_table_enforce_dev_resv_regions skip direct-relaxable). With
 * RESV_USABLE_STRICT, direct-relaxable regions are excluded too. A
 * zero-length region at S > 0 excludes nothing but cuts the range holding S
 * in two, [a, S - 1] and [S, b], and one at 0 excludes everything, as VFIO
 * type1 computes them (so the result's ranges may touch). The result may be
 * empty: VFIO then refuses the attach. O(n log n).
 * Return: 0; -EINVAL if aperture.start > aperture.last or @flags is unknown;
 * -ENOMEM.
 */
int resv_list_usable(struct resv_range_list **out, const struct resv_list *in,
		     struct resv_range aperture, unsigned int flags);

/**
 * resv_list_overlay() - QEMU's resv_region_list_insert()
 * (util/reserved-region.c) applied to the regions of @in in order: a later
 * region wins over everything it overlaps, whatever the types; older regions
 * are trimmed, split or deleted; nothing is merged, so touching regions stay
 * apart. Each piece keeps the sources and prot of the region it came from.
 * Zero-length regions are ignored. O(n log n).
 * Return: 0 or -ENOMEM.
 */
int resv_list_overlay(struct resv_list **out, const struct resv_list *in);

/* -------------------------------------------------------------------------- */
/* Queries                                                                     */

enum resv_class {
	RESV_CLASS_ANY = 0,		/* every type */
	RESV_CLASS_NON_RELAXABLE = 1,	/* every type but direct-relaxable */
};

struct resv_index;

/**
 * resv_index_new() - an index answering "which region of @class first meets
 * [a, b]" over @list in O(log n). The index keeps no pointer into @list.
 * Zero-length regions are not indexed. Build cost O(n log n), O(n) when @list
 * is sorted by start (every view is).
 * Return: 0; -EINVAL for an unknown @class; -ENOMEM.
 */
int resv_index_new(struct resv_index **out, const struct resv_list *list,
		   enum resv_class class);

/** resv_index_free() - free an index; NULL is allowed. */
void resv_index_free(struct resv_index *index);

/**
 * resv_index_first() - the region of the index's class with the lowest
 * (start, type, position) that intersects [a, b]; its position in the list
 * the index was built from goes to *@pos.
 * Return: 0; -ENOENT when no region intersects; -EINVAL if a > b.
 */
int resv_index_first(const struct resv_index *index, uint64_t a, uint64_t b,
		     size_t *pos);

/* -------------------------------------------------------------------------- */
/* Text                                                                        */

/* Severity of a diagnostic. */
enum resv_severity {
	RESV_SEV_INFO = 0,
	RESV_SEV_WARNING = 1,
	RESV_SEV_ERROR = 2,
};

/*
 * A finding about the input: a stable id ("SYSFS_BAD_LINE"), a severity, the
 * file it concerns and a 1-based line (0 when none), the IOMMU group (-1 when
 * none) and one sentence. Findings about a firmware table (resv_machine) name
 * the table's signature ("DMAR") and the byte offset in it, with line 0;
 * other findings have table NULL and offset -1.
 */
struct resv_diag {
	const char *id;
	enum resv_severity severity;
	const char *where;
	uint64_t line;
	long group;
	const char *message;
	const char *table;
	int64_t offset;
};

/* A growing list of diagnostics. */
struct resv_diags;

/** resv_diags_new() - an empty list. Return: 0 or -ENOMEM. */
int resv_diags_new(struct resv_diags **out);
/** resv_diags_free() - NULL is allowed. */
void resv_diags_free(struct resv_diags *diags);
/** resv_diags_count() - number of diagnostics. */
size_t resv_diags_count(const struct resv_diags *diags);
/** resv_diags_get() - diagnostic @i, borrowed; NULL if out of range. */
const struct resv_diag *resv_diags_get(const struct resv_diags *diags,
				       size_t i);
/** resv_severity_name() - "info", "warning", "error"; "unknown" otherwise. */
const char *resv_severity_name(enum resv_severity severity);
/**
 * resv_escape() - @s made safe to print on a terminal or in a log line:
 * control characters (C0, DEL, and C1 written as UTF-8) and bytes that are
 * not part of well-formed UTF-8 become "\xNN", one per byte; everything
 * else, backslashes included, is copied. Writes at most @size bytes with
 * the NUL, never cutting an escape or a character in two.
 * Return: the length of the whole result, without the NUL (as snprintf).
 * Diagnostics are made of such text already; names and paths from files
 * (device names, sources) are not, and need this before printing.
 */
size_t resv_escape(char *out, size_t size, const char *s);

/** resv_diags_max_severity() - highest severity, or -1 when empty. */
int resv_diags_max_severity(const struct resv_diags *diags);

/**
 * resv_parse_sysfs() - parse the text of a reserved_regions file, strictly as
 * the kernel writes it: lines "0x%016llx 0x%016llx %s\n" with the types
 * direct, direct-relaxable, reserved, msi ("msi" is read as RESV_TYPE_MSI:
 * the kernel prints sw-msi the same way). Each good line is appended to
 * @list with origin @where, its line number and device @device; each bad
 * line (wrong field width or prefix, upper-case digit, unknown type, start >
 * last, missing newline, stray bytes, NUL) becomes an error diagnostic naming
 * @where and the line, and is skipped. Lines that are not in kernel order
 * give a warning. @diags may be NULL.
 * Return: the number of bad lines (>= 0), or -ENOMEM (then @list and @diags
 * are unchanged).
 */
int resv_parse_sysfs(struct resv_list *list, const char *buf, size_t len,
		     const char *where, const char *device,
		     struct resv_diags *diags);

/**
 * resv_parse_regions() - parse the region calculator's input: one region a
 * line, "START LAST TYPE", separated by blanks; numbers in hex (0x) or
 * decimal; TYPE one of the five names of resv_type_name(); '#' starts a
 * comment; blank lines are allowed. The kernel's reserved_regions text is
 * valid input. Bad lines become error diagnostics and are skipped; origins
 * are @where and the line number.
 * Return: the number of bad lines (>= 0), or -ENOMEM (then @list and @diags
 * are unchanged).
 */
int resv_parse_regions(struct resv_list *list, const char *buf, size_t len,
		       const char *where, struct resv_diags *diags);

/**
 * resv_format_sysfs() - @list as the kernel prints it, one line a region,
 * "0x%016llx 0x%016llx %s\n" with resv_type_sysfs_name(); a zero-length
 * region prints last = start - 1. *@out is NUL-terminated, *@len excludes
 * the NUL; free *@out with free().
 * Return: 0 or -ENOMEM.
 */
int resv_format_sysfs(const struct resv_list *list, char **out, size_t *len);

/* -------------------------------------------------------------------------- */
/* A system: IOMMU groups read from sysfs                                      */

struct resv_device {
	const char *name;	/* "0000:00:02.0" */
	bool pci;		/* class/vendor/device were read */
	uint32_t class;		/* 24-bit PCI class code, e.g. 0x030000 */
	uint16_t vendor;
	uint16_t device;
	/*
	 * The driver bound to the device: the last component of its sysfs
	 * "driver" link ("vfio-pci", "e1000e"); NULL when unbound or unknown.
	 * driver_known tells which: true when the root records bindings (it
	 * has sys/bus/pci/drivers, as every live sysfs and every snapshot
	 * resv_snapshot_write() makes) and the link could be read, so NULL
	 * means "no driver". PCI devices of a resv_system only; devices from
	 * config space (resv_machine_device()) have none.
	 */
	const char *driver;
	bool driver_known;
	/*
	 * Config space header type (byte 0x0e, bits 6:0): 0 normal, 1
	 * PCI-to-PCI bridge, 2 CardBus bridge; -1 when the config space could
	 * not be read.
	 */
	int header_type;
};

/*
 * An IOMMU driver: the one the firmware describes (the first of DMAR, IVRS,
 * IORT, VIOT found), or the one sysfs shows a group's devices behind.
 */
enum resv_iommu {
	RESV_IOMMU_NONE = 0,
	RESV_IOMMU_INTEL,	/* ACPI DMAR: VT-d */
	RESV_IOMMU_AMD,		/* ACPI IVRS: AMD-Vi */
	RESV_IOMMU_ARM,		/* ACPI IORT: SMMUv1/v2/v3 */
	RESV_IOMMU_VIRTIO,	/* ACPI VIOT: virtio-iommu */
};

/* resv_iommu_name() - "intel-vtd", "amd-vi", "arm-smmu", "virtio-iommu" or "none". */
const char *resv_iommu_name(enum resv_iommu iommu);

struct resv_group {
	long id;
	const char *type;	/* "DMA", "identity", ... or NULL (no file) */
	size_t ndevices;
	const struct resv_device *devices;	/* sorted by name */
	/*
	 * The regions of reserved_regions, as read (already the kernel view);
	 * NULL when the file could not be read (or was not asked for:
	 * resv_system_load_what()).
	 */
	const struct resv_list *regions;
	bool complete;		/* every file of the group read without error */
	/*
	 * The IOVA aperture [0, 2^MGAW - 1] when the group's devices sit behind
	 * Intel VT-d units whose cap register sysfs shows (VT-d spec 11.4.2,
	 * MGAW = cap bits 21:16, plus one; the smallest over the devices):
	 * what VFIO's domain geometry allows. aperture_source says which unit
	 * and width ("dmar1 MGAW 39"). Unknown (false) otherwise: AMD, Arm, or
	 * a snapshot without the files.
	 */
	bool aperture_known;
	struct resv_range aperture;
	const char *aperture_source;
	/*
	 * The IOMMU driver the group's PCI devices are behind, from the name
	 * of the unit each device's "iommu" link points to (the name the
	 * driver gave iommu_device_sysfs_add()): "dmarN" Intel (dmar.c
	 * alloc_iommu), "ivhdN" AMD (amd/init.c iommu_init_pci),
	 * "smmu3.0x..." and "smmu.0x..." Arm (arm-smmu-v3.c, arm-smmu.c
	 * probe), "virtioN" virtio-iommu (virtio-iommu.c viommu_probe).
	 * RESV_IOMMU_NONE and a NULL iommu_unit when no device has the link.
	 */
	enum resv_iommu iommu;
	const char *iommu_unit;
	/*
	 * AMD: the first field of the unit's amd-iommu/features ("%llx:%llx",
	 * the extended feature register as the driver keeps it).
	 */
	bool amd_efr_known;
	uint64_t amd_efr;
};

/**
 * resv_group_aperture() - the IOVA aperture VFIO's domain of group @g has on
 * kernel @kernel (major << 16 | minor << 8; 0 for the newest): Intel from
 * the unit's MGAW (aperture above); AMD from the v1 page table's reach,
 * [0, 2^64 - 1] before v6.17 (amd/iommu.c dma_max_address returned ~0ULL,
 * and the domain geometry ~0ULL before it), then 2^(12 + 9 * levels) - 1 with
 * levels = EFR[HATS] + 4 as early_amd_iommu_init() reads it (v6.17, "Add
 * efr[HATS] max v1 page table level"; the generic page table conversion of late 2025
 * keeps min(64, (levels - 1) * 9 + 21) bits). The EFR early_amd_iommu_init()
 * reads is the IVHD's (type 11h/40h); with a type 10h IVHD it is still 0,
 * so 4 levels: 48 bits, the width taken here (sysfs shows the register read
 * later). *@source is one static sentence or @g's aperture_source.
 * Return: 1 with *@out and *@source set; 0 when unknown (Arm, virtio, no
 * link in sysfs).
 */
int resv_group_aperture(const struct resv_group *g, unsigned int kernel,
			struct resv_range *out, const char **source);

/**
 * resv_amd_aperture() - the AMD-Vi v1 page table's aperture on kernel
 * @kernel (as resv_group_aperture()), with *@ivhd_efr the EFR image the
 * driver starts from (resv_machine_amd_efr()), or NULL when unknown (then 4
 * levels, the width with no IVHD EFR: the smallest). EFR[HATS] 3 disables v1
 * translation and the v2 table, 4 levels, gives 48 bits too.
 * Return: 0 with *@out and *@source (a static sentence) set.
 */
int resv_amd_aperture(unsigned int kernel, const uint64_t *ivhd_efr,
		      struct resv_range *out, const char **source);

struct resv_system;

/**
 * resv_system_load() - read every IOMMU group under
 * @sysroot/sys/kernel/iommu_groups, with their devices (class, vendor and
 * device from @sysroot/sys/bus/pci/devices/NAME/) and reserved_regions. A
 * NULL @sysroot means "/". Symbolic links are followed only while they stay
 * inside @sysroot. Problems with one group or file become diagnostics and
 * never stop the others. A system without the iommu_groups directory loads
 * with no groups and a RESV_SYSFS_NO_GROUPS info diagnostic.
 * Return: 0; -ENOENT if @sysroot itself does not exist; -ENOMEM.
 */
int resv_system_load(struct resv_system **out, const char *sysroot);

/* What resv_system_load_what() reads besides the groups and their devices. */
#define RESV_SYSTEM_HEADER_TYPE	(1u << 0)	/* PCI config space: header_type */
#define RESV_SYSTEM_IOMMU	(1u << 1)	/* "iommu" links: iommu, unit, aperture */
#define RESV_SYSTEM_REGIONS	(1u << 2)	/* each group's reserved_regions */
#define RESV_SYSTEM_TYPE	(1u << 3)	/* each group's type */
#define RESV_SYSTEM_ALL		(RESV_SYSTEM_HEADER_TYPE | RESV_SYSTEM_IOMMU | \
				 RESV_SYSTEM_REGIONS | RESV_SYSTEM_TYPE)

/**
 * resv_system_load_what() - resv_system_load() reading only the parts in
 * @what (a file or link per PCI device, or per group, each): without
 * RESV_SYSTEM_HEADER_TYPE no config space is read and every header_type is
 * -1; without RESV_SYSTEM_IOMMU no group has an iommu, unit or aperture;
 * without RESV_SYSTEM_REGIONS every regions is NULL (and complete says
 * nothing of them); without RESV_SYSTEM_TYPE every type is NULL.
 * resv_system_load() is resv_system_load_what(out, sysroot,
 * RESV_SYSTEM_ALL).
 */
int resv_system_load_what(struct resv_system **out, const char *sysroot, unsigned int what);

/**
 * resv_system_load_known() - resv_system_load_what(), taking a PCI device's
 * class, vendor and device from @known where it read them from this same
 * @sysroot (resv_machine_load() with RESV_LOAD_PCI_IDENTITY) instead of
 * walking to the device again: a big host's predict reads each function's
 * directory once. @known may be NULL.
 */
struct resv_machine;
int resv_system_load_known(struct resv_system **out, const char *sysroot, unsigned int what,
			   const struct resv_machine *known);

/**
 * resv_parse_kernel_version() - "X.Y" at the start of a kernel release string
 * as `uname -r` prints it ("6.1", "6.1.0-57-amd64", "6.6.0-rc1",
 * "7.2.13+deb14-amd64"): *@version = major << 16 | minor << 8. After X.Y
 * only the end of the string or one of ". - + _ ~" and a newline may follow.
 * Return: 0; -EBADMSG otherwise (*@version untouched).
 */
int resv_parse_kernel_version(const char *s, unsigned int *version);

/**
 * resv_kernel_version() - the kernel a root runs or ran, from
 * @sysroot/proc/sys/kernel/osrelease ("6.1.0-13-amd64": 6.1), which
 * `iommu-resv snapshot` records; a NULL @sysroot means "/", the running
 * kernel. *@version is major << 16 | minor << 8, as resv_assign_verdict()
 * takes it.
 * Return: 0; -ENOENT when the root or the file is missing (or the file is a
 * link out of the root); -EBADMSG when resv_parse_kernel_version() refuses it;
 * -ENOMEM.
 */
int resv_kernel_version(const char *sysroot, unsigned int *version);

/**
 * resv_page_size() - the page size of the kernel a root runs or ran, from
 * @sysroot/sys/kernel/mm/transparent_hugepage/hpage_pmd_size (world-readable,
 * copied by the snapshot): a PMD maps PAGE_SIZE / 8 pages, so 2 MiB means
 * 4 KiB pages, 32 MiB 16 KiB, 512 MiB 64 KiB (arm64). NULL @sysroot is "/".
 * Return: 0 with *@size set; -ENOENT when the file is missing (no THP);
 * -EBADMSG for another value; -ENOMEM.
 */
int resv_page_size(const char *sysroot, uint64_t *size);

/** resv_system_free() - NULL is allowed. */
void resv_system_free(struct resv_system *sys);

/** resv_system_group_count() - number of groups, sorted by id. */
size_t resv_system_group_count(const struct resv_system *sys);

/** resv_system_group() - group @i, borrowed; NULL if out of range. */
const struct resv_group *resv_system_group(const struct resv_system *sys,
					   size_t i);

/** resv_system_find_group() - group with id @id, or NULL. */
const struct resv_group *resv_system_find_group(const struct resv_system *sys,
						long id);

/** resv_system_diags() - diagnostics of the load, borrowed. */
const struct resv_diags *resv_system_diags(const struct resv_system *sys);

/* -------------------------------------------------------------------------- */
/* A machine: firmware tables, PCI functions, memory map; predictions          */

/*
 * Decoded firmware, as a tree of values for the caller to print: each table
 * an object, each entry an object with a "type" string first, members in
 * table order. The key names are the stable JSON names of docs/json.md.
 * Strings are firmware bytes up to the first NUL: escape them on output.
 */
enum resv_value_kind {
	RESV_VALUE_UINT,	/* u */
	RESV_VALUE_ADDR,	/* u, an address or length: print as "0x..." */
	RESV_VALUE_BOOL,	/* u is 0 or 1 */
	RESV_VALUE_STRING,	/* s */
	RESV_VALUE_OBJECT,	/* items[0..n), each with a key */
	RESV_VALUE_ARRAY,	/* items[0..n), keys NULL */
};

struct resv_value {
	const char *key;	/* member name within an object, else NULL */
	enum resv_value_kind kind;
	uint64_t u;
	const char *s;
	size_t n;
	const struct resv_value *items;
};

/* resv_value_get() - the member @key of object @v, or NULL. */
const struct resv_value *resv_value_get(const struct resv_value *v, const char *key);

/* A table as loaded: the header's fields and the decoded entries. */
struct resv_table {
	char signature[5];
	uint8_t revision;
	uint32_t length;		/* the header's length field */
	bool checksum_valid;
	char oem_id[7];
	char oem_table_id[9];
	uint32_t oem_revision;
	char creator_id[5];
	uint32_t creator_revision;
	const char *where;		/* the file it came from */
	/*
	 * The table body as an object: header fields beyond the common ones
	 * ("host_address_width", "flags"; "ivinfo") and "entries", an array
	 * of the subtables (DMAR, IVRS) or nodes (IORT) in table order.
	 */
	const struct resv_value *body;
};

struct resv_machine;

/**
 * resv_machine_new() - an empty machine: no tables, no PCI functions.
 * Return: 0 or -ENOMEM.
 */
int resv_machine_new(struct resv_machine **out);

/** resv_machine_free() - NULL is allowed. */
void resv_machine_free(struct resv_machine *m);

/**
 * resv_machine_add_tables() - add the firmware tables in @buf: one binary
 * ACPI table, or the text acpidump(8) prints (any number of tables; the
 *  text is recognised by its first "SIG @ 0x..." line). DMAR, IVRS, IORT, VIOT
 * are parsed and checked; other tables are skipped. A second table of a
 * signature already loaded is skipped with a warning: the kernel uses the
 * first. Findings become diagnostics naming @where and the table.
 * Return: the number of DMAR/IVRS/IORT/VIOT tables added (>= 0); -EBADMSG when
 * @buf is neither a table nor acpidump text; -ENOMEM.
 */
int resv_machine_add_tables(struct resv_machine *m, const void *buf, size_t len,
			    const char *where);

/**
 * resv_machine_add_pci() - add PCI function @segment:@bus:@dev.@fn with its
 * configuration space (@len >= 64 bytes: ids, class, header type, bridge
 * bus numbers are read from it), e.g. from an lspci -xxx dump.
 * Return: 0; -EINVAL for @len < 64, @dev > 31 or @fn > 7; -EEXIST if the
 * function was added before; -ENOMEM.
 */
int resv_machine_add_pci(struct resv_machine *m, uint16_t segment, uint8_t bus,
			 uint8_t dev, uint8_t fn, const uint8_t *config, size_t len);

/* What resv_machine_load() reads. */
#define RESV_LOAD_TABLES	(1u << 0)	/* sys/firmware/acpi/tables/{DMAR,IVRS,IORT,VIOT,APIC} */
#define RESV_LOAD_PCI		(1u << 1)	/* sys/bus/pci/devices/ * /config */
#define RESV_LOAD_MEMMAP	(1u << 2)	/* sys/firmware/memmap/ * /{start,end,type} */
#define RESV_LOAD_CMDLINE	(1u << 3)	/* proc/cmdline */
#define RESV_LOAD_ALL		(RESV_LOAD_TABLES | RESV_LOAD_PCI | RESV_LOAD_MEMMAP | \
				 RESV_LOAD_CMDLINE)
/*
 * With RESV_LOAD_PCI, each function's uevent too: class, vendor and device
 * as sysfs shows them, for resv_system_load_known(). Not in RESV_LOAD_ALL.
 */
#define RESV_LOAD_PCI_IDENTITY	(1u << 4)

/**
 * resv_machine_load() - add what @what selects from @sysroot (NULL means
 * "/"), following links only while they stay inside it. Missing files are
 * not errors (a machine may have no IORT, a snapshot no memory map);
 * unreadable or malformed ones become diagnostics.
 * Return: 0; -ENOENT if @sysroot does not exist; -ENOMEM.
 */
int resv_machine_load(struct resv_machine *m, const char *sysroot, unsigned int what);

/**
 * resv_machine_lint() - the checks that need more than one table: RMRRs
 * against the e820 map (DMAR_RMRR_NOT_RESERVED, when a memory map was
 * loaded); device scopes as the kernel matches them, when PCI functions
 * were loaded: naming absent functions (DMAR_SCOPE_ABSENT), starting from a
 * bus that is not a root bus (DMAR_SCOPE_NOT_ROOT_BUS, or
 * DMAR_SCOPE_FALLBACK for the kernel's one-element workaround), naming a
 * device of the wrong kind (DMAR_SCOPE_TYPE_MISMATCH); IVMDs for device IDs
 * no IVHD lists (IVRS_IVMD_UNKNOWN_DEVICE) or with a reversed device range
 * (IVRS_IVMD_REVERSED_RANGE); an IVHD type the AMD driver cannot read
 * (IVRS_IVHD_TYPE_UNSUPPORTED); a virtio-iommu-pci the PCI functions lack
 * (VIOT_IOMMU_ABSENT). Call once, after loading.
 * Return: 0 or -ENOMEM.
 */
int resv_machine_lint(struct resv_machine *m);

/** resv_machine_diags() - every finding so far, borrowed. */
const struct resv_diags *resv_machine_diags(const struct resv_machine *m);

/** resv_machine_iommu() - which IOMMU the loaded tables describe. */
enum resv_iommu resv_machine_iommu(const struct resv_machine *m);

/**
 * resv_machine_set_kernel() - follow the rules of kernel @kernel (major <<
 * 16 | minor << 8, as resv_kernel_version() gives it; 0, the default, for
 * the newest) where they changed: which DMAR subtables' scopes the Intel
 * driver checks (SATC from v5.12), whether an IVMD serves only its own PCI
 * segment (v6.0), whether arm-smmu-v3 refuses a shared stream ID (v5.14),
 * whether VIOT is read (v5.14). Call before resv_machine_lint() and
 * predicting.
 */
void resv_machine_set_kernel(struct resv_machine *m, unsigned int kernel);

/**
 * resv_machine_set_page_size() - the kernel's PAGE_SIZE (4096, the default;
 * 16384; 65536, e.g. RHEL's arm64 kernels): iort.c iort_rmr_alloc widens an
 * RMR descriptor that is not 64 KiB aligned to whole pages of it.
 * Return: 0; -EINVAL for another size.
 */
int resv_machine_set_page_size(struct resv_machine *m, uint64_t page_size);

/**
 * resv_machine_amd_efr() - the EFR image the AMD driver starts from
 * (amd/init.c get_global_efr, early_iommu_features_init): the IVHDs of the
 * type it uses (get_highest_supported_ivhd_type), ANDed when they differ;
 * 0 for type 10h, which carries none.
 * Return: 0 with *@efr set; -ENODATA without an IVRS whose driver starts.
 */
int resv_machine_amd_efr(const struct resv_machine *m, uint64_t *efr);

/**
 * resv_machine_iommu_off() - why the kernel's IOMMU driver would not start
 * on these tables, one static sentence naming the kernel function and the
 * diagnostic id that says where (DMAR_SCOPE_TYPE_MISMATCH: a device scope
 * whose type does not match its device; IVRS_IVHD_TYPE_UNSUPPORTED: the
 * IVHD type the AMD driver picks is not one it can read); NULL when it
 * starts. When it does not, resv_machine_predict() puts every device behind
 * no IOMMU (returns 1): the kernel makes no IOMMU groups.
 */
const char *resv_machine_iommu_off(const struct resv_machine *m);

/** resv_machine_table_count() - DMAR, IVRS, IORT and VIOT tables loaded. */
size_t resv_machine_table_count(const struct resv_machine *m);

/** resv_machine_table() - table @i in load order, borrowed; NULL if out of range. */
const struct resv_table *resv_machine_table(const struct resv_machine *m, size_t i);

/* How a DMAR device scope resolves to a PCI function (resv_machine_dmar_scope()). */
enum resv_scope_match {
	RESV_SCOPE_PATH,	/* endpoint, bridge: from a root bus down the path (dmar_match_pci_path) */
	RESV_SCOPE_FALLBACK,	/* endpoint, bridge: the kernel's one-element workaround */
	RESV_SCOPE_SOURCE_ID,	/* IOAPIC, HPET: the requester ID interrupt remapping computes */
	RESV_SCOPE_ACPI,	/* ACPI namespace device: start bus and first element, as given */
	RESV_SCOPE_NONE,	/* the path leads to no function; the reason says why */
	RESV_SCOPE_UNRESOLVED,	/* the PCI functions the path needs were not loaded */
};

/* resv_scope_match_name() - "path", "fallback", "source-id", "acpi", "none", "unresolved". */
const char *resv_scope_match_name(enum resv_scope_match match);

struct resv_scope_target {
	enum resv_scope_match match;
	char bdf[13];		/* "dddd:bb:dd.f"; "" for NONE and UNRESOLVED */
	char reason[320];	/* for FALLBACK, NONE, UNRESOLVED: one sentence; else "" */
};

/**
 * resv_machine_dmar_scope() - the PCI function the DMAR device scope at
 * byte @offset of the DMAR names, from the PCI functions loaded so far.
 * Endpoint and bridge scopes are matched as the kernel matches them (from
 * a root bus through each bridge's secondary bus; else, for a one-element
 * path, its workaround); IOAPIC and HPET scopes give the source ID the
 * interrupt remapping code walks the path to (irq_remapping.c
 * ir_parse_one_ioapic_scope), from the table alone for one element; ACPI
 * namespace scopes give their start bus and first element. A path through
 * bridges cannot be resolved without PCI functions: UNRESOLVED says so.
 * Return: 0 with *@out set; -ENOENT when no DMAR was loaded or no device
 * scope starts at @offset.
 */
int resv_machine_dmar_scope(const struct resv_machine *m, size_t offset,
			    struct resv_scope_target *out);

/** resv_machine_device_count() - PCI functions loaded. */
size_t resv_machine_device_count(const struct resv_machine *m);

/**
 * resv_machine_device() - PCI function @i, sorted by (segment, bus, device,
 * function), borrowed; NULL if out of range.
 */
const struct resv_device *resv_machine_device(const struct resv_machine *m, size_t i);

/* resv_machine_predict() options. */
#define RESV_PREDICT_NO_FLOPPY_WA	(1u << 0)	/* kernel without CONFIG_INTEL_IOMMU_FLOPPY_WA */

/*
 * Assumptions: facts the kernel learns at run time that no table holds. A
 * prediction that rests on one says so (resv_machine_assumption_matters());
 * each has a default, and resv_machine_assume() states another.
 *
 * "preserve-config": "yes" (default) or "no". Whether the PCI host bridge
 * keeps the firmware's configuration, which Linux learns by evaluating the
 * bridge's _DSM function 5 in AML (drivers/acpi/pci_root.c
 * acpi_pci_root_create from v5.7; drivers/pci/pci-acpi.c
 * pci_acpi_preserve_config from v6.11). IORT RMRs reach a PCI device only
 * when it is "yes" (iort.c iort_rmr_has_dev, v6.0). The default: "no" when
 * a DSDT was read and no DSDT or SSDT holds the PCI _DSM's UUID (no host
 * bridge can answer function 5); else "yes", as DEN0049 E.d §3.1.1.5
 * requires of firmware whose RMRs name PCI devices and as QEMU's arm virt
 * _DSM answers (the AML itself is not evaluated). resv_machine_load()
 * reads sys/firmware/acpi/tables/DSDT and SSDT1..SSDT64 for this;
 * resv_machine_add_tables() takes a DSDT or SSDT too.
 *
 * "viommu-resv": what a virtio-iommu reports in each endpoint's PROBE reply
 * (drivers/iommu/virtio-iommu.c viommu_probe_endpoint): "qemu-x86" (RESV_MEM
 * MSI [0xfee00000, 0xfeefffff]), "qemu-virt-gicv2m" (MSI [0x8020000,
 * 0x8020fff]), "qemu-virt-its" (MSI [0x8090000, 0x809ffff]) or "none" (no
 * property: the kernel adds its software MSI window [0x8000000, 0x80fffff]).
 * The default follows the host bridge at 0000:00:00.0: QEMU's Q35 or i440FX
 * gives qemu-x86, its generic PCIe host (arm virt, GICv2 by default)
 * qemu-virt-gicv2m, anything else none.
 */
enum resv_assumption {
	RESV_ASSUME_PRESERVE_CONFIG = 0,
	RESV_ASSUME_VIOMMU_RESV = 1,
};
#define RESV_ASSUME_COUNT 2

/** resv_assumption_keys() - the keys, NULL-terminated, static. */
const char *const *resv_assumption_keys(void);

/** resv_assumption_values() - @key's values, NULL-terminated, static; NULL for an unknown key. */
const char *const *resv_assumption_values(const char *key);

/**
 * resv_machine_assume() - state assumption @key; an empty @value returns to
 * the default. Return: 0; -EINVAL for an unknown key or value.
 */
int resv_machine_assume(struct resv_machine *m, const char *key, const char *value);

/**
 * resv_machine_assumption() - the value of @key in force, static; *@why
 * (may be NULL) gets "given" or one sentence on the default (static, or
 * living as long as @m). NULL for an unknown key.
 */
const char *resv_machine_assumption(const struct resv_machine *m, const char *key,
				    const char **why);

/**
 * resv_machine_assumption_matters() - does @device's prediction rest on
 * @key (could another value change its regions or whether it has a group)?
 * Return: 1 or 0; -ENOENT for an unknown device; -EINVAL for an unknown
 * key; -ENOMEM.
 */
int resv_machine_assumption_matters(const struct resv_machine *m, const char *device,
				    const char *key);

/**
 * resv_machine_no_group_reason() - when @device is behind an IOMMU in the
 * tables but the driver refuses it (resv_machine_predict() gives 1), one
 * sentence on why into @buf (@size bytes, truncated like snprintf): on
 * arm-smmu-v3, a stream ID another device took first, e.g. the DMA alias
 * of a PCIe-to-PCI bridge. @buf may be NULL when @size is 0. Return: 1
 * when the device is refused (the sentence written); 0 when it is not;
 * -ENOENT for an unknown device; -ENOMEM.
 */
int resv_machine_no_group_reason(const struct resv_machine *m, const char *device, char *buf,
				 size_t size);

/**
 * resv_machine_predict() - append to @out the regions the kernel's IOMMU
 * driver reports for PCI function @device ("dddd:bb:dd.f"), each with its
 * provenance (the table entry, the scope, the rule) as its source's origin
 * and @device as its device (SPEC §4).
 * Return: 0; 1 when @device gets no IOMMU group (nothing is appended): the
 * firmware puts it behind no IOMMU, the kernel's driver would not start on
 * these tables (resv_machine_iommu_off()), or the driver refuses it
 * (resv_machine_no_group_reason()); -ENOENT for an unknown @device; -ENODATA
 * when no DMAR, IVRS, IORT or VIOT was loaded; -ENOMEM.
 */
int resv_machine_predict(const struct resv_machine *m, const char *device,
			 unsigned int flags, struct resv_list *out);

/**
 * resv_machine_relax_rule() - one sentence on whether the firmware's
 * direct regions are relaxable for @device, and the kernel rule that says
 * so (e.g. Intel: only USB controllers and display devices); NULL for an
 * unknown device. The string is static or lives as long as @m.
 */
const char *resv_machine_relax_rule(const struct resv_machine *m, const char *device);

/*
 * Can a device or group be handed to VFIO / iommufd (SPEC §5)? Since v6.6 a
 * device with any direct region is require_direct, and the kernel refuses
 * the blocking domain VFIO needs, for the whole group (iommu.c
 * __iommu_device_set_domain). From v3.17 to v6.5 only Intel refused, and
 * only for a non-relaxable RMRR (intel/iommu.c device_is_rmrr_locked).
 */
/* Are a device's MSIs isolated (interrupt remapping, a GICv3 ITS)? */
enum resv_msi_isolation {
	RESV_MSI_UNJUDGED = 0,	/* resv_machine_msi_verdict() was not asked */
	RESV_MSI_ISOLATED,
	RESV_MSI_NOT_ISOLATED,
	RESV_MSI_UNKNOWN,	/* the tables read cannot tell (e.g. no MADT) */
};

struct resv_verdict {
	bool assignable;
	/* When not: the region that blocks, and the rule, one sentence. */
	const struct resv_region *blocker;
	const char *reason;
	/* Set by resv_machine_msi_verdict(): MSI isolation and why. */
	enum resv_msi_isolation msi;
	const char *msi_reason;
	/* MSIs not isolated, but the command line allows it (the risk, one sentence). */
	const char *msi_unsafe_allowed;
};

/**
 * resv_assign_verdict() - the verdict for a device or group whose regions
 * are @regions (any view but usable), on kernel version @kernel
 * (major << 16 | minor << 8, e.g. 0x060600; 0 for the newest) with
 * @iommu. The verdict borrows from @regions.
 * Return: 0; -EINVAL for @iommu RESV_IOMMU_NONE.
 */
int resv_assign_verdict(const struct resv_list *regions, enum resv_iommu iommu,
			unsigned int kernel, struct resv_verdict *out);

/**
 * resv_machine_msi_verdict() - VFIO's second condition: type1 refuses a
 * group whose MSIs are not isolated with EPERM ("No interrupt remapping
 * support", vfio_iommu_type1.c vfio_iommu_type1_attach_group), and so does
 * iommufd (iommufd.allow_unsafe_interrupts), unless the kernel command line
 * (resv_machine_set_cmdline(), or the root's proc/cmdline) allows unsafe
 * interrupts. Judges the group of @devices (@n names) on kernel @kernel (0:
 * the newest) and updates @v, a verdict from resv_assign_verdict(): sets
 * @v->msi and @v->msi_reason; when MSIs are not isolated and @v was
 * assignable, makes it not assignable with the reason and the workaround.
 * RESV_MSI_UNKNOWN leaves @v->assignable as it was: the caller shows both
 * outcomes. The strings are static.
 * Return: 0; -ENOENT for an unknown device.
 */
int resv_machine_msi_verdict(const struct resv_machine *m, const char *const *devices, size_t n,
			     unsigned int kernel, struct resv_verdict *v);

/* A kernel command-line parameter that changes the answer (resv_cmdline_facts()). */
struct resv_cmdline_fact {
	char param[64];		/* as it took effect, e.g. "intel_iommu=igfx_off" */
	const char *effect;	/* what it changes: one static sentence citing the kernel */
};

/**
 * resv_cmdline_facts() - the parameters of kernel command line @cmdline that
 * change what this library predicts or concludes, as the kernel's parsers
 * apply them in order (a later intel_iommu=on undoes intel_iommu=off):
 * iommu=off (x86), intel_iommu=off, amd_iommu=off, iommu=pt or
 * iommu.passthrough=1, intel_iommu=igfx_off, intel_iommu=relax_rmrr (an
 * out-of-tree patch's), amd_iommu=pgtbl_v2, intremap=off,
 * vfio_iommu_type1.allow_unsafe_interrupts=1; in that order, each once.
 * @cmdline may be NULL.
 * Return: how many there are (at most 9); the first @max are written to @out.
 */
size_t resv_cmdline_facts(const char *cmdline, struct resv_cmdline_fact *out, size_t max);

/**
 * resv_machine_cmdline() - the kernel command line the machine's rules
 * read (resv_machine_set_cmdline(), or the root's proc/cmdline), borrowed;
 * "" when unknown.
 */
const char *resv_machine_cmdline(const struct resv_machine *m);

/**
 * resv_machine_set_cmdline() - the kernel command line the rules read
 * (intremap=off, vfio_iommu_type1.allow_unsafe_interrupts=1); a copy is
 * kept (at most 4095 bytes). resv_machine_load() reads the root's
 * proc/cmdline when present. Return: 0.
 */
int resv_machine_set_cmdline(struct resv_machine *m, const char *cmdline);

/* -------------------------------------------------------------------------- */
/* VFIO viability: the drivers bound in a group                                */

/*
 * VFIO takes a whole group, and only when no device of it is bound to a
 * driver that uses the DMA API behind the kernel's back. The rule changed
 * in v5.19 (resv_vfio_device_viable() has both, with their sources).
 */
struct resv_vfio_viability {
	int viable;	/* 1: VFIO can take the group; 0: not; -1: a binding is unknown */
	size_t nblockers;	/* devices that block */
	size_t nunknown;	/* devices whose binding is not recorded */
	const struct resv_device *blocker;	/* the first that blocks, else the first unknown */
	const char *reason;	/* the rule that decided, one static sentence */
	const char *remedy;	/* what to do about the blocker, static; NULL when viable */
};

/**
 * resv_vfio_device_viable() - does @dev, bound as @dev->driver says, let
 * VFIO take its group on kernel @kernel (major << 16 | minor << 8; 0 for
 * the newest)?
 *
 * From v5.19 a driver takes DMA ownership of the group when it binds
 * (drivers/pci/pci-driver.c pci_dma_configure calls
 * iommu_device_use_default_domain unless the driver sets
 * driver_managed_dma), and VFIO's claim (iommu.c
 * iommu_group_claim_dma_owner) fails while any such driver is bound:
 * allowed are no driver, vfio-pci and its variant drivers (*_vfio_pci,
 * *-vfio-pci), pci-stub and pcieport. Before (v5.3 to v5.18) vfio.c
 * vfio_dev_viable allowed no driver, a VFIO driver, the drivers of
 * vfio_driver_allowed[] (pci-stub) and any driver of a device whose header
 * is not a normal one (bridges: vfio_dev_driver_allowed).
 * *@why (may be NULL) gets one static sentence.
 * Return: 1 allowed; 0 blocks; -1 unknown (!@dev->driver_known).
 */
int resv_vfio_device_viable(const struct resv_device *dev, unsigned int kernel, const char **why);

/**
 * resv_vfio_group_viable() - resv_vfio_device_viable() over the @n devices
 * of a group: viable when every device is allowed; not when one blocks
 * (even if others are unknown); else unknown. Fills @out.
 * Return: @out->viable.
 */
int resv_vfio_group_viable(const struct resv_device *devices, size_t n, unsigned int kernel,
			   struct resv_vfio_viability *out);

/* -------------------------------------------------------------------------- */
/* IOMMU groups predicted from config space                                    */

/*
 * Which PCI functions share an IOMMU group, replayed from the kernel's
 * drivers/iommu/iommu.c pci_device_group() over the machine's PCI
 * functions in probe order, with pci_acs_enabled() (drivers/pci/pci.c), the
 * ACS and DMA-alias quirks of drivers/pci/quirks.c for the kernel version
 * set, the ACS bits the kernel enables itself (pci_enable_acs), the
 * command line's pcie_acs_override=, pci=disable_acs_redir= and
 * pci=config_acs=, AMD IVRS aliases (amd/iommu.c setup_aliases) and Arm
 * stream IDs. Group numbers mean nothing: a predicted group is named by its
 * lowest BDF.
 *
 * Config space may not hold what the kernel reads (a 256-byte dump has no
 * ACS capability; 64 bytes, the non-root view, no PCIe capability either).
 * Every prediction is then given twice: the finest partition (each unknown
 * taken as isolating) and the coarsest (taken as not); they are the same
 * when nothing unknown mattered, and the ports whose state decides are
 * named.
 */
enum resv_bound {
	RESV_BOUND_FINEST = 0,
	RESV_BOUND_COARSEST = 1,
};

/* One step of pci_device_group() that put a device in another's group. */
enum resv_join {
	RESV_JOIN_DMA_ALIAS = 0,	/* its DMA carries the other's requester ID (pci_for_each_dma_alias) */
	RESV_JOIN_ACS_PATH,		/* a bridge above lacks ACS isolation (pci_acs_path_enabled) */
	RESV_JOIN_ALIAS_QUIRK,		/* a same-bus DMA alias (get_pci_alias_group) */
	RESV_JOIN_FUNCTION,		/* a function of the same slot, neither isolated (get_pci_function_alias_group) */
	RESV_JOIN_IVRS_ALIAS,		/* an AMD IVRS alias entry made a DMA alias (amd/iommu.c setup_aliases) */
	RESV_JOIN_STREAM_ID,		/* Arm: one stream ID for both (IORT ID mappings) */
};

struct resv_group_link {
	const char *device;	/* the device that joined */
	const char *with;	/* the device whose group it joined */
	enum resv_join why;
	const char *via;	/* the bridge or port that decided, or NULL */
	const char *quirk;	/* the kernel quirk involved (e.g. "quirk_dma_func1_alias"), or NULL */
	const char *detail;	/* one sentence with the ACS bits or alias IDs */
};

struct resv_pgroup {
	const char *name;		/* the lowest BDF of its members */
	size_t n;
	const char *const *devices;	/* sorted */
	size_t nlinks;
	const struct resv_group_link *links;	/* why each member beyond the first is here */
};

/* A PCI function's ACS as pci_acs_enabled() sees it (PCIe 6.0 §7.7.8). */
struct resv_acs {
	int present;		/* 1: the capability is there; 0: not; -1: config space too short to tell */
	uint16_t cap;		/* ACS Capability register */
	uint16_t ctrl_read;	/* ACS Control as the input holds it */
	uint16_t ctrl;		/* after the kernel's own pci_enable_acs and the command line */
	int isolated;		/* pci_acs_enabled(REQ_ACS_FLAGS): 1, 0, or -1 unknown */
	const char *quirk;	/* the pci_dev_acs_enabled[] entry that decided, or NULL */
	const char *reason;	/* one sentence: why isolated or not, naming missing bits */
};

struct resv_group_prediction;

/**
 * resv_machine_predict_groups() - the groups the kernel would form for the
 * machine's PCI functions behind an IOMMU (resv_machine_predict() does not
 * return 1 for them), following resv_machine_set_kernel() and
 * resv_machine_set_cmdline().
 * Return: 0; -ENODATA without PCI functions or without an IOMMU table;
 * -ENOMEM.
 */
int resv_machine_predict_groups(const struct resv_machine *m, struct resv_group_prediction **out);

/** resv_group_prediction_free() - NULL is allowed. */
void resv_group_prediction_free(struct resv_group_prediction *p);

/** resv_group_prediction_exact() - are both bounds the same partition? */
bool resv_group_prediction_exact(const struct resv_group_prediction *p);

/** resv_group_prediction_count() - number of groups in bound @b. */
size_t resv_group_prediction_count(const struct resv_group_prediction *p, enum resv_bound b);

/** resv_group_prediction_group() - group @i of bound @b, sorted by name, borrowed; NULL if out of range. */
const struct resv_pgroup *resv_group_prediction_group(const struct resv_group_prediction *p,
						      enum resv_bound b, size_t i);

/** resv_group_prediction_find() - the group of bound @b holding @device, or NULL. */
const struct resv_pgroup *resv_group_prediction_find(const struct resv_group_prediction *p,
						     enum resv_bound b, const char *device);

/**
 * resv_group_prediction_undecided() - the ports and functions whose ACS the
 * input cannot show and whose answer changes the groups, sorted; borrowed.
 * Return: their number.
 */
size_t resv_group_prediction_undecided(const struct resv_group_prediction *p,
				       const char *const **devices);

/**
 * resv_machine_pci_upstream() - the bridges above PCI function @device, from
 * the one whose secondary bus it sits on up to the one on a root bus (the
 * path pci_acs_path_enabled() walks), nearest first: up to @max names into
 * @out, borrowed from @m.
 * Return: the number of bridges (more than @max when @out was too short);
 * -ENOENT for an unknown device.
 */
int resv_machine_pci_upstream(const struct resv_machine *m, const char *device, const char **out,
			      size_t max);

/**
 * resv_machine_pci_acs() - @device's ACS as the prediction used it.
 * Return: 0; -ENOENT for an unknown device; -ENOMEM.
 */
int resv_machine_pci_acs(const struct resv_machine *m, const char *device, struct resv_acs *out);

/* -------------------------------------------------------------------------- */
/* Guest layouts and the guest check (SPEC §5)                                 */

/*
 * A guest-physical layout: what a VMM maps for a VFIO guest without a vIOMMU,
 * where guest-physical address = IOVA. RAM is DMA-mapped, so every byte of it
 * must be usable IOVA; MMIO windows (64-bit PCI holes) are mapped only for
 * peer-to-peer DMA to BARs.
 */
enum resv_guest_kind {
	RESV_GUEST_RAM = 0,
	RESV_GUEST_MMIO = 1,
};

struct resv_guest_range {
	uint64_t start;
	uint64_t last;		/* inclusive */
	enum resv_guest_kind kind;
	const char *name;	/* "ram-below-4g", "pci-hole64", ... */
};

/* A layout, owned by the library; ranges in the order they were added. */
struct resv_guest_layout {
	size_t count;
	struct resv_guest_range *ranges;
	/*
	 * QEMU x86 with an AMD vCPU: above-4G RAM was moved to 1 TiB because
	 * the used address space crossed the HyperTransport hole
	 * (hw/i386/pc.c pc_memory_init).
	 */
	bool amd_relocated;
};

/* The VMMs whose memory maps resv_guest_layout_preset() reproduces. */
enum resv_guest_vmm {
	RESV_GUEST_Q35 = 0,		/* QEMU x86 -M q35 */
	RESV_GUEST_PC,			/* QEMU x86 -M pc (i440FX) */
	RESV_GUEST_VIRT,		/* QEMU arm -M virt */
	RESV_GUEST_CLOUD_HYPERVISOR,	/* cloud-hypervisor x86_64 */
	RESV_GUEST_FIRECRACKER,		/* Firecracker x86_64 */
};
#define RESV_GUEST_VMM_COUNT 5

struct resv_guest_config {
	enum resv_guest_vmm vmm;
	uint64_t ram_size;		/* bytes, > 0 */
	/* QEMU x86 -M ...,max-ram-below-4g=; 0 for QEMU's default. */
	uint64_t max_ram_below_4g;
	/* QEMU x86: an AMD vCPU on a machine type >= 7.1 (the 1 TiB rule). */
	bool amd;
};

/**
 * resv_guest_vmm_name() - "q35", "pc", "virt", "cloud-hypervisor",
 * "firecracker"; NULL when out of range.
 */
const char *resv_guest_vmm_name(enum resv_guest_vmm vmm);

/**
 * resv_guest_vmm_parse() - a VMM from its name (@len bytes of @name).
 * Return: 0, or -EINVAL for an unknown name.
 */
int resv_guest_vmm_parse(const char *name, size_t len, enum resv_guest_vmm *out);

/** resv_guest_layout_new() - an empty layout. Return: 0 or -ENOMEM. */
int resv_guest_layout_new(struct resv_guest_layout **out);

/** resv_guest_layout_free() - NULL is allowed. */
void resv_guest_layout_free(struct resv_guest_layout *layout);

/**
 * resv_guest_layout_add() - append [start, last] of @kind; @name is copied
 * (NULL stores "ram" or "mmio").
 * Return: 0; -EINVAL if start > last or @kind is unknown; -ENOMEM.
 */
int resv_guest_layout_add(struct resv_guest_layout *layout, uint64_t start,
			  uint64_t last, enum resv_guest_kind kind,
			  const char *name);

/**
 * resv_guest_layout_overlap() - whether two ranges of @layout share an
 * address (a VMM cannot map one guest-physical address twice). With several
 * such pairs, the one that overlaps at the lowest address.
 * Return: 1 with *@first < *@second their indices in @layout; 0 when no two
 * ranges overlap; -ENOMEM.
 */
int resv_guest_layout_overlap(const struct resv_guest_layout *layout, size_t *first,
			      size_t *second);

/**
 * resv_guest_layout_preset() - the memory map @cfg's VMM builds for
 * @cfg->ram_size bytes of RAM: RAM below and above 4 GiB and, for QEMU x86,
 * the default 64-bit PCI hole. The rules and their source files are in
 * lib/guest/guest.c.
 * Return: 0; -EINVAL for ram_size 0, an unknown vmm, or a layout that does
 * not fit in 64 bits; -ENOMEM.
 */
int resv_guest_layout_preset(struct resv_guest_layout **out,
			     const struct resv_guest_config *cfg);

/* What a conflict is about. */
enum resv_conflict_kind {
	RESV_CONFLICT_REGION = 0,	/* a guest range overlaps a region */
	RESV_CONFLICT_APERTURE = 1,	/* a guest range lies above the IOVA aperture */
};

struct resv_conflict {
	enum resv_conflict_kind kind;
	size_t range;			/* index in the layout */
	size_t region;			/* index in the region list (REGION) */
	struct resv_range overlap;	/* the guest addresses in conflict */
	enum resv_severity severity;	/* RESV_SEV_WARNING or RESV_SEV_ERROR */
};

/* Conflicts, owned by the library, sorted by (range, overlap start). */
struct resv_conflicts {
	size_t count;
	struct resv_conflict *items;
};

/** resv_conflicts_free() - NULL is allowed. */
void resv_conflicts_free(struct resv_conflicts *c);

/* A device's own policy (Xen xl.cfg pci=[...,rdm_policy=]). */
struct resv_device_policy {
	const char *device;	/* "0000:00:02.0" */
	bool strict;
};

/* Flags of resv_guest_check(). */
#define RESV_CHECK_STRICT (1u << 0)	/* the global policy is strict */

/**
 * resv_guest_check() - every overlap of @layout with @regions (a group's
 * regions, normally its resolved view) and with the space above
 * @aperture.last. Severity (SPEC §5, Xen libxl rdm_policy):
 * - RAM over a non-relaxable region, or above the aperture: error (VFIO
 *   refuses the DMA map: vfio_iommu_type1 vfio_iova_dma_valid);
 * - RAM over a direct-relaxable region: error when the policy is strict,
 *   else warning. The policy is @policies' entry for a device the region
 *   comes from (strict wins when two disagree), else the global one;
 * - an MMIO window: always a warning, since QEMU only warns when a BAR's
 *   peer-to-peer map fails (hw/vfio/listener.c vfio_listener_region_add).
 * Zero-length regions are ignored. Regions whose source has no device
 * (e.g. read from sysfs) follow the global policy.
 * Return: 0 (an empty list when nothing conflicts); -EINVAL for an unknown
 * flag or aperture.start > aperture.last; -ENOMEM.
 */
int resv_guest_check(struct resv_conflicts **out,
		     const struct resv_guest_layout *layout,
		     const struct resv_list *regions, struct resv_range aperture,
		     unsigned int flags, const struct resv_device_policy *policies,
		     size_t npolicies);

/**
 * resv_guest_fit_ram() - the largest RAM size, a multiple of 1 MiB and at
 * most @cfg->ram_size, whose preset layout has no error-level conflict with
 * @regions and @aperture (as resv_guest_check() judges it).
 * Return: 0 with *@size set; -ENOSPC when not even 1 MiB fits; -EINVAL as
 * resv_guest_layout_preset() or resv_guest_check(); -ENOMEM.
 */
int resv_guest_fit_ram(uint64_t *size, const struct resv_guest_config *cfg,
		       const struct resv_list *regions, struct resv_range aperture,
		       unsigned int flags, const struct resv_device_policy *policies,
		       size_t npolicies);

/**
 * resv_guest_suggest() - @cfg changed with the VMM's own knobs so that its
 * layout has no error-level conflict, keeping ram_size: QEMU x86 lowers
 * max-ram-below-4g below the lowest conflicting region (rounded down to
 * 2 MiB, as libxl does for RDMs) and sets amd when only the HyperTransport
 * hole is in the way. *@out is written only on success.
 * Return: 0; -ENOSPC when the knobs cannot avoid every error; -EOPNOTSUPP
 * for a VMM without such knobs; -EINVAL, -ENOMEM as resv_guest_check().
 */
int resv_guest_suggest(struct resv_guest_config *out,
		       const struct resv_guest_config *cfg,
		       const struct resv_list *regions, struct resv_range aperture,
		       unsigned int flags, const struct resv_device_policy *policies,
		       size_t npolicies);

/**
 * resv_guest_relocate() - @in with every byte of RAM that has an
 * error-level conflict moved: the RAM range is cut at the region (outward to
 * 2 MiB boundaries) and the bytes cut go to one new range "ram-relocated" at
 * the lowest 1 GiB-aligned address above 4 GiB, above every range of @in and
 * every conflicting region, that meets no error-level conflict within
 * @aperture. MMIO ranges are kept. A layout without errors is copied.
 * Return: 0; -ENOSPC when the bytes do not fit below @aperture.last;
 * -EINVAL, -ENOMEM as resv_guest_check().
 */
int resv_guest_relocate(struct resv_guest_layout **out,
			const struct resv_guest_layout *in,
			const struct resv_list *regions, struct resv_range aperture,
			unsigned int flags, const struct resv_device_policy *policies,
			size_t npolicies);

/* -------------------------------------------------------------------------- */
/* Snapshots                                                                   */

/**
 * resv_snapshot_write() - copy from @sysroot (NULL means "/") into the
 * directory @dirfd what the readers of this library read there, at the same
 * relative paths, so that the directory reproduces every result as a sysroot:
 * sys/kernel/iommu_groups/N/{type,reserved_regions,devices/},
 * sys/bus/pci/devices/NAME/{class,vendor,device,config,iommu_group,iommu},
 * sys/firmware/acpi/tables/{DMAR,IVRS,IORT,VIOT,DSDT,SSDT1..SSDT64}, sys/firmware/memmap/N/{start,
 * end,type}, sys/class/iommu/UNIT/{intel-iommu,amd-iommu}/ (and the same
 * directories under a device's iommu link), proc/sys/kernel/osrelease and
 * proc/cmdline.
 *
 * Links are recreated as links, relative, when the walk through them stays
 * under sys/ (proc/ for the proc files), and what they lead to is copied. A
 * link that leaves it, dangles or loops, and an object of the wrong kind (a
 * FIFO for a file) are not copied and each becomes a warning diagnostic:
 * SNAPSHOT_LINK_OUTSIDE, SNAPSHOT_LINK_DANGLING, SNAPSHOT_LINK_LOOP,
 * SNAPSHOT_NOT_COPIED. Files absent from the source (IVRS on an Intel
 * machine) are left out silently. Files are read to their end (sysfs sizes
 * say nothing), at most 1 MiB each. Nothing is written outside @dirfd's
 * directory and no link in it is followed. It should be empty and the
 * caller's own (mkdtemp()); nothing is cleaned up after a failure.
 * Return: the number of files and links written; -ENOENT if @sysroot does
 * not exist; -ENOMEM; another negative errno, with a SNAPSHOT_FAILED error
 * diagnostic naming the file, when a file that is there cannot be read
 * (-EACCES: the ACPI tables are root's; -EFBIG; -EIO) or the copy cannot be
 * written.
 */
int resv_snapshot_write(int dirfd, const char *sysroot, struct resv_diags *diags);

/** resv_version() - the library version, e.g. "0.1.0". */
const char *resv_version(void);

#ifdef __cplusplus
}
#endif

#endif /* IOMMU_RESV_H */
