/// MediaMTX path names Lookout derives for the cameras it creates.
enum MediaMTXPathName {
    /// `hostname` with every character outside `0-9 A-Z a-z _ -` replaced by `_`, so it is a
    /// single valid path segment (`cameras_mediamtx_path_check`): `nvr-01.site` → `nvr-01_site`.
    static func sanitise(_ hostname: String) -> String {
        String(
            hostname.unicodeScalars.map { scalar -> Character in
                switch scalar {
                case "0"..."9", "A"..."Z", "a"..."z", "_", "-": Character(scalar)
                default: "_"
                }
            }
        )
    }

    /// The path of an NVR's camera N: `<sanitised hostname>-cam-<N>`.
    static func camera(hostname: String, number: Int) -> String {
        "\(Self.sanitise(hostname))-cam-\(number)"
    }
}
