import Foundation
import KontorCore
import KontorStore
import PostgresNIO

/// Period-close reports: open items and aging as of any day (rebuilt from allocations, so a
/// past report never changes), their reconciliation to the receivable account, DSO, and the
/// DATEV export of a period's postings.
public struct ReportService: Sendable {
    let database: Database
    let operations: OperationRunner
    let openItems: OpenItemRepository
    let handedOver: HandedOverItemRepository

    init(database: Database, operations: OperationRunner) {
        self.database = database
        self.operations = operations
        self.openItems = OpenItemRepository(logger: database.logger)
        self.handedOver = HandedOverItemRepository(logger: database.logger)
    }

    public struct ItemJSON: Codable, Sendable {
        public var invoice: String
        public var number: String
        public var customer: String
        public var customerName: String?
        public var issueDate: String
        public var dueDate: String
        public var currency: String
        public var total: Int64
        public var open: Int64
        public var daysPastDue: Int
        public var bucket: String
        public var handedOver: Bool
    }

    public struct CurrencyTotalsJSON: Codable, Sendable {
        public var currency: String
        public var count: Int
        public var openTotal: Int64
        public var buckets: [String: Int64]
        /// Balance of the receivable account up to the cut-off: must equal `open_total`.
        public var receivableBalance: Int64
        public var reconciled: Bool
    }

    public struct OpenItemReportJSON: Codable, Sendable {
        public var object = "open_item_report"
        public var asOf: String
        public var totals: [CurrencyTotalsJSON]
        public var items: [ItemJSON]
    }

    public struct AgingRowJSON: Codable, Sendable {
        public var customer: String
        public var customerName: String?
        public var currency: String
        public var buckets: [String: Int64]
        public var total: Int64
    }

    public struct AgingReportJSON: Codable, Sendable {
        public var object = "aging_report"
        public var asOf: String
        public var totals: [CurrencyTotalsJSON]
        public var customers: [AgingRowJSON]
    }

    static func buckets(_ t: AgingTotals) -> [String: Int64] {
        Dictionary(uniqueKeysWithValues: AgingBucket.allCases.map { ($0.rawValue, t[$0]) })
    }

    /// Open items as of `asOf` (default: today), with per-currency totals reconciled to the ledger.
    /// `withItems: false` gives the totals only (what a close checklist needs over millions of items).
    public func openItems(asOf: LocalDate?, customerID: String?, withItems: Bool = true, tenant: Tenant) async throws
        -> OpenItemReportJSON
    {
        try await operations.report(tenant) { op in
            let conn = op.connection
            let day = try await asOf.orAsync { try await op.today() }
            var items: [ItemJSON] = []
            var totals: [String: AgingTotals] = [:]
            try await openItems.asOf(day, tenantID: tenant.id, customerID: customerID, on: conn) { row in
                let days = row.item.daysPastDue(on: day)
                totals[row.item.currency, default: AgingTotals()].add(open: row.item.open, daysPastDue: days)
                if withItems {
                    items.append(
                        ItemJSON(
                            invoice: row.item.id, number: row.item.number, customer: row.item.customerID,
                            customerName: row.customerName, issueDate: row.item.issueDate.description,
                            dueDate: row.item.dueDate.description, currency: row.item.currency, total: row.item.total,
                            open: row.item.open, daysPastDue: max(0, days),
                            bucket: AgingBucket(daysPastDue: days).rawValue, handedOver: row.handedOver))
                }
            }
            let ledger =
                customerID == nil
                ? try await openItems.ledgerBalance(account: .receivable, asOf: day, tenantID: tenant.id, on: conn)
                : [:]
            return OpenItemReportJSON(
                asOf: day.description, totals: Self.totals(totals, ledger: ledger, checked: customerID == nil),
                items: items)
        }
    }

