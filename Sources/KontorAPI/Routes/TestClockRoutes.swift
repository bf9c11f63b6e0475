import Hummingbird
import KontorCore
import KontorEngine

/// `/v1/test_clock`: test-mode keys only.
struct TestClockRoutes {
    let service: TestClockService

    func register(on group: RouterGroup<KontorRequestContext>) {
        group.get("test_clock", use: get)
        group.post("test_clock", use: freeze)
        group.post("test_clock/advance", use: advance)
    }

    @Sendable func get(_ request: Request, context: KontorRequestContext) async throws -> Response {
        try .json(try await service.get(tenant: try context.requireTenant()))
    }

    @Sendable func freeze(_ request: Request, context: KontorRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        var request = request
        var (reader, _) = try await RequestBody.object(&request, context: context)
        let at = reader.instant("frozen_time")
        if at == nil && reader.errors.isEmpty {
            throw Problem.invalid([FieldError(field: "frozen_time", message: "is required")])
        }
        try reader.finish()
        return try .json(try await service.freeze(at: at!, tenant: tenant))
    }

    @Sendable func advance(_ request: Request, context: KontorRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        var request = request
        var (reader, _) = try await RequestBody.object(&request, context: context)
        let to = reader.instant("to")
        if to == nil && reader.errors.isEmpty {
            throw Problem.invalid([FieldError(field: "to", message: "is required")])
        }
        try reader.finish()
        return try .json(try await service.advance(to: to!, tenant: tenant))
    }
}
