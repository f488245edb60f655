/* pcap_cli.c - `nfs41check pcap ...` (see pcap_cli.h). */
#include "pcap_cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "decode.h"
#include "extract.h"
#include "tocase.h"

#define EXIT_PROBLEMS 1
#define EXIT_UNREADABLE 2
#define EXIT_USAGE 64

static const char usage_text[] =
	"usage: nfs41check pcap decode FILE [--json | --tsv | -v] [--port P] [--stats] [--strict]\n"
	"       nfs41check pcap replay FILE --target HOST:PORT [options] (replay --help)\n"
	"       nfs41check pcap extract FILE --corpus DIR [--form compound|raw] [--replies] [--port P]\n"
	"       nfs41check pcap to-case FILE [--id ID] [--requirements IDS] [--port P] [-o OUT]\n"
	"\n"
	"Reads a capture (pcap or pcapng; Ethernet, Linux cooked SLL/SLL2, raw IP or BSD loopback;\n"
	"IPv4 and IPv6), reassembles the TCP connections to the NFS port, cuts them into RPC records\n"
	"and decodes NFSv4.1 with nfs41check's wire library.\n"
	"\n"
	"decode FILE       one line per RPC message: frame, tcp stream, ports, and the message\n"
	"                  (xid, call or reply, COMPOUND ops, statuses)\n"
	"  -v, --verbose   every field of every message as well\n"
	"  --json          one JSON document: messages, warnings, statistics\n"
	"  --tsv           the columns of `tshark -T fields -e frame.number -e tcp.stream\n"
	"                  -e tcp.srcport -e tcp.dstport -e rpc.xid -e rpc.msgtyp -e nfs.minorversion\n"
	"                  -e nfs.opcode -e nfs.nfsstat4`, to compare with tshark\n"
	"  --port P        the NFS server's TCP port (default 2049); other TCP is counted, not read\n"
	"  --stats         a summary line on stderr at the end\n"
	"  --strict        exit 1 when anything was malformed, missing or undecodable\n"
	"\n"
	"replay FILE       each captured connection's calls sent again to a live server, with the\n"
	"                  ids it hands out remapped; every reply compared field by field with\n"
	"                  the captured one (`nfs41check pcap replay --help`)\n"
	"\n"
	"extract FILE      each RPC call record as a fuzz seed in DIR, named call-<hash of the\n"
	"                  bytes> (a record seen before is not written again)\n"
	"  --corpus DIR    the seed folder (created when missing)\n"
	"  --form F        compound (default): fuzz/fuzz_compound.c's option byte, then the record;\n"
	"                  raw: the record alone\n"
	"  --replies       replies too (reply-<hash>)\n"
	"\n"
	"to-case FILE      the capture as a case file (stdout, or -o OUT): calls as sends, replies as\n"
	"                  expects with the captured statuses, server-assigned ids as variables\n"
	"  --id ID         the case id (default: pcap-<file name>)\n"
	"  --requirements IDS   the requirement ids it checks (default: CMP-22)\n"
	"\n"
	"Warnings (malformed frames, bytes missing from a stream, records that do not decode) go\n"
	"to stderr as `frame N: ...`; reading goes on after them.\n"
	"Exit status: 0 read, 1 problems found with --strict, 2 the file cannot be read, 64 usage.\n";

int pcap_parse_port(const char *s, uint16_t *port)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*s == '\0' || *end != '\0' || v < 1 || v > 65535)
		return -1;
	*port = (uint16_t)v;
	return 0;
}

static int cmd_decode(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"verbose", no_argument, NULL, 'v'}, {"json", no_argument, NULL, 'j'},
		{"tsv", no_argument, NULL, 't'},     {"port", required_argument, NULL, 'p'},
		{"stats", no_argument, NULL, 's'},   {"strict", no_argument, NULL, 'S'},
		{"help", no_argument, NULL, 'h'},    {NULL, 0, NULL, 0}};
	struct decode_opts o = {.format = DECODE_TEXT};
	struct decode_result res;
	bool strict = false;
	char err[512];
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "vh", longopts, NULL)) != -1) {
		switch (c) {
		case 'v': o.format = DECODE_VERBOSE; break;
		case 'j': o.format = DECODE_JSON; break;
		case 't': o.format = DECODE_TSV; break;
		case 's': o.stats = true; break;
		case 'S': strict = true; break;
		case 'p':
			if (pcap_parse_port(optarg, &o.read.port) != 0)
				return cli_usage_error("pcap", "--port takes a port number 1..65535, not '%s'", optarg);
			break;
		case 'h': fputs(usage_text, stdout); return 0;
		default: return cli_usage_error("pcap", "bad option (see --help)");
		}
	}
	if (optind != argc - 1)
		return cli_usage_error("pcap", "decode takes one capture file");
	/* One line per message: write in large blocks (before anything is written). */
	setvbuf(stdout, NULL, _IOFBF, 1u << 16);
	if (pcap_decode_file(argv[optind], &o, stdout, stderr, &res, err, sizeof(err)) != 0) {
		fprintf(stderr, "nfs41check pcap decode: %s\n", err);
		return EXIT_UNREADABLE;
	}
	return strict && res.warnings ? EXIT_PROBLEMS : 0;
}

