/* test_case_parse.c - the case language: lexer, parser, expressions, fields and their errors. */
#include <CUnit/CUnit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "case_parse.h"
#include "fields.h"
#include "lexer.h"
#include "test_main.h"

#define HEADER                                                                                 \
	"id: t\n"                                                                              \
	"title: a test case: with 'quotes' & C# # a comment\n"                                         \
	"requirements: SEQ-01, SES-25 CMP-03\n"                                                \
	"level: MUST NOT\n"                                                                    \
	"tags: a, b\n"                                                                         \
	"timeout: 500ms\n\n"

static bool parse(const char *text, struct case_def *c, char *err, size_t n)
{
	return case_parse_text("t.case", text, NULL, c, err, n) == 0;
}

/* The same header declaring the test hooks: its first step is on line 9. */
#define HOOK_HEADER "requires: hooks\n" HEADER

/* Parse header + body, which must fail; the error must be exactly want. */
static void parse_fails_after(const char *header, const char *body, const char *want)
{
	struct case_def c;
	char err[512] = "";
	char *text = NULL;

	CU_ASSERT_FATAL(asprintf(&text, "%s%s", header, body) > 0);
	CU_ASSERT_FALSE(parse(text, &c, err, sizeof(err)));
	if (strcmp(err, want) != 0)
		fprintf(stderr, "\n  body: %s\n  got:  %s\n  want: %s\n", body, err, want);
	CU_ASSERT_STRING_EQUAL(err, want);
	case_free(&c);
	free(text);
}

static void parse_fails(const char *body, const char *want)
{
	parse_fails_after(HEADER, body, want);
}

static void test_header(void)
{
	struct case_def c;
	char err[512];

	CU_ASSERT_TRUE_FATAL(parse(HEADER "c1 > NULL\nc1 < NULL\n", &c, err, sizeof(err)));
	CU_ASSERT_STRING_EQUAL(c.id, "t");
	CU_ASSERT_STRING_EQUAL(c.title, "a test case: with 'quotes' & C#");
	CU_ASSERT_EQUAL(c.nrequirements, 3);
	CU_ASSERT_STRING_EQUAL(c.requirements[2], "CMP-03");
	CU_ASSERT_STRING_EQUAL(c.level, "MUST NOT");
	CU_ASSERT_EQUAL(c.ntags, 2);
	CU_ASSERT_DOUBLE_EQUAL(c.timeout, 0.5, 1e-9);
	CU_ASSERT_EQUAL(c.nsteps, 2);
	case_free(&c);
}

