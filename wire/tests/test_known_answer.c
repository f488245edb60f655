/* test_known_answer.c - both shared ganesha captures decode row for row as tshark decoded them. */
#include <CUnit/CUnit.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture_records.h"
#include "test_main.h"
#include "wire.h"

#define TSV_HEADER                                                                             \
	"frame.number\ttcp.stream\ttcp.srcport\ttcp.dstport\trpc.xid\trpc.msgtyp\t"            \
	"nfs.minorversion\tnfs.opcode\tnfs.nfsstat4"
#define TSV_FIELDS 9
#define TSV_LINE_MAX 4096
#define MAX_LIST 64

#define LIFECYCLE "ganesha-session-lifecycle"
#define LIFECYCLE_ROWS 24
#define PYNFS "ganesha-pynfs-session-errors"
#define PYNFS_ROWS 294

/* One tshark row: one RPC message. */
struct tsv_row {
	unsigned line;
	uint32_t frame, stream, sport, dport, xid, msgtyp;
	bool has_minor; /* empty for NULL calls and for every reply */
	uint32_t minor;
	uint32_t nops, ops[MAX_LIST];
	uint32_t nstatus, status[MAX_LIST]; /* replies: COMPOUND status, then each op's */
};

struct tsv {
	struct tsv_row *rows;
	size_t count;
};

/* ---- assertions with formatted messages ------------------------------ */


/* ---- the TSV parser ----------------------------------------------------- */

/* A whole field as an unsigned number: no sign, no spaces, nothing after it. */
static bool parse_u32(const char *s, int base, uint32_t *out)
{
	unsigned long long v;
	char *end;

	if (base == 16) {
		if (strncmp(s, "0x", 2) != 0)
			return false;
		s += 2;
	}
	if (!((*s >= '0' && *s <= '9') || (base == 16 && strchr("abcdefABCDEF", *s) && *s)))
		return false;
	v = strtoull(s, &end, base);
	if (*end != '\0' || v > UINT32_MAX)
		return false;
	*out = (uint32_t)v;
	return true;
}

/* "53,24,15" into items; "" is an empty list; an empty element is an error. */
static bool parse_list(char *s, uint32_t *items, uint32_t *n)
{
	char *next;

	*n = 0;
	if (*s == '\0')
		return true;
	for (; s; s = next) {
		next = strchr(s, ',');
		if (next)
			*next++ = '\0';
		if (*n == MAX_LIST || !parse_u32(s, 10, &items[*n]))
			return false;
		(*n)++;
	}
	return true;
}

/* Split at tabs in place; returns the number of fields (more than max: max + 1). */
static unsigned split_fields(char *line, char **fields, unsigned max)
{
	unsigned n = 0;

	for (char *p = line; p; n++) {
		if (n == max)
			return max + 1;
		fields[n] = p;
		p = strchr(p, '\t');
		if (p)
			*p++ = '\0';
	}
	return n;
}

static bool parse_row(char *line, struct tsv_row *r, char *err, size_t errlen)
{
	char *f[TSV_FIELDS];
	unsigned n = split_fields(line, f, TSV_FIELDS);

	if (n != TSV_FIELDS) {
		snprintf(err, errlen, "line %u: %u fields, expected %d", r->line, n, TSV_FIELDS);
		return false;
	}
	r->has_minor = f[6][0] != '\0';
	if (!parse_u32(f[0], 10, &r->frame) || !parse_u32(f[1], 10, &r->stream) ||
	    !parse_u32(f[2], 10, &r->sport) || !parse_u32(f[3], 10, &r->dport) ||
	    !parse_u32(f[4], 16, &r->xid) || !parse_u32(f[5], 10, &r->msgtyp) ||
	    (r->has_minor && !parse_u32(f[6], 10, &r->minor)) ||
	    !parse_list(f[7], r->ops, &r->nops) || !parse_list(f[8], r->status, &r->nstatus) ||
	    r->msgtyp > 1) {
		snprintf(err, errlen, "line %u: malformed row", r->line);
		return false;
	}
	return true;
}