static int cmd_extract(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"corpus", required_argument, NULL, 'c'}, {"form", required_argument, NULL, 'f'},
		{"replies", no_argument, NULL, 'r'},      {"port", required_argument, NULL, 'p'},
		{"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0}};
	struct extract_opts o = {.form = EXTRACT_COMPOUND};
	struct extract_result res;
	char err[512];
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'c': o.dir = optarg; break;
		case 'r': o.replies = true; break;
		case 'f':
			if (strcmp(optarg, "compound") != 0 && strcmp(optarg, "raw") != 0)
				return cli_usage_error("pcap", "--form is compound or raw, not '%s'", optarg);
			o.form = optarg[0] == 'r' ? EXTRACT_RAW : EXTRACT_COMPOUND;
			break;
		case 'p':
			if (pcap_parse_port(optarg, &o.read.port) != 0)
				return cli_usage_error("pcap", "--port takes a port number 1..65535, not '%s'", optarg);
			break;
		case 'h': fputs(usage_text, stdout); return 0;
		default: return cli_usage_error("pcap", "bad option (see --help)");
		}
	}
	if (optind != argc - 1 || !o.dir)
		return cli_usage_error("pcap", "extract takes one capture file and --corpus DIR");
	if (pcap_extract_file(argv[optind], &o, &res, err, sizeof(err)) != 0) {
		fprintf(stderr, "nfs41check pcap extract: %s\n", err);
		return EXIT_UNREADABLE;
	}
	printf("%lu seeds written to %s, %lu already there (%llu NFS calls, %llu replies read)\n",
	       res.written, o.dir, res.duplicates, (unsigned long long)res.st.calls,
	       (unsigned long long)res.st.replies);
	return 0;
}

static int cmd_to_case(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"id", required_argument, NULL, 'i'},   {"requirements", required_argument, NULL, 'r'},
		{"port", required_argument, NULL, 'p'}, {"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0}};
	struct tocase_opts o = {0};
	struct tocase_result res;
	const char *outpath = NULL;
	FILE *out = stdout;
	char err[512];
	int c, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "ho:", longopts, NULL)) != -1) {
		switch (c) {
		case 'i': o.id = optarg; break;
		case 'r': o.requirements = optarg; break;
		case 'o': outpath = optarg; break;
		case 'p':
			if (pcap_parse_port(optarg, &o.read.port) != 0)
				return cli_usage_error("pcap", "--port takes a port number 1..65535, not '%s'", optarg);
			break;
		case 'h': fputs(usage_text, stdout); return 0;
		default: return cli_usage_error("pcap", "bad option (see --help)");
		}
	}
	if (optind != argc - 1)
		return cli_usage_error("pcap", "to-case takes one capture file");
	if (outpath && !(out = fopen(outpath, "w"))) {
		perror(outpath);
		return EXIT_UNREADABLE;
	}
	rc = pcap_to_case_file(argv[optind], &o, out, &res, err, sizeof(err));
	if (outpath && fclose(out) != 0)
		rc = -1, snprintf(err, sizeof(err), "%s: write failed", outpath);
	if (rc != 0) {
		fprintf(stderr, "nfs41check pcap to-case: %s\n", err);
		return EXIT_UNREADABLE;
	}
	fprintf(stderr, "%lu calls, %lu replies, %lu ops as raw XDR, %lu replies without a call\n",
		res.calls, res.replies, res.raw_ops, res.unmatched);
	return 0;
}

int pcap_cli_main(int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : "";

	if (!strcmp(sub, "--help") || !strcmp(sub, "-h") || !strcmp(sub, "help")) {
		fputs(usage_text, stdout);
		return 0;
	}
	if (!strcmp(sub, "decode"))
		return cmd_decode(argc - 1, argv + 1);
	if (!strcmp(sub, "extract"))
		return cmd_extract(argc - 1, argv + 1);
	if (!strcmp(sub, "to-case"))
		return cmd_to_case(argc - 1, argv + 1);
	if (!strcmp(sub, "replay"))
		return pcap_replay_cmd(argc - 1, argv + 1);
	if (!*sub)
		return cli_usage_error("pcap", "a subcommand is needed: decode, replay, to-case, extract");
	return cli_usage_error("pcap", "unknown subcommand '%s' (decode, replay, to-case, extract)", sub);
}
