import Foundation
import KontorCore
import KontorStore

/// The debtor account (Kontoauszug) of one customer and the balance list per debtor
/// (Saldenliste), both from the receivable account of the ledger.
///
/// An account is one customer's index range, bounded to `lineLimit` lines (a longer span says
/// so and asks for a shorter one). A Saldenliste page is one keyset query over customers; its
/// totals over every booking of the span are kept per span and state of the books, like the
/// OP-Liste's.
public struct DebtorAccounts: Sendable {
    let operations: OperationRunner
    let accounts: DebtorAccountRepository
    let openItems: OpenItemRepository
    let customers: CustomerRepository
    let cache: ResultCache<BalanceTotalsKey, [BalanceTotal]>
    let overviews: ResultCache<BalanceTotalsKey, Overview>

    init(database: Database, operations: OperationRunner) {
        self.operations = operations
        self.accounts = DebtorAccountRepository(logger: database.logger)
        self.openItems = OpenItemRepository(logger: database.logger)
        self.customers = CustomerRepository(logger: database.logger)
        self.cache = ResultCache()
        self.overviews = ResultCache()
    }

    public static let lineLimit = 5000
    public static let pageSize = 50

    public struct Statement: Sendable {
        public let customerID: String
        public let customerName: String?
        public let account: DebtorAccount
        /// More lines than `lineLimit` in the span: the account shows the first ones only.
        public let truncated: Bool
    }

    /// The customer's account from `from` (default: 1 January of the tenant's year) through
    /// `through` (default: the tenant's today).
    public func account(customerID: String, from: LocalDate?, through: LocalDate?, tenant: Tenant) async throws
        -> Statement
    {
        guard Identifier.looksValid(customerID, prefix: "cus") else {
            throw ValidationError(field: "customer", message: "must be a customer id (cus_…)")
        }
        return try await operations.read(tenant) { op in
            let conn = op.connection
            let today = try await op.today()
            let end = through ?? today
            let start = from ?? LocalDate(year: end.year, month: 1, day: 1)!
            let problems = AccountSpan.problems(from: start, through: end)
            guard problems.isEmpty else { throw ValidationError(problems) }
            guard let customer = try await customers.find(customerID, tenant: tenant, on: conn) else {
                throw EngineError.notFound(resource: "customer", id: customerID)
            }
            let opening = try await accounts.opening(
                customerID: customerID, before: start, tenantID: tenant.id, on: conn)
            var entries = try await accounts.entries(
                customerID: customerID, from: start, through: end, limit: Self.lineLimit + 1, tenantID: tenant.id,
                on: conn)
            let truncated = entries.count > Self.lineLimit
            if truncated { entries.removeLast() }
            return Statement(
                customerID: customerID, customerName: customer.fields.name,
                account: DebtorAccount(from: start, through: end, opening: opening, entries: entries),
                truncated: truncated)
        }
    }

    public struct BalancePage: Sendable {
        public let from: LocalDate
        public let through: LocalDate
        public let rows: [DebtorBalance]
        public let next: DebtorBalanceCursor?
    }

    /// The span of a Saldenliste asked for without one: the tenant's month so far.
    public func defaultSpan(tenant: Tenant) async throws -> (from: LocalDate, through: LocalDate) {
        let today = try await operations.read(tenant) { try await $0.today() }
        return (LocalDate(year: today.year, month: today.month, day: 1)!, today)
    }

    /// One page of the Saldenliste after `cursor`.
    public func balances(
        from: LocalDate, through: LocalDate, customerID: String?, after cursor: DebtorBalanceCursor?, tenant: Tenant
    ) async throws -> BalancePage {
        let problems = AccountSpan.problems(from: from, through: through)
        guard problems.isEmpty else { throw ValidationError(problems) }
        return try await operations.read(tenant) { op in
            var rows = try await accounts.balances(
                from: from, through: through, customerID: customerID, after: cursor, limit: Self.pageSize + 1,
                tenantID: tenant.id, on: op.connection)
            let more = rows.count > Self.pageSize
            if more { rows.removeLast() }
            return BalancePage(from: from, through: through, rows: rows, next: more ? rows.last?.cursor : nil)
        }
    }

    /// A currency's Saldenliste totals: summed over the debtors, and the receivable account's
    /// balance at the end of the span, which the debtors' closing balances must equal.
    public struct BalanceTotal: Sendable {
        public let debtors: DebtorAccount.Balance
        public let account: Int64
        public var reconciled: Bool { debtors.closing == account }
    }

    /// The Saldenliste totals for the span, cached per state of the books.
    public func balanceTotals(from: LocalDate, through: LocalDate, tenant: Tenant, wait: Duration) async throws
        -> CachedAnswer<[BalanceTotal]>
    {
        let watermark = try await operations.read(tenant) { op in
            try await openItems.watermark(tenantID: tenant.id, on: op.connection)
        }
        let compute: @Sendable () async throws -> [BalanceTotal] = { [operations, accounts] in
            try await operations.read(tenant) { op in
                try await accounts.balanceTotals(from: from, through: through, tenantID: tenant.id, on: op.connection)
                    .map { BalanceTotal(debtors: $0.debtors, account: $0.account) }
            }
        }
        let key = BalanceTotalsKey(tenantID: tenant.id, from: from, through: through)
        return await cache.value(key, watermark: watermark, now: operations.clock.wallNow(), wait: wait, compute)
    }
}

struct BalanceTotalsKey: Hashable, Sendable {
    let tenantID: String
    let from: LocalDate
    let through: LocalDate
}

/// The console overview's slow figures: DSO over twelve months, and what is disputed and at
/// the agency — computed once per state of the books, like the totals.
extension DebtorAccounts {
    public struct Overview: Sendable {
        public let months: [DSOHistory.Month]
        public let disputed: [String: Int64]
        public let handedOver: [String: Int64]
    }

    public func overview(today: LocalDate, tenant: Tenant, wait: Duration) async throws -> CachedAnswer<Overview> {
        let watermark = try await operations.read(tenant) { op in
            try await openItems.watermark(tenantID: tenant.id, on: op.connection)
        }
        let compute: @Sendable () async throws -> Overview = { [operations, accounts, openItems] in
            try await operations.read(tenant) { op in
                let first = LocalDate(year: today.year, month: today.month, day: 1)!.adding(months: -11)
                let opening = try await openItems.ledgerBalance(
                    account: .receivable, asOf: first.adding(days: -1), tenantID: tenant.id, on: op.connection)
                let movement = try await accounts.monthlyMovement(
                    from: first, through: today, tenantID: tenant.id, on: op.connection)
                let open = try await accounts.disputedAndHandedOver(tenantID: tenant.id, on: op.connection)
                return Overview(
                    months: DSOHistory.months(through: today, opening: opening, movement: movement),
                    disputed: open.mapValues(\.disputed), handedOver: open.mapValues(\.handedOver))
            }
        }
        return await overviews.value(
            BalanceTotalsKey(tenantID: tenant.id, from: today, through: today), watermark: watermark,
            now: operations.clock.wallNow(), wait: wait, compute)
    }
}
