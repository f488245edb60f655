/*
 * livefuzz_mutate.h - the mutators of `nfs41check fuzz` (a grammar-aware fuzzer of a live
 * NFSv4.1 server): a seeded PRNG, the remapping of a seed call onto the fuzzer's own client
 * and session, and one mutator per mutation class.
 *
 * Everything here is a pure function of its inputs and the PRNG state: the same seed call, ids
 * and PRNG state give the same bytes, so a run is reproducible from its --seed and the unit
 * tests can pin each class. Nothing here does I/O.
 *
 * Mutation classes and what each may do to the stream (decides the oracle, see lf_expect):
 *   FIELD     decode the call with wire/, change one field at the struct level (ids, seqids,
 *             slot ids, counts, flags, lengths, channel attributes, strings), re-encode
 *   OPLIST    insert, delete, duplicate, swap or replace ops; overstate or understate the op
 *             count on the wire
 *   BYTES     the encoded record: overwrite a word, flip a bit, cut or append bytes
 *   SPLIT     valid record marking in odd fragment sizes, with zero-length fragments
 *             (RFC 5531 s11): the server must reassemble and answer as usual
 *   FRAMING   broken record marking: last-fragment bit missing, fragment length over or under
 *             the bytes sent, an oversized length, a cut inside a fragment header or payload,
 *             an empty record (RFC 5531 s11, RFC 8881 s2.9.2)
 */
#ifndef NFS41_ENGINE_LIVEFUZZ_MUTATE_H
#define NFS41_ENGINE_LIVEFUZZ_MUTATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nfs4_const.h"

#define LF_MAX_RECORD (64u << 10)          /* no mutated record is larger */
#define LF_MAX_WIRE (LF_MAX_RECORD + 4096u) /* ... nor its bytes with record marking */
#define LF_MAX_SLOTS 16u                   /* slots of the fuzzer's own session */
#define LF_MAX_OPS 96u                     /* ops in a mutated COMPOUND (past 64: TOO_MANY_OPS land) */

/* xoshiro256** seeded through splitmix64: small, fast, the same on every platform. */
struct lf_rng {
	uint64_t s[4];
};

void lf_rng_seed(struct lf_rng *r, uint64_t seed);
uint64_t lf_rng_next(struct lf_rng *r);
/* Uniform in [0, n) (n > 0). */
uint32_t lf_rng_below(struct lf_rng *r, uint32_t n);
/* True one time in n. */
bool lf_rng_one_in(struct lf_rng *r, uint32_t n);

enum lf_class {
	LF_CLASS_NONE,    /* the remapped seed as is */
	LF_CLASS_FIELD,
	LF_CLASS_OPLIST,
	LF_CLASS_BYTES,
	LF_CLASS_SPLIT,
	LF_CLASS_FRAMING,
	LF_CLASS_COUNT
};

/* What the server may do with a mutant: the oracle of its class and what survived of it. */
enum lf_expect {
	LF_EXPECT_REPLY, /* intact framing and RPC call header: a well-formed reply with its xid
			    by the reply timeout (RFC 5531 s9: every call is answered, even when
			    its arguments are garbage: GARBAGE_ARGS) */
	LF_EXPECT_ANSWER, /* as REPLY, but the call's content was mutated (field, op list, bytes):
			     a close is allowed too (RPC-03: RFC 8881 s2.9.2 lets a replier that
			     will not answer close the connection), silence is not (RPC-19) */
	LF_EXPECT_MAYBE, /* intact framing, the call header does not decode (RFC 5531 gives no
			    reply for what is not a call): a reply, silence or a close, but the
			    connection must still answer the next call or be closed */
	LF_EXPECT_ANY,   /* broken framing: the stream cannot be resynchronised (RFC 5531 s11), so
			    a close, silence or well-formed replies; the fuzzer drops the connection */
};

const char *lf_class_name(enum lf_class c);
const char *lf_expect_name(enum lf_expect e);

/* The fuzzer's own client and session, onto which seeds are remapped. */
struct lf_ids {
	bool have_client, have_session;
	uint64_t clientid;
	uint32_t csa_sequence; /* the next CREATE_SESSION's */
	uint8_t sessionid[NFS4_SESSIONID_SIZE];
	uint32_t nslots;
	uint32_t slot_seqid[LF_MAX_SLOTS]; /* last seqid used on each slot */
};

struct lf_mutant {
	enum lf_class cls;
	enum lf_expect expect;
	uint32_t xid;
	uint8_t rec[LF_MAX_RECORD]; /* the record, without record marking */
	size_t rec_len;
	uint8_t wire[LF_MAX_WIRE]; /* the bytes for the socket */
	size_t wire_len;
	bool compound;          /* rec decodes strictly as a COMPOUND call: ops[] below are it */
	uint32_t nops;
	uint32_t ops[LF_MAX_OPS];
	uint32_t minorversion;
	bool header;            /* the RPC call header decodes: prog, vers, proc below are it */
	uint32_t prog, vers, proc;
	char what[160];         /* "FIELD SEQUENCE.sa_slotid = 0xffffffff" */
};

/*
 * The seed call rec (an RPC call record) with xid set and its client id, session id,
 * csa_sequence, slot ids and slot seqids remapped onto ids (mostly; now and then a stale one
 * is kept, so unknown-id paths are reached too). Writes the record to out (cap bytes) and
 * returns its length, or 0 when the seed does not decode or does not fit.
 */
size_t lf_remap(const uint8_t *rec, size_t len, uint32_t xid, const struct lf_ids *ids,
		struct lf_rng *rng, uint8_t *out, size_t cap);

/*
 * Mutate the call record base (xid already set) with class cls into *m: the record, its
 * record-marked bytes, the expectation and a one-line description. Returns 0, or -1 when this
 * class cannot mutate this record (the caller picks another). m->rec_len <= LF_MAX_RECORD and
 * m->wire_len <= LF_MAX_WIRE always.
 */
int lf_mutate(const uint8_t *base, size_t len, enum lf_class cls, struct lf_rng *rng,
	      struct lf_mutant *m);

/* The expectation for a record sent with valid framing (REPLY or MAYBE), and its xid. */
enum lf_expect lf_expect_of_record(const uint8_t *rec, size_t len, uint32_t *xid);
struct nfs_argop;
/* An RPC call (AUTH_SYS uid 0, machine "nfs41check-fuzz"): NULL when n == 0 and proc is
 * NFSPROC4_NULL, else a COMPOUND of minor version minor. Returns the size (> cap: unusable). */
size_t lf_build_call(uint32_t xid, uint32_t proc, uint32_t minor, const struct nfs_argop *ops,
		     uint32_t n, uint8_t *buf, size_t cap);

/* Fill m's expect, xid, header, prog/vers/proc and op list from m->rec (valid framing). */
void lf_describe(struct lf_mutant *m);

#endif