static void test_send_and_expect(void)
{
	struct case_def c;
	char err[512];
	const char *text = HEADER
		"c1 > @a tag=\"x\" uid=1000 gids={4, 5} SEQUENCE slotid=1 sa_cachethis=true ; PUTROOTFH ; 9999\n"
		"    with truncate 4\n"
		"    with fragments 1\n"
		"c1 < @a NFS4_OK | NFS4ERR_DELAY | rpc AUTH_ERROR AUTH_BADCRED | closed: SEQUENCE PUTROOTFH\n"
		"    expect SEQUENCE.sr_status_flags lacks 0xffffe000\n"
		"    expect results in {1, 2}\n"
		"    expect SEQUENCE.sr_slotid == 1 if status in {NFS4_OK}\n"
		"    expect SEQUENCE.sr_status_flags & 0x3 == absent\n"
		"    save s = SEQUENCE.sr_sessionid\n"
		"c2 > resend @a newxid\n";
	const struct send_spec *s;
	const struct expect_spec *e;

	CU_ASSERT_TRUE_FATAL(parse(text, &c, err, sizeof(err)));
	CU_ASSERT_EQUAL_FATAL(c.nsteps, 3);
	s = &c.steps[0].u.send;
	CU_ASSERT_STRING_EQUAL(s->label, "a");
	CU_ASSERT_EQUAL(s->ncallargs, 4); /* tag, uid, gids x2 */
	CU_ASSERT_EQUAL_FATAL(s->nops, 3);
	CU_ASSERT_EQUAL(s->ops[0].op, OP_SEQUENCE);
	CU_ASSERT_EQUAL(s->ops[0].nargs, 2);
	CU_ASSERT_EQUAL(s->ops[2].op, 9999);
	CU_ASSERT_EQUAL(s->nmutations, 1);
	CU_ASSERT_PTR_NOT_NULL(s->fragment);
	e = &c.steps[1].u.expect;
	CU_ASSERT_EQUAL(e->noutcomes, 3); /* COMPOUND (2 statuses), AUTH_ERROR, closed */
	CU_ASSERT_EQUAL(e->nstatuses, 2);
	CU_ASSERT_EQUAL(e->outcomes[1].kind, OUT_DENIED);
	CU_ASSERT_EQUAL(e->outcomes[1].aux, 1);
	CU_ASSERT_EQUAL(e->nresops, 2);
	CU_ASSERT_EQUAL_FATAL(e->nchecks, 4);
	CU_ASSERT_PTR_NOT_NULL(e->checks[3].mask);
	CU_ASSERT_EQUAL(e->checks[3].values[0]->terms[0].kind, T_NONE);
	CU_ASSERT_EQUAL(e->checks[1].nvalues, 2);
	CU_ASSERT_PTR_NULL(e->checks[1].guard);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e->checks[2].guard);
	CU_ASSERT_STRING_EQUAL(e->checks[2].guard->path, "status");
	CU_ASSERT_EQUAL(e->checks[2].guard->op, CHK_IN);
	CU_ASSERT_EQUAL(e->nsaves, 1);
	CU_ASSERT_TRUE(c.steps[2].u.send.resend && c.steps[2].u.send.new_xid);
	CU_ASSERT_STRING_EQUAL(c.steps[2].conn, "c2");
	case_free(&c);
}

static void test_repeat_sleep_set(void)
{
	struct case_def c;
	char err[512];

	CU_ASSERT_TRUE_FATAL(parse(HEADER "set n = 2\nrepeat $n\nrepeat 2\nsleep 1.5 lease\nend\n"
					  "sleep 20ms\nend\nc1 > COMPOUND\n",
				   &c, err, sizeof(err)));
	CU_ASSERT_EQUAL_FATAL(c.nsteps, 8);
	CU_ASSERT_EQUAL(c.steps[1].u.repeat.end, 6);
	CU_ASSERT_EQUAL(c.steps[2].u.repeat.end, 4);
	CU_ASSERT_EQUAL(c.steps[4].u.end.start, 2);
	CU_ASSERT_TRUE(c.steps[3].u.sleep.in_leases);
	CU_ASSERT_EQUAL(c.steps[7].u.send.nops, 0); /* an empty COMPOUND */
	case_free(&c);
}

