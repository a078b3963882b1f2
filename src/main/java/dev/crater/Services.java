package dev.crater;

import dev.crater.access.ApiGuard;
import dev.crater.accountrequests.AccountCloses;
import dev.crater.accountrequests.AccountHousekeeping;
import dev.crater.accountrequests.AccountRequestStore;
import dev.crater.accountrequests.AccountRequests;
import dev.crater.accountrequests.AccountResets;
import dev.crater.accountrequests.AccountTransferStore;
import dev.crater.accountrequests.AccountTransfers;
import dev.crater.accounts.AccountCloseStore;
import dev.crater.accounts.AccountFunding;
import dev.crater.accounts.AccountService;
import dev.crater.accounts.AccountStore;
import dev.crater.accounts.TransactionStore;
import dev.crater.agreements.AgreementService;
import dev.crater.agreements.AgreementStore;
import dev.crater.alerts.AlertMonitor;
import dev.crater.alerts.AlertNotifier;
import dev.crater.alerts.AlertService;
import dev.crater.alerts.AlertStore;
import dev.crater.audit.AuditLog;
import dev.crater.auth.AuthService;
import dev.crater.auth.AuthenticatorCodes;
import dev.crater.auth.ChallengeStore;
import dev.crater.auth.CodeDelivery;
import dev.crater.auth.CodeThrottle;
import dev.crater.auth.LoginGuard;
import dev.crater.auth.LoginOrigins;
import dev.crater.auth.PasswordService;
import dev.crater.auth.PinRoutes;
import dev.crater.auth.RecoveryCodes;
import dev.crater.auth.SessionService;
import dev.crater.auth.SettingsCodes;
import dev.crater.auth.TokenStore;
import dev.crater.auth.TwoFactorService;
import dev.crater.companies.CompanyService;
import dev.crater.companies.CompanyStore;
import dev.crater.config.CraterConfig;
import dev.crater.config.MasterKey;
import dev.crater.crypto.PasswordHasher;
import dev.crater.crypto.SecretBox;
import dev.crater.crypto.Secrets;
import dev.crater.feedback.FeedbackService;
import dev.crater.feedback.FeedbackStore;
import dev.crater.paperless.PaperlessService;
import dev.crater.paperless.PaperlessStore;
import dev.crater.http.RateLimiter;
import dev.crater.images.SecurityImages;
import dev.crater.market.Market;
import dev.crater.market.MarketControlStore;
import dev.crater.market.MarketSandbox;
import dev.crater.market.MarketStatus;
import dev.crater.market.PathModel;
import dev.crater.market.ReplayBars;
import dev.crater.market.TradingCalendar;
import dev.crater.metrics.Metrics;
import dev.crater.funding.AchRelationships;
import dev.crater.funding.FundingStore;
import dev.crater.funding.TransferClock;
import dev.crater.funding.Transfers;
import dev.crater.notify.HttpSmsGateway;
import dev.crater.notify.Mailer;
import dev.crater.notify.Outbox;
import dev.crater.notify.OutboxSmsSender;
import dev.crater.notify.SmsSender;
import dev.crater.notify.SmtpMailer;
import dev.crater.operators.OperatorGuard;
import dev.crater.ops.NodeMetrics;
import dev.crater.operators.OperatorKeyStore;
import dev.crater.operators.OperatorKeys;
import dev.crater.orders.AccountModels;
import dev.crater.orders.OrderReads;
import dev.crater.orders.Parties;
import dev.crater.orders.NodeReads;
import dev.crater.orders.OrderService;
import dev.crater.orders.PositionService;
import dev.crater.orders.PositionStore;
import dev.crater.orders.TradingService;
import dev.crater.orders.TradingStore;
import dev.crater.reference.Securities;
import dev.crater.reference.Security;
import dev.crater.reference.SecurityStore;
import dev.crater.registration.RegistrationService;
import dev.crater.registration.RegistrationStore;
import dev.crater.securities.OptionChains;
import dev.crater.securities.OptionResource;
import dev.crater.store.Database;
import dev.crater.store.HeavyQueries;
import dev.crater.store.Notifications;
import dev.crater.streaming.StreamingService;
import dev.crater.subscriptions.PhoneService;
import dev.crater.users.AppSettings;
import dev.crater.users.PasswordPolicy;
import dev.crater.users.ProTraderGroup;
import dev.crater.users.ProTraderStore;
import dev.crater.users.UserService;
import dev.crater.users.UserSettings;
import dev.crater.users.UserStore;
import dev.crater.watchlists.SystemLists;
import dev.crater.watchlists.WatchlistService;
import dev.crater.watchlists.WatchlistStore;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.InstantSource;
import java.util.Map;

