/*
 * sm_client.c - client records and EXCHANGE_ID (RFC 8881 s18.35), one function per case of the
 * s18.35.4 analysis, checked in the RFC's order.
 */
#include "sm_internal.h"

#include <stdlib.h>
#include <string.h>

/* Argument flags a 4.1 server understands; anything else is NFS4ERR_INVAL (s18.35.3, EXID-03). */
#define EIA_FLAGS_DEFINED                                                                      \
	(EXCHGID4_FLAG_SUPP_MOVED_REFER | EXCHGID4_FLAG_SUPP_MOVED_MIGR |                      \
	 EXCHGID4_FLAG_BIND_PRINC_STATEID | EXCHGID4_FLAG_MASK_PNFS |                          \
	 EXCHGID4_FLAG_UPD_CONFIRMED_REC_A)

bool sm_principal_equal(const struct sm_principal *a, const struct sm_principal *b)
{
	return a->flavor == b->flavor && a->uid == b->uid && a->gid == b->gid &&
	       a->ngids == b->ngids && !memcmp(a->gids, b->gids, a->ngids * sizeof(a->gids[0]));
}

struct sm_client *sm_client_find(struct sm *s, uint64_t clientid)
{
	for (struct sm_client *c = s->clients; c; c = c->next)
		if (c->clientid == clientid)
			return c;
	return NULL;
}

/* The confirmed and the unconfirmed record of an owner (at most one of each, s18.35.4). */
static void find_owner(struct sm *s, const struct wire_opaque *owner, struct sm_client **conf,
		       struct sm_client **unconf)
{
	*conf = *unconf = NULL;
	for (struct sm_client *c = s->clients; c; c = c->next) {
		if (c->owner_len != owner->len || memcmp(c->owner, owner->data, owner->len) != 0)
			continue;
		if (c->confirmed)
			*conf = c;
		else
			*unconf = c;
	}
}

static void client_free(struct sm_client *c)
{
	free(c->owner);
	free(c);
}

void sm_client_remove(struct sm *s, struct sm_client *gone)
{
	for (struct sm_client **p = &s->clients; *p; p = &(*p)->next) {
		if (*p != gone)
			continue;
		*p = gone->next;
		if (gone->confirmed)
			s->stats.clients_confirmed--;
		else
			s->stats.clients_unconfirmed--;
		client_free(gone);
		return;
	}
}

struct sm_client *sm_client_confirmed_owner(struct sm *s, const struct sm_client *c)
{
	for (struct sm_client *k = s->clients; k; k = k->next)
		if (k != c && k->confirmed && k->owner_len == c->owner_len &&
		    !memcmp(k->owner, c->owner, c->owner_len))
			return k;
	return NULL;
}

void sm_clients_free(struct sm *s)
{
	while (s->clients) {
		struct sm_client *c = s->clients;
		s->clients = c->next;
		client_free(c);
	}
}

/* A new unconfirmed record; its CREATE_SESSION slot starts so that eir_sequenceid is next. */
static struct sm_client *client_new(struct sm *s, const struct EXCHANGE_ID4args *a,
				    const struct sm_principal *p)
{
	uint64_t n = s->stats.clients_confirmed + s->stats.clients_unconfirmed;
	struct sm_client *c = n < s->limits.max_clients ? calloc(1, sizeof(*c)) : NULL;

	if (!c || !(c->owner = malloc(a->eia_clientowner.co_ownerid.len + 1))) {
		free(c);
		return NULL;
	}
	memcpy(c->owner, a->eia_clientowner.co_ownerid.data, a->eia_clientowner.co_ownerid.len);
	c->owner_len = a->eia_clientowner.co_ownerid.len;
	memcpy(c->verifier, a->eia_clientowner.co_verifier, NFS4_VERIFIER_SIZE);
	c->principal = *p;
	/* clientid: the boot incarnation in the high half, a counter in the low (s2.4). */
	c->clientid = (uint64_t)(uint32_t)s->boot_id << 32 | ++s->next_client;
	c->eir_sequenceid = 1;
	c->created_ms = sm_now(s);
	c->lease_expiry_ms = c->created_ms + (uint64_t)s->limits.unconfirmed_seconds * 1000;
	c->next = s->clients;
	s->clients = c;
	s->stats.clients_unconfirmed++;
	return c;
}

/* A confirmed record with sessions is in use; one without may be taken over (s18.35.4 case 3). */
static bool has_state(const struct sm_client *c)
{
	return c->nsessions > 0;
}

/*
 * The record's state protection is fixed once the client ID is confirmed (s18.35.3, EXID-19):
 * granted SP4_MACH_CRED (by the mach-cred test hook) it is reported with its enforced set even
 * to a later request asking SP4_NONE, which would promise no enforcement for the client ID
 * returned (s18.35.3) while the server goes on enforcing. spo_must_allow stays empty.
 */
static void report_mach_cred(const struct sm_client *c, struct state_protect4_r *sp)
{
	if (!c->mach_cred)
		return;
	sp->spr_how = SP4_MACH_CRED;
	sp->spr_mach_ops.spo_must_enforce = c->must_enforce;
}

/*
 * s18.35.3: under SP4_MACH_CRED, as long as the lease is unexpired, every later EXCHANGE_ID for
 * the owner must come with the machine credential. Another principal's EXCHANGE_ID then cannot
 * take the owner over even when the client holds no state (s18.35.4 case 3 without it); it
 * collides with the owner in use: NFS4ERR_CLID_INUSE (SES-44).
 */
