import Foundation

/// Keeps the "Fault matrix" section of docs/reliability.md: the text between its two markers is
/// replaced by the latest matrix; other sections of the file are left as they are.
enum ChaosDoc {
    static let begin = "<!-- fault-matrix:begin (written by `lookout chaos --write-doc`) -->"
    static let end = "<!-- fault-matrix:end -->"

    static func write(matrix: ChaosMatrix, summary: String, command: String, to path: String) throws {
        let body = """
            \(begin)
            Latest run: `\(command)` (\(matrix.passed ? "every invariant held" : "invariants failed")).

            \(summary)

            \(matrix.markdown)
            \(end)
            """
        var text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? "# Reliability\n"
        if let start = text.range(of: begin), let stop = text.range(of: end, range: start.upperBound..<text.endIndex) {
            text.replaceSubrange(start.lowerBound..<stop.upperBound, with: body)
        } else {
            text += (text.hasSuffix("\n") ? "\n" : "\n\n") + "## Fault matrix\n\n" + body + "\n"
        }
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }
}