static int tsv_add(struct tsv *t, const struct tsv_row *r)
{
	struct tsv_row *rows = realloc(t->rows, (t->count + 1) * sizeof(*rows));

	if (!rows)
		return -1;
	t->rows = rows;
	t->rows[t->count++] = *r;
	return 0;
}

static void tsv_free(struct tsv *t)
{
	free(t->rows);
	t->rows = NULL;
	t->count = 0;
}

/* Read a whole TSV: the exact header, then rows; every line must end in a newline. */
static int tsv_read(FILE *f, struct tsv *t, char *err, size_t errlen)
{
	char line[TSV_LINE_MAX];
	unsigned lineno = 0;

	memset(t, 0, sizeof(*t));
	while (fgets(line, sizeof(line), f)) {
		size_t len = strlen(line);
		struct tsv_row r = {.line = ++lineno};

		if (len == 0 || line[len - 1] != '\n') {
			snprintf(err, errlen, "line %u: no newline (cut short or too long)",
				 lineno);
			goto fail;
		}
		line[len - 1] = '\0';
		if (lineno == 1) {
			if (strcmp(line, TSV_HEADER) != 0) {
				snprintf(err, errlen, "line 1: unexpected header \"%.200s\"", line);
				goto fail;
			}
			continue;
		}
		if (!parse_row(line, &r, err, errlen))
			goto fail;
		if (tsv_add(t, &r) != 0) {
			snprintf(err, errlen, "out of memory");
			goto fail;
		}
	}
	if (ferror(f) || lineno == 0) {
		snprintf(err, errlen, lineno ? "read error" : "empty file: no header");
		goto fail;
	}
	return 0;
fail:
	tsv_free(t);
	return -1;
}

static int tsv_load(const char *path, struct tsv *t, char *err, size_t errlen)
{
	char why[400];
	FILE *f = fopen(path, "r");
	int rc;

	memset(t, 0, sizeof(*t));
	if (!f) {
		snprintf(err, errlen, "%s: cannot open", path);
		return -1;
	}
	rc = tsv_read(f, t, why, sizeof(why));
	fclose(f);
	if (rc != 0)
		snprintf(err, errlen, "%s: %s", path, why);
	return rc;
}

/* Parse TSV text given in memory (the parser's own tests). */
static int tsv_parse_text(const char *text, struct tsv *t, char *err, size_t errlen)
{
	FILE *f = fmemopen((char *)text, strlen(text), "r");
	int rc;

	if (!f) {
		snprintf(err, errlen, "fmemopen failed");
		return -1;
	}
	rc = tsv_read(f, t, err, errlen);
	fclose(f);
	return rc;
}

/* ---- comparing one decoded message with its row ------------------------ */

static void check_list(const char *what, uint32_t frame, const uint32_t *got, uint32_t ngot,
		       const uint32_t *want, uint32_t nwant)
{
	if (!CHECK(ngot == nwant, "frame %u: %u %s, tshark has %u", frame, ngot, what, nwant))
		return;
	for (uint32_t i = 0; i < ngot; i++)
		CHECK(got[i] == want[i], "frame %u: %s[%u] is %u, tshark has %u", frame, what, i,
		      got[i], want[i]);
}

