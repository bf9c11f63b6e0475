import Foundation

/// The typefaces documents are set in: DejaVu Sans and DejaVu Sans Bold (Bitstream Vera
/// licence, `Resources/Fonts/LICENSE-DejaVu.txt`), shipped with Kontor so a fresh machine makes
/// the same PDFs as any other. Read from the package's resources once, on first use.
public struct FontLibrary: Sendable {
    public let regular: TrueTypeFont
    public let bold: TrueTypeFont

    public init(regular: TrueTypeFont, bold: TrueTypeFont) {
        self.regular = regular
        self.bold = bold
    }

    public func font(_ style: PDFPage.Style) -> TrueTypeFont { style == .bold ? bold : regular }

    /// The fonts that ship with Kontor.
    public static let bundled: FontLibrary = {
        func load(_ file: String, _ name: String) -> TrueTypeFont {
            guard let url = Bundle.module.url(forResource: file, withExtension: "ttf", subdirectory: "Fonts"),
                let data = try? Data(contentsOf: url),
                let font = try? TrueTypeFont(bytes: [UInt8](data), postScriptName: name)
            else { preconditionFailure("the bundled font \(file).ttf is missing or damaged") }
            return font
        }
        return FontLibrary(regular: load("DejaVuSans", "DejaVuSans"), bold: load("DejaVuSans-Bold", "DejaVuSans-Bold"))
    }()
}
