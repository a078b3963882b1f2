package dev.crater.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.crater.companies.Company;
import dev.crater.config.SmtpConfig;
import dev.crater.market.Market;
import dev.crater.market.Quote;
import dev.crater.reference.Security;
import dev.crater.testing.Http;
import dev.crater.testing.Mailbox;
import dev.crater.testing.SmsRecorder;
import dev.crater.testing.StoreKind;
import dev.crater.testing.CliRun;
import dev.crater.testing.TestServer;
import dev.crater.users.User;
import jakarta.mail.internet.MimeMessage;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Goal: price alerts really fire. An alert is evaluated against the simulator's quotes, moves to
 * {@code Completed} exactly once (also under many concurrent ticks and with a second node on the
 * same store), and notifies the user by e-mail and text message as their {@code PriceAlert}
 * subscriptions say; expired alerts move to {@code Expired} and never fire; the documented
 * subscription modify call switches the channels.
 *
 * <p>Method: a real server with a real SMTP server (GreenMail) and a recording SMS gateway; prices
 * are moved with the operators' sandbox commands ({@code crater admin market set-price}), run
 * in-process against the server's data directory exactly as {@code MarketSandboxTest} does, and
 * the market's ticker (or {@code Market.tick()}) delivers the new quotes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AlertFiringTest {

    GreenMail mail;
    SmsRecorder sms;
    TestServer server;
    Company company;
    int phones = 300;

    @BeforeAll
    void start() {
        mail = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
        mail.start();
        sms = new SmsRecorder();
        server = TestServer.start(StoreKind.SQLITE,
                Optional.of(new SmtpConfig("127.0.0.1", mail.getSmtp().getPort(), "", "", "crater@test.example")),
                Optional.of(sms.config()));
        company = server.company();
    }

    @AfterAll
    void stop() {
        server.close();
        sms.close();
        mail.stop();
    }

    // ---- helpers -------------------------------------------------------------------------------

    record Actor(User user, String[] headers) {
    }

    Actor actor(boolean withPhone) {
        String name = TestServer.username("alerts");
        User u = withPhone ? server.userWithPhone(company, name, "+1555020" + String.format("%04d", phones++),
                User.TwoFactorMethod.NONE) : server.user(company, name, null, User.TwoFactorMethod.NONE);
        return new Actor(u, new String[] {"Et-App-Key", company.appKey(), "Authorization",
                "Bearer " + server.login(company, name), "Content-Type", "application/json"});
    }

    Http.Response call(Actor a, String method, String path, String body) {
        return Http.send(method, server.api() + "v1.0/users/@me/" + path, body, a.headers());
    }

    JsonNode ok(Http.Response r) {
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    record Cli(int code, String out, String err) {
    }

    /** Runs {@code crater …} in-process against the server's data directory. */
    Cli cli(String... args) {
        CliRun.Result r = CliRun.against(server, args);
        return new Cli(r.code(), r.out(), r.err());
    }

    void setPrice(String symbol, BigDecimal price) {
        Cli r = cli("admin", "market", "set-price", "--symbol", symbol, "--price", price.toPlainString());
        assertThat(r.code()).as(r.err()).isZero();
    }

    void clear(String symbol) {
        assertThat(cli("admin", "market", "clear", "--symbol", symbol).code()).isZero();
    }

    static void eventually(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + ": not within 15 s");
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }

    Security security(String symbol) {
        return server.services().securities.snapshot().bySymbol(symbol).orElseThrow();
    }

    Quote quote(String symbol) {
        return server.services().market.quote(security(symbol).id()).orElseThrow();
    }

    /** Moves the server's clock on a second and runs a ticker round, as the ticker thread would. */
    void tick() {
        server.clock.advance(java.time.Duration.ofSeconds(1));
        server.services().market.tick();
    }

    long createAlert(Actor a, String symbol, String field, String operator, BigDecimal level, String extra) {
        String body = "{\"State\": \"New\", \"Operator\": \"" + operator + "\", \"SecurityId\": " + security(symbol).id()
                + ", \"Field\": \"" + field + "\", \"Argument\": " + level.toPlainString() + extra + "}";
        return ok(call(a, "POST", "pricealerts", body)).get("Id").asLong();
    }

    String state(Actor a, long id) {
        return ok(call(a, "GET", "pricealerts/" + id, null)).get("State").asText();
    }

    List<MimeMessage> mails(Actor a) {
        return Mailbox.to(mail, a.user().email());
    }

    void subscribe(Actor a, String channel, String state) {
        Http.Response r = Http.send("PUT", server.api() + "v1.0/users/@me", "{\"Channel\": \"" + channel
                + "\", \"SubscriptionType\": \"PriceAlert\", \"State\": \"" + state + "\", \"AccountId\": 0}", a.headers());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
    }

    /** {@code price + delta} to the cent, without trailing zeros (as levels are answered and printed). */
    static BigDecimal plus(BigDecimal price, String delta) {
        BigDecimal p = price.add(new BigDecimal(delta)).setScale(2, RoundingMode.HALF_EVEN).stripTrailingZeros();
        return p.scale() < 0 ? p.setScale(0) : p;
    }

    // ---- tests ---------------------------------------------------------------------------------

    @Test
    void anAlertFiresOnceWhenTheSandboxMovesThePriceAndTheEmailSaysWhy() throws Exception {
        Actor a = actor(false);
        BigDecimal now = quote("KO").last();
        BigDecimal level = plus(now, "5");
        long id = createAlert(a, "KO", "Last", "GTEQ", level, "");
        tick();
        assertThat(state(a, id)).as("not crossed yet").isEqualTo("New");
        assertThat(server.services().alerts.monitor().index().get(id)).isPresent();

        BigDecimal target = plus(now, "10");
        setPrice("KO", target);
        eventually("alert completed", () -> {
            tick();
            return state(a, id).equals("Completed");
        });
        eventually("one e-mail", () -> mails(a).size() == 1);
        // More quotes over the level: nothing more happens.
        for (int i = 0; i < 5; i++) {
            tick();
            Thread.sleep(100);
        }
        Thread.sleep(500);
        assertThat(mails(a)).hasSize(1);
        assertThat(state(a, id)).isEqualTo("Completed");
        MimeMessage m = mails(a).get(0);
        String body = GreenMailUtil.getBody(m);
        Quote q = quote("KO");
        assertThat(m.getSubject()).startsWith("Price alert: KO Last >= " + level.toPlainString() + " (now ");
        assertThat(body).contains("Your price alert " + id + " has fired.", "Security:  KO (id " + security("KO").id() + ")",
                "Condition: Last >= " + level.toPlainString() + " (GTEQ)", "Price:     Last ");
        BigDecimal crossed = new BigDecimal(body.replaceAll("(?s).*Price:     Last (\\S+) at .*", "$1"));
        assertThat(crossed).isGreaterThanOrEqualTo(level);
        assertThat(crossed.subtract(target).abs()).isLessThan(new BigDecimal("2"));
        assertThat(body).containsPattern("at \\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z \\(market time\\)");
        assertThat(q.last()).isGreaterThanOrEqualTo(level);
        assertThat(sms.to(a.user().phone() == null ? "none" : a.user().phone())).isEmpty();
        clear("KO");
    }

    @Test
    void textMessagesFollowThePriceAlertSubscription() {
        Actor a = actor(true);
        JsonNode subs = ok(call(a, "GET", "subscriptions?channelType=MobileText", null));
        assertThat(subs.toString()).contains("{\"Channel\":\"MobileText\",\"SubscriptionType\":\"PriceAlert\",\"State\":\"Active\"}");
        BigDecimal now = quote("PEP").last();
        long first = createAlert(a, "PEP", "Bid", "LTEQ", plus(now, "-4"), "");
        setPrice("PEP", plus(now, "-8"));
        eventually("first alert completed", () -> {
            tick();
            return state(a, first).equals("Completed");
        });
        eventually("e-mail and SMS", () -> mails(a).size() == 1 && sms.to(a.user().phone()).size() == 1);
        String text = sms.last(a.user().phone()).body();
        assertThat(text).startsWith("Price alert " + first + ": PEP Bid ").contains(" <= " + plus(now, "-4").toPlainString()
                + " at ").endsWith(" UTC");
        assertThat(text.length()).isLessThanOrEqualTo(160);

        // Text messages off for price alerts: the next alert only e-mails.
        subscribe(a, "MobileText", "Suspended");
        long second = createAlert(a, "PEP", "Last", "GTEQ", plus(now, "-20"), "");
        eventually("second alert completed at once (the level is below the price)", () -> {
            tick();
            return state(a, second).equals("Completed");
        });
        eventually("second e-mail", () -> mails(a).size() == 2);
        assertThat(sms.to(a.user().phone())).hasSize(1);

        // E-mail off too: nothing is sent, the alert still completes.
        subscribe(a, "Email", "Suspended");
        long third = createAlert(a, "PEP", "Ask", "GTEQ", plus(now, "-20"), "");
        eventually("third alert completed", () -> {
            tick();
            return state(a, third).equals("Completed");
        });
        sleep(1000);
        assertThat(mails(a)).hasSize(2);
        assertThat(sms.to(a.user().phone())).hasSize(1);
        clear("PEP");
    }

    @Test
    void concurrentTicksAndASecondNodeCompleteAnAlertOnce() throws Exception {
        Actor a = actor(true);
        Security mcd = security("MCD");
        BigDecimal now = quote("MCD").last();
        long id = createAlert(a, "MCD", "Last", "GTEQ", plus(now, "5"), "");
        // A second node on the same store, with its own index, hearing the same quotes.
        List<AlertNotifier.Fired> secondNode = new CopyOnWriteArrayList<>();
        Market market = server.services().market;
        AlertStore store = new AlertStore(server.services().database);
        try (AlertMonitor other = new AlertMonitor(store, market, secondNode::add, server.services().clock)) {
            other.start();
            assertThat(other.index().get(id)).isPresent();
            AlertMonitor mine = server.services().alerts.monitor();
            long firedBefore = mine.firedCount();
            setPrice("MCD", plus(now, "10"));
            eventually("the server sees the new price", () -> quote("MCD").last().compareTo(plus(now, "5")) >= 0);
            Quote crossing = quote("MCD");
            int threads = 16;
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                CyclicBarrier go = new CyclicBarrier(threads);
                List<Future<?>> done = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int n = t;
                    done.add(pool.submit(() -> {
                        go.await();
                        for (int i = 0; i < 20; i++) {
                            if (n % 3 == 0) {
                                market.tick();
                            } else if (n % 3 == 1) {
                                mine.onQuote(crossing);
                            } else {
                                other.onQuote(crossing);
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> f : done) {
                    f.get();
                }
            } finally {
                pool.shutdownNow();
            }
            eventually("completed", () -> state(a, id).equals("Completed"));
            eventually("one e-mail", () -> mails(a).size() + secondNode.size() >= 1);
            sleep(1500);
            assertThat(mails(a).size() + secondNode.size()).as("notifications over both nodes").isEqualTo(1);
            assertThat(sms.to(a.user().phone()).size() + secondNode.size()).isEqualTo(1);
            assertThat(mine.firedCount() - firedBefore + other.firedCount()).isEqualTo(1);
            assertThat(mine.index().get(id)).isEmpty();
            assertThat(other.index().get(id)).isEmpty();
            assertThat(store.byId(a.user().id(), id).orElseThrow().firedPrice()).isNotNull();
            assertThat(mcd.id()).isEqualTo(store.byId(a.user().id(), id).orElseThrow().securityId());
        }
        clear("MCD");
    }

    @Test
    void anotherNodePicksUpChangesWhenItReconciles() {
        Actor a = actor(false);
        BigDecimal now = quote("JNJ").last();
        AlertStore store = new AlertStore(server.services().database);
        List<AlertNotifier.Fired> heard = new CopyOnWriteArrayList<>();
        try (AlertMonitor other = new AlertMonitor(store, server.services().market, heard::add, server.services().clock)) {
            other.start();
            long id = createAlert(a, "JNJ", "Last", "GTEQ", plus(now, "50"), "");
            assertThat(other.index().get(id)).as("not before its next reconciliation").isEmpty();
            other.reload();
            assertThat(other.index().get(id).orElseThrow().level()).isEqualByComparingTo(plus(now, "50"));
            ok(call(a, "PUT", "pricealerts/" + id, "{\"Field\": \"Bid\", \"Operator\": \"GTEQ\", \"Argument\": "
                    + plus(now, "60").toPlainString() + "}"));
            other.reload();
            AlertIndex.Entry changed = other.index().get(id).orElseThrow();
            assertThat(changed.field()).isEqualTo(PriceAlert.Field.Bid);
            assertThat(changed.level()).isEqualByComparingTo(plus(now, "60"));
            assertThat(changed.revision()).isEqualTo(2);
            ok(call(a, "PUT", "pricealerts/" + id, "{\"Field\": \"Bid\", \"Operator\": \"GTEQ\", \"State\": \"Stopped\"}"));
            other.reload();
            assertThat(other.index().get(id)).isEmpty();
            ok(call(a, "PUT", "pricealerts/" + id, "{\"Field\": \"Bid\", \"Operator\": \"GTEQ\", \"State\": \"New\"}"));
            other.reload();
            assertThat(other.index().get(id)).isPresent();
            assertThat(call(a, "DELETE", "pricealerts/" + id, null).status()).isEqualTo(204);
            other.reload();
            assertThat(other.index().get(id)).isEmpty();
            assertThat(other.index().securities()).doesNotContain(security("JNJ").id());
        }
        assertThat(heard).isEmpty();
    }

    @Test
    void expiredAlertsMoveToExpiredAndNeverFire() {
        Actor a = actor(false);
        BigDecimal now = quote("XOM").last();
        long soon = server.clock.instant().getEpochSecond() + 5;
        long swept = createAlert(a, "XOM", "Last", "GTEQ", plus(now, "5"), ", \"ExpirationDate\": " + soon);
        long lazy = createAlert(a, "XOM", "Last", "LTEQ", plus(now, "-5"), ", \"ExpirationDate\": " + soon);
        AlertMonitor monitor = server.services().alerts.monitor();
        assertThat(monitor.index().get(swept)).isPresent();

        // Past the expiry: the sweep moves the alert to Expired and takes it out of the index.
        server.clock.set(Instant.ofEpochSecond(soon + 1));
        monitor.sweep();
        assertThat(monitor.index().get(swept)).isEmpty();
        assertThat(monitor.index().get(lazy)).isEmpty();
        JsonNode list = ok(call(a, "GET", "pricealerts?pageSize=10&pageNumber=0&sortBy=Id&isDesc=false", null));
        assertThat(list.get("Result").get(0).get("State").asText()).isEqualTo("Expired");
        assertThat(list.get("Result").get(1).get("State").asText()).isEqualTo("Expired");

        // Crossing the level afterwards changes nothing.
        setPrice("XOM", plus(now, "10"));
        for (int i = 0; i < 20; i++) {
            tick();
            sleep(100);
        }
        assertThat(state(a, swept)).isEqualTo("Expired");
        assertThat(mails(a)).isEmpty();
        clear("XOM");
    }

    @Test
    void anAlertReadAfterItsExpiryIsExpiredEvenBeforeTheSweep() {
        Actor a = actor(false);
        BigDecimal now = quote("CVX").last();
        long soon = server.clock.instant().getEpochSecond() + 5;
        long id = createAlert(a, "CVX", "Ask", "GTEQ", plus(now, "50"), ", \"ExpirationDate\": " + soon);
        server.clock.set(Instant.ofEpochSecond(soon));
        assertThat(state(a, id)).isEqualTo("Expired");
        assertThat(server.services().alerts.monitor().index().get(id)).isEmpty();
        // Set back to New with a later expiry, it is armed again.
        Http.Response rearmed = call(a, "PUT", "pricealerts/" + id, "{\"Field\": \"Ask\", \"Operator\": \"GTEQ\","
                + " \"State\": \"New\", \"ExpirationDate\": " + (soon + 3600) + "}");
        assertThat(ok(rearmed).get("State").asText()).isEqualTo("New");
        assertThat(server.services().alerts.monitor().index().get(id)).isPresent();
        Http.Response stale = call(a, "PUT", "pricealerts/" + id, "{\"Field\": \"Ask\", \"Operator\": \"GTEQ\","
                + " \"State\": \"New\", \"ExpirationDate\": " + (soon - 10) + "}");
        assertThat(stale.status()).isEqualTo(422);
        assertThat(stale.body()).contains("model.ExpirationDate");
    }

    @Test
    void aCompletedAlertSetBackToNewFiresAgain() {
        Actor a = actor(false);
        BigDecimal now = quote("WMT").last();
        long id = createAlert(a, "WMT", "Last", "LTEQ", plus(now, "20"), "");
        eventually("fires at once: the price is below the level", () -> {
            tick();
            return state(a, id).equals("Completed");
        });
        eventually("first e-mail", () -> mails(a).size() == 1);
        Http.Response again = call(a, "PUT", "pricealerts/" + id,
                "{\"Field\": \"Last\", \"Operator\": \"LTEQ\", \"State\": \"New\"}");
        assertThat(ok(again).get("State").asText()).isEqualTo("New");
        eventually("fires again", () -> {
            tick();
            return state(a, id).equals("Completed");
        });
        eventually("second e-mail", () -> mails(a).size() == 2);
        // Stopped alerts do not fire.
        Http.Response stopped = call(a, "PUT", "pricealerts/" + id,
                "{\"Field\": \"Last\", \"Operator\": \"LTEQ\", \"State\": \"Stopped\"}");
        assertThat(ok(stopped).get("State").asText()).isEqualTo("Stopped");
        tick();
        sleep(500);
        assertThat(state(a, id)).isEqualTo("Stopped");
        assertThat(mails(a)).hasSize(2);
    }

    @Test
    void theDocumentedSubscriptionModifyCall() {
        Actor plain = actor(false);
        Actor phone = actor(true);
        String url = server.api() + "v1.0/users/";
        Http.Response r = Http.send("PUT", url + "@me", "{\"Channel\": \"Email\", \"SubscriptionType\": \"PriceAlert\","
                + " \"State\": \"Suspended\", \"AccountId\": 0}", plain.headers());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("{\"Channel\":\"Email\",\"SubscriptionType\":\"PriceAlert\",\"State\":\"Suspended\"}");
        JsonNode list = ok(call(plain, "GET", "subscriptions?channelType=Email", null));
        assertThat(list.toString()).contains("{\"Channel\":\"Email\",\"SubscriptionType\":\"PriceAlert\",\"State\":\"Suspended\"}")
                .contains("{\"Channel\":\"Email\",\"SubscriptionType\":\"OrderExecution\",\"State\":\"Active\"}");
        // Numbers for the enums, any case, numeric user id, trailing slash.
        r = Http.send("PUT", url + plain.user().id() + "/", "{channel: 0, subscriptiontype: 'priceALERT', state: 1,}",
                plain.headers());
        assertThat(r.body()).isEqualTo("{\"Channel\":\"Email\",\"SubscriptionType\":\"PriceAlert\",\"State\":\"Active\"}");

        // Text messages without a bound phone: Suspended, and cannot be turned on.
        JsonNode texts = ok(call(plain, "GET", "subscriptions?channelType=MobileText", null));
        assertThat(texts.toString()).contains("\"SubscriptionType\":\"PriceAlert\",\"State\":\"Suspended\"");
        r = Http.send("PUT", url + "@me", "{\"Channel\": \"MobileText\", \"SubscriptionType\": \"PriceAlert\","
                + " \"State\": \"Active\"}", plain.headers());
        assertThat(r.status()).isEqualTo(409);
        assertThat(r.body()).contains("PhoneNotBound");
        r = Http.send("PUT", url + "@me", "{\"Channel\": \"MobileText\", \"SubscriptionType\": \"PriceAlert\","
                + " \"State\": \"Suspended\"}", phone.headers());
        assertThat(r.body()).isEqualTo("{\"Channel\":\"MobileText\",\"SubscriptionType\":\"PriceAlert\",\"State\":\"Suspended\"}");
        r = Http.send("PUT", url + "@me", "{\"Channel\": \"MobileText\", \"SubscriptionType\": \"PriceAlert\","
                + " \"State\": \"Active\"}", phone.headers());
        assertThat(r.body()).isEqualTo("{\"Channel\":\"MobileText\",\"SubscriptionType\":\"PriceAlert\",\"State\":\"Active\"}");

        // Documented example values that are not settable, and malformed bodies.
        r = Http.send("PUT", url + "@me", "{\"Channel\": \"Email\", \"SubscriptionType\": \"Activation\","
                + " \"State\": \"NotLinked\", \"AccountId\": 0}", plain.headers());
        assertThat(r.status()).isEqualTo(422);
        assertThat(r.body()).contains("model.SubscriptionType");
        r = Http.send("PUT", url + "@me", "{\"Channel\": \"Email\", \"SubscriptionType\": \"PriceAlert\","
                + " \"State\": \"NotLinked\"}", plain.headers());
        assertThat(r.status()).isEqualTo(422);
        assertThat(r.body()).contains("model.State");
        r = Http.send("PUT", url + "@me", "{\"Channel\": \"Disabled\", \"SubscriptionType\": \"PriceAlert\","
                + " \"State\": \"Active\"}", plain.headers());
        assertThat(r.status()).isEqualTo(422);
        r = Http.send("PUT", url + "@me", "{\"SubscriptionType\": \"PriceAlert\", \"State\": \"Active\"}", plain.headers());
        assertThat(r.status()).isEqualTo(422);
        assertThat(r.body()).contains("model.Channel");
        assertThat(Http.send("PUT", url + "@me", "{nope", plain.headers()).status()).isEqualTo(422);
        assertThat(Http.send("PUT", url + "@me", null, plain.headers()).status()).isEqualTo(422);
        // Another user's id: the documented 401.
        r = Http.send("PUT", url + phone.user().id(), "{\"Channel\": \"Email\", \"SubscriptionType\": \"PriceAlert\","
                + " \"State\": \"Active\"}", plain.headers());
        assertThat(r.status()).isEqualTo(401);
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