static void test_errors(void)
{
	parse_fails("c1 > SEQUENCEX\n", "t.case:8:6: expected an operation name, got 'SEQUENCEX'");
	parse_fails("c1 > SEQUENCE slot=1\n", "t.case:8:15: SEQUENCE has no argument 'slot'");
	parse_fails("c1 > SEQUENCE slotid=\n", "t.case:8:22: expected a value");
	parse_fails("c1 > SEQUENCE slotid=NOPE\n",
		    "t.case:8:22: unknown name 'NOPE' (not a constant, variable or function)");
	parse_fails("c1 > SEQUENCE\nc1 < NFS4ERR_NOPE\n",
		    "t.case:9:6: unknown status or outcome 'NFS4ERR_NOPE'");
	parse_fails("c1 < @x NULL\n", "t.case:8:1: @x: no earlier send has that label");
	parse_fails("c1 > @a NULL\nc1 > @a NULL\n", "t.case:9:1: label @a is used twice");
	parse_fails("repeat 2\n", "t.case:8:1: repeat without 'end'");
	parse_fails("end\n", "t.case:8:1: 'end' without 'repeat'");
	parse_fails("expect status == 0\n", "t.case:8:1: 'expect' must follow a reply step (CONN < ...)");
	parse_fails("c1 > NULL\nwith chop 3\n",
		    "t.case:9:6: expected truncate, pad, poke, poke8, fragments or raw after 'with'");
	parse_fails("c1 > NULL\n    with fragments 1\n    with fragments 2\n",
		    "t.case:10:10: 'with fragments' is already given for this call");
	parse_fails("c1 > NULL\nc1 < NULL\n    expect SEQUENCE.nope == 1\n",
		    "t.case:10:12: SEQUENCE has no result field 'nope'");
	parse_fails("c1 > tag=\"abc\n", "t.case:8:10: unterminated string");
	parse_fails("c1 > NULL\nc1 < NULL\n    expect xid == 1 if\n",
		    "t.case:10:23: expect needs a reply field, e.g. SEQUENCE.sr_slotid");
	parse_fails("c1 > SEQUENCE sessionid=hex:abc\n", "t.case:8:31: odd number of hex digits");
	parse_fails("fixture nosuch\n",
		    "t.case:8:9: fixture 'nosuch': not found in ./fixtures/ or ./../fixtures/");
	parse_fails("sleep 2\n", "t.case:8:8: sleep needs a unit: s, ms or lease");
	parse_fails("bogus\n", "t.case:8:1: unknown step 'bogus'");
	parse_fails("c1 > cred=sys\n", "t.case:8:14: expected an operation, COMPOUND or NULL to send");
	parse_fails("c1 > colour=3 NULL\n",
		    "t.case:8:6: 'colour' is not a call setting (tag, minor, xid, prog, vers, proc, "
		    "rpcvers, cred, uid, gid, gids, machine, stamp)");
}

/* `callback`, `reply` and the call.* fields (the back channel, RFC 8881 s2.10.3.1). */
static void test_callbacks(void)
{
	struct case_def c;
	char err[512] = "";
	const char *ok = HEADER "c1 > CREATE_SESSION csa_sec_parms.cb_secflavor=AUTH_SYS "
			 "csa_sec_parms.cbsp_sys_cred.uid=7\n"
			 "c1 < NFS4_OK\n"
			 "c1 < callback | nothing 2s\n"
			 "    expect call.prog == NFS4_CALLBACK\n"
			 "    expect call.machinename == \"h\"\n"
			 "c1 > reply\n";

	CU_ASSERT_TRUE_FATAL(parse(ok, &c, err, sizeof(err)));
	CU_ASSERT_EQUAL_FATAL(c.nsteps, 4);
	CU_ASSERT_EQUAL(c.steps[2].u.expect.outcomes[0].kind, OUT_CALLBACK);
	CU_ASSERT_EQUAL(c.steps[2].u.expect.nchecks, 2);
	CU_ASSERT_TRUE(c.steps[3].u.send.cb_reply);
	case_free(&c);
	parse_fails("c1 > NULL\nc1 < callback | NFS4_OK\n",
		    "t.case:9:24: 'callback' waits for the server's call: it goes with 'nothing' or "
		    "'closed' only, and takes no @label");
	parse_fails("c1 > @a NULL\nc1 < @a callback\n",
		    "t.case:9:17: 'callback' waits for the server's call: it goes with 'nothing' or "
		    "'closed' only, and takes no @label");
	parse_fails("c1 > NULL\nc1 < callback\n    expect call.colour == 1\n",
		    "t.case:10:12: 'call.colour' is not a callback field (call.prog, call.vers, "
		    "call.proc, call.flavor, call.uid, call.gid, call.machinename)");
	parse_fails("c1 > NULL\nc1 < nope\n",
		    "t.case:9:6: unknown status or outcome 'nope'");
}

