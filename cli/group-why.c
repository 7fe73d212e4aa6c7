// SPDX-License-Identifier: MIT
/*
 * Why devices share an IOMMU group, from the library's replay of the
 * kernel's pci_device_group() (drivers/iommu/iommu.c): each member's link
 * (a DMA alias, a bridge without ACS isolation, a same-slot function, an
 * alias quirk), the bridges above the device with their ACS registers, and
 * what would split the group. The splits are found by predicting again
 * with pcie_acs_override= added to the command line, so the rule stays in
 * the library (the same way assumptions are reported, assume.c).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "group-why.h"

/* include/uapi/linux/pci_regs.h PCI_ACS_*; REQ_ACS_FLAGS (iommu.c) is SV RR CR UF. */
static const char *const acs_bit_names[] = { "SV", "TB", "RR", "CR", "UF", "EC", "DT" };
#define REQ_ACS_FLAGS 0x1d

static void acs_bits(char *buf, size_t size, unsigned int v)
{
	size_t len = 0;

	buf[0] = '\0';
	for (unsigned int i = 0; i < ARRAY_LEN(acs_bit_names); i++)
		if (v & 1u << i)
			len += (size_t)snprintf(buf + len, len < size ? size - len : 0, "%s%s",
						len ? " " : "", acs_bit_names[i]);
	if (!len)
		snprintf(buf, size, "none");
}

static const char *join_name(enum resv_join why)
{
	static const char *const names[] = {
		[RESV_JOIN_DMA_ALIAS] = "dma-alias", [RESV_JOIN_ACS_PATH] = "acs-path",
		[RESV_JOIN_ALIAS_QUIRK] = "alias-quirk", [RESV_JOIN_FUNCTION] = "function",
		[RESV_JOIN_IVRS_ALIAS] = "ivrs-alias", [RESV_JOIN_STREAM_ID] = "stream-id",
	};

	return (unsigned int)why < ARRAY_LEN(names) && names[why] ? names[why] : "unknown";
}

static const struct resv_device *machine_device(const struct resv_machine *m, const char *name)
{
	for (size_t i = 0; i < resv_machine_device_count(m); i++)
		if (strcmp(resv_machine_device(m, i)->name, name) == 0)
			return resv_machine_device(m, i);
	return NULL;
}

/* The members of @pg, space-separated (malloc), or NULL on -ENOMEM. */
static char *members_text(const struct resv_pgroup *pg)
{
	size_t len = 1;
	char *s;

	for (size_t i = 0; pg && i < pg->n; i++)
		len += strlen(pg->devices[i]) + 1;
	s = calloc(1, len);
	for (size_t i = 0; s && pg && i < pg->n; i++) {
		if (i)
			strcat(s, " ");
		strcat(s, pg->devices[i]);
	}
	return s;
}

/*
 * The device's group with "pcie_acs_override=@option" added to the command
 * line @base (the patch takes the last one). Return: 0, -ENOMEM.
 */
static int try_split(struct group_why *w, struct resv_machine *m, const char *base,
		     const char *device, const char *option)
{
	struct resv_group_prediction *p = NULL;
	struct why_split *s;
	char *cmd;
	int rc;

	for (size_t i = 0; i < w->nsplits; i++)
		if (strcmp(w->splits[i].option, option) == 0)
			return 0;
	if (w->nsplits == WHY_MAX_SPLITS)
		return 0;
	if (asprintf(&cmd, "%s%spcie_acs_override=%s", base, *base ? " " : "", option) < 0)
		return -ENOMEM;
	resv_machine_set_cmdline(m, cmd);
	free(cmd);
	rc = resv_machine_predict_groups(m, &p);
	if (rc == -ENOMEM)
		return rc;
	if (rc < 0)
		return 0;
	const struct resv_pgroup *pg = resv_group_prediction_find(p, RESV_BOUND_FINEST, device);

	s = &w->splits[w->nsplits];
	snprintf(s->option, sizeof(s->option), "%s", option);
	s->members = members_text(pg);
	s->splits = pg && w->pg && pg->n < w->pg->n;
	resv_group_prediction_free(p);
	if (!s->members)
		return -ENOMEM;
	w->nsplits++;
	return 0;
}

