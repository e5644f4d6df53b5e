/// Why a token file could not be read or written. Line numbers count from 1 and include
/// comments and blank lines, as an editor shows them.
public enum TokenFileError: Error, Sendable, Hashable, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case unwritable(path: String, reason: String)
    /// The line is not `hostname<TAB>token`, or one of them is empty or not valid.
    case malformedLine(line: Int, reason: String)
    /// The hostname already appeared on `firstLine`.
    case duplicateHostname(line: Int, hostname: String, firstLine: Int)
    /// The entry cannot be written: a hostname or token with a tab, line break or `#` start.
    case unwritableEntry(hostname: String)

    /// The line the error is about, if it is about one.
    public var line: Int? {
        switch self {
        case .malformedLine(let line, _), .duplicateHostname(let line, _, _): line
        case .unreadable, .unwritable, .unwritableEntry: nil
        }
    }

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): "cannot read token file \(path): \(reason)"
        case .unwritable(let path, let reason): "cannot write token file \(path): \(reason)"
        case .malformedLine(let line, let reason): "line \(line): \(reason)"
        case .duplicateHostname(let line, let hostname, let firstLine):
            "line \(line): hostname '\(hostname)' is already on line \(firstLine)"
        case .unwritableEntry(let hostname): "cannot write the entry for '\(hostname)' as hostname<TAB>token"
        }
    }
}
