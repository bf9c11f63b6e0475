import Crypto
import Foundation
import KontorCore
import KontorStore

/// A closed month as the API shows it.
public struct PeriodCloseJSON: Codable, Sendable, Equatable {
    public var id: String
    public var object = "period_close"
    public var period: String
    public var closedThrough: String
    /// Rows of the DATEV Buchungsstapel handed over at the close, and its SHA-256.
    public var entries: Int
    public var datevSha256: String
    public var closedBy: String
    public var closedAt: Date

    public init(_ r: PeriodCloseRecord) {
        id = r.period
        period = r.period
        closedThrough = r.closedThrough.description
        entries = r.entries
        datevSha256 = r.datevSHA256
        closedBy = r.closedBy
        closedAt = r.closedAt
    }
}

/// Period close: a month's postings exported to DATEV, then the month locked. Nothing is
/// booked into a locked month afterwards: the ledger and allocation writers move a booking
/// dated there to the first open day (a later correction books in the open period), and the
/// database refuses any that is not moved.
///
/// The lock commits first; the export waits until every transaction that began before it has
/// ended, so nothing booked with the old lock can be missing from the file.
public struct PeriodClose: Sendable {
    let operations: OperationRunner
    let closes: PeriodCloseRepository
    let datev: DATEVExport
    let database: Database

    init(database: Database, operations: OperationRunner, datev: DATEVExport) {
        self.database = database
        self.operations = operations
        self.closes = PeriodCloseRepository(logger: database.logger)
        self.datev = datev
    }

    public struct Overview: Sendable {
        public let lockedThrough: LocalDate?
        public let closes: [PeriodCloseJSON]
        /// The month that may be closed next (over, and after the last closed), if any.
        public let next: AccountingPeriod?
    }

    public func overview(tenant: Tenant) async throws -> Overview {
        try await operations.read(tenant) { op in
            let locked = try await closes.lockedThrough(tenantID: tenant.id, forUpdate: false, on: op.connection)
            let today = try await op.today()
            let candidate =
                locked.map { AccountingPeriod(containing: $0).next }
                ?? AccountingPeriod(containing: today.adding(months: -1))
            return Overview(
                lockedThrough: locked,
                closes: try await closes.list(tenantID: tenant.id, on: op.connection).map(PeriodCloseJSON.init),
                next: candidate.closingProblem(today: today, lockedThrough: locked) == nil ? candidate : nil)
        }
    }

    /// Closes `period` ("YYYY-MM"): locks it, waits for bookings under way, exports it and
    /// records the export's SHA-256. A close cut off after the lock is finished by asking again.
    public func close(_ period: String, tenant: Tenant) async throws -> PeriodCloseJSON {
        guard let month = AccountingPeriod(period) else {
            throw ValidationError(field: "period", message: "must be a month YYYY-MM")
        }
        let by = AuditContext.actorName
        let xid: String? = try await operations.run(tenant) { op in
            let locked = try await closes.lockedThrough(tenantID: tenant.id, forUpdate: true, on: op.connection)
            if let locked, AccountingPeriod(containing: locked) == month,
                !(try await closes.list(tenantID: tenant.id, on: op.connection).contains { $0.period == period })
            {
                return nil  // locked, never recorded: finish it
            }
            if let problem = month.closingProblem(today: try await op.today(), lockedThrough: locked) {
                throw ValidationError(field: "period", message: problem)
            }
            return try await closes.lock(through: month.lastDay, tenantID: tenant.id, on: op.connection)
        }
        if let xid { try await waitForBookings(before: xid) }
        let file = try await datev.export(from: month.firstDay, to: month.lastDay, tenant: tenant)
        let digest = SHA256.hash(data: Data(file.utf8)).map { String(format: "%02x", $0) }.joined()
        let rows = max(0, file.split(separator: "\r\n", omittingEmptySubsequences: true).count - 2)
        return try await operations.run(tenant) { op in
            let record = PeriodCloseRecord(
                period: period, closedThrough: month.lastDay, entries: rows, datevSHA256: digest, closedBy: by,
                closedAt: op.now)
            try await closes.record(record, tenantID: tenant.id, on: op.connection)
            let json = PeriodCloseJSON(record)
            op.record(.periodClose(.periodClosed, json))
            return json
        }
    }

    /// Waits (at most 30 s) until no transaction older than the lock is running.
    func waitForBookings(before xid: String) async throws {
        for _ in 0..<300 {
            if try await database.withConnection({ try await closes.settled(after: xid, on: $0) }) { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw EngineError.conflict("Bookings begun before the lock are still running; ask again to finish the close.")
    }
}
