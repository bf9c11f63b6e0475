/// Sets a `Letter` on A4 pages after DIN 5008 form B: the letterhead in the top 45 mm, the
/// window address field at 20 mm from the left and 45 mm from the top (return line, then up to
/// six address lines from 62.7 mm), the information block at 125 mm, fold marks at 105 and
/// 210 mm and the punch mark at 148.5 mm, text from 25 mm to 190 mm. Items that do not fit
/// continue on the next page under a repeated table header; every page has the footer and
/// "page n of m".
///
/// Invariants: nothing is drawn below `bodyBottom` except the footer; a table row, a total
/// line and the payment code are never split across pages.
public struct LetterLayout: Sendable {
    public let fonts: FontLibrary

    public init(fonts: FontLibrary) {
        self.fonts = fonts
    }

    static let mm = PDFPage.mm
    static let left = 25 * mm
    static let right = 190 * mm
    static let bodyBottom = 262 * mm
    static let footerTop = 268 * mm
    static let textSize = 9.5
    static let lineHeight = 13.0

    struct Cursor {
        var pages: [PDFPage] = [PDFPage()]
        var y: Double = 0

        /// The page being filled, changed in place (a get-and-set would copy every operation
        /// drawn so far for each one added).
        var page: PDFPage {
            get { pages[pages.count - 1] }
            _modify { yield &pages[pages.count - 1] }
        }
    }

    public func pages(_ letter: Letter, logo: JPEGImage? = nil) -> [PDFPage] {
        let mm = Self.mm
        var c = Cursor()
        drawLetterhead(letter, logo: logo, on: &c.page)
        drawAddress(letter, on: &c.page)
        drawInfo(letter, on: &c.page)
        c.page.text(letter.subject, x: Self.left, y: 103 * mm, size: 12, style: .bold)
        c.y = 112 * mm
        for paragraph in letter.opening { write(paragraph, into: &c, letter: letter) }
        if !letter.rows.isEmpty { table(letter, into: &c) }
        totals(letter, into: &c)
        for paragraph in letter.closing { write(paragraph, into: &c, letter: letter) }
        if let payment = letter.paymentCode { paymentCode(payment, into: &c, letter: letter) }
        let count = c.pages.count
        for i in 0..<count { drawFooter(letter, page: i + 1, of: count, on: &c.pages[i]) }
        return c.pages
    }

    // MARK: the first page's fixed fields

    func drawLetterhead(_ letter: Letter, logo: JPEGImage?, on page: inout PDFPage) {
        let mm = Self.mm
        page.text(letter.sender.name, x: Self.left, y: 24 * mm, size: 15, style: .bold, color: .accent)
        if let logo {
            let scale = min(60 * mm / Double(logo.width), 22 * mm / Double(logo.height))
            let width = Double(logo.width) * scale
            let height = Double(logo.height) * scale
            page.operations.append(.image(x: Self.right - width, y: 12 * mm, width: width, height: height))
        }
        for y in [105.0, 210.0] { page.line(x1: 3 * mm, y1: y * mm, x2: 8 * mm, y2: y * mm, width: 0.4, color: .gray) }
        page.line(x1: 3 * mm, y1: 148.5 * mm, x2: 10 * mm, y2: 148.5 * mm, width: 0.4, color: .gray)
    }

    func drawAddress(_ letter: Letter, on page: inout PDFPage) {
        let mm = Self.mm
        let returnLine = fit(letter.sender.returnLine, width: 80 * mm, size: 7, style: .regular)
        page.text(returnLine, x: Self.left, y: 58 * mm, size: 7, color: .gray)
        page.line(
            x1: Self.left, y1: 59 * mm, x2: Self.left + width(returnLine, 7, .regular), y2: 59 * mm, width: 0.3,
            color: .gray)
        for (i, line) in letter.recipient.prefix(6).enumerated() {
            page.text(
                fit(line, width: 80 * mm, size: 10, style: .regular), x: Self.left, y: 66.5 * mm + Double(i) * 4.2 * mm,
                size: 10)
        }
    }

    func drawInfo(_ letter: Letter, on page: inout PDFPage) {
        let mm = Self.mm
        var y = 52 * mm
        for (label, value) in letter.info {
            page.text(label, x: 125 * mm, y: y, size: 7.5, color: .gray)
            // A long value (an id) is set smaller rather than cut, down to 6 pt.
            let natural = width(value, 8.5, .regular)
            let size = natural > 40 * mm ? max(6, 8.5 * 40 * mm / natural) : 8.5
            page.text(fit(value, width: 40 * mm, size: size, style: .regular), x: 150 * mm, y: y, size: size)
            y += 4.3 * mm
        }
    }

