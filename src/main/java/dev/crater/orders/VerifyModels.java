package dev.crater.orders;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
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

    /** A quote in verify answers (QuoteModel with the fields of the newest example). */
    @JsonPropertyOrder({"Symbol", "SecurityId", "Timestamp", "Ask", "Bid", "Last", "Mark", "Price", "Key", "High", "Low",
            "Open", "Close", "Change", "ChangePc", "TotalDailyVolume", "Volume", "OpenInterest", "AskSize", "BidSize",
            "PreviousClose", "IsHalted"})
    public record QuoteModel(String symbol, int securityId, String timestamp, BigDecimal ask, BigDecimal bid,
            BigDecimal last, BigDecimal mark, BigDecimal price, String key, BigDecimal high, BigDecimal low,
            BigDecimal open, BigDecimal close, BigDecimal change, BigDecimal changePc, long totalDailyVolume,
            long volume, int openInterest, long askSize, long bidSize, BigDecimal previousClose, boolean isHalted) {
        static QuoteModel of(Quote q) {
            BigDecimal change = q.change();
            BigDecimal pc = q.previousClose().signum() == 0 ? BigDecimal.ZERO
                    : change.multiply(BigDecimal.valueOf(100)).divide(q.previousClose(), 4, RoundingMode.HALF_EVEN);
            return new QuoteModel(q.symbol(), q.securityId(), Instant.ofEpochMilli(q.timeMs()).toString(), q.ask(),
                    q.bid(), q.last(), q.mark(), q.last(), String.valueOf(q.securityId()), q.high(), q.low(),
                    q.open() == null ? BigDecimal.ZERO : q.open(), q.last(), change, pc.stripTrailingZeros(),
                    q.volume(), q.volume(), 0, q.askSize(), q.bidSize(), q.previousClose(), q.halted());
        }
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
