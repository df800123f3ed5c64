#!/usr/bin/env python3
"""Independent verifier for Relay's hash-chained ledger (relay-ledger-v1).

Written from docs/ledger-format.md alone -- not from the Swift sources -- using only the Python
standard library, so that it can catch a bug that the Swift implementation and its own tests share.

  python3 tools/verify_ledger.py vectors docs/ledger-vectors.json
  python3 tools/verify_ledger.py chain FILE.jsonl [--region R]      (FILE may be '-' for stdin)

Exit status: 0 everything verified, 1 something did not verify, 2 the input could not be read.
"""
import argparse, base64, binascii, hashlib, json, math, re, sys  # standard library only

DOMAIN_TAG = b"relay-ledger-v1\x00"  # 16 bytes
ZERO_HASH = bytes(32)
SUBJECTS = {"manifest": "manifest_id", "seal_executed": "seal_id", "org_registered": "org_id",
            "agent_registered": "agent_id", "auth_event": "event_id", "region_control": "control_id"}
EXPORT_FIELDS = {"body": str, "committed_at": str, "epoch": int, "hash": str, "kind": str,
                 "prev_hash": str, "region": str, "seq": int, "subject": str}
HEX32 = re.compile(r"[0-9a-f]{64}")
REGION = re.compile(r"[a-z0-9-]+")
TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z")


class JCSError(ValueError):
    """The text is not JSON that RFC 8785 can canonicalize."""


def die(message):
    print(f"verify_ledger: {message}", file=sys.stderr)
    sys.exit(2)


# ---------------------------------------------------------------- RFC 8785 (JCS)

def _reject_constant(name):
    raise JCSError(f"{name} is not a JSON number")


def _to_double(text):
    value = float(text)  # correctly rounded, so 9007199254740993 -> 9007199254740992 as in JavaScript
    if not math.isfinite(value):
        raise JCSError(f"number {text} is not a finite IEEE-754 double")
    return value


def _no_duplicates(pairs):
    obj = {}
    for name, value in pairs:
        if name in obj:
            raise JCSError(f"duplicate member name {name!r}")
        obj[name] = value
    return obj


def parse_json(text):
    """Parse JSON text with every number as a double, rejecting NaN/Infinity and duplicate names."""
    return json.loads(text, parse_int=_to_double, parse_float=_to_double,
                      parse_constant=_reject_constant, object_pairs_hook=_no_duplicates)


def format_number(value):
    """ECMAScript Number.prototype.toString of a finite double."""
    if value == 0:
        return "0"  # also -0
    sign = "-" if value < 0 else ""
    mantissa, _, exponent = repr(abs(value)).partition("e")  # repr: shortest round-trip digits
    whole, _, fraction = mantissa.partition(".")
    digits = whole + fraction
    leading = len(digits) - len(digits.lstrip("0"))
    digits = digits.strip("0")
    k = len(digits)
    n = len(whole) - leading + int(exponent or 0)  # value = 0.<digits> * 10**n
    if k <= n <= 21:
        out = digits + "0" * (n - k)
    elif 0 < n <= 21:
        out = digits[:n] + "." + digits[n:]
    elif -6 < n <= 0:
        out = "0." + "0" * -n + digits
    else:
        e = n - 1
        out = digits[0] + ("." + digits[1:] if k > 1 else "") + ("e+" if e >= 0 else "e-") + str(abs(e))
    return sign + out


_SHORT_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}


def _string(s):
    return '"' + "".join(_SHORT_ESCAPES.get(c) or (f"\\u{ord(c):04x}" if c < " " else c) for c in s) + '"'


def _serialize(value):
    if value is None:
        return "null"
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return format_number(float(value))  # seq and epoch are doubles in JCS, too
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, list):
        return "[" + ",".join(_serialize(v) for v in value) + "]"
    if isinstance(value, dict):  # member names ordered as arrays of UTF-16 code units
        names = sorted(value, key=lambda name: name.encode("utf-16-be", "surrogatepass"))
        return "{" + ",".join(_string(n) + ":" + _serialize(value[n]) for n in names) + "}"
    raise JCSError(f"cannot canonicalize {type(value).__name__}")


def canonicalize(value):
    """RFC 8785 canonical JSON bytes (UTF-8, no whitespace) of a parsed JSON value."""
    try:
        return _serialize(value).encode("utf-8")
    except UnicodeEncodeError:
        raise JCSError("a string contains a lone surrogate") from None


