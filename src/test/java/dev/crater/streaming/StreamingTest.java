package dev.crater.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.crater.access.Scope;
import dev.crater.companies.Company;
import dev.crater.companies.WireShapes;
import dev.crater.crypto.Secrets;
import dev.crater.market.Market;
import dev.crater.market.MarketEvent;
import dev.crater.reference.Security;
import dev.crater.testing.Http;
import dev.crater.testing.StoreKind;
import dev.crater.testing.TestServer;
import dev.crater.users.User;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Goal: the first slice of issue 15 — the two REST helpers, CreateSession (option 2), and the quote
 * streamer's Subscribe/Unsubscribe with snapshot then deltas, its limits at N and N+1, conflation
 * for a reader that does not read, and logout closing the sockets.
 *
 * <p>Method: a real server on SQLite and java.net.http.WebSocket clients; market moves through
 * sandbox SET events and explicit ticks; every wait is a poll with a deadline.
 */
class StreamingTest {
    static final ObjectMapper MAPPER = new ObjectMapper();
    static final Duration WAIT = Duration.ofSeconds(10);
    static TestServer server;
    static Company company;
    static HttpClient client = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        server = TestServer.start(StoreKind.SQLITE);
        company = server.company();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** A user with its token. */
    record Trader(User user, String token) {
        String[] auth() {
            return new String[] {"Et-App-Key", company.appKey(), "Authorization", "Bearer " + token};
        }
    }

    static Trader trader() {
        String name = TestServer.username("stream");
        User u = server.user(company, name, null, User.TwoFactorMethod.NONE);
        return new Trader(u, server.login(company, name));
    }

    static JsonNode json(String s) {
        try {
            return MAPPER.readTree(s);
        } catch (Exception e) {
            throw new AssertionError(s, e);
        }
    }

    static JsonNode streamers(Trader t) {
        Http.Response r = Http.get(server.api() + "v1.0/streamers", t.auth());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return json(r.body());
    }

    static List<Security> equities(int n) {
        List<Security> out = new ArrayList<>();
        for (Security s : server.services().securities.snapshot().all()) {
            if (s.enabled() && server.services().market.quote(s.id()).isPresent()) {
                out.add(s);
                if (out.size() == n) {
                    break;
                }
            }
        }
        assertThat(out).hasSize(n);
        return out;
    }

    static void setPrice(Security s, String price) {
        setPrice(server, s, price);
    }

    /** A sandbox SET of the security's price on {@code on}, then a tick at the event's own instant. */
    static void setPrice(TestServer on, Security s, String price) {
        Market m = on.services().market;
        long now = m.nowMs();
        on.services().marketControl.add(new MarketEvent(0, s.id(), MarketEvent.Kind.SET, now, null,
                new BigDecimal(price), List.of()), now);
        m.refresh();
        m.tick();   // at the event's own instant: the quote's last is exactly the price set
    }

    static void tick() {
        server.clock.advance(Duration.ofSeconds(1));
        server.services().market.tick();
    }

    /** A WebSocket client that keeps every text message; {@code reading=false} never asks for one. */
    static final class Client implements WebSocket.Listener {
        final LinkedBlockingQueue<String> messages = new LinkedBlockingQueue<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        final boolean reading;
        StringBuilder part = new StringBuilder();
        WebSocket ws;
        String sessionId;

        Client(boolean reading) {
            this.reading = reading;
        }

        @Override
        public void onOpen(WebSocket webSocket) {
            if (reading) {
                webSocket.request(1);
            }
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            part.append(data);
            if (last) {
                messages.add(part.toString());
                part = new StringBuilder();
            }
            if (reading) {
                webSocket.request(1);
            }
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.complete(-1);
        }

        JsonNode next() {
            try {
                String m = messages.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                assertThat(m).as("a message within " + WAIT).isNotNull();
                return json(m);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }

        /** Messages until one matches; returns those before it and it last. */
        List<JsonNode> until(Predicate<JsonNode> p) {
            List<JsonNode> seen = new ArrayList<>();
            while (true) {
                JsonNode n = next();
                seen.add(n);
                if (p.test(n)) {
                    return seen;
                }
            }
        }

        void send(String text) {
            ws.sendText(text, true).join();
        }

        void command(String cmd, String keys) {
            send("{\"Cmd\":\"" + cmd + "\",\"SessionId\":\"" + sessionId + "\",\"Keys\":\"" + keys
                    + "\",\"EntityType\":\"Quote\",\"HttpClientType\":\"WebSocket\"}");
        }

        int closeCode() {
            return closed.orTimeout(WAIT.toMillis(), TimeUnit.MILLISECONDS).join();
        }
    }