/**
 * Every store and service, built by hand in dependency order. The server ({@link App}) and the
 * admin CLI both start here, so both see the same rules. Reading this constructor shows every
 * dependency in the system.
 */
public final class Services implements AutoCloseable {
    public final CraterConfig config;
    public final InstantSource clock;
    /** The node's metrics (GET /metrics): features count into it, NodeMetrics reads the rest when scraped. */
    public final Metrics metrics = new Metrics();
    public final Database database;
    public final PasswordHasher hasher;
    public final CompanyService companies;
    public final UserService users;
    public final Outbox outbox;
    public final Mailer mailer;
    public final SmsSender sms;
    public final SecretBox secretBox;
    public final TokenStore tokens;
    public final ChallengeStore challenges;
    public final SessionService sessions;
    public final RecoveryCodes recoveryCodes;
    public final CodeDelivery codeDelivery;
    public final AuthenticatorCodes authenticatorCodes;
    public final AuthService auth;
    public final TwoFactorService twoFactor;
    public final PhoneService phones;
    public final AuditLog audit;
    public final LoginGuard loginGuard;
    public final PasswordPolicy passwordPolicy;
    public final PasswordService passwords;
    public final SecurityImages securityImages;
    public final Securities securities;
    public final MarketControlStore marketControl;
    public final Market market;
    public final OptionChains options;
    public final AccountService accounts;
    public final AccountFunding funding;
    public final TransactionStore transactions;
    public final MarketSandbox sandbox;
    public final MarketStatus marketStatus;
    public final OperatorKeys operatorKeys;
    public final TradingService trading;
    public final OrderService orders;
    public final PositionService positions;
    /** Account opening and its simulated clearing flow, paper-account resets, the daily close snapshots. */
    public final AccountRequests accountRequests;
    public final AccountResets accountResets;
    public final AccountCloses accountCloses;
    public final AccountTransfers accountTransfers;
    public final AccountHousekeeping accountHousekeeping;
    /** Engine reads between nodes sharing the store (the balances of accounts another node's shards run). */
    public final NodeReads nodeReads;
    public final AccountModels accountModels;
    public final WatchlistService watchlists;
    public final AlertService alerts;
    /** Funding (issue 17): linked banks, transfers, and the clock that moves transfers. */
    public final AchRelationships achRelationships;
    public final Transfers transfers;
    public final TransferClock transferClock;
    /** The quote and trade-data streamers (reference 11): streamer session ids, sockets, the quote fan-out. */
    public final StreamingService streaming;
    /** Messages between the nodes sharing a PostgreSQL store (LISTEN/NOTIFY); nothing on SQLite. */
    public final Notifications notifications;
    /** The cost bound of expensive reads (permits, deadline, rows examined); see docs/security.md. */
    public final HeavyQueries heavyQueries = HeavyQueries.defaults();
    /** The bearer-token guard of the API, and the PIN set-up calls' guard (which admits set-up tokens). */
    public final ApiGuard apiGuard;
    public final ApiGuard pinGuard;
    /** The operator-key guard of Crater's sandbox routes. */
    public final OperatorGuard operatorGuard;
    /** Per-address limiters at the configured {@code /token} rate: one for logins, one for password resets. */
    public final RateLimiter loginRate;
    public final RateLimiter passwordResetRate;
    /** Self-service registration (reference 02 §1), and its per-address limiter at the {@code /token} rate. */
    public final RegistrationService registrations;
    public final RateLimiter registrationRate;
    /** Agreements (reference 02 §4), and users' trading settings and exchanges (reference 02 §2). */
    public final AgreementService agreements;
    public final UserSettings userSettings;
    /** Users' feedback (reference 10 §2), mailed to each company's support address. */
    public final FeedbackService feedback;

