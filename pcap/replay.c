/* replay.c - `nfs41check pcap replay` (see replay.h). */
#include "replay.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "conn.h"
#include "replay_bind.h"
#include "wire.h"

#define NO_EVENT SIZE_MAX
#define MAX_SHOWN_MISMATCHES 32
#define CB_PROGRAM 0x40000000u /* the replay's own sessions: a transient program number */

#define EVENT_CLOSE 0xc105e  /* event.msg_type: the client closed or reset the connection */
#define MAX_GAP 120.0        /* seconds: the longest captured pause kept */

/* One captured NFS message (or the client's end of a connection), kept until the end. */
struct event {
	uint64_t frame, stream;
	double t;            /* capture time, seconds */
	int dir;             /* FLOW_TO_SERVER: the fore channel's calls, the back channel's replies */
	uint32_t xid, msg_type, proc;
	uint8_t *rec;
	size_t len;
};

/* What happened to a captured call. */
struct sent_call {
	bool sent;
	uint32_t live_xid;
	uint8_t *bytes;       /* the record sent (a retransmission resends it) */
	size_t len;
	double at;
	size_t next_same_xid, prev_same_xid; /* calls on the connection with the same xid */
	size_t chain_tail, chain_unpaired;   /* on a chain's first call: its last, its first unanswered */
	size_t pair;          /* a call's captured reply, a reply's call, or NO_EVENT */
	char note[256];       /* why not sent, or what the replay did besides sending */
};

struct live_conn {
	struct conn c;
	bool opened;
	bool no_callbacks; /* a callback the capture has did not come: stop waiting for them */
};

#define CB_MAP 64u /* the latest callbacks, for the client's answers to them */

/* A captured callback's xid and the live callback that stands for it. */
struct cb_binding {
	uint64_t stream;
	uint32_t cap_xid, live_xid;
};

struct replayer {
	const struct replay_opts *o;
	struct replay_stats *st;
	struct run_result *r;
	const char *path;
	char capname[96];
	struct event *ev;
	size_t nev, capev;
	struct sent_call *sc;         /* by event index (calls only) */
	size_t *index;                /* (stream, xid) -> first call event, open addressing */
	size_t index_mask;
	uint64_t index_seed;          /* from the index's address (ASLR): no xids to craft against */
	struct live_conn *conns;      /* by captured stream number */
	size_t nconns;
	struct replay_bindings *b;
	struct cb_binding cb_map[CB_MAP];
	size_t ncb;
	uint32_t next_xid;
	unsigned own_owners;
	bool own_client_unbound;      /* the client made for a session the capture started inside: */
	uint64_t own_client;          /* its captured id is not known yet */
	uint32_t own_next_csa;
	char own_failed[200];         /* making a client of its own failed: why (not tried again) */
	double t0, timeout;
	bool failed;                  /* out of memory */
	size_t case_cap;              /* room in r->cases */
	uint64_t case_frame;          /* the frame of the last case, and how many cases it has */
	unsigned same_frame;
	unsigned char *last_of_stream; /* by event: 1 on a connection's last event */
};

/* ---- reading the capture --------------------------------------------------------------------- */

static struct event *new_event(struct replayer *x)
{
	if (x->nev == x->capev) {
		size_t cap = x->capev ? x->capev * 2 : 256;
		struct event *n = realloc(x->ev, cap * sizeof(*n));

		if (!n) {
			x->failed = true;
			return NULL;
		}
		x->ev = n, x->capev = cap;
	}
	return &x->ev[x->nev];
}

static void on_closed(void *ctx, const struct flow *f, int dir, bool reset, uint64_t frame,
		      struct timeval ts)
{
	struct replayer *x = ctx;
	struct event *e;

	/* The client's close and either side's reset are replayed; the server's own orderly close
	 * is the live server's to make (or not). */
	if (dir != FLOW_TO_SERVER && !reset)
		return;
	if (!(e = new_event(x)))
		return;
	*e = (struct event){.frame = frame, .stream = f->stream, .msg_type = EVENT_CLOSE,
			    .t = (double)ts.tv_sec + ts.tv_usec / 1e6};
	x->nev++;
}

static void on_message(void *ctx, const struct rpc_message *m)
{
	struct replayer *x = ctx;
	struct event *e = new_event(x);

	if (!e)
		return;
	*e = (struct event){.frame = m->frame, .stream = m->flow->stream, .xid = m->xid, .dir = m->dir,
			    .msg_type = m->msg_type, .proc = m->proc, .len = m->len,
			    .t = (double)m->ts.tv_sec + m->ts.tv_usec / 1e6};
	if (!(e->rec = malloc(m->len ? m->len : 1))) {
		x->failed = true;
		return;
	}
	memcpy(e->rec, m->rec, m->len);
	x->nev++;
}

static void on_warning(void *ctx, uint64_t frame, const char *text)
{
	const struct replayer *x = ctx;

	if (x->o->out && x->o->verbose)
		fprintf(x->o->out, "frame %" PRIu64 ": %s\n", frame, text);
}

/* The fore channel: the client's calls and the server's replies. The back channel (RFC 8881
 * s2.10.3.1) is the other way round. */
static bool is_fore_call(const struct event *e)
{
	return e->msg_type == ONCRPC_CALL && e->dir == FLOW_TO_SERVER;
}

static bool is_fore_reply(const struct event *e)
{
	return e->msg_type == ONCRPC_REPLY && e->dir == FLOW_TO_CLIENT;
}

/* ---- the (stream, xid) index ----------------------------------------------------------------- */

/* xids come from the capture: the seed goes in before a multiplication, so which xids share a
 * slot differs from run to run and a crafted capture cannot make the probes quadratic. */
static size_t slot_of(const struct replayer *x, uint64_t stream, uint32_t xid)
{
	uint64_t h = ((uint64_t)xid ^ x->index_seed) * 0xff51afd7ed558ccdull;

	h ^= stream * 0x9e3779b97f4a7c15ull;
	h ^= h >> 32;
	h *= 0xc4ceb9fe1a85ec53ull;
	return (size_t)(h ^ (h >> 29)) & x->index_mask;
}

