import KontorCore

/// The filters of a list that is read by customer and state (`?customer=&status=`), checked
/// before any query: a customer filter that is not a customer id, or a state that does not
/// exist, is a 422 naming the parameter, never an empty list.
struct ListFilters<State: RawRepresentable & CaseIterable> where State.RawValue == String {
    let customerID: String?
    let state: State?

    init(customer: String?, status: String?) throws(ValidationError) {
        var errors: [FieldError] = []
        state = status.flatMap(State.init(rawValue:))
        if status != nil, state == nil {
            let names = State.allCases.map(\.rawValue)
            errors.append(
                FieldError(
                    field: "status",
                    message: "must be " + names.dropLast().joined(separator: ", ") + " or " + (names.last ?? "")))
        }
        if let customer, !Identifier.looksValid(customer, prefix: "cus") {
            errors.append(FieldError(field: "customer", message: "must be a customer id (cus_…)"))
        }
        guard errors.isEmpty else { throw ValidationError(errors) }
        customerID = customer
    }
}

extension Array {
    /// The first `limit` of up to `limit + 1` rows read, and whether there were more.
    func page(_ limit: Int) -> ([Element], Bool) { (Array(prefix(limit)), count > limit) }
}
