/*
 * rpcgen_fileop_samples.c - builds the file-op samples as rpcgen structs of
 * nfs41_subset.x and encodes them with rpcgen (RFC 8881 s18.2, s18.4,
 * s18.16, s18.23, s18.26, s18.32): every arm of openflag4, createhow4,
 * open_claim4, open_delegation4, nfs_space_limit4, why_no_delegation4 and
 * createtype4, and dirlists of several lengths.
 */
#include "rpcgen_fileop_samples.h"

#include <string.h>

#include "nfs41_subset.h"

struct sampler {
	struct rx_fileop_sample *out;
	size_t cap, n;
};

static struct rx_fileop_sample *sample_begin(struct sampler *s, uint32_t op, bool is_resok,
					     const char *name, XDR *x)
{
	struct rx_fileop_sample *smp;

	if (s->n++ >= s->cap)
		return NULL;
	smp = &s->out[s->n - 1];
	*smp = (struct rx_fileop_sample){.name = name, .op = op, .is_resok = is_resok};
	xdrmem_create(x, (char *)smp->data, sizeof(smp->data), XDR_ENCODE);
	return smp;
}

static void sample_end(struct rx_fileop_sample *smp, XDR *x, bool ok)
{
	if (!smp)
		return;
	smp->encoded = ok;
	smp->len = XDR_GETPOS(x);
	xdr_destroy(x);
}

