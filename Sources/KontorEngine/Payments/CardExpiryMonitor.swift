import Foundation
import KontorCore
import KontorStore
import Logging
import PostgresNIO

/// Fires `payment_method.expiring` (lead time before a card's expiry, default 30 days, per
/// tenant) and `payment_method.expired` (at expiry), once per card and expiry date. The notices
/// and their events are written in one transaction, so a notice exists if and only if its event
/// does.
public struct CardExpiryMonitor: Sendable {
    let database: Database
    let notices: CardExpiryRepository
    let methods: PaymentMethodRepository
    let outbox: EventOutbox

    public init(database: Database) {
        self.database = database
        self.notices = CardExpiryRepository(logger: database.logger)
        self.methods = PaymentMethodRepository(logger: database.logger)
        self.outbox = EventOutbox(logger: database.logger)
    }

    /// Fires what is due at `now`; returns the number of events.
    @discardableResult
    public func run(now: Date, tenantID: String? = nil) async throws -> Int {
        try await database.transaction { conn in
            let fired = try await notices.recordDue(now: now, tenantID: tenantID, on: conn)
            for (tenant, group) in Dictionary(grouping: fired, by: \.tenantID) {
                let found = try await methods.find(ids: group.map(\.paymentMethodID), tenantID: tenant, on: conn)
                let byID = Dictionary(uniqueKeysWithValues: found.map { ($0.id, $0) })
                let events = group.compactMap { notice -> DomainEvent? in
                    guard let pm = byID[notice.paymentMethodID],
                        let type = EventType(rawValue: "payment_method.\(notice.kind)")
                    else { return nil }
                    return .paymentMethod(type, PaymentMethodJSON(pm, isDefault: true))
                }
                try await outbox.append(
                    events, at: now, tenantID: tenant, livemode: found.first?.livemode ?? false, on: conn)
            }
            return fired.count
        }
    }
}
