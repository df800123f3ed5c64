import Hummingbird
import Logging
import RelayCore
import RelayLedger
import RelayPolicy
import RelayStore
import ServiceLifecycle

/// Builds the gateway: router, middleware, database pool and migrations.
public enum Gateway {
    /// The router with every v1 route.
    public static func router(services: GatewayServices) -> Router<RelayRequestContext> {
        let router = Router(context: RelayRequestContext.self)
        // Outermost first. Request id, log line and metrics wrap everything (errors included);
        // CORS sits outside ErrorMiddleware so it sees rendered error responses.
        router.add(middleware: RequestIDMiddleware())
        router.add(middleware: RequestLogMiddleware())
        router.add(middleware: HTTPMetricsMiddleware(metrics: services.metrics))
        if let origins = services.configuration.corsOrigins {
            router.add(middleware: CORSOriginMiddleware(origins: origins))
        }
        router.add(middleware: ErrorMiddleware())
        // Authentication and rate limiting are per route group (see RouteGroups): the limiter
        // runs after authentication so it can key on the agent.
        let groups = RouteGroups(router: router, services: services)
        ManifestRoutes(services: services).add(to: groups)
        SealRoutes(services: services).add(to: groups)
        AuditRoutes(services: services).add(to: groups)
        HealthRoutes(services: services).add(to: groups)
        IdentityRoutes(services: services).add(to: groups)
        MetricsRoutes(services: services).add(to: groups)
        return router
    }

    /// The application: runs the pool, applies migrations before accepting requests, serves HTTP.
    public static func application(
        services: GatewayServices, logger: Logger
    ) -> some ApplicationProtocol {
        let config = services.configuration
        var app = Application(
            router: router(services: services),
            configuration: .init(address: .hostname(config.apiHost, port: config.apiPort), serverName: "relay-gateway"),
            services: [services.database.client] + (services.chainer.map { [$0] } ?? []) + policyReloader(services: services, logger: logger),
            logger: logger)
        let migrations = MigrationService(
            database: services.database, gate: services.schemaReady, logger: logger,
            metadata: ["region": "\(config.region)", "chainer": "\(config.chainer.rawValue)"])
        app.beforeServerStarts { try await migrations.prepare() }
        return app
    }

    /// Reloads the builtin engine's policies on SIGHUP and on change (none for OPA).
    static func policyReloader(services: GatewayServices, logger: Logger) -> [any Service] {
        guard let engine = services.policyEngine.reloadable else { return [] }
        let seconds = services.configuration.policyWatchSeconds
        return [
            PolicyReloader(
                engine: engine, metrics: services.metrics, logger: logger, watchInterval: seconds > 0 ? .milliseconds(Int64(seconds * 1000)) : nil)
        ]
    }

    /// Runs the gateway until SIGTERM or SIGINT: checks the policy engine, serves (migrations
    /// first), and shuts the policy engine down once the server has stopped, also when it failed.
    public static func run(services: GatewayServices, logger: Logger) async throws {
        await services.policyEngine.start(logger: logger)
        do {
            try await application(services: services, logger: logger).runService()
        } catch {
            try? await services.policyEngine.shutdown()
            throw error
        }
        try await services.policyEngine.shutdown()
    }
}
