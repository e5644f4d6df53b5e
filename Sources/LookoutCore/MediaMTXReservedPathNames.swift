/// Path names MediaMTX gives a meaning of its own (v1.20.1 `internal/conf/path.go`,
/// `Path.validate`): `all` and `all_others` are not paths but the regular expression `^.*$`,
/// applying their settings to every other path. A camera under such a name would hand its stream
/// to every path (MediaMTX refuses a static source on a regular-expression path, so in practice
/// the whole config is refused). Names starting with `~` are regular expressions too; they are
/// already outside the path alphabet (`0-9 A-Z a-z _ . - /`).
public enum MediaMTXReservedPathNames {
    public static let all: Set<String> = ["all", "all_others"]

    /// Whether `name` is reserved (compared exactly, as MediaMTX does).
    public static func contains(_ name: String) -> Bool {
        all.contains(name)
    }
}
