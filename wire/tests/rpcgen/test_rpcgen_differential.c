/*
 * test_rpcgen_differential.c - our wire codec against an independent
 * decoder (libtirpc + rpcgen code of nfs41_subset.x), message by message.
 *
 * For every RPC record of both shared captures, and for compounds our
 * encoder builds to reach every union arm of the session ops (and rpcgen
 * builds for the file ops we keep raw):
 *   (a) our strict decode succeeds,
 *   (b) the rpcgen path decodes it,
 *   (c) the rpcgen result, expressed in our structs, re-encodes with our
 *       encoder to exactly the original bytes,
 *   (d) our own decode re-encodes to exactly the original bytes,
 * and the two decodes agree field by field on the keys (xid, header,
 * opcodes, statuses, sessionids, clientids, SEQUENCE slot and seqid...).
 */
#include <CUnit/CUnit.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture_records.h"
#include "rpcgen_adapter.h"
#include "rpcgen_fileop_samples.h"
#include "test_main.h"
#include "wire.h"

#define LIFECYCLE_PCAP "ganesha-session-lifecycle.pcap"
#define LIFECYCLE_RECORDS 24u
#define PYNFS_PCAP "ganesha-pynfs-session-errors.pcap"
#define PYNFS_RECORDS 294u
#define MAX_SAMPLES 64u

