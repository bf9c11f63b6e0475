import Foundation
import KontorCore
import KontorStore
import Logging
import PostgresNIO

/// What to invoice: lines for one customer, before tax and numbering.
public struct InvoiceRequest: Sendable {
    public var customerID: String
    public var subscriptionID: String?
    /// `subscription_cycle`, `subscription_update`, `subscription_final` or `manual`.
    public var billingReason: String
    public var billingDate: LocalDate?
    public var currency: Currency
    public var lines: [InvoiceLineDraft]
    public var buyer: BuyerSnapshot
    public var taxCategory: TaxCategory
    public var collectionMethod: CollectionMethod
    public var paymentTermsDays: Int
    /// Set for fee items (dunning fees, interest, return fees): they are not taxable.
    public var treatment: TaxTreatment?
    /// Set for items that re-open money taken back (not revenue, not a fee): posted receivable
    /// against this account.
    public var counterAccount: LedgerAccount?
    /// For fee items: the claim (principal invoice) they belong to.
    public var claimInvoiceID: String?

    public init(
        customerID: String, subscriptionID: String?, billingReason: String, billingDate: LocalDate?,
        currency: Currency, lines: [InvoiceLineDraft], buyer: BuyerSnapshot, taxCategory: TaxCategory,
        collectionMethod: CollectionMethod, paymentTermsDays: Int
    ) {
        self.customerID = customerID
        self.subscriptionID = subscriptionID
        self.billingReason = billingReason
        self.billingDate = billingDate
        self.currency = currency
        self.lines = lines
        self.buyer = buyer
        self.taxCategory = taxCategory
        self.collectionMethod = collectionMethod
        self.paymentTermsDays = paymentTermsDays
    }
}

/// Issues invoices: tax, gap-free numbers, the invoice rows, ledger postings and
/// `invoice.finalized` events — all on the caller's transaction, all in bulk.
///
/// Invariant: a number is reserved only for an invoice that is inserted in the same
/// transaction, so a rollback returns the numbers and a commit uses every one of them.
struct InvoiceIssuer: Sendable {
    let logger: Logger
    let writer: InvoiceWriter
    let ledger: LedgerWriter
    let outbox: EventOutbox
    let credit: CreditApplier

    init(logger: Logger) {
        self.logger = logger
        self.credit = CreditApplier(logger: logger)
        self.writer = InvoiceWriter(logger: logger)
        self.ledger = LedgerWriter(logger: logger)
        self.outbox = EventOutbox(logger: logger)
    }

    /// The seller as printed on the tenant's invoices.
    static func seller(_ profile: TenantProfile) -> InvoiceParty {
        InvoiceParty(
            name: profile.sellerName, address: profile.address, country: profile.homeCountry, vatID: profile.vatID
        )
    }

    static func treatment(_ buyer: BuyerSnapshot, profile: TenantProfile, category: TaxCategory) -> TaxTreatment {
        TaxRules.treatment(
            sellerCountry: profile.homeCountry,
            customer: TaxRules.Customer(
                country: buyer.country, isBusiness: buyer.kind == .business,
                vatID: buyer.vatID.flatMap { try? VATID($0) }, exempt: buyer.taxExempt
            ),
            category: category
        )
    }

    /// Issues one invoice per request with lines (requests without lines are skipped), in the
    /// order given. Returns the issued invoices.
    ///
    /// Order matters for throughput: everything that needs no invoice number (tax, lines) is
    /// done before the number series row is locked; from the reservation to the commit only the
    /// invoice rows, their postings and their events are written, so concurrent runs of one
    /// tenant wait on each other as briefly as possible.
    @discardableResult
    func issue(_ requests: [InvoiceRequest], profile: TenantProfile, now: Date, on conn: PostgresConnection)
        async throws -> [Invoice]
    {
        let requests = requests.filter { !$0.lines.isEmpty }
        guard !requests.isEmpty else { return [] }
        let drafts = try Self.drafts(requests, profile: profile)
        try await writer.insertLines(
            drafts.map { (invoiceID: $0.id, lines: $0.totals.lines.map(InvoiceLine.init)) }, tenantID: profile.tenantID,
            on: conn
        )
        let numbers = try await reserveNumbers(for: drafts, tenantID: profile.tenantID, on: conn)
        let invoices = Self.invoices(drafts, numbers: numbers, profile: profile, now: now)
        let inserted = try await writer.insert(invoices, tenantID: profile.tenantID, on: conn)
        guard inserted.count == invoices.count else {
            // Another run invoiced one of these periods: roll back (returning the numbers).
            throw BillingConflict(invoices.count - inserted.count)
        }
        try await book(invoices, drafts: drafts, profile: profile, now: now, on: conn)
        try await outbox.append(
            invoices.map { .invoice($0.kind == .feeItem ? .feeItemCreated : .invoiceFinalized, InvoiceJSON($0)) },
            at: now, tenantID: profile.tenantID, livemode: profile.livemode, on: conn)
        // Customer credit (an earlier surplus) pays new invoices first.
        try await credit.applyCredit(to: invoices, profile: profile, now: now, on: conn)
        return invoices
    }

