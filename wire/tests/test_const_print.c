/* test_const_print.c - the NFSv4.1 name tables against the catalogue (s14), and the printers. */
#include <CUnit/CUnit.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture_records.h"
#include "test_main.h"
#include "wire.h"

struct pair {
	const char *name;
	uint32_t value;
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Catalogue 14.2, every named operation (generated from requirements.md). */
static const struct pair catalogue_ops[] = {
	{"CLOSE", 4},		     {"CREATE", 6},		 {"DELEGPURGE", 7},
	{"GETATTR", 9},		     {"GETFH", 10},		 {"LOOKUP", 15},
	{"OPEN", 18},		     {"OPEN_CONFIRM", 20},	 {"PUTFH", 22},
	{"PUTPUBFH", 23},	     {"PUTROOTFH", 24},		 {"REMOVE", 28},
	{"RENAME", 29},		     {"RENEW", 30},		 {"SAVEFH", 32},
	{"SETCLIENTID", 35},	     {"SETCLIENTID_CONFIRM", 36}, {"RELEASE_LOCKOWNER", 39},
	{"BACKCHANNEL_CTL", 40},     {"BIND_CONN_TO_SESSION", 41}, {"EXCHANGE_ID", 42},
	{"CREATE_SESSION", 43},	     {"DESTROY_SESSION", 44},	 {"FREE_STATEID", 45},
	{"SECINFO_NO_NAME", 52},     {"SEQUENCE", 53},		 {"SET_SSV", 54},
	{"TEST_STATEID", 55},	     {"DESTROY_CLIENTID", 57},	 {"RECLAIM_COMPLETE", 58},
	{"ILLEGAL", 10044},
};

/* Catalogue 14.3, every status (generated from requirements.md). */
static const struct pair catalogue_statuses[] = {
	{"NFS4_OK", 0},
	{"NFS4ERR_PERM", 1},
	{"NFS4ERR_NOENT", 2},
	{"NFS4ERR_EXIST", 17},
	{"NFS4ERR_INVAL", 22},
	{"NFS4ERR_NOSPC", 28},
	{"NFS4ERR_NAMETOOLONG", 63},
	{"NFS4ERR_NOTSUPP", 10004},
	{"NFS4ERR_TOOSMALL", 10005},
	{"NFS4ERR_SERVERFAULT", 10006},
	{"NFS4ERR_DELAY", 10008},
	{"NFS4ERR_EXPIRED", 10011},
	{"NFS4ERR_GRACE", 10013},
	{"NFS4ERR_CLID_INUSE", 10017},
	{"NFS4ERR_RESOURCE", 10018},
	{"NFS4ERR_MOVED", 10019},
	{"NFS4ERR_NOFILEHANDLE", 10020},
	{"NFS4ERR_MINOR_VERS_MISMATCH", 10021},
	{"NFS4ERR_STALE_CLIENTID", 10022},
	{"NFS4ERR_NOT_SAME", 10027},
	{"NFS4ERR_NO_GRACE", 10033},
	{"NFS4ERR_RECLAIM_BAD", 10034},
	{"NFS4ERR_BADXDR", 10036},
	{"NFS4ERR_OP_ILLEGAL", 10044},
	{"NFS4ERR_CB_PATH_DOWN", 10048},
	{"NFS4ERR_BAD_SESSION_DIGEST", 10051},
	{"NFS4ERR_BADSESSION", 10052},
	{"NFS4ERR_BADSLOT", 10053},
	{"NFS4ERR_COMPLETE_ALREADY", 10054},
	{"NFS4ERR_CONN_NOT_BOUND_TO_SESSION", 10055},
	{"NFS4ERR_BACK_CHAN_BUSY", 10057},
	{"NFS4ERR_SEQ_MISORDERED", 10063},
	{"NFS4ERR_SEQUENCE_POS", 10064},
	{"NFS4ERR_REQ_TOO_BIG", 10065},
	{"NFS4ERR_REP_TOO_BIG", 10066},
	{"NFS4ERR_REP_TOO_BIG_TO_CACHE", 10067},
	{"NFS4ERR_RETRY_UNCACHED_REP", 10068},
	{"NFS4ERR_UNSAFE_COMPOUND", 10069},
	{"NFS4ERR_TOO_MANY_OPS", 10070},
	{"NFS4ERR_OP_NOT_IN_SESSION", 10071},
	{"NFS4ERR_HASH_ALG_UNSUPP", 10072},
	{"NFS4ERR_CLIENTID_BUSY", 10074},
	{"NFS4ERR_SEQ_FALSE_RETRY", 10076},
	{"NFS4ERR_BAD_HIGH_SLOT", 10077},
	{"NFS4ERR_DEADSESSION", 10078},
	{"NFS4ERR_ENCR_ALG_UNSUPP", 10079},
	{"NFS4ERR_NOT_ONLY_OP", 10081},
	{"NFS4ERR_WRONG_CRED", 10082},
	{"NFS4ERR_WRONG_TYPE", 10083},
};

/* Catalogue 14.4-14.6: single flag bits. */
static const struct pair catalogue_exchgid_flags[] = {
	{"EXCHGID4_FLAG_SUPP_MOVED_REFER", 0x00000001},
	{"EXCHGID4_FLAG_SUPP_MOVED_MIGR", 0x00000002},
	{"EXCHGID4_FLAG_SUPP_FENCE_OPS", 0x00000004},
	{"EXCHGID4_FLAG_BIND_PRINC_STATEID", 0x00000100},
	{"EXCHGID4_FLAG_USE_NON_PNFS", 0x00010000},
	{"EXCHGID4_FLAG_USE_PNFS_MDS", 0x00020000},
	{"EXCHGID4_FLAG_USE_PNFS_DS", 0x00040000},
	{"EXCHGID4_FLAG_UPD_CONFIRMED_REC_A", 0x40000000},
	{"EXCHGID4_FLAG_CONFIRMED_R", 0x80000000},
};

static const struct pair catalogue_cs_flags[] = {
	{"CREATE_SESSION4_FLAG_PERSIST", 0x00000001},
	{"CREATE_SESSION4_FLAG_CONN_BACK_CHAN", 0x00000002},
	{"CREATE_SESSION4_FLAG_CONN_RDMA", 0x00000004},
};

static const struct pair catalogue_seq_flags[] = {
	{"SEQ4_STATUS_CB_PATH_DOWN", 0x00000001},
	{"SEQ4_STATUS_CB_GSS_CONTEXTS_EXPIRING", 0x00000002},
	{"SEQ4_STATUS_CB_GSS_CONTEXTS_EXPIRED", 0x00000004},
	{"SEQ4_STATUS_EXPIRED_ALL_STATE_REVOKED", 0x00000008},
	{"SEQ4_STATUS_EXPIRED_SOME_STATE_REVOKED", 0x00000010},
	{"SEQ4_STATUS_ADMIN_STATE_REVOKED", 0x00000020},
	{"SEQ4_STATUS_RECALLABLE_STATE_REVOKED", 0x00000040},
	{"SEQ4_STATUS_LEASE_MOVED", 0x00000080},
	{"SEQ4_STATUS_RESTART_RECLAIM_NEEDED", 0x00000100},
	{"SEQ4_STATUS_CB_PATH_DOWN_SESSION", 0x00000200},
	{"SEQ4_STATUS_BACKCHANNEL_FAULT", 0x00000400},
	{"SEQ4_STATUS_DEVID_CHANGED", 0x00000800},
	{"SEQ4_STATUS_DEVID_DELETED", 0x00001000},
};

/* Catalogue 14.1 and 14.7: program numbers, sizes and enumerations. */
static const struct pair catalogue_enums[] = {
	{"NFS4_PROGRAM", 100003},	{"NFS_V4", 4},
	{"NFSPROC4_NULL", 0},		{"NFSPROC4_COMPOUND", 1},
	{"NFS4_CALLBACK", 0x40000000},	{"NFS_CB", 1},
	{"NFS4_SESSIONID_SIZE", 16},	{"NFS4_VERIFIER_SIZE", 8},
	{"NFS4_OPAQUE_LIMIT", 1024},	{"NFS4_FHSIZE", 128},
	{"SP4_NONE", 0},		{"SP4_MACH_CRED", 1},
	{"SP4_SSV", 2},			{"CDFC4_FORE", 0x1},
	{"CDFC4_BACK", 0x2},		{"CDFC4_FORE_OR_BOTH", 0x3},
	{"CDFC4_BACK_OR_BOTH", 0x7},	{"CDFS4_FORE", 0x1},
	{"CDFS4_BACK", 0x2},		{"CDFS4_BOTH", 0x3},
	{"RPC_GSS_SVC_NONE", 1},	{"RPC_GSS_SVC_INTEGRITY", 2},
	{"RPC_GSS_SVC_PRIVACY", 3},
};

/* ---- assertions with formatted messages ------------------------------ */


static bool str_eq(const char *a, const char *b) { return a && b && strcmp(a, b) == 0; }

/* ---- operations ------------------------------------------------------------ */

static void test_op_number_to_name(void)
{
	for (size_t i = 0; i < COUNT(catalogue_ops); i++) {
		const struct pair *p = &catalogue_ops[i];
		const char *name = nfs4_op_name(p->value);
		CHECK(str_eq(name, p->name), "nfs4_op_name(%u) = %s, catalogue %s", p->value,
		      name ? name : "NULL", p->name);
	}
}

static void check_op_parses(const char *name, uint32_t want)
{
	uint32_t v = UINT32_MAX;

	CHECK(nfs4_op_parse(name, &v) && v == want, "nfs4_op_parse(\"%s\") -> %u, want %u",
	      name, v, want);
	v = UINT32_MAX;
	CHECK(nfs4_constant_lookup(name, &v) && v == want,
	      "nfs4_constant_lookup(\"%s\") -> %u, want %u", name, v, want);
}

static void test_op_name_to_number(void)
{
	char full[64];

	for (size_t i = 0; i < COUNT(catalogue_ops); i++) {
		snprintf(full, sizeof(full), "OP_%s", catalogue_ops[i].name);
		check_op_parses(catalogue_ops[i].name, catalogue_ops[i].value);
		check_op_parses(full, catalogue_ops[i].value);
	}
}

/* Every number the library names parses back to itself, both forms. */
static void test_op_table_round_trip(void)
{
	unsigned named = 0;
	char full[64];

	for (uint32_t op = 0; op <= OP_ILLEGAL; op++) {
		const char *name = nfs4_op_name(op);
		uint32_t v = UINT32_MAX, w = UINT32_MAX;
		if (!name)
			continue;
		named++;
		snprintf(full, sizeof(full), "OP_%s", name);
		CHECK(nfs4_op_parse(name, &v) && v == op, "op %u \"%s\" parses to %u", op, name, v);
		CHECK(nfs4_op_parse(full, &w) && w == op, "op %u \"%s\" parses to %u", op, full, w);
	}
	/* ACCESS (3) .. RECLAIM_COMPLETE (58), and ILLEGAL */
	CU_ASSERT_EQUAL(named, NFS41_LAST_OP - NFS4_FIRST_OP + 1 + 1);
}

static void test_op_unknown(void)
{
	static const uint32_t numbers[] = {0, 1, 2, 59, 60, 10043, 10045, UINT32_MAX};
	static const char *const names[] = {
		"", "OP_", "SEQUENCEX", "OP_OP_SEQUENCE", "NFS4ERR_BADSESSION", "BADSESSION",
		"OP_SEQUENCE ", "CB_SEQUENCE", "OP_59",
	};
	uint32_t v;

	for (size_t i = 0; i < COUNT(numbers); i++)
		CHECK(nfs4_op_name(numbers[i]) == NULL, "op %u has a name", numbers[i]);
	for (size_t i = 0; i < COUNT(names); i++)
		CHECK(!nfs4_op_parse(names[i], &v), "nfs4_op_parse(\"%s\") succeeded", names[i]);
}

/* ---- statuses ---------------------------------------------------------------- */

static void test_status_number_to_name(void)
{
	for (size_t i = 0; i < COUNT(catalogue_statuses); i++) {
		const struct pair *p = &catalogue_statuses[i];
		const char *name = nfs4_status_name(p->value);
		CHECK(str_eq(name, p->name), "nfs4_status_name(%u) = %s, catalogue %s", p->value,
		      name ? name : "NULL", p->name);
	}
}

/* "NFS4ERR_BADSESSION" -> "BADSESSION", "NFS4_OK" -> "OK". */
static const char *short_status(const char *full)
{
	if (strncmp(full, "NFS4ERR_", 8) == 0)
		return full + 8;
	return strcmp(full, "NFS4_OK") == 0 ? "OK" : full;
}

static void test_status_name_to_number(void)
{
	for (size_t i = 0; i < COUNT(catalogue_statuses); i++) {
		const struct pair *p = &catalogue_statuses[i];
		const char *s = short_status(p->name);
		uint32_t v = UINT32_MAX, w = UINT32_MAX, c = UINT32_MAX;
		CHECK(nfs4_status_parse(p->name, &v) && v == p->value,
		      "nfs4_status_parse(\"%s\") -> %u", p->name, v);
		CHECK(nfs4_status_parse(s, &w) && w == p->value, "nfs4_status_parse(\"%s\") -> %u",
		      s, w);
		CHECK(nfs4_constant_lookup(p->name, &c) && c == p->value,
		      "nfs4_constant_lookup(\"%s\") -> %u", p->name, c);
	}
}

static void test_status_table_round_trip(void)
{
	unsigned named = 0;

	for (uint32_t st = 0; st <= NFS4ERR_DELEG_REVOKED + 10; st++) {
		const char *name = nfs4_status_name(st);
		uint32_t v = UINT32_MAX, w = UINT32_MAX;
		if (!name)
			continue;
		named++;
		CHECK(nfs4_status_parse(name, &v) && v == st, "status %u \"%s\" -> %u", st, name,
		      v);
		CHECK(nfs4_status_parse(short_status(name), &w) && w == st, "status %u short -> %u",
		      st, w);
	}
	CU_ASSERT(named >= COUNT(catalogue_statuses));
}

static void test_status_unknown(void)
{
	static const uint32_t numbers[] = {3, 4, 10000, 10002, 10073, 10088, UINT32_MAX};
	static const char *const names[] = {
		"", "NFS4ERR_", "NFS4ERR_OK", "ERR_BADSESSION", "NFS4ERR_NOPE", "SEQUENCE",
		"OP_SEQUENCE", "NFS4ERR_NFS4ERR_BADSESSION", "NFS4ERR_NFS4_OK", "OP_OK",
	};
	uint32_t v;

	for (size_t i = 0; i < COUNT(numbers); i++)
		CHECK(nfs4_status_name(numbers[i]) == NULL, "status %u has a name", numbers[i]);
	for (size_t i = 0; i < COUNT(names); i++)
		CHECK(!nfs4_status_parse(names[i], &v), "nfs4_status_parse(\"%s\") succeeded",
		      names[i]);
	/* The short form of NFS4ERR_OP_ILLEGAL is "OP_ILLEGAL": a status, not an op parse. */
	CU_ASSERT(nfs4_status_parse("OP_ILLEGAL", &v) && v == NFS4ERR_OP_ILLEGAL);
}

/* ---- flags, enums, constant lookup ------------------------------------------ */

static void check_lookup_pairs(const char *what, const struct pair *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint32_t v = 0xdeadbeef;
		CHECK(nfs4_constant_lookup(p[i].name, &v) && v == p[i].value,
		      "%s: nfs4_constant_lookup(\"%s\") -> 0x%x, want 0x%x", what, p[i].name, v,
		      p[i].value);
	}
}

