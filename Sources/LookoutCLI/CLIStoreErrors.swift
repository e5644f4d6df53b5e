import ArgumentParser
import Foundation
import LookoutStore

/// A store's refusal (unknown row, taken name, invalid value) is the operator's to fix: one line
/// on stderr and exit 1, not a stack of wrapped errors. Other failures propagate.
enum CLIStoreErrors {
    static func exitOnRefusal<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as StoreError where error.code == .notFound || error.code == .duplicate || error.code == .invalidArgument {
            FileHandle.standardError.write(Data("error: \(error.message)\n".utf8))
            throw ExitCode.failure
        }
    }
}
