import Foundation

/// Every bench ends the same way: one JSON line (for scripts and docs/benchmarks.md) and a table.
struct BenchReport {
    let bench: String
    var rows: [(name: String, value: String, target: String)] = []
    var json: [String: any Sendable] = [:]

    init(bench: String) {
        self.bench = bench
        json["bench"] = bench
    }

    mutating func add(_ key: String, _ value: Double, unit: String, label: String, target: String = "", decimals: Int = 1) {
        // JSON has no NaN: a figure that could not be measured is null.
        json[key] = value.isFinite ? (value * pow(10, Double(decimals))).rounded() / pow(10, Double(decimals)) : NSNull()
        rows.append((label, String(format: "%.\(decimals)f %@", value, unit), target))
    }

    mutating func note(_ key: String, _ value: any Sendable, label: String) {
        json[key] = value
        rows.append((label, "\(value)", ""))
    }

    func print() {
        let data = (try? JSONSerialization.data(withJSONObject: json, options: [.sortedKeys])) ?? Data()
        Swift.print(String(decoding: data, as: UTF8.self))
        Swift.print("| \(bench) | value | target |")
        Swift.print("| --- | ---: | --- |")
        for row in rows { Swift.print("| \(row.name) | \(row.value) | \(row.target) |") }
    }
}

extension Duration {
    var milliseconds: Double { Double(components.seconds) * 1000 + Double(components.attoseconds) / 1e15 }
    var seconds: Double { milliseconds / 1000 }
}

func percentile(_ p: Double, _ values: [Double]) -> Double {
    guard !values.isEmpty else { return .nan }
    let sorted = values.sorted()
    return sorted[min(sorted.count - 1, max(0, Int((p / 100 * Double(sorted.count)).rounded(.up)) - 1))]
}
