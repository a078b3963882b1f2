package dev.crater.securities;

import static dev.crater.securities.SecuritiesApiClient.decimal;
import static dev.crater.securities.SecuritiesApiClient.enc;
import static dev.crater.securities.SecuritiesApiClient.fieldNames;
import static dev.crater.securities.SecuritiesApiClient.list;
import static dev.crater.securities.SecuritiesApiClient.osi;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.crater.securities.SecuritiesApiClient.Expected;
import dev.crater.testing.Http;
import dev.crater.testing.StoreKind;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Goal: the option routes of reference 06-securities.md over real HTTP: expirations, the option
 * chain with and without the documented filter terms, options by id and by OSI symbol (padded and
 * unpadded), the documented 409 for an underlying where an option is expected, the paged and
 * filtered options list, ids that are the same on every server, and options through the legacy
 * {@code /securities/{id}} route.
 *
 * <p>Method: one real SQLite server with the market clock fixed at Wednesday 2026-11-18 10:00 New
 * York. The expected expirations are computed here from the documented listing rule and a
 * hand-written list of the NYSE holidays that fall on Fridays in the next 52 weeks; contracts are
 * taken from the server's own chain and then looked up every other way, which must agree.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class OptionsApiTest {

    static final List<String> OPTION_FIELDS = List.of("Id", "Symbol", "Description", "Exchange", "Currency",
            "AddedDate", "ModifyDate", "Type", "Precision", "VolumePrecision", "TickSize", "Enabled", "AllowTrade",
            "AllowMargin", "AllowShort", "OptionType", "ExpirationType", "ExpirationDate", "StrikePrice", "SeriesId",
            "UnderlyingAssetSymbol", "ContractSize", "Name");
    static final DateTimeFormatter MM_DD_YY = DateTimeFormatter.ofPattern("MM/dd/yy");
    static final LocalDate DEC_18 = LocalDate.of(2026, 12, 18);

    SecuritiesApiClient api;
    List<Expected> expected;
    /** The whole AAPL chain, unfiltered. */
    JsonNode chain;

    @BeforeAll
    void start() {
        api = SecuritiesApiClient.start(StoreKind.SQLITE);
        expected = SecuritiesApiClient.expectedExpirations(SecuritiesApiClient.TODAY);
        chain = api.ok("options/optionChain/AAPL");
    }

    @AfterAll
    void stop() {
        if (api != null) {
            api.close();
        }
    }

    // ---- helpers -------------------------------------------------------------------------------

    static String midnight(LocalDate d) {
        return d + "T00:00:00Z";
    }

    JsonNode chainExpiration(JsonNode c, LocalDate date) {
        for (JsonNode e : c.get("Expirations")) {
            if (e.get("Expiration").asText().equals(midnight(date))) {
                return e;
            }
        }
        throw new AssertionError("no expiration " + date + " in the chain");
    }

    static List<BigDecimal> strikes(JsonNode options) {
        List<BigDecimal> out = new ArrayList<>();
        for (JsonNode o : options) {
            BigDecimal k = decimal(o.get("StrikePrice"));
            if (out.isEmpty() || out.get(out.size() - 1).compareTo(k) != 0) {
                out.add(k);
            }
        }
        return out;
    }

    /** A contract of the AAPL chain: the {@code index}-th option of the 2026-12-18 expiration. */
    JsonNode contract(int index) {
        JsonNode options = chainExpiration(chain, DEC_18).get("Options");
        return options.get(Math.min(index, options.size() - 1));
    }

    Expected expectedFor(LocalDate date) {
        return expected.stream().filter(e -> e.date().equals(date)).findFirst().orElseThrow();
    }

    /** Every documented field, and values consistent with the contract's own terms and its symbol. */
    void assertOption(JsonNode o, String underlying, String underlyingName) {
        assertThat(fieldNames(o)).containsExactlyInAnyOrderElementsOf(OPTION_FIELDS);
        assertThat(o.get("Id").isInt()).isTrue();
        assertThat(o.get("Type").asText()).isEqualTo("Option");
        assertThat(o.get("Exchange").asText()).isEqualTo("OPRAC");
        assertThat(o.get("Currency").asText()).isEqualTo("USD");
        assertThat(o.get("UnderlyingAssetSymbol").asText()).isEqualTo(underlying);
        assertThat(decimal(o.get("ContractSize"))).isEqualByComparingTo("100");
        assertThat(decimal(o.get("TickSize"))).isPositive();
        assertThat(o.get("Precision").isInt()).isTrue();
        assertThat(o.get("VolumePrecision").isInt()).isTrue();
        for (String b : List.of("Enabled", "AllowTrade", "AllowMargin", "AllowShort")) {
            assertThat(o.get(b).isBoolean()).as(b).isTrue();
        }
        assertThat(o.get("Enabled").asBoolean()).isTrue();
        assertThat(o.get("AllowTrade").asBoolean()).isTrue();
        String right = o.get("OptionType").asText();
        assertThat(right).isIn("Call", "Put");
        String exp = o.get("ExpirationDate").asText();
        assertThat(exp).matches("\\d{4}-\\d{2}-\\d{2}T00:00:00Z");
        LocalDate date = LocalDate.parse(exp.substring(0, 10));
        Expected e = expectedFor(date);
        assertThat(o.get("ExpirationType").asText()).isEqualTo(e.type());
        BigDecimal strike = decimal(o.get("StrikePrice"));
        assertThat(strike).isPositive();
        assertThat(o.get("Symbol").asText()).isEqualTo(osi(underlying, date, right, strike));
        assertThat(o.get("Description").asText()).isEqualTo((right.equals("Call") ? "CALL " : "PUT ") + underlyingName
                + " $" + strike.setScale(8, RoundingMode.UNNECESSARY).toPlainString() + " EXP " + date.format(MM_DD_YY));
        assertThat(o.get("AddedDate").asText()).matches(EquitiesApiContract.DATE_TIME);
        assertThat(o.get("ModifyDate").asText()).matches(EquitiesApiContract.DATE_TIME);
        Instant added = Instant.parse(o.get("AddedDate").asText());
        assertThat(added).isBefore(SecuritiesApiClient.MARKET_NOW);
        assertThat(added).isBefore(date.atStartOfDay().toInstant(java.time.ZoneOffset.UTC));
    }

    JsonNode optionsPage(String query) {
        return api.ok("options?" + query);
    }

    // ---- /options/expirations ------------------------------------------------------------------

    @Test
    void expirationsAreEveryFridayOrThursdayFor52Weeks() {
        JsonNode r = api.ok("options/expirations?underlying=AAPL");
        assertThat(r.isArray()).isTrue();
        assertThat(expected).hasSize(52);
        assertThat(r).hasSize(expected.size());
        for (int i = 0; i < expected.size(); i++) {
            JsonNode e = r.get(i);
            Expected x = expected.get(i);
            assertThat(fieldNames(e)).containsExactlyInAnyOrder("SeriesId", "SeriesType", "ExpirationDate",
                    "ExpirationType");
            assertThat(e.get("ExpirationDate").asText()).as("expiration %d", i).isEqualTo(midnight(x.date()));
            assertThat(e.get("ExpirationType").asText()).as("type of %s", x.date()).isEqualTo(x.type());
            assertThat(e.get("SeriesType").asText()).isEqualTo("Undefined");
            assertThat(e.get("SeriesId").isInt()).isTrue();
            assertThat(e.get("SeriesId").asInt()).as("series of %s", x.date()).isEqualTo(4 * 1024 + x.week());
        }
        // The first is on or after today; the holidays moved to Thursdays; Juneteenth's third Friday stays Regular.
        assertThat(r.get(0).get("ExpirationDate").asText()).isEqualTo("2026-11-20T00:00:00Z");
        List<String> dates = list(r).stream().map(n -> n.get("ExpirationDate").asText()).toList();
        assertThat(dates).contains("2026-12-24T00:00:00Z", "2026-12-31T00:00:00Z", "2027-03-25T00:00:00Z",
                "2027-06-17T00:00:00Z", "2027-11-12T00:00:00Z");
        assertThat(dates).doesNotContain("2026-12-25T00:00:00Z", "2027-01-01T00:00:00Z", "2027-03-26T00:00:00Z",
                "2027-06-18T00:00:00Z", "2027-11-19T00:00:00Z");
        assertThat(list(r).stream().filter(n -> n.get("ExpirationDate").asText().equals("2027-06-17T00:00:00Z"))
                .findFirst().orElseThrow().get("ExpirationType").asText()).isEqualTo("Regular");
        assertThat(list(r).stream().filter(n -> n.get("ExpirationType").asText().equals("Regular")).count())
                .isEqualTo(12);
    }

    @Test
    void expirationsOfAnyUnderlyingShareTheCalendarWithTheirOwnSeries() {
        JsonNode msft = api.ok("options/expirations?underlying=msft");
        assertThat(msft).hasSize(expected.size());
        for (int i = 0; i < expected.size(); i++) {
            assertThat(msft.get(i).get("ExpirationDate").asText()).isEqualTo(midnight(expected.get(i).date()));
            assertThat(msft.get(i).get("SeriesId").asInt()).isEqualTo(6 * 1024 + expected.get(i).week());
        }
        assertThat(api.ok("options/expirations/?underlying=AAPL&currency=USD&exchange=XNAS"))
                .isEqualTo(api.ok("options/expirations?underlying=AAPL"));
        Http.Response v1 = Http.get(api.server.api() + "v1/options/expirations?underlying=AAPL", "Et-App-Key",
                api.company.appKey(), "Authorization", "Bearer " + api.token);
        assertThat(v1.status()).isEqualTo(200);
        assertThat(v1.json()).hasSize(expected.size());
    }

    @Test
    void expirationsNeedAKnownUnderlying() {
        api.noRoute("options/expirations");
        api.noRoute("options/expirations?currency=USD");
        assertThat(api.status(404, "options/expirations?underlying=ZZZZZZ").path("Message").asText()).isNotBlank();
        api.status(404, "options/expirations?underlying=AAPL&exchange=XNYS");
    }

    // ---- /options/optionChain/{symbol} ---------------------------------------------------------

    @Test
    void chainWithoutFilterListsEveryExpirationInCallPutPairsByStrike() {
        assertThat(fieldNames(chain)).containsExactly("Expirations");
        List<JsonNode> exps = list(chain.get("Expirations"));
        assertThat(exps).hasSize(expected.size());
        JsonNode expirations = api.ok("options/expirations?underlying=AAPL");
        for (int i = 0; i < exps.size(); i++) {
            JsonNode e = exps.get(i);
            Expected x = expected.get(i);
            assertThat(fieldNames(e)).containsExactlyInAnyOrder("Expiration", "CentralStrike", "Options");
            assertThat(e.get("Expiration").asText()).isEqualTo(midnight(x.date()));
            JsonNode options = e.get("Options");
            assertThat(options.size()).as("options of %s", x.date()).isPositive().isEven();
            Set<Integer> ids = new HashSet<>();
            for (int j = 0; j < options.size(); j += 2) {
                JsonNode call = options.get(j);
                JsonNode put = options.get(j + 1);
                assertThat(call.get("OptionType").asText()).isEqualTo("Call");
                assertThat(put.get("OptionType").asText()).isEqualTo("Put");
                assertThat(decimal(call.get("StrikePrice"))).isEqualByComparingTo(decimal(put.get("StrikePrice")));
                if (j > 0) {
                    assertThat(decimal(call.get("StrikePrice"))).isGreaterThan(decimal(options.get(j - 1).get("StrikePrice")));
                }
                for (JsonNode o : List.of(call, put)) {
                    assertThat(o.get("ExpirationDate").asText()).isEqualTo(midnight(x.date()));
                    assertThat(o.get("ExpirationType").asText()).isEqualTo(x.type());
                    assertThat(o.get("SeriesId").asInt()).isEqualTo(expirations.get(i).get("SeriesId").asInt());
                    assertThat(o.get("UnderlyingAssetSymbol").asText()).isEqualTo("AAPL");
                    assertThat(ids.add(o.get("Id").asInt())).as("unique id").isTrue();
                }
            }
            List<BigDecimal> strikes = strikes(options);
            assertThat(strikes).anySatisfy(k -> assertThat(k).isEqualByComparingTo(decimal(e.get("CentralStrike"))));
        }
        // Full resources, checked field by field on a sample.
        JsonNode dec = chainExpiration(chain, DEC_18).get("Options");
        for (JsonNode o : List.of(dec.get(0), dec.get(1), dec.get(dec.size() / 2), dec.get(dec.size() - 1))) {
            assertOption(o, "AAPL", "Apple Inc.");
        }
        assertThat(api.ok("options/optionChain/aapl")).isEqualTo(chain);
        assertThat(api.ok("options/optionChain/AAPL/")).isEqualTo(chain);
    }

    @Test
    void chainDocumentedSampleRangeOne() {
        JsonNode r = api.ok("options/optionChain/AAPL?filter=Range%20%3D%201%20");
        List<JsonNode> exps = list(r.get("Expirations"));
        assertThat(exps).hasSize(expected.size());
        for (JsonNode e : exps) {
            JsonNode options = e.get("Options");
            assertThat(options.size()).as("%s", e.get("Expiration")).isBetween(2, 4).isEven();
            List<BigDecimal> kept = strikes(options);
            JsonNode full = chainExpiration(chain, LocalDate.parse(e.get("Expiration").asText().substring(0, 10)));
            List<BigDecimal> all = strikes(full.get("Options"));
            // Neighbouring strikes of the full grid, bracketing the central strike.
            int at = indexOf(all, kept.get(0));
            for (int i = 1; i < kept.size(); i++) {
                assertThat(kept.get(i)).isEqualByComparingTo(all.get(at + i));
            }
            if (kept.size() == 1) {
                assertThat(at == 0 || at == all.size() - 1).as("%s at an end of %s", kept, all).isTrue();
            }
            assertThat(decimal(e.get("CentralStrike"))).isEqualByComparingTo(decimal(full.get("CentralStrike")));
            assertThat(kept).anySatisfy(k -> assertThat(k).isEqualByComparingTo(decimal(e.get("CentralStrike"))));
            // The same contracts as in the full chain.
            for (JsonNode o : options) {
                assertThat(list(full.get("Options"))).contains(o);
            }
        }
    }

    static int indexOf(List<BigDecimal> list, BigDecimal k) {
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i).compareTo(k) == 0) {
                return i;
            }
        }
        throw new AssertionError(k + " not in " + list);
    }

    @Test
    void chainRangeThreeKeepsAtMostThreeStrikesEachSide() {
        JsonNode r = api.ok("options/optionChain/AAPL?filter=" + enc("Range = 3"));
        for (JsonNode e : r.get("Expirations")) {
            List<BigDecimal> kept = strikes(e.get("Options"));
            assertThat(kept.size()).isBetween(1, 6);
            assertThat(e.get("Options").size()).isEqualTo(2 * kept.size());
            JsonNode full = chainExpiration(chain, LocalDate.parse(e.get("Expiration").asText().substring(0, 10)));
            List<BigDecimal> all = strikes(full.get("Options"));
            int at = indexOf(all, kept.get(0));
            for (int i = 1; i < kept.size(); i++) {
                assertThat(kept.get(i)).isEqualByComparingTo(all.get(at + i));
            }
            int central = indexOf(kept, decimal(e.get("CentralStrike")));
            if (kept.size() == 6) {
                // Three below the price and three at or above it: the nearest is one of the middle two.
                assertThat(central).isBetween(2, 3);
            } else {
                // Fewer only where the price is near an end of the strike grid.
                assertThat(at == 0 || at + kept.size() == all.size()).as("%s at an end of %s", kept, all).isTrue();
            }
        }
    }

    @Test
    void chainFilteredByOneExpiration() {
        JsonNode r = api.ok("options/optionChain/AAPL?filter=" + enc("Expiration = #2026-12-18T00:00:00Z#"));
        assertThat(r.get("Expirations")).hasSize(1);
        assertThat(r.get("Expirations").get(0)).isEqualTo(chainExpiration(chain, DEC_18));
        // The expiration moved to Thursday by Christmas.
        JsonNode xmas = api.ok("options/optionChain/AAPL?filter=" + enc("Expiration = #2026-12-24T00:00:00Z#"));
        assertThat(xmas.get("Expirations")).hasSize(1);
        assertThat(xmas.get("Expirations").get(0).get("Expiration").asText()).isEqualTo("2026-12-24T00:00:00Z");
        // Not an expiration: nothing.
        JsonNode none = api.ok("options/optionChain/AAPL?filter=" + enc("Expiration = #2026-12-25T00:00:00Z#"));
        assertThat(none.get("Expirations")).isEmpty();
        // With a range too.
        JsonNode both = api.ok("options/optionChain/AAPL?filter="
                + enc("Expiration = #2026-12-18T00:00:00Z# and Range = 1"));
        assertThat(both.get("Expirations")).hasSize(1);
        assertThat(both.get("Expirations").get(0).get("Options").size()).isBetween(2, 4);
    }

    @Test
    void chainFilteredByExpirationType() {
        JsonNode regular = api.ok("options/optionChain/AAPL?filter=" + enc("ExpirationType = 0"));
        List<String> expectedRegular = expected.stream().filter(e -> e.type().equals("Regular"))
                .map(e -> midnight(e.date())).toList();
        assertThat(expectedRegular).hasSize(12);
        assertThat(list(regular.get("Expirations")).stream().map(e -> e.get("Expiration").asText()).toList())
                .isEqualTo(expectedRegular);
        for (JsonNode e : regular.get("Expirations")) {
            assertThat(list(e.get("Options"))).allSatisfy(o -> assertThat(o.get("ExpirationType").asText())
                    .isEqualTo("Regular"));
        }
        JsonNode weekly = api.ok("options/optionChain/AAPL?filter=" + enc("ExpirationType = 2"));
        assertThat(weekly.get("Expirations")).hasSize(40);
        assertThat(api.ok("options/optionChain/AAPL?filter=" + enc("ExpirationType = 1")).get("Expirations")).isEmpty();

        JsonNode combined = api.ok("options/optionChain/AAPL?filter=" + enc("ExpirationType = 0 and Range = 1"));
        assertThat(list(combined.get("Expirations")).stream().map(e -> e.get("Expiration").asText()).toList())
                .isEqualTo(expectedRegular);
        for (JsonNode e : combined.get("Expirations")) {
            assertThat(e.get("Options").size()).isBetween(2, 4);
        }
        JsonNode three = api.ok("options/optionChain/AAPL?filter="
                + enc("Range = 2 and ExpirationType = 0 and Expiration = #2027-06-17T00:00:00Z#"));
        assertThat(three.get("Expirations")).hasSize(1);
        assertThat(three.get("Expirations").get(0).get("Options").size()).isBetween(2, 8);
        JsonNode mismatch = api.ok("options/optionChain/AAPL?filter="
                + enc("ExpirationType = 2 and Expiration = #2026-12-18T00:00:00Z#"));
        assertThat(mismatch.get("Expirations")).isEmpty();
    }

    @Test
    void chainInvalidTermsAre400() {
        for (String f : List.of("Foo = 1", "Range = 'x'", "Range = -1", "Range = 1.5", "Range > 1",
                "Expiration = 5", "ExpirationType = 9", "ExpirationType = 'Banana'", "Range = 1 or ExpirationType = 0",
                "not Range = 1", "Range = ", "(Range = 1")) {
            api.invalidFilter("options/optionChain/AAPL?filter=" + enc(f));
        }
    }

    @Test
    void chainOfAnUnknownUnderlyingIs404() {
        assertThat(api.status(404, "options/optionChain/ZZZZZZ").path("Message").asText()).isNotBlank();
    }

    // ---- /options/{id} and /options/{symbol} ---------------------------------------------------

    @Test
    void optionByIdAndBySymbolAreTheSameResource() {
        for (JsonNode c : List.of(contract(0), contract(1), contract(21), contract(1000))) {
            int id = c.get("Id").asInt();
            JsonNode byId = api.ok("options/" + id);
            assertOption(byId, "AAPL", "Apple Inc.");
            assertThat(byId).isEqualTo(c);
            JsonNode bySymbol = api.ok("options/" + enc(c.get("Symbol").asText()));
            assertThat(bySymbol).isEqualTo(c);
            assertThat(api.ok("options/" + id + "/")).isEqualTo(c);
            assertThat(api.ok("options/" + enc(c.get("Symbol").asText()) + "?currency=USD")).isEqualTo(c);
            assertThat(byId.get("ExpirationDate").asText()).isEqualTo("2026-12-18T00:00:00Z");
            assertThat(byId.get("ExpirationType").asText()).isEqualTo("Regular");
            assertThat(byId.get("SeriesId").asInt()).isEqualTo(4 * 1024 + expectedFor(DEC_18).week());
        }
        // Another underlying, another expiration.
        JsonNode msftChain = api.ok("options/optionChain/MSFT?filter=" + enc("Expiration = #2027-03-25T00:00:00Z# and Range = 1"));
        JsonNode m = msftChain.get("Expirations").get(0).get("Options").get(1);
        assertOption(m, "MSFT", "Microsoft Corporation");
        assertThat(m.get("ExpirationType").asText()).isEqualTo("Weekly");
        assertThat(api.ok("options/" + m.get("Id").asInt())).isEqualTo(m);
        assertThat(api.ok("options/" + enc(m.get("Symbol").asText()))).isEqualTo(m);
    }

    @Test
    void osiSymbolPadding() {
        JsonNode c = contract(20); // a call
        assertThat(c.get("OptionType").asText()).isEqualTo("Call");
        BigDecimal strike = decimal(c.get("StrikePrice"));
        String digits = String.format("%08d", strike.movePointRight(3).longValueExact());
        String padded = "AAPL  261218C" + digits;
        assertThat(c.get("Symbol").asText()).isEqualTo(padded);
        assertThat(api.ok("options/" + enc(padded))).isEqualTo(c);
        assertThat(api.ok("options/AAPL%20%20261218C" + digits)).isEqualTo(c);
        assertThat(api.ok("options/AAPL261218C" + digits)).isEqualTo(c);
        assertThat(api.ok("options/AAPL%20261218C" + digits)).isEqualTo(c);
        // The put of the same strike.
        JsonNode put = api.ok("options/AAPL261218P" + digits);
        assertThat(put).isEqualTo(contract(21));
        assertThat(put.get("OptionType").asText()).isEqualTo("Put");
        assertThat(put.get("Symbol").asText()).isEqualTo("AAPL  261218P" + digits);
        // Not a listed strike, not an expiration date, not an OSI shape: 404.
        BigDecimal off = strike.add(new BigDecimal("0.001"));
        api.status(404, "options/AAPL261218C" + String.format("%08d", off.movePointRight(3).longValueExact()));
        api.status(404, "options/AAPL261218C99999000");
        api.status(404, "options/AAPL261217C" + digits);
        api.status(404, "options/AAPL261232C" + digits);
        api.status(404, "options/AAPL261218X" + digits);
        api.status(404, "options/ZZZZZZ261218C" + digits);
    }

    @Test
    void anUnderlyingWhereAnOptionIsExpectedIs409() {
        for (String key : List.of("4", "AAPL", "aapl", "6", "MSFT")) {
            JsonNode body = api.status(409, "options/" + key);
            assertThat(fieldNames(body)).as(key).containsExactly("Message");
            assertThat(body.get("Message").asText()).isNotBlank();
        }
        for (String key : List.of("ZZZZZZ", "999999", "junk-junk", "AAPL261218C")) {
            JsonNode body = api.status(404, "options/" + key);
            assertThat(body.path("Message").asText()).as(key).isNotBlank();
        }
        // And an option where an equity is expected.
        int optionId = contract(0).get("Id").asInt();
        JsonNode body = api.status(409, "equities/" + optionId);
        assertThat(body.path("Message").asText()).isNotBlank();
    }

    // ---- /options (paged, filtered) ------------------------------------------------------------

    @Test
    void theWholeListingById() {
        JsonNode p0 = optionsPage("pageNumber=0&pageSize=10&sortField=Id&desc=false");
        assertThat(fieldNames(p0)).containsExactlyInAnyOrder("Result", "NextPageLink", "PreviousPageLink", "TotalCount");
        int total = p0.get("TotalCount").asInt();
        assertThat(total).isGreaterThanOrEqualTo(100_000);
        // At least one strike per series and side: 553 underlyings × 52 expirations × 2.
        assertThat(total).isGreaterThanOrEqualTo(553 * 52 * 2);
        List<Integer> ids0 = EquitiesApiContract.ids(p0.get("Result"));
        assertThat(ids0).hasSize(10).isSorted().doesNotHaveDuplicates();
        SecuritiesApiClient.assertLink(p0.get("NextPageLink").asText(), "http://127.0.0.1:" + api.server.port()
                + "/api/v1.0/options", java.util.Map.of("pageNumber", "1", "pageSize", "10", "sortField", "Id",
                        "desc", "false"));
        assertThat(p0.get("PreviousPageLink").asText()).isEmpty();
        for (JsonNode o : p0.get("Result")) {
            assertThat(fieldNames(o)).containsExactlyInAnyOrderElementsOf(OPTION_FIELDS);
            assertThat(o.get("Type").asText()).isEqualTo("Option");
        }
        // The lowest ids belong to the lowest underlying id (1, NVDA).
        assertThat(p0.get("Result").get(0).get("UnderlyingAssetSymbol").asText()).isEqualTo("NVDA");
        JsonNode p1 = api.getAbsolute(p0.get("NextPageLink").asText()).json();
        List<Integer> ids1 = EquitiesApiContract.ids(p1.get("Result"));
        assertThat(ids1).hasSize(10).isSorted();
        assertThat(ids1.get(0)).isGreaterThan(ids0.get(9));
        assertThat(p1.get("TotalCount").asInt()).isEqualTo(total);
        // Descending: the highest id first, the same as the last of the ascending listing.
        JsonNode d0 = optionsPage("pageNumber=0&pageSize=10&sortField=Id&desc=true");
        List<Integer> desc = EquitiesApiContract.ids(d0.get("Result"));
        assertThat(desc).isSortedAccordingTo((a, b) -> Integer.compare(b, a));
        int lastPage = (total - 1) / 10;
        JsonNode last = optionsPage("pageNumber=" + lastPage + "&pageSize=10&sortField=Id&desc=false");
        List<Integer> lastIds = EquitiesApiContract.ids(last.get("Result"));
        assertThat(lastIds).hasSize(total - lastPage * 10);
        assertThat(lastIds.get(lastIds.size() - 1)).isEqualTo(desc.get(0));
        assertThat(last.get("NextPageLink").asText()).isEmpty();
        assertThat(d0.get("Result").get(0).get("UnderlyingAssetSymbol").asText()).isEqualTo("KWEB"); // id 553
        JsonNode beyond = optionsPage("pageNumber=" + (lastPage + 1) + "&pageSize=10&sortField=Id&desc=false");
        assertThat(beyond.get("Result")).isEmpty();
        assertThat(beyond.get("TotalCount").asInt()).isEqualTo(total);
    }

    @Test
    void aTrivialFilterCountsTheSameAsItsScope() {
        String aapl = "UnderlyingAssetSymbol = 'AAPL'";
        JsonNode scope = optionsPage("pageNumber=0&pageSize=5&sortField=Id&desc=false&filter=" + enc(aapl));
        JsonNode all = optionsPage("pageNumber=0&pageSize=5&sortField=Id&desc=false&filter=" + enc(aapl + " and Id > 0"));
        assertThat(all.get("TotalCount").asInt()).isEqualTo(scope.get("TotalCount").asInt());
        assertThat(all.get("Result")).isEqualTo(scope.get("Result"));
        // Over the whole universe (no scope) the same filter is refused: CostBoundsTest.
        assertThat(api.status(400, "options?pageNumber=0&pageSize=5&sortField=Id&desc=false&filter=" + enc("Id > 0"))
                .get("Message").asText()).contains("must name its scope");
    }

    @Test
    void filteredByUnderlyingSortedByExpirationDescending() {
        int chainCount = 0;
        for (JsonNode e : chain.get("Expirations")) {
            chainCount += e.get("Options").size();
        }
        JsonNode r = optionsPage("pageNumber=0&pageSize=1000&sortField=ExpirationDate&desc=true"
                + "&filter=UnderlyingAssetSymbol%20%3D%20'AAPL'");
        assertThat(r.get("TotalCount").asInt()).isEqualTo(chainCount);
        List<JsonNode> rows = list(r.get("Result"));
        assertThat(rows).hasSize(Math.min(1000, chainCount));
        assertThat(rows).allSatisfy(o -> assertThat(o.get("UnderlyingAssetSymbol").asText()).isEqualTo("AAPL"));
        List<String> dates = rows.stream().map(o -> o.get("ExpirationDate").asText()).toList();
        assertThat(dates).isSortedAccordingTo((a, b) -> b.compareTo(a));
        assertThat(dates.get(0)).isEqualTo(midnight(expected.get(expected.size() - 1).date()));
        // Ascending by Id, the same contracts as the chain in the same order.
        JsonNode byId = optionsPage("pageNumber=0&pageSize=1000&sortField=Id&desc=false&filter="
                + enc("UnderlyingAssetSymbol = 'aapl'"));
        List<JsonNode> chainOptions = new ArrayList<>();
        chain.get("Expirations").forEach(e -> e.get("Options").forEach(chainOptions::add));
        assertThat(list(byId.get("Result"))).isEqualTo(chainOptions.subList(0, Math.min(1000, chainOptions.size())));
        if (chainCount > 1000) {
            assertThat(byId.get("NextPageLink").asText()).contains("pageNumber=1").contains("filter=");
        }
    }

    @Test
    void filteredBySeriesId() {
        JsonNode dec = chainExpiration(chain, DEC_18);
        int series = 4 * 1024 + expectedFor(DEC_18).week();
        JsonNode r = optionsPage("pageNumber=0&pageSize=1000&sortField=Id&desc=false&filter=" + enc("SeriesId = " + series));
        assertThat(r.get("TotalCount").asInt()).isEqualTo(dec.get("Options").size());
        assertThat(r.get("Result")).isEqualTo(dec.get("Options"));
    }

    @Test
    void filteredByOneSymbol() {
        JsonNode c = contract(7);
        JsonNode r = optionsPage("pageNumber=0&pageSize=10&sortField=Id&desc=false&filter="
                + enc("Symbol in ('" + c.get("Symbol").asText() + "')"));
        assertThat(r.get("TotalCount").asInt()).isEqualTo(1);
        assertThat(r.get("Result")).hasSize(1);
        assertThat(r.get("Result").get(0)).isEqualTo(c);
        assertThat(r.get("NextPageLink").asText()).isEmpty();
        JsonNode eq = optionsPage("pageNumber=0&pageSize=10&sortField=ExpirationDate&desc=true&filter="
                + enc("Symbol = '" + c.get("Symbol").asText() + "'"));
        assertThat(eq.get("Result")).containsExactly(c);
        JsonNode two = optionsPage("pageNumber=0&pageSize=10&sortField=Id&desc=false&filter="
                + enc("Symbol in ('" + c.get("Symbol").asText() + "', '" + contract(8).get("Symbol").asText() + "')"));
        assertThat(two.get("Result")).containsExactly(c, contract(8));
        JsonNode nothing = optionsPage("pageNumber=0&pageSize=10&sortField=Id&desc=false&filter="
                + enc("Symbol in ('ZTS 190426P00108000')"));
        assertThat(nothing.get("TotalCount").asInt()).isZero();
    }

    @Test
    void filteredByStrikeRangeAndRight() {
        JsonNode r = optionsPage("pageNumber=0&pageSize=200&sortField=Id&desc=false&filter="
                + enc("UnderlyingAssetSymbol in ('AAPL', 'MSFT') and StrikePrice between 100 and 200 and OptionType = 'Call'"));
        assertThat(r.get("TotalCount").asInt()).isPositive();
        assertThat(list(r.get("Result"))).isNotEmpty().allSatisfy(o -> {
            assertThat(o.get("OptionType").asText()).isEqualTo("Call");
            assertThat(decimal(o.get("StrikePrice"))).isBetween(new BigDecimal("100"), new BigDecimal("200"));
        });
        assertThat(EquitiesApiContract.ids(r.get("Result"))).isSorted();
        // On AAPL alone the count is the chain's calls in that range.
        long expectedAapl = 0;
        for (JsonNode e : chain.get("Expirations")) {
            for (JsonNode o : e.get("Options")) {
                BigDecimal k = decimal(o.get("StrikePrice"));
                if (o.get("OptionType").asText().equals("Call") && k.compareTo(BigDecimal.valueOf(100)) >= 0
                        && k.compareTo(BigDecimal.valueOf(200)) <= 0) {
                    expectedAapl++;
                }
            }
        }
        JsonNode aapl = optionsPage("pageNumber=0&pageSize=10&sortField=StrikePrice&desc=false&filter="
                + enc("UnderlyingAssetSymbol = 'AAPL' and StrikePrice between 100 and 200 and OptionType = 'Call'"));
        assertThat(aapl.get("TotalCount").asInt()).isEqualTo((int) expectedAapl);
        assertThat(list(aapl.get("Result")).stream().map(o -> decimal(o.get("StrikePrice"))).toList()).isSorted();
        // Enum by number: OptionType 0 is Call; ExpirationType 0 is Regular.
        JsonNode byNumber = optionsPage("pageNumber=0&pageSize=1000&sortField=Id&desc=false&filter="
                + enc("UnderlyingAssetSymbol = 'AAPL' and OptionType = 0 and ExpirationType = 0"));
        assertThat(list(byNumber.get("Result"))).allSatisfy(o -> {
            assertThat(o.get("OptionType").asText()).isEqualTo("Call");
            assertThat(o.get("ExpirationType").asText()).isEqualTo("Regular");
        });
    }

    @Test
    void optionsListValidation() {
        api.noRoute("options?pageSize=10&sortField=Id&desc=false");
        api.noRoute("options?pageNumber=0&sortField=Id&desc=false");
        api.noRoute("options?pageNumber=0&pageSize=10&desc=false");
        api.noRoute("options?pageNumber=0&pageSize=10&sortField=Id");
        api.modelState("options?pageNumber=0&pageSize=1001&sortField=Id&desc=false", "pageSize");
        api.modelState("options?pageNumber=0&pageSize=0&sortField=Id&desc=false", "pageSize");
        api.modelState("options?pageNumber=x&pageSize=10&sortField=Id&desc=false", "pageNumber");
        api.modelState("options?pageNumber=0&pageSize=10&sortField=Nope&desc=false", "sortField");
        String q = "options?pageNumber=0&pageSize=10&sortField=Id&desc=false&filter=";
        api.invalidFilter(q + enc("Foo = 1"));
        api.invalidFilter(q + enc("StrikePrice = 'x'"));
        api.invalidFilter(q + enc("OptionType = 'Straddle'"));
        api.invalidFilter(q + enc("UnderlyingAssetSymbol = 'AAPL"));
        api.invalidFilter(q + enc("SeriesId between 1"));
    }

    // ---- ids and symbols are the same everywhere -----------------------------------------------

    @Test
    void theSameContractHasTheSameIdOnAnotherServer() {
        try (SecuritiesApiClient other = SecuritiesApiClient.start(StoreKind.SQLITE)) {
            assertThat(other.server.dataDir()).isNotEqualTo(api.server.dataDir());
            JsonNode mine = chainExpiration(chain, DEC_18).get("Options");
            JsonNode theirs = other.ok("options/optionChain/AAPL?filter=" + enc("Expiration = #2026-12-18T00:00:00Z#"))
                    .get("Expirations").get(0).get("Options");
            assertThat(theirs.size()).isEqualTo(mine.size());
            for (int i = 0; i < mine.size(); i++) {
                assertThat(theirs.get(i).get("Id").asInt()).isEqualTo(mine.get(i).get("Id").asInt());
                assertThat(theirs.get(i).get("Symbol").asText()).isEqualTo(mine.get(i).get("Symbol").asText());
                assertThat(decimal(theirs.get(i).get("StrikePrice"))).isEqualByComparingTo(decimal(mine.get(i).get("StrikePrice")));
            }
            JsonNode c = contract(5);
            assertThat(other.ok("options/" + c.get("Id").asInt())).isEqualTo(c);
            assertThat(other.ok("options/" + enc(c.get("Symbol").asText()))).isEqualTo(c);
        }
    }

    // ---- legacy /securities/{id} with an option ------------------------------------------------

    @Test
    void legacySecurityByIdServesOptions() {
        JsonNode c = contract(3);
        JsonNode m = api.ok("securities/" + c.get("Id").asInt());
        assertThat(fieldNames(m)).containsExactlyInAnyOrderElementsOf(EquitiesApiContract.SECURITY_MODEL_FIELDS);
        assertThat(m.get("Id").asInt()).isEqualTo(c.get("Id").asInt());
        assertThat(m.get("Symbol").asText()).isEqualTo(c.get("Symbol").asText());
        assertThat(m.get("Type").asText()).isEqualTo("Option");
        assertThat(m.get("ParentId").asInt()).isEqualTo(4);
        assertThat(m.get("UnderlyingSecuritySymbol").asText()).isEqualTo("AAPL");
        assertThat(m.get("OptionType").asText()).isEqualTo(c.get("OptionType").asText());
        assertThat(m.get("ExpirationType").asText()).isEqualTo("Regular");
        assertThat(m.get("ExpirationDate").asText()).isEqualTo("2026-12-18T00:00:00Z");
        assertThat(decimal(m.get("StrikePrice"))).isEqualByComparingTo(decimal(c.get("StrikePrice")));
        assertThat(m.get("SeriesId").asInt()).isEqualTo(c.get("SeriesId").asInt());
        assertThat(decimal(m.get("ContractSize"))).isEqualByComparingTo("100");
        assertThat(m.get("Source").asInt()).isEqualTo(0);
    }

    // ---- findings ------------------------------------------------------------------------------

    @Test
    void anIdInTheOptionRangeThatIsNoOptionIs404OnEquities() {
        int noSuchOption = Integer.MAX_VALUE; // underlying 2047: no such security, so no such option
        api.status(404, "options/" + noSuchOption);
        api.status(404, "equities/" + noSuchOption);
    }

    @Test
    void aContractBeyondTheListingHorizonIsNotFound() {
        // The id of the AAPL call at strike index 0 of the week of 2040-12-21 (OptionChains' documented id layout).
        int week = (int) java.time.temporal.ChronoUnit.WEEKS.between(LocalDate.of(2025, 1, 3), LocalDate.of(2040, 12, 21));
        int id = (1 << 30) + (4 << 19 | week << 9);
        Http.Response r = api.get("options/" + id);
        assertThat(r.status()).as(r.body()).isEqualTo(404);
    }

    @Test
    void chainExpirationTypeMustBeAWholeNumber() {
        api.invalidFilter("options/optionChain/AAPL?filter=" + enc("ExpirationType = 0.5"));
    }
}
