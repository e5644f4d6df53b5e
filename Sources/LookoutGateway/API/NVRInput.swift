import LookoutCore

/// NVR bodies of `POST /api/nvr` and `PUT /api/nvr/:id`.
enum NVRInput {
    /// ``Hostname/problem(_:)``: 1–255 bytes, no whitespace or control characters.
    static func hostname(_ body: JSONBody, required: Bool) throws(APIError) -> String? {
        guard let hostname = try body.string("hostname", maxLength: 255, required: required) else { return nil }
        if let problem = Hostname.problem(hostname) { throw APIError.invalidField("hostname", problem) }
        return Hostname.normalized(hostname)
    }
}