static void check_call(const struct wire_msg *m, const struct tsv_row *row)
{
	uint32_t ops[MAX_LIST], n = 0;

	CHECK(m->call.rpcvers == ONCRPC_VERSION && m->call.prog == NFS4_PROGRAM &&
		      m->call.vers == NFS_V4,
	      "frame %u: not an RPCv2 call to NFSv4", row->frame);
	if (!row->has_minor) {
		CHECK(!m->is_compound && m->proc == NFSPROC4_NULL && m->body.len == 0,
		      "frame %u: tshark has a NULL call, decoded proc %u", row->frame, m->proc);
		CHECK(row->nops == 0, "frame %u: TSV gives a NULL call ops", row->frame);
		return;
	}
	if (!CHECK(m->is_compound && m->proc == NFSPROC4_COMPOUND,
		   "frame %u: tshark has a COMPOUND call, decoded proc %u", row->frame, m->proc))
		return;
	CHECK(m->args.minorversion == row->minor, "frame %u: minorversion %u, tshark has %u",
	      row->frame, m->args.minorversion, row->minor);
	CHECK(m->args.argarray_len == m->args.declared_len, "frame %u: %u of %u ops decoded",
	      row->frame, m->args.argarray_len, m->args.declared_len);
	for (uint32_t i = 0; i < m->args.argarray_len && n < MAX_LIST; i++) {
		CHECK(!m->args.argarray[i].undecoded, "frame %u: op %u undecoded", row->frame, i);
		ops[n++] = m->args.argarray[i].op;
	}
	check_list("ops", row->frame, ops, n, row->ops, row->nops);
}

static void check_reply(const struct wire_msg *m, const struct tsv_row *row)
{
	uint32_t ops[MAX_LIST], status[MAX_LIST], nops = 0, nstatus = 0;

	CHECK(m->reply.reply_stat == ONCRPC_MSG_ACCEPTED && m->reply.accept_stat == ONCRPC_SUCCESS,
	      "frame %u: reply not MSG_ACCEPTED/SUCCESS", row->frame);
	if (row->nstatus == 0) {
		CHECK(!m->is_compound && m->proc == NFSPROC4_NULL,
		      "frame %u: tshark has a NULL reply, decoded proc %u", row->frame, m->proc);
		CHECK(row->nops == 0, "frame %u: TSV gives a NULL reply ops", row->frame);
		return;
	}
	if (!CHECK(m->is_compound, "frame %u: tshark has a COMPOUND reply", row->frame))
		return;
	CHECK(m->res.resarray_len == m->res.declared_len, "frame %u: %u of %u results decoded",
	      row->frame, m->res.resarray_len, m->res.declared_len);
	status[nstatus++] = m->res.status;
	for (uint32_t i = 0; i < m->res.resarray_len && nops < MAX_LIST - 1; i++) {
		CHECK(!m->res.resarray[i].undecoded, "frame %u: result %u undecoded", row->frame,
		      i);
		ops[nops++] = m->res.resarray[i].op;
		status[nstatus++] = m->res.resarray[i].status;
	}
	check_list("ops", row->frame, ops, nops, row->ops, row->nops);
	check_list("statuses", row->frame, status, nstatus, row->status, row->nstatus);
}

/* The decoded message encodes back to the captured bytes, exactly. */
static void check_reencode(const struct capture_record *rec, const struct wire_msg *m)
{
	uint8_t *buf = malloc(rec->len + 64);
	size_t n;

	if (!buf) {
		CHECK(false, "out of memory");
		return;
	}
	n = wire_msg_encode(m, buf, rec->len + 64);
	if (CHECK(n == rec->len, "frame %u: re-encoded %zu bytes, captured %zu", rec->frame, n,
		  rec->len))
		CHECK(memcmp(buf, rec->data, n) == 0, "frame %u: re-encoded bytes differ",
		      rec->frame);
	free(buf);
}

/* Lenient mode decodes the same record with no padding or trailing-byte warnings. */
static void check_lenient(const struct capture_record *rec)
{
	const struct wire_decode_opts lenient = {.flags = 0, .reply_proc = WIRE_PROC_UNKNOWN};
	struct wire_error err;
	struct wire_msg m;
	enum wire_status st = wire_msg_decode(rec->data, rec->len, &lenient, &m, &err);

	CHECK(st == WIRE_OK, "frame %u: lenient decode: %s", rec->frame, wire_status_name(st));
	CHECK(m.warnings == 0, "frame %u: lenient decode gave %u warnings", rec->frame,
	      m.warnings);
	wire_msg_free(&m);
}

