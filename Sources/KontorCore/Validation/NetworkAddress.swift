/// An IPv4 or IPv6 address, and what kind of network it belongs to — for refusing webhook
/// URLs that would make Kontor call into its own host or network (SSRF): a cloud metadata
/// service at 169.254.169.254, a database on 10.0.0.5, the admin port on 127.0.0.1.
public enum NetworkAddress: Hashable, Sendable {
    case v4(UInt8, UInt8, UInt8, UInt8)
    /// Sixteen bytes, network order.
    case v6([UInt8])

    public enum Scope: String, Sendable {
        case loopback, linkLocal = "link_local", `private`, unspecified, multicast, reserved, `public`
    }

    /// Parses a dotted IPv4 or an IPv6 literal (brackets allowed); nil for a host name.
    public init?(literal text: String) {
        var text = Substring(text)
        if text.hasPrefix("["), text.hasSuffix("]") { text = text.dropFirst().dropLast() }
        let v4 = text.split(separator: ".", omittingEmptySubsequences: false)
        if v4.count == 4, v4.allSatisfy({ !$0.isEmpty && $0.count <= 3 && $0.allSatisfy(\.isNumber) }) {
            let bytes = v4.compactMap { UInt8($0) }
            guard bytes.count == 4 else { return nil }
            self = .v4(bytes[0], bytes[1], bytes[2], bytes[3])
            return
        }
        guard text.contains(":"), let bytes = Self.parseV6(String(text)) else { return nil }
        self = .v6(bytes)
    }

    static func parseV6(_ text: String) -> [UInt8]? {
        var halves: [String] = []
        var rest = Substring(text)
        while let r = rest.firstRange(of: "::") {
            halves.append(String(rest[..<r.lowerBound]))
            rest = rest[r.upperBound...]
        }
        halves.append(String(rest))
        guard halves.count <= 2 else { return nil }
        func groups(_ s: String) -> [UInt16]? {
            if s.isEmpty { return [] }
            var result: [UInt16] = []
            let parts = s.split(separator: ":", omittingEmptySubsequences: false)
            for (i, part) in parts.enumerated() {
                if i == parts.count - 1, part.contains("."),
                    case .v4(let a, let b, let c, let d)? =
                        NetworkAddress(literal: String(part))
                {
                    result += [UInt16(a) << 8 | UInt16(b), UInt16(c) << 8 | UInt16(d)]
                } else {
                    guard (1...4).contains(part.count), let g = UInt16(part, radix: 16) else { return nil }
                    result.append(g)
                }
            }
            return result
        }
        guard let head = groups(halves[0]), let tail = halves.count == 2 ? groups(halves[1]) : [] else { return nil }
        let missing = 8 - head.count - tail.count
        guard halves.count == 2 ? missing >= 1 : missing == 0 else { return nil }
        let all = head + Array(repeating: 0, count: halves.count == 2 ? missing : 0) + tail
        return all.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
    }

    /// RFC 6890 special-purpose ranges, coarsely: anything but `public` is refused as a live
    /// webhook target.
    public var scope: Scope {
        switch self {
        case .v4(let a, let b, _, _):
            switch (a, b) {
            case (0, _): return .unspecified
            case (127, _): return .loopback
            case (169, 254): return .linkLocal
            case (10, _), (172, 16...31), (192, 168), (100, 64...127): return .private
            case (224...239, _): return .multicast
            case (240...255, _), (192, 0), (198, 18...19): return .reserved
            default: return .public
            }
        case .v6(let bytes):
            if bytes.allSatisfy({ $0 == 0 }) { return .unspecified }
            if bytes.dropLast().allSatisfy({ $0 == 0 }) && bytes[15] == 1 { return .loopback }
            // IPv4-mapped (::ffff:a.b.c.d): the IPv4 address decides.
            if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xFF && bytes[11] == 0xFF {
                return NetworkAddress.v4(bytes[12], bytes[13], bytes[14], bytes[15]).scope
            }
            if bytes[0] == 0xFE && bytes[1] & 0xC0 == 0x80 { return .linkLocal }
            if bytes[0] & 0xFE == 0xFC { return .private }
            if bytes[0] == 0xFF { return .multicast }
            return .public
        }
    }
}
