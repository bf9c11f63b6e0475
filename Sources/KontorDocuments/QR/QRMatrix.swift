extension QRCode {
    /// The symbol under construction: function patterns drawn and reserved first, then the data
    /// placed in the free modules, masked, and the format information written.
    struct Matrix {
        let size: Int
        let version: Int
        var dark: [Bool]
        /// Modules of function patterns: never data, never masked.
        var reserved: [Bool]

        init(version: Int) {
            self.version = version
            size = 17 + 4 * version
            dark = [Bool](repeating: false, count: size * size)
            reserved = dark
            for (x, y) in [(3, 3), (size - 4, 3), (3, size - 4)] { finder(x, y) }
            for i in 8..<size - 8 {
                set(i, 6, i % 2 == 0)
                set(6, i, i % 2 == 0)
            }
            let centres = Self.alignmentCentres(version)
            for cx in centres {
                for cy in centres {
                    let nearFinder =
                        (cx == 6 && cy == 6) || (cx == 6 && cy == size - 7) || (cx == size - 7 && cy == 6)
                    if !nearFinder { alignment(cx, cy) }
                }
            }
            drawFormat(mask: 0)  // reserves the format areas
            drawVersion()
        }

        static func alignmentCentres(_ version: Int) -> [Int] {
            guard version > 1 else { return [] }
            let count = version / 7 + 2
            let size = 17 + 4 * version
            let step = (version * 8 + count * 3 + 5) / (count * 4 - 4) * 2
            var result = [6]
            var position = size - 7
            var rest: [Int] = []
            for _ in 0..<(count - 1) {
                rest.insert(position, at: 0)
                position -= step
            }
            result += rest
            return result
        }

        mutating func set(_ x: Int, _ y: Int, _ isDark: Bool) {
            dark[y * size + x] = isDark
            reserved[y * size + x] = true
        }

        mutating func finder(_ cx: Int, _ cy: Int) {
            for dy in -4...4 {
                for dx in -4...4 {
                    let x = cx + dx
                    let y = cy + dy
                    guard (0..<size).contains(x), (0..<size).contains(y) else { continue }
                    let d = max(abs(dx), abs(dy))
                    set(x, y, d != 2 && d != 4)
                }
            }
        }

        mutating func alignment(_ cx: Int, _ cy: Int) {
            for dy in -2...2 {
                for dx in -2...2 { set(cx + dx, cy + dy, max(abs(dx), abs(dy)) != 1) }
            }
        }

        /// The 15 format bits (level M = 00, the mask) with their BCH code, twice (§ 7.9).
        mutating func drawFormat(mask: Int) {
            let data = mask  // level M's two bits are 00
            var rem = data
            for _ in 0..<10 { rem = (rem << 1) ^ ((rem >> 9) * 0x537) }
            let bits = ((data << 10) | rem) ^ 0x5412
            func bit(_ i: Int) -> Bool { (bits >> i) & 1 == 1 }
            for i in 0...5 { set(8, i, bit(i)) }
            set(8, 7, bit(6))
            set(8, 8, bit(7))
            set(7, 8, bit(8))
            for i in 9..<15 { set(14 - i, 8, bit(i)) }
            for i in 0..<8 { set(size - 1 - i, 8, bit(i)) }
            for i in 8..<15 { set(8, size - 15 + i, bit(i)) }
            set(8, size - 8, true)  // the dark module
        }

        /// Versions 7 and up: 18 version bits with their BCH code, in two 6×3 blocks (§ 7.10).
        mutating func drawVersion() {
            guard version >= 7 else { return }
            var rem = version
            for _ in 0..<12 { rem = (rem << 1) ^ ((rem >> 11) * 0x1F25) }
            let bits = version << 12 | rem
            for i in 0..<18 {
                let b = (bits >> i) & 1 == 1
                let a = size - 11 + i % 3
                let c = i / 3
                set(a, c, b)
                set(c, a, b)
            }
        }

        /// Data bits in the zigzag of two-module columns from the bottom right (§ 7.7.3).
        mutating func place(_ codewords: [UInt8]) {
            var i = 0
            let total = codewords.count * 8
            var right = size - 1
            while right >= 1 {
                if right == 6 { right = 5 }
                for vert in 0..<size {
                    for j in 0..<2 {
                        let x = right - j
                        let upward = ((right + 1) & 2) == 0
                        let y = upward ? size - 1 - vert : vert
                        guard !reserved[y * size + x] else { continue }
                        if i < total {
                            dark[y * size + x] = (codewords[i >> 3] >> (7 - UInt8(i & 7))) & 1 == 1
                            i += 1
                        }
                    }
                }
                right -= 2
            }
        }

        mutating func applyMask(_ mask: Int) {
            for y in 0..<size {
                for x in 0..<size where !reserved[y * size + x] {
                    let invert: Bool
                    switch mask {
                    case 0: invert = (x + y) % 2 == 0
                    case 1: invert = y % 2 == 0
                    case 2: invert = x % 3 == 0
                    case 3: invert = (x + y) % 3 == 0
                    case 4: invert = (x / 3 + y / 2) % 2 == 0
                    case 5: invert = x * y % 2 + x * y % 3 == 0
                    case 6: invert = (x * y % 2 + x * y % 3) % 2 == 0
                    default: invert = ((x + y) % 2 + x * y % 3) % 2 == 0
                    }
                    if invert { dark[y * size + x].toggle() }
                }
            }
        }

        /// The penalty score of § 7.8.3: runs of five or more, 2×2 blocks, finder-like
        /// patterns (1:1:3:1:1 with four light modules on a side, the quiet zone counting as
        /// light), and the balance of dark and light. It runs for all eight masks, so it is
        /// written to be branch-free: modules as 0/1 bytes, columns scanned as the rows of a
        /// transposed copy, an 11-module window for the finder patterns.
        func penalty() -> Int {
            let n = size
            var rows = [UInt8](repeating: 0, count: n * n)
            var columns = [UInt8](repeating: 0, count: n * n)
            var darkCount = 0
            for y in 0..<n {
                for x in 0..<n {
                    let v: UInt8 = dark[y * n + x] ? 1 : 0
                    rows[y * n + x] = v
                    columns[x * n + y] = v
                    darkCount += Int(v)
                }
            }
            var score = Self.linePenalty(rows, n) + Self.linePenalty(columns, n)
            rows.withUnsafeBufferPointer { m in
                var blocks = 0
                for y in 0..<n - 1 {
                    for x in 0..<n - 1 {
                        let a = m[y * n + x]
                        let same = (a ^ m[y * n + x + 1]) | (a ^ m[(y + 1) * n + x]) | (a ^ m[(y + 1) * n + x + 1])
                        blocks += Int(same ^ 1)
                    }
                }
                score += 3 * blocks
            }
            let total = n * n
            let k = (abs(darkCount * 20 - total * 10) + total - 1) / total - 1
            return score + max(0, k) * 10
        }

        /// Runs (N1) and finder-like patterns (N3) along each row of `m`.
        static func linePenalty(_ m: [UInt8], _ n: Int) -> Int {
            m.withUnsafeBufferPointer { m in
                var score = 0
                for row in 0..<n {
                    var run = 0
                    var last: UInt8 = 2
                    // Light modules before the line stand for the quiet zone.
                    var window: UInt32 = 0
                    for i in row * n..<(row + 1) * n {
                        let v = m[i]
                        run = v == last ? run + 1 : 1
                        last = v
                        score += (run == 5 ? 3 : 0) + (run > 5 ? 1 : 0)
                        window = ((window << 1) | UInt32(v)) & 0x7FF
                        score += (window == 0b000_0101_1101 ? 40 : 0) + (window == 0b101_1101_0000 ? 40 : 0)
                    }
                    for _ in 0..<4 {
                        window = (window << 1) & 0x7FF
                        score += window == 0b101_1101_0000 ? 40 : 0
                    }
                }
                return score
            }
        }
    }
}
