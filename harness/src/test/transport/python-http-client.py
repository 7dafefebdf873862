"""A retrying app on Python's http.client, for ClientTransportsTest: up to three attempts, 200 ms then 400 ms
apart, until one answers 200; prints "status N" for each.

Usage: python3 python-http-client.py known|chunked keep-alive|close expect|- BASE_URL
"""
import http.client
import json
import sys
import time
from urllib.parse import urlsplit

mode, connection_mode, expect, base_url = sys.argv[1:5]
url = urlsplit(base_url)
body = json.dumps({"model": "gpt-4o-mini",
                   "messages": [{"role": "user", "content": "Summarise the meeting notes in three bullet points"}]}).encode()


def pieces():
    # an iterable of unknown length: http.client sends it chunked
    yield body[:10]
    yield body[10:]


connection = None
for attempt in range(1, 4):
    if attempt > 1:
        time.sleep(0.2 * 2 ** (attempt - 2))
    if connection is None:
        connection = http.client.HTTPConnection(url.hostname, url.port, timeout=20)
    headers = {"Content-Type": "application/json", "Authorization": "Bearer test"}
    if connection_mode == "close":
        headers["Connection"] = "close"
    if expect == "expect":
        # http.client sends the body without waiting for the 100 (RFC 9110 allows it) and skips the 100 it gets
        headers["Expect"] = "100-continue"
    if mode == "known":
        connection.request("POST", url.path + "/chat/completions", body=body, headers=headers)
    else:
        connection.request("POST", url.path + "/chat/completions", body=pieces(), headers=headers, encode_chunked=True)
    response = connection.getresponse()
    response.read()
    print(f"status {response.status}", flush=True)
    if connection_mode == "close" or response.will_close:
        connection.close()
        connection = None
    if response.status == 200:
        break
