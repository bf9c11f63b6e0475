import Foundation
import KontorCore
import KontorStore

/// `GET /v1/exports/collection`: the hand-over file for the collection agency — one row per
/// handed-over item with the debtor's address, the claim as it stands and the dunning before it.
extension ReportService {
    public struct CollectionItemJSON: Codable, Sendable {
        public var handedOverOn: String
        public var invoice: String
        public var number: String
        /// `subscription_cycle`, `manual`, … or `dunning_fee` / `return_fee` for fee items.
        public var billingReason: String
        public var status: String
        public var issueDate: String
        public var dueDate: String
        public var daysPastDue: Int
        public var currency: String
        public var total: Int64
        public var paid: Int64
        public var credited: Int64
        public var writtenOff: Int64
        public var open: Int64
        public var customer: String
        public var customerName: String?
        public var customerKind: String
        public var email: String?
        public var addressLine1: String?
        public var addressLine2: String?
        public var postalCode: String?
        public var city: String?
        public var country: String?
        public var taxId: String?
        public var inDefaultSince: String?
        public var notices: Int
        public var firstNoticeOn: String?
        public var lastNoticeOn: String?
        public var lastLevel: String?
    }

    public struct CollectionExportJSON: Codable, Sendable {
        public var object = "collection_export"
        public var asOf: String
        public var from: String?
        public var to: String?
        /// Open amount per currency of the rows still open.
        public var openTotals: [String: Int64]
        public var items: [CollectionItemJSON]
    }

    /// Items handed over between `from` and `to` (inclusive; both optional), as they stand today.
    public func collection(from: LocalDate?, to: LocalDate?, customerID: String?, tenant: Tenant) async throws
        -> CollectionExportJSON
    {
        if let from, let to, from > to { throw ValidationError(field: "to", message: "must not be before from") }
        if let customerID, !Identifier.looksValid(customerID, prefix: "cus") {
            throw ValidationError(field: "customer", message: "is not a customer id")
        }
        return try await operations.report(tenant) { op in
            let profile = try await op.profile()
            let day = try await op.today()
            let rows = try await handedOver.list(
                from: from, to: to, customerID: customerID, timeZone: profile.timeZone, tenantID: tenant.id,
                on: op.connection)
            var totals: [String: Int64] = [:]
            let items = rows.map { r in
                if r.item.open > 0 { totals[r.item.currency, default: 0] += r.item.open }
                return CollectionItemJSON(
                    handedOverOn: r.handedOverOn.description, invoice: r.item.id, number: r.item.number,
                    billingReason: r.billingReason, status: r.status, issueDate: r.item.issueDate.description,
                    dueDate: r.item.dueDate.description, daysPastDue: max(0, r.item.daysPastDue(on: day)),
                    currency: r.item.currency, total: r.item.total, paid: r.paid, credited: r.credited,
                    writtenOff: r.writtenOff, open: r.item.open, customer: r.item.customerID,
                    customerName: r.customerName, customerKind: r.customerKind, email: r.email,
                    addressLine1: r.addressLine1, addressLine2: r.addressLine2, postalCode: r.postalCode, city: r.city,
                    country: r.country, taxId: r.taxID, inDefaultSince: r.inDefaultSince?.description,
                    notices: r.notices, firstNoticeOn: r.firstNoticeOn?.description,
                    lastNoticeOn: r.lastNoticeOn?.description, lastLevel: r.lastLevelName)
            }
            return CollectionExportJSON(
                asOf: day.description, from: from?.description, to: to?.description, openTotals: totals, items: items)
        }
    }
}
