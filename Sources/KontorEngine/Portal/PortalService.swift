import Foundation
import KontorCore
import KontorStore

/// The debtor's side of the ledger, behind a portal link: what the account page shows, and what
/// its forms do. Every action is the API's own operation for that customer (a dispute pauses
/// dunning as `POST /v1/invoices/{id}/disputes` does; a payment is a collection charge), limited
/// to the customer the link belongs to: another customer's item is "not found".
public struct PortalService: Sendable {
    let database: Database
    let operations: OperationRunner
    let links: PortalLinkRepository
    let tenants: TenantRepository
    let customers: CustomerRepository
    let openItems: OpenItemRepository
    let disputes: DisputeRepository
    let plans: PaymentPlanRepository
    let proposals: InstalmentProposalRepository
    let dunning: DunningRepository
    let policies: DunningPolicies
    let methods: PaymentMethodRepository
    let invoices: InvoiceRepository
    let disputeService: DisputeService
    let collection: CollectionRun
    let documents: DocumentService

    init(
        database: Database, operations: OperationRunner, policies: DunningPolicies, disputes: DisputeService,
        collection: CollectionRun, documents: DocumentService
    ) {
        self.database = database
        self.operations = operations
        self.links = PortalLinkRepository(logger: database.logger)
        self.tenants = TenantRepository(database: database)
        self.customers = CustomerRepository(logger: database.logger)
        self.openItems = OpenItemRepository(logger: database.logger)
        self.disputes = DisputeRepository(logger: database.logger)
        self.plans = PaymentPlanRepository(logger: database.logger)
        self.proposals = InstalmentProposalRepository(logger: database.logger)
        self.dunning = DunningRepository(logger: database.logger)
        self.policies = policies
        self.methods = PaymentMethodRepository(logger: database.logger)
        self.invoices = InvoiceRepository(logger: database.logger)
        self.disputeService = disputes
        self.collection = collection
        self.documents = documents
    }

    /// The visitor a token opens, or nil: unknown, revoked, or not a token at all (no query).
    public func visitor(token: String) async throws -> PortalVisitor? {
        guard PortalToken.looksValid(token),
            let (tenantID, customerID) = try await database.withConnection({ try await links.resolve(token, on: $0) }),
            let tenant = try await tenants.find(tenantID)
        else { return nil }
        return PortalVisitor(tenant: tenant, customerID: customerID, token: token)
    }

    /// The account page: open items with their standing, balances, credit, the dunning stage
    /// and the debtor's proposals.
    public func account(_ v: PortalVisitor) async throws -> PortalAccount {
        try await operations.read(v.tenant) { op in
            let conn = op.connection
            let tenantID = v.tenant.id
            guard let customer = try await customers.find(v.customerID, tenant: v.tenant, on: conn) else {
                throw EngineError.notFound(resource: "customer", id: v.customerID)
            }
            let today = try await op.today()
            let profile = try await op.profile()
            let items = try await openItems.current(
                customerIDs: [v.customerID], tenantID: tenantID, lock: false, on: conn)
            let open = try await disputes.list(
                customerID: v.customerID, status: .open, limit: 1000, startingAfter: nil, tenantID: tenantID, on: conn)
            let disputed = Dictionary(open.map { ($0.invoiceID, $0.reason) }, uniquingKeysWith: { a, _ in a })
            let kept = try await plans.list(customerIDs: [v.customerID], tenantID: tenantID, on: conn)
                .filter { $0.plan.status(paid: $0.paid, itemsOpen: $0.itemsOpen, on: today) == .active }
            let inPlan = Set(kept.flatMap(\.plan.invoiceIDs))
            let rows = items.map { i -> PortalAccount.Item in
                let overdue = max(0, today.dayNumber - i.dueDate.dayNumber)
                let standing: PortalAccount.Item.Standing =
                    disputed[i.id] != nil ? .disputed : inPlan.contains(i.id) ? .inPlan : overdue > 0 ? .overdue : .open
                return PortalAccount.Item(
                    id: i.id, number: i.number, issueDate: i.issueDate, dueDate: i.dueDate, total: i.total,
                    open: i.open,
                    currency: i.currency, isInvoice: i.id.hasPrefix("inv_"), standing: standing, daysOverdue: overdue,
                    dispute: disputed[i.id])
            }
            var balances: [(currency: String, open: Int64, overdue: Int64)] = []
            for r in rows {
                let overdue = r.daysOverdue > 0 ? r.open : 0
                if let k = balances.firstIndex(where: { $0.currency == r.currency }) {
                    balances[k].open += r.open
                    balances[k].overdue += overdue
                } else {
                    balances.append((r.currency, r.open, overdue))
                }
            }
            let state = try await dunning.state(customerID: v.customerID, tenantID: tenantID, on: conn)
            let resolved = try await policies.resolved(tenantID: tenantID, on: conn)
            let code = customer.fields.dunningPolicy.flatMap { resolved[$0] == nil ? nil : $0 } ?? "default"
            let level = state?.state.level ?? 0
            let levels = resolved[code]?.levels ?? []
            return PortalAccount(
                sellerName: profile.sellerName, customerName: customer.fields.name ?? "",
                language: customer.fields.locale?.language ?? "de", today: today, items: rows, balances: balances,
                credit: customer.balance,
                creditCurrency: customer.fields.currency?.code ?? rows.first?.currency ?? "EUR",
                dunningLevel: level,
                dunningLevelName: level > 0 && level <= levels.count ? levels[level - 1].name : nil,
                proposals: try await proposals.list(
                    customerID: v.customerID, status: nil, limit: 10, startingAfter: nil, tenantID: tenantID, on: conn),
                acceptsCards: !v.tenant.livemode, supportEmail: profile.documents.contactEmail)
        }
    }

