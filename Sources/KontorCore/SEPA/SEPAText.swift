/// The character sets of SEPA messages (EPC217-08, "SEPA Requirements for an Extended Character
/// Set"): every bank must carry the Latin basic set `a–z A–Z 0–9 / - ? : ( ) . , ' +` and space.
/// German banks also take Ä Ö Ü ä ö ü ß, but not all banks downstream do, so names are
/// transliterated (ä → ae, ß → ss) and anything else becomes a space.
public enum SEPAText {
    static let punctuation: Set<Character> = ["/", "-", "?", ":", "(", ")", ".", ",", "'", "+", " "]

    static func isBasic(_ c: Character) -> Bool {
        c.isASCII && (c.isLetter || c.isNumber || punctuation.contains(c))
    }

    static let transliterations: [Character: String] = [
        "ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss", "é": "e", "è": "e",
        "ê": "e", "á": "a", "à": "a", "â": "a", "ó": "o", "ò": "o", "ô": "o", "í": "i", "ì": "i", "ú": "u",
        "ù": "u", "ç": "c", "ñ": "n", "É": "E", "È": "E", "Á": "A", "À": "A", "Ó": "O", "Ç": "C", "Ñ": "N",
        "&": "+", "_": "-",
    ]

    /// Free text (names, remittance information) in the Latin basic set, at most `max`
    /// characters, whitespace collapsed; never empty ("NOTPROVIDED" stands in).
    public static func clean(_ text: String, max: Int) -> String {
        var out = ""
        for c in text {
            if isBasic(c) {
                out.append(c)
            } else if let t = transliterations[c] {
                out += t
            } else {
                out.append(" ")
            }
        }
        let collapsed = out.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
        let cut = String(collapsed.prefix(max)).trimmingTrailingSpaces()
        return cut.isEmpty ? "NOTPROVIDED" : cut
    }

    /// Whether `text` may be a SEPA identifier (mandate reference, end-to-end id, message id):
    /// 1–35 characters of the Latin basic set without space, not starting or ending with `/`
    /// and without `//` (EPC rulebook, mandate reference AT-01).
    public static func isIdentifier(_ text: String) -> Bool {
        (1...35).contains(text.count) && text.allSatisfy { isBasic($0) && $0 != " " }
            && !text.hasPrefix("/") && !text.hasSuffix("/") && !text.contains("//")
    }

    /// One of Kontor's ids (`ci_…`, `sepab_…`) as a SEPA identifier: the underscore is not in
    /// the Latin set, so it becomes `-`; other characters are letters and digits already.
    public static func identifier(fromID id: String) -> String {
        String(
            id.map { isBasic($0) && $0 != " " && $0 != "/" ? $0 : "-" }.prefix(35))
    }
}

extension String {
    fileprivate func trimmingTrailingSpaces() -> String {
        var s = Substring(self)
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}
