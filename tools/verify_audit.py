#!/usr/bin/env python3
"""Independent verifier for Relay's offline audit files (relay-audit-v1).

Written from docs/offline-audit.md and docs/ledger-format.md alone -- not from the Swift sources --
with the Python standard library and PyNaCl (Ed25519), so that it can catch a bug that the Swift
implementation and its own tests share.

  python3 tools/verify_audit.py FILE [--json]

It trusts the origin's ledger keys written in the file and prints them: compare them with the
published keys (region files, GET /v1/keys). Exit status: 0 consistent, 1 inconsistent (one
`FAIL seq N reason: detail` line per finding), 2 the file could not be checked.
"""
import argparse, base64, binascii, hashlib, json, os, re, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from verify_ledger import (SUBJECTS, TIMESTAMP, ZERO_HASH, JCSError, canonicalize, entry_hash,  # noqa: E402
                           hashed_entry, parse_json)

try:
    from nacl.exceptions import BadSignatureError
    from nacl.signing import VerifyKey
except ImportError:  # pragma: no cover
    print("verify_audit: PyNaCl is missing (Debian: apt-get install python3-nacl; or pip install pynacl)", file=sys.stderr)
    sys.exit(2)

FORMAT = "relay-audit-v1"
BATCH_TAG = b"relay-batch-v1\x00"
HEX32 = re.compile(r"[0-9a-f]{64}")
HEADER_MEMBERS = {"origin": str, "epoch": int, "batch_no": int, "first_seq": int, "last_seq": int,
                  "prev_hash": str, "head_hash": str, "count": int, "created_at": str, "key_id": str}
RECORD_MEMBERS = {"type": str, "seq": int, "kind": str, "subject": str, "body": str, "committed_at": str,
                  "epoch": int, "prev_hash": str, "hash": str}
FINDING_LIMIT = 1000


class Unreadable(Exception):
    """The file cannot be checked at all (exit 2)."""


def is_int(v):
    return isinstance(v, int) and not isinstance(v, bool) and v >= 0


def well_typed(obj, members):
    """The names of members missing, of the wrong type, or unknown."""
    bad = [m for m, t in members.items() if m not in obj or not (is_int(obj[m]) if t is int else isinstance(obj[m], t))]
    return bad + sorted(set(obj) - set(members))


def parse_line(raw):
    obj = json.loads(raw.decode("utf-8"))
    if not isinstance(obj, dict):
        raise ValueError("not a JSON object")
    return obj


def parse_keys(preamble):
    keys = {}
    for i, k in enumerate(preamble.get("keys") or []):
        try:
            raw = base64.b64decode(k["public_key"], validate=True)
            assert len(raw) == 32 and k.get("purpose") == "ledger"
            assert hashlib.sha256(raw).hexdigest()[:16] == k["key_id"]
            assert TIMESTAMP.fullmatch(k["valid_from"]) and (k.get("valid_until") is None or TIMESTAMP.fullmatch(k["valid_until"]))
        except (KeyError, TypeError, AssertionError, binascii.Error):
            raise Unreadable(f"line 1: keys[{i}] is not a ledger key entry (purpose, key_id, public_key, valid_from, valid_until)")
        keys.setdefault(k["key_id"], []).append((VerifyKey(raw), k["valid_from"], k.get("valid_until"), k["public_key"]))
    return keys


