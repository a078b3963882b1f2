package dev.crater.orders;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import dev.crater.market.Quote;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The answers of the verify calls (reference 04-orders.md §3): VerifyOrderModel and what it holds. */
public final class VerifyModels {
    private VerifyModels() {
    }

    /**
     * A quote in verify answers (QuoteModel with the fields of the newest example, then those only the
     * vendor spec defines). {@code Key} is the security id as a number (the spec's int32). Crater's
     * simulator quotes every security on its listing venue ({@code *Exchange}); it has no channels, quote
     * type masks or 52-week figures (null).
     */
    @JsonPropertyOrder({"Symbol", "SecurityId", "Timestamp", "Ask", "Bid", "Last", "Mark", "Price", "Key", "High", "Low",
            "Open", "Close", "Change", "ChangePc", "TotalDailyVolume", "Volume", "OpenInterest", "AskSize", "BidSize",
            "PreviousClose", "IsHalted", "AskExchange", "BidExchange", "Channel", "Date", "LastExchange", "QuoteTypes",
            "Week52High", "Week52Low"})
    public record QuoteModel(String symbol, int securityId, String timestamp, BigDecimal ask, BigDecimal bid,
            BigDecimal last, BigDecimal mark, BigDecimal price, int key, BigDecimal high, BigDecimal low,
            BigDecimal open, BigDecimal close, BigDecimal change, BigDecimal changePc, long totalDailyVolume,
            long volume, int openInterest, long askSize, long bidSize, BigDecimal previousClose, boolean isHalted,
            String askExchange, String bidExchange, String channel, String date, String lastExchange,
            Integer quoteTypes, BigDecimal week52High, BigDecimal week52Low) {
        static QuoteModel of(Quote q, String exchange) {
            BigDecimal change = q.change();
            BigDecimal pc = q.previousClose().signum() == 0 ? BigDecimal.ZERO
                    : change.multiply(BigDecimal.valueOf(100)).divide(q.previousClose(), 4, RoundingMode.HALF_EVEN);
            String time = Instant.ofEpochMilli(q.timeMs()).toString();
            return new QuoteModel(q.symbol(), q.securityId(), time, q.ask(),
                    q.bid(), q.last(), q.mark(), q.last(), q.securityId(), q.high(), q.low(),
                    q.open() == null ? BigDecimal.ZERO : q.open(), q.last(), change, pc.stripTrailingZeros(),
                    q.volume(), q.volume(), 0, q.askSize(), q.bidSize(), q.previousClose(), q.halted(), exchange,
                    exchange, null, time, exchange, null, null, null);
        }
    }

    /**
     * The verify calls' answer: VerifyOrderModel's documented keys in the documented order, then the
     * properties only the vendor spec's OrderPreviewResource / OrderVerifiedResource define. As in the
     * documented examples, keys without a value are left out (the error fields of a successful check;
     * {@code TotalCost} of a refusal; Crater has no basket rates and no minimum or maximum commission).
     * {@code OrderId} (the verified order's id) is sent by verify-replace and validate-by-id, whose model has
     * it.
     *
     * @param commissionRates the rates the commissions are computed at, under the keys of {@code Commissions}
     * @param currencyRate 1: every security trades in the account's currency (USD)
     * @param initialMarginRate the share of the order's value it reserves (Reg T and the engine's other rates)
     * @param marginRate the same as {@code initialMarginRate}
     */
    @JsonPropertyOrder({"IsSuccessful", "ErrorDescription", "ErrorDescriptionText", "ErrorDescriptionArgs", "Commission",
            "Commissions", "Cost", "NetCost", "TotalCost", "Quotes", "MarginChange", "BasketCurrencyRates",
            "CommissionRates", "CurrencyRate", "InitialMarginRate", "MaintenanceMarginRate", "MarginRate",
            "MaximumCommission", "MinimumCommission", "OrderId"})
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record OrderPreviewResource(boolean isSuccessful, String errorDescription, String errorDescriptionText,
            List<String> errorDescriptionArgs, BigDecimal commission, Map<String, BigDecimal> commissions,
            BigDecimal cost, BigDecimal netCost, BigDecimal totalCost, List<QuoteModel> quotes,
            BigDecimal marginChange, String basketCurrencyRates, Map<String, BigDecimal> commissionRates,
            BigDecimal currencyRate, BigDecimal initialMarginRate, BigDecimal maintenanceMarginRate,
            BigDecimal marginRate, BigDecimal maximumCommission, BigDecimal minimumCommission,
            Long orderId) {

        OrderPreviewResource withOrderId(long id) {
            return new OrderPreviewResource(isSuccessful, errorDescription, errorDescriptionText, errorDescriptionArgs,
                    commission, commissions, cost, netCost, totalCost, quotes, marginChange, basketCurrencyRates,
                    commissionRates, currencyRate, initialMarginRate, maintenanceMarginRate, marginRate,
                    maximumCommission, minimumCommission, id);
        }
    }

    /**
     * Validate-by-id's answer: the documented envelope {@code {"Model": {"OrderId", …}, "Errors": [],
     * "IsSucceed": true}} and, beside it, the vendor spec's OrderVerifiedResource at the top level, so
     * that a client written from the docs and one generated from the spec both find their fields.
     */
    @JsonPropertyOrder({"Model", "Errors", "IsSucceed"})
    public record ValidatedOrder(VerifiedOrder model, List<String> errors, boolean isSucceed,
            @JsonUnwrapped OrderPreviewResource verified) {
    }

    /** VerifyOrderModel; error fields are left out of a successful answer, as in the examples. */
    @JsonPropertyOrder({"IsSuccessful", "ErrorDescription", "ErrorDescriptionText", "ErrorDescriptionArgs", "Commission",
            "Commissions", "Cost", "NetCost", "TotalCost", "Quotes", "MarginChange"})
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record VerifyOrderModel(boolean isSuccessful, String errorDescription, String errorDescriptionText,
            List<String> errorDescriptionArgs, BigDecimal commission, Map<String, BigDecimal> commissions,
            BigDecimal cost, BigDecimal netCost, BigDecimal totalCost, List<QuoteModel> quotes,
            BigDecimal marginChange) {
    }

    /** validate-by-id's {@code Model}: the order id and its VerifyOrderModel. */
    @JsonPropertyOrder({"OrderId", "IsSuccessful", "ErrorDescription", "ErrorDescriptionText", "ErrorDescriptionArgs",
            "Commission", "Commissions", "Cost", "NetCost", "TotalCost", "Quotes", "MarginChange"})
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record VerifiedOrder(long orderId, boolean isSuccessful, String errorDescription,
            String errorDescriptionText, List<String> errorDescriptionArgs, BigDecimal commission,
            Map<String, BigDecimal> commissions, BigDecimal cost, BigDecimal netCost, BigDecimal totalCost,
            List<QuoteModel> quotes, BigDecimal marginChange) {
    }

}