static void test_constant_lookup(void)
{
	uint32_t v;

	check_lookup_pairs("14.4", catalogue_exchgid_flags, COUNT(catalogue_exchgid_flags));
	check_lookup_pairs("14.5", catalogue_cs_flags, COUNT(catalogue_cs_flags));
	check_lookup_pairs("14.6", catalogue_seq_flags, COUNT(catalogue_seq_flags));
	check_lookup_pairs("14.1/14.7", catalogue_enums, COUNT(catalogue_enums));
	/* The pNFS role mask (14.4) and the callback_sec_parms4 discriminants (14.7). */
	CU_ASSERT(nfs4_constant_lookup("EXCHGID4_FLAG_MASK_PNFS", &v) && v == 0x00070000u);
	CU_ASSERT(nfs4_constant_lookup("AUTH_NONE", &v) && v == 0);
	CU_ASSERT(nfs4_constant_lookup("AUTH_SYS", &v) && v == 1);
	CU_ASSERT(nfs4_constant_lookup("RPCSEC_GSS", &v) && v == 6);
	CU_ASSERT_FALSE(nfs4_constant_lookup("", &v));
	CU_ASSERT_FALSE(nfs4_constant_lookup("NO_SUCH_CONSTANT", &v));
	CU_ASSERT_FALSE(nfs4_constant_lookup("SP4_NONE_", &v));
	CU_ASSERT_FALSE(nfs4_constant_lookup("EXCHGID4_FLAG_", &v));
}

