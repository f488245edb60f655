/*
 * exec_client.c - the client state the executor keeps between steps.
 *
 * Defaults fill every argument a case leaves out the way a careful client
 * would (RFC 8881 s2.10.6.2 on slots, s18.36.4 on csa_sequence), and replies
 * update the state: $clientid, $eir_sequenceid, $csa_sequence, $sessionid,
 * $seqid[N] (last seqid used on slot N of $sessionid), $fh and $lease.
 */
#include <stdlib.h>
#include <string.h>

#include "exec_internal.h"

#define DEFAULT_FLAGS EXCHGID4_FLAG_USE_NON_PNFS

/* Whether the op spec sets field (by its RFC name or the name without prefix). */
bool spec_sets(const struct op_spec *spec, const char *field)
{
	const char *us = strchr(field, '_');

	for (size_t i = 0; i < spec->nargs; i++) {
		const char *n = spec->args[i].name;
		if (!strcmp(n, field) || (us && !strcmp(n, us + 1)))
			return true;
	}
	return false;
}

static const struct value *var(struct exec *x, const char *name)
{
	return env_get(&x->env, name);
}

static int need_var(struct exec *x, const struct op_spec *spec, const char *field,
		    const char *name, enum value_kind kind, const struct value **out)
{
	*out = var(x, name);
	if (*out && (*out)->kind == kind)
		return 0;
	if (spec_sets(spec, field))
		return 1; /* the case gives it: no default needed */
	return step_fail(x, VERDICT_ERROR,
			 "%s %s defaults to $%s, which is not set (run EXCHANGE_ID/CREATE_SESSION "
			 "first, use a fixture, or give %s=...)",
			 nfs4_op_name(spec->op), field, name, field);
}

/* Fixed-size byte fields from a variable (sessionid, verifier). */
static int var_fixed(struct exec *x, const struct op_spec *spec, const char *field,
		     const char *name, uint8_t *dst, size_t n)
{
	const struct value *v;
	int rc = need_var(x, spec, field, name, VAL_BYTES, &v);

	if (rc != 0)
		return rc < 0 ? -1 : 0;
	if (v->len != n)
		return step_fail(x, VERDICT_ERROR, "$%s has %zu bytes, %s needs %zu", name, v->len,
				 field, n);
	memcpy(dst, v->bytes, n);
	return 0;
}

static int var_u64(struct exec *x, const struct op_spec *spec, const char *field,
		   const char *name, uint64_t *dst)
{
	const struct value *v;
	int rc = need_var(x, spec, field, name, VAL_INT, &v);

	if (rc != 0)
		return rc < 0 ? -1 : 0;
	*dst = v->i;
	return 0;
}

/* The client owner: one verifier and one owner id per case unless the case sets them. */
static int owner_defaults(struct exec *x, struct EXCHANGE_ID4args *a)
{
	struct value v;
	struct expr fresh = {.nterms = 1, .text = (char *)"fresh()"};
	struct term t = {.kind = T_CALL, .sign = '+', .name = (char *)"fresh", .index = -1};

	if (!var(x, "verifier")) {
		uint8_t verf[NFS4_VERIFIER_SIZE];
		uint64_t r = x->o->seed ^ (uint64_t)(x->t0 * 1e6);
		for (size_t i = 0; i < sizeof(verf); i++, r = r * 6364136223846793005ULL + 1)
			verf[i] = (uint8_t)(r >> 56);
		env_set_bytes(&x->env, "verifier", verf, sizeof(verf));
	}
	if (!var(x, "owner")) {
		char err[200];
		fresh.terms = &t;
		if (expr_eval(&fresh, &x->env, &v, err, sizeof(err)) != 0)
			return step_fail(x, VERDICT_ERROR, "%s", err);
		env_set(&x->env, "owner", &v);
		value_free(&v);
	}
	const struct value *verf = var(x, "verifier"), *owner = var(x, "owner");
	if (verf->kind != VAL_BYTES || verf->len != NFS4_VERIFIER_SIZE || owner->kind != VAL_BYTES)
		return step_fail(x, VERDICT_ERROR, "$verifier must be 8 bytes and $owner bytes");
	memcpy(a->eia_clientowner.co_verifier, verf->bytes, NFS4_VERIFIER_SIZE);
	a->eia_clientowner.co_ownerid =
		(struct wire_opaque){arena_dup(&x->arena, owner->bytes, owner->len),
				     (uint32_t)owner->len};
	a->eia_flags = DEFAULT_FLAGS;
	a->eia_state_protect.spa_how = SP4_NONE;
	return 0;
}

