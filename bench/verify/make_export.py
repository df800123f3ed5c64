#!/usr/bin/env python3
"""Writes a synthetic offline audit file (docs/offline-audit.md) for bench/verify/run.sh: a valid
chain of N records of one origin, signed batch headers covering it, and a regions folder whose
region file lists the (freshly generated) ledger key. Standard library + PyNaCl.

  python3 bench/verify/make_export.py --records 1000000 --batch 500 --out FILE --regions DIR
"""
import argparse, base64, hashlib, json, os, sys

from nacl.signing import SigningKey

ORIGIN = "bench-1"
LEDGER_TAG = b"relay-ledger-v1\x00"
BATCH_TAG = b"relay-batch-v1\x00"
VALID_FROM = "2026-01-01T00:00:00.000000Z"


def canonical(obj):
    # Every value here is an ASCII string or an integer: sorted keys and no whitespace is RFC 8785.
    return json.dumps(obj, sort_keys=True, separators=(",", ":")).encode()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--records", type=int, default=1_000_000)
    ap.add_argument("--batch", type=int, default=500, help="records per signed batch header")
    ap.add_argument("--pad", type=int, default=0, help="extra bytes in each body (a `note` member)")
    ap.add_argument("--out", required=True)
    ap.add_argument("--regions", required=True)
    a = ap.parse_args()

    key = SigningKey.generate()
    public = bytes(key.verify_key)
    seal_public = bytes(SigningKey.generate().verify_key)  # region files need one; the audit never uses it
    key_id = hashlib.sha256(public).hexdigest()[:16]
    os.makedirs(a.regions, exist_ok=True)
    with open(os.path.join(a.regions, ORIGIN + ".yaml"), "w") as f:
        f.write(f"""id: {ORIGIN}
gateway_url: http://127.0.0.1:1
dr_url: http://127.0.0.1:2
database:
  host: 127.0.0.1
  port: 5432
  name: relay
  user: relay
  tls: disable
keys:
  - purpose: seal
    key_id: "{hashlib.sha256(seal_public).hexdigest()[:16]}"
    public_key: "{base64.b64encode(seal_public).decode()}"
    valid_from: 2026-01-01T00:00:00Z
  - purpose: ledger
    key_id: "{key_id}"
    public_key: "{base64.b64encode(public).decode()}"
    valid_from: 2026-01-01T00:00:00Z
targets:
  rpo_seconds: 5
  rto_seconds: 300
  max_lag_on_failover: 1000
""")

    n, size = a.records, a.batch
    note = "x" * a.pad
    # Pass 1: the chain (hashes only, 32 bytes a record) and the signed headers.
    hashes = [bytes(32)]
    committed = "2026-06-01T12:00:00.000000Z"
    suffix_fmt = ',"committed_at":"%s","epoch":1,"kind":"seal_executed","prev_hash":"%s","region":"%s","seq":%d}'
    for seq in range(1, n + 1):
        body = ('{"executed_at":"%s",%s"seal_id":"seal_%012d"}' % (committed, f'"note":"{note}",' if note else "", seq)).encode()
        prev = hashes[-1]
        e = b'{"body":' + body + (suffix_fmt % (committed, prev.hex(), ORIGIN, seq)).encode()
        hashes.append(hashlib.sha256(LEDGER_TAG + prev + e).digest())
    headers = []
    for first in range(1, n + 1, size):
        last = min(first + size - 1, n)
        h = {"origin": ORIGIN, "epoch": 1, "batch_no": len(headers) + 1, "first_seq": first, "last_seq": last,
             "prev_hash": hashes[first - 1].hex(), "head_hash": hashes[last].hex(), "count": last - first + 1,
             "created_at": "2026-06-01T12:00:01.000000Z", "key_id": key_id}
        sig = key.sign(BATCH_TAG + canonical(h)).signature
        headers.append((h, sig))

    with open(a.out, "w", buffering=1 << 20) as out:
        out.write(canonical({"type": "relay-audit-v1", "origin": ORIGIN, "source": "bench-2", "from_seq": 1, "to_seq": n,
                             "record_count": n, "header_count": len(headers), "exported_at": "2026-06-02T00:00:00.000000Z",
                             "keys": [{"purpose": "ledger", "key_id": key_id, "public_key": base64.b64encode(public).decode(),
                                       "valid_from": VALID_FROM, "valid_until": None}]}).decode() + "\n")
        for h, sig in headers:
            out.write('{"header":%s,"signature":"%s","type":"batch"}\n' % (canonical(h).decode(), base64.b64encode(sig).decode()))
        # Pass 2: the record lines, in canonical member order.
        for seq in range(1, n + 1):
            body = ('{"executed_at":"%s",%s"seal_id":"seal_%012d"}' % (committed, f'"note":"{note}",' if note else "", seq)).encode()
            out.write('{"body":"%s","committed_at":"%s","epoch":1,"hash":"%s","kind":"seal_executed","prev_hash":"%s","seq":%d,"subject":"seal_%012d","type":"record"}\n'
                      % (base64.b64encode(body).decode(), committed, hashes[seq].hex(), hashes[seq - 1].hex(), seq, seq))
    print(f"wrote {n} records and {len(headers)} signed headers to {a.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
