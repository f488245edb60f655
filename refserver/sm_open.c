/*
 * sm_open.c - OPEN (RFC 8881 s18.16) on the read-only pseudo-root, for the grace rules of
 * RECLAIM_COMPLETE (s18.51.3, RC-01, RC-02). nfs41refd holds no open, lock or delegation state
 * and never did, so OPEN never succeeds: it answers the error the RFC gives for each case, the
 * reclaim-complete rules first. The choices are a catalogue s17 decision (refserver/DESIGN.md).
 */
#include "sm_internal.h"

/* opentype4, open_claim_type4 and share_access bits (RFC 5662). */
enum { OPEN4_NOCREATE = 0, OPEN4_CREATE = 1 };
enum {
	CLAIM_NULL = 0,
	CLAIM_PREVIOUS = 1,
	CLAIM_DELEGATE_CUR = 2,
	CLAIM_DELEGATE_PREV = 3,
	CLAIM_FH = 4,
	CLAIM_DELEG_CUR_FH = 5,
	CLAIM_DELEG_PREV_FH = 6,
};
#define OPEN4_SHARE_ACCESS_WRITE 0x2u

/* What OPEN's decisions read from its arguments. */
struct open_req {
	uint32_t share_access, opentype, createmode, claim;
	struct wire_opaque file; /* the component name (CLAIM_NULL and the DELEGATE_* names) */
};

/* s18.16.3: the claims that recover state held before a server or client restart. */
static bool is_reclaim(uint32_t claim)
{
	return claim == CLAIM_PREVIOUS || claim == CLAIM_DELEGATE_PREV ||
	       claim == CLAIM_DELEG_PREV_FH;
}

/* s15.1.2.5: every claim works on the current filehandle (the directory, or the file). */
static uint32_t check_filehandle(const struct sm_request *rq)
{
	return rq->has_fh ? NFS4_OK : NFS4ERR_NOFILEHANDLE;
}

/*
 * A reclaim (RC-02). s18.51.3: once the client sent its global RECLAIM_COMPLETE, "the server
 * will not allow the client to do subsequent reclaims ... and ... will return NFS4ERR_NO_GRACE"
 * (also s15.1.9.3). Before it: this server keeps no state across restarts and never granted an
 * open or a delegation, so it knows the state claimed cannot have existed - NFS4ERR_RECLAIM_BAD
 * (s15.1.9.4: a server with reliable information rejects the reclaim as invalid). Never
 * NFS4ERR_GRACE: reclaims are what a grace period is for (s18.16.3).
 */
static uint32_t check_reclaim(const struct sm_client *c)
{
	return c->reclaim_complete ? NFS4ERR_NO_GRACE : NFS4ERR_RECLAIM_BAD;
}

/*
 * A non-reclaim open (RC-01). s18.51.3: a new client ID sends a global RECLAIM_COMPLETE before
 * its first non-reclaim locking operation; "If non-reclaim locking operations are done before
 * the RECLAIM_COMPLETE, an NFS4ERR_GRACE error will be returned." The flag is the client ID's
 * (s2.4): another client's RECLAIM_COMPLETE does not count.
 */
static uint32_t check_reclaim_complete(const struct sm_client *c)
{
	return c->reclaim_complete ? NFS4_OK : NFS4ERR_GRACE;
}

/*
 * The current object is the file to open (CLAIM_FH, or the entry CLAIM_NULL named). s18.16.4:
 * a directory is NFS4ERR_ISDIR (s15.1.2.3). A regular file exists but cannot be opened here:
 * asking for write access on a read-only file system is NFS4ERR_ROFS (s18.16.3); a read open
 * is refused as NFS4ERR_ACCESS (s18.16.4: access may be "subject to server administrative
 * controls").
 */
static uint32_t open_current(const struct sm_request *rq, const struct open_req *o)
{
	if (sm_current_type(rq) == NF4DIR)
		return NFS4ERR_ISDIR;
	return (o->share_access & OPEN4_SHARE_ACCESS_WRITE) ? NFS4ERR_ROFS : NFS4ERR_ACCESS;
}

/*
 * CLAIM_NULL: the current filehandle is the directory, file the name in it. s18.16.4: not a
 * directory is NFS4ERR_NOTDIR. Creating would modify a read-only file system: NFS4ERR_ROFS
 * (s15.1.4.11). Otherwise LOOKUP's rules find the entry (INVAL for an empty name, NAMETOOLONG,
 * NOENT: s18.16.4 applies the usual name checks) and open_current() judges it.
 */
static uint32_t open_by_name(struct sm_request *rq, const struct open_req *o)
{
	struct LOOKUP4args lookup = {.objname = o->file};
	uint32_t dir = rq->fh, st;

	if (sm_current_type(rq) != NF4DIR)
		return NFS4ERR_NOTDIR;
	if (o->opentype == OPEN4_CREATE)
		return NFS4ERR_ROFS;
	if ((st = sm_lookup(rq, &lookup)) == NFS4_OK)
		st = open_current(rq, o);
	rq->fh = dir; /* OPEN failed: the current filehandle stays the directory */
	return st;
}

/*
 * After the client's RECLAIM_COMPLETE: the pseudo-root has nothing to open. s18.16.3: only the
 * claims that carry a name may create (NFS4ERR_INVAL otherwise); the delegation claims name a
 * delegation this server never granted (NFS4ERR_BAD_STATEID, s15.1.5.2).
 */
static uint32_t open_after_grace(struct sm_request *rq, const struct open_req *o)
{
	if (o->opentype == OPEN4_CREATE && o->claim != CLAIM_NULL && o->claim != CLAIM_DELEGATE_CUR)
		return NFS4ERR_INVAL;
	switch (o->claim) {
	case CLAIM_NULL:
		return open_by_name(rq, o);
	case CLAIM_FH:
		return open_current(rq, o);
	default: /* CLAIM_DELEGATE_CUR, CLAIM_DELEG_CUR_FH */
		return NFS4ERR_BAD_STATEID;
	}
}

uint32_t sm_open(struct sm_request *rq, const struct wire_opaque *args)
{
	struct open_req o;
	struct wire_error err;
	const struct sm_client *c = rq->session ? rq->session->client : NULL;
	uint32_t st;

	if (!nfs4_open_args_peek(args, &o.share_access, &o.opentype, &o.createmode, &o.claim,
				 &o.file, &err))
		return NFS4ERR_BADXDR; /* the wire layer validated it; defensive */
	if (!c)
		return NFS4ERR_SERVERFAULT; /* sm_compound runs OPEN only after a SEQUENCE */
	if ((st = check_filehandle(rq)) != NFS4_OK)
		return st;
	if (is_reclaim(o.claim))
		return check_reclaim(c);
	if ((st = check_reclaim_complete(c)) != NFS4_OK)
		return st;
	return open_after_grace(rq, &o);
}