/* The first call with this stream and xid, or NO_EVENT. */
static size_t index_find(const struct replayer *x, uint64_t stream, uint32_t xid)
{
	for (size_t s = slot_of(x, stream, xid);; s = (s + 1) & x->index_mask) {
		size_t i = x->index[s];

		if (i == NO_EVENT || (x->ev[i].stream == stream && x->ev[i].xid == xid))
			return i;
	}
}

/* Pair reply j with the oldest transmission of its call that has no reply yet (the chain's
 * head keeps a cursor to it: each pairing is O(1)). */
static void index_answer(struct replayer *x, size_t j)
{
	size_t head = index_find(x, x->ev[j].stream, x->ev[j].xid), c;

	if (head == NO_EVENT || (c = x->sc[head].chain_unpaired) == NO_EVENT)
		return;
	x->sc[c].pair = j;
	x->sc[j].pair = c;
	x->sc[head].chain_unpaired = x->sc[c].next_same_xid;
}

/* Call i joins the chain of calls with its stream and xid (a new chain when it is the first). */
static void index_add_call(struct replayer *x, size_t i)
{
	const struct event *e = &x->ev[i];
	size_t head = index_find(x, e->stream, e->xid);

	if (head == NO_EVENT) {
		size_t s = slot_of(x, e->stream, e->xid);

		while (x->index[s] != NO_EVENT)
			s = (s + 1) & x->index_mask;
		x->index[s] = i;
		x->sc[i].chain_tail = x->sc[i].chain_unpaired = i;
		return;
	}
	x->sc[i].prev_same_xid = x->sc[head].chain_tail;
	x->sc[x->sc[head].chain_tail].next_same_xid = i;
	x->sc[head].chain_tail = i;
	if (x->sc[head].chain_unpaired == NO_EVENT)
		x->sc[head].chain_unpaired = i;
}

/* Each connection's last event, where the replay closes its live connection: a capture of
 * thousands of connections without FINs must not hold thousands open. */
static int mark_last_events(struct replayer *x)
{
	uint64_t nstreams = 0;
	unsigned char *seen;

	for (size_t i = 0; i < x->nev; i++)
		if (x->ev[i].stream >= nstreams)
			nstreams = x->ev[i].stream + 1;
	x->last_of_stream = calloc(x->nev ? x->nev : 1, 1);
	seen = calloc(nstreams ? nstreams : 1, 1);
	if (!x->last_of_stream || !seen) {
		free(seen);
		return -1;
	}
	for (size_t i = x->nev; i-- > 0;)
		if (!seen[x->ev[i].stream])
			seen[x->ev[i].stream] = x->last_of_stream[i] = 1;
	free(seen);
	return 0;
}

static int index_build(struct replayer *x)
{
	size_t size = 16;

	while (size < 2 * x->nev + 2)
		size *= 2;
	x->index = malloc(size * sizeof(*x->index));
	x->sc = calloc(x->nev ? x->nev : 1, sizeof(*x->sc));
	if (!x->index || !x->sc)
		return -1;
	x->index_mask = size - 1;
	x->index_seed = (uint64_t)(uintptr_t)x->index * 0x9e3779b97f4a7c15ull;
	for (size_t s = 0; s < size; s++)
		x->index[s] = NO_EVENT;
	if (mark_last_events(x) != 0)
		return -1;
	for (size_t i = 0; i < x->nev; i++) {
		struct sent_call *c = &x->sc[i];

		c->next_same_xid = c->prev_same_xid = c->pair = NO_EVENT;
		c->chain_tail = c->chain_unpaired = NO_EVENT;
		if (is_fore_reply(&x->ev[i]))
			index_answer(x, i);
		else if (is_fore_call(&x->ev[i]))
			index_add_call(x, i);
	}
	return 0;
}

/*
 * The earlier transmission call i retransmits, or NO_EVENT: the previous call with its stream
 * and xid, unless the capture answered that one before i was sent (then the client reused the
 * xid for a new request, RFC 5531 s9 leaves that to it).
 */
static size_t previous_transmission(const struct replayer *x, size_t i)
{
	size_t prev = x->sc[i].prev_same_xid;

	if (prev != NO_EVENT && x->sc[prev].pair != NO_EVENT && x->sc[prev].pair < i)
		return NO_EVENT;
	return prev;
}

/* The call a captured reply answers (paired by index_build), or NO_EVENT. */
static size_t call_of_reply(const struct replayer *x, size_t j)
{
	return x->sc[j].pair;
}

/* ---- live connections ------------------------------------------------------------------------ */

static struct live_conn *live_conn_for(struct replayer *x, uint64_t stream, char *why, size_t n)
{
	struct live_conn *lc;

	if (stream >= x->nconns) {
		size_t cap = x->nconns * 2 > stream + 16 ? x->nconns * 2 : stream + 16;
		struct live_conn *nc = realloc(x->conns, cap * sizeof(*nc));

		if (!nc) {
			snprintf(why, n, "out of memory");
			return NULL;
		}
		memset(nc + x->nconns, 0, (cap - x->nconns) * sizeof(*nc));
		x->conns = nc, x->nconns = cap;
	}
	lc = &x->conns[stream];
	if (lc->opened && lc->c.fd >= 0 && !lc->c.peer_closed)
		return lc;
	if (lc->opened) /* the live server closed the connection the capture kept: reconnect */
		conn_close(&lc->c);
	if (conn_open(&lc->c, (int)stream, x->o->host, x->o->port, conn_now() + x->timeout, NULL,
		      why, n) != 0)
		return NULL;
	lc->opened = true;
	x->st->connections++;
	return lc;
}

/* Encode m into a new buffer. */
static uint8_t *encode_new(const struct wire_msg *m, size_t *len)
{
	size_t need = wire_msg_encode(m, NULL, 0);
	uint8_t *buf = malloc(need ? need : 1);

	if (buf)
		wire_msg_encode(m, buf, need);
	*len = need;
	return buf;
}

