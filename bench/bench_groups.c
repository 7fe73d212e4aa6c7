// SPDX-License-Identifier: MIT
/*
 * bench-groups: resv_machine_predict_groups() (pci_device_group replayed)
 * over 16,384 PCI functions behind one VT-d unit per segment.
 *
 * Each segment: 25 root ports with ACS on bus 0, each leading to a switch
 * (an upstream port and 8 downstream ports, every other one without ACS),
 * each downstream port to an 8-function endpoint (every other one with
 * ACS): 1850 functions; segments until 16,384. Config space is 4096 bytes
 * (the exact case) or 256 bytes (ACS unknown: both bounds and the ports
 * that decide). Best of five runs, wall clock and CPU time (the machine may
 * be shared); the target (< 50 ms wall for the exact case) is printed as
 * PASS/FAIL and never changes the exit status.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <iommu-resv.h>

#define NFUNCTIONS	16384
#define TARGET_MS	50.0

static double clock_ms(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

enum kind { ROOT_PORT, UPSTREAM, DOWNSTREAM, ENDPOINT };

static void config(uint8_t *c, enum kind k, bool acs, bool mf, uint8_t bus, uint8_t sec,
		   uint8_t sub)
{
	static const uint8_t type[] = { 4, 5, 6, 0 };

	memset(c, 0, 4096);
	c[0] = 0x86, c[1] = 0x80, c[2] = 0x00, c[3] = 0x10;
	c[0x0b] = k == ENDPOINT ? 0x02 : 0x06;
	c[0x0a] = k == ENDPOINT ? 0x00 : 0x04;
	c[0x0e] = (uint8_t)((k == ENDPOINT ? 0 : 1) | (mf ? 0x80 : 0));
	if (k != ENDPOINT) {
		c[0x18] = bus;
		c[0x19] = sec;
		c[0x1a] = sub;
	}
	c[0x06] = 0x10;
	c[0x34] = 0x40;
	c[0x40] = 0x10;
	c[0x42] = (uint8_t)(type[k] << 4 | 2);
	if (acs) {
		c[0x100] = 0x0d, c[0x102] = 0x01;
		c[0x104] = 0x5f;
		c[0x106] = 0x1d;
	}
}

static int add(struct resv_machine *m, uint16_t seg, uint8_t bus, uint8_t dev, uint8_t fn,
	       const uint8_t *c, size_t len, size_t *n)
{
	if (*n >= NFUNCTIONS)
		return 0;
	(*n)++;
	return resv_machine_add_pci(m, seg, bus, dev, fn, c, len);
}

/* One DRHD with INCLUDE_PCI_ALL per segment. */
static int add_dmar(struct resv_machine *m, unsigned int nseg)
{
	size_t len = 48 + 16 * nseg;
	uint8_t *b = calloc(1, len);
	uint8_t sum = 0;
	int rc;

	if (!b)
		return -1;
	memcpy(b, "DMAR", 4);
	b[4] = (uint8_t)len, b[5] = (uint8_t)(len >> 8);
	b[8] = 1;
	memcpy(b + 10, "BENCH ", 6);
	b[36] = 38;	/* host address width - 1 */
	for (unsigned int s = 0; s < nseg; s++) {
		uint8_t *d = b + 48 + 16 * s;

		d[2] = 16;
		d[4] = 1;	/* INCLUDE_PCI_ALL */
		d[6] = (uint8_t)s;
		d[8 + 2] = 0xd9 + (uint8_t)s, d[8 + 3] = 0xfe;	/* a base per unit */
	}
	for (size_t i = 0; i < len; i++)
		sum = (uint8_t)(sum + b[i]);
	b[9] = (uint8_t)-sum;
	rc = resv_machine_add_tables(m, b, len, "bench DMAR");
	free(b);
	return rc < 0 ? -1 : 0;
}

static struct resv_machine *build(size_t cfg_len)
{
	static uint8_t c[4096];
	struct resv_machine *m;
	size_t n = 0;
	unsigned int nseg = 0;

