import KontorCore

/// Who is changing things in this task, and why: set by the HTTP layer around a request (the
/// API key or the console user, the `Kontor-Reason` header), read by every operation when it
/// writes its audit rows. Unset: Kontor itself (a worker, a schedule).
public enum AuditContext {
    @TaskLocal public static var actor: AuditActor?
    @TaskLocal public static var reason: String?
}