static void test_header_errors(void)
{
	struct case_def c;
	char err[512];

	CU_ASSERT_FALSE(parse("id: a\ntitle: b\nlevel: OFTEN\n", &c, err, sizeof(err)));
	CU_ASSERT_STRING_EQUAL(err, "t.case:3:8: level must be MUST, MUST NOT, SHOULD, SHOULD NOT "
				    "or MAY, not 'OFTEN'");
	case_free(&c);
	CU_ASSERT_FALSE(parse("id: a\ncolour: red\n", &c, err, sizeof(err)));
	CU_ASSERT_STRING_EQUAL(err, "t.case:2:1: unknown header 'colour' (id, title, requirements, "
				    "level, tags, requires, timeout)");
	case_free(&c);
	CU_ASSERT_FALSE(parse("id: a\ntitle: b\nlevel: MAY\nrequirements: SEQ-01\n", &c, err,
			      sizeof(err)));
	CU_ASSERT_STRING_EQUAL(err, "t.case:1:1: the case has no steps");
	case_free(&c);
	CU_ASSERT_FALSE(parse("id: a\nid: b\n", &c, err, sizeof(err)));
	CU_ASSERT_STRING_EQUAL(err, "t.case:2:1: 'id' is given twice");
	case_free(&c);
	CU_ASSERT_FALSE(parse("id: a\ntimeout: soon\n", &c, err, sizeof(err)));
	CU_ASSERT_STRING_EQUAL(err, "t.case:2:10: timeout needs a number of seconds, e.g. 10s or 500ms");
	case_free(&c);
}

static void test_hooks(void)
{
	struct case_def c;
	char err[512];

	CU_ASSERT_TRUE_FATAL(parse(HOOK_HEADER "hook session-cap max=2\n"
					       "hook preset slot=0 seqid=0xffffffff\n"
					       "hook restart clientid=absent state=false\n"
					       "c1 > FREE_STATEID xdr=$stateid\n",
				   &c, err, sizeof(err)));
	CU_ASSERT_EQUAL_FATAL(c.nsteps, 4);
	CU_ASSERT_EQUAL(c.steps[0].kind, STEP_HOOK);
	CU_ASSERT_STRING_EQUAL(c.steps[0].u.hook.def->name, "session-cap");
	CU_ASSERT_STRING_EQUAL(c.steps[0].source, "hook session - cap max = 2");
	CU_ASSERT_EQUAL(c.steps[1].u.hook.nargs, 2);
	CU_ASSERT_EQUAL(c.steps[1].u.hook.args[1].value->terms[0].num, 0xffffffffu);
	CU_ASSERT_EQUAL(c.steps[2].u.hook.args[0].value->terms[0].kind, T_NONE);
	CU_ASSERT_STRING_EQUAL(step_kind_name(c.steps[2].kind), "hook");
	CU_ASSERT_EQUAL(c.steps[3].u.send.ops[0].op, OP_FREE_STATEID); /* xdr= takes a variable */
	CU_ASSERT_EQUAL(c.steps[3].u.send.ops[0].args[0].value->terms[0].kind, T_VAR);
	CU_ASSERT_TRUE(case_requires(&c, "hooks"));
	case_free(&c);
}

static void test_hook_errors(void)
{
	parse_fails("hook preset slot=0\n",
		    "t.case:8:1: a hook step needs 'requires: hooks' in the header (servers without "
		    "nfs41refd's test hooks skip the case)");
	parse_fails_after(HOOK_HEADER, "hook\n", "t.case:9:5: hook needs a name: hook NAME [key=value ...]");
	parse_fails_after(HOOK_HEADER, "hook nosuch\n",
			  "t.case:9:6: unknown hook 'nosuch' (target, force-highest, preset, delay, "
			  "restart, revoke, bcfault, session-cap, mach-cred)");
	parse_fails_after(HOOK_HEADER, "hook session -cap\n",
			  "t.case:9:6: unknown hook 'session' (target, force-highest, preset, delay, "
			  "restart, revoke, bcfault, session-cap, mach-cred)");
	parse_fails_after(HOOK_HEADER, "hook preset slots=1\n",
			  "t.case:9:13: hook preset has no argument 'slots' (sessionid, slot, seqid)");
	parse_fails_after(HOOK_HEADER, "hook revoke sessionid=$sessionid\n",
			  "t.case:9:13: hook revoke has no argument 'sessionid' (clientid)");
	parse_fails_after(HOOK_HEADER, "hook preset slot=1 slot=2\n",
			  "t.case:9:20: 'slot' is given twice");
	parse_fails_after(HOOK_HEADER, "hook preset slot={1, 2}\n",
			  "t.case:9:22: 'slot' is given twice");
	parse_fails_after(HOOK_HEADER, "hook preset slot=\"x\"\n",
			  "t.case:9:13: slot takes a number, not bytes");
	parse_fails_after(HOOK_HEADER, "hook restart state=2\n",
			  "t.case:9:14: state takes true or false, not '2'");
	parse_fails_after(HOOK_HEADER, "hook restart state=hex:01\n",
			  "t.case:9:14: state takes true or false, not bytes");
	parse_fails_after(HOOK_HEADER, "hook bcfault sessionid=5\n",
			  "t.case:9:14: sessionid takes a 16-byte session id ($sessionid)");
	parse_fails_after(HOOK_HEADER, "hook bcfault sessionid=hex:00\n",
			  "t.case:9:14: sessionid takes a 16-byte session id ($sessionid)");
	parse_fails_after(HOOK_HEADER, "hook target target=NOPE\n",
			  "t.case:9:20: unknown name 'NOPE' (not a constant, variable or function)");
	parse_fails_after(HOOK_HEADER, "hook delay ms=10\n    expect status == 0\n",
			  "t.case:10:1: 'expect' must follow a reply step (CONN < ...)");
}