# ---------------------------------------------------------------- relay-ledger-v1

def hashed_entry(body, committed_at, epoch, kind, prev_hash, region, seq):
    """E built by concatenation from the exact body bytes (docs: same bytes as JCS of the entry)."""
    rest = canonicalize({"committed_at": committed_at, "epoch": epoch, "kind": kind,
                         "prev_hash": prev_hash.hex(), "region": region, "seq": seq})
    return b'{"body":' + body + b"," + rest[1:]


def entry_hash(prev_hash, entry):
    return hashlib.sha256(DOMAIN_TAG + prev_hash + entry).digest()


def first_difference(label, given, computed, source="vector"):
    i = next((j for j, (a, b) in enumerate(zip(given, computed)) if a != b), min(len(given), len(computed)))
    lo = max(0, i - 24)
    return f"{label} differs at char {i}: {source} {given[lo:i + 24]!r}, computed {computed[lo:i + 24]!r}"


def check_vector(vector):
    problems, prev = [], ZERO_HASH.hex()
    for index, e in enumerate(vector["entries"], 1):
        where = f"seq {e['seq']}"
        if e["seq"] != index:
            problems.append(f"entry {index} has seq {e['seq']}, expected {index}")
        if e["prev_hash"] != prev:
            problems.append(f"{where} prev_hash {e['prev_hash']} does not link to {prev}")
        prev = e["hash"]
        try:
            body_obj = parse_json(e["body_source"])
            body = canonicalize(body_obj)
            entry = canonicalize({"body": body_obj, "committed_at": e["committed_at"], "epoch": e["epoch"],
                                  "kind": e["kind"], "prev_hash": e["prev_hash"], "region": e["region"],
                                  "seq": e["seq"]})
            prev_raw = bytes.fromhex(e["prev_hash"])
        except ValueError as exc:
            problems.append(f"{where}: {exc}")
            continue
        if body != e["body"].encode("utf-8"):
            problems.append(f"{where} " + first_difference("body", e["body"], body.decode("utf-8")))
        if entry != hashed_entry(body, e["committed_at"], e["epoch"], e["kind"], prev_raw, e["region"], e["seq"]):
            problems.append(f"{where}: E by JCS and E by concatenation differ")
        if entry != e["hashed_entry"].encode("utf-8"):
            problems.append(f"{where} " + first_difference("hashed_entry", e["hashed_entry"], entry.decode("utf-8")))
        computed = entry_hash(prev_raw, entry).hex()
        if computed != e["hash"]:
            own = entry_hash(prev_raw, e["hashed_entry"].encode("utf-8")).hex() == e["hash"]
            problems.append(f"{where} hash: vector {e['hash']}, computed {computed}"
                            + (" (the vector's hash is that of its own hashed_entry)" if own else ""))
    return problems


def cmd_vectors(path):
    try:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        if doc.get("format") != "relay-ledger-v1":
            raise ValueError(f"format is {doc.get('format')!r}, expected 'relay-ledger-v1'")
        results = [(v["name"], len(v["entries"]), check_vector(v)) for v in doc["vectors"]]
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        die(f"cannot read vectors {path}: {exc!r}")
    for name, count, problems in results:
        print(f"ok {name} ({count} entries)" if not problems else f"FAIL {name}: " + "; ".join(problems))
    return 1 if any(problems for _, _, problems in results) else 0


def read_export(path):
    try:
        data = sys.stdin.buffer.read() if path == "-" else open(path, "rb").read()
    except OSError as exc:
        die(f"cannot read {path}: {exc.strerror}")
    records = []
    for lineno, raw in enumerate(data.split(b"\n"), 1):
        if not raw.strip():
            continue
        try:
            record = json.loads(raw.decode("utf-8"), parse_constant=_reject_constant,
                                object_pairs_hook=_no_duplicates)
        except ValueError as exc:  # includes UnicodeDecodeError
            die(f"{path} line {lineno}: not JSON: {exc}")
        if not isinstance(record, dict):
            die(f"{path} line {lineno}: not a JSON object")
        records.append((lineno, record))
    return records


