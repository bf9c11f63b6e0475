import Foundation
import HTTPTypes
import HummingbirdTesting
import KontorCore
import KontorEngine
import KontorStore
import KontorTestSupport
import NIOCore
import PostgresNIO
import Testing

/// The finance console's door: users with roles, password login with a bcrypt hash, sessions
/// in HttpOnly SameSite cookies, CSRF on every form, lock-out after five failures, and no page
/// without a session.
@Suite struct ConsoleTests {
    struct Visitor {
        let client: any TestClientProtocol
        var cookies: [String: String] = [:]

        var header: String { cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ") }

        mutating func remember(_ r: TestResponse) {
            for set in r.headers[values: .setCookie] {
                let pair = set.prefix { $0 != ";" }.split(separator: "=", maxSplits: 1)
                guard pair.count == 2 else { continue }
                if set.contains("Max-Age=0") {
                    cookies[String(pair[0])] = nil
                } else {
                    cookies[String(pair[0])] = String(pair[1])
                }
            }
        }

        mutating func get(_ uri: String) async throws -> TestResponse {
            let r = try await client.execute(
                uri: uri, method: .get, headers: cookies.isEmpty ? [:] : [.cookie: header], body: nil)
            remember(r)
            return r
        }

        mutating func post(_ uri: String, _ fields: [(String, String)]) async throws -> TestResponse {
            let body = fields.map {
                "\(PortalTests.Browser.encode($0.0))=\(PortalTests.Browser.encode($0.1))"
            }.joined(separator: "&")
            var headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
            if !cookies.isEmpty { headers[.cookie] = header }
            let r = try await client.execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(string: body))
            remember(r)
            return r
        }

        static func field(_ name: String, in html: String) -> String? {
            guard let r = html.range(of: #"name="\#(name)" value=""#) else { return nil }
            return String(html[r.upperBound...].prefix { $0 != "\"" })
        }

        mutating func login(_ email: String, _ password: String) async throws -> TestResponse {
            let form = try await get("/console/login")
            return try await post(
                "/console/login",
                [("csrf", Self.field("csrf", in: form.text) ?? ""), ("email", email), ("password", password)])
        }
    }

    static let password = "korrekt Pferd Batterie"

    func user(_ fx: APIFixture, email: String = "fibu@test.example", role: String = "finance", tenant: String? = nil)
        async throws -> ConsoleUser
    {
        try await Engine(database: fx.database).console.createUser(
            tenantID: tenant ?? fx.tenant.id, email: email, role: role, password: Self.password
        ).user
    }

    @Test func aFinanceUserLogsInSeesTheOverviewAndLogsOut() async throws {
        try await withTestAPI { client, fx in
            try await fx.prepareForBilling()
            _ = try await user(fx)
            var v = Visitor(client: client)
            let away = try await v.get("/console")
            #expect(away.status == .seeOther)
            #expect(away.headers[.location] == "/console/login", "no page without a session")
            let signedIn = try await v.login("FIBU@test.example", Self.password)
            #expect(signedIn.status == .seeOther)
            let set = signedIn.headers[values: .setCookie].first { $0.hasPrefix("kontor_console=") } ?? ""
            #expect(set.contains("HttpOnly") && set.contains("SameSite=Strict") && set.contains("Path=/console"))
            let page = try await v.get("/console")
            #expect(page.status == .ok)
            #expect(page.headers[.cacheControl] == "no-store")
            #expect(page.text.contains("Angemeldet als fibu@test.example (finance)"))
            #expect(page.text.contains("Offene Posten zum"))
            let csrf = try #require(Visitor.field("csrf", in: page.text))
            var stranger = v
            let forged = try await stranger.post("/console/logout", [("csrf", "x")])
            #expect(forged.status == .forbidden, "logout needs the session's CSRF field")
            #expect(try await v.get("/console").status == .ok)
            let out = try await v.post("/console/logout", [("csrf", csrf)])
            #expect(out.status == .seeOther)
            #expect(try await v.get("/console").status == .seeOther)
            #expect(try await fx.count("console_sessions") == 0)
        }
    }

