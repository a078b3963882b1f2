package dev.crater.securities;

import dev.crater.reference.Security;
import dev.crater.reference.SecurityType;
import dev.crater.http.Dates;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * The documented OptionResource (reference 06-securities.md §3): the equity fields plus the
 * contract's terms, then the spec's {@code Name} (the symbol, as PositionResource's {@code Name}).
 * Listed options trade on the options exchanges ({@code OPRAC}).
 */
public record OptionResource(int id, String symbol, String description, String exchange, String currency,
        String addedDate, String modifyDate, SecurityType type, int precision, int volumePrecision,
        BigDecimal tickSize, boolean enabled, boolean allowTrade, boolean allowMargin, boolean allowShort,
        OptionContract.Right optionType, OptionContract.ExpirationType expirationType, String expirationDate,
        BigDecimal strikePrice, int seriesId, String underlyingAssetSymbol, BigDecimal contractSize, String name) {

    public static final String EXCHANGE = "OPRAC";

    public static OptionResource of(OptionContract c) {
        Security u = c.underlying();
        long listed = c.listedOn().atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli();
        return new OptionResource(c.id(), c.symbol(), c.description(), EXCHANGE, u.currency(), Dates.iso(listed),
                Dates.iso(listed), SecurityType.Option, 2, 0, new BigDecimal("0.01"), u.enabled(),
                u.enabled() && u.allowTrade(), false, u.allowShort(), c.right(), c.expirationType(),
                midnight(c.expiration()), c.strike(), c.seriesId(), u.symbol(), OptionContract.CONTRACT_SIZE, c.symbol());
    }

    /** A date as the docs write expiration dates: {@code 2026-01-17T00:00:00Z}. */
    public static String midnight(LocalDate d) {
        return d + "T00:00:00Z";
    }
}
