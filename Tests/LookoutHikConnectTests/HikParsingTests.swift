import Foundation
import Testing

@testable import LookoutHikConnect

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

    /// A huge, negative or past `expireTime` from the cloud neither traps nor wraps: it is an
    /// `.invalidResponse`, or (too far ahead) read as the longest lifetime the API grants.
    @Test(arguments: [
        "9223372036854775807", "-9223372036854775808", "-1", "0", "99999999999", "\"92233720368547758\"", "1000", "100000000000",
    ])
    func cloudExpiryTimesAreRangeChecked(expireTime: String) throws {
        let now: Int64 = 1_765_000_000_000
        let limit = now + HikExpiry.maximumLifetimeMillis
        let address = try JSONDecoder().decode(HikJSON.self, from: Data(#"{"url":"rtmp://h/live?t=x","expireTime":\#(expireTime)}"#.utf8))
        do {
            let parsed = try HikLiveAddress(data: address, now: now)
            #expect(parsed.expiresAt > now && parsed.expiresAt <= limit, "\(parsed.expiresAt)")
        } catch {
            #expect(error.code == .invalidResponse)
        }
        let token = try JSONDecoder().decode(HikJSON.self, from: Data(#"{"accessToken":"hcc.x","areaDomain":"https://a","expireTime":\#(expireTime)}"#.utf8))
        do {
            let parsed = try HikAccessToken(data: token, margin: .seconds(3600), now: now)
            #expect(parsed.expiresAt > now && parsed.expiresAt <= limit && parsed.refreshAt >= now && parsed.refreshAt <= parsed.expiresAt)
        } catch {
            #expect(error.code == .invalidResponse)
        }
        let fromURL = try JSONDecoder().decode(HikJSON.self, from: Data(#"{"url":"rtmp://h/live?expire=\#(expireTime.filter { $0 != "\"" })&t=x"}"#.utf8))
        do {
            let parsed = try HikLiveAddress(data: fromURL, now: now)
            #expect(parsed.expiresAt > now && parsed.expiresAt <= limit)
        } catch {
            #expect(error.code == .invalidResponse)
        }
    }

    @Test func aNormalExpiryIsKeptAsIs() throws {
        let now: Int64 = 1_765_000_000_000
        let week: Int64 = 7 * 86_400_000
        let seconds = try JSONDecoder().decode(HikJSON.self, from: Data(#"{"url":"rtmp://h/l","expireTime":\#((now + week) / 1000)}"#.utf8))
        #expect(try HikLiveAddress(data: seconds, now: now).expiresAt == now + week)
        let millis = try JSONDecoder().decode(HikJSON.self, from: Data(#"{"url":"rtmp://h/l","expireTime":\#(now + week)}"#.utf8))
        #expect(try HikLiveAddress(data: millis, now: now).expiresAt == now + week)
    }
}
