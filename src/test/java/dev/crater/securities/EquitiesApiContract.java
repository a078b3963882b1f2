package dev.crater.securities;

import static dev.crater.securities.SecuritiesApiClient.enc;
import static dev.crater.securities.SecuritiesApiClient.fieldNames;
import static dev.crater.securities.SecuritiesApiClient.list;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.crater.securities.SecuritiesApiClient.Row;
import dev.crater.testing.Http;
import dev.crater.testing.StoreKind;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Goal: the equity routes of reference 06-securities.md over real HTTP, exact to field names and
 * values: {@code /equities/{id}}, {@code /equities/{symbol}}, {@code /equities/lookup}, the paged
 * and filtered {@code /equities} list (the three documented sample filters byte for byte, every
 * operator of the filter language, sorting, paging links, validation), logos, and the legacy
 * {@code /securities} routes.
 *
 * <p>Method: one real server per store with the market clock fixed at 2026-11-18 10:00 New York;
 * expectations come from an independent reading of the shipped data file, not from the server's
 * code. The same contract runs on SQLite ({@link EquitiesApiTest}) and PostgreSQL
 * ({@link SecuritiesPostgresTest}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
abstract class EquitiesApiContract {

    static final List<String> EQUITY_FIELDS = List.of("Id", "Symbol", "Description", "Exchange", "Currency",
            "AddedDate", "ModifyDate", "Type", "Precision", "VolumePrecision", "TickSize", "Enabled", "AllowTrade",
            "AllowMargin", "AllowShort", "ContractSize", "FractionalSettings", "Industry");
    static final List<String> SECURITY_MODEL_FIELDS = List.of("AddedDate", "BaseCurrency", "ContractSize", "Currency",
            "Cusip", "Description", "Exchange", "ExpirationDate", "ExpirationType", "Id", "Industry", "Isin",
            "MarginRate", "ModifyDate", "OptionType", "ParentId", "Precision", "Sector", "Sedol", "SeriesId", "Source",
            "StrikePrice", "Suffix", "Symbol", "TickSize", "Type", "UnderlyingSecuritySymbol", "Unit",
            "VolumePrecision");
    static final String DATE_TIME = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,7})?Z";
    static final String APP_KEY_ERROR = "{\"error\":\"Application key is not defined or does not exist\"}";
    static final String DENIED = "{\"Message\":\"Authorization has been denied for this request.\"}";

    abstract StoreKind store();

    SecuritiesApiClient api;
    List<Row> master;

    @BeforeAll
    void start() {
        master = SecuritiesApiClient.master();
        assertThat(master).hasSize(553);
        api = SecuritiesApiClient.start(store());
    }

    @AfterAll
    void stop() {
        if (api != null) {
            api.close();
        }
    }

    // ---- helpers -------------------------------------------------------------------------------

    /** The paged list with the four required parameters and an optional (raw, already encoded) filter. */
    JsonNode page(int number, int size, String sortField, String desc, String encodedFilter) {
        return api.ok("equities?pageNumber=" + number + "&pageSize=" + size + "&sortField=" + sortField + "&desc="
                + desc + (encodedFilter == null ? "" : "&filter=" + encodedFilter));
    }

    /** All matches of a filter (one page of 1000), sorted by Id ascending. */
    JsonNode all(String filterText) {
        return page(0, 1000, "Id", "false", filterText == null ? null : enc(filterText));
    }

    static List<Integer> ids(JsonNode result) {
        return list(result).stream().map(n -> n.path("Id").asInt()).toList();
    }

    static List<String> symbols(JsonNode result) {
        return list(result).stream().map(n -> n.path("Symbol").asText()).toList();
    }

    List<Integer> expectedIds(Predicate<Row> p) {
        return master.stream().filter(p).map(Row::id).sorted().toList();
    }

    /** Asserts a PagingResult answer holds exactly {@code expected} ids in that order, with no other page. */
    void assertOnlyPage(JsonNode body, List<Integer> expected) {
        assertThat(fieldNames(body)).containsExactlyInAnyOrder("Result", "NextPageLink", "PreviousPageLink",
                "TotalCount");
        assertThat(ids(body.get("Result"))).isEqualTo(expected);
        assertThat(body.get("TotalCount").asInt()).isEqualTo(expected.size());
        assertThat(body.get("NextPageLink").asText()).isEmpty();
        assertThat(body.get("PreviousPageLink").asText()).isEmpty();
    }

    void assertMatches(String filterText, Predicate<Row> expected) {
        JsonNode body = all(filterText);
        assertThat(ids(body.get("Result"))).as("filter %s", filterText).isEqualTo(expectedIds(expected));
        assertThat(body.get("TotalCount").asInt()).as("TotalCount of %s", filterText)
                .isEqualTo(expectedIds(expected).size());
    }

    /** The equity as the data file describes it, with the documented defaults. */
    void assertEquity(JsonNode e, Row row) {
        assertThat(fieldNames(e)).containsExactlyInAnyOrderElementsOf(EQUITY_FIELDS);
        assertThat(e.get("Id").isInt()).isTrue();
        assertThat(e.get("Id").asInt()).isEqualTo(row.id());
        assertThat(e.get("Symbol").asText()).isEqualTo(row.symbol());
        assertThat(e.get("Description").asText()).isEqualTo(row.name());
        assertThat(e.get("Exchange").asText()).isEqualTo(row.exchange());
        assertThat(e.get("Currency").asText()).isEqualTo("USD");
        assertThat(e.get("Type").asText()).isEqualTo(row.type());
        assertThat(e.get("Precision").isInt()).isTrue();
        assertThat(e.get("Precision").asInt()).isEqualTo(2);
        assertThat(e.get("VolumePrecision").asInt()).isEqualTo(0);
        assertThat(SecuritiesApiClient.decimal(e.get("TickSize"))).isEqualByComparingTo("0.01");
        for (String b : List.of("Enabled", "AllowTrade", "AllowMargin", "AllowShort")) {
            assertThat(e.get(b).isBoolean()).as(b).isTrue();
            assertThat(e.get(b).asBoolean()).as(b).isTrue();
        }
        assertThat(e.get("AddedDate").isTextual()).isTrue();
        assertThat(e.get("ModifyDate").isTextual()).isTrue();
        assertThat(e.get("AddedDate").asText()).matches(DATE_TIME);
        assertThat(e.get("ModifyDate").asText()).matches(DATE_TIME);
        Instant added = Instant.parse(e.get("AddedDate").asText());
        Instant modified = Instant.parse(e.get("ModifyDate").asText());
        assertThat(added).isBeforeOrEqualTo(modified);
        assertThat(added).isBefore(SecuritiesApiClient.MARKET_NOW);
    }

    Row row(String symbol) {
        return master.stream().filter(r -> r.symbol().equals(symbol)).findFirst().orElseThrow();
    }

    // ---- /equities/{id} and /equities/{symbol} ------------------------------------------------

    @Test
    void equityByIdIsTheDocumentedResource() {
        JsonNode aapl = api.ok("equities/4");
        assertEquity(aapl, row("AAPL"));
        assertThat(aapl.get("Symbol").asText()).isEqualTo("AAPL");
        assertThat(aapl.get("Description").asText()).isEqualTo("Apple Inc.");
        assertThat(aapl.get("Exchange").asText()).isEqualTo("XNAS");
        assertThat(aapl.get("Type").asText()).isEqualTo("CommonStock");
        assertEquity(api.ok("equities/6"), row("MSFT"));
    }

    @Test
    void everyShippedRowIsServedById() {
        // A handful across the file: first, last, a NYSE stock, an ETF, a dotted symbol.
        for (Row r : List.of(master.get(0), master.get(master.size() - 1), row("BRK.B"),
                master.stream().filter(x -> x.type().equals("ETF")).findFirst().orElseThrow(),
                master.stream().filter(x -> x.exchange().equals("XNYS")).findFirst().orElseThrow())) {
            assertEquity(api.ok("equities/" + r.id()), r);
        }
    }

    @Test
    void equityBySymbolIsTheSameResourceAsById() {
        JsonNode byId = api.ok("equities/4");
        assertThat(api.ok("equities/AAPL")).isEqualTo(byId);
        assertThat(api.ok("equities/aapl")).isEqualTo(byId);
        assertThat(api.ok("equities/AaPl")).isEqualTo(byId);
        assertThat(api.ok("equities/BRK.B").get("Id").asInt()).isEqualTo(row("BRK.B").id());
    }

    @Test
    void currencyAndExchangeNarrowTheSymbolLookup() {
        JsonNode byId = api.ok("equities/4");
        assertThat(api.ok("equities/AAPL?currency=USD")).isEqualTo(byId);
        assertThat(api.ok("equities/AAPL?exchange=XNAS")).isEqualTo(byId);
        assertThat(api.ok("equities/AAPL?currency=USD&exchange=XNAS")).isEqualTo(byId);
        for (String q : List.of("currency=EUR", "exchange=XNYS", "currency=USD&exchange=ARCX", "currency=EUR&exchange=XNAS")) {
            JsonNode body = api.status(404, "equities/AAPL?" + q);
            assertThat(body.path("Message").asText()).as(q).isNotBlank();
        }
        // A NYSE stock is found with its own exchange only.
        Row nyse = master.stream().filter(x -> x.exchange().equals("XNYS")).findFirst().orElseThrow();
        assertThat(api.ok("equities/" + nyse.symbol() + "?exchange=XNYS").get("Id").asInt()).isEqualTo(nyse.id());
        api.status(404, "equities/" + nyse.symbol() + "?exchange=XNAS");
    }

    @Test
    void unknownIdOrSymbolIs404WithAMessage() {
        for (String key : List.of("999999", "0", "554", "ZZZZZZ", "NOPE", "AAPL.X")) {
            JsonNode body = api.status(404, "equities/" + key);
            assertThat(fieldNames(body)).as(key).containsExactly("Message");
            assertThat(body.get("Message").asText()).as(key).isNotBlank();
        }
        JsonNode longKey = api.status(404, "equities/" + "A".repeat(200));
        assertThat(longKey.path("Message").asText()).isNotBlank();
    }

    @Test
    void trailingSlashAndTheV1PrefixAreAccepted() {
        JsonNode byId = api.ok("equities/4");
        assertThat(api.ok("equities/4/")).isEqualTo(byId);
        assertThat(api.ok("equities/AAPL/")).isEqualTo(byId);
        Http.Response v1 = Http.get(api.server.api() + "v1/equities/4", "Et-App-Key", api.company.appKey(),
                "Authorization", "Bearer " + api.token);
        assertThat(v1.status()).isEqualTo(200);
        assertThat(v1.json()).isEqualTo(byId);
        assertThat(api.ok("equities/lookup/?mask=AAPL&count=1").get(0).get("Id").asInt()).isEqualTo(4);
        assertThat(api.ok("equities/?pageNumber=0&pageSize=1&sortField=Id&desc=false").get("TotalCount").asInt())
                .isEqualTo(553);
    }

    @Test
    void missingAppKeyIs403AndMissingTokenIs401() {
        for (String path : List.of("equities/4", "equities/AAPL", "equities/lookup?mask=A&count=1",
                "equities?pageNumber=0&pageSize=1&sortField=Id&desc=false", "equities/AAPL/logo",
                "securities/6", "securities?mask=MSFT&maxCount=1")) {
            Http.Response noKey = Http.get(api.v10 + path, "Authorization", "Bearer " + api.token);
            assertThat(noKey.status()).as(path).isEqualTo(403);
            assertThat(noKey.body()).as(path).isEqualTo(APP_KEY_ERROR);
            Http.Response badKey = Http.get(api.v10 + path, "Et-App-Key", "no-such-key", "Authorization",
                    "Bearer " + api.token);
            assertThat(badKey.status()).as(path).isEqualTo(403);
            Http.Response noToken = Http.get(api.v10 + path, "Et-App-Key", api.company.appKey());
            assertThat(noToken.status()).as(path).isEqualTo(401);
            assertThat(noToken.body()).as(path).isEqualTo(DENIED);
            Http.Response badToken = Http.get(api.v10 + path, "Et-App-Key", api.company.appKey(), "Authorization",
                    "Bearer not-a-token");
            assertThat(badToken.status()).as(path).isEqualTo(401);
            assertThat(badToken.body()).as(path).isEqualTo(DENIED);
        }
    }

    @Test
    void aTokenOfAnotherCompanyIsRefused() {
        var other = api.server.company();
        Http.Response r = Http.get(api.v10 + "equities/4", "Et-App-Key", other.appKey(), "Authorization",
                "Bearer " + api.token);
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.body()).isEqualTo(DENIED);
    }

    // ---- /equities/lookup ----------------------------------------------------------------------

    @Test
    void lookupWinsOverSymbolAndPutsTheExactSymbolFirst() {
        JsonNode r = api.ok("equities/lookup?mask=APP&count=3");
        assertThat(r.isArray()).isTrue();
        assertThat(r).hasSize(3);
        // APP is the exact symbol; AAPL (Apple), AMAT (Applied Materials) match by description.
        assertThat(symbols(r)).containsExactly("APP", "AAPL", "AMAT");
        for (JsonNode e : r) {
            assertEquity(e, row(e.get("Symbol").asText()));
        }
        JsonNode aapl = api.ok("equities/lookup?mask=aapl&count=5");
        assertThat(aapl.get(0).get("Symbol").asText()).isEqualTo("AAPL");
        assertThat(aapl.get(0)).isEqualTo(api.ok("equities/4"));
    }

    @Test
    void lookupSearchesSymbolDescriptionAndExchange() {
        // Every match of APP, no more: symbols, then descriptions.
        JsonNode r = api.ok("equities/lookup?mask=APP&count=1000");
        assertThat(symbols(r)).containsExactlyInAnyOrderElementsOf(master.stream()
                .filter(x -> x.symbol().contains("APP") || x.name().toUpperCase(Locale.ROOT).contains("APP")
                        || x.exchange().contains("APP"))
                .map(Row::symbol).toList());
        // An exchange code finds the securities listed there.
        JsonNode arcx = api.ok("equities/lookup?mask=ARCX&count=1000");
        assertThat(symbols(arcx)).containsExactlyInAnyOrderElementsOf(master.stream()
                .filter(x -> x.exchange().equals("ARCX") || x.symbol().contains("ARCX")
                        || x.name().toUpperCase(Locale.ROOT).contains("ARCX"))
                .map(Row::symbol).toList());
        assertThat(arcx.size()).isGreaterThanOrEqualTo(40);
        // Nothing matches: an empty array.
        assertThat(api.ok("equities/lookup?mask=QQQQQQQQ&count=10")).isEmpty();
    }

    @Test
    void lookupCountLimits() {
        assertThat(api.ok("equities/lookup?mask=A&count=0")).isEmpty();
        assertThat(api.ok("equities/lookup?mask=A&count=1")).hasSize(1);
        JsonNode many = api.ok("equities/lookup?mask=A&count=1000");
        long expected = master.stream().filter(x -> x.symbol().contains("A")
                || x.name().toUpperCase(Locale.ROOT).contains("A") || x.exchange().contains("A")).count();
        assertThat(many.size()).isEqualTo((int) Math.min(1000, expected));
        assertThat(symbols(many)).doesNotHaveDuplicates();
        api.modelState("equities/lookup?mask=A&count=1001", "count");
        api.modelState("equities/lookup?mask=A&count=-1", "count");
        api.modelState("equities/lookup?mask=A&count=abc", "count");
    }

    @Test
    void lookupWithoutMaskOrCountIsTheNoRoute404() {
        api.noRoute("equities/lookup?count=3");
        api.noRoute("equities/lookup?mask=APP");
        api.noRoute("equities/lookup");
    }

    @Test
    void lookupFilterRestrictsByType() {
        JsonNode etfs = api.ok("equities/lookup?mask=S&count=1000&filter=" + enc("Type='ETF'"));
        List<String> expected = master.stream().filter(x -> x.type().equals("ETF"))
                .filter(x -> x.symbol().contains("S") || x.name().toUpperCase(Locale.ROOT).contains("S")
                        || x.exchange().contains("S"))
                .map(Row::symbol).toList();
        assertThat(expected).isNotEmpty();
        assertThat(symbols(etfs)).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(list(etfs)).allSatisfy(e -> assertThat(e.get("Type").asText()).isEqualTo("ETF"));

        JsonNode stocks = api.ok("equities/lookup?mask=S&count=1000&filter="
                + enc("Type in ('MutualFund','CommonStock')"));
        List<String> expectedStocks = master.stream().filter(x -> x.type().equals("CommonStock"))
                .filter(x -> x.symbol().contains("S") || x.name().toUpperCase(Locale.ROOT).contains("S")
                        || x.exchange().contains("S"))
                .map(Row::symbol).toList();
        assertThat(symbols(stocks)).containsExactlyInAnyOrderElementsOf(expectedStocks);
        // The README's example: MutualFund alone matches nothing in a stocks-and-ETFs master.
        assertThat(api.ok("equities/lookup?mask=A&count=10&filter=" + enc("Type='MutualFund'"))).isEmpty();
        // An invalid lookup filter is the 400 of the filter language.
        api.invalidFilter("equities/lookup?mask=A&count=10&filter=" + enc("Type = 'Banana'"));
        api.invalidFilter("equities/lookup?mask=A&count=10&filter=" + enc("Type in ('ETF'"));
    }

    // ---- /equities (paged, filtered) -----------------------------------------------------------

    @Test
    void eachOfTheFourListParametersIsRequired() {
        api.noRoute("equities?pageSize=10&sortField=Id&desc=true");
        api.noRoute("equities?pageNumber=0&sortField=Id&desc=true");
        api.noRoute("equities?pageNumber=0&pageSize=10&desc=true");
        api.noRoute("equities?pageNumber=0&pageSize=10&sortField=Id");
        api.noRoute("equities");
    }

    @Test
    void documentedSampleSymbolIn() {
        // Byte for byte the docs' URL; FB is not listed any more, so three come back, by Id descending.
        JsonNode body = api.ok("equities?pageNumber=0&pageSize=10&sortField=Id&desc=true"
                + "&filter=Symbol%20in%20('AMZN'%2C%20'GOOG'%2C%20'FB'%2C%20'NFLX')");
        assertOnlyPage(body, List.of(row("NFLX").id(), row("AMZN").id(), row("GOOG").id()));
        assertThat(symbols(body.get("Result"))).containsExactly("NFLX", "AMZN", "GOOG");
        for (JsonNode e : body.get("Result")) {
            assertEquity(e, row(e.get("Symbol").asText()));
        }
    }

    @Test
    void documentedSampleAllowTradeFalseIsEmpty() {
        JsonNode body = api.ok("equities?pageNumber=0&pageSize=10&sortField=Id&desc=true"
                + "&filter=AllowTrade%20%3D%20false");
        assertOnlyPage(body, List.of());
        assertThat(body.get("Result").isArray()).isTrue();
        assertThat(body.get("TotalCount").asInt()).isZero();
    }

    @Test
    void documentedSampleExchangeXnas() {
        JsonNode body = api.ok("equities?pageNumber=0&pageSize=10&sortField=Id&desc=true"
                + "&filter=Exchange%20%3D%20'XNAS'");
        List<Integer> xnas = expectedIds(r -> r.exchange().equals("XNAS"));
        assertThat(xnas).hasSize(170);
        assertThat(body.get("TotalCount").asInt()).isEqualTo(170);
        assertThat(ids(body.get("Result"))).isEqualTo(xnas.reversed().subList(0, 10));
        assertThat(list(body.get("Result"))).allSatisfy(e -> assertThat(e.get("Exchange").asText()).isEqualTo("XNAS"));
        assertThat(body.get("NextPageLink").asText()).contains("pageNumber=1");
        assertThat(body.get("PreviousPageLink").asText()).isEmpty();
    }

    @Test
    void andOrNotAndParentheses() {
        assertMatches("Exchange = 'XNAS' and Type = 'ETF'", r -> r.exchange().equals("XNAS") && r.type().equals("ETF"));
        assertMatches("Exchange = 'ARCX' and Type = 'ETF'", r -> r.exchange().equals("ARCX") && r.type().equals("ETF"));
        assertMatches("Symbol = 'AAPL' or Symbol = 'MSFT'", r -> r.symbol().equals("AAPL") || r.symbol().equals("MSFT"));
        assertMatches("not (Exchange = 'XNYS')", r -> !r.exchange().equals("XNYS"));
        assertMatches("not Exchange = 'XNYS' and Type = 'ETF'", r -> !r.exchange().equals("XNYS") && r.type().equals("ETF"));
        assertMatches("(Exchange = 'BATS' or Exchange = 'ARCX') and not (Type = 'CommonStock')",
                r -> (r.exchange().equals("BATS") || r.exchange().equals("ARCX")) && !r.type().equals("CommonStock"));
        assertMatches("Id = 4 or Id = 6 and Exchange = 'XNYS'", r -> r.id() == 4); // and binds tighter than or
        assertMatches("Symbol = 'AAPL' AND Exchange = 'XNAS' OR Symbol = 'MSFT'",
                r -> r.symbol().equals("AAPL") || r.symbol().equals("MSFT")); // keywords in any case
        assertThat(expectedIds(r -> !r.exchange().equals("XNYS"))).hasSize(553 - 341);
    }

    @Test
    void comparisonsAndBetweenOnId() {
        assertMatches("Id between 10 and 19", r -> r.id() >= 10 && r.id() <= 19);
        assertMatches("Id < 5", r -> r.id() < 5);
        assertMatches("Id <= 5", r -> r.id() <= 5);
        assertMatches("Id > 550", r -> r.id() > 550);
        assertMatches("Id >= 550", r -> r.id() >= 550);
        assertMatches("Id = 4", r -> r.id() == 4);
        assertMatches("Id != 4", r -> r.id() != 4);
        assertMatches("Id <> 4", r -> r.id() != 4);
        assertMatches("Id in (4, 6, 99999)", r -> r.id() == 4 || r.id() == 6);
        assertMatches("Id between 19 and 10", r -> false);
    }

    @Test
    void textOperatorsAndCaseOfValues() {
        assertMatches("Symbol startsWith 'AA'", r -> r.symbol().startsWith("AA"));
        assertMatches("Symbol endsWith 'L'", r -> r.symbol().endsWith("L"));
        assertMatches("Description contains 'Inc.'", r -> r.name().contains("Inc."));
        assertMatches("Symbol in ('AAPL','TSLA')", r -> r.symbol().equals("AAPL") || r.symbol().equals("TSLA"));
        assertMatches("Currency = 'USD'", r -> true);
        assertMatches("Currency = 'EUR'", r -> false);
        assertMatches("Exchange = 'xnas'", r -> r.exchange().equals("XNAS"));
    }

    @Test
    void booleanFields() {
        for (String f : List.of("Enabled", "AllowTrade", "AllowMargin", "AllowShort")) {
            assertMatches(f + " = true", r -> true);
            assertMatches(f + " = false", r -> false);
            assertMatches(f + " != false", r -> true);
        }
    }

    @Test
    void dateFilters() {
        assertMatches("AddedDate > #2020-01-01T00:00:00Z#", r -> true);
        assertMatches("AddedDate < #2020-01-01T00:00:00Z#", r -> false);
        assertMatches("ModifyDate >= #2020-01-01T00:00:00Z#", r -> true);
        assertMatches("AddedDate > #2099-01-01T00:00:00Z#", r -> false);
        assertMatches("AddedDate between #2020-01-01T00:00:00Z# and #2026-11-18T15:00:00Z#", r -> true);
        assertMatches("AddedDate > #2020-01-01T00:00:00#", r -> true); // no offset: UTC, as the docs' examples
        // The bound is the equity's own AddedDate: > excludes it, >= includes it.
        String added = api.ok("equities/4").get("AddedDate").asText();
        JsonNode strictly = all("Id = 4 and AddedDate > #" + added + "#");
        assertThat(strictly.get("TotalCount").asInt()).isZero();
        JsonNode orEqual = all("Id = 4 and AddedDate >= #" + added + "#");
        assertThat(ids(orEqual.get("Result"))).containsExactly(4);
    }

    @Test
    void typeByNumberOrName() {
        assertMatches("Type = 37", r -> r.type().equals("ETF"));
        assertMatches("Type = 'ETF'", r -> r.type().equals("ETF"));
        assertMatches("Type = 'etf'", r -> r.type().equals("ETF"));
        assertMatches("Type = 6", r -> r.type().equals("CommonStock"));
        assertMatches("Type in (6, 37)", r -> true);
        assertMatches("Type != 37", r -> r.type().equals("CommonStock"));
        assertThat(expectedIds(r -> r.type().equals("ETF"))).hasSize(50);
    }

    @Test
    void sortBySymbolAscendingAndDescending() {
        List<String> expected = master.stream().map(Row::symbol)
                .sorted(Comparator.comparing((String s) -> s.toLowerCase(Locale.ROOT))).toList();
        JsonNode asc = page(0, 1000, "Symbol", "false", null);
        assertThat(symbols(asc.get("Result"))).isEqualTo(expected);
        JsonNode desc = page(0, 1000, "Symbol", "true", null);
        assertThat(symbols(desc.get("Result"))).isEqualTo(expected.reversed());
        // Sort field name in any case; desc=True, TRUE, False accepted.
        assertThat(symbols(page(0, 5, "symbol", "True", null).get("Result"))).isEqualTo(expected.reversed().subList(0, 5));
        assertThat(symbols(page(0, 5, "SYMBOL", "TRUE", null).get("Result"))).isEqualTo(expected.reversed().subList(0, 5));
        assertThat(symbols(page(0, 5, "Symbol", "False", null).get("Result"))).isEqualTo(expected.subList(0, 5));
        // By Id descending.
        assertThat(ids(page(0, 3, "Id", "true", null).get("Result"))).containsExactly(553, 552, 551);
        // By Type: CommonStock (6) before ETF (37) by name; ties by Id.
        JsonNode byType = page(0, 1000, "Type", "false", null);
        List<String> types = list(byType.get("Result")).stream().map(n -> n.get("Type").asText()).toList();
        assertThat(types.subList(0, 503)).containsOnly("CommonStock");
        assertThat(types.subList(503, 553)).containsOnly("ETF");
    }

    @Test
    void invalidSortOrDescIs422() {
        api.modelState("equities?pageNumber=0&pageSize=10&sortField=Nope&desc=false", "sortField");
        api.modelState("equities?pageNumber=0&pageSize=10&sortField=Id&desc=maybe", "desc");
    }

    @Test
    void pagingTotalsSizesAndLinks() {
        String base = "http://127.0.0.1:" + api.server.port() + "/api/v1.0/equities";
        JsonNode p0 = page(0, 100, "Id", "false", null);
        assertThat(p0.get("TotalCount").asInt()).isEqualTo(553);
        assertThat(ids(p0.get("Result"))).isEqualTo(expectedIds(r -> r.id() <= 100));
        SecuritiesApiClient.assertLink(p0.get("NextPageLink").asText(), base,
                java.util.Map.of("pageNumber", "1", "pageSize", "100", "sortField", "Id", "desc", "false"));
        assertThat(p0.get("PreviousPageLink").asText()).isEmpty();

        JsonNode p2 = page(2, 100, "Id", "false", null);
        assertThat(ids(p2.get("Result"))).isEqualTo(expectedIds(r -> r.id() > 200 && r.id() <= 300));
        assertThat(p2.get("NextPageLink").asText()).startsWith(base).contains("pageNumber=3");
        assertThat(p2.get("PreviousPageLink").asText()).startsWith(base).contains("pageNumber=1");

        JsonNode last = page(5, 100, "Id", "false", null);
        assertThat(ids(last.get("Result"))).isEqualTo(expectedIds(r -> r.id() > 500));
        assertThat(last.get("Result")).hasSize(53);
        assertThat(last.get("NextPageLink").asText()).isEmpty();
        SecuritiesApiClient.assertLink(last.get("PreviousPageLink").asText(), base,
                java.util.Map.of("pageNumber", "4", "pageSize", "100", "sortField", "Id", "desc", "false"));

        JsonNode beyond = page(6, 100, "Id", "false", null);
        assertThat(beyond.get("Result")).isEmpty();
        assertThat(beyond.get("TotalCount").asInt()).isEqualTo(553);
        assertThat(beyond.get("NextPageLink").asText()).isEmpty();
        JsonNode far = page(1000, 100, "Id", "false", null);
        assertThat(far.get("Result")).isEmpty();
        assertThat(far.get("TotalCount").asInt()).isEqualTo(553);

        // Exactly full last page: no next link.
        JsonNode exact = page(0, 553, "Id", "false", null);
        assertThat(exact.get("Result")).hasSize(553);
        assertThat(exact.get("NextPageLink").asText()).isEmpty();
        assertThat(page(0, 552, "Id", "false", null).get("NextPageLink").asText()).contains("pageNumber=1");
    }

    @Test
    void followingNextPageLinksWalksTheWholeFilteredList() {
        String filter = "Exchange = 'XNAS'";
        JsonNode p = page(0, 60, "Symbol", "false", enc(filter));
        List<String> seen = new ArrayList<>(symbols(p.get("Result")));
        int pages = 1;
        while (!p.get("NextPageLink").asText().isEmpty()) {
            String next = p.get("NextPageLink").asText();
            SecuritiesApiClient.assertLink(next, "http://127.0.0.1:" + api.server.port() + "/api/v1.0/equities",
                    java.util.Map.of("pageNumber", String.valueOf(pages), "pageSize", "60", "sortField", "Symbol",
                            "desc", "false", "filter", filter));
            Http.Response r = api.getAbsolute(next);
            assertThat(r.status()).as(next).isEqualTo(200);
            p = r.json();
            assertThat(p.get("PreviousPageLink").asText()).contains("pageNumber=" + (pages - 1));
            seen.addAll(symbols(p.get("Result")));
            pages++;
        }
        assertThat(pages).isEqualTo(3);
        assertThat(seen).isEqualTo(master.stream().filter(r -> r.exchange().equals("XNAS")).map(Row::symbol)
                .sorted().toList());
        // Walking back from the last page with PreviousPageLink.
        Http.Response back = api.getAbsolute(p.get("PreviousPageLink").asText());
        assertThat(back.status()).isEqualTo(200);
        assertThat(symbols(back.json().get("Result"))).isEqualTo(seen.subList(60, 120));
    }

    @Test
    void linksKeepTheV1PrefixTheClientUsed() {
        Http.Response r = Http.get(api.server.api() + "v1/equities?pageNumber=0&pageSize=10&sortField=Id&desc=false",
                "Et-App-Key", api.company.appKey(), "Authorization", "Bearer " + api.token);
        assertThat(r.status()).isEqualTo(200);
        SecuritiesApiClient.assertLink(r.json().get("NextPageLink").asText(), api.server.api() + "v1/equities",
                java.util.Map.of("pageNumber", "1", "pageSize", "10", "sortField", "Id", "desc", "false"));
    }

    @Test
    void invalidFiltersAre400NamingThePosition() {
        String q = "equities?pageNumber=0&pageSize=10&sortField=Id&desc=false&filter=";
        api.invalidFilter(q + "Exchange%20%3D%20");
        api.invalidFilter(q + enc("Foo = 1"));
        api.invalidFilter(q + enc("Symbol = 5"));
        api.invalidFilter(q + enc("(Symbol = 'AAPL'"));
        api.invalidFilter(q + enc("Symbol = 'AAPL')"));
        api.invalidFilter(q + enc("Symbol in ('AAPL', 'MSFT'"));
        api.invalidFilter(q + enc("Symbol = 'AAPL"));
        api.invalidFilter(q + enc("Id between 1"));
        api.invalidFilter(q + enc("Id = 'x'"));
        api.invalidFilter(q + enc("AllowTrade > true"));
        api.invalidFilter(q + enc("AddedDate > 5"));
        api.invalidFilter(q + enc("AddedDate > #not a date#"));
        api.invalidFilter(q + enc("Type = 99"));
        api.invalidFilter(q + enc("Symbol = AAPL"));
        api.invalidFilter(q + enc("Id = 4 and"));
        api.invalidFilter(q + enc("Id = 4 xor Id = 5"));
        JsonNode body = api.status(400, q + enc("Foo = 1"));
        assertThat(fieldNames(body)).containsExactly("Message");
    }

    @Test
    void pageSizeAndPageNumberValidation() {
        api.modelState("equities?pageNumber=0&pageSize=0&sortField=Id&desc=false", "pageSize");
        api.modelState("equities?pageNumber=0&pageSize=1001&sortField=Id&desc=false", "pageSize");
        api.modelState("equities?pageNumber=0&pageSize=-5&sortField=Id&desc=false", "pageSize");
        api.modelState("equities?pageNumber=abc&pageSize=10&sortField=Id&desc=false", "pageNumber");
        api.modelState("equities?pageNumber=-1&pageSize=10&sortField=Id&desc=false", "pageNumber");
        api.modelState("equities?pageNumber=0&pageSize=ten&sortField=Id&desc=false", "pageSize");
        assertThat(page(0, 1000, "Id", "false", null).get("Result")).hasSize(553);
        assertThat(page(0, 1, "Id", "false", null).get("Result")).hasSize(1);
    }

    // ---- /equities/{symbol}/logo ---------------------------------------------------------------

    @Test
    void logoIsA64By64Png() throws IOException, InterruptedException {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        byte[] first = null;
        for (String key : List.of("AAPL", "aapl", "4")) {
            HttpRequest req = HttpRequest.newBuilder(URI.create(api.v10 + "equities/" + key + "/logo"))
                    .header("Et-App-Key", api.company.appKey()).header("Authorization", "Bearer " + api.token)
                    .timeout(Duration.ofSeconds(30)).GET().build();
            HttpResponse<byte[]> r = client.send(req, HttpResponse.BodyHandlers.ofByteArray());
            assertThat(r.statusCode()).as(key).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type").orElse("")).as(key).startsWith("image/png");
            byte[] png = r.body();
            assertThat(png).as(key).startsWith((byte) 0x89, (byte) 'P', (byte) 'N', (byte) 'G', (byte) 0x0D,
                    (byte) 0x0A, (byte) 0x1A, (byte) 0x0A);
            BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
            assertThat(img).as(key).isNotNull();
            assertThat(img.getWidth()).isEqualTo(64);
            assertThat(img.getHeight()).isEqualTo(64);
            if (first == null) {
                first = png;
            } else {
                assertThat(png).as("the same logo for %s", key).isEqualTo(first);
            }
        }
        JsonNode missing = api.status(404, "equities/ZZZZZZ/logo");
        assertThat(missing.path("Message").asText()).isNotBlank();
    }

    // ---- legacy /securities --------------------------------------------------------------------

    void assertEquitySecurityModel(JsonNode m, Row row) {
        assertThat(fieldNames(m)).containsExactlyInAnyOrderElementsOf(SECURITY_MODEL_FIELDS);
        assertThat(m.get("Id").asInt()).isEqualTo(row.id());
        assertThat(m.get("Symbol").asText()).isEqualTo(row.symbol());
        assertThat(m.get("Description").asText()).isEqualTo(row.name());
        assertThat(m.get("Exchange").asText()).isEqualTo(row.exchange());
        assertThat(m.get("Currency").asText()).isEqualTo("USD");
        assertThat(m.get("Type").asText()).isEqualTo(row.type());
        assertThat(m.get("Source").isInt()).isTrue();
        assertThat(m.get("Source").asInt()).isEqualTo(0);
        assertThat(m.get("ParentId").asInt()).isEqualTo(-1);
        assertThat(m.get("OptionType").asText()).isEqualTo("Undefined");
        assertThat(m.get("ExpirationType").asText()).isEqualTo("Undefined");
        assertThat(m.get("ExpirationDate").asText()).isEqualTo("0001-01-01T00:00:00Z");
        assertThat(SecuritiesApiClient.decimal(m.get("StrikePrice"))).isEqualByComparingTo(BigDecimal.ZERO);
        assertThat(m.get("SeriesId").asInt()).isEqualTo(-1);
        assertThat(SecuritiesApiClient.decimal(m.get("ContractSize"))).isEqualByComparingTo(BigDecimal.ONE);
        assertThat(SecuritiesApiClient.decimal(m.get("MarginRate"))).isEqualByComparingTo(BigDecimal.ZERO);
        assertThat(SecuritiesApiClient.decimal(m.get("TickSize"))).isEqualByComparingTo("0.01");
        assertThat(m.get("Precision").asInt()).isEqualTo(2);
        assertThat(m.get("VolumePrecision").asInt()).isEqualTo(0);
        assertThat(m.get("AddedDate").asText()).matches(DATE_TIME);
        assertThat(m.get("ModifyDate").asText()).matches(DATE_TIME);
    }

    @Test
    void legacySecuritiesByMask() {
        JsonNode r = api.ok("securities?mask=MSFT&maxCount=2");
        assertThat(r.isArray()).isTrue();
        assertThat(r.size()).isBetween(1, 2);
        assertEquitySecurityModel(r.get(0), row("MSFT"));
        assertThat(r.get(0).get("Id").asInt()).isEqualTo(6);
        assertThat(api.ok("securities?mask=A&maxCount=2")).hasSize(2);
        assertThat(api.ok("securities?mask=A&maxCount=0")).isEmpty();
        api.noRoute("securities?mask=MSFT");
        api.noRoute("securities?maxCount=2");
        api.modelState("securities?mask=MSFT&maxCount=x", "maxCount");
    }

    @Test
    void legacySecurityById() {
        JsonNode msft = api.ok("securities/6");
        assertEquitySecurityModel(msft, row("MSFT"));
        assertThat(msft.get("Symbol").asText()).isEqualTo("MSFT");
        assertThat(api.ok("securities/6/")).isEqualTo(msft);
        assertEquitySecurityModel(api.ok("securities/4"), row("AAPL"));
        JsonNode bad = api.status(422, "securities/abc");
        assertThat(bad.get("Message").asText()).isEqualTo("Validation error occured while processing entity");
        assertThat(bad.get("ModelState").get("securityId").get(0).asText())
                .isEqualTo("The value 'abc' is not valid for Int32.");
        assertThat(api.status(404, "securities/999999").path("Message").asText()).isNotBlank();
    }

    // ---- findings ------------------------------------------------------------------------------

    @Test
    void missingParameterNoRouteNamesTheAbsoluteUri() {
        JsonNode body = api.status(404, "equities/lookup?count=3");
        assertThat(body.get("Message").asText()).isEqualTo("No HTTP resource was found that matches the request URI '"
                + api.v10 + "equities/lookup?count=3'.");
    }
}
