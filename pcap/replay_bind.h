/*
 * replay_bind.h - the binding table of `nfs41check pcap replay`: what the captured server handed
 * out, mapped to what the live server handed out for the same request, so that captured calls
 * make sense to another server.
 *
 *   client ids       captured eir_clientid -> live eir_clientid (EXCHANGE_ID, RFC 8881 s18.35)
 *   csa_sequence     captured csa - captured eir_sequenceid + live eir_sequenceid, so a
 *                    replayed or misordered CREATE_SESSION stays one (s18.36.4)
 *   session ids      captured csr_sessionid -> live csr_sessionid (s18.36)
 *   slot seqids      unchanged for a session the capture created (both servers start every slot
 *                    at 1, s2.10.6.1); for a session the replay had to create itself, rebased at
 *                    each slot's first use so that use is the live slot's next seqid
 *   filehandles      GETFH results -> PUTFH arguments (s18.19, s18.8)
 *   stateids         the "other" field of OPEN, LOCK and OPEN_DOWNGRADE results -> the stateid
 *                    arguments of CLOSE, READ, WRITE, SETATTR, LOCKU, DELEGRETURN,
 *                    OPEN_DOWNGRADE, FREE_STATEID (ops the wire library keeps as raw XDR)
 *   client owners    made unique to the run (same length, last bytes replaced), so a second
 *                    replay against a long-lived server is not a client restart (s2.4)
 *
 * Learned from (captured reply, live reply) pairs to the same call; applied to each captured call
 * before it is sent. Bounded: past BIND_MAX entries of a kind, new values are not learned.
 */
#ifndef NFS41_PCAP_REPLAY_BIND_H
#define NFS41_PCAP_REPLAY_BIND_H

#include <stdbool.h>
#include <stdint.h>

#include "wire.h"

#define BIND_MAX 4096u

struct replay_bindings;

/* What a call refers to that the table does not know: the replay creates its own first. */
struct bind_need {
	bool session;          /* a session id the capture never created */
	uint8_t sessionid[NFS4_SESSIONID_SIZE];
	bool client;           /* a client id the capture never got (CREATE_SESSION, DESTROY_CLIENTID) */
	uint64_t clientid;
	uint32_t csa_sequence; /* ... and the csa_sequence the call uses with it */
};

/* nonce makes the client owners unique to this run; keep_owners sends them as captured. */
struct replay_bindings *bindings_new(uint64_t nonce, bool keep_owners);
void bindings_free(struct replay_bindings *b);

/* The ids the call uses that the table does not know (need zeroed when none). */
void bindings_missing(const struct replay_bindings *b, const struct wire_msg *call,
		      struct bind_need *need);
/* A captured session bound to one the replay created: its slots are rebased at first use. */
void bindings_add_own_session(struct replay_bindings *b, const uint8_t captured[NFS4_SESSIONID_SIZE],
			      const uint8_t live[NFS4_SESSIONID_SIZE]);
/* A captured client id bound to one the replay created: captured_csa maps to live_eir. */
void bindings_add_own_client(struct replay_bindings *b, uint64_t captured, uint64_t live,
			     uint32_t captured_csa, uint32_t live_eir);

/*
 * Rewrite a decoded captured call in place for the live server. Slices it changes point into
 * memory b owns until the next call of bindings_rewrite (the caller encodes before that).
 * Returns how many values were replaced.
 */
unsigned bindings_rewrite(struct replay_bindings *b, struct wire_msg *call);

/* Learn from the captured and the live reply to the same call (NULL: not decodable). */
void bindings_learn(struct replay_bindings *b, const struct wire_msg *cap_reply,
		    const struct wire_msg *live_reply);

/* The slot seqid offset of a captured session's slot (0 when not rebased), for messages. */
int64_t bindings_seqid_offset(const struct replay_bindings *b,
			      const uint8_t captured[NFS4_SESSIONID_SIZE], uint32_t slot);

#endif
