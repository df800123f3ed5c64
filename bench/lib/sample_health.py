#!/usr/bin/env python3
"""Prints the gateway's /health ledger.<field> every --interval seconds until killed.

One long-lived process (not curl | python per sample: that costs ~0.1 s of CPU each time, enough to
skew a throughput benchmark on 2 cores). 127.0.0.1 only; stdlib only.
"""
import argparse
import json
import sys
import time
import urllib.request

ap = argparse.ArgumentParser()
ap.add_argument("url", help="gateway base URL (http://127.0.0.1:PORT)")
ap.add_argument("--field", default="oldest_unchained_age_seconds")
ap.add_argument("--interval", type=float, default=0.5)
a = ap.parse_args()
if not a.url.startswith("http://127.0.0.1:"):
    sys.exit("sample_health: 127.0.0.1 only")
while True:
    time.sleep(a.interval)
    try:
        with urllib.request.urlopen(a.url + "/health", timeout=2) as r:
            print(json.load(r)["ledger"][a.field], flush=True)
    except Exception as e:  # a missed sample, not a failure of the run
        print(f"sample_health: {e}", file=sys.stderr)
