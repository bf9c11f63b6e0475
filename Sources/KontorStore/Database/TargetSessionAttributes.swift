/// Which server of a multi-host `DATABASE_URL` a session may use — libpq's
/// `target_session_attrs`, with its meaning: `read-write` needs `transaction_read_only = off`,
/// `primary` a server not in recovery, `standby` one in recovery, `read-only` the opposite of
/// `read-write`, and `prefer-standby` a standby if there is one, else any server.
public enum TargetSessionAttributes: String, Sendable, CaseIterable {
    case any
    case readWrite = "read-write"
    case readOnly = "read-only"
    case primary
    case standby
    case preferStandby = "prefer-standby"

    /// What a probe of one server found.
    public struct ServerRole: Sendable, Equatable {
        public let readOnly: Bool
        public let inRecovery: Bool

        public init(readOnly: Bool, inRecovery: Bool) {
            self.readOnly = readOnly
            self.inRecovery = inRecovery
        }
    }

    /// Whether a server of this role is acceptable on the first pass over the hosts.
    /// (`prefer-standby` takes any server on a second pass.)
    public func accepts(_ role: ServerRole) -> Bool {
        switch self {
        case .any: true
        case .readWrite: !role.readOnly
        case .readOnly: role.readOnly
        case .primary: !role.inRecovery
        case .standby, .preferStandby: role.inRecovery
        }
    }

    /// Whether the server must be able to write: then a read-only answer (25006) from it means
    /// it was demoted, and the connector looks for the new primary.
    public var needsWrites: Bool { self == .readWrite || self == .primary }
}