/* Send a one-op COMPOUND of the replay's own with the captured call's credential; on NFS4_OK,
 * *result is its op's result (fixed-size fields only: its slices die with the reply). */
static int own_call(struct replayer *x, struct live_conn *lc, const struct wire_msg *cap,
		    struct nfs_argop *op, struct nfs_resop *result, char *why, size_t n)
{
	struct wire_msg m = {.msg_type = ONCRPC_CALL, .call = cap->call, .is_compound = true,
			     .args = {.minorversion = 1, .argarray_len = 1, .argarray = op}};
	struct wire_decode_opts wo = {.reply_proc = NFSPROC4_COMPOUND};
	struct wire_msg reply = {0};
	struct conn_reply rec = {0};
	struct wire_error we;
	size_t len;
	uint8_t *buf;
	int rc;

	m.call.proc = NFSPROC4_COMPOUND;
	m.call.xid = x->next_xid++;
	if (!(buf = encode_new(&m, &len))) {
		snprintf(why, n, "out of memory");
		return -1;
	}
	rc = conn_send_record(&lc->c, buf, len, 0, why, n);
	free(buf);
	if (rc != 0)
		return -1;
	rc = -1;
	if (conn_wait_reply(&lc->c, m.call.xid, conn_now() + x->timeout, &rec) != CONN_GOT_REPLY)
		snprintf(why, n, "no reply within %g s", x->timeout);
	else if (wire_msg_decode(rec.rec, rec.len, &wo, &reply, &we) != WIRE_OK ||
		 !reply.is_compound || reply.res.status != NFS4_OK || reply.res.resarray_len < 1)
		snprintf(why, n, "%s", reply.is_compound ? nfs4_status_name(reply.res.status)
							: "not an NFSv4 COMPOUND reply");
	else
		*result = reply.res.resarray[0], rc = 0;
	wire_msg_free(&reply);
	free(rec.rec);
	return rc;
}

/* EXCHANGE_ID with an owner of the replay's own (RFC 8881 s18.35). */
static int own_exchange_id(struct replayer *x, struct live_conn *lc, const struct wire_msg *cap,
			   uint64_t *clientid, uint32_t *sequenceid, char *why, size_t n)
{
	char owner[64];
	int len = snprintf(owner, sizeof(owner), "nfs41check-replay-%016" PRIx64 "-%u", x->o->nonce,
			   ++x->own_owners);
	/* eia_flags 0, eia_state_protect SP4_NONE (zero) */
	struct nfs_argop op = {.op = OP_EXCHANGE_ID,
			       .u.exchange_id.eia_clientowner.co_ownerid = {(const uint8_t *)owner,
									    (uint32_t)len}};
	struct nfs_resop res;

	memcpy(op.u.exchange_id.eia_clientowner.co_verifier, &x->o->nonce, NFS4_VERIFIER_SIZE);
	if (own_call(x, lc, cap, &op, &res, why, n) != 0)
		return -1;
	*clientid = res.u.exchange_id.eir_clientid;
	*sequenceid = res.u.exchange_id.eir_sequenceid;
	return 0;
}

/* CREATE_SESSION with roomy fore channel limits the server may lower (RFC 8881 s18.36.3). */
static int own_create_session(struct replayer *x, struct live_conn *lc, const struct wire_msg *cap,
			      uint64_t clientid, uint32_t sequence, uint8_t *sessionid, char *why,
			      size_t n)
{
	struct nfs_argop op = {.op = OP_CREATE_SESSION};
	struct CREATE_SESSION4args *a = &op.u.create_session;
	struct callback_sec_parms4 sec = {.cb_secflavor = ONCRPC_AUTH_NONE};
	struct nfs_resop res;

	a->csa_clientid = clientid, a->csa_sequence = sequence;
	/* As much as a captured session could have used: the server lowers what it must. */
	a->csa_fore_chan_attrs = (struct channel_attrs4){.ca_maxrequestsize = CONN_MAX_RECORD,
		.ca_maxresponsesize = CONN_MAX_RECORD, .ca_maxresponsesize_cached = 64u << 10,
		.ca_maxoperations = WIRE_MAX_OPS_DEFAULT, .ca_maxrequests = 1024};
	a->csa_back_chan_attrs = (struct channel_attrs4){.ca_maxrequestsize = 4096,
		.ca_maxresponsesize = 4096, .ca_maxoperations = 2, .ca_maxrequests = 1};
	a->csa_cb_program = CB_PROGRAM;
	a->csa_sec_parms_count = 1;
	a->csa_sec_parms = &sec; /* own_call encodes it before we return */
	if (own_call(x, lc, cap, &op, &res, why, n) != 0)
		return -1;
	memcpy(sessionid, res.u.create_session.csr_sessionid, NFS4_SESSIONID_SIZE);
	return 0;
}

/* The capture starts inside a session (or after an EXCHANGE_ID): make our own, on the call's
 * connection and with its credential, and bind the captured ids to it. */
