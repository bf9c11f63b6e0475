import Foundation

/// python-qrcode's QR symbols (`Tests/Oracles/qr_matrix.py`, the oracle venv) for the same bytes,
/// version and mask as Kontor's encoder chose: what an independent encoder makes of them.
public enum QROracle {
    public struct Symbol: Decodable, Sendable {
        public let version: Int
        public let mask: Int
        public let rows: [String]
    }

    public static func symbols(_ requests: [(data: [UInt8], version: Int, mask: Int)]) async throws -> [Symbol] {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try symbolsBlocking(requests) }) }.start()
        }
    }

    static func symbolsBlocking(_ requests: [(data: [UInt8], version: Int, mask: Int)]) throws -> [Symbol] {
        let input = requests.map { r in
            #"{"data": "\#(Data(r.data).base64EncodedString())", "version": \#(r.version), "mask": \#(r.mask)}"#
        }.joined(separator: "\n")
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("qr-\(UUID().uuidString).jsonl")
        try Data(input.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let output = try EInvoiceOracle.run(
            "/bin/sh",
            [
                "-c",
                "\"$0\" \"$1\" < \"$2\"", try EInvoiceOracle.python().path,
                EInvoiceOracle.root.appendingPathComponent("Tests/Oracles/qr_matrix.py").path, file.path,
            ])
        return try output.split(separator: "\n").filter { $0.hasPrefix("{") }.map {
            try JSONDecoder().decode(Symbol.self, from: Data($0.utf8))
        }
    }
}
