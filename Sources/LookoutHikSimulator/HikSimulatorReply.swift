import Foundation
import Hummingbird

/// Builds the simulator's HTTP answers: HTTP 200 with the `errorCode` envelope for every
/// business outcome (reference §1), and the `NAME{CODE}` message form.
enum HikSimulatorReply {
    static func success(_ data: some Encodable, numbersAsStrings: Bool) -> Response {
        json(HikSimulatorPayloads.encode(HikSimulatorPayloads.Envelope(errorCode: "0", message: nil, data: data), numbersAsStrings: numbersAsStrings))
    }

    static func failure(_ errorCode: String, status: HTTPResponse.Status = .ok) -> Response {
        let envelope = HikSimulatorPayloads.Envelope<String>(errorCode: errorCode, message: message(for: errorCode), data: nil)
        return json(HikSimulatorPayloads.encode(envelope, numbersAsStrings: false), status: status)
    }

    static func json(_ data: Data, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// The message the real service sends (or would, where undocumented) for each code.
    static func message(for errorCode: String) -> String {
        let name =
            switch errorCode {
            case "OPEN000001": "AK_NOT_FOUND"
            case "OPEN300002": "SECRET_KEY_NOT_EQUALS"
            case "OPEN000010": "SECRET_KEY_IS_EMPTY"
            case "OPEN000006": "TOKEN_NOT_FOUND"
            case "OPEN000007": "TOKEN_ERROR"
            case "OPEN000008": "PARAMETER_VERIFICATION_FAILED"
            case "OPEN000027": "REQUEST_VOLUME_EXCEEDED"
            case "OPEN000503": "RESOURCE_NOT_EXIST"
            case "EVZ10029": "CALL_FREQUENCY_EXCEEDED"
            case "EVZ20007": "DEVICE_OFFLINE"
            case "EVZ20002": "DEVICE_NOT_EXIST"
            case "EVZ60019": "ENCRYPTION_ENABLED_AND_CODE_EMPTY"
            case "EVZ10001": "ILLEGAL_PARAMETER"
            default: "ERROR"
            }
        return "\(name){\(errorCode)}"
    }

    /// Codes that mean "who are you": answered with HTTP 401 in that mode.
    static let authErrorCodes: Set<String> = ["OPEN000001", "OPEN300002", "OPEN000010", "OPEN000006", "OPEN000007"]
}