/* Each single bit formats as its own name. */
static void check_single_flags(const struct nfs4_named *tbl, const struct pair *p, size_t n)
{
	char buf[256];

	for (size_t i = 0; i < n; i++) {
		const char *got = nfs4_flags_format(tbl, p[i].value, buf, sizeof(buf));
		CHECK(str_eq(got, p[i].name), "flags 0x%x -> \"%s\", want \"%s\"", p[i].value, got,
		      p[i].name);
	}
}

static void check_format(const struct nfs4_named *tbl, uint32_t v, const char *want)
{
	char buf[512];
	const char *got = nfs4_flags_format(tbl, v, buf, sizeof(buf));

	CHECK(got == buf && str_eq(got, want), "flags 0x%x -> \"%s\", want \"%s\"", v, got, want);
}

static void test_flags_format(void)
{
	check_single_flags(nfs4_exchgid_flags, catalogue_exchgid_flags,
			   COUNT(catalogue_exchgid_flags));
	check_single_flags(nfs4_create_session_flags, catalogue_cs_flags,
			   COUNT(catalogue_cs_flags));
	check_single_flags(nfs4_seq_status_flags, catalogue_seq_flags, COUNT(catalogue_seq_flags));
	check_format(nfs4_exchgid_flags, 0, "0");
	check_format(nfs4_exchgid_flags, 0x00010001,
		     "EXCHGID4_FLAG_SUPP_MOVED_REFER|EXCHGID4_FLAG_USE_NON_PNFS");
	check_format(nfs4_exchgid_flags, 0x80020000,
		     "EXCHGID4_FLAG_USE_PNFS_MDS|EXCHGID4_FLAG_CONFIRMED_R");
	check_format(nfs4_create_session_flags, 0x7,
		     "CREATE_SESSION4_FLAG_PERSIST|CREATE_SESSION4_FLAG_CONN_BACK_CHAN|"
		     "CREATE_SESSION4_FLAG_CONN_RDMA");
	check_format(nfs4_create_session_flags, 0x10, "0x10");
	check_format(nfs4_create_session_flags, 0xfffffff8u, "0xfffffff8");
	check_format(nfs4_seq_status_flags, 0x2001, "SEQ4_STATUS_CB_PATH_DOWN|0x2000");
	check_format(nfs4_seq_status_flags, 0x1fff,
		     "SEQ4_STATUS_CB_PATH_DOWN|SEQ4_STATUS_CB_GSS_CONTEXTS_EXPIRING|"
		     "SEQ4_STATUS_CB_GSS_CONTEXTS_EXPIRED|SEQ4_STATUS_EXPIRED_ALL_STATE_REVOKED|"
		     "SEQ4_STATUS_EXPIRED_SOME_STATE_REVOKED|SEQ4_STATUS_ADMIN_STATE_REVOKED|"
		     "SEQ4_STATUS_RECALLABLE_STATE_REVOKED|SEQ4_STATUS_LEASE_MOVED|"
		     "SEQ4_STATUS_RESTART_RECLAIM_NEEDED|SEQ4_STATUS_CB_PATH_DOWN_SESSION|"
		     "SEQ4_STATUS_BACKCHANNEL_FAULT|SEQ4_STATUS_DEVID_CHANGED|"
		     "SEQ4_STATUS_DEVID_DELETED");
}

