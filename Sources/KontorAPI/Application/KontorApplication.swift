import Hummingbird
import KontorEngine
import Logging
import Prometheus
import ServiceLifecycle

/// Everything the HTTP layer needs from the outside: the engine (composition root) and the
/// metrics registry.
public struct APIDependencies: Sendable {
    public let engine: Engine
    public let metrics: PrometheusCollectorRegistry

    public init(engine: Engine, metrics: PrometheusCollectorRegistry) {
        self.engine = engine
        self.metrics = metrics
    }
}

/// Builds the router: operations routes at the root, the authenticated API under `/v1`.
public func buildRouter(_ deps: APIDependencies) -> Router<KontorRequestContext> {
    let router = Router(context: KontorRequestContext.self)
    router.middlewares.add(RequestIDMiddleware())
    // The request line is checked before it is logged: an id that is a card number is refused
    // unseen (InputGuardMiddleware checks it again, with the body, under /v1).
    router.middlewares.add(RequestLineMiddleware())
    router.middlewares.add(RequestLogMiddleware(.info))
    router.middlewares.add(MetricsMiddleware())
    router.middlewares.add(ProblemMiddleware())
    let engine = deps.engine
    OperationsRoutes(engine: engine, registry: deps.metrics).register(on: router)
    ConsoleRoutes(engine: engine, secureCookies: engine.portalLinks.baseURL.hasPrefix("https:")).register(
        on: router.group().add(middleware: DatabaseAvailabilityMiddleware(engine: engine)))
    PortalRoutes(portal: engine.portal, secureCookies: engine.portalLinks.baseURL.hasPrefix("https:"))
        .register(on: router.group().add(middleware: DatabaseAvailabilityMiddleware(engine: engine)))
    let v1 = router.group("v1")
        .add(middleware: DatabaseAvailabilityMiddleware(engine: engine))
        .add(middleware: InputGuardMiddleware())
        .add(middleware: AuthMiddleware(engine: engine))
    CustomerRoutes(service: engine.customers).register(on: v1)
    TenantRoutes(service: engine.tenants).register(on: v1)
    PlanRoutes(service: engine.catalog).register(on: v1)
    SubscriptionRoutes(service: engine.subscriptions).register(on: v1)
    UsageRoutes(service: engine.usage).register(on: v1)
    InvoiceRoutes(service: engine.invoices, documents: engine.documents).register(on: v1)
    DocumentRoutes(documents: engine.documents, messages: engine.messages).register(on: v1)
    TestClockRoutes(service: engine.testClock).register(on: v1)
    PaymentMethodRoutes(service: engine.paymentMethods).register(on: v1)
    WebhookRoutes(service: engine.webhooks).register(on: v1)
    ReceivablesRoutes(
        service: engine.receivables, disputes: engine.disputes, plans: engine.paymentPlans, bank: engine.bankStatements
    ).register(on: v1)
    UserRoutes(console: engine.console).register(on: v1)
    DunningControlRoutes(
        review: engine.dunningReview, periods: engine.periodClose, audit: engine.auditExport,
        receivables: engine.receivables
    )
    .register(on: v1)
    MessageRoutes(messages: engine.messages, templates: engine.messageTemplates).register(on: v1)
    SEPABatchRoutes(service: engine.sepaBatches).register(on: v1)
    PortalAPIRoutes(
        links: engine.portalLinks, disputes: engine.disputes, proposals: engine.proposals, audit: engine.auditTrail
    ).register(on: v1)
    ReportRoutes(
        reports: engine.reports, datev: engine.datev, policies: engine.dunningPolicies, dunning: engine.dunningQueries
    ).register(on: v1)
    return router
}

/// The application as a service: the PostgreSQL client runs first and stops last.
public func buildApplication(
    _ deps: APIDependencies, host: String, port: Int, logger: Logger, services: [any Service] = [],
    beforeServerStarts: @escaping @Sendable () async throws -> Void = {}
) -> some ApplicationProtocol {
    var app = Application(
        router: buildRouter(deps),
        configuration: .init(address: .hostname(host, port: port), serverName: "kontor"),
        logger: logger
    )
    app.addServices(deps.engine.databaseServices)
    app.addServices(services)
    app.beforeServerStarts(perform: beforeServerStarts)
    return app
}
