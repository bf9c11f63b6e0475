import Foundation

/// Seller or buyer as printed on an invoice (§14 Abs. 4 Nr. 1–2 UStG): a snapshot taken when
/// the invoice is issued, so later address changes never alter an issued invoice.
public struct InvoiceParty: Sendable, Equatable {
    public var name: String?
    /// Address lines joined by newlines.
    public var address: String?
    public var country: String?
    public var vatID: String?

    public init(name: String?, address: String?, country: String?, vatID: String?) {
        self.name = name
        self.address = address
        self.country = country
        self.vatID = vatID
    }
}

public struct InvoiceLine: Sendable, Equatable {
    public var description: String
    public var chargeCode: String?
    public var periodStart: LocalDate?
    public var periodEnd: LocalDate?
    public var quantity: Int64
    public var unitAmount: Int64?
    public var amount: Int64
    public var taxRate: Int
    public var taxAmount: Int64

    public init(_ taxed: InvoiceTotals.TaxedLine) {
        self.description = taxed.line.description
        self.chargeCode = taxed.line.chargeCode
        self.periodStart = taxed.line.period?.start
        self.periodEnd = taxed.line.period?.end
        self.quantity = taxed.line.quantity
        self.unitAmount = taxed.line.unitAmount
        self.amount = taxed.line.amount
        self.taxRate = taxed.taxRate
        self.taxAmount = taxed.taxAmount
    }

    public init(
        description: String, chargeCode: String?, periodStart: LocalDate?, periodEnd: LocalDate?, quantity: Int64,
        unitAmount: Int64?, amount: Int64, taxRate: Int, taxAmount: Int64
    ) {
        self.description = description
        self.chargeCode = chargeCode
        self.periodStart = periodStart
        self.periodEnd = periodEnd
        self.quantity = quantity
        self.unitAmount = unitAmount
        self.amount = amount
        self.taxRate = taxRate
        self.taxAmount = taxAmount
    }
}

public struct TaxRateTotal: Sendable, Equatable, Codable {
    public var rate: Int
    public var net: Int64
    public var tax: Int64

    public init(rate: Int, net: Int64, tax: Int64) {
        self.rate = rate
        self.net = net
        self.tax = tax
    }
}

/// Whether an open item is an invoice (a supply) or a fee item (damages: fees, interest).
public enum DocumentKind: String, Sendable, Hashable, CaseIterable {
    case invoice
    case feeItem = "fee_item"

    /// Billing reasons of fee items. The database derives `invoices.kind` by the same rule.
    public static let feeReasons: Set<String> = ["dunning_fee", "interest", "return_fee"]

    public init(billingReason: String) {
        self = Self.feeReasons.contains(billingReason) ? .feeItem : .invoice
    }

    /// The number series and id prefix of this kind.
    public var series: String { self == .invoice ? "invoice" : "fee_item" }
    public var idPrefix: String { self == .invoice ? "inv" : "fee" }

    /// Whether `id` has the shape of an open item's id: an invoice or a fee item.
    public static func looksLikeOpenItem(_ id: String) -> Bool {
        allCases.contains { Identifier.looksValid(id, prefix: $0.idPrefix) }
    }
}

/// An issued invoice. Everything but the payment state (`status`, `amountPaid`,
/// `amountCredited`) is final from the moment it is stored.
public struct Invoice: Sendable, Equatable {
    public var id: String
    public var number: String
    public var customerID: String
    public var subscriptionID: String?
    public var billingReason: String
    public var billingDate: LocalDate?
    public var currency: String
    public var issueDate: LocalDate
    public var dueDate: LocalDate
    public var periodStart: LocalDate?
    public var periodEnd: LocalDate?
    public var subtotal: Int64
    public var tax: Int64
    public var total: Int64
    public var taxTreatment: String
    public var taxNote: String?
    public var taxBreakdown: [TaxRateTotal]
    public var seller: InvoiceParty
    public var buyer: InvoiceParty
    public var collectionMethod: String
    public var livemode: Bool
    public var issuedAt: Date
    public var status: InvoiceStatus
    public var amountPaid: Int64
    public var amountCredited: Int64
    public var amountWrittenOff: Int64 = 0
    /// Credit-note credit that went to the customer's balance (the invoice was already paid).
    public var amountCreditedToBalance: Int64 = 0
    public var handedOverAt: Date?
    /// For a fee item: the claim (principal invoice) it belongs to (§ 367 (1) BGB).
    public var claimInvoiceID: String?
    public var lines: [InvoiceLine]

