package dev.crater.accounts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.crater.Main;
import dev.crater.common.MarginType;
import dev.crater.companies.Company;
import dev.crater.testing.Http;
import dev.crater.testing.StoreKind;
import dev.crater.testing.TestServer;
import dev.crater.users.User;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Goal: {@code crater admin account create|list|fund|link} do what their help says, refuse bad input
 * with exit code 2 and a message, and what they write is what the running server then serves
 * ({@code /users/@me/accounts}, {@code /accounts/{id}/users}, {@code /accounts/{id}/details}).
 *
 * <p>Method: one real server on SQLite; the picocli command line runs in-process against the
 * server's own data directory ({@code --data-dir}), as in {@code MarketSandboxTest}, so the CLI and
 * the server share only the database file. Cash requests are read from the {@code cash_requests}
 * table (pending or already applied by the engine).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AccountAdminTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Pattern OPENED = Pattern.compile("Opened account (\\d+) \\((\\w+)\\) for (\\S+)");

    private static TestServer server;
    private static Company company;
    private static Company otherCompany;

    @BeforeAll
    static void start() {
        server = TestServer.start(StoreKind.SQLITE);
        company = server.company();
        otherCompany = server.company();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    record Cli(int code, String out, String err) {
    }

    private static Cli cli(String... args) {
        String[] all = java.util.Arrays.copyOf(args, args.length + 2);
        all[args.length] = "--data-dir";
        all[args.length + 1] = server.dataDir().toString();
        return execute(all);
    }

    private static synchronized Cli execute(String... all) {
        PrintStream originalOut = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (PrintStream capturedOut = new PrintStream(out, true, StandardCharsets.UTF_8)) {
            System.setOut(capturedOut);
            picocli.CommandLine cmd = new picocli.CommandLine(new Main());
            cmd.setOut(new PrintWriter(capturedOut, true));
            cmd.setErr(new PrintWriter(new PrintStream(err, true, StandardCharsets.UTF_8), true));
            int code = cmd.execute(all);
            return new Cli(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(originalOut);
        }
    }

    private static void assertRefused(Cli r, String what) {
        assertThat(r.code()).as("%s: out=%s err=%s", what, r.out(), r.err()).isEqualTo(2);
        assertThat(r.err()).as(what).contains("error: ");
    }

    /** A user of {@code c} and its bearer headers. */
    record Person(User user, String[] headers) {
        String name() {
            return user.username();
        }
    }

    private static Person person(Company c) {
        String name = TestServer.username("cli");
        User u = server.user(c, name, null, User.TwoFactorMethod.NONE);
        return new Person(u, new String[] {"Et-App-Key", c.appKey(), "Authorization", "Bearer " + server.login(c, name)});
    }

    private static JsonNode ok(Http.Response r) {
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    private static JsonNode api(String path, Person p) {
        return ok(Http.get(server.api() + "v1.0/" + path, p.headers()));
    }

    private static long created(Cli r) {
        assertThat(r.code()).as("out=%s err=%s", r.out(), r.err()).isZero();
        Matcher m = OPENED.matcher(r.out());
        assertThat(m.find()).as(r.out()).isTrue();
        return Long.parseLong(m.group(1));
    }

    private static int accountCount() {
        return server.services().accounts.store().all().size();
    }

    /** Every cash request of an account as "amount|description", pending or applied. */
    private static List<String> cashRows(long accountId) {
        return server.services().accounts.store().database().jdbi().withHandle(h -> h.createQuery(
                        "SELECT amount, description FROM cash_requests WHERE account_id = :a ORDER BY id")
                .bind("a", accountId)
                .map((rs, ctx) -> new BigDecimal(rs.getString("amount")).stripTrailingZeros().toPlainString() + "|"
                        + rs.getString("description"))
                .list());
    }

    private static List<String> listRows(Cli r) {
        assertThat(r.code()).as(r.err()).isZero();
        List<String> rows = new ArrayList<>(List.of(r.out().split("\\R")));
        assertThat(rows.get(0)).startsWith("ID").contains("MARGIN").contains("ENABLED").contains("USERS");
        return rows.subList(1, rows.size()).stream().filter(s -> !s.isBlank()).toList();
    }

    private static String rowOf(List<String> rows, long id) {
        return rows.stream().filter(s -> s.split("\\s+")[0].equals(String.valueOf(id))).findFirst().orElse(null);
    }

    // ---- create ----------------------------------------------------------------------------------

    @Test
    void createOpensAnAccountTheApiServes() throws IOException {
        Person u = person(company);
        Cli r = cli("admin", "account", "create", "--company", company.name(), "--username", u.name(),
                "--margin-type", "Cash", "--cash", "2500", "--per-trade", "1");
        long id = created(r);
        assertThat(r.out()).contains("(Cash)").contains(u.name());

        JsonNode list = api("users/@me/accounts", u);
        assertThat(list.isArray()).isTrue();
        assertThat(list).hasSize(1);
        JsonNode a = list.get(0);
        assertThat(a.get("Id").asLong()).isEqualTo(id);
        assertThat(a.get("ClearingAccount").asText()).isEqualTo(String.valueOf(id));
        assertThat(a.get("MarginType").asText()).isEqualTo("Cash");
        assertThat(a.get("AccessType").asText()).isEqualTo("Owner");
        assertThat(a.get("ClearingFirm").asText()).isEqualTo("PaperTrading");
        assertThat(a.get("Owners").get(0).get("Login").asText()).isEqualTo(u.name());

        JsonNode details = api("accounts/" + id + "/details", u);
        assertThat(details.get("User").asText()).isEqualTo(String.valueOf(u.user().id()));
        assertThat(MAPPER.readTree(details.get("FormDataReference").asText()))
                .isEqualTo(MAPPER.readTree("{\"marginType\":\"Cash\",\"cash\":\"2500\"}"));

        Account acc = server.services().accounts.store().byId(id).orElseThrow();
        assertThat(acc.companyId()).isEqualTo(company.id());
        assertThat(acc.perTradeCommission()).isEqualByComparingTo("1");
        assertThat(acc.perShareCommission()).isEqualByComparingTo("0");
        assertThat(acc.perContractCommission()).isEqualByComparingTo("0");
        // The initial deposit is a cash request for the engine.
        assertThat(cashRows(id)).containsExactly("2500|Initial deposit");
    }

    @Test
    void createDefaultsToAMarginAccountWithoutADeposit() {
        Person u = person(company);
        long id = created(cli("admin", "account", "create", "--company", company.name(), "--username", u.name()));
        assertThat(api("users/@me/accounts", u).get(0).get("MarginType").asText()).isEqualTo("Margin");
        assertThat(cashRows(id)).isEmpty();
        for (String type : List.of("DayTrader", "MarginIra")) {
            long other = created(cli("admin", "account", "create", "--company", company.name(), "--username", u.name(),
                    "--margin-type", type));
            assertThat(server.services().accounts.store().byId(other).orElseThrow().marginType().name()).isEqualTo(type);
        }
        assertThat(api("users/@me/accounts", u)).hasSize(3);
    }

    @Test
    void createRefusesBadInputWithExit2AndCreatesNothing() {
        Person u = person(company);
        int before = accountCount();
        String[] base = {"admin", "account", "create", "--company", company.name(), "--username", u.name()};
        for (String[] extra : List.of(new String[] {"--margin-type", "Wild"}, new String[] {"--margin-type", "Empty"},
                new String[] {"--cash", "abc"}, new String[] {"--per-trade", "-1"},
                new String[] {"--per-share", "1001"})) {
            String[] args = java.util.Arrays.copyOf(base, base.length + extra.length);
            System.arraycopy(extra, 0, args, base.length, extra.length);
            assertRefused(cli(args), String.join(" ", extra));
        }
        assertRefused(cli("admin", "account", "create", "--company", "No Such Company", "--username", u.name()),
                "unknown company");
        assertRefused(cli("admin", "account", "create", "--company", company.name(), "--username", "nobody-here"),
                "unknown user");
        assertRefused(cli("admin", "account", "create", "--company", otherCompany.name(), "--username", u.name()),
                "user of another company");
        assertThat(accountCount()).isEqualTo(before);
        assertThat(api("users/@me/accounts", u)).isEmpty();
        // A missing required option is picocli's usage error (exit 2 as well).
        assertThat(cli("admin", "account", "create", "--company", company.name()).code()).isEqualTo(2);
    }

    @Test
    void createWithAnInvalidDepositCreatesNothing() {
        Person u = person(company);
        int before = accountCount();
        for (String cash : List.of("1.234", "2000000000")) {
            assertRefused(cli("admin", "account", "create", "--company", company.name(), "--username", u.name(),
                    "--cash", cash), "--cash " + cash);
        }
        assertThat(accountCount()).isEqualTo(before);
        assertThat(api("users/@me/accounts", u)).isEmpty();
    }

    @Test
    void createRefusesANegativeDeposit() {
        Person u = person(company);
        int before = accountCount();
        assertRefused(cli("admin", "account", "create", "--company", company.name(), "--username", u.name(),
                "--cash", "-5"), "--cash -5");
        assertThat(accountCount()).isEqualTo(before);
    }

    // ---- list ------------------------------------------------------------------------------------

    @Test
    void listShowsAccountsWithTheirUsers() {
        Person u = person(company);
        Person reader = person(company);
        Person foreign = person(otherCompany);
        long id = created(cli("admin", "account", "create", "--company", company.name(), "--username", u.name(),
                "--margin-type", "Cash", "--cash", "2500", "--per-trade", "1"));
        long foreignId = created(cli("admin", "account", "create", "--company", otherCompany.name(), "--username",
                foreign.name()));
        assertThat(cli("admin", "account", "link", "--company", company.name(), "--username", reader.name(),
                "--account", String.valueOf(id), "--access", "ReadOnly").code()).isZero();

        List<String> rows = listRows(cli("admin", "account", "list", "--company", company.name()));
        String row = rowOf(rows, id);
        assertThat(row).as(String.join("\n", rows)).isNotNull();
        assertThat(row.split("\\s+")).startsWith(String.valueOf(id), "Cash", "true");
        assertThat(row).contains(u.name() + ":Owner").contains(reader.name() + ":ReadOnly");
        assertThat(row.indexOf(u.name() + ":Owner")).isLessThan(row.indexOf(reader.name() + ":ReadOnly"));
        assertThat(rowOf(rows, foreignId)).as("another company's account").isNull();

        List<String> all = listRows(cli("admin", "account", "list"));
        assertThat(rowOf(all, id)).isNotNull();
        assertThat(rowOf(all, foreignId)).contains(foreign.name() + ":Owner").contains("Margin");

        assertRefused(cli("admin", "account", "list", "--company", "No Such Company"), "unknown company");
    }

    // ---- fund ------------------------------------------------------------------------------------

    @Test
    void fundRecordsACashRequest() {
        Person u = person(company);
        long id = created(cli("admin", "account", "create", "--company", company.name(), "--username", u.name()));
        Cli r = cli("admin", "account", "fund", "--account", String.valueOf(id), "--amount", "500");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("account " + id);
        assertThat(cashRows(id)).containsExactly("500|Deposit");
        // The brief's check: the request is waiting for the engine (unless the engine applied it already).
        List<AccountStore.CashRequest> pending = server.services().accounts.store().pendingCash(100);
        assertThat(pending.stream().filter(c -> c.accountId() == id).map(c -> c.amount().toPlainString()))
                .isSubsetOf("500");

        Cli withdraw = cli("admin", "account", "fund", "--account", String.valueOf(id), "--amount", "-250.50",
                "--description", "Withdrawal by check");
        assertThat(withdraw.code()).as(withdraw.err()).isZero();
        assertThat(cashRows(id)).containsExactly("500|Deposit", "-250.5|Withdrawal by check");
    }

    @Test
    void fundRefusesBadAmountsAndUnknownAccountsWithExit2() {
        Person u = person(company);
        long id = created(cli("admin", "account", "create", "--company", company.name(), "--username", u.name()));
        for (String amount : List.of("0", "abc", "1.234", "1000000000.01")) {
            assertRefused(cli("admin", "account", "fund", "--account", String.valueOf(id), "--amount", amount),
                    "--amount '" + amount + "'");
        }
        assertRefused(cli("admin", "account", "fund", "--account", String.valueOf(id), "--amount", "5",
                "--description", " "), "blank description");
        assertRefused(cli("admin", "account", "fund", "--account", "999999", "--amount", "500"), "unknown account");
        assertThat(cli("admin", "account", "fund", "--account", "abc", "--amount", "500").code()).isEqualTo(2);
        assertThat(cashRows(id)).isEmpty();
        assertThat(cashRows(999999)).isEmpty();
        // The largest documented amount is accepted.
        assertThat(cli("admin", "account", "fund", "--account", String.valueOf(id), "--amount", "1000000000")
                .code()).isZero();
        assertThat(cashRows(id)).containsExactly("1000000000|Deposit");
    }

    // ---- link ------------------------------------------------------------------------------------

    @Test
    void linkGivesAnotherUserAccessSeenThroughTheApi() {
        Person u = person(company);
        Person other = person(company);
        long id = created(cli("admin", "account", "create", "--company", company.name(), "--username", u.name(),
                "--margin-type", "Cash", "--cash", "2500", "--per-trade", "1"));
        Cli r = cli("admin", "account", "link", "--company", company.name(), "--username", other.name(),
                "--account", String.valueOf(id), "--access", "ReadOnly");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains(other.name()).contains("ReadOnly").contains(String.valueOf(id));

        JsonNode theirs = api("users/@me/accounts", other);
        assertThat(theirs).hasSize(1);
        assertThat(theirs.get(0).get("Id").asLong()).isEqualTo(id);
        assertThat(theirs.get(0).get("AccessType").asText()).isEqualTo("ReadOnly");
        assertThat(theirs.get(0).get("MarginType").asText()).isEqualTo("Cash");
        assertThat(theirs.get(0).get("Owners")).hasSize(1);
        assertThat(theirs.get(0).get("Owners").get(0).get("Login").asText()).isEqualTo(u.name());
        JsonNode users = api("accounts/" + id + "/users", u);
        assertThat(users).hasSize(2);
        assertThat(users.get(1).get("UserModel").get("Login").asText()).isEqualTo(other.name());
        assertThat(users.get(1).get("AccountAccessType").asText()).isEqualTo("ReadOnly");

        // Linking again changes the access; numbers and any case work as in the API.
        assertThat(cli("admin", "account", "link", "--company", company.name(), "--username", other.name(),
                "--account", String.valueOf(id), "--access", "closepositionsonly").code()).isZero();
        assertThat(api("users/@me/accounts", other).get(0).get("AccessType").asText()).isEqualTo("ClosePositionsOnly");
        assertThat(cli("admin", "account", "link", "--company", company.name(), "--username", other.name(),
                "--account", String.valueOf(id)).code()).as("default Full").isZero();
        assertThat(api("users/@me/accounts", other).get(0).get("AccessType").asText()).isEqualTo("Full");
    }

    @Test
    void linkRefusesBadInputWithExit2() {
        Person u = person(company);
        Person other = person(company);
        Person foreign = person(otherCompany);
        long id = created(cli("admin", "account", "create", "--company", company.name(), "--username", u.name()));
        String acc = String.valueOf(id);
        assertRefused(cli("admin", "account", "link", "--company", company.name(), "--username", other.name(),
                "--account", acc, "--access", "Admin"), "bad access");
        assertRefused(cli("admin", "account", "link", "--company", company.name(), "--username", other.name(),
                "--account", "999999", "--access", "Full"), "unknown account");
        assertRefused(cli("admin", "account", "link", "--company", otherCompany.name(), "--username", foreign.name(),
                "--account", acc, "--access", "Full"), "user of another company");
        assertRefused(cli("admin", "account", "link", "--company", company.name(), "--username", "nobody-here",
                "--account", acc), "unknown user");
        Cli demote = cli("admin", "account", "link", "--company", company.name(), "--username", u.name(),
                "--account", acc, "--access", "Full");
        assertRefused(demote, "demoting the last owner");
        assertThat(demote.err()).contains("owner");
        assertThat(server.services().accounts.links(id)).hasSize(1);
        assertThat(server.services().accounts.links(id).get(0).accessType()).isEqualTo(Account.AccessType.Owner);
        assertThat(api("users/@me/accounts", other)).isEmpty();
        assertThat(api("users/@me/accounts", foreign)).isEmpty();
    }

    @Test
    void helpListsTheSubcommands() {
        Cli r = execute("admin", "account", "--help");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("create").contains("list").contains("fund").contains("link");
    }
}
