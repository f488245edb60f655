/* fields.c - the field schema of op arguments and results (see fields.h). */
#include "fields.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum ftype {
	FT_U32,
	FT_U64,
	FT_BOOL,
	FT_FIXED,   /* uint8_t[size] */
	FT_OPAQUE,  /* struct wire_opaque */
	FT_BITMAP,  /* struct bitmap4; set from an integer (word 0..1) */
	FT_STRUCT,  /* nested: sub */
	FT_OPTU32,  /* uint32_t x<1>: present flag at aux, value at off */
	FT_OPTSTRUCT, /* T x<1>: present flag at aux, sub at off */
	FT_FIRST,   /* T x<>: its first item, through the pointer at off; aux: the room's size */
};

struct field_desc {
	const char *name;
	enum ftype type;
	size_t off;
	size_t aux; /* FT_FIXED: size; FT_OPT*: offset of the present flag; FT_FIRST: room */
	const struct field_desc *sub;
};

#define END {NULL, FT_U32, 0, 0, NULL}
#define U32(s, f) {#f, FT_U32, offsetof(s, f), 0, NULL}
#define U64(s, f) {#f, FT_U64, offsetof(s, f), 0, NULL}
#define BOOL(s, f) {#f, FT_BOOL, offsetof(s, f), 0, NULL}
#define FIXED(s, f) {#f, FT_FIXED, offsetof(s, f), sizeof(((s *)0)->f), NULL}
#define OPAQUE(s, f) {#f, FT_OPAQUE, offsetof(s, f), 0, NULL}
#define BITMAP(s, f) {#f, FT_BITMAP, offsetof(s, f), 0, NULL}
#define STRUCT(s, f, sub) {#f, FT_STRUCT, offsetof(s, f), 0, sub}
/* An array kept out of line (nfs4_types.h): the path names its first item; setting one gives
 * it room for cap items, zeroed, in the arena when it has none. */
#define FIRST(s, f, cap, sub) {#f, FT_FIRST, offsetof(s, f), sizeof(*((s *)0)->f) * (cap), sub}

static const struct field_desc nfstime_fields[] = {
	U64(struct nfstime4, seconds), U32(struct nfstime4, nseconds), END};
static const struct field_desc impl_id_fields[] = {
	OPAQUE(struct nfs_impl_id4, nii_domain), OPAQUE(struct nfs_impl_id4, nii_name),
	STRUCT(struct nfs_impl_id4, nii_date, nfstime_fields), END};
static const struct field_desc sp_ops_fields[] = {
	BITMAP(struct state_protect_ops4, spo_must_enforce),
	BITMAP(struct state_protect_ops4, spo_must_allow), END};
static const struct field_desc ssv_parms_fields[] = {
	STRUCT(struct ssv_sp_parms4, ssp_ops, sp_ops_fields),
	U32(struct ssv_sp_parms4, ssp_window), U32(struct ssv_sp_parms4, ssp_num_gss_handles), END};
static const struct field_desc sp4a_fields[] = {
	U32(struct state_protect4_a, spa_how),
	STRUCT(struct state_protect4_a, spa_mach_ops, sp_ops_fields),
	STRUCT(struct state_protect4_a, spa_ssv_parms, ssv_parms_fields), END};
static const struct field_desc owner_fields[] = {
	FIXED(struct client_owner4, co_verifier), OPAQUE(struct client_owner4, co_ownerid), END};
static const struct field_desc exchange_id_args[] = {
	STRUCT(struct EXCHANGE_ID4args, eia_clientowner, owner_fields),
	U32(struct EXCHANGE_ID4args, eia_flags),
	STRUCT(struct EXCHANGE_ID4args, eia_state_protect, sp4a_fields),
	{"eia_client_impl_id", FT_OPTSTRUCT, offsetof(struct EXCHANGE_ID4args, eia_client_impl_id),
	 offsetof(struct EXCHANGE_ID4args, eia_client_impl_id_present), impl_id_fields},
	END};

static const struct field_desc sp4r_fields[] = {
	U32(struct state_protect4_r, spr_how),
	STRUCT(struct state_protect4_r, spr_mach_ops, sp_ops_fields), END};
