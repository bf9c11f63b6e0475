import Foundation
import Hummingbird
import KontorCore
import KontorEngine

/// `/v1/plans`: the tenant's catalog. `PUT` takes the same fields as a `Plans/*.yaml` file.
struct PlanRoutes {
    let service: CatalogService

    func register(on group: RouterGroup<KontorRequestContext>) {
        group.get("plans", use: list)
        group.get("plans/{code}", use: get)
        group.put("plans/{code}", use: put)
    }

    @Sendable func list(_ request: Request, context: KontorRequestContext) async throws -> Response {
        _ = try ListQuery(request)
        return .json(try PlanJSON.encodeList(try await service.list(tenant: try context.requireTenant())))
    }

    @Sendable func get(_ request: Request, context: KontorRequestContext) async throws -> Response {
        let code = try context.parameters.require("code")
        var version: Int?
        for (key, value) in request.uri.queryParameters {
            guard key == "version", let v = Int(String(value)), v >= 1 else {
                throw Problem.invalid([
                    FieldError(
                        field: String(key),
                        message: key == "version" ? "must be a version number" : "is not a known query parameter"
                    )
                ])
            }
            version = v
        }
        let plan = try await service.get(code, version: version, tenant: try context.requireTenant())
        return .json(try PlanJSON.encode(plan))
    }

    @Sendable func put(_ request: Request, context: KontorRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let code = try context.parameters.require("code")
        var request = request
        let (value, _) = try await RequestBody.value(&request, context: context)
        let (plan, created) = try await service.put(code: code, definition: value.catalogNode, tenant: tenant)
        return .json(try PlanJSON.encode(plan), status: created ? .created : .ok)
    }
}
