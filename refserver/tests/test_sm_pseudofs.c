/*
 * test_sm_pseudofs.c - the read-only pseudo-root: "/" with the directory "export" and the file
 * "README"; PUTROOTFH, PUTPUBFH, PUTFH, GETFH, LOOKUP, LOOKUPP, SAVEFH, RESTOREFH and GETATTR
 * inside a session (RFC 8881 s18.7, s18.8, s18.14, s18.15, s18.19, s18.20, s18.21, s18.27,
 * s18.31, s5.6).
 */
#include <CUnit/CUnit.h>
#include <stdlib.h>
#include <string.h>

#include "sm.h"
#include "sm_harness.h"
#include "test_main.h"
#include "wire.h"

/* A session on conn 1 and the next seqid on its slot 0. */
struct fs {
	struct sm *s;
	uint8_t sid[16];
	uint32_t seq;
};

static void fs_open(struct fs *f)
{
	uint64_t cid;

	f->s = harness_sm(90);
	f->seq = 1;
	harness_open_session(f->s, 1, "pseudofs", f->sid, &cid);
}

/* SEQUENCE then ops; the reply in *r. */
static void fs_call(struct fs *f, const struct nfs_argop *ops, uint32_t nops,
		    struct harness_reply *r)
{
	struct nfs_argop all[8];

	all[0] = harness_sequence(f->sid, 0, f->seq++, false);
	memcpy(all + 1, ops, nops * sizeof(*ops));
	harness_compound(f->s, 1, all, nops + 1, r);
}

static uint32_t fs_status(struct fs *f, const struct nfs_argop *ops, uint32_t nops)
{
	struct harness_reply r;
	uint32_t st;

	fs_call(f, ops, nops, &r);
	st = harness_reply_status(&r);
	harness_reply_free(&r);
	return st;
}

/* The filehandle GETFH returns after ops (copied to fh; its length, 0 on failure). */
static uint32_t fs_getfh(struct fs *f, const struct nfs_argop *ops, uint32_t nops, uint8_t *fh)
{
	struct nfs_argop all[7];
	struct harness_reply r;
	const struct nfs_resop *res;
	uint32_t len = 0;

	memcpy(all, ops, nops * sizeof(*ops));
	all[nops] = harness_op(OP_GETFH);
	fs_call(f, all, nops + 1, &r);
	res = harness_res(&r, nops + 1);
	if (harness_reply_status(&r) == NFS4_OK && res && res->u.getfh.object.len <= NFS4_FHSIZE) {
		len = res->u.getfh.object.len;
		memcpy(fh, res->u.getfh.object.data, len);
	}
	harness_reply_free(&r);
	return len;
}

/* The attributes GETATTR(attrs) returns after ops, unpacked; false on any failure. */
static bool fs_getattr(struct fs *f, const struct nfs_argop *ops, uint32_t nops,
		       const uint32_t *attrs, struct nfs4_attrs *out, struct bitmap4 *mask)
{
	struct nfs_argop all[7];
	struct harness_reply r;
	const struct nfs_resop *res;
	struct wire_error e;
	bool ok = false;

	memcpy(all, ops, nops * sizeof(*ops));
	all[nops] = harness_getattr(attrs);
	fs_call(f, all, nops + 1, &r);
	res = harness_res(&r, nops + 1);
	if (harness_reply_status(&r) == NFS4_OK && res) {
		*mask = res->u.getattr.obj_attributes.attrmask;
		ok = fattr4_unpack(&res->u.getattr.obj_attributes, WIRE_STRICT, out, &e);
	}
	harness_reply_free(&r);
	return ok;
}

