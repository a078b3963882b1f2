package dev.crater.apidocs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crater.testing.Http;
import dev.crater.testing.RawHttp;
import dev.crater.testing.StoreKind;
import dev.crater.testing.TestServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Goal: {@code /api/docs} is a working reference served from the jar, safely: its page points
 * Swagger UI at {@code /api/openapi.json}, every file the page loads is served with its content type
 * and the page's Content-Security-Policy, no credentials are needed, and nothing but those files can
 * be reached through it (traversal in any encoding is the documented 404).
 *
 * <p>Method: one real server; the page is fetched over HTTP and every {@code src}/{@code href} in it
 * is fetched in turn; traversal attempts go as raw request lines, so that no client library
 * normalises them first.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ApiDocsTest {
    private static final Pattern LINK = Pattern.compile("(?:src|href)=\"([^\"]+)\"");

    TestServer server;

    @BeforeAll
    void start() {
        server = TestServer.start(StoreKind.SQLITE);
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    String base() {
        return "http://127.0.0.1:" + server.port();
    }

    @Test
    void thePageLoadsSwaggerUiOverTheDescription() {
        for (String path : List.of("/api/docs", "/api/docs/", "/api/docs/index.html")) {
            Http.Response page = Http.get(base() + path);
            assertThat(page.status()).as(path).isEqualTo(200);
            assertThat(page.header("Content-Type")).isEqualTo("text/html; charset=utf-8");
            assertThat(page.header("Content-Security-Policy")).isEqualTo(ApiDocsRoutes.POLICY)
                    .contains("default-src 'none'").contains("script-src 'self'").doesNotContain("unsafe");
            assertThat(page.header("X-Content-Type-Options")).isEqualTo("nosniff");
            assertThat(page.body()).contains("<div id=\"swagger-ui\">").doesNotContain("<script>")
                    .doesNotContain("http://").doesNotContain("https://");
        }
        Http.Response init = Http.get(base() + "/api/docs/initializer.js");
        assertThat(init.body()).contains("url: \"/api/openapi.json\"").contains("validatorUrl: null");
        assertThat(Http.get(base() + "/api/openapi.json").status()).isEqualTo(200);
    }

    @Test
    void everyFileThePageLoadsIsServedWithItsType() {
        String page = Http.get(base() + "/api/docs").body();
        Map<String, String> types = Map.of(".js", "text/javascript; charset=utf-8", ".css", "text/css; charset=utf-8",
                ".png", "image/png");
        List<String> links = new ArrayList<>();
        Matcher m = LINK.matcher(page);
        while (m.find()) {
            if (m.group(1).startsWith("/api/docs/")) {
                links.add(m.group(1));
            }
        }
        assertThat(links).contains("/api/docs/swagger-ui-bundle.js", "/api/docs/swagger-ui.css", "/api/docs/initializer.js");
        for (String link : links) {
            Http.Response r = Http.get(base() + link, "Et-App-Key", "not-a-key");
            assertThat(r.status()).as(link).isEqualTo(200);
            String type = types.get(link.substring(link.lastIndexOf('.')));
            assertThat(r.header("Content-Type")).as(link).isEqualTo(type);
            assertThat(r.header("Content-Security-Policy")).as(link).isEqualTo(ApiDocsRoutes.POLICY);
            assertThat(r.body()).as(link).isNotEmpty();
        }
        String bundle = Http.get(base() + "/api/docs/swagger-ui-bundle.js").body();
        assertThat(bundle.length()).as("the Swagger UI bundle itself").isGreaterThan(1_000_000);
        assertThat(bundle).contains("SwaggerUIBundle");
    }

    @Test
    void filesAreTaggedAndRevalidated() {
        Http.Response r = Http.get(base() + "/api/docs/swagger-ui.css");
        assertThat(r.header("ETag")).matches("\"[0-9a-f]{32}\"");
        assertThat(r.header("Cache-Control")).isEqualTo("no-cache");
        Http.Response again = Http.get(base() + "/api/docs/swagger-ui.css", "If-None-Match", r.header("ETag"));
        assertThat(again.status()).isEqualTo(304);
        assertThat(again.body()).isEmpty();
    }

    @Test
    void onlyTheReferencesFilesExist() {
        for (String name : List.of("swagger-initializer.js", "swagger-ui.js", "oauth2-redirect.html", "nope.css", "INDEX.HTML",
                "crater-additions.json", "logback.xml")) {
            Http.Response r = Http.get(base() + "/api/docs/" + name);
            assertThat(r.status()).as(name).isEqualTo(404);
            assertThat(r.body()).as(name).contains("No HTTP resource was found");
        }
        assertThat(Http.send("POST", base() + "/api/docs/swagger-ui.css", "x").status()).as("GET only").isEqualTo(404);
    }

    @Test
    void traversalInAnyEncodingIsNotFound() {
        List<String> targets = List.of(
                "/api/docs/../../logback.xml",
                "/api/docs/../openapi.json/../../dev/crater/App.class",
                "/api/docs/%2e%2e/%2e%2e/logback.xml",
                "/api/docs/..%2f..%2flogback.xml",
                "/api/docs/%2e%2e%2f%2e%2e%2fMETA-INF%2fMANIFEST.MF",
                "/api/docs/..%5c..%5clogback.xml",
                "/api/docs/swagger-ui.css%00.html",
                "/api/docs/%252e%252e%252flogback.xml",
                "/api/docs//etc/passwd",
                "/api/docs/apidocs/crater-additions.json",
                "/api/docs/META-INF/resources/webjars/swagger-ui/5.35.0/swagger-ui.js",
                "/api/docs/swagger-ui.css/",
                "/api/docs/swagger-ui.css/x");
        for (String target : targets) {
            RawHttp.Response r = RawHttp.send(server.port(), "GET " + target + " HTTP/1.1\r\nHost: localhost\r\n"
                    + "Connection: close\r\n\r\n");
            assertThat(r.status()).as(target + "\n" + r.head()).isEqualTo(404);
            assertThat(r.body()).as(target).contains("No HTTP resource was found");
            assertThat(r.body()).as(target).doesNotContain("<configuration").doesNotContain("Manifest-Version")
                    .doesNotContain("\"operations\"").doesNotContain("SwaggerUIBundle");
        }
    }
}