/* Encode obj (a dx_<type>) as the next sample. */
#define ENCODE(s, op, is_resok, name, type, obj)                                               \
	do {                                                                                   \
		XDR x_;                                                                        \
		struct rx_fileop_sample *smp_ = sample_begin(s, op, is_resok, name, &x_);      \
		sample_end(smp_, &x_, smp_ && xdr_dx_##type(&x_, obj));                        \
	} while (0)

/* ---- shared pieces -------------------------------------------------------- */

static dx_utf8string utf8(char *s)
{
	return (dx_utf8string){.dx_utf8string_len = (u_int)strlen(s), .dx_utf8string_val = s};
}

static dx_stateid4 stateid(dx_uint32_t seqid)
{
	dx_stateid4 st = {.seqid = seqid};

	memcpy(st.other, "other-12byte", DX_NFS4_OTHER_SIZE);
	return st;
}

static dx_bitmap4 bitmap(void)
{
	static dx_uint32_t words[2] = {0x00100012u, 0x00000002u};

	return (dx_bitmap4){.dx_bitmap4_len = 2, .dx_bitmap4_val = words};
}

/* size (word 0 bit 4) and mode (bit 33): 12 bytes of values. */
static dx_fattr4 attrs(void)
{
	static dx_uint32_t words[2] = {0x00000010u, 0x00000002u};
	static char vals[12] = {0, 0, 0, 0, 0, 0, 0x10, 0, 0, 0, 0x01, 0x24};

	return (dx_fattr4){.attrmask = {.dx_bitmap4_len = 2, .dx_bitmap4_val = words},
			   .attr_vals = {.dx_attrlist4_len = 12, .dx_attrlist4_val = vals}};
}

static dx_change_info4 cinfo(void)
{
	return (dx_change_info4){.atomic = TRUE, .before = 41, .after = 42};
}

static dx_nfsace4 ace(void)
{
	return (dx_nfsace4){.type = 0, .flag = 0, .access_mask = 0x1, .who = utf8("OWNER@")};
}

/* ---- OPEN (RFC 8881 s18.16) ---------------------------------------------- */

static dx_OPEN4args open_args_base(void)
{
	return (dx_OPEN4args){
		.share_access = 1,
		.owner = {.clientid = 0x1122334455667788ull, .owner = {5, "owner"}},
		.openhow = {.opentype = DX_OPEN4_NOCREATE},
		.claim = {.claim = DX_CLAIM_NULL, .dx_open_claim4_u.file = utf8("file")},
	};
}

static void open_create_samples(struct sampler *s)
{
	dx_OPEN4args a = open_args_base();
	dx_createhow4 *how = &a.openhow.dx_openflag4_u.how;

	ENCODE(s, DX_OP_OPEN, false, "OPEN4args OPEN4_NOCREATE", OPEN4args, &a);
	a.openhow.opentype = DX_OPEN4_CREATE;
	how->mode = DX_UNCHECKED4;
	how->dx_createhow4_u.createattrs = attrs();
	ENCODE(s, DX_OP_OPEN, false, "OPEN4args UNCHECKED4", OPEN4args, &a);
	how->mode = DX_GUARDED4;
	ENCODE(s, DX_OP_OPEN, false, "OPEN4args GUARDED4", OPEN4args, &a);
	how->mode = DX_EXCLUSIVE4;
	memcpy(how->dx_createhow4_u.createverf, "verifier", DX_NFS4_VERIFIER_SIZE);
	ENCODE(s, DX_OP_OPEN, false, "OPEN4args EXCLUSIVE4", OPEN4args, &a);
	how->mode = DX_EXCLUSIVE4_1;
	memcpy(how->dx_createhow4_u.ch_createboth.cva_verf, "verif4_1", DX_NFS4_VERIFIER_SIZE);
	how->dx_createhow4_u.ch_createboth.cva_attrs = attrs();
	ENCODE(s, DX_OP_OPEN, false, "OPEN4args EXCLUSIVE4_1", OPEN4args, &a);
}

static void open_claim_samples(struct sampler *s)
{
	dx_OPEN4args a = open_args_base();
	dx_open_claim4 *c = &a.claim;

	c->claim = DX_CLAIM_PREVIOUS;
	c->dx_open_claim4_u.delegate_type = DX_OPEN_DELEGATE_READ;
	ENCODE(s, DX_OP_OPEN, false, "OPEN4args CLAIM_PREVIOUS", OPEN4args, &a);
	c->claim = DX_CLAIM_DELEGATE_CUR;
	c->dx_open_claim4_u.delegate_cur_info.delegate_stateid = stateid(3);
	c->dx_open_claim4_u.delegate_cur_info.file = utf8("cur");
	ENCODE(s, DX_OP_OPEN, false, "OPEN4args CLAIM_DELEGATE_CUR", OPEN4args, &a);
	c->claim = DX_CLAIM_DELEGATE_PREV;
	c->dx_open_claim4_u.file_delegate_prev = utf8("prev1");
	ENCODE(s, DX_OP_OPEN, false, "OPEN4args CLAIM_DELEGATE_PREV", OPEN4args, &a);
	c->claim = DX_CLAIM_FH;
	ENCODE(s, DX_OP_OPEN, false, "OPEN4args CLAIM_FH", OPEN4args, &a);
	c->claim = DX_CLAIM_DELEG_CUR_FH;
	c->dx_open_claim4_u.oc_delegate_stateid = stateid(4);
	ENCODE(s, DX_OP_OPEN, false, "OPEN4args CLAIM_DELEG_CUR_FH", OPEN4args, &a);
	c->claim = DX_CLAIM_DELEG_PREV_FH;
	ENCODE(s, DX_OP_OPEN, false, "OPEN4args CLAIM_DELEG_PREV_FH", OPEN4args, &a);
}

static dx_OPEN4resok open_resok_base(void)
{
	return (dx_OPEN4resok){.stateid = stateid(1), .cinfo = cinfo(), .rflags = 4,
			       .attrset = bitmap(),
			       .delegation = {.delegation_type = DX_OPEN_DELEGATE_NONE}};
}

static void open_delegation_samples(struct sampler *s)
{
	dx_OPEN4resok r = open_resok_base();
	dx_open_delegation4 *d = &r.delegation;
	dx_open_write_delegation4 *w = &d->dx_open_delegation4_u.write;

	ENCODE(s, DX_OP_OPEN, true, "OPEN4resok OPEN_DELEGATE_NONE", OPEN4resok, &r);
	d->delegation_type = DX_OPEN_DELEGATE_READ;
	d->dx_open_delegation4_u.read = (dx_open_read_delegation4){stateid(5), FALSE, ace()};
	ENCODE(s, DX_OP_OPEN, true, "OPEN4resok OPEN_DELEGATE_READ", OPEN4resok, &r);
	d->delegation_type = DX_OPEN_DELEGATE_WRITE;
	*w = (dx_open_write_delegation4){.stateid = stateid(6), .recall = TRUE,
					 .space_limit = {.limitby = DX_NFS_LIMIT_SIZE},
					 .permissions = ace()};
	w->space_limit.dx_nfs_space_limit4_u.filesize = 1u << 20;
	ENCODE(s, DX_OP_OPEN, true, "OPEN4resok OPEN_DELEGATE_WRITE NFS_LIMIT_SIZE", OPEN4resok,
	       &r);
	w->space_limit.limitby = DX_NFS_LIMIT_BLOCKS;
	w->space_limit.dx_nfs_space_limit4_u.mod_blocks = (dx_nfs_modified_limit4){10, 512};
	ENCODE(s, DX_OP_OPEN, true, "OPEN4resok OPEN_DELEGATE_WRITE NFS_LIMIT_BLOCKS", OPEN4resok,
	       &r);
}

static void open_none_ext_samples(struct sampler *s)
{
	dx_OPEN4resok r = open_resok_base();
	dx_open_none_delegation4 *n = &r.delegation.dx_open_delegation4_u.od_whynone;

	r.delegation.delegation_type = DX_OPEN_DELEGATE_NONE_EXT;
	n->ond_why = DX_WND4_NOT_WANTED;
	ENCODE(s, DX_OP_OPEN, true, "OPEN4resok NONE_EXT WND4_NOT_WANTED", OPEN4resok, &r);
	n->ond_why = DX_WND4_CONTENTION;
	n->dx_open_none_delegation4_u.ond_server_will_push_deleg = TRUE;
	ENCODE(s, DX_OP_OPEN, true, "OPEN4resok NONE_EXT WND4_CONTENTION", OPEN4resok, &r);
	n->ond_why = DX_WND4_RESOURCE;
	n->dx_open_none_delegation4_u.ond_server_will_signal_avail = FALSE;
	ENCODE(s, DX_OP_OPEN, true, "OPEN4resok NONE_EXT WND4_RESOURCE", OPEN4resok, &r);
	n->ond_why = DX_WND4_IS_DIR;
	ENCODE(s, DX_OP_OPEN, true, "OPEN4resok NONE_EXT WND4_IS_DIR", OPEN4resok, &r);
}

/* ---- CREATE (s18.4), CLOSE (s18.2) ---------------------------------------- */

static void create_samples(struct sampler *s)
{
	static const struct {
		const char *name;
		dx_nfs_ftype4 type;
	} voids[] = {
		{"CREATE4args NF4DIR", DX_NF4DIR},
		{"CREATE4args NF4SOCK", DX_NF4SOCK},
		{"CREATE4args NF4FIFO", DX_NF4FIFO},
		{"CREATE4args NF4REG (default arm)", DX_NF4REG},
	};
	dx_CREATE4args a = {.objname = utf8("newobj"), .createattrs = attrs()};
	dx_CREATE4resok r = {.cinfo = cinfo(), .attrset = bitmap()};

	for (size_t i = 0; i < sizeof(voids) / sizeof(voids[0]); i++) {
		a.objtype.type = voids[i].type;
		ENCODE(s, DX_OP_CREATE, false, voids[i].name, CREATE4args, &a);
	}
	a.objtype.type = DX_NF4LNK;
	a.objtype.dx_createtype4_u.linkdata = utf8("target/path");
	ENCODE(s, DX_OP_CREATE, false, "CREATE4args NF4LNK", CREATE4args, &a);
	a.objtype.type = DX_NF4BLK;
	a.objtype.dx_createtype4_u.devdata = (dx_specdata4){8, 1};
	ENCODE(s, DX_OP_CREATE, false, "CREATE4args NF4BLK", CREATE4args, &a);
	a.objtype.type = DX_NF4CHR;
	ENCODE(s, DX_OP_CREATE, false, "CREATE4args NF4CHR", CREATE4args, &a);
	ENCODE(s, DX_OP_CREATE, true, "CREATE4resok", CREATE4resok, &r);
}

static void close_samples(struct sampler *s)
{
	dx_CLOSE4args a = {.seqid = 0, .open_stateid = stateid(2)};
	dx_stateid4 r = stateid(3);

	ENCODE(s, DX_OP_CLOSE, false, "CLOSE4args", CLOSE4args, &a);
	ENCODE(s, DX_OP_CLOSE, true, "CLOSE4res open_stateid", stateid4, &r);
}

/* ---- READDIR (s18.23), RENAME (s18.26), WRITE (s18.32) --------------------- */

static void readdir_samples(struct sampler *s)
{
	static char *names[3] = {"a", "bb", "dir-ccc"};
	dx_READDIR4args a = {.cookie = 0, .dircount = 4096, .maxcount = 32768,
			     .attr_request = bitmap()};
	dx_READDIR4resok r = {.reply = {.entries = NULL, .eof = TRUE}};
	dx_entry4 e[3];

	memcpy(a.cookieverf, "cookieve", DX_NFS4_VERIFIER_SIZE);
	memcpy(r.cookieverf, "cookieve", DX_NFS4_VERIFIER_SIZE);
	ENCODE(s, DX_OP_READDIR, false, "READDIR4args", READDIR4args, &a);
	ENCODE(s, DX_OP_READDIR, true, "READDIR4resok empty", READDIR4resok, &r);
	for (int i = 2; i >= 0; i--)
		e[i] = (dx_entry4){.cookie = 100u + (unsigned)i, .name = utf8(names[i]),
				   .attrs = attrs(), .nextentry = i < 2 ? &e[i + 1] : NULL};
	r.reply = (dx_dirlist4){.entries = &e[2], .eof = FALSE};
	ENCODE(s, DX_OP_READDIR, true, "READDIR4resok 1 entry", READDIR4resok, &r);
	r.reply = (dx_dirlist4){.entries = &e[0], .eof = TRUE};
	ENCODE(s, DX_OP_READDIR, true, "READDIR4resok 3 entries", READDIR4resok, &r);
}

static void rename_write_samples(struct sampler *s)
{
	dx_RENAME4args ra = {.oldname = utf8("old"), .newname = utf8("newer")};
	dx_RENAME4resok rr = {.source_cinfo = cinfo(), .target_cinfo = cinfo()};
	dx_WRITE4args wa = {.stateid = stateid(7), .offset = 4096, .stable = DX_FILE_SYNC4,
			    .data = {0, NULL}};
	dx_WRITE4resok wr = {.count = 3, .committed = DX_FILE_SYNC4};

	ENCODE(s, DX_OP_RENAME, false, "RENAME4args", RENAME4args, &ra);
	ENCODE(s, DX_OP_RENAME, true, "RENAME4resok", RENAME4resok, &rr);
	ENCODE(s, DX_OP_WRITE, false, "WRITE4args empty data", WRITE4args, &wa);
	wa.data.data_len = 3;
	wa.data.data_val = "xyz";
	ENCODE(s, DX_OP_WRITE, false, "WRITE4args 3 bytes", WRITE4args, &wa);
	memcpy(wr.writeverf, "writever", DX_NFS4_VERIFIER_SIZE);
	ENCODE(s, DX_OP_WRITE, true, "WRITE4resok", WRITE4resok, &wr);
}

size_t rx_fileop_samples(struct rx_fileop_sample *out, size_t cap)
{
	struct sampler s = {.out = out, .cap = cap};

	open_create_samples(&s);
	open_claim_samples(&s);
	open_delegation_samples(&s);
	open_none_ext_samples(&s);
	create_samples(&s);
	close_samples(&s);
	readdir_samples(&s);
	rename_write_samples(&s);
	return s.n;
}
