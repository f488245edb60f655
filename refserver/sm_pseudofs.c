/*
 * sm_pseudofs.c - a tiny read-only pseudo-root: "/" holding the directory "export" and the
 * file "README". Enough for PUTROOTFH (and PUTPUBFH: the public filehandle is the root), PUTFH,
 * GETFH, LOOKUP, LOOKUPP, SAVEFH, RESTOREFH and GETATTR (RFC 8881 s5.6 REQUIRED attributes plus
 * lease_time, mode, numlinks, fileid).
 */
#include "sm_internal.h"

#include <string.h>

static const uint8_t fh_magic[8] = {'n', 'f', 's', '4', '1', 'r', 'f', 'h'};
#define FH_LEN 16 /* magic, boot incarnation, node */
#define NAME_MAX_LEN 255

struct node {
	const char *name;
	uint32_t parent;
	uint32_t type; /* NF4DIR or NF4REG */
	uint32_t mode;
};

static const struct node nodes[] = {
	{"", 0, NF4DIR, 0755},
	{"export", 0, NF4DIR, 0755},
	{"README", 0, NF4REG, 0644},
};
#define NNODES (sizeof(nodes) / sizeof(nodes[0]))

uint32_t sm_current_type(const struct sm_request *rq) { return nodes[rq->fh].type; }

uint32_t sm_putrootfh(struct sm_request *rq)
{
	rq->has_fh = true;
	rq->fh = 0;
	return NFS4_OK;
}

static void fh_encode(uint32_t node, uint32_t boot, uint8_t out[FH_LEN])
{
	memcpy(out, fh_magic, sizeof(fh_magic));
	for (int i = 0; i < 4; i++) {
		out[8 + i] = (uint8_t)(boot >> (24 - 8 * i));
		out[12 + i] = (uint8_t)(node >> (24 - 8 * i));
	}
}

uint32_t sm_putfh(struct sm_request *rq, const struct PUTFH4args *a)
{
	const uint8_t *p = a->object.data;
	uint32_t node = 0;

	if (a->object.len != FH_LEN || memcmp(p, fh_magic, sizeof(fh_magic)) != 0)
		return NFS4ERR_BADHANDLE; /* not one of ours (RFC 8881 s15.1.2.1) */
	for (int i = 12; i < 16; i++)
		node = node << 8 | p[i];
	if (node >= NNODES)
		return NFS4ERR_STALE;
	rq->has_fh = true;
	rq->fh = node;
	return NFS4_OK;
}

uint32_t sm_getfh(struct sm_request *rq, struct GETFH4resok *r)
{
	uint8_t *fh;

	if (!rq->has_fh)
		return NFS4ERR_NOFILEHANDLE;
	if (!(fh = sm_scratch(rq, FH_LEN)))
		return NFS4ERR_SERVERFAULT;
	fh_encode(rq->fh, 0, fh);
	r->object = (struct wire_opaque){fh, FH_LEN};
	return NFS4_OK;
}

uint32_t sm_lookup(struct sm_request *rq, const struct LOOKUP4args *a)
{
	if (!rq->has_fh)
		return NFS4ERR_NOFILEHANDLE;
	if (nodes[rq->fh].type != NF4DIR)
		return NFS4ERR_NOTDIR;
	if (a->objname.len == 0)
		return NFS4ERR_INVAL;
	if (a->objname.len > NAME_MAX_LEN)
		return NFS4ERR_NAMETOOLONG;
	for (uint32_t i = 1; i < NNODES; i++) {
		if (nodes[i].parent == rq->fh && strlen(nodes[i].name) == a->objname.len &&
		    !memcmp(nodes[i].name, a->objname.data, a->objname.len)) {
			rq->fh = i;
			return NFS4_OK;
		}
	}
	return NFS4ERR_NOENT;
}

/* LOOKUPP (RFC 8881 s18.14.3): the parent directory; the root has none (NOENT). */
uint32_t sm_lookupp(struct sm_request *rq)
{
	if (!rq->has_fh)
		return NFS4ERR_NOFILEHANDLE;
	if (nodes[rq->fh].type != NF4DIR)
		return NFS4ERR_NOTDIR;
	if (rq->fh == 0)
		return NFS4ERR_NOENT;
	rq->fh = nodes[rq->fh].parent;
	return NFS4_OK;
}