class Audit:
    def __init__(self, preamble):
        self.p = preamble
        self.origin = preamble["origin"]
        self.keys = parse_keys(preamble)
        self.findings, self.total = [], 0
        self.records, self.headers, self.verified = 0, 0, 0
        self.first = self.last = None
        self.last_hash, self.last_epoch = None, None
        self.signed_through = preamble["from_seq"] - 1
        self.expect = {}  # seq -> [(batch name, expected hash hex, is head)]
        self.in_records = False
        self.seen = {}

    def fail(self, seq, reason, detail):
        self.total += 1
        if len(self.findings) < FINDING_LIMIT:
            self.findings.append({"seq": seq, "reason": reason, "detail": detail})

    # -- batch headers

    def header(self, lineno, obj):
        self.headers += 1
        if self.in_records:
            self.fail(None, "malformed_line", f"line {lineno}: batch lines must come before the records")
        h, sig = obj.get("header"), obj.get("signature")
        if set(obj) != {"type", "header", "signature"} or not isinstance(h, dict) or not isinstance(sig, str):
            return self.fail(None, "malformed_line", f"line {lineno}: a batch line has exactly type, header, signature")
        bad = well_typed(h, HEADER_MEMBERS)
        bad += [m for m in ("prev_hash", "head_hash") if m not in bad and not HEX32.fullmatch(h[m])]
        if "created_at" not in bad and not TIMESTAMP.fullmatch(h["created_at"]):
            bad.append("created_at")
        if bad:
            return self.fail(None, "malformed_line", f"line {lineno}: header members missing or invalid: {', '.join(bad)}")
        first, last = h["first_seq"], h["last_seq"]
        name = f"batch {h['batch_no']} (seqs {first}..{last})"
        if h["origin"] != self.origin:
            return self.fail(first, "header_mismatch", f"{name} is of origin {h['origin']!r}, the file holds {self.origin!r}")
        if first < 1 or last < first or h["count"] != last - first + 1:
            return self.fail(first, "header_mismatch", f"{name}: first_seq, last_seq and count {h['count']} disagree")
        if first == 1 and h["prev_hash"] != ZERO_HASH.hex():
            return self.fail(first, "header_mismatch", f"{name}: seq 1 must follow 32 zero bytes")
        try:
            signature = base64.b64decode(sig, validate=True)
        except binascii.Error:
            return self.fail(first, "malformed_line", f"line {lineno}: signature is not base64")
        # A key signs from valid_from (inclusive) to valid_until (exclusive); the timestamps have one
        # fixed width, so comparing the strings compares the instants.
        valid = [k for k in self.keys.get(h["key_id"], []) if k[1] <= h["created_at"] and (k[2] is None or h["created_at"] < k[2])]
        if not valid:
            return self.fail(first, "unknown_key", f"{name}: key_id {h['key_id']} is not a ledger key of {self.origin} valid at {h['created_at']}")
        message = BATCH_TAG + canonicalize(h)
        try:
            valid[0][0].verify(message, signature)
        except (BadSignatureError, ValueError):
            return self.fail(first, "bad_signature", f"{name}: the Ed25519 signature of key {h['key_id']} does not verify")
        self.verified += 1
        self.expect.setdefault(last, []).append((name, h["head_hash"], True))
        self.expect.setdefault(first - 1, []).append((name, h["prev_hash"], False))

    def meet(self, seq, hash_hex):
        for name, expected, is_head in self.expect.pop(seq, []):
            if expected != hash_hex:
                self.fail(seq, "header_mismatch",
                          f"{name} signed {'head_hash' if is_head else 'prev_hash'} {expected} for seq {seq}; the record's hash is {hash_hex}")
            elif is_head:
                self.signed_through = max(self.signed_through, seq)

    # -- records

    def record(self, lineno, r):
        self.in_records = True
        bad = well_typed(r, RECORD_MEMBERS)
        bad += [m for m in ("hash", "prev_hash") if m not in bad and not HEX32.fullmatch(r[m])]
        if bad:
            return self.fail(r.get("seq") if is_int(r.get("seq")) else None, "malformed_line",
                             f"line {lineno}: record members missing or invalid: {', '.join(bad)}")
        seq, kind = r["seq"], r["kind"]
        if seq < self.p["from_seq"] or seq > self.p["to_seq"] or (self.last is not None and seq <= self.last):
            return self.fail(seq, "malformed_line", f"line {lineno}: seq {seq} is out of order or outside "
                             f"the declared seqs {self.p['from_seq']}..{self.p['to_seq']}")
        expected_seq = self.p["from_seq"] if self.last is None else self.last + 1
        if self.last is None:
            self.first = seq
            self.last_hash = ZERO_HASH.hex() if self.p["from_seq"] == 1 else r["prev_hash"]
            self.last_epoch = r["epoch"]
            if seq == self.p["from_seq"]:
                self.meet(seq - 1, r["prev_hash"])
        if seq != expected_seq:
            self.fail(seq, "gap", f"seqs {expected_seq}..{seq - 1} are missing before seq {seq}")
        elif r["prev_hash"] != self.last_hash:
            self.fail(seq, "broken_link", f"prev_hash {r['prev_hash']} is not the hash of seq {seq - 1} ({self.last_hash})")
        if r["epoch"] < self.last_epoch:
            self.fail(seq, "malformed_entry", f"epoch went back from {self.last_epoch} to {r['epoch']}")
        if kind not in SUBJECTS or not TIMESTAMP.fullmatch(r["committed_at"]):
            self.fail(seq, "malformed_entry", f"unknown kind {kind!r} or committed_at {r['committed_at']!r} not YYYY-MM-DDTHH:MM:SS.ffffffZ")
        try:
            body = base64.b64decode(r["body"], validate=True)
        except binascii.Error:
            body = None
            self.fail(seq, "malformed_entry", "body is not base64")
        if body is not None:
            prev = bytes.fromhex(r["prev_hash"])
            computed = entry_hash(prev, hashed_entry(body, r["committed_at"], r["epoch"], kind, prev, self.origin, seq)).hex()
            if computed != r["hash"]:
                self.fail(seq, "hash_mismatch", f"stored hash {r['hash']}, the record hashes to {computed}: the record was edited")
            try:
                obj = parse_json(body.decode("utf-8"))
                if not isinstance(obj, dict) or canonicalize(obj) != body:
                    raise JCSError("not a canonical JSON object")
                if kind in SUBJECTS and obj.get(SUBJECTS[kind]) != r["subject"]:
                    self.fail(seq, "malformed_entry", f"subject {r['subject']!r}, body {SUBJECTS[kind]} is {obj.get(SUBJECTS[kind])!r}")
            except ValueError as exc:
                self.fail(seq, "malformed_entry", f"body: {exc}")
        self.meet(seq, r["hash"])
        self.records += 1
        self.last, self.last_hash, self.last_epoch = seq, r["hash"], max(self.last_epoch, r["epoch"])

    def finish(self):
        last = self.last if self.last is not None else self.p["from_seq"] - 1
        vouched = max((s for s, es in self.expect.items() if s > last and any(e[2] for e in es)), default=None)
        if self.p["to_seq"] > last or vouched is not None:
            why = f"the file ends at seq {last}"
            if self.p["to_seq"] > last:
                why += f"; its preamble declares records up to seq {self.p['to_seq']}"
            if vouched is not None:
                why += f"; signed batch headers vouch for the chain up to seq {vouched}"
            self.fail(last + 1, "truncated", why + " (tail cut)")
        elif self.records != self.p["record_count"]:
            self.fail(None, "truncated", f"the preamble declares {self.p['record_count']} records, the file holds {self.records}")
        if self.headers != self.p["header_count"]:
            self.fail(None, "malformed_line", f"the preamble declares {self.p['header_count']} batch headers, the file holds {self.headers}")
        if self.last is not None and self.last > self.signed_through:
            first = max(self.signed_through + 1, self.first)
            self.fail(first, "uncovered", f"seqs {first}..{self.last} are not covered by any signed batch header that matches the records")