    /** Accounts' paperless settings (reference 03 §6). */
    public final PaperlessService paperless;
    /** A company's mobile-app settings and access settings (reference 02 §2 #4, §5). */
    public final AppSettings appSettings;
    /** A company's ProTrader group (Users_AddUserToGroup): operators invite, users join with the e-mailed token. */
    public final ProTraderGroup proTrader;

    private Services(CraterConfig config, InstantSource clock, PasswordHasher hasher) {
        this.config = config;
        this.clock = clock;
        this.database = Database.open(config);
        this.hasher = hasher;
        this.companies = new CompanyService(new CompanyStore(database.jdbi()), clock);
        this.passwordPolicy = PasswordPolicy.load();
        this.users = new UserService(new UserStore(database.jdbi()), hasher, companies, passwordPolicy, clock);
        this.audit = new AuditLog(database.jdbi(), clock, metrics);
        this.outbox = new Outbox(database.jdbi(), clock);
        this.mailer = config.smtp().<Mailer>map(c -> new SmtpMailer(c, clock)).orElse(outbox);
        this.sms = config.sms().<SmsSender>map(HttpSmsGateway::new).orElseGet(() -> new OutboxSmsSender(outbox));
        this.secretBox = new SecretBox(MasterKey.load(config.masterKeyText(), config.dataDir()));
        if (database.dialect() == Database.Dialect.POSTGRES) {
            checkSharedMasterKey(database, secretBox);
        }
        this.tokens = new TokenStore(database.jdbi());
        this.challenges = new ChallengeStore(database.jdbi());
        this.sessions = new SessionService(tokens, users, clock);
        // Nodes sharing a PostgreSQL store hear each other's revocations and user changes at once.
        this.notifications = Notifications.open(database);
        users.onChanged(id -> notifications.publish(USERS_CHANNEL, Long.toString(id)));
        notifications.subscribe(USERS_CHANNEL, id -> users.changedElsewhere(Long.parseLong(id)),
                users::forgetAll);
        sessions.onRevokedHere(hash -> notifications.publish(TOKENS_CHANNEL, hash));
        notifications.subscribe(TOKENS_CHANNEL, sessions::revokedElsewhere, sessions::forgetAll);
        this.recoveryCodes = new RecoveryCodes(database.jdbi());
        CodeThrottle codeThrottle = new CodeThrottle(database.jdbi());   // one throttle: login, settings and reset codes
        this.codeDelivery = new CodeDelivery(mailer, sms, codeThrottle, clock, config.interimTtl());
        this.authenticatorCodes = new AuthenticatorCodes(users, secretBox);
        this.loginGuard = new LoginGuard(users, companies, hasher, new LoginOrigins(database.jdbi()), mailer,
                audit, clock);
        this.auth = new AuthService(companies, users, hasher, tokens, challenges, codeDelivery, recoveryCodes,
                authenticatorCodes, loginGuard, audit, clock, config.tokenTtl(), config.interimTtl());
        this.twoFactor = new TwoFactorService(users, hasher, codeDelivery, new SettingsCodes(database.jdbi(), secretBox),
                recoveryCodes, authenticatorCodes, secretBox, mailer, loginGuard, audit, database.jdbi(), clock,
                config.interimTtl());
        this.passwords = new PasswordService(users, hasher, loginGuard, codeThrottle, secretBox, tokens,
                sessions, mailer, audit, database.jdbi(), clock, config.interimTtl());
        this.securityImages = new SecurityImages(config.dataDir().resolve("security-images"));
        this.phones = new PhoneService(database.jdbi(), users, codeDelivery, secretBox, clock, config.interimTtl());
        this.securities = new Securities(new SecurityStore(database), clock);
        securities.installMaster();
        this.marketControl = new MarketControlStore(database);
        this.market = new Market(securities, marketControl, new PathModel(config.market().seed(), TradingCalendar.nyse()),
                replay(config), clock, config.market().tickMs());
        this.options = new OptionChains(market);
        this.accounts = new AccountService(new AccountStore(database), users, clock);
        this.funding = new AccountFunding(accounts, audit);
        this.transactions = new TransactionStore(database, heavyQueries, market);
        this.sandbox = new MarketSandbox(market, marketControl, audit);
        this.marketStatus = new MarketStatus(market);
        this.operatorKeys = new OperatorKeys(new OperatorKeyStore(database.jdbi()), audit, clock);
        this.trading = new TradingService(new TradingStore(database), accounts, market,
                database.dialect() == Database.Dialect.POSTGRES ? SHARED_TRADING_SHARDS : TRADING_SHARDS,
                database.dialect() == Database.Dialect.POSTGRES, notifications.node());
        Parties parties = new Parties(accounts::cachedById, users::byId);
        this.orders = new OrderService(trading, new OrderReads(database, market, heavyQueries, options, parties),
                securities, options, market, metrics);
        AccountCloseStore closeStore = new AccountCloseStore(database);
        this.positions = new PositionService(new PositionStore(database, heavyQueries), trading, securities, options,
                market, parties, closeStore);
        AccountRequestStore requestStore = new AccountRequestStore(database);
        this.accountRequests = new AccountRequests(requestStore, accounts, clock);
        this.accountResets = new AccountResets(requestStore, accounts, trading, clock);
        this.accountCloses = new AccountCloses(closeStore, accounts, positions, trading, market, clock);
        this.accountTransfers = new AccountTransfers(new AccountTransferStore(database), market, clock);
        this.accountHousekeeping = new AccountHousekeeping(accountResets, accountCloses, accountTransfers);
        this.nodeReads = new NodeReads(trading, secretBox, clock);
        this.accountModels = new AccountModels(accounts, positions, companies);
        this.watchlists = new WatchlistService(new WatchlistStore(database), securities, options,
                new SystemLists(market, clock), clock);
        this.streaming = new StreamingService(sessions, market, securities, trading, orders, positions, accounts,
                watchlists, notifications, database, clock);
        AlertStore alertStore = new AlertStore(database);
        AlertNotifier alertNotifier = new AlertNotifier(mailer, sms, users, phones);
        AlertNotifier.Sink alertSink = fired -> {
            streaming.alertFired(fired);
            alertNotifier.deliver(fired);
        };
        this.alerts = new AlertService(alertStore, new AlertMonitor(alertStore, market, alertSink, clock),
                securities, options, clock);
        FundingStore fundingStore = new FundingStore(database, heavyQueries);
        this.achRelationships = new AchRelationships(fundingStore, secretBox, mailer, clock);
        this.transfers = new Transfers(fundingStore, accounts, market, id -> {
            Map<String, BigDecimal> b = positions.balanceMap(id);
            return b.get("cash").min(b.get("excess")).max(BigDecimal.ZERO);
        });
        this.transferClock = new TransferClock(transfers);
        this.apiGuard = new ApiGuard(companies, sessions);
        this.pinGuard = new ApiGuard(companies, sessions, PinRoutes.SCOPES);
        this.operatorGuard = new OperatorGuard(operatorKeys);
        this.loginRate = tokenRate(config, clock);
        streaming.enablePasswordLogin(auth, loginRate, audit);   // CreateSession option 1: /token's limiter and guard
        this.passwordResetRate = tokenRate(config, clock);
        this.registrations = new RegistrationService(
                new RegistrationStore(database.jdbi()), users, mailer, clock);
        this.registrationRate = tokenRate(config, clock);
        this.agreements = new AgreementService(new AgreementStore(database.jdbi()), clock);
        this.userSettings = new UserSettings(database.jdbi(), () -> java.util.stream.Stream.concat(
                securities.snapshot().all().stream().map(Security::exchange), java.util.stream.Stream.of(OptionResource.EXCHANGE))
                .distinct().toList(), clock);
        this.feedback = new FeedbackService(new FeedbackStore(database.jdbi()), mailer, clock);
        this.proTrader = new ProTraderGroup(new ProTraderStore(database.jdbi()), mailer, clock);
        this.paperless = new PaperlessService(new PaperlessStore(database.jdbi()), clock);
        this.appSettings = new AppSettings(database.jdbi(), id -> registrations.settings(id).hostname() != null,
                id -> companies.policy(id).pinRequired(), id -> proTrader.member(id).isPresent());
        NodeMetrics.register(metrics, trading, streaming, database);
    }

