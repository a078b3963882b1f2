package dev.crater.securities;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.crater.http.Dates;
import dev.crater.market.Market;
import dev.crater.market.Quote;
import dev.crater.reference.Securities;
import dev.crater.reference.Security;
import dev.crater.reference.SecurityType;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The spec's currency rate ({@code GET /currencyRate}, {@code CurrencyRateResource}): how many
 * {@code targetCurrency} one {@code currency} buys. The same currency is 1. Otherwise the rate is
 * the simulated quote of a foreign-exchange security (type {@code ForeignExchangeContract}) named by
 * the pair, {@code EURUSD}, {@code EUR/USD} or {@code EUR.USD}; a pair quoted the other way round
 * ({@code USDEUR} for EUR → USD) is inverted (bid and ask swap sides). No such security: no rate.
 */
public final class CurrencyRates {

    /** Decimal places of an inverted rate. */
    static final int INVERTED_SCALE = 8;
    private static final Pattern CODE = Pattern.compile("[A-Za-z]{3}");
    private static final String[] SEPARATORS = {"", "/", "."};

    private final Securities securities;
    private final Market market;

    public CurrencyRates(Securities securities, Market market) {
        this.securities = securities;
        this.market = market;
    }

    /** CurrencyRateResource. */
    @JsonPropertyOrder({"Ask", "Bid", "Date", "Last"})
    public record CurrencyRateResource(BigDecimal ask, BigDecimal bid, String date, BigDecimal last) {
    }

    /** True for a three-letter code (ISO 4217 shape), any case. */
    public static boolean isCode(String text) {
        return text != null && CODE.matcher(text).matches();
    }

    /** The rate from {@code currency} to {@code target} (three-letter codes, any case), if Crater quotes one. */
    public Optional<CurrencyRateResource> rate(String currency, String target) {
        String from = currency.toUpperCase(Locale.ROOT);
        String to = target.toUpperCase(Locale.ROOT);
        String now = Dates.iso(market.nowMs());
        if (from.equals(to)) {
            return Optional.of(new CurrencyRateResource(BigDecimal.ONE, BigDecimal.ONE, now, BigDecimal.ONE));
        }
        Optional<Quote> direct = pair(from, to);
        if (direct.isPresent()) {
            Quote q = direct.get();
            return Optional.of(new CurrencyRateResource(q.ask(), q.bid(), Dates.iso(q.timeMs()), q.last()));
        }
        return pair(to, from).map(q -> new CurrencyRateResource(invert(q.bid()), invert(q.ask()), Dates.iso(q.timeMs()),
                invert(q.last())));
    }

    private Optional<Quote> pair(String base, String quoted) {
        for (String separator : SEPARATORS) {
            Optional<Security> s = securities.snapshot().bySymbol(base + separator + quoted)
                    .filter(x -> x.type() == SecurityType.ForeignExchangeContract && x.enabled());
            if (s.isPresent()) {
                return market.quote(s.get().id());
            }
        }
        return Optional.empty();
    }

    private static BigDecimal invert(BigDecimal price) {
        return price.signum() == 0 ? BigDecimal.ZERO
                : BigDecimal.ONE.divide(price, INVERTED_SCALE, RoundingMode.HALF_EVEN).stripTrailingZeros();
    }
}