    static String wsUrl(String url, String user, String password) {
        return url + "/CreateSession.txt?User=" + user + "&Password=" + password + "&HttpClientType=WebSocket";
    }

    static Client connect(String url, boolean reading) {
        Client c = new Client(reading);
        c.ws = client.newWebSocketBuilder().buildAsync(URI.create(url), c).join();
        return c;
    }

    /** A quote socket that passed CreateSession. */
    static Client quoteSocket(Trader t) {
        JsonNode s = streamers(t).path("QuoteAddresses").get(0);
        Client c = connect(wsUrl(s.path("Url").asText(), t.user().id() + ":x", s.path("SessionId").asText()), true);
        JsonNode first = c.next();
        assertThat(first.path("StatusCode").asText()).as(first.toString()).isEqualTo("Ok");
        c.sessionId = first.path("SessionId").asText();
        return c;
    }

    static boolean isQuote(JsonNode n, Security s) {
        return n.path("EntityType").asText().equals("Quote") && n.path("Key").asText().equals(Integer.toString(s.id()));
    }

    // ---- REST helpers ----------------------------------------------------------------------------

    @Test
    void streamersAnswerTheDocumentedModel() {
        Trader t = trader();
        JsonNode a = streamers(t);
        assertThat(a.fieldNames()).toIterable().containsExactly("QuoteAddresses", "DataAddresses");
        String base = "ws://127.0.0.1:" + server.port() + "/api/streamer/";
        JsonNode q = a.path("QuoteAddresses").get(0);
        JsonNode d = a.path("DataAddresses").get(0);
        assertThat(q.fieldNames()).toIterable().containsExactly("Url", "Type", "SessionId");
        assertThat(q.path("Url").asText()).isEqualTo(base + "quotes");
        assertThat(d.path("Url").asText()).isEqualTo(base + "data");
        assertThat(q.path("Type").asText()).isEqualTo("RealTime");
        assertThat(q.path("SessionId").asText()).matches("[0-9a-f-]{36}").isNotEqualTo(d.path("SessionId").asText());
        assertThat(StreamerRoutes.url("https://trade.example.com/x", StreamerKind.QUOTE))
                .isEqualTo("wss://trade.example.com/x/api/streamer/quotes");

        assertThat(Http.get(server.api() + "v1.0/streamers", "Et-App-Key", company.appKey()).status()).isEqualTo(401);
        assertThat(Http.get(server.api() + "v1.0/streamers", "Et-App-Key", "wrong", "Authorization",
                "Bearer " + t.token()).status()).isEqualTo(403);
        assertThat(Http.send("PUT", server.api() + "v1.0/streamers/session/recover?sessionType=1", "",
                "Et-App-Key", company.appKey()).status()).isEqualTo(401);
    }

    @Test
    void recoverAnswersANewIdAndRefusesBadTypes() {
        Trader t = trader();
        for (String bad : List.of("", "?sessionType=2", "?sessionType=x", "?sessionType=-1")) {
            Http.Response r = Http.send("PUT", server.api() + "v1.0/streamers/session/recover" + bad, "", t.auth());
            assertThat(r.status()).as(bad + " " + r.body()).isEqualTo(422);
            assertThat(json(r.body()).path("ModelState").has("sessionType")).as(r.body()).isTrue();
        }
        JsonNode old = streamers(t).path("QuoteAddresses").get(0);
        Http.Response r = Http.send("PUT", server.api() + "v1.0/streamers/session/recover?sessionType=1", "", t.auth());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode body = json(r.body());
        assertThat(body.fieldNames()).toIterable().containsExactly("Id");
        String url = old.path("Url").asText();
        Client stale = connect(wsUrl(url, Long.toString(t.user().id()), old.path("SessionId").asText()), true);
        assertThat(stale.next().path("StatusCode").asText()).as("the replaced id").isEqualTo("Error");
        assertThat(stale.closeCode()).isEqualTo(1000);
        Client fresh = connect(wsUrl(url, Long.toString(t.user().id()), body.path("Id").asText()), true);
        assertThat(fresh.next().path("StatusCode").asText()).isEqualTo("Ok");
        fresh.ws.sendClose(1000, "").join();
        // A company on the spec's wire shapes gets the spec's answer: the id as a bare JSON string.
        server.services().companies.setWireShapes(company.id(), WireShapes.SPEC);
        try {
            Http.Response spec = Http.send("PUT", server.api() + "v1.0/streamers/session/recover?sessionType=0", "",
                    t.auth());
            assertThat(spec.status()).as(spec.body()).isEqualTo(200);
            assertThat(json(spec.body()).isTextual()).as(spec.body()).isTrue();
            assertThat(json(spec.body()).asText()).matches("[0-9a-f-]{36}");
        } finally {
            server.services().companies.setWireShapes(company.id(), WireShapes.DOCS);
        }
    }