/* Channel attributes a Linux-like client asks for (RFC 8881 s18.36.3). */
static void session_defaults(struct CREATE_SESSION4args *a)
{
	a->csa_fore_chan_attrs = (struct channel_attrs4){
		.ca_maxrequestsize = 1049620, .ca_maxresponsesize = 1049480,
		.ca_maxresponsesize_cached = 7584, .ca_maxoperations = 16, .ca_maxrequests = 8};
	a->csa_back_chan_attrs = (struct channel_attrs4){
		.ca_maxrequestsize = 4096, .ca_maxresponsesize = 4096,
		.ca_maxresponsesize_cached = 0, .ca_maxoperations = 2, .ca_maxrequests = 1};
	a->csa_cb_program = NFS4_CALLBACK;
	/* One AUTH_NONE entry (RFC 8881 s18.36.1): no array yet encodes as zeroed entries, and a
	 * case that sets csa_sec_parms.* gets room in the arena (fields.c). */
	a->csa_sec_parms_count = 1;
}

static int create_session_defaults(struct exec *x, const struct op_spec *spec,
				   struct CREATE_SESSION4args *a)
{
	uint64_t seq = 0;
	const char *from = var(x, "csa_sequence") ? "csa_sequence" : "eir_sequenceid";

	session_defaults(a);
	if (var_u64(x, spec, "csa_clientid", "clientid", &a->csa_clientid) != 0 ||
	    var_u64(x, spec, "csa_sequence", from, &seq) != 0)
		return -1;
	a->csa_sequence = (uint32_t)seq;
	return 0;
}

int client_defaults(struct exec *x, const struct op_spec *spec, struct nfs_argop *a)
{
	const struct value *v;

	switch (a->op) {
	case OP_EXCHANGE_ID:
		return owner_defaults(x, &a->u.exchange_id);
	case OP_CREATE_SESSION:
		return create_session_defaults(x, spec, &a->u.create_session);
	case OP_SEQUENCE:
		return var_fixed(x, spec, "sa_sessionid", "sessionid", a->u.sequence.sa_sessionid,
				 NFS4_SESSIONID_SIZE);
	case OP_DESTROY_SESSION:
		return var_fixed(x, spec, "dsa_sessionid", "sessionid",
				 a->u.destroy_session.dsa_sessionid, NFS4_SESSIONID_SIZE);
	case OP_BIND_CONN_TO_SESSION:
		a->u.bind_conn_to_session.bctsa_dir = CDFC4_FORE;
		return var_fixed(x, spec, "bctsa_sessid", "sessionid",
				 a->u.bind_conn_to_session.bctsa_sessid, NFS4_SESSIONID_SIZE);
	case OP_DESTROY_CLIENTID:
		return var_u64(x, spec, "dca_clientid", "clientid",
			       &a->u.destroy_clientid.dca_clientid);
	case OP_BACKCHANNEL_CTL:
		a->u.backchannel_ctl.bca_cb_program = NFS4_CALLBACK;
		a->u.backchannel_ctl.bca_sec_parms_count = 1; /* AUTH_NONE: no array (nfs4_types.h) */
		return 0;
	case OP_PUTFH:
		v = var(x, "fh");
		if (v && v->kind == VAL_BYTES)
			a->u.putfh.object = (struct wire_opaque){arena_dup(&x->arena, v->bytes, v->len),
								 (uint32_t)v->len};
		return 0;
	case OP_GETATTR:
		bitmap4_set(&a->u.getattr.attr_request, FATTR4_SUPPORTED_ATTRS);
		bitmap4_set(&a->u.getattr.attr_request, FATTR4_TYPE);
		bitmap4_set(&a->u.getattr.attr_request, FATTR4_LEASE_TIME);
		return 0;
	default:
		return 0;
	}
}

static struct slot_seq *slot_find(struct exec *x, const uint8_t *sid, uint32_t slot, bool add)
{
	struct slot_seq *s;

	for (size_t i = 0; i < x->nslots; i++)
		if (x->slots[i].slot == slot && !memcmp(x->slots[i].sessionid, sid, NFS4_SESSIONID_SIZE))
			return &x->slots[i];
	if (!add || !(s = realloc(x->slots, (x->nslots + 1) * sizeof(*s))))
		return NULL;
	x->slots = s;
	s = &s[x->nslots++];
	memcpy(s->sessionid, sid, NFS4_SESSIONID_SIZE);
	s->slot = slot;
	s->seqid = 0; /* a new slot's first request carries seqid 1 (s2.10.6.1) */
	return s;
}