    /// Disputes one of the customer's open items with the debtor's message: dunning waits for it.
    public func dispute(_ v: PortalVisitor, invoiceID: String, message: String?) async throws -> Dispute {
        let outcome = try await disputeService.open(
            invoiceID: invoiceID, reason: message, tenant: v.tenant, idempotency: nil, source: .portal,
            customerID: v.customerID)
        guard case .performed(let d) = outcome else { preconditionFailure("no key, no replay") }
        return d
    }

    /// Stores the debtor's proposal to pay `invoiceIDs` in `count` monthly instalments from
    /// `firstDueDate`; finance accepts or declines it (`/v1/instalment_proposals`).
    public func propose(
        _ v: PortalVisitor, invoiceIDs: [String], count: Int?, firstDueDate: String?, message: String
    ) async throws -> InstalmentProposal {
        try await operations.run(v.tenant) { op in
            let items = try await openItems.current(
                customerIDs: [v.customerID], tenantID: v.tenant.id, lock: true, on: op.connection)
            var errors: [FieldError] = []
            let chosen = items.filter { invoiceIDs.contains($0.id) }
            if invoiceIDs.isEmpty {
                errors.append(FieldError(field: "invoices", message: "choose at least one open item"))
            } else if chosen.count != Set(invoiceIDs).count {
                errors.append(FieldError(field: "invoices", message: "are not all open items of this account"))
            } else if Set(chosen.map(\.currency)).count > 1 {
                errors.append(FieldError(field: "invoices", message: "must all be in one currency"))
            }
            let amount = chosen.reduce(0) { $0 + $1.open }
            let first = firstDueDate.flatMap(LocalDate.init)
            let message = message.trimmingWhitespace()
            errors += InstalmentProposal.problems(
                amount: errors.isEmpty ? amount : 1, count: count, first: first, message: message,
                today: try await op.today())
            guard errors.isEmpty, let count, let first else { throw ValidationError(errors) }
            let proposal = InstalmentProposal(
                id: Identifier.make("ipr"), customerID: v.customerID, invoiceIDs: chosen.map(\.id),
                currency: chosen[0].currency, amount: amount, instalments: count, firstDueDate: first,
                message: message, createdAt: op.now)
            guard try await proposals.insert(proposal, tenantID: v.tenant.id, on: op.connection) else {
                throw EngineError.conflict("A proposal of yours is still waiting for an answer.")
            }
            op.record(.proposal(.instalmentProposalCreated, InstalmentProposalJSON(proposal)))
            return proposal
        }
    }

    /// Pays one open item now: the card token or a new SEPA mandate (IBAN checked) becomes one
    /// of the customer's payment methods, and the item is charged on it at once.
    public func pay(_ v: PortalVisitor, invoiceID: String, with payment: PortalPayment) async throws
        -> PortalPaymentResult
    {
        let (method, amount, currency) = try await operations.run(v.tenant) { op -> (String, Int64, String) in
            let items = try await openItems.current(
                customerIDs: [v.customerID], tenantID: v.tenant.id, lock: false, on: op.connection)
            guard let item = items.first(where: { $0.id == invoiceID }) else {
                throw EngineError.notFound(resource: "open item", id: invoiceID)
            }
            let pm = try Self.method(payment, for: v, today: try await op.today(), now: op.now)
            // Kept for this payment (and a return's record), never made the default: paying one
            // item is no consent to future charges.
            try await methods.insert(pm, tenantID: v.tenant.id, on: op.connection)
            return (pm.id, item.open, item.currency)
        }
        let now = try await operations.clock.now(for: v.tenant)
        switch try await collection.chargeNow(
            invoiceID: invoiceID, paymentMethodID: method, tenantID: v.tenant.id, now: now)
        {
        case .notCharged: return .nothingCharged
        case .debitScheduled: return .debited(amount: amount, currency: currency)
        case .charged(.declined(let code, _)): return .declined(code: code)
        case .charged(.succeeded):
            if case .sepaDebit = payment { return .debited(amount: amount, currency: currency) }
            return .paid(amount: amount, currency: currency)
        }
    }

