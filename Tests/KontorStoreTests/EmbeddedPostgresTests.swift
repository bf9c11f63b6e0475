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
}
