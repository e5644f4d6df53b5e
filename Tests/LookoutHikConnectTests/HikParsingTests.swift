import Foundation
import LookoutHikConnect
import Testing

@Suite("Reading OpenAPI payloads")
struct HikParsingTests {
    @Test(arguments: [
        ("EVZ20007", HikConnectError.Code.deviceOffline), ("OPEN000550", .deviceOffline), ("OPEN000503", .notFound), ("EVZ20018", .notFound),
        ("EVZ60019", .encrypted), ("EVZ10029", .rateLimited), ("OPEN000027", .rateLimited), ("OPEN300002", .badCredentials),
        ("OPEN000001", .badCredentials), ("OPEN000006", .tokenInvalid), ("OPEN000007", .tokenInvalid), ("OPEN000008", .invalidRequest),
        ("VMS002001", .other),
    ])
    func errorCodesAreTyped(errorCode: String, code: HikConnectError.Code) {
        let error = HikConnectError(errorCode: errorCode, message: "NAME{\(errorCode)}")
        #expect(error.code == code && error.errorCode == errorCode && error.message == "NAME{\(errorCode)}")
    }

    @Test func numbersAndStringsReadAlike() throws {
        let json = try JSONDecoder().decode(
            HikJSON.self, from: Data(#"{"a":"1","b":1,"c":1.0,"d":" 42 ","e":"x","f":1733720797000,"g":"1733720797000"}"#.utf8))
        #expect(json["a"]?.int == 1 && json["b"]?.int == 1 && json["c"]?.int == 1 && json["d"]?.int == 42)
        #expect(json["e"]?.int == nil && json["b"]?.string == "1" && json["c"]?.string == "1")
        #expect(json["f"]?.int64 == 1_733_720_797_000 && json["g"]?.int64 == 1_733_720_797_000)
    }
}
