import KontorCore

/// Who is changing things in this task, and why: set by the HTTP layer around a request (the
/// API key or the console user, the `Kontor-Reason` header), read by every operation when it
/// writes its audit rows. Unset: Kontor itself (a worker, a schedule).
public enum AuditContext {
    @TaskLocal public static var actor: AuditActor?
    @TaskLocal public static var reason: String?

    /// Who is acting, as the tables that record a decision spell it (`user:usr_…`,
    /// `api_key:key_…`, `system:kontor`).
    public static var actorName: String {
        let a = actor ?? .system
        return "\(a.kind.rawValue):\(a.id)"
    }
}