/* Arguments that depend on others the case may have set: SEQUENCE's seqid and highest slot. */
int client_finish_args(struct exec *x, const struct op_spec *spec, struct nfs_argop *a)
{
	struct SEQUENCE4args *s = &a->u.sequence;

	if (a->op != OP_SEQUENCE)
		return 0;
	if (!spec_sets(spec, "sa_sequenceid")) {
		const struct slot_seq *ss = slot_find(x, s->sa_sessionid, s->sa_slotid, false);
		s->sa_sequenceid = (ss ? ss->seqid : 0) + 1; /* wraps at 2^32 */
	}
	if (!spec_sets(spec, "sa_highest_slotid"))
		s->sa_highest_slotid = s->sa_slotid;
	return 0;
}

static void mirror_seqid(struct exec *x, const struct slot_seq *ss)
{
	const struct value *sid = var(x, "sessionid");
	char name[32];

	if (!sid || sid->kind != VAL_BYTES || sid->len != NFS4_SESSIONID_SIZE ||
	    memcmp(sid->bytes, ss->sessionid, NFS4_SESSIONID_SIZE) != 0)
		return;
	snprintf(name, sizeof(name), "seqid[%u]", ss->slot);
	env_set_int(&x->env, name, ss->seqid);
}

void client_track_seqid(struct exec *x, const uint8_t *sessionid, uint32_t slot, uint32_t seqid)
{
	struct slot_seq *ss = slot_find(x, sessionid, slot, true);

	if (!ss)
		return;
	ss->seqid = seqid;
	mirror_seqid(x, ss);
}

static void track_sequence(struct exec *x, const struct SEQUENCE4args *args)
{
	client_track_seqid(x, args->sa_sessionid, args->sa_slotid, args->sa_sequenceid);
}

static void track_session(struct exec *x, const struct CREATE_SESSION4resok *r)
{
	const struct value *cur = var(x, "sessionid");
	bool same = cur && cur->kind == VAL_BYTES && cur->len == NFS4_SESSIONID_SIZE &&
		    !memcmp(cur->bytes, r->csr_sessionid, NFS4_SESSIONID_SIZE);

	env_set_int(&x->env, "csa_sequence", (uint64_t)r->csr_sequence + 1);
	if (same)
		return; /* a replayed CREATE_SESSION: the session and its slots are as they were */
	env_set_bytes(&x->env, "sessionid", r->csr_sessionid, NFS4_SESSIONID_SIZE);
	for (uint32_t slot = 0; slot < 64; slot++) { /* a new session: its slots start over */
		char name[32];
		snprintf(name, sizeof(name), "seqid[%u]", slot);
		if (env_get(&x->env, name))
			env_set_int(&x->env, name, 0);
	}
}

static void track_client(struct exec *x, const struct EXCHANGE_ID4resok *r)
{
	env_set_int(&x->env, "clientid", r->eir_clientid);
	env_set_int(&x->env, "eir_sequenceid", r->eir_sequenceid);
	/* A confirmed record keeps its sequence: ignore eir_sequenceid then (EXID-06). */
	if (!(r->eir_flags & EXCHGID4_FLAG_CONFIRMED_R))
		env_set_int(&x->env, "csa_sequence", r->eir_sequenceid);
}

static void track_attrs(struct exec *x, const struct GETATTR4resok *r)
{
	struct nfs4_attrs at;
	struct wire_error e;

	if (fattr4_unpack(&r->obj_attributes, 0, &at, &e) && bitmap4_isset(&at.has, FATTR4_LEASE_TIME))
		env_set_int(&x->env, "lease", at.lease_time);
}

void client_track_reply(struct exec *x, const struct wire_msg *call, const struct wire_msg *reply)
{
	for (uint32_t i = 0; i < reply->res.resarray_len && i < call->args.argarray_len; i++) {
		const struct nfs_resop *r = &reply->res.resarray[i];
		const struct nfs_argop *a = &call->args.argarray[i];
		if (r->status != NFS4_OK || r->op != a->op || r->undecoded || a->undecoded)
			continue;
		switch (r->op) {
		case OP_EXCHANGE_ID: track_client(x, &r->u.exchange_id); break;
		case OP_CREATE_SESSION: track_session(x, &r->u.create_session); break;
		case OP_SEQUENCE: track_sequence(x, &a->u.sequence); break;
		case OP_GETFH:
			env_set_bytes(&x->env, "fh", r->u.getfh.object.data, r->u.getfh.object.len);
			break;
		case OP_GETATTR: track_attrs(x, &r->u.getattr); break;
		default: break;
		}
	}
}
