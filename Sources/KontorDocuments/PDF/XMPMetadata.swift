/// The XMP packet of a PDF/A-3b file: the PDF/A identification, the document info it repeats
/// (title, author, dates, producer — the Info dictionary says the same, ISO 19005-3 § 6.7.3),
/// and for a Factur-X hybrid the `fx:` properties with their extension schema (Factur-X 1.0
/// § 7), naming the embedded file and the profile.
struct XMPMetadata {
    var title: String
    var author: String
    /// `2026-12-01T00:00:00Z`.
    var date: String
    var producer: String
    /// The Factur-X document type (`INVOICE`) when the file carries `factur-x.xml`.
    var facturX: String?

    static let facturXNamespace = "urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#"

    var packet: [UInt8] {
        var x = "<?xpacket begin=\"\u{FEFF}\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n"
        x +=
            "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n"
        x += description(
            "pdfaid=\"http://www.aiim.org/pdfa/ns/id/\"",
            "<pdfaid:part>3</pdfaid:part><pdfaid:conformance>B</pdfaid:conformance>")
        x += description(
            "dc=\"http://purl.org/dc/elements/1.1/\"",
            "<dc:format>application/pdf</dc:format>"
                + "<dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">\(escape(title))</rdf:li></rdf:Alt></dc:title>"
                + "<dc:creator><rdf:Seq><rdf:li>\(escape(author))</rdf:li></rdf:Seq></dc:creator>")
        x += description(
            "xmp=\"http://ns.adobe.com/xap/1.0/\"",
            "<xmp:CreateDate>\(date)</xmp:CreateDate><xmp:ModifyDate>\(date)</xmp:ModifyDate>"
                + "<xmp:CreatorTool>\(escape(producer))</xmp:CreatorTool>")
        x += description("pdf=\"http://ns.adobe.com/pdf/1.3/\"", "<pdf:Producer>\(escape(producer))</pdf:Producer>")
        if let facturX {
            x += description(
                "fx=\"\(Self.facturXNamespace)\"",
                "<fx:DocumentType>\(facturX)</fx:DocumentType><fx:DocumentFileName>factur-x.xml</fx:DocumentFileName>"
                    + "<fx:Version>1.0</fx:Version><fx:ConformanceLevel>EN 16931</fx:ConformanceLevel>")
            x += Self.extensionSchema
        }
        x += "</rdf:RDF>\n</x:xmpmeta>\n"
        // Room for an editor to update the packet in place, as XMP recommends.
        x += String(repeating: String(repeating: " ", count: 99) + "\n", count: 4)
        x += "<?xpacket end=\"w\"?>"
        return Array(x.utf8)
    }

    func description(_ namespace: String, _ body: String) -> String {
        "<rdf:Description rdf:about=\"\" xmlns:\(namespace)>\(body)</rdf:Description>\n"
    }

    static let extensionSchema: String = {
        func property(_ name: String, _ text: String) -> String {
            "<rdf:li rdf:parseType=\"Resource\"><pdfaProperty:name>\(name)</pdfaProperty:name>"
                + "<pdfaProperty:valueType>Text</pdfaProperty:valueType>"
                + "<pdfaProperty:category>external</pdfaProperty:category>"
                + "<pdfaProperty:description>\(text)</pdfaProperty:description></rdf:li>"
        }
        return "<rdf:Description rdf:about=\"\" xmlns:pdfaExtension=\"http://www.aiim.org/pdfa/ns/extension/\""
            + " xmlns:pdfaSchema=\"http://www.aiim.org/pdfa/ns/schema#\""
            + " xmlns:pdfaProperty=\"http://www.aiim.org/pdfa/ns/property#\">"
            + "<pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType=\"Resource\">"
            + "<pdfaSchema:schema>Factur-X PDFA Extension Schema</pdfaSchema:schema>"
            + "<pdfaSchema:namespaceURI>\(facturXNamespace)</pdfaSchema:namespaceURI>"
            + "<pdfaSchema:prefix>fx</pdfaSchema:prefix><pdfaSchema:property><rdf:Seq>"
            + property("DocumentFileName", "The name of the embedded XML document")
            + property("DocumentType", "The type of the hybrid document in capital letters, e.g. INVOICE")
            + property("Version", "The version of the standard applying to the embedded XML document")
            + property("ConformanceLevel", "The conformance level of the embedded XML document")
            + "</rdf:Seq></pdfaSchema:property></rdf:li></rdf:Bag></pdfaExtension:schemas></rdf:Description>\n"
    }()

    func escape(_ s: String) -> String { XMLBuilder.escape(s) }
}
