/*
 * test_exec_faults.c - a dead, silent, garbling or lying server never hangs or crashes a case:
 * each gives a located ERROR or FAIL. A tiny in-process server on loopback plays each part.
 */
#include <CUnit/CUnit.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "case_parse.h"
#include "conn.h"
#include "exec.h"
#include "test_main.h"

enum behaviour { CLOSE_AT_ONCE, SILENT, GARBAGE, WRONG_XID, NULL_REPLY };

struct fake {
	int lfd;
	uint16_t port;
	enum behaviour how;
	pthread_t tid;
};

/* Read one record-marked call (assumes one fragment); returns its xid. */
static uint32_t read_call(int fd)
{
	uint8_t hdr[4], body[4096];
	uint32_t len;

	if (recv(fd, hdr, 4, MSG_WAITALL) != 4)
		return 0;
	len = ((uint32_t)hdr[0] << 24 | (uint32_t)hdr[1] << 16 | (uint32_t)hdr[2] << 8 | hdr[3]) &
	      0x7fffffffu;
	if (len > sizeof(body) || recv(fd, body, len, MSG_WAITALL) != (ssize_t)len)
		return 0;
	return (uint32_t)body[0] << 24 | (uint32_t)body[1] << 16 | (uint32_t)body[2] << 8 | body[3];
}

/* An accepted, successful NULL reply: xid, REPLY, MSG_ACCEPTED, AUTH_NONE verf, SUCCESS. */
static void send_null_reply(int fd, uint32_t xid)
{
	uint8_t r[28] = {0x80, 0, 0, 24, (uint8_t)(xid >> 24), (uint8_t)(xid >> 16),
			 (uint8_t)(xid >> 8), (uint8_t)xid, 0, 0, 0, 1};

	if (send(fd, r, sizeof(r), MSG_NOSIGNAL) < 0)
		return;
}

static void *serve(void *arg)
{
	struct fake *f = arg;
	int fd = accept(f->lfd, NULL, NULL);
	uint32_t xid;

	if (fd < 0)
		return NULL;
	xid = read_call(fd);
	switch (f->how) {
	case CLOSE_AT_ONCE:
		break;
	case SILENT:
		sleep(2);
		break;
	case GARBAGE: { /* the call's xid, then a message type that does not exist */
		uint8_t junk[] = {0x80, 0, 0, 8, (uint8_t)(xid >> 24), (uint8_t)(xid >> 16),
				  (uint8_t)(xid >> 8), (uint8_t)xid, 0, 0, 0, 7};
		if (send(fd, junk, sizeof(junk), MSG_NOSIGNAL) < 0)
			break;
		sleep(1);
		break;
	}
	case WRONG_XID:
		send_null_reply(fd, xid + 1);
		sleep(2);
		break;
	case NULL_REPLY:
		send_null_reply(fd, xid);
		sleep(1);
		break;
	}
	close(fd);
	return NULL;
}

static void fake_start(struct fake *f, enum behaviour how)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(a);

	f->how = how;
	f->lfd = socket(AF_INET, SOCK_STREAM, 0);
	CU_ASSERT_FATAL(f->lfd >= 0);
	CU_ASSERT_FATAL(bind(f->lfd, (struct sockaddr *)&a, sizeof(a)) == 0);
	CU_ASSERT_FATAL(listen(f->lfd, 4) == 0);
	getsockname(f->lfd, (struct sockaddr *)&a, &len);
	f->port = ntohs(a.sin_port);
	pthread_create(&f->tid, NULL, serve, f);
}

static void fake_stop(struct fake *f)
{
	pthread_join(f->tid, NULL);
	close(f->lfd);
}

/* Run a one-NULL-call case against port; returns the result (caller frees). */
static struct case_result run_null(uint16_t port, double reply_timeout)
{
	static const char text[] = "id: fault\ntitle: t\nrequirements: RPC-15\nlevel: MUST\n"
				   "timeout: 5s\n\nc1 > NULL\nc1 < NULL\n";
	struct case_def c;
	struct case_result r;
	struct exec_opts o = {.host = "127.0.0.1", .port = port, .seed = 1, .run_tag = "t",
			      .reply_timeout = reply_timeout};
	char err[256];

	CU_ASSERT_FATAL(case_parse_text("fault.case", text, NULL, &c, err, sizeof(err)) == 0);
	exec_case(&c, &o, &r);
	case_free(&c);
	return r;
}

static void expect_verdict(struct case_result *r, enum verdict v, const char *reason_part)
{
	CU_ASSERT_EQUAL(r->verdict, v);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r->reason);
	if (!r->reason)
		return;
	if (!strstr(r->reason, reason_part))
		fprintf(stderr, "\n  reason: %s\n  wanted: %s\n", r->reason, reason_part);
	CU_ASSERT_PTR_NOT_NULL(strstr(r->reason, reason_part));
	CU_ASSERT_PTR_NOT_NULL(strstr(r->reason, "fault.case:8:1"));
	case_result_free(r);
}

static void test_refused(void)
{
	struct fake f;
	uint16_t port;
	struct case_result r;

	fake_start(&f, CLOSE_AT_ONCE); /* take a free port, then close it: nothing listens */
	port = f.port;
	shutdown(f.lfd, SHUT_RDWR);
	close(f.lfd);
	pthread_cancel(f.tid);
	pthread_join(f.tid, NULL);
	r = run_null(port, 1);
	CU_ASSERT_EQUAL(r.verdict, VERDICT_ERROR);
	CU_ASSERT(r.reason && strstr(r.reason, "cannot connect"));
	case_result_free(&r);
}

static void test_closed(void)
{
	struct fake f;
	struct case_result r;

	fake_start(&f, CLOSE_AT_ONCE);
	r = run_null(f.port, 2);
	fake_stop(&f);
	expect_verdict(&r, VERDICT_ERROR, "the server closed the connection");
}

static void test_silent(void)
{
	struct fake f;
	double t0 = conn_now();
	struct case_result r;

	fake_start(&f, SILENT);
	r = run_null(f.port, 0.3);
	CU_ASSERT(conn_now() - t0 < 1.5); /* the reply timeout, not the server, ends the wait */
	expect_verdict(&r, VERDICT_ERROR, "got no reply");
	fake_stop(&f);
}

static void test_garbage(void)
{
	struct fake f;
	struct case_result r;

	fake_start(&f, GARBAGE);
	r = run_null(f.port, 0.5);
	fake_stop(&f);
	expect_verdict(&r, VERDICT_ERROR, "undecodable reply");
}

static void test_wrong_xid(void)
{
	struct fake f;
	struct case_result r;

	fake_start(&f, WRONG_XID);
	r = run_null(f.port, 0.3);
	fake_stop(&f);
	expect_verdict(&r, VERDICT_FAIL, "matches no call on this connection");
}

static void test_good_null(void)
{
	struct fake f;
	struct case_result r;

	fake_start(&f, NULL_REPLY);
	r = run_null(f.port, 1);
	fake_stop(&f);
	CU_ASSERT_EQUAL(r.verdict, VERDICT_PASS);
	CU_ASSERT_EQUAL(r.nevents, 2); /* the call and the reply on the ladder */
	case_result_free(&r);
}

void tests_register(void)
{
	static const struct test_entry faults[] = {
		{"connection refused", test_refused},
		{"server closes", test_closed},
		{"server silent", test_silent},
		{"server garbles", test_garbage},
		{"reply with another xid", test_wrong_xid},
		{"a correct NULL reply passes", test_good_null},
		{NULL, NULL}};

	tests_add_suite("executor against faulty servers", faults);
}
