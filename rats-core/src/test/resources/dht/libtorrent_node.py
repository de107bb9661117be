#!/usr/bin/python3
"""A libtorrent DHT node on 127.0.0.1 for the rats interop test, driven over stdin/stdout.

Never contacts a public host: the session is created with its settings (no public DHT routers, no LSD, UPnP or
NAT-PMP) and listens on 127.0.0.1 only. Run with Debian's /usr/bin/python3 and python3-libtorrent.

Commands (one per line on stdin):
  add_node HOST PORT      add a node to libtorrent's routing table (it then pings / find_nodes it)
  get_peers HEX           dht_get_peers; answered by "PEERS HEX ip:port ..." lines
  announce HEX            add a magnet torrent, so libtorrent announces its listen port under HEX
  nodes                   answered by "NODES n": the number of nodes in libtorrent's routing table
  quit                    exit
Output: "PORT n" once ready, "PKT ..." for every dht_pkt_alert, the answers above, "ERR ..." on errors.
"""
import os
import select
import sys
import tempfile
import time

import libtorrent as lt


def out(line):
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def main():
    settings = {
        "listen_interfaces": "127.0.0.1:0",
        "outgoing_interfaces": "127.0.0.1",
        "enable_dht": True,
        "dht_bootstrap_nodes": "",
        "enable_lsd": False,
        "enable_upnp": False,
        "enable_natpmp": False,
        "dht_restrict_routing_ips": False,
        "dht_restrict_search_ips": False,
        "dht_enforce_node_id": False,
        # every node of the test shares 127.0.0.1: do not block it as a flooding IP, do not throttle replies
        "dht_block_ratelimit": 100000,
        "dht_upload_rate_limit": 1000000,
        "dht_announce_interval": 5,
        # buckets of 8 everywhere (not 128/64/...), so a small swarm fills them and libtorrent pings its nodes
        "dht_extended_routing_table": False,
        "alert_mask": lt.alert.category_t.all_categories,
    }
    session = lt.session(settings)
    save_path = tempfile.mkdtemp(prefix="rats-lt-")
    deadline = time.time() + 10
    while session.listen_port() == 0 and time.time() < deadline:
        session.wait_for_alert(100)
        session.pop_alerts()
    out("PORT %d" % session.listen_port())

    buffered = b""
    stdin = sys.stdin.fileno()
    running = True
    started = time.time()
    while running and time.time() - started < 600:  # never outlive a forgotten test
        readable, _, _ = select.select([stdin], [], [], 0.05)
        if readable:
            chunk = os.read(stdin, 4096)
            if not chunk:
                break
            buffered += chunk
            while b"\n" in buffered:
                line, buffered = buffered.split(b"\n", 1)
                running = handle(session, save_path, line.decode().split()) and running
        for alert in session.pop_alerts():
            report(alert)
    session.pause()


def handle(session, save_path, words):
    try:
        if not words:
            return True
        command = words[0]
        if command == "quit":
            return False
        if command == "add_node":
            session.add_dht_node((words[1], int(words[2])))
        elif command == "get_peers":
            session.dht_get_peers(lt.sha1_hash(bytes.fromhex(words[1])))
        elif command == "announce":
            params = lt.parse_magnet_uri("magnet:?xt=urn:btih:" + words[1])
            params.save_path = save_path
            session.add_torrent(params)
        elif command == "nodes":
            session.post_dht_stats()
        else:
            out("ERR unknown command " + command)
    except Exception as ex:  # report, keep running
        out("ERR %s: %s" % (words, ex))
    return True


def report(alert):
    if isinstance(alert, lt.dht_pkt_alert):
        out("PKT " + alert.message())
    elif isinstance(alert, lt.dht_get_peers_reply_alert):
        peers = " ".join("%s:%d" % (ip, port) for ip, port in alert.peers())
        out("PEERS %s %s" % (str(alert.info_hash), peers))
    elif isinstance(alert, lt.dht_stats_alert):
        out("NODES %d" % sum(bucket["num_nodes"] for bucket in alert.routing_table))


if __name__ == "__main__":
    main()