static void create_own_state(struct replayer *x, struct live_conn *lc, const struct wire_msg *cap,
			     const struct bind_need *need, struct sent_call *s)
{
	uint8_t sid[NFS4_SESSIONID_SIZE];
	uint64_t clientid;
	uint32_t seq;
	char why[160];

	if (need->client && !need->session && x->own_client_unbound) {
		/* The client behind the session the capture started inside: ours stands for it. */
		bindings_add_own_client(x->b, need->clientid, x->own_client, need->csa_sequence,
					x->own_next_csa);
		x->own_client_unbound = false;
		return;
	}
	if (x->own_failed[0]) {
		snprintf(s->note, sizeof(s->note), "%s", x->own_failed);
		return;
	}
	if (own_exchange_id(x, lc, cap, &clientid, &seq, why, sizeof(why)) != 0) {
		snprintf(x->own_failed, sizeof(x->own_failed), "could not create a client of its own: %s",
			 why);
		snprintf(s->note, sizeof(s->note), "%s", x->own_failed);
		return;
	}
	if (need->client) {
		bindings_add_own_client(x->b, need->clientid, clientid, need->csa_sequence, seq);
		x->st->own_clients++;
		snprintf(s->note, sizeof(s->note), "the capture starts after EXCHANGE_ID: the replay "
			 "made its own client");
	}
	if (!need->session)
		return;
	if (own_create_session(x, lc, cap, clientid, seq, sid, why, sizeof(why)) != 0) {
		snprintf(s->note, sizeof(s->note), "could not create a session of its own: %s", why);
		return;
	}
	bindings_add_own_session(x->b, need->sessionid, sid);
	if (!need->client) {
		x->own_client_unbound = true;
		x->own_client = clientid, x->own_next_csa = seq + 1;
	}
	x->st->own_sessions++;
	snprintf(s->note, sizeof(s->note), "the capture starts inside a session: the replay made its "
		 "own and rebased the slot seqids");
}

/* The COMPOUND status the captured server answered the call with, or UINT32_MAX. */
static uint32_t captured_status(const struct replayer *x, const struct sent_call *s)
{
	struct wire_decode_opts wo = {.reply_proc = NFSPROC4_COMPOUND};
	struct wire_msg m;
	struct wire_error we;
	uint32_t status = UINT32_MAX;

	if (s->pair == NO_EVENT)
		return status;
	wire_msg_decode(x->ev[s->pair].rec, x->ev[s->pair].len, &wo, &m, &we);
	if (m.is_compound)
		status = m.res.status;
	wire_msg_free(&m);
	return status;
}

/*
 * Bootstrap what the call needs, then rewrite it with the binding table. An id the captured
 * server did not know either (it answered BADSESSION or STALE_CLIENTID) is a deliberately bad
 * one: it goes unmapped, as unknown to the live server as it was to the captured one.
 */
static void remap(struct replayer *x, struct live_conn *lc, struct wire_msg *w, struct sent_call *s)
{
	struct bind_need need;

	bindings_missing(x->b, w, &need);
	if (need.session || need.client) {
		uint32_t status = captured_status(x, s);

		need.session &= status != NFS4ERR_BADSESSION;
		need.client &= status != NFS4ERR_STALE_CLIENTID;
	}
	if (need.session || need.client)
		create_own_state(x, lc, w, &need, s);
	x->st->rewritten += bindings_rewrite(x->b, w);
	w->call.xid = s->live_xid;
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16), p[2] = (uint8_t)(v >> 8), p[3] = (uint8_t)v;
}

/* The captured record with only its xid replaced. */
static int copy_with_live_xid(const struct event *e, struct sent_call *s)
{
	if (!(s->bytes = malloc(e->len ? e->len : 1)))
		return -1;
	memcpy(s->bytes, e->rec, e->len);
	s->len = e->len;
	if (e->len >= 4)
		put_be32(s->bytes, s->live_xid);
	return 0;
}

/* A call that cannot be remapped (it does not decode, or only leniently): sent as captured. */
static int send_as_captured(struct replayer *x, const struct event *e, struct sent_call *s,
			    const char *why)
{
	x->st->raw_sent++;
	if (!s->note[0])
		snprintf(s->note, sizeof(s->note), "sent as captured, ids not remapped (%s)", why);
	return copy_with_live_xid(e, s);
}

/* SEQUENCE4args begins with sa_sessionid, sa_sequenceid, sa_slotid (RFC 8881 s18.46.1): read
 * them from the op's XDR (opcode first) into a decoded op; 1 when they are there. */
static unsigned sequence_head_read(const uint8_t *p, size_t n, struct nfs_argop *op)
{
	struct xdr_dec d;
	uint32_t opcode;

	xdr_dec_init(&d, p, n, 0);
	memset(op, 0, sizeof(*op));
	if (!xdr_get_u32(&d, "argop", &opcode) || opcode != OP_SEQUENCE ||
	    !xdr_get_fixed(&d, "sa_sessionid", op->u.sequence.sa_sessionid, NFS4_SESSIONID_SIZE) ||
	    !xdr_get_u32(&d, "sa_sequenceid", &op->u.sequence.sa_sequenceid) ||
	    !xdr_get_u32(&d, "sa_slotid", &op->u.sequence.sa_slotid))
		return 0;
	op->op = OP_SEQUENCE;
	op->undecoded = false;
	return 1;
}

/* A COMPOUND call whose decoding stopped in a SEQUENCE broken on purpose (cachethis 2, say):
 * that SEQUENCE still names its session, seqid and slot, which the remapping and the echo
 * comparison need. */
static bool complete_sequence_head(const uint8_t *rec, size_t len, struct wire_msg *w)
{
	uint32_t k;
	size_t plen;

	if (!w->is_compound || w->msg_type != ONCRPC_CALL || w->args.argarray_len == 0)
		return false;
	k = w->args.argarray_len - 1;
	if (!w->args.argarray[k].undecoded || w->args.argarray[k].op != OP_SEQUENCE)
		return false;
	w->args.argarray_len = k;
	plen = wire_msg_encode(w, NULL, 0); /* where op k starts (the prefix re-encodes as read) */
	w->args.argarray_len = k + 1;
	if (plen < len && sequence_head_read(rec + plen, len - plen, &w->args.argarray[k]))
		return true;
	w->args.argarray[k] = (struct nfs_argop){.op = OP_SEQUENCE, .undecoded = true};
	return false;
}

static void sequence_head_write(uint8_t *p, const struct SEQUENCE4args *a)
{
	memcpy(p + 4, a->sa_sessionid, NFS4_SESSIONID_SIZE);
	put_be32(p + 4 + NFS4_SESSIONID_SIZE, a->sa_sequenceid);
}

