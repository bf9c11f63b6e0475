import Foundation
import KontorCore
import KontorStore

/// The OP-Liste as a finance person reads it: a page of open items as of a key date with
/// filters, and the filtered totals per currency (reconciled to the receivable account when
/// unfiltered).
///
/// A page is one keyset query, fast at any depth. The totals over a million items take
/// seconds, so they are computed once per key date, filter and state of the books (the
/// watermark: a new event or ledger entry moves it) and kept; a page waits for them a moment
/// and otherwise says they are being computed (the page refreshes itself without JavaScript).
public struct OpenItemList: Sendable {
    let operations: OperationRunner
    let openItems: OpenItemRepository
    let cache: ResultCache<OpenItemTotalsKey, [ReportService.CurrencyTotalsJSON]>

    init(database: Database, operations: OperationRunner) {
        self.operations = operations
        self.openItems = OpenItemRepository(logger: database.logger)
        self.cache = ResultCache()
    }

    public struct Page: Sendable {
        public let asOf: LocalDate
        public let items: [ListedOpenItem]
        /// Where the next page starts; nil on the last page.
        public let next: OpenItemCursor?
    }

    /// The filtered totals and how current they are.
    public enum Totals: Sendable {
        /// For the books as they stand.
        case current([ReportService.CurrencyTotalsJSON])
        /// For the books as they stood at `computedAt`; newer ones are being computed.
        case stale([ReportService.CurrencyTotalsJSON], computedAt: Date)
        /// Being computed; nothing to show yet.
        case computing
    }

    public static let pageSize = 50

    /// The tenant's today: the key date of a list asked for without one.
    public func today(tenant: Tenant) async throws -> LocalDate {
        try await operations.read(tenant) { try await $0.today() }
    }

    /// One page after `cursor`, as of `asOf` (default: the tenant's today).
    public func page(
        asOf: LocalDate?, filter: OpenItemFilter, after cursor: OpenItemCursor?, tenant: Tenant
    ) async throws -> Page {
        try await operations.read(tenant) { op in
            let day = try await asOf.orAsync { try await op.today() }
            var items = try await openItems.page(
                asOf: day, filter: filter, after: cursor, limit: Self.pageSize + 1, tenantID: tenant.id,
                on: op.connection)
            let more = items.count > Self.pageSize
            if more { items.removeLast() }
            return Page(asOf: day, items: items, next: more ? items.last?.cursor : nil)
        }
    }

    /// Every filtered item as of `day`, in list order, handed to `body` a page of 2,000 at a
    /// time (a CSV streams them out; memory stays at one page).
    public func each(
        asOf day: LocalDate, filter: OpenItemFilter, tenant: Tenant,
        _ body: ([ListedOpenItem]) async throws -> Void
    ) async throws {
        var cursor: OpenItemCursor?
        repeat {
            let items = try await operations.read(tenant) { op in
                try await openItems.page(
                    asOf: day, filter: filter, after: cursor, limit: 2000, tenantID: tenant.id, on: op.connection)
            }
            if !items.isEmpty { try await body(items) }
            cursor = items.count == 2000 ? items.last?.cursor : nil
        } while cursor != nil
    }

    /// The totals of `filter` as of `day`: from the cache when the books have not moved since,
    /// else computed — waiting at most `wait` before answering with what there is.
    public func totals(asOf day: LocalDate, filter: OpenItemFilter, tenant: Tenant, wait: Duration) async throws
        -> Totals
    {
        let watermark = try await operations.read(tenant) { op in
            try await openItems.watermark(tenantID: tenant.id, on: op.connection)
        }
        let key = OpenItemTotalsKey(tenantID: tenant.id, asOf: day, filter: filter)
        let compute: @Sendable () async throws -> [ReportService.CurrencyTotalsJSON] = { [operations, openItems] in
            try await operations.read(tenant) { op in
                let totals = try await openItems.totals(
                    asOf: day, filter: filter, tenantID: tenant.id, on: op.connection)
                let ledger =
                    filter.isEmpty
                    ? try await openItems.ledgerBalance(
                        account: .receivable, asOf: day, tenantID: tenant.id, on: op.connection) : [:]
                return ReportService.totals(totals, ledger: ledger, checked: filter.isEmpty)
            }
        }
        switch await cache.value(key, watermark: watermark, now: operations.clock.wallNow(), wait: wait, compute) {
        case .current(let t): return .current(t)
        case .stale(let t, let at): return .stale(t, computedAt: at)
        case .computing: return .computing
        }
    }
}

struct OpenItemTotalsKey: Hashable, Sendable {
    let tenantID: String
    let asOf: LocalDate
    let filter: OpenItemFilter
}
