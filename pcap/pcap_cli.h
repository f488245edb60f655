/*
 * pcap_cli.h - the `nfs41check pcap SUBCOMMAND` front end: argument parsing, help text and exit
 * codes for the capture tools (decode, replay, to-case, extract). nfs41check's main() hands it argv from "pcap" on.
 */
#ifndef NFS41_PCAP_PCAP_CLI_H
#define NFS41_PCAP_PCAP_CLI_H

#include <stdint.h>

/* argv[0] is "pcap". Exit status: 0 done, 1 the capture has problems (--strict), 2 the file
 * cannot be read, 64 usage. */
int pcap_cli_main(int argc, char **argv);

/* `nfs41check pcap replay` (replay_cli.c); argv[0] is "replay". Exit status: 0 every reply
 * agreed (or as the baseline expects), 1 differences, 2 unreadable capture or unreachable
 * target, 64 usage. */
int pcap_replay_cmd(int argc, char **argv);

/* A TCP port 1..65535; -1 otherwise. */
int pcap_parse_port(const char *s, uint16_t *port);

#endif
