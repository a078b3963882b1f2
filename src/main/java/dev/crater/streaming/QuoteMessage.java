package dev.crater.streaming;

import dev.crater.market.Quote;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A quote as the quote streamer sends it (reference 11 §5): the documented keys in the documented
 * order, every value a string; times {@code MM/dd/yyyy HH:mm:ss} in UTC (the docs' example
 * {@code "08/20/2015 20:00:00"} is the 16:00 New York close in UTC); numbers without trailing
 * zeros; booleans {@code "True"}/{@code "False"}. Fields Crater's simulated market has no value for
 * (fundamentals, sector, trade condition) are {@code "0"} or {@code ""}.
 */
final class QuoteMessage {
    static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("MM/dd/yyyy HH:mm:ss").withZone(ZoneOffset.UTC);

    private QuoteMessage() {
    }

    /**
     * @param askUpdate whether the ask differs from the one last sent of this key on the socket (or none was)
     * @param bidUpdate the same for the bid
     */
    static Map<String, String> of(Quote q, String exchange, boolean askUpdate, boolean bidUpdate) {
        String time = TIME.format(Instant.ofEpochMilli(q.timeMs()));
        BigDecimal change = q.change();
        BigDecimal pc = q.previousClose().signum() == 0 ? BigDecimal.ZERO
                : change.multiply(BigDecimal.valueOf(100)).divide(q.previousClose(), 4, RoundingMode.HALF_EVEN);
        String market = exchange == null ? "" : exchange;
        Map<String, String> m = new LinkedHashMap<>();
        m.put("EntityType", "Quote");
        m.put("QuoteTypes", "0");
        m.put("Ask", num(q.ask()));
        m.put("AskMarket", market);
        m.put("AskTime", time);
        m.put("AskUpdate", bool(askUpdate));
        m.put("Bid", num(q.bid()));
        m.put("BidMarket", market);
        m.put("BidTime", time);
        m.put("BidUpdate", bool(bidUpdate));
        m.put("Last", num(q.last()));
        m.put("Price", num(q.last()));
        m.put("LastMarket", market);
        m.put("Key", Integer.toString(q.securityId()));
        m.put("Date", time);
        m.put("High", num(q.high()));
        m.put("Low", num(q.low()));
        m.put("Open", num(q.open() == null ? BigDecimal.ZERO : q.open()));
        m.put("Close", num(q.last()));
        m.put("Volume", Long.toString(q.volume()));
        m.put("Change", num(change));
        m.put("ChangePc", num(pc));
        m.put("Week52Low", "0");
        m.put("Week52High", "0");
        m.put("Dividend", "0");
        m.put("DividendShare", "0");
        m.put("DividendYield", "0");
        m.put("MarketCap", "0");
        m.put("Eps", "0");
        m.put("DayHigh", num(q.high()));
        m.put("DayLow", num(q.low()));
        m.put("PeRatio", "0");
        m.put("OpenInterest", "0");
        m.put("TotalDailyVolume", Long.toString(q.volume()));
        m.put("AskSize", Long.toString(q.askSize()));
        m.put("BidSize", Long.toString(q.bidSize()));
        m.put("TradeCondition", "");
        m.put("Beta", "0");
        m.put("Sector", "");
        m.put("AverageVolume3Month", "0");
        m.put("PreviousClose", num(q.previousClose()));
        m.put("DontAffectCandle", "False");
        return m;
    }

    static String num(BigDecimal v) {
        return v.signum() == 0 ? "0" : v.stripTrailingZeros().toPlainString();
    }

    static String bool(boolean b) {
        return b ? "True" : "False";
    }
}
