import ArgumentParser
import KontorCore

@main
struct Kontor: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kontor",
        abstract: "Subscription billing and receivables on PostgreSQL.",
        subcommands: [Serve.self, Migrate.self, Tenants.self, Users.self, Plans.self, Bill.self, Bench.self]
    )
}
