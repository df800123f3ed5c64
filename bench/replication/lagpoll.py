#!/usr/bin/env python3
"""Samples replication lag of one origin every --interval seconds, for relay-dr and for
PostgreSQL logical replication side by side, and prints a summary.

relay-dr: the origin's GET /v1/status (head.seq, peers[].acked_seq). PostgreSQL: max(seq) of the
origin's chain rows in the subscriber database (psql). Both copies are judged against the same
origin head, with the same method:
  lag_records = head - copy_seq
  lag_seconds = now - (first time the poller saw head > copy_seq), 0 when caught up
so resolution is the interval. The subscriber is read just before the origin's status, so the
skew between the two reads (a few ms) counts against PostgreSQL. relay-dr's own lag_seconds (age of the oldest unacknowledged
commit, origin clock) is reported too.

Output (stdout): one line per copy
  LAG copy=<name> samples=N rec_p50= rec_p99= rec_max= s_p50= s_p99= s_max=
Standard library only; 127.0.0.1 only.
"""
import argparse
import json
import subprocess
import sys
import time
import urllib.request


def pct(values, p):
    if not values:
        return 0.0
    s = sorted(values)
    k = min(len(s) - 1, max(0, int(round(p / 100.0 * (len(s) - 1)))))
    return s[k]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--origin", required=True, help="origin region id")
    ap.add_argument("--dr-url", required=True, help="origin relay-dr base URL")
    ap.add_argument("--peers", default="", help="comma-separated peers to report (default all)")
    ap.add_argument("--sub-port", type=int, help="subscriber PostgreSQL port (logical replication copy)")
    ap.add_argument("--sub-db", default="logical_sub")
    ap.add_argument("--pg-user", default="postgres")
    ap.add_argument("--seconds", type=float, required=True)
    ap.add_argument("--interval", type=float, default=0.2)
    a = ap.parse_args()
    for url in [a.dr_url]:
        if not url.startswith("http://127.0.0.1:"):
            sys.exit("lagpoll: 127.0.0.1 only")
    peers = [p for p in a.peers.split(",") if p]
    first_seen = []  # (time, head) when head first reached a value
    samples = {}  # copy -> list of (records, seconds)
    own = {}  # peer -> relay-dr's own lag_seconds
    heads = []
    end = time.monotonic() + a.seconds
    while time.monotonic() < end:
        tick = time.monotonic()
        # The subscriber first, then the origin's head: any skew counts against PostgreSQL, not for it.
        sub_seq = None
        if a.sub_port:
            out = subprocess.run(
                ["psql", "-X", "-A", "-t", "-q", "-h", "127.0.0.1", "-p", str(a.sub_port), "-U", a.pg_user, a.sub_db,
                 "-c", f"SELECT coalesce(max(seq), 0) FROM ledger WHERE region = '{a.origin}'"],
                capture_output=True, text=True)
            if out.returncode == 0 and out.stdout.strip():
                sub_seq = int(out.stdout.strip())
        try:
            with urllib.request.urlopen(a.dr_url + "/v1/status", timeout=2) as r:
                st = json.load(r)
        except Exception as e:  # a missed sample, not a failure of the run
            print(f"lagpoll: status: {e}", file=sys.stderr)
            time.sleep(a.interval)
            continue
        head = int(st["head"]["seq"])
        now = time.monotonic()
        if not first_seen or head > first_seen[-1][1]:
            first_seen.append((now, head))
        heads.append(head)
        copies = {}
        for p in st.get("peers", []):
            if peers and p["peer"] not in peers:
                continue
            copies["relay-dr " + a.origin + "->" + p["peer"]] = int(p["acked_seq"])
            own.setdefault(p["peer"], []).append(float(p["lag_seconds"]))
        if sub_seq is not None:
            copies["pg-logical " + a.origin + "->sub"] = sub_seq
        for name, seq in copies.items():
            rec = max(0, head - seq)
            secs = 0.0
            if rec > 0:
                # Oldest head value above seq: when was it first seen?
                for t, h in first_seen:
                    if h > seq:
                        secs = now - t
                        break
            samples.setdefault(name, []).append((rec, secs))
        time.sleep(max(0.0, a.interval - (time.monotonic() - tick)))
    for name in sorted(samples):
        recs = [r for r, _ in samples[name]]
        secs = [s for _, s in samples[name]]
        print(f"LAG copy={name.replace(' ', '_')} samples={len(recs)} rec_p50={pct(recs, 50)} rec_p99={pct(recs, 99)} "
              f"rec_max={max(recs)} s_p50={pct(secs, 50):.3f} s_p99={pct(secs, 99):.3f} s_max={max(secs):.3f}")
    for peer, v in sorted(own.items()):
        print(f"OWN peer={peer} own_s_p50={pct(v, 50):.3f} own_s_p99={pct(v, 99):.3f} own_s_max={max(v):.3f}")
    if len(heads) >= 2:
        print(f"HEAD first={heads[0]} last={heads[-1]} records_per_s={(heads[-1] - heads[0]) / a.seconds:.1f}")


if __name__ == "__main__":
    main()
