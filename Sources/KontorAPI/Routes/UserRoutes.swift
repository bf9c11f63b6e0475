import Foundation
import Hummingbird
import KontorCore
import KontorEngine

/// `/v1/users`: the people who use the finance console (the same as `kontor users create`).
struct UserRoutes {
    let console: ConsoleAuth

    func register(on group: RouterGroup<KontorRequestContext>) {
        group.get("users", use: list)
        group.post("users", use: create)
    }

    struct UserJSON: Encodable {
        var id: String
        var object = "user"
        var email: String
        var role: String
        var createdAt: Date
        /// Only in the answer that made the user without a password: shown once.
        var oneTimePassword: String?

        init(_ u: ConsoleUser, oneTimePassword: String? = nil) {
            id = u.id
            email = u.email
            role = u.role.rawValue
            createdAt = u.createdAt
            self.oneTimePassword = oneTimePassword
        }
    }

    @Sendable func list(_ request: Request, context: KontorRequestContext) async throws -> Response {
        try DocumentRoutes.only([], request)
        let users = try await console.users(of: try context.requireTenant())
        return try .json(ListPage(data: users.map { UserJSON($0) }, hasMore: false))
    }

    @Sendable func create(_ request: Request, context: KontorRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        var request = request
        var (reader, _) = try await RequestBody.object(&request, context: context)
        let email = reader.requiredString("email")
        let role = reader.requiredString("role")
        let password = reader.requiredString("password")
        try reader.finish()
        var missing: [FieldError] = []
        if email == nil { missing.append(FieldError(field: "email", message: "is required")) }
        if role == nil { missing.append(FieldError(field: "role", message: "is required")) }
        guard missing.isEmpty else { throw ValidationError(missing) }
        let made = try await console.createUser(
            tenantID: tenant.id, email: email!, role: role!, password: password)
        return try .json(
            UserJSON(made.user, oneTimePassword: password == nil ? made.password : nil), status: .created)
    }
}
