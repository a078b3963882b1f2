package dev.crater.accounts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.crater.common.MarginType;
import dev.crater.companies.Company;
import dev.crater.companies.WireShapes;
import dev.crater.testing.Http;
import dev.crater.testing.SpecFacts;
import dev.crater.testing.StoreKind;
import dev.crater.testing.TestServer;
import dev.crater.users.User;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Goal: the trading-account routes of reference 03-accounts.md §1 (items 2, 3, 4, 7, 8, 9, 10) over
 * real HTTP, exact to field names, values and error bodies: a user's accounts (the S5 step 2 flow of
 * 13-code-samples.md), an account's users (list, add by id or by login, change, remove), the caller's
 * alias, the opening record, and the access rules every account route shares (unknown or foreign
 * account → 401 with the documented body, {@code @me} → 400, non-numeric → 422 ModelState).
 *
 * <p>Method: one real server per store; every test makes its own users and accounts (opened through
 * {@link AccountService#open}, as an operator would) so tests do not depend on each other. The same
 * contract runs on SQLite ({@link AccountsApiSqliteTest}) and PostgreSQL ({@link AccountsApiPostgresTest}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
abstract class AccountsApiContract {

    static final ObjectMapper MAPPER = new ObjectMapper();
    static final String DENIED = "{\"Message\":\"Authorization has been denied for this request.\"}";
    static final String INVALID = "{\"Message\":\"The request is invalid.\"}";
    static final String APP_KEY_ERROR = "{\"error\":\"Application key is not defined or does not exist\"}";
    static final String VALIDATION = "Validation error occured while processing entity";
    static final String DATE_TIME = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,7})?Z";
    static final String GUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
    static final List<String> ACCOUNT_FIELDS = List.of("Id", "ClearingAccount", "AccessType", "MarginType",
            "OwnerType", "Enabled", "ClearingFirm", "IsAverageAccount", "Owners", "Alias", "Currency");
    static final List<String> USER_FIELDS = List.of("UserId", "FirstName", "MiddleName", "LastName", "Login", "Email",
            "Role", "AddedDate", "Salutation", "Suffix", "DateOfBirth");
    static final List<String> DETAILS_FIELDS = List.of("Id", "CreatedAt", "AccountProvider", "FormType", "User",
            "ClearingAccountNumber", "IsOpened", "FormDataReference", "CustomerType", "AdditionalInfo", "FormData");

    abstract StoreKind store();

    TestServer server;
    Company company;
    Company otherCompany;
    /** Shared by tests that only need them to be refused: never linked to another user's account. */
    Actor neighbour;
    Account neighbourAccount;
    Actor foreign;
    Account foreignAccount;
    /** Never has an account. */
    Actor stranger;

    @BeforeAll
    void start() {
        server = TestServer.start(store());
        company = server.company();
        otherCompany = server.company();
        neighbour = actor();
        neighbourAccount = open(neighbour);
        foreign = actor(otherCompany);
        foreignAccount = open(foreign);
        stranger = actor();
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    // ---- helpers -------------------------------------------------------------------------------

    /** A logged-in user of a company. */
    record Actor(User user, String token, Company company) {
        long id() {
            return user.id();
        }

        String[] headers() {
            return new String[] {"Et-App-Key", company.appKey(), "Authorization", "Bearer " + token};
        }
    }

    Actor actor(Company c) {
        String name = TestServer.username("acct");
        User u = server.user(c, name, null, User.TwoFactorMethod.NONE);
        return new Actor(u, server.login(c, name), c);
    }

    Actor actor() {
        return actor(company);
    }

    Account open(Actor owner) {
        return open(owner, MarginType.Margin);
    }

    Account open(Actor owner, MarginType type) {
        return server.services().accounts.open(owner.user(), type, new BigDecimal("1000"), BigDecimal.ZERO,
                BigDecimal.ZERO, BigDecimal.ZERO);
    }

    Http.Response call(String method, String path, Actor as) {
        return Http.send(method, server.api() + "v1.0/" + path, null, as.headers());
    }

    Http.Response get(String path, Actor as) {
        return call("GET", path, as);
    }

    Http.Response put(String path, Actor as) {
        return call("PUT", path, as);
    }

    Http.Response delete(String path, Actor as) {
        return call("DELETE", path, as);
    }

    static JsonNode ok(Http.Response r) {
        assertThat(r.status()).as("status of %s", r.body()).isEqualTo(200);
        return r.json();
    }

    static void assertDenied(Http.Response r, String what) {
        assertThat(r.status()).as("%s: %s", what, r.body()).isEqualTo(401);
        assertThat(r.body()).as(what).isEqualTo(DENIED);
    }

    static void assertModelState(Http.Response r, String key, String message) {
        assertThat(r.status()).as("%s", r.body()).isEqualTo(422);
        JsonNode body = r.json();
        assertThat(fieldNames(body)).containsExactly("Message", "ModelState");
        assertThat(body.get("Message").asText()).isEqualTo(VALIDATION);
        assertThat(fieldNames(body.get("ModelState"))).containsExactly(key);
        assertThat(body.get("ModelState").get(key).isArray()).isTrue();
        assertThat(body.get("ModelState").get(key)).hasSize(1);
        if (message != null) {
            assertThat(body.get("ModelState").get(key).get(0).asText()).isEqualTo(message);
        }
    }

    static JsonNode json(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    static List<JsonNode> items(JsonNode array) {
        assertThat(array.isArray()).as("a top-level array: %s", array).isTrue();
        List<JsonNode> out = new ArrayList<>();
        array.forEach(out::add);
        return out;
    }

    /** The {@code UserModel}/{@code Owners[]} item of a test user. */
    void assertUserModel(JsonNode m, Actor a) {
        assertThat(fieldNames(m)).containsExactlyElementsOf(USER_FIELDS);
        assertThat(m.get("UserId").isIntegralNumber()).isTrue();
        assertThat(m.get("UserId").asLong()).isEqualTo(a.id());
        assertThat(m.get("FirstName").asText()).isEqualTo("Test");
        assertThat(m.get("MiddleName").isTextual()).isTrue();
        assertThat(m.get("MiddleName").asText()).isEmpty();
        assertThat(m.get("LastName").asText()).isEqualTo("User");
        assertThat(m.get("Login").asText()).isEqualTo(a.user().username());
        assertThat(m.get("Email").asText()).isEqualTo(a.user().username() + "@example.com");
        assertThat(m.get("Role").isInt()).isTrue();
        assertThat(m.get("Role").asInt()).isZero();
        assertThat(m.get("AddedDate").asText()).matches(DATE_TIME);
        assertThat(m.get("Salutation").asText()).isEqualTo("NoSalutation");
        assertThat(m.get("Suffix").asText()).isEqualTo("NoSuffix");
    }

    /** {@code [{"UserModel": ..., "AccountAccessType": ...}]} as (user id, access) pairs. */
    static List<String> relations(JsonNode array) {
        List<String> out = new ArrayList<>();
        for (JsonNode r : items(array)) {
            assertThat(fieldNames(r)).containsExactly("UserModel", "AccountAccessType");
            out.add(r.get("UserModel").get("UserId").asLong() + ":" + r.get("AccountAccessType").asText());
        }
        return out;
    }

    static String rel(Actor a, String access) {
        return a.id() + ":" + access;
    }

    JsonNode accountOf(Actor a, long accountId) {
        return items(ok(get("users/@me/accounts", a))).stream().filter(n -> n.get("Id").asLong() == accountId)
                .findFirst().orElse(null);
    }

    /** Links {@code who} to the account through the API, as its owner. */
    void link(Account acc, Actor owner, Actor who, String access) {
        ok(put("accounts/" + acc.id() + "/users/" + who.id() + "?accessType=" + access, owner));
    }

    // ---- GET /users/{userId}/accounts ------------------------------------------------------------

    @Test
    void userAccountsIsTheDocumentedArrayAndDrivesTheS5Flow() {
        Actor owner = actor();
        Account acc = open(owner);
        Http.Response r = get("users/" + owner.id() + "/accounts", owner);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Content-Type")).startsWith("application/json");
        List<JsonNode> list = items(r.json());
        assertThat(list).hasSize(1);
        JsonNode a = list.get(0);
        assertThat(fieldNames(a)).containsExactlyElementsOf(ACCOUNT_FIELDS);
        assertThat(a.get("Id").isIntegralNumber()).as("Id is a number").isTrue();
        assertThat(a.get("Id").asLong()).isEqualTo(acc.id());
        assertThat(a.get("ClearingAccount").isTextual()).isTrue();
        assertThat(a.get("ClearingAccount").asText()).isEqualTo(String.valueOf(acc.id()));
        assertThat(a.get("AccessType").asText()).isEqualTo("Owner");
        assertThat(a.get("MarginType").asText()).isEqualTo("Margin");
        assertThat(a.get("OwnerType").asText()).isEqualTo("IndividualCustomer");
        assertThat(a.get("Enabled").isBoolean()).isTrue();
        assertThat(a.get("Enabled").asBoolean()).isTrue();
        assertThat(a.get("ClearingFirm").asText()).isEqualTo("PaperTrading");
        assertThat(a.get("IsAverageAccount").isBoolean()).isTrue();
        assertThat(a.get("IsAverageAccount").asBoolean()).isFalse();
        assertThat(a.get("Alias").isNull()).as("no alias set yet").isTrue();
        assertThat(items(a.get("Owners"))).hasSize(1);
        assertUserModel(a.get("Owners").get(0), owner);

        // @me is the same answer, and so is the documented sample's plain concatenation.
        assertThat(ok(get("users/@me/accounts", owner))).isEqualTo(r.json());
        assertThat(ok(get("users/@ME/accounts", owner))).isEqualTo(r.json());

        // S5 step 2 → 3: iterate the array and use each Id as a trading-account id.
        for (JsonNode item : items(r.json())) {
            JsonNode details = ok(get("accounts/" + item.get("Id").asLong() + "/details", owner));
            assertThat(details.get("ClearingAccountNumber").asText()).isEqualTo(item.get("ClearingAccount").asText());
        }
    }

    @Test
    void userAccountsListsEveryLinkedAccountInIdOrderWithItsOwnAccessType() {
        Actor owner = actor();
        Actor friend = actor();
        Account first = open(owner);
        Account cash = open(owner, MarginType.Cash);
        Account friends = open(friend, MarginType.DayTrader);
        link(friends, friend, owner, "ReadOnly");

        List<JsonNode> list = items(ok(get("users/@me/accounts", owner)));
        assertThat(list.stream().map(n -> n.get("Id").asLong()).toList())
                .containsExactly(first.id(), cash.id(), friends.id());
        assertThat(list.stream().map(n -> n.get("MarginType").asText()).toList())
                .containsExactly("Margin", "Cash", "DayTrader");
        assertThat(list.stream().map(n -> n.get("AccessType").asText()).toList())
                .containsExactly("Owner", "Owner", "ReadOnly");
        // Owners[] of the shared account names its owner only, not the ReadOnly caller.
        JsonNode shared = list.get(2);
        assertThat(items(shared.get("Owners"))).hasSize(1);
        assertUserModel(shared.get("Owners").get(0), friend);
    }

    @Test
    void userAccountsOfAnotherUserIs401AndANonNumericIdIs422() {
        Actor owner = actor();
        open(owner);
        assertDenied(get("users/" + neighbour.id() + "/accounts", owner), "another user's id");
        assertDenied(get("users/999999999/accounts", owner), "an unknown user id");
        assertDenied(get("users/" + foreign.id() + "/accounts", owner), "a user of another company");

        Http.Response john = get("users/john/accounts", owner);
        assertThat(john.status()).isEqualTo(422);
        assertThat(john.json()).isEqualTo(json("{\"Message\":\"" + VALIDATION
                + "\",\"ModelState\":{\"userId\":[\"The value 'john' is not valid for Int32.\"]}}"));
        assertModelState(get("users/2147483648/accounts", owner), "userId",
                "The value '2147483648' is not valid for Int32.");
    }

    @Test
    void aUserWithoutAccountsGetsAnEmptyArray() {
        Actor nobody = stranger;
        Http.Response r = get("users/@me/accounts", nobody);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("[]");
        assertThat(ok(get("users/" + nobody.id() + "/accounts", nobody))).isEmpty();
    }

    // ---- GET /accounts/{id}/users --------------------------------------------------------------

    @Test
    void accountUsersListsTheRelationsOwnersFirst() {
        Actor owner = actor();
        Actor reader = actor();
        Account acc = open(owner);
        JsonNode only = ok(get("accounts/" + acc.id() + "/users", owner));
        assertThat(relations(only)).containsExactly(rel(owner, "Owner"));
        assertUserModel(only.get(0).get("UserModel"), owner);

        link(acc, owner, reader, "ReadOnly");
        JsonNode both = ok(get("accounts/" + acc.id() + "/users", owner));
        assertThat(relations(both)).containsExactly(rel(owner, "Owner"), rel(reader, "ReadOnly"));
        assertUserModel(both.get(1).get("UserModel"), reader);
        // Any linked user may read the list, a ReadOnly one included.
        assertThat(ok(get("accounts/" + acc.id() + "/users", reader))).isEqualTo(both);
    }

    // ---- PUT /accounts/{id}/users/{userId}?accessType= -----------------------------------------

    @Test
    void aCompanyThatChoseTheSpecsShapesGetsTheCallersOwnRelationAsOneObject() {
        Company spec = server.company();
        Actor owner = actor(spec);
        Account acc = open(owner);
        Actor reader = actor(spec);
        link(acc, owner, reader, "ReadOnly");
        assertThat(ok(get("accounts/" + acc.id() + "/users", owner)).isArray()).as("the docs' array by default")
                .isTrue();
        server.services().companies.setWireShapes(spec.id(), WireShapes.SPEC);
        JsonNode mine = ok(get("accounts/" + acc.id() + "/users", reader));
        assertThat(fieldNames(mine)).containsExactly("UserModel", "AccountAccessType");
        assertThat(mine.get("UserModel").get("UserId").asLong()).isEqualTo(reader.id());
        assertThat(mine.get("AccountAccessType").asText()).isEqualTo("ReadOnly");
        assertThat(ok(get("accounts/" + acc.id() + "/users/", owner)).get("AccountAccessType").asText())
                .isEqualTo("Owner");
        assertThat(ok(get("accounts/" + neighbourAccount.id() + "/users", neighbour)).isArray())
                .as("other companies keep the docs' shape").isTrue();
    }

    @Test
    void addUserTakesEveryAccessTypeByNameOrNumberInAnyCase() {
        Actor owner = actor();
        Actor target = actor();
        Account acc = open(owner);
        String[][] cases = {
            {"Full", "Full"}, {"ReadOnly", "ReadOnly"}, {"ClosePositionsOnly", "ClosePositionsOnly"},
            {"Owner", "Owner"}, {"0", "Full"}, {"1", "ReadOnly"}, {"2", "ClosePositionsOnly"}, {"3", "Owner"},
            {"full", "Full"}, {"READONLY", "ReadOnly"}, {"closePositionsOnly", "ClosePositionsOnly"},
            {"oWnEr", "Owner"}, {"Full", "Full"},
        };
        for (String[] c : cases) {
            Http.Response r = put("accounts/" + acc.id() + "/users/" + target.id() + "?accessType=" + c[0], owner);
            JsonNode body = ok(r);
            assertThat(body.isObject()).as("a single object for %s", c[0]).isTrue();
            assertThat(fieldNames(body)).containsExactly("UserModel", "AccountAccessType");
            assertThat(body.get("AccountAccessType").asText()).as(c[0]).isEqualTo(c[1]);
            assertUserModel(body.get("UserModel"), target);
            // The change is what the account and the target now see.
            assertThat(relations(ok(get("accounts/" + acc.id() + "/users", owner))))
                    .as(c[0]).containsExactly(rel(owner, "Owner"), rel(target, c[1]));
            assertThat(accountOf(target, acc.id()).get("AccessType").asText()).as(c[0]).isEqualTo(c[1]);
        }
        // Trailing slash too.
        assertThat(ok(put("accounts/" + acc.id() + "/users/" + target.id() + "/?accessType=ReadOnly", owner))
                .get("AccountAccessType").asText()).isEqualTo("ReadOnly");
    }

    @Test
    void addUserWithoutAccessTypeIsTheDocumentedNoRoute404() {
        Actor owner = actor();
        Actor target = actor();
        Account acc = open(owner);
        Http.Response r = put("accounts/" + acc.id() + "/users/" + target.id(), owner);
        assertThat(r.status()).isEqualTo(404);
        assertThat(fieldNames(r.json())).containsExactly("Message");
        assertThat(r.json().get("Message").asText())
                .startsWith("No HTTP resource was found that matches the request URI '")
                .contains("/api/v1.0/accounts/" + acc.id() + "/users/" + target.id())
                .endsWith("'.");
        Http.Response byLogin = put("accounts/" + acc.id() + "/username/" + target.user().username(), owner);
        assertThat(byLogin.status()).isEqualTo(404);
        assertThat(byLogin.json().get("Message").asText())
                .startsWith("No HTTP resource was found that matches the request URI '")
                .contains("/api/v1.0/accounts/" + acc.id() + "/username/" + target.user().username());
        // Nothing was linked.
        assertThat(relations(ok(get("accounts/" + acc.id() + "/users", owner)))).containsExactly(rel(owner, "Owner"));
    }

    @Test
    void addUserWithAnUnknownAccessTypeIs422() {
        Actor owner = actor();
        Actor target = actor();
        Account acc = open(owner);
        for (String bad : List.of("Admin", "4", "-1", "Full,ReadOnly", "99999999999", "Full%20Access")) {
            Http.Response r = put("accounts/" + acc.id() + "/users/" + target.id() + "?accessType=" + bad, owner);
            assertModelState(r, "accessType", null);
            assertThat(r.json().get("ModelState").get("accessType").get(0).asText()).as(bad)
                    .contains("'" + bad.replace("%20", " ") + "'");
        }
        // An empty value is treated as absent: the route does not match.
        assertThat(put("accounts/" + acc.id() + "/users/" + target.id() + "?accessType=", owner).status())
                .isEqualTo(404);
        assertModelState(put("accounts/" + acc.id() + "/username/" + target.user().username()
                + "?accessType=Superuser", owner), "accessType", null);
        assertThat(relations(ok(get("accounts/" + acc.id() + "/users", owner)))).containsExactly(rel(owner, "Owner"));
    }

    @Test
    void addUserOfAnotherCompanyOrUnknownIs404AndANonNumericUserIs422() {
        Actor owner = actor();
        Account acc = open(owner);
        for (String id : List.of(String.valueOf(foreign.id()), "999999999")) {
            Http.Response r = put("accounts/" + acc.id() + "/users/" + id + "?accessType=Full", owner);
            assertThat(r.status()).as(id).isEqualTo(404);
            assertThat(fieldNames(r.json())).containsExactly("Message");
            assertThat(r.json().get("Message").asText()).isNotBlank();
        }
        assertModelState(put("accounts/" + acc.id() + "/users/bob?accessType=Full", owner), "userId",
                "The value 'bob' is not valid for Int32.");
        // The foreign user still has no access.
        assertDenied(get("accounts/" + acc.id() + "/details", foreign), "foreign user after failed add");
        assertThat(relations(ok(get("accounts/" + acc.id() + "/users", owner)))).containsExactly(rel(owner, "Owner"));
    }

    @Test
    void onlyOwnersManageUsers() {
        Actor owner = actor();
        Account acc = open(owner);
        Actor outsider = stranger;
        for (String access : List.of("Full", "ReadOnly", "ClosePositionsOnly")) {
            Actor member = actor();
            link(acc, owner, member, access);
            String base = "accounts/" + acc.id();
            assertDenied(put(base + "/users/" + outsider.id() + "?accessType=ReadOnly", member), access + " adds");
            assertDenied(put(base + "/username/" + outsider.user().username() + "?accessType=ReadOnly", member),
                    access + " adds by login");
            assertDenied(put(base + "/users/" + member.id() + "?accessType=Owner", member), access + " promotes self");
            assertDenied(delete(base + "/users/" + owner.id(), member), access + " removes the owner");
            // But may read.
            assertThat(relations(ok(get(base + "/users", member)))).contains(rel(member, access));
            ok(get(base + "/details", member));
        }
        assertDenied(get("accounts/" + acc.id() + "/users", outsider), "outsider reads");
        assertThat(relations(ok(get("accounts/" + acc.id() + "/users", owner)))).doesNotContain(rel(outsider, "ReadOnly"));
    }

    // ---- PUT /accounts/{id}/username/{login}?accessType= ---------------------------------------

    @Test
    void addUserByLoginLinksAUserOfTheSameCompany() {
        Actor owner = actor();
        Actor target = actor();
        Account acc = open(owner);
        JsonNode body = ok(put("accounts/" + acc.id() + "/username/" + target.user().username()
                + "?accessType=ReadOnly", owner));
        assertThat(fieldNames(body)).containsExactly("UserModel", "AccountAccessType");
        assertThat(body.get("AccountAccessType").asText()).isEqualTo("ReadOnly");
        assertUserModel(body.get("UserModel"), target);
        assertThat(accountOf(target, acc.id()).get("AccessType").asText()).isEqualTo("ReadOnly");
        // Logins match case-insensitively, as at /token; a second PUT changes the access.
        JsonNode upper = ok(put("accounts/" + acc.id() + "/username/" + target.user().username().toUpperCase()
                + "/?accessType=Full", owner));
        assertThat(upper.get("AccountAccessType").asText()).isEqualTo("Full");
        assertThat(relations(ok(get("accounts/" + acc.id() + "/users", owner))))
                .containsExactly(rel(owner, "Owner"), rel(target, "Full"));
    }

    @Test
    void addUserByLoginOfAnotherCompanyOrUnknownIs404() {
        Actor owner = actor();
        Account acc = open(owner);
        for (String login : List.of(foreign.user().username(), "no-such-login", "x".repeat(300))) {
            Http.Response r = put("accounts/" + acc.id() + "/username/" + login + "?accessType=ReadOnly", owner);
            assertThat(r.status()).as(login).isEqualTo(404);
            assertThat(fieldNames(r.json())).containsExactly("Message");
        }
        assertThat(relations(ok(get("accounts/" + acc.id() + "/users", owner)))).containsExactly(rel(owner, "Owner"));
    }

    // ---- DELETE /accounts/{id}/users/{userId} --------------------------------------------------

    @Test
    void removeUserAnswersTheRemainingRelationsAndRevokesAccess() {
        Actor owner = actor();
        Actor a = actor();
        Actor b = actor();
        Account acc = open(owner);
        link(acc, owner, a, "Full");
        link(acc, owner, b, "ClosePositionsOnly");
        Http.Response r = delete("accounts/" + acc.id() + "/users/" + a.id(), owner);
        assertThat(relations(ok(r))).containsExactly(rel(owner, "Owner"), rel(b, "ClosePositionsOnly"));
        assertUserModel(r.json().get(0).get("UserModel"), owner);

        // The removed user no longer reaches the account and no longer lists it.
        assertDenied(get("accounts/" + acc.id() + "/details", a), "removed user details");
        assertDenied(get("accounts/" + acc.id() + "/users", a), "removed user users");
        assertDenied(put("accounts/" + acc.id() + "/alias/Mine", a), "removed user alias");
        assertThat(accountOf(a, acc.id())).isNull();
        assertThat(ok(get("users/@me/accounts", a))).isEmpty();

        // Removing someone not linked (any more) is a 404; trailing slash accepted.
        Http.Response again = delete("accounts/" + acc.id() + "/users/" + a.id() + "/", owner);
        assertThat(again.status()).isEqualTo(404);
        assertThat(fieldNames(again.json())).containsExactly("Message");
        assertModelState(delete("accounts/" + acc.id() + "/users/bob", owner), "userId",
                "The value 'bob' is not valid for Int32.");
    }

    @Test
    void theLastOwnerCanBeNeitherRemovedNorDemoted() {
        Actor owner = actor();
        Account acc = open(owner);
        Http.Response remove = delete("accounts/" + acc.id() + "/users/" + owner.id(), owner);
        assertThat(remove.status()).as(remove.body()).isEqualTo(409);
        assertThat(fieldNames(remove.json())).containsExactly("Message");
        for (String access : List.of("Full", "ReadOnly", "ClosePositionsOnly", "0")) {
            Http.Response demote = put("accounts/" + acc.id() + "/users/" + owner.id() + "?accessType=" + access, owner);
            assertThat(demote.status()).as(access + ": " + demote.body()).isEqualTo(409);
            assertThat(fieldNames(demote.json())).containsExactly("Message");
        }
        // Re-affirming Owner is fine.
        assertThat(ok(put("accounts/" + acc.id() + "/users/" + owner.id() + "?accessType=Owner", owner))
                .get("AccountAccessType").asText()).isEqualTo("Owner");
        assertThat(relations(ok(get("accounts/" + acc.id() + "/users", owner)))).containsExactly(rel(owner, "Owner"));

        // With a second owner, the first may step down and then leave; the second is then the last.
        Actor second = actor();
        link(acc, owner, second, "Owner");
        assertThat(ok(put("accounts/" + acc.id() + "/users/" + owner.id() + "?accessType=Full", owner))
                .get("AccountAccessType").asText()).isEqualTo("Full");
        assertDenied(put("accounts/" + acc.id() + "/users/" + second.id() + "?accessType=Full", owner),
                "a demoted owner manages no more");
        assertThat(relations(ok(delete("accounts/" + acc.id() + "/users/" + owner.id(), owner))))
                .containsExactly(rel(second, "Owner"));
        assertDenied(get("accounts/" + acc.id() + "/details", owner), "the former owner");
        assertThat(delete("accounts/" + acc.id() + "/users/" + second.id(), second).status()).isEqualTo(409);
        // The opening record stays readable by the remaining owner.
        assertThat(ok(get("accounts/" + acc.id() + "/details", second)).get("Id").asText())
                .isEqualTo(acc.openingRequestId());
    }

    @Test
    void anOwnerMayRemoveAnotherOwner() {
        Actor owner = actor();
        Actor co = actor();
        Account acc = open(owner);
        link(acc, owner, co, "Owner");
        assertThat(relations(ok(delete("accounts/" + acc.id() + "/users/" + owner.id(), co))))
                .containsExactly(rel(co, "Owner"));
        assertDenied(get("accounts/" + acc.id() + "/users", owner), "removed owner");
    }

    @Test
    void aLinkedNonOwnerMayRemoveThemselves() {
        Actor owner = actor();
        Account acc = open(owner);
        for (String access : List.of("Full", "ReadOnly", "ClosePositionsOnly")) {
            Actor member = actor();
            link(acc, owner, member, access);
            Http.Response r = delete("accounts/" + acc.id() + "/users/" + member.id(), member);
            assertThat(relations(ok(r))).as(access).containsExactly(rel(owner, "Owner"));
            assertDenied(get("accounts/" + acc.id() + "/users", member), access + " after leaving");
            assertDenied(delete("accounts/" + acc.id() + "/users/" + member.id(), member), access + " leaves twice");
        }
        // Someone never linked cannot "leave" either: the account is not theirs.
        assertDenied(delete("accounts/" + acc.id() + "/users/" + stranger.id(), stranger), "stranger leaves");
    }

    // ---- PUT /accounts/{id}/alias/{alias} --------------------------------------------------------

    @Test
    void aliasIsTheCallersOwn() {
        Actor owner = actor();
        Actor reader = actor();
        Account acc = open(owner);
        link(acc, owner, reader, "ReadOnly");

        Http.Response r = put("accounts/" + acc.id() + "/alias/My%20Alias", owner);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEmpty();
        assertThat(accountOf(owner, acc.id()).get("Alias").asText()).isEqualTo("My Alias");
        assertThat(accountOf(reader, acc.id()).get("Alias").isNull()).as("another linked user's view").isTrue();

        // The reader (ReadOnly) may name it too, for themselves only; trailing slash accepted.
        assertThat(put("accounts/" + acc.id() + "/alias/Family%20fund/", reader).status()).isEqualTo(200);
        assertThat(accountOf(reader, acc.id()).get("Alias").asText()).isEqualTo("Family fund");
        assertThat(accountOf(owner, acc.id()).get("Alias").asText()).isEqualTo("My Alias");

        // Renaming replaces; a change of access keeps the alias.
        assertThat(put("accounts/" + acc.id() + "/alias/Renamed", owner).status()).isEqualTo(200);
        assertThat(accountOf(owner, acc.id()).get("Alias").asText()).isEqualTo("Renamed");
        link(acc, owner, reader, "Full");
        assertThat(accountOf(reader, acc.id()).get("Alias").asText()).isEqualTo("Family fund");
        // Alias does not leak into the users list or the details.
        assertThat(ok(get("accounts/" + acc.id() + "/users", owner)).toString()).doesNotContain("Renamed");
        assertThat(ok(get("accounts/" + acc.id() + "/details", owner)).toString()).doesNotContain("Renamed");
    }

    @Test
    void deletingTheAliasClearsOnlyTheCallersOwn() {
        Actor owner = actor();
        Actor reader = actor();
        Account acc = open(owner);
        link(acc, owner, reader, "ReadOnly");
        ok(put("accounts/" + acc.id() + "/alias/Mine", owner));
        ok(put("accounts/" + acc.id() + "/alias/Theirs", reader));

        Http.Response r = delete("accounts/" + acc.id() + "/alias", owner);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEmpty();
        assertThat(accountOf(owner, acc.id()).get("Alias").isNull()).isTrue();
        assertThat(accountOf(reader, acc.id()).get("Alias").asText()).isEqualTo("Theirs");
        // Again (no alias now), with a trailing slash: still 200; a foreign account is the documented 401.
        assertThat(delete("accounts/" + acc.id() + "/alias/", owner).status()).isEqualTo(200);
        assertDenied(delete("accounts/" + neighbourAccount.id() + "/alias", owner), "foreign alias");
    }

    // ---- PUT /accounts/{id}/select ---------------------------------------------------------------

    /** The ids of the caller's accounts, in the order {@code /users/@me/accounts} lists them. */
    List<Long> listedIds(Actor a) {
        return items(ok(get("users/@me/accounts", a))).stream().map(n -> n.get("Id").asLong()).toList();
    }

    @Test
    void theSelectedAccountIsListedFirstForThatUserOnly() {
        Actor owner = actor();
        Actor reader = actor();
        Account first = open(owner);
        Account second = open(owner);
        link(second, owner, reader, "ReadOnly");
        link(first, owner, reader, "ReadOnly");
        assertThat(listedIds(owner))
                .containsExactly(first.id(), second.id());

        JsonNode selected = ok(put("accounts/" + second.id() + "/select", owner));
        assertThat(selected.get("Id").asLong()).isEqualTo(second.id());
        assertThat(fieldNames(selected)).containsExactlyElementsOf(ACCOUNT_FIELDS);
        assertThat(listedIds(owner))
                .containsExactly(second.id(), first.id());
        assertThat(listedIds(reader))
                .as("another user's order").containsExactly(first.id(), second.id());
        // The last selection wins; a foreign account cannot be selected.
        ok(put("accounts/" + first.id() + "/select/", owner));
        assertThat(listedIds(owner))
                .containsExactly(first.id(), second.id());
        assertDenied(put("accounts/" + neighbourAccount.id() + "/select", owner), "foreign select");
    }

    // ---- consolidated balance and history, a user's balance info --------------------------------

    Http.Response postJson(String path, String body, Actor as) {
        List<String> h = new ArrayList<>(List.of(as.headers()));
        h.addAll(List.of("Content-Type", "application/json"));
        return Http.send("POST", server.api() + "v1.0/" + path, body, h.toArray(String[]::new));
    }

    /** Polls the account's balance map until its initial deposit is booked (deadline 20 s). */
    void awaitCash(Account acc, Actor owner, String cash) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            JsonNode info = ok(get("accounts/" + acc.id() + "/info", owner));
            if (info.get("cash").decimalValue().compareTo(new BigDecimal(cash)) == 0) {
                return;
            }
            assertThat(System.nanoTime()).as("cash of account %d booked in time: %s", acc.id(), info)
                    .isLessThan(deadline);
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    @Test
    void consolidatedBalanceSumsTheNamedAccountsOrAllOfTheCallers() {
        Actor owner = actor();
        Account a = open(owner);
        Account b = open(owner, MarginType.Cash);
        awaitCash(a, owner, "1000");
        awaitCash(b, owner, "1000");
        List<String> keys = fieldNames(ok(get("accounts/" + a.id() + "/info", owner)));

        JsonNode both = ok(postJson("accounts/balance/consolidated", "[" + a.id() + "," + b.id() + "]", owner));
        assertThat(fieldNames(both)).as("the balance map's keys, in order").containsExactlyElementsOf(keys);
        assertThat(both.get("cash").decimalValue()).isEqualByComparingTo("2000");
        assertThat(both.get("equityTotal").decimalValue()).isEqualByComparingTo("2000");
        both.fields().forEachRemaining(e -> assertThat(e.getValue().isNumber()).as(e.getKey()).isTrue());
        // An empty list (or none) is every account of the caller; a repeated id counts once.
        assertThat(ok(postJson("accounts/balance/consolidated/", "[]", owner))).isEqualTo(both);
        assertThat(ok(postJson("accounts/balance/consolidated", "[" + a.id() + "," + a.id() + "]", owner))
                .get("cash").decimalValue()).isEqualByComparingTo("1000");
        // The user's balance info is the same figures over all their accounts.
        assertThat(ok(get("users/@me/balance-info", owner))).isEqualTo(both);
        assertThat(ok(get("users/" + owner.id() + "/balance-info/", owner))).isEqualTo(both);
        assertDenied(get("users/" + neighbour.id() + "/balance-info", owner), "another user's balance info");
        // A user with no account: every key, zero.
        JsonNode none = ok(get("users/@me/balance-info", stranger));
        assertThat(fieldNames(none)).containsExactlyElementsOf(keys);
        none.fields().forEachRemaining(e -> assertThat(e.getValue().decimalValue()).isEqualByComparingTo("0"));

        // An account the caller is not linked to is the documented 401; malformed ids are 422.
        assertDenied(postJson("accounts/balance/consolidated", "[" + a.id() + "," + neighbourAccount.id() + "]",
                owner), "consolidated with a foreign account");
        assertThat(postJson("accounts/balance/consolidated", "[\"x\"]", owner).status()).isEqualTo(422);
        assertThat(postJson("accounts/balance/consolidated", "[99999999999]", owner).status()).isEqualTo(422);
        assertThat(postJson("accounts/balance/consolidated", "{}", owner).status()).isEqualTo(422);
    }

    @Test
    void consolidatedHistoryIsTheDayByDaySumOfTheAccountsHistories() {
        Actor owner = actor();
        Account a = open(owner);
        Account b = open(owner);
        awaitCash(a, owner, "1000");
        awaitCash(b, owner, "1000");
        Instant now = server.clock.instant();
        String range = "?startDate=" + now.minusSeconds(14 * 86400) + "&endDate=" + now.plusSeconds(86400);
        JsonNode ha = ok(get("accounts/" + a.id() + "/history" + range + "&step=1", owner));
        JsonNode hb = ok(get("accounts/" + b.id() + "/history" + range + "&step=1", owner));
        JsonNode both = ok(postJson("accounts/history" + range, "[" + a.id() + "," + b.id() + "]", owner));
        assertThat(both.size()).isEqualTo(ha.size()).isEqualTo(hb.size());
        for (int i = 0; i < both.size(); i++) {
            assertThat(fieldNames(both.get(i))).containsExactly("Date", "Value");
            assertThat(both.get(i).get("Date")).isEqualTo(ha.get(i).get("Date"));
            assertThat(both.get(i).get("Value").decimalValue()).isEqualByComparingTo(
                    ha.get(i).get("Value").decimalValue().add(hb.get(i).get("Value").decimalValue()));
        }
        // Without its dates the route does not match, as the single-account history.
        assertThat(postJson("accounts/history", "[" + a.id() + "]", owner).status()).isEqualTo(404);
        assertDenied(postJson("accounts/history" + range, "[" + neighbourAccount.id() + "]", owner),
                "history of a foreign account");
    }

    // ---- the spec's account by id and all accounts ------------------------------------------------

    @Test
    void accountByIdIsAnArrayOfOneAccountModelWithEveryPropertyOfTheSpec() {
        Actor owner = actor();
        Account a = open(owner, MarginType.Cash);
        awaitCash(a, owner, "1000");
        JsonNode body = ok(get("accounts/" + a.id(), owner));
        assertThat(body.isArray()).isTrue();
        assertThat(body).hasSize(1);
        JsonNode m = body.get(0);
        assertThat(fieldNames(m)).containsExactlyElementsOf(SpecFacts.properties("AccountModel"));
        assertThat(m.get("Id").asLong()).isEqualTo(a.id());
        assertThat(m.get("ClearingAccount").asText()).isEqualTo(a.clearingAccount());
        assertThat(m.get("AccountName").asText()).as("no alias: the account number").isEqualTo(a.clearingAccount());
        assertThat(m.get("MarginType").asText()).isEqualTo("Cash");
        assertThat(m.get("Cash").decimalValue()).isEqualByComparingTo("1000");
        assertThat(m.get("EquityTotal").decimalValue()).isEqualByComparingTo("1000");
        assertThat(m.get("AvailableToWithdraw").decimalValue()).isEqualByComparingTo("1000");
        assertThat(m.get("Login").asText()).isEqualTo(owner.user().username());
        assertThat(m.get("Email").asText()).isEqualTo(owner.user().email());
        assertThat(m.get("UserId").asLong()).isEqualTo(owner.id());
        assertThat(m.get("CompanyName").asText()).isEqualTo(company.name());
        assertThat(m.get("Status").asText()).isEqualTo("Approved");
        assertThat(m.get("CreatedDate").asText()).matches(DATE_TIME);
        assertThat(m.get("SSN").isNull()).as("never shown").isTrue();
        // The caller's alias names it; trailing slash and v1 accepted; others are refused.
        ok(put("accounts/" + a.id() + "/alias/Savings", owner));
        assertThat(ok(get("accounts/" + a.id() + "/", owner)).get(0).get("AccountName").asText()).isEqualTo("Savings");
        assertDenied(get("accounts/" + neighbourAccount.id(), owner), "a foreign account by id");
        assertDenied(get("accounts/" + foreignAccount.id(), owner), "another company's account by id");
        assertThat(get("accounts/abc", owner).status()).isEqualTo(422);
    }

    @Test
    void allAccountsIsAPageOfTheCallersAccountsWithMaskFilterAndSort() {
        Actor owner = actor();
        Account a = open(owner);
        Account b = open(owner, MarginType.Cash);
        Account c = open(owner);
        ok(put("accounts/" + b.id() + "/alias/Retirement", owner));
        JsonNode page = ok(get("accounts/all?pageNumber=0&pageSize=2", owner));
        assertThat(fieldNames(page)).containsExactly("Result", "NextPageLink", "PreviousPageLink", "TotalCount");
        assertThat(page.get("TotalCount").asInt()).isEqualTo(3);
        assertThat(page.get("Result")).hasSize(2);
        assertThat(page.get("Result").get(0).get("Id").asLong()).isEqualTo(a.id());
        assertThat(fieldNames(page.get("Result").get(0))).containsExactlyElementsOf(SpecFacts.properties("AccountModel"));
        assertThat(page.get("NextPageLink").asText()).contains("pageNumber=1");
        JsonNode second = ok(get("accounts/all/?pageNumber=1&pageSize=2", owner));
        assertThat(second.get("Result")).hasSize(1);
        assertThat(second.get("Result").get(0).get("Id").asLong()).isEqualTo(c.id());
        // Sorted by a property, descending; masked by number, name or holder; filtered.
        JsonNode desc = ok(get("accounts/all?pageNumber=0&pageSize=10&propertyName=Id&isAscending=false", owner));
        assertThat(desc.get("Result").get(0).get("Id").asLong()).isEqualTo(c.id());
        JsonNode masked = ok(get("accounts/all?pageNumber=0&pageSize=10&mask=retire", owner));
        assertThat(masked.get("TotalCount").asInt()).isEqualTo(1);
        assertThat(masked.get("Result").get(0).get("Id").asLong()).isEqualTo(b.id());
        assertThat(ok(get("accounts/all?pageNumber=0&pageSize=10&mask=" + a.clearingAccount(), owner))
                .get("Result").get(0).get("Id").asLong()).isEqualTo(a.id());
        JsonNode cash = ok(get("accounts/all?pageNumber=0&pageSize=10&filter=MarginType%20%3D%20%27Cash%27", owner));
        assertThat(cash.get("TotalCount").asInt()).isEqualTo(1);
        // A user with no account: an empty page. Paging is required and bounded.
        assertThat(ok(get("accounts/all?pageNumber=0&pageSize=10", stranger)).get("TotalCount").asInt()).isZero();
        assertThat(get("accounts/all", owner).status()).as("no paging: no route, as the lists").isEqualTo(404);
        assertModelState(get("accounts/all?pageNumber=0&pageSize=0", owner), "pageSize", null);
        assertModelState(get("accounts/all?pageNumber=0&pageSize=10&propertyName=Nope", owner), "propertyName", null);
        assertThat(get("accounts/all?pageNumber=0&pageSize=10&filter=Nope%20%3D%201", owner).status()).isEqualTo(400);
    }

    @Test
    void userByEmailFindsTheCallerAndTheUsersOfAccountsTheCallerOwnsOnly() {
        Actor owner = actor();
        Account acc = open(owner);
        Actor member = actor();
        link(acc, owner, member, "Full");
        String self = "{\"Email\": \"" + owner.user().email().toUpperCase() + "\"}";
        JsonNode me = ok(postJson("users/info", self, owner));
        assertThat(me.get("UserId").asLong()).isEqualTo(owner.id());
        assertThat(me.get("Login").asText()).isEqualTo(owner.user().username());
        assertThat(ok(postJson("users/info/", "{email: '" + member.user().email() + "'}", owner))
                .get("UserId").asLong()).as("a user of an account the caller owns").isEqualTo(member.id());
        // A user with no ownership finds only themselves; anyone else is the same 404 as nobody.
        Http.Response up = postJson("users/info", "{\"Email\": \"" + owner.user().email() + "\"}", member);
        assertThat(up.status()).isEqualTo(404);
        Http.Response nobody = postJson("users/info", "{\"Email\": \"nobody@example.invalid\"}", owner);
        assertThat(nobody.status()).isEqualTo(404);
        assertThat(nobody.body()).isEqualTo(up.body());
        assertThat(postJson("users/info", "{\"Email\": \"" + neighbour.user().email() + "\"}", owner).body())
                .isEqualTo(up.body());
        assertModelState(postJson("users/info", "{}", owner), "filter.Email", null);
        assertModelState(postJson("users/info", "{\"Email\": \"" + "a".repeat(300) + "\"}", owner), "filter.Email",
                null);
        assertModelState(postJson("users/info", "", owner), "filter", null);
    }

    @Test
    void aliasLongerThan100CharactersIs422() {
        Actor owner = actor();
        Account acc = open(owner);
        assertThat(put("accounts/" + acc.id() + "/alias/" + "a".repeat(100), owner).status()).isEqualTo(200);
        assertThat(accountOf(owner, acc.id()).get("Alias").asText()).isEqualTo("a".repeat(100));
        assertModelState(put("accounts/" + acc.id() + "/alias/" + "b".repeat(101), owner), "alias", null);
        // Blank and control characters are refused as well; the previous alias stays.
        assertModelState(put("accounts/" + acc.id() + "/alias/%20%20", owner), "alias", null);
        assertModelState(put("accounts/" + acc.id() + "/alias/a%07b", owner), "alias", null);
        assertThat(accountOf(owner, acc.id()).get("Alias").asText()).isEqualTo("a".repeat(100));
        // Non-ASCII is text like any other.
        assertThat(put("accounts/" + acc.id() + "/alias/Caf%C3%A9%20%E2%82%AC", owner).status()).isEqualTo(200);
        assertThat(accountOf(owner, acc.id()).get("Alias").asText()).isEqualTo("Café €");
    }

    // ---- GET /accounts/{id}/details ------------------------------------------------------------

    @Test
    void detailsIsTheOpeningRecord() {
        Actor owner = actor();
        Actor reader = actor();
        Account acc = open(owner);
        link(acc, owner, reader, "ReadOnly");
        JsonNode d = ok(get("accounts/" + acc.id() + "/details", owner));
        assertThat(fieldNames(d)).containsExactlyElementsOf(DETAILS_FIELDS);
        assertThat(d.get("Id").asText()).matches(GUID).isEqualTo(acc.openingRequestId());
        assertThat(d.get("CreatedAt").asText()).matches(DATE_TIME);
        assertThat(Instant.parse(d.get("CreatedAt").asText()).toEpochMilli()).isEqualTo(acc.createdAtMs());
        assertThat(d.get("AccountProvider").asText()).isEqualTo("PaperTrading");
        assertThat(d.get("FormType").asText()).isEqualTo("Direct");
        assertThat(d.get("User").isTextual()).as("User is a string").isTrue();
        assertThat(d.get("User").asText()).isEqualTo(String.valueOf(owner.id()));
        assertThat(d.get("ClearingAccountNumber").isTextual()).isTrue();
        assertThat(d.get("ClearingAccountNumber").asText()).isEqualTo(String.valueOf(acc.id()));
        assertThat(d.get("IsOpened").isBoolean()).isTrue();
        assertThat(d.get("IsOpened").asBoolean()).isTrue();
        assertThat(d.get("FormDataReference").isTextual()).as("a JSON string").isTrue();
        JsonNode form = json(d.get("FormDataReference").asText());
        assertThat(form.get("marginType").asText()).isEqualTo("Margin");
        assertThat(form.get("cash").asText()).isEqualTo("1000");
        assertThat(d.get("CustomerType").asText()).isEqualTo("Individual");
        // Every linked user reads the same record; trailing slash and the v1 prefix too.
        assertThat(ok(get("accounts/" + acc.id() + "/details", reader))).isEqualTo(d);
        assertThat(ok(get("accounts/" + acc.id() + "/details/", owner))).isEqualTo(d);
        assertThat(ok(Http.get(server.api() + "v1/accounts/" + acc.id() + "/details", owner.headers()))).isEqualTo(d);

        Account cash = open(owner, MarginType.DayTrader);
        JsonNode dt = json(ok(get("accounts/" + cash.id() + "/details", owner)).get("FormDataReference").asText());
        assertThat(dt.get("marginType").asText()).isEqualTo("DayTrader");
        assertThat(ok(get("accounts/" + cash.id() + "/details", owner)).get("Id").asText())
                .isNotEqualTo(d.get("Id").asText());
    }

    // ---- access rules shared by every account route --------------------------------------------

    /** Every account route, as (method, path after {@code accounts/{id}}). */
    List<String[]> accountRoutes(Actor target) {
        return List.of(new String[] {"GET", "/users"}, new String[] {"GET", "/details"},
                new String[] {"PUT", "/users/" + target.id() + "?accessType=ReadOnly"},
                new String[] {"DELETE", "/users/" + target.id()},
                new String[] {"PUT", "/username/" + target.user().username() + "?accessType=ReadOnly"},
                new String[] {"PUT", "/alias/Mine"});
    }

    @Test
    void unknownOrForeignAccountsAreTheDocumented401() {
        Actor owner = actor();
        Account mine = open(owner);
        for (String[] route : accountRoutes(neighbour)) {
            for (String id : List.of("999999999", "0", "-1", String.valueOf(neighbourAccount.id()),
                    String.valueOf(foreignAccount.id()))) {
                assertDenied(call(route[0], "accounts/" + id + route[1], owner), route[0] + " " + id + route[1]);
            }
        }
        // Nothing changed on the other account.
        assertThat(relations(ok(get("accounts/" + neighbourAccount.id() + "/users", neighbour))))
                .containsExactly(rel(neighbour, "Owner"));
        assertThat(accountOf(neighbour, neighbourAccount.id()).get("Alias").isNull()).isTrue();
        ok(get("accounts/" + mine.id() + "/users", owner));
    }

    @Test
    void atMeAsAccountIs400AndANonNumericAccountIs422() {
        Actor owner = actor();
        open(owner);
        for (String[] route : accountRoutes(neighbour)) {
            for (String me : List.of("@me", "@ME")) {
                Http.Response r = call(route[0], "accounts/" + me + route[1], owner);
                assertThat(r.status()).as(route[0] + " " + me + route[1] + ": " + r.body()).isEqualTo(400);
                assertThat(r.body()).isEqualTo(INVALID);
            }
            Http.Response abc = call(route[0], "accounts/abc" + route[1], owner);
            assertThat(abc.json()).as(route[0] + route[1]).isEqualTo(json("{\"Message\":\"" + VALIDATION
                    + "\",\"ModelState\":{\"accountId\":[\"The value 'abc' is not valid for Int32.\"]}}"));
            assertThat(abc.status()).isEqualTo(422);
            assertModelState(call(route[0], "accounts/2147483648" + route[1], owner), "accountId", null);
        }
    }

    @Test
    void trailingSlashesAndTheV1PrefixAreAccepted() {
        Actor owner = actor();
        Account acc = open(owner);
        JsonNode accounts = ok(get("users/@me/accounts", owner));
        assertThat(ok(get("users/@me/accounts/", owner))).isEqualTo(accounts);
        assertThat(ok(get("users/" + owner.id() + "/accounts/", owner))).isEqualTo(accounts);
        assertThat(ok(Http.get(server.api() + "v1/users/@me/accounts", owner.headers()))).isEqualTo(accounts);
        JsonNode users = ok(get("accounts/" + acc.id() + "/users", owner));
        assertThat(ok(get("accounts/" + acc.id() + "/users/", owner))).isEqualTo(users);
        assertThat(ok(Http.get(server.api() + "v1/accounts/" + acc.id() + "/users/", owner.headers()))).isEqualTo(users);
        assertThat(Http.send("PUT", server.api() + "v1/accounts/" + acc.id() + "/alias/V1", null, owner.headers())
                .status()).isEqualTo(200);
        assertThat(accountOf(owner, acc.id()).get("Alias").asText()).isEqualTo("V1");
    }

    @Test
    void noTokenIs401AndNoAppKeyIs403() {
        Actor owner = actor();
        Account acc = open(owner);
        List<String[]> routes = new ArrayList<>();
        for (String[] route : accountRoutes(stranger)) {
            routes.add(new String[] {route[0], server.api() + "v1.0/accounts/" + acc.id() + route[1]});
        }
        routes.add(new String[] {"GET", server.api() + "v1.0/users/@me/accounts"});
        routes.add(new String[] {"GET", server.api() + "v1.0/users/" + owner.id() + "/accounts"});
        for (String[] route : routes) {
            String url = route[1];
            Http.Response noToken = Http.send(route[0], url, null, "Et-App-Key", company.appKey());
            assertDenied(noToken, "no token " + route[0] + " " + url);
            Http.Response badToken = Http.send(route[0], url, null, "Et-App-Key", company.appKey(),
                    "Authorization", "Bearer not-a-token");
            assertDenied(badToken, "bad token " + url);
            Http.Response otherKey = Http.send(route[0], url, null, "Et-App-Key", otherCompany.appKey(),
                    "Authorization", "Bearer " + owner.token());
            assertDenied(otherKey, "token of another company's key " + url);
            Http.Response noKey = Http.send(route[0], url, null, "Authorization", "Bearer " + owner.token());
            assertThat(noKey.status()).as("no key " + url).isEqualTo(403);
            assertThat(noKey.body()).isEqualTo(APP_KEY_ERROR);
            Http.Response badKey = Http.send(route[0], url, null, "Et-App-Key", "nope",
                    "Authorization", "Bearer " + owner.token());
            assertThat(badKey.status()).isEqualTo(403);
            assertThat(badKey.body()).isEqualTo(APP_KEY_ERROR);
        }
        assertThat(relations(ok(get("accounts/" + acc.id() + "/users", owner)))).containsExactly(rel(owner, "Owner"));
        assertThat(accountOf(owner, acc.id()).get("Alias").isNull()).isTrue();
    }

    // ---- concurrency ---------------------------------------------------------------------------

    /** Runs both requests at the same instant (as far as threads allow) and returns both answers. */
    static Http.Response[] race(Supplier<Http.Response> a, Supplier<Http.Response> b) {
        CyclicBarrier barrier = new CyclicBarrier(2);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<Http.Response> fa = pool.submit(() -> {
                await(barrier);
                return a.get();
            });
            Future<Http.Response> fb = pool.submit(() -> {
                await(barrier);
                return b.get();
            });
            return new Http.Response[] {fa.get(30, TimeUnit.SECONDS), fb.get(30, TimeUnit.SECONDS)};
        } catch (Exception e) {
            throw new AssertionError(e);
        } finally {
            pool.shutdownNow();
        }
    }

    static void await(CyclicBarrier barrier) {
        try {
            barrier.await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    long owners(Account acc) {
        return server.services().accounts.links(acc.id()).stream()
                .filter(l -> l.accessType() == Account.AccessType.Owner).count();
    }

    /**
     * Two owners, each removing the other at the same moment: one must win and the other get the
     * documented 409 (last owner), so the account always keeps an owner.
     */
    @Test
    void twoOwnersRemovingEachOtherAtOnceNeverLeaveTheAccountOwnerless() {
        Actor a = actor();
        Actor b = actor();
        List<String> ownerless = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            Account acc = open(a);
            link(acc, a, b, "Owner");
            Http.Response[] r = race(() -> delete("accounts/" + acc.id() + "/users/" + b.id(), a),
                    () -> delete("accounts/" + acc.id() + "/users/" + a.id(), b));
            if (owners(acc) == 0) {
                ownerless.add("account " + acc.id() + ": " + r[0].status() + " and " + r[1].status());
            }
        }
        assertThat(ownerless).as("accounts left without an owner").isEmpty();
    }

    /** The same race through demotion: two owners each setting the other to Full. */
    @Test
    void twoOwnersDemotingEachOtherAtOnceNeverLeaveTheAccountOwnerless() {
        Actor a = actor();
        Actor b = actor();
        List<String> ownerless = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            Account acc = open(a);
            link(acc, a, b, "Owner");
            Http.Response[] r = race(
                    () -> put("accounts/" + acc.id() + "/users/" + b.id() + "?accessType=Full", a),
                    () -> put("accounts/" + acc.id() + "/users/" + a.id() + "?accessType=Full", b));
            if (owners(acc) == 0) {
                ownerless.add("account " + acc.id() + ": " + r[0].status() + " and " + r[1].status());
            }
        }
        assertThat(ownerless).as("accounts left without an owner").isEmpty();
    }

    // ---- named limits ----------------------------------------------------------------------------

    @Test
    void aUserLinkedToTheMaximumNumberOfAccountsCannotBeLinkedToMore() {
        Actor busy = actor();
        for (int i = 0; i < AccountService.ACCOUNTS_PER_USER_MAX; i++) {
            open(busy);
        }
        assertThat(items(ok(get("users/@me/accounts", busy)))).hasSize(AccountService.ACCOUNTS_PER_USER_MAX);
        Actor owner = actor();
        Account acc = open(owner);
        Http.Response r = put("accounts/" + acc.id() + "/users/" + busy.id() + "?accessType=ReadOnly", owner);
        assertThat(r.status()).as(r.body()).isEqualTo(409);
        assertThat(r.json().get("Message").asText()).contains(String.valueOf(AccountService.ACCOUNTS_PER_USER_MAX));
        assertThat(relations(ok(get("accounts/" + acc.id() + "/users", owner)))).containsExactly(rel(owner, "Owner"));
    }
}
