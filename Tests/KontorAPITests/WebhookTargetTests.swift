import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KontorCore
import KontorEngine
import KontorStore
import KontorTestSupport
import Logging
import Testing

/// Webhooks call out of Kontor's network: only to where a merchant's receiver can be.
@Suite struct WebhookTargetTests {
    @Test func addressesAreClassifiedByTheirSpecialPurposeRanges() {
        func scope(_ s: String) -> NetworkAddress.Scope? { NetworkAddress(literal: s)?.scope }
        #expect(scope("169.254.169.254") == .linkLocal)
        #expect(scope("127.0.0.1") == .loopback)
        #expect(scope("10.1.2.3") == .private)
        #expect(scope("172.31.255.255") == .private)
        #expect(scope("172.32.0.1") == .public)
        #expect(scope("192.168.0.10") == .private)
        #expect(scope("0.0.0.0") == .unspecified)
        #expect(scope("8.8.8.8") == .public)
        #expect(scope("[::1]") == .loopback)
        #expect(scope("::") == .unspecified)
        #expect(scope("fe80::1") == .linkLocal)
        #expect(scope("fd00::5") == .private)
        #expect(scope("::ffff:127.0.0.1") == .loopback)
        #expect(scope("2001:4860:4860::8888") == .public)
        #expect(NetworkAddress(literal: "example.com") == nil)
    }

    @Test func liveEndpointsMustBePublicAndTestModeMayCallLoopback() async throws {
        try await withTestAPI { client, fx in
            let (_, live) = try await TenantRepository(database: fx.database).create(name: "Live", livemode: true)
            for url in [
                "http://127.0.0.1:9/hook", "http://169.254.169.254/latest/meta-data", "http://10.0.0.5/hook",
                "http://[::1]/hook", "http://0.0.0.0/hook", "http://localhost/hook",
            ] {
                let r = try await client.send(
                    .post, "/v1/webhook_endpoints", key: live.secret, json: #"{"url": "\#(url)"}"#)
                #expect(r.status == .unprocessableContent, "\(url)")
                #expect(try r.errorFields() == ["url"])
            }
            // Test mode: loopback yes, the metadata service and private networks no.
            #expect(
                try await client.post("/v1/webhook_endpoints", fx, #"{"url": "http://127.0.0.1:9/hook"}"#).status
                    == .created)
            #expect(
                try await client.post("/v1/webhook_endpoints", fx, #"{"url": "http://169.254.169.254/"}"#).status
                    == .unprocessableContent)
            #expect(try await fx.count("webhook_endpoints") == 1)
        }
    }

    @Test func aRedirectIsNotADelivery() async throws {
        let router = Router()
        router.post("hook") { _, _ -> Response in
            Response(status: .found, headers: [.location: "http://127.0.0.1:1/elsewhere"])
        }
        var logger = Logger(label: "receiver")
        logger.logLevel = .warning
        let app = Application(router: router, logger: logger)
        try await app.test(.live) { receiver in
            let port = receiver.port!
            try await withTestAPI { client, fx in
                _ = try await client.post("/v1/webhook_endpoints", fx, #"{"url": "http://127.0.0.1:\#(port)/hook"}"#)
                _ = try await client.post("/v1/customers", fx, #"{"name": "C", "kind": "consumer"}"#)
                try await WebhookDispatcher(database: fx.database, schedule: [.seconds(60)]).runOnce()
                let event =
                    (try await client.get("/v1/events", fx).json()["data"] as! [[String: Any]])[0]["id"] as! String
                let log =
                    try await client.get("/v1/events/\(event)/deliveries", fx).json()["data"] as! [[String: Any]]
                let attempts = log[0]["attempts"] as! [[String: Any]]
                #expect(log[0]["status"] as? String != "delivered")
                #expect(attempts.map { $0["status_code"] as? Int } == [302])
            }
        }
    }
}
