package dev.crater.securities;

import dev.crater.reference.Security;
import dev.crater.reference.SecurityType;
import dev.crater.http.Dates;
import java.math.BigDecimal;

/**
 * The documented SecurityModel (reference 06-securities.md §7), used by the legacy
 * {@code /securities} routes and by watchlists. Fields Crater does not keep (CUSIP, ISIN, SEDOL,
 * sector, industry) are null; equities carry the documented placeholders for option terms.
 */
public record SecurityModel(String addedDate, String baseCurrency, BigDecimal contractSize, String currency,
        String cusip, String description, String exchange, String expirationDate,
        OptionContract.ExpirationType expirationType, int id, String industry, String isin, BigDecimal marginRate,
        String modifyDate, String optionType, int parentId, int precision, String sector, String sedol, int seriesId,
        int source, BigDecimal strikePrice, String suffix, String symbol, BigDecimal tickSize, SecurityType type,
        String underlyingSecuritySymbol, String unit, int volumePrecision) {

    public static SecurityModel of(Security s) {
        return new SecurityModel(Dates.iso(s.addedAtMs()), s.currency(), BigDecimal.ONE, s.currency(), null,
                s.description(), s.exchange(), "0001-01-01T00:00:00Z", OptionContract.ExpirationType.Undefined, s.id(),
                null, null, BigDecimal.ZERO, Dates.iso(s.modifiedAtMs()), "Undefined", -1, s.precision(), null, null,
                -1, 0, BigDecimal.ZERO, null, s.symbol(), s.tickSize(), s.type(), null, null, s.volumePrecision());
    }

    public static SecurityModel of(OptionContract c) {
        OptionResource o = OptionResource.of(c);
        return new SecurityModel(o.addedDate(), o.currency(), o.contractSize(), o.currency(), null, o.description(),
                o.exchange(), o.expirationDate(), o.expirationType(), o.id(), null, null, BigDecimal.ZERO,
                o.modifyDate(), o.optionType().name(), c.underlying().id(), o.precision(), null, null, o.seriesId(), 0,
                o.strikePrice(), null, o.symbol(), o.tickSize(), SecurityType.Option, o.underlyingAssetSymbol(), null,
                o.volumePrecision());
    }
}
