import Foundation

/// deploy/image/contents.txt: what the image and scripts/package.sh put in a Lookout runtime.
struct RuntimeContents {
    static let path = "deploy/image/contents.txt"

    var binary: [String] = []
    var copies: [String] = []
    var debianPackages: [String] = []
    /// Sonames debian:bookworm-slim has: the only libraries loaded from outside the folder.
    var baseLibraries: Set<String> = []

    static func read() throws -> RuntimeContents {
        var contents = RuntimeContents()
        for line in try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n") {
            let words = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)[0].split(separator: " ").map(String.init)
            guard words.count == 2 else {
                if !words.isEmpty { throw RuntimeContentsError(line: String(line)) }
                continue
            }
            switch words[0] {
            case "binary": contents.binary.append(words[1])
            case "copy": contents.copies.append(words[1])
            case "debian": contents.debianPackages.append(words[1])
            case "base": contents.baseLibraries.insert(words[1])
            default: throw RuntimeContentsError(line: String(line))
            }
        }
        return contents
    }
}

struct RuntimeContentsError: Error, CustomStringConvertible {
    let line: String
    var description: String { "\(RuntimeContents.path): not KIND VALUE: \(line)" }
}

/// One line of `ldd`: a library's soname and where it resolved (`bin/../lib` as `lib`; nil: the
/// kernel's vDSO, or not found).
struct LoadedLibrary: Equatable, CustomStringConvertible {
    let name: String
    let path: String?
    let found: Bool

    static func parse(ldd output: String) -> [LoadedLibrary] {
        output.split(separator: "\n").compactMap { line in
            let words = line.split(separator: " ").map(String.init).filter { !$0.isEmpty && $0 != "\t" }
            guard let first = words.first?.trimmingCharacters(in: .whitespaces), !first.isEmpty else { return nil }
            if words.count >= 3, words[1] == "=>" {
                guard words[2] != "not" else { return LoadedLibrary(name: first, path: nil, found: false) }
                return LoadedLibrary(name: first, path: URL(fileURLWithPath: words[2]).standardized.path, found: true)
            }
            return LoadedLibrary(name: URL(fileURLWithPath: first).lastPathComponent, path: first.hasPrefix("/") ? first : nil, found: true)
        }
    }

    var description: String { "\(name) => \(found ? path ?? "(vdso)" : "not found")" }
}