    func drawFooter(_ letter: Letter, page number: Int, of count: Int, on page: inout PDFPage) {
        let mm = Self.mm
        let pageText =
            letter.language.pick("Seite \(number) von \(count)", "Page \(number) of \(count)")
        page.text(pageText, x: Self.right - width(pageText, 7.5, .regular), y: 266 * mm, size: 7.5, color: .gray)
        page.line(x1: Self.left, y1: Self.footerTop, x2: Self.right, y2: Self.footerTop, width: 0.4)
        let columns = letter.sender.footerColumns.filter { !$0.isEmpty }
        let span = (Self.right - Self.left) / Double(max(1, columns.count))
        for (i, column) in columns.enumerated() {
            for (j, line) in column.prefix(5).enumerated() {
                page.text(
                    fit(line, width: span - 3 * mm, size: 7, style: .regular), x: Self.left + Double(i) * span,
                    y: 272 * mm + Double(j) * 3.3 * mm, size: 7, color: .gray)
            }
        }
        if let note = letter.sender.footerNote, !note.isEmpty {
            page.text(
                fit(note, width: Self.right - Self.left, size: 6.5, style: .regular), x: Self.left, y: 290 * mm,
                size: 6.5, color: .gray)
        }
    }

    // MARK: flowing content

    /// Starts a new page when `height` points do not fit above the footer.
    func ensure(_ height: Double, in c: inout Cursor, letter: Letter) -> Bool {
        guard c.y + height > Self.bodyBottom else { return false }
        c.pages.append(PDFPage())
        let mm = Self.mm
        c.page.text(letter.sender.name, x: Self.left, y: 18 * mm, size: 9, style: .bold, color: .accent)
        c.page.text(letter.subject, x: Self.left, y: 23 * mm, size: 8.5, color: .gray)
        c.page.line(x1: Self.left, y1: 26 * mm, x2: Self.right, y2: 26 * mm)
        c.y = 34 * mm
        return true
    }

    func write(_ paragraph: String, into c: inout Cursor, letter: Letter) {
        for line in wrap(paragraph, width: Self.right - Self.left, size: Self.textSize, style: .regular) {
            _ = ensure(Self.lineHeight, in: &c, letter: letter)
            c.page.text(line, x: Self.left, y: c.y, size: Self.textSize)
            c.y += Self.lineHeight
        }
        c.y += 5
    }

    /// Where each column's text starts: a left-aligned column after a right-aligned one keeps
    /// 2 mm away from it.
    func columnX(_ letter: Letter) -> [Double] {
        var x = Self.left
        var previous: Letter.Column.Alignment = .left
        return letter.columns.map { column in
            defer {
                x += column.width * Self.mm
                previous = column.alignment
            }
            return column.alignment == .left && previous == .right ? x + 2 * Self.mm : x
        }
    }

    func tableHeader(_ letter: Letter, into c: inout Cursor) {
        let xs = columnX(letter)
        for (i, column) in letter.columns.enumerated() {
            cell(column.title, column: column, x: xs[i], y: c.y, size: 8, style: .bold, on: &c.page)
        }
        c.page.line(x1: Self.left, y1: c.y + 3, x2: Self.right, y2: c.y + 3, width: 0.6, color: .gray)
        c.y += 14
    }

    func table(_ letter: Letter, into c: inout Cursor) {
        _ = ensure(40, in: &c, letter: letter)
        tableHeader(letter, into: &c)
        let xs = columnX(letter)
        let wide = letter.columns.indices.max { letter.columns[$0].width < letter.columns[$1].width } ?? 0
        for row in letter.rows {
            let wrapped = wrap(
                row.cells[wide], width: letter.columns[wide].width * Self.mm - 2 * Self.mm, size: 8.5, style: .regular)
            let height = Double(wrapped.count) * 11 + (row.detail == nil ? 0 : 10) + 4
            if ensure(height, in: &c, letter: letter) { tableHeader(letter, into: &c) }
            for (i, column) in letter.columns.enumerated() where i != wide && i < row.cells.count {
                cell(row.cells[i], column: column, x: xs[i], y: c.y, size: 8.5, style: .regular, on: &c.page)
            }
            for (k, line) in wrapped.enumerated() {
                c.page.text(line, x: xs[wide], y: c.y + Double(k) * 11, size: 8.5)
            }
            if let detail = row.detail {
                c.page.text(
                    fit(detail, width: letter.columns[wide].width * Self.mm, size: 7.5, style: .regular), x: xs[wide],
                    y: c.y + Double(wrapped.count) * 11 - 1, size: 7.5, color: .gray)
            }
            c.y += height
            c.page.line(x1: Self.left, y1: c.y - 8, x2: Self.right, y2: c.y - 8, width: 0.3)
        }
        c.y += 4
    }

