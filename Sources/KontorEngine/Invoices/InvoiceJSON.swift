import Foundation
import KontorCore
import KontorStore

/// One invoice or credit note line as the API shows it.
public struct InvoiceLineJSON: Codable, Sendable, Equatable {
    public var description: String
    public var charge: String?
    public var periodStart: String?
    public var periodEnd: String?
    public var quantity: Int64
    public var unitAmount: Int64?
    public var amount: Int64
    /// Percent as a decimal string ("19", "25.5"): rates are not money, but still no floats.
    public var taxRate: String
    public var taxAmount: Int64

    public init(_ line: InvoiceLine) {
        description = line.description
        charge = line.chargeCode
        periodStart = line.periodStart?.description
        periodEnd = line.periodEnd?.description
        quantity = line.quantity
        unitAmount = line.unitAmount
        amount = line.amount
        taxRate = VATRates.percentText(line.taxRate)
        taxAmount = line.taxAmount
    }
}

public struct TaxBreakdownJSON: Codable, Sendable, Equatable {
    public var taxRate: String
    public var net: Int64
    public var tax: Int64

    public init(_ total: TaxRateTotal) {
        taxRate = VATRates.percentText(total.rate)
        net = total.net
        tax = total.tax
    }
}

public struct PartyJSON: Codable, Sendable, Equatable {
    public var name: String?
    public var address: String?
    public var country: String?
    public var vatId: String?

    public init(_ party: InvoiceParty) {
        name = party.name
        address = party.address
        country = party.country
        vatId = party.vatID
    }
}

/// The invoice object of API.md, as `GET /v1/invoices/{id}` returns it and `invoice.*` events
/// carry it. It holds every field §14 Abs. 4 UStG asks of an invoice.
public struct InvoiceJSON: Codable, Sendable, Equatable {
    public var id: String
    public var object: String
    public var number: String
    public var status: String
    public var customer: String
    public var subscription: String?
    public var billingReason: String
    /// `invoice` (a supply) or `fee_item` (dunning fee, interest, return fee: damages, no invoice).
    public var kind: String
    /// For a fee item: the invoice (claim) it belongs to.
    public var claimInvoice: String?
    public var currency: String
    public var issueDate: String
    public var dueDate: String
    public var periodStart: String?
    public var periodEnd: String?
    public var lines: [InvoiceLineJSON]
    public var subtotal: Int64
    public var tax: Int64
    public var total: Int64
    public var amountDue: Int64
    public var amountPaid: Int64
    public var amountCredited: Int64
    public var amountWrittenOff: Int64
    /// When the item went to the collection agency (RFC 3339), if it did.
    public var handedOverAt: String?
    public var taxTreatment: String
    public var taxNote: String?
    public var taxBreakdown: [TaxBreakdownJSON]
    public var seller: PartyJSON
    public var buyer: PartyJSON
    public var collectionMethod: String
    public var livemode: Bool
    public var createdAt: Date

    public init(_ invoice: Invoice) {
        id = invoice.id
        object = invoice.kind == .feeItem ? "fee_item" : "invoice"
        kind = invoice.kind.rawValue
        claimInvoice = invoice.claimInvoiceID
        number = invoice.number
        status = invoice.status.rawValue
        customer = invoice.customerID
        subscription = invoice.subscriptionID
        billingReason = invoice.billingReason
        currency = invoice.currency
        issueDate = invoice.issueDate.description
        dueDate = invoice.dueDate.description
        periodStart = invoice.periodStart?.description
        periodEnd = invoice.periodEnd?.description
        lines = invoice.lines.map(InvoiceLineJSON.init)
        subtotal = invoice.subtotal
        tax = invoice.tax
        total = invoice.total
        amountDue = invoice.amountDue
        amountPaid = invoice.amountPaid
        amountCredited = invoice.amountCredited + invoice.amountCreditedToBalance
        amountWrittenOff = invoice.amountWrittenOff
        handedOverAt = invoice.handedOverAt.map(RFC3339.string)
        taxTreatment = invoice.taxTreatment.hasPrefix("taxable") ? "taxable" : invoice.taxTreatment
        taxNote = invoice.taxNote
        taxBreakdown = invoice.taxBreakdown.map(TaxBreakdownJSON.init)
        seller = PartyJSON(invoice.seller)
        buyer = PartyJSON(invoice.buyer)
        collectionMethod = invoice.collectionMethod
        livemode = invoice.livemode
        createdAt = invoice.issuedAt
    }
}

/// The credit note object; `credit_note.created` carries it.
public struct CreditNoteJSON: Codable, Sendable, Equatable {
    public var id: String
    public var object: String
    public var number: String
    public var invoice: String
    public var invoiceNumber: String
    public var customer: String
    public var reason: String
    public var memo: String?
    public var currency: String
    public var issueDate: String
    public var lines: [InvoiceLineJSON]
    public var subtotal: Int64
    public var tax: Int64
    public var total: Int64
    public var taxNote: String?
    public var taxBreakdown: [TaxBreakdownJSON]
    public var livemode: Bool
    public var createdAt: Date

    public init(_ note: CreditNote) {
        id = note.id
        object = "credit_note"
        number = note.number
        invoice = note.invoiceID
        invoiceNumber = note.invoiceNumber
        customer = note.customerID
        reason = note.reason
        memo = note.memo
        currency = note.currency
        issueDate = note.issueDate.description
        lines = note.lines.map(InvoiceLineJSON.init)
        subtotal = note.subtotal
        tax = note.tax
        total = note.total
        taxNote = note.taxNote
        taxBreakdown = note.taxBreakdown.map(TaxBreakdownJSON.init)
        livemode = note.livemode
        createdAt = note.issuedAt
    }
}
