import Crypto
import Foundation
import KontorCore
import KontorStore
import PostgresNIO

/// `POST /v1/bank_statements`: imports camt.053/054, matches credits to open items (invoice
/// number, then payer IBAN + amount, then customer + amount), books return debits, and keeps
/// what it could not match safely for a person (`GET /v1/bank_transactions?status=unmatched`,
/// `POST /v1/bank_transactions/{id}/allocate`).
///
/// Every transaction has a key — the bank's reference, or a digest of its content and place —
/// under a unique index: importing the same statement again finds every key taken and books
/// nothing twice.
public struct BankStatementService: Sendable {
    let database: Database
    let clock: any BillingClock
    let booker: ReceivablesBooker
    let openItems: OpenItemRepository
    let tenants: TenantRepository

    public init(database: Database, clock: any BillingClock) {
        self.database = database
        self.clock = clock
        self.booker = ReceivablesBooker(logger: database.logger)
        self.openItems = OpenItemRepository(logger: database.logger)
        self.tenants = TenantRepository(database: database)
    }

    public struct TransactionJSON: Codable, Sendable {
        public var id: String
        public var object = "bank_transaction"
        public var direction: String
        public var amount: Int64
        public var currency: String
        public var bookingDate: String
        public var remittance: String?
        public var payerIban: String?
        public var payerName: String?
        public var endToEndId: String?
        public var returnReason: String?
        public var fee: Int64?
        public var status: String
        public var matchRule: String?
        public var note: String?
        public var customer: String?
        public var payment: String?
    }

    public struct StatementJSON: Codable, Sendable {
        public var id: String
        public var object = "bank_statement"
        public var format: String
        public var messageId: String?
        public var account: String?
        public var entries: Int
        public var duplicates: Int
        public var matched: Int
        public var unmatched: Int
        public var returns: Int
        public var transactions: [TransactionJSON]
    }

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

