package dev.crater;

import dev.crater.accountrequests.AccountRequestRoutes;
import dev.crater.accountrequests.AccountTransferRoutes;
import dev.crater.accounts.AccountRoutes;
import dev.crater.accounts.FundingRoutes;
import dev.crater.accounts.TransactionRoutes;
import dev.crater.agreements.AgreementRoutes;
import dev.crater.alerts.AlertRoutes;
import dev.crater.funding.AchRoutes;
import dev.crater.funding.TransferRoutes;
import dev.crater.apidocs.ApiDocsRoutes;
import dev.crater.apidocs.RoutingTable;
import dev.crater.auth.AuthRoutes;
import dev.crater.auth.PasswordResetRoutes;
import dev.crater.auth.PasswordRoutes;
import dev.crater.auth.PinRoutes;
import dev.crater.auth.TwoFactorRoutes;
import dev.crater.config.NetworkConfig;
import dev.crater.config.OpsConfig;
import dev.crater.config.PublicUrl;
import dev.crater.feedback.FeedbackRoutes;
import dev.crater.paperless.PaperlessRoutes;
import dev.crater.history.HistoryRoutes;
import dev.crater.http.ApiError;
import dev.crater.http.HeaderCountFilter;
import dev.crater.http.HttpSupport;
import dev.crater.http.Limits;
import dev.crater.http.ReadDeadlines;
import dev.crater.market.MarketStatusRoutes;
import dev.crater.market.SandboxRoutes;
import dev.crater.operators.OperatorGuard;
import dev.crater.ops.Health;
import dev.crater.ops.HttpMetrics;
import dev.crater.ops.OpsRoutes;
import dev.crater.orders.OrderRoutes;
import dev.crater.orders.OwnerForwarding;
import dev.crater.orders.PositionRoutes;
import dev.crater.registration.RegistrationRoutes;
import dev.crater.securities.SecurityRoutes;
import dev.crater.store.Monotonic;
import dev.crater.streaming.StreamerRoutes;
import dev.crater.subscriptions.SubscriptionRoutes;
import dev.crater.users.AppSettingsRoutes;
import dev.crater.users.ProTraderRoutes;
import dev.crater.users.UserRoutes;
import dev.crater.users.UserSettingsRoutes;
import dev.crater.watchlists.WatchlistRoutes;
import io.helidon.common.context.Context;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.helidon.webserver.http1.Http1Config;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running server: Helidon SE on virtual threads, with the routing table below as the API's
 * table of contents.
 */