    // ---- CreateSession -----------------------------------------------------------------------------

    @Test
    void createSessionOkAndErrors() {
        Trader t = trader();
        Trader other = trader();
        JsonNode a = streamers(t);
        String quoteUrl = a.path("QuoteAddresses").get(0).path("Url").asText();
        String quoteId = a.path("QuoteAddresses").get(0).path("SessionId").asText();
        String dataUrl = a.path("DataAddresses").get(0).path("Url").asText();
        String dataId = a.path("DataAddresses").get(0).path("SessionId").asText();
        String uid = Long.toString(t.user().id());

        Client ok = connect(wsUrl(quoteUrl, uid + ":anything", quoteId), true);
        JsonNode first = ok.next();
        assertThat(first.toString()).startsWith("{\"Cmd\":\"CreateSession.txt\",\"StatusCode\":\"Ok\",\"SessionId\":");
        Client data = connect(wsUrl(dataUrl, uid, dataId), true);
        assertThat(data.next().path("StatusCode").asText()).as("User=<UserID> alone").isEqualTo("Ok");

        for (String url : List.of(wsUrl(quoteUrl, uid, "not-an-id"), wsUrl(quoteUrl, Long.toString(other.user().id()), quoteId),
                wsUrl(quoteUrl, uid, dataId), wsUrl(dataUrl, uid, quoteId),
                wsUrl(quoteUrl, t.user().username(), "correct%20horse%20battery"), quoteUrl + "/CreateSession.txt")) {
            Client c = connect(url, true);
            assertThat(c.next().toString()).as(url).isEqualTo("{\"Cmd\":\"CreateSession.txt\",\"StatusCode\":\"Error\"}");
            assertThat(c.closeCode()).isEqualTo(1000);
        }
        ok.ws.sendClose(1000, "").join();
        data.ws.sendClose(1000, "").join();
    }

    // ---- quotes ------------------------------------------------------------------------------------