static bool owner_held_by_machine(const struct sm *s, const struct sm_client *conf,
				  const struct sm_principal *p)
{
	return bitmap4_isset(&conf->must_enforce, OP_EXCHANGE_ID) && !sm_client_expired(s, conf) &&
	       !sm_principal_equal(&conf->mach_principal, p);
}

static void reply_for(const struct sm *s, const struct sm_client *c, struct EXCHANGE_ID4resok *r)
{
	memset(r, 0, sizeof(*r));
	r->eir_clientid = c->clientid;
	r->eir_sequenceid = c->eir_sequenceid;
	/* USE_NON_PNFS only, CONFIRMED_R as the record is (catalogue s17; EXID-05, EXID-07). */
	r->eir_flags = EXCHGID4_FLAG_USE_NON_PNFS | (c->confirmed ? EXCHGID4_FLAG_CONFIRMED_R : 0);
	r->eir_state_protect.spr_how = SP4_NONE;
	r->eir_server_owner.so_major_id =
		(struct wire_opaque){(const uint8_t *)s->server_owner, (uint32_t)strlen(s->server_owner)};
	r->eir_server_scope = r->eir_server_owner.so_major_id; /* one server, one scope (s2.10.4) */
	report_mach_cred(c, &r->eir_state_protect);
}

/* SP4_SSV: malformed parameters are INVAL; well-formed ones name ciphers this server, which has
 * no SSV support, does not offer (s18.35.3, catalogue s17, EXID-18). */
static uint32_t check_ssv(const struct ssv_sp_parms4 *p)
{
	if (p->ssp_hash_algs_count == 0 || p->ssp_encr_algs_count == 0 || p->ssp_window == 0)
		return NFS4ERR_INVAL;
	return NFS4ERR_ENCR_ALG_UNSUPP;
}

/* Arguments checked before any record is looked at (s18.35.3). */
static uint32_t check_args(const struct EXCHANGE_ID4args *a)
{
	if (a->eia_flags & ~EIA_FLAGS_DEFINED)
		return NFS4ERR_INVAL; /* EXID-03, EXID-04: undefined or result-only bits */
	if (a->eia_clientowner.co_ownerid.len == 0)
		return NFS4ERR_INVAL;
	if (a->eia_state_protect.spa_how == SP4_MACH_CRED)
		return NFS4ERR_INVAL; /* no GSS here: catalogue s17 (EXID-16) */
	if (a->eia_state_protect.spa_how == SP4_SSV)
		return check_ssv(&a->eia_state_protect.spa_ssv_parms);
	return NFS4_OK;
}

/* s18.35.4 cases 6-9: UPD_CONFIRMED_REC_A only updates a confirmed record. */
static uint32_t update(struct sm *s, const struct EXCHANGE_ID4args *a, const struct sm_principal *p,
		       struct sm_client *conf, struct EXCHANGE_ID4resok *r)
{
	if (!conf)
		return NFS4ERR_NOENT; /* case 7 (EXID-28) */
	if (memcmp(conf->verifier, a->eia_clientowner.co_verifier, NFS4_VERIFIER_SIZE) != 0)
		return NFS4ERR_NOT_SAME; /* case 8; also with another principal (catalogue s17) */
	if (!sm_principal_equal(&conf->principal, p))
		return NFS4ERR_PERM; /* case 9 (EXID-30) */
	reply_for(s, conf, r); /* case 6 (EXID-27) */
	return NFS4_OK;
}

uint32_t sm_exchange_id(struct sm *s, struct sm_request *rq, const struct EXCHANGE_ID4args *a,
			struct EXCHANGE_ID4resok *r)
{
	struct sm_client *conf, *unconf, *c;
	uint32_t st = check_args(a);
	bool same_verifier;

	if (st != NFS4_OK)
		return st;
	find_owner(s, &a->eia_clientowner.co_ownerid, &conf, &unconf);
	if (a->eia_flags & EXCHGID4_FLAG_UPD_CONFIRMED_REC_A)
		return update(s, a, &rq->principal, conf, r);
	if (conf && !sm_principal_equal(&conf->principal, &rq->principal)) {
		if (has_state(conf) && !sm_client_expired(s, conf))
			return NFS4ERR_CLID_INUSE; /* case 3, old client active (EXID-23) */
		/* case 3 with no state, or state whose lease expired: "equivalent to the New Owner
		 * ID case", the old record and its sessions go (EXID-22) */
		if (owner_held_by_machine(s, conf, &rq->principal))
			return NFS4ERR_CLID_INUSE; /* but not under SP4_MACH_CRED (SES-44) */
		sm_client_destroy(s, conf, SM_BY_REAPER);
		conf = NULL;
	}
	same_verifier = conf && !memcmp(conf->verifier, a->eia_clientowner.co_verifier,
					NFS4_VERIFIER_SIZE);
	if (same_verifier) {
		reply_for(s, conf, r); /* case 2: the client retried (EXID-21) */
		return NFS4_OK;
	}
	if (unconf)
		sm_client_remove(s, unconf); /* case 4: the unconfirmed record is replaced (EXID-24) */
	/* case 1 (new owner), case 5 (new verifier: client restart, EXID-25), idle case 3 */
	c = client_new(s, a, &rq->principal);
	if (!c)
		return NFS4ERR_DELAY; /* the client table is full: try again later */
	reply_for(s, c, r);
	return NFS4_OK;
}
