import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KontorCore
import KontorEmbedded
import KontorEngine
import KontorStore
import KontorTestSupport
import Logging
import PostgresNIO
import Synchronization
import Testing

/// A webhook receiver on loopback that verifies every Standard Webhooks signature itself
/// (independently of Kontor's signer) and can be switched off.
final class Receiver: Sendable {
    struct State {
        var up = true
        var secret = ""
        var received: [String] = []
        var badSignatures = 0
        var answered503 = 0
    }

    let state = Mutex(State())

    func verify(id: String, timestamp: String, signature: String, body: [UInt8], secret: String) -> Bool {
        guard secret.hasPrefix("whsec_"), let key = Data(base64Encoded: String(secret.dropFirst(6))),
            let ts = Int(timestamp), abs(Double(ts) - Date().timeIntervalSince1970) < 300
        else { return false }
        let mac = HMAC<SHA256>.authenticationCode(
            for: Array("\(id).\(timestamp).".utf8) + body, using: SymmetricKey(data: key)
        )
        return signature.split(separator: " ").contains { $0 == "v1," + Data(mac).base64EncodedString() }
    }

    func run(_ body: @Sendable @escaping (Int) async throws -> Void) async throws {
        let router = Router()
        router.post("hook") { request, context -> Response in
            let bytes = Array(try await request.body.collect(upTo: 1 << 20).readableBytesView)
            let headers = request.headers
            let id = headers[HTTPField.Name("webhook-id")!] ?? ""
            let ok = self.state.withLock { state -> Bool in
                if !self.verify(
                    id: id, timestamp: headers[HTTPField.Name("webhook-timestamp")!] ?? "",
                    signature: headers[HTTPField.Name("webhook-signature")!] ?? "", body: bytes, secret: state.secret
                ) {
                    state.badSignatures += 1
                    return false
                }
                guard state.up else {
                    state.answered503 += 1
                    return false
                }
                state.received.append(id)
                return true
            }
            return Response(status: ok ? .ok : .serviceUnavailable)
        }
        var logger = Logger(label: "receiver")
        logger.logLevel = .warning
        let app = Application(router: router, logger: logger)
        try await app.test(.live) { client in try await body(client.port!) }
    }
}

