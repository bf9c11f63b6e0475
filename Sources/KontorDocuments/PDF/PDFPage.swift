/// What one page shows, in drawing order, in points from the top left corner of an A4 page
/// (the PDF's own origin is bottom left; `PDFA3Writer` turns it over).
public struct PDFPage: Sendable, Equatable {
    public static let width = 595.276
    public static let height = 841.89
    /// Points per millimetre.
    public static let mm = 72 / 25.4

    public enum Style: Int, Sendable, Equatable, CaseIterable {
        case regular
        case bold
    }

    public struct Color: Sendable, Equatable {
        public var r: Double
        public var g: Double
        public var b: Double

        public static let black = Color(r: 0, g: 0, b: 0)
        public static let gray = Color(r: 0.35, g: 0.35, b: 0.35)
        public static let rule = Color(r: 0.7, g: 0.7, b: 0.7)
        public static let accent = Color(r: 0.11, g: 0.27, b: 0.45)
    }

    public enum Operation: Sendable, Equatable {
        /// Text at its baseline.
        case text(x: Double, y: Double, size: Double, style: Style, color: Color, String)
        case rectangle(x: Double, y: Double, width: Double, height: Double, color: Color)
        case line(x1: Double, y1: Double, x2: Double, y2: Double, width: Double, color: Color)
        /// The page's image (the logo) scaled into this box.
        case image(x: Double, y: Double, width: Double, height: Double)
    }

    public var operations: [Operation] = []

    public init() {}

    public mutating func text(
        _ s: String, x: Double, y: Double, size: Double, style: Style = .regular, color: Color = .black
    ) {
        guard !s.isEmpty else { return }
        operations.append(.text(x: x, y: y, size: size, style: style, color: color, s))
    }

    public mutating func rectangle(x: Double, y: Double, width: Double, height: Double, color: Color = .black) {
        operations.append(.rectangle(x: x, y: y, width: width, height: height, color: color))
    }

    public mutating func line(x1: Double, y1: Double, x2: Double, y2: Double, width: Double = 0.5, color: Color = .rule)
    {
        operations.append(.line(x1: x1, y1: y1, x2: x2, y2: y2, width: width, color: color))
    }

    /// Every string drawn in `style`.
    func texts(_ style: Style) -> [String] {
        operations.compactMap {
            if case .text(_, _, _, let s, _, let text) = $0, s == style { return text }
            return nil
        }
    }
}