    @Test
    void subscribeSnapshotThenDeltasUnsubscribeStops() {
        Trader t = trader();
        List<Security> secs = equities(3);
        Security a = secs.get(0);
        Security b = secs.get(1);
        Security sentinel = secs.get(2);
        Client c = quoteSocket(t);
        c.command("Subscribe.txt", a.id() + ";" + b.id() + ";abc;999999999");
        List<JsonNode> got = new ArrayList<>();
        while (got.size() < 3) {
            got.add(c.next());
        }
        JsonNode refusal = got.stream().filter(n -> n.has("Reason")).findFirst().orElseThrow();
        assertThat(refusal.toString()).isEqualTo("{\"Cmd\":\"Subscribe.txt\",\"StatusCode\":\"Error\",\"EntityType\":"
                + "\"Quote\",\"Keys\":\"abc;999999999\",\"Reason\":\"UnknownKey\"}");
        JsonNode snapA = got.stream().filter(n -> isQuote(n, a)).findFirst().orElseThrow();
        assertThat(got.stream().filter(n -> isQuote(n, b))).hasSize(1);
        assertThat(snapA.fieldNames()).toIterable().containsExactly("EntityType", "QuoteTypes", "Ask", "AskMarket",
                "AskTime", "AskUpdate", "Bid", "BidMarket", "BidTime", "BidUpdate", "Last", "Price", "LastMarket", "Key",
                "Date", "High", "Low", "Open", "Close", "Volume", "Change", "ChangePc", "Week52Low", "Week52High",
                "Dividend", "DividendShare", "DividendYield", "MarketCap", "Eps", "DayHigh", "DayLow", "PeRatio",
                "OpenInterest", "TotalDailyVolume", "AskSize", "BidSize", "TradeCondition", "Beta", "Sector",
                "AverageVolume3Month", "PreviousClose", "DontAffectCandle");
        snapA.properties().forEach(e -> assertThat(e.getValue().isTextual()).as(e.getKey()).isTrue());
        assertThat(snapA.path("AskTime").asText()).matches("\\d\\d/\\d\\d/\\d{4} \\d\\d:\\d\\d:\\d\\d");
        assertThat(snapA.path("AskUpdate").asText()).isEqualTo("True");
        assertThat(snapA.path("DontAffectCandle").asText()).isEqualTo("False");
        var quote = server.services().market.quote(a.id()).orElseThrow();
        assertThat(snapA.path("Date").asText()).isEqualTo(QuoteMessage.TIME.format(java.time.Instant.ofEpochMilli(
                quote.timeMs())));

        setPrice(a, "123.45");
        c.until(n -> isQuote(n, a) && n.path("Last").asText().equals("123.45"));

        c.command("Unsubscribe.txt", Integer.toString(a.id()));
        setPrice(a, "130.5");
        c.command("Subscribe.txt", Integer.toString(sentinel.id()));
        List<JsonNode> after = c.until(n -> isQuote(n, sentinel));
        assertThat(after).as("nothing of an unsubscribed key after the unsubscribe")
                .noneMatch(n -> isQuote(n, a) && n.path("Last").asText().equals("130.5"));
        setPrice(a, "131");
        setPrice(sentinel, "77.7");
        assertThat(c.until(n -> isQuote(n, sentinel) && n.path("Last").asText().equals("77.7")))
                .noneMatch(n -> isQuote(n, a));
        c.ws.sendClose(1000, "").join();
    }

    @Test
    void aSnapshotIsNotFollowedByTheSameQuoteAgain() {
        Trader t = trader();
        List<Security> secs = equities(40);
        // A security no socket of this class has watched yet: the market delivers its quote at the first tick.
        Security fresh = secs.get(secs.size() - 1);
        Security sentinel = secs.get(secs.size() - 2);
        Client c = quoteSocket(t);
        c.command("Subscribe.txt", Integer.toString(fresh.id()));
        assertThat(isQuote(c.next(), fresh)).isTrue();
        server.services().market.tick(); // the clock stands still: the same quote as the snapshot
        setPrice(sentinel, "55.5");
        c.command("Subscribe.txt", Integer.toString(sentinel.id()));
        List<JsonNode> seen = c.until(n -> isQuote(n, sentinel));
        assertThat(seen).as("no second message of an unchanged quote").noneMatch(n -> isQuote(n, fresh));
        // A subscribe again is answered by a snapshot, unchanged or not.
        c.command("Subscribe.txt", Integer.toString(fresh.id()));
        assertThat(isQuote(c.next(), fresh)).isTrue();
        c.ws.sendClose(1000, "").join();
    }

    @Test
    void badCommandsAreRefused() {
        Client c = quoteSocket(trader());
        c.send("not json");
        assertThat(c.next().path("Reason").asText()).isEqualTo("BadCommand");
        c.send("{\"Cmd\":\"Subscribe.txt\",\"SessionId\":\"other\",\"Keys\":\"1\",\"EntityType\":\"Quote\"}");
        assertThat(c.next().path("Reason").asText()).isEqualTo("SessionId");
        c.send("{\"Cmd\":\"Subscribe.txt\",\"SessionId\":\"" + c.sessionId + "\",\"Keys\":\"1\",\"EntityType\":\"Order\"}");
        assertThat(c.next().path("Reason").asText()).isEqualTo("EntityType");
        c.send("{\"Cmd\":\"Ping.txt\"}");
        assertThat(c.next().path("Reason").asText()).isEqualTo("UnknownCommand");
        c.ws.sendClose(1000, "").join();
    }

    // ---- limits ------------------------------------------------------------------------------------