    public func importStatement(_ xml: Data, tenant: Tenant) async throws -> StatementJSON {
        let statement: CamtStatement
        do {
            statement = try CamtStatement.parse(xml)
        } catch CamtStatement.ParseError.malformed(let why) {
            throw ValidationError(field: "body", message: "is not ISO 20022 camt.053/camt.054 XML: \(why)")
        }
        for (i, t) in statement.transactions.enumerated() {
            if t.amount <= 0 || Currency(code: t.currency) == nil || t.bookingDate == nil {
                throw ValidationError(
                    field: "Ntry[\(i)]", message: "needs a positive Amt with a Ccy and a BookgDt")
            }
        }
        let now = try await clock.now(for: tenant)
        var touched: Set<String> = []
        let result = try await database.transaction { conn -> StatementJSON in
            let profile = try await tenants.profile(tenant.id, on: conn)
            let statementID = Identifier.make("bst")
            let keyed = statement.transactions.map {
                (Identifier.make("btx"), Self.key($0, account: statement.accountIBAN), $0)
            }
            let rows = try await conn.query(
                """
                INSERT INTO bank_transactions (tenant_id, transaction_id, statement_id, entry_key, direction, amount,
                    currency, booking_date, value_date, remittance, payer_iban, payer_name, end_to_end_id, mandate_id,
                    return_reason, fee, status, created_at)
                SELECT \(tenant.id), i, \(statementID), k, d, a, c, b, NULLIF(v, '')::date, NULLIF(r, ''),
                    NULLIF(ib, ''), NULLIF(n, ''), NULLIF(e, ''), NULLIF(m, ''), NULLIF(rr, ''), NULLIF(f, -1),
                    'unmatched', \(now)
                FROM unnest(\(keyed.map(\.0)), \(keyed.map(\.1)), \(keyed.map { $0.2.credit ? "credit" : "debit" }),
                    \(keyed.map(\.2.amount)), \(keyed.map(\.2.currency)), \(keyed.map { $0.2.bookingDate! }),
                    \(keyed.map { $0.2.valueDate?.description ?? "" }), \(keyed.map { $0.2.remittance.joined(separator: " ") }),
                    \(keyed.map { $0.2.payerIBAN ?? "" }), \(keyed.map { $0.2.payerName ?? "" }),
                    \(keyed.map { $0.2.endToEndID ?? "" }), \(keyed.map { $0.2.mandateID ?? "" }),
                    \(keyed.map { $0.2.returnReason ?? "" }), \(keyed.map { $0.2.fee ?? -1 }))
                    AS x(i, k, d, a, c, b, v, r, ib, n, e, m, rr, f)
                ON CONFLICT (tenant_id, entry_key) DO NOTHING
                RETURNING transaction_id
                """,
                logger: database.logger
            )
            var inserted: Set<String> = []
            for try await id in rows.decode(String.self) { inserted.insert(id) }
            let fresh = keyed.filter { inserted.contains($0.0) }
            var outcomes:
                [String: (status: String, rule: String?, note: String?, customer: String?, payment: String?)] = [:]

            // Credits: match and book.
            let credits = fresh.filter { $0.2.credit && !$0.2.reversal }
            let candidates = try await loadCandidates(credits.map(\.2), tenantID: tenant.id, on: conn)
            var remaining = Dictionary(
                candidates.itemsByCustomer.values.flatMap { $0 }.map { ($0.id, $0.open) },
                uniquingKeysWith: { a, _ in a })
            var receipts: [ReceivablesBooker.Money] = []
            var receiptRows: [(transactionID: String, rule: MatchRule)] = []
            for (id, _, t) in credits {
                let credit = BankCredit(
                    amount: t.amount, currency: t.currency, remittance: t.remittance.joined(separator: " "),
                    payerIBAN: t.payerIBAN, payerName: t.payerName)
                switch PaymentMatcher.match(credit, candidates: candidates) {
                case .unmatched(let reason):
                    outcomes[id] = ("unmatched", nil, reason, nil, nil)
                case .matched(let customer, let rule, let plan):
                    // Earlier credits of this statement may have paid some of the same items.
                    var shares: [AllocationPlan.Share] = []
                    for share in plan.shares {
                        let amount = min(share.amount, remaining[share.itemID] ?? 0)
                        if amount > 0 {
                            shares.append(.init(itemID: share.itemID, amount: amount, part: share.part))
                            remaining[share.itemID]! -= amount
                        }
                    }
                    let allocated = shares.reduce(0) { $0 + $1.amount }
                    receipts.append(
                        .init(
                            customerID: customer, amount: t.amount, currency: t.currency,
                            plan: AllocationPlan(shares: shares, surplus: t.amount - allocated),
                            source: "bank_statement", reference: String(credit.remittance.prefix(140)),
                            payerIBAN: credit.payerIBAN, endToEndID: t.endToEndID))
                    receiptRows.append((id, rule))
                }
            }
            // All matched credits are booked together: a fixed number of statements per import.
            let paymentIDs = try await booker.receive(receipts, profile: profile, now: now, on: conn)
            for ((id, rule), (receipt, payment)) in zip(receiptRows, zip(receipts, paymentIDs)) {
                outcomes[id] = ("matched", rule.rawValue, nil, receipt.customerID, payment)
                touched.insert(receipt.customerID)
            }
            // Debits: return debits are booked against the payment they take back.
            for (id, _, t) in fresh where !t.credit || t.reversal {
                guard t.returnReason != nil || t.reversal else {
                    outcomes[id] = ("ignored", nil, "a debit that is not a return", nil, nil)
                    continue
                }
                let reference = t.endToEndID ?? t.mandateID ?? ""
                guard
                    let paymentID = try await booker.payments.findForReturn(
                        reference: reference, tenantID: tenant.id, on: conn),
                    let payment = try await booker.payments.find(paymentID, tenantID: tenant.id, lock: true, on: conn),
                    payment.reversedAt == nil
                else {
                    outcomes[id] = (
                        "unmatched", nil, "return debit of an unknown or already returned payment", nil, nil
                    )
                    continue
                }
                _ = try await booker.returnPayment(
                    payment, reason: t.returnReason ?? "MS03", fee: t.fee ?? profile.returnFee, card: false,
                    profile: profile, now: now, on: conn)
                outcomes[id] = ("returned", nil, nil, payment.customerID, payment.id)
                touched.insert(payment.customerID)
            }
            let ids = Array(outcomes.keys)
            _ = try await conn.query(
                """
                UPDATE bank_transactions b SET status = u.s, match_rule = NULLIF(u.r, ''), note = NULLIF(u.n, ''),
                    customer_id = NULLIF(u.c, ''), payment_id = NULLIF(u.p, '')
                FROM unnest(\(ids), \(ids.map { outcomes[$0]!.status }), \(ids.map { outcomes[$0]!.rule ?? "" }),
                    \(ids.map { outcomes[$0]!.note ?? "" }), \(ids.map { outcomes[$0]!.customer ?? "" }),
                    \(ids.map { outcomes[$0]!.payment ?? "" })) AS u(i, s, r, n, c, p)
                WHERE b.tenant_id = \(tenant.id) AND b.transaction_id = u.i
                """,
                logger: database.logger
            )
            let count = { (s: String) in outcomes.values.filter { $0.status == s }.count }
            _ = try await conn.query(
                """
                INSERT INTO bank_statements (tenant_id, statement_id, format, message_id, account_iban, entries, duplicates,
                    matched, unmatched, returns, livemode, created_at)
                VALUES (\(tenant.id), \(statementID), \(statement.format), \(statement.messageID), \(statement.accountIBAN),
                    \(statement.transactions.count), \(statement.transactions.count - fresh.count), \(count("matched")),
                    \(count("unmatched")), \(count("returned")), \(tenant.livemode), \(now))
                """,
                logger: database.logger
            )
            return StatementJSON(
                id: statementID, format: statement.format, messageId: statement.messageID,
                account: statement.accountIBAN, entries: statement.transactions.count,
                duplicates: statement.transactions.count - fresh.count, matched: count("matched"),
                unmatched: count("unmatched"), returns: count("returned"),
                transactions: try await transactions(
                    statementID: statementID, status: nil, tenantID: tenant.id, on: conn))
        }
        if !touched.isEmpty {
            try await DunningRun(database: database).run(now: now, tenantID: tenant.id, customerIDs: Array(touched))
        }
        return result
    }

