import Hummingbird
import KontorEngine
import KontorStore
import Logging
import PostgresNIO
import Prometheus
import ServiceLifecycle

/// Everything the HTTP layer needs from the outside.
public struct APIDependencies: Sendable {
    public let database: Database
    public let clock: any BillingClock
    public let metrics: PrometheusCollectorRegistry

    public init(database: Database, clock: any BillingClock, metrics: PrometheusCollectorRegistry) {
        self.database = database
        self.clock = clock
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
    router.middlewares.add(LogRequestsMiddleware(.info))
    router.middlewares.add(MetricsMiddleware())
    router.middlewares.add(ProblemMiddleware())
    OperationsRoutes(database: deps.database, registry: deps.metrics).register(on: router)
    let v1 = router.group("v1")
        .add(middleware: DatabaseAvailabilityMiddleware(health: deps.database.health))
        .add(middleware: InputGuardMiddleware())
        .add(middleware: AuthMiddleware(tenants: TenantRepository(database: deps.database)))
    let (database, clock) = (deps.database, deps.clock)
    CustomerRoutes(service: CustomerService(database: database, clock: clock)).register(on: v1)
    TenantRoutes(service: TenantService(database: database)).register(on: v1)
    PlanRoutes(service: CatalogService(database: database, clock: clock)).register(on: v1)
    SubscriptionRoutes(service: SubscriptionService(database: database, clock: clock)).register(on: v1)
    UsageRoutes(service: UsageService(database: database, clock: clock)).register(on: v1)
    InvoiceRoutes(service: InvoiceService(database: database, clock: clock)).register(on: v1)
    TestClockRoutes(service: TestClockService(database: database, clock: clock)).register(on: v1)
    PaymentMethodRoutes(service: PaymentMethodService(database: database, clock: clock)).register(on: v1)
    WebhookRoutes(service: WebhookService(database: database, clock: clock)).register(on: v1)
    ReceivablesRoutes(
        service: ReceivablesService(database: database, clock: clock),
        disputes: DisputeService(database: database, clock: clock),
        bank: BankStatementService(database: database, clock: clock)
    ).register(on: v1)
    ReportRoutes(
        reports: ReportService(database: database, clock: clock), datev: DATEVExport(database: database, clock: clock),
        policies: DunningPolicies(database: database), dunning: DunningQueries(database: database)
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
    app.addServices(deps.database.client)
    app.addServices(services)
    app.beforeServerStarts(perform: beforeServerStarts)
    return app
}