    /// The debtor's card token or new SEPA mandate as a payment method of the customer, checked:
    /// a card only from the offered test cards (test mode), an IBAN by its check digits.
    static func method(_ payment: PortalPayment, for v: PortalVisitor, today: LocalDate, now: Date) throws
        -> PaymentMethod
    {
        let pm: PaymentMethod
        switch payment {
        case .card(let token):
            guard !v.tenant.livemode,
                let card = PortalPayment.sandboxCards.first(where: { $0.token == token })
            else { throw ValidationError(field: "card", message: "choose one of the cards offered") }
            let expiry = try CardExpiry(month: 12, year: today.year + 3)
            pm = PaymentMethod(
                id: Identifier.make("pm"), customerID: v.customerID, kind: .card,
                card: .init(token: card.token, brand: card.brand, last4: card.last4, expiry: expiry),
                sepaDebit: nil, livemode: v.tenant.livemode, createdAt: now, updatedAt: now)
        case .sepaDebit(let ibanText, let holder):
            var errors: [FieldError] = []
            var iban: IBAN?
            do throws(ValidationError) { iban = try IBAN(ibanText) } catch {
                errors += error.errors.map { FieldError(field: "iban", message: $0.message) }
            }
            let holder = holder.trimmingWhitespace()
            if holder.isEmpty || holder.count > 70 {
                errors.append(FieldError(field: "account_holder", message: "must be 1 to 70 characters"))
            }
            guard errors.isEmpty, let iban else { throw ValidationError(errors) }
            // The mandate the debtor gives here, referenced by the payment method's id.
            let id = Identifier.make("pm")
            pm = PaymentMethod(
                id: id, customerID: v.customerID, kind: .sepaDebit, card: nil,
                sepaDebit: .init(
                    iban: iban, mandateReference: "PORTAL-" + id.dropFirst(3).prefix(28), mandateDate: today),
                livemode: v.tenant.livemode, createdAt: now, updatedAt: now)
        }
        return pm
    }

    /// Replaces the customer's way to pay (the link in a card-expiry notice): the new method
    /// becomes the default that the next invoices are charged to — the debtor asks for that here.
    public func replaceMethod(_ v: PortalVisitor, with payment: PortalPayment) async throws -> PaymentMethod {
        try await operations.run(v.tenant) { op in
            let pm = try Self.method(payment, for: v, today: try await op.today(), now: op.now)
            try await methods.insert(pm, tenantID: v.tenant.id, on: op.connection)
            try await methods.setDefault(pm.id, customerID: v.customerID, tenantID: v.tenant.id, on: op.connection)
            return pm
        }
    }

    /// The customer's active cards and mandates, the default first.
    public func methodsOnFile(_ v: PortalVisitor) async throws -> [PaymentMethodJSON] {
        try await operations.read(v.tenant) { op in
            let defaultID = try await methods.defaultID(
                customerID: v.customerID, tenantID: v.tenant.id, on: op.connection)
            return try await methods.list(
                tenantID: v.tenant.id, customerID: v.customerID, limit: 20, startingAfter: nil, on: op.connection
            ).paymentMethods.filter { $0.status == .active && $0.kind != .bankTransfer }
                .map { PaymentMethodJSON($0, isDefault: $0.id == defaultID) }
                .sorted { $0.isDefault && !$1.isDefault }
        }
    }

    /// An archived document of one of the customer's invoices: the PDF, or the XRechnung (UBL).
    public func invoiceDocument(_ v: PortalVisitor, invoiceID: String, syntax: DocumentService.Syntax) async throws
        -> ArchivedDocument
    {
        try await requireOwn(v, invoiceID)
        return try await documents.einvoice(invoiceID: invoiceID, syntax: syntax, tenant: v.tenant)
    }

    /// The account statement as of a day (today when nil), as a PDF.
    public func statement(_ v: PortalVisitor, asOf: LocalDate?) async throws -> ArchivedDocument {
        try await documents.statementPDF(customerID: v.customerID, asOf: asOf, currency: nil, tenant: v.tenant)
    }

    /// The number of one of the customer's issued items (open or settled), nil for anything else.
    public func number(_ v: PortalVisitor, of invoiceID: String) async throws -> String? {
        guard DocumentKind.looksLikeOpenItem(invoiceID) else { return nil }
        let invoice = try await operations.read(v.tenant) { op in
            try await invoices.find(invoiceID, tenantID: v.tenant.id, on: op.connection)
        }
        return invoice?.customerID == v.customerID ? invoice?.number : nil
    }

    func requireOwn(_ v: PortalVisitor, _ invoiceID: String) async throws {
        let owner = try await operations.read(v.tenant) { op in
            try await invoices.find(invoiceID, tenantID: v.tenant.id, on: op.connection)
        }
        guard let owner, owner.customerID == v.customerID else {
            throw EngineError.notFound(resource: "invoice", id: invoiceID)
        }
    }
}