static void check_record(const struct capture_record *rec, const struct tsv_row *row)
{
	const struct wire_decode_opts strict = {.flags = WIRE_STRICT,
						.reply_proc = WIRE_PROC_UNKNOWN};
	char msg[WIRE_PATH_MAX + WIRE_DETAIL_MAX + 32];
	struct wire_error err;
	struct wire_msg m;
	enum wire_status st;

	CHECK(rec->frame == row->frame, "TSV line %u: record completes in frame %u, tshark %u",
	      row->line, rec->frame, row->frame);
	CHECK(rec->stream == row->stream && rec->src_port == row->sport &&
		      rec->dst_port == row->dport,
	      "frame %u: stream %u %u->%u, tshark stream %u %u->%u", row->frame, rec->stream,
	      rec->src_port, rec->dst_port, row->stream, row->sport, row->dport);
	st = wire_msg_decode(rec->data, rec->len, &strict, &m, &err);
	if (CHECK(st == WIRE_OK, "frame %u: strict decode: %s", row->frame,
		  wire_error_format(&err, msg, sizeof(msg)))) {
		CHECK(m.xid == row->xid, "frame %u: xid 0x%08x, tshark 0x%08x", row->frame, m.xid,
		      row->xid);
		CHECK(m.msg_type == row->msgtyp, "frame %u: msg type %u, tshark %u", row->frame,
		      m.msg_type, row->msgtyp);
		if (m.msg_type == ONCRPC_CALL)
			check_call(&m, row);
		else
			check_reply(&m, row);
		check_reencode(rec, &m);
	}
	wire_msg_free(&m);
	check_lenient(rec);
}

/* Load a capture and its TSV; a missing or unreadable file is a failure, never a skip. */
static bool load_pair(const char *base, struct capture *c, struct tsv *t)
{
	char path[512], err[1024];

	snprintf(path, sizeof(path), "%s/%s.pcap", capture_dir(), base);
	if (!CHECK(capture_load(path, c, err, sizeof(err)) == 0, "capture %s: %s", path, err))
		return false;
	snprintf(path, sizeof(path), "%s/%s.tshark.tsv", capture_dir(), base);
	if (!CHECK(tsv_load(path, t, err, sizeof(err)) == 0, "tshark TSV: %s", err)) {
		capture_free(c);
		return false;
	}
	return true;
}

static void check_capture(const char *base, size_t expected_rows)
{
	struct capture c;
	struct tsv t;

	if (!load_pair(base, &c, &t))
		return;
	CHECK(t.count == expected_rows, "%s: TSV has %zu rows, expected %zu", base, t.count,
	      expected_rows);
	CHECK(c.count == t.count, "%s: %zu RPC records in the pcap, %zu rows in the TSV", base,
	      c.count, t.count);
	for (size_t i = 0; i < c.count && i < t.count; i++)
		check_record(&c.records[i], &t.rows[i]);
	tsv_free(&t);
	capture_free(&c);
}

static void test_lifecycle(void) { check_capture(LIFECYCLE, LIFECYCLE_ROWS); }

static void test_pynfs(void) { check_capture(PYNFS, PYNFS_ROWS); }

/* ---- the parser itself: a short or damaged TSV must not pass ------------ */

static size_t tsv_rows_of(const char *base)
{
	char path[512], err[1024];
	struct tsv t;
	size_t n;

	snprintf(path, sizeof(path), "%s/%s.tshark.tsv", capture_dir(), base);
	if (!CHECK(tsv_load(path, &t, err, sizeof(err)) == 0, "%s", err))
		return 0;
	n = t.count;
	tsv_free(&t);
	return n;
}

static void test_tsv_row_counts(void)
{
	CU_ASSERT_EQUAL(tsv_rows_of(LIFECYCLE), LIFECYCLE_ROWS);
	CU_ASSERT_EQUAL(tsv_rows_of(PYNFS), PYNFS_ROWS);
}

static void test_tsv_missing_file_fails(void)
{
	char err[1024];
	struct tsv t;

	CU_ASSERT_EQUAL(tsv_load("/nonexistent/none.tshark.tsv", &t, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "cannot open"));
}

