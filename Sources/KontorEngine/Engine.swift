import Foundation
import KontorCore
import KontorMail
import KontorPasswords
import KontorStore
import Logging
import ServiceLifecycle

/// The composition root: every service, runner and worker of the engine, built once from the
/// database, the clock and the payment gateways, and handed out from here. The HTTP layer and
/// the CLI take an `Engine`; nothing else builds services.
public struct Engine: Sendable {
    public let database: Database
    public let clock: any BillingClock
    public let operations: OperationRunner
    public let dunning: DunningRun
    public let collection: CollectionRun

    public let customers: CustomerService
    public let tenants: TenantService
    public let catalog: CatalogService
    public let subscriptions: SubscriptionService
    public let usage: UsageService
    public let invoices: InvoiceService
    public let testClock: TestClockService
    public let paymentMethods: PaymentMethodService
    public let webhooks: WebhookService
    public let receivables: ReceivablesService
    public let disputes: DisputeService
    public let paymentPlans: PaymentPlanService
    public let bankStatements: BankStatementService
    public let reports: ReportService
    public let datev: DATEVExport
    public let dunningPolicies: DunningPolicies
    public let dunningQueries: DunningQueries
    public let documents: DocumentService
    public let archive: DocumentArchive
    public let mail: MailWorker
    public let messages: MessageService
    public let messageTemplates: MessageTemplateService
    public let portal: PortalService
    public let portalLinks: PortalLinkService
    public let proposals: InstalmentProposalService
    public let console: ConsoleAuth
    public let auditTrail: AuditService
    public let openItemList: OpenItemList
    public let debtorAccounts: DebtorAccounts
    public let sepaBatches: SEPABatchService
    public let dunningReview: DunningReview
    public let periodClose: PeriodClose
    public let auditExport: AuditExport
    let authentication: TenantRepository
    /// Every worker, built once: the schedule, the test clock and the follow-ups share them.
    let followUps: FollowUpRunner

    /// `mail` is where messages go (`serve`: SMTP from `KONTOR_SMTP_URL`, else a folder); nil
    /// makes messages but delivers none. `portalURL` is where debtors reach this server (the
    /// links in e-mails point there).
    public init(
        database: Database, clock: any BillingClock = SystemClock(), gateways: PaymentGateways = .sandboxOnly,
        mail transport: (any MailTransport)? = nil, portalURL: String = "http://127.0.0.1:8080",
        passwords: PasswordHasher = PasswordHasher()
    ) {
        self.database = database
        self.clock = clock
        let dunning = DunningRun(database: database)
        let collection = CollectionRun(database: database, gateways: gateways, dunning: dunning)
        self.dunning = dunning
        self.collection = collection
        let archive = DocumentArchive(database: database, portalURL: portalURL)
        self.archive = archive
        let followUps = FollowUpRunner(database: database, dunning: dunning, collection: collection, archive: archive)
        let operations = OperationRunner(database: database, clock: clock, followUps: followUps)
        self.followUps = followUps
        self.operations = operations
        customers = CustomerService(database: database, operations: operations)
        tenants = TenantService(database: database, operations: operations)
        catalog = CatalogService(database: database, operations: operations)
        subscriptions = SubscriptionService(
            database: database, operations: operations, billing: followUps.billing)
        usage = UsageService(database: database, operations: operations)
        invoices = InvoiceService(database: database, operations: operations)
        testClock = TestClockService(database: database, clock: clock, workers: followUps)
        paymentMethods = PaymentMethodService(database: database, operations: operations)
        webhooks = WebhookService(database: database, operations: operations)
        receivables = ReceivablesService(database: database, operations: operations)
        disputes = DisputeService(database: database, operations: operations)
        paymentPlans = PaymentPlanService(database: database, operations: operations)
        bankStatements = BankStatementService(database: database, operations: operations)
        reports = ReportService(database: database, operations: operations)
        datev = DATEVExport(database: database, operations: operations)
        dunningPolicies = DunningPolicies(database: database, operations: operations)
        dunningQueries = DunningQueries(database: database, operations: operations, policies: dunningPolicies)
        documents = DocumentService(database: database, operations: operations, portalURL: portalURL)
        mail = MailWorker(database: database, transport: transport, portalURL: portalURL)
        messages = MessageService(database: database, operations: operations)
        messageTemplates = MessageTemplateService(database: database, operations: operations)
        portal = PortalService(
            database: database, operations: operations, policies: dunningPolicies, disputes: disputes,
            collection: collection, documents: documents)
        portalLinks = PortalLinkService(database: database, operations: operations, baseURL: portalURL)
        proposals = InstalmentProposalService(database: database, operations: operations)
        console = ConsoleAuth(database: database, clock: clock, hasher: passwords)
        auditTrail = AuditService(database: database, operations: operations)
        openItemList = OpenItemList(database: database, operations: operations)
        debtorAccounts = DebtorAccounts(database: database, operations: operations)
        sepaBatches = SEPABatchService(database: database, operations: operations)
        dunningReview = DunningReview(database: database, operations: operations, dunning: dunning)
        periodClose = PeriodClose(database: database, operations: operations, datev: datev)
        auditExport = AuditExport(database: database, operations: operations)
        authentication = TenantRepository(database: database)
    }

