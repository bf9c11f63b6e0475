extension Money {
    /// Splits the amount into parts proportional to `weights` without losing or creating a
    /// single minor unit: the parts always sum to `self`.
    ///
    /// Largest-remainder method: every part first gets its truncated share; the minor units
    /// left over go one each to the parts with the largest remainders, ties to the earlier part.
    /// A negative amount is allocated as its magnitude and negated, so `-1.00` over three parts
    /// is `-0.34, -0.33, -0.33`, the mirror image of `1.00`.
    public func allocated(by weights: [Int64]) throws(MoneyError) -> [Money] {
        guard !weights.isEmpty, weights.allSatisfy({ $0 >= 0 }) else { throw .noWeights }
        let totalWeight = weights.reduce(Int64(0)) { $0 &+ $1 }
        guard totalWeight > 0 else { throw .noWeights }
        guard minorUnits != .min else { throw .overflow }

        let magnitude = minorUnits.magnitude
        var shares: [UInt64] = []
        var remainders: [(index: Int, remainder: UInt64)] = []
        shares.reserveCapacity(weights.count)
        for (index, weight) in weights.enumerated() {
            let product = magnitude.multipliedFullWidth(by: UInt64(weight))
            let (share, remainder) = UInt64(totalWeight).dividingFullWidth(product)
            shares.append(share)
            remainders.append((index, remainder))
        }
        var leftover = magnitude - shares.reduce(0, +)
        remainders.sort { $0.remainder != $1.remainder ? $0.remainder > $1.remainder : $0.index < $1.index }
        var next = 0
        while leftover > 0 {
            shares[remainders[next].index] += 1
            leftover -= 1
            next += 1
        }
        let sign: Int64 = minorUnits < 0 ? -1 : 1
        return shares.map { Money(minorUnits: sign * Int64($0), currency: currency) }
    }

    /// Splits the amount into `count` parts as equal as possible (the first ones get the extra
    /// minor units).
    public func split(into count: Int) throws(MoneyError) -> [Money] {
        guard count > 0 else { throw .noWeights }
        return try allocated(by: Array(repeating: 1, count: count))
    }
}
