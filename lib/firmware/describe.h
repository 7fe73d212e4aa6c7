/* SPDX-License-Identifier: MIT */
/* The table models as struct resv_value trees; internal. */
#ifndef RESV_DESCRIBE_H
#define RESV_DESCRIBE_H

#include "dmar.h"
#include "iort.h"
#include "ivrs.h"
#include "viot.h"

/*
 * Each gives the table body (the fields after the common header and an
 * "entries" array) as a tree the caller frees with value_free().
 * Return: 0 or -ENOMEM.
 */
int describe_dmar(struct resv_value **out, const struct dmar *dmar);
int describe_ivrs(struct resv_value **out, const struct ivrs *ivrs);
int describe_iort(struct resv_value **out, const struct iort *iort);
int describe_viot(struct resv_value **out, const struct viot *viot);

/* Stable names: "endpoint", "range_start", "smmu_v3", ...; "unknown". */
const char *dmar_scope_type_name(uint8_t type);
const char *ivhd_entry_name(uint8_t type);
const char *iort_node_name(uint8_t type);

#endif