@Suite struct WebhookTests {
    func createEndpoint(_ client: some TestClientProtocol, _ fx: APIFixture, url: String, events: String = #"["*"]"#)
        async throws -> [String: Any]
    {
        let response = try await client.post(
            "/v1/webhook_endpoints", fx, #"{"url": "\#(url)", "enabled_events": \#(events)}"#)
        #expect(response.status == .created, "\(response.text)")
        return try response.json()
    }

    @Test func receiverDownThenUpGetsEveryEventSignedAndNoneIsLost() async throws {
        let receiver = Receiver()
        try await receiver.run { port in
            try await withTestAPI { client, fx in
                let endpoint = try await createEndpoint(client, fx, url: "http://127.0.0.1:\(port)/hook")
                let secret = endpoint["secret"] as! String
                #expect(secret.hasPrefix("whsec_"))
                receiver.state.withLock {
                    $0.secret = secret
                    $0.up = false
                }
                var ids: [String] = []
                for i in 0..<12 {
                    _ = try await client.post("/v1/customers", fx, #"{"name": "C\#(i)", "kind": "consumer"}"#)
                }
                let events = try await client.get("/v1/events?limit=100", fx).json()["data"] as! [[String: Any]]
                ids = events.map { $0["id"] as! String }
                #expect(ids.count == 12)
                // One pass per runOnce(): attempt 1 and 2 while the receiver is down, 3 after.
                let fast: [Duration] = [.milliseconds(10), .milliseconds(10), .milliseconds(10), .milliseconds(10)]
                let dispatcher = WebhookDispatcher(database: fx.database, schedule: fast, timeout: .seconds(5))
                #expect(try await dispatcher.runOnce() == 12)
                #expect(receiver.state.withLock { $0.received.isEmpty })
                try await Task.sleep(for: .milliseconds(30))
                #expect(try await dispatcher.runOnce() == 12)
                receiver.state.withLock { $0.up = true }
                try await Task.sleep(for: .milliseconds(30))
                #expect(try await dispatcher.runOnce() == 12)
                #expect(try await dispatcher.run() == 0)
                let state = receiver.state.withLock { $0 }
                #expect(Set(state.received) == Set(ids))
                #expect(state.received.count == ids.count)
                #expect(state.badSignatures == 0)
                #expect(state.answered503 == 24)
                // The delivery log shows the failures and the success of each event.
                let log = try await client.get("/v1/events/\(ids[0])/deliveries", fx).json()["data"] as! [[String: Any]]
                #expect(log.count == 1)
                #expect(log[0]["status"] as? String == "delivered")
                let attempts = log[0]["attempts"] as! [[String: Any]]
                #expect(attempts.map { $0["status_code"] as? Int } == [503, 503, 200])
                #expect(attempts.allSatisfy { $0["latency_ms"] as? Int != nil })
                // The secret is shown once.
                let again = try await client.get("/v1/webhook_endpoints/\(endpoint["id"] as! String)", fx).json()
                #expect(again["secret"] == nil)
            }
        }
    }

    @Test func anEndpointIsDisabledWhenTheScheduleIsExhausted() async throws {
        try await withTestAPI { client, fx in
            // Nothing listens on this port: every attempt is a connection error.
            let port = try Shell.freeLoopbackPort()
            let endpoint = try await createEndpoint(client, fx, url: "http://127.0.0.1:\(port)/hook")
            _ = try await client.post("/v1/customers", fx, #"{"name": "C", "kind": "consumer"}"#)
            let dispatcher = WebhookDispatcher(
                database: fx.database, schedule: [.milliseconds(1), .milliseconds(1)], timeout: .seconds(1)
            )
            for _ in 0..<3 {
                try await dispatcher.run()
                try await Task.sleep(for: .milliseconds(30))
            }
            let disabled = try await client.get("/v1/webhook_endpoints/\(endpoint["id"] as! String)", fx).json()
            #expect(disabled["status"] as? String == "disabled")
            #expect((disabled["disabled_reason"] as? String)?.contains("3 failed attempts") == true)
            let event = (try await client.get("/v1/events", fx).json()["data"] as! [[String: Any]])[0]["id"] as! String
            let log = try await client.get("/v1/events/\(event)/deliveries", fx).json()["data"] as! [[String: Any]]
            #expect(log[0]["status"] as? String == "failed")
            #expect((log[0]["attempts"] as! [[String: Any]]).count == 3)
            #expect((log[0]["attempts"] as! [[String: Any]]).allSatisfy { $0["error"] as? String != nil })
        }
    }

    @Test func eventsCanBeFilteredAndRedelivered() async throws {
        let receiver = Receiver()
        try await receiver.run { port in
            try await withTestAPI { client, fx in
                let endpoint = try await createEndpoint(
                    client, fx, url: "http://127.0.0.1:\(port)/hook", events: #"["customer.*"]"#
                )
                receiver.state.withLock { $0.secret = endpoint["secret"] as! String }
                let cus = try await client.post("/v1/customers", fx, #"{"name": "C", "kind": "consumer"}"#).json()
                _ = try await client.send(
                    .patch, "/v1/customers/\(cus["id"] as! String)", key: fx.apiKey, json: #"{"name": "D"}"#)
                let created =
                    try await client.get("/v1/events?type=customer.created", fx).json()["data"] as! [[String: Any]]
                #expect(created.count == 1)
                #expect((created[0]["data"] as! [String: Any])["name"] as? String == "C")
                let family = try await client.get("/v1/events?type=customer.*", fx).json()["data"] as! [[String: Any]]
                #expect(family.count == 2)
                try await WebhookDispatcher(database: fx.database).run()
                #expect(receiver.state.withLock { $0.received.count } == 2)
                let id = created[0]["id"] as! String
                let redelivered = try await client.post("/v1/events/\(id)/redeliver", fx, "{}")
                #expect(redelivered.status == .accepted)
                try await WebhookDispatcher(database: fx.database).run()
                #expect(receiver.state.withLock { $0.received.filter { $0 == id }.count } == 2)
            }
        }
    }

    @Test func badWebhookInputIsRefusedNamingTheField() async throws {
        try await withTestAPI { client, fx in
            for (body, field) in [
                (#"{"url": "ftp://example.com/hook"}"#, "url"),
                (#"{"url": "not a url"}"#, "url"),
                (
                    #"{"url": "https://example.com/hook", "enabled_events": ["invoice.teleported"]}"#,
                    "enabled_events[0]"
                ),
            ] {
                let response = try await client.post("/v1/webhook_endpoints", fx, body)
                #expect(response.status == .unprocessableContent)
                #expect(try response.errorFields() == [field], "\(body)")
            }
            #expect(try await fx.count("webhook_endpoints") == 0)
            #expect(
                try await client.post("/v1/events/evt_unknown000000000000000000/redeliver", fx, "{}").status
                    == .notFound)
            let (_, otherKey) = try await fx.otherTenant()
            let theirs =
                try await client.send(
                    .post, "/v1/webhook_endpoints", key: otherKey, json: #"{"url": "https://example.com/hook"}"#
                ).json()["id"] as! String
            _ = try await client.post("/v1/customers", fx, #"{"name": "C", "kind": "consumer"}"#)
            let event = (try await client.get("/v1/events", fx).json()["data"] as! [[String: Any]])[0]["id"] as! String
            let crossTenant = try await client.post("/v1/events/\(event)/redeliver", fx, #"{"endpoint": "\#(theirs)"}"#)
            #expect(crossTenant.status == .unprocessableContent)
            #expect(try crossTenant.errorFields() == ["endpoint"])
            #expect(try await client.get("/v1/webhook_endpoints/\(theirs)", fx).status == .notFound)
            #expect(try await fx.count("webhook_deliveries") == 0)
        }
    }
}
