import ArgumentParser
import Foundation
import KontorCore
import KontorEmbedded
import KontorEngine
import KontorStore
import Logging
import PostgresNIO

struct Users: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Manage the people who use the finance console.", subcommands: [Create.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a console user; without --password-stdin it prints a one-time password once.")

        @Option(help: "The tenant's id (ten_…).") var tenant: String
        @Option(help: "The user's e-mail address (their login).") var email: String
        @Option(help: "admin, finance, collector or auditor (read-only).") var role: String
        @Flag(help: "Read the password from standard input (one line) instead of making one.")
        var passwordStdin = false
        @Option(help: "Directory for the private PostgreSQL cluster.") var stateDirectory = ".kontor"

        func validate() throws {
            guard UserRole(rawValue: role) != nil else {
                throw ValidationError("--role must be admin, finance, collector or auditor")
            }
            guard EmailAddress(email) != nil else { throw ValidationError("--email is not an e-mail address") }
        }

        func run() async throws {
            var password: String?
            if passwordStdin {
                password = readLine(strippingNewline: true)
                if let problem = LoginRules.passwordProblems(password ?? "").first {
                    throw ValidationError("the password \(problem.message)")
                }
            }
            let logger = Logger(label: "kontor.users")
            let target = try await DatabaseTarget.resolve(stateDirectory: stateDirectory, logger: logger)
            defer { target.stopOwnedCluster(logger: logger) }
            let files = try MigrationFile.load(from: MigrationFile.defaultDirectory)
            let created = try await PostgresClient.withRunning(target.configuration, logger: logger) { client in
                let database = Database(client: client, logger: logger)
                try await Bootstrap(database: database, migrations: files).migrate()
                do {
                    return try await Engine(database: database).console.createUser(
                        tenantID: tenant, email: email, role: role, password: password)
                } catch let e as KontorCore.ValidationError {
                    throw ValidationError(e.errors.map { "--\($0.field) \($0.message)" }.joined(separator: "; "))
                } catch let e as EngineError {
                    throw ValidationError("\(e)")
                }
            }
            print("Created \(created.user.role.rawValue) \(created.user.email) (\(created.user.id)) for \(tenant)")
            if !passwordStdin { print("One-time password (shown once): \(created.password)") }
            print("Log in at /console/login")
        }
    }
}
