package dev.crater.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crater.companies.Company;
import dev.crater.companies.CompanyPolicy;
import dev.crater.crypto.PasswordHasher;
import dev.crater.testing.Http;
import dev.crater.testing.StoreKind;
import dev.crater.testing.TestServer;
import dev.crater.users.User;
import dev.crater.users.UserService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Goal: every way a login is refused costs the same — an unknown user, a wrong password, an account
 * waiting after failures or locked, a known address waiting, a disabled user — so that neither the
 * time an answer takes nor the server's load tells them apart. The time is dominated by one
 * Argon2id hash (~35 ms); the rest (a few indexed reads and writes) is well under 5 % of it.
 *
 * <p>Method: the mechanism, not the wall clock. The server's hasher counts every hash and the work
 * it did (memory × passes × lanes); each refusal must add exactly one hash of exactly the work of a
 * real verification, and answer the same bytes. Wall-clock medians are compared too, but only with
 * a tolerance a loaded machine cannot break (the mechanism is what guarantees the 5 %).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class RefusalCostTest {
    static final String INVALID_CREDENTIALS = "{\"State\":\"Failed\",\"Step\":\"BaseAuthentication\",\"Reason\":\"Invalid credentials\"}";
    static final long ONE_HASH_WORK = (long) PasswordHasher.MEMORY_KIB_DEFAULT * PasswordHasher.ITERATIONS_DEFAULT
            * PasswordHasher.PARALLELISM_DEFAULT;

    TestServer server;
    Company company;

    @BeforeAll
    void start() {
        server = TestServer.start(StoreKind.SQLITE);
        company = server.company();
    }

    @AfterAll
    void stop() {
        server.close();
    }

    Http.Response login(String from, String username, String password, String... extra) {
        List<String> h = new ArrayList<>(List.of("Et-App-Key", company.appKey(), "Username", username, "Password", password));
        h.addAll(Arrays.asList(extra));
        return Http.sendFrom(from, "POST", server.api() + "token", null, h.toArray(String[]::new));
    }

    User user(String prefix, String pin) {
        return server.services().users.create(new UserService.NewUser(company.id(), TestServer.username(prefix),
                TestServer.PASSWORD, TestServer.username(prefix) + "@example.com", null, pin, User.TwoFactorMethod.NONE,
                "R", "C"));
    }

    User stored(User u) {
        return server.services().users.fresh(u.id()).orElseThrow();
    }

    /** Wrong passwords from 127.0.0.2 until the account waits. */
    void makeWait(User u) {
        for (int i = 0; i <= CompanyPolicy.DEFAULTS.freeFailures(); i++) {
            login("127.0.0.2", u.username(), "wrong " + i);
        }
        assertThat(stored(u).refusingAt(server.clock.millis())).isTrue();
    }

    /** The refusals of the first step, each a fresh attempt (they may be repeated). */
    Map<String, Supplier<Http.Response>> refusals() {
        // Wrong passwords rotate over users who stay inside their free failures, so each is a real check.
        List<User> wrong = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            wrong.add(user("wrong", null));
        }
        User waiting = user("waiting", null);
        makeWait(waiting);
        User locked = user("locked", null);
        CompanyPolicy lockAtTwo = new CompanyPolicy(12, 0, false, 1, 1, 1, 2);
        server.services().users.recordFailure(locked, lockAtTwo);
        server.services().users.recordFailure(stored(locked), lockAtTwo);
        assertThat(stored(locked).locked()).isTrue();
        User knownWaiting = user("known-waiting", null);
        assertThat(login("127.0.0.1", knownWaiting.username(), TestServer.PASSWORD).status()).isEqualTo(200);
        for (int i = 0; i <= CompanyPolicy.DEFAULTS.freeFailures(); i++) {
            login("127.0.0.1", knownWaiting.username(), "wrong at home " + i);
        }
        User disabled = user("disabled", null);
        server.services().users.setEnabled(disabled.id(), false);
        int[] n = {0};
        Map<String, Supplier<Http.Response>> m = new LinkedHashMap<>();
        m.put("unknown user", () -> login("127.0.0.1", "nobody-" + n[0]++, "a password"));
        int[] w = {0};
        m.put("wrong password", () -> login("127.0.0.1", wrong.get(w[0]++ % wrong.size()).username(), "a password"));
        m.put("account waiting, right password", () -> login("127.0.0.1", waiting.username(), TestServer.PASSWORD));
        m.put("account waiting, wrong password", () -> login("127.0.0.1", waiting.username(), "a password"));
        m.put("account locked, right password", () -> login("127.0.0.1", locked.username(), TestServer.PASSWORD));
        m.put("known address waiting, right password",
                () -> login("127.0.0.1", knownWaiting.username(), TestServer.PASSWORD));
        m.put("disabled user, right password", () -> login("127.0.0.1", disabled.username(), TestServer.PASSWORD));
        return m;
    }

    @Test
    void everyRefusalOfAPasswordSpendsExactlyOneHashOfTheSameCost() {
        PasswordHasher hasher = server.services().hasher;
        for (Map.Entry<String, Supplier<Http.Response>> path : refusals().entrySet()) {
            for (int i = 0; i < 3; i++) {
                long hashes = hasher.hashes();
                long work = hasher.work();
                Http.Response r = path.getValue().get();
                assertThat(r.status()).as(path.getKey()).isEqualTo(401);
                assertThat(r.body()).as(path.getKey()).isEqualTo(INVALID_CREDENTIALS);
                assertThat(hasher.hashes() - hashes).as("hashes for: %s", path.getKey()).isEqualTo(1);
                assertThat(hasher.work() - work).as("hash work for: %s", path.getKey()).isEqualTo(ONE_HASH_WORK);
            }
        }
    }

    @Test
    void aRefusedPinCostsWhatAWrongPinCosts() {
        PasswordHasher hasher = server.services().hasher;
        User wrongPin = user("wrong-pin", "2468");
        User waitingPin = user("waiting-pin", "2468");
        makeWait(waitingPin);
        // The PIN sent with the first call: a wrong PIN is the password's hash and the PIN's.
        long hashes = hasher.hashes();
        login("127.0.0.1", wrongPin.username(), TestServer.PASSWORD, "PinCode", "1111");
        long wrong = hasher.hashes() - hashes;
        assertThat(wrong).isEqualTo(2);
        // On the interim token: a wrong PIN, and a PIN while the account waits, one hash each.
        String interim = login("127.0.0.1", wrongPin.username(), TestServer.PASSWORD).text("Token");
        hashes = hasher.hashes();
        long work = hasher.work();
        Http.Response r = login("127.0.0.1", wrongPin.username(), TestServer.PASSWORD, "Authorization", "Bearer " + interim,
                "PinCode", "1111");
        assertThat(r.status()).isEqualTo(202);
        assertThat(hasher.hashes() - hashes).isEqualTo(1);
        assertThat(hasher.work() - work).isEqualTo(ONE_HASH_WORK);
        server.services().users.resetFailures(stored(waitingPin));
        String interim2 = login("127.0.0.1", waitingPin.username(), TestServer.PASSWORD).text("Token");
        makeWait(waitingPin);
        hashes = hasher.hashes();
        work = hasher.work();
        Http.Response refused = login("127.0.0.1", waitingPin.username(), TestServer.PASSWORD, "Authorization",
                "Bearer " + interim2, "PinCode", "2468");
        assertThat(refused.body()).isEqualTo("{\"State\":\"Failed\",\"Step\":\"SecutityPin\",\"Reason\":\"Invalid pin\"}");
        assertThat(hasher.hashes() - hashes).isEqualTo(1);
        assertThat(hasher.work() - work).isEqualTo(ONE_HASH_WORK);
    }

    @Test
    void theMedianTimesOfAllRefusalsAreClose() {
        Map<String, Supplier<Http.Response>> paths = refusals();
        int rounds = 60;
        Map<String, long[]> times = new LinkedHashMap<>();
        paths.keySet().forEach(k -> times.put(k, new long[rounds]));
        paths.values().forEach(Supplier::get); // warm-up
        java.util.Random order = new java.util.Random(42);
        List<String> names = new ArrayList<>(paths.keySet());
        for (int i = 0; i < rounds; i++) {
            // Interleaved, so a burst of load on the machine hits every path alike, and in a new order
            // each round, so no path always follows another's store writes (and their checkpoints).
            java.util.Collections.shuffle(names, order);
            for (String name : names) {
                long t0 = System.nanoTime();
                paths.get(name).get();
                times.get(name)[i] = System.nanoTime() - t0;
            }
        }
        double reference = median(times.get("unknown user"));
        StringBuilder report = new StringBuilder();
        times.forEach((k, v) -> report.append(String.format("%n  %-40s %6.1f ms", k, median(v) / 1e6)));
        for (Map.Entry<String, long[]> e : times.entrySet()) {
            double m = median(e.getValue());
            // 25 %: a bound a shared, loaded CI machine keeps; the hash accounting above is the exact check.
            assertThat(Math.abs(m - reference) / Math.max(m, reference)).as("%s%s", e.getKey(), report).isLessThan(0.25);
        }
        System.out.println("refusal medians:" + report);
    }

    static double median(long[] values) {
        long[] copy = values.clone();
        Arrays.sort(copy);
        return copy[copy.length / 2];
    }

    @Test
    void refusedAttemptsEvaluateNothing() {
        // The hash a refusal spends is not a check: the right password during a wait is refused too.
        User u = user("unread", null);
        makeWait(u);
        PasswordHasher hasher = server.services().hasher;
        long evaluated = hasher.evaluations();
        assertThat(login("127.0.0.1", u.username(), TestServer.PASSWORD).body()).isEqualTo(INVALID_CREDENTIALS);
        assertThat(hasher.evaluations()).isEqualTo(evaluated);
        server.clock.advance(Duration.ofSeconds(CompanyPolicy.DEFAULTS.failureDelaySeconds()));
        assertThat(login("127.0.0.1", u.username(), TestServer.PASSWORD).status()).isEqualTo(200);
    }
}
