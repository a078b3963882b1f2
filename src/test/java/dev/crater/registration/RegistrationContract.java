package dev.crater.registration;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.crater.companies.Company;
import dev.crater.config.SmtpConfig;
import dev.crater.testing.CliRun;
import dev.crater.testing.Http;
import dev.crater.testing.Mailbox;
import dev.crater.testing.StoreKind;
import dev.crater.testing.TestServer;
import dev.crater.users.User;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Goal: registration as reference 02-users.md §1 documents it — the company's schema (the documented
 * default, and what an operator configures), {@code POST /registration/} with the {@code origin}
 * check, the documented 409 envelope listing every problem (missing fields, a bad e-mail address, a
 * password the policy or the common-password list refuses, a taken login, an e-mail equal to a
 * login), the user disabled until the e-mailed token confirms it, and no enumeration of e-mail
 * addresses (an address already in use registers like any other and its mail says so).
 *
 * <p>Method: one real server per store with GreenMail as its SMTP server and a pinned clock; each
 * test makes its own company and sets its host through the service operators' command uses.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
abstract class RegistrationContract {
    static final String HOST = "app.broker.example";
    static final String PASSWORD = "violet staple horizon";
    static final Pattern TOKEN = Pattern.compile("confirmation token: (\\S+)");

    abstract StoreKind store();

    GreenMail mail;
    TestServer server;
    Company company;

    @BeforeAll
    void start() {
        mail = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
        mail.start();
        server = TestServer.start(store(),
                Optional.of(new SmtpConfig("127.0.0.1", mail.getSmtp().getPort(), "", "", "crater@test.example")));
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
        if (mail != null) {
            mail.stop();
        }
    }

    @BeforeEach
    void newCompany() {
        company = server.company();
        server.services().registrations.setHostname(company.id(), HOST);
        server.clock.advance(Duration.ofMinutes(5));
    }

    Http.Response register(String body, String origin) {
        return Http.send("POST", server.api() + "v1.0/registration/", body, "Et-App-Key", company.appKey(),
                "Content-Type", "application/json", "origin", origin);
    }

    static String body(String login, String email, String password) {
        return "{\"Credentials\": {\"Login\": \"" + login + "\", \"Email\": \"" + email + "\", \"Password\": \"" + password
                + "\"}, \"Name\": {\"FirstName\": \"Robert\", \"LastName\": \"Torro\", \"MiddleName\": \"J.\", \"Suffix\": \"Jr\"}}";
    }

    Http.Response login(String login, String password) {
        return Http.post(server.api() + "token", "Et-App-Key", company.appKey(), "Username", login, "Password", password);
    }

    Http.Response confirm(String token) {
        return Http.send("POST", server.api() + "v1.0/registration/confirm", "{\"Token\": \"" + token + "\"}",
                "Et-App-Key", company.appKey(), "Content-Type", "application/json");
    }

    static String token(String mailBody) {
        Matcher m = TOKEN.matcher(mailBody);
        assertThat(m.find()).as("a token in: " + mailBody).isTrue();
        return m.group(1);
    }

    static String envelope409(String... errors) {
        StringBuilder b = new StringBuilder("\"Errors\":[");
        for (int i = 0; i < errors.length; i++) {
            b.append(i > 0 ? "," : "").append('"').append(errors[i]).append('"');
        }
        return b.append("]").toString();
    }

    @Test
    void theSchemaIsTheDocumentedOneUntilAnOperatorChangesIt() {
        Http.Response r = Http.get(server.api() + "v1.0/registration/schema", "Et-App-Key", company.appKey());
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("[{\"UnitName\":\"Credentials\",\"Fields\":[{\"FieldName\":\"Login\",\"Required\":true},"
                + "{\"FieldName\":\"Email\",\"Required\":true},{\"FieldName\":\"Password\",\"Required\":true}]},"
                + "{\"UnitName\":\"Name\",\"Fields\":[{\"FieldName\":\"FirstName\",\"Required\":true},"
                + "{\"FieldName\":\"LastName\",\"Required\":true},{\"FieldName\":\"MiddleName\",\"Required\":false},"
                + "{\"FieldName\":\"Suffix\",\"Required\":false,\"Options\":[\"NoSuffix\",\"Jr\",\"Sr\",\"Second\",\"Third\",\"Fourth\"]}]}]");
        assertThat(Http.get(server.api() + "v1.0/registration/schema/", "Et-App-Key", "nope").status()).isEqualTo(403);

        server.services().registrations.setSchema(company.id(), server.services().registrations.schema(company.id())
                .with("Credentials.PinCode", RegistrationSchema.State.REQUIRED)
                .with("name.middlename", RegistrationSchema.State.OFF)
                .with("Address.City", RegistrationSchema.State.OPTIONAL));
        JsonNode units = Http.get(server.api() + "v1/registration/schema", "Et-App-Key", company.appKey()).json();
        assertThat(units.get(0).get("Fields").get(3).toString()).isEqualTo("{\"FieldName\":\"PinCode\",\"Required\":true}");
        assertThat(units.get(1).toString()).doesNotContain("MiddleName");
        assertThat(units.get(2).toString()).isEqualTo("{\"UnitName\":\"Address\",\"Fields\":[{\"FieldName\":\"City\",\"Required\":false}]}");
    }

