/// Where a notification sits in the feed: its epoch and its sequence number within it.
///
/// The sequence counts up from 1 within one epoch. A new epoch starts whenever the publisher
/// finds the sequence (or the epoch) missing in Redis, e.g. after Redis lost its data: numbers
/// from two epochs cannot be compared, so a follower that sees another epoch starts again from
/// a snapshot. Same idea as Centrifugo's stream position (offset + epoch).
public struct NotificationPosition: Sendable, Hashable, CustomStringConvertible {
    public var epoch: String
    public var seq: Int64

    public init(epoch: String, seq: Int64) {
        self.epoch = epoch
        self.seq = seq
    }

    /// The position of a published notification, read from its first two fields
    /// (`{"seq":N,"epoch":"E",…`, as the publisher writes them) without parsing the rest.
    /// A notification from before epochs existed has the empty epoch.
    public init?(json: String) {
        let utf8 = json.utf8
        let seqPrefix = #"{"seq":"#.utf8
        guard utf8.starts(with: seqPrefix) else { return nil }
        var index = utf8.index(utf8.startIndex, offsetBy: seqPrefix.count)
        var seq: Int64 = 0
        var digits = 0
        while index != utf8.endIndex, let digit = Self.digit(utf8[index]), digits < 18 {
            seq = seq * 10 + Int64(digit)
            digits += 1
            index = utf8.index(after: index)
        }
        guard digits > 0 else { return nil }
        let epochPrefix = #","epoch":""#.utf8
        let rest = utf8[index...]
        guard rest.starts(with: epochPrefix) else {
            self.init(epoch: "", seq: seq)
            return
        }
        let start = utf8.index(index, offsetBy: epochPrefix.count)
        guard let end = utf8[start...].firstIndex(of: UInt8(ascii: "\"")) else { return nil }
        self.init(epoch: String(decoding: utf8[start..<end], as: UTF8.self), seq: seq)
    }

    public var description: String { "\(epoch)/\(seq)" }

    private static func digit(_ byte: UInt8) -> UInt8? {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") ? byte - UInt8(ascii: "0") : nil
    }
}

/// Epoch names: random, short, safe in JSON and in a Redis key without escaping.
public enum NotificationEpoch {
    /// A fresh candidate; the scripts use it only when they start a new epoch.
    public static func make() -> String {
        let value = UInt64.random(in: 0...UInt64.max) & 0xFFFF_FFFF_FFFF
        let hex = String(value, radix: 16)
        return String(repeating: "0", count: 12 - hex.count) + hex
    }
}
