package dev.crater.securities;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.crater.companies.Company;
import dev.crater.market.Quote;
import dev.crater.reference.Security;
import dev.crater.testing.CliRun;
import dev.crater.testing.Http;
import dev.crater.testing.StoreKind;
import dev.crater.testing.TestServer;
import dev.crater.users.User;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Goal: the spec's {@code GET /currencyRate} ({@code CurrencyRateResource}): 1 for the same currency,
 * the quote of a foreign-exchange security an operator lists for the pair (inverted for the reverse
 * pair), 404 for a pair nobody quotes, 422 for codes that are not three letters, and no route without
 * both parameters. Method: a real server (SQLite), the pair added with {@code crater admin security add}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CurrencyRateTest {

    TestServer server;
    String[] headers;

    @BeforeAll
    void start() {
        server = TestServer.start(StoreKind.SQLITE);
        Company company = server.company();
        String name = TestServer.username("fx");
        server.user(company, name, null, User.TwoFactorMethod.NONE);
        headers = new String[] {"Et-App-Key", company.appKey(), "Authorization",
                "Bearer " + server.login(company, name)};
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    Http.Response rate(String query) {
        return Http.get(server.api() + "v1.0/currencyRate" + query, headers);
    }

    static List<String> fieldNames(JsonNode n) {
        List<String> names = new ArrayList<>();
        n.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void theSameCurrencyIsOne() {
        JsonNode one = rate("?currency=USD&targetCurrency=usd").json();
        assertThat(fieldNames(one)).containsExactly("Ask", "Bid", "Date", "Last");
        for (String k : List.of("Ask", "Bid", "Last")) {
            assertThat(one.get(k).decimalValue()).as(k).isEqualByComparingTo("1");
        }
        assertThat(one.get("Date").asText()).matches("\\d{4}-\\d{2}-\\d{2}T.*Z");
    }

    @Test
    void aListedPairIsItsQuoteAndTheReversePairItsInverse() {
        CliRun.Result added = CliRun.against(server, "admin", "security", "add", "--symbol", "EURUSD", "--name",
                "Euro / US Dollar", "--type", "ForeignExchangeContract", "--price", "1.0850", "--tick-size", "0.0001");
        assertThat(added.code()).as(added.err()).isZero();
        server.services().market.refresh();
        Security pair = server.services().securities.snapshot().bySymbol("EURUSD").orElseThrow();
        Quote q = server.services().market.quote(pair.id()).orElseThrow();

        JsonNode direct = rate("/?currency=eur&targetCurrency=USD").json();
        assertThat(direct.get("Bid").decimalValue()).isEqualByComparingTo(q.bid());
        assertThat(direct.get("Ask").decimalValue()).isEqualByComparingTo(q.ask());
        assertThat(direct.get("Last").decimalValue()).isEqualByComparingTo(q.last());

        JsonNode inverse = rate("?currency=USD&targetCurrency=EUR").json();
        assertThat(inverse.get("Bid").decimalValue()).as("a buyer of EUR with USD pays the ask")
                .isEqualByComparingTo(BigDecimal.ONE.divide(q.ask(), CurrencyRates.INVERTED_SCALE,
                        RoundingMode.HALF_EVEN));
        assertThat(inverse.get("Ask").decimalValue()).isEqualByComparingTo(BigDecimal.ONE.divide(q.bid(),
                CurrencyRates.INVERTED_SCALE, RoundingMode.HALF_EVEN));
    }

    @Test
    void anUnquotedPairIs404AndMalformedCodesAre422() {
        Http.Response none = rate("?currency=JPY&targetCurrency=CHF");
        assertThat(none.status()).isEqualTo(404);
        assertThat(none.json().get("Message").asText()).contains("JPY").contains("CHF");
        for (String bad : List.of("?currency=US&targetCurrency=USD", "?currency=USD&targetCurrency=DOLLARS",
                "?currency=U%24D&targetCurrency=USD")) {
            assertThat(rate(bad).status()).as(bad).isEqualTo(422);
        }
        Http.Response half = rate("?currency=USD");
        assertThat(half.status()).isEqualTo(404);
        assertThat(half.body()).contains("No HTTP resource");
    }
}
