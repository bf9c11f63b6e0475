import Foundation
import KontorCore
import Logging
import PostgresNIO

public struct PaymentMethodRepository: Sendable {
    public let logger: Logger

    public init(logger: Logger) {
        self.logger = logger
    }

    static let columns = """
        payment_method_id, customer_id, type, card_token, card_brand, card_last4, card_exp_month, card_exp_year,
        sepa_iban, sepa_mandate_reference, sepa_mandate_date, status, livemode, created_at, updated_at,
        sepa_scheme, sepa_mandate_type, sepa_last_collection_on, sepa_amended_from_iban, sepa_amended_from_reference
        """

    public func insert(_ pm: PaymentMethod, tenantID: String, on conn: PostgresConnection) async throws {
        let card = pm.card
        let sepa = pm.sepaDebit
        _ = try await conn.query(
            """
            INSERT INTO payment_methods (tenant_id, payment_method_id, customer_id, type, card_token, card_brand,
                card_last4, card_exp_month, card_exp_year, card_expires_on, sepa_iban, sepa_mandate_reference,
                sepa_mandate_date, status, livemode, created_at, updated_at, sepa_scheme, sepa_mandate_type)
            VALUES (\(tenantID), \(pm.id), \(pm.customerID), \(pm.kind.rawValue), \(card?.token), \(card?.brand),
                \(card?.last4), \(card?.expiry.month), \(card?.expiry.year), \(card?.expiry.firstInvalidDay),
                \(sepa?.iban.value), \(sepa?.mandateReference), \(sepa?.mandateDate), \(pm.status.rawValue), \(pm.livemode),
                \(pm.createdAt), \(pm.updatedAt), \(sepa?.scheme.rawValue), \(sepa?.mandateType.rawValue))
            """,
            logger: logger.forQuery
        )
    }

    /// A collection was presented under these mandates on `on`: the next one is `RCUR`, the
    /// 36 months until lapse start again, and a pending amendment has been carried.
    public func recordCollections(_ ids: [String], on date: LocalDate, tenantID: String, on conn: PostgresConnection)
        async throws
    {
        guard !ids.isEmpty else { return }
        _ = try await conn.query(
            """
            UPDATE payment_methods
               SET sepa_last_collection_on = greatest(sepa_last_collection_on, \(date)),
                   sepa_amended_from_iban = NULL, sepa_amended_from_reference = NULL
             WHERE tenant_id = \(tenantID) AND payment_method_id = ANY(\(ids)) AND type = 'sepa_debit'
            """,
            logger: logger.forQuery
        )
    }

    /// Saves a mandate's new IBAN and reference with what they were before, when a collection
    /// was presented under the old ones (`amendedFrom…`), as the store's model says.
    public func amendMandate(
        _ id: String, to sepa: PaymentMethod.SEPADebit, tenantID: String, now: Date, on conn: PostgresConnection
    )
        async throws
    {
        _ = try await conn.query(
            """
            UPDATE payment_methods
               SET sepa_iban = \(sepa.iban.value), sepa_mandate_reference = \(sepa.mandateReference),
                   sepa_amended_from_iban = \(sepa.amendedFromIBAN),
                   sepa_amended_from_reference = \(sepa.amendedFromReference), updated_at = \(now)
             WHERE tenant_id = \(tenantID) AND payment_method_id = \(id) AND type = 'sepa_debit'
            """,
            logger: logger.forQuery
        )
    }

    /// Saves a card's new expiry (a card updater or the customer renewed it).
    public func updateExpiry(_ id: String, expiry: CardExpiry, tenantID: String, now: Date, on conn: PostgresConnection)
        async throws
    {
        _ = try await conn.query(
            """
            UPDATE payment_methods SET card_exp_month = \(expiry.month), card_exp_year = \(expiry.year),
                card_expires_on = \(expiry.firstInvalidDay), updated_at = \(now)
            WHERE tenant_id = \(tenantID) AND payment_method_id = \(id)
            """,
            logger: logger.forQuery
        )
    }

    public func find(_ id: String, tenantID: String, forUpdate: Bool = false, on conn: PostgresConnection)
        async throws -> PaymentMethod?
    {
        try await decode(
            conn.query(
                """
                SELECT \(unescaped: Self.columns) FROM payment_methods
                WHERE tenant_id = \(tenantID) AND payment_method_id = \(id) \(unescaped: forUpdate ? "FOR UPDATE" : "")
                """,
                logger: logger.forQuery
            )
        ).first
    }

