"""A local stand-in for Billit's Peppol API, on 127.0.0.1, for the adapter's contract tests:

    python -m tests.peppol_provider PORT

It implements what Billit publishes (docs.billit.be) and the readings the adapter makes where
the documentation is silent (coop_billing/peppol/billit.py): `ApiKey` and `PartyID` headers
(401 otherwise), participant information (404 for an unknown participant), `sendxml` refusing
a document that is not Peppol BIS 3.0 (400 with the errors), orders with their Peppol
messages, the inbox with confirmation. `/_control/...` lets a test script the next answers
(429, 500), seed the inbox and read the requests received.
"""

from __future__ import annotations

import json
import re
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlparse

API_KEY, PARTY_ID = "good-key", "4242"
REGISTERED = {"0202239951": "0208:0202239951", "BE0202239951": "9925:BE0202239951"}
REJECTING = "1234567894"  # a buyer endpoint whose receiver rejects what it gets
BIS3 = "urn:fdc:peppol.eu:2017:poacc:billing:3.0"

state = {"orders": {}, "inbox": {}, "next": [], "requests": [], "ids": 0}
lock = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    def _answer(self, status: int, body=None, headers=None):
        raw = b"" if body is None else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(raw)

    def _body(self):
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        return json.loads(raw) if raw else None

    def log_message(self, *args):
        pass

    def do_GET(self):
        self._route("GET")

    def do_POST(self):
        self._route("POST")

    def _route(self, method: str):
        url = urlparse(self.path)
        path = unquote(url.path)
        body = self._body() if method == "POST" else None
        if path.startswith("/_control/"):
            return self._control(method, path, body)
        with lock:
            state["requests"].append(
                {"method": method, "path": self.path, "headers": dict(self.headers.items()), "body": body}
            )
            scripted = state["next"].pop(0) if state["next"] else None
        if scripted == 429:
            return self._answer(429, {"Message": "Too many requests"}, {"Retry-After": "0.1"})
        if scripted == 500:
            return self._answer(500, {"Message": "Internal error"})
        if self.headers.get("ApiKey") != API_KEY or self.headers.get("PartyID") != PARTY_ID:
            return self._answer(401, {"Message": "Invalid ApiKey or PartyID"})
        if method == "GET" and path.startswith("/v1/peppol/participantInformation/"):
            value = path.rsplit("/", 1)[1]
            if value not in REGISTERED:
                return self._answer(404, {"Message": f"Participant {value} not found"})
            return self._answer(
                200,
                {
                    "Registered": True,
                    "Identifier": REGISTERED[value],
                    "DocumentTypes": ["BISv3Invoice", "BISv3CreditNote", "IMR", "MLR"],
                },
            )
        if method == "POST" and path == "/v1/peppol/sendxml":
            return self._send(body)
        if method == "GET" and path == "/v1/orders":
            wanted = re.search(r"OrderNumber eq '([^']*)'", parse_qs(url.query).get("$filter", [""])[0])
            with lock:
                items = [
                    o for o in state["orders"].values() if wanted and o["OrderNumber"] == wanted.group(1)
                ]
            return self._answer(200, {"Items": items})
        if method == "GET" and path.startswith("/v1/orders/"):
            order = state["orders"].get(path.rsplit("/", 1)[1])
            return self._answer(200, order) if order else self._answer(404, {"Message": "No such order"})
        if method == "GET" and path == "/v1/peppol/inbox":
            with lock:
                items = [{"InboxItemID": key, "SenderPeppolID": "0208:0403170701"} for key in state["inbox"]]
            return self._answer(200, {"Items": items})
        if method == "GET" and path.startswith("/v1/peppol/inbox/"):
            xml = state["inbox"].get(path.rsplit("/", 1)[1])
            return self._answer(200, {"XML": xml}) if xml else self._answer(404, {"Message": "No such item"})
        if method == "POST" and path.startswith("/v1/peppol/inbox/") and path.endswith("/confirm"):
            with lock:
                found = state["inbox"].pop(path.split("/")[4], None)
            return self._answer(200, {}) if found else self._answer(404, {"Message": "No such item"})
        return self._answer(404, {"Message": f"No route {method} {path}"})

    def _send(self, body):
        xml = (body or {}).get("XML")
        if not isinstance(xml, str) or not xml.lstrip().startswith("<"):
            return self._answer(400, {"Message": "XML is required"})
        if BIS3 not in xml:
            return self._answer(
                400,
                {
                    "Message": "Peppol validation failed",
                    "Errors": ["PEPPOL-EN16931-R004: Specification identifier MUST have the value " + BIS3],
                },
            )
        number = re.search(r"<cbc:ID>([^<]+)</cbc:ID>", xml).group(1)
        buyer = re.search(r"<cac:AccountingCustomerParty>.*?<cbc:EndpointID[^>]*>([^<]+)<", xml, re.S)
        rejected = buyer is not None and buyer.group(1) == REJECTING
        with lock:
            state["ids"] += 1
            order_id = str(1000 + state["ids"])
            state["orders"][order_id] = {
                "OrderID": int(order_id),
                "OrderNumber": number,
                "Messages": [
                    {
                        "TransportType": "Peppol",
                        "Success": not rejected,
                        "Description": "Rejected by receiver: unknown purchase order"
                        if rejected
                        else "Delivered",
                    }
                ],
            }
        return self._answer(200, {"OrderID": int(order_id)})

    def _control(self, method, path, body):
        with lock:
            if path == "/_control/next":
                state["next"].extend(body["statuses"])
            elif path == "/_control/inbox":
                state["ids"] += 1
                state["inbox"][str(state["ids"])] = body["XML"]
            elif path == "/_control/requests":
                return self._answer(200, state["requests"])
            elif path == "/_control/reset":
                state.update(orders={}, inbox={}, next=[], requests=[])
        return self._answer(200, {})


if __name__ == "__main__":
    port = int(sys.argv[1])
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    print(f"billit stand-in listening on 127.0.0.1:{port}", flush=True)
    server.serve_forever()