/* SAVEFH / RESTOREFH (s18.31.3, s18.27.3): no saved filehandle yet is NOFILEHANDLE. */
uint32_t sm_savefh(struct sm_request *rq)
{
	if (!rq->has_fh)
		return NFS4ERR_NOFILEHANDLE;
	rq->has_saved_fh = true;
	rq->saved_fh = rq->fh;
	return NFS4_OK;
}

uint32_t sm_restorefh(struct sm_request *rq)
{
	if (!rq->has_saved_fh)
		return NFS4ERR_NOFILEHANDLE;
	rq->has_fh = true;
	rq->fh = rq->saved_fh;
	return NFS4_OK;
}

/* Bit a of bitmap word w, as a constant expression. */
#define ATTR_BIT(w, a) ((a) / 32u == (w) ? 1u << ((a) % 32u) : 0u)
#define SUPPORTED_WORD(w)                                                                       \
	(ATTR_BIT(w, FATTR4_SUPPORTED_ATTRS) | ATTR_BIT(w, FATTR4_TYPE) |                        \
	 ATTR_BIT(w, FATTR4_FH_EXPIRE_TYPE) | ATTR_BIT(w, FATTR4_CHANGE) | ATTR_BIT(w, FATTR4_SIZE) | \
	 ATTR_BIT(w, FATTR4_LINK_SUPPORT) | ATTR_BIT(w, FATTR4_SYMLINK_SUPPORT) |                 \
	 ATTR_BIT(w, FATTR4_NAMED_ATTR) | ATTR_BIT(w, FATTR4_FSID) |                              \
	 ATTR_BIT(w, FATTR4_UNIQUE_HANDLES) | ATTR_BIT(w, FATTR4_LEASE_TIME) |                    \
	 ATTR_BIT(w, FATTR4_RDATTR_ERROR) | ATTR_BIT(w, FATTR4_FILEHANDLE) |                      \
	 ATTR_BIT(w, FATTR4_FILEID) | ATTR_BIT(w, FATTR4_MODE) | ATTR_BIT(w, FATTR4_NUMLINKS) |   \
	 ATTR_BIT(w, FATTR4_SUPPATTR_EXCLCREAT))

/* What the pseudo-root supports: s5.6 REQUIRED plus a few RECOMMENDED (built at compile time:
 * every GETATTR needs it). */
static const struct bitmap4 supported_attrs = {
	.count = 3, .map = {SUPPORTED_WORD(0u), SUPPORTED_WORD(1u), SUPPORTED_WORD(2u)}};

/* The node's attributes; the caller picks the requested ones. */
static void node_attrs(const struct sm *s, uint32_t n, uint8_t *fh, struct nfs4_attrs *at)
{
	at->supported_attrs = supported_attrs;
	at->type = nodes[n].type;
	at->fh_expire_type = 0; /* FH4_PERSISTENT */
	at->change = 1;         /* read-only: never changes */
	at->size = nodes[n].type == NF4DIR ? 4096 : 0;
	at->link_support = true;
	at->unique_handles = true;
	at->fsid_major = 1;
	at->lease_time = s->limits.lease_seconds;
	fh_encode(n, 0, fh);
	at->filehandle = (struct wire_opaque){fh, FH_LEN};
	at->fileid = n + 1;
	at->mode = nodes[n].mode;
	at->numlinks = nodes[n].type == NF4DIR ? 2 : 1;
}

uint32_t sm_getattr(struct sm *s, struct sm_request *rq, const struct GETATTR4args *a,
		    struct GETATTR4resok *r)
{
	struct nfs4_attrs at = {0};
	uint8_t *fh, *vals;
	size_t need;

	if (!rq->has_fh)
		return NFS4ERR_NOFILEHANDLE;
	if (!(fh = sm_scratch(rq, FH_LEN)))
		return NFS4ERR_SERVERFAULT;
	node_attrs(s, rq->fh, fh, &at);
	/* Only what was asked and is supported (RFC 8881 s5.1, s18.7.3). */
	for (uint32_t i = 0; i < a->attr_request.count && i < supported_attrs.count; i++) {
		at.has.map[i] = a->attr_request.map[i] & supported_attrs.map[i];
		if (at.has.map[i])
			at.has.count = i + 1;
	}
	need = fattr4_pack(&at, NULL, 0, &r->obj_attributes);
	if (!(vals = sm_scratch(rq, need)))
		return NFS4ERR_SERVERFAULT;
	fattr4_pack(&at, vals, need, &r->obj_attributes);
	return NFS4_OK;
}
