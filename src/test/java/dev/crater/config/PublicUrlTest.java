package dev.crater.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.crater.App;
import dev.crater.Services;
import dev.crater.companies.Company;
import dev.crater.testing.RawHttp;
import dev.crater.testing.StoreKind;
import dev.crater.testing.TestServer;
import dev.crater.users.User;
import dev.crater.users.UserService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Goal: every URL the API writes into an answer — paging links and the URI a "No HTTP resource"
 * 404 names — starts with the server's public base ({@code CRATER_PUBLIC_URL}, or the bound
 * address), whatever the request says about its host in {@code Host}, {@code X-Forwarded-Host}
 * or {@code Forwarded}.
 *
 * <p>Method: raw requests over a socket (an HTTP client will not send a forged {@code Host}) to a
 * default server and to one with a configured public URL.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PublicUrlTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String PAGE = "/api/v1.0/equities?pageNumber=1&pageSize=2&sortField=Id&desc=false";

    TestServer server;
    Company company;
    String token;

    @BeforeAll
    void start() {
        server = TestServer.start(StoreKind.SQLITE);
        company = server.company();
        User u = server.user(company, TestServer.username("links"), null, User.TwoFactorMethod.NONE);
        token = server.login(company, u.username());
    }

    @AfterAll
    void stop() {
        server.close();
    }

    static RawHttp.Response get(int port, String target, String appKey, String token, String... extraHeaderLines) {
        StringBuilder req = new StringBuilder("GET " + target + " HTTP/1.1\r\n");
        req.append("Host: evil.example\r\n");
        for (String line : extraHeaderLines) {
            req.append(line).append("\r\n");
        }
        req.append("Et-App-Key: ").append(appKey).append("\r\n");
        if (token != null) {
            req.append("Authorization: Bearer ").append(token).append("\r\n");
        }
        req.append("Connection: close\r\n\r\n");
        return RawHttp.send(port, req.toString());
    }

    static JsonNode json(RawHttp.Response r) {
        try {
            return JSON.readTree(r.body());
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + r.head() + "\n" + r.body(), e);
        }
    }

    static void assertPagingLinks(RawHttp.Response r, String base) {
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode page = json(r);
        assertThat(page.get("NextPageLink").asText()).startsWith(base + "/api/v1.0/equities?").contains("pageNumber=2");
        assertThat(page.get("PreviousPageLink").asText()).startsWith(base + "/api/v1.0/equities?").contains("pageNumber=0");
    }

    @Test
    void pagingLinksIgnoreTheHostHeader() {
        String base = "http://127.0.0.1:" + server.port();
        assertPagingLinks(get(server.port(), PAGE, company.appKey(), token), base);
        assertPagingLinks(get(server.port(), PAGE, company.appKey(), token, "X-Forwarded-Host: evil.example",
                "X-Forwarded-Proto: https", "Forwarded: host=evil.example;proto=https"), base);
    }

    @Test
    void aNoRoute404NamesThePublicUriNotTheHostHeader() {
        RawHttp.Response r = get(server.port(), "/api/v1.0/no-such-thing?x=1", company.appKey(), token);
        assertThat(r.status()).isEqualTo(404);
        assertThat(json(r).get("Message").asText()).isEqualTo("No HTTP resource was found that matches the request URI '"
                + "http://127.0.0.1:" + server.port() + "/api/v1.0/no-such-thing?x=1'.");
        // A required paging parameter left out: the same 404 shape, the same base.
        RawHttp.Response missing = get(server.port(), "/api/v1.0/equities?pageNumber=0", company.appKey(), token);
        assertThat(missing.status()).isEqualTo(404);
        assertThat(json(missing).get("Message").asText()).doesNotContain("evil.example")
                .contains("http://127.0.0.1:" + server.port() + "/api/v1.0/equities?pageNumber=0");
    }

    @Test
    void aConfiguredPublicUrlIsTheBaseOfEveryLink() throws Exception {
        Path dir = Files.createTempDirectory("crater-public-url-");
        CraterConfig config = new CraterConfig("127.0.0.1", 0, dir, false, "", "", "", Optional.empty(),
                CraterConfig.TOKEN_TTL_DEFAULT, CraterConfig.INTERIM_TTL_MAX, "https://trading.example.com/broker/",
                Optional.empty(), "", new CraterConfig.Rate(1_000_000, 1_000_000), MarketConfig.DEFAULT);
        try (App app = App.start(Services.open(config))) {
            Company c = app.services().companies.create("Public URL Co");
            app.services().users.create(new UserService.NewUser(c.id(), "pub", TestServer.PASSWORD, "pub@example.com",
                    null, null, User.TwoFactorMethod.NONE, "P", "U"));
            String t = dev.crater.testing.Http.post("http://127.0.0.1:" + app.port() + "/api/token", "Et-App-Key", c.appKey(),
                    "Username", "pub", "Password", TestServer.PASSWORD).text("Token");
            assertPagingLinks(get(app.port(), PAGE, c.appKey(), t), "https://trading.example.com/broker");
            RawHttp.Response r = get(app.port(), "/api/nothing", c.appKey(), t);
            assertThat(json(r).get("Message").asText()).contains("'https://trading.example.com/broker/api/nothing'");
        }
    }

    @Test
    void aMalformedPublicUrlIsRefusedAtStartUp() {
        assertThat(PublicUrl.normalize("")).isEmpty();
        assertThat(PublicUrl.normalize(" https://a.example/ ")).isEqualTo("https://a.example");
        for (String bad : new String[] {"trading.example.com", "ftp://a.example", "https://", "https://u:p@a.example",
                "https://a.example/?x=1", "https://a.example/#top", "http://a b"}) {
            assertThatThrownBy(() -> PublicUrl.normalize(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("CRATER_PUBLIC_URL");
        }
    }
}
