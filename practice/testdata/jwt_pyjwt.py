#!/usr/bin/python3
"""PyJWT (Debian python3-jwt) against authlab, in both directions.

usage: jwt_pyjwt.py BASE_URL < input.json

input.json: {"secret": "...", "rsa_public": PEM,
             "keys": {"RS256": PEM, "ES256": PEM, "EdDSA": PEM},
             "verify": [{"case": "...", "token": "...", "alg": "HS256", "key": "secret" | "rsa_public" | "wrong"}]}

1. PyJWT verifies each token of "verify" (tokens authlab built) and prints
   {"case": ..., "ok": true, "claims": {...}} or {"case": ..., "ok": false, "error": "InvalidSignatureError"}.
2. PyJWT makes tokens with the demo secret and keys and sends them to
   BASE_URL/jwt with urllib (no proxy), printing {"case": "send ALG", "status": 200, "body": "..."}.
One JSON object per line.
"""
import json
import sys
import time
import urllib.error
import urllib.request

import jwt


def send(url, token):
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    req = urllib.request.Request(url, headers={"Authorization": "Bearer " + token})
    try:
        with opener.open(req, timeout=20) as resp:
            return resp.status, resp.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def main():
    base = sys.argv[1]
    inp = json.load(sys.stdin)
    keys = {"secret": inp["secret"], "rsa_public": inp["rsa_public"], "wrong": "not-the-demo-secret"}
    for v in inp["verify"]:
        try:
            claims = jwt.decode(v["token"], keys[v["key"]], algorithms=[v["alg"]],
                                options={"verify_aud": False})
            out = {"case": v["case"], "ok": True, "claims": claims}
        except jwt.InvalidTokenError as e:
            out = {"case": v["case"], "ok": False, "error": type(e).__name__}
        print(json.dumps(out), flush=True)

    now = int(time.time())
    claims = {"sub": "pyjwt", "iat": now, "exp": now + 600}
    made = [("HS256", inp["secret"]), ("HS384", inp["secret"]), ("HS512", inp["secret"])]
    made += sorted(inp["keys"].items())
    made += [("HS256 wrong secret", "not-the-demo-secret")]
    for case, key in made:
        alg = case.split()[0]
        token = jwt.encode(claims, key, algorithm=alg, headers={"kid": "pyjwt"})
        status, body = send(base + "/jwt", token)
        print(json.dumps({"case": "send " + case, "status": status, "body": body}), flush=True)
    expired = jwt.encode({"sub": "pyjwt", "exp": now - 3600}, inp["secret"], algorithm="HS256")
    status, body = send(base + "/jwt", expired)
    print(json.dumps({"case": "send expired", "status": status, "body": body}), flush=True)


if __name__ == "__main__":
    main()