/*
 * A COMPOUND whose decoding stopped at op k (an op this library does not parse): ops 0..k-1
 * are remapped and re-encoded, the captured bytes from op k on follow unchanged, and the op
 * count is the captured one. Needs the prefix to re-encode byte for byte (it does for every
 * op the library decodes); otherwise the call goes as captured.
 */
static int encode_partial(struct replayer *x, struct live_conn *lc, const struct event *e,
			  struct wire_msg *w, struct sent_call *s)
{
	uint32_t k = w->args.argarray_len - 1, declared = w->args.declared_len;
	size_t plen, hlen, blen;
	uint8_t *prefix, *buf;
	bool head;

	w->args.argarray_len = 0;
	hlen = wire_msg_encode(w, NULL, 0); /* header, tag, minorversion, op count */
	w->args.argarray_len = k;
	prefix = encode_new(w, &plen);
	if (prefix && hlen <= plen)
		put_be32(prefix + hlen - 4, declared);
	if (!prefix || plen > e->len || memcmp(prefix, e->rec, plen) != 0) {
		free(prefix);
		return send_as_captured(x, e, s, "its ops do not re-encode as captured");
	}
	free(prefix);
	w->args.argarray_len = k + 1;
	head = complete_sequence_head(e->rec, e->len, w);
	remap(x, lc, w, s);
	w->args.argarray_len = k;
	if (!(buf = encode_new(w, &blen)) || !(s->bytes = realloc(buf, blen + e->len - plen))) {
		free(buf);
		return -1;
	}
	memcpy(s->bytes + blen, e->rec + plen, e->len - plen);
	put_be32(s->bytes + hlen - 4, declared);
	if (head) /* read from these bytes, so they are there */
		sequence_head_write(s->bytes + blen, &w->args.argarray[k].u.sequence);
	s->len = blen + e->len - plen;
	return 0;
}

/* Build the live record of a captured call. */
static int build_live_call(struct replayer *x, struct live_conn *lc, const struct event *e,
			   struct sent_call *s)
{
	struct wire_msg w;
	struct wire_error we;
	char es[WIRE_PATH_MAX + WIRE_DETAIL_MAX + 32];
	enum wire_status ws = wire_msg_decode(e->rec, e->len, NULL, &w, &we);
	int rc;

	if (ws == WIRE_OK && w.is_compound && w.warnings) {
		/* Non-zero padding or trailing bytes: re-encoding would clean what the capture sent. */
		rc = send_as_captured(x, e, s, "it decodes only leniently");
	} else if (ws == WIRE_OK && w.is_compound) {
		remap(x, lc, &w, s);
		rc = (s->bytes = encode_new(&w, &s->len)) ? 0 : -1;
	} else if (ws != WIRE_OK && w.is_compound && w.args.argarray_len > 0) {
		rc = encode_partial(x, lc, e, &w, s);
	} else if (ws == WIRE_OK) { /* NULL, other versions and procedures: nothing to remap */
		rc = copy_with_live_xid(e, s);
	} else {
		rc = send_as_captured(x, e, s, wire_error_format(&we, es, sizeof(es)));
	}
	wire_msg_free(&w);
	return rc;
}

static void replay_call(struct replayer *x, size_t i)
{
	const struct event *e = &x->ev[i];
	struct sent_call *s = &x->sc[i];
	size_t prev = previous_transmission(x, i);
	struct live_conn *lc;
	char why[160];

	x->st->calls++;
	if (!(lc = live_conn_for(x, e->stream, why, sizeof(why)))) {
		snprintf(s->note, sizeof(s->note), "not sent: %s", why);
		return;
	}
	if (prev != NO_EVENT && x->sc[prev].sent) { /* a retransmission stays one */
		const struct sent_call *p = &x->sc[prev];

		s->live_xid = p->live_xid;
		x->st->retransmissions++;
		if (x->ev[prev].len == e->len && memcmp(x->ev[prev].rec, e->rec, e->len) == 0) {
			s->bytes = malloc(p->len ? p->len : 1);
			if (s->bytes)
				memcpy(s->bytes, p->bytes, p->len), s->len = p->len;
		} else if (build_live_call(x, lc, e, s) != 0)
			x->failed = true;
	} else {
		s->live_xid = x->next_xid++;
		if (build_live_call(x, lc, e, s) != 0)
			x->failed = true;
	}
	if (!s->bytes)
		return;
	/* Take in what the server sent meanwhile: one that stops reading while its replies go
	 * unread would otherwise block this send. */
	conn_read_available(&lc->c);
	if (conn_send_record(&lc->c, s->bytes, s->len, 0, why, sizeof(why)) != 0) {
		snprintf(s->note, sizeof(s->note), "not sent: %s", why);
		return;
	}
	s->sent = true;
	s->at = conn_now();
	x->st->sent++;
}

/* ---- comparing replies ----------------------------------------------------------------------- */

static char *dup_str(const char *s)
{
	return s ? strdup(s) : NULL;
}

/* The case a compared reply becomes. */
/* The case a compared reply becomes: id <capture>-f<frame of the call>, with .2, .3, ... for
 * further calls completed by the same frame. */
static struct case_result *new_case(struct replayer *x, size_t i, const char *title)
{
	struct case_result *c;
	char id[160];
	int n;

	if (x->r->ncases == x->case_cap) {
		size_t cap = x->case_cap ? x->case_cap * 2 : 64;
		struct case_result *cases = realloc(x->r->cases, cap * sizeof(*cases));

		if (!cases) {
			x->failed = true;
			return NULL;
		}
		x->r->cases = cases, x->case_cap = cap;
	}
	x->same_frame = x->r->ncases && x->ev[i].frame == x->case_frame ? x->same_frame + 1 : 1;
	x->case_frame = x->ev[i].frame;
	c = &x->r->cases[x->r->ncases++];
	memset(c, 0, sizeof(*c));
	n = snprintf(id, sizeof(id), "%s-f%" PRIu64, x->capname, x->ev[i].frame);
	if (x->same_frame > 1 && n > 0 && (size_t)n < sizeof(id))
		snprintf(id + n, sizeof(id) - (size_t)n, ".%u", x->same_frame);
	c->id = dup_str(id);
	c->title = dup_str(title);
	c->file = dup_str(x->path);
	c->group = dup_str(x->capname);
	return c;
}

