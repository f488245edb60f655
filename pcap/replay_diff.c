/* replay_diff.c - field-by-field reply comparison under a mask (see replay_diff.h). */
#include "replay_diff.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "hex.h"

/* EXCHANGE_ID flags that describe the server, not the outcome (RFC 8881 s18.35.3: the server's
 * pNFS role and whether it supports referrals, migration, fencing). */
#define SERVER_CHOSEN_FLAGS                                                                        \
	(EXCHGID4_FLAG_MASK_PNFS | EXCHGID4_FLAG_SUPP_MOVED_REFER | EXCHGID4_FLAG_SUPP_MOVED_MIGR |  \
	 EXCHGID4_FLAG_SUPP_FENCE_OPS)

static const char *const default_mask[] = {
	"rpc.verf", "eir_clientid", "eir_sequenceid", "eir_flags.server", "eir_server_owner",
	"eir_server_scope", "eir_server_impl_id", "csr_sessionid", "csr_fore_chan_attrs.*",
	"csr_back_chan_attrs.*", "sr_highest_slotid", "sr_target_highest_slotid", "object",
	"obj_attributes", "result",
};

void diff_mask_default(struct diff_mask *m)
{
	m->n = 0;
	for (size_t i = 0; i < sizeof(default_mask) / sizeof(default_mask[0]); i++)
		m->entries[m->n++] = default_mask[i];
}

int diff_mask_set(struct diff_mask *m, const char *entry, bool remove)
{
	for (size_t i = 0; i < m->n; i++)
		if (strcmp(m->entries[i], entry) == 0) {
			if (remove)
				m->entries[i] = m->entries[--m->n];
			return 0;
		}
	if (remove)
		return 0;
	if (m->n == DIFF_MASK_MAX)
		return -1;
	m->entries[m->n++] = entry;
	return 0;
}

/* The field's name after its op prefix: "op[1].SEQUENCE.sr_slotid" -> "sr_slotid". */
static const char *field_leaf(const char *field)
{
	const char *p = field;

	if (strncmp(p, "op[", 3) == 0) {
		p = strchr(p, '.');
		p = p ? p + 1 : field;
		const char *q = strchr(p, '.');
		/* op[i].NAME.rest: drop NAME too, unless it is the leaf itself */
		if (q)
			p = q + 1;
	}
	return p;
}

static bool entry_covers(const char *entry, const char *leaf)
{
	size_t n = strlen(entry);

	if (n && entry[n - 1] == '*')
		return strncmp(leaf, entry, n - 1) == 0;
	return strcmp(leaf, entry) == 0 ||
	       (strncmp(leaf, entry, n) == 0 && leaf[n] == '.'); /* a whole structure */
}

/* An entry names a field by its name after the op ("csr_fore_chan_attrs.ca_maxrequests"), by
 * its last component ("ca_maxrequests"), by the whole name, or a prefix of one of them. */
bool diff_mask_covers(const struct diff_mask *m, const char *field)
{
	const char *leaf = field_leaf(field);
	const char *last = strrchr(leaf, '.') ? strrchr(leaf, '.') + 1 : leaf;

	for (size_t i = 0; i < m->n; i++)
		if (entry_covers(m->entries[i], leaf) || entry_covers(m->entries[i], field) ||
		    entry_covers(m->entries[i], last))
			return true;
	return false;
}

void diff_mask_print(FILE *out, const struct diff_mask *m)
{
	for (size_t i = 0; i < m->n; i++)
		fprintf(out, "%s%s", i ? ", " : "", m->entries[i]);
	fputc('\n', out);
}

/* ---- flattening ------------------------------------------------------------------------------ */

static int add(struct diff_fields *f, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int add(struct diff_fields *f, const char *name, const char *fmt, ...)
{
	va_list ap;

	if (f->n == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 32;
		struct diff_field *nf = realloc(f->f, cap * sizeof(*nf));

		if (!nf)
			return -1;
		f->f = nf, f->cap = cap;
	}
	snprintf(f->f[f->n].name, DIFF_NAME_MAX, "%s", name);
	va_start(ap, fmt);
	vsnprintf(f->f[f->n].value, DIFF_VALUE_MAX, fmt, ap);
	va_end(ap);
	f->n++;
	return 0;
}

static const char *status_text(uint32_t s, char *buf, size_t n)
{
	const char *name = nfs4_status_name(s);

	if (name)
		return name;
	snprintf(buf, n, "%" PRIu32, s);
	return buf;
}

/* A digest of bytes, to show (masked) values that are too long to print. */
static uint32_t fnv1a(const uint8_t *p, size_t n)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 16777619u;
	return h;
}

