package dev.crater.companies;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crater.testing.StoreKind;
import dev.crater.testing.TestServer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Goal: the companies feature's door — creating a company with its own application key, finding it
 * by that key (and nothing for a missing, oversized or unknown one), and its login policy: the
 * defaults until it sets its own, a change seen at once by the node that made it and within the
 * revalidation interval by another one on the same store, values out of range refused.
 *
 * <p>Method: the service of a real server on a real SQLite file, and a second service over the same
 * store standing in for another node; time moves only through the server's clock.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CompanyServiceTest {
    TestServer server;
    CompanyService companies;

    @BeforeAll
    void start() {
        server = TestServer.start(StoreKind.SQLITE);
        companies = server.services().companies;
    }

    @AfterAll
    void stop() {
        server.close();
    }

    @Test
    void aNewCompanyHasAKeyOfItsOwnThatFindsIt() {
        Company a = companies.create("Alpha Brokers " + System.nanoTime());
        Company b = companies.create("Beta Brokers " + System.nanoTime());
        assertThat(a.appKey()).isNotEqualTo(b.appKey()).hasSizeGreaterThanOrEqualTo(32);
        assertThat(companies.byAppKey(a.appKey())).contains(a);
        assertThat(companies.byAppKey(b.appKey())).contains(b);
        assertThat(companies.byName(a.name())).contains(a);
        assertThat(companies.byId(b.id())).contains(b);
        assertThat(companies.all()).contains(a, b);
    }

    @Test
    void missingOversizedAndUnknownKeysFindNothing() {
        assertThat(companies.byAppKey(null)).isEmpty();
        assertThat(companies.byAppKey("")).isEmpty();
        assertThat(companies.byAppKey("k".repeat(CompanyService.APP_KEY_CHARS_MAX + 1))).isEmpty();
        assertThat(companies.byAppKey("no-such-key")).isEmpty();
    }

    @Test
    void namesAreRequiredBoundedAndUnique() {
        String name = "Gamma Brokers " + System.nanoTime();
        companies.create(name);
        assertThatThrownBy(() -> companies.create(name)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("already exists");
        assertThatThrownBy(() -> companies.create(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> companies.create("n".repeat(CompanyService.NAME_CHARS_MAX + 1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aPolicyChangeIsSeenAtOnceHereAndWithinTheRevalidationIntervalElsewhere() {
        Company c = companies.create("Delta Brokers " + System.nanoTime());
        CompanyService otherNode = new CompanyService(new CompanyStore(server.services().database.jdbi()), server.clock);
        assertThat(companies.policy(c.id())).isEqualTo(CompanyPolicy.DEFAULTS);
        assertThat(otherNode.policy(c.id())).isEqualTo(CompanyPolicy.DEFAULTS);
        CompanyPolicy strict = new CompanyPolicy(16, 90, true, 3, 30, 600, 20);
        companies.setPolicy(c.id(), strict);
        assertThat(companies.policy(c.id())).isEqualTo(strict);
        assertThat(otherNode.policy(c.id())).as("still its cached copy").isEqualTo(CompanyPolicy.DEFAULTS);
        server.clock.advance(Duration.ofMillis(CompanyService.CACHE_REVALIDATE_MS + 1));
        assertThat(otherNode.policy(c.id())).isEqualTo(strict);
    }

    @Test
    void policiesOutOfRangeAreRefused() {
        assertThatThrownBy(() -> new CompanyPolicy(CompanyPolicy.PASSWORD_MIN_LENGTH_FLOOR - 1, 0, false, 5, 60, 900, 100))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("password minimum length");
        assertThatThrownBy(() -> new CompanyPolicy(12, 0, false, 100, 60, 900, 100))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("free failures");
        assertThatThrownBy(() -> new CompanyPolicy(12, 0, false, 5, 60, 30, 100))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maximum failure delay");
        assertThat(CompanyPolicy.DEFAULTS.passwordExpired(0, Long.MAX_VALUE)).isFalse();
        assertThat(new CompanyPolicy(12, 1, false, 5, 60, 900, 100).passwordExpired(0, 86_400_000L)).isTrue();
    }
}
