extension NVRFleet {
    /// Hostnames whose agent is authenticated right now: the fleet's truth a fault harness
    /// compares PostgreSQL and dashboards with (`lookout chaos`).
    public var connectedHostnames: Set<String> {
        Set(slots.lazy.filter(\.isConnected).map(\.credential.hostname))
    }
}