	if (resv_machine_new(&m) < 0)
		return NULL;
	for (uint16_t seg = 0; n < NFUNCTIONS; seg++, nseg++) {
		for (uint8_t k = 0; k < 25; k++) {
			uint8_t sec = (uint8_t)(1 + 10 * k);

			config(c, ROOT_PORT, true, false, 0, sec, (uint8_t)(sec + 9));
			if (add(m, seg, 0, k, 0, c, cfg_len, &n) < 0)
				goto fail;
		}
		for (uint8_t k = 0; k < 25; k++) {
			uint8_t ub = (uint8_t)(1 + 10 * k), db = (uint8_t)(ub + 1);

			config(c, UPSTREAM, false, false, ub, db, (uint8_t)(db + 8));
			if (add(m, seg, ub, 0, 0, c, cfg_len, &n) < 0)
				goto fail;
			for (uint8_t d = 0; d < 8; d++) {
				config(c, DOWNSTREAM, d % 2 == 0, false, db, (uint8_t)(db + 1 + d),
				       (uint8_t)(db + 1 + d));
				if (add(m, seg, db, d, 0, c, cfg_len, &n) < 0)
					goto fail;
			}
			for (uint8_t d = 0; d < 8; d++)
				for (uint8_t f = 0; f < 8; f++) {
					config(c, ENDPOINT, d % 2 == 1, f == 0, 0, 0, 0);
					if (add(m, seg, (uint8_t)(db + 1 + d), 0, f, c, cfg_len,
						&n) < 0)
						goto fail;
				}
		}
	}
	if (add_dmar(m, nseg) < 0)
		goto fail;
	return m;
fail:
	resv_machine_free(m);
	return NULL;
}

/* Best of five: wall clock, and the process's CPU time in *@cpu (a loaded machine). */
static double measure(struct resv_machine *m, size_t *ngroups, size_t *ncoarse, bool *exact,
		      size_t *nundecided, double *cpu)
{
	double best = 1e30;

	*cpu = 1e30;
	for (int r = 0; r < 5; r++) {
		struct resv_group_prediction *p;
		double t0 = clock_ms(CLOCK_MONOTONIC), c0 = clock_ms(CLOCK_PROCESS_CPUTIME_ID), t, c;

		if (resv_machine_predict_groups(m, &p) < 0)
			return -1;
		t = clock_ms(CLOCK_MONOTONIC) - t0;
		c = clock_ms(CLOCK_PROCESS_CPUTIME_ID) - c0;
		best = t < best ? t : best;
		*cpu = c < *cpu ? c : *cpu;
		*ngroups = resv_group_prediction_count(p, RESV_BOUND_FINEST);
		*ncoarse = resv_group_prediction_count(p, RESV_BOUND_COARSEST);
		*exact = resv_group_prediction_exact(p);
		*nundecided = resv_group_prediction_undecided(p, NULL);
		resv_group_prediction_free(p);
	}
	return best;
}

int main(void)
{
	static const size_t lens[] = { 4096, 256 };

	for (size_t i = 0; i < 2; i++) {
		struct resv_machine *m = build(lens[i]);
		size_t ngroups = 0, ncoarse = 0, nundecided = 0;
		bool exact = false;
		double ms, cpu;

		if (!m) {
			fprintf(stderr, "bench-groups: building the topology failed\n");
			return 1;
		}
		ms = measure(m, &ngroups, &ncoarse, &exact, &nundecided, &cpu);
		if (ms < 0) {
			fprintf(stderr, "bench-groups: prediction failed\n");
			resv_machine_free(m);
			return 1;
		}
		printf("groups: %zu functions, %4zu-byte config: %7.2f ms (CPU %7.2f ms)  (%zu groups%s",
		       resv_machine_device_count(m), lens[i], ms, cpu, ngroups,
		       exact ? ", exact" : "");
		if (!exact)
			printf("; coarsest %zu, %zu deciding ports", ncoarse, nundecided);
		printf(")");
		if (lens[i] == 4096)
			printf("  target < %.0f ms: %s", TARGET_MS, ms < TARGET_MS ? "PASS" : "FAIL");
		printf("\n");
		resv_machine_free(m);
	}
	return 0;
}
