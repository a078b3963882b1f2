package dev.crater.watchlists;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.crater.companies.Company;
import dev.crater.securities.OptionContract;
import dev.crater.reference.Security;
import dev.crater.testing.Http;
import dev.crater.testing.MutableClock;
import dev.crater.testing.StoreKind;
import dev.crater.testing.TestServer;
import dev.crater.users.User;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Goal: the nine watchlist operations of reference 07-watchlists.md over real HTTP, exact to field
 * names, status codes and error bodies: list and get (with the required {@code includeSecurities}),
 * create (initial securities, {@code resultIncludeSecurities}), delete (204), rename (the
 * {@code m_Item1}/{@code m_Item2} tuple), add and remove by id and by ticker (a JSON body, also on
 * DELETE); the read-only system lists beside the user's own; unique names, the named limits at N
 * and N+1, and the documented 400, 404 and 409 answers.
 *
 * <p>Method: one real server per store; every test makes its own user, so tests do not depend on
 * each other. The same contract runs on SQLite ({@link WatchlistsApiSqliteTest}) and PostgreSQL
 * ({@link WatchlistsApiPostgresTest}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
abstract class WatchlistsApiContract {

    static final List<String> USER_LIST_FIELDS = List.of("Id", "Name", "Type", "CreateDate", "ModifyDate", "ReadOnly");
    static final List<String> SYSTEM_LIST_FIELDS = List.of("Id", "Name", "Type", "CreateDate", "ModifyDate",
            "Description", "ReadOnly", "Source");
    static final List<String> SECURITY_MODEL_FIELDS = List.of("AddedDate", "BaseCurrency", "ContractSize", "Currency",
            "Cusip", "Description", "Exchange", "ExpirationDate", "ExpirationType", "Id", "Industry", "Isin",
            "MarginRate", "ModifyDate", "OptionType", "ParentId", "Precision", "Sector", "Sedol", "SeriesId", "Source",
            "StrikePrice", "Suffix", "Symbol", "TickSize", "Type", "UnderlyingSecuritySymbol", "Unit",
            "VolumePrecision");
    static final String DATE_TIME = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{7}Z";
    static final String INVALID = "{\"Message\":\"The request is invalid.\"}";
    static final String DENIED = "{\"Message\":\"Authorization has been denied for this request.\"}";
    static final String NOT_FOUND_SECURITY = "{\"Message\":\"Security was not found\"}";
    static final List<String> SYSTEM_NAMES = List.of("* Top 10 Gain NASDAQ", "* Top 10 Loss NASDAQ",
            "* Top 10 Gain NYSE", "* Top 10 Loss NYSE", "* Top 10 Gain NYSE Arca", "* Top 10 Loss NYSE Arca");

    abstract StoreKind store();

    TestServer server;
    Company company;

    @BeforeAll
    void start() {
        server = TestServer.start(store());
        company = server.company();
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    // ---- helpers -------------------------------------------------------------------------------

    record Actor(User user, String[] headers) {
    }

    Actor actor() {
        String name = TestServer.username("wl");
        User u = server.user(company, name, null, User.TwoFactorMethod.NONE);
        return new Actor(u, new String[] {"Et-App-Key", company.appKey(), "Authorization",
                "Bearer " + server.login(company, name), "Content-Type", "application/json"});
    }

    Http.Response call(Actor a, String method, String path, String body) {
        return Http.send(method, server.api() + "v1.0/users/@me/" + path, body, a.headers());
    }

    static JsonNode ok(Http.Response r) {
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    static void conflict(Http.Response r, String messagePart) {
        assertThat(r.status()).as(r.body()).isEqualTo(409);
        assertThat(fieldNames(r.json())).containsExactly("Message");
        assertThat(r.json().get("Message").asText()).contains(messagePart);
    }

    static void noRoute(Http.Response r, String path) {
        assertThat(r.status()).as(r.body()).isEqualTo(404);
        assertThat(r.json().get("Message").asText())
                .startsWith("No HTTP resource was found that matches the request URI 'http://")
                .contains("/api/v1.0/users/@me/" + path);
    }

    static List<String> fieldNames(JsonNode node) {
        List<String> out = new ArrayList<>();
        Iterator<String> it = node.fieldNames();
        it.forEachRemaining(out::add);
        return out;
    }

    static List<Integer> ids(JsonNode securityList) {
        List<Integer> out = new ArrayList<>();
        securityList.forEach(s -> out.add(s.get("Id").asInt()));
        return out;
    }

    JsonNode create(Actor a, String name, String securities) {
        String body = "{\"Name\": \"" + name + "\"" + (securities == null ? "" : ", \"Securities\": " + securities) + "}";
        return ok(call(a, "POST", "watchlists?resultIncludeSecurities=true", body));
    }

    int id(String symbol) {
        return server.services().securities.snapshot().bySymbol(symbol).orElseThrow().id();
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    // ---- list and get --------------------------------------------------------------------------

    @Test
    void listShowsTheUsersListsThenTheReadOnlySystemLists() {
        Actor a = actor();
        JsonNode none = ok(call(a, "GET", "watchlists?includeSecurities=false", null));
        assertThat(none).hasSize(6);
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            JsonNode s = none.get(i);
            assertThat(fieldNames(s)).containsExactlyElementsOf(SYSTEM_LIST_FIELDS);
            assertThat(s.get("Id").asLong()).isEqualTo(SystemLists.ID_MIN + 1L + i);
            assertThat(s.get("Type").asText()).isEqualTo("SystemList");
            assertThat(s.get("ReadOnly").asBoolean()).isTrue();
            assertThat(s.get("Source").asText()).isEqualTo("Crater");
            assertThat(s.get("CreateDate").asText()).isEqualTo("2026-01-02T00:00:00.0000000Z");
            assertThat(s.get("ModifyDate").asText()).matches(DATE_TIME);
            names.add(s.get("Name").asText());
        }
        assertThat(names).containsExactlyElementsOf(SYSTEM_NAMES);

        JsonNode mine = create(a, "My Stocks", "[4]");
        JsonNode all = ok(call(a, "GET", "watchlists?includeSecurities=true", null));
        assertThat(all).hasSize(7);
        assertThat(all.get(0).get("Id").asLong()).isEqualTo(mine.get("Id").asLong());
        assertThat(fieldNames(all.get(0))).containsExactly("Id", "Name", "Type", "CreateDate", "ModifyDate", "ReadOnly",
                "SecurityList");
        assertThat(ids(all.get(0).get("SecurityList"))).containsExactly(4);
        for (int i = 1; i < 7; i++) {
            JsonNode list = all.get(i).get("SecurityList");
            assertThat(list.isArray()).isTrue();
            assertThat(list.size()).isLessThanOrEqualTo(10);
            list.forEach(s -> assertThat(fieldNames(s)).containsExactlyInAnyOrderElementsOf(SECURITY_MODEL_FIELDS));
        }
        // The exchange of each system list's members is the list's.
        all.get(1).get("SecurityList").forEach(s -> assertThat(s.get("Exchange").asText()).isEqualTo("XNAS"));
        all.get(4).get("SecurityList").forEach(s -> assertThat(s.get("Exchange").asText()).isEqualTo("XNYS"));
        all.get(6).get("SecurityList").forEach(s -> assertThat(s.get("Exchange").asText()).isEqualTo("ARCX"));
        // The template with a trailing slash, and the numeric user id, answer the same.
        Http.Response slash = Http.send("GET", server.api() + "v1.0/users/" + a.user().id()
                + "/watchlists/?includeSecurities=false", null, a.headers());
        assertThat(ok(slash)).hasSize(7);
    }

    @Test
    void listAndGetNeedIncludeSecurities() {
        Actor a = actor();
        long id = create(a, "Needs flag", null).get("Id").asLong();
        noRoute(call(a, "GET", "watchlists", null), "watchlists");
        noRoute(call(a, "GET", "watchlists/" + id, null), "watchlists/" + id);
        Http.Response bad = call(a, "GET", "watchlists?includeSecurities=maybe", null);
        assertThat(bad.status()).isEqualTo(422);
        assertThat(bad.json().get("ModelState").has("includeSecurities")).isTrue();
    }

    @Test
    void getOneListWithAndWithoutSecurities() {
        Actor a = actor();
        JsonNode created = create(a, "Apple & Google", "[4, 5]");
        long id = created.get("Id").asLong();
        JsonNode with = ok(call(a, "GET", "watchlists/" + id + "?includeSecurities=true", null));
        assertThat(with.get("Name").asText()).isEqualTo("Apple & Google");
        assertThat(ids(with.get("SecurityList"))).containsExactly(4, 5);
        JsonNode apple = with.get("SecurityList").get(0);
        assertThat(apple.get("Symbol").asText()).isEqualTo("AAPL");
        assertThat(apple.get("ParentId").asInt()).isEqualTo(-1);
        assertThat(apple.get("OptionType").asText()).isEqualTo("Undefined");
        JsonNode without = ok(call(a, "GET", "watchlists/" + id + "?includeSecurities=false", null));
        assertThat(fieldNames(without)).containsExactlyElementsOf(USER_LIST_FIELDS);
        JsonNode system = ok(call(a, "GET", "watchlists/" + (SystemLists.ID_MIN + 3) + "?includeSecurities=true", null));
        assertThat(system.get("Name").asText()).isEqualTo("* Top 10 Gain NYSE");
        assertThat(system.has("SecurityList")).isTrue();
    }

    @Test
    void unknownForeignAndMalformedListIds() {
        Actor a = actor();
        Actor b = actor();
        long theirs = create(b, "Theirs", "[4]").get("Id").asLong();
        conflict(call(a, "GET", "watchlists/" + theirs + "?includeSecurities=true", null), "does not exist");
        conflict(call(a, "GET", "watchlists/999999999?includeSecurities=true", null), "does not exist");
        conflict(call(a, "GET", "watchlists/" + (SystemLists.ID_MIN + 7) + "?includeSecurities=true", null),
                "does not exist");
        conflict(call(a, "DELETE", "watchlists/" + theirs, null), "does not exist");
        conflict(call(a, "PUT", "watchlists/" + theirs + "/name?name=Mine", null), "does not exist");
        conflict(call(a, "PUT", "watchlists/" + theirs + "/securities/6", null), "does not exist");
        conflict(call(a, "DELETE", "watchlists/" + theirs + "/securities/4", null), "does not exist");
        conflict(call(a, "PUT", "watchlists/" + theirs + "/securities", "{\"Symbol\": \"MSFT\"}"), "does not exist");
        Http.Response letters = call(a, "GET", "watchlists/abc?includeSecurities=true", null);
        assertThat(letters.status()).isEqualTo(400);
        assertThat(letters.body()).isEqualTo(INVALID);
        // The other user's list is untouched.
        assertThat(ids(ok(call(b, "GET", "watchlists/" + theirs + "?includeSecurities=true", null)).get("SecurityList")))
                .containsExactly(4);
    }

    @Test
    void accessRules() {
        Actor a = actor();
        Actor b = actor();
        String url = server.api() + "v1.0/users/";
        Http.Response other = Http.send("GET", url + b.user().id() + "/watchlists?includeSecurities=true", null,
                a.headers());
        assertThat(other.status()).isEqualTo(401);
        assertThat(other.body()).isEqualTo(DENIED);
        Http.Response noToken = Http.send("GET", url + "@me/watchlists?includeSecurities=true", null, "Et-App-Key",
                company.appKey());
        assertThat(noToken.status()).isEqualTo(401);
        Http.Response badKey = Http.send("GET", url + "@me/watchlists?includeSecurities=true", null, "Et-App-Key",
                "nope", "Authorization", a.headers()[3]);
        assertThat(badKey.status()).isEqualTo(403);
        Http.Response john = Http.send("GET", url + "john/watchlists?includeSecurities=true", null, a.headers());
        assertThat(john.status()).isEqualTo(422);
        assertThat(john.body()).contains("userId");
    }

    // ---- create --------------------------------------------------------------------------------

    @Test
    void createAnswersTheNewListAsAskedFor() {
        Actor a = actor();
        server.clock.set(Instant.parse("2026-11-18T15:00:00Z"));
        JsonNode with = create(a, "Apple & Google", "[4, 5, 4]");
        assertThat(fieldNames(with)).containsExactly("Id", "Name", "Type", "CreateDate", "ModifyDate", "ReadOnly",
                "SecurityList");
        assertThat(with.get("Type").asText()).isEqualTo("UserList");
        assertThat(with.get("ReadOnly").asBoolean()).isFalse();
        assertThat(with.get("CreateDate").asText()).isEqualTo("2026-11-18T15:00:00.0000000Z");
        assertThat(with.get("ModifyDate").asText()).isEqualTo("2026-11-18T15:00:00.0000000Z");
        assertThat(ids(with.get("SecurityList"))).as("duplicates ignored, order kept").containsExactly(4, 5);
        Http.Response without = call(a, "POST", "watchlists/?resultIncludeSecurities=false",
                "{Name: 'Lenient', securities: [6],}");
        assertThat(fieldNames(ok(without))).containsExactlyElementsOf(USER_LIST_FIELDS);
        JsonNode empty = create(a, "Empty", null);
        assertThat(empty.get("SecurityList")).isEmpty();
        noRoute(call(a, "POST", "watchlists", "{\"Name\": \"No flag\"}"), "watchlists");
        // An option contract can be watched too.
        OptionContract option = server.services().options.series(
                server.services().securities.snapshot().bySymbol("AAPL").orElseThrow(),
                server.services().options.expirations(server.services().securities.snapshot().bySymbol("AAPL")
                        .orElseThrow()).get(0)).get(0);
        JsonNode withOption = create(a, "Options", "[" + option.id() + "]");
        assertThat(withOption.get("SecurityList").get(0).get("Type").asText()).isEqualTo("Option");
        assertThat(withOption.get("SecurityList").get(0).get("ParentId").asInt()).isEqualTo(4);
        server.clock.set(MutableClock.START);
    }

    @Test
    void createRefusesWhatTheDocsRefuse() {
        Actor a = actor();
        create(a, "Apple & Google", null);
        conflict(call(a, "POST", "watchlists?resultIncludeSecurities=true", "{\"Name\": \"apple & GOOGLE\"}"),
                "exists already");
        conflict(call(a, "POST", "watchlists?resultIncludeSecurities=true", "{\"NameZZZ\": \"x\"}"), "Name is required");
        conflict(call(a, "POST", "watchlists?resultIncludeSecurities=true", "{\"Name\": \"   \"}"), "Name is required");
        conflict(call(a, "POST", "watchlists?resultIncludeSecurities=true", null), "Name is required");
        conflict(call(a, "POST", "watchlists?resultIncludeSecurities=true", "{\"Name\": \"x\", \"Securities\": [4, 99999]}"),
                "Security was not found");
        conflict(call(a, "POST", "watchlists?resultIncludeSecurities=true", "{\"Name\": \"x\", \"Securities\": [\"AAPL\"]}"),
                "Security was not found");
        conflict(call(a, "POST", "watchlists?resultIncludeSecurities=true", "{\"Name\": \"x\", \"Securities\": 4}"),
                "Securities must be a list");
        conflict(call(a, "POST", "watchlists?resultIncludeSecurities=true", "{\"Name\": \"* top 10 gain nyse\"}"),
                "exists already");
        assertThat(ok(call(a, "GET", "watchlists?includeSecurities=false", null))).as("nothing was created").hasSize(7);
        Http.Response notJson = call(a, "POST", "watchlists?resultIncludeSecurities=true", "{\"Name\": ");
        assertThat(notJson.status()).isEqualTo(422);
        assertThat(notJson.json().get("ModelState").has("model")).isTrue();
    }

    @Test
    void namesAreOneToOneHundredCharacters() {
        Actor a = actor();
        String hundred = "n".repeat(WatchlistService.NAME_CHARS_MAX);
        assertThat(create(a, hundred, null).get("Name").asText()).isEqualTo(hundred);
        Http.Response tooLong = call(a, "POST", "watchlists?resultIncludeSecurities=true",
                "{\"Name\": \"" + hundred + "x\"}");
        assertThat(tooLong.status()).isEqualTo(422);
        assertThat(tooLong.json().get("ModelState").has("model.Name")).isTrue();
        Http.Response control = call(a, "POST", "watchlists?resultIncludeSecurities=true", "{\"Name\": \"a\\u0007b\"}");
        assertThat(control.status()).isEqualTo(422);
        assertThat(create(a, "  padded  ", null).get("Name").asText()).isEqualTo("padded");
    }

    @Test
    void aUserHasAtMostOneHundredLists() {
        Actor a = actor();
        for (int i = 0; i < WatchlistService.LISTS_PER_USER_MAX; i++) {
            server.services().watchlists.create(a.user().id(), new WatchlistModel.CreateWatchlistModel("L" + i, null),
                    false);
        }
        conflict(call(a, "POST", "watchlists?resultIncludeSecurities=true", "{\"Name\": \"one too many\"}"),
                "at most " + WatchlistService.LISTS_PER_USER_MAX + " watchlists");
        long last = ok(call(a, "GET", "watchlists?includeSecurities=false", null)).get(0).get("Id").asLong();
        assertThat(call(a, "DELETE", "watchlists/" + last, null).status()).isEqualTo(204);
        create(a, "fits again", null);
    }

    @Test
    void aListHoldsAtMostFiveHundredSecurities() {
        Actor a = actor();
        List<Security> all = server.services().securities.snapshot().all();
        String first500 = all.subList(0, WatchlistService.SECURITIES_PER_LIST_MAX).stream()
                .map(s -> String.valueOf(s.id())).collect(Collectors.joining(",", "[", "]"));
        String first501 = all.subList(0, WatchlistService.SECURITIES_PER_LIST_MAX + 1).stream()
                .map(s -> String.valueOf(s.id())).collect(Collectors.joining(",", "[", "]"));
        conflict(call(a, "POST", "watchlists?resultIncludeSecurities=true", "{\"Name\": \"big\", \"Securities\": "
                + first501 + "}"), "at most " + WatchlistService.SECURITIES_PER_LIST_MAX + " securities");
        JsonNode full = create(a, "big", first500);
        assertThat(full.get("SecurityList")).hasSize(WatchlistService.SECURITIES_PER_LIST_MAX);
        long id = full.get("Id").asLong();
        conflict(call(a, "PUT", "watchlists/" + id + "/securities/" + all.get(500).id(), null),
                "at most " + WatchlistService.SECURITIES_PER_LIST_MAX + " securities");
        conflict(call(a, "PUT", "watchlists/" + id + "/securities", "{\"Symbol\": \"" + all.get(501).symbol() + "\"}"),
                "at most");
        assertThat(call(a, "DELETE", "watchlists/" + id + "/securities/" + all.get(0).id(), null).status())
                .isEqualTo(200);
        JsonNode again = ok(call(a, "PUT", "watchlists/" + id + "/securities/" + all.get(500).id(), null));
        assertThat(again.get("SecurityList")).hasSize(WatchlistService.SECURITIES_PER_LIST_MAX);
        assertThat(ids(again.get("SecurityList")).getLast()).isEqualTo(all.get(500).id());
    }

    @Test
    void concurrentCreatesWithOneNameMakeOneList() throws Exception {
        Actor a = actor();
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CyclicBarrier go = new CyclicBarrier(threads);
            List<Future<Integer>> statuses = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                statuses.add(pool.submit(() -> {
                    go.await();
                    return call(a, "POST", "watchlists?resultIncludeSecurities=false", "{\"Name\": \"Race\"}").status();
                }));
            }
            List<Integer> got = new ArrayList<>();
            for (Future<Integer> f : statuses) {
                got.add(f.get());
            }
            assertThat(got).containsOnly(200, 409);
            assertThat(got.stream().filter(s -> s == 200).count()).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    // ---- delete and rename ---------------------------------------------------------------------

    @Test
    void deleteAnswers204() {
        Actor a = actor();
        long id = create(a, "Short-lived", "[4]").get("Id").asLong();
        Http.Response r = call(a, "DELETE", "watchlists/" + id, null);
        assertThat(r.status()).isEqualTo(204);
        assertThat(r.body()).isEmpty();
        conflict(call(a, "GET", "watchlists/" + id + "?includeSecurities=false", null), "does not exist");
        conflict(call(a, "DELETE", "watchlists/" + id + "/", null), "does not exist");
        // The name is free again.
        create(a, "Short-lived", null);
    }

    @Test
    void renameAnswersTheTuple() {
        Actor a = actor();
        server.clock.set(Instant.parse("2026-11-18T15:00:00Z"));
        long id = create(a, "Old Name", null).get("Id").asLong();
        create(a, "Taken", null);
        server.clock.advance(Duration.ofMinutes(5));
        Http.Response r = call(a, "PUT", "watchlists/" + id + "/name?name=" + enc("New Name"), null);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("{\"m_Item1\":" + id + ",\"m_Item2\":\"New Name\"}");
        JsonNode after = ok(call(a, "GET", "watchlists/" + id + "?includeSecurities=false", null));
        assertThat(after.get("Name").asText()).isEqualTo("New Name");
        assertThat(after.get("CreateDate").asText()).isEqualTo("2026-11-18T15:00:00.0000000Z");
        assertThat(after.get("ModifyDate").asText()).isEqualTo("2026-11-18T15:05:00.0000000Z");
        assertThat(ok(call(a, "PUT", "watchlists/" + id + "/name?name=NEW%20name", null)).get("m_Item2").asText())
                .as("its own name in another case").isEqualTo("NEW name");
        conflict(call(a, "PUT", "watchlists/" + id + "/name?name=taken", null), "exists already");
        noRoute(call(a, "PUT", "watchlists/" + id + "/name", null), "watchlists/" + id + "/name");
        Http.Response tooLong = call(a, "PUT", "watchlists/" + id + "/name?name=" + "x".repeat(101), null);
        assertThat(tooLong.status()).isEqualTo(422);
        server.clock.set(MutableClock.START);
    }

    // ---- securities by id ----------------------------------------------------------------------

    @Test
    void addAndRemoveById() {
        Actor a = actor();
        long id = create(a, "By id", "[4]").get("Id").asLong();
        JsonNode added = ok(call(a, "PUT", "watchlists/" + id + "/securities/6", null));
        assertThat(fieldNames(added)).containsExactly("Id", "Name", "Type", "CreateDate", "ModifyDate", "ReadOnly",
                "SecurityList");
        assertThat(ids(added.get("SecurityList"))).containsExactly(4, 6);
        conflict(call(a, "PUT", "watchlists/" + id + "/securities/6", null), "in the watchlist already");
        conflict(call(a, "PUT", "watchlists/" + id + "/securities/99999", null), "Security was not found");
        Http.Response ticker = call(a, "PUT", "watchlists/" + id + "/securities/AAPL", null);
        assertThat(ticker.status()).isEqualTo(400);
        assertThat(ticker.body()).isEqualTo(INVALID);
        JsonNode removed = ok(call(a, "DELETE", "watchlists/" + id + "/securities/4", null));
        assertThat(ids(removed.get("SecurityList"))).containsExactly(6);
        conflict(call(a, "DELETE", "watchlists/" + id + "/securities/4", null), "not in the watchlist");
        Http.Response removeTicker = call(a, "DELETE", "watchlists/" + id + "/securities/MSFT", null);
        assertThat(removeTicker.status()).isEqualTo(400);
        assertThat(removeTicker.body()).isEqualTo(INVALID);
    }

    // ---- securities by ticker (JSON body, also on DELETE) --------------------------------------

    @Test
    void addAndRemoveByTicker() {
        Actor a = actor();
        long id = create(a, "By ticker", null).get("Id").asLong();
        JsonNode added = ok(call(a, "PUT", "watchlists/" + id + "/securities", "{\"Symbol\": \"MSFT\"}"));
        assertThat(ids(added.get("SecurityList"))).containsExactly(6);
        added = ok(call(a, "PUT", "watchlists/" + id + "/securities/",
                "{\"Symbol\": \"aapl\", \"Exchange\": \"XNAS\", \"Currency\": \"USD\"}"));
        assertThat(ids(added.get("SecurityList"))).containsExactly(6, 4);
        Http.Response unknown = call(a, "PUT", "watchlists/" + id + "/securities", "{\"Symbol\": \"NOPE\"}");
        conflict(unknown, "Security was not found");
        assertThat(unknown.body()).isEqualTo(NOT_FOUND_SECURITY);
        conflict(call(a, "PUT", "watchlists/" + id + "/securities", "{\"Symbol\": 4}"), "Security was not found");
        conflict(call(a, "PUT", "watchlists/" + id + "/securities", "{\"Id\": 4}"), "Security was not found");
        conflict(call(a, "PUT", "watchlists/" + id + "/securities", null), "Security was not found");
        conflict(call(a, "PUT", "watchlists/" + id + "/securities", "{\"Symbol\": \"KO\", \"Exchange\": \"XNAS\"}"),
                "Security was not found");
        conflict(call(a, "PUT", "watchlists/" + id + "/securities", "{\"Symbol\": \"MSFT\"}"), "in the watchlist already");

        JsonNode removed = ok(call(a, "DELETE", "watchlists/" + id + "/securities", "{\"Symbol\": \"MSFT\"}"));
        assertThat(ids(removed.get("SecurityList"))).containsExactly(4);
        conflict(call(a, "DELETE", "watchlists/" + id + "/securities", "{\"Symbol\": \"MSFT\"}"), "not in the watchlist");
        conflict(call(a, "DELETE", "watchlists/" + id + "/securities", "{\"Symbol\": \"NOPE\"}"),
                "Security was not found");
        conflict(call(a, "DELETE", "watchlists/" + id + "/securities", null), "Security was not found");
        // An option by its OSI symbol.
        Security aapl = server.services().securities.snapshot().bySymbol("AAPL").orElseThrow();
        OptionContract option = server.services().options.series(aapl,
                server.services().options.expirations(aapl).get(0)).get(0);
        JsonNode withOption = ok(call(a, "PUT", "watchlists/" + id + "/securities",
                "{\"Symbol\": \"" + option.symbol() + "\"}"));
        assertThat(ids(withOption.get("SecurityList"))).containsExactly(4, option.id());
        assertThat(ids(ok(call(a, "DELETE", "watchlists/" + id + "/securities/" + option.id(), null))
                .get("SecurityList"))).containsExactly(4);
    }

    // ---- system lists are read-only ------------------------------------------------------------

    @Test
    void systemListsCannotBeChanged() {
        Actor a = actor();
        long system = SystemLists.ID_MIN + 1;
        conflict(call(a, "DELETE", "watchlists/" + system, null), "read-only");
        conflict(call(a, "PUT", "watchlists/" + system + "/name?name=Mine", null), "read-only");
        conflict(call(a, "PUT", "watchlists/" + system + "/securities/4", null), "read-only");
        conflict(call(a, "PUT", "watchlists/" + system + "/securities", "{\"Symbol\": \"AAPL\"}"), "read-only");
        conflict(call(a, "DELETE", "watchlists/" + system + "/securities/4", null), "read-only");
        conflict(call(a, "DELETE", "watchlists/" + system + "/securities", "{\"Symbol\": \"AAPL\"}"), "read-only");
        assertThat(ok(call(a, "GET", "watchlists/" + system + "?includeSecurities=false", null))
                .get("ReadOnly").asBoolean()).isTrue();
    }
}