/* A small buffer truncates and stays terminated, never writing past its end. */
static void test_flags_format_truncates(void)
{
	char buf[16];

	memset(buf, 'x', sizeof(buf));
	nfs4_flags_format(nfs4_exchgid_flags, 0x80010001, buf, 12);
	CU_ASSERT_STRING_EQUAL(buf, "EXCHGID4_FL");
	CU_ASSERT_EQUAL(buf[12], 'x');
	nfs4_flags_format(nfs4_seq_status_flags, 0x1, buf, 1);
	CU_ASSERT_STRING_EQUAL(buf, "");
	CU_ASSERT_EQUAL(buf[1], 'X'); /* still "EXCHGID4_FL" from the first call */
	/* n == 0: nothing at all is written. */
	memset(buf, 'y', sizeof(buf));
	CU_ASSERT_PTR_EQUAL(nfs4_flags_format(nfs4_seq_status_flags, 0x3, buf, 0), buf);
	CU_ASSERT_EQUAL(buf[0], 'y');
}

/* ---- printers on captured messages ------------------------------------------ */

struct captured {
	struct capture cap;
	struct wire_msg m;
	bool ok;
};

/* Decode (strictly) the record completed in frame of a shared capture. */
static bool captured_load(struct captured *c, const char *base, unsigned frame)
{
	const struct wire_decode_opts o = {.flags = WIRE_STRICT, .reply_proc = WIRE_PROC_UNKNOWN};
	char path[512], err[512];
	struct wire_error werr;

	memset(c, 0, sizeof(*c));
	snprintf(path, sizeof(path), "%s/%s.pcap", capture_dir(), base);
	if (!CHECK(capture_load(path, &c->cap, err, sizeof(err)) == 0, "%s: %s", path, err))
		return false;
	for (size_t i = 0; i < c->cap.count; i++) {
		const struct capture_record *r = &c->cap.records[i];
		if (r->frame != frame)
			continue;
		c->ok = CHECK(wire_msg_decode(r->data, r->len, &o, &c->m, &werr) == WIRE_OK,
			      "%s frame %u: %s", base, frame, werr.detail);
		return c->ok;
	}
	CHECK(false, "%s: no RPC record in frame %u", base, frame);
	return false;
}

