package dev.crater.paperless;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.crater.accounts.Account;
import dev.crater.common.MarginType;
import dev.crater.companies.Company;
import dev.crater.testing.Http;
import dev.crater.testing.StoreKind;
import dev.crater.testing.TestServer;
import dev.crater.users.User;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Goal: paperless settings (reference 03-accounts.md §6) over real HTTP, as a docs-written client
 * uses them — GET (nothing stored: the zero GUID and no options) → POST the default (the four
 * documented categories, all {@code IsPaperless: false}) → PUT or POST a change (by Description or
 * CategoryId, keys in any case, the rest kept) → the default again overwrites — and every refusal:
 * another user's account (401), a read-only user changing them (401), {@code @me} (400), bad ids,
 * bodies, categories, e-mail addresses (400/422 ModelState under {@code deliveryInformationOnUpdate}).
 *
 * <p>Method: one real server per store, its clock pinned; each test opens its own accounts.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
abstract class PaperlessApiContract {
    static final String ZERO = "00000000-0000-0000-0000-000000000000";
    static final List<String> DESCRIPTIONS = List.of("Confirmations", "Statements", "Tax Documents",
            "Prospectus, Annual Reports and Proxies");

    abstract StoreKind store();

    TestServer server;
    Company company;

    @BeforeAll
    void start() {
        server = TestServer.start(store());
        server.clock.set(Instant.parse("2026-11-18T16:00:00Z"));
        company = server.company();
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    record Actor(User user, String token, Account account) {
    }

    Actor actor() {
        String name = TestServer.username("paper");
        User u = server.user(company, name, null, User.TwoFactorMethod.NONE);
        Account a = server.services().accounts.open(u, MarginType.Margin, BigDecimal.ZERO, BigDecimal.ZERO,
                BigDecimal.ZERO, BigDecimal.ZERO);
        return new Actor(u, server.login(company, name), a);
    }

    Http.Response call(Actor as, String method, String path, String body) {
        return Http.send(method, server.api() + "v1.0/" + path, body, "Et-App-Key", company.appKey(),
                "Authorization", "Bearer " + as.token(), "Content-Type", "application/json");
    }

    Http.Response get(Actor as, Account a) {
        return call(as, "GET", "accounts/" + a.id() + "/paperless", null);
    }

    Http.Response setDefault(Actor as, Account a) {
        return call(as, "POST", "accounts/" + a.id() + "/paperless/default", null);
    }

    static List<String> descriptions(JsonNode settings) {
        List<String> out = new ArrayList<>();
        settings.get("Options").forEach(o -> out.add(o.get("Description").asText()));
        return out;
    }

    static boolean paperless(JsonNode settings, String description) {
        for (JsonNode o : settings.get("Options")) {
            if (o.get("Description").asText().equals(description)) {
                return o.get("IsPaperless").asBoolean();
            }
        }
        throw new AssertionError(description + " not in " + settings);
    }

    static String categoryId(JsonNode settings, String description) {
        for (JsonNode o : settings.get("Options")) {
            if (o.get("Description").asText().equals(description)) {
                return o.get("CategoryId").asText();
            }
        }
        throw new AssertionError(description + " not in " + settings);
    }

    static void modelState(Http.Response r, int status, String key) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.json().path("ModelState").has(key)).as(r.body()).isTrue();
    }

    @Test
    void theDocumentedFlowGetThenDefaultThenChange() {
        Actor a = actor();
        Http.Response empty = get(a, a.account());
        assertThat(empty.status()).as(empty.body()).isEqualTo(200);
        assertThat(empty.text("Id")).isEqualTo(ZERO);
        assertThat(empty.text("AccountNo")).isEqualTo(a.account().clearingAccount());
        assertThat(empty.json().get("Options").size()).isZero();
        assertThat(empty.json().get("Email").isNull()).isTrue();

        Http.Response def = setDefault(a, a.account());
        assertThat(def.status()).as(def.body()).isEqualTo(200);
        JsonNode d = def.json();
        List<String> keys = new ArrayList<>();
        d.fieldNames().forEachRemaining(keys::add);
        assertThat(keys).containsExactly("Id", "Email", "AccountNo", "SupplementEmail", "Options");
        assertThat(d.get("Id").asText()).matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
                .isNotEqualTo(ZERO);
        assertThat(d.get("Email").asText()).isEqualTo(a.user().email());
        assertThat(descriptions(d)).containsExactlyElementsOf(DESCRIPTIONS);
        d.get("Options").forEach(o -> {
            assertThat(o.get("IsPaperless").asBoolean()).isFalse();
            assertThat(o.get("CategoryId").asText()).matches("[0-9a-f-]{36}");
        });
        assertThat(get(a, a.account()).json()).isEqualTo(d);

        // PUT by Description and by CategoryId; unnamed categories keep their value, the Id stays.
        String tax = categoryId(d, "Tax Documents");
        Http.Response put = call(a, "PUT", "accounts/paperless", "{\"Id\":\"" + d.get("Id").asText()
                + "\",\"AccountNo\":\"" + a.account().clearingAccount() + "\",\"SupplementEmail\":\"copy@broker.example\","
                + "\"Options\":[{\"Description\":\"Statements\",\"IsPaperless\":true},{\"CategoryId\":\"" + tax
                + "\",\"IsPaperless\":true}]}");
        assertThat(put.status()).as(put.body()).isEqualTo(200);
        assertThat(put.text("Id")).isEqualTo(d.get("Id").asText());
        assertThat(put.text("SupplementEmail")).isEqualTo("copy@broker.example");
        assertThat(paperless(put.json(), "Statements")).isTrue();
        assertThat(paperless(put.json(), "Tax Documents")).isTrue();
        assertThat(paperless(put.json(), "Confirmations")).isFalse();
        assertThat(get(a, a.account()).json()).isEqualTo(put.json());

        // POST (keys in any case, the category id in upper case, a trailing slash) changes them too.
        Http.Response post = call(a, "POST", "accounts/paperless/", "{\"accountno\":\"" + a.account().clearingAccount()
                + "\",\"options\":[{\"categoryid\":\"" + categoryId(d, "Confirmations").toUpperCase() + "\","
                + "\"ispaperless\":true},{\"description\":\"statements\",\"ispaperless\":false}]}");
        assertThat(post.status()).as(post.body()).isEqualTo(200);
        assertThat(paperless(post.json(), "Confirmations")).isTrue();
        assertThat(paperless(post.json(), "Statements")).isFalse();
        assertThat(paperless(post.json(), "Tax Documents")).isTrue();
        assertThat(post.text("SupplementEmail")).isEqualTo("copy@broker.example");

        // "" clears an address; the default again overwrites everything with a new Id.
        Http.Response cleared = call(a, "PUT", "accounts/paperless", "{\"AccountNo\":\"" + a.account().clearingAccount()
                + "\",\"SupplementEmail\":\"\"}");
        assertThat(cleared.status()).as(cleared.body()).isEqualTo(200);
        assertThat(cleared.json().get("SupplementEmail").isNull()).isTrue();
        Http.Response again = setDefault(a, a.account());
        assertThat(again.status()).as(again.body()).isEqualTo(200);
        assertThat(again.text("Id")).isNotEqualTo(d.get("Id").asText());
        again.json().get("Options").forEach(o -> assertThat(o.get("IsPaperless").asBoolean()).isFalse());
        assertThat(again.json().get("SupplementEmail").isNull()).isTrue();
        assertThat(descriptions(again.json())).containsExactlyElementsOf(DESCRIPTIONS);
    }

    @Test
    void aChangeBeforeAnyDefaultStoresTheDefaultWithIt() {
        Actor a = actor();
        Http.Response r = call(a, "PUT", "accounts/paperless", "{\"AccountNo\":\"" + a.account().clearingAccount()
                + "\",\"Options\":[{\"Description\":\"Prospectus, Annual Reports and Proxies\",\"IsPaperless\":true}]}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.text("Id")).isNotEqualTo(ZERO);
        assertThat(descriptions(r.json())).containsExactlyElementsOf(DESCRIPTIONS);
        assertThat(paperless(r.json(), "Prospectus, Annual Reports and Proxies")).isTrue();
        assertThat(paperless(r.json(), "Statements")).isFalse();
        assertThat(r.text("Email")).isEqualTo(a.user().email());
        assertThat(get(a, a.account()).json()).isEqualTo(r.json());
    }

    @Test
    void concurrentFirstWritesAllSucceedAndStoreOneSetting() throws Exception {
        Actor a = actor();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Http.Response>> answers = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                String description = DESCRIPTIONS.get(i % DESCRIPTIONS.size());
                String method = i % 3 == 0 ? "POST" : "PUT";
                answers.add(pool.submit(() -> change(a, method, description)));
            }
            answers.add(pool.submit(() -> setDefault(a, a.account())));
            for (Future<Http.Response> f : answers) {
                Http.Response r = f.get(60, TimeUnit.SECONDS);
                assertThat(r.status()).as(r.body()).isEqualTo(200);
            }
        } finally {
            pool.shutdownNow();
        }
        JsonNode stored = get(a, a.account()).json();
        assertThat(stored.get("Id").asText()).isNotEqualTo(ZERO);
        assertThat(descriptions(stored)).containsExactlyElementsOf(DESCRIPTIONS);
    }

    private Http.Response change(Actor a, String method, String description) {
        return call(a, method, "accounts/paperless", "{\"AccountNo\":\"" + a.account().clearingAccount()
                + "\",\"Options\":[{\"Description\":\"" + description + "\",\"IsPaperless\":true}]}");
    }

    @Test
    void onlyTheOwnerChangesThemAndReadersReadThem() {
        Actor owner = actor();
        Actor other = actor();
        Actor reader = actor();
        server.services().accounts.link(owner.account(), reader.user(), Account.AccessType.ReadOnly);
        assertThat(setDefault(owner, owner.account()).status()).isEqualTo(200);

        assertThat(get(other, owner.account()).status()).isEqualTo(401);
        assertThat(setDefault(other, owner.account()).status()).isEqualTo(401);
        String body = "{\"AccountNo\":\"" + owner.account().clearingAccount()
                + "\",\"Options\":[{\"Description\":\"Statements\",\"IsPaperless\":true}]}";
        assertThat(call(other, "PUT", "accounts/paperless", body).status()).isEqualTo(401);
        assertThat(call(other, "POST", "accounts/paperless", body).status()).isEqualTo(401);

        Http.Response read = get(reader, owner.account());
        assertThat(read.status()).as(read.body()).isEqualTo(200);
        assertThat(descriptions(read.json())).containsExactlyElementsOf(DESCRIPTIONS);
        assertThat(setDefault(reader, owner.account()).status()).isEqualTo(401);
        assertThat(call(reader, "PUT", "accounts/paperless", body).status()).isEqualTo(401);
        assertThat(paperless(get(owner, owner.account()).json(), "Statements")).isFalse();

        Http.Response anonymous = Http.send("GET", server.api() + "v1.0/accounts/" + owner.account().id() + "/paperless",
                null, "Et-App-Key", company.appKey());
        assertThat(anonymous.status()).isEqualTo(401);
    }

    @Test
    void badPathsAndBodiesAreRefusedInTheDocumentedShapes() {
        Actor a = actor();
        String no = a.account().clearingAccount();
        assertThat(call(a, "GET", "accounts/@me/paperless", null).status()).isEqualTo(400);
        modelState(call(a, "GET", "accounts/abc/paperless", null), 422, "accountId");
        modelState(call(a, "POST", "accounts/abc/paperless/default", null), 422, "accountId");
        assertThat(call(a, "GET", "accounts/999999999/paperless", null).status()).isEqualTo(401);

        String arg = "deliveryInformationOnUpdate";
        modelState(call(a, "PUT", "accounts/paperless", "not json"), 400, arg);
        modelState(call(a, "PUT", "accounts/paperless", ""), 400, arg);
        modelState(call(a, "PUT", "accounts/paperless", "{}"), 422, arg + ".AccountNo");
        modelState(call(a, "POST", "accounts/paperless", "{\"AccountNo\":\"abc\"}"), 422, arg + ".AccountNo");
        assertThat(call(a, "PUT", "accounts/paperless", "{\"AccountNo\":\"999999999\"}").status()).isEqualTo(401);
        modelState(call(a, "PUT", "accounts/paperless", "{\"AccountNo\":" + no + "}"), 400, arg + ".AccountNo");
        modelState(call(a, "PUT", "accounts/paperless", "{\"AccountNo\":\"" + no + "\",\"Id\":\"x\"}"), 422, arg + ".Id");
        modelState(call(a, "PUT", "accounts/paperless", "{\"AccountNo\":\"" + no + "\",\"Email\":\"nobody\"}"), 422,
                arg + ".Email");
        modelState(call(a, "PUT", "accounts/paperless", "{\"AccountNo\":\"" + no + "\",\"SupplementEmail\":\"a@b\"}"), 422,
                arg + ".SupplementEmail");
        String o = "{\"AccountNo\":\"" + no + "\",\"Options\":";
        modelState(call(a, "PUT", "accounts/paperless", o + "[{\"Description\":\"Newsletters\",\"IsPaperless\":true}]}"),
                422, arg + ".Options[0].Description");
        modelState(call(a, "PUT", "accounts/paperless", o + "[{\"CategoryId\":\"" + ZERO + "\",\"IsPaperless\":true}]}"),
                422, arg + ".Options[0].CategoryId");
        modelState(call(a, "PUT", "accounts/paperless", o + "[{\"Description\":\"Statements\"}]}"), 422,
                arg + ".Options[0].IsPaperless");
        modelState(call(a, "PUT", "accounts/paperless", o + "[{\"IsPaperless\":true}]}"), 422,
                arg + ".Options[0].CategoryId");
        modelState(call(a, "PUT", "accounts/paperless", o + "[{\"Description\":\"Statements\",\"IsPaperless\":\"yes\"}]}"),
                400, arg + ".Options[0].IsPaperless");
        modelState(call(a, "PUT", "accounts/paperless", o + "[{\"Description\":\"Statements\",\"IsPaperless\":true},"
                + "{\"Description\":\"STATEMENTS\",\"IsPaperless\":false}]}"), 422, arg + ".Options[1].CategoryId");
        modelState(call(a, "PUT", "accounts/paperless", o + "{\"Description\":\"Statements\"}}"), 400, arg + ".Options");
        StringBuilder five = new StringBuilder(o + "[");
        for (int i = 0; i < 5; i++) {
            five.append(i == 0 ? "" : ",").append("{\"Description\":\"Statements\",\"IsPaperless\":true}");
        }
        modelState(call(a, "PUT", "accounts/paperless", five + "]}"), 400, arg + ".Options");
        // Paperless delivery needs an address to deliver to.
        modelState(call(a, "PUT", "accounts/paperless", "{\"AccountNo\":\"" + no + "\",\"Email\":\"\",\"Options\":"
                + "[{\"Description\":\"Statements\",\"IsPaperless\":true}]}"), 422, arg + ".Email");
        // Nothing above was stored.
        assertThat(get(a, a.account()).text("Id")).isEqualTo(ZERO);
    }
}
