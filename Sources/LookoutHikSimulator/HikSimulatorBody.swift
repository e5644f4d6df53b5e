import Foundation
import Hummingbird

/// A request's JSON body as the simulator reads it: numbers accepted as numbers or as strings
/// (`pageIndex:"1"` and `pageIndex:1` alike, reference §1). Lives only inside one handler.
struct HikSimulatorBody {
    let fields: [String: Any]

    init(fields: [String: Any]) {
        self.fields = fields
    }

    /// Nil when the body is not a JSON object; an empty body reads as `{}`.
    init?(_ buffer: ByteBuffer) {
        if buffer.readableBytes == 0 {
            self.init(fields: [:])
            return
        }
        guard let object = try? JSONSerialization.jsonObject(with: Data(buffer.readableBytesView)) as? [String: Any] else { return nil }
        self.init(fields: object)
    }

    func string(_ key: String) -> String? {
        switch fields[key] {
        case let text as String: text
        case let number as Int: String(number)
        case let number as Double: String(number)
        default: nil
        }
    }

    func int(_ key: String) -> Int? {
        switch fields[key] {
        case let number as Int: number
        case let number as Double where number.rounded() == number: Int(number)
        case let text as String: Int(text.trimmingCharacters(in: .whitespaces))
        default: nil
        }
    }

    func object(_ key: String) -> HikSimulatorBody? {
        (fields[key] as? [String: Any]).map(HikSimulatorBody.init(fields:))
    }

    /// A list of strings, or one string as a list of one.
    func strings(_ key: String) -> [String]? {
        if let list = fields[key] as? [Any] { return list.compactMap { $0 as? String ?? ($0 as? Int).map(String.init) } }
        return string(key).map { [$0] }
    }
}