int why_gather(struct group_why *w, struct resv_machine *m, const char *device,
	       const struct resv_group *g)
{
	const char *names[WHY_MAX_PATH];
	char *base = NULL;
	int rc, n;

	memset(w, 0, sizeof(*w));
	w->matches_sysfs = -1;
	rc = resv_machine_predict_groups(m, &w->pred);
	if (rc == -ENOMEM)
		return rc;
	if (rc < 0) {
		w->pred = NULL;
		w->reason = "no IOMMU table or no PCI configuration space to predict from";
		return 0;
	}
	w->pg = resv_group_prediction_find(w->pred, RESV_BOUND_FINEST, device);
	if (!w->pg) {
		w->reason = "the device gets no IOMMU group, so it shares none";
		return 0;
	}
	w->coarse = resv_group_prediction_find(w->pred, RESV_BOUND_COARSEST, device);
	if (w->coarse && w->coarse->n == w->pg->n)
		w->coarse = NULL;
	if (g) {
		bool same = g->ndevices == w->pg->n;

		for (size_t i = 0; same && i < g->ndevices; i++)
			same = strcmp(g->devices[i].name, w->pg->devices[i]) == 0;
		w->matches_sysfs = same;
	}
	n = resv_machine_pci_upstream(m, device, names, WHY_MAX_PATH);
	w->npath = n < 0 ? 0 : (size_t)n > WHY_MAX_PATH ? WHY_MAX_PATH : (size_t)n;
	for (size_t i = 0; i < w->npath; i++) {
		w->path[i] = names[i];
		rc = resv_machine_pci_acs(m, names[i], &w->acs[i]);
		if (rc == -ENOMEM)
			return rc;
		w->acs_ok[i] = rc == 0;
	}
	/* What would split it: each port that lacks isolation alone, then all. */
	base = strdup(resv_machine_cmdline(m));
	if (!base)
		return -ENOMEM;
	rc = 0;
	for (size_t i = 0; i < w->pg->nlinks && rc == 0; i++) {
		const struct resv_group_link *l = &w->pg->links[i];
		const struct resv_device *d;
		char opt[64];

		if (l->why == RESV_JOIN_ACS_PATH && l->via && (d = machine_device(m, l->via))) {
			snprintf(opt, sizeof(opt), "id:%04x:%04x", d->vendor, d->device);
			rc = try_split(w, m, base, device, opt);
			if (rc == 0)
				rc = try_split(w, m, base, device, "downstream");
		} else if (l->why == RESV_JOIN_FUNCTION) {
			rc = try_split(w, m, base, device, "multifunction");
		}
	}
	resv_machine_set_cmdline(m, base);
	free(base);
	return rc;
}

void why_free(struct group_why *w)
{
	for (size_t i = 0; i < w->nsplits; i++)
		free(w->splits[i].members);
	resv_group_prediction_free(w->pred);
}

/* What no command line changes, by the kind of link. */
static const char *fixed_reason(enum resv_join why)
{
	switch (why) {
	case RESV_JOIN_DMA_ALIAS:
		return "nothing on the command line: the bridge's requester ID is what the IOMMU "
		       "sees for every device behind it; only a slot below a PCIe port of its own "
		       "would split it";
	case RESV_JOIN_ALIAS_QUIRK:
		return "nothing: the device really issues DMA with the other's requester ID (a DMA "
		       "alias quirk of drivers/pci/quirks.c)";
	case RESV_JOIN_IVRS_ALIAS:
		return "nothing but the firmware: the IVRS alias entry makes the IOMMU treat both "
		       "IDs as one";
	case RESV_JOIN_STREAM_ID:
		return "nothing but the firmware: the IORT maps both to one stream ID";
	default:
		return NULL;
	}
}

#define OVERRIDE_RISK \
	"pcie_acs_override= exists only in kernels carrying the out-of-tree ACS override " \
	"patch (Proxmox, Zen, some distributions; not mainline); it never applies to " \
	"conventional PCI devices nor to devices that have an ACS capability " \
	"(pcie_acs_overrides), and it only tells the kernel that a port isolates: " \
	"peer-to-peer DMA between the devices below it still bypasses the IOMMU, so a device " \
	"given to a guest can reach the other devices, and through them the host's memory, " \
	"unchecked"

