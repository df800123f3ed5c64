import Prometheus
import RelayCore

/// relay-dr's Prometheus series, in a registry of its own (one per daemon; tests run several).
public final class DRMetrics: Sendable {
    /// The registry `/metrics` renders.
    public let registry: PrometheusCollectorRegistry

    /// Apply-time buckets, 1 ms … 10 s.
    static let buckets: [Duration] = [
        .milliseconds(1), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
        .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2), .seconds(5), .seconds(10),
    ]

    /// The descriptor of the series called exactly `name` (prefix and last word as prometheus'
    /// metric and unit names, which it joins back with an underscore).
    static func named(_ name: String, help: String) -> MetricNameDescriptor {
        let cut = name.lastIndex(of: "_")!
        return MetricNameDescriptor(metricName: String(name[..<cut]), unitName: String(name[name.index(after: cut)...]), helpText: help)
    }

    /// Creates the series.
    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
    }

    /// A batch received from `origin` and applied (or acknowledged as a duplicate).
    func batchAccepted(origin: String, duplicate: Bool, records: Int, duration: Duration) {
        registry.makeCounter(
            descriptor: Self.named("relay_dr_batches_received_total", help: "Batches received and accepted, by origin (applied, or already held)."),
            labels: [("origin", origin), ("result", duplicate ? "duplicate" : "applied")]).increment()
        registry.makeCounter(
            descriptor: Self.named("relay_dr_records_applied_total", help: "Records applied from peers."),
            labels: [("origin", origin)])
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
            descriptor: Self.named("relay_dr_batches_rejected_total", help: "Batches refused by this receiver, by origin and reason (nothing was written)."),
            labels: [("origin", origin), ("reason", reason)]).increment()
    }

    /// A batch from `origin` arrived before its predecessor (pipelined shipping) and waited for it.
    func batchReordered(origin: String) {
        registry.makeCounter(
            descriptor: Self.named("relay_dr_batches_reordered_total", help: "Batches that arrived before their predecessor and waited for it (several in flight per shipper)."),
            labels: [("origin", origin)]).increment()
    }

    /// `origin` quarantined after a divergence (alert on this).
    func quarantined(origin: String) {
        registry.makeGauge(
            descriptor: Self.named("relay_dr_origin_quarantined", help: "1 when the origin is quarantined here after a divergence."),
            labels: [("origin", origin)])
            .set(1.0)
        registry.makeCounter(
            descriptor: Self.named("relay_dr_divergences_total", help: "Divergent histories detected."),
            labels: [("origin", origin)])
            .increment()
    }

    /// A batch shipped to `peer` and acknowledged.
    func batchShipped(peer: String, records: Int) {
        registry.makeCounter(
            descriptor: Self.named("relay_dr_batches_shipped_total", help: "Batches acknowledged by peers."),
            labels: [("peer", peer)])
            .increment()
        registry.makeCounter(
            descriptor: Self.named("relay_dr_records_shipped_total", help: "Records acknowledged by peers."),
            labels: [("peer", peer)])
            .increment(by: Int64(records))
    }

    /// A failed shipping attempt to `peer`.
    func shipFailed(peer: String, reason: String) {
        registry.makeCounter(
            descriptor: Self.named("relay_dr_ship_failures_total", help: "Shipping attempts that failed, by peer and reason (retried with backoff)."),
            labels: [("peer", peer), ("reason", reason)]).increment()
    }

    /// The RPO of (origin → peer): records and seconds not yet acknowledged, origin clock.
    func lag(origin: String, peer: String, records: Int64, seconds: Double) {
        registry.makeGauge(
            descriptor: Self.named("relay_dr_replication_lag_records", help: "Records committed at the origin and not yet acknowledged by the peer."),
            labels: [("origin", origin), ("peer", peer)]).set(Double(records))
        registry.makeGauge(
            descriptor: Self.named("relay_dr_replication_lag_seconds", help: "Age of the oldest record not yet acknowledged by the peer (0 when caught up), origin clock."),
            labels: [("origin", origin), ("peer", peer)]).set(seconds)
    }

    /// Whether shipping to `peer` is stalled (records waiting, no acknowledgement for the stall threshold).
    func shippingStalled(peer: String, _ stalled: Bool) {
        registry.makeGauge(
            descriptor: Self.named(
                "relay_dr_shipping_stalled", help: "1 while records wait for the peer and it has acknowledged nothing for RELAY_DR_STALL_SECONDS."),
            labels: [("peer", peer)]
        ).set(stalled ? 1.0 : 0.0)
    }

    /// The receiving side of `origin`: seconds since a batch was last accepted, batches being applied or waiting.
    func receiving(origin: String, secondsSinceAccepted: Double, inProgress: Int) {
        registry.makeGauge(
            descriptor: Self.named(
                "relay_dr_receive_seconds_since_accepted",
                help: "Seconds since a batch of the origin was last accepted here (applied or already held); since start when none was."),
            labels: [("origin", origin)]
        ).set(secondsSinceAccepted)
        registry.makeGauge(
            descriptor: Self.named("relay_dr_receive_batches_in_progress", help: "Batches of the origin being applied or waiting for their turn here."),
            labels: [("origin", origin)]
        ).set(Double(inProgress))
    }
}

extension DRMetrics {
    /// The continuous check's verdict on `copy`'s copy of `origin`'s chain (alert on 0).
    func copyConsistent(origin: String, copy: String, _ consistent: Bool) {
        registry.makeGauge(
            descriptor: Self.named(
                "relay_dr_copy_consistent",
                help: "1 when the copy of the origin's chain held by the region is a prefix of the origin's, with equal hashes (continuous verification); 0 when not."),
            labels: [("origin", origin), ("copy", copy)]
        ).set(consistent ? 1.0 : 0.0)
    }

    /// When the continuous check of the copies of `origin` (this region) last finished.
    func copyVerified(origin: String, at time: Timestamp) {
        registry.makeGauge(
            descriptor: Self.named(
                "relay_dr_copy_verify_last_run_timestamp_seconds",
                help: "Unix time at which the continuous verification of the peers' copies of the origin's ledger last finished."),
            labels: [("origin", origin)]
        ).set(Double(time.microseconds) / 1e6)
    }
}
