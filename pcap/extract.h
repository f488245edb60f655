/*
 * extract.h - `nfs41check pcap extract`: the RPC records of a capture as fuzz seeds, one file
 * each, named by a hash of their bytes so a record seen twice (in one capture or in several) is
 * one seed. Seeds take the input form of a harness in fuzz/: `compound` (an option byte, then
 * the record: fuzz_compound.c) or `raw` (the record alone).
 */
#ifndef NFS41_PCAP_EXTRACT_H
#define NFS41_PCAP_EXTRACT_H

#include <stdbool.h>
#include <stddef.h>

#include "rpcstream.h"

enum extract_form { EXTRACT_COMPOUND, EXTRACT_RAW };

struct extract_opts {
	const char *dir;          /* the corpus folder (created when missing) */
	enum extract_form form;
	bool replies;             /* replies too (calls only by default) */
	struct rpc_read_opts read;
};

struct extract_result {
	struct rpc_stats st;
	unsigned long written, duplicates;
};

/* Returns 0, or -1 with err filled (the capture cannot be read, a seed cannot be written). */
int pcap_extract_file(const char *path, const struct extract_opts *o, struct extract_result *res,
		      char *err, size_t errlen);

#endif