static void captured_free(struct captured *c)
{
	wire_msg_free(&c->m);
	capture_free(&c->cap);
}

static void check_summary(const char *base, unsigned frame, const char *want)
{
	struct captured c;

	if (captured_load(&c, base, frame)) {
		char buf[256];
		const char *got = wire_msg_summary(&c.m, buf, sizeof(buf));
		CHECK(got == buf && str_eq(got, want),
		      "%s frame %u summary\n  got  \"%s\"\n  want \"%s\"", base, frame, got, want);
	}
	captured_free(&c);
}

#define LIFECYCLE "ganesha-session-lifecycle"
#define PYNFS "ganesha-pynfs-session-errors"

static void test_summary_captured(void)
{
	check_summary(LIFECYCLE, 4, "V4 Call xid 0x98035c00 NULL");
	check_summary(LIFECYCLE, 6, "V4 Reply xid 0x98035c00 NULL");
	check_summary(LIFECYCLE, 12,
		      "V4 Call xid 0x98035c03 COMPOUND v4.1 SEQUENCE PUTROOTFH GETFH");
	check_summary(LIFECYCLE, 33,
		      "V4 Reply xid 0x98035c07 COMPOUND NFS4ERR_BADSESSION "
		      "SEQUENCE(NFS4ERR_BADSESSION)");
	check_summary(LIFECYCLE, 37,
		      "V4 Reply xid 0x98035c09 COMPOUND NFS4ERR_STALE_CLIENTID "
		      "CREATE_SESSION(NFS4ERR_STALE_CLIENTID)");
	check_summary(PYNFS, 34,
		      "V4 Call xid 0x1e9819db COMPOUND v4.1 SEQUENCE PUTROOTFH LOOKUP LOOKUP OPEN "
		      "GETFH");
	check_summary(PYNFS, 15,
		      "V4 Reply xid 0x1e9819d1 COMPOUND NFS4ERR_NOENT SEQUENCE PUTROOTFH LOOKUP "
		      "LOOKUP(NFS4ERR_NOENT)");
	check_summary(PYNFS, 239, "V4 Reply xid 0x1e981a41 COMPOUND NFS4ERR_NOT_ONLY_OP");
}

