import Foundation

/// The dashboard's HTML, from `Assets/index.html`. The script and style sheet are separate files,
/// so the CSP needs no `'unsafe-inline'`; the hls.js address and its integrity hash travel in
/// data attributes, filled in here.
enum DashboardPage {
    static func html(hlsScriptURL: String, hlsScriptIntegrity: String?) -> String {
        String(decoding: PackageResources.index_html, as: UTF8.self)
            .replacingOccurrences(of: "{{hlsScriptURL}}", with: escaped(hlsScriptURL))
            .replacingOccurrences(of: "{{hlsScriptIntegrity}}", with: escaped(hlsScriptIntegrity ?? ""))
    }

    /// Text safe inside a double-quoted HTML attribute.
    static func escaped(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "\"": out += "&quot;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            default: out.append(character)
            }
        }
        return out
    }
}
