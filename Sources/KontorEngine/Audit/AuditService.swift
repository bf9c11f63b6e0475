import Foundation
import KontorCore
import KontorStore

/// The audit trail as the API shows it (`GET /v1/audit_log`): newest first, of one object or the
/// whole tenant; each entry says who, when, what, why, and the object before and after.
public struct AuditService: Sendable {
    let operations: OperationRunner
    let audit: AuditRepository

    init(database: Database, operations: OperationRunner) {
        self.operations = operations
        self.audit = AuditRepository(logger: database.logger)
    }

    /// A page as JSON (`{"object": "list", "data": [...], "has_more": …}`): the entries carry the
    /// objects as they were stored, so they are spliced in, not re-encoded.
    public func list(objectID: String?, limit: Int, startingAfter: String?, tenant: Tenant) async throws -> Data {
        var before: Int64?
        if let startingAfter {
            guard startingAfter.hasPrefix("aud_"), let seq = Int64(startingAfter.dropFirst(4)) else {
                throw ValidationError(field: "starting_after", message: "is not an audit entry id (aud_…)")
            }
            before = seq
        }
        let rows = try await operations.read(tenant) { op in
            try await audit.list(
                objectID: objectID, limit: limit + 1, before: before, tenantID: tenant.id, on: op.connection)
        }
        let (page, more) = rows.page(limit)
        let entries = try page.map { e -> [String: Any] in
            var entry: [String: Any] = [
                "id": "aud_\(e.seq)", "object": "audit_entry", "at": RFC3339.string(e.at),
                "actor": ["type": e.actor.kind.rawValue, "id": e.actor.id], "action": e.action,
                "object_type": e.objectType, "object_id": e.objectID, "reason": e.reason ?? NSNull(),
                "after": try JSONSerialization.jsonObject(with: Data(e.after.utf8)),
            ]
            entry["before"] = try e.before.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) } ?? NSNull()
            return entry
        }
        return try JSONSerialization.data(
            withJSONObject: ["object": "list", "data": entries, "has_more": more], options: [.sortedKeys])
    }
}
