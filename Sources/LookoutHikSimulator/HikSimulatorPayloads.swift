import Foundation

/// The simulator's answers, shaped exactly as the reference shows them (§3–§6): the envelope,
/// then one type per `data`. Field types follow the real service (`online:"1"` a string,
/// `onlineStatus:1` a number); `HikSimulatorNumber` swaps them when `numbersAsStrings` is on.
enum HikSimulatorPayloads {
    struct Envelope<Payload: Encodable>: Encodable {
        var errorCode: String
        var message: String?
        var data: Payload?
    }

    struct Token: Encodable {
        var accessToken: String
        var expireTime: HikSimulatorNumber
        var userId: String
        var areaDomain: String
    }

    struct CameraPage: Encodable {
        var totalCount: HikSimulatorNumber
        var pageIndex: HikSimulatorNumber
        var pageSize: HikSimulatorNumber
        var camera: [Camera]
    }

    struct Camera: Encodable {
        struct Area: Encodable { var id: String, name: String }
        struct DevInfo: Encodable { var id: String, serialNo: String, category: String, streamSecretKey: String }
        struct ChannelInfo: Encodable { var id: String, no: HikSimulatorNumber }
        struct Device: Encodable { var devInfo: DevInfo, channelInfo: ChannelInfo }
        var id: String
        var name: String
        var online: HikSimulatorNumber
        var abilitySet: String
        var area: Area
        var device: Device
    }

    struct DevicePage: Encodable {
        var totalCount: HikSimulatorNumber
        var pageIndex: HikSimulatorNumber
        var pageSize: HikSimulatorNumber
        var device: [Device]
    }

    struct Device: Encodable {
        var id: String
        var name: String
        var category: String
        var type: String
        var serialNo: String
        var version: String
        var timeZone: String
        var onlineStatus: HikSimulatorNumber
        var addTime: String
    }

    struct LiveAddress: Encodable {
        var id: String
        var url: String
        var expireTime: HikSimulatorNumber
    }

    struct Capture: Encodable {
        var captureUrl: String
        var isEncrypted: HikSimulatorNumber
    }

    /// Encodes with the numbers switch in `userInfo`.
    static func encode(_ value: some Encodable, numbersAsStrings: Bool) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.userInfo[HikSimulatorNumber.flipKey] = numbersAsStrings
        return (try? encoder.encode(value)) ?? Data(#"{"errorCode":"EVZ49999","message":"encoding failed"}"#.utf8)
    }
}

/// A numeric field in its natural JSON form (number, or digits in a string as the real
/// service sends `online` and `channelInfo.no`), flipped to the other form on request.
struct HikSimulatorNumber: Encodable {
    enum Form { case number, string }
    static let flipKey = CodingUserInfoKey(rawValue: "lookout.hik.numbersAsStrings")!

    var value: Int64
    var form: Form

    static func number(_ value: some BinaryInteger) -> Self { .init(value: Int64(value), form: .number) }
    static func string(_ value: some BinaryInteger) -> Self { .init(value: Int64(value), form: .string) }

    func encode(to encoder: any Encoder) throws {
        let flip = encoder.userInfo[Self.flipKey] as? Bool ?? false
        var container = encoder.singleValueContainer()
        switch (form, flip) {
        case (.number, false), (.string, true): try container.encode(value)
        case (.string, false), (.number, true): try container.encode(String(value))
        }
    }
}
