"""NTLM against the practice server's /ntlm with requests_ntlm (Debian:
python3-requests-ntlm, which uses python3-ntlm-auth): an independent
client. Prints one JSON line per case: {"case", "status", "body", "trace"}
(the server trace header of the final answer)."""
import json
import sys

import requests
from requests_ntlm import HttpNtlmAuth

base = sys.argv[1]
cases = [
    ("right", "AUTHLAB\\demo", "demo-password"),
    ("lowercase domain", "authlab\\demo", "demo-password"),
    ("wrong password", "AUTHLAB\\demo", "demo-passwort"),
]
for name, user, password in cases:
    s = requests.Session()
    s.trust_env = False  # no proxy from the environment: loopback only
    r = s.get(base + "/ntlm", auth=HttpNtlmAuth(user, password), timeout=30)
    print(json.dumps({"case": name, "status": r.status_code, "body": r.text[:200],
                      "trace": r.headers.get("X-Authlab-Practice-Trace", "")}))
