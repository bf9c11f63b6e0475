import Crypto
import Foundation
import KontorCore
import KontorStore

/// `POST /v1/bank_statements`: imports camt.053/054, matches credits to open items (invoice
/// number, then payer IBAN + amount, then customer + amount), books return debits, and keeps
/// what it could not match safely for a person (`GET /v1/bank_transactions?status=unmatched`,
/// `POST /v1/bank_transactions/{id}/allocate`).
///
/// Every transaction has a key — the bank's reference, or a digest of its content and place —
/// under a unique index: importing the same statement again finds every key taken and books
/// nothing twice. One import is one operation: every customer it paid or charged back is
/// looked at by dunning before the answer.
public struct BankStatementService: Sendable {
    let operations: OperationRunner
    let booker: ReceivablesBooker
    let openItems: OpenItemRepository
    let customers: CustomerRepository
    let transactions: BankTransactionRepository

    init(database: Database, operations: OperationRunner) {
        self.operations = operations
        self.booker = ReceivablesBooker(logger: database.logger)
        self.openItems = OpenItemRepository(logger: database.logger)
        self.customers = CustomerRepository(logger: database.logger)
        self.transactions = BankTransactionRepository(logger: database.logger)
    }

    /// An entry of the file with the row it becomes.
    typealias Entry = (row: BankTransaction, camt: CamtStatement.Transaction)

