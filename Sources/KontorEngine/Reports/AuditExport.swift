import Foundation
import KontorCore
import KontorDocuments
import KontorStore

/// The tax-audit export (GoBD Z3, "Datenträgerüberlassung"): the period's invoices, lines,
/// credit notes, journal and allocations and the debtors, each as a CSV, described by an
/// `index.xml` in the GDPdU standard, in one ZIP archive. Read in one transaction (a
/// consistent snapshot): the files agree with each other.
public struct AuditExport: Sendable {
    let database: Database
    let operations: OperationRunner
    let export: AuditExportRepository

    init(database: Database, operations: OperationRunner) {
        self.database = database
        self.operations = operations
        self.export = AuditExportRepository(logger: database.logger)
    }

    static func german(_ d: LocalDate) -> String { String(format: "%02d.%02d.%04d", d.day, d.month, d.year) }

    /// The archive's bytes for the days `from` through `to` (at most three years: a tax audit's
    /// usual span).
    public func archive(from: LocalDate, to: LocalDate, tenant: Tenant) async throws -> [UInt8] {
        guard from <= to else { throw ValidationError(field: "from", message: "must not be after to") }
        guard from.days(to: to) <= 3 * 366 else {
            throw ValidationError(field: "to", message: "must be within three years of from")
        }
        let profile = try await operations.read(tenant) { try await $0.profile() }
        return try await database.report { conn in
            var zip = ZipArchive()
            var tables: [GDPdUIndex.Table] = []
            for spec in AuditExportRepository.specs {
                zip.add(spec.file, try await export.csv(spec, from: from, to: to, tenantID: tenant.id, on: conn))
                tables.append(
                    GDPdUIndex.Table(
                        file: spec.file, name: spec.name, description: spec.description, primaryKey: spec.primaryKey,
                        columns: spec.columns.map { c in
                            let type: GDPdUIndex.ColumnType =
                                switch c.kind {
                                case .text: .text
                                case .amount: .numeric(accuracy: 2)
                                case .integer: .numeric(accuracy: 0)
                                case .date: .date
                                }
                            return GDPdUIndex.Column(c.name, type, c.description)
                        },
                        foreignKeys: spec.foreignKeys.map { fk in
                            (
                                fk.column,
                                AuditExportRepository.specs.first { $0.file == fk.table + ".csv" }?.name ?? fk.table
                            )
                        }))
            }
            let xml = GDPdUIndex.xml(
                supplier: profile.sellerName, location: profile.homeCountry, from: Self.german(from),
                to: Self.german(to), tables: tables)
            zip.add("index.xml", Array(xml.utf8))
            return zip.finished()
        }
    }
}