static void add_step(struct case_result *c, unsigned line, const char *source, enum verdict v,
		     const char *message)
{
	struct step_result *s = realloc(c->steps, (c->nsteps + 1) * sizeof(*s));

	if (!s)
		return;
	c->steps = s;
	s[c->nsteps++] = (struct step_result){.line = line, .source = dup_str(source),
					      .verdict = v, .message = dup_str(message)};
}

static void add_event(struct case_result *c, double t, uint64_t stream, int from_server,
		      uint32_t xid, const char *summary)
{
	struct ladder_event *ev = realloc(c->events, (c->nevents + 1) * sizeof(*ev));
	char conn[32];

	if (!ev)
		return;
	c->events = ev;
	snprintf(conn, sizeof(conn), "c%" PRIu64, stream + 1);
	ev[c->nevents++] = (struct ladder_event){.t = t, .conn = dup_str(conn),
						 .from_server = from_server, .xid = xid,
						 .summary = dup_str(summary)};
}

/* The two sides of one comparison, decoded. */
struct sides {
	struct wire_msg cap_call, cap_reply, live_call, live_reply;
	bool cap_call_ok, cap_reply_ok, live_call_ok, live_reply_ok;
	char cap_why[160], live_why[160];
	struct diff_fields cap, live;
};

static bool decode_into(const uint8_t *p, size_t len, uint32_t reply_proc, struct wire_msg *m,
			char *why, size_t n)
{
	struct wire_decode_opts wo = {.reply_proc = reply_proc};
	struct wire_error we;
	char es[WIRE_PATH_MAX + WIRE_DETAIL_MAX + 32];
	enum wire_status st = wire_msg_decode(p, len, &wo, m, &we);

	if (st == WIRE_OK || st == WIRE_ERR_UNSUPPORTED)
		return true;
	snprintf(why, n, "does not decode: %s", wire_error_format(&we, es, sizeof(es)));
	return false;
}

static int sides_fill(struct sides *sd, const struct event *call, const struct event *reply,
		      const struct sent_call *s, const struct conn_reply *live, const char *live_why)
{
	char scratch[160];
	int rc;

	sd->cap_call_ok = decode_into(call->rec, call->len, 0, &sd->cap_call, scratch, sizeof(scratch));
	complete_sequence_head(call->rec, call->len, &sd->cap_call);
	sd->cap_reply_ok = decode_into(reply->rec, reply->len, reply->proc, &sd->cap_reply, sd->cap_why,
				       sizeof(sd->cap_why));
	sd->live_call_ok = decode_into(s->bytes, s->len, 0, &sd->live_call, scratch, sizeof(scratch));
	complete_sequence_head(s->bytes, s->len, &sd->live_call);
	if (live)
		sd->live_reply_ok = decode_into(live->rec, live->len, reply->proc, &sd->live_reply,
						sd->live_why, sizeof(sd->live_why));
	else
		snprintf(sd->live_why, sizeof(sd->live_why), "%s", live_why);
	/* A call that decoded in part still gives its first ops' fields for the echoes. */
	rc = diff_fields_of_reply(sd->cap_reply_ok ? &sd->cap_reply : NULL, sd->cap_why,
				  sd->cap_call.is_compound ? &sd->cap_call : NULL, &sd->cap);
	rc |= diff_fields_of_reply(sd->live_reply_ok ? &sd->live_reply : NULL, sd->live_why,
				   sd->live_call.is_compound ? &sd->live_call : NULL, &sd->live);
	return rc;
}

static void sides_free(struct sides *sd)
{
	wire_msg_free(&sd->cap_call);
	wire_msg_free(&sd->cap_reply);
	wire_msg_free(&sd->live_call);
	wire_msg_free(&sd->live_reply);
	diff_fields_free(&sd->cap);
	diff_fields_free(&sd->live);
}

static void summary_of(const struct wire_msg *m, bool ok, char *buf, size_t n)
{
	if (ok || m->is_compound)
		wire_msg_summary(m, buf, n);
	else
		snprintf(buf, n, "(does not decode)");
}

/* Record the comparison as a case and print it. */
static void report_comparison(struct replayer *x, size_t i, size_t j, struct sides *sd,
			      const struct conn_reply *live)
{
	struct diff_mismatch mm[MAX_SHOWN_MISMATCHES];
	size_t n = diff_compare(&sd->cap, &sd->live, &x->o->mask, mm, MAX_SHOWN_MISMATCHES);
	const struct sent_call *s = &x->sc[i];
	char title[256], reply_sum[256], msg[512];
	struct case_result *c;
	FILE *out = x->o->out;

	summary_of(&sd->cap_call, sd->cap_call_ok, title, sizeof(title));
	summary_of(&sd->cap_reply, sd->cap_reply_ok, reply_sum, sizeof(reply_sum));
	if (!(c = new_case(x, i, title)))
		return;
	c->raw_verdict = c->verdict = n ? VERDICT_FAIL : VERDICT_PASS;
	c->elapsed = live ? live->at - s->at : x->timeout;
	add_event(c, 0, x->ev[i].stream, 0, s->live_xid, title);
	add_event(c, c->elapsed, x->ev[i].stream, 1, s->live_xid,
		  sd->live_reply_ok ? wire_msg_summary(&sd->live_reply, msg, sizeof(msg))
				    : sd->live_why);
	if (s->note[0])
		add_step(c, (unsigned)x->ev[i].frame, "replay", VERDICT_PASS, s->note);
	for (size_t k = 0; k < n && k < MAX_SHOWN_MISMATCHES; k++) {
		snprintf(msg, sizeof(msg), "captured %s, live %s", mm[k].captured, mm[k].live);
		add_step(c, (unsigned)x->ev[j].frame, mm[k].name, VERDICT_FAIL, msg);
		if (k == 0) {
			snprintf(msg, sizeof(msg), "%s: captured %s, live %s", mm[k].name,
				 mm[k].captured, mm[k].live);
			c->reason = dup_str(msg);
		}
	}
	if (!n) {
		snprintf(msg, sizeof(msg), "%zu fields agree (masked ones not compared)", sd->cap.n);
		add_step(c, (unsigned)x->ev[j].frame, "compare", VERDICT_PASS, msg);
	}
	if (n)
		x->st->differed++;
	else
		x->st->agreed++;
	if (!out || (!n && !x->o->verbose))
		return;
	fprintf(out, "%s frame %" PRIu64 " c%" PRIu64 " %s\n", n ? "DIFFER" : "agree ",
		x->ev[i].frame, x->ev[i].stream + 1, title);
	if (s->note[0])
		fprintf(out, "    (%s)\n", s->note);
	if (n) {
		fprintf(out, "    captured reply (frame %" PRIu64 "): %s\n", x->ev[j].frame, reply_sum);
		diff_print_side_by_side(out, &sd->cap, &sd->live, &x->o->mask);
	}
}

