package dev.crater.market;

import java.math.BigDecimal;

/**
 * A security's quote at one market instant. Prices are exact decimals at the security's tick;
 * {@code open} is null before the day's regular open; {@code high}/{@code low} cover the trading day
 * so far (pre-market included); {@code volume} is the day's volume so far.
 */
public record Quote(int securityId, String symbol, long timeMs, BigDecimal bid, long bidSize, BigDecimal ask,
        long askSize, BigDecimal last, long volume, BigDecimal open, BigDecimal high, BigDecimal low,
        BigDecimal previousClose, Session session, boolean halted) {

    /** The midpoint of bid and ask. */
    public BigDecimal mark() {
        return bid.add(ask).divide(BigDecimal.valueOf(2));
    }

    public BigDecimal change() {
        return last.subtract(previousClose);
    }

    /**
     * Whether {@code other} shows the same market as this quote: bid, ask, last, their sizes, the
     * session and the halt. The ticker delivers a quote only when this changed, and a streamer socket
     * does not repeat one its client has.
     */
    public boolean sameMarketAs(Quote other) {
        return bid.equals(other.bid) && ask.equals(other.ask) && last.equals(other.last) && halted == other.halted
                && session == other.session && bidSize == other.bidSize && askSize == other.askSize;
    }
}