    func cell(
        _ text: String, column: Letter.Column, x: Double, y: Double, size: Double, style: PDFPage.Style,
        on page: inout PDFPage
    ) {
        let room = column.width * Self.mm - 2 * Self.mm
        let shown = fit(text, width: room, size: size, style: style)
        let at = column.alignment == .right ? x + column.width * Self.mm - 1 * Self.mm - width(shown, size, style) : x
        page.text(shown, x: at, y: y, size: size, style: style)
    }

    func totals(_ letter: Letter, into c: inout Cursor) {
        guard !letter.totals.isEmpty else { return }
        _ = ensure(Double(letter.totals.count) * 13, in: &c, letter: letter)
        for total in letter.totals {
            let style: PDFPage.Style = total.emphasized ? .bold : .regular
            let size = total.emphasized ? 10.0 : 9.0
            if total.emphasized {
                c.page.line(x1: 110 * Self.mm, y1: c.y - 11, x2: Self.right, y2: c.y - 11, width: 0.6, color: .gray)
            }
            c.page.text(
                fit(total.label, width: 52 * Self.mm, size: size, style: style), x: 110 * Self.mm, y: c.y, size: size,
                style: style)
            c.page.text(
                total.value, x: Self.right - 1 * Self.mm - width(total.value, size, style), y: c.y, size: size,
                style: style)
            c.y += 13
        }
        c.y += 8
    }

    func paymentCode(_ payment: Letter.PaymentCode, into c: inout Cursor, letter: Letter) {
        let side = 30 * Self.mm
        _ = ensure(side + 8, in: &c, letter: letter)
        let code = payment.code
        // A quiet zone of four modules is part of the symbol's area.
        let module = side / Double(code.size + 8)
        let origin = (x: Self.left + 4 * module, y: c.y + 4 * module)
        for y in 0..<code.size {
            var x = 0
            while x < code.size {
                guard code[x, y] else {
                    x += 1
                    continue
                }
                var run = 1
                while x + run < code.size && code[x + run, y] { run += 1 }
                c.page.rectangle(
                    x: origin.x + Double(x) * module, y: origin.y + Double(y) * module, width: Double(run) * module,
                    height: module)
                x += run
            }
        }
        for (i, line) in payment.caption.enumerated() {
            c.page.text(
                line, x: Self.left + side + 5 * Self.mm, y: c.y + 12 + Double(i) * 11, size: 8.5,
                style: i == 0 ? .bold : .regular, color: i == 0 ? .black : .gray)
        }
        c.y += side + 6
    }

    // MARK: text measure

    func width(_ text: String, _ size: Double, _ style: PDFPage.Style) -> Double {
        fonts.font(style).width(of: text, size: size)
    }

    /// The text cut with an ellipsis to fit `width`.
    func fit(_ text: String, width limit: Double, size: Double, style: PDFPage.Style) -> String {
        guard width(text, size, style) > limit else { return text }
        var cut = text
        while !cut.isEmpty && width(cut + "…", size, style) > limit { cut.removeLast() }
        return cut + "…"
    }

    /// Lines of at most `width` points, broken at spaces (a word longer than a line is cut).
    func wrap(_ text: String, width limit: Double, size: Double, style: PDFPage.Style) -> [String] {
        var lines: [String] = []
        for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = ""
            for word in paragraph.split(separator: " ") {
                let candidate = line.isEmpty ? String(word) : line + " " + word
                if width(candidate, size, style) <= limit {
                    line = candidate
                } else {
                    if !line.isEmpty { lines.append(line) }
                    line = fit(String(word), width: limit, size: size, style: style)
                }
            }
            lines.append(line)
        }
        return lines
    }
}
