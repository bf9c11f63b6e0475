import Crypto
import Foundation
import KontorCore
import KontorDocuments
import KontorStore
import NIOCore

/// pain.008 batches for a tenant that collects by bank file: gather every scheduled debit the
/// bank takes today into one file (one payment-information block per collection date, scheme
/// and sequence type), store it as made with its SHA-256, hand it out, and mark it submitted.
///
/// Each call is one operation. Gathering locks the debits it takes (SKIP LOCKED) and moves
/// them to `batched` in the same transaction, so two batches made at once never share a debit.
public struct SEPABatchService: Sendable {
    let operations: OperationRunner
    let debits: SEPADebitRepository
    let batches: SEPABatchRepository

    /// The most debits one file carries (banks refuse larger files; the rest waits for the next).
    public static let maximumDebitsPerFile = 50_000

    public init(database: Database, operations: OperationRunner) {
        self.operations = operations
        self.debits = SEPADebitRepository(logger: database.logger)
        self.batches = SEPABatchRepository(logger: database.logger)
    }

    /// Makes a batch of every debit due for a file today; 409 when there is none, or when the
    /// tenant lacks what a file needs (creditor identifier, account).
    public func create(version: Pain008Writer.Version, tenant: Tenant) async throws -> SEPABatchJSON {
        try await operations.run(tenant) { op in
            let conn = op.connection
            let profile = try await op.profile()
            guard let creditorID = profile.documents.sepaCreditorID, let iban = profile.documents.bankIBAN else {
                throw EngineError.conflict(
                    "A pain.008 file needs the tenant's sepa_creditor_id and bank_iban: set them with PATCH /v1/tenant")
            }
            let today = try await op.today()
            try await debits.reconcileScheduled(tenantID: tenant.id, now: op.now, on: conn)
            let due = try await debits.gather(
                tenantID: tenant.id, madeOn: today, livemode: tenant.livemode, limit: Self.maximumDebitsPerFile,
                on: conn)
            guard !due.isEmpty else {
                throw EngineError.conflict(
                    "No direct debit is due for a file on \(today): debits are scheduled when their invoices are collected, and a file takes those at most \(SEPACollectionDate.maximumDaysAhead) days ahead"
                )
            }
            let id = Identifier.make("sepab")
            var dated = due
            for i in dated.indices {
                dated[i].collectionDate = SEPACollectionDate.dateInFile(planned: dated[i].plannedOn, sentOn: today)
                dated[i].status = .batched
                dated[i].batchID = id
            }
            let creditor = SEPACreditor(
                name: SEPAText.clean(profile.legalName ?? profile.name, max: 70), iban: iban,
                bic: profile.documents.bankBIC, creditorID: creditorID)
            let file = SEPADirectDebitFile(
                messageID: Self.messageID(batchID: id), createdAt: Self.timestamp(op.now), creditor: creditor,
                debits: dated.map { $0.directDebit(on: $0.collectionDate!) })
            let bytes = Pain008Writer.write(file, version: version)
            let batch = SEPABatchRecord(
                id: id, messageID: file.messageID, format: version.rawValue, status: .created, madeOn: today,
                debitCount: file.numberOfTransactions, controlSum: file.controlSum,
                sha256: SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined(),
                livemode: tenant.livemode, createdAt: op.now, submittedAt: nil)
            try await batches.insert(batch, file: bytes, tenantID: tenant.id, on: conn)
            try await debits.assign(
                dated.map { ($0.id, $0.collectionDate!) }, batchID: id, tenantID: tenant.id, on: conn)
            let json = SEPABatchJSON(batch, debits: dated)
            op.record(.sepaBatch(.sepaBatchCreated, SEPABatchJSON(batch)))
            return json
        }
    }

    /// Newest first; `status` `created` or `submitted` (anything else: 422 naming it).
    public func list(limit: Int, startingAfter: String?, status raw: String?, tenant: Tenant)
        async throws -> (batches: [SEPABatchJSON], hasMore: Bool)
    {
        let status = raw.flatMap(SEPABatchRecord.Status.init(rawValue:))
        if raw != nil, status == nil {
            throw ValidationError(field: "status", message: "must be created or submitted")
        }
        return try await operations.read(tenant) { op in
            let rows = try await batches.list(
                limit: limit + 1, startingAfter: startingAfter, status: status, tenantID: tenant.id,
                on: op.connection)
            return (rows.prefix(limit).map { SEPABatchJSON($0) }, rows.count > limit)
        }
    }

    /// Direct debits, newest first; `status` scheduled, batched, settled or canceled.
    public func debits(
        limit: Int, startingAfter: String?, status raw: String?, invoiceID: String?, tenant: Tenant
    ) async throws -> (debits: [SEPADebitJSON], hasMore: Bool) {
        let status = raw.flatMap(SEPADebitRecord.Status.init(rawValue:))
        if raw != nil, status == nil {
            throw ValidationError(field: "status", message: "must be scheduled, batched, settled or canceled")
        }
        return try await operations.read(tenant) { op in
            let rows = try await debits.list(
                status: status, invoiceID: invoiceID, limit: limit + 1, startingAfter: startingAfter,
                tenantID: tenant.id, on: op.connection)
            return (rows.prefix(limit).map(SEPADebitJSON.init), rows.count > limit)
        }
    }

    /// One batch with its debits.
    public func get(_ id: String, tenant: Tenant) async throws -> SEPABatchJSON {
        try await operations.read(tenant) { op in
            guard let batch = try await batches.find(id, tenantID: tenant.id, on: op.connection) else {
                throw EngineError.notFound(resource: "sepa_batch", id: id)
            }
            return SEPABatchJSON(
                batch, debits: try await debits.debits(batchID: id, tenantID: tenant.id, on: op.connection))
        }
    }

    /// The file exactly as stored when the batch was made.
    public func file(_ id: String, tenant: Tenant) async throws -> (messageID: String, file: ByteBuffer) {
        try await operations.read(tenant) { op in
            guard let batch = try await batches.find(id, tenantID: tenant.id, on: op.connection),
                let file = try await batches.file(id, tenantID: tenant.id, on: op.connection)
            else { throw EngineError.notFound(resource: "sepa_batch", id: id) }
            return (batch.messageID, file)
        }
    }

    /// The bank has the file: its debits settle on their collection dates. 409 when the batch
    /// was submitted already.
    public func submit(_ id: String, tenant: Tenant) async throws -> SEPABatchJSON {
        try await operations.run(tenant) { op in
            guard try await batches.find(id, tenantID: tenant.id, on: op.connection) != nil else {
                throw EngineError.notFound(resource: "sepa_batch", id: id)
            }
            guard try await batches.submit(id, at: op.now, tenantID: tenant.id, on: op.connection),
                let batch = try await batches.find(id, tenantID: tenant.id, on: op.connection)
            else { throw EngineError.conflict("SEPA batch \(id) was submitted already") }
            op.record(.sepaBatch(.sepaBatchSubmitted, SEPABatchJSON(batch)))
            return SEPABatchJSON(
                batch, debits: try await debits.debits(batchID: id, tenantID: tenant.id, on: op.connection))
        }
    }

    /// The file's message id (at most 35 characters, SEPA identifier rules): the batch id.
    static func messageID(batchID: String) -> String { SEPAText.identifier(fromID: batchID) }

    /// `YYYY-MM-DDThh:mm:ss` in UTC (ISO 20022 `ISODateTime` without a zone, as banks expect):
    /// the API's RFC 3339 form without its `Z`.
    static func timestamp(_ date: Date) -> String { String(RFC3339.string(date).dropLast()) }
}