/* The summary into a short buffer: cut, terminated, nothing written past n. */
static void test_summary_truncates(void)
{
	struct captured c;

	if (captured_load(&c, LIFECYCLE, 33)) {
		char buf[16];
		memset(buf, 'x', sizeof(buf));
		wire_msg_summary(&c.m, buf, 10);
		CU_ASSERT_STRING_EQUAL(buf, "V4 Reply ");
		CU_ASSERT_EQUAL(buf[10], 'x');
		buf[0] = 'x';
		wire_msg_summary(&c.m, buf, 0);
		CU_ASSERT_EQUAL(buf[0], 'x');
	}
	captured_free(&c);
}

/* wire_msg_print() into memory; the caller frees the text. */
static char *print_to_string(const struct wire_msg *m)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		return NULL;
	wire_msg_print(f, m);
	fclose(f);
	return text;
}

/* Every line in want (NULL-terminated) appears in the printout of frame. */
static void check_print(const char *base, unsigned frame, const char *const *want)
{
	struct captured c;
	char *text;

	if (captured_load(&c, base, frame) && (text = print_to_string(&c.m)) != NULL) {
		for (; *want; want++)
			CHECK(strstr(text, *want) != NULL, "%s frame %u: no line \"%s\" in\n%s",
			      base, frame, *want, text);
		free(text);
	}
	captured_free(&c);
}

