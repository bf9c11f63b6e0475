import Foundation

/// Inline SVG bar charts for the console (no JavaScript, no image requests): bars scaled to the
/// largest value, each with a title and a text label so a screen reader and a printout read
/// the figures, not just the shapes. Every text goes through `escape`.
enum ConsoleCharts {
    struct Bar {
        var label: String
        var value: Int64
        var caption: String
    }

    static func bars(_ bars: [Bar], title: String, width: Int = 640, height: Int = 220) -> String {
        let top = max(bars.map(\.value).max() ?? 0, 1)
        let slot = bars.isEmpty ? width : width / bars.count
        let plot = height - 50
        var svg =
            #"<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="\#(escape(title))" "#
            + #"viewBox="0 0 \#(width) \#(height)" width="100%" class="chart">"#
            + "<title>\(escape(title))</title>"
        for (n, b) in bars.enumerated() {
            let h = b.value <= 0 ? 0 : max(1, Int(Double(b.value) / Double(top) * Double(plot)))
            let x = n * slot + slot / 8
            let w = slot * 3 / 4
            svg +=
                #"<g><title>\#(escape(b.label)): \#(escape(b.caption))</title>"#
                + #"<rect x="\#(x)" y="\#(20 + plot - h)" width="\#(w)" height="\#(h)" fill="steelblue"></rect>"#
                + #"<text x="\#(x + w / 2)" y="\#(14 + plot - h)" font-size="11" text-anchor="middle">\#(escape(b.caption))</text>"#
                + #"<text x="\#(x + w / 2)" y="\#(height - 12)" font-size="11" text-anchor="middle">\#(escape(b.label))</text></g>"#
        }
        return svg + "</svg>"
    }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