    func loadCandidates(_ credits: [CamtStatement.Transaction], tenantID: String, on conn: PostgresConnection)
        async throws -> MatchCandidates
    {
        let bank = credits.map {
            BankCredit(
                amount: $0.amount, currency: $0.currency, remittance: $0.remittance.joined(separator: " "),
                payerIBAN: $0.payerIBAN, payerName: $0.payerName)
        }
        let numbers = Array(Set(bank.flatMap(\.referenceTokens)))
        let named = try await openItems.current(numbers: numbers, tenantID: tenantID, on: conn)
        let ibans = Array(Set(bank.compactMap(\.payerIBAN)))
        let names = Array(Set(bank.compactMap { $0.payerName?.lowercased() }))
        let rows = try await conn.query(
            """
            SELECT 'iban', upper(replace(sepa_iban, ' ', '')), customer_id FROM payment_methods
            WHERE tenant_id = \(tenantID) AND upper(replace(sepa_iban, ' ', '')) = ANY(\(ibans))
            UNION
            SELECT 'iban', payer_iban, customer_id FROM payments
            WHERE tenant_id = \(tenantID) AND payer_iban = ANY(\(ibans))
            UNION
            SELECT 'name', name, customer_id FROM customers
            WHERE tenant_id = \(tenantID) AND lower(name) = ANY(\(names))
            """,
            logger: database.logger
        )
        var byIBAN: [String: Set<String>] = [:]
        var customerNames: [String: String] = [:]
        for try await (kind, value, customer) in rows.decode((String, String, String).self) {
            if kind == "iban" { byIBAN[value, default: []].insert(customer) } else { customerNames[customer] = value }
        }
        let customers = Set(byIBAN.values.flatMap { $0 }).union(customerNames.keys)
        let items = try await openItems.current(
            customerIDs: Array(customers), tenantID: tenantID, lock: true, on: conn)
        var all = Dictionary(items.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        for item in named { all[item.id] = item }
        return MatchCandidates(items: Array(all.values), customersByIBAN: byIBAN, customerNames: customerNames)
    }

    public func transactions(
        statementID: String?, status: String?, transactionID: String? = nil, tenantID: String,
        on conn: PostgresConnection
    ) async throws -> [TransactionJSON] {
        let rows = try await conn.query(
            """
            SELECT transaction_id, direction, amount, currency, booking_date, remittance, payer_iban, payer_name,
                   end_to_end_id, return_reason, fee, status, match_rule, note, customer_id, payment_id
            FROM bank_transactions
            WHERE tenant_id = \(tenantID) AND (\(statementID)::text IS NULL OR statement_id = \(statementID))
              AND (\(status)::text IS NULL OR status = \(status))
              AND (\(transactionID)::text IS NULL OR transaction_id = \(transactionID))
            ORDER BY seq LIMIT 1000
            """,
            logger: database.logger
        )
        var result: [TransactionJSON] = []
        for try await r in rows.decode(
            (
                String, String, Int64, String, LocalDate, String?, String?, String?, String?, String?, Int64?, String,
                String?, String?, String?, String?
            ).self
        ) {
            result.append(
                TransactionJSON(
                    id: r.0, direction: r.1, amount: r.2, currency: r.3, bookingDate: r.4.description, remittance: r.5,
                    payerIban: r.6, payerName: r.7, endToEndId: r.8, returnReason: r.9, fee: r.10, status: r.11,
                    matchRule: r.12, note: r.13, customer: r.14, payment: r.15))
        }
        return result
    }

    public func list(status: String?, tenant: Tenant) async throws -> [TransactionJSON] {
        if let status, !["matched", "unmatched", "allocated", "returned", "ignored"].contains(status) {
            throw ValidationError(
                field: "status", message: "must be matched, unmatched, allocated, returned or ignored")
        }
        return try await database.withConnection {
            try await transactions(statementID: nil, status: status, tenantID: tenant.id, on: $0)
        }
    }

    /// Books an unmatched credit by hand for `customer` (explicit allocations or oldest first).
    public func allocate(
        _ transactionID: String, input: PaymentInput, tenant: Tenant
    ) async throws -> TransactionJSON {
        let now = try await clock.now(for: tenant)
        let customerID = try await database.transaction { conn -> String in
            let rows = try await conn.query(
                """
                SELECT amount, currency, remittance, payer_iban FROM bank_transactions
                WHERE tenant_id = \(tenant.id) AND transaction_id = \(transactionID) AND direction = 'credit'
                  AND status = 'unmatched'
                FOR UPDATE
                """,
                logger: database.logger
            )
            var found: (Int64, String, String?, String?)?
            for try await r in rows.decode((Int64, String, String?, String?).self) { found = r }
            guard let (amount, currency, remittance, iban) = found else {
                throw EngineError.notFound(resource: "unmatched bank transaction", id: transactionID)
            }
            guard let customerID = input.customer, Identifier.looksValid(customerID, prefix: "cus"),
                try await CustomerRepository(logger: database.logger).find(customerID, tenant: tenant, on: conn) != nil
            else { throw ValidationError(field: "customer", message: "is not a customer of this account") }
            let items = try await openItems.current(
                customerIDs: [customerID], tenantID: tenant.id, lock: true, on: conn)
            let plan: AllocationPlan
            if let shares = input.allocations {
                plan = try AllocationPlan.explicit(
                    amount, shares: shares.map { ($0.invoice ?? "", $0.amount ?? 0) }, items: items
                ).get()
            } else {
                plan = AllocationPlan.oldestDueFirst(amount, over: items.filter { $0.currency == currency })
            }
            let profile = try await tenants.profile(tenant.id, on: conn)
            let payment = try await booker.receive(
                .init(
                    customerID: customerID, amount: amount, currency: currency, plan: plan, source: "bank_statement",
                    reference: remittance.map { String($0.prefix(140)) }, payerIBAN: iban), profile: profile, now: now,
                on: conn)
            _ = try await conn.query(
                """
                UPDATE bank_transactions SET status = 'allocated', customer_id = \(customerID), payment_id = \(payment)
                WHERE tenant_id = \(tenant.id) AND transaction_id = \(transactionID)
                """,
                logger: database.logger
            )
            return customerID
        }
        try await DunningRun(database: database).run(now: now, tenantID: tenant.id, customerIDs: [customerID])
        return try await database.withConnection { conn in
            try await transactions(
                statementID: nil, status: nil, transactionID: transactionID, tenantID: tenant.id, on: conn
            )[0]
        }
    }
}
