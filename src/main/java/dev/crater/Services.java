package dev.crater;

import dev.crater.auth.AuthService;
import dev.crater.auth.ChallengeStore;
import dev.crater.auth.PasswordHasher;
import dev.crater.auth.SessionService;
import dev.crater.auth.TokenStore;
import dev.crater.companies.CompanyService;
import dev.crater.companies.CompanyStore;
import dev.crater.config.CraterConfig;
import dev.crater.notify.Mailer;
import dev.crater.notify.Outbox;
import dev.crater.notify.SmtpMailer;
import dev.crater.store.Database;
import dev.crater.users.UserService;
import dev.crater.users.UserStore;
import java.time.InstantSource;

/**
 * Every store and service, built by hand in dependency order. The server ({@link App}) and the
 * admin CLI both start here, so both see the same rules. Reading this constructor shows every
 * dependency in the system.
 */
public final class Services implements AutoCloseable {
    public final CraterConfig config;
    public final InstantSource clock;
    public final Database database;
    public final PasswordHasher hasher;
    public final CompanyService companies;
    public final UserService users;
    public final Outbox outbox;
    public final Mailer mailer;
    public final TokenStore tokens;
    public final ChallengeStore challenges;
    public final SessionService sessions;
    public final AuthService auth;

    private Services(CraterConfig config, InstantSource clock, PasswordHasher hasher) {
        this.config = config;
        this.clock = clock;
        this.database = Database.open(config);
        this.hasher = hasher;
        this.companies = new CompanyService(new CompanyStore(database.jdbi()), clock);
        this.users = new UserService(new UserStore(database.jdbi()), hasher, clock);
        this.outbox = new Outbox(database.jdbi(), clock);
        this.mailer = config.smtp().<Mailer>map(SmtpMailer::new).orElse(outbox);
        this.tokens = new TokenStore(database.jdbi());
        this.challenges = new ChallengeStore(database.jdbi());
        this.sessions = new SessionService(tokens, users, clock);
        this.auth = new AuthService(companies, users, hasher, tokens, challenges, mailer, clock,
                config.tokenTtl(), config.interimTtl());
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
        database.close();
    }
}
