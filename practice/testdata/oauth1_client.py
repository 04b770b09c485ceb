"""Interop client for the authlab practice server, written against
requests_oauthlib (a signer no one in authlab wrote).

Usage: python3 oauth1_client.py BASE_URL CONSUMER_KEY CONSUMER_SECRET TOKEN TOKEN_SECRET

Prints one JSON object per line: {"case": ..., "status": ..., "body": ...}.
"""
import json
import re
import sys

import requests
from oauthlib.oauth1 import SIGNATURE_HMAC_SHA256, SIGNATURE_PLAINTEXT, SIGNATURE_TYPE_BODY, SIGNATURE_TYPE_QUERY
from requests_oauthlib import OAuth1, OAuth1Session

base, ck, cs, tok, ts = sys.argv[1:6]
verify = base + "/twitter/1.1/account/verify_credentials.json"
update = base + "/twitter/1.1/statuses/update.json"

session = requests.Session()
session.trust_env = False  # no proxy between us and 127.0.0.1


def report(case, resp):
    print(json.dumps({"case": case, "status": resp.status_code, "body": resp.text}), flush=True)


report("verify", session.get(verify, params={"include_entities": "true", "q": "a b~*"},
                             auth=OAuth1(ck, cs, tok, ts)))
report("update", session.post(update, params={"trim_user": "1"},
                              data={"status": "Hello Ladies + Gentlemen, a signed OAuth request! ~*&="},
                              auth=OAuth1(ck, cs, tok, ts)))
report("verify HMAC-SHA256", session.get(verify, auth=OAuth1(ck, cs, tok, ts, signature_method=SIGNATURE_HMAC_SHA256)))
report("verify PLAINTEXT", session.get(verify, auth=OAuth1(ck, cs, tok, ts, signature_method=SIGNATURE_PLAINTEXT)))
report("verify query", session.get(verify, params={"x": "1"},
                                   auth=OAuth1(ck, cs, tok, ts, signature_type=SIGNATURE_TYPE_QUERY)))
report("update body", session.post(update, data={"status": "in the body"},
                                   auth=OAuth1(ck, cs, tok, ts, signature_type=SIGNATURE_TYPE_BODY)))
report("wrong consumer secret", session.get(verify, auth=OAuth1(ck, cs + "x", tok, ts)))
report("no auth", session.get(verify))

# The three-legged PIN flow.
flow = OAuth1Session(ck, client_secret=cs, callback_uri="oob")
flow.trust_env = False
temp = flow.fetch_request_token(base + "/twitter/oauth/request_token")
page = session.get(base + "/twitter/oauth/authorize", params={"oauth_token": temp["oauth_token"]})
pin = re.search(r'<b id="pin">(\d+)</b>', page.text).group(1)
creds = flow.fetch_access_token(base + "/twitter/oauth/access_token", verifier=pin)
report("three-legged", session.get(verify, auth=OAuth1(ck, cs, creds["oauth_token"], creds["oauth_token_secret"])))