    /// An invoice before its number: its id, kind and totals with tax.
    struct Draft {
        let id: String
        let request: InvoiceRequest
        let kind: DocumentKind
        let totals: InvoiceTotals
    }

    static func drafts(_ requests: [InvoiceRequest], profile: TenantProfile) throws -> [Draft] {
        try requests.map { request in
            let treatment =
                request.treatment ?? Self.treatment(request.buyer, profile: profile, category: request.taxCategory)
            let kind = DocumentKind(billingReason: request.billingReason)
            return Draft(
                id: Identifier.make(kind.idPrefix), request: request, kind: kind,
                totals: try InvoiceTotals(lines: request.lines, treatment: treatment))
        }
    }

    /// The first number of each kind's series for this batch. Each kind has its own gap-free
    /// series; a batch mixing kinds reserves from each once.
    func reserveNumbers(for drafts: [Draft], tenantID: String, on conn: PostgresConnection) async throws
        -> [DocumentKind: Int64]
    {
        var next: [DocumentKind: Int64] = [:]
        for kind in DocumentKind.allCases {
            let count = drafts.count { $0.kind == kind }
            guard count > 0 else { continue }
            next[kind] = try await writer.reserveNumbers(
                series: kind.series, count: count, tenantID: tenantID, on: conn)
        }
        return next
    }

    /// The invoices, numbered in the order given from each kind's first reserved number.
    static func invoices(_ drafts: [Draft], numbers: [DocumentKind: Int64], profile: TenantProfile, now: Date)
        -> [Invoice]
    {
        let issueDate = LocalDate(instant: now, in: profile.zone)
        let formats: [DocumentKind: InvoiceNumberFormat] = [
            .invoice: (try? InvoiceNumberFormat(profile.invoiceNumberFormat)) ?? .invoiceDefault,
            .feeItem: (try? InvoiceNumberFormat(profile.feeItemNumberFormat)) ?? .feeItemDefault,
        ]
        let seller = Self.seller(profile)
        var next = numbers
        return drafts.map { draft in
            let request = draft.request
            let sequence = next[draft.kind]!
            next[draft.kind] = sequence + 1
            var invoice = Invoice(
                id: draft.id, number: formats[draft.kind]!.format(sequence: sequence, issueDate: issueDate),
                customerID: request.customerID, subscriptionID: request.subscriptionID,
                billingReason: request.billingReason, billingDate: request.billingDate,
                currency: request.currency.code, issueDate: issueDate,
                dueDate: issueDate.adding(days: request.paymentTermsDays), totals: draft.totals, seller: seller,
                buyer: InvoiceParty(
                    name: request.buyer.name, address: request.buyer.address, country: request.buyer.country,
                    vatID: request.buyer.vatID
                ),
                collectionMethod: request.collectionMethod.rawValue, livemode: profile.livemode, issuedAt: now
            )
            invoice.claimInvoiceID = request.claimInvoiceID
            return invoice
        }
    }

    /// The ledger postings of the issued invoices, in one statement.
    func book(_ invoices: [Invoice], drafts: [Draft], profile: TenantProfile, now: Date, on conn: PostgresConnection)
        async throws
    {
        let counterAccounts = Dictionary(
            uniqueKeysWithValues: drafts.compactMap { d in d.request.counterAccount.map { (d.id, $0) } })
        try await ledger.append(
            invoices.map { invoice in
                LedgerBooking(
                    documentType: "invoice", documentID: invoice.id, documentNumber: invoice.number,
                    customerID: invoice.customerID, currency: invoice.currency, bookingDate: invoice.issueDate,
                    postings: Self.postings(invoice, counterAccount: counterAccounts[invoice.id])
                )
            },
            tenantID: profile.tenantID, now: now, on: conn
        )
    }
}

extension InvoiceIssuer {
    static func postings(_ invoice: Invoice, counterAccount: LedgerAccount?) -> [LedgerPosting] {
        if let counterAccount {
            return [
                LedgerPosting(account: .receivable, amount: invoice.total),
                LedgerPosting(account: counterAccount, amount: -invoice.total),
            ]
        }
        guard invoice.kind == .feeItem else {
            return LedgerRules.invoice(invoice.subtotal, tax: invoice.tax, total: invoice.total)
        }
        let interest = invoice.lines.filter { $0.chargeCode == "interest" }.reduce(0) { $0 + $1.amount }
        return (LedgerRules.fee(invoice.total - interest) + LedgerRules.interest(interest)).filter { $0.amount != 0 }
    }
}

/// A period that was already invoiced turned up in a run: the transaction is rolled back.
struct BillingConflict: Error, CustomStringConvertible {
    let count: Int

    init(_ count: Int) { self.count = count }

    var description: String { "\(count) period(s) were already invoiced by another run" }
}
