"""Helper for the action-link process tests: HTTP requests and tokens made independently.

  action_client.py request METHOD URL [FORM]   -> prints the status, a newline, the body
  action_client.py sign KEY SOURCE ID METRIC CYCLE ACTION EXPIRY   -> prints a token
"""
import base64, hashlib, hmac, sys, urllib.error, urllib.request


def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


if sys.argv[1] == "request":
    method, url = sys.argv[2], sys.argv[3]
    data = sys.argv[4].encode() if len(sys.argv) > 4 else None
    request = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        request.add_header("Content-Type", "application/x-www-form-urlencoded")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            print(response.status)
            print(response.read().decode())
    except urllib.error.HTTPError as error:
        print(error.code)
        print(error.read().decode())
elif sys.argv[1] == "sign":
    key, source, ticket, metric, cycle, action, expiry = sys.argv[2:9]
    kid = hashlib.sha256(key.encode()).hexdigest()[:8]
    body = ".".join(["1", kid, b64(source.encode()), b64(ticket.encode()), metric, cycle, action, expiry])
    print(body + "." + b64(hmac.new(key.encode(), body.encode(), hashlib.sha256).digest()))
