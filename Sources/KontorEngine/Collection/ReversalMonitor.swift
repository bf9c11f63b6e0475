import Foundation
import KontorCore
import KontorStore
import PostgresNIO

/// Books chargebacks and returned SEPA debits when the PSP reports them (the sandbox says
/// when, at charge time), through the same path as `POST /v1/payments/{id}/return` and a
/// bank statement's return debit: the items open again, the ledger takes the money back out of
/// clearing, a SEPA return's bank fee (the tenant's `return_fee`) becomes an open item, and
/// `charge.chargeback` (cards) or `payment.returned` (SEPA) fires. The customers go back into
/// dunning at once.
public struct ReversalMonitor: Sendable {
    let database: Database
    let reversals: ReversalRepository
    let tenants: TenantRepository
    let booker: ReceivablesBooker
    let dunning: DunningRun

    public init(database: Database, dunning: DunningRun) {
        self.dunning = dunning
        self.database = database
        self.reversals = ReversalRepository(logger: database.logger)
        self.tenants = TenantRepository(database: database)
        self.booker = ReceivablesBooker(logger: database.logger)
    }

    @discardableResult
    public func run(now: Date, tenantID: String? = nil) async throws -> Int {
        var total = 0
        while true {
            let booked = try await database.transaction { conn -> [DueReversal] in
                let due = try await reversals.due(now: now, tenantID: tenantID, limit: 200, on: conn)
                for (tenant, group) in Dictionary(grouping: due, by: \.tenantID) {
                    let profile = try await tenants.profile(tenant, on: conn)
                    for r in group {
                        guard let payment = try await booker.payments.find(r.paymentID, tenantID: tenant, on: conn)
                        else { continue }
                        let sepa = r.paymentMethodType == "sepa_debit"
                        _ = try await booker.returnPayment(
                            payment, reason: r.reason, fee: sepa ? profile.returnFee : 0, card: !sepa, profile: profile,
                            now: now, on: conn)
                    }
                }
                return due
            }
            guard !booked.isEmpty else { return total }
            total += booked.count
            for (tenant, group) in Dictionary(grouping: booked, by: \.tenantID) {
                try await dunning.run(now: now, tenantID: tenant, customerIDs: Array(Set(group.map(\.customerID))))
            }
        }
    }
}
