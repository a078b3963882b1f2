package dev.crater.orders;

import dev.crater.reference.Securities;
import dev.crater.reference.Security;
import dev.crater.reference.SecurityType;
import dev.crater.securities.OptionChains;
import dev.crater.securities.OptionContract;
import dev.crater.securities.OptionResource;
import java.math.BigDecimal;
import java.time.ZoneOffset;
import java.util.Optional;

/**
 * What the vendor spec's OrderResource and PositionResource say about the traded security beyond
 * its id and symbol: its currency, precisions, tick, type and, for an option, its underlying and
 * terms ({@code Underlying*}; null for equities, as Crater has no such values for them).
 *
 * @param underlyingExpirationDate the option's expiration date (00:00 UTC) in Unix seconds, the unit of
 *     every other int64 date Crater answers (price alerts)
 */
record InstrumentFacts(String currency, int precision, int volumePrecision, BigDecimal tickSize,
        SecurityType type, Integer underlyingId, String underlyingSymbol, BigDecimal underlyingStrike,
        String underlyingOptionType, Long underlyingExpirationDate, String underlyingExpirationType) {

    /** An instrument Crater no longer knows (a security removed since): USD, whole shares, cent ticks. */
    static final InstrumentFacts UNKNOWN = new InstrumentFacts("USD", 2, 0, new BigDecimal("0.01"),
            SecurityType.CommonStock, null, null, null, null, null, null);

    static InstrumentFacts of(int securityId, Securities securities, OptionChains options) {
        Optional<Security> s = securities.snapshot().byId(securityId);
        if (s.isPresent()) {
            Security x = s.get();
            return new InstrumentFacts(x.currency(), x.precision(), x.volumePrecision(), x.tickSize(), x.type(), null,
                    null, null, null, null, null);
        }
        Optional<OptionContract> c = options.byId(securityId);
        if (c.isPresent()) {
            OptionResource o = OptionResource.of(c.get());
            OptionContract k = c.get();
            return new InstrumentFacts(o.currency(), o.precision(), o.volumePrecision(), o.tickSize(), o.type(),
                    k.underlying().id(), k.underlying().symbol(), k.strike(), k.right().name(),
                    k.expiration().atStartOfDay().toEpochSecond(ZoneOffset.UTC), k.expirationType().name());
        }
        return UNKNOWN;
    }
}
