/*
 * sm_callback.c - the back channel: the CB_NULL probe nfs41refd sends when a connection is bound
 * for callbacks, its retransmission, and the queue of server-initiated calls the transport sends.
 *
 * nfs41refd hands out no delegations or layouts, so it has nothing to recall; what it does on
 * the back channel is what every server does first: check the path with CB_NULL (RFC 8881
 * s18.36.3, s2.10.8.2). That makes the callback rules observable: the program number the client
 * chose (CS-31), a credential the client offered and no other (SES-45), and a callback owed while
 * the session has no back-channel connection (SES-42, SEQ4_STATUS_CB_PATH_DOWN_SESSION).
 */
#include <stdlib.h>
#include <string.h>

#include "sm_callback.h"
#include "sm_internal.h"

/* The NFS4_CALLBACK program's version (RFC 5662: CB_COMPOUND is version 1 of the program the
 * client names; RFC 8881 s18.36.3 says 4 in prose, the XDR wins - catalogue CS-31). */
#define CB_VERSION 1u
#define CB_NULL_PROC 0u
#define NO_FLAVOR UINT32_MAX /* the client offered nothing this server can send */

/* The first csa_sec_parms entry a server without RPCSEC_GSS can use (s18.36.3: any of them). */
void sm_callback_setup(struct sm_session *x, const struct CREATE_SESSION4args *a)
{
	x->cb_program = a->csa_cb_program;
	x->cb_flavor = NO_FLAVOR;
	for (uint32_t i = 0; i < a->csa_sec_parms_count && i < WIRE_MAX_CB_SEC; i++) {
		const struct callback_sec_parms4 *p = &a->csa_sec_parms[i];
		const struct oncrpc_authsys *sys = &p->cbsp_sys_cred;

		if (p->cb_secflavor == ONCRPC_AUTH_NONE) {
			x->cb_flavor = ONCRPC_AUTH_NONE;
			return;
		}
		if (p->cb_secflavor != ONCRPC_AUTH_SYS || sys->machinename.len >= sizeof(x->cb_machine))
			continue;
		x->cb_flavor = ONCRPC_AUTH_SYS;
		x->cb_stamp = sys->stamp;
		x->cb_cred = (struct sm_principal){.flavor = ONCRPC_AUTH_SYS, .uid = sys->uid,
						   .gid = sys->gid, .ngids = sys->ngids};
		memcpy(x->cb_cred.gids, sys->gids, sizeof(x->cb_cred.gids));
		memcpy(x->cb_machine, sys->machinename.data, sys->machinename.len);
		x->cb_machine[sys->machinename.len] = '\0';
		return;
	}
}

/* The credential the callback carries: exactly what the client put in csa_sec_parms (SES-45). */
static void callback_cred(const struct sm_session *x, struct oncrpc_auth *cred, uint8_t *buf,
			  size_t cap)
{
	struct oncrpc_authsys sys = {.stamp = x->cb_stamp, .uid = x->cb_cred.uid,
				     .gid = x->cb_cred.gid, .ngids = x->cb_cred.ngids};

	*cred = (struct oncrpc_auth){.flavor = x->cb_flavor};
	if (x->cb_flavor != ONCRPC_AUTH_SYS)
		return;
	sys.machinename =
		(struct wire_opaque){(const uint8_t *)x->cb_machine, (uint32_t)strlen(x->cb_machine)};
	memcpy(sys.gids, x->cb_cred.gids, sizeof(sys.gids));
	cred->body = oncrpc_authsys_encode(&sys, buf, cap);
}

/* Queue a CB_NULL call with the session's probe xid for conn (dropped when memory is short:
 * the probe is an optimisation, the session works without it). */
static void queue_cb_null(struct sm *s, const struct sm_session *x, uint64_t conn)
{
	uint8_t credbuf[512], buf[1024];
	struct oncrpc_call call = {.xid = x->cb_xid, .rpcvers = ONCRPC_VERSION,
				   .prog = x->cb_program, .vers = CB_VERSION, .proc = CB_NULL_PROC};
	struct xdr_enc e;
	struct sm_outgoing *o = NULL, **tail;

	callback_cred(x, &call.cred, credbuf, sizeof(credbuf));
	call.verf = (struct oncrpc_auth){.flavor = ONCRPC_AUTH_NONE};
	xdr_enc_init(&e, buf, sizeof(buf));
	oncrpc_call_encode(&e, &call);
	if (xdr_enc_overflow(&e) || !(o = calloc(1, sizeof(*o))) || !(o->rec = malloc(e.len))) {
		free(o);
		return;
	}
	memcpy(o->rec, buf, e.len);
	o->len = e.len;
	o->conn = conn;
	for (tail = &s->outbox; *tail; tail = &(*tail)->next)
		;
	*tail = o;
	sm_logf(s, "callback: CB_NULL xid %08x to program %08x on conn %llu", x->cb_xid,
		x->cb_program, (unsigned long long)conn);
}

/* A back-channel connection of x other than gone, or 0. */
static uint64_t other_back_conn(const struct sm_session *x, uint64_t gone)
{
	for (uint32_t i = 0; i < x->nconns; i++)
		if ((x->conns[i].dir & CDFS4_BACK) && x->conns[i].conn != gone)
			return x->conns[i].conn;
	return 0;
}

void sm_callback_bound(struct sm *s, struct sm_session *x, uint64_t conn)
{
	if (x->cb_flavor == NO_FLAVOR)
		return;
	if (x->cb_xid != 0 && !x->cb_pending)
		return; /* one probe in flight is enough */
	if (x->cb_xid == 0) {
		x->cb_xid = ++s->next_cb_xid;
		if (x->cb_xid == 0)
			x->cb_xid = ++s->next_cb_xid;
	}
	/* An owed probe is a retransmission: the same xid on the new path (s2.10.6.2). */
	x->cb_pending = false;
	x->cb_conn = conn;
	queue_cb_null(s, x, conn);
}

/* s2.10.6.2: a callback whose connection broke is sent again; with no back-channel connection
 * left it waits, and SEQUENCE reports CB_PATH_DOWN_SESSION meanwhile (SES-42). */
void sm_callback_conn_lost(struct sm *s, struct sm_session *x, uint64_t conn)
{
	uint64_t other;

	if (x->cb_xid == 0 || x->cb_pending || x->cb_conn != conn)
		return;
	other = other_back_conn(x, conn);
	if (other == 0) {
		x->cb_pending = true;
		sm_logf(s, "callback: xid %08x owed, no back-channel connection", x->cb_xid);
		return;
	}
	x->cb_conn = other;
	queue_cb_null(s, x, other);
}

bool sm_callback_reply(struct sm *s, uint64_t conn, uint32_t xid)
{
	for (struct sm_session *x = s->sessions; x; x = x->next) {
		if (x->cb_xid == 0 || x->cb_xid != xid || x->cb_conn != conn || x->cb_pending)
			continue;
		x->cb_xid = 0;
		sm_logf(s, "callback: xid %08x answered, back channel works", xid);
		return true;
	}
	return false;
}

bool sm_outgoing_take(struct sm *s, uint64_t *conn, uint8_t **rec, size_t *len)
{
	struct sm_outgoing *o = s->outbox;

	if (!o)
		return false;
	s->outbox = o->next;
	*conn = o->conn;
	*rec = o->rec;
	*len = o->len;
	free(o);
	return true;
}

void sm_outbox_free(struct sm *s)
{
	uint64_t conn;
	uint8_t *rec;
	size_t len;

	while (sm_outgoing_take(s, &conn, &rec, &len))
		free(rec);
}