    static func key(_ t: CamtStatement.Transaction, account: String?) -> String {
        if let ref = t.accountServicerReference ?? t.entryReference, !ref.isEmpty {
            return "ref:\(account ?? ""):\(ref)"
        }
        let content = [
            account ?? "", t.bookingDate?.description ?? "", "\(t.amount)", t.currency, t.credit ? "C" : "D",
            t.endToEndID ?? "", t.remittance.joined(separator: " "), "\(t.position)",
        ].joined(separator: "|")
        return "sha:" + SHA256.hash(data: Data(content.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// The statement, whole, or a 422 naming what is wrong with it: nothing is booked from a
    /// file that is cut off or has an entry without amount, currency or booking date.
    static func parse(_ xml: Data) throws -> CamtStatement {
        let statement: CamtStatement
        do {
            statement = try CamtStatement.parse(xml)
        } catch CamtStatement.ParseError.malformed(let why) {
            throw ValidationError(field: "body", message: "is not ISO 20022 camt.053/camt.054 XML: \(why)")
        }
        for (i, t) in statement.transactions.enumerated()
        where t.amount <= 0 || Currency(code: t.currency) == nil || t.bookingDate == nil {
            throw ValidationError(field: "Ntry[\(i)]", message: "needs a positive Amt with a Ccy and a BookgDt")
        }
        return statement
    }

    static func entries(_ statement: CamtStatement) -> [Entry] {
        statement.transactions.map { t in
            (
                BankTransaction(
                    id: Identifier.make("btx"), entryKey: key(t, account: statement.accountIBAN),
                    direction: t.credit ? .credit : .debit, amount: t.amount, currency: t.currency,
                    bookingDate: t.bookingDate!, valueDate: t.valueDate,
                    remittance: t.remittance.joined(separator: " "),
                    payerIBAN: t.payerIBAN, payerName: t.payerName, endToEndID: t.endToEndID, mandateID: t.mandateID,
                    returnReason: t.returnReason, fee: t.fee),
                t
            )
        }
    }

    public func importStatement(_ xml: Data, tenant: Tenant) async throws -> BankStatementJSON {
        let statement = try Self.parse(xml)
        return try await operations.run(tenant) { op in
            let statementID = Identifier.make("bst")
            let all = Self.entries(statement)
            let inserted = try await transactions.insertNew(
                all.map(\.row), statementID: statementID, tenantID: tenant.id, now: op.now, on: op.connection)
            let fresh = all.filter { inserted.contains($0.row.id) }
            var outcomes = try await bookCredits(fresh.filter { $0.camt.credit && !$0.camt.reversal }, op)
            outcomes.merge(try await bookReturns(fresh.filter { !$0.camt.credit || $0.camt.reversal }, op)) { a, _ in a
            }
            try await transactions.record(outcomes, tenantID: tenant.id, on: op.connection)
            op.openItemsMoved(for: outcomes.values.compactMap(\.customerID))
            let count = { (s: BankTransaction.Status) in outcomes.values.filter { $0.status == s }.count }
            let record = BankStatementRecord(
                id: statementID, format: statement.format, messageID: statement.messageID,
                accountIBAN: statement.accountIBAN, entries: all.count, duplicates: all.count - fresh.count,
                matched: count(.matched), unmatched: count(.unmatched), returns: count(.returned))
            try await transactions.insert(
                record, tenantID: tenant.id, livemode: tenant.livemode, now: op.now, on: op.connection)
            return BankStatementJSON(
                record,
                transactions: try await transactions.list(
                    statementID: statementID, tenantID: tenant.id, on: op.connection))
        }
    }

    /// Credits: each is matched to open items; all matched credits are booked together, so an
    /// import costs a fixed number of statements, not one per entry.
    func bookCredits(_ credits: [Entry], _ op: OperationContext) async throws -> [String: BankTransaction.Outcome] {
        let candidates = try await loadCandidates(credits.map(\.camt), op)
        var remaining = Dictionary(
            candidates.itemsByCustomer.values.flatMap { $0 }.map { ($0.id, $0.open) }, uniquingKeysWith: { a, _ in a })
        var outcomes: [String: BankTransaction.Outcome] = [:]
        var receipts: [(id: String, rule: MatchRule, money: ReceivablesBooker.Money)] = []
        for (row, t) in credits {
            let credit = BankCredit(
                amount: t.amount, currency: t.currency, remittance: t.remittance.joined(separator: " "),
                payerIBAN: t.payerIBAN, payerName: t.payerName)
            switch PaymentMatcher.match(credit, candidates: candidates) {
            case .unmatched(let reason):
                outcomes[row.id] = .init(.unmatched, note: reason)
            case .matched(let customer, let rule, let plan):
                // Earlier credits of this statement may have paid some of the same items.
                let shares = plan.shares.compactMap { share -> AllocationPlan.Share? in
                    let amount = min(share.amount, remaining[share.itemID] ?? 0)
                    guard amount > 0 else { return nil }
                    remaining[share.itemID]! -= amount
                    return .init(itemID: share.itemID, amount: amount, part: share.part)
                }
                let allocated = shares.reduce(0) { $0 + $1.amount }
                let money = ReceivablesBooker.Money(
                    customerID: customer, amount: t.amount, currency: t.currency,
                    plan: AllocationPlan(shares: shares, surplus: t.amount - allocated), source: "bank_statement",
                    reference: String(credit.remittance.prefix(140)), payerIBAN: credit.payerIBAN,
                    endToEndID: t.endToEndID)
                receipts.append((row.id, rule, money))
            }
        }
        let paymentIDs = try await booker.receive(
            receipts.map(\.money), profile: try await op.profile(), now: op.now, on: op.connection)
        for (receipt, payment) in zip(receipts, paymentIDs) {
            outcomes[receipt.id] = .init(
                .matched, rule: receipt.rule.rawValue, customerID: receipt.money.customerID, paymentID: payment)
        }
        return outcomes
    }

    /// Debits: a return debit is booked against the payment it takes back (found by end-to-end
    /// or mandate id); any other debit is ignored.
    func bookReturns(_ debits: [Entry], _ op: OperationContext) async throws -> [String: BankTransaction.Outcome] {
        var outcomes: [String: BankTransaction.Outcome] = [:]
        let profile = try await op.profile()
        for (row, t) in debits {
            guard t.returnReason != nil || t.reversal else {
                outcomes[row.id] = .init(.ignored, note: "a debit that is not a return")
                continue
            }
            let payments = booker.payments
            guard
                let paymentID = try await payments.findForReturn(
                    reference: t.endToEndID ?? t.mandateID ?? "", tenantID: op.tenant.id, on: op.connection),
                let payment = try await payments.find(paymentID, tenantID: op.tenant.id, lock: true, on: op.connection),
                payment.reversedAt == nil
            else {
                outcomes[row.id] = .init(.unmatched, note: "return debit of an unknown or already returned payment")
                continue
            }
            _ = try await booker.returnPayment(
                payment, reason: t.returnReason ?? "MS03", fee: t.fee ?? profile.returnFee, card: false,
                profile: profile, now: op.now, on: op.connection)
            outcomes[row.id] = .init(.returned, customerID: payment.customerID, paymentID: payment.id)
        }
        return outcomes
    }

    func loadCandidates(_ credits: [CamtStatement.Transaction], _ op: OperationContext) async throws
        -> MatchCandidates
    {
        let bank = credits.map {
            BankCredit(
                amount: $0.amount, currency: $0.currency, remittance: $0.remittance.joined(separator: " "),
                payerIBAN: $0.payerIBAN, payerName: $0.payerName)
        }
        let tenantID = op.tenant.id
        let named = try await openItems.current(
            numbers: Array(Set(bank.flatMap(\.referenceTokens))), tenantID: tenantID, on: op.connection)
        let hints = try await transactions.matchHints(
            ibans: Array(Set(bank.compactMap(\.payerIBAN))),
            names: Array(Set(bank.compactMap { $0.payerName?.lowercased() })),
            tenantID: tenantID, on: op.connection)
        let customers = Set(hints.customersByIBAN.values.flatMap { $0 }).union(hints.customerNames.keys)
        let items = try await openItems.current(
            customerIDs: Array(customers), tenantID: tenantID, lock: true, on: op.connection)
        var all = Dictionary(items.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        for item in named { all[item.id] = item }
        return MatchCandidates(
            items: Array(all.values), customersByIBAN: hints.customersByIBAN, customerNames: hints.customerNames)
    }

    public func list(status: String?, tenant: Tenant) async throws -> [BankTransactionJSON] {
        var typed: BankTransaction.Status?
        if let status {
            guard let s = BankTransaction.Status(rawValue: status) else {
                throw ValidationError(
                    field: "status",
                    message: "must be " + BankTransaction.Status.allCases.map(\.rawValue).joined(separator: ", "))
            }
            typed = s
        }
        return try await operations.read(tenant) { op in
            try await transactions.list(status: typed, tenantID: tenant.id, on: op.connection)
                .map(BankTransactionJSON.init)
        }
    }

    /// Books an unmatched credit by hand for `customer` (explicit allocations or oldest first).
    public func allocate(_ transactionID: String, input: PaymentInput, tenant: Tenant) async throws
        -> BankTransactionJSON
    {
        try await operations.run(tenant) { op in
            let conn = op.connection
            guard
                var t = try await transactions.list(
                    transactionID: transactionID, lock: true, tenantID: tenant.id, on: conn
                ).first, t.direction == .credit, t.status == .unmatched
            else { throw EngineError.notFound(resource: "unmatched bank transaction", id: transactionID) }
            guard let customerID = input.customer, Identifier.looksValid(customerID, prefix: "cus"),
                try await customers.find(customerID, tenant: tenant, on: conn) != nil
            else { throw ValidationError(field: "customer", message: "is not a customer of this account") }
            let items = try await openItems.current(
                customerIDs: [customerID], tenantID: tenant.id, lock: true, on: conn)
            let plan =
                if let shares = input.allocations {
                    try AllocationPlan.explicit(
                        t.amount, shares: shares.map { ($0.invoice ?? "", $0.amount ?? 0) }, items: items
                    ).get()
                } else {
                    AllocationPlan.oldestDueFirst(t.amount, over: items.filter { $0.currency == t.currency })
                }
            let payment = try await booker.receive(
                .init(
                    customerID: customerID, amount: t.amount, currency: t.currency, plan: plan,
                    source: "bank_statement", reference: t.remittance.map { String($0.prefix(140)) },
                    payerIBAN: t.payerIBAN), profile: try await op.profile(), now: op.now, on: conn)
            let outcome = BankTransaction.Outcome(.allocated, note: t.note, customerID: customerID, paymentID: payment)
            try await transactions.record([t.id: outcome], tenantID: tenant.id, on: conn)
            op.openItemsMoved(for: [customerID])
            (t.status, t.customerID, t.paymentID) = (.allocated, customerID, payment)
            return BankTransactionJSON(t)
        }
    }
}