void why_text(const struct group_why *w, const struct resv_machine *m, const char *device)
{
	char bits[64], want[64];

	printf("\nWhy these devices share a group (pci_device_group, predicted from config "
	       "space):\n");
	if (!w->pred || !w->pg) {
		printf("  not predicted: %s\n", w->reason);
		return;
	}
	printf("  Predicted  %s:", w->pg->name);
	for (size_t i = 0; i < w->pg->n; i++)
		printf(" %s", esc(w->pg->devices[i]));
	printf("%s\n", w->matches_sysfs == 1 ? " (as sysfs)" :
		       w->matches_sysfs == 0 ? " (sysfs differs: see predict --compare)" : "");
	if (w->coarse) {
		const char *const *und;
		size_t nund = resv_group_prediction_undecided(w->pred, &und);

		printf("  %-10s up to:", "");
		for (size_t i = 0; i < w->coarse->n; i++)
			printf(" %s", esc(w->coarse->devices[i]));
		printf(" (the input does not show the ACS of:");
		for (size_t i = 0; i < nund; i++)
			printf(" %s", esc(und[i]));
		printf(")\n");
	}
	if (w->pg->n == 1)
		printf("  %-10s alone: nothing above it lacks isolation, and no alias or function "
		       "joins it\n", "");
	for (size_t i = 0; i < w->pg->nlinks; i++) {
		const struct resv_group_link *l = &w->pg->links[i];

		printf("  %-10s %s joined %s: %s", join_name(l->why), esc(l->device),
		       esc(l->with), esc(l->detail));
		printf(l->quirk ? " [quirk %s]\n" : "\n", l->quirk);
	}
	printf("  Path to the root complex from %s:\n", esc(device));
	for (size_t i = 0; i < w->npath; i++) {
		const struct resv_device *d = machine_device(m, w->path[i]);
		const struct resv_acs *a = &w->acs[i];

		printf("    %s [%06x]", esc(w->path[i]), d ? d->class : 0);
		if (!w->acs_ok[i] || a->present < 0) {
			printf("  ACS unknown (the input holds too little config space)");
		} else if (!a->present) {
			printf("  no ACS capability");
		} else {
			acs_bits(bits, sizeof(bits), a->cap);
			acs_bits(want, sizeof(want), a->ctrl);
			printf("  ACS cap 0x%04x (%s), control 0x%04x (%s)", a->cap, bits, a->ctrl, want);
			if (a->ctrl != a->ctrl_read)
				printf(", 0x%04x as read", a->ctrl_read);
		}
		printf(": %s%s\n", a->isolated == 1 ? "isolates" : a->isolated == 0 ?
		       "does not isolate" : "unknown", a->quirk ? " (quirk)" : "");
		if (w->acs_ok[i] && a->reason)
			printf("      %s\n", esc(a->reason));
	}
	if (!w->npath)
		printf("    (on a root bus: no bridge above it)\n");
	if (w->pg->n == 1)
		return;
	printf("  What would split it:\n");
	/* One line per kind of link no command line undoes, naming its devices. */
	for (int why = RESV_JOIN_DMA_ALIAS; why <= RESV_JOIN_STREAM_ID; why++) {
		const char *fixed = fixed_reason((enum resv_join)why);
		bool any = false;

		for (size_t i = 0; fixed && i < w->pg->nlinks; i++) {
			if (w->pg->links[i].why != (enum resv_join)why)
				continue;
			printf("%s%s", any ? " " : "    ", esc(w->pg->links[i].device));
			any = true;
		}
		if (any)
			printf(" (%s): %s\n", join_name((enum resv_join)why), fixed);
	}
	for (size_t i = 0; i < w->nsplits; i++)
		printf("    pcie_acs_override=%s: %s%s\n", w->splits[i].option,
		       w->splits[i].splits ? "the group becomes " : "does not split it: ",
		       esc(w->splits[i].members));
	if (w->nsplits)
		printf("    (%s)\n", OVERRIDE_RISK);
	for (size_t i = 0; i < w->npath; i++) {
		const struct resv_acs *a = &w->acs[i];
		unsigned int missing = REQ_ACS_FLAGS & ~a->ctrl;

		if (!w->acs_ok[i] || a->present != 1 || a->isolated != 0 || !missing)
			continue;
		if (missing & ~a->cap) {
			acs_bits(bits, sizeof(bits), missing & ~a->cap);
			printf("    %s lacks ACS %s in hardware: no setting enables it\n",
			       esc(w->path[i]), bits);
		}
		if (missing & a->cap) {
			acs_bits(bits, sizeof(bits), missing & a->cap);
			printf("    %s has ACS %s but it is off after the kernel's pci_enable_acs "
			       "(the command line's config_acs= or disable_acs_redir=): without them "
			       "the kernel enables it\n", esc(w->path[i]), bits);
		}
	}
}

