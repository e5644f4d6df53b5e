import Foundation
import LookoutSimulator
import Testing

@Suite struct TokenFileTests {
    @Test func parsesEntriesInOrder() throws {
        let file = try TokenFile.parse("DESKTOP-T7MNQIA\tnvr_abc\nshop-2\tnvr_def\n")
        #expect(
            file.entries == [
                NVRCredential(hostname: "DESKTOP-T7MNQIA", token: "nvr_abc"),
                NVRCredential(hostname: "shop-2", token: "nvr_def"),
            ]
        )
    }

    @Test func ignoresCommentsBlankLinesAndCRLF() throws {
        let text = "# header\r\n\r\n  # indented comment\nhost-a\tnvr_1\r\n   \n\thost-b\tnvr_2  \n# trailer"
        let file = try TokenFile.parse(text)
        #expect(file.entries.map(\.hostname) == ["host-a", "host-b"])
        #expect(file.entries.map(\.token) == ["nvr_1", "nvr_2"])
    }

    @Test func emptyFileHasNoEntries() throws {
        #expect(try TokenFile.parse("").entries.isEmpty)
        #expect(try TokenFile.parse("# only a comment\n\n").entries.isEmpty)
    }

    @Test(arguments: [
        ("host-a\tnvr_1\n# c\n\nhost-b nvr_2\n", 4),
        ("host-a\tnvr_1\nhost-b\t\n", 2),
        ("host-a\tnvr_1\r\n# c\r\nhost-b\tnvr_2\textra\r\n", 3),
        ("\tnvr_1\n", 1),
        ("host-a\tnvr 1\n", 1),
    ])
    func malformedLineNamesItsNumber(text: String, line: Int) {
        #expect {
            try TokenFile.parse(text)
        } throws: { error in
            guard case .malformedLine(let number, _) = error as? TokenFileError else { return false }
            return number == line
        }
    }

    @Test func duplicateHostnameNamesBothLines() {
        #expect(throws: TokenFileError.duplicateHostname(line: 3, hostname: "host-a", firstLine: 1)) {
            try TokenFile.parse("host-a\tnvr_1\nhost-b\tnvr_2\nhost-a\tnvr_3\n")
        }
    }

    @Test func errorDescriptionStartsWithTheLine() {
        let error = TokenFileError.malformedLine(line: 7, reason: "the token is empty")
        #expect(error.description == "line 7: the token is empty")
        #expect(error.line == 7)
    }

    @Test func writesOwnerOnlyAndReadsBack() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tokens-\(UInt32.random(in: .min ... .max)).tsv").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let file = TokenFile(entries: [
            NVRCredential(hostname: "host-a", token: "nvr_1"), NVRCredential(hostname: "host-b", token: "nvr_2"),
        ])
        try file.write(path: path)
        #expect(try TokenFile.read(path: path) == file)
        let permissions = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(permissions == 0o600)
        #expect(try String(contentsOfFile: path, encoding: .utf8).hasSuffix("host-a\tnvr_1\nhost-b\tnvr_2\n"))
    }

    @Test func refusesToWriteEntriesItCouldNotReadBack() {
        for entry in [
            NVRCredential(hostname: "host-a", token: nil), NVRCredential(hostname: "host\tb", token: "t"),
            NVRCredential(hostname: "#host", token: "t"),
        ] {
            #expect(throws: TokenFileError.unwritableEntry(hostname: entry.hostname)) {
                try TokenFile(entries: [entry]).text()
            }
        }
    }

    @Test func missingFileIsUnreadable() {
        #expect {
            try TokenFile.read(path: "/nonexistent/tokens.tsv")
        } throws: { error in
            guard case .unreadable(let path, _) = error as? TokenFileError else { return false }
            return path == "/nonexistent/tokens.tsv"
        }
    }
}