/* PUTROOTFH and GETFH: a filehandle PUTFH takes back. */
static void test_root_filehandle(void)
{
	struct fs f;
	uint8_t fh[NFS4_FHSIZE], again[NFS4_FHSIZE];
	struct nfs_argop ops[2] = {harness_op(OP_PUTROOTFH)};
	uint32_t len, len2;

	fs_open(&f);
	len = fs_getfh(&f, ops, 1, fh);
	CHECK(len > 0 && len <= NFS4_FHSIZE, "root filehandle of %u bytes", len); /* CMP-22 */
	ops[0] = harness_putfh(fh, len);
	len2 = fs_getfh(&f, ops, 1, again);
	CHECK(len2 == len && !memcmp(fh, again, len), "PUTFH(GETFH) differs");
	sm_free(f.s);
}

/* LOOKUP: found, not found, not a directory, bad names. */
static void test_lookup(void)
{
	struct fs f;
	uint8_t name[300];
	struct nfs_argop ops[3] = {harness_op(OP_PUTROOTFH)};

	memset(name, 'a', sizeof(name));
	fs_open(&f);
	ops[1] = harness_lookup("export");
	CHECK_STATUS(fs_status(&f, ops, 2), NFS4_OK);
	ops[1] = harness_lookup("README");
	CHECK_STATUS(fs_status(&f, ops, 2), NFS4_OK);
	ops[1] = harness_lookup("readme");
	CHECK_STATUS(fs_status(&f, ops, 2), NFS4ERR_NOENT);
	ops[1] = harness_lookup("README");
	ops[2] = harness_lookup("x");
	CHECK_STATUS(fs_status(&f, ops, 3), NFS4ERR_NOTDIR);
	ops[1] = harness_lookup("export");
	ops[2] = harness_lookup("README"); /* README is in "/", not in "export" */
	CHECK_STATUS(fs_status(&f, ops, 3), NFS4ERR_NOENT);
	ops[1] = harness_lookup_len(name, 0);
	CHECK_STATUS(fs_status(&f, ops, 2), NFS4ERR_INVAL);
	ops[1] = harness_lookup_len(name, 255);
	CHECK_STATUS(fs_status(&f, ops, 2), NFS4ERR_NOENT);
	ops[1] = harness_lookup_len(name, 256);
	CHECK_STATUS(fs_status(&f, ops, 2), NFS4ERR_NAMETOOLONG);
	ops[1] = harness_lookup("expor");
	CHECK_STATUS(fs_status(&f, ops, 2), NFS4ERR_NOENT);
	ops[1] = harness_lookup("exports");
	CHECK_STATUS(fs_status(&f, ops, 2), NFS4ERR_NOENT);
	sm_free(f.s);
}

/* Ops that need a current filehandle, without one; and none carried between COMPOUNDs. */
static void test_no_filehandle(void)
{
	static const uint32_t attrs[] = {FATTR4_TYPE, UINT32_MAX};
	struct fs f;
	struct nfs_argop ops[1];

	fs_open(&f);
	ops[0] = harness_op(OP_GETFH);
	CHECK_STATUS(fs_status(&f, ops, 1), NFS4ERR_NOFILEHANDLE);
	ops[0] = harness_lookup("export");
	CHECK_STATUS(fs_status(&f, ops, 1), NFS4ERR_NOFILEHANDLE);
	ops[0] = harness_getattr(attrs);
	CHECK_STATUS(fs_status(&f, ops, 1), NFS4ERR_NOFILEHANDLE);
	ops[0] = harness_op(OP_PUTROOTFH);
	CHECK_STATUS(fs_status(&f, ops, 1), NFS4_OK);
	ops[0] = harness_op(OP_GETFH); /* the next COMPOUND starts without one */
	CHECK_STATUS(fs_status(&f, ops, 1), NFS4ERR_NOFILEHANDLE);
	sm_free(f.s);
}

