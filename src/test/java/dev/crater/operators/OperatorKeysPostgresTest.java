package dev.crater.operators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crater.accounts.Account;
import dev.crater.audit.AuditLog;
import dev.crater.common.MarginType;
import dev.crater.companies.Company;
import dev.crater.crypto.Secrets;
import dev.crater.testing.Http;
import dev.crater.testing.Postgres;
import dev.crater.testing.SecretsLedger;
import dev.crater.testing.StoreKind;
import dev.crater.testing.TestServer;
import dev.crater.users.User;
import java.math.BigDecimal;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Goal: operator keys and the operator routes work the same on PostgreSQL as on SQLite (the
 * V9 migration, its partial unique index on live names, the key lookups and the audit column).
 * Skipped, with the reason, where no PostgreSQL is reachable.
 *
 * <p>Method: a real server on a fresh PostgreSQL schema; keys are made with the call the CLI makes
 * ({@link OperatorKeys#create}, as {@code crater admin}), since the in-process CLI can only name a
 * SQLite data directory; everything else goes over HTTP. {@code OperatorApiTest} covers the routes
 * in depth on SQLite.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OperatorKeysPostgresTest {

    private static TestServer server;

    @BeforeAll
    static void start() {
        String reason = Postgres.unavailableReason();
        Assumptions.assumeTrue(reason == null, reason);
        server = TestServer.start(StoreKind.POSTGRES);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static Http.Response op(String method, String path, String body, String key) {
        return Http.send(method, server.api() + "v1.0/crater/sandbox/" + path, body, "X-Crater-Operator-Key", key,
                "Content-Type", "application/json");
    }

    @Test
    void keysAuthenticateFundAndAuditOnPostgres() {
        Company company = server.company();
        OperatorKeys keys = server.services().operatorKeys;
        OperatorKeys.Created created = keys.create(AuditLog.Actor.CLI, company, "pg-bot");
        SecretsLedger.record(created.secret(), "operator key made in OperatorKeysPostgresTest");
        String key = created.secret();
        assertThatThrownBy(() -> keys.create(AuditLog.Actor.CLI, company, "PG-BOT"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("live operator key named");

        String hash = server.services().database.jdbi().withHandle(h -> h.createQuery(
                "SELECT key_hash FROM operator_keys WHERE id = :id").bind("id", created.key().id())
                .mapTo(String.class).one());
        assertThat(hash).isEqualTo(Secrets.sha256(key));

        Http.Response halted = op("POST", "market/halt", "{\"Symbol\":\"KO\"}", key);
        assertThat(halted.status()).as(halted.body()).isEqualTo(200);
        Http.Response cleared = op("POST", "market/clear", "{\"Symbol\":\"KO\"}", key);
        assertThat(cleared.status()).as(cleared.body()).isEqualTo(200);
        assertThat(cleared.json().get("EventsRemoved").asInt()).isEqualTo(1);

        User u = server.user(company, TestServer.username("pg-trader"), null, User.TwoFactorMethod.NONE);
        Account a = server.services().accounts.open(u, MarginType.Cash, BigDecimal.ZERO, BigDecimal.ZERO,
                BigDecimal.ZERO, BigDecimal.ZERO);
        Http.Response funded = op("POST", "accounts/fund", "{\"AccountId\":" + a.id() + ",\"Amount\":\"12.34\"}", key);
        assertThat(funded.status()).as(funded.body()).isEqualTo(202);

        List<AuditLog.Entry> rows = server.services().audit.query(null, 0, AuditLog.QUERY_ROWS_MAX).stream()
                .filter(e -> created.key().id() == (e.operatorKeyId() == null ? -1 : e.operatorKeyId())).toList();
        assertThat(rows).extracting(AuditLog.Entry::event).containsExactly(AuditLog.Event.MARKET_HALTED,
                AuditLog.Event.MARKET_CLEARED, AuditLog.Event.CASH_REQUESTED);
        // Rows without a key (the CLI's) are stored too: the audit log never throws, so look for them.
        assertThat(server.services().audit.query(null, 0, AuditLog.QUERY_ROWS_MAX))
                .anyMatch(e -> e.event() == AuditLog.Event.OPERATOR_KEY_CREATED && e.operatorKeyId() == null
                        && e.detail().equals("key " + created.key().id() + " 'pg-bot' created"));

        keys.revoke(AuditLog.Actor.CLI, company, created.key().id());
        assertThat(op("GET", "market/clock", null, key).status()).isEqualTo(401);
        // The name is free again once its key is revoked (the unique index covers live keys only).
        OperatorKeys.Created again = keys.create(AuditLog.Actor.CLI, company, "pg-bot");
        SecretsLedger.record(again.secret(), "operator key made in OperatorKeysPostgresTest");
        assertThat(op("GET", "market/clock", null, again.secret()).status()).isEqualTo(200);
        assertThat(keys.list(company)).extracting(OperatorKey::live).containsExactly(false, true);
    }
}