    @Test func fiveWrongPasswordsLockTheAccountAndAnUnknownAddressGetsTheSameAnswer() async throws {
        try await withTestAPI { client, fx in
            _ = try await user(fx)
            var v = Visitor(client: client)
            let unknown = try await v.login("nobody@test.example", Self.password)
            #expect(unknown.status == .unauthorized)
            #expect(unknown.text.contains("E-Mail oder Passwort ist falsch."))
            for attempt in 1...4 {
                let r = try await v.login("fibu@test.example", "falsch \(attempt) falsch falsch")
                #expect(r.status == .unauthorized)
                #expect(r.text.contains("E-Mail oder Passwort ist falsch."))
            }
            let fifth = try await v.login("fibu@test.example", "noch einmal falsch!!")
            #expect(fifth.status == .tooManyRequests)
            #expect(fifth.text.contains("gesperrt"))
            let right = try await v.login("fibu@test.example", Self.password)
            #expect(right.status == .tooManyRequests, "locked even with the right password")
            #expect(try await fx.count("console_sessions") == 0)
        }
    }

    @Test func aLoginWithoutItsCSRFFieldIsRefusedAndPasswordsAreNeitherStoredNorLogged() async throws {
        let capture = LogCapture()
        try await withTestAPI(logger: capture.logger()) { client, fx in
            _ = try await user(fx)
            var v = Visitor(client: client)
            let noForm = try await v.post(
                "/console/login", [("email", "fibu@test.example"), ("password", Self.password)])
            #expect(noForm.status == .forbidden)
            #expect(try await fx.count("console_sessions") == 0)
            #expect(try await v.login("fibu@test.example", Self.password).status == .seeOther)
            let rows = try await fx.database.client.query(
                "SELECT password_hash FROM users", logger: fx.database.logger)
            for try await hash in rows.decode(String.self) {
                #expect(hash.hasPrefix("$2b$12$"), "bcrypt, cost 12")
                #expect(!hash.contains("Pferd"))
            }
            #expect(!capture.text.contains(Self.password))
            #expect(!capture.text.contains("Pferd"))
        }
    }

    @Test func aUserSeesOnlyTheirTenantAndBadUsersAreRefused() async throws {
        try await withTestAPI { client, fx in
            let (other, _) = try await fx.otherTenant()
            _ = try await user(fx, email: "b@other.example", tenant: other.id)
            var v = Visitor(client: client)
            #expect(try await v.login("b@other.example", Self.password).status == .seeOther)
            let page = try await v.get("/console")
            #expect(page.text.contains("Kontor · Other GmbH"))
            #expect(!page.text.contains("Test GmbH"))
            let console = Engine(database: fx.database).console
            await #expect(throws: KontorCore.ValidationError.self) {
                _ = try await console.createUser(
                    tenantID: fx.tenant.id, email: "x@y.example", role: "root", password: nil)
            }
            await #expect(throws: KontorCore.ValidationError.self) {
                _ = try await console.createUser(
                    tenantID: fx.tenant.id, email: "x@y.example", role: "auditor", password: "kurz")
            }
            await #expect(throws: EngineError.self, "one login per address") {
                _ = try await console.createUser(
                    tenantID: fx.tenant.id, email: "B@other.example", role: "auditor", password: nil)
            }
            let made = try await console.createUser(
                tenantID: fx.tenant.id, email: "pruefer@test.example", role: "auditor", password: nil)
            #expect(made.password.count == 20, "a one-time password when none is given")
            #expect(!made.user.role.canWrite)
        }
    }

    @Test func usersAreMadeAndListedThroughTheAPI() async throws {
        try await withTestAPI { client, fx in
            let made = try await client.post("/v1/users", fx, #"{"email": "Fibu@Test.example", "role": "finance"}"#)
            #expect(made.status == .created, "\(made.text)")
            let json = try made.json()
            #expect(json["email"] as? String == "fibu@test.example")
            let otp = try #require(json["one_time_password"] as? String)
            var v = Visitor(client: client)
            #expect(try await v.login("fibu@test.example", otp).status == .seeOther)
            let bad = try await client.post("/v1/users", fx, #"{"email": "nope", "role": "boss", "password": "kurz"}"#)
            #expect(bad.status == .unprocessableContent)
            #expect(try bad.errorFields() == ["email", "role", "password"])
            let twice = try await client.post("/v1/users", fx, #"{"email": "fibu@test.example", "role": "auditor"}"#)
            #expect(twice.status == .conflict)
            let list = try await client.get("/v1/users", fx).json()["data"] as! [[String: Any]]
            #expect(list.map { $0["email"] as? String } == ["fibu@test.example"])
            #expect(list.first?["one_time_password"] == nil, "never shown again")
        }
    }
}