    @Test
    void aRegisteredUserLogsInOnlyAfterConfirmingTheEmailedToken() {
        String login = TestServer.username("reg");
        String email = login + "@someguy.example";
        Http.Response r = register(body(login, email, PASSWORD), "https://" + HOST);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode u = r.json();
        assertThat(u.get("UserId").asLong()).isPositive();
        assertThat(r.body()).contains("\"FirstName\":\"Robert\",\"MiddleName\":\"J.\",\"LastName\":\"Torro\",\"Login\":\""
                + login + "\",\"Email\":\"" + email + "\"").contains("\"Salutation\":\"NoSalutation\",\"Suffix\":\"Jr\"");
        assertThat(u.get("AddedDate").asText()).isEqualTo(dev.crater.http.Dates.iso(server.clock.millis()));

        assertThat(login(login, PASSWORD).status()).isNotEqualTo(200);
        String body = Mailbox.nextBody(mail, email, 0);
        assertThat(body).contains("Confirm this address to log in as " + login);
        String token = token(body);
        Http.Response c = confirm(token);
        assertThat(c.status()).as(c.body()).isEqualTo(200);
        assertThat(c.json().get("UserId").asLong()).isEqualTo(u.get("UserId").asLong());
        Http.Response in = login(login, PASSWORD);
        assertThat(in.status()).as(in.body()).isEqualTo(200);
        assertThat(confirm(token).status()).isEqualTo(409);
        assertThat(confirm(token).body()).contains("\"ErrorsCode\":[\"InvalidToken\"]");
    }

    @Test
    void anExpiredOrForeignTokenConfirmsNothing() {
        String login = TestServer.username("late");
        assertThat(register(body(login, login + "@x.example", PASSWORD), HOST).status()).isEqualTo(200);
        String token = token(Mailbox.nextBody(mail, login + "@x.example", 0));
        Company other = company;
        company = server.company();
        assertThat(confirm(token).status()).isEqualTo(409);   // another company's app key
        company = other;
        server.clock.advance(RegistrationService.CONFIRMATION_TTL.plusSeconds(1));
        assertThat(confirm(token).status()).isEqualTo(409);
        assertThat(confirm("").status()).isEqualTo(409);
        assertThat(login(login, PASSWORD).status()).isNotEqualTo(200);
    }

    @Test
    void theOriginMustNameTheCompanysHost() {
        String b = body(TestServer.username("o"), "o@x.example", PASSWORD);
        assertThat(register(b, null).status()).isEqualTo(403);
        assertThat(register(b, "https://evil.example").status()).isEqualTo(403);
        assertThat(register(b, "https://app.broker.example.evil.example").status()).isEqualTo(403);
        assertThat(register(b, "HTTPS://APP.Broker.example").status()).isEqualTo(200);
        server.services().registrations.setHostname(company.id(), "");
        Http.Response closed = register(body(TestServer.username("o"), "o2@x.example", PASSWORD), HOST);
        assertThat(closed.status()).isEqualTo(403);
        assertThat(closed.body()).isEqualTo("{\"Message\":\"Registration is not open for this application.\"}");
    }

    @Test
    void everyProblemIsListedInTheDocumented409() {
        Http.Response r = register("{\"Credentials\": {\"Login\": \"\", \"Email\": \"not-an-address\", \"Password\": \"x\"},"
                + " \"Name\": {\"LastName\": \"Torro\"}}", HOST);
        assertThat(r.status()).isEqualTo(409);
        assertThat(r.body()).startsWith("{\"Model\":null,").endsWith(",\"StatusCode\":409,\"IsSucceed\":false}")
                .contains(envelope409("Login is required.", "FirstName is required.",
                        "Provided value is not a valid email address."));
        Http.Response common = register(body(TestServer.username("c"), "c@x.example", "password1234"), HOST);
        assertThat(common.status()).isEqualTo(409);
        assertThat(common.body()).contains("Password is too common");
        Http.Response shortOne = register(body(TestServer.username("c"), "c@x.example", "Zq9!xw"), HOST);
        assertThat(shortOne.body()).contains("Password must be at least 12 characters");
        Http.Response badSuffix = register(body(TestServer.username("c"), "c@x.example", PASSWORD).replace("\"Jr\"", "\"Esq\""), HOST);
        assertThat(badSuffix.body()).contains("Suffix must be one of its Options.");
        assertThat(register("{not json", HOST).status()).isEqualTo(422);
        assertThat(register("[]", HOST).status()).isEqualTo(409);
    }

