/// The `index.xml` of a tax-audit export (GoBD "Z3" data carrier, GDPdU description standard,
/// DTD gdpdu-01-09-2004): which CSV file holds which table, its columns and their types, so an
/// auditor's tool (IDEA) reads the files without asking.
public struct GDPdUIndex: Sendable {
    public enum ColumnType: Sendable, Equatable {
        case text
        /// Decimal with this many places after the decimal comma.
        case numeric(accuracy: Int)
        /// DD.MM.YYYY
        case date
    }

    public struct Column: Sendable {
        public let name: String
        public let type: ColumnType
        public let description: String

        public init(_ name: String, _ type: ColumnType, _ description: String) {
            self.name = name
            self.type = type
            self.description = description
        }
    }

    public struct Table: Sendable {
        public let file: String
        public let name: String
        public let description: String
        /// The leading columns that identify a row.
        public let primaryKey: Int
        public let columns: [Column]
        /// (column, referenced table file without .csv)
        public let foreignKeys: [(column: String, table: String)]

        public init(
            file: String, name: String, description: String, primaryKey: Int = 1, columns: [Column],
            foreignKeys: [(column: String, table: String)] = []
        ) {
            self.file = file
            self.name = name
            self.description = description
            self.primaryKey = primaryKey
            self.columns = columns
            self.foreignKeys = foreignKeys
        }
    }

    /// The XML for `tables` of `supplier`'s data from `from` to `to` (both DD.MM.YYYY).
    public static func xml(supplier: String, location: String, from: String, to: String, tables: [Table]) -> String {
        var x = """
            <?xml version="1.0" encoding="UTF-8"?>
            <!DOCTYPE DataSet SYSTEM "gdpdu-01-09-2004.dtd">
            <DataSet>
              <Version>1.0</Version>
              <DataSupplier>
                <Name>\(XMLBuilder.escape(supplier))</Name>
                <Location>\(XMLBuilder.escape(location))</Location>
                <Comment>Kontor GoBD export (Z3) \(from) – \(to)</Comment>
              </DataSupplier>
              <Media>
                <Name>Kontor \(from) – \(to)</Name>

            """
        for t in tables {
            x += """
                    <Table>
                      <URL>\(XMLBuilder.escape(t.file))</URL>
                      <Name>\(XMLBuilder.escape(t.name))</Name>
                      <Description>\(XMLBuilder.escape(t.description))</Description>
                      <Validity>
                        <Range><From>\(from)</From><To>\(to)</To></Range>
                        <Format>DD.MM.YYYY</Format>
                      </Validity>
                      <UTF8/>
                      <DecimalSymbol>,</DecimalSymbol>
                      <DigitGroupingSymbol>.</DigitGroupingSymbol>
                      <VariableLength>
                        <ColumnDelimiter>;</ColumnDelimiter>
                        <RecordDelimiter>&#13;&#10;</RecordDelimiter>
                        <TextEncapsulator>"</TextEncapsulator>

                """
            for (i, c) in t.columns.enumerated() {
                let tag = i < t.primaryKey ? "VariablePrimaryKey" : "VariableColumn"
                let type =
                    switch c.type {
                    case .text: "<AlphaNumeric/>"
                    case .numeric(let a): "<Numeric><Accuracy>\(a)</Accuracy></Numeric>"
                    case .date: "<Date><Format>DD.MM.YYYY</Format></Date>"
                    }
                x +=
                    "          <\(tag)><Name>\(XMLBuilder.escape(c.name))</Name>"
                    + "<Description>\(XMLBuilder.escape(c.description))</Description>\(type)</\(tag)>\n"
            }
            for fk in t.foreignKeys {
                x +=
                    "          <ForeignKey><Name>\(XMLBuilder.escape(fk.column))</Name>"
                    + "<References>\(XMLBuilder.escape(fk.table))</References></ForeignKey>\n"
            }
            x += "        </VariableLength>\n      </Table>\n"
        }
        return x + "  </Media>\n</DataSet>\n"
    }
}
