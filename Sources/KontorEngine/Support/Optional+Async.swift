extension Optional {
    /// `flatMap` for an async transform (a lookup that may find nothing).
    func asyncFlatMap<U>(_ transform: (Wrapped) async throws -> U?) async rethrows -> U? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}

extension Optional {
    /// `?? fallback` for an async fallback (a value asked for only when none was given).
    func orAsync(_ fallback: () async throws -> Wrapped) async rethrows -> Wrapped {
        if let value = self { return value }
        return try await fallback()
    }
}
