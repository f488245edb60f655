/*
 * replay_diff.h - comparing a live reply with the captured one, field by field, under a mask.
 *
 * A reply is flattened into named fields ("rpc.accept_stat", "status", "op[1].SEQUENCE.status",
 * "op[1].SEQUENCE.sr_status_flags", ...), each rendered as text. Fields that echo the call
 * (sr_sequenceid, csr_sequence, the session ids of SEQUENCE and BIND_CONN_TO_SESSION) are
 * rendered relative to the call each reply answers ("= call" or the difference), so they compare
 * equal across servers when both echo correctly. What legitimately differs between two correct
 * servers is masked by default (shown, not compared):
 *
 *   ids the server chose    eir_clientid, eir_sequenceid, csr_sessionid, filehandles
 *   verifiers and owners    eir_server_owner, eir_server_scope, eir_server_impl_id, rpc.verf
 *   negotiated limits       csr_fore_chan_attrs.*, csr_back_chan_attrs.*, sr_highest_slotid,
 *                           sr_target_highest_slotid (the slot table is the server's choice)
 *   what the server is      eir_flags.server (its pNFS role USE_*, SUPP_MOVED_REFER/MIGR)
 *   attribute values        GETATTR obj_attributes (times, fileids, sizes)
 *   raw op results          the result bytes of ops kept as raw XDR (stateids, change info)
 *
 * A mask entry names a field by its last component (sr_target_highest_slotid) or a prefix of
 * it ending in '.' or '*' (csr_fore_chan_attrs.*); the user adds entries and removes defaults.
 */
#ifndef NFS41_PCAP_REPLAY_DIFF_H
#define NFS41_PCAP_REPLAY_DIFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "wire.h"

#define DIFF_NAME_MAX 96
#define DIFF_VALUE_MAX 96
#define DIFF_MASK_MAX 64

struct diff_field {
	char name[DIFF_NAME_MAX];
	char value[DIFF_VALUE_MAX];
};

struct diff_fields {
	struct diff_field *f;
	size_t n, cap;
};

struct diff_mask {
	const char *entries[DIFF_MASK_MAX];
	size_t n;
};

/* The default mask above. */
void diff_mask_default(struct diff_mask *m);
/* Add (or, with remove, take out) an entry; -1 when the mask is full. */
int diff_mask_set(struct diff_mask *m, const char *entry, bool remove);
bool diff_mask_covers(const struct diff_mask *m, const char *field);
/* The default mask, one entry per line, for --help. */
void diff_mask_print(FILE *out, const struct diff_mask *m);

/* Flatten a reply (decoded, or NULL with why: "no reply within 5 s") given the call it answers
 * (the call's fields make echo fields relative). Returns 0, -1 when out of memory. */
int diff_fields_of_reply(const struct wire_msg *reply, const char *why, const struct wire_msg *call,
			 struct diff_fields *out);
void diff_fields_free(struct diff_fields *f);

/* One unmasked field that differs (or is present on one side only). */
struct diff_mismatch {
	const char *name;
	const char *captured; /* "(absent)" when only the live reply has it */
	const char *live;
};

/* Compare: fills up to max mismatches and returns how many unmasked fields differ. */
size_t diff_compare(const struct diff_fields *captured, const struct diff_fields *live,
		    const struct diff_mask *m, struct diff_mismatch *out, size_t max);

/* Both replies side by side, one field per line, '!' on differing unmasked fields, '~' on
 * masked ones that differ. */
void diff_print_side_by_side(FILE *out, const struct diff_fields *captured,
			     const struct diff_fields *live, const struct diff_mask *m);

#endif
