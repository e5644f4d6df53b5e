import LookoutCore

/// NVR bodies of `POST /api/nvr` and `PUT /api/nvr/:id`.
enum NVRInput {
    /// 1–255 bytes, no whitespace or control characters: the agent sends it exactly so.
    static func hostname(_ body: JSONBody, required: Bool) throws(APIError) -> String? {
        guard let hostname = try body.string("hostname", maxLength: 255, required: required) else { return nil }
        guard hostname.utf8.count <= 255, !hostname.contains(where: { $0.isWhitespace }) else {
            throw APIError.invalidField("hostname", "hostname must be at most 255 bytes without spaces")
        }
        return Hostname.normalized(hostname)
    }
}
