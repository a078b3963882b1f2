package dev.crater.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crater.companies.Company;
import dev.crater.companies.CompanyPolicy;
import dev.crater.testing.Http;
import dev.crater.testing.StoreKind;
import dev.crater.testing.TestServer;
import dev.crater.users.User;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Goal: a stranger who knows a username cannot keep its owner out. Wrong passwords from anywhere
 * still start the account's waits and, at the company's limit, its lock — but those bind only
 * addresses the owner has not signed in from; from a known address the owner gets in with the
 * right password, and that address has waits of its own.
 *
 * <p>Method: one server, clients on different loopback addresses (127.0.0.1 is the owner's usual
 * one, 127.0.0.2 the stranger's, 127.0.0.3 the owner travelling), a movable clock.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class KnownAddressesTest {
    static final String INVALID_CREDENTIALS = "{\"State\":\"Failed\",\"Step\":\"BaseAuthentication\",\"Reason\":\"Invalid credentials\"}";
    static final String HOME = "127.0.0.1";
    static final String STRANGER = "127.0.0.2";
    static final String TRAVEL = "127.0.0.3";

    TestServer server;
    Company company;

    @BeforeAll
    void start() {
        server = TestServer.start(StoreKind.SQLITE);
    }

    @AfterAll
    void stop() {
        server.close();
    }

    @BeforeEach
    void newCompany() {
        company = server.company();
        server.clock.advance(Duration.ofHours(2));
    }

    Http.Response login(String from, String username, String password) {
        return Http.sendFrom(from, "POST", server.api() + "token", null, "Et-App-Key", company.appKey(),
                "Username", username, "Password", password);
    }

    User user(String prefix) {
        return server.user(company, TestServer.username(prefix), null, User.TwoFactorMethod.NONE);
    }

    User stored(User u) {
        return server.services().users.fresh(u.id()).orElseThrow();
    }

    /** Wrong passwords from {@code from} until the account waits (free failures, then one more). */
    void strangerFails(User u, String from, int times) {
        for (int i = 0; i < times; i++) {
            Http.Response r = login(from, u.username(), "a stranger's guess " + i);
            assertThat(r.status()).isEqualTo(401);
            assertThat(r.body()).isEqualTo(INVALID_CREDENTIALS);
        }
    }

    @Test
    void theOwnerGetsInFromAKnownAddressWhileAStrangerKeepsTheAccountWaiting() {
        User u = user("owner");
        assertThat(login(HOME, u.username(), TestServer.PASSWORD).status()).isEqualTo(200);
        CompanyPolicy p = CompanyPolicy.DEFAULTS;
        // One wrong password per wait period, forever: the account is always waiting.
        strangerFails(u, STRANGER, p.freeFailures() + 1);
        for (int round = 0; round < 3; round++) {
            assertThat(stored(u).refusingAt(server.clock.millis())).isTrue();
            // New addresses are refused even with the right password...
            assertThat(login(TRAVEL, u.username(), TestServer.PASSWORD).body()).isEqualTo(INVALID_CREDENTIALS);
            assertThat(login(STRANGER, u.username(), TestServer.PASSWORD).body()).isEqualTo(INVALID_CREDENTIALS);
            // ...the owner's known address is not.
            Http.Response home = login(HOME, u.username(), TestServer.PASSWORD);
            assertThat(home.status()).as("round %d: %s", round, home.body()).isEqualTo(200);
            strangerFails(u, STRANGER, p.freeFailures() + 1);
            server.clock.advance(Duration.ofSeconds(p.failureDelaySeconds() - 1));
        }
    }

    @Test
    void theLockThatAStrangerCanReachStopsOnlyNewAddresses() {
        // Lock after 6 consecutive failures, waits of 1 s: a stranger reaches the lock quickly.
        server.services().companies.setPolicy(company.id(), new CompanyPolicy(12, 0, false, 2, 1, 1, 6));
        User u = user("locked");
        assertThat(login(HOME, u.username(), TestServer.PASSWORD).status()).isEqualTo(200);
        for (int i = 0; i < 6; i++) {
            login(STRANGER, u.username(), "guess " + i);
            server.clock.advance(Duration.ofSeconds(2));
        }
        assertThat(stored(u).locked()).isTrue();
        server.clock.advance(Duration.ofDays(1));
        assertThat(login(TRAVEL, u.username(), TestServer.PASSWORD).body()).isEqualTo(INVALID_CREDENTIALS);
        assertThat(login(HOME, u.username(), TestServer.PASSWORD).status()).isEqualTo(200);
        // A completed login starts the count again but does not lift the lock for new addresses.
        assertThat(stored(u).locked()).isTrue();
        assertThat(stored(u).failedAttempts()).isZero();
        assertThat(login(TRAVEL, u.username(), TestServer.PASSWORD).body()).isEqualTo(INVALID_CREDENTIALS);
        server.services().users.unlock(u.id());
        assertThat(login(TRAVEL, u.username(), TestServer.PASSWORD).status()).isEqualTo(200);
    }

    @Test
    void aKnownAddressHasWaitsOfItsOwn() {
        User u = user("own-waits");
        assertThat(login(HOME, u.username(), TestServer.PASSWORD).status()).isEqualTo(200);
        CompanyPolicy p = CompanyPolicy.DEFAULTS;
        // Guessing from the known address is slowed exactly like guessing from anywhere else.
        for (int i = 0; i < 50; i++) {
            assertThat(login(HOME, u.username(), "wrong at home " + i).body()).isEqualTo(INVALID_CREDENTIALS);
        }
        assertThat(login(HOME, u.username(), TestServer.PASSWORD).body()).as("during the address's wait")
                .isEqualTo(INVALID_CREDENTIALS);
        // Every failure counted against the account too.
        assertThat(stored(u).failedAttempts()).isEqualTo(p.freeFailures() + 1);
        server.clock.advance(Duration.ofSeconds(p.failureDelaySeconds()));
        assertThat(login(HOME, u.username(), TestServer.PASSWORD).status()).isEqualTo(200);
        assertThat(stored(u).failedAttempts()).isZero();
    }

    @Test
    void anAddressIsKnownForNinetyDaysAfterItsLastLogin() {
        User u = user("forgotten");
        assertThat(login(HOME, u.username(), TestServer.PASSWORD).status()).isEqualTo(200);
        server.clock.advance(LoginOrigins.KNOWN_FOR.plusMinutes(1));
        strangerFails(u, STRANGER, CompanyPolicy.DEFAULTS.freeFailures() + 1);
        assertThat(login(HOME, u.username(), TestServer.PASSWORD).body()).isEqualTo(INVALID_CREDENTIALS);
    }

    @Test
    void aNewPasswordForgetsEveryKnownAddress() {
        User u = user("new-password");
        assertThat(login(STRANGER, u.username(), TestServer.PASSWORD).status()).as("the old password leaked")
                .isEqualTo(200);
        assertThat(login(HOME, u.username(), TestServer.PASSWORD).status()).isEqualTo(200);
        server.services().users.setPassword(u.id(), "the owner's new passphrase 7");
        // The leaked address is a new one again: the account's waits bind it.
        strangerFails(u, TRAVEL, CompanyPolicy.DEFAULTS.freeFailures() + 1);
        assertThat(login(STRANGER, u.username(), "the owner's new passphrase 7").body()).isEqualTo(INVALID_CREDENTIALS);
        assertThat(login(HOME, u.username(), "the owner's new passphrase 7").body()).isEqualTo(INVALID_CREDENTIALS);
    }

    @Test
    void originsGroupIpv6ByNetworkAndKeepIpv4Whole() {
        assertThat(LoginOrigins.originOf("192.0.2.7")).isEqualTo("192.0.2.7");
        assertThat(LoginOrigins.originOf("2001:db8:1:2:aaaa:bbbb:cccc:dddd")).isEqualTo("2001:db8:1:2::/64");
        assertThat(LoginOrigins.originOf("2001:db8:1:2:1:2:3:4")).isEqualTo(LoginOrigins.originOf("2001:db8:1:2::9"));
        assertThat(LoginOrigins.originOf("2001:db8:1:3::9")).isNotEqualTo(LoginOrigins.originOf("2001:db8:1:2::9"));
        assertThat(LoginOrigins.originOf("cli")).isEqualTo("cli");
    }
}