    @Test
    void aTakenLoginAndAnEmailThatIsALoginAreTheDocumentedErrors() {
        User existing = server.user(company, TestServer.username("taken"), null, User.TwoFactorMethod.NONE);
        Http.Response r = register(body(existing.username().toUpperCase(), "new@x.example", PASSWORD), HOST);
        assertThat(r.status()).isEqualTo(409);
        assertThat(r.body()).contains(envelope409("User with specified login already exists"))
                .contains("\"ErrorsCode\":[\"LoginAlreadyExists\"]");
        Http.Response e = register(body(TestServer.username("n"), existing.username(), PASSWORD), HOST);
        assertThat(e.body()).contains("Email is equal to existing user Login");
    }

    @Test
    void anEmailInUseRegistersLikeAnyOtherAndItsMailSaysSo() {
        User existing = server.user(company, TestServer.username("owner"), null, User.TwoFactorMethod.NONE);
        String login = TestServer.username("second");
        int seen = Mailbox.to(mail, existing.email()).size();
        Http.Response r = register(body(login, existing.email().toUpperCase(), PASSWORD), HOST);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().get("Login").asText()).isEqualTo(login);
        String body = Mailbox.nextBody(mail, existing.email(), seen);
        assertThat(body).contains("This address already has an account: " + existing.username())
                .contains("password reset");
        assertThat(login(login, PASSWORD).status()).isNotEqualTo(200);
        assertThat(confirm(token(body)).status()).isEqualTo(200);
        assertThat(login(login, PASSWORD).status()).isEqualTo(200);
    }

    @Test
    void aConfiguredPinAndAddressAreCheckedAndKept() {
        server.services().registrations.setSchema(company.id(), RegistrationSchema.DEFAULT
                .with("Credentials.PinCode", RegistrationSchema.State.REQUIRED)
                .with("Address.City", RegistrationSchema.State.OPTIONAL)
                .with("Name.Salutation", RegistrationSchema.State.OPTIONAL));
        String login = TestServer.username("pin");
        String noPin = body(login, login + "@x.example", PASSWORD);
        assertThat(register(noPin, HOST).body()).contains("PinCode is required.");
        String badPin = noPin.replace("\"Password\"", "\"PinCode\": \"12\", \"Password\"");
        assertThat(register(badPin, HOST).body()).contains("PIN must be 4 to 8 digits");
        String good = noPin.replace("\"Password\"", "\"PinCode\": \"4821\", \"Password\"")
                .replace("\"Suffix\"", "\"Salutation\": 4, \"Suffix\"")
                .replace("}}", "}, \"address\": {\"city\": \"Springfield\"}}");
        Http.Response r = register(good, HOST);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().get("Salutation").asText()).isEqualTo("Dr");
        long id = r.json().get("UserId").asLong();
        assertThat(server.services().users.profile(id).city()).isEqualTo("Springfield");
        assertThat(server.services().users.byId(id).orElseThrow().pinHash()).isNotNull().doesNotContain("4821");
    }

    @Test
    void operatorsSetTheHostAndFieldsFromTheCommandLine() {
        if (store() != StoreKind.SQLITE) {
            return;   // the CLI test harness opens the SQLite store of the server's data directory
        }
        CliRun.Result r = CliRun.against(server, "admin", "registration", "set", "--company", company.name(),
                "--hostname", "signup.broker.example", "--field", "Credentials.PinCode=optional", "--field", "Name.Suffix=off");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("Hostname: signup.broker.example").containsPattern("Credentials.PinCode +optional");
        assertThat(server.services().registrations.settings(company.id()).hostname()).isEqualTo("signup.broker.example");
        assertThat(Http.get(server.api() + "v1.0/registration/schema", "Et-App-Key", company.appKey()).body())
                .contains("PinCode").doesNotContain("Suffix");
        CliRun.Result bad = CliRun.against(server, "admin", "registration", "set", "--company", company.name(),
                "--field", "Credentials.Login=off");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("Credentials.Login is always required");
        CliRun.Result show = CliRun.against(server, "admin", "registration", "show", "--company", company.name());
        assertThat(show.out()).contains("Name.Suffix").contains("off");
    }
}
