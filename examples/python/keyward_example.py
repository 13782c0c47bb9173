"""Keyward from Python with `requests`.

Gets a persistent key for a (service) user from /api_tokens/ with its email and password, then
calls the API with HTTP Basic auth (uuid, secret) — and with the single-token form.

    KEYWARD_URL=http://127.0.0.1:8080 KEYWARD_EMAIL=service-x@customer.com \
    KEYWARD_PASSWORD='…' python3 examples/python/keyward_example.py
"""
import os
import sys

import requests
from requests.auth import HTTPBasicAuth


class KeywardClient:
    def __init__(self, host, api_auth, verify_ssl=True):
        self.host = host.rstrip("/")
        self.api_auth = api_auth
        self.verify_ssl = verify_ssl

    @classmethod
    def from_login(cls, host, email, password):
        """Exchange an email and password for a persistent key (shown once: store it)."""
        response = requests.post(f"{host.rstrip('/')}/api_tokens/", auth=HTTPBasicAuth(email, password), timeout=10)
        response.raise_for_status()
        token = response.json()
        return cls(host, {"uuid": token["uuid"], "secret": token["secret"], "key": token["key"]})

    def make_request(self, method, path, **kwargs):
        """Call the API using the key as HTTP Basic auth: user = uuid, password = secret."""
        auth = HTTPBasicAuth(self.api_auth["uuid"], self.api_auth["secret"])
        return requests.request(method, self.host + path, auth=auth, verify=self.verify_ssl, timeout=10, **kwargs)


def main():
    client = KeywardClient.from_login(os.environ["KEYWARD_URL"], os.environ["KEYWARD_EMAIL"], os.environ["KEYWARD_PASSWORD"])
    me = client.make_request("GET", "/v1/auth/me")
    me.raise_for_status()
    print("signed in as", me.json()["user"]["email"])
    keys = client.make_request("GET", "/v1/keys")
    keys.raise_for_status()
    print("keys visible:", len(keys.json()["items"]))
    # The same key as a single token:
    single = requests.get(os.environ["KEYWARD_URL"] + "/v1/auth/me", headers={"Authorization": "Api-Key " + client.api_auth["key"]}, timeout=10)
    print("single token:", single.status_code)
    return 0 if single.ok else 1


if __name__ == "__main__":
    sys.exit(main())
