/*
 * sm_harness.h - drive the state machine in-process for unit tests: a fake clock, real encoded
 * COMPOUND records in, decoded replies out, and builders for the session ops' arguments.
 */
#ifndef NFS41_REFSERVER_SM_HARNESS_H
#define NFS41_REFSERVER_SM_HARNESS_H

#include <stdbool.h>
#include <stdint.h>

#include "sm.h"
#include "wire.h"

/* The fake clock every harness state machine reads (milliseconds; starts at 1000). */
extern uint64_t harness_now;

/* A state machine with the profile's defaults and the given lease; or with limits l. */
struct sm *harness_sm(uint32_t lease_seconds);
struct sm *harness_sm_limits(const struct sm_limits *l);

/* Encode one call (AUTH_SYS uid 0 gid 0) of prog/vers/proc with ops as its COMPOUND. */
size_t harness_encode_call(uint32_t xid, uint32_t prog, uint32_t vers, uint32_t proc,
			   const struct nfs_argop *ops, uint32_t nops, uint8_t *buf, size_t cap);

/* Send ops as a COMPOUND on conn; the decoded reply in *out (wire_msg_free it), the raw reply
 * record in *raw when raw is not NULL (free it). */
enum sm_action harness_call(struct sm *s, uint64_t conn, const struct nfs_argop *ops,
			    uint32_t nops, struct wire_msg *out, uint8_t **raw, size_t *rawlen);
/* The COMPOUND status of sending ops on conn. */
uint32_t harness_status(struct sm *s, uint64_t conn, const struct nfs_argop *ops, uint32_t nops);

struct nfs_argop harness_exchange_id(const char *owner, uint32_t flags);
struct nfs_argop harness_create_session(uint64_t clientid, uint32_t seq, uint32_t slots);
struct nfs_argop harness_sequence(const uint8_t sid[16], uint32_t slot, uint32_t seqid,
				  bool cachethis);
/* EXCHANGE_ID(owner) + CREATE_SESSION (4 fore slots) on conn: the session id and client id. */
void harness_open_session(struct sm *s, uint64_t conn, const char *owner, uint8_t sid[16],
			  uint64_t *clientid);

#endif