    /// Fee items (dunning fees, interest, return fees) are claims for damages, not supplies:
    /// no invoice under § 14 UStG, numbered in their own series.
    public var kind: DocumentKind { DocumentKind(billingReason: billingReason) }

    public init(
        id: String, number: String, customerID: String, subscriptionID: String?, billingReason: String,
        billingDate: LocalDate?, currency: String, issueDate: LocalDate, dueDate: LocalDate, totals: InvoiceTotals,
        seller: InvoiceParty, buyer: InvoiceParty, collectionMethod: String, livemode: Bool, issuedAt: Date
    ) {
        self.id = id
        self.number = number
        self.customerID = customerID
        self.subscriptionID = subscriptionID
        self.billingReason = billingReason
        self.billingDate = billingDate
        self.currency = currency
        self.issueDate = issueDate
        self.dueDate = dueDate
        let periods = totals.lines.compactMap(\.line.period)
        self.periodStart = periods.map(\.start).min()
        self.periodEnd = periods.map(\.end).max()
        self.subtotal = totals.subtotal
        self.tax = totals.tax
        self.total = totals.total
        self.taxTreatment = totals.treatment.code
        self.taxNote = totals.treatment.note
        self.taxBreakdown = totals.breakdown.map { TaxRateTotal(rate: $0.rate, net: $0.net, tax: $0.tax) }
        self.seller = seller
        self.buyer = buyer
        self.collectionMethod = collectionMethod
        self.livemode = livemode
        self.issuedAt = issuedAt
        self.status = .open
        self.amountPaid = 0
        self.amountCredited = 0
        self.lines = totals.lines.map(InvoiceLine.init)
    }

    /// What is left to credit: neither credited yet nor written off (a write-off is no money
    /// the customer could get back).
    public var creditable: Int64 { total - amountCredited - amountCreditedToBalance - amountWrittenOff }

    /// What the customer still owes on it.
    public var amountDue: Int64 { max(0, total - amountPaid - amountCredited - amountWrittenOff) }
}

/// An issued credit note: the correction of (part of) an invoice, in its own number series.
public struct CreditNote: Sendable, Equatable {
    public var id: String
    public var number: String
    public var invoiceID: String
    public var invoiceNumber: String
    public var customerID: String
    public var reason: String
    public var memo: String?
    public var currency: String
    public var issueDate: LocalDate
    public var subtotal: Int64
    public var tax: Int64
    public var total: Int64
    public var taxTreatment: String
    public var taxNote: String?
    public var taxBreakdown: [TaxRateTotal]
    public var livemode: Bool
    public var issuedAt: Date
    public var lines: [InvoiceLine]

    public init(
        id: String, number: String, invoice: Invoice, reason: String, memo: String?, issueDate: LocalDate,
        totals: InvoiceTotals, issuedAt: Date
    ) {
        self.id = id
        self.number = number
        self.invoiceID = invoice.id
        self.invoiceNumber = invoice.number
        self.customerID = invoice.customerID
        self.reason = reason
        self.memo = memo
        self.currency = invoice.currency
        self.issueDate = issueDate
        self.subtotal = totals.subtotal
        self.tax = totals.tax
        self.total = totals.total
        self.taxTreatment = totals.treatment.code
        self.taxNote = totals.treatment.note
        self.taxBreakdown = totals.breakdown.map { TaxRateTotal(rate: $0.rate, net: $0.net, tax: $0.tax) }
        self.livemode = invoice.livemode
        self.issuedAt = issuedAt
        self.lines = totals.lines.map(InvoiceLine.init)
    }
}
