import Hummingbird
import Logging
import RelayCore
import RelayPolicy
import RelayStore

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
        // The auth middleware (sets `context.principal`) goes here, before rate limiting.
        // Rate limiting must stay the LAST middleware: it keys on `context.principal`.
        if let limiter = services.rateLimiter {
            router.add(middleware: RateLimitMiddleware(limiter: limiter))
        }
        ManifestRoutes(services: services).add(to: router)
        SealRoutes(services: services).add(to: router)
        AuditRoutes(services: services).add(to: router)
        HealthRoutes(services: services).add(to: router)
        MetricsRoutes(services: services).add(to: router)
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
            services: [services.database.client],
            logger: logger)
        app.beforeServerStarts {
            let applied = try await Migrator(database: services.database).migrate()
            logger.info(
                "database ready",
                metadata: ["database": "\(config.database)", "migrations_applied": "\(applied)", "region": "\(config.region)"])
        }
        return app
    }
}