/* CU_FAIL only stringifies its argument: this one carries a message built at run time. */
#define FAILF(...) fail_at(__FILE__, __LINE__, __VA_ARGS__)
static void fail_at(const char *file, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void fail_at(const char *file, unsigned line, const char *fmt, ...)
{
	char msg[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "FAIL %s:%u: %s\n", file, line, msg);
	CU_assertImplementation(CU_FALSE, line, msg, file, "", CU_FALSE);
}

/* ---- field-by-field comparison ------------------------------------------- */

struct cmp {
	char where[160]; /* "capture frame N call argarray[2] SEQUENCE" */
	const char *theirs_name; /* "rpcgen" or "constructed" */
	unsigned fields;
	unsigned mismatches;
};

static void same(struct cmp *c, const char *field, uint64_t ours, uint64_t theirs)
{
	c->fields++;
	if (ours == theirs)
		return;
	c->mismatches++;
	FAILF("%s: %s: ours %" PRIu64 " (0x%" PRIx64 "), %s %" PRIu64 " (0x%" PRIx64 ")", c->where,
	      field, ours, ours, c->theirs_name, theirs, theirs);
}

static void same_bytes(struct cmp *c, const char *field, const void *a, size_t alen, const void *b,
		       size_t blen)
{
	c->fields++;
	if (alen == blen && (alen == 0 || memcmp(a, b, alen) == 0))
		return;
	c->mismatches++;
	FAILF("%s: %s: ours %zu bytes, %s %zu bytes, contents differ", c->where, field, alen,
	      c->theirs_name, blen);
}

static void same_slice(struct cmp *c, const char *field, struct wire_opaque a, struct wire_opaque b)
{
	same_bytes(c, field, a.data, a.len, b.data, b.len);
}

static void same_bitmap(struct cmp *c, const char *field, const struct bitmap4 *a,
			const struct bitmap4 *b)
{
	same(c, field, a->count, b->count);
	if (a->count == b->count && a->count <= WIRE_MAX_BITMAP_WORDS)
		same_bytes(c, field, a->map, sizeof(a->map[0]) * a->count, b->map,
			   sizeof(b->map[0]) * b->count);
}

static void same_auth(struct cmp *c, const char *what, const struct oncrpc_auth *a,
		      const struct oncrpc_auth *b)
{
	const struct oncrpc_authsys *x = &a->u.sys, *y = &b->u.sys;

	same(c, what, a->flavor, b->flavor);
	same_slice(c, what, a->body, b->body);
	if (a->flavor != ONCRPC_AUTH_NONE && a->flavor != ONCRPC_AUTH_SYS)
		return;
	same(c, "body_ok", a->body_ok, b->body_ok);
	if (a->flavor != ONCRPC_AUTH_SYS || !a->body_ok || !b->body_ok)
		return;
	same(c, "authsys.stamp", x->stamp, y->stamp);
	same_slice(c, "authsys.machinename", x->machinename, y->machinename);
	same(c, "authsys.uid", x->uid, y->uid);
	same(c, "authsys.gid", x->gid, y->gid);
	same(c, "authsys.ngids", x->ngids, y->ngids);
	if (x->ngids == y->ngids && x->ngids <= ONCRPC_MAX_GIDS)
		same_bytes(c, "authsys.gids", x->gids, sizeof(x->gids[0]) * x->ngids, y->gids,
			   sizeof(y->gids[0]) * y->ngids);
}

static void same_header(struct cmp *c, const struct wire_msg *a, const struct wire_msg *b)
{
	same(c, "xid", a->xid, b->xid);
	same(c, "msg_type", a->msg_type, b->msg_type);
	same(c, "proc", a->proc, b->proc);
	same(c, "is_compound", a->is_compound, b->is_compound);
	if (a->msg_type == ONCRPC_CALL) {
		same(c, "rpcvers", a->call.rpcvers, b->call.rpcvers);
		same(c, "prog", a->call.prog, b->call.prog);
		same(c, "vers", a->call.vers, b->call.vers);
		same(c, "call.proc", a->call.proc, b->call.proc);
		same_auth(c, "cred", &a->call.cred, &b->call.cred);
		same_auth(c, "verf", &a->call.verf, &b->call.verf);
		return;
	}
	same(c, "reply_stat", a->reply.reply_stat, b->reply.reply_stat);
	same(c, "accept_stat", a->reply.accept_stat, b->reply.accept_stat);
	same(c, "reject_stat", a->reply.reject_stat, b->reply.reject_stat);
	same(c, "auth_stat", a->reply.auth_stat, b->reply.auth_stat);
	same(c, "mismatch_low", a->reply.mismatch_low, b->reply.mismatch_low);
	same(c, "mismatch_high", a->reply.mismatch_high, b->reply.mismatch_high);
	if (a->reply.reply_stat == ONCRPC_MSG_ACCEPTED)
		same_auth(c, "verf", &a->reply.verf, &b->reply.verf);
}

static void same_cb_sec(struct cmp *c, uint32_t n, const struct callback_sec_parms4 *a,
			const struct callback_sec_parms4 *b)
{
	for (uint32_t i = 0; i < n && i < WIRE_MAX_CB_SEC; i++) {
		const struct gss_cb_handles4 *x = &a[i].cbsp_gss_handles;
		const struct gss_cb_handles4 *y = &b[i].cbsp_gss_handles;

		same(c, "cb_secflavor", a[i].cb_secflavor, b[i].cb_secflavor);
		if (a[i].cb_secflavor == ONCRPC_AUTH_SYS) {
			same(c, "cbsp_sys_cred.uid", a[i].cbsp_sys_cred.uid,
			     b[i].cbsp_sys_cred.uid);
			same_slice(c, "cbsp_sys_cred.machinename", a[i].cbsp_sys_cred.machinename,
				   b[i].cbsp_sys_cred.machinename);
			same(c, "cbsp_sys_cred.ngids", a[i].cbsp_sys_cred.ngids,
			     b[i].cbsp_sys_cred.ngids);
		}
		if (a[i].cb_secflavor == ONCRPC_RPCSEC_GSS) {
			same(c, "gcbp_service", x->gcbp_service, y->gcbp_service);
			same_slice(c, "gcbp_handle_from_server", x->gcbp_handle_from_server,
				   y->gcbp_handle_from_server);
			same_slice(c, "gcbp_handle_from_client", x->gcbp_handle_from_client,
				   y->gcbp_handle_from_client);
		}
	}
}

static void same_channel(struct cmp *c, const struct channel_attrs4 *a,
			 const struct channel_attrs4 *b)
{
	same(c, "ca_maxrequestsize", a->ca_maxrequestsize, b->ca_maxrequestsize);
	same(c, "ca_maxoperations", a->ca_maxoperations, b->ca_maxoperations);
	same(c, "ca_maxrequests", a->ca_maxrequests, b->ca_maxrequests);
	same(c, "ca_rdma_ird_present", a->ca_rdma_ird_present, b->ca_rdma_ird_present);
	if (a->ca_rdma_ird_present && b->ca_rdma_ird_present)
		same(c, "ca_rdma_ird", a->ca_rdma_ird, b->ca_rdma_ird);
}

static void same_session_args(struct cmp *c, const struct nfs_argop *a, const struct nfs_argop *b)
{
	const struct EXCHANGE_ID4args *ea = &a->u.exchange_id, *eb = &b->u.exchange_id;
	const struct CREATE_SESSION4args *ca = &a->u.create_session, *cb = &b->u.create_session;

	switch (a->op) {
	case OP_EXCHANGE_ID:
		same_slice(c, "co_ownerid", ea->eia_clientowner.co_ownerid,
			   eb->eia_clientowner.co_ownerid);
		same(c, "eia_flags", ea->eia_flags, eb->eia_flags);
		same(c, "spa_how", ea->eia_state_protect.spa_how, eb->eia_state_protect.spa_how);
		same(c, "eia_client_impl_id_present", ea->eia_client_impl_id_present,
		     eb->eia_client_impl_id_present);
		break;
	case OP_CREATE_SESSION:
		same(c, "csa_clientid", ca->csa_clientid, cb->csa_clientid);
		same(c, "csa_sequence", ca->csa_sequence, cb->csa_sequence);
		same(c, "csa_flags", ca->csa_flags, cb->csa_flags);
		same_channel(c, &ca->csa_fore_chan_attrs, &cb->csa_fore_chan_attrs);
		same_channel(c, &ca->csa_back_chan_attrs, &cb->csa_back_chan_attrs);
		same(c, "csa_sec_parms_count", ca->csa_sec_parms_count, cb->csa_sec_parms_count);
		if (ca->csa_sec_parms_count == cb->csa_sec_parms_count)
			same_cb_sec(c, ca->csa_sec_parms_count, ca->csa_sec_parms,
				    cb->csa_sec_parms);
		break;
	case OP_BACKCHANNEL_CTL:
		same(c, "bca_cb_program", a->u.backchannel_ctl.bca_cb_program,
		     b->u.backchannel_ctl.bca_cb_program);
		same(c, "bca_sec_parms_count", a->u.backchannel_ctl.bca_sec_parms_count,
		     b->u.backchannel_ctl.bca_sec_parms_count);
		break;
	}
}

static void same_argop(struct cmp *c, const struct nfs_argop *a, const struct nfs_argop *b)
{
	const struct SEQUENCE4args *sa = &a->u.sequence, *sb = &b->u.sequence;

	same(c, "argop", a->op, b->op);
	same(c, "undecoded", a->undecoded, b->undecoded);
	if (a->op != b->op || a->undecoded || b->undecoded)
		return;
	switch (a->op) {
	case OP_SEQUENCE:
		same_bytes(c, "sa_sessionid", sa->sa_sessionid, 16, sb->sa_sessionid, 16);
		same(c, "sa_sequenceid", sa->sa_sequenceid, sb->sa_sequenceid);
		same(c, "sa_slotid", sa->sa_slotid, sb->sa_slotid);
		same(c, "sa_highest_slotid", sa->sa_highest_slotid, sb->sa_highest_slotid);
		same(c, "sa_cachethis", sa->sa_cachethis, sb->sa_cachethis);
		return;
	case OP_DESTROY_SESSION:
		same_bytes(c, "dsa_sessionid", a->u.destroy_session.dsa_sessionid, 16,
			   b->u.destroy_session.dsa_sessionid, 16);
		return;
	case OP_BIND_CONN_TO_SESSION:
		same_bytes(c, "bctsa_sessid", a->u.bind_conn_to_session.bctsa_sessid, 16,
			   b->u.bind_conn_to_session.bctsa_sessid, 16);
		same(c, "bctsa_dir", a->u.bind_conn_to_session.bctsa_dir,
		     b->u.bind_conn_to_session.bctsa_dir);
		return;
	case OP_DESTROY_CLIENTID:
		same(c, "dca_clientid", a->u.destroy_clientid.dca_clientid,
		     b->u.destroy_clientid.dca_clientid);
		return;
	case OP_RECLAIM_COMPLETE:
		same(c, "rca_one_fs", a->u.reclaim_complete.rca_one_fs,
		     b->u.reclaim_complete.rca_one_fs);
		return;
	case OP_PUTFH:
		same_slice(c, "object", a->u.putfh.object, b->u.putfh.object);
		return;
	case OP_LOOKUP:
		same_slice(c, "objname", a->u.lookup.objname, b->u.lookup.objname);
		return;
	case OP_GETATTR:
		same_bitmap(c, "attr_request", &a->u.getattr.attr_request,
			    &b->u.getattr.attr_request);
		return;
	}
	if (nfs4_op_desc(a->op) && (nfs4_op_desc(a->op)->flags & NFS4_OPF_RAW))
		same_slice(c, "raw arguments", a->u.raw, b->u.raw);
	else
		same_session_args(c, a, b);
}

static void same_resok(struct cmp *c, const struct nfs_resop *a, const struct nfs_resop *b)
{
	const struct SEQUENCE4resok *sa = &a->u.sequence, *sb = &b->u.sequence;
	const struct EXCHANGE_ID4resok *ea = &a->u.exchange_id, *eb = &b->u.exchange_id;
	const struct CREATE_SESSION4resok *ca = &a->u.create_session, *cb = &b->u.create_session;

	switch (a->op) {
	case OP_SEQUENCE:
		same_bytes(c, "sr_sessionid", sa->sr_sessionid, 16, sb->sr_sessionid, 16);
		same(c, "sr_sequenceid", sa->sr_sequenceid, sb->sr_sequenceid);
		same(c, "sr_slotid", sa->sr_slotid, sb->sr_slotid);
		same(c, "sr_highest_slotid", sa->sr_highest_slotid, sb->sr_highest_slotid);
		same(c, "sr_target_highest_slotid", sa->sr_target_highest_slotid,
		     sb->sr_target_highest_slotid);
		same(c, "sr_status_flags", sa->sr_status_flags, sb->sr_status_flags);
		return;
	case OP_EXCHANGE_ID:
		same(c, "eir_clientid", ea->eir_clientid, eb->eir_clientid);
		same(c, "eir_sequenceid", ea->eir_sequenceid, eb->eir_sequenceid);
		same(c, "eir_flags", ea->eir_flags, eb->eir_flags);
		same(c, "spr_how", ea->eir_state_protect.spr_how, eb->eir_state_protect.spr_how);
		same_slice(c, "eir_server_scope", ea->eir_server_scope, eb->eir_server_scope);
		same(c, "eir_server_impl_id_present", ea->eir_server_impl_id_present,
		     eb->eir_server_impl_id_present);
		return;
	case OP_CREATE_SESSION:
		same_bytes(c, "csr_sessionid", ca->csr_sessionid, 16, cb->csr_sessionid, 16);
		same(c, "csr_sequence", ca->csr_sequence, cb->csr_sequence);
		same(c, "csr_flags", ca->csr_flags, cb->csr_flags);
		same_channel(c, &ca->csr_fore_chan_attrs, &cb->csr_fore_chan_attrs);
		same_channel(c, &ca->csr_back_chan_attrs, &cb->csr_back_chan_attrs);
		return;
	case OP_BIND_CONN_TO_SESSION:
		same_bytes(c, "bctsr_sessid", a->u.bind_conn_to_session.bctsr_sessid, 16,
			   b->u.bind_conn_to_session.bctsr_sessid, 16);
		same(c, "bctsr_dir", a->u.bind_conn_to_session.bctsr_dir,
		     b->u.bind_conn_to_session.bctsr_dir);
		return;
	case OP_GETFH:
		same_slice(c, "object", a->u.getfh.object, b->u.getfh.object);
		return;
	case OP_GETATTR:
		same_bitmap(c, "attrmask", &a->u.getattr.obj_attributes.attrmask,
			    &b->u.getattr.obj_attributes.attrmask);
		same_slice(c, "attr_vals", a->u.getattr.obj_attributes.attr_vals,
			   b->u.getattr.obj_attributes.attr_vals);
		return;
	}
	if (nfs4_op_desc(a->op) && (nfs4_op_desc(a->op)->flags & NFS4_OPF_RAW))
		same_slice(c, "raw resok", a->u.raw, b->u.raw);
}

static void same_resop(struct cmp *c, const struct nfs_resop *a, const struct nfs_resop *b)
{
	same(c, "resop", a->op, b->op);
	same(c, "status", a->status, b->status);
	same(c, "undecoded", a->undecoded, b->undecoded);
	if (a->op == b->op && a->status == NFS4_OK && b->status == NFS4_OK && !a->undecoded &&
	    !b->undecoded)
		same_resok(c, a, b);
}

/* Appends " argarray[i] NAME" to c->where for the duration of one op. */
static size_t where_push_op(struct cmp *c, const char *array, uint32_t i, uint32_t op)
{
	size_t len = strlen(c->where);
	const char *name = nfs4_op_name(op);

	snprintf(c->where + len, sizeof(c->where) - len, " %s[%u] %s", array, i, name ? name : "?");
	return len;
}

static void same_compound(struct cmp *c, const struct wire_msg *a, const struct wire_msg *b)
{
	size_t mark;

	if (a->msg_type == ONCRPC_CALL) {
		same_slice(c, "tag", a->args.tag, b->args.tag);
		same(c, "minorversion", a->args.minorversion, b->args.minorversion);
		same(c, "argarray_len", a->args.argarray_len, b->args.argarray_len);
		same(c, "declared_len", a->args.declared_len, b->args.declared_len);
		for (uint32_t i = 0; i < a->args.argarray_len && i < b->args.argarray_len; i++) {
			mark = where_push_op(c, "argarray", i, a->args.argarray[i].op);
			same_argop(c, &a->args.argarray[i], &b->args.argarray[i]);
			c->where[mark] = '\0';
		}
		return;
	}
	same(c, "COMPOUND4res.status", a->res.status, b->res.status);
	same_slice(c, "tag", a->res.tag, b->res.tag);
	same(c, "resarray_len", a->res.resarray_len, b->res.resarray_len);
	same(c, "declared_len", a->res.declared_len, b->res.declared_len);
	for (uint32_t i = 0; i < a->res.resarray_len && i < b->res.resarray_len; i++) {
		mark = where_push_op(c, "resarray", i, a->res.resarray[i].op);
		same_resop(c, &a->res.resarray[i], &b->res.resarray[i]);
		c->where[mark] = '\0';
	}
}

static void same_msg(struct cmp *c, const struct wire_msg *a, const struct wire_msg *b)
{
	same_header(c, a, b);
	if (a->is_compound && b->is_compound)
		same_compound(c, a, b);
}

/* ---- one record through both decoders -------------------------------------- */

struct tally {
	unsigned records, compared, calls, replies, nulls, ops, fields;
};

static size_t first_difference(const uint8_t *a, const uint8_t *b, size_t n)
{
	size_t i = 0;

	while (i < n && a[i] == b[i])
		i++;
	return i;
}

/* (c) and (d): m through our encoder must give back exactly the record. */
static bool encodes_to(const struct wire_msg *m, const uint8_t *rec, size_t len, const char *where,
		       const char *whose)
{
	size_t cap = len + 64, n;
	uint8_t *buf = malloc(cap);
	bool ok;

	if (!buf) {
		FAILF("%s: out of memory", where);
		return false;
	}
	n = wire_msg_encode(m, buf, cap);
	ok = n == len && memcmp(buf, rec, len) == 0;
	if (!ok)
		FAILF("%s: %s, re-encoded by our encoder: %zu bytes, the record has %zu; first "
		      "difference at offset %zu",
		      where, whose, n, len, first_difference(buf, rec, n < len ? n : len));
	free(buf);
	return ok;
}

static void tally_msg(struct tally *t, const struct wire_msg *m)
{
	if (m->msg_type == ONCRPC_CALL)
		t->calls++;
	else
		t->replies++;
	if (!m->is_compound)
		t->nulls++;
	else
		t->ops += m->msg_type == ONCRPC_CALL ? m->args.argarray_len : m->res.resarray_len;
}

/* Both decoders succeeded: compare them (and an expected message, if any) and re-encode. */
static bool compare_decodes(const uint8_t *rec, size_t len, const char *where,
			    const struct wire_msg *ours, const struct wire_msg *theirs,
			    const struct wire_msg *expected, struct tally *t)
{
	struct cmp c = {.theirs_name = "rpcgen"};
	bool ours_ok, theirs_ok;

	snprintf(c.where, sizeof(c.where), "%s", where);
	same_msg(&c, ours, theirs);
	if (expected) {
		c.theirs_name = "constructed";
		same_msg(&c, ours, expected);
	}
	t->fields += c.fields;
	ours_ok = encodes_to(ours, rec, len, where, "our decode");
	theirs_ok = encodes_to(theirs, rec, len, where, "the rpcgen decode");
	return ours_ok && theirs_ok && c.mismatches == 0;
}

/* (a) to (d) for one record; expected, when not NULL, is what the record should hold. */
static void check_record(const uint8_t *rec, size_t len, const char *where,
			 const struct wire_msg *expected, struct tally *t)
{
	const struct wire_decode_opts strict = {.flags = WIRE_STRICT,
						.reply_proc = WIRE_PROC_UNKNOWN};
	struct wire_msg ours;
	struct wire_error werr;
	struct rx_msg theirs;
	char err[256];
	bool ours_ok, theirs_ok;

	t->records++;
	ours_ok = wire_msg_decode(rec, len, &strict, &ours, &werr) == WIRE_OK;
	if (!ours_ok) {
		char msg[WIRE_PATH_MAX + WIRE_DETAIL_MAX + 32];
		FAILF("%s: our strict decode failed: %s", where,
		      wire_error_format(&werr, msg, sizeof(msg)));
	}
	theirs_ok = rx_msg_decode(rec, len, &theirs, err, sizeof(err));
	if (!theirs_ok)
		FAILF("%s: the rpcgen decode failed: %s", where, err);
	if (ours_ok && theirs_ok &&
	    compare_decodes(rec, len, where, &ours, &theirs.msg, expected, t)) {
		t->compared++;
		tally_msg(t, &ours);
	}
	wire_msg_free(&ours);
	rx_msg_free(&theirs);
}

/* ---- the shared captures ----------------------------------------------------- */

static void check_capture(const char *file, size_t expected_records)
{
	char path[1024], err[256], where[160];
	struct capture cap;
	struct tally t = {0};

	snprintf(path, sizeof(path), "%s/%s", capture_dir(), file);
	if (capture_load(path, &cap, err, sizeof(err)) != 0) {
		FAILF("capture %s is missing or unreadable: %s", path, err);
		return;
	}
	for (size_t i = 0; i < cap.count; i++) {
		const struct capture_record *r = &cap.records[i];

		snprintf(where, sizeof(where), "%s frame %u (port %u->%u)", file, r->frame,
			 r->src_port, r->dst_port);
		check_record(r->data, r->len, where, NULL, &t);
	}
	if (cap.count != expected_records)
		FAILF("%s: %zu RPC records, expected %zu", file, cap.count, expected_records);
	if (t.compared != expected_records)
		FAILF("%s: %u records agree in both decoders, expected %zu", file, t.compared,
		      expected_records);
	printf("\n    %s: %u of %zu records agree (%u calls, %u replies, %u NULL; %u ops, %u "
	       "fields compared) ",
	       file, t.compared, cap.count, t.calls, t.replies, t.nulls, t.ops, t.fields);
	capture_free(&cap);
}

static void test_lifecycle_capture(void) { check_capture(LIFECYCLE_PCAP, LIFECYCLE_RECORDS); }

static void test_pynfs_capture(void) { check_capture(PYNFS_PCAP, PYNFS_RECORDS); }

/* ---- constructed messages: our encoder, every session-op arm -------------- */

static struct tally constructed;

/* Encode m with our encoder, then (a) to (d) and a comparison against m itself. */
static void check_constructed(const char *name, const struct wire_msg *m)
{
	size_t len = wire_msg_encode(m, NULL, 0);
	uint8_t *buf = malloc(len ? len : 1);

	if (!buf) {
		FAILF("%s: out of memory", name);
		return;
	}
	if (wire_msg_encode(m, buf, len) != len)
		FAILF("%s: our encoder changed its mind about the size", name);
	else
		check_record(buf, len, name, m, &constructed);
	free(buf);
}

static struct wire_opaque str(const char *s)
{
	return (struct wire_opaque){(const uint8_t *)s, (uint32_t)strlen(s)};
}

static const struct oncrpc_auth auth_none = {.flavor = ONCRPC_AUTH_NONE, .body_ok = true};

static struct wire_msg call_of(uint32_t xid, struct nfs_argop *ops, uint32_t n)
{
	struct wire_msg m = {.xid = xid, .msg_type = ONCRPC_CALL, .proc = NFSPROC4_COMPOUND,
			     .is_compound = true};

	m.call = (struct oncrpc_call){.xid = xid, .rpcvers = ONCRPC_VERSION, .prog = NFS4_PROGRAM,
				      .vers = NFS_V4, .proc = NFSPROC4_COMPOUND,
				      .cred = auth_none, .verf = auth_none};
	m.args = (struct COMPOUND4args){.tag = str("dx"), .minorversion = 1, .argarray_len = n,
					.declared_len = n, .argarray = ops};
	return m;
}

static struct wire_msg reply_of(uint32_t xid, uint32_t status, struct nfs_resop *res, uint32_t n)
{
	struct wire_msg m = {.xid = xid, .msg_type = ONCRPC_REPLY, .proc = NFSPROC4_COMPOUND,
			     .is_compound = true};

	m.reply = (struct oncrpc_reply){.xid = xid, .reply_stat = ONCRPC_MSG_ACCEPTED,
					.verf = auth_none, .accept_stat = ONCRPC_SUCCESS};
	m.res = (struct COMPOUND4res){.status = status, .tag = str("tag-5"), .resarray_len = n,
				      .declared_len = n, .resarray = res};
	return m;
}

#define COUNT(a) ((uint32_t)(sizeof(a) / sizeof((a)[0])))

static void sessionid(uint8_t *out, char fill)
{
	memset(out, fill, NFS4_SESSIONID_SIZE);
}

static struct nfs_argop sequence_op(bool cachethis)
{
	struct nfs_argop op = {.op = OP_SEQUENCE};

	sessionid(op.u.sequence.sa_sessionid, 's');
	op.u.sequence.sa_sequenceid = 7;
	op.u.sequence.sa_slotid = 3;
	op.u.sequence.sa_highest_slotid = 7;
	op.u.sequence.sa_cachethis = cachethis;
	return op;
}

static struct bitmap4 bitmap_of(uint32_t words)
{
	struct bitmap4 b = {.count = words};

	for (uint32_t i = 0; i < words; i++)
		b.map[i] = 0x80000001u >> i;
	return b;
}

static struct nfs_impl_id4 impl_id(void)
{
	return (struct nfs_impl_id4){.nii_domain = str("example.org"),
				     .nii_name = str("nfs41check 0.1"),
				     .nii_date = {.seconds = -2, .nseconds = 999999999}};
}

/* state_protect4_a, all three arms (RFC 8881 s18.35.1), with impl_id present and absent. */
static void test_exchange_id_args(void)
{
	struct nfs_argop ops[4] = {{.op = OP_EXCHANGE_ID}, {.op = OP_EXCHANGE_ID},
				   {.op = OP_EXCHANGE_ID}, {.op = OP_EXCHANGE_ID}};
	struct ssv_sp_parms4 *ssv;

	for (uint32_t i = 0; i < COUNT(ops); i++) {
		struct EXCHANGE_ID4args *a = &ops[i].u.exchange_id;
		memcpy(a->eia_clientowner.co_verifier, "verifier", NFS4_VERIFIER_SIZE);
		a->eia_clientowner.co_ownerid = str(i % 2 ? "owner-1" : "abc");
		a->eia_flags = EXCHGID4_FLAG_SUPP_MOVED_REFER | EXCHGID4_FLAG_USE_NON_PNFS;
		a->eia_state_protect.spa_how = i < 2 ? i : SP4_SSV;
		a->eia_client_impl_id_present = i % 2;
		a->eia_client_impl_id = impl_id();
	}
	ops[1].u.exchange_id.eia_state_protect.spa_mach_ops =
		(struct state_protect_ops4){bitmap_of(2), bitmap_of(1)};
	ssv = &ops[2].u.exchange_id.eia_state_protect.spa_ssv_parms;
	*ssv = (struct ssv_sp_parms4){.ssp_ops = {bitmap_of(1), bitmap_of(0)},
				      .ssp_hash_algs_count = 2,
				      .ssp_hash_algs = (struct wire_opaque[]){str("\x06\x09\x60\x86\x48"),
									      str("oid-2")},
				      .ssp_encr_algs_count = 1,
				      .ssp_encr_algs = (struct wire_opaque[]){str("aes")},
				      .ssp_window = 16,
				      .ssp_num_gss_handles = 2};
	for (uint32_t i = 0; i < COUNT(ops); i++) {
		static const char *const names[] = {
			"EXCHANGE_ID4args SP4_NONE, no impl_id",
			"EXCHANGE_ID4args SP4_MACH_CRED, impl_id",
			"EXCHANGE_ID4args SP4_SSV with algs, no impl_id",
			"EXCHANGE_ID4args SP4_SSV without algs, impl_id",
		};
		struct wire_msg m = call_of(0x100 + i, &ops[i], 1);

		check_constructed(names[i], &m);
	}
}

static struct oncrpc_authsys authsys_of(const char *machine, uint32_t ngids)
{
	struct oncrpc_authsys s = {.stamp = 0x5eed, .machinename = str(machine), .uid = 1000,
				   .gid = 100, .ngids = ngids};

	for (uint32_t i = 0; i < ngids; i++)
		s.gids[i] = 100 + i;
	return s;
}

/* The three callback_sec_parms4 arms (RFC 8881 s18.36.1). */
static void cb_sec_all(struct callback_sec_parms4 *p, const char *machine, uint32_t ngids,
		       const char *handle)
{
	p[0] = (struct callback_sec_parms4){.cb_secflavor = ONCRPC_AUTH_NONE};
	p[1] = (struct callback_sec_parms4){.cb_secflavor = ONCRPC_AUTH_SYS,
					    .cbsp_sys_cred = authsys_of(machine, ngids)};
	p[2] = (struct callback_sec_parms4){.cb_secflavor = ONCRPC_RPCSEC_GSS,
					    .cbsp_gss_handles = {RPC_GSS_SVC_INTEGRITY,
								 str(handle), str("clnt1")}};
}

static struct channel_attrs4 channel(bool rdma)
{
	return (struct channel_attrs4){.ca_headerpadsize = 0, .ca_maxrequestsize = 1049620,
				       .ca_maxresponsesize = 1049480,
				       .ca_maxresponsesize_cached = 3428, .ca_maxoperations = 16,
				       .ca_maxrequests = 8, .ca_rdma_ird_present = rdma,
				       .ca_rdma_ird = rdma ? 4 : 0};
}

static void test_create_session_args(void)
{
	struct nfs_argop ops[3];
	struct callback_sec_parms4 sec[2][3];

	for (uint32_t i = 0; i < COUNT(ops); i++) {
		struct CREATE_SESSION4args *a = &ops[i].u.create_session;

		ops[i] = (struct nfs_argop){.op = OP_CREATE_SESSION};
		a->csa_clientid = 0x0102030405060708ull + i;
		a->csa_sequence = i + 1;
		a->csa_flags = i * CREATE_SESSION4_FLAG_CONN_BACK_CHAN;
		a->csa_fore_chan_attrs = channel(i == 1);
		a->csa_back_chan_attrs = channel(i == 0 || i == 2);
		a->csa_cb_program = 0x40000000;
	}
	ops[0].u.create_session.csa_sec_parms_count = 0;
	ops[1].u.create_session.csa_sec_parms_count = 3;
	ops[1].u.create_session.csa_sec_parms = sec[0];
	cb_sec_all(sec[0], "client", 3, "srv");
	ops[2].u.create_session.csa_sec_parms_count = 3;
	ops[2].u.create_session.csa_sec_parms = sec[1];
	cb_sec_all(sec[1], "", ONCRPC_MAX_GIDS, "");
	for (uint32_t i = 0; i < COUNT(ops); i++) {
		static const char *const names[] = {
			"CREATE_SESSION4args back rdma_ird, no sec parms",
			"CREATE_SESSION4args fore rdma_ird, AUTH_NONE AUTH_SYS RPCSEC_GSS",
			"CREATE_SESSION4args back rdma_ird, 16 gids, empty names and handles",
		};
		struct wire_msg m = call_of(0x200 + i, &ops[i], 1);

		check_constructed(names[i], &m);
	}
}

/*
 * SEQUENCE, DESTROY_SESSION, DESTROY_CLIENTID, RECLAIM_COMPLETE, BACKCHANNEL_CTL and
 * BIND_CONN_TO_SESSION in every channel direction, in one COMPOUND.
 */
static void test_other_session_args(void)
{
	static const uint32_t dirs[] = {CDFC4_FORE, CDFC4_BACK, CDFC4_FORE_OR_BOTH,
					CDFC4_BACK_OR_BOTH};
	struct nfs_argop ops[12] = {sequence_op(true), {.op = OP_DESTROY_SESSION},
				    {.op = OP_DESTROY_CLIENTID}, {.op = OP_RECLAIM_COMPLETE},
				    {.op = OP_RECLAIM_COMPLETE}, {.op = OP_BACKCHANNEL_CTL},
				    {.op = OP_BACKCHANNEL_CTL}, sequence_op(false)};
	struct callback_sec_parms4 sec[3];
	struct wire_msg m;

	sessionid(ops[1].u.destroy_session.dsa_sessionid, 'd');
	ops[2].u.destroy_clientid.dca_clientid = 0xfedcba9876543210ull;
	ops[3].u.reclaim_complete.rca_one_fs = true;
	ops[5].u.backchannel_ctl = (struct BACKCHANNEL_CTL4args){
		.bca_cb_program = 0x40000001, .bca_sec_parms_count = 3, .bca_sec_parms = sec};
	cb_sec_all(sec, "bc-host", 1, "h");
	ops[6].u.backchannel_ctl.bca_cb_program = 7;
	for (uint32_t i = 0; i < COUNT(dirs); i++) {
		struct BIND_CONN_TO_SESSION4args *b = &ops[8 + i].u.bind_conn_to_session;

		ops[8 + i].op = OP_BIND_CONN_TO_SESSION;
		sessionid(b->bctsa_sessid, (char)('a' + i));
		b->bctsa_dir = dirs[i];
		b->bctsa_use_conn_in_rdma_mode = i % 2;
	}
	m = call_of(0x300, ops, COUNT(ops));
	check_constructed("session ops: SEQUENCE DESTROY_SESSION ... BIND_CONN_TO_SESSION", &m);
}

/* The pseudo-root ops, void-argument ops, ILLEGAL, and padding of every length. */
static void test_filehandle_args(void)
{
	static uint8_t fh[NFS4_FHSIZE];
	struct nfs_argop ops[] = {
		sequence_op(false), {.op = OP_PUTROOTFH}, {.op = OP_GETFH},
		{.op = OP_LOOKUP, .u.lookup.objname = str("a")},
		{.op = OP_LOOKUP, .u.lookup.objname = str("ab")},
		{.op = OP_LOOKUP, .u.lookup.objname = str("abc")},
		{.op = OP_LOOKUP, .u.lookup.objname = str("abcd")},
		{.op = OP_GETATTR, .u.getattr.attr_request = bitmap_of(0)},
		{.op = OP_GETATTR, .u.getattr.attr_request = bitmap_of(1)},
		{.op = OP_GETATTR, .u.getattr.attr_request = bitmap_of(3)},
		{.op = OP_SAVEFH},
		{.op = OP_PUTFH, .u.putfh.object = {fh, 1}},
		{.op = OP_PUTFH, .u.putfh.object = {fh, NFS4_FHSIZE}},
		{.op = OP_RESTOREFH},
		{.op = OP_ILLEGAL},
	};
	struct wire_msg m = call_of(0x400, ops, COUNT(ops));

	memset(fh, 0xfe, sizeof(fh));
	check_constructed("filehandle ops and ILLEGAL", &m);
	m = call_of(0x401, NULL, 0);
	m.args.tag = str("");
	m.args.minorversion = 2;
	check_constructed("empty COMPOUND, empty tag, minorversion 2", &m);
}

/* RPC headers: AUTH_SYS credential, NULL procedure call. */
static void test_call_headers(void)
{
	static uint8_t body[ONCRPC_MAX_AUTH_BYTES];
	struct nfs_argop op = sequence_op(false);
	struct wire_msg m = call_of(0x500, &op, 1);
	struct oncrpc_auth *cred = &m.call.cred;

	cred->flavor = ONCRPC_AUTH_SYS;
	cred->u.sys = authsys_of("host-x", 5);
	cred->body = oncrpc_authsys_encode(&cred->u.sys, body, sizeof(body));
	cred->body_ok = true;
	check_constructed("call with AUTH_SYS credential", &m);
	m = call_of(0x501, NULL, 0);
	m.is_compound = false;
	m.proc = m.call.proc = NFSPROC4_NULL;
	check_constructed("NULL call", &m);
}

static struct nfs_resop sequence_res(void)
{
	struct nfs_resop r = {.op = OP_SEQUENCE};

	r.u.sequence = (struct SEQUENCE4resok){.sr_sequenceid = 7, .sr_slotid = 3,
					       .sr_highest_slotid = 7,
					       .sr_target_highest_slotid = 6,
					       .sr_status_flags = SEQ4_STATUS_CB_PATH_DOWN};
	sessionid(r.u.sequence.sr_sessionid, 's');
	return r;
}

/* state_protect4_r, all three arms, impl_id present and absent (RFC 8881 s18.35.2). */
static void test_exchange_id_res(void)
{
	struct nfs_resop res[4];

	for (uint32_t i = 0; i < COUNT(res); i++) {
		struct EXCHANGE_ID4resok *r = &res[i].u.exchange_id;

		res[i] = (struct nfs_resop){.op = OP_EXCHANGE_ID};
		r->eir_clientid = 0x1111222233334444ull;
		r->eir_sequenceid = 1;
		r->eir_flags = EXCHGID4_FLAG_CONFIRMED_R | EXCHGID4_FLAG_USE_NON_PNFS;
		r->eir_state_protect.spr_how = i < 2 ? i : SP4_SSV;
		r->eir_server_owner = (struct server_owner4){42, str("major")};
		r->eir_server_scope = str(i % 2 ? "scope" : "");
		r->eir_server_impl_id_present = i % 2 == 0;
		r->eir_server_impl_id = impl_id();
	}
	res[1].u.exchange_id.eir_state_protect.spr_mach_ops =
		(struct state_protect_ops4){bitmap_of(1), bitmap_of(2)};
	res[2].u.exchange_id.eir_state_protect.spr_ssv_info = (struct ssv_prot_info4){
		.spi_ops = {bitmap_of(0), bitmap_of(1)}, .spi_hash_alg = 1, .spi_encr_alg = 2,
		.spi_ssv_len = 32, .spi_window = 4, .spi_handles_count = 2,
		.spi_handles = (struct wire_opaque[]){str("gss-handle-1"), str("h2")}};
	for (uint32_t i = 0; i < COUNT(res); i++) {
		static const char *const names[] = {
			"EXCHANGE_ID4resok SP4_NONE, impl_id, empty scope",
			"EXCHANGE_ID4resok SP4_MACH_CRED, no impl_id",
			"EXCHANGE_ID4resok SP4_SSV with handles, impl_id",
			"EXCHANGE_ID4resok SP4_SSV without handles, no impl_id",
		};
		struct wire_msg m = reply_of(0x100 + i, NFS4_OK, &res[i], 1);

		check_constructed(names[i], &m);
	}
}

static void test_session_res(void)
{
	static const uint32_t dirs[] = {CDFS4_FORE, CDFS4_BACK, CDFS4_BOTH};
	struct nfs_resop res[9] = {{.op = OP_CREATE_SESSION}, {.op = OP_CREATE_SESSION},
				   sequence_res(), {.op = OP_DESTROY_SESSION},
				   {.op = OP_DESTROY_CLIENTID}, {.op = OP_BACKCHANNEL_CTL}};
	struct wire_msg m;

	for (uint32_t i = 0; i < 2; i++) {
		struct CREATE_SESSION4resok *c = &res[i].u.create_session;

		sessionid(c->csr_sessionid, (char)('0' + i));
		c->csr_sequence = 1;
		c->csr_flags = i;
		c->csr_fore_chan_attrs = channel(i == 0);
		c->csr_back_chan_attrs = channel(i == 1);
	}
	for (uint32_t i = 0; i < COUNT(dirs); i++) {
		struct BIND_CONN_TO_SESSION4resok *b = &res[6 + i].u.bind_conn_to_session;

		res[6 + i].op = OP_BIND_CONN_TO_SESSION;
		sessionid(b->bctsr_sessid, 'b');
		b->bctsr_dir = dirs[i];
		b->bctsr_use_conn_in_rdma_mode = i == 2;
	}
	m = reply_of(0x200, NFS4_OK, res, COUNT(res));
	check_constructed("session results: CREATE_SESSION SEQUENCE ... BIND_CONN_TO_SESSION", &m);
}

static void test_filehandle_res(void)
{
	static const uint8_t vals[5] = {1, 2, 3, 4, 5};
	struct nfs_resop res[] = {
		sequence_res(), {.op = OP_PUTROOTFH},
		{.op = OP_GETFH, .u.getfh.object = str("filehandle-of-28-bytes-here!")},
		{.op = OP_LOOKUP}, {.op = OP_SAVEFH}, {.op = OP_PUTFH}, {.op = OP_RESTOREFH},
		{.op = OP_GETATTR, .u.getattr.obj_attributes = {bitmap_of(2), {vals, 5}}},
		{.op = OP_GETATTR, .u.getattr.obj_attributes = {bitmap_of(0), {vals, 0}}},
		{.op = OP_ILLEGAL, .status = NFS4ERR_OP_ILLEGAL},
	};
	struct wire_msg m = reply_of(0x400, NFS4ERR_OP_ILLEGAL, res, COUNT(res));

	check_constructed("filehandle results and ILLEGAL", &m);
}

/* Every error status takes the void arm. */
static void test_error_res(void)
{
	static const uint32_t ops[] = {OP_SEQUENCE, OP_EXCHANGE_ID, OP_CREATE_SESSION,
				       OP_BIND_CONN_TO_SESSION, OP_DESTROY_SESSION,
				       OP_DESTROY_CLIENTID, OP_RECLAIM_COMPLETE, OP_BACKCHANNEL_CTL,
				       OP_GETFH, OP_GETATTR, OP_OPEN, OP_CLOSE, OP_CREATE,
				       OP_READDIR, OP_RENAME, OP_WRITE};
	struct nfs_resop res[COUNT(ops)];
	struct wire_msg m;

	for (uint32_t i = 0; i < COUNT(ops); i++)
		res[i] = (struct nfs_resop){.op = ops[i], .status = NFS4ERR_BADSESSION + i};
	m = reply_of(0x600, NFS4ERR_BADSESSION, res, COUNT(res));
	check_constructed("error results (void arms)", &m);
	m = reply_of(0x601, NFS4ERR_NOT_ONLY_OP, NULL, 0);
	check_constructed("error COMPOUND with no results", &m);
}

/* Replies without COMPOUND results: NULL, and every RPC-level refusal (RFC 5531 s9). */
static void test_reply_headers(void)
{
	struct wire_msg m = reply_of(0x700, NFS4_OK, NULL, 0);

	m.is_compound = false;
	m.proc = NFSPROC4_NULL;
	check_constructed("NULL reply", &m);
	m.proc = WIRE_PROC_UNKNOWN; /* a refusal does not tell which procedure it answers */
	m.reply.accept_stat = ONCRPC_PROG_MISMATCH;
	m.reply.mismatch_low = 4;
	m.reply.mismatch_high = 4;
	check_constructed("PROG_MISMATCH reply", &m);
	m.reply = (struct oncrpc_reply){.xid = m.xid, .accept_stat = ONCRPC_GARBAGE_ARGS,
					.verf = auth_none};
	check_constructed("GARBAGE_ARGS reply", &m);
	m.reply = (struct oncrpc_reply){.xid = m.xid, .reply_stat = ONCRPC_MSG_DENIED,
					.reject_stat = ONCRPC_RPC_MISMATCH, .mismatch_low = 2,
					.mismatch_high = 2};
	check_constructed("MSG_DENIED RPC_MISMATCH reply", &m);
	m.reply = (struct oncrpc_reply){.xid = m.xid, .reply_stat = ONCRPC_MSG_DENIED,
					.reject_stat = ONCRPC_AUTH_ERROR,
					.auth_stat = ONCRPC_AUTH_TOOWEAK};
	check_constructed("MSG_DENIED AUTH_ERROR reply", &m);
}

/* ---- file ops kept raw: rpcgen-encoded arms through our validators ---------- */

static void check_fileop_sample(const struct rx_fileop_sample *s)
{
	static uint8_t fh[8] = "fh-8byte";
	struct nfs_argop args[2] = {{.op = OP_PUTFH, .u.putfh.object = {fh, sizeof(fh)}},
				    {.op = s->op, .u.raw = {s->data, s->len}}};
	struct nfs_resop res[2] = {{.op = OP_PUTFH}, {.op = s->op, .u.raw = {s->data, s->len}}};
	struct wire_msg m = s->is_resok ? reply_of(0x800, NFS4_OK, res, 2)
					: call_of(0x800, args, 2);

	if (!s->encoded) {
		FAILF("%s: rpcgen could not encode the sample", s->name);
		return;
	}
	check_constructed(s->name, &m);
}

static void test_fileop_arms(void)
{
	static struct rx_fileop_sample samples[MAX_SAMPLES];
	size_t n = rx_fileop_samples(samples, MAX_SAMPLES);
	unsigned before = constructed.compared;

	if (n > MAX_SAMPLES)
		FAILF("%zu file-op samples, room for %u", n, MAX_SAMPLES);
	for (size_t i = 0; i < n && i < MAX_SAMPLES; i++)
		check_fileop_sample(&samples[i]);
	CU_ASSERT_EQUAL(constructed.compared - before, n);
	printf("\n    %zu rpcgen-encoded file-op arms through our strict decoder ", n);
}

static void test_constructed_summary(void)
{
	CU_ASSERT_EQUAL(constructed.compared, constructed.records);
	printf("\n    constructed: %u of %u messages agree (%u ops, %u fields compared) ",
	       constructed.compared, constructed.records, constructed.ops, constructed.fields);
}

void tests_register(void)
{
	static const struct test_entry captures[] = {
		{"every record of " LIFECYCLE_PCAP, test_lifecycle_capture},
		{"every record of " PYNFS_PCAP, test_pynfs_capture},
		{NULL, NULL},
	};
	static const struct test_entry constructed_tests[] = {
		{"EXCHANGE_ID args: state_protect4_a arms, impl_id<1>", test_exchange_id_args},
		{"CREATE_SESSION args: rdma_ird<1>, callback_sec_parms4 arms",
		 test_create_session_args},
		{"other session op args", test_other_session_args},
		{"filehandle op args, ILLEGAL, empty COMPOUND", test_filehandle_args},
		{"call headers: AUTH_SYS, NULL", test_call_headers},
		{"EXCHANGE_ID results: state_protect4_r arms, impl_id<1>", test_exchange_id_res},
		{"other session op results", test_session_res},
		{"filehandle op results, ILLEGAL", test_filehandle_res},
		{"error results take the void arm", test_error_res},
		{"reply headers: NULL, PROG_MISMATCH, GARBAGE_ARGS, MSG_DENIED",
		 test_reply_headers},
		{"file ops kept raw: every union arm, encoded by rpcgen", test_fileop_arms},
		{"all constructed messages agree", test_constructed_summary},
		{NULL, NULL},
	};

	tests_add_suite("rpcgen differential: shared captures", captures);
	tests_add_suite("rpcgen differential: constructed messages", constructed_tests);
}