static const struct field_desc server_owner_fields[] = {
	U64(struct server_owner4, so_minor_id), OPAQUE(struct server_owner4, so_major_id), END};
static const struct field_desc exchange_id_res[] = {
	U64(struct EXCHANGE_ID4resok, eir_clientid), U32(struct EXCHANGE_ID4resok, eir_sequenceid),
	U32(struct EXCHANGE_ID4resok, eir_flags),
	STRUCT(struct EXCHANGE_ID4resok, eir_state_protect, sp4r_fields),
	STRUCT(struct EXCHANGE_ID4resok, eir_server_owner, server_owner_fields),
	OPAQUE(struct EXCHANGE_ID4resok, eir_server_scope),
	{"eir_server_impl_id", FT_OPTSTRUCT, offsetof(struct EXCHANGE_ID4resok, eir_server_impl_id),
	 offsetof(struct EXCHANGE_ID4resok, eir_server_impl_id_present), impl_id_fields},
	END};

static const struct field_desc channel_fields[] = {
	U32(struct channel_attrs4, ca_headerpadsize), U32(struct channel_attrs4, ca_maxrequestsize),
	U32(struct channel_attrs4, ca_maxresponsesize),
	U32(struct channel_attrs4, ca_maxresponsesize_cached),
	U32(struct channel_attrs4, ca_maxoperations), U32(struct channel_attrs4, ca_maxrequests),
	{"ca_rdma_ird", FT_OPTU32, offsetof(struct channel_attrs4, ca_rdma_ird),
	 offsetof(struct channel_attrs4, ca_rdma_ird_present), NULL},
	END};
/* csa_sec_parms: the first entry (the engine sends one; csa_sec_parms_count may say more, up to
 * WIRE_MAX_CB_SEC: the room holds that many, zeroed = AUTH_NONE). */
static const struct field_desc authsys_fields[] = {
	U32(struct oncrpc_authsys, stamp), OPAQUE(struct oncrpc_authsys, machinename),
	U32(struct oncrpc_authsys, uid), U32(struct oncrpc_authsys, gid), END};
static const struct field_desc cb_sec_fields[] = {
	U32(struct callback_sec_parms4, cb_secflavor),
	STRUCT(struct callback_sec_parms4, cbsp_sys_cred, authsys_fields), END};
static const struct field_desc create_session_args[] = {
	U64(struct CREATE_SESSION4args, csa_clientid), U32(struct CREATE_SESSION4args, csa_sequence),
	U32(struct CREATE_SESSION4args, csa_flags),
	STRUCT(struct CREATE_SESSION4args, csa_fore_chan_attrs, channel_fields),
	STRUCT(struct CREATE_SESSION4args, csa_back_chan_attrs, channel_fields),
	U32(struct CREATE_SESSION4args, csa_cb_program),
	U32(struct CREATE_SESSION4args, csa_sec_parms_count),
	FIRST(struct CREATE_SESSION4args, csa_sec_parms, WIRE_MAX_CB_SEC, cb_sec_fields), END};
static const struct field_desc create_session_res[] = {
	FIXED(struct CREATE_SESSION4resok, csr_sessionid),
	U32(struct CREATE_SESSION4resok, csr_sequence), U32(struct CREATE_SESSION4resok, csr_flags),
	STRUCT(struct CREATE_SESSION4resok, csr_fore_chan_attrs, channel_fields),
	STRUCT(struct CREATE_SESSION4resok, csr_back_chan_attrs, channel_fields), END};

static const struct field_desc destroy_session_args[] = {
	FIXED(struct DESTROY_SESSION4args, dsa_sessionid), END};
static const struct field_desc sequence_args[] = {
	FIXED(struct SEQUENCE4args, sa_sessionid), U32(struct SEQUENCE4args, sa_sequenceid),
	U32(struct SEQUENCE4args, sa_slotid), U32(struct SEQUENCE4args, sa_highest_slotid),
	BOOL(struct SEQUENCE4args, sa_cachethis), END};
static const struct field_desc sequence_res[] = {
	FIXED(struct SEQUENCE4resok, sr_sessionid), U32(struct SEQUENCE4resok, sr_sequenceid),
	U32(struct SEQUENCE4resok, sr_slotid), U32(struct SEQUENCE4resok, sr_highest_slotid),
	U32(struct SEQUENCE4resok, sr_target_highest_slotid),
	U32(struct SEQUENCE4resok, sr_status_flags), END};
