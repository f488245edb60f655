/*
 * rpcgen_fileop_samples.h - one rpcgen-encoded sample per union arm of the
 * file ops our library keeps raw (OPEN, CREATE, CLOSE, READDIR, RENAME,
 * WRITE), to hold our validators in nfs4_fileops.c against an independent
 * encoder for arms the captures never carry.
 */
#ifndef NFS41_TESTS_RPCGEN_FILEOP_SAMPLES_H
#define NFS41_TESTS_RPCGEN_FILEOP_SAMPLES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RX_SAMPLE_MAX 256

struct rx_fileop_sample {
	const char *name; /* e.g. "OPEN4args claim CLAIM_DELEG_CUR_FH" */
	uint32_t op;      /* nfs_opnum4 */
	bool is_resok;    /* the resok arm of an NFS4_OK result; else the arguments */
	bool encoded;     /* rpcgen encoded it into data (false: a bug in the sample) */
	uint8_t data[RX_SAMPLE_MAX];
	uint32_t len;
};

/* Fill out[0..cap) with samples; returns how many exist (more than cap: some were left out). */
size_t rx_fileop_samples(struct rx_fileop_sample *out, size_t cap);

#endif