    /// The background workers `serve` runs: the same instances the services' follow-ups and the
    /// test clock use (and so the same payment gateways). Each pauses while the database is down.
    public func workers(billingInterval: Duration) -> [RecurringWork] {
        [
            RecurringWork.billing(followUps.billing, database: database, interval: billingInterval),
            RecurringWork.cardExpiry(followUps.expiry, database: database, interval: .seconds(60)),
            RecurringWork.webhooks(database: database, interval: .seconds(1)),
            RecurringWork.documents(archive, database: database, interval: .seconds(2)),
            RecurringWork.mail(mail, database: database, interval: .seconds(5)),
            RecurringWork.collection(
                collection, reversals: followUps.reversals, overdue: followUps.overdue, database: database,
                interval: .seconds(10)),
            RecurringWork.dunning(dunning, database: database, interval: .seconds(60)),
        ].map { $0.watching(database.health) }
    }

    /// The PostgreSQL clients as services (the primary's, and the replica's when there is
    /// one): an application runs them first and stops them last.
    public var databaseServices: [any Service] { database.services }

    /// The tenant a clear API key belongs to, or nil (unknown or revoked).
    public func authenticate(secret: String) async throws -> Tenant? {
        try await authentication.authenticate(secret: secret)
    }

    /// The tenant and the key's id for a clear API key (the key is the audit trail's actor).
    public func authenticateKey(secret: String) async throws -> (tenant: Tenant, keyID: String)? {
        try await authentication.authenticateKey(secret: secret)
    }

    /// Runs `body` with `actor` and `reason` as who and why of every change it makes.
    public func asActor<Result>(_ actor: AuditActor, reason: String?, _ body: () async throws -> Result)
        async rethrows -> Result
    {
        try await AuditContext.$actor.withValue(actor) {
            try await AuditContext.$reason.withValue(reason) { try await body() }
        }
    }

    /// Whether the database answers a ping within `deadline` (what `/health` asks); the
    /// answer is recorded for the fast-fail check below.
    public func isDatabaseReachable(within deadline: Duration) async -> Bool {
        await database.ping(within: deadline)
    }

    /// Runs `body` with `logger` (a request's: its id, its tenant) as the logger of every query
    /// the body's operations send.
    public func withRequestLogger<Result>(_ logger: Logger, _ body: () async throws -> Result) async rethrows
        -> Result
    {
        try await QueryLogger.$current.withValue(logger) { try await body() }
    }

    /// Whether the database answered the last probe (requests fail fast while it does not).
    public var isDatabaseAvailable: Bool { database.health.isAvailable }
}
