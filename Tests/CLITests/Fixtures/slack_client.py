"""Presses a Slack button as Slack would: signs the request with the app's signing secret
(v0, HMAC-SHA256 over "v0:TIMESTAMP:BODY") and posts a block_actions payload.

  slack_client.py URL SECRET TOKEN RESPONSE_URL USER   -> prints the status, a newline, the body
"""
import hashlib, hmac, json, sys, time, urllib.error, urllib.parse, urllib.request

url, secret, token, response_url, user = sys.argv[1:6]
payload = {
    "type": "block_actions",
    "user": {"id": "U2CERLKJA", "username": user, "name": user},
    "response_url": response_url,
    "actions": [{"action_id": "ack", "type": "button", "value": token}],
    "message": {
        "text": "Ticket T-3 is at 5%",
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": "*T-3* Printer on fire"}},
            {"type": "actions", "elements": [
                {"type": "button", "text": {"type": "plain_text", "text": "Acknowledge"}, "value": token},
                {"type": "button", "text": {"type": "plain_text", "text": "Snooze"}, "value": "other"},
            ]},
        ],
    },
}
body = urllib.parse.urlencode({"payload": json.dumps(payload)}).encode()
timestamp = str(int(time.time()))
signature = "v0=" + hmac.new(secret.encode(), b"v0:" + timestamp.encode() + b":" + body, hashlib.sha256).hexdigest()
request = urllib.request.Request(url, data=body, method="POST")
request.add_header("Content-Type", "application/x-www-form-urlencoded")
request.add_header("X-Slack-Request-Timestamp", timestamp)
request.add_header("X-Slack-Signature", signature)
started = time.monotonic()
try:
    with urllib.request.urlopen(request, timeout=10) as response:
        print(response.status)
        print(f"{time.monotonic() - started:.3f}")
except urllib.error.HTTPError as error:
    print(error.code)
    print(error.read().decode())