/* Binary garbage and huge lines give an error, never a crash. */
static void test_garbage(void)
{
	struct case_def c;
	char err[512], *big = malloc(200001);

	CU_ASSERT_FALSE(parse("\x01\x02\xff\xfe", &c, err, sizeof(err)));
	case_free(&c);
	memset(big, '$', 200000);
	big[200000] = '\0';
	CU_ASSERT_FALSE(parse(big, &c, err, sizeof(err)));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "t.case:1:"));
	case_free(&c);
	free(big);
}

static void test_expressions(void)
{
	struct case_def c;
	struct env env;
	struct value v;
	char err[256];

	CU_ASSERT_TRUE_FATAL(parse(HEADER "set a = $x + 1 - 2 | 0x10\nset b = len(\"abc\")\nset s = \"a\\x00b\"\n",
				   &c, err, sizeof(err)));
	env_init(&env, "pfx", 7);
	env_set_int(&env, "x", 0xffffffffu);
	CU_ASSERT_EQUAL(expr_eval(c.steps[0].u.set.value, &env, &v, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(v.i, (0xffffffffull + 1 - 2) | 0x10);
	CU_ASSERT_EQUAL(expr_eval(c.steps[1].u.set.value, &env, &v, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(v.i, 3);
	CU_ASSERT_EQUAL(expr_eval(c.steps[2].u.set.value, &env, &v, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(v.kind, VAL_BYTES);
	CU_ASSERT_EQUAL(v.len, 3);
	CU_ASSERT_EQUAL(v.bytes[1], 0);
	value_free(&v);
	env_free(&env);
	env_init(&env, "pfx", 7);
	CU_ASSERT_NOT_EQUAL(expr_eval(c.steps[0].u.set.value, &env, &v, err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(err, "$x is not set");
	env_free(&env);
	case_free(&c);
}

/* 32-bit fields take values modulo 2^32: `$seq + 1` wraps like a seqid (SES-12). */
static void test_fields_wrap(void)
{
	struct nfs_argop a = {.op = OP_SEQUENCE};
	struct nfs_resop r = {.op = OP_CREATE_SESSION, .status = NFS4_OK};
	struct value v = value_int(0x100000000ull), out;
	struct arena ar = {0};
	char err[256];

	CU_ASSERT_EQUAL(fields_set_arg(&a, "sequenceid", &v, &ar, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(a.u.sequence.sa_sequenceid, 0);
	v = value_int(4);
	CU_ASSERT_EQUAL(fields_set_arg(&a, "sa_slotid", &v, &ar, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(a.u.sequence.sa_slotid, 4);
	CU_ASSERT_NOT_EQUAL(fields_set_arg(&a, "sa_sessionid", &v, &ar, err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(err, "sa_sessionid takes bytes (\"text\", hex:.. or a saved value)");
	r.u.create_session.csr_fore_chan_attrs.ca_maxrequests = 9;
	CU_ASSERT_EQUAL(fields_get_res(&r, "fore_chan_attrs.maxrequests", &out, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(out.i, 9);
	CU_ASSERT_TRUE(fields_res_exists(OP_CREATE_SESSION, "csr_back_chan_attrs.ca_rdma_ird"));
	CU_ASSERT_FALSE(fields_res_exists(OP_CREATE_SESSION, "csr_back_chan_attrs.nope"));
	arena_free(&ar);
}

/*
 * csa_sec_parms is kept out of line (nfs4_types.h): its path names the first entry, and setting
 * one gives an op without an array WIRE_MAX_CB_SEC zeroed entries (AUTH_NONE) in the arena, so
 * csa_sec_parms_count may grow to the cap.
 */
static void test_fields_out_of_line(void)
{
	struct nfs_argop a = {.op = OP_CREATE_SESSION};
	const struct CREATE_SESSION4args *cs = &a.u.create_session;
	struct value v = value_int(ONCRPC_AUTH_SYS);
	struct arena ar = {0};
	char err[256];

	CU_ASSERT_TRUE(fields_arg_exists(OP_CREATE_SESSION, "csa_sec_parms.cbsp_sys_cred.uid"));
	CU_ASSERT_FALSE(fields_arg_exists(OP_CREATE_SESSION, "csa_sec_parms.nope"));
	CU_ASSERT_EQUAL(fields_set_arg(&a, "csa_sec_parms.cb_secflavor", &v, &ar, err, sizeof(err)),
			0);
	v = value_int(7);
	CU_ASSERT_EQUAL(fields_set_arg(&a, "sec_parms.sys_cred.uid", &v, &ar, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(ar.n, 1); /* one room, reused by the second field */
	REQUIRE(cs->csa_sec_parms != NULL);
	CU_ASSERT_EQUAL(cs->csa_sec_parms[0].cb_secflavor, ONCRPC_AUTH_SYS);
	CU_ASSERT_EQUAL(cs->csa_sec_parms[0].cbsp_sys_cred.uid, 7);
	CU_ASSERT_EQUAL(cs->csa_sec_parms[WIRE_MAX_CB_SEC - 1].cb_secflavor, ONCRPC_AUTH_NONE);
	CU_ASSERT_NOT_EQUAL(fields_set_arg(&a, "csa_sec_parms", &v, &ar, err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(err, "csa_sec_parms is a structure: set one of its fields");
	arena_free(&ar);
}

static void test_lexer(void)
{
	struct line_tokens lt = {0};
	unsigned col;
	char err[128];

	CU_ASSERT_EQUAL(lex_line("  c1 > @a SEQUENCE x=$s[1] # comment", &lt, &col, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(lt.indent, 2);
	CU_ASSERT_EQUAL_FATAL(lt.n, 7);
	CU_ASSERT_EQUAL(lt.t[2].kind, TOK_LABEL);
	CU_ASSERT_EQUAL(lt.t[6].kind, TOK_VAR);
	CU_ASSERT_STRING_EQUAL(lt.t[6].text, "s[1]");
	lex_free(&lt);
	CU_ASSERT_NOT_EQUAL(lex_line("c1 > x=\"a\\q\"", &lt, &col, err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(err, "unknown escape in string");
	CU_ASSERT_EQUAL(col, 11);
}

void tests_register(void)
{
	static const struct test_entry parser[] = {
		{"header", test_header},
		{"send and expect", test_send_and_expect},
		{"repeat, sleep, set, empty compound", test_repeat_sleep_set},
		{"step errors", test_errors},
		{"callbacks", test_callbacks},
		{"header errors", test_header_errors},
		{"hook steps", test_hooks},
		{"hook step errors", test_hook_errors},
		{"garbage input", test_garbage},
		{NULL, NULL}};
	static const struct test_entry values[] = {
		{"expressions", test_expressions},
		{"fields wrap at 2^32", test_fields_wrap},
		{"fields of out-of-line arrays", test_fields_out_of_line},
		{"lexer", test_lexer},
		{NULL, NULL}};

	tests_add_suite("case parser", parser);
	tests_add_suite("values and fields", values);
}
