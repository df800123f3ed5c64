#!/usr/bin/env python3
"""Verify a Relay seal with libsodium, independently of Relay's Swift code.

Reads JSON on stdin: {"manifest": <the manifest as the client sent it>,
                      "response": <the body of POST /v1/manifest/validate>}.
1. Rebuilds the signed payload from the manifest and the response's seal, following
   docs/seal-format.md (RFC 8785 canonical JSON), and checks it equals `signed_payload`.
2. Verifies the Ed25519 signature with libsodium's crypto_sign_verify_detached (ctypes).
Exit 0 when both hold. Standard library only (plus the system's libsodium.so.23).
"""
import base64
import ctypes
import ctypes.util
import datetime
import json
import math
import sys


def es_number(x):
    """ECMAScript Number.prototype.toString, as RFC 8785 requires."""
    if isinstance(x, bool):
        raise TypeError("bool is not a number")
    x = float(x)
    if math.isnan(x) or math.isinf(x):
        raise ValueError("NaN/Infinity are not JSON")
    if x == 0:
        return "0"
    sign = "-" if x < 0 else ""
    r = repr(abs(x))  # shortest round-trip digits
    mantissa, _, exp = r.partition("e")
    int_part, _, frac_part = mantissa.partition(".")
    digits = (int_part + frac_part).lstrip("0")
    # decimal exponent n such that value = 0.digits * 10^n
    n = len(int_part) + (int(exp) if exp else 0)
    if int_part == "0":
        n = -(len(frac_part) - len(frac_part.lstrip("0"))) + (int(exp) if exp else 0)
    digits = digits.rstrip("0") or "0"
    k = len(digits)
    if k <= n <= 21:
        out = digits + "0" * (n - k)
    elif 0 < n <= 21:
        out = digits[:n] + "." + digits[n:]
    elif -6 < n <= 0:
        out = "0." + "0" * (-n) + digits
    else:
        e = n - 1
        out = digits[0] + ("." + digits[1:] if k > 1 else "") + "e" + ("+" if e >= 0 else "-") + str(abs(e))
    return sign + out


def canonical(v):
    """RFC 8785 canonical JSON (keys sorted by UTF-16 code units)."""
    if v is None:
        return "null"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, (int, float)):
        return es_number(v)
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, list):
        return "[" + ",".join(canonical(x) for x in v) + "]"
    if isinstance(v, dict):
        keys = sorted(v, key=lambda k: k.encode("utf-16-be"))
        return "{" + ",".join(json.dumps(k, ensure_ascii=False) + ":" + canonical(v[k]) for k in keys) + "}"
    raise TypeError(type(v))


def utc_micros(text):
    """Relay's timestamp form: UTC, six fractional digits, 'Z'. Naive input is UTC."""
    t = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    if t.tzinfo is not None:
        t = t.astimezone(datetime.timezone.utc).replace(tzinfo=None)
    return t.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def main():
    doc = json.load(sys.stdin)
    manifest, response = doc["manifest"], doc["response"]
    seal = response["seal"]
    payload = {
        "manifest_id": response["manifest_id"],
        "timestamp": utc_micros(manifest["timestamp"]),
        "agent_id": manifest["agent"]["agent_id"],
        "org_id": manifest["agent"]["org_id"],
        "provider": manifest["action"]["provider"].lower(),
        "method": manifest["action"]["method"].lower(),
        "parameters": manifest["action"]["parameters"],
        "policy_version": seal["policy_version"],
        "approved": seal["approved"],
        "seal_id": seal["seal_id"],
        "region": seal["region"],
        "key_id": seal["key_id"],
        "issued_at": seal["issued_at"],
        "expires_at": seal["expires_at"],
    }
    rebuilt = canonical(payload).encode("utf-8")
    signed = base64.b64decode(seal["signed_payload"])
    ok = True
    if rebuilt == signed:
        print("rebuilt payload matches signed_payload")
    else:
        print("MISMATCH\n rebuilt: %r\n signed:  %r" % (rebuilt, signed))
        ok = False

    lib = ctypes.CDLL(ctypes.util.find_library("sodium") or "libsodium.so.23")
    if lib.sodium_init() < 0:
        print("libsodium: init failed")
        return 2
    sig = base64.b64decode(seal["signature"])
    pk = base64.b64decode(seal["public_key"])
    rc = lib.crypto_sign_verify_detached(sig, rebuilt, ctypes.c_ulonglong(len(rebuilt)), pk)
    if rc == 0:
        print("libsodium: signature OK")
    else:
        print("libsodium: signature INVALID")
        ok = False
    # A flipped byte must fail: proves the check is real.
    tampered = bytes([rebuilt[0] ^ 1]) + rebuilt[1:]
    if lib.crypto_sign_verify_detached(sig, tampered, ctypes.c_ulonglong(len(tampered)), pk) == 0:
        print("libsodium: tampered payload accepted?!")
        ok = False
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