    public func find(ids: [String], tenantID: String, on conn: PostgresConnection) async throws -> [PaymentMethod] {
        try await decode(
            conn.query(
                """
                SELECT \(unescaped: Self.columns) FROM payment_methods
                WHERE tenant_id = \(tenantID) AND payment_method_id = ANY(\(ids))
                """,
                logger: logger.forQuery
            )
        )
    }

    public func list(
        tenantID: String, customerID: String?, limit: Int, startingAfter: String?, on conn: PostgresConnection
    ) async throws -> (paymentMethods: [PaymentMethod], hasMore: Bool) {
        let found = try await decode(
            conn.query(
                """
                SELECT \(unescaped: Self.columns) FROM payment_methods
                WHERE tenant_id = \(tenantID)
                  AND (\(customerID)::text IS NULL OR customer_id = \(customerID))
                  AND (\(startingAfter)::text IS NULL OR seq < (SELECT seq FROM payment_methods
                       WHERE tenant_id = \(tenantID) AND payment_method_id = \(startingAfter)))
                ORDER BY seq DESC LIMIT \(limit + 1)
                """,
                logger: logger.forQuery
            )
        )
        return (Array(found.prefix(limit)), found.count > limit)
    }

    /// The customer's default payment method id, if any.
    public func defaultID(customerID: String, tenantID: String, on conn: PostgresConnection) async throws -> String? {
        let rows = try await conn.query(
            "SELECT default_payment_method FROM customers WHERE tenant_id = \(tenantID) AND customer_id = \(customerID)",
            logger: logger.forQuery
        )
        for try await id in rows.decode(String?.self) { return id }
        return nil
    }

    /// Default payment method ids of several customers, in one query.
    public func defaultIDs(customerIDs: [String], tenantID: String, on conn: PostgresConnection) async throws
        -> [String: String]
    {
        let rows = try await conn.query(
            """
            SELECT customer_id, default_payment_method FROM customers
            WHERE tenant_id = \(tenantID) AND customer_id = ANY(\(customerIDs)) AND default_payment_method IS NOT NULL
            """,
            logger: logger.forQuery
        )
        var result: [String: String] = [:]
        for try await (customer, pm) in rows.decode((String, String).self) { result[customer] = pm }
        return result
    }

    public func setDefault(_ id: String, customerID: String, tenantID: String, on conn: PostgresConnection)
        async throws
    {
        _ = try await conn.query(
            """
            UPDATE customers SET default_payment_method = \(id)
            WHERE tenant_id = \(tenantID) AND customer_id = \(customerID)
            """,
            logger: logger.forQuery
        )
    }

    func decode(_ rows: PostgresRowSequence) async throws -> [PaymentMethod] {
        var result: [PaymentMethod] = []
        for try await r in rows.decode(
            (
                String, String, String, String?, String?, String?, Int32?, Int32?, String?, String?, LocalDate?,
                String, Bool, Date, Date, String?, String?, LocalDate?, String?, String?
            ).self
        ) {
            var card: PaymentMethod.Card?
            if let token = r.3, let last4 = r.5, let month = r.6, let year = r.7 {
                card = PaymentMethod.Card(
                    token: token, brand: r.4 ?? "unknown", last4: last4,
                    expiry: try CardExpiry(month: Int(month), year: Int(year))
                )
            }
            var sepa: PaymentMethod.SEPADebit?
            if let iban = r.8, let reference = r.9, let date = r.10 {
                sepa = PaymentMethod.SEPADebit(
                    iban: try IBAN(iban), mandateReference: reference, mandateDate: date,
                    scheme: r.15.flatMap(SEPAScheme.init(rawValue:)) ?? .core,
                    mandateType: r.16.flatMap(SEPAMandateKind.init(rawValue:)) ?? .recurring, lastCollectionOn: r.17,
                    amendedFromIBAN: r.18, amendedFromReference: r.19)
            }
            result.append(
                PaymentMethod(
                    id: r.0, customerID: r.1, kind: PaymentMethod.Kind(rawValue: r.2) ?? .bankTransfer, card: card,
                    sepaDebit: sepa, status: try .stored(r.11), livemode: r.12, createdAt: r.13, updatedAt: r.14
                )
            )
        }
        return result
    }
}