    /** A per-address limiter at the configured {@code /token} rate. */
    private static RateLimiter tokenRate(CraterConfig config, InstantSource clock) {
        return new RateLimiter(clock, config.tokenRate().burst(), config.tokenRate().perSecond());
    }

    /** The notification channels of user changes and token revocations between nodes. */
    static final String USERS_CHANNEL = "crater_users";
    static final String TOKENS_CHANNEL = "crater_tokens";

    /** Engine shards (threads) on the embedded store; accounts are spread over them by id. */
    static final int TRADING_SHARDS = 1;
    /**
     * Engine shards on PostgreSQL, which nodes share: the unit a node takes by lease, so the most nodes
     * that can trade at once. Every node of one store must run the same number (checked at start).
     */
    public static final int SHARED_TRADING_SHARDS = 8;

    private static ReplayBars replay(CraterConfig config) {
        if (config.market().replayFile().isEmpty()) {
            return null;
        }
        try {
            return ReplayBars.load(config.market().replayFile().get());
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read CRATER_MARKET_REPLAY " + config.market().replayFile().get()
                    + ": " + e.getMessage(), e);
        }
    }

    /** Opens the store (migrating it) and builds every service on the system clock. */
    public static Services open(CraterConfig config) {
        return new Services(config, InstantSource.system(), PasswordHasher.defaults());
    }

    /** As {@link #open(CraterConfig)} with a chosen clock, for tests that move time. */
    public static Services open(CraterConfig config, InstantSource clock) {
        return new Services(config, clock, PasswordHasher.defaults());
    }

    @Override
    public void close() {
        heavyQueries.close();
        notifications.close();
        accountHousekeeping.close();
        trading.close();
        alerts.monitor().close();
        transferClock.close();
        streaming.close();
        passwords.close();
        market.close();
        database.close();
    }

    /**
     * Nodes sharing a PostgreSQL store must use one master key (their signed requests to each other and
     * the secrets they seal depend on it): the first node stores a check value of its key
     * ({@code store_keys}: an HMAC under it, never the key), and a node whose key gives another refuses
     * to start, saying so.
     */
    private static void checkSharedMasterKey(Database database, SecretBox box) {
        String mine = box.nodeMac("crater master key check");
        String stored = database.jdbi().withHandle(h -> {
            h.createUpdate("INSERT INTO store_keys (name, check_mac) VALUES ('master', :m) ON CONFLICT DO NOTHING")
                    .bind("m", mine).execute();
            return h.createQuery("SELECT check_mac FROM store_keys WHERE name = 'master'").mapTo(String.class).one();
        });
        if (!Secrets.equal(stored, mine)) {
            database.close();
            throw new IllegalStateException("this node's master key is not the one the other nodes of this"
                    + " PostgreSQL store use: give every node the same CRATER_MASTER_KEY (docs/deployment.md)");
        }
    }
}