def read_preamble(raw):
    try:
        p = parse_line(raw)
    except ValueError as exc:
        raise Unreadable(f"line 1 is not JSON: {exc}")
    if p.get("type") != FORMAT:
        raise Unreadable(f"line 1 is not a {FORMAT} preamble")
    for m in ("from_seq", "to_seq", "record_count", "header_count"):
        if not is_int(p.get(m)):
            raise Unreadable(f"line 1: {m} must be a non-negative integer")
    if not isinstance(p.get("origin"), str) or not isinstance(p.get("keys"), list):
        raise Unreadable("line 1: origin (string) and keys (array) are required")
    return p


def audit(path):
    try:
        f = open(path, "rb")
    except OSError as exc:
        raise Unreadable(f"cannot read {path}: {exc.strerror}")
    with f:
        state = None
        for lineno, raw in enumerate(f, 1):
            raw = raw.rstrip(b"\n")
            if state is None:
                state = Audit(read_preamble(raw))
                continue
            try:
                obj = parse_line(raw)
            except ValueError as exc:
                state.fail(None, "malformed_line", f"line {lineno}: not JSON: {exc}")
                continue
            kind = obj.get("type")
            if kind == "batch":
                state.header(lineno, obj)
            elif kind == "record":
                state.record(lineno, obj)
            else:
                state.fail(None, "malformed_line", f"line {lineno}: unknown line type {kind!r}")
    if state is None:
        raise Unreadable("the file is empty")
    state.finish()
    return state


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("file")
    parser.add_argument("--json", action="store_true", help="print the result as one JSON object")
    args = parser.parse_args(argv)
    try:
        a = audit(args.file)
    except Unreadable as exc:
        print(f"verify_audit: could not check {args.file}: {exc}", file=sys.stderr)
        return 2
    consistent = a.total == 0
    if args.json:
        print(json.dumps({"origin": a.origin, "records": a.records, "first_seq": a.first, "last_seq": a.last,
                          "headers": a.headers, "headers_verified": a.verified, "signed_through": a.signed_through,
                          "findings": a.findings, "findings_total": a.total, "consistent": consistent}, indent=2))
        return 0 if consistent else 1
    for key_id, entries in sorted(a.keys.items()):
        for _, start, until, public in entries:
            print(f"key {key_id} {public} valid {start}..{until or ''}")
    for f in a.findings:
        print(f"FAIL seq {f['seq'] if f['seq'] is not None else '-'} {f['reason']}: {f['detail']}")
    if a.total > len(a.findings):
        print(f"... and {a.total - len(a.findings)} more")
    if consistent:
        print(f"ok: {a.records} records, seqs {a.first}..{a.last}, {a.verified} headers verified, "
              f"signed through seq {a.signed_through}, head hash {a.last_hash}" if a.records else
              f"ok: 0 records, {a.verified} headers verified")
    return 0 if consistent else 1


if __name__ == "__main__":
    sys.exit(main())
