import Foundation
import KontorCore
import KontorStore
import PostgresNIO
import ServiceLifecycle

/// Direct debits of a tenant that collects by bank file (`sepa_collection = bank_file`):
/// a leased invoice's debit is scheduled instead of charged, and settles on its collection date
/// once its batch was submitted.
///
/// Invariants: scheduling resolves the charge intent (`scheduled`) and writes the debit in one
/// transaction, so an invoice is never both charged and scheduled; the debit's end-to-end id is
/// the intent's id (`_` as `-`, the SEPA Latin set) and its payment id is fixed when scheduled, so the payment a camt.054 return
/// later finds is the debit the file carried.
extension CollectionRun {
    /// Schedules the lease's debit when its tenant collects by bank file (true), else leaves
    /// the charge to the gateway (false). A mandate that cannot be collected from (lapsed,
    /// used) and a currency other than euro go the gateway way, which declines them.
    func scheduleDebit(
        _ lease: CollectionLease, method: PaymentMethod, sepa: PaymentMethod.SEPADebit, now: Date, today: LocalDate
    ) async throws -> Bool {
        try await database.transaction { conn in
            let profile = try await tenants.profile(lease.tenantID, on: conn)
            guard profile.sepaCollection == .bankFile, lease.currency == Currency.eur.code,
                SEPAMandateRules.refusal(sepa.state, collectingOn: today) == nil,
                let invoice = try await invoices.find(lease.invoiceID, tenantID: lease.tenantID, on: conn)
            else { return false }
            let paymentID = Identifier.make("pay")
            guard try await collection.handOver(lease, paymentID: paymentID, on: conn) else { return true }
            let planned = SEPACollectionDate.collectionDate(
                dueOn: invoice.dueDate, notifiedOn: today, preNotificationDays: profile.sepaPreNotificationDays)
            let debit = SEPADebitRecord(
                id: Identifier.make("sdd"), endToEndID: SEPAText.identifier(fromID: lease.intentID),
                invoiceID: lease.invoiceID,
                customerID: lease.customerID, paymentMethodID: method.id, paymentID: paymentID, amount: lease.amount,
                currency: lease.currency, plannedOn: planned, scheme: sepa.scheme,
                sequenceType: SEPAMandateRules.sequenceType(sepa.state), mandateReference: sepa.mandateReference,
                mandateSignedOn: sepa.mandateDate, debtorName: SEPAText.clean(invoice.buyer.name ?? "", max: 70),
                debtorIBAN: sepa.iban.value, amendment: sepa.amendment,
                remittance: SEPAText.clean("Rechnung \(invoice.number)", max: 140), livemode: lease.livemode,
                createdAt: now)
            guard try await debits.insert(debit, tenantID: lease.tenantID, on: conn) else {
                // Another debit of this invoice is on its way: the lease's intent is not it.
                throw EngineError.conflict("invoice \(lease.invoiceID) already has a direct debit on its way")
            }
            // The mandate is presented under this debit: the next is RCUR, an amendment told once.
            try await methods.recordCollections([method.id], on: planned, tenantID: lease.tenantID, on: conn)
            try await outbox.append(
                [.sepaDebit(.sepaDebitScheduled, SEPADebitJSON(debit))], at: now, tenantID: lease.tenantID,
                livemode: lease.livemode, on: conn)
            return true
        }
    }

    /// Settles every debit of a submitted batch whose collection date has come: a succeeded
    /// payment with the debit's end-to-end id, allocated and booked like a charge (the surplus,
    /// should the invoice have been paid meanwhile, becomes customer credit), a hundred per
    /// transaction. Returns the customers settled for, by tenant (dunning looks at them again).
    func settleDebits(now: Date, tenantID: String?) async throws -> [String: Set<String>] {
        var settled: [String: Set<String>] = [:]
        while !Task.isShuttingDownGracefully {
            let batch = try await database.transaction { conn -> [(tenant: String, customer: String)] in
                let due = try await debits.dueForSettlement(now: now, tenantID: tenantID, limit: 100, on: conn)
                for d in due { try await settle(d, now: now, on: conn) }
                for (tenant, group) in Dictionary(grouping: due, by: \.tenantID) {
                    try await debits.markSettled(group.map(\.debit.id), tenantID: tenant, now: now, on: conn)
                }
                return due.map { ($0.tenantID, $0.debit.customerID) }
            }
            guard !batch.isEmpty else { break }
            for (tenant, customer) in batch { settled[tenant, default: []].insert(customer) }
        }
        return settled
    }

    func settle(_ due: SEPADebitRepository.Due, now: Date, on conn: PostgresConnection) async throws {
        let d = due.debit
        let zone = TimeZone(identifier: due.timeZone) ?? TimeZone(identifier: "UTC")!
        let today = LocalDate(instant: now, in: zone)
        let lease = CollectionLease(
            intentID: d.endToEndID, tenantID: due.tenantID, invoiceID: d.invoiceID, invoiceNumber: due.invoiceNumber,
            customerID: d.customerID, subscriptionID: due.subscriptionID, amount: d.amount, currency: d.currency,
            attempt: 1, firstAttemptAt: d.createdAt, paymentMethodID: d.paymentMethodID, retryDays: [],
            timeZone: due.timeZone, livemode: d.livemode)
        let record = PaymentRecord(
            id: d.paymentID, lease: lease, succeeded: true, failureCode: nil, declineKind: nil,
            gatewayReference: d.batchID, reversalDueOn: nil, reversalReason: nil)
        let owed = try await collection.lockOpenAmount(lease, on: conn)
        let allocated = min(owed, d.amount)
        let surplus = d.amount - allocated
        try await collection.record(
            record, paymentMethodID: d.paymentMethodID, retryAt: nil, unallocated: surplus, endToEndID: d.endToEndID,
            now: now, on: conn)
        let payment = Self.paymentJSON(
            record, paymentMethodID: d.paymentMethodID, allocated: allocated, surplus: surplus,
            endToEndID: d.endToEndID, retryAt: nil, now: now)
        let events = try await bookSuccess(
            lease, payment: payment, allocated: allocated, surplus: surplus, now: now, today: today, on: conn)
        try await outbox.append(events, at: now, tenantID: due.tenantID, livemode: d.livemode, on: conn)
    }
}