    @Test
    void subscriptionsPerSocketAtNAndNPlusOne() {
        assertThat(StreamerLimits.SUBSCRIPTIONS_PER_SOCKET_MAX).isGreaterThanOrEqualTo(10_000);
        StreamingService s = server.services().streaming;
        int n = 4;
        s.useLimits(StreamerLimits.DEFAULTS.withSubscriptionsPerSocket(n));
        try {
            List<Security> secs = equities(n + 1);
            Client c = quoteSocket(trader());
            StringBuilder keys = new StringBuilder();
            for (int i = 0; i < n; i++) {
                keys.append(i == 0 ? "" : ";").append(secs.get(i).id());
            }
            c.command("Subscribe.txt", keys.toString());
            for (int i = 0; i < n; i++) {
                assertThat(c.next().path("EntityType").asText()).as("snapshot " + i).isEqualTo("Quote");
            }
            c.command("Subscribe.txt", secs.get(0).id() + ";" + secs.get(n).id());
            List<JsonNode> got = c.until(m -> m.has("Reason"));
            assertThat(got.getLast().path("Reason").asText()).isEqualTo("SubscriptionLimit");
            assertThat(got.getLast().path("Keys").asText()).isEqualTo(Integer.toString(secs.get(n).id()));
            c.ws.sendClose(1000, "").join();
        } finally {
            s.useLimits(StreamerLimits.DEFAULTS);
        }
    }

    @Test
    void socketsPerUserAtNAndNPlusOne() {
        Trader t = trader();
        int n = StreamerLimits.SOCKETS_PER_USER_MAX;
        List<Client> open = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            open.add(quoteSocket(t));
        }
        JsonNode q = streamers(t).path("QuoteAddresses").get(0);
        Client extra = connect(wsUrl(q.path("Url").asText(), Long.toString(t.user().id()), q.path("SessionId").asText()), true);
        assertThat(extra.next().path("StatusCode").asText()).isEqualTo("Error");
        open.getFirst().ws.sendClose(1000, "").join();
        open.getFirst().closeCode();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (server.services().streaming.openSockets(t.user().id()) >= n && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        open.set(0, quoteSocket(t));
        for (Client c : open) {
            c.ws.sendClose(1000, "").join();
        }
    }

    @Test
    void idsPerUserDropTheOldest() {
        Trader t = trader();
        JsonNode first = streamers(t).path("QuoteAddresses").get(0);
        for (int i = 1; i < StreamerLimits.IDS_PER_USER_MAX / 2; i++) {
            streamers(t);
        }
        String url = first.path("Url").asText();
        String uid = Long.toString(t.user().id());
        Client c = connect(wsUrl(url, uid, first.path("SessionId").asText()), true);
        assertThat(c.next().path("StatusCode").asText()).as("at N ids the first still opens").isEqualTo("Ok");
        c.ws.sendClose(1000, "").join();
        streamers(t);
        Client d = connect(wsUrl(url, uid, first.path("SessionId").asText()), true);
        assertThat(d.next().path("StatusCode").asText()).as("at N+1 the oldest is gone").isEqualTo("Error");
    }

    @Test
    void commandSizeAtNAndNPlusOne() {
        Security a = equities(1).getFirst();
        int n = StreamerLimits.COMMAND_BYTES_MAX;
        Client c = quoteSocket(trader());
        String cmd = "{\"Cmd\":\"Subscribe.txt\",\"SessionId\":\"" + c.sessionId + "\",\"Keys\":\"" + a.id()
                + "\",\"EntityType\":\"Quote\"}";
        c.send(cmd + " ".repeat(n - cmd.length()));
        assertThat(isQuote(c.next(), a)).as("a command of exactly N bytes").isTrue();
        c.send(cmd + " ".repeat(n + 1 - cmd.length()));
        assertThat(c.closeCode()).isEqualTo(1009);
    }