    static func totals(_ totals: [String: AgingTotals], ledger: [String: Int64], checked: Bool) -> [CurrencyTotalsJSON]
    {
        Set(totals.keys).union(ledger.keys).sorted().map { currency in
            let t = totals[currency] ?? AgingTotals()
            let balance = ledger[currency] ?? 0
            return CurrencyTotalsJSON(
                currency: currency, count: t.count, openTotal: t.total, buckets: buckets(t),
                receivableBalance: checked ? balance : t.total, reconciled: !checked || balance == t.total)
        }
    }

    public func aging(asOf: LocalDate?, tenant: Tenant) async throws -> AgingReportJSON {
        try await operations.report(tenant) { op in
            let conn = op.connection
            let day = try await asOf.orAsync { try await op.today() }
            var perCustomer: [String: (name: String?, currency: String, totals: AgingTotals)] = [:]
            var order: [String] = []
            var totals: [String: AgingTotals] = [:]
            try await openItems.asOf(day, tenantID: tenant.id, customerID: nil, on: conn) { row in
                let days = row.item.daysPastDue(on: day)
                let key = row.item.customerID + "|" + row.item.currency
                if perCustomer[key] == nil {
                    order.append(key)
                    perCustomer[key] = (row.customerName, row.item.currency, AgingTotals())
                }
                perCustomer[key]!.totals.add(open: row.item.open, daysPastDue: days)
                totals[row.item.currency, default: AgingTotals()].add(open: row.item.open, daysPastDue: days)
            }
            let ledger = try await openItems.ledgerBalance(
                account: .receivable, asOf: day, tenantID: tenant.id, on: conn)
            return AgingReportJSON(
                asOf: day.description, totals: Self.totals(totals, ledger: ledger, checked: true),
                customers: order.map { key in
                    let c = perCustomer[key]!
                    return AgingRowJSON(
                        customer: String(key.prefix { $0 != "|" }), customerName: c.name, currency: c.currency,
                        buckets: Self.buckets(c.totals), total: c.totals.total)
                })
        }
    }

    public struct DSOJSON: Codable, Sendable {
        public var currency: String
        public var receivables: Int64
        public var revenue: Int64
        public var days: Int
        /// Decimal string with two places ("42.50"); null without revenue.
        public var dso: String?
    }

    public struct DSOReportJSON: Codable, Sendable {
        public var object = "dso_report"
        public var from: String
        public var to: String
        public var currencies: [DSOJSON]
    }

    /// DSO = receivables at `to` / sales booked in [from, to] × days in the period, like with
    /// like: both gross. The receivable carries VAT, so the sales are revenue plus the VAT
    /// charged on it (credit notes net off), not the net revenue.
    public func dso(from: LocalDate, to: LocalDate, tenant: Tenant) async throws -> DSOReportJSON {
        guard from <= to else { throw ValidationError(field: "from", message: "must not be after to") }
        return try await operations.report(tenant) { op in
            let conn = op.connection
            let receivables = try await openItems.ledgerBalance(
                account: .receivable, asOf: to, tenantID: tenant.id, on: conn)
            let net = try await openItems.ledgerMovement(
                account: .revenue, from: from, to: to, tenantID: tenant.id, on: conn)
            let vat = try await openItems.ledgerMovement(
                account: .vatPayable, from: from, to: to, tenantID: tenant.id, on: conn)
            let revenue = net.merging(vat, uniquingKeysWith: +)
            let currencies = Set(receivables.keys).union(revenue.keys).sorted()
            return DSOReportJSON(
                from: from.description, to: to.description,
                currencies: currencies.map { c in
                    // Revenue and VAT are credits (negative) in the ledger.
                    let d = DaysSalesOutstanding(
                        receivables: receivables[c] ?? 0, revenue: -(revenue[c] ?? 0), from: from, to: to)
                    return DSOJSON(
                        currency: c, receivables: d.receivables, revenue: d.revenue, days: d.days, dso: d.formatted)
                })
        }
    }
}