static const struct field_desc bind_conn_args[] = {
	FIXED(struct BIND_CONN_TO_SESSION4args, bctsa_sessid),
	U32(struct BIND_CONN_TO_SESSION4args, bctsa_dir),
	BOOL(struct BIND_CONN_TO_SESSION4args, bctsa_use_conn_in_rdma_mode), END};
static const struct field_desc bind_conn_res[] = {
	FIXED(struct BIND_CONN_TO_SESSION4resok, bctsr_sessid),
	U32(struct BIND_CONN_TO_SESSION4resok, bctsr_dir),
	BOOL(struct BIND_CONN_TO_SESSION4resok, bctsr_use_conn_in_rdma_mode), END};
static const struct field_desc destroy_clientid_args[] = {
	U64(struct DESTROY_CLIENTID4args, dca_clientid), END};
static const struct field_desc reclaim_complete_args[] = {
	BOOL(struct RECLAIM_COMPLETE4args, rca_one_fs), END};
static const struct field_desc backchannel_ctl_args[] = {
	U32(struct BACKCHANNEL_CTL4args, bca_cb_program), END};
static const struct field_desc putfh_args[] = {OPAQUE(struct PUTFH4args, object), END};
static const struct field_desc getfh_res[] = {OPAQUE(struct GETFH4resok, object), END};
static const struct field_desc lookup_args[] = {OPAQUE(struct LOOKUP4args, objname), END};
static const struct field_desc getattr_args[] = {BITMAP(struct GETATTR4args, attr_request), END};
static const struct field_desc fattr_fields[] = {
	BITMAP(struct fattr4, attrmask), OPAQUE(struct fattr4, attr_vals), END};
static const struct field_desc getattr_res[] = {
	STRUCT(struct GETATTR4resok, obj_attributes, fattr_fields), END};

struct op_fields {
	uint32_t op;
	const struct field_desc *args, *res;
};

static const struct op_fields op_fields[] = {
	{OP_EXCHANGE_ID, exchange_id_args, exchange_id_res},
	{OP_CREATE_SESSION, create_session_args, create_session_res},
	{OP_DESTROY_SESSION, destroy_session_args, NULL},
	{OP_SEQUENCE, sequence_args, sequence_res},
	{OP_BIND_CONN_TO_SESSION, bind_conn_args, bind_conn_res},
	{OP_DESTROY_CLIENTID, destroy_clientid_args, NULL},
	{OP_RECLAIM_COMPLETE, reclaim_complete_args, NULL},
	{OP_BACKCHANNEL_CTL, backchannel_ctl_args, NULL},
	{OP_PUTFH, putfh_args, NULL},
	{OP_GETFH, NULL, getfh_res},
	{OP_LOOKUP, lookup_args, NULL},
	{OP_GETATTR, getattr_args, getattr_res},
};

static const struct field_desc *op_schema(uint32_t op, bool result)
{
	for (size_t i = 0; i < sizeof(op_fields) / sizeof(op_fields[0]); i++)
		if (op_fields[i].op == op)
			return result ? op_fields[i].res : op_fields[i].args;
	return NULL;
}

/* A path segment names a field by its RFC name or without the RFC prefix ("sa_"). */
static bool segment_matches(const char *field, const char *seg, size_t seglen)
{
	const char *us = strchr(field, '_');

	if (strlen(field) == seglen && strncmp(field, seg, seglen) == 0)
		return true;
	return us && strlen(us + 1) == seglen && strncmp(us + 1, seg, seglen) == 0;
}

/*
 * Where field f of the struct at base is. FT_FIRST follows its pointer; without one it gets
 * f->aux zeroed bytes from ar, or NULL without ar (or memory).
 */
static uint8_t *member(const struct field_desc *f, uint8_t *base, struct arena *ar)
{
	static const struct callback_sec_parms4 zeroed[WIRE_MAX_CB_SEC]; /* the largest room */
	uint8_t *p = base + f->off, *items;

	if (f->type != FT_FIRST)
		return p;
	memcpy(&items, p, sizeof(items)); /* the array's pointer member, whatever its type */
	if (items || !ar || f->aux > sizeof(zeroed))
		return items;
	if ((items = arena_dup(ar, zeroed, f->aux)) != NULL)
		memcpy(p, &items, sizeof(items));
	return items;
}

