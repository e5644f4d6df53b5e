import Foundation

/// A file of NVR credentials for the simulator: one NVR per line, `hostname<TAB>token`.
/// Lines starting with `#` and blank lines are ignored; surrounding spaces and a trailing
/// `\r` are trimmed. The file holds secrets, so it is written readable by its owner only.
public struct TokenFile: Sendable, Hashable {
    public var entries: [NVRCredential]

    public init(entries: [NVRCredential]) {
        self.entries = entries
    }

    /// Parses the file's text; the first bad line throws, naming its number.
    public static func parse(_ text: String) throws(TokenFileError) -> TokenFile {
        var entries: [NVRCredential] = []
        var firstLines: [String: Int] = [:]
        for (index, rawLine) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let number = index + 1
            let line = rawLine.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard fields.count == 2 else {
                throw .malformedLine(line: number, reason: "expected hostname<TAB>token, found \(fields.count - 1) tabs")
            }
            let hostname = fields[0].trimmingCharacters(in: .whitespaces)
            let token = fields[1].trimmingCharacters(in: .whitespaces)
            guard !hostname.isEmpty, hostname.utf8.count <= 255 else {
                throw .malformedLine(line: number, reason: "the hostname must be 1-255 bytes")
            }
            guard !token.isEmpty else { throw .malformedLine(line: number, reason: "the token is empty") }
            guard !token.contains(where: \.isWhitespace) else {
                throw .malformedLine(line: number, reason: "the token contains whitespace")
            }
            if let firstLine = firstLines[hostname] {
                throw .duplicateHostname(line: number, hostname: hostname, firstLine: firstLine)
            }
            firstLines[hostname] = number
            entries.append(NVRCredential(hostname: hostname, token: token))
        }
        return TokenFile(entries: entries)
    }

    /// Reads and parses the file at `path`.
    public static func read(path: String) throws(TokenFileError) -> TokenFile {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw .unreadable(path: path, reason: error.localizedDescription)
        }
        return try parse(text)
    }

    /// The file's text: a header comment, then one `hostname<TAB>token` line per entry.
    /// Entries without a token cannot be written.
    public func text() throws(TokenFileError) -> String {
        var text = "# lookout NVR tokens: hostname<TAB>token\n"
        for entry in entries {
            guard let token = entry.token, Self.isWritable(entry.hostname), Self.isWritable(token) else {
                throw .unwritableEntry(hostname: entry.hostname)
            }
            text += "\(entry.hostname)\t\(token)\n"
        }
        return text
    }

    /// Writes the file atomically with mode 0600.
    public func write(path: String) throws(TokenFileError) {
        let data = Data(try text().utf8)
        let written = FileManager.default.createFile(atPath: path, contents: data, attributes: [.posixPermissions: 0o600])
        guard written else { throw .unwritable(path: path, reason: "the file could not be created") }
    }

    private static func isWritable(_ field: String) -> Bool {
        let trimmed = field.trimmingCharacters(in: .whitespacesAndNewlines)
        return !trimmed.isEmpty && trimmed == field && !field.hasPrefix("#") && !field.contains("\t") && !field.contains("\n")
    }
}
