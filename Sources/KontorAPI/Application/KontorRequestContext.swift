import Hummingbird
import KontorCore
import Logging

/// Per-request state: Hummingbird's core context plus the tenant the API key belongs to.
public struct KontorRequestContext: RequestContext {
    /// Requests larger than 1 MiB are refused with 413 before they are parsed.
    public static let maxBodySize = 1 << 20

    public var coreContext: CoreRequestContextStorage
    /// Set by `AuthMiddleware` on every `/v1` route.
    public var tenant: Tenant?
    /// The JSON body as `InputGuardMiddleware` parsed it, so a handler does not parse it again
    /// (a 1,000-event usage batch spent a third of its CPU parsing twice).
    var parsedBody: JSONValue?

    public init(source: Source) {
        self.coreContext = .init(source: source)
    }

    public var maxUploadSize: Int { Self.maxBodySize }

    /// The authenticated tenant; only `/v1` routes, which `AuthMiddleware` guards, call this.
    public func requireTenant() throws -> Tenant {
        guard let tenant else { throw Problem.unauthorized }
        return tenant
    }
}
