import Foundation
import KontorCore
import Logging
import PostgresNIO

/// Customers of one tenant. Every query filters by `tenant_id`: another tenant's customer is
/// indistinguishable from one that does not exist.
public struct CustomerRepository: Sendable {
    public let logger: Logger

    public init(logger: Logger) {
        self.logger = logger
    }

    static let columns = """
        customer_id, name, email, external_id, kind, address_line1, address_line2, postal_code, city,
        country, tax_id, tax_exempt, currency, dunning_policy, metadata::text, balance, livemode, created_at, updated_at,
        leitweg_id, locale, invoice_delivery
        """

    public func insert(_ fields: CustomerFields, id: String, tenant: Tenant, now: Date, on conn: PostgresConnection)
        async throws -> Customer
    {
        let metadata = try MetadataJSON.encode(fields.metadata)
        _ = try await conn.query(
            """
            INSERT INTO customers (tenant_id, customer_id, name, email, external_id, kind, address_line1, address_line2,
                postal_code, city, country, tax_id, tax_exempt, currency, dunning_policy, metadata, livemode,
                created_at, updated_at, leitweg_id, locale, invoice_delivery)
            VALUES (\(tenant.id), \(id), \(fields.name), \(fields.email?.value), \(fields.externalID),
                \(fields.kind.rawValue), \(fields.addressLine1), \(fields.addressLine2), \(fields.postalCode),
                \(fields.city), \(fields.country?.code), \(fields.taxID?.description), \(fields.taxExempt),
                \(fields.currency?.code), \(fields.dunningPolicy), \(metadata)::jsonb, \(tenant.livemode), \(now), \(now),
                \(fields.leitwegID?.value), \(fields.locale?.value), \(fields.invoiceDelivery.rawValue))
            """,
            logger: logger.forQuery
        )
        return Customer(id: id, fields: fields, balance: 0, livemode: tenant.livemode, createdAt: now, updatedAt: now)
    }

    public func update(_ customer: Customer, tenant: Tenant, now: Date, on conn: PostgresConnection) async throws
        -> Customer
    {
        let f = customer.fields
        let metadata = try MetadataJSON.encode(f.metadata)
        let rows = try await conn.query(
            """
            UPDATE customers SET name = \(f.name), email = \(f.email?.value), external_id = \(f.externalID),
                kind = \(f.kind.rawValue), address_line1 = \(f.addressLine1), address_line2 = \(f.addressLine2),
                postal_code = \(f.postalCode), city = \(f.city), country = \(f.country?.code),
                tax_id = \(f.taxID?.description), tax_exempt = \(f.taxExempt), currency = \(f.currency?.code),
                dunning_policy = \(f.dunningPolicy), metadata = \(metadata)::jsonb, updated_at = \(now),
                leitweg_id = \(f.leitwegID?.value), locale = \(f.locale?.value),
                invoice_delivery = \(f.invoiceDelivery.rawValue)
            WHERE tenant_id = \(tenant.id) AND customer_id = \(customer.id)
            RETURNING \(unescaped: Self.columns)
            """,
            logger: logger.forQuery
        )
        guard let updated = try await Self.decode(rows).first else { throw StoreError.notFound }
        return updated
    }

    /// Reads one customer; `forUpdate` locks the row for the rest of the transaction.
    public func find(_ id: String, tenant: Tenant, forUpdate: Bool = false, on conn: PostgresConnection) async throws
        -> Customer?
    {
        let lock = forUpdate ? "FOR UPDATE" : ""
        let rows = try await conn.query(
            """
            SELECT \(unescaped: Self.columns) FROM customers
            WHERE tenant_id = \(tenant.id) AND customer_id = \(id) \(unescaped: lock)
            """,
            logger: logger.forQuery
        )
        return try await Self.decode(rows).first
    }

    /// Newest first, `limit` + 1 rows fetched to tell whether there are more.
    /// Several customers in one query.
    public func find(ids: [String], tenantID: String, on conn: PostgresConnection) async throws -> [Customer] {
        guard !ids.isEmpty else { return [] }
        let rows = try await conn.query(
            "SELECT \(unescaped: Self.columns) FROM customers WHERE tenant_id = \(tenantID) AND customer_id = ANY(\(ids))",
            logger: logger.forQuery
        )
        return try await Self.decode(rows)
    }

    public func list(tenant: Tenant, limit: Int, startingAfter: String?, on conn: PostgresConnection) async throws
        -> (customers: [Customer], hasMore: Bool)
    {
        let rows: PostgresRowSequence
        if let startingAfter {
            rows = try await conn.query(
                """
                SELECT \(unescaped: Self.columns) FROM customers
                WHERE tenant_id = \(tenant.id)
                  AND seq < (SELECT seq FROM customers WHERE tenant_id = \(tenant.id) AND customer_id = \(startingAfter))
                ORDER BY seq DESC LIMIT \(limit + 1)
                """,
                logger: logger.forQuery
            )
        } else {
            rows = try await conn.query(
                """
                SELECT \(unescaped: Self.columns) FROM customers WHERE tenant_id = \(tenant.id)
                ORDER BY seq DESC LIMIT \(limit + 1)
                """,
                logger: logger.forQuery
            )
        }
        let customers = try await Self.decode(rows)
        return (Array(customers.prefix(limit)), customers.count > limit)
    }

    public func exists(_ id: String, tenant: Tenant, on conn: PostgresConnection) async throws -> Bool {
        let rows = try await conn.query(
            "SELECT 1 FROM customers WHERE tenant_id = \(tenant.id) AND customer_id = \(id)",
            logger: logger.forQuery
        )
        for try await _ in rows { return true }
        return false
    }

    static func decode(_ rows: PostgresRowSequence) async throws -> [Customer] {
        var result: [Customer] = []
        for try await row in rows {
            let r = try row.decode(
                (
                    String, String?, String?, String?, String, String?, String?, String?, String?, String?, String?,
                    Bool, String?, String?, String, Int64, Bool, Date, Date, String?, String?, String
                ).self
            )
            let metadata = try MetadataJSON.decode(r.14)
            let fields = CustomerFields(
                name: r.1, email: r.2.flatMap(EmailAddress.init), externalID: r.3,
                kind: CustomerKind(rawValue: r.4) ?? .consumer, addressLine1: r.5, addressLine2: r.6,
                postalCode: r.7, city: r.8, country: r.9.flatMap(CountryCode.init),
                taxID: r.10.flatMap { try? VATID($0) }, taxExempt: r.11, currency: r.12.flatMap { Currency(code: $0) },
                dunningPolicy: r.13, metadata: metadata, leitwegID: r.19.flatMap(LeitwegID.init),
                locale: r.20.flatMap(LanguageTag.init)
            )
            var withDelivery = fields
            withDelivery.invoiceDelivery = InvoiceDelivery(rawValue: r.21) ?? .pdf
            result.append(
                Customer(id: r.0, fields: withDelivery, balance: r.15, livemode: r.16, createdAt: r.17, updatedAt: r.18)
            )
        }
        return result
    }
}
