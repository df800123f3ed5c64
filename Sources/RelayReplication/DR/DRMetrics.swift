import Prometheus

/// relay-dr's Prometheus series, in a registry of its own (one per daemon; tests run several).
public final class DRMetrics: Sendable {
    /// The registry `/metrics` renders.
    public let registry: PrometheusCollectorRegistry

    /// Apply-time buckets, 1 ms … 10 s.
    static let buckets: [Duration] = [
        .milliseconds(1), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
        .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2), .seconds(5), .seconds(10),
    ]

    /// Creates the series.
    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
    }

    /// A batch received from `origin` and applied (or acknowledged as a duplicate).
    func batchAccepted(origin: String, duplicate: Bool, records: Int, duration: Duration) {
        registry.makeCounter(
            name: "relay_dr_batches_received_total", labels: [("origin", origin), ("result", duplicate ? "duplicate" : "applied")],
            help: "Batches received and accepted, by origin (applied, or already held)."
        ).increment()
        registry.makeCounter(name: "relay_dr_records_applied_total", labels: [("origin", origin)], help: "Records applied from peers.")
            .increment(by: Int64(duplicate ? 0 : records))
        registry.makeDurationHistogram(
            descriptor: MetricNameDescriptor(
                namespace: "relay", subsystem: "dr", metricName: "apply_duration", unitName: "seconds",
                helpText: "Time to check and apply one received batch."),
            labels: [("origin", origin)], buckets: Self.buckets
        ).record(duration)
    }

    /// A batch refused; `origin` is "unknown" when it could not be read.
    func batchRejected(origin: String, reason: String) {
        registry.makeCounter(
            name: "relay_dr_batches_rejected_total", labels: [("origin", origin), ("reason", reason)],
            help: "Batches refused by this receiver, by origin and reason (nothing was written)."
        ).increment()
    }

    /// A batch from `origin` arrived before its predecessor (pipelined shipping) and waited for it.
    func batchReordered(origin: String) {
        registry.makeCounter(
            name: "relay_dr_batches_reordered_total", labels: [("origin", origin)],
            help: "Batches that arrived before their predecessor and waited for it (several in flight per shipper)."
        ).increment()
    }

    /// `origin` quarantined after a divergence (alert on this).
    func quarantined(origin: String) {
        registry.makeGauge(name: "relay_dr_origin_quarantined", labels: [("origin", origin)], help: "1 when the origin is quarantined here after a divergence.")
            .set(1.0)
        registry.makeCounter(name: "relay_dr_divergences_total", labels: [("origin", origin)], help: "Divergent histories detected.")
            .increment()
    }

    /// A batch shipped to `peer` and acknowledged.
    func batchShipped(peer: String, records: Int) {
        registry.makeCounter(name: "relay_dr_batches_shipped_total", labels: [("peer", peer)], help: "Batches acknowledged by peers.")
            .increment()
        registry.makeCounter(name: "relay_dr_records_shipped_total", labels: [("peer", peer)], help: "Records acknowledged by peers.")
            .increment(by: Int64(records))
    }

    /// A failed shipping attempt to `peer`.
    func shipFailed(peer: String, reason: String) {
        registry.makeCounter(
            name: "relay_dr_ship_failures_total", labels: [("peer", peer), ("reason", reason)],
            help: "Shipping attempts that failed, by peer and reason (retried with backoff)."
        ).increment()
    }

    /// The RPO of (origin → peer): records and seconds not yet acknowledged, origin clock.
    func lag(origin: String, peer: String, records: Int64, seconds: Double) {
        registry.makeGauge(
            name: "relay_dr_replication_lag_records", labels: [("origin", origin), ("peer", peer)],
            help: "Records committed at the origin and not yet acknowledged by the peer."
        ).set(Double(records))
        registry.makeGauge(
            name: "relay_dr_replication_lag_seconds", labels: [("origin", origin), ("peer", peer)],
            help: "Age of the oldest record not yet acknowledged by the peer (0 when caught up), origin clock."
        ).set(seconds)
    }
}