/* Field values: at most DIFF_VALUE_MAX bytes each, formatted into the caller's buffer. */
static const char *bytes_text(const uint8_t *p, size_t n, char *buf)
{
	char hex[33];

	if (n == 0)
		snprintf(buf, DIFF_VALUE_MAX, "0 bytes");
	else if (n <= 16)
		snprintf(buf, DIFF_VALUE_MAX, "%zu bytes %s", n, hex_encode(p, n, hex));
	else
		snprintf(buf, DIFF_VALUE_MAX, "%zu bytes #%08" PRIx32, n, fnv1a(p, n));
	return buf;
}

/* An echoed value relative to the call's: "= call", or what it is and what the call had. */
static const char *echo_u32_text(uint32_t reply, bool have_call, uint32_t call, char *buf)
{
	if (!have_call)
		snprintf(buf, DIFF_VALUE_MAX, "%" PRIu32, reply);
	else if (reply == call)
		snprintf(buf, DIFF_VALUE_MAX, "= call");
	else
		snprintf(buf, DIFF_VALUE_MAX, "call %+" PRId32, (int32_t)(reply - call));
	return buf;
}

static const char *echo_sessionid_text(const uint8_t *reply, const uint8_t *call, char *buf)
{
	if (call && memcmp(reply, call, NFS4_SESSIONID_SIZE) == 0) {
		snprintf(buf, DIFF_VALUE_MAX, "= call");
		return buf;
	}
	return bytes_text(reply, NFS4_SESSIONID_SIZE, buf);
}

struct flat {
	struct diff_fields *f;
	char prefix[DIFF_NAME_MAX - 32];
	const struct nfs_argop *call_op; /* the call's op at the same index, when it is the same op */
};

