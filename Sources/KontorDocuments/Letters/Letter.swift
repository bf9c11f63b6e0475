/// A business letter as Kontor prints it — invoice, credit note, dunning notice, statement —
/// before layout: who writes to whom, the information block, the subject, the items and totals,
/// the closing paragraphs and an optional payment code. `LetterLayout` sets it on DIN 5008
/// pages; the builders (`InvoiceLetter`, `NoticeLetter`, `StatementLetter`) fill it.
public struct Letter: Sendable, Equatable {
    public struct Sender: Sendable, Equatable {
        public var name: String
        /// One line above the recipient in the window (`Name · Street · Postcode City`).
        public var returnLine: String
        /// The footer's columns, a few short lines each.
        public var footerColumns: [[String]]
        /// The tenant's own footer text (register court, managing directors …).
        public var footerNote: String?

        public init(name: String, returnLine: String, footerColumns: [[String]], footerNote: String? = nil) {
            self.name = name
            self.returnLine = returnLine
            self.footerColumns = footerColumns
            self.footerNote = footerNote
        }
    }

    public struct Column: Sendable, Equatable {
        public enum Alignment: Sendable, Equatable {
            case left
            case right
        }

        public var title: String
        /// Millimetres.
        public var width: Double
        public var alignment: Alignment

        public init(_ title: String, width: Double, _ alignment: Alignment = .left) {
            self.title = title
            self.width = width
            self.alignment = alignment
        }
    }

    public struct Row: Sendable, Equatable {
        public var cells: [String]
        /// A smaller second line under the widest column (the service period, interest).
        public var detail: String?

        public init(_ cells: [String], detail: String? = nil) {
            self.cells = cells
            self.detail = detail
        }
    }

    public struct Total: Sendable, Equatable {
        public var label: String
        public var value: String
        public var emphasized: Bool

        public init(_ label: String, _ value: String, emphasized: Bool = false) {
            self.label = label
            self.value = value
            self.emphasized = emphasized
        }
    }

    public struct PaymentCode: Sendable, Equatable {
        public var code: QRCode
        public var caption: [String]

        public init(code: QRCode, caption: [String]) {
            self.code = code
            self.caption = caption
        }
    }

    public var language: DocumentLanguage
    public var sender: Sender
    public var recipient: [String]
    public var info: [(label: String, value: String)]
    public var subject: String
    public var opening: [String]
    public var columns: [Column]
    public var rows: [Row]
    public var totals: [Total]
    public var closing: [String]
    public var paymentCode: PaymentCode?

    public init(
        language: DocumentLanguage, sender: Sender, recipient: [String], info: [(label: String, value: String)],
        subject: String, opening: [String] = [], columns: [Column], rows: [Row], totals: [Total],
        closing: [String] = [], paymentCode: PaymentCode? = nil
    ) {
        self.language = language
        self.sender = sender
        self.recipient = recipient
        self.info = info
        self.subject = subject
        self.opening = opening
        self.columns = columns
        self.rows = rows
        self.totals = totals
        self.closing = closing
        self.paymentCode = paymentCode
    }

    public static func == (a: Letter, b: Letter) -> Bool {
        a.language == b.language && a.sender == b.sender && a.recipient == b.recipient
            && a.info.map(\.label) == b.info.map(\.label) && a.info.map(\.value) == b.info.map(\.value)
            && a.subject == b.subject && a.opening == b.opening && a.columns == b.columns && a.rows == b.rows
            && a.totals == b.totals && a.closing == b.closing && a.paymentCode == b.paymentCode
    }
}

extension Letter {
    /// The customer's portal (open items, payment, questions, instalments) as the letter's last
    /// words: the link on its own line.
    public mutating func addPortalLink(_ url: String?) {
        guard let url else { return }
        closing.append(
            language.pick(
                "Ihr Kundenkonto online – offene Posten, Zahlung, Rückfragen und Ratenzahlung:",
                "Your account online – open items, payment, questions and instalments:"))
        closing.append(url)
    }
}
