#!/usr/bin/env python3
"""Load for deploy/ha/failover-test.sh: API writes against two Kontor nodes while the primary
dies, and a webhook receiver. Standard library only.

Each operation creates a customer and a daily subscription backdated 5 days (the billing
worker then issues its catch-up invoices), each request with its own Idempotency-Key. A request that fails
(connection refused, 5xx) is sent again with the same key, to the other node, until it succeeds
or --give-up seconds have passed. Prints one JSON object: what was acknowledged, how many
attempts failed, and the longest time during which no request succeeded.
"""
import argparse, json, os, threading, time, urllib.request, urllib.error, http.server, datetime

parser = argparse.ArgumentParser()
parser.add_argument("--nodes", required=True, help="comma-separated base URLs")
parser.add_argument("--key", required=True)
parser.add_argument("--seconds", type=float, default=40)
parser.add_argument("--threads", type=int, default=4)
parser.add_argument("--receiver-port", type=int, required=True)
parser.add_argument("--received", required=True, help="file the received event ids are written to")
parser.add_argument("--ready", required=True, help="file written once the load runs")
parser.add_argument("--give-up", type=float, default=90)
parser.add_argument("--prefix", default="ha")
args = parser.parse_args()
nodes = args.nodes.split(",")
lock = threading.Lock()
received = set()


class Receiver(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("content-length", 0)))
        try:
            event = json.loads(body)
            with lock:
                received.add(event["id"])
        except Exception:
            pass
        self.send_response(200)
        self.end_headers()

    def log_message(self, *a):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", args.receiver_port), Receiver)
threading.Thread(target=server.serve_forever, daemon=True).start()

state = {"acknowledged": [], "failed_attempts": 0, "successes": [], "gave_up": 0, "failures": []}
began = time.monotonic()


def send(path, body, key, node_index):
    """POSTs until it succeeds; returns (json, node_index)."""
    started = time.monotonic()
    while True:
        url = nodes[node_index % len(nodes)] + path
        attempt_began = time.monotonic()
        request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST", headers={
            "Authorization": "Bearer " + args.key, "Content-Type": "application/json", "Idempotency-Key": key})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                answer = json.loads(response.read())
            with lock:
                state["successes"].append(time.monotonic())
            return answer, node_index
        except urllib.error.HTTPError as error:
            if error.code < 500:
                raise RuntimeError(f"{path}: {error.code} {error.read()[:300]!r}")
            failure = f"HTTP {error.code}: {error.read()[:200]!r}"
        except Exception as error:
            failure = repr(error)[:200]
        with lock:
            state["failed_attempts"] += 1
            state["failures"].append({
                "node": url.split("/v1")[0], "path": path, "key": key, "at": time.strftime("%H:%M:%S"),
                "took_s": round(time.monotonic() - attempt_began, 2), "error": failure})
        if time.monotonic() - started > args.give_up:
            with lock:
                state["gave_up"] += 1
            raise RuntimeError(f"{path}: gave up after {args.give_up} s")
        node_index += 1
        time.sleep(0.2)


def worker(number):
    start = (datetime.date.today() - datetime.timedelta(days=5)).isoformat()
    i, node = 0, number
    deadline = time.monotonic() + args.seconds
    while time.monotonic() < deadline:
        i += 1
        tag = f"{args.prefix}-{number}-{i}"
        customer, node = send("/v1/customers", {"name": "HA " + tag, "currency": "EUR"}, tag + "-c", node)
        subscription, node = send("/v1/subscriptions", {
            "customer": customer["id"], "plan": "day-pass", "start_date": start,
            "collection_method": "send_invoice"}, tag + "-s", node)
        with lock:
            state["acknowledged"].append({"customer": customer["id"], "subscription": subscription["id"]})
        node += 1


# The webhook endpoint for every event, then the load.
endpoint, _ = send("/v1/webhook_endpoints", {"url": f"http://127.0.0.1:{args.receiver_port}/hook"},
                   args.prefix + "-endpoint", 0)
began = time.monotonic()
threads = [threading.Thread(target=worker, args=(n,)) for n in range(args.threads)]
for t in threads:
    t.start()
open(args.ready, "w").write("running\n")
for t in threads:
    t.join()
ended = time.monotonic()

# The longest stretch without a successful request while the load ran.
moments = sorted([began] + state["successes"] + [ended])
longest_gap = max(b - a for a, b in zip(moments, moments[1:]))


def dump_received():
    """Writes the ids received so far, sorted, atomically (the script reads the file meanwhile)."""
    with lock:
        text = "\n".join(sorted(received)) + "\n"
    with open(args.received + ".tmp", "w") as f:
        f.write(text)
    os.replace(args.received + ".tmp", args.received)


dump_received()
print(json.dumps({
    "operations": len(state["acknowledged"]), "failed_attempts": state["failed_attempts"],
    "gave_up": state["gave_up"], "longest_gap_s": round(longest_gap, 2), "failures": state["failures"],
    "acknowledged": state["acknowledged"]}), flush=True)
# Keep receiving until the script says stop (it checks delivery, then kills this process).
while True:
    time.sleep(1)
    dump_received()
