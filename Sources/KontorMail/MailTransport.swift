import Foundation

/// Where the mail worker hands a rendered message: an SMTP server, or a folder.
public protocol MailTransport: Sendable {
    /// Delivers `data` (RFC 5322) from `sender` to `recipients`; never throws — what went wrong
    /// is the outcome.
    func deliver(_ data: [UInt8], from sender: String, to recipients: [String]) async -> SMTPOutcome
}

extension SMTPClient: MailTransport {
    public func deliver(_ data: [UInt8], from sender: String, to recipients: [String]) async -> SMTPOutcome {
        await send(data, from: sender, to: recipients)
    }
}

/// Without an SMTP server (`KONTOR_SMTP_URL` unset): each message is kept as sent in a folder,
/// one `.eml` file per message, so a newcomer can open what Kontor would have sent.
public struct FolderTransport: MailTransport {
    public let directory: URL

    public init(directory: URL) {
        self.directory = directory
    }

    public func deliver(_ data: [UInt8], from sender: String, to recipients: [String]) async -> SMTPOutcome {
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let name = Self.fileName(data)
            try Data(data).write(to: directory.appendingPathComponent(name), options: .atomic)
            return .sent
        } catch {
            return .transient(code: 0, text: "could not write to \(directory.path): \(error)")
        }
    }

    /// The message id as the file name (`msg_….eml`), so a retry overwrites, never doubles.
    static func fileName(_ data: [UInt8]) -> String {
        let head = String(decoding: data.prefix(4096), as: UTF8.self)
        if let line = head.split(separator: "\r\n").first(where: { $0.hasPrefix("Message-ID: <") }),
            let at = line.firstIndex(of: "@")
        {
            let id = line[line.index(line.startIndex, offsetBy: 13)..<at]
            if !id.isEmpty && id.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) { return "\(id).eml" }
        }
        return "message-\(data.count).eml"
    }
}
