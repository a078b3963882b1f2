package dev.crater.alerts;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.math.BigDecimal;

/** The documented price-alert wire models (reference 08-price-alerts.md §2). */
public final class PriceAlertModels {

    private PriceAlertModels() {
    }

    /**
     * The request body, PriceAlertEditableModel. Fields are read as text (the documented numbers
     * and names, in any case, are both accepted) and checked by {@link AlertService}.
     */
    public record PriceAlertEditableModel(String field, String operator, BigDecimal argument, String securityId,
            String expirationDate, String state) {
    }

    /**
     * The answer, PriceAlertInfoModel, with the {@code Symbol} the get and list examples show.
     * Dates are Unix seconds; {@code ExpirationDate} is 0 for an alert that never expires.
     */
    @JsonPropertyOrder({"Id", "State", "CreatedDate", "Operator", "SecurityId", "Symbol", "Field", "Argument",
            "ExpirationDate"})
    public record PriceAlertInfoModel(long id, PriceAlert.State state, long createdDate, PriceAlert.Operator operator,
            int securityId, String symbol, PriceAlert.Field field, BigDecimal argument, long expirationDate) {
    }

    /** {@code {"Error": {"Code": …, "Message": …}}}: the documented 404 of the list without its parameters. */
    @JsonPropertyOrder({"Error"})
    public record VersionError(Detail error) {
        @JsonPropertyOrder({"Code", "Message"})
        public record Detail(String code, String message) {
        }

        static VersionError unsupported(String version) {
            return new VersionError(new Detail("UnsupportedApiVersion", "The requested resource with API version '"
                    + version + "' does not support HTTP method 'GET'."));
        }
    }
}