def check_chain(records, region):
    failures, hashes, seen, top, last_epoch = [], {}, {}, 0, None
    for lineno, r in records:
        seq, kind = r.get("seq"), r.get("kind")

        def fail(reason):
            failures.append(f"FAIL seq {seq} kind {kind}: {reason}")

        bad = [f for f, t in EXPORT_FIELDS.items() if not isinstance(r.get(f), t) or isinstance(r.get(f), bool)]
        bad += [f for f in ("hash", "prev_hash") if f not in bad and not HEX32.fullmatch(r[f])]
        if bad or seq < 1:
            fail(f"malformed_entry: line {lineno}: missing or invalid {', '.join(bad) or 'seq'}")
            continue
        if seq in hashes:
            fail(f"malformed_entry: seq {seq} appears twice (line {lineno})")
            continue
        if seq > top + 1:
            fail(f"gap: seqs {top + 1}..{seq - 1} missing")
        elif seq < top:
            fail(f"malformed_entry: out of order, after seq {top} (line {lineno})")
        top = max(top, seq)
        hashes[seq] = r["hash"]
        region = region or r["region"]
        if r["region"] != region or not REGION.fullmatch(r["region"]):
            fail(f"malformed_entry: region {r['region']!r}, expected {region!r}")
        if kind not in SUBJECTS:
            fail("malformed_entry: unknown kind")
        if not TIMESTAMP.fullmatch(r["committed_at"]):
            fail(f"malformed_entry: committed_at {r['committed_at']!r} is not YYYY-MM-DDTHH:MM:SS.ffffffZ")
        if r["epoch"] < 1 or r["epoch"] < (last_epoch or 1):
            fail(f"malformed_entry: epoch {r['epoch']} after epoch {last_epoch or '(start, epochs begin at 1)'}")
        last_epoch = r["epoch"]
        expected_prev = ZERO_HASH.hex() if seq == 1 else hashes.get(seq - 1)
        if expected_prev is not None and r["prev_hash"] != expected_prev:
            fail(f"broken_link: prev_hash {r['prev_hash']}, previous entry's hash {expected_prev}")
        try:
            body = base64.b64decode(r["body"], validate=True)
        except binascii.Error as exc:
            fail(f"malformed_entry: body is not base64: {exc}")
            continue
        computed = entry_hash(bytes.fromhex(r["prev_hash"]), hashed_entry(
            body, r["committed_at"], r["epoch"], kind, bytes.fromhex(r["prev_hash"]), r["region"], seq)).hex()
        if computed != r["hash"]:
            fail(f"hash_mismatch: stored {r['hash']}, recomputed {computed}")
        try:
            obj = parse_json(body.decode("utf-8"))
            if not isinstance(obj, dict):
                raise JCSError("body is not a JSON object")
            canonical = canonicalize(obj)
        except ValueError as exc:
            fail(f"malformed_entry: body is not valid JSON: {exc}")
            continue
        if canonical != body:
            fail("malformed_entry: body is not canonical JSON: "
                 + first_difference("body", body.decode("utf-8"), canonical.decode("utf-8"), "stored"))
        if kind in SUBJECTS:
            member = SUBJECTS[kind]
            if obj.get(member) != r["subject"]:
                fail(f"malformed_entry: subject {r['subject']!r}, body {member} is {obj.get(member)!r}")
            elif (kind, r["subject"]) in seen:
                fail(f"malformed_entry: record chained twice (first at seq {seen[kind, r['subject']]})")
            seen.setdefault((kind, r["subject"]), seq)
    return failures, top, hashes.get(top)


def cmd_chain(path, region):
    records = read_export(path)
    failures, top, head = check_chain(records, region)
    for line in failures:
        print(line)
    if not failures:
        print(f"ok: {len(records)} entries, head seq {top} hash {head}" if records else "ok: 0 entries (empty export)")
    return 1 if failures else 0


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    vectors = sub.add_parser("vectors", help="check docs/ledger-vectors.json against this implementation")
    vectors.add_argument("file")
    chain = sub.add_parser("chain", help="re-verify a `relay-dr export` file (JSON lines; '-' for stdin)")
    chain.add_argument("file")
    chain.add_argument("--region", help="every entry must belong to this region")
    args = parser.parse_args(argv)
    return cmd_vectors(args.file) if args.command == "vectors" else cmd_chain(args.file, args.region)


if __name__ == "__main__":
    sys.exit(main())
