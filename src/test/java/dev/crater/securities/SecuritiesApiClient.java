package dev.crater.securities;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.crater.companies.Company;
import dev.crater.testing.Http;
import dev.crater.testing.StoreKind;
import dev.crater.testing.TestServer;
import dev.crater.users.User;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What the securities end-to-end tests share: a real server on its own store with the market clock
 * fixed at {@link #MARKET_NOW} (Wednesday 2026-11-18, 10:00 New York, regular session), one
 * logged-in user, GET helpers with the two required headers, and an independent reading of the
 * shipped data file ({@code securities/us-listed.csv}) as the oracle for the list and filter tests.
 */
final class SecuritiesApiClient implements AutoCloseable {

    /** Market time of every securities test; "today" is 2026-11-18 in New York. */
    static final Instant MARKET_NOW = Instant.parse("2026-11-18T15:00:00Z");
    static final LocalDate TODAY = LocalDate.of(2026, 11, 18);

    final TestServer server;
    final Company company;
    final String token;
    /** {@code http://127.0.0.1:<port>/api/v1.0/}. */
    final String v10;

    private SecuritiesApiClient(TestServer server) {
        this.server = server;
        server.clock.set(MARKET_NOW);
        this.company = server.company();
        String name = TestServer.username("sec");
        server.user(company, name, null, User.TwoFactorMethod.NONE);
        this.token = server.login(company, name);
        this.v10 = server.api() + "v1.0/";
    }

    static SecuritiesApiClient start(StoreKind store) {
        return new SecuritiesApiClient(TestServer.start(store));
    }

    /** GET {@code v1.0/<path>} with the app key and the bearer token. */
    Http.Response get(String pathAndQuery) {
        return Http.get(v10 + pathAndQuery, "Et-App-Key", company.appKey(), "Authorization", "Bearer " + token);
    }

    /** GET an absolute URL (e.g. a NextPageLink) with the app key and the bearer token. */
    Http.Response getAbsolute(String url) {
        return Http.get(url, "Et-App-Key", company.appKey(), "Authorization", "Bearer " + token);
    }

    /** GET that must answer 200 with JSON. */
    JsonNode ok(String pathAndQuery) {
        Http.Response r = get(pathAndQuery);
        assertThat(r.status()).as("GET %s -> %s", pathAndQuery, brief(r.body())).isEqualTo(200);
        return r.json();
    }

    /** GET that must answer {@code status}; returns the JSON body. */
    JsonNode status(int status, String pathAndQuery) {
        Http.Response r = get(pathAndQuery);
        assertThat(r.status()).as("GET %s -> %s", pathAndQuery, brief(r.body())).isEqualTo(status);
        return r.json();
    }

    /** A body cut short for assertion messages. */
    static String brief(String body) {
        return body.length() <= 600 ? body : body.substring(0, 600) + "… (" + body.length() + " characters)";
    }

    /** A GET whose answer must be a 400 naming the filter position. */
    void invalidFilter(String pathAndQuery) {
        JsonNode body = status(400, pathAndQuery);
        assertThat(body.path("Message").asText()).as("400 body of %s", pathAndQuery).contains("position");
    }

    /** A GET whose answer must be the 422 ModelState naming {@code key}. */
    void modelState(String pathAndQuery, String key) {
        JsonNode body = status(422, pathAndQuery);
        assertThat(body.path("Message").asText()).isEqualTo("Validation error occured while processing entity");
        assertThat(body.path("ModelState").has(key)).as("ModelState of %s: %s", pathAndQuery, body).isTrue();
        assertThat(body.path("ModelState").path(key).isArray()).isTrue();
        assertThat(body.path("ModelState").path(key).size()).isPositive();
    }

    /** A GET whose required parameters are missing: the documented "no HTTP resource" 404. */
    void noRoute(String pathAndQuery) {
        JsonNode body = status(404, pathAndQuery);
        String path = pathAndQuery.contains("?") ? pathAndQuery.substring(0, pathAndQuery.indexOf('?')) : pathAndQuery;
        assertThat(body.path("Message").asText())
                .startsWith("No HTTP resource was found that matches the request URI '")
                .endsWith("'.")
                .contains("/api/v1.0/" + path);
        assertThat(fieldNames(body)).containsExactly("Message");
    }

    /** URL-encodes a query value the way the docs' samples do (spaces as %20). */
    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /**
     * Asserts an absolute paging link: {@code expectedBase} (scheme, host, port, path) and exactly
     * these decoded query parameters, in any order.
     */
    static void assertLink(String link, String expectedBase, java.util.Map<String, String> params) {
        assertThat(link).startsWith(expectedBase + "?");
        java.util.Map<String, String> actual = new java.util.LinkedHashMap<>();
        for (String pair : link.substring(expectedBase.length() + 1).split("&")) {
            int eq = pair.indexOf('=');
            String name = java.net.URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            assertThat(actual.put(name, value)).as("parameter %s once in %s", name, link).isNull();
        }
        assertThat(actual).as(link).isEqualTo(params);
    }

    static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    static List<JsonNode> list(JsonNode array) {
        assertThat(array.isArray()).as("an array: %s", array).isTrue();
        List<JsonNode> out = new ArrayList<>();
        array.forEach(out::add);
        return out;
    }

    static BigDecimal decimal(JsonNode n) {
        assertThat(n.isNumber()).as("a JSON number: %s", n).isTrue();
        return n.decimalValue();
    }

    @Override
    public void close() {
        server.close();
    }

    // ---- oracle: the shipped data file, read independently -------------------------------------

    /** One row of {@code us-listed.csv}. */
    record Row(int id, String symbol, String name, String exchange, String type, BigDecimal price, boolean optionable) {
    }

    static List<Row> master() {
        try (InputStream in = SecuritiesApiClient.class.getResourceAsStream("/securities/us-listed.csv")) {
            assertThat(in).as("securities/us-listed.csv on the classpath").isNotNull();
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            assertThat(r.readLine()).isEqualTo("id,symbol,name,exchange,type,price,optionable");
            List<Row> rows = new ArrayList<>();
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                List<String> f = new ArrayList<>();
                StringBuilder cur = new StringBuilder();
                boolean quoted = false;
                for (char c : line.toCharArray()) {
                    if (c == '"') {
                        quoted = !quoted;
                    } else if (c == ',' && !quoted) {
                        f.add(cur.toString());
                        cur.setLength(0);
                    } else {
                        cur.append(c);
                    }
                }
                f.add(cur.toString());
                rows.add(new Row(Integer.parseInt(f.get(0)), f.get(1), f.get(2), f.get(3), f.get(4),
                        new BigDecimal(f.get(5)), Boolean.parseBoolean(f.get(6))));
            }
            return rows;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- oracle: the listing calendar, computed independently ----------------------------------

    /** NYSE full-day holidays that fall on a Friday between 2026-11-18 and 2027-11-18. */
    static final Set<LocalDate> FRIDAY_HOLIDAYS = Set.of(
            LocalDate.of(2026, 12, 25),  // Christmas
            LocalDate.of(2027, 1, 1),    // New Year's Day
            LocalDate.of(2027, 3, 26),   // Good Friday
            LocalDate.of(2027, 6, 18));  // Juneteenth (Saturday 19th) observed

    /** An expected expiration: its date, the Friday of its week, and its documented type. */
    record Expected(LocalDate date, LocalDate friday, String type, int week) {
    }

    /**
     * Every Friday (Thursday when the Friday is a holiday) from {@code today} to 52 weeks ahead;
     * third Fridays are Regular, the others Weekly; week numbers count Fridays from 2025-01-03.
     */
    static List<Expected> expectedExpirations(LocalDate today) {
        List<Expected> out = new ArrayList<>();
        for (LocalDate friday = today.with(TemporalAdjusters.nextOrSame(DayOfWeek.FRIDAY));
                !friday.isAfter(today.plusWeeks(52)); friday = friday.plusWeeks(1)) {
            LocalDate d = FRIDAY_HOLIDAYS.contains(friday) ? friday.minusDays(1) : friday;
            if (d.isBefore(today)) {
                continue;
            }
            boolean third = friday.equals(friday.with(TemporalAdjusters.dayOfWeekInMonth(3, DayOfWeek.FRIDAY)));
            int week = (int) ChronoUnit.WEEKS.between(LocalDate.of(2025, 1, 3), friday);
            out.add(new Expected(d, friday, third ? "Regular" : "Weekly", week));
        }
        return out;
    }

    /** The OSI symbol: root padded to 6, YYMMDD, C/P, strike × 1000 in 8 digits. */
    static String osi(String root, LocalDate expiration, String right, BigDecimal strike) {
        StringBuilder s = new StringBuilder(root);
        while (s.length() < 6) {
            s.append(' ');
        }
        s.append(String.format("%02d%02d%02d", expiration.getYear() % 100, expiration.getMonthValue(),
                expiration.getDayOfMonth()));
        s.append(right.equals("Call") ? 'C' : 'P');
        s.append(String.format("%08d", strike.movePointRight(3).longValueExact()));
        return s.toString();
    }
}