static void test_print_exchange_id_reply(void)
{
	/* eir_clientid: bytes 6b 08 13 41 00 00 00 01 at offset 56 of the record */
	static const char *const want[] = {
		"RPC reply xid 0x98035c01 MSG_ACCEPTED SUCCESS\n",
		"  verf AUTH_NONE, 0 bytes\n",
		"COMPOUND4res status NFS4_OK tag \"nfs41probe\", 1 results\n",
		"  [0] EXCHANGE_ID NFS4_OK\n",
		"      eir_clientid 0x6b08134100000001\n",
		"      eir_sequenceid 1\n",
		"      eir_flags 0x00010001 EXCHGID4_FLAG_SUPP_MOVED_REFER|E",
		"|EXCHGID4_FLAG_USE_NON_PNFS\n      spr_how SP4_NONE\n",
		"      spr_how SP4_NONE\n",
		"      so_major_id \"vm\"\n",
		"      eir_server_scope \"vm_NFS-Ganesha\\x00\"\n",
		"      eir_server_impl_id (absent)\n",
		NULL,
	};

	check_print(LIFECYCLE, 9, want);
}

static void test_print_create_session_call(void)
{
	static const char *const want[] = {
		"RPC call xid 0x98035c02 rpcvers 2 prog 100003 vers 4 proc 1\n",
		"  cred AUTH_SYS, 32 bytes: stamp 1795691330 machine \"nfs41probe\" uid 0",
		"\" uid 0 gid 0 gids []\n  verf AUTH_NONE, 0 bytes\n",
		"COMPOUND4args tag \"nfs41probe\" minorversion 1, 1 ops\n",
		"  [0] CREATE_SESSION (43)\n",
		"      csa_clientid 0x6b08134100000001\n",
		"      csa_flags 0x00000000 0\n",
		"      csa_fore_chan_attrs\n        ca_headerpadsize 0\n",
		"        ca_maxoperations 16\n        ca_maxrequests 8\n",
		"        ca_maxrequests 8\n        ca_rdma_ird (absent)\n",
		"      csa_back_chan_attrs\n",
		"      csa_cb_program 0x40000000\n",
		"      csa_sec_parms 1 entries\n        [0] AUTH_NONE\n",
		NULL,
	};

	check_print(LIFECYCLE, 10, want);
}

static void test_print_sequence_call(void)
{
	static const char *const want[] = {
		"  [0] SEQUENCE (53)\n",
		"      sa_sessionid 010000004113086b0100000000000000\n",
		"      sa_sequenceid 2\n",
		"      sa_slotid 0\n",
		"      sa_highest_slotid 0\n",
		"      sa_cachethis TRUE\n",
		"  [1] RECLAIM_COMPLETE (58)\n      rca_one_fs FALSE\n",
		NULL,
	};

	check_print(LIFECYCLE, 14, want);
}

static void test_print_pynfs_call(void)
{
	static const char *const want[] = {
		"  cred AUTH_SYS, 36 bytes: stamp 42 machine \"vm\" uid 0 gid 0 gids [3 17 100]\n",
		"COMPOUND4args tag \"environment.py:open_create_file\" minorversion 1, 6 ops\n",
		"  [1] PUTROOTFH (24)\n  [2] LOOKUP (15)\n      objname \"export\"\n",
		"  [4] OPEN (18)\n      args (XDR) 00000000000004030000",
		"... (72 bytes)\n  [5] GETFH (10)\n",
		NULL,
	};

	check_print(PYNFS, 34, want);
}

static void test_print_error_reply(void)
{
	static const char *const want[] = {
		"COMPOUND4res status NFS4ERR_NOENT tag \"environment.py:_maketree\", 4 results\n",
		"      sr_highest_slotid 7\n      sr_target_highest_slotid 7\n",
		"      sr_status_flags 0x00000000 0\n",
		"  [3] LOOKUP NFS4ERR_NOENT\n",
		NULL,
	};

	check_print(PYNFS, 15, want);
}

/* ---- printers on RPC-level replies built here -------------------------------- */

static void check_reply_text(const struct oncrpc_reply *r, const char *summary, const char *line)
{
	struct wire_msg m = {.xid = r->xid, .msg_type = ONCRPC_REPLY, .reply = *r};
	char buf[128], *text;

	wire_msg_summary(&m, buf, sizeof(buf));
	CHECK(str_eq(buf, summary), "summary \"%s\", want \"%s\"", buf, summary);
	text = print_to_string(&m);
	CHECK(text && strncmp(text, line, strlen(line)) == 0, "print \"%s\", want \"%s\"",
	      text ? text : "(null)", line);
	free(text);
}