static void replay_reply(struct replayer *x, size_t j)
{
	size_t i = call_of_reply(x, j);
	struct sent_call *s;
	struct conn_reply live = {0};
	struct sides sd;
	const char *why = NULL;
	enum conn_wait w;

	if (i == NO_EVENT) /* a reply whose call the capture does not have */
		return;
	s = &x->sc[i];
	if (!s->sent) {
		struct case_result *c = new_case(x, i, "call not sent");

		if (c) {
			c->raw_verdict = c->verdict = VERDICT_ERROR;
			c->reason = dup_str(s->note[0] ? s->note : "not sent");
		}
		return;
	}
	x->st->compared++;
	w = conn_wait_reply(&x->conns[x->ev[i].stream].c, s->live_xid, conn_now() + x->timeout,
			    &live);
	if (w != CONN_GOT_REPLY) {
		x->st->unanswered++;
		why = w == CONN_CLOSED	 ? "no reply: the live server closed the connection"
		      : w == CONN_BROKEN ? "no reply: the live connection broke"
					 : "no reply within the timeout";
	}
	memset(&sd, 0, sizeof(sd));
	if (sides_fill(&sd, &x->ev[i], &x->ev[j], s, w == CONN_GOT_REPLY ? &live : NULL, why) != 0)
		x->failed = true;
	else
		report_comparison(x, i, j, &sd, w == CONN_GOT_REPLY ? &live : NULL);
	bindings_learn(x->b, sd.cap_reply_ok ? &sd.cap_reply : NULL,
		       sd.live_reply_ok ? &sd.live_reply : NULL);
	sides_free(&sd);
	free(live.rec);
}

/* ---- the run --------------------------------------------------------------------------------- */

static void replay_capture_name(const char *path, char *out, size_t n)
{
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	size_t k = 0;

	for (; base[k] && base[k] != '.' && k + 1 < n; k++)
		out[k] = base[k] == ' ' ? '-' : base[k];
	out[k] = '\0';
}

static void run_header(struct replayer *x)
{
	char started[32];
	char target[300];
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(started, sizeof(started), "%Y-%m-%dT%H:%M:%SZ", &tm);
	snprintf(target, sizeof(target), "%s:%u", x->o->host, x->o->port);
	x->r->tool_version = dup_str(NFS41CHECK_VERSION);
	x->r->target = dup_str(target);
	x->r->started = dup_str(started);
	x->r->jobs = 1;
}

/* The captured server called the client back (a CB_NULL probe, say): the live server should
 * too, on the same connection. The call is compared by program, version and procedure. */
static void replay_callback(struct replayer *x, size_t i)
{
	const struct event *e = &x->ev[i];
	struct conn_reply live = {0};
	struct wire_msg cap, got;
	struct wire_error we;
	struct case_result *c;
	char title[160], msg[200];
	enum conn_wait w = CONN_CLOSED;

	wire_msg_decode(e->rec, e->len, NULL, &cap, &we);
	snprintf(title, sizeof(title), "callback from the server: prog 0x%08x vers %u proc %u",
		 cap.call.prog, cap.call.vers, cap.call.proc);
	if (e->stream < x->nconns && x->conns[e->stream].opened && !x->conns[e->stream].no_callbacks)
		w = conn_wait_call(&x->conns[e->stream].c, conn_now() + x->timeout, &live);
	if (w != CONN_GOT_REPLY && e->stream < x->nconns)
		x->conns[e->stream].no_callbacks = true; /* one timeout per connection, not one each */
	if (!(c = new_case(x, i, title))) {
		free(live.rec);
		wire_msg_free(&cap);
		return;
	}
	x->st->callbacks++;
	if (w != CONN_GOT_REPLY) {
		c->raw_verdict = c->verdict = VERDICT_FAIL;
		snprintf(msg, sizeof(msg), "the live server made no callback (waited %g s)", x->timeout);
		c->reason = dup_str(msg);
	} else {
		wire_msg_decode(live.rec, live.len, NULL, &got, &we);
		x->cb_map[x->ncb++ % CB_MAP] = (struct cb_binding){e->stream, e->xid, live.xid};
		snprintf(msg, sizeof(msg), "live: prog 0x%08x vers %u proc %u", got.call.prog,
			 got.call.vers, got.call.proc);
		c->raw_verdict = c->verdict = got.call.prog == cap.call.prog &&
							     got.call.vers == cap.call.vers &&
							     got.call.proc == cap.call.proc
						      ? VERDICT_PASS
						      : VERDICT_FAIL;
		if (c->verdict == VERDICT_FAIL)
			c->reason = dup_str(msg);
		add_step(c, (unsigned)e->frame, "callback", c->verdict, msg);
		wire_msg_free(&got);
	}
	if (x->o->out && (c->verdict != VERDICT_PASS || x->o->verbose))
		fprintf(x->o->out, "%s frame %" PRIu64 " c%" PRIu64 " %s%s%s\n",
			c->verdict == VERDICT_PASS ? "agree " : "DIFFER", e->frame, e->stream + 1, title,
			c->reason ? ": " : "", c->reason ? c->reason : "");
	free(live.rec);
	wire_msg_free(&cap);
}