public final class App implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(App.class);
    /** Version prefixes the API answers on; the docs use v1.0, newer syntax tables default to 1. */
    static final List<String> VERSION_PREFIXES = List.of("/api/v1.0", "/api/v1");
    /** How often expired tokens and challenges are deleted. */
    static final long HOUSEKEEPING_PERIOD_MINUTES = 10;

    /** At shutdown, how long streamer sockets get to take their 1001 close before the server stops. */
    static final Duration GOING_AWAY_WAIT = Duration.ofSeconds(3);
    /** How often the shutdown looks whether the streamer sockets are closed. */
    static final Duration GOING_AWAY_POLL = Duration.ofMillis(20);

    private final Services services;
    private final WebServer server;
    private final ScheduledExecutorService housekeeping;
    private final ReadDeadlines deadlines;
    private final Health health;
    private final AtomicBoolean closed = new AtomicBoolean();

    private App(Services services, WebServer server, ScheduledExecutorService housekeeping, ReadDeadlines deadlines,
            Health health) {
        this.services = services;
        this.server = server;
        this.housekeeping = housekeeping;
        this.deadlines = deadlines;
        this.health = health;
    }

    /** As {@link #start(Services, OpsConfig)} with metrics off (tests, and the CLI's own servers). */
    public static App start(Services services) {
        return start(services, OpsConfig.DEFAULT);
    }

    /**
     * Starts listening and only then starts the market, the trading shards and the alert monitor;
     * the node is ready ({@code /health/ready}) once they run.
     *
     * @throws IllegalStateException if the server cannot listen (nothing is left running)
     */
    public static App start(Services services, OpsConfig ops) {
        return start(services, ops, NetworkConfig.DEFAULT);
    }

    /**
     * As {@link #start(Services, OpsConfig)}, with the node's place in its network: the URL other
     * nodes forward to, and the proxies whose {@code X-Forwarded-For} names the client.
     */
    public static App start(Services services, OpsConfig ops, NetworkConfig network) {
        // Links and URIs in answers are built from this, never from the request's Host header.
        PublicUrl publicUrl = new PublicUrl(services.config.publicBaseUrl(), services.config.host());
        ReadDeadlines deadlines = new ReadDeadlines();
        Health health = new Health(services.database);
        OpsRoutes opsRoutes = new OpsRoutes(health, services.metrics, ops);
        HttpMetrics httpMetrics = new HttpMetrics(services.metrics, VERSION_PREFIXES);
        Context serverContext = Context.create();
        publicUrl.register(serverContext);
        // Read by ClientInfo for every request and streamer socket (the audit log's and the limiters' address).
        network.trustedProxies().register(serverContext);
        WebServer server = WebServer.builder()
                .serverContext(serverContext)
                .host(services.config.host())
                .port(services.config.port())
                .maxPayloadSize(Limits.BODY_BYTES_MAX)
                .maxConcurrentRequests(Limits.CONCURRENT_REQUESTS_MAX)
                .maxTcpConnections(Limits.TCP_CONNECTIONS_MAX)
                .idleConnectionTimeout(Limits.IDLE_CONNECTION_TIMEOUT)
                .idleConnectionPeriod(Limits.IDLE_CONNECTION_CHECK)
                // Without TCP_NODELAY an answer larger than one write buffer waits for the client's
                // delayed ACK (about 40 ms) before its last segment goes out: measured here, 8 KiB
                // equity pages fell from 27,000 to 350 requests a second.
                .connectionOptions(o -> o.tcpNoDelay(true))
                .addProtocol(Http1Config.builder()
                        // Helidon refuses a request line whose length reaches this value; +1 serves exactly the limit.
                        .maxPrologueLength(Limits.REQUEST_LINE_BYTES_MAX + 1)
                        .maxHeadersSize(Limits.HEADERS_TRANSPORT_BYTES_MAX)
                        // Helidon's logging of every request line and header (at DEBUG/TRACE) stays off
                        // whatever the log levels: /token carries passwords in headers, the streamers'
                        // CreateSession in its query string.
                        .receiveLog(false)
                        .sendLog(false)
                        .addReceiveListener(deadlines.headerListener())
                        .build())
                .directHandlers(HttpSupport.directHandlers())
                .shutdownHook(false)
                .shutdownGracePeriod(Limits.SHUTDOWN_GRACE)
                .routing(r -> routing(r, services, deadlines, httpMetrics, opsRoutes))
                // The streamers (reference 11): WebSocket upgrades of <Url>/CreateSession.txt on this port.
                .addRouting(services.streaming.routing())
                .build()
                .start();
        if (!server.isRunning() || server.port() <= 0) {
            // Helidon logs the cause (a BindException: the port is taken, or the address is not this
            // machine's) and returns a server that is not listening. Nothing else has started yet.
            server.stop();
            throw new IllegalStateException("could not listen on " + services.config.host() + ":"
                    + services.config.port() + " (is the port in use, or the address not this machine's?)");
        }
        publicUrl.bound(server.port());
        services.notifications.start();
        services.market.start();
        services.trading.start(network.nodeUrlOr(nodeUrl(services.config.host(), server.port())));
        services.alerts.monitor().start();
        services.transferClock.start();
        services.accountHousekeeping.start();
        services.streaming.start();
        health.started();
        ScheduledExecutorService housekeeping = Executors.newSingleThreadScheduledExecutor(
                Thread.ofVirtual().name("crater-housekeeping").factory());
        housekeeping.scheduleAtFixedRate(() -> sweep(services), HOUSEKEEPING_PERIOD_MINUTES,
                HOUSEKEEPING_PERIOD_MINUTES, TimeUnit.MINUTES);
        return new App(services, server, housekeeping, deadlines, health);
    }

    /**
     * Where other nodes sharing the store reach this one when {@code CRATER_NODE_URL} is not set: its
     * bound address (the loopback address when it listens on every interface, which only nodes on
     * the same machine can reach).
     */
    static String nodeUrl(String host, int port) {
        String h = host == null || host.isBlank() || host.equals("0.0.0.0") || host.equals("::") ? "127.0.0.1" : host;
        return "http://" + (h.contains(":") ? "[" + h + "]" : h) + ":" + port;
    }

    /** The routing table: every route of the API, in match order. Every part comes built from {@link Services}. */
    static void routing(HttpRouting.Builder routing, Services s, ReadDeadlines deadlines, HttpMetrics metrics,
            OpsRoutes ops) {
        HttpSupport.errorHandling(routing);
        routing.addFilter(metrics.filter());   // first: every answer counts, the filters' refusals too
        routing.addFilter(HeaderCountFilter.INSTANCE);
        routing.addFilter(HttpSupport.bodyFilter(deadlines));
        // Nodes sharing a store: an account's requests go to the node that runs its trading shard.
        routing.addFilter(new OwnerForwarding(s.trading));
        // The operator's endpoints (/health/live, /health/ready, /metrics): outside the API, its own checks.
        routing.register(ops);
        // Engine reads between nodes sharing the store (signed with the shared master key; 404 on one node).
        routing.register(s.nodeReads);
        RoutingTable table = routingTable(s);
        routing.register(RoutingTable.ROOT, table.own().toArray(HttpService[]::new));
        HttpService[] services = table.trader().toArray(HttpService[]::new);
        for (String prefix : table.versionPrefixes()) {
            // Open routes (app key only), then the PIN set-up calls (which admit set-up tokens), then
            // the operator routes (an operator key, no app key or bearer token; any other path under
            // them is checked by the operator guard, then 404), then the guard: everything after it
            // needs an app key and a full bearer token.
            routing.register(prefix, table.appKey().toArray(HttpService[]::new));
            routing.register(prefix, table.pinSetup().toArray(HttpService[]::new));
            routing.register(prefix + table.operatorPath(), table.operator().toArray(HttpService[]::new));
            routing.any(prefix + table.operatorPath() + "/*", s.operatorGuard, App::noRoute);
            routing.any(prefix + "/*", s.apiGuard);
            routing.register(prefix, services);
        }
        routing.any(App::noRoute);
    }

    /**
     * The API's services by mount and guard, as {@link #routing} registers them. The API's own
     * description ({@code GET /api/openapi.json}) is built from this table, so it describes exactly
     * these routes.
     */
    public static RoutingTable routingTable(Services s) {
        RoutingTable table = new RoutingTable(VERSION_PREFIXES,
                List.of(new AuthRoutes(s.auth, s.sessions, s.companies, s.loginRate, s.audit)),
                List.of(new PasswordResetRoutes(s.passwords, s.companies, s.passwordResetRate),
                        new RegistrationRoutes(s.registrations, s.companies, s.registrationRate),
                        new AppSettingsRoutes.Mobile(s.appSettings, s.companies)),
                List.of(new PinRoutes(s.pinGuard, s.securityImages, s.users, s.hasher, s.sessions, s.audit)),
                OperatorGuard.PATH,
                List.of(new SandboxRoutes(s.operatorGuard, s.sandbox),
                        new FundingRoutes(s.operatorGuard, s.accounts, s.funding)),
                List.of(
                        // Orders first: routes are tried in order, and placing an order is the hot path (no
                        // two services share a path shape, so the order only changes how fast a match is found).
                        new OrderRoutes(s.accounts, s.orders),
                        new PositionRoutes(s.accounts, s.positions, s.accountModels, s.companies),
                        new UserRoutes(s.users),
                        new UserSettingsRoutes(s.users, s.userSettings),
                        new ProTraderRoutes(s.users, s.proTrader),
                        new AgreementRoutes(s.agreements, s.users),
                        new FeedbackRoutes(s.feedback, s.users, s.companies),
                        new AppSettingsRoutes.Access(s.appSettings),
                        new PasswordRoutes(s.passwords, s.users),
                        new TwoFactorRoutes(s.twoFactor, s.users),
                        new SubscriptionRoutes(s.phones, s.users),
                        new SecurityRoutes(s.securities, s.options, s.market, s.heavyQueries),
                        new HistoryRoutes(s.securities, s.options, s.market),
                        new AccountRoutes(s.accounts, s.companies),
                        new TransactionRoutes(s.accounts, s.transactions),
                        new AchRoutes(s.accounts, s.achRelationships, s.companies),
                        new TransferRoutes(s.accounts, s.achRelationships, s.transfers),
                        new AccountRequestRoutes(s.accountRequests, s.accountResets, s.accounts, s.users),
                        new AccountTransferRoutes(s.accountTransfers, s.accounts, s.users),
                        new PaperlessRoutes(s.paperless, s.accounts),
                        new WatchlistRoutes(s.watchlists),
                        new AlertRoutes(s.alerts),
                        new StreamerRoutes(s.streaming, s.companies),
                        // Crater additions: market status and calendar for traders.
                        new MarketStatusRoutes(s.marketStatus)));
        return table.plusOwn(new ApiDocsRoutes(table));
    }

    private static void noRoute(ServerRequest req, ServerResponse res) {
        HttpSupport.json(res, 404, ApiError.Message.noRoute(PublicUrl.of(req).requestUri(req)));
    }

    private static void sweep(Services s) {
        try {
            long now = s.clock.millis();
            int tokens = s.tokens.deleteExpired(now);
            int challenges = s.challenges.deleteExpired(now);
            LOG.debug("housekeeping removed {} expired tokens and {} expired login challenges", tokens, challenges);
        } catch (RuntimeException e) {
            LOG.warn("housekeeping failed; will retry in {} minutes", HOUSEKEEPING_PERIOD_MINUTES, e);
        }
    }

    public int port() {
        return server.port();
    }

    public Services services() {
        return services;
    }

    /**
     * Stops gracefully (SIGTERM runs this through Main's shutdown hook): readiness fails at once;
     * streamer sockets are closed with 1001 "going away" (waiting up to {@link #GOING_AWAY_WAIT});
     * the server stops accepting and gives running requests {@link Limits#SHUTDOWN_GRACE} to finish;
     * then the trading shards stop (storing their trailing orders) and the store closes.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        health.stopping();
        services.streaming.goingAway();
        long until = Monotonic.millis() + GOING_AWAY_WAIT.toMillis();
        while (services.streaming.totals().sockets() > 0 && Monotonic.millis() < until) {
            try {
                Thread.sleep(GOING_AWAY_POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        housekeeping.shutdownNow();
        server.stop();
        deadlines.close();
        services.close();
    }
}
