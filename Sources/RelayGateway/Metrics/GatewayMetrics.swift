import Prometheus

/// The gateway's Prometheus series, in a registry of its own (one per gateway instance, so tests
/// run several gateways in one process without a global metrics bootstrap).
///
/// Every label has a bounded set of values: routes are templates (or `unmatched`), methods are
/// the standard ones (or `OTHER`), statuses are three-digit codes.
public final class GatewayMetrics: Sendable {
    /// The registry `/metrics` renders.
    public let registry: PrometheusCollectorRegistry
    private let dbConnectionsInUse: Gauge
    private let sealsExecuted: Prometheus.Counter

    /// Latency buckets from 1 ms to 10 s (enough resolution for p50/p95/p99 of an API call).
    public static let latencyBuckets: [Duration] = [
        .milliseconds(1), .microseconds(2500), .milliseconds(5), .milliseconds(10), .milliseconds(25),
        .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1),
        .microseconds(2_500_000), .seconds(5), .seconds(10),
    ]

    /// The route label of a request that matched no route.
    public static let unmatchedRoute = "unmatched"

    /// Creates the series; `policyEngine` names the engine label of the policy series, which
    /// start at zero so dashboards see them before the first request.
    public init(policyEngine: String, registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        self.dbConnectionsInUse = registry.makeGauge(descriptor: Self.dbConnectionsInUseName)
        self.sealsExecuted = registry.makeCounter(descriptor: Self.sealsExecutedName)
        for decision in ["approved", "denied"] {
            _ = registry.makeCounter(descriptor: Self.decisionsName, labels: [("decision", decision)])
        }
        _ = registry.makeCounter(descriptor: Self.engineErrorsName, labels: [("engine", policyEngine)])
    }

    /// One served request: `relay_http_requests_total` and `relay_http_request_duration_seconds`.
    public func recordRequest(route: String, method: String, status: Int, duration: Duration) {
        registry.makeCounter(
            descriptor: Self.requestsName,
            labels: [("route", route), ("method", Self.methodLabel(method)), ("status", String(status))]
        ).increment()
        registry.makeDurationHistogram(descriptor: Self.requestDurationName, labels: [("route", route)], buckets: Self.latencyBuckets)
            .record(duration)
    }

    /// One policy decision returned to a client: `relay_decisions_total`.
    public func recordDecision(approved: Bool) {
        registry.makeCounter(descriptor: Self.decisionsName, labels: [("decision", approved ? "approved" : "denied")]).increment()
    }

    /// One policy evaluation: `relay_policy_engine_duration_seconds`, and
    /// `relay_policy_engine_errors_total` when it `failed`.
    public func recordPolicyEvaluation(engine: String, duration: Duration, failed: Bool) {
        registry.makeDurationHistogram(descriptor: Self.engineDurationName, labels: [("engine", engine)], buckets: Self.latencyBuckets)
            .record(duration)
        if failed {
            registry.makeCounter(descriptor: Self.engineErrorsName, labels: [("engine", engine)]).increment()
        }
    }

    /// One reload of the policy directory: `relay_policy_reloads_total{result}` (`replaced`,
    /// `unchanged`, `failed`) and `relay_policy_reload_failing` (1 while the files on disk do not
    /// load and an older set stays in force).
    public func recordPolicyReload(result: String) {
        registry.makeCounter(descriptor: Self.name("policy", "reloads", "total", "Reloads of the policy directory, by result."), labels: [("result", result)])
            .increment()
        registry.makeGauge(
            descriptor: Self.name("policy", "reload_failing", "", "1 while the policy files on disk fail to load (the previous set stays in force)."))
            .set(Double(result == "failed" ? 1 : 0))
    }

    /// One seal marked executed: `relay_seals_executed_total`.
    public func recordSealExecuted() {
        sealsExecuted.increment()
    }

    /// The Prometheus text exposition, with `relay_db_connections_in_use` set to `dbConnectionsInUse`.
    public func exposition(dbConnectionsInUse: Int) -> String {
        self.dbConnectionsInUse.set(Double(dbConnectionsInUse))
        return registry.emitToString()
    }

    /// The chain head and backlog, read at scrape time: `relay_ledger_head_seq`,
    /// `relay_ledger_unchained_records`, `relay_ledger_oldest_unchained_age_seconds`.
    func record(_ ledger: LedgerStatus) {
        registry.makeGauge(descriptor: Self.name("ledger", "head_seq", "", "Last chained seq of this region's ledger."))
            .set(Double(ledger.head.seq))
        registry.makeGauge(descriptor: Self.name("ledger", "unchained", "records", "Records written and not yet chained."))
            .set(Double(ledger.unchained))
        registry.makeGauge(
            descriptor: Self.name("ledger", "oldest_unchained_age", "seconds", "Age of the oldest record waiting for the chainer (0 when none)."))
            .set(ledger.oldestUnchainedAgeSeconds)
    }

    /// `method` when it is a standard HTTP method, else `OTHER` (any token is a valid method: an
    /// unbounded label would let clients create series at will).
    static func methodLabel(_ method: String) -> String {
        standardMethods.contains(method) ? method : "OTHER"
    }

    private static let standardMethods: Set<String> = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]

    // Computed: `MetricNameDescriptor` is not `Sendable`, so it cannot be a stored static.
    private static var requestsName: MetricNameDescriptor {
        name("http", "requests", "total", "HTTP requests served, by route template, method and status.")
    }
    private static var requestDurationName: MetricNameDescriptor {
        name("http", "request_duration", "seconds", "HTTP request latency by route template.")
    }
    private static var decisionsName: MetricNameDescriptor {
        name(nil, "decisions", "total", "Policy decisions returned by /v1/manifest/validate (dry runs included).")
    }
    private static var engineErrorsName: MetricNameDescriptor {
        name("policy_engine", "errors", "total", "Policy evaluations that failed (the request got 503).")
    }
    private static var engineDurationName: MetricNameDescriptor {
        name("policy_engine", "duration", "seconds", "Policy evaluation latency.")
    }
    private static var dbConnectionsInUseName: MetricNameDescriptor {
        name("db", "connections_in_use", "", "Database operations in flight (each holds at most one pooled connection).")
    }
    private static var sealsExecutedName: MetricNameDescriptor {
        name("seals", "executed", "total", "Seals marked executed.")
    }

    /// `relay_<subsystem>_<metric>_<unit>` (empty parts skipped).
    private static func name(_ subsystem: String?, _ metric: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "relay", subsystem: subsystem, metricName: metric, unitName: unit, helpText: help)
    }
}