    @Test
    void aReaderThatDoesNotReadGetsConflatedQuotesAndStallsNothing() {
        Trader slowTrader = trader();
        List<Security> secs = equities(200);
        StringBuilder keys = new StringBuilder();
        for (Security s : secs) {
            keys.append(keys.isEmpty() ? "" : ";").append(s.id());
        }
        JsonNode q = streamers(slowTrader).path("QuoteAddresses").get(0);
        Client slow = connect(wsUrl(q.path("Url").asText(), Long.toString(slowTrader.user().id()),
                q.path("SessionId").asText()), false);
        Client fast = quoteSocket(trader());
        fast.command("Subscribe.txt", Integer.toString(secs.getFirst().id()));
        fast.until(n -> isQuote(n, secs.getFirst()));
        // The slow client reads nothing, not even the CreateSession reply: it learns its session id
        // from the server's side to subscribe.
        slow.ws.request(1);
        String sid = null;
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (sid == null && System.nanoTime() < deadline) {
            String m = slow.messages.poll();
            if (m != null) {
                sid = json(m).path("SessionId").asText();
            }
            Thread.onSpinWait();
        }
        assertThat(sid).isNotNull();
        slow.sessionId = sid;
        slow.command("Subscribe.txt", keys.toString());
        // The command is applied on the server's side of the socket: wait for it before the ticks.
        long applied = System.nanoTime() + WAIT.toNanos();
        while (server.services().streaming.stats().stream().noneMatch(x -> x.userId() == slowTrader.user().id()
                && x.subscriptions() == secs.size())) {
            assertThat(System.nanoTime()).as("the slow socket's subscribe applied").isLessThan(applied);
            Thread.onSpinWait();
        }
        long start = System.nanoTime();
        for (int i = 0; i < 300; i++) {
            tick();
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("300 ticks despite the slow reader")
                .isLessThan(Duration.ofSeconds(30));
        setPrice(secs.getFirst(), "55.55");
        fast.until(n -> isQuote(n, secs.getFirst()) && n.path("Last").asText().equals("55.55"));
        StreamerSocket.Stats stats = server.services().streaming.stats().stream()
                .filter(s -> s.userId() == slowTrader.user().id()).findFirst().orElseThrow();
        assertThat(stats.pendingQuotes()).isLessThanOrEqualTo(secs.size());
        assertThat(stats.quotesConflated()).as(stats.toString()).isGreaterThan(0);
        // Once it reads, the newest quote of the moved key arrives.
        slow.ws.request(Long.MAX_VALUE);
        slow.until(n -> isQuote(n, secs.getFirst()) && n.path("Last").asText().equals("55.55"));
        slow.ws.sendClose(1000, "").join();
        fast.ws.sendClose(1000, "").join();
    }

    // ---- logout ------------------------------------------------------------------------------------

    @Test
    void logoutClosesTheTokensSockets() {
        Trader t = trader();
        Client c = quoteSocket(t);
        Trader same = new Trader(t.user(), server.login(company, t.user().username()));
        Client other = quoteSocket(same);
        assertThat(Http.send("DELETE", server.api() + "token", "", t.auth()).status()).isEqualTo(204);
        assertThat(c.closeCode()).isEqualTo(1008);
        Client c2 = quoteSocket(same);
        assertThat(Http.post(server.api() + "logout", same.auth()).status()).isEqualTo(204);
        assertThat(other.closeCode()).isEqualTo(1008);
        assertThat(c2.closeCode()).isEqualTo(1008);
    }
    @Test
    void aSessionEndedOtherwiseClosesItsSocketsWithinTheCheckPeriod() {
        // A password change revokes every token of the user.
        Trader changer = trader();
        Client a = quoteSocket(changer);
        Http.Response changed = Http.send("PUT", server.api() + "v1.0/users/@me/password/change",
                "{\"OldPassword\":\"" + TestServer.PASSWORD + "\",\"Password\":\"a brand new passphrase 42\","
                        + "\"PasswordConfirm\":\"a brand new passphrase 42\"}",
                "Content-Type", "application/json", "Et-App-Key", company.appKey(), "Authorization",
                "Bearer " + changer.token());
        assertThat(changed.status()).as(changed.body()).isEqualTo(200);
        assertThat(a.closeCode()).as("password change").isEqualTo(1008);
        // An operator disables the user (what `crater admin user disable` does).
        Trader disabled = trader();
        Client b = quoteSocket(disabled);
        server.services().users.setEnabled(disabled.user().id(), false);
        assertThat(b.closeCode()).as("user disabled").isEqualTo(1008);
        // The token expires: one that lives two seconds of the server's clock, which then passes.
        Trader owner = trader();
        String shortLived = Secrets.newToken();
        long now = server.clock.millis();
        server.services().tokens.insert(Secrets.sha256(shortLived), owner.user().id(), company.id(), now, now + 2000,
                Scope.FULL);
        Client c = quoteSocket(new Trader(owner.user(), shortLived));
        server.clock.advance(Duration.ofSeconds(3));
        assertThat(c.closeCode()).as("token expired").isEqualTo(1008);
    }
}
