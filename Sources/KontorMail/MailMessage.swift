import Foundation

/// An e-mail as Kontor sends it (RFC 5322 / MIME): a text part, an optional HTML alternative,
/// attachments. `rendered()` gives the bytes for SMTP `DATA`: CRLF line ends, lines of at most
/// 78 characters, every header and part that is not ASCII encoded (RFC 2047 words, base64
/// bodies), boundaries derived from the message id — the same message gives the same bytes.
public struct MailMessage: Sendable, Equatable {
    public struct Address: Sendable, Equatable {
        public var name: String?
        public var email: String

        public init(name: String? = nil, email: String) {
            self.name = name
            self.email = email
        }

        /// `"Name" <a@b>` with the name encoded when it is not plain ASCII.
        var header: String {
            guard let name, !name.isEmpty else { return "<\(email)>" }
            return MIME.phrase(name) + " <\(email)>"
        }
    }

    public struct Attachment: Sendable, Equatable {
        public var fileName: String
        public var contentType: String
        public var bytes: [UInt8]

        public init(fileName: String, contentType: String, bytes: [UInt8]) {
            self.fileName = fileName
            self.contentType = contentType
            self.bytes = bytes
        }
    }

    public var from: Address
    public var to: [Address]
    public var subject: String
    public var text: String
    public var html: String?
    public var attachments: [Attachment]
    /// Without angle brackets: `msg_…@kontor`.
    public var messageID: String
    public var date: Date

    public init(
        from: Address, to: [Address], subject: String, text: String, html: String? = nil,
        attachments: [Attachment] = [], messageID: String, date: Date
    ) {
        self.from = from
        self.to = to
        self.subject = subject
        self.text = text
        self.html = html
        self.attachments = attachments
        self.messageID = messageID
        self.date = date
    }

    public func rendered() -> [UInt8] {
        var out = MIME.Writer()
        out.header("From", from.header)
        out.header("To", to.map(\.header).joined(separator: ", "))
        out.header("Subject", MIME.unstructured(subject))
        out.header("Date", MIME.date(date))
        out.header("Message-ID", "<\(messageID)>")
        out.header("MIME-Version", "1.0")
        let tag = MIME.boundaryTag(messageID)
        let body: MIME.Part =
            html.map { html in
                .multipart(
                    "alternative", boundary: "alt-\(tag)",
                    [
                        .leaf("text/plain; charset=utf-8", Array(text.utf8)),
                        .leaf("text/html; charset=utf-8", Array(html.utf8)),
                    ])
            } ?? .leaf("text/plain; charset=utf-8", Array(text.utf8))
        if attachments.isEmpty {
            out.part(body)
        } else {
            out.part(
                .multipart(
                    "mixed", boundary: "mix-\(tag)",
                    [body] + attachments.map { .attachment($0.contentType, $0.fileName, $0.bytes) }))
        }
        return out.bytes
    }
}

/// MIME encoding helpers.
enum MIME {
    indirect enum Part {
        case leaf(String, [UInt8])
        case attachment(String, String, [UInt8])
        case multipart(String, boundary: String, [Part])
    }

    struct Writer {
        var bytes: [UInt8] = []

        mutating func line(_ s: String) {
            bytes += Array(s.utf8)
            bytes += [13, 10]
        }

        mutating func header(_ name: String, _ value: String) { line("\(name): \(value)") }

        mutating func part(_ p: Part) {
            switch p {
            case .leaf(let type, let data):
                header("Content-Type", type)
                header("Content-Transfer-Encoding", "base64")
                line("")
                base64(data)
            case .attachment(let type, let name, let data):
                header("Content-Type", "\(type); name=\"\(name)\"")
                header("Content-Disposition", "attachment; filename=\"\(name)\"")
                header("Content-Transfer-Encoding", "base64")
                line("")
                base64(data)
            case .multipart(let subtype, let boundary, let parts):
                header("Content-Type", "multipart/\(subtype); boundary=\"\(boundary)\"")
                line("")
                for child in parts {
                    line("--\(boundary)")
                    part(child)
                }
                line("--\(boundary)--")
            }
        }

        /// Base64 in lines of 76 characters (RFC 2045).
        mutating func base64(_ data: [UInt8]) {
            let text = Data(data).base64EncodedString()
            var start = text.startIndex
            while start < text.endIndex {
                let end = text.index(start, offsetBy: 76, limitedBy: text.endIndex) ?? text.endIndex
                line(String(text[start..<end]))
                start = end
            }
        }
    }

    static func isPlain(_ s: String) -> Bool { s.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value < 0x7F } }

    /// An RFC 2047 encoded word (UTF-8, base64) when `s` is not plain ASCII, split so no line
    /// grows beyond 78 characters.
    static func unstructured(_ s: String) -> String {
        guard !isPlain(s) else { return s }
        var words: [String] = []
        var chunk: [UInt8] = []
        for c in s {
            let bytes = Array(String(c).utf8)
            if chunk.count + bytes.count > 45 {
                words.append("=?UTF-8?B?\(Data(chunk).base64EncodedString())?=")
                chunk = []
            }
            chunk += bytes
        }
        if !chunk.isEmpty { words.append("=?UTF-8?B?\(Data(chunk).base64EncodedString())?=") }
        return words.joined(separator: "\r\n ")
    }

    /// A display name: quoted when ASCII, an encoded word when not.
    static func phrase(_ s: String) -> String {
        guard isPlain(s) else { return unstructured(s) }
        return "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    /// RFC 5322 date in UTC: `Tue, 01 Dec 2026 20:00:00 +0000`.
    static func date(_ d: Date) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        return f.string(from: d)
    }

    /// A boundary part no base64 line can contain (base64 has no `-` or `.`).
    static func boundaryTag(_ messageID: String) -> String {
        var h: UInt64 = 1_469_598_103_934_665_603
        for b in messageID.utf8 { h = (h ^ UInt64(b)) &* 1_099_511_628_211 }
        return "kontor.\(String(h, radix: 16))"
    }
}