/*
 * Walk path through the schema; returns the leaf and its address inside base. A NULL base
 * checks the path alone (addresses stay NULL). ar: room for out-of-line arrays that have none
 * (NULL: such a path fails).
 */
static const struct field_desc *resolve(const struct field_desc *schema, const char *path,
					 uint8_t *base, struct arena *ar, uint8_t **addr,
					 uint8_t **present)
{
	const struct field_desc *f = NULL;
	bool locate = base != NULL;

	*present = NULL;
	while (schema && *path) {
		size_t seglen = strcspn(path, ".");
		for (f = schema; f->name && !segment_matches(f->name, path, seglen); f++)
			;
		if (!f->name)
			return NULL;
		if (locate && (f->type == FT_OPTSTRUCT || f->type == FT_OPTU32))
			*present = base + f->aux;
		if (locate && !(base = member(f, base, ar)))
			return NULL;
		path += seglen;
		if (*path == '.')
			path++;
		schema = f->sub;
		if (*path && !schema)
			return NULL;
	}
	*addr = base;
	return *path ? NULL : f;
}

void *arena_dup(struct arena *a, const void *p, size_t n)
{
	void *copy;

	if (a->n == a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 32;
		void **b = realloc(a->blocks, cap * sizeof(*b));
		if (!b)
			return NULL;
		a->blocks = b;
		a->cap = cap;
	}
	copy = malloc(n ? n : 1);
	if (!copy)
		return NULL;
	if (n)
		memcpy(copy, p, n);
	a->blocks[a->n++] = copy;
	return copy;
}

void arena_free(struct arena *a)
{
	for (size_t i = 0; i < a->n; i++)
		free(a->blocks[i]);
	free(a->blocks);
	*a = (struct arena){0};
}

bool fields_arg_exists(uint32_t op, const char *path)
{
	uint8_t *addr, *present;

	return resolve(op_schema(op, false), path, NULL, NULL, &addr, &present) != NULL;
}

bool fields_res_exists(uint32_t op, const char *path)
{
	uint8_t *addr, *present;

	if (strcmp(path, "status") == 0)
		return true;
	return resolve(op_schema(op, true), path, NULL, NULL, &addr, &present) != NULL;
}

static int want_int(const struct value *v, const char *path, char *err, size_t errlen)
{
	if (v->kind == VAL_INT)
		return 0;
	snprintf(err, errlen, "%s takes a number", path);
	return -1;
}

static int set_bytes(const struct field_desc *f, uint8_t *addr, const struct value *v,
		     struct arena *ar, const char *path, char *err, size_t errlen)
{
	if (v->kind != VAL_BYTES) {
		snprintf(err, errlen, "%s takes bytes (\"text\", hex:.. or a saved value)", path);
		return -1;
	}
	if (f->type == FT_FIXED) {
		if (v->len != f->aux) {
			snprintf(err, errlen, "%s takes exactly %zu bytes, got %zu", path, f->aux,
				 v->len);
			return -1;
		}
		memcpy(addr, v->bytes, v->len);
		return 0;
	}
	if (v->len > UINT32_MAX) {
		snprintf(err, errlen, "%s: %zu bytes is more than XDR can carry", path, v->len);
		return -1;
	}
	struct wire_opaque *o = (struct wire_opaque *)addr;
	o->data = arena_dup(ar, v->bytes, v->len);
	o->len = (uint32_t)v->len;
	return o->data ? 0 : -1;
}

/* A bitmap4 from a number: bits 0..63 across words 0 and 1. */
static void set_bitmap(struct bitmap4 *b, uint64_t bits)
{
	b->count = bits >> 32 ? 2 : (bits ? 1 : 0);
	b->map[0] = (uint32_t)bits;
	b->map[1] = (uint32_t)(bits >> 32);
}

