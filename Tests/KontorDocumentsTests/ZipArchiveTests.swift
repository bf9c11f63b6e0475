import Foundation
import KontorDocuments
import Testing

@Suite struct ZipArchiveTests {
    @Test func crc32IsTheISOCheckValue() {
        #expect(ZipArchive.crc32(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(ZipArchive.crc32([]) == 0)
    }

    /// The archive reads back with Python's zipfile (an independent reader) with every file intact.
    @Test func anArchiveReadsBackWithAnIndependentUnzip() throws {
        var zip = ZipArchive()
        zip.add("index.xml", Array("<DataSet/>".utf8))
        zip.add("rechnungen.csv", Array("nummer;brutto\r\n\"RE-1\";119,00\r\n".utf8))
        zip.add("leer.csv", [])
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("kontor-\(UUID().uuidString).zip")
        try Data(zip.finished()).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        p.arguments = [
            "-c",
            "import sys,zipfile;z=zipfile.ZipFile(sys.argv[1]);assert z.testzip() is None;"
                + "print('|'.join(f'{i.filename}={len(z.read(i))}' for i in z.infolist()))",
            file.path,
        ]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(text.trimmingCharacters(in: .whitespacesAndNewlines) == "index.xml=10|rechnungen.csv=30|leer.csv=0")
    }
}