static void test_rpc_replies_text(void)
{
	struct oncrpc_reply r = {.xid = 7,
				 .reply_stat = ONCRPC_MSG_DENIED,
				 .reject_stat = ONCRPC_AUTH_ERROR,
				 .auth_stat = ONCRPC_AUTH_TOOWEAK};

	check_reply_text(&r, "RPC Reply xid 0x00000007 MSG_DENIED AUTH_TOOWEAK",
			 "RPC reply xid 0x00000007 MSG_DENIED AUTH_ERROR AUTH_TOOWEAK\n");
	r = (struct oncrpc_reply){.xid = 8, .reply_stat = ONCRPC_MSG_DENIED,
				  .reject_stat = ONCRPC_RPC_MISMATCH, .mismatch_low = 2,
				  .mismatch_high = 2};
	check_reply_text(&r, "RPC Reply xid 0x00000008 MSG_DENIED RPC_MISMATCH",
			 "RPC reply xid 0x00000008 MSG_DENIED RPC_MISMATCH low 2 high 2\n");
	r = (struct oncrpc_reply){.xid = 9, .accept_stat = ONCRPC_PROG_MISMATCH, .mismatch_low = 4,
				  .mismatch_high = 4};
	check_reply_text(&r, "RPC Reply xid 0x00000009 PROG_MISMATCH",
			 "RPC reply xid 0x00000009 MSG_ACCEPTED PROG_MISMATCH low 4 high 4\n");
	r = (struct oncrpc_reply){.xid = 0xffffffff, .accept_stat = ONCRPC_GARBAGE_ARGS};
	check_reply_text(&r, "RPC Reply xid 0xffffffff GARBAGE_ARGS",
			 "RPC reply xid 0xffffffff MSG_ACCEPTED GARBAGE_ARGS\n");
}

/* A call to another program prints its numbers; an unknown op is marked. */
static void test_other_calls_text(void)
{
	struct nfs_argop op = {.op = 59, .undecoded = true};
	struct wire_msg m = {.xid = 0x10, .msg_type = ONCRPC_CALL,
			     .call = {.xid = 0x10, .rpcvers = 2, .prog = 100000, .vers = 2}};
	char buf[128];

	wire_msg_summary(&m, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "RPC Call xid 0x00000010 prog 100000 vers 2 proc 0");
	m.call.prog = NFS4_PROGRAM, m.call.vers = NFS_V4, m.call.proc = 1, m.proc = 1;
	m.is_compound = true;
	m.args = (struct COMPOUND4args){.minorversion = 1, .argarray_len = 1, .declared_len = 1,
					.argarray = &op};
	wire_msg_summary(&m, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "V4 Call xid 0x00000010 COMPOUND v4.1 OP_?(undecoded)");
}

void tests_register(void)
{
	static const struct test_entry names[] = {
		{"ops: number -> name (catalogue 14.2)", test_op_number_to_name},
		{"ops: short and full name -> number", test_op_name_to_number},
		{"ops: every named op round-trips", test_op_table_round_trip},
		{"ops: unknown numbers and names fail", test_op_unknown},
		{"statuses: number -> name (catalogue 14.3)", test_status_number_to_name},
		{"statuses: short and full name -> number", test_status_name_to_number},
		{"statuses: every named status round-trips", test_status_table_round_trip},
		{"statuses: unknown numbers and names fail", test_status_unknown},
		{"constant lookup: flags and enums (14.1, 14.4-14.7)", test_constant_lookup},
		{"flags format", test_flags_format},
		{"flags format truncates", test_flags_format_truncates},
		{NULL, NULL},
	};
	static const struct test_entry printers[] = {
		{"summary of captured messages", test_summary_captured},
		{"summary truncates", test_summary_truncates},
		{"print EXCHANGE_ID reply", test_print_exchange_id_reply},
		{"print CREATE_SESSION call", test_print_create_session_call},
		{"print SEQUENCE call", test_print_sequence_call},
		{"print pynfs multi-op call", test_print_pynfs_call},
		{"print error reply", test_print_error_reply},
		{"RPC-level replies", test_rpc_replies_text},
		{"other calls", test_other_calls_text},
		{NULL, NULL},
	};

	tests_add_suite("name tables", names);
	tests_add_suite("printers", printers);
}
