import Yams

/// Where setting values come from: the environment first, then an optional YAML file.
public struct SettingsSource: Sendable {
    public let environment: [String: String]
    /// The YAML file's values by dotted key (`redis.url`).
    public let file: [String: String]
    public let fileName: String?

    /// `fileMode` is the settings file's permission bits: a file that others or the group may
    /// read (anything but 0600 / 0400) must hold no secret (``Setting/secrecy``).
    public init(environment: [String: String], yaml: String? = nil, fileName: String? = nil, fileMode: Int? = nil) throws(ConfigurationError) {
        self.environment = environment
        self.fileName = fileName
        let name = fileName ?? "config"
        self.file = try yaml.map { text throws(ConfigurationError) in try Self.flatten(yaml: text, fileName: name) } ?? [:]
        if let fileMode { try Self.refuseSecrets(in: file, fileName: name, mode: fileMode) }
    }

    /// A secret in a file more open than 0600 is refused: anyone who can read the file (other
    /// users, backups, a config repository) would hold it.
    static func refuseSecrets(in file: [String: String], fileName: String, mode: Int) throws(ConfigurationError) {
        guard mode & 0o077 != 0 else { return }
        for setting in Setting.all {
            guard let value = file[setting.yamlKey], setting.isSecret(value) else { continue }
            let octal = "0" + String(mode & 0o7777, radix: 8)
            throw ConfigurationError(
                setting: setting.environmentName,
                problem: "is a secret, and \(setting.yamlKey) is set in \(fileName), whose mode \(octal) lets other users read it; "
                    + "chmod 600 the file, or set \(setting.environmentName) in the environment instead")
        }
    }

    /// The value of a setting, or its default; nil when neither exists.
    public func value(_ setting: Setting) -> String? {
        if let value = environment[setting.environmentName], !value.isEmpty { return value }
        return file[setting.yamlKey] ?? setting.defaultValue
    }

    public func required(_ setting: Setting) throws(ConfigurationError) -> String {
        guard let value = value(setting) else {
            throw ConfigurationError(setting: setting.environmentName, problem: "is required but not set (or set \(setting.yamlKey) in the config file)")
        }
        return value
    }

    public func integer(_ setting: Setting, in range: ClosedRange<Int>) throws(ConfigurationError) -> Int {
        let text = try required(setting)
        guard let number = Int(text), range.contains(number) else {
            throw ConfigurationError(setting: setting.environmentName, problem: "must be a whole number from \(range.lowerBound) to \(range.upperBound), got '\(text)'")
        }
        return number
    }

    public func boolean(_ setting: Setting) throws(ConfigurationError) -> Bool {
        let text = try required(setting)
        switch text.lowercased() {
        case "true", "1", "yes", "on": return true
        case "false", "0", "no", "off": return false
        default: throw ConfigurationError(setting: setting.environmentName, problem: "must be true or false, got '\(text)'")
        }
    }

    /// Where and what a YAML error is, without the file's text: Yams's own description quotes
    /// the offending line, which may hold a secret.
    static func position(of error: any Error) -> String {
        let found: (problem: String, mark: Mark?)
        switch error as? YamlError {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
            found = (problem, mark)
        case .reader(let problem, _, _, _):
            found = (problem, nil)
        case .duplicatedKeysInMapping(_, let context):
            found = ("duplicated keys", context.mark)
        default:
            found = ("cannot be parsed", nil)
        }
        guard let mark = found.mark else { return found.problem }
        return "\(found.problem) at line \(mark.line), column \(mark.column)"
    }

    /// Turns nested YAML maps into dotted keys; a key no setting has is an error (a typo would
    /// otherwise be silently ignored).
    static func flatten(yaml: String, fileName: String) throws(ConfigurationError) -> [String: String] {
        let root: Any?
        do {
            root = try Yams.load(yaml: yaml)
        } catch {
            throw ConfigurationError(setting: fileName, problem: "is not valid YAML: \(Self.position(of: error))")
        }
        guard let root else { return [:] }
        guard let map = root as? [String: Any] else { throw ConfigurationError(setting: fileName, problem: "must be a YAML mapping") }
        var flat: [String: String] = [:]
        func walk(_ map: [String: Any], prefix: String) {
            for (key, value) in map {
                let path = prefix.isEmpty ? key : "\(prefix).\(key)"
                if let nested = value as? [String: Any] { walk(nested, prefix: path) } else { flat[path] = "\(value)" }
            }
        }
        walk(map, prefix: "")
        let known = Set(Setting.all.map(\.yamlKey))
        if let unknown = flat.keys.sorted().first(where: { !known.contains($0) }) {
            throw ConfigurationError(setting: fileName, problem: "unknown key '\(unknown)'")
        }
        return flat
    }
}
