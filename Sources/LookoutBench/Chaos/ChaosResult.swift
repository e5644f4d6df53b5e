import Foundation

/// One invariant after one fault: whether it held, and the figure that says how well.
struct ChaosCheck: Sendable {
    let passed: Bool
    let figure: String
}

/// One row of the matrix.
struct ChaosResult: Sendable {
    let fault: String
    /// Seconds from the heal until every invariant held (nil: not within the bound).
    let recovery: Double?
    let checks: [(name: String, check: ChaosCheck)]
    /// Roles that died on their own during the step.
    let crashed: [String]

    var passed: Bool { checks.allSatisfy(\.check.passed) && crashed.isEmpty }

    static let invariants = [
        "PostgreSQL = fleet", "no ghost > 15 s", "dashboards = PostgreSQL", "no expired URL", "no invalid mediamtx.yml", "no double fetch",
    ]
}

/// The matrix as a Markdown table (the terminal and docs/reliability.md show the same text).
struct ChaosMatrix: Sendable {
    var rows: [ChaosResult] = []

    var passed: Bool { rows.allSatisfy(\.passed) }

    var markdown: String {
        var lines = [
            "| Fault | Recovery | " + ChaosResult.invariants.joined(separator: " | ") + " |",
            "|---|---|" + String(repeating: "---|", count: ChaosResult.invariants.count),
        ]
        for row in rows {
            let recovery = row.recovery.map { String(format: "%.1f s", $0) } ?? "not recovered"
            let cells = row.checks.map { "\($0.check.passed ? "✅" : "❌") \($0.check.figure)" }
            let fault = row.crashed.isEmpty ? row.fault : "\(row.fault) (crashed: \(row.crashed.joined(separator: ", ")))"
            lines.append("| \(fault) | \(recovery) | " + cells.joined(separator: " | ") + " |")
        }
        return lines.joined(separator: "\n")
    }
}
