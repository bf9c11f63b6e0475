/// What a console user asks to do; each role may do some of it. Reading is everyone's, so it
/// is not listed: a page is shown to every signed-in user of the tenant.
public enum ConsoleAction: String, Sendable, CaseIterable {
    /// Allocate money to open items (the unmatched-transactions queue).
    case allocate
    /// Block, postpone and release dunning (Mahnsperre, Mahnvorschlag).
    case dun
    /// Propose writing an item off.
    case proposeWriteOff = "propose_write_off"
    /// Approve a write-off someone else proposed.
    case approveWriteOff = "approve_write_off"
    /// Export a month to DATEV and lock it.
    case closePeriod = "close_period"
    /// Export the tax-audit data (GoBD Z3): what an auditor is there for.
    case auditExport = "audit_export"
}

extension UserRole {
    /// Whether this role may do `action`. An auditor changes nothing (but takes the audit
    /// export); a collector duns and allocates but neither writes off nor closes periods.
    public func may(_ action: ConsoleAction) -> Bool {
        switch (self, action) {
        case (.admin, _), (.finance, _): true
        case (.collector, .allocate), (.collector, .dun), (.collector, .proposeWriteOff): true
        case (.auditor, .auditExport): true
        default: false
        }
    }
}
