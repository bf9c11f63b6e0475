import Foundation
import HTTPTypes
import HummingbirdTesting
import KontorCore
import KontorTestSupport
import Testing

/// The store's queries and transactions log with the logger of the request they serve, so a
/// slow or failed transaction leads to its request and tenant.
@Suite struct RequestLoggerTests {
    @Test func aRequestsTransactionsLogWithItsRequestIDAndTenant() async throws {
        let capture = LogCapture()
        try await withTestAPI(logger: capture.logger()) { client, fx in
            let response = try await client.post(
                "/v1/customers", fx, #"{"name": "Ada", "kind": "consumer", "address": {"country": "DE"}}"#)
            #expect(response.status == .created)
            let requestID = try #require(response.headers[.init("Request-Id")!])
            // A commit logs at trace, or as a warning when it was slow (a loaded CI machine).
            let commits = capture.text.components(separatedBy: "\n").filter {
                $0.contains("transaction committed") || $0.contains("slow transaction")
            }
            let ours = commits.filter { $0.contains(requestID) }
            #expect(ours.count == 1, "\(commits)")
            #expect(ours.allSatisfy { $0.contains(#""tenant": \#(fx.tenant.id)"#) })
        }
    }
}
