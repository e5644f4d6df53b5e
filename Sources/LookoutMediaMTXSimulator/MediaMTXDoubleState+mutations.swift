/// The config-changing requests, each checked and accepted atomically (`conf.go:AddPath`,
/// `PatchPath`, `ReplacePath`, `RemovePath` on a clone, then `Validate` on the whole config).
extension MediaMTXDoubleState {
    enum Mutation: Sendable {
        case add, patch, replace, delete
    }

    /// A failed request: HTTP status and MediaMTX's message.
    struct Refusal: Error, Sendable {
        let status: Int
        let message: String
    }

    func mutate(_ mutation: Mutation, name: String, body: [String: JSONValue]?) throws(Refusal) {
        guard !name.isEmpty else { throw Refusal(status: 400, message: "invalid name") }
        var paths = accepted
        switch mutation {
        case .add:
            guard paths[name] == nil else { throw Refusal(status: 400, message: "path already exists") }
            paths[name] = body ?? [:]
        case .patch:
            guard var conf = paths[name] else { throw Refusal(status: 404, message: "path not found") }
            // PATCH merges; a null means "not given" and cannot unset a field.
            for (key, value) in body ?? [:] where value != .null { conf[key] = value }
            paths[name] = conf
        case .replace:
            paths[name] = (body ?? [:]).filter { $0.value != .null }
        case .delete:
            guard paths[name] != nil else { throw Refusal(status: 404, message: "path not found") }
            paths[name] = nil
        }
        if mutation != .delete, let problem = DoublePathConf.validationProblem(name: name, Self.merge(name: name, paths[name]!)) {
            throw Refusal(status: 400, message: problem)
        }
        accept(paths)
    }
}