int fields_set_arg(struct nfs_argop *a, const char *path, const struct value *v, struct arena *ar,
		   char *err, size_t errlen)
{
	uint8_t *addr, *present;
	const struct field_desc *f = resolve(op_schema(a->op, false), path, (uint8_t *)&a->u, ar,
					     &addr, &present);

	if (!f && fields_arg_exists(a->op, path)) {
		snprintf(err, errlen, "%s %s: out of memory", nfs4_op_name(a->op), path);
		return -1;
	}
	if (!f) {
		snprintf(err, errlen, "%s has no argument '%s'", nfs4_op_name(a->op), path);
		return -1;
	}
	if (present)
		*(bool *)present = true; /* setting inside an optional makes it present */
	switch (f->type) {
	case FT_U32:
	case FT_OPTU32:
		if (want_int(v, path, err, errlen))
			return -1;
		*(uint32_t *)addr = (uint32_t)v->i; /* modulo 2^32: seqid arithmetic wraps */
		return 0;
	case FT_U64:
		if (want_int(v, path, err, errlen))
			return -1;
		*(uint64_t *)addr = v->i;
		return 0;
	case FT_BOOL:
		if (want_int(v, path, err, errlen))
			return -1;
		*(bool *)addr = v->i != 0;
		return 0;
	case FT_BITMAP:
		if (want_int(v, path, err, errlen))
			return -1;
		set_bitmap((struct bitmap4 *)addr, v->i);
		return 0;
	case FT_FIXED:
	case FT_OPAQUE:
		return set_bytes(f, addr, v, ar, path, err, errlen);
	case FT_OPTSTRUCT:
		if (want_int(v, path, err, errlen) || !present)
			return -1;
		*(bool *)present = v->i != 0; /* `impl_id=0` removes it */
		return 0;
	case FT_STRUCT:
	case FT_FIRST:
		break;
	}
	snprintf(err, errlen, "%s is a structure: set one of its fields", path);
	return -1;
}

static int bytes_out(struct value *out, const void *p, size_t n)
{
	*out = (struct value){.kind = VAL_BYTES, .len = n, .bytes = malloc(n ? n : 1)};
	if (!out->bytes)
		return -1;
	if (n)
		memcpy(out->bytes, p, n);
	return 0;
}

int fields_get_res(const struct nfs_resop *r, const char *path, struct value *out, char *err,
		   size_t errlen)
{
	uint8_t *addr, *present;
	const struct field_desc *f;

	if (strcmp(path, "status") == 0) {
		*out = value_int(r->status);
		return 0;
	}
	f = resolve(op_schema(r->op, true), path, (uint8_t *)&r->u, NULL, &addr, &present);
	if (!f) {
		snprintf(err, errlen, "%s has no result field '%s'", nfs4_op_name(r->op), path);
		return -1;
	}
	if (r->status != NFS4_OK) {
		snprintf(err, errlen, "%s.%s: the op failed (%s), its result has no fields",
			 nfs4_op_name(r->op), path, nfs4_status_name(r->status));
		return -1;
	}
	switch (f->type) {
	case FT_U32: *out = value_int(*(const uint32_t *)addr); return 0;
	case FT_OPTU32:
		*out = *(const bool *)present ? value_int(*(const uint32_t *)addr) : (struct value){0};
		return 0;
	case FT_U64: *out = value_int(*(const uint64_t *)addr); return 0;
	case FT_BOOL: *out = value_int(*(const bool *)addr); return 0;
	case FT_BITMAP: {
		const struct bitmap4 *b = (const struct bitmap4 *)addr;
		uint64_t bits = b->count > 0 ? b->map[0] : 0;
		if (b->count > 1)
			bits |= (uint64_t)b->map[1] << 32;
		*out = value_int(bits);
		return 0;
	}
	case FT_FIXED: return bytes_out(out, addr, f->aux);
	case FT_OPAQUE: {
		const struct wire_opaque *o = (const struct wire_opaque *)addr;
		return bytes_out(out, o->data, o->len);
	}
	case FT_OPTSTRUCT: *out = value_int(*(const bool *)present); return 0;
	case FT_STRUCT:
	case FT_FIRST: break;
	}
	snprintf(err, errlen, "%s is a structure: name one of its fields", path);
	return -1;
}

size_t fields_list(uint32_t op, bool result, const char **names, size_t max)
{
	const struct field_desc *s = op_schema(op, result);
	size_t n = 0;

	for (; s && s->name && n < max; s++)
		names[n++] = s->name;
	return n;
}