/* PUTFH of handles that are not ours, or no longer exist. */
static void test_bad_handles(void)
{
	struct fs f;
	uint8_t fh[NFS4_FHSIZE], bad[NFS4_FHSIZE];
	struct nfs_argop ops[2] = {harness_op(OP_PUTROOTFH)};
	uint32_t len;

	fs_open(&f);
	len = fs_getfh(&f, ops, 1, fh);
	REQUIRE(len >= 16);
	memset(bad, 0, sizeof(bad));
	ops[0] = harness_putfh(bad, 0);
	CHECK_STATUS(fs_status(&f, ops, 1), NFS4ERR_BADHANDLE);
	ops[0] = harness_putfh(bad, NFS4_FHSIZE);
	CHECK_STATUS(fs_status(&f, ops, 1), NFS4ERR_BADHANDLE);
	memcpy(bad, fh, len);
	ops[0] = harness_putfh(bad, len - 1);
	CHECK_STATUS(fs_status(&f, ops, 1), NFS4ERR_BADHANDLE);
	bad[0] ^= 0xff;
	ops[0] = harness_putfh(bad, len);
	CHECK_STATUS(fs_status(&f, ops, 1), NFS4ERR_BADHANDLE);
	memcpy(bad, fh, len);
	bad[len - 1] = 0x7f; /* a node that does not exist */
	ops[0] = harness_putfh(bad, len);
	CHECK_STATUS(fs_status(&f, ops, 1), NFS4ERR_STALE);
	sm_free(f.s);
}

/* RFC 8881 s5.1, s18.7.3: GETATTR returns what was asked and is supported, no more. */
static void test_getattr_mask(void)
{
	static const uint32_t asked[] = {FATTR4_TYPE, FATTR4_LEASE_TIME, 12, 44, 200, UINT32_MAX};
	struct fs f;
	struct nfs_argop ops[1] = {harness_op(OP_PUTROOTFH)};
	struct nfs4_attrs at;
	struct bitmap4 mask;

	fs_open(&f);
	REQUIRE(fs_getattr(&f, ops, 1, asked, &at, &mask));
	CHECK(bitmap4_isset(&mask, FATTR4_TYPE) && bitmap4_isset(&mask, FATTR4_LEASE_TIME),
	      "supported attributes missing");
	CHECK(!bitmap4_isset(&mask, 12) && !bitmap4_isset(&mask, 44) && !bitmap4_isset(&mask, 200),
	      "unsupported attributes returned");
	CHECK_U64(at.type, NF4DIR);
	CHECK_U64(at.lease_time, 90);
	sm_free(f.s);
}

/* RFC 8881 s5.6: the REQUIRED attributes and a few more, per node. */
static void test_getattr_values(void)
{
	static const uint32_t all[] = {
		FATTR4_SUPPORTED_ATTRS, FATTR4_TYPE, FATTR4_FH_EXPIRE_TYPE, FATTR4_CHANGE,
		FATTR4_SIZE, FATTR4_LINK_SUPPORT, FATTR4_SYMLINK_SUPPORT, FATTR4_NAMED_ATTR,
		FATTR4_FSID, FATTR4_UNIQUE_HANDLES, FATTR4_LEASE_TIME, FATTR4_RDATTR_ERROR,
		FATTR4_FILEHANDLE, FATTR4_FILEID, FATTR4_MODE, FATTR4_NUMLINKS, UINT32_MAX};
	static const uint32_t required[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 19};
	struct fs f;
	struct nfs_argop ops[2] = {harness_op(OP_PUTROOTFH), harness_lookup("README")};
	struct nfs4_attrs root, file;
	struct bitmap4 mask;
	uint8_t fh[NFS4_FHSIZE];
	uint32_t fh_len;

	fs_open(&f);
	REQUIRE(fs_getattr(&f, ops, 1, all, &root, &mask));
	for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++)
		CHECK(bitmap4_isset(&root.supported_attrs, required[i]), "REQUIRED attribute %u "
		      "not supported", required[i]);
	CHECK_U64(root.type, NF4DIR);
	CHECK_U64(root.mode, 0755);
	CHECK_U64(root.numlinks, 2);
	fh_len = fs_getfh(&f, ops, 1, fh);
	CHECK(root.filehandle.len == 0 || root.filehandle.len == fh_len, "filehandle attribute");
	REQUIRE(fs_getattr(&f, ops, 2, all, &file, &mask));
	CHECK_U64(file.type, NF4REG);
	CHECK_U64(file.mode, 0644);
	CHECK_U64(file.numlinks, 1);
	CHECK(file.fileid != root.fileid, "fileids repeat");
	CHECK(file.fsid_major == root.fsid_major && file.fsid_minor == root.fsid_minor,
	      "one file system");
	sm_free(f.s);
}