void why_json(struct json *j, const struct group_why *w, const struct resv_machine *m)
{
	char hex[16];

	json_key(j, "group_prediction");
	if (!w->pred || !w->pg) {
		json_raw(j, "null");
		return;
	}
	json_open(j, NULL, '{');
	json_key(j, "name");
	json_str(j, w->pg->name);
	json_key(j, "devices");
	json_open(j, NULL, '[');
	for (size_t i = 0; i < w->pg->n; i++)
		json_str(j, w->pg->devices[i]);
	json_close(j, ']');
	json_key(j, "exact");
	json_bool(j, resv_group_prediction_exact(w->pred));
	json_key(j, "coarsest");
	if (w->coarse) {
		json_open(j, NULL, '[');
		for (size_t i = 0; i < w->coarse->n; i++)
			json_str(j, w->coarse->devices[i]);
		json_close(j, ']');
	} else {
		json_raw(j, "null");
	}
	json_key(j, "matches_sysfs");
	if (w->matches_sysfs < 0)
		json_raw(j, "null");
	else
		json_bool(j, w->matches_sysfs);
	json_key(j, "links");
	json_open(j, NULL, '[');
	for (size_t i = 0; i < w->pg->nlinks; i++) {
		const struct resv_group_link *l = &w->pg->links[i];

		json_open(j, NULL, '{');
		json_key(j, "device");
		json_str(j, l->device);
		json_key(j, "with");
		json_str(j, l->with);
		json_key(j, "why");
		json_str(j, join_name(l->why));
		json_key(j, "via");
		json_str(j, l->via);
		json_key(j, "quirk");
		json_str(j, l->quirk);
		json_key(j, "detail");
		json_str(j, l->detail);
		json_key(j, "fixed");
		json_str(j, fixed_reason(l->why));
		json_close(j, '}');
	}
	json_close(j, ']');
	json_key(j, "path");
	json_open(j, NULL, '[');
	for (size_t i = 0; i < w->npath; i++) {
		const struct resv_acs *a = &w->acs[i];
		bool known = w->acs_ok[i] && a->present >= 0;

		json_open(j, NULL, '{');
		json_key(j, "device");
		json_str(j, w->path[i]);
		json_key(j, "acs_present");
		if (known)
			json_bool(j, a->present == 1);
		else
			json_raw(j, "null");
		json_key(j, "acs_cap");
		snprintf(hex, sizeof(hex), "0x%04x", a->cap);
		json_str(j, known && a->present == 1 ? hex : NULL);
		json_key(j, "acs_ctrl");
		snprintf(hex, sizeof(hex), "0x%04x", a->ctrl);
		json_str(j, known && a->present == 1 ? hex : NULL);
		json_key(j, "acs_ctrl_read");
		snprintf(hex, sizeof(hex), "0x%04x", a->ctrl_read);
		json_str(j, known && a->present == 1 ? hex : NULL);
		json_key(j, "isolated");
		if (w->acs_ok[i] && a->isolated >= 0)
			json_bool(j, a->isolated == 1);
		else
			json_raw(j, "null");
		json_key(j, "quirk");
		json_str(j, w->acs_ok[i] ? a->quirk : NULL);
		json_key(j, "reason");
		json_str(j, w->acs_ok[i] ? a->reason : NULL);
		json_close(j, '}');
	}
	json_close(j, ']');
	json_key(j, "splits");
	json_open(j, NULL, '[');
	for (size_t i = 0; i < w->nsplits; i++) {
		json_open(j, NULL, '{');
		char opt[96];

		snprintf(opt, sizeof(opt), "pcie_acs_override=%s", w->splits[i].option);
		json_key(j, "cmdline");
		json_str(j, opt);
		json_key(j, "splits");
		json_bool(j, w->splits[i].splits);
		json_key(j, "devices");
		json_open(j, NULL, '[');
		for (char *p = w->splits[i].members; p && *p;) {
			size_t len = strcspn(p, " ");
			char name[64];

			snprintf(name, sizeof(name), "%.*s", (int)len, p);
			json_str(j, name);
			p += len + (p[len] == ' ');
		}
		json_close(j, ']');
		json_close(j, '}');
	}
	json_close(j, ']');
	json_key(j, "override_risk");
	json_str(j, w->nsplits ? OVERRIDE_RISK : NULL);
	json_close(j, '}');
	(void)m;
}