static int put(struct flat *x, const char *leaf, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int put(struct flat *x, const char *leaf, const char *fmt, ...)
{
	char name[DIFF_NAME_MAX], value[DIFF_VALUE_MAX];
	va_list ap;

	snprintf(name, sizeof(name), "%s.%s", x->prefix, leaf);
	va_start(ap, fmt);
	vsnprintf(value, sizeof(value), fmt, ap);
	va_end(ap);
	return add(x->f, name, "%s", value);
}

static int flat_channel(struct flat *x, const char *which, const struct channel_attrs4 *c)
{
	char leaf[48];
	int rc = 0;

#define CH(field)                                                                                  \
	snprintf(leaf, sizeof(leaf), "%s.%s", which, #field);                                       \
	rc |= put(x, leaf, "%" PRIu32, c->field)
	CH(ca_headerpadsize);
	CH(ca_maxrequestsize);
	CH(ca_maxresponsesize);
	CH(ca_maxresponsesize_cached);
	CH(ca_maxoperations);
	CH(ca_maxrequests);
#undef CH
	return rc;
}

/* Flag names when they fit in a field's value, else the number: a cut list of names would hide
 * the flags that differ. */
static const char *flags_text(const struct nfs4_named *tbl, uint32_t v, char *buf, size_t n)
{
	nfs4_flags_format(tbl, v, buf, n);
	if (strlen(buf) >= DIFF_VALUE_MAX - 1 || strlen(buf) >= n - 1)
		snprintf(buf, n, "0x%08" PRIx32, v);
	return buf;
}

static int flat_exchange_id(struct flat *x, const struct EXCHANGE_ID4resok *r)
{
	const struct EXCHANGE_ID4resok *e = r;
	char flags[256];
	int rc = put(x, "eir_clientid", "0x%016" PRIx64, e->eir_clientid);

	rc |= put(x, "eir_sequenceid", "%" PRIu32, e->eir_sequenceid);
	rc |= put(x, "eir_flags", "%s",
		  flags_text(nfs4_exchgid_flags, e->eir_flags & ~SERVER_CHOSEN_FLAGS, flags,
				    sizeof(flags)));
	rc |= put(x, "eir_flags.server", "%s",
		  flags_text(nfs4_exchgid_flags, e->eir_flags & SERVER_CHOSEN_FLAGS, flags,
				    sizeof(flags)));
	rc |= put(x, "eir_state_protect.spr_how", "%" PRIu32, e->eir_state_protect.spr_how);
	rc |= put(x, "eir_server_owner", "%" PRIu64 "/#%08" PRIx32, e->eir_server_owner.so_minor_id,
		  fnv1a(e->eir_server_owner.so_major_id.data, e->eir_server_owner.so_major_id.len));
	rc |= put(x, "eir_server_scope", "#%08" PRIx32,
		  fnv1a(e->eir_server_scope.data, e->eir_server_scope.len));
	rc |= put(x, "eir_server_impl_id", "%.*s",
		  e->eir_server_impl_id_present ? (int)e->eir_server_impl_id.nii_name.len : 6,
		  e->eir_server_impl_id_present ? (const char *)e->eir_server_impl_id.nii_name.data
						: "(none)");
	return rc;
}

static int flat_create_session(struct flat *x, const struct CREATE_SESSION4resok *r)
{
	const struct CREATE_SESSION4args *a = x->call_op ? &x->call_op->u.create_session : NULL;
	char v[DIFF_VALUE_MAX], flags[128];
	int rc = put(x, "csr_sessionid", "%s", bytes_text(r->csr_sessionid, NFS4_SESSIONID_SIZE, v));

	rc |= put(x, "csr_sequence", "%s",
		  echo_u32_text(r->csr_sequence, a != NULL, a ? a->csa_sequence : 0, v));
	rc |= put(x, "csr_flags", "%s",
		  flags_text(nfs4_create_session_flags, r->csr_flags, flags, sizeof(flags)));
	rc |= flat_channel(x, "csr_fore_chan_attrs", &r->csr_fore_chan_attrs);
	rc |= flat_channel(x, "csr_back_chan_attrs", &r->csr_back_chan_attrs);
	return rc;
}

static int flat_sequence(struct flat *x, const struct SEQUENCE4resok *r)
{
	const struct SEQUENCE4args *a = x->call_op ? &x->call_op->u.sequence : NULL;
	char v[DIFF_VALUE_MAX], flags[256];
	int rc = put(x, "sr_sessionid", "%s",
		     echo_sessionid_text(r->sr_sessionid, a ? a->sa_sessionid : NULL, v));

	rc |= put(x, "sr_sequenceid", "%s",
		  echo_u32_text(r->sr_sequenceid, a != NULL, a ? a->sa_sequenceid : 0, v));
	rc |= put(x, "sr_slotid", "%s", echo_u32_text(r->sr_slotid, a != NULL, a ? a->sa_slotid : 0, v));
	rc |= put(x, "sr_highest_slotid", "%" PRIu32, r->sr_highest_slotid);
	rc |= put(x, "sr_target_highest_slotid", "%" PRIu32, r->sr_target_highest_slotid);
	rc |= put(x, "sr_status_flags", "%s",
		  flags_text(nfs4_seq_status_flags, r->sr_status_flags, flags, sizeof(flags)));
	return rc;
}

static int flat_bind_conn(struct flat *x, const struct BIND_CONN_TO_SESSION4resok *r)
{
	const struct BIND_CONN_TO_SESSION4args *a =
		x->call_op ? &x->call_op->u.bind_conn_to_session : NULL;
	char v[DIFF_VALUE_MAX];
	int rc = put(x, "bctsr_sessid", "%s",
		     echo_sessionid_text(r->bctsr_sessid, a ? a->bctsa_sessid : NULL, v));

	rc |= put(x, "bctsr_dir", "%" PRIu32, r->bctsr_dir);
	rc |= put(x, "bctsr_use_conn_in_rdma_mode", "%d", r->bctsr_use_conn_in_rdma_mode);
	return rc;
}

static int flat_resok(struct flat *x, const struct nfs_resop *r)
{
	char v[DIFF_VALUE_MAX];

	switch (r->op) {
	case OP_EXCHANGE_ID: return flat_exchange_id(x, &r->u.exchange_id);
	case OP_CREATE_SESSION: return flat_create_session(x, &r->u.create_session);
	case OP_SEQUENCE: return flat_sequence(x, &r->u.sequence);
	case OP_BIND_CONN_TO_SESSION: return flat_bind_conn(x, &r->u.bind_conn_to_session);
	case OP_GETFH:
		return put(x, "object", "%s",
			   bytes_text(r->u.getfh.object.data, r->u.getfh.object.len, v));
	case OP_GETATTR:
		return put(x, "obj_attributes", "%s",
			   bytes_text(r->u.getattr.obj_attributes.attr_vals.data,
				      r->u.getattr.obj_attributes.attr_vals.len, v));
	default:
		return 0;
	}
}

static bool op_has_body(const struct nfs_resop *r)
{
	switch (r->op) {
	case OP_EXCHANGE_ID: case OP_CREATE_SESSION: case OP_SEQUENCE:
	case OP_BIND_CONN_TO_SESSION: case OP_GETFH: case OP_GETATTR:
		return r->status == NFS4_OK;
	default:
		return false;
	}
}

static int flat_resop(struct diff_fields *f, uint32_t i, const struct nfs_resop *r,
		      const struct wire_msg *call)
{
	const char *name = nfs4_op_name(r->op);
	struct flat x = {.f = f};
	char buf[16];
	int rc;

	if (name)
		snprintf(x.prefix, sizeof(x.prefix), "op[%" PRIu32 "].%s", i, name);
	else
		snprintf(x.prefix, sizeof(x.prefix), "op[%" PRIu32 "].%" PRIu32, i, r->op);
	if (call && call->is_compound && i < call->args.argarray_len &&
	    call->args.argarray[i].op == r->op && !call->args.argarray[i].undecoded)
		x.call_op = &call->args.argarray[i];
	rc = put(&x, "status", "%s", status_text(r->status, buf, sizeof(buf)));
	if (r->undecoded)
		return rc | put(&x, "decoded", "no (results not parsed)");
	if (op_has_body(r))
		return rc | flat_resok(&x, r);
	if (r->status == NFS4_OK && r->u.raw.len)
		return rc | put(&x, "result", "%" PRIu32 " bytes #%08" PRIx32, r->u.raw.len,
				fnv1a(r->u.raw.data, r->u.raw.len));
	return rc;
}

static int flat_rpc(struct diff_fields *f, const struct oncrpc_reply *r)
{
	int rc = add(f, "rpc.reply_stat", "%s", r->reply_stat == ONCRPC_MSG_ACCEPTED ? "MSG_ACCEPTED"
									 : "MSG_DENIED");
	const char *name;

	if (r->reply_stat == ONCRPC_MSG_ACCEPTED) {
		rc |= add(f, "rpc.verf", "%s", oncrpc_flavor_name(r->verf.flavor));
		name = oncrpc_accept_stat_name(r->accept_stat);
		rc |= name ? add(f, "rpc.accept_stat", "%s", name)
			   : add(f, "rpc.accept_stat", "%" PRIu32, r->accept_stat);
		if (r->accept_stat == ONCRPC_PROG_MISMATCH)
			rc |= add(f, "rpc.mismatch", "%" PRIu32 "..%" PRIu32, r->mismatch_low,
				  r->mismatch_high);
		return rc;
	}
	rc |= add(f, "rpc.reject_stat", "%s", r->reject_stat == ONCRPC_RPC_MISMATCH ? "RPC_MISMATCH"
										  : "AUTH_ERROR");
	if (r->reject_stat == ONCRPC_AUTH_ERROR) {
		name = oncrpc_auth_stat_name(r->auth_stat);
		rc |= name ? add(f, "rpc.auth_stat", "%s", name)
			   : add(f, "rpc.auth_stat", "%" PRIu32, r->auth_stat);
	}
	return rc;
}

/*
 * OP_NOT_IN_SESSION and NOT_ONLY_OP come with no result or with the first op's: servers differ
 * (Linux one, ganesha none) and RFC 8881 s18.46.3 / s16.2.3 allow reading it either way, so
 * both shapes render alike.
 */
static bool either_shape(const struct COMPOUND4res *res)
{
	if (res->status != NFS4ERR_OP_NOT_IN_SESSION && res->status != NFS4ERR_NOT_ONLY_OP)
		return false;
	return res->declared_len == 0 ||
	       (res->declared_len == 1 && res->resarray_len == 1 &&
		res->resarray[0].status == res->status);
}

int diff_fields_of_reply(const struct wire_msg *reply, const char *why, const struct wire_msg *call,
			 struct diff_fields *out)
{
	char buf[16], v[DIFF_VALUE_MAX];
	int rc;

	memset(out, 0, sizeof(*out));
	if (!reply)
		return add(out, "reply", "%s", why ? why : "none");
	rc = flat_rpc(out, &reply->reply);
	if (!reply->is_compound) {
		if (reply->reply.reply_stat == ONCRPC_MSG_ACCEPTED &&
		    reply->reply.accept_stat == ONCRPC_SUCCESS)
			rc |= add(out, "body", "%" PRIu32 " bytes", reply->body.len);
		return rc ? -1 : 0;
	}
	rc |= add(out, "status", "%s", status_text(reply->res.status, buf, sizeof(buf)));
	rc |= add(out, "tag", "%s", bytes_text(reply->res.tag.data, reply->res.tag.len, v));
	if (either_shape(&reply->res))
		return rc | add(out, "resarray", "none, or the failing op's (either shape, CMP-08)");
	rc |= add(out, "resarray", "%" PRIu32 " results", reply->res.declared_len);
	for (uint32_t i = 0; i < reply->res.resarray_len; i++)
		rc |= flat_resop(out, i, &reply->res.resarray[i], call);
	return rc ? -1 : 0;
}

void diff_fields_free(struct diff_fields *f)
{
	free(f->f);
	memset(f, 0, sizeof(*f));
}

/* ---- comparing ------------------------------------------------------------------------------- */

static const struct diff_field *find_field(const struct diff_fields *f, const char *name)
{
	for (size_t i = 0; i < f->n; i++)
		if (strcmp(f->f[i].name, name) == 0)
			return &f->f[i];
	return NULL;
}

static size_t note(struct diff_mismatch *out, size_t max, size_t n, const char *name,
		   const char *cap, const char *live)
{
	if (n < max)
		out[n] = (struct diff_mismatch){name, cap, live};
	return n + 1;
}

size_t diff_compare(const struct diff_fields *captured, const struct diff_fields *live,
		    const struct diff_mask *m, struct diff_mismatch *out, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < captured->n; i++) {
		const struct diff_field *c = &captured->f[i];
		const struct diff_field *l = find_field(live, c->name);

		if (diff_mask_covers(m, c->name))
			continue;
		if (!l || strcmp(c->value, l->value) != 0)
			n = note(out, max, n, c->name, c->value, l ? l->value : "(absent)");
	}
	for (size_t i = 0; i < live->n; i++) {
		const struct diff_field *l = &live->f[i];

		if (!diff_mask_covers(m, l->name) && !find_field(captured, l->name))
			n = note(out, max, n, l->name, "(absent)", l->value);
	}
	return n;
}

static void print_row(FILE *out, const struct diff_mask *m, const char *name, const char *cap,
		      const char *live)
{
	bool differs = strcmp(cap, live) != 0;
	char mark = !differs ? ' ' : diff_mask_covers(m, name) ? '~' : '!';

	fprintf(out, "    %c %-44s %-34s %s\n", mark, name, cap, live);
}

void diff_print_side_by_side(FILE *out, const struct diff_fields *captured,
			     const struct diff_fields *live, const struct diff_mask *m)
{
	fprintf(out, "      %-44s %-34s %s\n", "field", "captured", "live");
	for (size_t i = 0; i < captured->n; i++) {
		const struct diff_field *c = &captured->f[i];
		const struct diff_field *l = find_field(live, c->name);

		print_row(out, m, c->name, c->value, l ? l->value : "(absent)");
	}
	for (size_t i = 0; i < live->n; i++)
		if (!find_field(captured, live->f[i].name))
			print_row(out, m, live->f[i].name, "(absent)", live->f[i].value);
}
