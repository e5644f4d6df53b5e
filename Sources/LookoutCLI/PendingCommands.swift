import ArgumentParser
import Foundation

/// Roles whose issues have not landed yet: they say so and exit 1 instead of pretending.
protocol PendingCommand: ParsableCommand {
    static var issue: String { get }
}

extension PendingCommand {
    func run() throws {
        FileHandle.standardError.write(Data("lookout \(Self._commandName): not built yet (\(Self.issue)).\n".utf8))
        throw ExitCode(1)
    }
}

struct RenewCommand: PendingCommand {
    static let configuration = CommandConfiguration(commandName: "renew", abstract: "Enqueue stream renewals: --camera ID or --all.")
    static let issue = "permanent streams issue"
}