/* LOOKUPP, PUTPUBFH, SAVEFH and RESTOREFH move the current filehandle around the tree
 * (RFC 8881 s18.14.3, s18.20.3, s18.31.3, s18.27.3). */
static void test_lookupp_savefh_restorefh(void)
{
	struct fs f;
	uint8_t root[NFS4_FHSIZE], fh[NFS4_FHSIZE];
	uint32_t rootlen, len;
	struct nfs_argop ops[6];

	fs_open(&f);
	ops[0] = harness_op(OP_PUTROOTFH);
	rootlen = fs_getfh(&f, ops, 1, root);
	REQUIRE(rootlen > 0);
	ops[0] = harness_op(OP_PUTPUBFH); /* the public filehandle is the root here */
	len = fs_getfh(&f, ops, 1, fh);
	CHECK(len == rootlen && !memcmp(fh, root, len), "PUTPUBFH is not the root");
	ops[0] = harness_op(OP_PUTROOTFH);
	ops[1] = harness_lookup("export");
	ops[2] = harness_op(OP_LOOKUPP);
	len = fs_getfh(&f, ops, 3, fh);
	CHECK(len == rootlen && !memcmp(fh, root, len), "LOOKUPP of export is not the root");
	CHECK_STATUS(fs_status(&f, ops, 1), NFS4_OK);
	ops[1] = harness_op(OP_LOOKUPP);
	CHECK_STATUS(fs_status(&f, ops, 2), NFS4ERR_NOENT); /* the root has no parent */
	ops[1] = harness_lookup("README");
	ops[2] = harness_op(OP_LOOKUPP);
	CHECK_STATUS(fs_status(&f, ops, 3), NFS4ERR_NOTDIR);
	ops[0] = harness_op(OP_LOOKUPP);
	CHECK_STATUS(fs_status(&f, ops, 1), NFS4ERR_NOFILEHANDLE);
	ops[0] = harness_op(OP_RESTOREFH);
	CHECK_STATUS(fs_status(&f, ops, 1), NFS4ERR_NOFILEHANDLE); /* nothing saved */
	ops[0] = harness_op(OP_SAVEFH);
	CHECK_STATUS(fs_status(&f, ops, 1), NFS4ERR_NOFILEHANDLE);
	ops[0] = harness_op(OP_PUTROOTFH);
	ops[1] = harness_op(OP_SAVEFH);
	ops[2] = harness_lookup("export");
	ops[3] = harness_op(OP_RESTOREFH);
	len = fs_getfh(&f, ops, 4, fh);
	CHECK(len == rootlen && !memcmp(fh, root, len), "RESTOREFH did not bring the root back");
	sm_free(f.s);
}

void tests_register(void)
{
	static const struct test_entry tests[] = {
		{"root filehandle", test_root_filehandle},
		{"LOOKUP", test_lookup},
		{"no current filehandle", test_no_filehandle},
		{"PUTFH of bad handles", test_bad_handles},
		{"GETATTR mask", test_getattr_mask},
		{"GETATTR values", test_getattr_values},
		{"LOOKUPP, PUTPUBFH, SAVEFH, RESTOREFH", test_lookupp_savefh_restorefh},
		{NULL, NULL}};

	tests_add_suite("state machine: pseudo-root", tests);
}
