import Foundation
import HTTPTypes
import HummingbirdTesting
import LookoutTestSupport
import Testing

/// MediaMTX's `all` and `all_others` are "every path", never a camera's path: refused with 422.
@Suite struct ReservedPathTests {
    @Test func mediamtxReservedNamesAreRefusedAsCameraPaths() async throws {
        try await withAPI { api async throws in
            let id = try #require(try await api.admin(.post, "/api/camera", json: #"{"name":"c","mediamtxPath":"site/all"}"#).json.object("camera").int("id"))
            for name in ["all", "all_others"] {
                for (method, path) in [(HTTPRequest.Method.post, "/api/camera"), (.put, "/api/camera/\(id)")] {
                    let response = try await api.admin(method, path, json: #"{"name":"x","mediamtxPath":"\#(name)"}"#)
                    #expect(response.status == .unprocessableContent, "\(method) \(name)")
                    #expect(response.errorCode == "invalid_field")
                    #expect(response.errorField == "mediamtxPath")
                    #expect(response.text.contains("MediaMTX"), "\(response.text)")
                }
            }
            let camera = try await api.viewer(.get, "/api/camera/\(id)").json.object("camera")
            #expect(camera["mediamtxPath"] as? String == "site/all", "the refused change left the camera as it was")
        }
    }
}