static void test_tsv_parses_fields(void)
{
	/* A lifecycle reply row and a NULL call row, as tshark writes them. */
	static const char text[] = TSV_HEADER "\n"
				   "33\t0\t2049\t47544\t0x98035c07\t1\t\t53\t10052,10052\n"
				   "4\t0\t47544\t2049\t0x98035c00\t0\t\t\t\n";
	char err[256];
	struct tsv t;

	CU_ASSERT_FATAL(tsv_parse_text(text, &t, err, sizeof(err)) == 0);
	CU_ASSERT_EQUAL(t.count, 2);
	CU_ASSERT_EQUAL(t.rows[0].frame, 33);
	CU_ASSERT_EQUAL(t.rows[0].sport, 2049);
	CU_ASSERT_EQUAL(t.rows[0].dport, 47544);
	CU_ASSERT_EQUAL(t.rows[0].xid, 0x98035c07u);
	CU_ASSERT_EQUAL(t.rows[0].msgtyp, 1);
	CU_ASSERT_FALSE(t.rows[0].has_minor);
	CU_ASSERT_EQUAL(t.rows[0].nops, 1);
	CU_ASSERT_EQUAL(t.rows[0].ops[0], OP_SEQUENCE);
	CU_ASSERT_EQUAL(t.rows[0].nstatus, 2);
	CU_ASSERT_EQUAL(t.rows[0].status[1], NFS4ERR_BADSESSION);
	CU_ASSERT_EQUAL(t.rows[1].nops, 0);
	CU_ASSERT_EQUAL(t.rows[1].nstatus, 0);
	tsv_free(&t);
}

static void test_tsv_rejects_damage(void)
{
	static const char *const bad[] = {
		"",                                                        /* no header */
		"frame\ttcp.stream\n",                                     /* wrong header */
		TSV_HEADER "\n33\t0\t2049\t47544\t0x98035c07\t1\t\t53\n",  /* 8 fields */
		TSV_HEADER "\n33\t0\t2049\t47544\t0x98035c07\t1\t\t53\t0\tx\n", /* 10 fields */
		TSV_HEADER "\n33\t0\t2049\t47544\t0x98035c07\t1\t\t53\t0,0", /* cut: no newline */
		TSV_HEADER "\n33\t0\t2049\t47544\t98035c07\t1\t\t53\t0,0\n", /* xid without 0x */
		/* an empty list item */
		TSV_HEADER "\n33\t0\t2049\t47544\t0x98035c07\t1\t\t53,,1\t0\n",
		TSV_HEADER "\n-3\t0\t2049\t47544\t0x98035c07\t1\t\t53\t0\n", /* negative frame */
		TSV_HEADER "\n33\t0\t2049\t47544\t0x98035c07\t2\t\t53\t0\n", /* msgtyp 2 */
		TSV_HEADER "\n33\t0\t2049\t47544\t0x198035c07\t1\t\t53\t0\n", /* xid > 32 bits */
	};
	char err[256];
	struct tsv t;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		CHECK(tsv_parse_text(bad[i], &t, err, sizeof(err)) == -1,
		      "damaged TSV %zu was accepted", i);
		CHECK(err[0] != '\0', "damaged TSV %zu: no error message", i);
	}
}

void tests_register(void)
{
	static const struct test_entry tsv[] = {
		{"row counts 24 and 294", test_tsv_row_counts},
		{"missing file fails", test_tsv_missing_file_fails},
		{"fields parse", test_tsv_parses_fields},
		{"damaged input rejected", test_tsv_rejects_damage},
		{NULL, NULL},
	};
	static const struct test_entry kat[] = {
		{"session lifecycle capture", test_lifecycle},
		{"pynfs session-errors capture", test_pynfs},
		{NULL, NULL},
	};

	tests_add_suite("tshark TSV parser", tsv);
	tests_add_suite("known answers vs tshark", kat);
}
