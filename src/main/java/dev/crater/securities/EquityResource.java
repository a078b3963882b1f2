package dev.crater.securities;

import dev.crater.reference.Security;
import dev.crater.reference.SecurityType;
import dev.crater.http.Dates;
import java.math.BigDecimal;

/**
 * The documented EquityResource (reference 06-securities.md §2), field order as in the docs, then the
 * properties only the vendor spec defines: {@code ContractSize} (1 for a share), {@code FractionalSettings}
 * (null: Crater trades whole shares only) and {@code Industry} (null: not kept).
 */
public record EquityResource(int id, String symbol, String description, String exchange, String currency,
        String addedDate, String modifyDate, SecurityType type, int precision, int volumePrecision,
        BigDecimal tickSize, boolean enabled, boolean allowTrade, boolean allowMargin, boolean allowShort,
        BigDecimal contractSize, Object fractionalSettings, String industry) {

    public static EquityResource of(Security s) {
        return new EquityResource(s.id(), s.symbol(), s.description(), s.exchange(), s.currency(),
                Dates.iso(s.addedAtMs()), Dates.iso(s.modifiedAtMs()), s.type(), s.precision(), s.volumePrecision(),
                s.tickSize(), s.enabled(), s.allowTrade(), s.allowMargin(), s.allowShort(), BigDecimal.ONE, null, null);
    }
}
