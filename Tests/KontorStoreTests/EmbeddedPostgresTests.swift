import Foundation
import KontorEmbedded
import KontorStore
import PostgresNIO
import Testing

@Suite struct EmbeddedPostgresTests {
    @Test func binariesAreFoundOnThisMachine() throws {
        let binaries = try PostgresBinaries.locate()
        #expect(FileManager.default.isExecutableFile(atPath: binaries.initdb))
    }

    @Test func missingBinariesGiveAClearError() {
        #expect(throws: StoreError.postgresBinariesNotFound) {
            try PostgresBinaries.locate(environment: ["PATH": "/nonexistent"], debianRoot: "/nonexistent")
        }
        #expect(StoreError.postgresBinariesNotFound.description.contains("DATABASE_URL"))
    }

    @Test func databaseURLIsParsed() throws {
        let config = try DatabaseURL.configuration("postgres://app:s%40cret@db.internal:6432/kontor")
        #expect(config.host == "db.internal")
        #expect(config.port == 6432)
        #expect(config.username == "app")
        #expect(config.password == "s@cret")
        #expect(config.database == "kontor")
        #expect(throws: StoreError.self) { try DatabaseURL.configuration("mysql://x/y") }
        #expect(throws: StoreError.self) { try DatabaseURL.configuration("postgres://host") }
    }

    @Test func aMultiHostURLListsItsHostsInOrderWithTheirRole() throws {
        let url = try DatabaseURL(
            "postgresql://app:p%2Fw@db1:5433,db2,[::1]:6432/kontor?target_session_attrs=read-write")
        #expect(url.endpoints.map(\.description) == ["db1:5433", "db2:5432", "[::1]:6432"])
        #expect(url.username == "app")
        #expect(url.password == "p/w")
        #expect(url.database == "kontor")
        #expect(url.targetSessionAttributes == .readWrite)
        #expect(url.configuration(for: url.endpoints[2]).host == "::1")
        #expect(try DatabaseURL("postgres://h/db").targetSessionAttributes == .any)
    }

    @Test func aBadMultiHostURLIsRefusedNamingWhatIsWrong() {
        for bad in [
            "postgres://h1:5432,:5433/db", "postgres://h1:99999/db", "postgres://h1:x/db",
            "postgres://h1,h2/db?target_session_attrs=writable", "postgres://h1/db?sslmode=require",
            "postgres://h1,h2/", "http://h1/db",
        ] {
            #expect(throws: StoreError.self, "\(bad)") { try DatabaseURL(bad) }
        }
        do {
            _ = try DatabaseURL("postgres://h/db?target_session_attrs=x", name: "DATABASE_REPLICA_URL")
        } catch {
            #expect(error.description.contains("DATABASE_REPLICA_URL: target_session_attrs must be one of any"))
        }
    }

    /// libpq's meaning of each `target_session_attrs` value.
    @Test func targetSessionAttributesAcceptTheServersLibpqAccepts() {
        let primary = TargetSessionAttributes.ServerRole(readOnly: false, inRecovery: false)
        let standby = TargetSessionAttributes.ServerRole(readOnly: true, inRecovery: true)
        let readOnlyPrimary = TargetSessionAttributes.ServerRole(readOnly: true, inRecovery: false)
        #expect(TargetSessionAttributes.readWrite.accepts(primary))
        #expect(!TargetSessionAttributes.readWrite.accepts(standby))
        #expect(!TargetSessionAttributes.readWrite.accepts(readOnlyPrimary))
        #expect(TargetSessionAttributes.primary.accepts(readOnlyPrimary))
        #expect(!TargetSessionAttributes.primary.accepts(standby))
        #expect(TargetSessionAttributes.standby.accepts(standby))
        #expect(!TargetSessionAttributes.standby.accepts(primary))
        #expect(TargetSessionAttributes.readOnly.accepts(readOnlyPrimary))
        #expect(TargetSessionAttributes.any.accepts(standby) && TargetSessionAttributes.any.accepts(primary))
        #expect(TargetSessionAttributes.readWrite.needsWrites && !TargetSessionAttributes.any.needsWrites)
    }
}