/* The client answered a callback: the same answer goes to the live server's callback. */
static void replay_callback_reply(struct replayer *x, size_t i)
{
	const struct event *e = &x->ev[i];
	uint8_t *bytes;
	char why[160];

	for (size_t k = x->ncb < CB_MAP ? x->ncb : CB_MAP; k-- > 0;) {
		const struct cb_binding *b = &x->cb_map[k];

		if (b->stream != e->stream || b->cap_xid != e->xid || e->len < 4)
			continue;
		if (b->stream >= x->nconns || x->conns[b->stream].c.fd < 0 ||
		    !(bytes = malloc(e->len)))
			return;
		memcpy(bytes, e->rec, e->len);
		put_be32(bytes, b->live_xid);
		conn_send_record(&x->conns[b->stream].c, bytes, e->len, 0, why, sizeof(why));
		free(bytes);
		return;
	}
}

/* The client closed (or either side reset) the connection: so does the replay (RFC 8881
 * s2.10.6.2, s2.10.13: what the server does with a lost connection is part of what is
 * compared). A later call on the stream reconnects. */
static void replay_close(struct replayer *x, size_t i)
{
	uint64_t stream = x->ev[i].stream;

	if (stream < x->nconns && x->conns[stream].opened && x->conns[stream].c.fd >= 0)
		conn_close(&x->conns[stream].c);
}

/* Keep a captured pause of at least o->gap_min seconds (lease expiry, reaping), up to MAX_GAP
 * each and o->max_pause in all; after a close, any pause: the server had that long to notice
 * the close in the capture. */
static void keep_gap(struct replayer *x, size_t i, double live_prev)
{
	double gap, wait, left = x->o->max_pause - x->st->paused;

	if (i == 0 || x->o->gap_min < 0)
		return;
	gap = x->ev[i].t - x->ev[i - 1].t;
	if (gap < x->o->gap_min && x->ev[i - 1].msg_type != EVENT_CLOSE)
		return;
	wait = (gap < MAX_GAP ? gap : MAX_GAP) - (conn_now() - live_prev);
	if (wait > left) {
		wait = left;
		x->st->pauses_cut++;
	}
	if (wait <= 0)
		return;
	if (x->o->out && wait >= 2)
		fprintf(x->o->out, "pausing %.1f s before frame %" PRIu64 " (as the capture did)\n",
			wait, x->ev[i].frame);
	x->st->paused += wait;
	nanosleep(&(struct timespec){(time_t)wait, (long)((wait - (double)(time_t)wait) * 1e9)}, NULL);
}

static void replay_event(struct replayer *x, size_t i)
{
	if (x->ev[i].msg_type == EVENT_CLOSE)
		replay_close(x, i);
	else if (is_fore_call(&x->ev[i]))
		replay_call(x, i);
	else if (is_fore_reply(&x->ev[i]))
		replay_reply(x, i);
	else if (x->ev[i].msg_type == ONCRPC_CALL)
		replay_callback(x, i);
	else
		replay_callback_reply(x, i);
	if (x->last_of_stream[i])
		replay_close(x, i);
}

static void replay_events(struct replayer *x)
{
	double live_prev = conn_now();

	for (size_t i = 0; i < x->nev && !x->failed; i++) {
		keep_gap(x, i, live_prev);
		live_prev = conn_now();
		replay_event(x, i);
	}
	for (size_t i = 0; i < x->nev; i++)
		if (is_fore_call(&x->ev[i]) && x->sc[i].pair == NO_EVENT)
			x->st->no_captured_reply++;
}

static void replayer_free(struct replayer *x)
{
	for (size_t i = 0; i < x->nev; i++) {
		free(x->ev[i].rec);
		if (x->sc)
			free(x->sc[i].bytes);
	}
	for (size_t i = 0; i < x->nconns; i++)
		if (x->conns[i].opened)
			conn_close(&x->conns[i].c);
	free(x->conns);
	free(x->ev);
	free(x->sc);
	free(x->index);
	free(x->last_of_stream);
	bindings_free(x->b);
}

int pcap_replay_file(const char *path, const struct replay_opts *o, struct run_result *r,
		     struct replay_stats *st, char *err, size_t errlen)
{
	struct replayer x = {.o = o, .st = st, .r = r, .path = path};
	struct rpc_sink sink = {.ctx = &x, .message = on_message, .warning = on_warning,
				.closed = on_closed};
	struct rpc_read_opts read = o->read;
	struct rpc_stats rs;
	struct capture *c;
	int rc;

	memset(st, 0, sizeof(*st));
	memset(r, 0, sizeof(*r));
	replay_capture_name(path, x.capname, sizeof(x.capname));
	x.timeout = o->reply_timeout > 0 ? o->reply_timeout : 5.0;
	x.next_xid = (uint32_t)(o->nonce ^ (o->nonce >> 32)) | 1u;
	if (!(c = capture_open(path, err, errlen)))
		return -1;
	read.callbacks = true;
	rc = rpc_read_capture(c, &read, &sink, &rs, err, errlen);
	capture_close(c);
	if (rc == 0 && (x.failed || !(x.b = bindings_new(o->nonce, o->keep_owners)) ||
			index_build(&x) != 0)) {
		snprintf(err, errlen, "out of memory reading %s", path);
		rc = -1;
	}
	if (rc == 0) {
		run_header(&x);
		x.t0 = conn_now();
		replay_events(&x);
		r->elapsed = conn_now() - x.t0;
		if (x.failed) {
			snprintf(err, errlen, "out of memory during the replay");
			rc = -1;
		}
	}
	replayer_free(&x);
	return rc;
}
